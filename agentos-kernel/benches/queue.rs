//! FIFO queue send + receive of 1 M small (16-byte) messages in batches of 1000, through an
//! open `QueueHandle` and through `Kernel::queue_send`/`queue_receive` (PID lookup on every
//! call), against a bounded `tokio::sync::mpsc` channel of the same capacity.
//! Run with: cargo bench -p agentos-kernel --bench queue

use std::time::Duration;

use agentos_kernel::{Capability, CapabilitySet, Kernel, QueueKind, Syscall, SyscallOutput};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MESSAGES: usize = 1_000_000;
const BATCH: usize = 1000;
const PAYLOAD: usize = 16;

fn kernel_queue(kernel: &Kernel, pid: agentos_kernel::Pid, queue: agentos_kernel::QueueId) {
    let mut received = 0;
    for _ in 0..MESSAGES / BATCH {
        for _ in 0..BATCH {
            kernel
                .queue_send(pid, queue, vec![1u8; PAYLOAD], 0)
                .expect("send");
        }
        while let Some(message) = kernel.queue_receive(pid, queue).expect("receive") {
            received += message.data.len();
        }
    }
    assert_eq!(received, MESSAGES * PAYLOAD);
}

fn kernel_queue_handle(handle: &agentos_kernel::QueueHandle) {
    let mut received = 0;
    for _ in 0..MESSAGES / BATCH {
        for _ in 0..BATCH {
            handle.send(vec![1u8; PAYLOAD], 0).expect("send");
        }
        while let Some(message) = handle.receive().expect("receive") {
            received += message.data.len();
        }
    }
    assert_eq!(received, MESSAGES * PAYLOAD);
}

fn tokio_mpsc() {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(BATCH);
    let mut received = 0;
    for _ in 0..MESSAGES / BATCH {
        for _ in 0..BATCH {
            tx.try_send(vec![1u8; PAYLOAD]).expect("send");
        }
        while let Ok(message) = rx.try_recv() {
            received += message.len();
        }
    }
    assert_eq!(received, MESSAGES * PAYLOAD);
}

fn queues(c: &mut Criterion) {
    let kernel = Kernel::new();
    let pid = kernel.create_process(
        "bench",
        CapabilitySet::new()
            .grant(Capability::SendMessage)
            .grant(Capability::ReceiveMessage),
    );
    let Ok(SyscallOutput::QueueId(queue)) = kernel.syscall(
        pid,
        Syscall::CreateQueue {
            queue_type: QueueKind::Fifo,
            capacity: Some(BATCH),
        },
    ) else {
        panic!("queue not created");
    };
    let mut group = c.benchmark_group("fifo_1M_messages");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(10);
    group.bench_function("tokio::sync::mpsc", |b| b.iter(tokio_mpsc));
    let handle = kernel.open_queue(pid, queue).expect("open");
    group.bench_function("kernel FIFO queue, QueueHandle", |b| {
        b.iter(|| kernel_queue_handle(&handle))
    });
    group.bench_function("kernel FIFO queue, Kernel::queue_send/receive", |b| {
        b.iter(|| kernel_queue(&kernel, pid, queue))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = queues
}
criterion_main!(benches);
