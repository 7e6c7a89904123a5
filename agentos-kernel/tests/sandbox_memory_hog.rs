//! A memory hog is killed by the memory cgroup and the kill is reported.

mod common;

use agentos_kernel::{Layer, SandboxPreset};
use common::*;

#[test]
fn memory_hog_is_killed_and_reported() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec(
        "/usr/bin/python3",
        ["-c", "x = b'a' * (300 * 1024 * 1024); print('survived')"],
    );
    spec.limits.memory_bytes = Some(64 * 1024 * 1024);
    spec.limits.address_space_bytes = None;
    let (report, info) = run(&kernel, root, spec);
    // Without a memory cgroup (not root) the report says so and nothing stops the hog.
    if layer_enforced(&report, Layer::Cgroups) {
        assert!(
            !String::from_utf8_lossy(&info.stdout).contains("survived"),
            "{info:?}"
        );
        assert_eq!(info.signal, Some(libc::SIGKILL), "{info:?}");
        assert!(info.oom_killed, "{info:?}");
    }
    assert_kernel_survives(&kernel, root);
}

#[test]
fn address_space_limit_makes_big_allocations_fail() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec(
        "/usr/bin/python3",
        ["-c", "x = bytearray(512 * 1024 * 1024)"],
    );
    spec.limits.address_space_bytes = Some(256 * 1024 * 1024);
    let (report, info) = run(&kernel, root, spec);
    assert!(layer_enforced(&report, Layer::Rlimits));
    assert!(!info.success());
    assert!(
        String::from_utf8_lossy(&info.stderr).contains("MemoryError"),
        "{info:?}"
    );
}
