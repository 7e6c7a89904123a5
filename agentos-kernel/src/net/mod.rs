//! Network syscalls: real TCP and UDP sockets through tokio, owned by a PID, gated by its
//! `NETWORK_ACCESS` and `BIND_PORT` capabilities and an optional per-PID host/port rule.

mod kernel_api;
mod rule;
mod socket;

#[cfg(feature = "http")]
mod http;

pub(crate) use self::socket::SocketTable;
pub use self::{
    kernel_api::{Accepted, Received},
    rule::SocketRule,
    socket::{DEFAULT_RECV_TIMEOUT, SocketOption},
};

#[cfg(feature = "http")]
pub use self::http::{
    DEFAULT_REQUEST_TIMEOUT, FORBIDDEN_REQUEST_HEADERS, HttpMethod, HttpRequest, HttpResponse,
    MAX_RESPONSE_BYTES, check_request_header,
};
