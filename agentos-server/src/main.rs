//! The `agentos` binary: serves the AgentOS HTTP/WebSocket API and hosts its command-line tools.
#![allow(clippy::print_stdout)] // a command-line program: stdout is its output.

mod cli;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
