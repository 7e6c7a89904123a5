//! `agentos check <file.bp>…`: validates Blueprints and prints diagnostics like a compiler.

use std::{io::Read, path::PathBuf, process::ExitCode};

use agentos_blueprint::{Severity, parse_with, render_diagnostics, render_diagnostics_json};
use agentos_tools::Registry;
use anyhow::Context;

/// Which files to check and how to report.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Blueprint files to check; `-` reads standard input.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print one JSON document per file (JSON Lines) instead of text.
    #[arg(long)]
    json: bool,
}

/// Checks every file against the component catalogue and the built-in tools; exit code 1 when
/// any file has an error.
pub(crate) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let registry = Registry::builtin();
    let (mut n_errors, mut n_warnings) = (0, 0);
    for file in &args.files {
        let (name, source) = read_source(file)?;
        let parsed = parse_with(&source, &registry);
        let errors = parsed
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == Severity::Error)
            .count();
        n_errors += errors;
        n_warnings += parsed.diagnostics.len() - errors;
        if args.json {
            println!("{}", render_diagnostics_json(&name, &parsed.diagnostics));
        } else {
            print!(
                "{}",
                render_diagnostics(&name, &source, &parsed.diagnostics)
            );
        }
    }
    if !args.json {
        println!(
            "checked {} file{}: {n_errors} error{}, {n_warnings} warning{}",
            args.files.len(),
            plural(args.files.len()),
            plural(n_errors),
            plural(n_warnings)
        );
    }
    Ok(if n_errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn read_source(file: &PathBuf) -> anyhow::Result<(String, String)> {
    if file.as_os_str() == "-" {
        let mut source = String::new();
        std::io::stdin()
            .read_to_string(&mut source)
            .context("cannot read standard input")?;
        return Ok(("<stdin>".to_owned(), source));
    }
    let source =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok((file.display().to_string(), source))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
