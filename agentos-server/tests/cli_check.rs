//! `agentos check` as a real process: compiler-style diagnostics, JSON output, stdin, exit codes.

use std::{
    io::Write,
    process::{Command, Stdio},
};

fn agentos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_agentos"))
}

const GOOD: &str = r#"{"app": {"id": "ok", "name": "OK"}, "ui": {"title": "OK", "components": [
  {"type": "button", "id": "b", "props": {"text": "1"}, "on_event": {"click": "ui.append"}}
]}}"#;

const BAD: &str = "{\"app\": {\"id\": \"bad\", \"name\": \"Bad\"},\n \"ui\": {\"components\": [\n  {\"type\": \"button\", \"id\": \"b\", \"on_event\": {\"click\": \"no.such.tool\"}}\n]}}\n";

#[test]
fn reports_errors_with_file_line_column_and_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.bp");
    let bad = dir.path().join("bad.bp");
    std::fs::write(&good, GOOD).unwrap();
    std::fs::write(&bad, BAD).unwrap();
    let output = agentos()
        .arg("check")
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let location = format!("{}:3:", bad.display());
    assert!(stdout.contains(&location), "{stdout}");
    assert!(stdout.contains("no.such.tool"), "{stdout}");
    assert!(stdout.contains('^'), "a caret under the column: {stdout}");
    assert!(stdout.contains("checked 2 files: 1 error"), "{stdout}");

    let output = agentos().arg("check").arg(&good).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn json_output_and_stdin() {
    let mut child = agentos()
        .args(["check", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(BAD.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["file"], "<stdin>");
    assert_eq!(report["errors"], 1);
    assert_eq!(report["diagnostics"][0]["line"], 3);
}

#[test]
fn unreadable_file_is_a_clear_error() {
    let output = agentos()
        .args(["check", "/nonexistent/app.bp"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent/app.bp"));
}
