//! `browser.*` (navigate, back, forward, refresh) for the prebuilt browser, and `analysis.*`
//! (refresh, start_auto_refresh, stop_auto_refresh, export) for the system-analysis app.
//!
//! The browser keeps its page in the state of the iframe component (default `browser-frame`),
//! its history in `<frame>.history` and its position in `<frame>.position`.

use std::time::Duration;

use agentos_kernel::CapabilityKind;
use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::Result,
    registry::Registry,
    services::now_ms,
    tool::{ToolCx, ToolSpec, invalid, opt_str, req_str},
};

const FRAME: &str = "browser-frame";

pub(crate) fn register(registry: &mut Registry) {
    let frame = json!({"iframe_id": {"type": "string"}});
    add(
        registry,
        ToolSpec::new(
            "browser.navigate",
            "Opens `url` (http, https or about:blank; a bare host gets https://) in the frame.",
            object(
                json!({"url": {"type": "string", "maxLength": 8192}, "value": {}, "iframe_id": {"type": "string"}}),
                &[],
            ),
        ),
        navigate,
    );
    add(
        registry,
        ToolSpec::new(
            "browser.back",
            "Goes one page back in the frame's history.",
            object(frame.clone(), &[]),
        ),
        back,
    );
    add(
        registry,
        ToolSpec::new(
            "browser.forward",
            "Goes one page forward in the frame's history.",
            object(frame.clone(), &[]),
        ),
        forward,
    );
    add(
        registry,
        ToolSpec::new(
            "browser.refresh",
            "Asks the view to reload the frame.",
            object(frame, &[]),
        ),
        refresh,
    );

    let mut spec = ToolSpec::new(
        "analysis.refresh",
        "Collects system figures into the state (cpu-count, app-count, uptime, tool-calls, log-count).",
        json!({"type": "object"}),
    );
    spec.capabilities = vec![CapabilityKind::SystemInfo];
    add(registry, spec, analysis_refresh);
    let mut spec = ToolSpec::new(
        "analysis.start_auto_refresh",
        "Runs analysis.refresh every `interval` ms (default 5000).",
        object(
            json!({"interval": {"type": "integer", "minimum": 100, "maximum": 3_600_000}}),
            &[],
        ),
    );
    spec.capabilities = vec![CapabilityKind::SystemInfo, CapabilityKind::TimeAccess];
    add(registry, spec, start_auto);
    add(
        registry,
        ToolSpec::new(
            "analysis.stop_auto_refresh",
            "Stops the automatic refresh.",
            json!({"type": "object"}),
        ),
        stop_auto,
    );
    add(
        registry,
        ToolSpec::new(
            "analysis.export",
            "The last snapshot as `json` (default) or `csv`, also offered to the view as a download.",
            object(
                json!({"format": {"type": "string", "enum": ["json", "csv"]}}),
                &[],
            ),
        ),
        export,
    );
}

fn frame(args: &Map<String, Value>) -> String {
    opt_str(args, "iframe_id").unwrap_or(FRAME).to_owned()
}

fn normalise(url: &str) -> Option<String> {
    let url = url.trim();
    if url == "about:blank" {
        return Some(url.to_owned());
    }
    let lower = url.to_ascii_lowercase();
    let full = if lower.starts_with("http://") || lower.starts_with("https://") {
        url.to_owned()
    } else if !url.contains("://")
        && !url.contains(char::is_whitespace)
        && url.contains('.')
        && !url.starts_with('.')
    {
        format!("https://{url}")
    } else {
        return None;
    };
    let host = full.split("://").nth(1)?.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !full.contains(char::is_whitespace)).then_some(full)
}

fn history(cx: &ToolCx<'_>, frame: &str) -> (Vec<Value>, usize) {
    let history = match cx.state.get(&format!("{frame}.history")) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let position = cx
        .state
        .get(&format!("{frame}.position"))
        .and_then(Value::as_u64)
        .unwrap_or(0) as usize;
    (history, position)
}

fn show(cx: &mut ToolCx<'_>, frame: &str, history: Vec<Value>, position: usize) -> Value {
    let url = history.get(position).cloned().unwrap_or(Value::Null);
    cx.state.set(frame, url.clone());
    cx.state
        .set(&format!("{frame}.history"), Value::Array(history));
    cx.state
        .set(&format!("{frame}.position"), Value::from(position));
    url
}

fn navigate(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let raw = match opt_str(args, "url") {
        Some(url) => url.to_owned(),
        None => match cx.state.get("url-input").and_then(Value::as_str) {
            Some(url) => url.to_owned(),
            None => req_str("browser.navigate", args, "value")?.to_owned(),
        },
    };
    let url = normalise(&raw).ok_or_else(|| {
        invalid(
            "browser.navigate",
            "url",
            format!("is not an http(s) address: {raw:?}"),
        )
    })?;
    let frame = frame(args);
    let (mut history, position) = history(cx, &frame);
    if !history.is_empty() {
        history.truncate(position + 1);
    }
    history.push(Value::String(url));
    let position = history.len() - 1;
    Ok(show(cx, &frame, history, position))
}

fn back(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let frame = frame(args);
    let (history, position) = history(cx, &frame);
    let position = position.saturating_sub(1);
    Ok(show(cx, &frame, history, position))
}

fn forward(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let frame = frame(args);
    let (history, position) = history(cx, &frame);
    let position = (position + 1).min(history.len().saturating_sub(1));
    Ok(show(cx, &frame, history, position))
}

fn refresh(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let frame = frame(args);
    let url = cx.state.get(&frame).cloned().unwrap_or(Value::Null);
    cx.effect("reload", json!({"target": frame, "url": url}));
    Ok(url)
}

fn analysis_refresh(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let runtime = cx.runtime("analysis.refresh")?;
    let stats = runtime.stats();
    let calls: u64 = runtime.registry().metrics().iter().map(|m| m.calls).sum();
    let snapshot = json!({
        "timestamp": now_ms() / 1000,
        "cpu_count": std::thread::available_parallelism().map_or(1, usize::from),
        "app_count": stats.total_apps,
        "background_apps": stats.background_apps,
        "uptime_seconds": runtime.inner.services.started.elapsed().as_secs(),
        "tool_calls": calls,
        "log_count": runtime.inner.services.logs(usize::MAX, None).len(),
    });
    for (key, field) in [
        ("cpu-count", "cpu_count"),
        ("app-count", "app_count"),
        ("uptime", "uptime_seconds"),
        ("tool-calls", "tool_calls"),
        ("log-count", "log_count"),
    ] {
        cx.state.set(key, snapshot[field].clone());
    }
    let refreshes = cx
        .state
        .get("analysis.refreshes")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        + 1;
    cx.state.set("analysis.refreshes", Value::from(refreshes));
    cx.state.set("analysis.snapshot", snapshot.clone());
    Ok(snapshot)
}

fn start_auto(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let every = args.get("interval").and_then(Value::as_u64).unwrap_or(5000);
    let runtime = cx.runtime("analysis.start_auto_refresh")?;
    if let Some(old) = cx.state.get("analysis.timer").and_then(Value::as_u64) {
        runtime.inner.services.timers.cancel(cx.app_id, old);
    }
    let every = Duration::from_millis(every);
    let id = runtime.inner.services.timers.schedule(
        runtime,
        cx.app_id,
        "analysis.refresh",
        Map::new(),
        every,
        Some(every),
    );
    cx.state.set("analysis.timer", Value::from(id));
    Ok(json!({"timer_id": id}))
}

fn stop_auto(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let runtime = cx.runtime("analysis.stop_auto_refresh")?;
    let stopped = match cx.state.get("analysis.timer").and_then(Value::as_u64) {
        Some(id) => runtime.inner.services.timers.cancel(cx.app_id, id),
        None => false,
    };
    cx.state.set("analysis.timer", Value::Null);
    Ok(json!({"stopped": stopped}))
}

fn export(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let snapshot = cx
        .state
        .get("analysis.snapshot")
        .cloned()
        .unwrap_or(Value::Null);
    let Value::Object(fields) = &snapshot else {
        return Err(crate::Error::Failed {
            tool: "analysis.export".to_owned(),
            reason: "nothing to export: run analysis.refresh first".to_owned(),
        });
    };
    let (content, filename) = match opt_str(args, "format").unwrap_or("json") {
        "csv" => {
            let mut csv = String::from("metric,value\n");
            for (key, value) in fields {
                csv.push_str(&format!("{key},{value}\n"));
            }
            (csv, "analysis.csv")
        }
        _ => (
            serde_json::to_string_pretty(&snapshot).unwrap_or_default(),
            "analysis.json",
        ),
    };
    cx.effect(
        "download",
        json!({"filename": filename, "content": content}),
    );
    Ok(json!({"filename": filename, "content": content}))
}
