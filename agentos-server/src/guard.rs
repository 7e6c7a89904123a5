//! Request guards: an optional bearer token and a per-IP token-bucket rate limit.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Instant,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use parking_lot::Mutex;

use crate::{error::ApiError, state::ServerState};

/// How many requests one client IP may make: a sustained rate and a burst.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests per second refilled into each client's bucket.
    pub per_second: f64,
    /// Bucket size: the most requests a client may make at once.
    pub burst: f64,
}

impl Default for RateLimit {
    /// The reference's defaults: 100 requests per second, bursts of 200.
    fn default() -> RateLimit {
        RateLimit {
            per_second: 100.0,
            burst: 200.0,
        }
    }
}

/// Per-IP token buckets.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// Buckets idle long enough to be full again are dropped once the table grows past this.
const MAX_TRACKED_CLIENTS: usize = 10_000;

impl RateLimiter {
    /// Takes one token for `ip`; false when its bucket is empty.
    pub(crate) fn allow(&self, ip: IpAddr, limit: RateLimit, now: Instant) -> bool {
        let mut buckets = self.buckets.lock();
        if buckets.len() > MAX_TRACKED_CLIENTS {
            let full_after = limit.burst / limit.per_second.max(f64::MIN_POSITIVE);
            buckets
                .retain(|_, bucket| now.duration_since(bucket.refilled).as_secs_f64() < full_after);
        }
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: limit.burst,
            refilled: now,
        });
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * limit.per_second).min(limit.burst);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Rejects requests over the client's rate limit with 429 `{"error": "rate limit exceeded"}`.
pub(crate) async fn rate_limit(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>();
    if let (Some(limit), Some(ConnectInfo(peer))) = (state.config.rate_limit, peer)
        && !state.limiter.allow(peer.ip(), limit, Instant::now())
    {
        return ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded").into_response();
    }
    next.run(request).await
}

/// When a token is configured, requires `Authorization: Bearer <token>` (or `?token=` for
/// WebSocket upgrades, which browsers cannot give headers) on everything but `/`, `/health`
/// and the desktop's static assets.
pub(crate) async fn bearer_token(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = state.config.token.as_deref() else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if matches!(path, "/" | "/health") || path.starts_with("/assets/") {
        return next.run(request).await;
    }
    let from_header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let from_query = request.uri().query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))
    });
    let presented = from_header.or(from_query).unwrap_or_default();
    if constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
        next.run(request).await
    } else {
        ApiError::new(StatusCode::UNAUTHORIZED, "missing or invalid bearer token").into_response()
    }
}

/// Compares without an early exit, so timing does not reveal how much of a token matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Shared limiter handle stored in the server state.
pub(crate) type SharedLimiter = Arc<RateLimiter>;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn bucket_allows_the_burst_then_refills_at_the_rate() {
        let limiter = RateLimiter::default();
        let limit = RateLimit {
            per_second: 10.0,
            burst: 3.0,
        };
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.allow(ip, limit, t0)));
        assert!(!limiter.allow(ip, limit, t0));
        assert!(limiter.allow(other, limit, t0), "limits are per client IP");
        assert!(limiter.allow(ip, limit, t0 + Duration::from_millis(100)));
        assert!(!limiter.allow(ip, limit, t0 + Duration::from_millis(100)));
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"secret"));
    }
}
