//! What every route shares: the app runtime, the generator and the server's configuration.

use std::{path::PathBuf, sync::Arc};

use agentos_ai::Generator;
use agentos_kernel::{Kernel, LocalFs, LocalFsOptions, ambient_authority};
use agentos_tools::{Registry, Runtime};

use crate::guard::{RateLimit, SharedLimiter};

/// Where the data directory is mounted in the kernel's filesystem.
pub const SYSTEM_MOUNT: &str = "/system";

/// How the server guards itself and where it keeps its state.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// When set, every route but `/` and `/health` requires this bearer token.
    pub token: Option<String>,
    /// Per-IP rate limit; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// Host directory mounted at `/system` for persistent state; `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
}

/// Shared server state. Cheap to clone.
#[derive(Clone)]
pub struct ServerState {
    /// Runs launched apps.
    pub runtime: Runtime,
    /// Turns requests into Blueprints (shared: cloning the state must stay cheap).
    pub generator: Arc<Generator>,
    /// Token and rate limit.
    pub config: Arc<ServerConfig>,
    pub(crate) limiter: SharedLimiter,
}

impl ServerState {
    /// A fresh kernel (with `config.data_dir` mounted at `/system`, created if missing), the
    /// built-in tools, the offline generator and `config`.
    ///
    /// # Errors
    /// The kernel's `Io` error when the data directory cannot be created or opened.
    pub fn new(config: ServerConfig) -> Result<ServerState, agentos_kernel::Error> {
        let kernel = Kernel::new();
        if let Some(data_dir) = &config.data_dir {
            let local = LocalFs::open_ambient(
                data_dir,
                LocalFsOptions {
                    create: true,
                    ..LocalFsOptions::default()
                },
                ambient_authority(),
            )?;
            kernel.mount(SYSTEM_MOUNT, Arc::new(local))?;
        }
        Ok(ServerState::with_kernel(kernel, config))
    }

    /// In memory only, with no token and the default rate limit.
    pub fn offline() -> ServerState {
        let config = ServerConfig {
            rate_limit: Some(RateLimit::default()),
            ..ServerConfig::default()
        };
        ServerState::with_kernel(Kernel::new(), config)
    }

    fn with_kernel(kernel: Kernel, config: ServerConfig) -> ServerState {
        ServerState {
            runtime: Runtime::new(kernel, Registry::builtin()),
            generator: Arc::new(Generator::offline()),
            config: Arc::new(config),
            limiter: SharedLimiter::default(),
        }
    }
}
