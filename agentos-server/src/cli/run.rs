//! `agentos run`: runs one program under the kernel's sandbox, a thin adapter over
//! `Kernel::spawn_process`. Output is streamed as it comes; the exit code is the program's.

use std::{io::Write, path::PathBuf, process::ExitCode, time::Duration};

use agentos_kernel::{
    CapabilitySet, EXIT_REFUSED, EXIT_TIMED_OUT, Kernel, KernelConfig, OutputStream, SandboxPreset,
};

/// The exit code documentation shown by `agentos run --help`.
const EXIT_CODES: &str = "\
Exit codes:
  N        the program's own exit code
  124      the kernel killed the program when --timeout ran out
  125      the kernel refused to start the program (bad name, denied path, missing layer)
  128+SIG  the program was killed by signal SIG (137: killed by the kernel or out of memory)";

/// What to run and under which sandbox.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub(crate) struct RunArgs {
    /// The sandbox preset: minimal, standard or privileged.
    #[arg(long, default_value = "standard", value_parser = parse_preset)]
    sandbox: SandboxPreset,
    /// A host path the program may read (repeatable); it must exist.
    #[arg(long = "allow-read", value_name = "PATH")]
    allow_read: Vec<PathBuf>,
    /// A host path the program may read and write (repeatable); it must exist.
    #[arg(long = "allow-write", value_name = "PATH")]
    allow_write: Vec<PathBuf>,
    /// Let the program use the network.
    #[arg(long)]
    net: bool,
    /// Kill the program (and everything it started) after this many seconds.
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
    /// Print the sandbox report (which layers are enforced) and how the program ended.
    #[arg(short, long)]
    verbose: bool,
    /// The program (an absolute path or a name found in the system folders), then its
    /// arguments, passed verbatim (never through a shell).
    #[arg(required = true, last = true, value_name = "PROGRAM")]
    command: Vec<String>,
}

fn parse_preset(text: &str) -> Result<SandboxPreset, String> {
    text.parse()
        .map_err(|err: agentos_kernel::Error| err.to_string())
}

/// Runs the program; returns its exit code (see [`EXIT_CODES`]).
pub(crate) async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let code = tokio::task::spawn_blocking(move || run_blocking(args)).await??;
    Ok(ExitCode::from(
        u8::try_from(code.clamp(0, 255)).unwrap_or(u8::MAX),
    ))
}

fn run_blocking(args: RunArgs) -> anyhow::Result<i32> {
    let Some((program, program_args)) = args.command.split_first() else {
        anyhow::bail!("agentos run: no program given");
    };
    for path in args.allow_read.iter().chain(&args.allow_write) {
        if !path.exists() {
            eprintln!(
                "agentos run: refused: allowed path {} does not exist",
                path.display()
            );
            return Ok(EXIT_REFUSED);
        }
    }
    // One spawn, then the process ends: no sandboxes to keep ready for later spawns.
    let kernel = Kernel::with_config(KernelConfig {
        ready_sandboxes: 0,
        ..KernelConfig::default()
    });
    let shell = kernel.create_process("agentos-run", CapabilitySet::all());
    let mut spec = args
        .sandbox
        .spec(program.clone(), program_args.iter().cloned());
    spec.allowed_read.extend(args.allow_read.iter().cloned());
    spec.allowed_write.extend(args.allow_write.iter().cloned());
    spec.network |= args.net;
    spec.limits.wall_timeout = args.timeout.map(Duration::from_secs);
    spec.env = vec![("PATH".to_owned(), "/usr/local/bin:/usr/bin:/bin".to_owned())];
    spec.stream_output = true;
    let spawned = match kernel.spawn_process(shell, spec) {
        Ok(spawned) => spawned,
        Err(err) => {
            eprintln!("agentos run: refused: {err}");
            return Ok(EXIT_REFUSED);
        }
    };
    if args.verbose {
        eprintln!(
            "agentos run: {} (pid {}, os pid {}) under the {} sandbox:\n{}",
            program,
            spawned.pid,
            spawned.os_pid,
            args.sandbox.name(),
            spawned.report
        );
    }
    if let Some(stream) = spawned.child.output_stream() {
        for chunk in stream {
            // A closed stdout or stderr (e.g. `| head`) must not stop the wait below.
            let _ = match chunk.stream {
                OutputStream::Stderr => write_all(&mut std::io::stderr().lock(), &chunk.data),
                _ => write_all(&mut std::io::stdout().lock(), &chunk.data),
            };
        }
    }
    let info = kernel.wait_process(shell, spawned.pid, None)?;
    let code = info.cli_exit_code();
    if info.timed_out {
        eprintln!("agentos run: killed: {program} {info} (exit code {EXIT_TIMED_OUT})");
    } else if info.killed || info.oom_killed {
        eprintln!("agentos run: killed: {program} {info} (exit code {code})");
    } else if args.verbose {
        eprintln!("agentos run: {program} {info}");
    }
    Ok(code)
}

fn write_all(out: &mut impl Write, data: &[u8]) -> std::io::Result<()> {
    out.write_all(data)?;
    out.flush()
}
