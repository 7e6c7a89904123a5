//! `network_request`: a real HTTP GET or POST under the caller's network capability and rule
//! (feature `http`). Redirects are not followed, so a rule cannot be bypassed by one.

use std::time::Duration;

use crate::{
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    process::Pid,
};

/// Largest response body kept (10 MiB); the rest is dropped and `truncated` is set.
pub const MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;

/// Time allowed for the whole request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The HTTP methods `network_request` performs. In JSON: `"GET"` or `"POST"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST with a body.
    Post,
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

impl Kernel {
    /// Performs `method` on `url` (`http://` or `https://`) for `caller`.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `InvalidArgument` for a bad URL;
    /// `NetworkDenied` when the capability's rule or the PID's socket rule excludes the host
    /// or port; `Socket` for transport
    /// errors and timeouts.
    pub async fn network_request(
        &self,
        caller: Pid,
        method: HttpMethod,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<HttpResponse> {
        let caps = self.capabilities_of(caller)?;
        if !caps.allows(CapabilityKind::NetworkAccess, None) {
            return Err(Error::PermissionDenied {
                pid: caller,
                capability: CapabilityKind::NetworkAccess,
                path: url.to_owned(),
            });
        }
        let parsed = reqwest::Url::parse(url)
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
        let transport = |err: reqwest::Error| Error::Socket {
            pid: caller,
            sockfd: 0,
            operation: "network_request",
            reason: err.to_string(),
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(transport)?;
        let request = match method {
            HttpMethod::Get => client.get(parsed),
            HttpMethod::Post => client.post(parsed).body(body.unwrap_or_default()),
        };
        let mut response = request.send().await.map_err(transport)?;
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
