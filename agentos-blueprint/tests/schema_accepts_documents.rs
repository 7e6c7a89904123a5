//! The committed JSON Schema accepts every valid document in the corpus and the shipped apps
//! (explicit, keyed and plain-string components alike), and rejects what the parser rejects.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&agentos_blueprint::json_schema()).unwrap()
}

/// Every `.bp` file below `dir`, sorted.
fn bp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(bp_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "bp") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn every_valid_corpus_file_and_app_matches_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = bp_files(&root.join("test_data/ok"));
    files.extend(bp_files(&root.join("../apps")));
    assert!(files.len() >= 15, "{files:?}");
    let validator = validator();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = agentos_blueprint::parse(&text);
        assert!(
            !parsed.has_errors(),
            "{}: {:?}",
            path.display(),
            parsed.diagnostics
        );
        let document: Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|err| format!("{}: {err}", err.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        // The canonical form the model serialises to is a valid document too.
        let canonical = serde_json::to_value(&parsed.blueprint).unwrap();
        assert!(validator.is_valid(&canonical), "{}", path.display());
    }
}

#[test]
fn keyed_and_plain_string_components_match_the_schema() {
    let document = json!({
        "app": {"id": "mixed", "name": "Mixed", "tags": "one tag"},
        "services": "storage",
        "ui": {
            "lifecycle": {"on_mount": "storage.get"},
            "templates": {"primary": {"variant": "primary"}},
            "components": [
                "a plain text component",
                {"row#toolbar": {"children": [
                    {"button#save": {"text": "Save", "@click": "storage.set", "$template": "primary"}},
                    {"button": {"text": "Reset", "@click": {"tool": "storage.set", "args": {"v": 0}}}},
                ]}},
                {"type": "sidebar", "children": [{"text#t": {"content": "hi", "$if": "x > 1"}}]},
                {"list#items": null},
            ],
        },
    });
    assert!(!agentos_blueprint::parse(&document.to_string()).has_errors());
    assert!(validator().is_valid(&document));
}

#[test]
fn what_the_parser_rejects_the_schema_rejects() {
    let validator = validator();
    let app = json!({"id": "a", "name": "A"});
    let components = [
        json!({"widget#x": {"text": "hi"}}),
        json!({"id": "x", "props": {}}),
        json!({"button#x": {"@click": ""}}),
        json!({"button#x": {}, "text#y": {}}),
        json!(42),
    ];
    for component in components {
        let document = json!({"app": app, "ui": {"components": [component]}});
        assert!(
            agentos_blueprint::parse(&document.to_string()).has_errors(),
            "{document}"
        );
        assert!(!validator.is_valid(&document), "{document}");
    }
    let no_name = json!({"app": {"id": "a"}, "ui": {}});
    assert!(agentos_blueprint::parse(&no_name.to_string()).has_errors());
    assert!(!validator.is_valid(&no_name));
}
