//! Command-line interface of the `agentos` binary: `serve` (the default), `check`, `generate`
//! and `run`.

mod check;
mod generate;
mod run;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// AgentOS: a userspace microkernel runtime for AI-generated apps.
#[derive(Debug, Parser)]
#[command(
    name = "agentos",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: serve::ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP/WebSocket API (the default when no command is given).
    Serve(serve::ServeArgs),
    /// Validate Blueprint files and print diagnostics like a compiler (exit code 1 on errors).
    Check(check::CheckArgs),
    /// Generate an app from a request: progress on stderr, the Blueprint on stdout.
    Generate(generate::GenerateArgs),
    /// Run a program under the kernel's sandbox, streaming its output; exits with its code.
    Run(run::RunArgs),
}

/// Runs the parsed command line and returns the process exit code.
pub(crate) async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => serve::run(cli.serve).await,
        Some(Command::Serve(args)) => serve::run(args).await,
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Generate(args)) => generate::run(args).await,
        Some(Command::Run(args)) => run::run(args).await,
    }
}
