//! Metrics: per-syscall counters by result, latency quantiles, IPC bytes and VFS operation
//! counts, in Prometheus text form.

use agentos_kernel::{Capability, CapabilitySet, Kernel, SandboxPolicy, Syscall};

#[test]
fn syscalls_are_counted_timed_and_exposed() {
    let kernel = Kernel::new();
    let pid = kernel.create_process_with("app", SandboxPolicy::privileged());
    let denied = kernel.create_process("none", CapabilitySet::new());
    for n in 0..10 {
        kernel
            .syscall(
                pid,
                Syscall::WriteFile {
                    path: format!("/tmp/{n}"),
                    data: vec![1; 100],
                },
            )
            .unwrap();
        kernel
            .syscall(
                pid,
                Syscall::ReadFile {
                    path: format!("/tmp/{n}"),
                },
            )
            .unwrap();
    }
    kernel
        .syscall(
            pid,
            Syscall::ReadFile {
                path: "/tmp/missing".into(),
            },
        )
        .unwrap_err();
    kernel
        .syscall(
            denied,
            Syscall::ReadFile {
                path: "/tmp/0".into(),
            },
        )
        .unwrap_err();
    let metrics = kernel.metrics();
    assert_eq!(metrics.calls("read_file", "ok"), Some(10));
    assert_eq!(metrics.calls("read_file", "error"), Some(1));
    assert_eq!(metrics.calls("read_file", "denied"), Some(1));
    assert_eq!(metrics.calls("no_such_call", "ok"), None);
    let latency = metrics.latency("read_file").unwrap();
    assert_eq!(latency.count, 12);
    assert!(latency.p50 <= latency.p95 && latency.p95 <= latency.p99);
    assert!(latency.p50 > std::time::Duration::ZERO);

    let text = metrics.encode();
    assert!(
        text.contains(r#"agentos_kernel_syscalls_total{call="read_file",result="ok"} 10"#),
        "{text}"
    );
    assert!(text.contains(r#"agentos_kernel_syscalls_total{call="read_file",result="denied"} 1"#));
    assert!(text.contains(r#"agentos_kernel_syscall_duration_seconds_count{name="read_file"} 12"#));
    assert!(text.contains(r#"agentos_kernel_vfs_operations_total{name="write"} 10"#));
    assert!(text.contains("agentos_kernel_processes 2"));
    assert!(text.trim_end().ends_with("# EOF"));
}

#[test]
fn ipc_bytes_are_reported_per_mechanism() {
    let kernel = Kernel::new();
    let caps = CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage);
    let pid = kernel.create_process("q", caps);
    let agentos_kernel::SyscallOutput::QueueId(queue) = kernel
        .syscall(
            pid,
            Syscall::CreateQueue {
                queue_type: agentos_kernel::QueueKind::Fifo,
                capacity: None,
            },
        )
        .unwrap()
    else {
        panic!()
    };
    kernel.queue_send(pid, queue, vec![0; 40], 0).unwrap();
    kernel.queue_send(pid, queue, vec![0; 2], 0).unwrap();
    let text = kernel.metrics().encode();
    assert!(
        text.contains(r#"agentos_kernel_ipc_bytes_total{name="queue"} 42"#),
        "{text}"
    );
    assert!(text.contains("agentos_kernel_ipc_objects 1"));
    // Encoding again does not double-count.
    let again = kernel.metrics().encode();
    assert!(again.contains(r#"agentos_kernel_ipc_bytes_total{name="queue"} 42"#));
}
