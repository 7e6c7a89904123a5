//! `agentos serve`: the HTTP/WebSocket server.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    process::ExitCode,
};

use agentos_ai::ProviderConfig;
use agentos_server::{RateLimit, ServerConfig, ServerState};
use anyhow::Context;
use tracing_subscriber::EnvFilter;

/// Where to listen.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), env = "AGENTOS_HOST")]
    host: IpAddr,
    /// Port to listen on.
    #[arg(long, default_value_t = 8000, env = "AGENTOS_PORT")]
    port: u16,
    /// Require this bearer token on every route but `/` and `/health`.
    #[arg(long, env = "AGENTOS_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Requests per second allowed per client IP (0 turns the limit off).
    #[arg(long, default_value_t = 100.0, env = "RATE_LIMIT_RPS")]
    rate_limit: f64,
    /// Burst size of the per-IP rate limit.
    #[arg(long, default_value_t = 200.0, env = "RATE_LIMIT_BURST")]
    rate_burst: f64,
    /// Directory for persistent state (registry, sessions, app storage), mounted at /system.
    #[arg(long, default_value = ".agentos", env = "AGENTOS_DATA_DIR")]
    data_dir: PathBuf,
    /// Directory of prebuilt `.bp` apps seeded into the registry at start (skipped when missing).
    #[arg(long, default_value = "apps", env = "AGENTOS_APPS_DIR")]
    apps_dir: PathBuf,
}

/// Serves until the process is stopped.
pub(crate) async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let address = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    tracing::info!("AgentOS listening on http://{}", listener.local_addr()?);
    let config = ServerConfig {
        token: args.token,
        rate_limit: (args.rate_limit > 0.0).then_some(RateLimit {
            per_second: args.rate_limit,
            burst: args.rate_burst.max(1.0),
        }),
        data_dir: Some(args.data_dir.clone()),
        apps_dir: args.apps_dir.is_dir().then_some(args.apps_dir),
        provider: ProviderConfig::from_env(),
    };
    match &config.provider {
        Some(provider) => tracing::info!("generating with {provider:?} when no template fits"),
        None => tracing::info!(
            "generating offline from templates (set GEMINI_API_KEY or OPENAI_API_KEY for an LLM)"
        ),
    }
    let state = ServerState::new(config).with_context(|| {
        format!(
            "cannot start with data directory {}",
            args.data_dir.display()
        )
    })?;
    agentos_server::serve(listener, state)
        .await
        .context("server stopped")?;
    Ok(ExitCode::SUCCESS)
}
