//! The `agentos` binary: serves the AgentOS HTTP/WebSocket API.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use agentos_server::ServerState;
use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// AgentOS: a userspace microkernel runtime for AI-generated apps.
#[derive(Debug, Parser)]
#[command(name = "agentos", version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), env = "AGENTOS_HOST")]
    host: IpAddr,
    /// Port to listen on.
    #[arg(long, default_value_t = 8000, env = "AGENTOS_PORT")]
    port: u16,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let address = SocketAddr::new(cli.host, cli.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    tracing::info!("AgentOS listening on http://{}", listener.local_addr()?);
    agentos_server::serve(listener, ServerState::offline())
        .await
        .context("server stopped")
}
