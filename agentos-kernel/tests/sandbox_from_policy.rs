//! A child's sandbox derived from its PID's kernel `SandboxPolicy`: file capabilities meet
//! allowed paths as Landlock rules, blocked paths fail closed, network and limits carry over.

mod common;

use std::path::PathBuf;

use agentos_kernel::{
    Capability, CapabilitySet, Layer, NetworkRule, ResourceLimits, SandboxPolicy, SpawnSpec,
    VfsPath,
};
use common::*;

fn vfs(path: &std::path::Path) -> VfsPath {
    VfsPath::new(&path.display().to_string())
}

fn policy(capabilities: CapabilitySet, allowed: &[VfsPath], blocked: &[VfsPath]) -> SandboxPolicy {
    SandboxPolicy {
        capabilities,
        allowed_paths: allowed.to_vec(),
        blocked_paths: blocked.to_vec(),
        limits: ResourceLimits::standard(),
    }
}

#[test]
fn capability_scope_and_allowed_path_meet_at_the_narrower_one() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let caps = CapabilitySet::new()
        .grant(Capability::ReadFile(Some(vfs(&inner))))
        .grant(Capability::WriteFile(None));
    let spec = SpawnSpec::from_policy(&policy(caps, &[vfs(dir.path())], &[]), "/bin/true", [""; 0]);
    assert!(spec.allowed_read.contains(&inner));
    assert!(!spec.allowed_read.contains(&dir.path().to_path_buf()));
    assert!(spec.allowed_read.contains(&PathBuf::from("/usr")));
    assert!(spec.allowed_write.contains(&dir.path().to_path_buf()));
    assert!(spec.allowed_write.contains(&PathBuf::from("/dev/null")));
    assert!(!spec.network);
}

#[test]
fn blocked_path_inside_or_around_an_allowed_one_drops_it_and_missing_paths_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    let caps = CapabilitySet::new().grant(Capability::WriteFile(None));
    let missing = VfsPath::new("/system/apps");
    let spec = SpawnSpec::from_policy(
        &policy(caps, &[vfs(dir.path()), missing], &[vfs(&secret)]),
        "/bin/true",
        [""; 0],
    );
    assert_eq!(spec.allowed_write, vec![PathBuf::from("/dev/null")]);
}

#[test]
fn network_rules_and_resource_limits_carry_over() {
    let caps = CapabilitySet::new()
        .grant(Capability::NetworkAccess(NetworkRule::host(
            "127.0.0.1",
            Some(8080),
        )))
        .grant(Capability::NetworkAccess(NetworkRule::host(
            "localhost",
            Some(80),
        )))
        .grant(Capability::BindPort(Some(9000)));
    let mut with_net = policy(caps.clone(), &[], &[]);
    with_net.limits = ResourceLimits {
        max_memory_bytes: 64 * 1024 * 1024,
        max_cpu_time_ms: 1500,
        max_file_descriptors: 32,
        max_processes: 3,
        max_network_connections: 4,
    };
    let spec = SpawnSpec::from_policy(&with_net, "/bin/true", [""; 0]);
    assert!(spec.network);
    assert_eq!(spec.connect_ports, vec![80, 8080]);
    assert_eq!(spec.bind_ports, vec![9000]);
    assert!(!spec.bind_any_port);
    assert_eq!(spec.limits.memory_bytes, Some(64 * 1024 * 1024));
    assert_eq!(spec.limits.cpu_seconds, Some(2));
    assert_eq!(spec.limits.open_files, Some(32));
    assert_eq!(spec.limits.processes, Some(3));

    let any_port = CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::any()));
    let spec = SpawnSpec::from_policy(&policy(any_port, &[], &[]), "/bin/true", [""; 0]);
    assert!(spec.network);
    assert!(spec.connect_ports.is_empty());
    // No `BindPort` at all: no port may be bound (not "any").
    assert!(spec.bind_ports.is_empty() && !spec.bind_any_port);
    let bind_any = CapabilitySet::new()
        .grant(Capability::NetworkAccess(NetworkRule::any()))
        .grant(Capability::BindPort(None));
    let spec = SpawnSpec::from_policy(&policy(bind_any, &[], &[]), "/bin/true", [""; 0]);
    assert!(spec.bind_any_port);

    let mut no_connections = policy(caps, &[], &[]);
    no_connections.limits.max_network_connections = 0;
    assert!(!SpawnSpec::from_policy(&no_connections, "/bin/true", [""; 0]).network);
}

#[test]
fn child_spawned_from_a_policy_writes_inside_and_is_denied_outside() {
    let (kernel, root) = kernel();
    let allowed = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let caps = CapabilitySet::new()
        .grant(Capability::ReadFile(None))
        .grant(Capability::WriteFile(None));
    let agent = kernel.create_process_with("agent", policy(caps, &[vfs(allowed.path())], &[]));
    let inside = allowed.path().join("ok");
    let escaped = outside.path().join("escaped");
    let script = format!(
        "echo in > {}; echo out > {}",
        inside.display(),
        escaped.display()
    );
    let spec = kernel
        .spawn_spec_for(agent, "/bin/sh", ["-c".to_owned(), script])
        .unwrap();
    let (report, info) = run(&kernel, root, spec);
    assert_eq!(
        std::fs::read_to_string(&inside).unwrap(),
        "in\n",
        "{info:?}"
    );
    if layer_enforced(&report, Layer::Landlock) {
        assert!(!escaped.exists(), "escaped the policy: {info:?}");
        assert!(!info.success());
    }
    assert!(
        kernel
            .spawn_spec_for(agentos_kernel::Pid(999), "/bin/true", [""; 0])
            .is_err()
    );
}
