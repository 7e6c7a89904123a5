//! `timer.*`: real timers that fire tools. `timer.set` runs `action` once after `delay` ms,
//! `timer.interval` every `interval` ms, `timer.clear` cancels; the runtime's timer thread runs
//! the tool as the app, and the patch goes to the app's subscribers.

use std::time::Duration;

use agentos_kernel::CapabilityKind;
use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::Result,
    registry::Registry,
    tool::{ToolCx, ToolSpec, invalid, req_str},
};

pub(crate) fn register(registry: &mut Registry) {
    let action = json!({"type": "string", "minLength": 1});
    let specs = [
        (
            "timer.set",
            "Runs tool `action` with `args` once, `delay` ms from now; returns the timer id.",
            object(
                json!({"delay": {"type": "integer", "minimum": 0, "maximum": 86_400_000}, "action": action, "args": {"type": "object"}}),
                &["delay", "action"],
            ),
            set as crate::tool::ToolFn,
        ),
        (
            "timer.interval",
            "Runs tool `action` with `args` every `interval` ms (at least 10); returns the timer id.",
            object(
                json!({"interval": {"type": "integer", "minimum": 10, "maximum": 86_400_000}, "action": action, "args": {"type": "object"}}),
                &["interval", "action"],
            ),
            interval,
        ),
        (
            "timer.clear",
            "Cancels the app's timer `timer_id`.",
            object(
                json!({"timer_id": {"type": "integer", "minimum": 1}}),
                &["timer_id"],
            ),
            clear,
        ),
        (
            "timer.list",
            "The ids of the app's pending timers.",
            json!({"type": "object"}),
            list,
        ),
    ];
    for (name, description, params, run) in specs {
        let mut spec = ToolSpec::new(name, description, params);
        spec.capabilities = vec![CapabilityKind::TimeAccess];
        add(registry, spec, run);
    }
}

fn schedule(
    cx: &mut ToolCx<'_>,
    tool: &str,
    args: &Map<String, Value>,
    ms: u64,
    repeat: bool,
) -> Result<Value> {
    let action = req_str(tool, args, "action")?;
    let runtime = cx.runtime(tool)?;
    if !runtime.registry().contains(action) {
        return Err(invalid(
            tool,
            "action",
            format!("names no tool: `{action}`"),
        ));
    }
    if action.starts_with("timer.") {
        return Err(invalid(tool, "action", "may not be a timer tool"));
    }
    let call_args = args
        .get("args")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let every = Duration::from_millis(ms);
    let id = runtime.inner.services.timers.schedule(
        runtime,
        cx.app_id,
        action,
        call_args,
        every,
        repeat.then_some(every),
    );
    Ok(json!({"timer_id": id}))
}

fn set(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let delay = args.get("delay").and_then(Value::as_u64).unwrap_or(0);
    schedule(cx, "timer.set", args, delay, false)
}

fn interval(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let every = args.get("interval").and_then(Value::as_u64).unwrap_or(1000);
    schedule(cx, "timer.interval", args, every, true)
}

fn clear(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let id = args.get("timer_id").and_then(Value::as_u64).unwrap_or(0);
    let cleared = cx
        .runtime("timer.clear")?
        .inner
        .services
        .timers
        .cancel(cx.app_id, id);
    Ok(json!({"cleared": cleared}))
}

fn list(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    Ok(json!({"timers": cx.runtime("timer.list")?.inner.services.timers.of_app(cx.app_id)}))
}
