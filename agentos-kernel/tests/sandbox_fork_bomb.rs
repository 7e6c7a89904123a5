//! A fork bomb is held by the process limit (pids cgroup) and the kernel survives.

mod common;

use std::time::Duration;

use agentos_kernel::{Layer, SandboxPreset};
use common::*;

#[test]
fn fork_bomb_is_held_by_the_process_limit() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec(
        "/bin/sh",
        ["-c", "bomb() { bomb | bomb & }; bomb; sleep 1; echo done"],
    );
    spec.limits.processes = Some(8);
    spec.limits.wall_timeout = Some(Duration::from_secs(5));
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = kernel.wait_process(root, spawned.pid, None).unwrap();
    if layer_enforced(&spawned.report, Layer::Cgroups) {
        let stderr = String::from_utf8_lossy(&info.stderr);
        assert!(
            stderr.contains("fork") || stderr.contains("Resource temporarily unavailable"),
            "{info:?}"
        );
    }
    assert!(program_tree_is_gone(spawned.os_pid));
    assert_kernel_survives(&kernel, root);
}

#[test]
fn forks_beyond_the_limit_fail_and_the_rest_runs() {
    let (kernel, root) = kernel();
    let script = "i=0; while [ $i -lt 20 ]; do (sleep 2) & i=$((i+1)); done; echo spawned";
    let mut spec = SandboxPreset::Standard.spec("/bin/sh", ["-c", script]);
    spec.limits.processes = Some(5);
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = kernel
        .wait_process(root, spawned.pid, Some(Duration::from_secs(20)))
        .unwrap();
    if layer_enforced(&spawned.report, Layer::Cgroups) {
        assert!(
            !info.stderr.is_empty(),
            "forks beyond the limit must fail: {info:?}"
        );
    }
    assert!(!info.timed_out);
    assert!(program_tree_is_gone(spawned.os_pid));
}
