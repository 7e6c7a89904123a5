//! What every route shares: the app runtime, the generator and the server's configuration.

use std::{path::PathBuf, sync::Arc};

use agentos_ai::{Generator, GeneratorConfig, ProviderConfig};
use agentos_blueprint::Blueprint;
use agentos_kernel::{
    Capability, CapabilitySet, Kernel, LocalFs, LocalFsOptions, Pid, ambient_authority,
};
use agentos_tools::{Patch, Registry, Runtime};
use tokio::sync::broadcast;

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
    /// Host directory of prebuilt `.bp` apps seeded into the registry at start.
    pub apps_dir: Option<PathBuf>,
    /// The LLM provider, when one is configured (e.g. from the environment); `None` generates
    /// from the offline templates only.
    pub provider: Option<ProviderConfig>,
}

/// Why the server state could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The data directory could not be opened or mounted.
    #[error("data directory: {0}")]
    DataDir(#[from] agentos_kernel::Error),
    /// The app registry could not be loaded or seeded.
    #[error("app registry: {0}")]
    Registry(#[from] agentos_tools::Error),
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
    /// Every patch of every app, fanned out to each WebSocket view.
    pub(crate) patches: broadcast::Sender<Patch>,
    /// The server's own kernel process, the caller of kernel-wide routes (`/kernel/*`).
    pub(crate) server_pid: Pid,
}

/// Patches a slow view may fall behind by before it skips ahead.
const PATCH_BACKLOG: usize = 1024;

impl ServerState {
    /// A fresh kernel (with `config.data_dir` mounted at `/system`, created if missing), the
    /// built-in tools, the offline generator and `config`; the app registry is loaded and
    /// seeded from `config.apps_dir` and the built-in defaults.
    ///
    /// # Errors
    /// [`StartError`] when the data directory cannot be used or the registry cannot be seeded.
    pub fn new(config: ServerConfig) -> Result<ServerState, StartError> {
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
        let state = ServerState::with_kernel(kernel, config);
        let report = state
            .runtime
            .start_registry_ambient(state.config.apps_dir.as_deref())?;
        tracing::info!(
            added = report.added.len(),
            kept = report.kept.len(),
            "app registry ready"
        );
        for error in &report.errors {
            tracing::warn!("prebuilt app skipped: {error}");
        }
        Ok(state)
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
        let runtime = Runtime::new(kernel, Registry::builtin());
        let (patches, _) = broadcast::channel(PATCH_BACKLOG);
        forward_patches(runtime.subscribe_all(), patches.clone());
        let generator = Arc::new(build_generator(&runtime, &config));
        runtime.set_generator(Arc::new(TemplateSpawner(generator.clone())));
        // What the `/kernel/*` routes need: scheduler stats (SystemInfo) and policy changes,
        // which the kernel guards with SpawnProcess like priority changes.
        let server_pid = runtime.kernel().create_process(
            "agentos-server",
            CapabilitySet::new()
                .grant(Capability::SystemInfo)
                .grant(Capability::SpawnProcess),
        );
        ServerState {
            server_pid,
            runtime,
            generator,
            config: Arc::new(config),
            limiter: SharedLimiter::default(),
            patches,
        }
    }
}

/// Moves the runtime's patches (a blocking std channel) onto the async broadcast channel, on one
/// thread for the whole server; it ends when the runtime is dropped.
fn forward_patches(source: std::sync::mpsc::Receiver<Patch>, sink: broadcast::Sender<Patch>) {
    let spawned = std::thread::Builder::new()
        .name("agentos-patches".to_owned())
        .spawn(move || {
            while let Ok(patch) = source.recv() {
                // No view connected is not an error: the patch is simply not needed.
                let _ = sink.send(patch);
            }
        });
    if let Err(err) = spawned {
        tracing::error!("cannot start the patch forwarder, views will not sync: {err}");
    }
}

/// The generator for `config`, validating against the runtime's own tools. Falls back to the
/// offline templates (and says so in the log) when the provider's HTTP client cannot be built.
fn build_generator(runtime: &Runtime, config: &ServerConfig) -> Generator {
    let generator_config = GeneratorConfig {
        provider: config.provider.clone(),
        tools: Some(Arc::new(runtime.registry().clone())),
        ..GeneratorConfig::default()
    };
    Generator::new(generator_config).unwrap_or_else(|err| {
        tracing::error!("LLM provider unavailable, generating offline: {err}");
        Generator::offline()
    })
}

/// Lets the runtime's `app.spawn` tool generate apps from words, from the offline templates
/// (a tool call is synchronous and must not wait on a network).
struct TemplateSpawner(Arc<Generator>);

impl agentos_tools::Generator for TemplateSpawner {
    fn generate(&self, request: &str) -> Result<Blueprint, String> {
        self.0
            .generate_offline(request)
            .map_err(|err| err.to_string())
    }
}
