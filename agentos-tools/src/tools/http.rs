//! `http.*`: get, post and request, each one `network_request` syscall made as the app's PID,
//! so the kernel applies its `NETWORK_ACCESS` capability and host/port rules and speaks HTTP or
//! HTTPS. The call gives up at its deadline (10 s, or a shorter `timeout_ms`).
//!
//! `http.request` performs GET, POST, PUT, PATCH, DELETE or HEAD. Every tool takes `headers`,
//! an object of strings sent as request headers; names and values are checked as the kernel
//! checks them (valid HTTP, none of `Host`, `Content-Length`, `Transfer-Encoding`,
//! `Connection` or the other hop-by-hop headers), so a bad one names the `headers` parameter
//! and the header. A `body` is a string sent as is or any other JSON value sent as JSON text
//! with `Content-Type: application/json` unless `headers` gives a content type; GET and HEAD
//! take no body.
//!
//! The result is `{status, ok, headers, body, truncated, json?}` for every status the server
//! answers — a 404 is a result with `ok: false`, not an error — with `json` when the body
//! parses as JSON.

use std::time::{Duration, Instant};

use agentos_kernel::{CapabilityKind, HttpMethod, HttpRequest};
use serde_json::{Map, Value, json};

use super::add;
use crate::{
    error::{Error, Result},
    kernel_net::{self, Failure, Outcome},
    registry::Registry,
    tool::{ToolCx, ToolSpec, invalid, req_str},
};

/// The deadline of an `http.*` call unless `timeout_ms` is shorter.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The methods `http.request` accepts, by their names in the `method` parameter.
const METHODS: [(&str, HttpMethod); 6] = [
    ("GET", HttpMethod::Get),
    ("POST", HttpMethod::Post),
    ("PUT", HttpMethod::Put),
    ("PATCH", HttpMethod::Patch),
    ("DELETE", HttpMethod::Delete),
    ("HEAD", HttpMethod::Head),
];

pub(crate) fn register(registry: &mut Registry) {
    let specs: [(&str, &str, &[&str], crate::tool::ToolFn); 3] = [
        (
            "http.get",
            "GET `url`, with optional `headers`.",
            &["url"],
            get,
        ),
        (
            "http.post",
            "POST `body` (a string as is, anything else as JSON with a JSON content type) to \
             `url`, with optional `headers`.",
            &["url"],
            post,
        ),
        (
            "http.request",
            "`method` (GET, POST, PUT, PATCH, DELETE or HEAD) `url`, with optional `headers` \
             and a `body` for any method but GET and HEAD.",
            &["url", "method"],
            request,
        ),
    ];
    let methods: Vec<&str> = METHODS.iter().map(|(name, _)| *name).collect();
    for (name, description, required, run) in specs {
        let mut properties = json!({
            "url": {"type": "string", "minLength": 1, "maxLength": 8192,
                    "description": "an http:// or https:// URL"},
            "headers": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "request headers, name to value; not Host, \
                                        Content-Length, Transfer-Encoding, Connection or \
                                        other hop-by-hop headers"},
            "timeout_ms": {"type": "integer", "minimum": 1, "maximum": 60000},
        });
        if name != "http.get" {
            properties["body"] = json!({
                "description": "the request body: a string as is, anything else as JSON \
                                (with Content-Type: application/json unless `headers` sets one)"
            });
        }
        if name == "http.request" {
            properties["method"] = json!({"type": "string", "enum": methods});
        }
        let params = json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        });
        let mut spec = ToolSpec::new(name, description, params);
        spec.capabilities = vec![CapabilityKind::NetworkAccess];
        spec.timeout = Some(DEFAULT_TIMEOUT);
        add(registry, spec, run);
    }
}

/// The `headers` parameter as `(name, value)` pairs, each checked as the kernel will check it.
fn headers(tool: &str, args: &Map<String, Value>) -> Result<Vec<(String, String)>> {
    let object = match args.get("headers") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(invalid(tool, "headers", "must be an object of strings")),
    };
    let mut pairs = Vec::with_capacity(object.len());
    for (name, value) in object {
        let Some(value) = value.as_str() else {
            return Err(invalid(
                tool,
                "headers",
                format!("header {name:?}: value must be a string"),
            ));
        };
        if let Err(err) = agentos_kernel::check_request_header(name, value) {
            let reason = match err {
                agentos_kernel::Error::InvalidArgument(reason) => reason,
                other => other.to_string(),
            };
            return Err(invalid(tool, "headers", reason));
        }
        pairs.push((name.clone(), value.to_owned()));
    }
    Ok(pairs)
}

fn send(
    cx: &mut ToolCx<'_>,
    tool: &str,
    method: HttpMethod,
    args: &Map<String, Value>,
) -> Result<Value> {
    let url = req_str(tool, args, "url")?;
    check_url(tool, url)?;
    let mut headers = headers(tool, args)?;
    let body = match (method, args.get("body")) {
        (_, None | Some(Value::Null)) => None,
        (HttpMethod::Get | HttpMethod::Head, Some(_)) => {
            return Err(invalid(
                tool,
                "body",
                format!("is not sent with {}", method.as_str()),
            ));
        }
        (_, Some(Value::String(text))) => Some(text.clone().into_bytes()),
        (_, Some(other)) => {
            if !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
            }
            Some(other.to_string().into_bytes())
        }
    };
    let mut deadline = cx
        .deadline
        .unwrap_or_else(|| Instant::now() + DEFAULT_TIMEOUT);
    if let Some(ms) = args.get("timeout_ms").and_then(Value::as_u64) {
        deadline = deadline.min(Instant::now() + Duration::from_millis(ms));
    }
    let request = HttpRequest {
        headers,
        body,
        ..HttpRequest::new(method, url)
    };
    match kernel_net::network_request(cx.kernel, cx.pid, request, deadline) {
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
    let name = req_str("http.request", args, "method")?;
    let Some(&(_, method)) = METHODS.iter().find(|(known, _)| *known == name) else {
        return Err(invalid(
            "http.request",
            "method",
            format!("must be one of GET, POST, PUT, PATCH, DELETE, HEAD, found {name:?}"),
        ));
    };
    send(cx, "http.request", method, args)
}
