//! The folder loader and the compiler-style and JSON renderings of diagnostics.

use agentos_blueprint::{load_dir, parse, render_diagnostics, render_diagnostics_json};

#[test]
fn loader_parses_every_file_and_keeps_going_past_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("productivity")).unwrap();
    std::fs::create_dir_all(root.join("system/nested")).unwrap();
    std::fs::write(
        root.join("productivity/notes.bp"),
        r#"{"app": {"id": "notes", "name": "Notes"}, "ui": {}}"#,
    )
    .unwrap();
    std::fs::write(root.join("system/broken.bp"), "{\"app\": ").unwrap();
    std::fs::write(
        root.join("system/nested/deep.bp"),
        r#"{"app": {"id": "deep", "name": "Deep", "category": "own"}, "ui": {}}"#,
    )
    .unwrap();
    std::fs::write(root.join("system/readme.txt"), "not an app").unwrap();
    let apps = load_dir(root, None).unwrap();
    let summary: Vec<(String, String, bool)> = apps
        .iter()
        .map(|app| {
            (
                app.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                app.parsed.blueprint.app.category.clone(),
                app.parsed.has_errors(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "productivity/notes.bp".to_owned(),
                "productivity".to_owned(),
                false
            ),
            ("system/broken.bp".to_owned(), "system".to_owned(), true),
            ("system/nested/deep.bp".to_owned(), "own".to_owned(), false),
        ]
    );
    assert_eq!(apps[1].category, "system");
    assert!(apps[0].source.as_ref().unwrap().contains("notes"));
    let err = load_dir(&root.join("missing"), None).unwrap_err();
    assert!(err.to_string().starts_with("cannot read "), "{err}");
}

#[test]
fn diagnostics_render_like_a_compiler() {
    let source = "{\n  \"app\": {\"id\": \"a\", \"name\": \"A\"},\n  \"ui\": {\"components\": [{\"type\": \"grid\", \"id\": \"g\", \"props\": {\"columns\": 9}}]}\n}\n";
    let parsed = parse(source);
    let text = render_diagnostics("apps/a.bp", source, &parsed.diagnostics);
    let expected = "\
apps/a.bp:3:74: error: `columns` of `grid` must be a whole number from 1 to 6, found 9
  at ui.components[0].props.columns
  |
3 |   \"ui\": {\"components\": [{\"type\": \"grid\", \"id\": \"g\", \"props\": {\"columns\": 9}}]}
  |                                                                          ^
";
    assert_eq!(text, expected);
    let json: serde_json::Value =
        serde_json::from_str(&render_diagnostics_json("apps/a.bp", &parsed.diagnostics)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"file": "apps/a.bp", "errors": 1, "warnings": 0, "diagnostics": [{
            "severity": "error", "line": 3, "column": 74, "path": "ui.components[0].props.columns",
            "message": "`columns` of `grid` must be a whole number from 1 to 6, found 9"}]})
    );
}
