//! A CPU spinner is killed at its CPU-time limit.

mod common;

use std::time::Duration;

use agentos_kernel::{Layer, SandboxPreset};
use common::*;

#[test]
fn cpu_spinner_is_killed_at_its_cpu_limit() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/bin/sh", ["-c", "while :; do :; done"]);
    spec.limits.cpu_seconds = Some(1);
    spec.limits.wall_timeout = Some(Duration::from_secs(30));
    let (report, info) = run(&kernel, root, spec);
    assert!(layer_enforced(&report, Layer::Rlimits));
    assert!(
        !info.timed_out,
        "the CPU limit, not the wall clock, must end it: {info:?}"
    );
    assert!(
        matches!(info.signal, Some(libc::SIGXCPU | libc::SIGKILL)),
        "{info:?}"
    );
    assert!(info.duration < Duration::from_secs(10));
    assert_kernel_survives(&kernel, root);
}
