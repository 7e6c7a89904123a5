//! `system.*`: info, time, log, getLogs, ping, and the view effects alert, notify and
//! clipboard (also under the reference's `clipboard.*` and `notification.show` names).

use agentos_kernel::CapabilityKind;
use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::Result,
    registry::Registry,
    services::{iso8601, now_ms},
    tool::{ToolCx, ToolSpec, opt_str, req_str},
};

pub(crate) fn register(registry: &mut Registry) {
    let mut info = ToolSpec::new(
        "system.info",
        "OS, architecture, CPUs, uptime and app counts.",
        json!({"type": "object"}),
    );
    info.capabilities = vec![CapabilityKind::SystemInfo];
    add(registry, info, system_info);
    let mut time = ToolSpec::new(
        "system.time",
        "The current time: unix seconds, ISO 8601 and unix milliseconds.",
        json!({"type": "object"}),
    );
    time.capabilities = vec![CapabilityKind::TimeAccess];
    add(registry, time, system_time);
    let level = json!({"type": "string", "enum": ["debug", "info", "warn", "error"]});
    add(
        registry,
        ToolSpec::new(
            "system.log",
            "Appends `message` at `level` (default info) to the system log.",
            object(
                json!({"message": {"type": "string", "maxLength": 16384}, "level": level}),
                &["message"],
            ),
        ),
        log,
    );
    add(
        registry,
        ToolSpec::new(
            "system.getLogs",
            "Up to `limit` (default 100) log entries, newest first, optionally of one `level`.",
            object(
                json!({"limit": {"type": "integer", "minimum": 1, "maximum": 1000}, "level": level}),
                &[],
            ),
        ),
        get_logs,
    );
    add(
        registry,
        ToolSpec::new(
            "system.ping",
            "Answers pong with the time.",
            json!({"type": "object"}),
        ),
        ping,
    );
    let alert = object(json!({"message": {"type": "string"}}), &["message"]);
    add(
        registry,
        ToolSpec::new(
            "system.alert",
            "Asks the view to show `message` in an alert.",
            alert,
        ),
        alert_tool,
    );
    let notify = object(
        json!({"title": {"type": "string"}, "message": {"type": "string"}, "icon": {"type": "string"}}),
        &["message"],
    );
    add(
        registry,
        ToolSpec::new(
            "system.notify",
            "Asks the view to show a notification.",
            notify.clone(),
        ),
        notify_tool,
    );
    add(
        registry,
        ToolSpec::new("notification.show", "Alias of system.notify.", notify),
        notify_tool,
    );
    let copy = object(
        json!({"text": {"type": ["string", "number"]}, "value": {}}),
        &[],
    );
    add(
        registry,
        ToolSpec::new(
            "system.clipboard.copy",
            "Puts `text` on the clipboard (and asks the view to copy it).",
            copy.clone(),
        ),
        clipboard_copy,
    );
    add(
        registry,
        ToolSpec::new("clipboard.copy", "Alias of system.clipboard.copy.", copy),
        clipboard_copy,
    );
    let paste = object(json!({"key": {"type": "string"}}), &[]);
    add(
        registry,
        ToolSpec::new(
            "system.clipboard.paste",
            "The clipboard's text; stored under `key` when given.",
            paste.clone(),
        ),
        clipboard_paste,
    );
    add(
        registry,
        ToolSpec::new("clipboard.paste", "Alias of system.clipboard.paste.", paste),
        clipboard_paste,
    );
}

fn system_info(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let runtime = cx.runtime("system.info")?;
    let stats = runtime.stats();
    Ok(json!({
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "family": std::env::consts::FAMILY,
        "cpus": std::thread::available_parallelism().map_or(1, usize::from),
        "uptime_seconds": runtime.inner.services.started.elapsed().as_secs(),
        "total_apps": stats.total_apps,
        "pid": cx.pid.0,
    }))
}

fn system_time(_cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let ms = now_ms();
    Ok(json!({"timestamp": ms / 1000, "iso": iso8601(ms / 1000), "unix_ms": ms}))
}

fn log(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let message = req_str("system.log", args, "message")?;
    let level = opt_str(args, "level").unwrap_or("info");
    cx.runtime("system.log")?
        .log(level, message, Some(cx.app_id));
    Ok(json!({"logged": true}))
}

fn get_logs(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let limit = args.get("limit").and_then(Value::as_u64).unwrap_or(100) as usize;
    let logs = cx
        .runtime("system.getLogs")?
        .inner
        .services
        .logs(limit, opt_str(args, "level"));
    Ok(json!({"count": logs.len(), "logs": logs}))
}

fn ping(_cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    Ok(json!({"pong": true, "timestamp": now_ms() / 1000}))
}

fn alert_tool(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let message = req_str("system.alert", args, "message")?.to_owned();
    cx.effect("alert", json!({"message": message}));
    Ok(json!({"shown": true}))
}

fn notify_tool(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let message = req_str("system.notify", args, "message")?.to_owned();
    let title = opt_str(args, "title").unwrap_or("AgentOS").to_owned();
    let icon = opt_str(args, "icon").unwrap_or("").to_owned();
    cx.effect(
        "notification",
        json!({"title": title, "message": message, "icon": icon}),
    );
    Ok(json!({"shown": true}))
}

fn clipboard_copy(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let text = crate::tool::arg_text(args, "text")
        .or_else(|| crate::tool::arg_text(args, "value"))
        .map(|t| t.into_owned())
        .ok_or_else(|| crate::tool::invalid("system.clipboard.copy", "text", "is required"))?;
    *cx.runtime("system.clipboard.copy")?
        .inner
        .services
        .clipboard
        .lock() = Some(Value::String(text.clone()));
    cx.effect("clipboard", json!({"text": text}));
    Ok(json!({"copied": true}))
}

fn clipboard_paste(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let text = cx
        .runtime("system.clipboard.paste")?
        .inner
        .services
        .clipboard
        .lock()
        .clone()
        .unwrap_or(Value::Null);
    if let Some(key) = opt_str(args, "key") {
        cx.state.set(key, text.clone());
    }
    Ok(json!({"text": text}))
}
