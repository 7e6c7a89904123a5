//! The JSON Schema of the canonical Blueprint form, generated from the model.

use crate::{catalog::COMPONENT_TYPES, model::Blueprint};

/// The JSON Schema (draft 2020-12) of a Blueprint in its canonical explicit form, for editors
/// and LLM structured output. The committed copy is `agentos-blueprint/schema/blueprint.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Blueprint);
    let mut value = schema.to_value();
    if let Some(kind) = value.pointer_mut("/$defs/Component/properties/type") {
        let mut types: Vec<&str> = COMPONENT_TYPES.to_vec();
        types.sort_unstable();
        *kind = serde_json::json!({
            "description": "Component type (one of the 23 the renderer draws)",
            "enum": types,
        });
    }
    value
}
