//! A small JSON Schema validator for tool parameters: the subset the built-in specs use
//! (`type`, `properties`, `required`, `enum`, `items`, `minimum`, `maximum`, `minLength`,
//! `maxLength`, `minItems`, `maxItems`, `additionalProperties: false`). Errors name the parameter
//! by its path, e.g. `numbers[2]`.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Checks `args` against the object schema `schema` of tool `tool`.
///
/// # Errors
/// [`Error::InvalidParam`] naming the first offending parameter and what is wrong with it.
pub fn validate_args(tool: &str, schema: &Value, args: &Map<String, Value>) -> Result<()> {
    check_object(schema, args, "").map_err(|(param, reason)| Error::InvalidParam {
        tool: tool.to_owned(),
        param,
        reason,
    })
}

type Failure = (String, String);

fn check_object(schema: &Value, object: &Map<String, Value>, path: &str) -> Result<(), Failure> {
    if let Some(Value::Array(required)) = schema.get("required") {
        for name in required.iter().filter_map(Value::as_str) {
            if object.get(name).is_none_or(Value::is_null) {
                return Err((join(path, name), "is required".to_owned()));
            }
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (name, value) in object {
        match properties.and_then(|properties| properties.get(name)) {
            Some(property) => {
                if !value.is_null() {
                    check(property, value, &join(path, name))?;
                }
            }
            None => {
                if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                    return Err((
                        join(path, name),
                        "is not a parameter of this tool".to_owned(),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check(schema: &Value, value: &Value, path: &str) -> Result<(), Failure> {
    let fail = |reason: String| Err((path.to_owned(), reason));
    match schema.get("type") {
        Some(Value::String(name)) if !type_matches(name, value) => {
            return fail(format!("must be of type {name}, found {}", kind(value)));
        }
        Some(Value::Array(names)) => {
            let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
            if !names.iter().any(|name| type_matches(name, value)) {
                return fail(format!(
                    "must be one of the types {}, found {}",
                    names.join("|"),
                    kind(value)
                ));
            }
        }
        _ => {}
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return fail(format!("must be one of {}, found {value}", list.join(", ")));
    }
    if let Some(number) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && number < min
        {
            return fail(format!("must be at least {min}, found {number}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && number > max
        {
            return fail(format!("must be at most {max}, found {number}"));
        }
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            return fail(format!("must have at least {min} characters"));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            return fail(format!(
                "must have at most {max} characters, found {length}"
            ));
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            return fail(format!(
                "must have at least {min} items, found {}",
                items.len()
            ));
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && (items.len() as u64) > max
        {
            return fail(format!(
                "must have at most {max} items, found {}",
                items.len()
            ));
        }
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                check(item_schema, item, &format!("{path}[{index}]"))?;
            }
        }
    }
    if let Some(object) = value.as_object()
        && (schema.get("properties").is_some() || schema.get("required").is_some())
    {
        check_object(schema, object, path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(schema: Value, args: Value) -> Result<()> {
        validate_args("t.x", &schema, args.as_object().unwrap())
    }

    #[test]
    fn names_the_parameter_and_the_problem() {
        let schema = json!({"type": "object", "required": ["numbers"], "properties": {
            "numbers": {"type": "array", "items": {"type": "number"}, "minItems": 1},
            "mode": {"enum": ["a", "b"]},
            "n": {"type": "integer", "minimum": 0, "maximum": 10},
            "opts": {"type": "object", "required": ["root"], "properties": {"root": {"type": "string"}}}
        }});
        let msg = |args| run(schema.clone(), args).unwrap_err().to_string();
        assert_eq!(
            msg(json!({})),
            "tool `t.x`: parameter `numbers` is required"
        );
        assert_eq!(
            msg(json!({"numbers": [1, "x"]})),
            "tool `t.x`: parameter `numbers[1]` must be of type number, found a string"
        );
        assert_eq!(
            msg(json!({"numbers": []})),
            "tool `t.x`: parameter `numbers` must have at least 1 items, found 0"
        );
        assert_eq!(
            msg(json!({"numbers": [1], "mode": "c"})),
            "tool `t.x`: parameter `mode` must be one of \"a\", \"b\", found \"c\""
        );
        assert_eq!(
            msg(json!({"numbers": [1], "n": 11})),
            "tool `t.x`: parameter `n` must be at most 10, found 11"
        );
        assert_eq!(
            msg(json!({"numbers": [1], "n": 1.5})),
            "tool `t.x`: parameter `n` must be of type integer, found a number"
        );
        assert_eq!(
            msg(json!({"numbers": [1], "opts": {}})),
            "tool `t.x`: parameter `opts.root` is required"
        );
        assert!(
            run(
                schema.clone(),
                json!({"numbers": [1, 2.5], "mode": "a", "n": 3, "extra": true})
            )
            .is_ok()
        );
        let closed =
            json!({"type": "object", "properties": {"a": {}}, "additionalProperties": false});
        assert_eq!(
            run(closed, json!({"b": 1})).unwrap_err().to_string(),
            "tool `t.x`: parameter `b` is not a parameter of this tool"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_values_never_panic(text in "\\PC{0,60}") {
            let schema = json!({"type": "object", "properties": {"a": {"type": ["string", "number"], "maxLength": 3}}});
            let _ = run(schema, json!({"a": text}));
        }
    }
}
