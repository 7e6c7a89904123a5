//! `http.*`: get, post and request, made as the app's PID (which needs `NETWORK_ACCESS`),
//! within the call's deadline (10 s, or a shorter `timeout_ms`). The response is
//! `{status, headers, body, json?}` with `json` when the body parses as JSON.

use std::time::{Duration, Instant};

use agentos_kernel::CapabilityKind;
use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::{Error, Result},
    kernel_io::{self, HttpError},
    registry::Registry,
    tool::{ToolCx, ToolSpec, invalid, opt_str, req_str},
};

pub(crate) fn register(registry: &mut Registry) {
    let common = json!({
        "url": {"type": "string", "minLength": 1, "maxLength": 8192},
        "headers": {"type": "object"},
        "body": {},
        "timeout_ms": {"type": "integer", "minimum": 1, "maximum": 60000},
        "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
    });
    let specs: [(&str, &str, &[&str], crate::tool::ToolFn); 3] = [
        ("http.get", "GET `url`.", &["url"], get),
        (
            "http.post",
            "POST `body` (JSON unless a string) to `url`.",
            &["url"],
            post,
        ),
        (
            "http.request",
            "`method` `url` with optional `body` and `headers`.",
            &["url", "method"],
            request,
        ),
    ];
    for (name, description, required, run) in specs {
        let mut spec = ToolSpec::new(name, description, object(common.clone(), required));
        spec.capabilities = vec![CapabilityKind::NetworkAccess];
        spec.timeout = Some(Duration::from_secs(10));
        add(registry, spec, run);
    }
}

fn send(cx: &mut ToolCx<'_>, tool: &str, method: &str, args: &Map<String, Value>) -> Result<Value> {
    let url = req_str(tool, args, "url")?;
    let mut headers = Vec::new();
    if let Some(Value::Object(given)) = args.get("headers") {
        for (name, value) in given {
            let value = value
                .as_str()
                .ok_or_else(|| invalid(tool, &format!("headers.{name}"), "must be a string"))?;
            let bad = |s: &str| s.contains(['\r', '\n', '\0']);
            if name.is_empty() || bad(name) || name.contains(':') || bad(value) {
                return Err(invalid(
                    tool,
                    &format!("headers.{name}"),
                    "contains a forbidden character",
                ));
            }
            headers.push((name.clone(), value.to_owned()));
        }
    }
    let body = match args.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) => text.clone().into_bytes(),
        Some(other) => {
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
            }
            other.to_string().into_bytes()
        }
    };
    let mut deadline = cx
        .deadline
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(10));
    if let Some(ms) = args.get("timeout_ms").and_then(Value::as_u64) {
        deadline = deadline.min(Instant::now() + Duration::from_millis(ms));
    }
    match kernel_io::http_request(cx.kernel, cx.pid, method, url, &headers, &body, deadline)? {
        Ok(response) => {
            let text = String::from_utf8_lossy(&response.body).into_owned();
            let mut out = json!({
                "status": response.status,
                "ok": (200..300).contains(&response.status),
                "headers": response.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect::<Map<String, Value>>(),
                "body": text,
            });
            if let Ok(parsed) = serde_json::from_slice::<Value>(&response.body) {
                out["json"] = parsed;
            }
            Ok(out)
        }
        Err(HttpError::Timeout) => Err(Error::Timeout {
            tool: tool.to_owned(),
        }),
        Err(HttpError::Failed(reason)) => Err(Error::Http {
            url: url.to_owned(),
            reason,
        }),
    }
}

fn get(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    send(cx, "http.get", "GET", args)
}

fn post(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    send(cx, "http.post", "POST", args)
}

fn request(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let method = opt_str(args, "method").unwrap_or("GET").to_owned();
    send(cx, "http.request", &method, args)
}
