//! `network_request`: a real HTTP request (GET, POST, PUT, PATCH, DELETE or HEAD) with
//! caller-given headers, under the caller's network capability and rule (feature `http`).
//! Redirects are not followed, so a rule cannot be bypassed by one, and headers that would
//! change where or how the request is framed (`Host`, `Content-Length`, `Transfer-Encoding`,
//! `Connection` and the other hop-by-hop headers) are refused.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    process::Pid,
};

/// Largest response body kept (10 MiB); the rest is dropped and `truncated` is set.
pub const MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;

/// Time allowed for the whole request unless the caller asks for less; also the most it may
/// ask for.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Request headers a caller may not set, lowercase: they would name another host than the one
/// the rules checked, reframe the body, or speak to the connection rather than the server.
pub const FORBIDDEN_REQUEST_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// The HTTP methods `network_request` performs. In JSON: `"GET"`, `"POST"`, `"PUT"`,
/// `"PATCH"`, `"DELETE"` or `"HEAD"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum HttpMethod {
    /// GET.
    #[default]
    Get,
    /// POST, usually with a body.
    Post,
    /// PUT, usually with a body.
    Put,
    /// PATCH, usually with a body.
    Patch,
    /// DELETE.
    Delete,
    /// HEAD: the status and headers of a GET, without the body.
    Head,
}

impl HttpMethod {
    /// The method's name on the wire (`"GET"`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Head => "HEAD",
        }
    }

    fn to_reqwest(self) -> reqwest::Method {
        match self {
            Self::Get => reqwest::Method::GET,
            Self::Post => reqwest::Method::POST,
            Self::Put => reqwest::Method::PUT,
            Self::Patch => reqwest::Method::PATCH,
            Self::Delete => reqwest::Method::DELETE,
            Self::Head => reqwest::Method::HEAD,
        }
    }
}

/// What [`Kernel::network_request`] sends: plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: HttpMethod,
    /// An `http://` or `https://` URL.
    pub url: String,
    /// Request headers, in order (a name may repeat). See [`check_request_header`].
    pub headers: Vec<(String, String)>,
    /// The body, sent as is with any method when present.
    pub body: Option<Vec<u8>>,
    /// Time allowed for the whole request; `None` or anything longer means
    /// [`DEFAULT_REQUEST_TIMEOUT`].
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    /// A request for `method` on `url` with no headers, no body and the default timeout.
    #[must_use]
    pub fn new(method: HttpMethod, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            ..Self::default()
        }
    }
}

/// A response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Response headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (at most [`MAX_RESPONSE_BYTES`]).
    pub body: Vec<u8>,
    /// True when the body was longer and was cut.
    pub truncated: bool,
}

/// Checks one request header as `network_request` will: the name and value must be valid
/// HTTP, and the name must not be one of [`FORBIDDEN_REQUEST_HEADERS`].
///
/// # Errors
/// `InvalidArgument` naming the header and what is wrong with it.
pub fn check_request_header(name: &str, value: &str) -> Result<()> {
    parse_header(name, value).map(|_| ())
}

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    let parsed = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidArgument(format!("header {name:?}: not a valid header name")))?;
    if FORBIDDEN_REQUEST_HEADERS.contains(&parsed.as_str()) {
        return Err(Error::InvalidArgument(format!(
            "header {name:?}: set by the kernel, a request may not carry it"
        )));
    }
    let value = HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidArgument(format!(
            "header {name:?}: value is not a valid header value (control characters or non-ASCII)"
        ))
    })?;
    Ok((parsed, value))
}

impl Kernel {
    /// Performs `request` (`http://` or `https://`) for `caller`.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `InvalidArgument` for a bad URL, a zero
    /// timeout, or a header that is malformed or forbidden (naming the header);
    /// `NetworkDenied` when the capability's rule or the PID's socket rule excludes the host
    /// or port; `Socket` for transport errors and timeouts.
    pub async fn network_request(&self, caller: Pid, request: HttpRequest) -> Result<HttpResponse> {
        let HttpRequest {
            method,
            url,
            headers,
            body,
            timeout,
        } = request;
        let caps = self.capabilities_of(caller)?;
        if !caps.allows(CapabilityKind::NetworkAccess, None) {
            return Err(Error::PermissionDenied {
                pid: caller,
                capability: CapabilityKind::NetworkAccess,
                path: url,
            });
        }
        let parsed = reqwest::Url::parse(&url)
            .map_err(|err| Error::InvalidArgument(format!("url {url:?}: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::InvalidArgument(format!(
                "url {url:?}: only http and https"
            )));
        }
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let port = parsed.port_or_known_default().unwrap_or(80);
        // Both the capability's own rule and the PID's socket rule must admit the host, as
        // they must for `connect`.
        if !(caps.allows_connect(&host, port)
            && self.runtime().sockets.rule(caller).allows_host(&host, port))
        {
            return Err(Error::NetworkDenied {
                pid: caller,
                address: format!("{host}:{port}"),
            });
        }
        let mut header_map = HeaderMap::with_capacity(headers.len());
        for (name, value) in &headers {
            let (name, value) = parse_header(name, value)?;
            header_map.append(name, value);
        }
        let timeout = match timeout {
            Some(t) if t.is_zero() => {
                return Err(Error::InvalidArgument(
                    "timeout: must be at least 1 ms".to_owned(),
                ));
            }
            Some(t) => t.min(DEFAULT_REQUEST_TIMEOUT),
            None => DEFAULT_REQUEST_TIMEOUT,
        };
        let transport = |err: reqwest::Error| Error::Socket {
            pid: caller,
            sockfd: 0,
            operation: "network_request",
            reason: err.to_string(),
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .build()
            .map_err(transport)?;
        let mut builder = client
            .request(method.to_reqwest(), parsed)
            .headers(header_map);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let mut response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            let room = MAX_RESPONSE_BYTES - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
            truncated,
        })
    }
}
