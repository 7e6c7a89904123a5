//! Error statuses and bodies of the HTTP routes, exercised through the router without a socket.

use agentos_server::{ServerState, router};
use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode},
};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    call_with(router(ServerState::offline()), method, uri, body).await
}

async fn call_with(
    app: axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test]
async fn unknown_and_malformed_app_ids() {
    let (status, body) = call("GET", "/apps/not-a-uuid/state", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"],
        "invalid app id `not-a-uuid`: expected a UUID"
    );

    let ghost = "00000000-0000-4000-8000-000000000000";
    let (status, body) = call("GET", &format!("/apps/{ghost}/state"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], format!("no such app: {ghost}"));
}

#[tokio::test]
async fn invalid_blueprints_are_400_with_location() {
    let (status, body) = call("POST", "/apps", Some(json!({"blueprint": {"ui": {}}}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("missing `app` section"),
        "{body}"
    );

    let unknown_tool = json!({"blueprint": {"app": {"id": "t", "name": "T"}, "ui": {"components": [
        {"type": "button", "id": "bad", "on_event": {"click": "no.such"}}]}}});
    let (status, body) = call("POST", "/apps", Some(unknown_tool)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("unknown tool `no.such`"),
        "{body}"
    );

    let (status, body) = call("POST", "/apps", Some(json!({"nothing": 1}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("missing field `blueprint`"),
        "{body}"
    );

    let (status, body) = call("POST", "/generate-ui", Some(json!("not an object"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].is_string());

    let (status, body) = call("GET", "/nowhere", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "no route for /nowhere");

    let (status, body) = call("POST", "/generate-ui", Some(json!({"message": "  "}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "request is empty");
}

#[tokio::test]
async fn launched_app_events_and_their_errors() {
    let app = router(ServerState::offline());
    let blueprint = json!({"app": {"id": "t", "name": "T"}, "ui": {"components": [
        {"type": "input", "id": "display", "props": {"value": "0"}},
        {"type": "button", "id": "nine", "props": {"text": "9"}, "on_event": {"click": "ui.append"}}
    ]}});
    let (status, body) = call_with(
        app.clone(),
        "POST",
        "/apps",
        Some(json!({"blueprint": blueprint})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let id = body["app_id"].as_str().unwrap().to_owned();

    let (status, body) = call_with(
        app.clone(),
        "POST",
        &format!("/apps/{id}/events"),
        Some(json!({"component_id": "nine", "event": "click"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["changes"], json!({"display": "9"}));

    let (status, body) = call_with(
        app.clone(),
        "POST",
        &format!("/apps/{id}/events"),
        Some(json!({"component_id": "nine", "event": "hover"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("no binding for event `hover`"),
        "{body}"
    );

    let (status, _) = call_with(
        app.clone(),
        "POST",
        &format!("/apps/{id}/events"),
        Some(json!({"component_id": "zzz", "event": "click"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = call_with(app.clone(), "GET", &format!("/apps/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["blueprint"]["app"]["id"], "t");
    assert_eq!(body["state"]["display"], "9");

    let (status, body) = call_with(app.clone(), "DELETE", &format!("/apps/{id}"), None).await;
    assert_eq!(
        (status, body["success"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (status, _) = call_with(app, "GET", &format!("/apps/{id}/state"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn browsers_get_the_desktop_and_clients_get_json() {
    let request = Request::builder()
        .uri("/")
        .header("accept", "text/html,application/xhtml+xml")
        .body(Body::empty())
        .unwrap();
    let response = router(ServerState::offline())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    assert!(
        std::str::from_utf8(&html)
            .unwrap()
            .contains("/assets/js/main.js")
    );

    let (status, body) = call("GET", "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["service"], "AgentOS");

    let request = Request::builder()
        .uri("/assets/js/render.js")
        .body(Body::empty())
        .unwrap();
    let response = router(ServerState::offline())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );

    let (status, body) = call("GET", "/assets/nope.js", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "no asset nope.js");
}

#[tokio::test]
async fn scheduler_routes_follow_the_reference() {
    let app = router(ServerState::offline());
    let (status, body) = call_with(app.clone(), "GET", "/kernel/scheduler/stats", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["success"], true);
    assert!(
        body["stats"]["quantum_micros"].as_u64().unwrap() > 0,
        "{body}"
    );

    let (status, body) = call_with(
        app.clone(),
        "PUT",
        "/kernel/scheduler/policy",
        Some(json!({"policy": "RoundRobin"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, stats) = call_with(app.clone(), "GET", "/kernel/scheduler/stats", None).await;
    assert_eq!(stats["stats"]["policy"], body["policy"]);

    let (status, body) = call_with(
        app.clone(),
        "PUT",
        "/kernel/scheduler/policy",
        Some(json!({"policy": "Lottery"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"],
        "Invalid policy. Must be RoundRobin, Priority, or Fair"
    );

    let (status, body) = call_with(app, "POST", "/kernel/schedule-next", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["success"], true);
}
