//! The `ui.*` family beyond set/append/compute: visibility, items, forms, tabs, modals.

mod common;

use agentos_tools::UiEvent;
use serde_json::json;

#[test]
fn show_hide_enable_disable_items_tabs_modals() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "u", "[]", "[]");
    let call = |tool: &str, args| common::call(&rt, app, tool, args);
    assert_eq!(
        call("ui.hide", json!({"target": "panel"})).unwrap().changes["panel.visible"],
        false
    );
    assert_eq!(
        call("ui.show", json!({"target": "panel"})).unwrap().changes["panel.visible"],
        true
    );
    assert_eq!(
        call("ui.disable", json!({"key": "go"})).unwrap().changes["go.disabled"],
        true
    );
    assert_eq!(
        call("ui.enable", json!({"key": "go"})).unwrap().changes["go.disabled"],
        false
    );
    assert!(
        call("ui.show", json!({}))
            .unwrap_err()
            .to_string()
            .contains("parameter `target` is required")
    );
    call("ui.set_multiple", json!({"values": {"a": 1, "b": "x"}})).unwrap();
    assert_eq!(rt.state(app).unwrap()["b"], "x");
    assert!(
        call("ui.set_multiple", json!({"values": [1]}))
            .unwrap_err()
            .to_string()
            .contains("parameter `values` must be of type object")
    );
    call("ui.add_item", json!({"item": "a"})).unwrap();
    call("ui.add_item", json!({"value": {"n": 2}})).unwrap();
    assert_eq!(
        call("ui.remove_item", json!({"index": 0})).unwrap().result,
        "a"
    );
    assert_eq!(rt.state(app).unwrap()["items"], json!([{"n": 2}]));
    assert!(
        call("ui.remove_item", json!({"index": 5}))
            .unwrap_err()
            .to_string()
            .contains("parameter `index` is 5 but `items` has 1 items")
    );
    assert_eq!(
        call("ui.remove_item", json!({"item": "zzz"}))
            .unwrap()
            .result,
        json!(null)
    );
    assert_eq!(
        call("ui.tabs.switch", json!({"tabs": "t", "tab": "b"}))
            .unwrap()
            .changes["t"],
        "b"
    );
    assert!(
        call("ui.tabs.switch", json!({"tab": "b"}))
            .unwrap_err()
            .to_string()
            .contains("`tabs` is required")
    );
    assert_eq!(
        call("ui.modal.open", json!({"modal": "m"}))
            .unwrap()
            .changes["m"],
        true
    );
    assert_eq!(
        call("ui.modal.close", json!({"modal": "m"}))
            .unwrap()
            .changes["m"],
        false
    );
}

#[test]
fn forms_validate_submit_reset() {
    let rt = common::runtime();
    let app = common::launch(
        &rt,
        r#"{"app": {"id": "f", "name": "F"}, "ui": {"components": [
        {"type": "input", "id": "email"}, {"type": "input", "id": "age"},
        {"type": "button", "id": "send", "on_event": {"click": {"tool": "ui.form.submit", "args": {"form": "signup",
            "rules": {"email": {"required": true, "type": "email"}, "age": {"type": "number", "max_length": 3}}}}}}
    ]}}"#,
    );
    let patch = rt.dispatch(app, &UiEvent::click("send")).unwrap();
    assert_eq!(
        patch.result,
        json!({"submitted": false, "errors": {"email": "is required"}})
    );
    assert_eq!(patch.changes["signup.valid"], false);
    rt.dispatch(app, &UiEvent::change("email", json!("a@b")))
        .unwrap();
    rt.dispatch(app, &UiEvent::change("age", json!("x")))
        .unwrap();
    let patch = rt.dispatch(app, &UiEvent::click("send")).unwrap();
    assert_eq!(
        patch.result["errors"],
        json!({"email": "must be an email address", "age": "must be a number"})
    );
    rt.dispatch(app, &UiEvent::change("email", json!("a@b.org")))
        .unwrap();
    rt.dispatch(app, &UiEvent::change("age", json!("42")))
        .unwrap();
    let patch = rt.dispatch(app, &UiEvent::click("send")).unwrap();
    assert_eq!(
        patch.result,
        json!({"submitted": true, "values": {"age": "42", "email": "a@b.org"}})
    );
    assert_eq!(
        patch.changes["signup.submitted"],
        json!({"age": "42", "email": "a@b.org"})
    );
    let reset = common::call(
        &rt,
        app,
        "ui.form.reset",
        json!({"form": "signup", "fields": ["email", "age"]}),
    )
    .unwrap();
    assert_eq!(reset.changes["email"], "");
    let valid = common::call(
        &rt,
        app,
        "ui.form.validate",
        json!({"fields": ["email"], "rules": {"email": {"required": true}}}),
    )
    .unwrap();
    assert_eq!(valid.result["valid"], false);
    assert!(
        common::call(&rt, app, "ui.form.validate", json!({"fields": "email"}))
            .unwrap_err()
            .to_string()
            .contains("parameter `fields` must be of type array")
    );
}

#[test]
fn calculator_buttons_write_to_display_and_a_declared_target() {
    let rt = common::runtime();
    let app = common::launch(
        &rt,
        r#"{"app": {"id": "c", "name": "C"}, "ui": {"components": [
        {"type": "input", "id": "display", "props": {"value": "0"}}, {"type": "input", "id": "memo", "props": {"value": "0"}},
        {"type": "button", "id": "nine", "props": {"text": "9"}, "on_event": {"click": "ui.append"}},
        {"type": "button", "id": "memo-nine", "props": {"text": "9", "target": "memo"}, "on_event": {"click": "ui.append"}},
        {"type": "button", "id": "back", "props": {"text": "⌫"}, "on_event": {"click": "ui.backspace"}}
    ]}}"#,
    );
    rt.dispatch(app, &UiEvent::click("nine")).unwrap();
    rt.dispatch(app, &UiEvent::click("memo-nine")).unwrap();
    let state = rt.state(app).unwrap();
    assert_eq!(
        (state["display"].as_str(), state["memo"].as_str()),
        (Some("9"), Some("9"))
    );
    assert_eq!(
        rt.dispatch(app, &UiEvent::click("back")).unwrap().changes["display"],
        "0"
    );
    assert!(
        !state.contains_key("nine"),
        "a button never writes to its own id"
    );
}

#[test]
fn reference_aliases_and_services_listing() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "a", "[]", "[]");
    common::call(
        &rt,
        app,
        "ui.set_state",
        json!({"key": "x", "value": "2*3"}),
    )
    .unwrap();
    assert_eq!(
        common::call(&rt, app, "ui.get_state", json!({"key": "x"}))
            .unwrap()
            .result,
        "2*3"
    );
    assert_eq!(
        common::call(&rt, app, "ui.evaluate", json!({"key": "x"}))
            .unwrap()
            .changes["x"],
        "6"
    );
    let services = rt.registry().services();
    let storage = services.iter().find(|s| s["id"] == "storage").unwrap();
    assert_eq!(
        storage["capabilities"],
        json!(["DELETE_FILE", "LIST_DIRECTORY", "READ_FILE", "WRITE_FILE"])
    );
    let set = storage["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "storage.set")
        .unwrap();
    assert_eq!(
        set["parameters"][0],
        json!({"name": "key", "type": "string", "description": "", "required": true})
    );
    for family in [
        "ui",
        "math",
        "system",
        "timer",
        "storage",
        "filesystem",
        "http",
        "auth",
        "app",
        "hub",
        "notes",
        "browser",
        "analysis",
        "clipboard",
        "notification",
    ] {
        assert!(services.iter().any(|s| s["id"] == family), "{family}");
    }
    // A category filter keeps exactly that category's services; no filter keeps them all.
    let category = storage["category"].as_str().unwrap();
    let filtered = rt.registry().services_in(Some(category));
    assert!(filtered.iter().any(|s| s["id"] == "storage"));
    assert!(filtered.iter().all(|s| s["category"] == category));
    assert!(filtered.len() < services.len());
    assert_eq!(rt.registry().services_in(None), services);
    assert!(
        rt.registry()
            .services_in(Some("no such category"))
            .is_empty()
    );
}

#[test]
fn discovery_ranks_services_by_the_reference_score() {
    let registry = agentos_tools::Registry::builtin();
    let found = registry.discover("I want to save my settings and read files from a folder");
    let ids: Vec<&str> = found.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(&ids[..2], ["filesystem", "storage"], "{ids:?}");
    assert!(found.len() <= 5);
    assert!(
        registry.discover("zzzz qqqq").is_empty(),
        "score 0 is left out"
    );
    let math = registry.discover("a calculator that solves equations");
    assert_eq!(math[0]["id"], "math");
}
