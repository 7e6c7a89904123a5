//! One source of truth for memory: the reference-shaped syscalls (`get_memory_stats`,
//! `get_process_memory_stats`, `trigger_gc`) and the memory manager's calls report the same
//! figures, covering IPC objects, the in-memory filesystem, explicit charges and a real
//! child's resident memory.

mod common;

use agentos_kernel::{
    Capability, CapabilitySet, Kernel, MemoryKind, QueueKind, SandboxPreset, Syscall, SyscallOutput,
};

fn memory_json(kernel: &Kernel, pid: agentos_kernel::Pid) -> serde_json::Value {
    let output = kernel.syscall(pid, Syscall::GetMemoryStats).unwrap();
    serde_json::from_str(&output.to_json()).unwrap()
}

#[test]
fn syscall_and_manager_views_report_the_same_memory() {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    let app = kernel.create_process(
        "app",
        CapabilitySet::new()
            .grant(Capability::SendMessage)
            .grant(Capability::ReceiveMessage)
            .grant(Capability::WriteFile(None)),
    );
    let empty = kernel.get_memory_stats(root).unwrap();

    // IPC held by the app, a file in the kernel's MemFs, and an explicit charge.
    let SyscallOutput::PipeId(_) = kernel
        .syscall(
            app,
            Syscall::CreatePipe {
                reader_pid: root,
                writer_pid: app,
                capacity: Some(4096),
            },
        )
        .unwrap()
    else {
        panic!("no pipe")
    };
    kernel
        .syscall(app, Syscall::CreateShm { size: 8192 })
        .unwrap();
    kernel
        .syscall(
            app,
            Syscall::CreateQueue {
                queue_type: QueueKind::Fifo,
                capacity: None,
            },
        )
        .unwrap();
    kernel
        .syscall(
            app,
            Syscall::WriteFile {
                path: "/tmp/notes.txt".into(),
                data: vec![b'x'; 1000],
            },
        )
        .unwrap();
    kernel.memory_charge(app, MemoryKind::Other, 500);

    let manager = kernel.get_memory_stats(root).unwrap();
    let json = memory_json(&kernel, root);
    assert_eq!(json["used_memory"], manager.used_memory);
    assert_eq!(json["total_memory"], manager.total_memory);
    assert_eq!(json["available_memory"], manager.available_memory);
    assert_eq!(json["allocated_blocks"], manager.allocated_blocks);
    assert_eq!(manager.allocated_blocks, 3);
    assert!(
        manager.used_memory >= empty.used_memory + 4096 + 8192 + 1000 + 500,
        "{empty:?} -> {manager:?}"
    );
    assert_eq!(kernel.memory_stats().used_memory, manager.used_memory);

    let per_pid = kernel.get_process_memory_stats(root, app).unwrap();
    assert_eq!(per_pid.allocated_bytes, 4096 + 8192 + 500);
    assert_eq!(per_pid.allocation_count, 3 + 1);
    let SyscallOutput::ProcessMemory(syscall_view) = kernel
        .syscall(root, Syscall::GetProcessMemoryStats { target_pid: app })
        .unwrap()
    else {
        panic!("not process memory")
    };
    assert_eq!(
        (
            syscall_view.allocated_bytes,
            syscall_view.peak_bytes,
            syscall_view.allocation_count
        ),
        (
            per_pid.allocated_bytes,
            per_pid.peak_bytes,
            per_pid.allocation_count
        )
    );

    // The budget set through the manager is the one the syscall reports against.
    kernel
        .configure_memory(
            root,
            agentos_kernel::MemoryConfig {
                total_bytes: 1 << 20,
                oom_kill: false,
            },
        )
        .unwrap();
    assert_eq!(memory_json(&kernel, root)["total_memory"], 1 << 20);

    // Exit frees the app's IPC and accounting in both views.
    kernel.exit(app).unwrap();
    let after = kernel.get_memory_stats(root).unwrap();
    assert_eq!(memory_json(&kernel, root)["used_memory"], after.used_memory);
    assert_eq!(after.allocated_blocks, 0);
    assert_eq!(
        after.used_memory,
        empty.used_memory + 1000,
        "only the file is left"
    );
}

#[test]
fn a_childs_resident_memory_shows_in_both_views() {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    let spec = SandboxPreset::Standard.spec(
        "/usr/bin/python3",
        ["-c", "import sys; x = b'a' * (16 << 20); print('ready', flush=True); sys.stdin.read(); import time; time.sleep(30)"],
    );
    let spawned = common::spawn_ready(&kernel, root, spec);
    let manager = kernel.get_memory_stats(root).unwrap();
    let json = memory_json(&kernel, root);
    let child = kernel.get_process_memory_stats(root, spawned.pid).unwrap();
    assert!(child.os_resident_bytes >= 16 << 20, "{child:?}");
    // Resident memory moves a little between reads; both views include the child.
    let used = json["used_memory"].as_u64().unwrap();
    assert!(used >= 16 << 20 && manager.used_memory >= 16 << 20);
    let SyscallOutput::ProcessMemory(syscall_view) = kernel
        .syscall(
            root,
            Syscall::GetProcessMemoryStats {
                target_pid: spawned.pid,
            },
        )
        .unwrap()
    else {
        panic!("not process memory")
    };
    assert!(syscall_view.peak_bytes >= 16 << 20);
    kernel.kill_process(root, spawned.pid).unwrap();
}
