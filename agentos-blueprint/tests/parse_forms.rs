//! The DSL's forms (the reference parser's behaviours): services, keyed and explicit
//! components, aliases, templates, lifecycle hooks, auto ids, required fields.

use agentos_blueprint::{EventBinding, Service, ServiceTools, Severity, parse};
use serde_json::json;

fn clean(text: &str) -> agentos_blueprint::Blueprint {
    let parsed = parse(text);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    parsed.blueprint
}

#[test]
fn basic_fields_and_defaults() {
    let bp = clean(
        r#"{"app": {"id": "a", "name": "A", "icon": "🅰", "tags": ["x", "y"], "permissions": "STANDARD"}, "ui": {}}"#,
    );
    assert_eq!(bp.app.id, "a");
    assert_eq!(bp.app.version, "1.0.0");
    assert_eq!(bp.app.tags, ["x", "y"]);
    assert_eq!(bp.app.permissions, ["STANDARD"]);
    assert_eq!(bp.ui.title, "A", "the title defaults to the app name");
    assert_eq!(bp.ui.layout, "vertical");
}

#[test]
fn services_in_every_form() {
    let bp = clean(
        r#"{"app": {"id": "a", "name": "A"}, "ui": {},
            "services": ["storage", {"math": "*"}, {"system": ["info", "time"]},
                         {"filesystem": {"tools": ["read"], "root": "/data", "readonly": true}},
                         {"http": {"tools": "*"}}, {"a": [], "b": null}]}"#,
    );
    let names: Vec<&str> = bp.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["storage", "math", "system", "filesystem", "http", "a", "b"]
    );
    assert_eq!(bp.services[0].tools, ServiceTools::All);
    assert_eq!(bp.services[1].tools, ServiceTools::All);
    assert_eq!(bp.services[2].tool_ids(), ["system.info", "system.time"]);
    assert_eq!(bp.services[3].config["root"], "/data");
    assert_eq!(
        bp.services[4],
        Service {
            name: "http".into(),
            ..Service::default()
        }
    );
    assert_eq!(bp.services[5].tools, ServiceTools::Only(vec![]));
    // The canonical form of each.
    assert_eq!(
        serde_json::to_value(&bp.services).unwrap(),
        json!(["storage", "math", {"system": ["info", "time"]},
               {"filesystem": {"tools": ["read"], "root": "/data", "readonly": true}},
               "http", {"a": []}, "b"])
    );
}

#[test]
fn keyed_form_with_events_and_children() {
    let bp = clean(
        r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [
            {"container#box": {"padding": "small", "@click": "ui.set", "@hover": {"tool": "ui.get", "args": {"key": "k"}},
              "children": [{"button": {"text": "Go"}}, {"type": "text", "props": {"content": "x"}}]}}
        ]}}"#,
    );
    let c = &bp.ui.components[0];
    assert_eq!((c.kind.as_str(), c.id.as_str()), ("container", "box"));
    assert_eq!(c.props["padding"], "small");
    assert_eq!(c.on_event["click"], EventBinding::tool("ui.set"));
    assert_eq!(c.on_event["hover"].args["key"], "k");
    let ids: Vec<&str> = c.children.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["button-0", "text-1"]);
}

#[test]
fn row_col_and_semantic_aliases_expand_in_both_forms() {
    let bp = clean(
        r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [
            {"row#r": {}}, {"col#c": {"layout": "horizontal"}}, {"sidebar#s": {}},
            {"type": "row", "id": "er"}, {"type": "footer", "id": "ef"}
        ]}}"#,
    );
    let summary: Vec<(String, serde_json::Value)> = bp
        .ui
        .components
        .iter()
        .map(|c| (c.kind.clone(), serde_json::Value::Object(c.props.clone())))
        .collect();
    assert_eq!(
        summary,
        [
            ("container".into(), json!({"layout": "horizontal"})),
            ("container".into(), json!({"layout": "horizontal"})),
            (
                "container".into(),
                json!({"role": "sidebar", "layout": "vertical"})
            ),
            ("container".into(), json!({"layout": "horizontal"})),
            (
                "container".into(),
                json!({"role": "footer", "layout": "vertical"})
            ),
        ]
    );
}

#[test]
fn templates_merge_with_component_props_winning() {
    let bp = clean(
        r#"{"app": {"id": "a", "name": "A"},
            "templates": {"btn": {"variant": "primary", "size": "large", "@click": "ui.append"},
                          "shared": {"variant": "ghost"}},
            "ui": {"templates": {"shared": {"variant": "danger"}}, "components": [
              {"button#one": {"$template": "btn", "size": "small", "text": "1"}},
              {"button#two": {"$template": "shared", "text": "2", "@click": "ui.clear"}},
              {"type": "button", "id": "three", "$template": "btn", "props": {"text": "3"}}
            ]}}"#,
    );
    let [one, two, three] = &bp.ui.components[..] else {
        panic!()
    };
    assert_eq!(
        one.props,
        json!({"size": "small", "text": "1", "variant": "primary"})
            .as_object()
            .unwrap()
            .clone()
    );
    assert_eq!(one.on_event["click"].tool, "ui.append");
    assert_eq!(
        two.props["variant"], "danger",
        "ui.templates wins over top-level templates"
    );
    assert_eq!(
        two.on_event["click"].tool, "ui.clear",
        "the component's own binding wins"
    );
    assert_eq!(
        three.props["variant"], "primary",
        "explicit components use templates too"
    );
    assert!(!one.props.contains_key("$template"));
}

#[test]
fn lifecycle_strings_become_lists_and_lists_stay() {
    let bp = clean(
        r#"{"app": {"id": "a", "name": "A"}, "ui": {"lifecycle": {"on_mount": "ui.set", "on_unmount": ["ui.clear", "ui.set"]}}}"#,
    );
    assert_eq!(bp.ui.lifecycle["on_mount"], ["ui.set"]);
    assert_eq!(bp.ui.lifecycle["on_unmount"], ["ui.clear", "ui.set"]);
}

#[test]
fn strings_conditions_and_auto_ids() {
    let bp = clean(
        r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [
            "hello",
            {"type": "list", "$for": {"each": "items"}, "children": [{"type": "text", "$if": "x > 1", "props": {"content": "{{item}}"}}]}
        ]}}"#,
    );
    assert_eq!(bp.ui.components[0].props["content"], "hello");
    assert_eq!(bp.ui.components[0].id, "text-0");
    let list = &bp.ui.components[1];
    assert_eq!(list.repeat.as_deref(), Some(&json!({"each": "items"})));
    assert_eq!(list.children[0].condition.as_deref(), Some(&json!("x > 1")));
    // Post-order: the child gets its id before its parent.
    assert_eq!(
        (list.children[0].id.as_str(), list.id.as_str()),
        ("text-1", "list-2")
    );
    let ids: Vec<&str> = bp.ui.all_components().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["text-0", "list-2", "text-1"]);
}

#[test]
fn missing_app_id_or_name_and_invalid_json_are_errors() {
    let err = parse(r#"{"ui": {}}"#).into_result().unwrap_err();
    assert!(err.to_string().contains("missing `app` section"), "{err}");
    let err = parse(r#"{"app": {"name": "x"}, "ui": {}}"#)
        .into_result()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1:9: error at app.id: `app.id` is required"
    );
    let err = parse(r#"{"app": {"id": "x"}, "ui": {}}"#)
        .into_result()
        .unwrap_err();
    assert!(err.to_string().contains("`app.name` is required"));
    let parsed = parse("{\n  \"app\": {\"id\": \"x\",\n    \"name\": }\n}");
    assert_eq!(parsed.diagnostics.len(), 1);
    let d = &parsed.diagnostics[0];
    assert_eq!((d.line, d.column, d.path.as_str()), (3, 13, "app.name"));
    assert_eq!(d.message, "expected a value, found `}`");
    let err = parse("[1]").into_result().unwrap_err();
    assert!(
        err.to_string()
            .contains("must be a JSON object, found a list")
    );
}

#[test]
fn duplicate_keys_keep_the_first_and_warn() {
    let parsed = parse(r#"{"app": {"id": "a", "name": "A", "id": "b"}, "ui": {}}"#);
    assert_eq!(parsed.blueprint.app.id, "a");
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].severity, Severity::Warning);
    assert_eq!(parsed.diagnostics[0].path, "app.id");
    assert_eq!(parsed.diagnostics[0].column, 34);
}

#[test]
fn llm_wrappers_are_stripped() {
    let doc = r#"{"app": {"id": "a", "name": "A"}, "ui": {}}"#;
    for text in [
        format!("```json\n{doc}\n```"),
        format!("Here is the app you asked for:\n\n{doc}\n\nAnything else?"),
        format!("json\n{doc}"),
        format!("---\n{doc}\n```"),
    ] {
        let parsed = parse(&text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{text}: {:?}",
            parsed.diagnostics
        );
        assert_eq!(parsed.blueprint.app.id, "a");
    }
    let parsed = parse("Sorry, I cannot do that.");
    assert_eq!(
        parsed.diagnostics[0].message,
        "no JSON object found; a Blueprint starts with `{`"
    );
}

#[test]
fn templates_defined_after_their_use_are_applied_at_the_end() {
    let parsed = parse(
        r#"{"app": {"id": "a", "name": "A"},
            "ui": {"components": [{"text#t": {"$template": "heading"}}, {"text#u": {"$template": "missing"}}],
                   "templates": {"heading": {"content": "Title", "variant": "h1", "colour": "red"}}}}"#,
    );
    let t = &parsed.blueprint.ui.components[0];
    assert_eq!(t.props["content"], "Title");
    assert_eq!(t.props["variant"], "h1");
    let messages: Vec<(String, String)> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.path.clone(), d.message.clone()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                r#"ui.components[0]["text#t"].$template"#.to_owned(),
                "unknown prop `colour` for `text` from template `heading`".to_owned()
            ),
            (
                r#"ui.components[1]["text#u"].$template"#.to_owned(),
                "unknown template `missing`".to_owned()
            ),
            (
                r#"ui.components[1]["text#u"].$template"#.to_owned(),
                "`text` needs the prop `content`".to_owned()
            ),
        ]
    );
}
