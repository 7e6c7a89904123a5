//! Contracts of the public handles: thread safety, and the kernel's default state (denial by
//! default, reference mounts, no network in the dependency tree).

use agentos_kernel::{
    CapabilityKind, CapabilitySet, Error, Kernel, KernelMetrics, LocalFs, MemFs, MountTable,
    QueueHandle, SandboxPolicy, SharedBytes, Syscall,
};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn public_handles_are_send_and_sync() {
    assert_send_sync::<Kernel>();
    assert_send_sync::<MemFs>();
    assert_send_sync::<LocalFs>();
    assert_send_sync::<MountTable>();
    assert_send_sync::<QueueHandle>();
    assert_send_sync::<SharedBytes>();
    assert_send_sync::<KernelMetrics<'static>>();
    assert_send_sync::<Error>();
}

#[test]
fn a_new_pid_can_do_nothing() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("fresh", CapabilitySet::new());
    let calls = [
        Syscall::ReadFile {
            path: "/tmp/a".into(),
        },
        Syscall::GetSystemInfo,
        Syscall::GetCurrentTime,
        Syscall::GetUptime,
        Syscall::GetMemoryStats,
        Syscall::CreateShm { size: 1 },
        Syscall::Open {
            path: "/tmp/a".into(),
            flags: 0,
            mode: 0,
        },
    ];
    for call in calls {
        let name = call.name();
        assert!(
            matches!(
                kernel.syscall(pid, call),
                Err(Error::PermissionDenied { .. })
            ),
            "{name}"
        );
    }
    let none = kernel.create_process_with("none", SandboxPolicy::none());
    assert!(kernel.sandbox(none).unwrap().capabilities.is_empty());
    assert!(
        !kernel
            .sandbox(none)
            .unwrap()
            .capabilities
            .allows(CapabilityKind::ReadFile, None)
    );
}

#[test]
fn the_reference_mounts_exist() {
    let kernel = Kernel::new();
    let points: Vec<String> = kernel
        .mounts()
        .into_iter()
        .map(|m| m.point.to_string())
        .collect();
    assert_eq!(points, ["/cache", "/tmp", "/"]);
}

#[test]
fn memory_stats_count_files_and_ipc() {
    let kernel = Kernel::new();
    let pid = kernel.create_process_with("root", SandboxPolicy::privileged());
    let before = kernel.memory_stats().used_memory;
    kernel
        .syscall(
            pid,
            Syscall::WriteFile {
                path: "/tmp/f".into(),
                data: vec![0; 1000],
            },
        )
        .unwrap();
    kernel
        .syscall(pid, Syscall::CreateShm { size: 4096 })
        .unwrap();
    let after = kernel.memory_stats();
    assert_eq!(after.used_memory - before, 5096);
    assert_eq!(after.allocated_blocks, 1);
    let agentos_kernel::SyscallOutput::ProcessMemory(stats) = kernel
        .syscall(pid, Syscall::GetProcessMemoryStats { target_pid: pid })
        .unwrap()
    else {
        panic!()
    };
    assert_eq!((stats.allocated_bytes, stats.allocation_count), (4096, 1));
}
