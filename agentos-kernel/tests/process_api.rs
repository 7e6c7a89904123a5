//! The eight process calls and `send_signal` on the kernel: info, list, state, stats,
//! priority (reaching the real child), wait, kill, and capability checks.

mod common;

use std::time::Duration;

use agentos_kernel::{
    Capability, CapabilityKind, CapabilitySet, Error, Kernel, OutputStream, ProcessState,
    SandboxPreset,
};
use common::*;

fn nice_of(os_pid: u32) -> i32 {
    let stat = std::fs::read_to_string(format!("/proc/{os_pid}/stat")).unwrap();
    let (_, rest) = stat.rsplit_once(')').unwrap();
    // After the name: state(0) ppid(1) … nice is field 19 of stat, index 16 here.
    rest.split_whitespace().nth(16).unwrap().parse().unwrap()
}

/// `cpu.shares` of the v1 cpu cgroup `os_pid` is in (this host's layout).
/// The program's own process: behind a PID namespace the leader is its init (or keeper), so
/// follow the chain of first children down to the end.
fn program_of(os_pid: u32) -> u32 {
    let mut pid = os_pid;
    while let Some(child) = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .ok()
        .and_then(|children| children.split_whitespace().next()?.parse().ok())
    {
        pid = child;
    }
    pid
}

/// The v1 `cpu.shares` of the cgroup the program of leader `os_pid` is in.
fn cpu_shares_of(os_pid: u32) -> Option<u64> {
    let program = program_of(os_pid);
    let cgroups = std::fs::read_to_string(format!("/proc/{program}/cgroup")).ok()?;
    let path = cgroups
        .lines()
        .find_map(|line| line.split_once(":cpu:").map(|(_, path)| path.to_owned()))?;
    let shares = std::fs::read_to_string(format!("/sys/fs/cgroup/cpu{path}/cpu.shares")).ok()?;
    shares.trim().parse().ok()
}

#[test]
fn kernel_only_processes_have_info_state_and_stats() {
    let (kernel, root) = kernel();
    let app = kernel.create_process_with_priority("notes", 7, CapabilitySet::new());
    let info = kernel.get_process_info(root, app).unwrap();
    assert_eq!(
        (info.name.as_str(), info.state, info.priority, info.os_pid),
        ("notes", ProcessState::Ready, 7, None)
    );
    assert_eq!(kernel.schedule_next(root).unwrap(), Some(app));
    assert_eq!(
        kernel.get_process_state(root, app).unwrap(),
        ProcessState::Running
    );
    let stats = kernel.get_process_stats(root, app).unwrap();
    assert!(stats.is_current);
    assert_eq!(stats.priority, 7);
    assert_eq!(kernel.get_process_list(root).unwrap().len(), 1);
    assert!(
        matches!(kernel.wait_process(root, app, None), Err(Error::NoOsProcess(pid)) if pid == app)
    );
}

#[test]
fn signals_stop_continue_and_terminate_kernel_only_processes() {
    let (kernel, root) = kernel();
    let app = kernel.create_process_with_priority("app", 5, CapabilitySet::new());
    kernel.send_signal(root, app, libc::SIGSTOP).unwrap();
    assert_eq!(
        kernel.get_process_state(root, app).unwrap(),
        ProcessState::Waiting
    );
    kernel.send_signal(root, app, libc::SIGCONT).unwrap();
    assert_eq!(
        kernel.get_process_state(root, app).unwrap(),
        ProcessState::Ready
    );
    kernel.send_signal(root, app, libc::SIGTERM).unwrap();
    assert_eq!(
        kernel.get_process_state(root, app).unwrap(),
        ProcessState::Terminated
    );
    assert!(matches!(
        kernel.send_signal(root, app, libc::SIGTERM),
        Err(Error::Signal { .. })
    ));
    assert_eq!(
        kernel.get_scheduler_stats(root).unwrap().active_processes,
        0
    );
    kernel.reap_process(root, app).unwrap();
    assert!(matches!(
        kernel.get_process_info(root, app),
        Err(Error::NoSuchProcess(_))
    ));
}

#[test]
fn invalid_signal_numbers_are_rejected() {
    let (kernel, root) = kernel();
    let spawned = kernel
        .spawn_process(root, SandboxPreset::Standard.spec("/bin/sleep", ["30"]))
        .unwrap();
    let err = kernel.send_signal(root, spawned.pid, 999).unwrap_err();
    assert!(matches!(err, Error::Signal { signal: 999, .. }), "{err}");
    kernel.kill_process(root, spawned.pid).unwrap();
}

#[test]
fn priority_renices_the_real_child() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/bin/sh", ["-c", "echo up; exec sleep 30"]);
    spec.stream_output = true;
    spec.priority = 5;
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let stream = spawned.child.output_stream().unwrap();
    assert_eq!(
        stream.recv_timeout(Duration::from_secs(10)).unwrap().stream,
        OutputStream::Stdout
    );
    assert_eq!(nice_of(spawned.os_pid), 0);
    let shares_before = cpu_shares_of(spawned.os_pid);
    kernel.set_process_priority(root, spawned.pid, 1).unwrap();
    assert_eq!(nice_of(spawned.os_pid), 10);
    if spawned.report.is_enforced(agentos_kernel::Layer::Cgroups) {
        assert_eq!(
            (shares_before, cpu_shares_of(spawned.os_pid)),
            (Some(1024), Some(512))
        );
    }
    assert_eq!(
        kernel.get_process_info(root, spawned.pid).unwrap().priority,
        1
    );
    assert_eq!(
        kernel.get_process_state(root, spawned.pid).unwrap(),
        ProcessState::Running
    );
    let info = kernel.kill_process(root, spawned.pid).unwrap().unwrap();
    assert!(info.killed);
}

#[test]
fn calls_are_capability_checked() {
    let kernel = Kernel::new();
    let nobody = kernel.create_process("nobody", CapabilitySet::new());
    let other = kernel.create_process_with_priority("other", 5, CapabilitySet::new());
    let denied = |result: Result<(), Error>, capability| match result {
        Err(Error::PermissionDenied {
            pid,
            capability: got,
            ..
        }) => assert_eq!((pid, got), (nobody, capability)),
        other => panic!("expected denial of {capability}, got {other:?}"),
    };
    denied(
        kernel.get_process_info(nobody, other).map(drop),
        CapabilityKind::SystemInfo,
    );
    denied(
        kernel.get_process_list(nobody).map(drop),
        CapabilityKind::SystemInfo,
    );
    denied(
        kernel.kill_process(nobody, other).map(drop),
        CapabilityKind::KillProcess,
    );
    denied(
        kernel.send_signal(nobody, other, libc::SIGTERM),
        CapabilityKind::KillProcess,
    );
    denied(
        kernel.set_process_priority(nobody, other, 1),
        CapabilityKind::SpawnProcess,
    );
    denied(
        kernel.wait_process(nobody, other, None).map(drop),
        CapabilityKind::SpawnProcess,
    );
    denied(
        kernel.get_memory_stats(nobody).map(drop),
        CapabilityKind::SystemInfo,
    );
    assert!(matches!(
        kernel.schedule_next(agentos_kernel::Pid(999)),
        Err(Error::NoSuchProcess(_))
    ));
    let killer = kernel.create_process(
        "killer",
        CapabilitySet::new().grant(Capability::KillProcess),
    );
    kernel.kill_process(killer, other).unwrap();
    assert_eq!(
        kernel.get_process_state(root_of(&kernel), other).unwrap(),
        ProcessState::Terminated
    );
}

fn root_of(kernel: &Kernel) -> agentos_kernel::Pid {
    kernel.create_process("root", CapabilitySet::all())
}

#[test]
fn pids_from_create_process_work_with_the_process_calls() {
    let (kernel, root) = kernel();
    let plain = kernel.create_process("plain", CapabilitySet::new());
    let info = kernel.get_process_info(root, plain).unwrap();
    assert_eq!(
        (info.name.as_str(), info.priority, info.state),
        (
            "plain",
            agentos_kernel::DEFAULT_PRIORITY,
            ProcessState::Ready
        )
    );
    kernel.set_process_priority(root, plain, 9).unwrap();
    kernel.kill_process(root, plain).unwrap();
    assert_eq!(
        kernel.get_process_state(root, plain).unwrap(),
        ProcessState::Terminated
    );
    kernel.reap_process(root, plain).unwrap();
    assert!(matches!(
        kernel.get_process_info(root, plain),
        Err(Error::NoSuchProcess(_))
    ));
}

#[test]
fn spawns_beyond_the_limit_are_refused_until_a_child_exits() {
    let (kernel, root) = kernel();
    let parent = kernel.create_process("parent", CapabilitySet::all());
    kernel.set_spawn_limit(root, parent, 1).unwrap();
    assert!(matches!(
        kernel.set_spawn_limit(parent, parent, 5),
        Err(Error::PermissionDenied { .. })
    ));
    let first = kernel
        .spawn_process(parent, SandboxPreset::Standard.spec("/bin/sleep", ["30"]))
        .unwrap();
    let err = kernel
        .spawn_process(parent, SandboxPreset::Standard.spec("/bin/true", [""; 0]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("pid {parent}: process limit exceeded: 1/1 processes spawned")
    );
    kernel.kill_process(root, first.pid).unwrap();
    let second = kernel
        .spawn_process(parent, SandboxPreset::Standard.spec("/bin/true", [""; 0]))
        .unwrap();
    assert!(
        kernel
            .wait_process(parent, second.pid, None)
            .unwrap()
            .success()
    );
}
