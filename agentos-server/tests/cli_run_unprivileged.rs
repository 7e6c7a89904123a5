//! `agentos run` as an unprivileged user: the kernel's non-root path (the child makes its own
//! namespaces behind a keeper and an init, no ready sandboxes) still enforces what the host
//! allows an ordinary user, and the report says what it could not enforce and why. As root the
//! test drops to `nobody` with util-linux `setpriv`, running a copy of the binary from a folder
//! that user may read.

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// Runs `agentos run <args>` as an unprivileged user from `/tmp`.
fn run_unprivileged(binary: &Path, args: &[&str]) -> Output {
    let mut command = if is_root() {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        command.arg(binary);
        command
    } else {
        Command::new(binary)
    };
    command
        .arg("run")
        .args(args)
        .current_dir("/tmp")
        .output()
        .expect("run agentos")
}

/// True when this test runs as root (effective uid 0, read from `/proc/self/status`).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("Uid:"))?;
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

/// A copy of the `agentos` binary that `nobody` can execute, in a folder it can reach.
fn reachable_binary(dir: &Path) -> PathBuf {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = dir.join("agentos");
    std::fs::copy(env!("CARGO_BIN_EXE_agentos"), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_unprivileged_run_is_sandboxed_and_reports_what_it_cannot_enforce() {
    let dir = tempfile::Builder::new()
        .prefix("agentos-unprivileged")
        .tempdir_in("/tmp")
        .unwrap();
    let binary = reachable_binary(dir.path());

    let output = run_unprivileged(
        &binary,
        &["--sandbox", "standard", "-v", "--", "/bin/echo", "hi"],
    );
    assert_eq!(text(&output.stdout), "hi\n", "{output:?}");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = text(&output.stderr);
    for layer in ["rlimits", "landlock", "seccomp", "namespaces", "cgroups"] {
        let line = report
            .lines()
            .find(|line| line.starts_with(layer))
            .unwrap_or_else(|| panic!("no {layer} line in the report:\n{report}"));
        // Every layer is either enforced or says why not; never silently skipped.
        let enforced = line.contains("enforced:");
        let explained = line
            .split_once("NOT ENFORCED: ")
            .is_some_and(|(_, reason)| !reason.trim().is_empty());
        assert!(enforced || explained, "{line}");
    }
    let namespaces = report
        .lines()
        .find(|line| line.starts_with("namespaces"))
        .unwrap_or_default();
    if namespaces.contains("enforced:") {
        // Unprivileged, the user namespace maps root to the caller (nobody), and the child gets
        // a fresh network namespace (the shared one needs root to make).
        assert!(
            namespaces.contains("root mapped to uid 65534") || !is_root(),
            "{namespaces}"
        );
        assert!(namespaces.contains("net (fresh)"), "{namespaces}");
    }

    let output = run_unprivileged(&binary, &["--timeout", "1", "--", "/bin/sleep", "5"]);
    assert_eq!(output.status.code(), Some(124), "{output:?}");

    let output = run_unprivileged(&binary, &["--", "/bin/cat", "/etc/shadow"]);
    assert_ne!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    assert!(
        text(&output.stderr).contains("Permission denied"),
        "{output:?}"
    );
}
