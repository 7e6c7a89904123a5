//! The prebuilt system apps (`apps/system/`): file explorer, hub, app launcher, system
//! analysis, task manager and settings, driven through `Runtime::dispatch`.

mod common;

use std::collections::BTreeSet;

use agentos_tools::{AppId, Launch, UiEvent};
use common::apps::{
    change, click, click_with, error_logs, folder_app_ids, ids, launch, names, runtime,
    seeded_runtime, state,
};
use serde_json::{Map, Value, json};

#[test]
fn file_explorer_creates_lists_reads_copies_and_deletes() {
    let runtime = runtime();
    let app = launch(&runtime, "system/file-explorer.bp");

    click(&runtime, app, "new-folder");
    click(&runtime, app, "new-file");
    let listing = click(&runtime, app, "refresh").changes["listing"].clone();
    assert_eq!(names(&listing), ["readme.txt"]);
    assert_eq!(listing["count"], 1);

    let content = click(&runtime, app, "open-file").changes["file-content"].clone();
    assert!(
        content["content"]
            .as_str()
            .unwrap()
            .starts_with("Welcome to AgentOS.")
    );
    let info = click(&runtime, app, "file-info").changes["details"].clone();
    assert_eq!(info["name"], "readme.txt");
    assert_eq!(info["is_dir"], false);
    assert_eq!(info["extension"], "txt");

    click(&runtime, app, "new-archive");
    click(&runtime, app, "copy-file");
    click(&runtime, app, "move-file");
    let archive = click(&runtime, app, "place-archive").changes["listing"].clone();
    assert_eq!(names(&archive), ["readme-old.txt"]);

    let home = click(&runtime, app, "place-home").changes["listing"].clone();
    let home = names(&home);
    assert!(home.contains(&"documents".to_owned()) && home.contains(&"archive".to_owned()));
    let tree = click(&runtime, app, "show-tree").changes["tree"].clone();
    assert_eq!(tree["is_dir"], true);

    click(&runtime, app, "delete-file");
    assert_eq!(
        click(&runtime, app, "check-exists").changes["details"]["exists"],
        false
    );
    let listing = click(&runtime, app, "refresh").changes["listing"].clone();
    assert!(names(&listing).is_empty());
    // A second create of the same file is refused, not silently overwritten.
    click(&runtime, app, "new-file");
    assert!(runtime.dispatch(app, &UiEvent::click("new-file")).is_err());
}

#[test]
fn hub_loads_the_registry_and_launches_an_app() {
    let runtime = seeded_runtime();
    let app = runtime.launch_package("hub", Launch::default()).unwrap();
    assert!(error_logs(&runtime, app).is_empty());

    let listed = ids(&state(&runtime, app, "hub_apps"));
    for id in folder_app_ids() {
        assert!(listed.contains(&id), "hub lists {id}");
    }
    let total = runtime.packages(None).len();
    assert_eq!(
        state(&runtime, app, "all-count"),
        format!("{total} apps available")
    );
    let system = runtime.packages(Some("system")).len();
    assert_eq!(
        state(&runtime, app, "system-count"),
        format!("{system} apps")
    );
    assert_eq!(state(&runtime, app, "hub-tabs"), "all");

    let patch = click(&runtime, app, "open-calculator");
    let launched: AppId = patch.result["app_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        runtime.app_summary(launched).unwrap().blueprint_id,
        "calculator"
    );
    assert_eq!(runtime.focused(), Some(launched));
    assert_eq!(runtime.list().len(), 2);
}

#[test]
fn app_launcher_filters_by_category_and_launches_from_the_grid() {
    let runtime = seeded_runtime();
    let app = launch(&runtime, "system/app-launcher.bp");
    assert_eq!(
        ids(&state(&runtime, app, "hub_apps")).len(),
        runtime.packages(None).len()
    );

    click(&runtime, app, "filter-productivity");
    let apps = state(&runtime, app, "hub_apps");
    let productivity = ids(&apps);
    assert!(productivity.contains("notes") && productivity.contains("pomodoro"));
    assert!(
        apps.as_array()
            .unwrap()
            .iter()
            .all(|package| package["category"] == "productivity")
    );

    let patch = click_with(&runtime, app, "hub_apps", json!("notes"));
    assert_eq!(patch.result["package_id"], "notes");
    let favourite = click(&runtime, app, "fav-browser");
    assert_eq!(favourite.result["package_id"], "browser");
    let running: BTreeSet<String> = runtime
        .list()
        .into_iter()
        .map(|summary| summary.blueprint_id)
        .collect();
    assert_eq!(
        running,
        ["app-launcher", "browser", "notes"]
            .map(str::to_owned)
            .into()
    );
}

#[test]
fn system_analysis_refreshes_automatically_and_exports() {
    let runtime = runtime();
    let app = launch(&runtime, "system/system-analysis.bp");
    assert_eq!(state(&runtime, app, "analysis.refreshes"), 1);
    assert!(state(&runtime, app, "cpu-count").as_u64().unwrap() >= 1);
    assert_eq!(state(&runtime, app, "app-count"), 1);
    assert!(
        state(&runtime, app, "analysis.timer").is_u64(),
        "auto refresh on"
    );

    let patch = click(&runtime, app, "refresh-now");
    assert!(patch.changes["analysis.refreshes"].as_u64().unwrap() >= 2);
    let host = click(&runtime, app, "host-details").changes["host-info"].clone();
    assert_eq!(host["os"], std::env::consts::OS);

    let csv = click(&runtime, app, "export-csv");
    assert_eq!(csv.effects[0]["type"], "download");
    assert_eq!(csv.effects[0]["filename"], "analysis.csv");
    assert!(
        csv.result["content"]
            .as_str()
            .unwrap()
            .starts_with("metric,value\n")
    );
    let exported = click(&runtime, app, "export-json");
    let snapshot: Value =
        serde_json::from_str(exported.result["content"].as_str().unwrap()).unwrap();
    assert_eq!(snapshot["app_count"], 1);

    let paused = click(&runtime, app, "pause-auto");
    assert_eq!(paused.result["stopped"], true);
    assert_eq!(state(&runtime, app, "analysis.timer"), Value::Null);
    click(&runtime, app, "resume-auto");
    assert!(state(&runtime, app, "analysis.timer").is_u64());
    runtime.close(app).unwrap();
}

#[test]
fn task_manager_shows_system_info_and_running_apps() {
    let runtime = runtime();
    let app = launch(&runtime, "system/task-manager.bp");
    assert_eq!(state(&runtime, app, "views"), "overview");

    let info = click(&runtime, app, "refresh-info").changes["system-info"].clone();
    assert_eq!(info["os"], std::env::consts::OS);
    assert_eq!(info["arch"], std::env::consts::ARCH);
    assert_eq!(info["total_apps"], 1);
    let time = click(&runtime, app, "refresh-time").changes["system-time"].clone();
    assert!(time["unix_ms"].as_u64().unwrap() > 1_600_000_000_000);

    change(&runtime, app, "views", json!("processes"));
    let apps = click(&runtime, app, "list-apps").changes["running-apps"].clone();
    assert_eq!(apps["apps"][0]["blueprint_id"], "task-manager");
    assert_eq!(apps["stats"]["total_apps"], 1);
    assert_eq!(
        click(&runtime, app, "show-overview").changes["views"],
        "overview"
    );
}

#[test]
fn settings_save_each_change_and_survive_a_relaunch() {
    let runtime = runtime();
    let app = launch(&runtime, "system/settings.bp");
    assert_eq!(state(&runtime, app, "theme"), "system");
    assert_eq!(state(&runtime, app, "settings-sections"), "appearance");

    let saved = change(&runtime, app, "theme", json!("dark"));
    assert_eq!(saved.result["stored"], true);
    change(&runtime, app, "font-size", json!(18));
    change(&runtime, app, "notify-enabled", json!(false));
    change(&runtime, app, "accent-green", json!(true));
    assert_eq!(
        click(&runtime, app, "nav-about").changes["settings-sections"],
        "about"
    );
    assert_eq!(
        click(&runtime, app, "show-saved-theme").changes["saved-theme"]["value"],
        "dark"
    );
    let info = click(&runtime, app, "about-refresh").changes["about-info"].clone();
    assert_eq!(info["os"], std::env::consts::OS);
    let notify = click(&runtime, app, "notify-test");
    assert_eq!(notify.effects[0]["type"], "notification");

    runtime.close(app).unwrap();
    let again = launch(&runtime, "system/settings.bp");
    assert_eq!(
        click(&runtime, again, "show-saved-theme").changes["saved-theme"]["value"],
        "dark",
        "stored through the kernel, not in the window"
    );
    let mut args = Map::new();
    args.insert("key".to_owned(), json!("accent"));
    let accent = runtime.call_tool(again, "storage.get", args).unwrap();
    assert_eq!(accent.result["value"], "green");
    click(&runtime, again, "reset-settings");
    assert_eq!(
        click(&runtime, again, "show-saved-theme").changes["saved-theme"]["value"],
        Value::Null
    );
}
