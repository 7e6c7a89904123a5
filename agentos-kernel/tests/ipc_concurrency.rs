//! Concurrency: many tasks on one pipe or queue lose and duplicate nothing, and global limits
//! hold under racing creators.

use std::{collections::HashSet, sync::Arc};

use agentos_kernel::{
    Capability, CapabilitySet, Error, Kernel, PIPE_GLOBAL_BYTES, QueueKind, SHM_GLOBAL_BYTES,
    Syscall, SyscallOutput,
};

fn ipc_caps() -> CapabilitySet {
    CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_producers_and_consumers_on_one_queue() {
    const PRODUCERS: u32 = 8;
    const PER_PRODUCER: u32 = 500;
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let SyscallOutput::QueueId(queue) = kernel
        .syscall(
            owner,
            Syscall::CreateQueue {
                queue_type: QueueKind::Fifo,
                capacity: Some(64),
            },
        )
        .unwrap()
    else {
        panic!()
    };
    let mut producers = Vec::new();
    for producer in 0..PRODUCERS {
        let kernel = kernel.clone();
        let pid = kernel.create_process("producer", ipc_caps());
        producers.push(tokio::spawn(async move {
            for n in 0..PER_PRODUCER {
                let payload = format!("{producer}:{n}").into_bytes();
                // A full queue is an error; retry after letting consumers run.
                loop {
                    match kernel.queue_send(pid, queue, payload.clone(), 0) {
                        Ok(()) => break,
                        Err(Error::LimitExceeded { .. }) => tokio::task::yield_now().await,
                        Err(other) => panic!("{other}"),
                    }
                }
            }
        }));
    }
    let mut consumers = Vec::new();
    for _ in 0..4 {
        let kernel = kernel.clone();
        let pid = kernel.create_process("consumer", ipc_caps());
        consumers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                match kernel.queue_receive_async(pid, queue).await {
                    Ok(message) => got.push(String::from_utf8(message.data).unwrap()),
                    Err(Error::Closed(_)) => return got,
                    Err(other) => panic!("{other}"),
                }
            }
        }));
    }
    for producer in producers {
        producer.await.unwrap();
    }
    kernel
        .syscall(owner, Syscall::CloseQueue { queue_id: queue })
        .unwrap();
    let mut all = Vec::new();
    for consumer in consumers {
        all.extend(consumer.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(
        all.len(),
        (PRODUCERS * PER_PRODUCER) as usize,
        "lost messages"
    );
    assert_eq!(unique.len(), all.len(), "duplicated messages");
    // Per producer, order is kept.
    for producer in 0..PRODUCERS {
        let seq: Vec<u32> = all
            .iter()
            .filter_map(|m| m.strip_prefix(&format!("{producer}:")))
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(seq.len(), PER_PRODUCER as usize);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_byte_stream_through_a_small_pipe_arrives_intact() {
    let kernel = Kernel::new();
    let writer = kernel.create_process("w", ipc_caps());
    let reader = kernel.create_process("r", ipc_caps());
    let SyscallOutput::PipeId(pipe_id) = kernel
        .syscall(
            writer,
            Syscall::CreatePipe {
                reader_pid: reader,
                writer_pid: writer,
                capacity: Some(1000),
            },
        )
        .unwrap()
    else {
        panic!()
    };
    let data: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
    let expected = data.clone();
    let producer = {
        let kernel = kernel.clone();
        tokio::spawn(async move {
            let mut sent = 0;
            while sent < data.len() {
                let chunk = data[sent..(sent + 777).min(data.len())].to_vec();
                match kernel
                    .syscall_async(
                        writer,
                        Syscall::WritePipe {
                            pipe_id,
                            data: chunk,
                        },
                    )
                    .await
                    .unwrap()
                {
                    SyscallOutput::Count(n) => sent += n as usize,
                    other => panic!("{other:?}"),
                }
            }
            kernel
                .syscall(writer, Syscall::ClosePipe { pipe_id })
                .unwrap();
        })
    };
    let mut received = Vec::new();
    loop {
        match kernel
            .syscall_async(
                reader,
                Syscall::ReadPipe {
                    pipe_id,
                    size: 4096,
                },
            )
            .await
            .unwrap()
        {
            SyscallOutput::Bytes(bytes) if bytes.is_empty() => break,
            SyscallOutput::Bytes(bytes) => received.extend(bytes),
            other => panic!("{other:?}"),
        }
    }
    producer.await.unwrap();
    assert_eq!(received, expected);
}

#[test]
fn racing_creators_never_exceed_global_limits() {
    let kernel = Arc::new(Kernel::new());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let kernel = kernel.clone();
            std::thread::spawn(move || {
                let mut pipes = 0u64;
                let mut segments = 0u64;
                for _ in 0..40 {
                    let a = kernel.create_process("a", ipc_caps());
                    let b = kernel.create_process("b", ipc_caps());
                    if kernel
                        .syscall(
                            a,
                            Syscall::CreatePipe {
                                reader_pid: b,
                                writer_pid: a,
                                capacity: Some(1 << 20),
                            },
                        )
                        .is_ok()
                    {
                        pipes += 1;
                    }
                    if kernel
                        .syscall(a, Syscall::CreateShm { size: 8 << 20 })
                        .is_ok()
                    {
                        segments += 1;
                    }
                }
                (pipes, segments)
            })
        })
        .collect();
    let (mut pipes, mut segments) = (0, 0);
    for thread in threads {
        let (p, s) = thread.join().unwrap();
        pipes += p;
        segments += s;
    }
    assert_eq!(pipes, PIPE_GLOBAL_BYTES >> 20, "pipes made: {pipes}");
    assert_eq!(
        segments,
        SHM_GLOBAL_BYTES / (8 << 20),
        "segments made: {segments}"
    );
}
