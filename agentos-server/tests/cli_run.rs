//! `agentos run` as a real process: output streamed, the program's exit code passed through,
//! a refused program (shell metacharacters) and a timeout kill with their own codes, and the
//! sandbox report with `-v`.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agentos"))
        .arg("run")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn echo_streams_stdout_and_exits_zero() {
    let output = run(&["--", "/bin/echo", "hello; world"]);
    assert_eq!(text(&output.stdout), "hello; world\n", "{output:?}");
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[test]
fn program_exit_code_and_stderr_pass_through() {
    let output = run(&["--", "/bin/sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert_eq!(text(&output.stdout), "out\n");
    assert_eq!(text(&output.stderr), "err\n");
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn program_with_a_semicolon_is_refused_with_code_125() {
    let output = run(&["--", "/bin/echo;id", "x"]);
    assert_eq!(output.status.code(), Some(125), "{output:?}");
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stderr.contains("metacharacters"), "{stderr}");
}

#[test]
fn missing_allowed_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let output = run(&[
        "--allow-write",
        missing.to_str().unwrap(),
        "--",
        "/bin/true",
    ]);
    assert_eq!(output.status.code(), Some(125), "{output:?}");
    assert!(text(&output.stderr).contains("does not exist"));
}

#[test]
fn timeout_kills_the_program_with_code_124() {
    let started = std::time::Instant::now();
    let output = run(&["--timeout", "1", "--", "/bin/sleep", "30"]);
    assert_eq!(output.status.code(), Some(124), "{output:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("killed"), "{stderr}");
    assert!(stderr.contains("time ran out"), "{stderr}");
}

#[test]
fn verbose_prints_the_sandbox_report_per_layer() {
    let output = run(&["-v", "--sandbox", "minimal", "--", "/bin/true"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = text(&output.stderr);
    for layer in ["rlimits", "landlock", "seccomp", "namespaces", "cgroups"] {
        assert!(
            stderr.lines().any(|line| line.starts_with(layer)),
            "{layer} missing from {stderr}"
        );
    }
    assert!(stderr.contains("minimal sandbox"), "{stderr}");
    assert!(stderr.contains("exited with code 0"), "{stderr}");
}

#[test]
fn allow_write_lets_the_program_write_there() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.txt");
    let script = format!("echo saved > {}", file.display());
    let output = run(&[
        "--allow-write",
        dir.path().to_str().unwrap(),
        "--",
        "/bin/sh",
        "-c",
        &script,
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "saved\n");
}

#[test]
fn unknown_sandbox_preset_is_a_usage_error() {
    let output = run(&["--sandbox", "root", "--", "/bin/true"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(text(&output.stderr).contains("minimal, standard or privileged"));
}
