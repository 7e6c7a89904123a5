//! Process, signal and scheduler syscalls made as a PID through `Kernel::syscall`: the child
//! runs under the sandbox derived from that PID's policy.

use agentos_kernel::{
    Capability, CapabilityKind, CapabilitySet, Error, Kernel, Pid, ProcessState, ResourceLimits,
    SandboxPolicy, Syscall, SyscallOutput, VfsPath,
};

fn agent(kernel: &Kernel, allowed: &std::path::Path) -> Pid {
    let caps = CapabilitySet::new()
        .grant(Capability::SpawnProcess)
        .grant(Capability::KillProcess)
        .grant(Capability::SystemInfo)
        .grant(Capability::ReadFile(None))
        .grant(Capability::WriteFile(None));
    kernel.create_process_with(
        "agent",
        SandboxPolicy {
            capabilities: caps,
            allowed_paths: vec![VfsPath::new(&allowed.display().to_string())],
            blocked_paths: Vec::new(),
            limits: ResourceLimits::standard(),
        },
    )
}

fn spawn(kernel: &Kernel, pid: Pid, json: &str) -> Pid {
    match kernel
        .syscall(pid, Syscall::from_json(json).unwrap())
        .unwrap()
    {
        SyscallOutput::Spawned {
            pid,
            os_pid,
            report,
        } => {
            assert!(os_pid > 0);
            assert!(!report.to_string().is_empty());
            pid
        }
        other => panic!("expected Spawned, got {other:?}"),
    }
}

#[test]
fn spawn_wait_info_list_and_scheduler_through_syscalls() {
    let kernel = Kernel::new();
    let dir = tempfile::tempdir().unwrap();
    let pid = agent(&kernel, dir.path());
    let child = spawn(
        &kernel,
        pid,
        r#"{"call":"spawn_process","program":"/bin/echo","args":["hi there"],"name":"greeter","priority":7}"#,
    );
    let exit = kernel
        .syscall(
            pid,
            Syscall::WaitProcess {
                target_pid: child,
                timeout_ms: Some(10_000),
            },
        )
        .unwrap();
    let SyscallOutput::Exit(Some(info)) = exit else {
        panic!("expected Exit, got {exit:?}");
    };
    assert_eq!(info.stdout, b"hi there\n");
    assert_eq!(info.code, Some(0));

    let SyscallOutput::ProcessInfo(facts) = kernel
        .syscall(pid, Syscall::GetProcessInfo { target_pid: child })
        .unwrap()
    else {
        panic!("expected ProcessInfo");
    };
    assert_eq!(facts.name, "greeter");
    assert_eq!(facts.priority, 7);
    assert_eq!(
        kernel
            .syscall(pid, Syscall::GetProcessState { target_pid: child })
            .unwrap(),
        SyscallOutput::ProcessState(ProcessState::Terminated)
    );
    let SyscallOutput::ProcessList(list) = kernel.syscall(pid, Syscall::GetProcessList).unwrap()
    else {
        panic!("expected ProcessList");
    };
    assert!(list.iter().any(|entry| entry.pid == child));
    let SyscallOutput::SchedulerStats(stats) =
        kernel.syscall(pid, Syscall::GetSchedulerStats).unwrap()
    else {
        panic!("expected SchedulerStats");
    };
    assert!(stats.quantum_micros > 0);
    assert!(matches!(
        kernel.syscall(pid, Syscall::GetCurrentScheduled).unwrap(),
        SyscallOutput::MaybePid(_)
    ));
}

#[test]
fn signal_and_kill_end_a_running_child() {
    let kernel = Kernel::new();
    let dir = tempfile::tempdir().unwrap();
    let pid = agent(&kernel, dir.path());
    let child = spawn(
        &kernel,
        pid,
        r#"{"call":"spawn_process","program":"/bin/sleep","args":["30"]}"#,
    );
    kernel
        .syscall(
            pid,
            Syscall::SendSignal {
                target_pid: child,
                signal: 9,
            },
        )
        .unwrap();
    let SyscallOutput::Exit(Some(info)) = kernel
        .syscall(
            pid,
            Syscall::WaitProcess {
                target_pid: child,
                timeout_ms: Some(10_000),
            },
        )
        .unwrap()
    else {
        panic!("expected Exit");
    };
    assert_eq!(info.signal, Some(9));

    let second = spawn(
        &kernel,
        pid,
        r#"{"call":"spawn_process","program":"/bin/sleep","args":["30"]}"#,
    );
    let killed = kernel
        .syscall(pid, Syscall::KillProcess { target_pid: second })
        .unwrap();
    assert!(matches!(killed, SyscallOutput::Exit(_)), "{killed:?}");
}

#[test]
fn spawn_refused_without_capability_and_bad_programs_rejected() {
    let kernel = Kernel::new();
    let weak = kernel.create_process("weak", CapabilitySet::new());
    let err = kernel
        .syscall(
            weak,
            Syscall::from_json(r#"{"call":"spawn_process","program":"/bin/true"}"#).unwrap(),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::PermissionDenied {
                capability: CapabilityKind::SpawnProcess,
                ..
            }
        ),
        "{err:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let pid = agent(&kernel, dir.path());
    let err = kernel
        .syscall(
            pid,
            Syscall::from_json(r#"{"call":"spawn_process","program":"/bin/echo;rm -rf /"}"#)
                .unwrap(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidProgram { .. }), "{err:?}");
}

#[test]
fn exiting_a_child_pid_kills_its_os_process_and_frees_its_entry() {
    let kernel = Kernel::new();
    let dir = tempfile::tempdir().unwrap();
    let pid = agent(&kernel, dir.path());
    let spawned = kernel
        .spawn_process(
            pid,
            kernel.spawn_spec_for(pid, "/bin/sleep", ["30"]).unwrap(),
        )
        .unwrap();
    let child = spawned.child.clone();
    assert!(!child.has_exited());
    kernel.exit(spawned.pid).unwrap();
    assert!(child.has_exited());
    assert!(kernel.get_process_info(pid, spawned.pid).is_err());
    let SyscallOutput::ProcessList(list) = kernel.syscall(pid, Syscall::GetProcessList).unwrap()
    else {
        panic!("expected ProcessList");
    };
    assert!(list.iter().all(|entry| entry.pid != spawned.pid));
}
