//! The `ui.list.*` tools: lists of `{id, text, done}` items kept in an app's state.

use serde_json::{Map, Value, json};

use crate::{
    error::{Error, Result},
    registry::Registry,
    tool::{Tool, ToolCx, ToolSpec, arg_text, check_text_arg},
};

/// The state key used when a call names no `list`.
const DEFAULT_LIST: &str = "list";
/// The input read by `ui.list.add` when the call gives neither `text` nor `input`.
const DEFAULT_INPUT: &str = "task-input";

type ListFn = fn(&mut ToolCx<'_>, &str, &Map<String, Value>) -> Result<Value>;

struct ListTool {
    spec: ToolSpec,
    run: ListFn,
}

impl Tool for ListTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    fn call(&self, cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
        for param in ["list", "input", "item_id"] {
            check_text_arg(&self.spec.name, args, param)?;
        }
        let list =
            arg_text(args, "list").map_or_else(|| DEFAULT_LIST.to_owned(), |l| l.into_owned());
        (self.run)(cx, &list, args)
    }
}

/// Registers the `ui.list.*` tools in `registry`.
pub(crate) fn register(registry: &mut Registry) {
    let tools: [(&str, &str, ListFn); 4] = [
        (
            "ui.list.add",
            "Adds an item with `item` (or `text` in a direct call), or the text of the `input` component (default task-input, then cleared), to `list`.",
            add,
        ),
        (
            "ui.list.remove",
            "Removes the item `item_id` (or the event's `value`) from `list`.",
            remove,
        ),
        (
            "ui.list.toggle",
            "Flips `done` on the item `item_id` (or the event's `value`) of `list`.",
            toggle,
        ),
        (
            "ui.list.clear",
            "Removes every item of `list` (or only the done ones with `done_only`).",
            clear,
        ),
    ];
    for (name, description, run) in tools {
        registry.register(ListTool {
            spec: ToolSpec {
                name: name.to_owned(),
                description: description.to_owned(),
                params: json!({"type": "object", "properties": {
                    "list": {"type": "string"}, "input": {"type": "string"}, "text": {"type": ["string", "number"]},
                    "item_id": {"type": ["string", "number"]}, "item": {"type": "string"}, "done_only": {"type": "boolean"}
                }}),
                capabilities: Vec::new(),
                timeout: None,
            },
            run,
        });
    }
}

fn items(cx: &ToolCx<'_>, list: &str) -> Vec<Value> {
    match cx.state.get(list) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn item_id(tool: &str, args: &Map<String, Value>) -> Result<String> {
    arg_text(args, "item_id")
        .or_else(|| arg_text(args, "value"))
        .map(|id| id.into_owned())
        .ok_or_else(|| Error::InvalidParam {
            tool: tool.to_owned(),
            param: "item_id".to_owned(),
            reason: "is required".to_owned(),
        })
}

fn add(cx: &mut ToolCx<'_>, list: &str, args: &Map<String, Value>) -> Result<Value> {
    let input =
        arg_text(args, "input").map_or_else(|| DEFAULT_INPUT.to_owned(), |i| i.into_owned());
    // `text` filled in from a clicked button is its label, not the item: from an event, only
    // an explicit `item` counts; direct calls may pass `text`.
    let explicit = args.get("item").or_else(|| {
        if args.contains_key("component_id") {
            None
        } else {
            args.get("text")
        }
    });
    let (text, from_input) = match explicit.and_then(Value::as_str) {
        Some(text) => (text.to_owned(), false),
        None => (cx.state.text(&input, ""), true),
    };
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    let mut items = items(cx, list);
    let next_id = items
        .iter()
        .filter_map(|item| {
            item.get("id")?
                .as_str()?
                .strip_prefix("item-")?
                .parse::<u64>()
                .ok()
        })
        .max()
        .map_or(1, |max| max + 1);
    let item = json!({"id": format!("item-{next_id}"), "text": text, "done": false});
    items.push(item.clone());
    cx.state.set(list, Value::Array(items));
    if from_input {
        cx.state.set(&input, Value::String(String::new()));
    }
    Ok(item)
}

fn remove(cx: &mut ToolCx<'_>, list: &str, args: &Map<String, Value>) -> Result<Value> {
    let id = item_id("ui.list.remove", args)?;
    let mut items = items(cx, list);
    let before = items.len();
    items.retain(|item| item.get("id").and_then(Value::as_str) != Some(id.as_str()));
    let removed = items.len() != before;
    cx.state.set(list, Value::Array(items));
    Ok(Value::Bool(removed))
}

fn toggle(cx: &mut ToolCx<'_>, list: &str, args: &Map<String, Value>) -> Result<Value> {
    let id = item_id("ui.list.toggle", args)?;
    let mut items = items(cx, list);
    let mut done = Value::Null;
    for item in &mut items {
        if item.get("id").and_then(Value::as_str) == Some(id.as_str()) {
            let flipped = !item.get("done").and_then(Value::as_bool).unwrap_or(false);
            item["done"] = Value::Bool(flipped);
            done = Value::Bool(flipped);
        }
    }
    cx.state.set(list, Value::Array(items));
    Ok(done)
}

fn clear(cx: &mut ToolCx<'_>, list: &str, args: &Map<String, Value>) -> Result<Value> {
    let done_only = args
        .get("done_only")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut items = items(cx, list);
    let before = items.len();
    if done_only {
        items.retain(|item| !item.get("done").and_then(Value::as_bool).unwrap_or(false));
    } else {
        items.clear();
    }
    cx.state.set(list, Value::Array(items.clone()));
    Ok(json!(before - items.len()))
}

#[cfg(test)]
mod tests {
    use agentos_kernel::{CapabilitySet, Kernel};
    use serde_json::json;

    use super::*;
    use crate::{runtime::AppId, state::State};

    fn call(state: &mut State, tool: &str, args: Value) -> Result<Value> {
        let kernel = Kernel::new();
        let pid = kernel.create_process("test", CapabilitySet::new());
        let mut cx = ToolCx::new(AppId::new(), pid, &kernel, state);
        Registry::builtin().call(tool, &mut cx, args.as_object().unwrap())
    }

    #[test]
    fn add_from_input_toggle_remove_clear() {
        let mut state = State::default();
        state.set("task-input", json!("  buy milk "));
        let item = call(&mut state, "ui.list.add", json!({})).unwrap();
        assert_eq!(
            item,
            json!({"id": "item-1", "text": "buy milk", "done": false})
        );
        assert_eq!(state.get("task-input"), Some(&json!("")));
        assert_eq!(
            call(&mut state, "ui.list.add", json!({})).unwrap(),
            Value::Null,
            "empty input adds nothing"
        );
        call(&mut state, "ui.list.add", json!({"text": "walk"})).unwrap();
        assert_eq!(
            call(&mut state, "ui.list.toggle", json!({"item_id": "item-2"})).unwrap(),
            json!(true)
        );
        assert_eq!(
            call(&mut state, "ui.list.clear", json!({"done_only": true})).unwrap(),
            json!(1)
        );
        assert_eq!(state.get("list").unwrap().as_array().unwrap().len(), 1);
        assert_eq!(
            call(&mut state, "ui.list.remove", json!({"item_id": "item-1"})).unwrap(),
            json!(true)
        );
        assert_eq!(
            call(&mut state, "ui.list.remove", json!({"item_id": "item-1"})).unwrap(),
            json!(false)
        );
        assert_eq!(state.get("list"), Some(&json!([])));
    }

    #[test]
    fn missing_item_id_is_named() {
        let mut state = State::default();
        let err = call(&mut state, "ui.list.toggle", json!({})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "tool `ui.list.toggle`: parameter `item_id` is required"
        );
        let err = call(&mut state, "ui.list.add", json!({"list": {"x": 1}})).unwrap_err();
        assert!(err.to_string().contains("parameter `list`"));
    }
}
