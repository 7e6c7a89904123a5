//! The JSON Schema of a Blueprint document, generated from the model and widened to every form
//! the parser reads.

use serde_json::{Value, json};

use crate::{
    catalog::{COMPONENT_TYPES, CONTAINER_ALIASES},
    model::Blueprint,
};

/// The JSON Schema (draft 2020-12) of a Blueprint document, for editors and LLM structured
/// output. The committed copy is `agentos-blueprint/schema/blueprint.schema.json`.
///
/// It accepts every form the parser reads without error: components in the explicit form
/// (`type`, optional `id`, `props`, `on_event`, `children`, `style`, `$if`, `$for`,
/// `$template`), in the keyed form (`{"type#id": {…props, "@event": binding, children}}`) and
/// as plain strings (text); aliases (`row`, `col`, `sidebar`, …); lifecycle hooks, tags and
/// permissions as a string or a list; `services` as one service or a list. `$defs/Component`
/// is the canonical explicit form that serialising a [`Blueprint`] gives (what the runtime
/// sends to renderers); `$defs/ComponentInput` is what a document may contain.
pub fn json_schema() -> Value {
    let schema = schemars::schema_for!(Blueprint);
    let mut value = schema.to_value();
    let mut types: Vec<&str> = COMPONENT_TYPES.to_vec();
    types.sort_unstable();
    set(
        &mut value,
        "/$defs/Component/properties/type",
        json!({
            "description": "Component type (one of the 23 the renderer draws)",
            "enum": types,
        }),
    );
    let mut written: Vec<&str> = COMPONENT_TYPES
        .iter()
        .chain(CONTAINER_ALIASES.iter())
        .copied()
        .collect();
    written.sort_unstable();
    let keyed_header = format!("^({})(#.*)?$", written.join("|"));
    let component_input = json!({"$ref": "#/$defs/ComponentInput"});
    let string_or_list = json!({
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    });
    if let Some(defs) = value.get_mut("$defs").and_then(Value::as_object_mut) {
        defs.insert(
            "ComponentInput".to_owned(),
            json!({
                "description": "A component as a document may write it: the explicit form, the keyed form {\"type#id\": {…}}, or a plain string (a text component)",
                "anyOf": [
                    {"type": "string", "description": "A text component showing this string"},
                    {"$ref": "#/$defs/ExplicitComponent"},
                    {"$ref": "#/$defs/KeyedComponent"},
                ],
            }),
        );
        defs.insert(
            "ExplicitComponent".to_owned(),
            json!({
                "description": "A component in the explicit form; `id` is generated (`<type>-<n>`) when missing",
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {
                        "description": "Component type, or a container alias (`row`, `col`, `sidebar`, …)",
                        "enum": written,
                    },
                    "id": {"type": "string"},
                    "props": {"type": "object"},
                    "on_event": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/$defs/EventBinding"},
                    },
                    "children": {"type": "array", "items": component_input},
                    "style": {"type": "object"},
                    "$template": {"type": "string", "description": "A template from `ui.templates` or `templates`"},
                    "$if": {"description": "Render condition"},
                    "$for": {"description": "Repetition"},
                },
            }),
        );
        defs.insert(
            "KeyedComponent".to_owned(),
            json!({
                "description": "A component in the keyed form: one key, `type` or `type#id`, whose value holds its props, `@event` bindings and children",
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "patternProperties": {keyed_header: {"$ref": "#/$defs/KeyedBody"}},
                "additionalProperties": false,
            }),
        );
        defs.insert(
            "KeyedBody".to_owned(),
            json!({
                "description": "The body of a keyed component: props beside `@event` bindings, `children`, `on_event`, `id`, `$template`, `$if` and `$for`",
                "anyOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "children": {"type": "array", "items": component_input},
                            "on_event": {
                                "type": "object",
                                "additionalProperties": {"$ref": "#/$defs/EventBinding"},
                            },
                            "$template": {"type": "string"},
                        },
                        "patternProperties": {"^@": {"$ref": "#/$defs/EventBinding"}},
                    },
                ],
            }),
        );
    }
    set(
        &mut value,
        "/$defs/Ui/properties/components/items",
        component_input,
    );
    if let Some(ui) = value
        .pointer_mut("/$defs/Ui")
        .and_then(Value::as_object_mut)
    {
        // Title, layout and components all have defaults.
        ui.remove("required");
    }
    set(
        &mut value,
        "/$defs/Ui/properties/lifecycle/additionalProperties",
        string_or_list.clone(),
    );
    for field in ["tags", "permissions"] {
        let pointer = format!("/$defs/AppInfo/properties/{field}");
        if let Some(Value::Object(property)) = value.pointer_mut(&pointer) {
            property.remove("type");
            property.remove("items");
            if let Some(Value::Array(forms)) = string_or_list.get("anyOf") {
                property.insert("anyOf".to_owned(), Value::Array(forms.clone()));
            }
        }
    }
    if let Some(Value::Object(services)) = value.pointer_mut("/properties/services") {
        services.remove("type");
        services.remove("items");
        services.insert(
            "anyOf".to_owned(),
            json!([
                {"type": "array", "items": {"$ref": "#/$defs/Service"}},
                {"$ref": "#/$defs/Service"},
            ]),
        );
    }
    value
}

/// Replaces the value at `pointer`, when it exists.
fn set(value: &mut Value, pointer: &str, new: Value) {
    if let Some(slot) = value.pointer_mut(pointer) {
        *slot = new;
    }
}
