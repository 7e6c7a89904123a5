//! The prebuilt apps under `apps/`: every `.bp` parses against the built-in tool catalogue with
//! no diagnostic and launches cleanly, seeding keeps user saves, and a real server whose
//! registry is seeded from `apps/` lists them all.

mod common;

use std::collections::BTreeSet;

use agentos_server::ServerState;
use agentos_tools::Launch;
use common::apps::{
    apps_dir, blueprint, bp_files, error_logs, folder_app_ids, ids, launch, seeded_runtime,
};
use serde_json::{Value, json};

#[test]
fn every_app_parses_cleanly_with_unique_ids_in_its_category_folder() {
    let files = bp_files();
    let expected = [
        "productivity/habit-tracker.bp",
        "productivity/notes.bp",
        "productivity/pomodoro.bp",
        "system/app-launcher.bp",
        "system/file-explorer.bp",
        "system/hub.bp",
        "system/settings.bp",
        "system/system-analysis.bp",
        "system/task-manager.bp",
        "utilities/browser.bp",
        "utilities/calculator.bp",
        "utilities/unit-converter.bp",
    ];
    for name in expected {
        assert!(files.contains(&apps_dir().join(name)), "missing {name}");
    }
    let mut seen = BTreeSet::new();
    for path in &files {
        let relative = path.strip_prefix(apps_dir()).unwrap();
        let bp = blueprint(relative.to_str().unwrap());
        let folder = relative.parent().unwrap().to_str().unwrap();
        assert_eq!(bp.app.category, folder, "{}", relative.display());
        assert!(!bp.app.name.is_empty() && !bp.app.icon.is_empty());
        assert!(!bp.app.description.is_empty(), "{}", relative.display());
        assert!(seen.insert(bp.app.id.clone()), "duplicate id {}", bp.app.id);
        assert!(!bp.ui.components.is_empty(), "{}", relative.display());
    }
}

#[test]
fn every_app_launches_and_its_on_mount_hooks_succeed() {
    let runtime = seeded_runtime();
    for path in bp_files() {
        let relative = path.strip_prefix(apps_dir()).unwrap();
        let app = launch(&runtime, relative.to_str().unwrap());
        assert_eq!(runtime.focused(), Some(app));
        runtime.close(app).unwrap();
    }
    assert_eq!(runtime.stats().total_apps, 0);
}

#[test]
fn seeding_keeps_user_saves_and_lists_every_prebuilt_app() {
    let runtime = seeded_runtime();
    let packages = runtime.packages(None);
    let listed: BTreeSet<String> = packages.iter().map(|p| p.id.clone()).collect();
    for id in folder_app_ids() {
        assert!(listed.contains(&id), "registry lists {id}");
    }
    // The folder's calculator, settings and launcher win over the built-in defaults.
    for id in ["calculator", "settings", "app-launcher"] {
        assert_eq!(runtime.package(id).unwrap().source, "apps-folder", "{id}");
    }
    // Every package launches from the registry.
    for package in &packages {
        let app = runtime
            .launch_package(&package.id, Launch::default())
            .unwrap();
        assert!(error_logs(&runtime, app).is_empty(), "{}", package.id);
        runtime.close(app).unwrap();
    }
    // A second seed changes nothing.
    let again = runtime.seed_apps_dir_ambient(&apps_dir()).unwrap();
    assert!(again.added.is_empty(), "{:?}", again.added);
    assert!(again.errors.is_empty());
}

/// The server does not seed the registry from `apps/` itself yet, so this seeds the server's
/// runtime through the agentos-tools registry API, serves it on 127.0.0.1:0 and drives the Hub
/// over real HTTP: its `hub.load_apps` mount hook must list every prebuilt app.
#[tokio::test]
async fn a_served_hub_lists_every_prebuilt_app_over_http() {
    let state = ServerState::offline();
    let report = state
        .runtime
        .start_registry_ambient(Some(&apps_dir()))
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(agentos_server::serve(listener, state));
    let base = format!("http://{address}");
    let client = reqwest::Client::new();

    let hub: Value =
        serde_json::from_str(&std::fs::read_to_string(apps_dir().join("system/hub.bp")).unwrap())
            .unwrap();
    let response = client
        .post(format!("{base}/apps"))
        .json(&json!({"blueprint": hub}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let launched: Value = response.json().await.unwrap();
    let app_id = launched["app_id"].as_str().unwrap().to_owned();

    let body: Value = common::get_json(&client, format!("{base}/apps/{app_id}/state")).await;
    let listed = ids(&body["state"]["hub_apps"]);
    let expected = tokio::task::spawn_blocking(folder_app_ids).await.unwrap();
    for id in &expected {
        assert!(listed.contains(id), "served hub lists {id}");
    }

    let response = client
        .post(format!("{base}/apps/{app_id}/events"))
        .json(&json!({"component_id": "open-notes", "event": "click"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let running: Value = common::get_json(&client, format!("{base}/apps")).await;
    let running: Vec<&str> = running["apps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|app| app["blueprint_id"].as_str())
        .collect();
    assert!(running.contains(&"notes"), "{running:?}");
}
