//! Helpers for the prebuilt-app tests: the `apps/` folder, parsing its Blueprints against the
//! built-in tool catalogue, runtimes, and driving an app by clicks and changes.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use agentos_blueprint::{Blueprint, parse_with};
use agentos_kernel::Kernel;
use agentos_tools::{AppId, Registry, Runtime, UiEvent};
use serde_json::{Map, Value, json};

/// The repository's `apps/` folder.
pub fn apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("apps")
}

/// Every `.bp` file under `apps/`, found by walking the folder, sorted.
pub fn bp_files() -> Vec<PathBuf> {
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
pub fn blueprint(relative: &str) -> Blueprint {
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
pub fn runtime() -> Runtime {
    Runtime::new(Kernel::new(), Registry::builtin())
}

/// A runtime whose app registry is seeded from `apps/` (and the built-in defaults).
pub fn seeded_runtime() -> Runtime {
    let runtime = runtime();
    let report = runtime.start_registry_ambient(Some(&apps_dir())).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    runtime
}

/// Launches `apps/<relative>` and checks its `on_mount` hooks logged no error.
pub fn launch(runtime: &Runtime, relative: &str) -> AppId {
    let app = runtime.launch(blueprint(relative)).unwrap();
    assert_eq!(error_logs(runtime, app), Vec::<Value>::new(), "{relative}");
    app
}

/// The runtime's error-level log entries (failed hooks land there).
pub fn error_logs(runtime: &Runtime, app: AppId) -> Vec<Value> {
    let mut args = Map::new();
    args.insert("level".to_owned(), json!("error"));
    let patch = runtime.call_tool(app, "system.getLogs", args).unwrap();
    patch.result["logs"].as_array().unwrap().clone()
}

pub fn click(runtime: &Runtime, app: AppId, component: &str) -> agentos_tools::Patch {
    runtime
        .dispatch(app, &UiEvent::click(component))
        .unwrap_or_else(|err| panic!("click {component}: {err}"))
}

pub fn change(
    runtime: &Runtime,
    app: AppId,
    component: &str,
    value: Value,
) -> agentos_tools::Patch {
    runtime
        .dispatch(app, &UiEvent::change(component, value))
        .unwrap_or_else(|err| panic!("change {component}: {err}"))
}

/// A click that carries a value, as a renderer sends for an item of a list or grid.
pub fn click_with(
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

pub fn state(runtime: &Runtime, app: AppId, key: &str) -> Value {
    runtime
        .state(app)
        .unwrap()
        .get(key)
        .cloned()
        .unwrap_or(Value::Null)
}

pub fn names(listing: &Value) -> Vec<String> {
    listing["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["name"].as_str().unwrap().to_owned())
        .collect()
}

pub fn ids(packages: &Value) -> BTreeSet<String> {
    packages
        .as_array()
        .unwrap()
        .iter()
        .map(|package| package["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The `app.id` of every `.bp` under `apps/`.
pub fn folder_app_ids() -> BTreeSet<String> {
    bp_files()
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(apps_dir()).unwrap();
            blueprint(relative.to_str().unwrap()).app.id
        })
        .collect()
}
