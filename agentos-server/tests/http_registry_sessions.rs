//! Registry, sessions and the app manager over real HTTP, persisted in a data directory that
//! outlives the server.

use std::path::Path;

use agentos_server::{ServerConfig, ServerState};
use serde_json::{Value, json};

const SHOPPING: &str = r#"{"app": {"id": "shopping", "name": "Shopping", "category": "productivity"},
  "ui": {"title": "Shopping", "components": [
    {"type": "input", "id": "display", "props": {"value": "0"}},
    {"type": "button", "id": "one", "props": {"text": "1"}, "on_event": {"click": "ui.append"}}
  ]}}"#;

async fn start(data_dir: &Path, apps_dir: &Path) -> String {
    let state = ServerState::new(ServerConfig {
        data_dir: Some(data_dir.to_path_buf()),
        apps_dir: Some(apps_dir.to_path_buf()),
        ..ServerConfig::default()
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(agentos_server::serve(listener, state));
    format!("http://{address}")
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {url}");
    response.json().await.unwrap()
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> Value {
    let response = client.post(&url).json(&body).send().await.unwrap();
    let status = response.status();
    let value: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "POST {url}: {value}");
    value
}

#[tokio::test]
async fn registry_sessions_and_windows_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let apps = tempfile::tempdir().unwrap();
    std::fs::create_dir(apps.path().join("productivity")).unwrap();
    std::fs::write(apps.path().join("productivity/shopping.bp"), SHOPPING).unwrap();
    let client = reqwest::Client::new();
    let base = start(data.path(), apps.path()).await;

    let listing = get(&client, format!("{base}/registry/apps")).await;
    let ids: Vec<&str> = listing["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|app| app["id"].as_str().unwrap())
        .collect();
    for expected in ["shopping", "calculator", "settings", "app-launcher"] {
        assert!(ids.contains(&expected), "{expected} missing from {ids:?}");
    }
    let productivity = get(
        &client,
        format!("{base}/registry/apps?category=productivity"),
    )
    .await;
    assert!(
        productivity["apps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|app| app["category"] == "productivity")
    );

    let launched = post(
        &client,
        format!("{base}/registry/apps/shopping/launch"),
        json!({}),
    )
    .await;
    let app_id = launched["app_id"].as_str().unwrap().to_owned();
    assert_eq!(launched["title"], "Shopping");
    post(
        &client,
        format!("{base}/apps/{app_id}/events"),
        json!({"component_id": "one", "event": "click"}),
    )
    .await;
    let window =
        json!({"position": {"x": 120.0, "y": 80.0}, "size": {"width": 640.0, "height": 480.0}});
    post(&client, format!("{base}/apps/{app_id}/window"), window).await;
    post(&client, format!("{base}/apps/{app_id}/focus"), json!({})).await;

    let saved = post(
        &client,
        format!("{base}/registry/save"),
        json!({"app_id": app_id, "category": "productivity"}),
    )
    .await;
    let package_id = saved["package_id"].as_str().unwrap().to_owned();
    let package = get(&client, format!("{base}/registry/apps/{package_id}")).await;
    assert_eq!(package["id"], package_id.as_str());

    let session = post(
        &client,
        format!("{base}/sessions/save"),
        json!({"name": "work"}),
    )
    .await;
    let session_id = session["session"]["id"].as_str().unwrap().to_owned();

    // A second server on the same data directory sees what the first one persisted.
    let base = start(data.path(), apps.path()).await;
    let listing = get(&client, format!("{base}/registry/apps")).await;
    assert!(
        listing["apps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|app| app["id"] == package_id.as_str())
    );
    let sessions = get(&client, format!("{base}/sessions")).await;
    assert!(
        sessions["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == session_id.as_str())
    );

    let restored = post(
        &client,
        format!("{base}/sessions/{session_id}/restore"),
        json!({}),
    )
    .await;
    let new_id = restored["workspace"]["apps"][&app_id]
        .as_str()
        .unwrap()
        .to_owned();
    let state = get(&client, format!("{base}/apps/{new_id}/state")).await;
    assert_eq!(state["state"]["display"], "1");
    let running = get(&client, format!("{base}/apps")).await;
    let app = running["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["app_id"] == new_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(app["window"]["x"], 120.0);
    assert_eq!(app["window"]["width"], 640.0);

    let deleted = client
        .delete(format!("{base}/registry/apps/{package_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let missing = client
        .get(format!("{base}/registry/apps/{package_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let deleted = client
        .delete(format!("{base}/sessions/{session_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let missing = client
        .get(format!("{base}/sessions/{session_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn services_catalogue_discovery_and_execution() {
    let data = tempfile::tempdir().unwrap();
    let apps = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let base = start(data.path(), apps.path()).await;

    let services = get(&client, format!("{base}/services")).await;
    assert!(
        services["stats"]["total_services"].as_u64().unwrap() >= 5,
        "{services}"
    );
    let discovered = post(
        &client,
        format!("{base}/services/discover"),
        json!({"message": "use math to compute the mean of my numbers"}),
    )
    .await;
    assert_eq!(discovered["services"][0]["id"], "math", "{discovered}");

    let launched = post(
        &client,
        format!("{base}/registry/apps/calculator/launch"),
        json!({}),
    )
    .await;
    let app_id = launched["app_id"].as_str().unwrap();
    let result = post(
        &client,
        format!("{base}/services/execute"),
        json!({"tool_id": "math.mean", "params": {"numbers": [1, 2, 3, 6]}, "app_id": app_id}),
    )
    .await;
    assert_eq!(result["success"], true);
    assert_eq!(result["data"], json!(3.0), "{result}");

    let response = client
        .post(format!("{base}/services/execute"))
        .json(&json!({"tool_id": "math.mean", "params": {"numbers": "nope"}, "app_id": app_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("numbers"),
        "{body}"
    );

    let response = client
        .post(format!("{base}/services/execute"))
        .json(&json!({"tool_id": "math.mean", "params": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}
