//! 1 GiB through a 64 KB kernel pipe between two tasks, against an OS pipe between two threads.
//! Run with: cargo bench -p agentos-kernel --bench pipe

use std::{
    io::{Read, Write},
    time::Duration,
};

use agentos_kernel::{Capability, CapabilitySet, Kernel, Syscall, SyscallOutput};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TOTAL: usize = 1 << 30;
const CHUNK: usize = 64 * 1024;

fn kernel_pipe(runtime: &tokio::runtime::Runtime) {
    let kernel = Kernel::new();
    let caps = CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage);
    let writer = kernel.create_process("writer", caps.clone());
    let reader = kernel.create_process("reader", caps);
    let Ok(SyscallOutput::PipeId(pipe)) = kernel.syscall(
        writer,
        Syscall::CreatePipe {
            reader_pid: reader,
            writer_pid: writer,
            capacity: Some(CHUNK),
        },
    ) else {
        panic!("pipe not created");
    };
    runtime.block_on(async {
        let producer = {
            let kernel = kernel.clone();
            tokio::spawn(async move {
                let chunk = vec![1u8; CHUNK];
                let mut sent = 0;
                while sent < TOTAL {
                    sent += kernel
                        .pipe_write(writer, pipe, &chunk)
                        .await
                        .expect("write");
                }
                kernel
                    .syscall(writer, Syscall::ClosePipe { pipe_id: pipe })
                    .expect("close");
            })
        };
        let consumer = tokio::spawn(async move {
            let mut received = 0;
            loop {
                let bytes = kernel.pipe_read(reader, pipe, CHUNK).await.expect("read");
                if bytes.is_empty() {
                    break received;
                }
                received += bytes.len();
            }
        });
        producer.await.expect("producer");
        assert_eq!(consumer.await.expect("consumer"), TOTAL);
    });
}

fn os_pipe() {
    let (mut read_end, mut write_end) = os_pipe::pipe().expect("pipe");
    let producer = std::thread::spawn(move || {
        let chunk = vec![1u8; CHUNK];
        let mut sent = 0;
        while sent < TOTAL {
            write_end.write_all(&chunk).expect("write");
            sent += CHUNK;
        }
    });
    let mut buf = vec![0u8; CHUNK];
    let mut received = 0;
    loop {
        let n = read_end.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        received += n;
    }
    producer.join().expect("producer");
    assert_eq!(received, TOTAL);
}

fn pipes(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("pipe_1GiB_64KB");
    group.throughput(Throughput::Bytes(TOTAL as u64));
    group.sample_size(10);
    group.bench_function("os pipe (two threads)", |b| b.iter(os_pipe));
    group.bench_function("kernel pipe (two tasks)", |b| {
        b.iter(|| kernel_pipe(&runtime))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    targets = pipes
}
criterion_main!(benches);
