//! What every route shares: the app runtime, the generator and the server's configuration.

use std::sync::Arc;

use agentos_ai::Generator;
use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime};

use crate::guard::{RateLimit, SharedLimiter};

/// How the server guards itself.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// When set, every route but `/` and `/health` requires this bearer token.
    pub token: Option<String>,
    /// Per-IP rate limit; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
}

/// Shared server state. Cheap to clone.
#[derive(Clone)]
pub struct ServerState {
    /// Runs launched apps.
    pub runtime: Runtime,
    /// Turns requests into Blueprints.
    pub generator: Generator,
    /// Token and rate limit.
    pub config: Arc<ServerConfig>,
    pub(crate) limiter: SharedLimiter,
}

impl ServerState {
    /// A fresh kernel, the built-in tools, the offline generator and `config`.
    pub fn new(config: ServerConfig) -> ServerState {
        ServerState {
            runtime: Runtime::new(Kernel::new(), Registry::builtin()),
            generator: Generator::offline(),
            config: Arc::new(config),
            limiter: SharedLimiter::default(),
        }
    }

    /// [`ServerState::new`] with no token and the default rate limit.
    pub fn offline() -> ServerState {
        ServerState::new(ServerConfig {
            token: None,
            rate_limit: Some(RateLimit::default()),
        })
    }
}
