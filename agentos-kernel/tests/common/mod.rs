//! Helpers shared by the sandbox attack tests.
#![allow(dead_code, unreachable_pub)]

use agentos_kernel::{
    CapabilitySet, ExitInfo, Kernel, Layer, LayerStatus, Pid, SandboxPreset, SandboxReport,
    SpawnSpec, Spawned,
};

/// A kernel and a PID holding every capability.
pub fn kernel() -> (Kernel, Pid) {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    (kernel, root)
}

/// Spawns `spec` as `root` and waits for it.
pub fn run(kernel: &Kernel, root: Pid, spec: SpawnSpec) -> (SandboxReport, ExitInfo) {
    let spawned = kernel.spawn_process(root, spec).expect("spawn");
    let info = kernel.wait_process(root, spawned.pid, None).expect("wait");
    (spawned.report, info)
}

/// Spawns `spec` as `root` with its output streamed and waits (up to 20 s) until the child's
/// first output is `ready` on a line of its own.
pub fn spawn_ready(kernel: &Kernel, root: Pid, mut spec: SpawnSpec) -> Spawned {
    spec.stream_output = true;
    let spawned = kernel.spawn_process(root, spec).expect("spawn");
    let stream = spawned.child.output_stream().expect("output stream");
    let first = stream
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("first output");
    assert_eq!(first.data, b"ready\n");
    spawned
}

/// True when `layer` is enforced; otherwise asserts the report says why (never silent).
pub fn layer_enforced(report: &SandboxReport, layer: Layer) -> bool {
    match report.status(layer) {
        Some(LayerStatus::Enforced { .. }) => true,
        Some(LayerStatus::Unavailable { reason }) => {
            assert!(!reason.is_empty(), "{layer:?} unavailable without a reason");
            false
        }
        other => panic!("{layer:?} was requested but reported {other:?}"),
    }
}

/// The kernel still spawns and runs a program after an attack.
pub fn assert_kernel_survives(kernel: &Kernel, root: Pid) {
    let (_, info) = run(
        kernel,
        root,
        SandboxPreset::Standard.spec("/bin/echo", ["alive"]),
    );
    assert_eq!(info.stdout, b"alive\n", "{info:?}");
}

/// True when no live process is left in process group `pgid` (zombies whose parent died
/// are reaped by the host's init and run nothing).
pub fn group_is_gone(pgid: u32) -> bool {
    live_processes(|_, _, group| group == pgid).is_empty()
}

/// True when nothing the program started is left in process group `leader`. After a program
/// ends on its own, `wait` returns as soon as its PID namespace's init has killed and reaped
/// everything else; the init itself (the leader) may still be finishing its exit then.
pub fn program_tree_is_gone(leader: u32) -> bool {
    live_processes(|_, _, group| group == leader)
        .iter()
        .all(|&(pid, ..)| pid == leader)
}

/// `(pid, state, ppid, pgrp)` of every process for which `keep(state, ppid, pgrp)` holds.
pub fn processes(keep: impl Fn(char, u32, u32) -> bool) -> Vec<(u32, char, u32, u32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let state = fields.first().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid = fields.get(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        let pgrp = fields.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
        if keep(state, ppid, pgrp) {
            found.push((pid, state, ppid, pgrp));
        }
    }
    found
}

/// Processes that are not zombies and match `keep(state, ppid, pgrp)`.
pub fn live_processes(keep: impl Fn(char, u32, u32) -> bool) -> Vec<(u32, char, u32, u32)> {
    processes(|state, ppid, pgrp| state != 'Z' && keep(state, ppid, pgrp))
}
