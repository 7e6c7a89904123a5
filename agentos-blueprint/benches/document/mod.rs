//! The 42 KB Blueprint both benchmarks measure: the system-analysis app's components repeated
//! with fresh ids until the text passes 42 KB.

use serde_json::Value;

/// A realistic 42 KB document: the system-analysis app's components repeated with fresh ids.
pub(crate) fn document() -> String {
    let base: Value =
        serde_json::from_str(include_str!("../../test_data/ok/system-analysis.bp")).unwrap();
    let template = base["ui"]["components"].as_array().unwrap().clone();
    let mut doc = base.clone();
    let mut components = Vec::new();
    let mut round = 0;
    loop {
        for component in &template {
            let text = serde_json::to_string(component)
                .unwrap()
                .replace("\"id\":\"", &format!("\"id\":\"r{round}-"));
            components.push(serde_json::from_str::<Value>(&text).unwrap());
        }
        round += 1;
        doc["ui"]["components"] = Value::Array(components.clone());
        let text = serde_json::to_string_pretty(&doc).unwrap();
        if text.len() >= 42 * 1024 {
            return text;
        }
    }
}
