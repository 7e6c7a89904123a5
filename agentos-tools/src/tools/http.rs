//! `http.*`: get, post and request, each one `network_request` syscall made as the app's PID,
//! so the kernel applies its `NETWORK_ACCESS` capability and host/port rules and speaks HTTP or
//! HTTPS. The call gives up at its deadline (10 s, or a shorter `timeout_ms`).
//!
//! The result is `{status, ok, headers, body, truncated, json?}` for every status the server
//! answers — a 404 is a result with `ok: false`, not an error — with `json` when the body
//! parses as JSON. The kernel's syscall performs GET and POST with a body and sends no custom
//! request headers, so those are the methods offered and `headers` is not a parameter.

use std::time::{Duration, Instant};

use agentos_kernel::{CapabilityKind, HttpMethod};
use serde_json::{Map, Value, json};

use super::add;
use crate::{
    error::{Error, Result},
    kernel_net::{self, Failure, Outcome},
    registry::Registry,
    tool::{ToolCx, ToolSpec, invalid, opt_str, req_str},
};

/// The deadline of an `http.*` call unless `timeout_ms` is shorter.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn register(registry: &mut Registry) {
    let specs: [(&str, &str, &[&str], crate::tool::ToolFn); 3] = [
        ("http.get", "GET `url`.", &["url"], get),
        (
            "http.post",
            "POST `body` (JSON text unless a string) to `url`.",
            &["url"],
            post,
        ),
        (
            "http.request",
            "`method` (GET or POST) `url`, with an optional `body` for POST.",
            &["url", "method"],
            request,
        ),
    ];
    for (name, description, required, run) in specs {
        let params = json!({
            "type": "object",
            "properties": {
                "url": {"type": "string", "minLength": 1, "maxLength": 8192,
                        "description": "an http:// or https:// URL"},
                "body": {"description": "the POST body: a string as is, anything else as JSON"},
                "timeout_ms": {"type": "integer", "minimum": 1, "maximum": 60000},
                "method": {"type": "string", "enum": ["GET", "POST"]},
            },
            "required": required,
            "additionalProperties": false,
        });
        let mut spec = ToolSpec::new(name, description, params);
        spec.capabilities = vec![CapabilityKind::NetworkAccess];
        spec.timeout = Some(DEFAULT_TIMEOUT);
        add(registry, spec, run);
    }
}

fn send(
    cx: &mut ToolCx<'_>,
    tool: &str,
    method: HttpMethod,
    args: &Map<String, Value>,
) -> Result<Value> {
    let url = req_str(tool, args, "url")?;
    check_url(tool, url)?;
    let body = match (method, args.get("body")) {
        (_, None | Some(Value::Null)) => None,
        (HttpMethod::Post, Some(Value::String(text))) => Some(text.clone().into_bytes()),
        (HttpMethod::Post, Some(other)) => Some(other.to_string().into_bytes()),
        (_, Some(_)) => return Err(invalid(tool, "body", "is only sent with POST")),
    };
    let mut deadline = cx
        .deadline
        .unwrap_or_else(|| Instant::now() + DEFAULT_TIMEOUT);
    if let Some(ms) = args.get("timeout_ms").and_then(Value::as_u64) {
        deadline = deadline.min(Instant::now() + Duration::from_millis(ms));
    }
    match kernel_net::network_request(cx.kernel, cx.pid, method, url, body, deadline) {
        Ok(Outcome::Response(response)) => {
            let mut out = json!({
                "status": response.status,
                "ok": (200..300).contains(&response.status),
                "headers": response
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect::<Map<String, Value>>(),
                "body": String::from_utf8_lossy(&response.body),
                "truncated": response.truncated,
            });
            if let Ok(parsed) = serde_json::from_slice::<Value>(&response.body) {
                out["json"] = parsed;
            }
            Ok(out)
        }
        Ok(Outcome::TimedOut) => Err(Error::Timeout {
            tool: tool.to_owned(),
        }),
        Err(Failure::Kernel(agentos_kernel::Error::Socket { reason, .. })) => Err(Error::Http {
            url: url.to_owned(),
            reason,
        }),
        Err(Failure::Kernel(err)) => Err(err.into()),
        Err(Failure::Runtime(reason)) => Err(Error::Unavailable {
            tool: tool.to_owned(),
            reason,
        }),
    }
}

/// Rejects, naming the `url` parameter, what the kernel would refuse as malformed: anything
/// but an absolute `http://` or `https://` URL with a host.
fn check_url(tool: &str, url: &str) -> Result<()> {
    let parsed = url::Url::parse(url)
        .map_err(|err| invalid(tool, "url", format!("is not a valid URL ({err}): {url:?}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(
            tool,
            "url",
            format!("must be http:// or https://, found {}://", parsed.scheme()),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid(tool, "url", "has no host"));
    }
    Ok(())
}

fn get(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    send(cx, "http.get", HttpMethod::Get, args)
}

fn post(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    send(cx, "http.post", HttpMethod::Post, args)
}

fn request(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let method = match opt_str(args, "method").unwrap_or("GET") {
        "POST" => HttpMethod::Post,
        _ => HttpMethod::Get,
    };
    send(cx, "http.request", method, args)
}
