//! The prebuilt apps under `apps/`: every `.bp` parses against the built-in tool catalogue with
//! no diagnostic and launches cleanly; each app's main interaction works through
//! `Runtime::dispatch`; and a real server whose registry is seeded from `apps/` lists them all.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    time::Duration,
};

use agentos_blueprint::{Blueprint, parse_with};
use agentos_kernel::Kernel;
use agentos_server::ServerState;
use agentos_tools::{AppId, Launch, Registry, Runtime, UiEvent};
use serde_json::{Map, Value, json};

/// The repository's `apps/` folder.
fn apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("apps")
}

/// Every `.bp` file under `apps/`, found by walking the folder, sorted.
fn bp_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "bp") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&apps_dir(), &mut files);
    files.sort();
    files
}

/// Parses `apps/<relative>` against the built-in tool catalogue, insisting on no diagnostics.
fn blueprint(relative: &str) -> Blueprint {
    let path = apps_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    let registry = Registry::builtin();
    let tools = |tool: &str| registry.contains(tool);
    let parsed = parse_with(&text, &tools);
    assert!(
        parsed.diagnostics.is_empty(),
        "{}: {:#?}",
        path.display(),
        parsed.diagnostics
    );
    parsed.into_result().unwrap()
}

/// A fresh in-memory runtime with the built-in tools.
fn runtime() -> Runtime {
    Runtime::new(Kernel::new(), Registry::builtin())
}

/// A runtime whose app registry is seeded from `apps/` (and the built-in defaults).
fn seeded_runtime() -> Runtime {
    let runtime = runtime();
    let report = runtime.start_registry_ambient(Some(&apps_dir())).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    runtime
}

/// Launches `apps/<relative>` and checks its `on_mount` hooks logged no error.
fn launch(runtime: &Runtime, relative: &str) -> AppId {
    let app = runtime.launch(blueprint(relative)).unwrap();
    assert_eq!(error_logs(runtime, app), Vec::<Value>::new(), "{relative}");
    app
}

/// The runtime's error-level log entries (failed hooks land there).
fn error_logs(runtime: &Runtime, app: AppId) -> Vec<Value> {
    let mut args = Map::new();
    args.insert("level".to_owned(), json!("error"));
    let patch = runtime.call_tool(app, "system.getLogs", args).unwrap();
    patch.result["logs"].as_array().unwrap().clone()
}

fn click(runtime: &Runtime, app: AppId, component: &str) -> agentos_tools::Patch {
    runtime
        .dispatch(app, &UiEvent::click(component))
        .unwrap_or_else(|err| panic!("click {component}: {err}"))
}

fn change(runtime: &Runtime, app: AppId, component: &str, value: Value) -> agentos_tools::Patch {
    runtime
        .dispatch(app, &UiEvent::change(component, value))
        .unwrap_or_else(|err| panic!("change {component}: {err}"))
}

/// A click that carries a value, as a renderer sends for an item of a list or grid.
fn click_with(
    runtime: &Runtime,
    app: AppId,
    component: &str,
    value: Value,
) -> agentos_tools::Patch {
    let event = UiEvent {
        component_id: component.to_owned(),
        event: "click".to_owned(),
        value: Some(value),
    };
    runtime
        .dispatch(app, &event)
        .unwrap_or_else(|err| panic!("click {component}: {err}"))
}

fn state(runtime: &Runtime, app: AppId, key: &str) -> Value {
    runtime
        .state(app)
        .unwrap()
        .get(key)
        .cloned()
        .unwrap_or(Value::Null)
}

fn names(listing: &Value) -> Vec<String> {
    listing["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["name"].as_str().unwrap().to_owned())
        .collect()
}

fn ids(packages: &Value) -> BTreeSet<String> {
    packages
        .as_array()
        .unwrap()
        .iter()
        .map(|package| package["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The `app.id` of every `.bp` under `apps/`.
fn folder_app_ids() -> BTreeSet<String> {
    bp_files()
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(apps_dir()).unwrap();
            blueprint(relative.to_str().unwrap()).app.id
        })
        .collect()
}

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
fn calculator_computes_twelve_times_three() {
    let runtime = runtime();
    let app = launch(&runtime, "utilities/calculator.bp");
    assert_eq!(state(&runtime, app, "display"), "0");
    let keys = blueprint("utilities/calculator.bp")
        .ui
        .all_components()
        .filter(|component| component.kind == "button" && component.id != "btn-clear")
        .filter(|component| component.id != "btn-backspace")
        .count();
    assert_eq!(keys, 16, "a full 4×4 keypad");
    for key in ["btn-1", "btn-2", "btn-multiply", "btn-3"] {
        click(&runtime, app, key);
    }
    assert_eq!(state(&runtime, app, "display"), "12×3");
    let patch = click(&runtime, app, "btn-equals");
    assert_eq!(patch.changes["display"], "36");

    for key in [
        "btn-decimal",
        "btn-5",
        "btn-divide",
        "btn-2",
        "btn-backspace",
        "btn-4",
    ] {
        click(&runtime, app, key);
    }
    assert_eq!(state(&runtime, app, "display"), "36.5÷4");
    assert_eq!(
        click(&runtime, app, "btn-equals").changes["display"],
        "9.125"
    );
    assert_eq!(click(&runtime, app, "btn-clear").changes["display"], "0");
    for key in [
        "btn-7",
        "btn-subtract",
        "btn-9",
        "btn-add",
        "btn-0",
        "btn-equals",
    ] {
        click(&runtime, app, key);
    }
    assert_eq!(state(&runtime, app, "display"), "-2");
}

#[test]
fn notes_create_edit_save_list_and_delete() {
    let runtime = runtime();
    let app = launch(&runtime, "productivity/notes.bp");
    assert_eq!(state(&runtime, app, "notes"), json!([]), "on_mount listed");

    click(&runtime, app, "new-note");
    let id = state(&runtime, app, "current_note");
    assert!(id.as_str().unwrap().starts_with("note-"));
    change(&runtime, app, "note-title", json!("Groceries"));
    change(&runtime, app, "note-content", json!("milk, eggs"));
    let patch = click(&runtime, app, "save-note");
    assert_eq!(patch.result["title"], "Groceries");
    assert_eq!(patch.result["content"], "milk, eggs");
    let notes = state(&runtime, app, "notes");
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!(notes[0]["id"], id);
    assert_eq!(notes[0]["title"], "Groceries");

    // The note is on disk: a second Notes window lists it at mount.
    let second = launch(&runtime, "productivity/notes.bp");
    assert_eq!(state(&runtime, second, "notes")[0]["title"], "Groceries");

    click(&runtime, app, "close-note");
    assert_eq!(state(&runtime, app, "current_note"), Value::Null);
    assert_eq!(state(&runtime, app, "note-title"), "");
    change(&runtime, app, "note-title", json!("Ideas"));
    click(&runtime, app, "save-note");
    assert_eq!(state(&runtime, app, "notes").as_array().unwrap().len(), 2);

    click(&runtime, app, "delete-note");
    let notes = state(&runtime, app, "notes");
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!(notes[0]["title"], "Groceries");
    click(&runtime, second, "refresh-notes");
    assert_eq!(state(&runtime, second, "notes"), notes);
}

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
fn browser_navigates_the_iframe_with_history() {
    let runtime = runtime();
    let app = launch(&runtime, "utilities/browser.bp");
    let bp = blueprint("utilities/browser.bp");
    assert_eq!(bp.ui.components[0].id, "nav-bar");
    assert!(bp.ui.all_components().any(|c| c.kind == "iframe"));

    change(&runtime, app, "url-input", json!("example.com"));
    let patch = click(&runtime, app, "go");
    assert_eq!(patch.changes["browser-frame"], "https://example.com");
    click(&runtime, app, "bookmark-rust");
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://www.rust-lang.org"
    );
    click(&runtime, app, "back");
    assert_eq!(state(&runtime, app, "browser-frame"), "https://example.com");
    click(&runtime, app, "forward");
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://www.rust-lang.org"
    );
    let reload = click(&runtime, app, "reload");
    assert_eq!(reload.effects[0]["type"], "reload");
    assert_eq!(reload.effects[0]["url"], "https://www.rust-lang.org");

    // Pressing Enter in the address bar navigates too; a non-address is refused.
    change(&runtime, app, "url-input", json!("docs.rs/serde"));
    let submit = UiEvent {
        component_id: "url-input".to_owned(),
        event: "submit".to_owned(),
        value: None,
    };
    runtime.dispatch(app, &submit).unwrap();
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://docs.rs/serde"
    );
    change(&runtime, app, "url-input", json!("javascript:alert(1)"));
    assert!(runtime.dispatch(app, &UiEvent::click("go")).is_err());
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://docs.rs/serde"
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

#[test]
fn pomodoro_counts_down_every_second() {
    let runtime = runtime();
    let app = launch(&runtime, "productivity/pomodoro.bp");
    assert_eq!(state(&runtime, app, "remaining"), "1500");
    let short = click(&runtime, app, "preset-short");
    assert_eq!(short.changes["remaining"], "300");
    assert_eq!(short.changes["phase"], "Short break");

    let patches = runtime.subscribe(app).unwrap();
    let started = click(&runtime, app, "start");
    let timer = started.result["timer_id"].as_u64().unwrap();
    assert_eq!(state(&runtime, app, "countdown")["timer_id"], timer);
    let tick = loop {
        let patch = patches.recv_timeout(Duration::from_secs(10)).unwrap();
        if let Some(remaining) = patch.changes.get("remaining") {
            break remaining.clone();
        }
    };
    assert_eq!(tick, "299");
    let pending = click(&runtime, app, "pending").changes["timers"].clone();
    assert!(
        pending["timers"]
            .as_array()
            .unwrap()
            .contains(&json!(timer))
    );
    let reminder = click(&runtime, app, "alarm");
    assert!(reminder.result["timer_id"].as_u64().unwrap() > timer);

    // The countdown's expression stops at zero instead of going negative.
    let bp = runtime.blueprint(app).unwrap();
    let start = bp.ui.all_components().find(|c| c.id == "start").unwrap();
    let tick_args = start.on_event["click"].args["args"]
        .as_object()
        .unwrap()
        .clone();
    for (from, to) in [("2", "1"), ("1", "0"), ("0", "0")] {
        let mut set = Map::new();
        set.insert("key".to_owned(), json!("remaining"));
        set.insert("value".to_owned(), json!(from));
        runtime.call_tool(app, "ui.set", set).unwrap();
        runtime
            .call_tool(app, "ui.compute", tick_args.clone())
            .unwrap();
        let now = state(&runtime, app, "remaining");
        // The interval may fire in between: it only ever moves towards zero, never below.
        assert!(now == to || now == "0", "{from} → {now}");
    }
    runtime.close(app).unwrap();
}

#[test]
fn unit_converter_converts_as_you_type() {
    let runtime = runtime();
    let app = launch(&runtime, "utilities/unit-converter.bp");
    let miles = change(&runtime, app, "km", json!("10")).changes["miles"].clone();
    let miles: f64 = miles.as_str().unwrap().parse().unwrap();
    assert!((miles - 6.213_711_922).abs() < 1e-6, "{miles}");
    assert_eq!(
        change(&runtime, app, "celsius", json!(100)).changes["fahrenheit"],
        "212"
    );
    assert_eq!(
        change(&runtime, app, "celsius", json!("-40")).changes["fahrenheit"],
        "-40"
    );
    let feet = change(&runtime, app, "metres", json!("3.048")).changes["feet"].clone();
    assert_eq!(feet, "10");
    let pounds = change(&runtime, app, "kilograms", json!("1")).changes["pounds"].clone();
    let pounds: f64 = pounds.as_str().unwrap().parse().unwrap();
    assert!((pounds - 2.204_622_62).abs() < 1e-6, "{pounds}");

    let boiling = click(&runtime, app, "ref-boiling").changes["reference"].clone();
    assert_eq!(
        boiling.as_f64().or_else(|| boiling["result"].as_f64()),
        Some(212.0)
    );
    let marathon = click(&runtime, app, "ref-marathon").changes["reference"].clone();
    let marathon = marathon
        .as_f64()
        .or_else(|| marathon["result"].as_f64())
        .unwrap();
    assert!((marathon - 26.218_757).abs() < 1e-5, "{marathon}");
}

#[test]
fn habit_tracker_adds_ticks_clears_and_remembers_the_goal() {
    let runtime = runtime();
    let app = launch(&runtime, "productivity/habit-tracker.bp");

    change(&runtime, app, "habit-input", json!("Drink water"));
    click(&runtime, app, "add-habit");
    assert_eq!(state(&runtime, app, "habit-input"), "");
    change(&runtime, app, "habit-input", json!("  Read 10 pages "));
    click(&runtime, app, "add-habit");
    click(&runtime, app, "add-habit");
    assert_eq!(
        state(&runtime, app, "habits"),
        json!([
            {"id": "item-1", "text": "Drink water", "done": false},
            {"id": "item-2", "text": "Read 10 pages", "done": false}
        ]),
        "an empty input adds nothing"
    );

    let ticked = click_with(&runtime, app, "habits", json!("item-1"));
    assert_eq!(ticked.result, true);
    click(&runtime, app, "clear-done");
    assert_eq!(
        state(&runtime, app, "habits"),
        json!([{"id": "item-2", "text": "Read 10 pages", "done": false}])
    );

    change(&runtime, app, "daily-goal", json!("5 habits"));
    change(&runtime, app, "journal", json!("Good start."));
    let goal = click(&runtime, app, "load-goal").changes["saved-goal"].clone();
    assert_eq!(goal["value"], "5 habits");
    let journal = click(&runtime, app, "load-journal").changes["saved-journal"].clone();
    assert_eq!(journal["value"], "Good start.");
    let keys = runtime.call_tool(app, "storage.list", Map::new()).unwrap();
    assert_eq!(keys.result["keys"], json!(["daily-goal", "journal"]));

    click(&runtime, app, "clear-all");
    assert_eq!(state(&runtime, app, "habits"), json!([]));
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

    let body: Value = client
        .get(format!("{base}/apps/{app_id}/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let running: Value = client
        .get(format!("{base}/apps"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let running: Vec<&str> = running["apps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|app| app["blueprint_id"].as_str())
        .collect();
    assert!(running.contains(&"notes"), "{running:?}");
}

/// The button id of each calculator key.
fn key_id(key: char) -> String {
    match key {
        '+' => "btn-add".to_owned(),
        '−' => "btn-subtract".to_owned(),
        '×' => "btn-multiply".to_owned(),
        '÷' => "btn-divide".to_owned(),
        '.' => "btn-decimal".to_owned(),
        '=' => "btn-equals".to_owned(),
        'C' => "btn-clear".to_owned(),
        '<' => "btn-backspace".to_owned(),
        digit => format!("btn-{digit}"),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Typing `a op b =` on the keypad gives the arithmetic result.
    #[test]
    fn calculator_keypad_matches_arithmetic(
        a in 0u32..100_000,
        b in 1u32..100_000,
        op in proptest::sample::select(vec!['+', '−', '×', '÷']),
    ) {
        let runtime = runtime();
        let app = runtime.launch(blueprint("utilities/calculator.bp")).unwrap();
        for key in format!("{a}{op}{b}=").chars() {
            click(&runtime, app, &key_id(key));
        }
        let (a, b) = (f64::from(a), f64::from(b));
        let expected = match op {
            '+' => a + b,
            '−' => a - b,
            '×' => a * b,
            _ => a / b,
        };
        let shown: f64 = state(&runtime, app, "display").as_str().unwrap().parse().unwrap();
        proptest::prop_assert!((shown - expected).abs() <= expected.abs() * 1e-9, "{shown} vs {expected}");
    }

    /// Any sequence of key presses is accepted and leaves a non-empty display.
    #[test]
    fn calculator_accepts_any_key_sequence(
        keys in proptest::collection::vec(
            proptest::sample::select("0123456789+−×÷.=C<".chars().collect::<Vec<_>>()),
            0..40,
        ),
    ) {
        let runtime = runtime();
        let app = runtime.launch(blueprint("utilities/calculator.bp")).unwrap();
        for key in keys {
            let patch = runtime.dispatch(app, &UiEvent::click(&key_id(key)));
            proptest::prop_assert!(patch.is_ok(), "{key}: {patch:?}");
            let display = state(&runtime, app, "display");
            proptest::prop_assert!(!display.as_str().unwrap().is_empty());
        }
    }
}
