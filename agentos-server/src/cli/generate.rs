//! `agentos generate "<request>"`: thoughts and progress to stderr, the Blueprint to stdout or a file.

use std::{
    io::{IsTerminal, Write},
    path::PathBuf,
    process::ExitCode,
};

use std::sync::Arc;

use agentos_ai::{GenerationEvent, Generator, GeneratorConfig};
use agentos_tools::Registry;
use anyhow::Context;
use futures_util::StreamExt;

/// What to generate and where to put it.
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// The app to generate, in words.
    request: String,
    /// Write the Blueprint to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// `offline` (templates only), `gemini` or `openai`; keys come from the environment.
    #[arg(long)]
    provider: Option<String>,
    /// The provider's model, e.g. `gemini-2.0-flash` or `gpt-4o-mini`.
    #[arg(long)]
    model: Option<String>,
}

/// Streams one generation.
pub(crate) async fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let config = GeneratorConfig {
        tools: Some(Arc::new(Registry::builtin())),
        ..GeneratorConfig::for_cli(args.provider.as_deref(), args.model.as_deref())?
    };
    let mut events = Generator::new(config)?.stream(&args.request);
    let mut n_bytes = 0usize;
    let mut stderr = std::io::stderr();
    let show_progress = stderr.is_terminal();
    while let Some(event) = events.next().await {
        match event {
            GenerationEvent::Start { message } => eprintln!("{message}"),
            GenerationEvent::Thought(thought) => eprintln!("· {thought}"),
            GenerationEvent::Token(chunk) => {
                n_bytes += chunk.len();
                if show_progress {
                    write!(stderr, "\rreceived {n_bytes} bytes")?;
                }
            }
            GenerationEvent::Complete(blueprint) => {
                eprintln!(
                    "{}received {n_bytes} bytes",
                    if show_progress { "\r" } else { "" }
                );
                let text = serde_json::to_string_pretty(&blueprint)?;
                match &args.out {
                    Some(path) => {
                        std::fs::write(path, text + "\n")
                            .with_context(|| format!("cannot write {}", path.display()))?;
                        eprintln!("wrote {}", path.display());
                    }
                    None => writeln!(std::io::stdout(), "{text}")?,
                }
                return Ok(ExitCode::SUCCESS);
            }
            GenerationEvent::Error(message) => {
                anyhow::bail!("generation failed: {message}");
            }
            _ => {}
        }
    }
    anyhow::bail!("generation ended without a blueprint")
}
