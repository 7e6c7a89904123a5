//! The `ui.*` tools: read and write an app's component state.
//!
//! The state key is `key`, else `target`, else a per-tool default: the calling component for
//! `ui.set`, `ui.get` and `ui.toggle`, and `display` for `ui.append`, `ui.clear`, `ui.compute`
//! and `ui.backspace` (so a calculator button appends to the display, not to itself).

use serde_json::{Map, Value, json};

use crate::{
    compute::{evaluate, format_number},
    error::{Error, Result},
    registry::Registry,
    tool::{Tool, ToolCx, ToolSpec, arg_text, check_text_arg},
};

/// The key used by append, clear, compute and backspace when none is given.
const DISPLAY: &str = "display";

/// Which component a `ui.*` call defaults to when it names no `key` or `target`.
#[derive(Clone, Copy)]
enum DefaultKey {
    /// The component whose event triggered the call.
    Caller,
    /// The `display` component.
    Display,
}

type UiFn = fn(&mut ToolCx<'_>, &str, &Map<String, Value>) -> Result<Value>;

struct UiTool {
    spec: ToolSpec,
    default_key: DefaultKey,
    run: UiFn,
}

impl Tool for UiTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    fn call(&self, cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
        for param in ["key", "target", "text", "default", "expression"] {
            check_text_arg(&self.spec.name, args, param)?;
        }
        let key = match arg_text(args, "key").or_else(|| arg_text(args, "target")) {
            Some(key) => key.into_owned(),
            None => match self.default_key {
                DefaultKey::Display => DISPLAY.to_owned(),
                DefaultKey::Caller => match arg_text(args, "component_id") {
                    Some(id) => id.into_owned(),
                    None => {
                        return Err(Error::InvalidParam {
                            tool: self.spec.name.clone(),
                            param: "key".to_owned(),
                            reason: "is required when the call does not come from a component"
                                .to_owned(),
                        });
                    }
                },
            },
        };
        (self.run)(cx, &key, args)
    }
}

/// Registers every `ui.*` tool in `registry`.
pub(crate) fn register(registry: &mut Registry) {
    let key_params = json!({
        "key": {"type": "string", "description": "state key to act on"},
        "target": {"type": "string", "description": "alias of key"},
    });
    let tools: [(&str, &str, DefaultKey, UiFn, Value); 7] = [
        (
            "ui.set",
            "Stores `value` under the key (default: the calling component).",
            DefaultKey::Caller,
            set,
            json!({"value": {}}),
        ),
        (
            "ui.get",
            "Returns the value under the key (default: the calling component).",
            DefaultKey::Caller,
            get,
            json!({}),
        ),
        (
            "ui.append",
            "Appends `value` (or `text`) to the key's text (default: display); a lone 0 is replaced by digits.",
            DefaultKey::Display,
            append,
            json!({"value": {"type": ["string", "number", "boolean"]}, "text": {"type": ["string", "number", "boolean"]}}),
        ),
        (
            "ui.clear",
            "Resets the key (default: display) to `default`, or to \"0\".",
            DefaultKey::Display,
            clear,
            json!({"default": {"type": "string"}}),
        ),
        (
            "ui.backspace",
            "Drops the last character of the key's text (default: display); one character becomes \"0\".",
            DefaultKey::Display,
            backspace,
            json!({}),
        ),
        (
            "ui.compute",
            "Evaluates `expression`, or the key's text (default: display), and stores the result; failures store \"Error\".",
            DefaultKey::Display,
            compute,
            json!({"expression": {"type": "string"}}),
        ),
        (
            "ui.toggle",
            "Flips the boolean under the key (default: the calling component).",
            DefaultKey::Caller,
            toggle,
            json!({}),
        ),
    ];
    for (name, description, default_key, run, extra) in tools {
        let mut properties = key_params.as_object().cloned().unwrap_or_default();
        if let Value::Object(extra) = extra {
            properties.extend(extra);
        }
        let params = json!({"type": "object", "properties": properties});
        for (alias, target) in ALIASES {
            if target == name {
                registry.register(UiTool {
                    spec: ToolSpec::new(
                        alias,
                        &format!("Alias of {name}: {description}"),
                        params.clone(),
                    ),
                    default_key,
                    run,
                });
            }
        }
        registry.register(UiTool {
            spec: ToolSpec::new(name, description, params),
            default_key,
            run,
        });
    }
}

/// The reference's other names for the same tools.
pub(crate) const ALIASES: [(&str, &str); 3] = [
    ("ui.set_state", "ui.set"),
    ("ui.get_state", "ui.get"),
    ("ui.evaluate", "ui.compute"),
];

fn set(cx: &mut ToolCx<'_>, key: &str, args: &Map<String, Value>) -> Result<Value> {
    let value = args
        .get("value")
        .or_else(|| args.get("data"))
        .cloned()
        .unwrap_or(Value::Null);
    cx.state.set(key, value.clone());
    Ok(value)
}

fn get(cx: &mut ToolCx<'_>, key: &str, _args: &Map<String, Value>) -> Result<Value> {
    Ok(cx.state.get(key).cloned().unwrap_or(Value::Null))
}

fn append(cx: &mut ToolCx<'_>, key: &str, args: &Map<String, Value>) -> Result<Value> {
    let addition = arg_text(args, "value")
        .or_else(|| arg_text(args, "text"))
        .or_else(|| arg_text(args, "digit"))
        .unwrap_or_default();
    let current = cx.state.text(key, "0");
    if addition.is_empty() {
        return Ok(Value::String(current));
    }
    let all_digits = addition.chars().all(|c| c.is_ascii_digit());
    let next = if (current == "0" && all_digits) || current == "Error" {
        addition.into_owned()
    } else {
        current + &addition
    };
    cx.state.set(key, Value::String(next.clone()));
    Ok(Value::String(next))
}

fn clear(cx: &mut ToolCx<'_>, key: &str, args: &Map<String, Value>) -> Result<Value> {
    let value = arg_text(args, "default").map_or_else(|| "0".to_owned(), |text| text.into_owned());
    cx.state.set(key, Value::String(value.clone()));
    Ok(Value::String(value))
}

fn backspace(cx: &mut ToolCx<'_>, key: &str, _args: &Map<String, Value>) -> Result<Value> {
    let mut text = cx.state.text(key, "0");
    text.pop();
    if text.is_empty() || text == "-" {
        text = "0".to_owned();
    }
    cx.state.set(key, Value::String(text.clone()));
    Ok(Value::String(text))
}

fn compute(cx: &mut ToolCx<'_>, key: &str, args: &Map<String, Value>) -> Result<Value> {
    let expression = match arg_text(args, "expression") {
        Some(expression) => substitute_state(&expression, cx),
        None => cx.state.text(key, "0"),
    };
    let shown = match evaluate(&expression) {
        Ok(number) => format_number(number),
        Err(_) => "Error".to_owned(),
    };
    cx.state.set(key, Value::String(shown.clone()));
    Ok(Value::String(shown))
}

/// Replaces each `{key}` in an explicit expression with the text of that state key, so a
/// counter can bind `{"expression": "{count}+1"}`.
fn substitute_state(expression: &str, cx: &ToolCx<'_>) -> String {
    let mut out = String::with_capacity(expression.len());
    let mut rest = expression;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push('(');
                out.push_str(&cx.state.text(&after[..close], "0"));
                out.push(')');
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn toggle(cx: &mut ToolCx<'_>, key: &str, _args: &Map<String, Value>) -> Result<Value> {
    let on = !matches!(cx.state.get(key), Some(Value::Bool(true)));
    cx.state.set(key, Value::Bool(on));
    Ok(Value::Bool(on))
}

#[cfg(test)]
mod tests {
    use agentos_kernel::{CapabilitySet, Kernel};
    use serde_json::json;

    use super::*;
    use crate::{runtime::AppId, state::State};

    fn call(state: &mut State, tool: &str, args: Value) -> Result<Value> {
        let registry = Registry::builtin();
        let kernel = Kernel::new();
        let pid = kernel.create_process("test", CapabilitySet::new());
        let mut cx = ToolCx::new(AppId::new(), pid, &kernel, state);
        let args = args.as_object().cloned().unwrap_or_default();
        registry.call(tool, &mut cx, &args)
    }

    #[test]
    fn append_defaults_to_display_and_replaces_a_lone_zero() {
        let mut state = State::default();
        call(
            &mut state,
            "ui.append",
            json!({"value": "7", "component_id": "btn-7"}),
        )
        .unwrap();
        assert_eq!(state.get("display"), Some(&json!("7")));
        assert_eq!(state.get("btn-7"), None);
        call(&mut state, "ui.append", json!({"text": "+"})).unwrap();
        call(&mut state, "ui.append", json!({"value": 3})).unwrap();
        assert_eq!(state.get("display"), Some(&json!("7+3")));
        call(&mut state, "ui.append", json!({"value": ""})).unwrap();
        assert_eq!(state.get("display"), Some(&json!("7+3")));
    }

    #[test]
    fn append_keeps_operators_after_zero_and_respects_key() {
        let mut state = State::default();
        call(&mut state, "ui.append", json!({"value": "+"})).unwrap();
        assert_eq!(state.get("display"), Some(&json!("0+")));
        call(
            &mut state,
            "ui.append",
            json!({"value": "a", "key": "other"}),
        )
        .unwrap();
        assert_eq!(state.get("other"), Some(&json!("0a")));
        call(
            &mut state,
            "ui.append",
            json!({"value": "b", "target": "t"}),
        )
        .unwrap();
        assert_eq!(state.get("t"), Some(&json!("0b")));
    }

    #[test]
    fn compute_evaluates_and_reports_error() {
        let mut state = State::default();
        state.set("display", json!("7+3"));
        assert_eq!(
            call(&mut state, "ui.compute", json!({})).unwrap(),
            json!("10")
        );
        assert_eq!(state.get("display"), Some(&json!("10")));
        state.set("display", json!("1÷0"));
        assert_eq!(
            call(&mut state, "ui.compute", json!({})).unwrap(),
            json!("Error")
        );
        state.set("display", json!("2+alert(1)"));
        assert_eq!(
            call(&mut state, "ui.compute", json!({})).unwrap(),
            json!("Error")
        );
        call(
            &mut state,
            "ui.compute",
            json!({"expression": "12×3", "key": "out"}),
        )
        .unwrap();
        assert_eq!(state.get("out"), Some(&json!("36")));
        call(&mut state, "ui.append", json!({"value": "5"})).unwrap();
        assert_eq!(
            state.get("display"),
            Some(&json!("5")),
            "a digit after Error starts afresh"
        );
        state.set("count", json!(-4));
        call(
            &mut state,
            "ui.compute",
            json!({"key": "count", "expression": "{count}+1"}),
        )
        .unwrap();
        assert_eq!(state.get("count"), Some(&json!("-3")));
        call(
            &mut state,
            "ui.compute",
            json!({"key": "n", "expression": "{n}*2"}),
        )
        .unwrap();
        assert_eq!(
            state.get("n"),
            Some(&json!("0")),
            "a missing key counts as 0"
        );
    }

    #[test]
    fn clear_backspace_set_get_toggle() {
        let mut state = State::default();
        state.set("display", json!("123"));
        call(&mut state, "ui.backspace", json!({})).unwrap();
        assert_eq!(state.get("display"), Some(&json!("12")));
        call(&mut state, "ui.backspace", json!({})).unwrap();
        call(&mut state, "ui.backspace", json!({})).unwrap();
        assert_eq!(state.get("display"), Some(&json!("0")));
        state.set("display", json!("9"));
        call(&mut state, "ui.clear", json!({})).unwrap();
        assert_eq!(state.get("display"), Some(&json!("0")));
        call(&mut state, "ui.clear", json!({"default": ""})).unwrap();
        assert_eq!(state.get("display"), Some(&json!("")));

        call(
            &mut state,
            "ui.set",
            json!({"key": "name", "value": {"a": 1}}),
        )
        .unwrap();
        assert_eq!(
            call(&mut state, "ui.get", json!({"key": "name"})).unwrap(),
            json!({"a": 1})
        );
        call(
            &mut state,
            "ui.set",
            json!({"component_id": "field", "value": "typed"}),
        )
        .unwrap();
        assert_eq!(state.get("field"), Some(&json!("typed")));
        assert_eq!(
            call(&mut state, "ui.get", json!({"key": "missing"})).unwrap(),
            Value::Null
        );

        assert_eq!(
            call(&mut state, "ui.toggle", json!({"component_id": "dark"})).unwrap(),
            json!(true)
        );
        assert_eq!(
            call(&mut state, "ui.toggle", json!({"component_id": "dark"})).unwrap(),
            json!(false)
        );
    }

    #[test]
    fn bad_input_is_a_named_error() {
        let mut state = State::default();
        let err = call(&mut state, "ui.set", json!({"value": 1})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "tool `ui.set`: parameter `key` is required when the call does not come from a component"
        );
        let err = call(&mut state, "ui.append", json!({"key": ["x"]})).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParam { ref param, .. } if param == "key"),
            "{err}"
        );
        let err = call(&mut state, "ui.nope", json!({})).unwrap_err();
        assert_eq!(err.to_string(), "unknown tool `ui.nope`");
    }
}
