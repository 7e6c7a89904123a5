//! Validation against the component catalogue and the caller's tool catalogue.

use std::collections::BTreeSet;

use agentos_blueprint::{
    Blueprint, Component, Severity, ToolCatalog, parse, parse_with, parse_with_limits, validate,
};

#[test]
fn tool_catalogues_come_in_several_shapes() {
    let doc = r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [
        {"button#b": {"text": "B", "@click": "ui.set"}}, {"button#c": {"text": "C", "@click": "nope.tool"}}]}}"#;
    let set: BTreeSet<String> = ["ui.set".to_owned()].into();
    let slice: &[&str] = &["ui.set"];
    let closure = |tool: &str| tool.starts_with("ui.");
    for catalogue in [&set as &dyn ToolCatalog, &slice, &closure, &["ui.set"]] {
        let parsed = parse_with(doc, catalogue);
        assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.message, "unknown tool `nope.tool`");
        assert_eq!(d.path, r#"ui.components[1]["button#c"].@click"#);
        assert_eq!((d.line, d.column), (2, 95));
    }
    assert!(
        parse(doc).diagnostics.is_empty(),
        "without a catalogue tools are not checked"
    );
}

#[test]
fn every_catalogue_type_is_accepted_with_its_required_props() {
    let mut components = Vec::new();
    for kind in agentos_blueprint::COMPONENT_TYPES {
        let props = match kind {
            "text" => r#"{"content": "x"}"#,
            "radio" => r#"{"name": "n", "value": 1}"#,
            "select" => r#"{"options": ["a", {"label": "B", "value": "b"}]}"#,
            "image" | "iframe" => r#"{"src": "https://example.com/x"}"#,
            "app_shortcut" => r#"{"app_id": "a", "name": "A", "icon": "x"}"#,
            "progress" => r#"{"value": 3, "max": 10}"#,
            _ => "{}",
        };
        components.push(format!(
            r#"{{"type": "{kind}", "id": "{kind}", "props": {props}}}"#
        ));
    }
    let doc = format!(
        r#"{{"app": {{"id": "a", "name": "A"}}, "ui": {{"components": [{}]}}}}"#,
        components.join(",")
    );
    let parsed = parse(&doc);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    assert_eq!(parsed.blueprint.ui.components.len(), 23);
}

#[test]
fn component_depth_limit_follows_the_limits() {
    let doc = r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [{"col": {"children": [{"col": {"children": ["x"]}}]}}]}}"#;
    assert!(parse(doc).diagnostics.is_empty());
    let limits = agentos_blueprint::Limits {
        max_depth: 2,
        ..Default::default()
    };
    let parsed = parse_with_limits(doc, limits, None);
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(
        parsed.diagnostics[0].path,
        r#"ui.components[0].col.children[0].col.children[0]"#
    );
    assert!(parsed.diagnostics[0].message.contains("more than 2 levels"));
}

#[test]
fn validate_checks_a_model_built_in_code() {
    let mut bp = Blueprint::default();
    bp.app.id = "code".into();
    bp.app.name = "Code".into();
    bp.ui.title = "Code".into();
    bp.ui.layout = "vertical".into();
    bp.ui.components.push(Component {
        kind: "button".into(),
        id: "x".into(),
        ..Component::default()
    });
    bp.ui.components.push(Component {
        kind: "button".into(),
        id: "x".into(),
        ..Component::default()
    });
    let diagnostics = validate(&bp, None);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].severity, Severity::Error);
    assert_eq!(diagnostics[0].path, "ui.components[1]");
    assert!(
        diagnostics[0]
            .message
            .starts_with("duplicate component id `x`")
    );
}

#[test]
fn blueprint_lists_the_tools_it_names() {
    let bp = parse(
        r#"{"app": {"id": "a", "name": "A"}, "ui": {"lifecycle": {"on_mount": ["x.load", "ui.set"]},
            "components": [{"button#b": {"text": "B", "@click": "ui.set", "@hover": "x.hover"}}]}}"#,
    )
    .blueprint;
    assert_eq!(bp.tool_ids(), ["x.load", "ui.set", "x.hover"]);
}
