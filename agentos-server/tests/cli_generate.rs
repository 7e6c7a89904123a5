//! `agentos generate` as a real process: the Blueprint on stdout, progress on stderr.

use std::process::Command;

fn agentos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_agentos"))
}

#[test]
fn generate_prints_a_parseable_blueprint_and_progress() {
    let output = agentos()
        .args(["generate", "a calculator"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let parsed = agentos_blueprint::parse(&String::from_utf8(output.stdout).unwrap());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.blueprint.app.id, "calculator");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("calculator"), "{stderr}");
    assert!(stderr.contains("received"), "{stderr}");
}

#[test]
fn generate_writes_the_out_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("todo.bp");
    let output = agentos()
        .args(["generate", "a todo list", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stdout.is_empty());
    let parsed = agentos_blueprint::parse(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(parsed.blueprint.app.id, "todo");
}

#[test]
fn empty_request_fails_with_a_message() {
    let output = agentos().args(["generate", "  "]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("request is empty"));
}

#[test]
fn provider_flags_choose_offline_or_name_the_missing_key() {
    let output = agentos()
        .args(["generate", "a tip calculator", "--provider", "offline"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let parsed = agentos_blueprint::parse(&String::from_utf8(output.stdout).unwrap());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);

    let output = agentos()
        .args(["generate", "anything", "--provider", "gemini"])
        .env_remove("GEMINI_API_KEY")
        .env_remove("GOOGLE_API_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GEMINI_API_KEY"), "{stderr}");

    let output = agentos()
        .args(["generate", "anything", "--provider", "clippy"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}
