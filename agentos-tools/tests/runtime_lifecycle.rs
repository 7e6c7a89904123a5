//! Lifecycle hooks, `$if`/`$for`, typed state, capabilities from the Blueprint, subscribers.

mod common;

use std::time::Duration;

use agentos_kernel::CapabilityKind;
use agentos_tools::{Error, UiEvent};
use serde_json::json;

#[test]
fn hooks_run_on_mount_focus_and_unmount() {
    let rt = common::runtime();
    // Each hook's tool fails validation (no arguments), so each run leaves an error in the log:
    // hook errors are logged, never raised.
    let app = common::launch(
        &rt,
        r#"{"app": {"id": "h", "name": "H"}, "ui": {"lifecycle": {
        "on_mount": ["ui.set_multiple"], "on_focus": "ui.toggle", "on_unmount": "system.log"},
        "components": [{"type": "text", "id": "t", "props": {"content": "x"}}]}}"#,
    );
    let other = common::launch(
        &rt,
        r#"{"app": {"id": "o", "name": "O"}, "ui": {"components": []}}"#,
    );
    rt.focus(app).unwrap();
    rt.close(app).unwrap();
    let logs = common::call(&rt, other, "system.getLogs", json!({"level": "error"}))
        .unwrap()
        .result;
    let messages: Vec<String> = logs["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap().to_owned())
        .collect();
    assert!(messages.iter().any(|m| m.contains("on_mount hook `ui.set_multiple` failed: tool `ui.set_multiple`: parameter `values` is required")), "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("on_focus hook `ui.toggle` failed")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("on_unmount hook `system.log` failed: tool `system.log`: parameter `message` is required")), "{messages:?}");
    assert_eq!(
        rt.focused(),
        Some(other),
        "focus passed on when the focused app closed"
    );
}

#[test]
fn on_mount_state_and_typed_initial_state() {
    let rt = common::runtime();
    let app = common::launch(
        &rt,
        r#"{"app": {"id": "s", "name": "S"}, "ui": {"lifecycle": {"on_mount": "hub.load_apps"}, "components": [
        {"type": "input", "id": "n", "props": {"type": "number", "value": "42"}},
        {"type": "slider", "id": "vol", "props": {"min": 5, "max": 10}},
        {"type": "checkbox", "id": "ok", "props": {"checked": true}},
        {"type": "select", "id": "pick", "props": {"options": [{"label": "A", "value": "a"}, "b"]}},
        {"type": "tabs", "id": "tabs", "children": [{"type": "container", "id": "first", "props": {"label": "First"}}, {"type": "container", "id": "second", "props": {"label": "Second"}}]},
        {"type": "modal", "id": "dialog"},
        {"type": "input", "id": "name"}
    ]}}"#,
    );
    let state = rt.state(app).unwrap();
    assert_eq!(state["n"], json!(42.0));
    assert_eq!(state["vol"], json!(5));
    assert_eq!(state["ok"], json!(true));
    assert_eq!(state["pick"], json!("a"));
    assert_eq!(state["tabs"], json!("first"));
    assert_eq!(state["dialog"], json!(false));
    assert_eq!(state["name"], json!(""));
    assert_eq!(
        state["all-count"],
        json!("0 apps available"),
        "on_mount ran hub.load_apps"
    );
}

#[test]
fn if_and_for_follow_state_and_travel_in_patches() {
    let rt = common::runtime();
    let app = common::launch(
        &rt,
        r#"{"app": {"id": "todo", "name": "Todo"}, "ui": {"components": [
        {"type": "input", "id": "task-input"},
        {"type": "button", "id": "add", "props": {"text": "Add"}, "on_event": {"click": "ui.list.add"}},
        {"type": "text", "id": "empty", "props": {"content": "Nothing to do", "$if": "!list || list.length == 0"}},
        {"type": "list", "id": "rows", "props": {"$for": "list"}}
    ]}}"#,
    );
    assert_eq!(rt.state(app).unwrap()["empty.$if"], json!(true));
    rt.dispatch(app, &UiEvent::change("task-input", json!("milk")))
        .unwrap();
    let patch = rt.dispatch(app, &UiEvent::click("add")).unwrap();
    assert_eq!(patch.changes["empty.$if"], json!(false));
    assert_eq!(
        patch.changes["rows.$for"],
        json!([{"id": "item-1", "text": "milk", "done": false}])
    );
    let bad = agentos_blueprint::parse(r#"{"app": {"id": "b", "name": "B"}, "ui": {"components": [{"type": "text", "id": "t", "props": {"content": "x", "$if": "a &&"}}]}}"#).into_result().unwrap();
    let err = rt.launch(bad).unwrap_err();
    assert!(
        err.to_string().starts_with("app `b`: component `t`: $if:"),
        "{err}"
    );
}

#[test]
fn permissions_and_services_become_enforced_capabilities() {
    let rt = common::runtime();
    let plain = common::app_with(&rt, "plain", "[]", "[]");
    let err = common::call(&rt, plain, "storage.set", json!({"key": "k", "value": 1})).unwrap_err();
    assert!(
        matches!(
            err,
            Error::CapabilityDenied {
                capability: CapabilityKind::WriteFile,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        rt.registry()
            .metrics()
            .iter()
            .find(|m| m.name == "storage.set")
            .unwrap()
            .denied,
        1
    );

    let notes = common::app_with(&rt, "notes", r#"[{"storage": ["get", "set"]}]"#, "[]");
    common::call(&rt, notes, "storage.set", json!({"key": "k", "value": 1})).unwrap();
    // The app's file capabilities stop at its own data directory.
    let err = common::call(
        &rt,
        notes,
        "filesystem.write",
        json!({"path": "/system/data/plain/x", "content": "x"}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("not held for /system/data/plain/x"),
        "{err}"
    );
    let err = common::call(&rt, notes, "system.info", json!({})).unwrap_err();
    assert!(matches!(
        err,
        Error::CapabilityDenied {
            capability: CapabilityKind::SystemInfo,
            ..
        }
    ));
    let standard = common::app_with(&rt, "std", "[]", r#"["STANDARD"]"#);
    assert_eq!(
        common::call(&rt, standard, "system.info", json!({}))
            .unwrap()
            .result["os"],
        std::env::consts::OS
    );
}

#[test]
fn subscribers_receive_every_patch_of_their_app() {
    let rt = common::runtime();
    let app = common::launch(
        &rt,
        r#"{"app": {"id": "c", "name": "C"}, "ui": {"components": [
        {"type": "input", "id": "display", "props": {"value": "0"}},
        {"type": "button", "id": "one", "props": {"text": "1"}, "on_event": {"click": "ui.append"}}]}}"#,
    );
    let first = rt.subscribe(app).unwrap();
    let second = rt.subscribe(app).unwrap();
    let patch = rt.dispatch(app, &UiEvent::click("one")).unwrap();
    assert_eq!(first.recv_timeout(Duration::from_secs(5)).unwrap(), patch);
    assert_eq!(second.recv_timeout(Duration::from_secs(5)).unwrap(), patch);
    drop(first);
    rt.dispatch(app, &UiEvent::click("one")).unwrap();
    assert_eq!(
        second.recv_timeout(Duration::from_secs(5)).unwrap().changes["display"],
        "11"
    );
}

#[test]
fn timers_fire_tools_and_patches_reach_subscribers() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "tick", r#"["timer"]"#, "[]");
    let patches = rt.subscribe(app).unwrap();
    let id = common::call(
        &rt,
        app,
        "timer.set",
        json!({"delay": 10, "action": "ui.set", "args": {"key": "fired", "value": true}}),
    )
    .unwrap()
    .result["timer_id"]
        .as_u64()
        .unwrap();
    let patch = patches.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(patch.changes["fired"], json!(true));
    assert_eq!(
        common::call(&rt, app, "timer.clear", json!({"timer_id": id}))
            .unwrap()
            .result["cleared"],
        false,
        "one-shot timers clear themselves"
    );

    let every = common::call(
        &rt,
        app,
        "timer.interval",
        json!({"interval": 10, "action": "ui.append", "args": {"key": "ticks", "value": "x"}}),
    )
    .unwrap()
    .result["timer_id"]
        .as_u64()
        .unwrap();
    for expected in ["0x", "0xx", "0xxx"] {
        assert_eq!(
            patches
                .recv_timeout(Duration::from_secs(10))
                .unwrap()
                .changes["ticks"],
            expected
        );
    }
    assert_eq!(
        common::call(&rt, app, "timer.clear", json!({"timer_id": every}))
            .unwrap()
            .result["cleared"],
        true
    );
    assert_eq!(
        common::call(&rt, app, "timer.list", json!({}))
            .unwrap()
            .result["timers"],
        json!([])
    );

    let err = common::call(
        &rt,
        app,
        "timer.set",
        json!({"delay": 5, "action": "no.such"}),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "tool `timer.set`: parameter `action` names no tool: `no.such`"
    );
    let err = common::call(
        &rt,
        app,
        "timer.interval",
        json!({"interval": 1, "action": "ui.set"}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("parameter `interval` must be at least 10"),
        "{err}"
    );
    let plain = common::app_with(&rt, "plain", "[]", "[]");
    assert!(matches!(
        common::call(
            &rt,
            plain,
            "timer.set",
            json!({"delay": 1, "action": "ui.set"})
        ),
        Err(Error::CapabilityDenied { .. })
    ));
}

#[test]
fn closing_an_app_stops_its_timers() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "tick", r#"["timer"]"#, "[]");
    common::call(
        &rt,
        app,
        "timer.interval",
        json!({"interval": 10, "action": "ui.set", "args": {"key": "k", "value": 1}}),
    )
    .unwrap();
    rt.close(app).unwrap();
    let again = common::app_with(&rt, "tock", r#"["timer"]"#, "[]");
    assert_eq!(
        common::call(&rt, again, "timer.list", json!({}))
            .unwrap()
            .result["timers"],
        json!([])
    );
}

#[test]
fn executor_records_metrics_per_tool() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "m", "[]", "[]");
    common::call(&rt, app, "math.add", json!({"numbers": [1, 2]})).ok();
    common::call(&rt, app, "ui.set", json!({"key": "a", "value": 1})).unwrap();
    common::call(&rt, app, "ui.set", json!({"key": 5})).unwrap_err();
    let metrics = rt.registry().metrics();
    let set = metrics.iter().find(|m| m.name == "ui.set").unwrap();
    assert_eq!((set.calls, set.errors), (2, 1));
    assert!(set.total_nanos >= set.max_nanos && set.max_nanos > 0);
}

#[test]
fn unchanged_values_notify_nobody_and_a_call_is_one_batched_patch() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "b", "[]", "[]");
    let patches = rt.subscribe(app).unwrap();
    let batch = common::call(
        &rt,
        app,
        "ui.set_multiple",
        json!({"values": {"a": 1, "b": 2, "c": 3}}),
    )
    .unwrap();
    assert_eq!(
        patches.recv_timeout(Duration::from_secs(5)).unwrap(),
        batch,
        "three writes, one patch"
    );
    assert_eq!(batch.changes.len(), 3);
    let same = common::call(&rt, app, "ui.set", json!({"key": "a", "value": 1})).unwrap();
    assert!(same.changes.is_empty());
    common::call(&rt, app, "ui.set", json!({"key": "a", "value": 2})).unwrap();
    assert_eq!(
        patches
            .recv_timeout(Duration::from_secs(5))
            .unwrap()
            .changes["a"],
        2,
        "the unchanged write sent nothing"
    );
}
