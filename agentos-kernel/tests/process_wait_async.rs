//! `wait_process` through `Kernel::syscall_async` awaits the child's exit without blocking
//! the executor: on a single-threaded runtime another task runs (and here ends the child)
//! while the wait is pending.

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::{Duration, Instant},
};

use agentos_kernel::{CapabilitySet, Kernel, SandboxPreset, Syscall, SyscallOutput};

fn exit_of(output: SyscallOutput) -> agentos_kernel::ExitInfo {
    match output {
        SyscallOutput::Exit(Some(info)) => info,
        other => panic!("expected an exit, got {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn wait_lets_another_task_run_and_kill_the_child() {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    let spawned = kernel
        .spawn_process(root, SandboxPreset::Standard.spec("/bin/sleep", ["30"]))
        .unwrap();
    let started = Instant::now();
    let waiter = kernel.syscall_async(
        root,
        Syscall::WaitProcess {
            target_pid: spawned.pid,
            timeout_ms: None,
        },
    );
    let ran = AtomicU32::new(0);
    let killer = async {
        // Runs only if the wait above yields the thread.
        ran.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        kernel.syscall(
            root,
            Syscall::KillProcess {
                target_pid: spawned.pid,
            },
        )
    };
    let (waited, killed) = tokio::join!(waiter, killer);
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert!(killed.is_ok());
    let info = exit_of(waited.unwrap());
    assert!(info.killed, "{info:?}");
    // SIGKILL.
    assert_eq!(info.signal, Some(9));
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test(flavor = "current_thread")]
async fn wait_timeout_kills_the_child_while_a_ticker_keeps_ticking() {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    let spawned = kernel
        .spawn_process(root, SandboxPreset::Standard.spec("/bin/sleep", ["30"]))
        .unwrap();
    let ticks = AtomicU32::new(0);
    let waiter = kernel.syscall_async(
        root,
        Syscall::WaitProcess {
            target_pid: spawned.pid,
            timeout_ms: Some(200),
        },
    );
    let ticker = async {
        // Ticks on the same thread until the waiter is done.
        for _ in 0..3 {
            kernel
                .syscall_async(root, Syscall::Sleep { duration_ms: 10 })
                .await
                .unwrap();
            ticks.fetch_add(1, Ordering::SeqCst);
        }
    };
    let (waited, ()) = tokio::join!(waiter, ticker);
    let info = exit_of(waited.unwrap());
    assert!(info.timed_out, "{info:?}");
    assert_eq!(ticks.load(Ordering::SeqCst), 3);
    // The kernel saw the exit: the PID is terminated and a second wait answers at once.
    let again = kernel
        .syscall_async(
            root,
            Syscall::WaitProcess {
                target_pid: spawned.pid,
                timeout_ms: Some(u64::MAX),
            },
        )
        .await;
    assert!(exit_of(again.unwrap()).timed_out);
}
