//! The committed JSON Schema is the one the model generates.
//! Regenerate with `UPDATE_SCHEMA=1 cargo test -p agentos-blueprint --test schema_current`.

use std::path::Path;

#[test]
fn committed_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/blueprint.schema.json");
    let fresh = serde_json::to_string_pretty(&agentos_blueprint::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale; run UPDATE_SCHEMA=1 cargo test -p agentos-blueprint --test schema_current",
        path.display()
    );
}

#[test]
fn schema_describes_the_canonical_and_the_written_forms() {
    let schema = agentos_blueprint::json_schema();
    assert_eq!(schema["title"], "Blueprint");
    assert_eq!(schema["required"], serde_json::json!(["app", "ui"]));
    let kinds = schema["$defs"]["Component"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap();
    assert_eq!(kinds.len(), 23);
    assert!(kinds.contains(&serde_json::json!("app_shortcut")));
    // Documents may leave out what has a default, and write components in any form.
    assert!(schema["$defs"]["Ui"].get("required").is_none());
    assert_eq!(
        schema["$defs"]["Ui"]["properties"]["components"]["items"]["$ref"],
        "#/$defs/ComponentInput"
    );
    let written = schema["$defs"]["ExplicitComponent"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap();
    assert_eq!(written.len(), 23 + 9, "the types and the container aliases");
}
