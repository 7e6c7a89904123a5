//! The rest of `ui.*`: set_multiple, show/hide, enable/disable, add_item/remove_item,
//! `ui.form.*` (validate, submit, reset), `ui.tabs.switch` and `ui.modal.open/close`.
//!
//! Visibility and enablement live in the state keys `<id>.visible` and `<id>.disabled`, so a
//! renderer reads them like any other state and patches carry them.

use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::Result,
    registry::Registry,
    tool::{ToolCx, ToolSpec, arg_text, invalid, opt_str},
};

pub(crate) fn register(registry: &mut Registry) {
    let target = json!({"target": {"type": "string"}, "key": {"type": "string"}});
    let field_list = json!({"form": {"type": "string"}, "fields": {"type": "array", "items": {"type": "string"}}, "rules": {"type": "object"}});
    let tools: [(&str, &str, Value, crate::tool::ToolFn); 13] = [
        (
            "ui.set_multiple",
            "Stores every key of `values` in the state.",
            object(json!({"values": {"type": "object"}}), &["values"]),
            set_multiple,
        ),
        (
            "ui.show",
            "Shows component `target` (state `<target>.visible` = true).",
            target.clone(),
            show,
        ),
        (
            "ui.hide",
            "Hides component `target` (state `<target>.visible` = false).",
            target.clone(),
            hide,
        ),
        (
            "ui.enable",
            "Enables component `target` (state `<target>.disabled` = false).",
            target.clone(),
            enable,
        ),
        (
            "ui.disable",
            "Disables component `target` (state `<target>.disabled` = true).",
            target.clone(),
            disable,
        ),
        (
            "ui.add_item",
            "Appends `item` (or `value`) to the array under `key` (default items).",
            json!({"key": {"type": "string"}, "item": {}, "value": {}}),
            add_item,
        ),
        (
            "ui.remove_item",
            "Removes entry `index` (or the first equal to `item`) from the array under `key` (default items).",
            json!({"key": {"type": "string"}, "index": {"type": "integer", "minimum": 0}, "item": {}}),
            remove_item,
        ),
        (
            "ui.form.validate",
            "Checks `fields` against `rules` ({field: {required, min_length, max_length, type: email|number}}); stores `<form>.errors` and `<form>.valid`.",
            field_list.clone(),
            form_validate,
        ),
        (
            "ui.form.submit",
            "Validates, then stores the fields' values as `<form>.submitted` and returns them.",
            field_list.clone(),
            form_submit,
        ),
        (
            "ui.form.reset",
            "Empties every field of `fields` and the form's errors.",
            field_list,
            form_reset,
        ),
        (
            "ui.tabs.switch",
            "Makes `tab` (or the event's `value`) the active tab of tabs component `tabs`.",
            object(
                json!({"tabs": {"type": "string"}, "tab": {"type": "string"}, "value": {}}),
                &["tabs"],
            ),
            tabs_switch,
        ),
        (
            "ui.modal.open",
            "Opens modal `modal` (its state becomes true).",
            json!({"modal": {"type": "string"}, "target": {"type": "string"}}),
            modal_open,
        ),
        (
            "ui.modal.close",
            "Closes modal `modal` (its state becomes false).",
            json!({"modal": {"type": "string"}, "target": {"type": "string"}}),
            modal_close,
        ),
    ];
    for (name, description, params, run) in tools {
        let params = if params.get("type").is_some() {
            params
        } else {
            json!({"type": "object", "properties": params})
        };
        add(registry, ToolSpec::new(name, description, params), run);
    }
}

fn target(tool: &str, args: &Map<String, Value>, names: &[&str]) -> Result<String> {
    names
        .iter()
        .find_map(|name| arg_text(args, name))
        .map(|t| t.into_owned())
        .ok_or_else(|| invalid(tool, names[0], "is required"))
}

fn set_multiple(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let values = args
        .get("values")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, value) in &values {
        cx.state.set(key, value.clone());
    }
    Ok(Value::from(values.len()))
}

fn flag(
    cx: &mut ToolCx<'_>,
    tool: &str,
    args: &Map<String, Value>,
    suffix: &str,
    on: bool,
) -> Result<Value> {
    let id = target(tool, args, &["target", "key"])?;
    cx.state.set(&format!("{id}.{suffix}"), Value::Bool(on));
    Ok(Value::Bool(on))
}

fn show(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    flag(cx, "ui.show", args, "visible", true)
}
fn hide(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    flag(cx, "ui.hide", args, "visible", false)
}
fn enable(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    flag(cx, "ui.enable", args, "disabled", false)
}
fn disable(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    flag(cx, "ui.disable", args, "disabled", true)
}

fn array_at(cx: &ToolCx<'_>, key: &str) -> Vec<Value> {
    match cx.state.get(key) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn add_item(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let key = opt_str(args, "key").unwrap_or("items").to_owned();
    let item = args
        .get("item")
        .or_else(|| args.get("value"))
        .cloned()
        .ok_or_else(|| invalid("ui.add_item", "item", "is required"))?;
    let mut items = array_at(cx, &key);
    items.push(item);
    let len = items.len();
    cx.state.set(&key, Value::Array(items));
    Ok(Value::from(len))
}

fn remove_item(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let key = opt_str(args, "key").unwrap_or("items").to_owned();
    let mut items = array_at(cx, &key);
    let position = match (args.get("index").and_then(Value::as_u64), args.get("item")) {
        (Some(index), _) => {
            let index = usize::try_from(index).unwrap_or(usize::MAX);
            if index >= items.len() {
                return Err(invalid(
                    "ui.remove_item",
                    "index",
                    format!("is {index} but `{key}` has {} items", items.len()),
                ));
            }
            Some(index)
        }
        (None, Some(item)) => items.iter().position(|candidate| candidate == item),
        (None, None) => return Err(invalid("ui.remove_item", "index", "or `item` is required")),
    };
    let removed = position.map(|index| items.remove(index));
    cx.state.set(&key, Value::Array(items));
    Ok(removed.unwrap_or(Value::Null))
}

fn fields(args: &Map<String, Value>) -> (String, Vec<String>) {
    let form = opt_str(args, "form").unwrap_or("form").to_owned();
    let mut fields: Vec<String> = args
        .get("fields")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if fields.is_empty()
        && let Some(Value::Object(rules)) = args.get("rules")
    {
        fields = rules.keys().cloned().collect();
    }
    (form, fields)
}

fn check_field(value: Option<&Value>, rule: &Value) -> Option<String> {
    let text = value.map(crate::state::value_text).unwrap_or_default();
    let text = text.trim();
    if rule.get("required").and_then(Value::as_bool) == Some(true) && text.is_empty() {
        return Some("is required".to_owned());
    }
    if text.is_empty() {
        return None;
    }
    let length = text.chars().count() as u64;
    if let Some(min) = rule.get("min_length").and_then(Value::as_u64)
        && length < min
    {
        return Some(format!("must have at least {min} characters"));
    }
    if let Some(max) = rule.get("max_length").and_then(Value::as_u64)
        && length > max
    {
        return Some(format!("must have at most {max} characters"));
    }
    match rule.get("type").and_then(Value::as_str) {
        Some("email") => {
            let ok = text.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !text.contains(char::is_whitespace)
            });
            (!ok).then(|| "must be an email address".to_owned())
        }
        Some("number") => text
            .parse::<f64>()
            .is_err()
            .then(|| "must be a number".to_owned()),
        _ => None,
    }
}

fn validate(
    cx: &mut ToolCx<'_>,
    args: &Map<String, Value>,
) -> (String, Vec<String>, Map<String, Value>) {
    let (form, fields) = fields(args);
    let rules = args
        .get("rules")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut errors = Map::new();
    for field in &fields {
        let rule = rules.get(field).cloned().unwrap_or(Value::Null);
        if let Some(message) = check_field(cx.state.get(field), &rule) {
            errors.insert(field.clone(), Value::String(message));
        }
    }
    cx.state
        .set(&format!("{form}.errors"), Value::Object(errors.clone()));
    cx.state
        .set(&format!("{form}.valid"), Value::Bool(errors.is_empty()));
    (form, fields, errors)
}

fn form_validate(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let (_, _, errors) = validate(cx, args);
    Ok(json!({"valid": errors.is_empty(), "errors": errors}))
}

fn form_submit(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let (form, fields, errors) = validate(cx, args);
    if !errors.is_empty() {
        return Ok(json!({"submitted": false, "errors": errors}));
    }
    let values: Map<String, Value> = fields
        .iter()
        .map(|field| {
            (
                field.clone(),
                cx.state.get(field).cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    cx.state
        .set(&format!("{form}.submitted"), Value::Object(values.clone()));
    Ok(json!({"submitted": true, "values": values}))
}

fn form_reset(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let (form, fields) = fields(args);
    for field in &fields {
        let empty = match cx.state.get(field) {
            Some(Value::Bool(_)) => Value::Bool(false),
            Some(Value::Array(_)) => Value::Array(Vec::new()),
            Some(Value::Number(_)) => Value::from(0),
            _ => Value::String(String::new()),
        };
        cx.state.set(field, empty);
    }
    cx.state
        .set(&format!("{form}.errors"), Value::Object(Map::new()));
    Ok(Value::from(fields.len()))
}

fn tabs_switch(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let tabs = target("ui.tabs.switch", args, &["tabs"])?;
    let tab = target("ui.tabs.switch", args, &["tab", "value"])?;
    cx.state.set(&tabs, Value::String(tab.clone()));
    Ok(Value::String(tab))
}

fn modal_open(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let modal = target("ui.modal.open", args, &["modal", "target"])?;
    cx.state.set(&modal, Value::Bool(true));
    Ok(Value::Bool(true))
}

fn modal_close(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let modal = target("ui.modal.close", args, &["modal", "target"])?;
    cx.state.set(&modal, Value::Bool(false));
    Ok(Value::Bool(false))
}
