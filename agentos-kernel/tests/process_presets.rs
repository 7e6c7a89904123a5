//! The presets on this machine: `minimal` runs system programs but cannot fork, `standard`
//! runs ordinary programs (`/bin/echo`, `python3`), `privileged` reads the whole filesystem
//! and has the network; output can be streamed as it is written.

mod common;

use std::time::Duration;

use agentos_kernel::{Layer, OutputStream, SandboxPreset};
use common::*;

#[test]
fn minimal_runs_echo_but_cannot_fork() {
    let (kernel, root) = kernel();
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Minimal.spec("/bin/echo", ["small"]),
    );
    assert_eq!(info.stdout, b"small\n", "{info:?}");
    let (report, info) = run(
        &kernel,
        root,
        SandboxPreset::Minimal.spec("/bin/sh", ["-c", "/bin/true && echo forked"]),
    );
    if layer_enforced(&report, Layer::Cgroups) {
        assert!(
            !String::from_utf8_lossy(&info.stdout).contains("forked"),
            "{info:?}"
        );
    }
}

#[test]
fn standard_runs_python() {
    let (kernel, root) = kernel();
    let (report, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("python3", ["-c", "print(6 * 7)"]),
    );
    assert_eq!(info.stdout, b"42\n", "{info:?}\n{report}");
    for layer in agentos_kernel::Layer::ALL {
        layer_enforced(&report, layer);
    }
}

#[test]
fn privileged_reads_the_filesystem() {
    let (kernel, root) = kernel();
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Privileged.spec("/bin/cat", ["/etc/passwd"]),
    );
    assert!(info.success() && !info.stdout.is_empty(), "{info:?}");
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/bin/cat", ["/etc/passwd"]),
    );
    assert!(!info.success(), "standard does not grant /etc: {info:?}");
}

#[test]
fn output_streams_in_order_per_stream() {
    let (kernel, root) = kernel();
    let mut spec =
        SandboxPreset::Standard.spec("/bin/sh", ["-c", "echo one; echo two >&2; echo three"]);
    spec.stream_output = true;
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let stream = spawned.child.output_stream().unwrap();
    assert!(
        spawned.child.output_stream().is_none(),
        "the stream is handed out once"
    );
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    while let Ok(chunk) = stream.recv_timeout(Duration::from_secs(10)) {
        if chunk.stream == OutputStream::Stdout {
            stdout.extend(chunk.data);
        } else {
            stderr.extend(chunk.data);
        }
    }
    assert_eq!(
        (stdout.as_slice(), stderr.as_slice()),
        (&b"one\nthree\n"[..], &b"two\n"[..])
    );
    let info = spawned.child.wait(None);
    assert_eq!(info.stdout, b"one\nthree\n", "captured too");
}
