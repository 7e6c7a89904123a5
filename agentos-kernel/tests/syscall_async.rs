//! Awaiting syscalls: sleep on the kernel timer, pipes that wait for data or space, and queue
//! receives that wait for a message, all without polling.

use std::time::{Duration, Instant};

use agentos_kernel::{
    Capability, CapabilitySet, Error, Kernel, QueueKind, SandboxPolicy, Syscall, SyscallOutput,
};

fn ipc_caps() -> CapabilitySet {
    CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage)
}

#[tokio::test(flavor = "current_thread")]
async fn sleep_waits_without_blocking_the_thread() {
    let kernel = Kernel::new();
    let pid = kernel.create_process_with("app", SandboxPolicy::standard());
    let started = Instant::now();
    let sleeper = kernel.syscall_async(pid, Syscall::Sleep { duration_ms: 50 });
    // On a single-threaded runtime, other work runs while the sleep is pending.
    let (slept, other) = tokio::join!(sleeper, async { kernel.syscall(pid, Syscall::GetUptime) });
    assert_eq!(slept, Ok(SyscallOutput::None));
    assert!(matches!(other, Ok(SyscallOutput::Time(_))));
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert!(matches!(
        kernel
            .syscall_async(
                pid,
                Syscall::Sleep {
                    duration_ms: 60_001
                }
            )
            .await,
        Err(Error::InvalidArgument(_))
    ));
}

#[tokio::test(flavor = "current_thread")]
async fn pipe_read_waits_for_data_then_eof() {
    let kernel = Kernel::new();
    let writer = kernel.create_process("w", ipc_caps());
    let reader = kernel.create_process("r", ipc_caps());
    let SyscallOutput::PipeId(pipe_id) = kernel
        .syscall(
            writer,
            Syscall::CreatePipe {
                reader_pid: reader,
                writer_pid: writer,
                capacity: Some(4),
            },
        )
        .unwrap()
    else {
        panic!()
    };
    let read = kernel.syscall_async(reader, Syscall::ReadPipe { pipe_id, size: 16 });
    let produce = {
        let kernel = kernel.clone();
        async move {
            tokio::task::yield_now().await;
            // Six bytes through a four-byte pipe: the second write waits for space.
            let first = kernel
                .syscall_async(
                    writer,
                    Syscall::WritePipe {
                        pipe_id,
                        data: b"abcdef".to_vec(),
                    },
                )
                .await;
            let second = kernel
                .syscall_async(
                    writer,
                    Syscall::WritePipe {
                        pipe_id,
                        data: b"ef".to_vec(),
                    },
                )
                .await;
            (first, second)
        }
    };
    let (got, (first, second)) = tokio::join!(
        async {
            let head = read.await;
            let tail = kernel
                .syscall_async(reader, Syscall::ReadPipe { pipe_id, size: 16 })
                .await;
            (head, tail)
        },
        produce
    );
    assert_eq!(first, Ok(SyscallOutput::Count(4)));
    assert_eq!(second, Ok(SyscallOutput::Count(2)));
    assert_eq!(got.0, Ok(SyscallOutput::Bytes(b"abcd".to_vec())));
    assert_eq!(got.1, Ok(SyscallOutput::Bytes(b"ef".to_vec())));
    let pending = kernel.syscall_async(reader, Syscall::ReadPipe { pipe_id, size: 16 });
    kernel
        .syscall(writer, Syscall::ClosePipe { pipe_id })
        .unwrap();
    assert_eq!(pending.await, Ok(SyscallOutput::Bytes(Vec::new())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_receive_waits_for_a_message_and_ends_on_destroy() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let SyscallOutput::QueueId(queue) = kernel
        .syscall(
            pid,
            Syscall::CreateQueue {
                queue_type: QueueKind::Fifo,
                capacity: None,
            },
        )
        .unwrap()
    else {
        panic!()
    };
    let waiter = tokio::spawn(kernel.queue_receive_async(pid, queue));
    tokio::task::yield_now().await;
    kernel.queue_send(pid, queue, b"wake".to_vec(), 0).unwrap();
    assert_eq!(waiter.await.unwrap().unwrap().data, b"wake");
    let waiter = tokio::spawn(kernel.syscall_async(pid, Syscall::ReceiveQueue { queue_id: queue }));
    tokio::task::yield_now().await;
    kernel
        .syscall(pid, Syscall::DestroyQueue { queue_id: queue })
        .unwrap();
    assert!(matches!(waiter.await.unwrap(), Err(Error::NotFound(_))));
}
