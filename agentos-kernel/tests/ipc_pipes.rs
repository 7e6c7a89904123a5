//! Acceptance behaviour 2: pipes through the syscall API.

use agentos_kernel::{
    Capability, CapabilitySet, Error, Kernel, PIPES_PER_PROCESS, Pid, PipeId, Syscall,
    SyscallOutput,
};

fn ipc_caps() -> CapabilitySet {
    CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage)
}

fn pipe(
    kernel: &Kernel,
    caller: Pid,
    reader: Pid,
    writer: Pid,
    capacity: Option<usize>,
) -> agentos_kernel::Result<PipeId> {
    match kernel.syscall(
        caller,
        Syscall::CreatePipe {
            reader_pid: reader,
            writer_pid: writer,
            capacity,
        },
    )? {
        SyscallOutput::PipeId(id) => Ok(id),
        other => panic!("unexpected {other:?}"),
    }
}

fn write(kernel: &Kernel, pid: Pid, pipe_id: PipeId, data: &[u8]) -> agentos_kernel::Result<u64> {
    match kernel.syscall(
        pid,
        Syscall::WritePipe {
            pipe_id,
            data: data.to_vec(),
        },
    )? {
        SyscallOutput::Count(n) => Ok(n),
        other => panic!("unexpected {other:?}"),
    }
}

fn read(
    kernel: &Kernel,
    pid: Pid,
    pipe_id: PipeId,
    size: usize,
) -> agentos_kernel::Result<Vec<u8>> {
    match kernel.syscall(pid, Syscall::ReadPipe { pipe_id, size })? {
        SyscallOutput::Bytes(bytes) => Ok(bytes),
        other => panic!("unexpected {other:?}"),
    }
}

fn pair(kernel: &Kernel) -> (Pid, Pid) {
    (
        kernel.create_process("writer", ipc_caps()),
        kernel.create_process("reader", ipc_caps()),
    )
}

#[test]
fn write_then_read_round_trips_in_chunks() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    let id = pipe(&kernel, writer, reader, writer, None).unwrap();
    assert_eq!(write(&kernel, writer, id, b"hello ").unwrap(), 6);
    assert_eq!(write(&kernel, writer, id, b"world").unwrap(), 5);
    assert_eq!(read(&kernel, reader, id, 4).unwrap(), b"hell");
    assert_eq!(read(&kernel, reader, id, 100).unwrap(), b"o world");
}

#[test]
fn ends_are_enforced() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    let id = pipe(&kernel, writer, reader, writer, None).unwrap();
    assert!(matches!(
        write(&kernel, reader, id, b"x"),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        read(&kernel, writer, id, 1),
        Err(Error::NotPermitted { .. })
    ));
}

#[test]
fn partial_write_then_would_block_when_full() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    let id = pipe(&kernel, writer, reader, writer, Some(8)).unwrap();
    assert_eq!(write(&kernel, writer, id, b"0123456789").unwrap(), 8);
    assert!(matches!(
        write(&kernel, writer, id, b"x"),
        Err(Error::WouldBlock(_))
    ));
    assert_eq!(read(&kernel, reader, id, 3).unwrap(), b"012");
    assert_eq!(write(&kernel, writer, id, b"abcdef").unwrap(), 3);
    assert_eq!(kernel.pipe_stats(id).unwrap().buffered, 8);
}

#[test]
fn empty_read_would_block_and_closed_empty_read_is_eof() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    let id = pipe(&kernel, writer, reader, writer, None).unwrap();
    assert!(matches!(
        read(&kernel, reader, id, 10),
        Err(Error::WouldBlock(_))
    ));
    write(&kernel, writer, id, b"last").unwrap();
    kernel
        .syscall(writer, Syscall::ClosePipe { pipe_id: id })
        .unwrap();
    assert!(matches!(
        write(&kernel, writer, id, b"more"),
        Err(Error::Closed(_))
    ));
    assert_eq!(read(&kernel, reader, id, 10).unwrap(), b"last");
    assert_eq!(read(&kernel, reader, id, 10).unwrap(), b"");
    assert!(kernel.pipe_stats(id).unwrap().closed);
}

#[test]
fn destroy_then_stats_is_not_found() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    let id = pipe(&kernel, writer, reader, writer, None).unwrap();
    let stranger = kernel.create_process("stranger", ipc_caps());
    assert!(matches!(
        kernel.syscall(stranger, Syscall::DestroyPipe { pipe_id: id }),
        Err(Error::NotPermitted { .. })
    ));
    kernel
        .syscall(reader, Syscall::DestroyPipe { pipe_id: id })
        .unwrap();
    assert!(matches!(
        kernel.syscall(reader, Syscall::PipeStats { pipe_id: id }),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn capacity_is_clamped_to_one_megabyte() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    let id = pipe(&kernel, writer, reader, writer, Some(10 << 20)).unwrap();
    assert_eq!(kernel.pipe_stats(id).unwrap().capacity, 1 << 20);
    let default = pipe(&kernel, writer, reader, writer, None).unwrap();
    assert_eq!(kernel.pipe_stats(default).unwrap().capacity, 64 * 1024);
}

#[test]
fn per_process_limit_is_one_hundred() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    for _ in 0..PIPES_PER_PROCESS {
        pipe(&kernel, writer, reader, writer, Some(16)).unwrap();
    }
    let err = pipe(&kernel, writer, reader, writer, Some(16)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                used: 101,
                limit: 100,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn global_limit_counts_reserved_capacity() {
    let kernel = Kernel::new();
    let mut made = 0;
    let err = loop {
        let (writer, reader) = pair(&kernel);
        match pipe(&kernel, writer, reader, writer, Some(1 << 20)) {
            Ok(_) => made += 1,
            Err(err) => break err,
        }
    };
    assert_eq!(made, 50);
    assert!(matches!(err, Error::LimitExceeded { limit, .. } if limit == 50 << 20));
}

#[test]
fn cleanup_on_exit_frees_pipes_and_their_budget() {
    let kernel = Kernel::new();
    let (writer, reader) = pair(&kernel);
    let id = pipe(&kernel, writer, reader, writer, None).unwrap();
    kernel.exit(writer).unwrap();
    assert!(kernel.pipe_stats(id).is_err());
    let (w2, r2) = pair(&kernel);
    for _ in 0..PIPES_PER_PROCESS {
        pipe(&kernel, w2, r2, w2, Some(16)).unwrap();
    }
}

#[test]
fn creating_a_pipe_to_an_unknown_pid_fails() {
    let kernel = Kernel::new();
    let (writer, _) = pair(&kernel);
    assert_eq!(
        pipe(&kernel, writer, Pid(999), writer, None),
        Err(Error::NoSuchProcess(Pid(999)))
    );
}

#[test]
fn trigger_gc_frees_closed_drained_pipes_only() {
    let kernel = Kernel::new();
    let mut caps = ipc_caps();
    caps = caps.grant(Capability::SystemInfo);
    let writer = kernel.create_process("writer", caps.clone());
    let reader = kernel.create_process("reader", caps);
    let done = pipe(&kernel, writer, reader, writer, Some(100)).unwrap();
    let pending = pipe(&kernel, writer, reader, writer, Some(200)).unwrap();
    let open = pipe(&kernel, writer, reader, writer, Some(300)).unwrap();
    write(&kernel, writer, pending, b"unread").unwrap();
    for id in [done, pending] {
        kernel
            .syscall(writer, Syscall::ClosePipe { pipe_id: id })
            .unwrap();
    }
    assert_eq!(
        kernel.syscall(
            writer,
            Syscall::TriggerGc {
                target_pid: Some(writer)
            }
        ),
        Ok(SyscallOutput::Count(100))
    );
    assert!(kernel.pipe_stats(done).is_err());
    assert!(kernel.pipe_stats(pending).is_ok());
    assert!(kernel.pipe_stats(open).is_ok());
}

#[test]
fn pipe_buffers_count_against_the_writers_memory_limit() {
    let kernel = Kernel::new();
    let mut policy = agentos_kernel::SandboxPolicy::from_capabilities(ipc_caps());
    policy.limits.max_memory_bytes = 100 * 1024;
    let writer = kernel.create_process_with("writer", policy);
    let reader = kernel.create_process("reader", ipc_caps());
    pipe(&kernel, writer, reader, writer, None).unwrap();
    let err = pipe(&kernel, writer, reader, writer, None).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                used: 131_072,
                limit: 102_400,
                ..
            }
        ),
        "{err}"
    );
}
