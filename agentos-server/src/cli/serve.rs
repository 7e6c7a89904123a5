//! `agentos serve`: the HTTP/WebSocket server.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    process::ExitCode,
};

use agentos_server::ServerState;
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
}

/// Serves until the process is stopped.
pub(crate) async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let address = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    tracing::info!("AgentOS listening on http://{}", listener.local_addr()?);
    agentos_server::serve(listener, ServerState::offline())
        .await
        .context("server stopped")?;
    Ok(ExitCode::SUCCESS)
}
