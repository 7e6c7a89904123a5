//! Acceptance behaviour 3: shared memory through the syscall API.

use agentos_kernel::{
    Capability, CapabilitySet, Error, Kernel, Pid, SHM_SEGMENTS_PER_PROCESS, ShmId, Syscall,
    SyscallOutput,
};

fn ipc_caps() -> CapabilitySet {
    CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage)
}

fn create(kernel: &Kernel, pid: Pid, size: usize) -> agentos_kernel::Result<ShmId> {
    match kernel.syscall(pid, Syscall::CreateShm { size })? {
        SyscallOutput::ShmId(id) => Ok(id),
        other => panic!("unexpected {other:?}"),
    }
}

fn read(
    kernel: &Kernel,
    pid: Pid,
    segment_id: ShmId,
    offset: usize,
    size: usize,
) -> agentos_kernel::Result<Vec<u8>> {
    match kernel.syscall(
        pid,
        Syscall::ReadShm {
            segment_id,
            offset,
            size,
        },
    )? {
        SyscallOutput::Bytes(bytes) => Ok(bytes),
        other => panic!("unexpected {other:?}"),
    }
}

fn write(
    kernel: &Kernel,
    pid: Pid,
    segment_id: ShmId,
    offset: usize,
    data: &[u8],
) -> agentos_kernel::Result<SyscallOutput> {
    kernel.syscall(
        pid,
        Syscall::WriteShm {
            segment_id,
            offset,
            data: data.to_vec(),
        },
    )
}

#[test]
fn create_write_and_read_at_offsets() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("owner", ipc_caps());
    let id = create(&kernel, pid, 16).unwrap();
    assert_eq!(read(&kernel, pid, id, 0, 4).unwrap(), [0; 4]);
    write(&kernel, pid, id, 4, b"abcd").unwrap();
    assert_eq!(read(&kernel, pid, id, 3, 6).unwrap(), b"\0abcd\0");
}

#[test]
fn out_of_bounds_and_bad_sizes_are_rejected() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("owner", ipc_caps());
    let id = create(&kernel, pid, 8).unwrap();
    assert!(matches!(
        write(&kernel, pid, id, 6, b"xyz"),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        read(&kernel, pid, id, usize::MAX, 2),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        create(&kernel, pid, 0),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        create(&kernel, pid, (100 << 20) + 1),
        Err(Error::LimitExceeded { .. })
    ));
}

#[test]
fn read_only_attachers_cannot_write_and_strangers_cannot_touch() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let reader = kernel.create_process("reader", ipc_caps());
    let writer = kernel.create_process("writer", ipc_caps());
    let stranger = kernel.create_process("stranger", ipc_caps());
    let id = create(&kernel, owner, 8).unwrap();
    kernel
        .syscall(
            reader,
            Syscall::AttachShm {
                segment_id: id,
                read_only: true,
            },
        )
        .unwrap();
    kernel
        .syscall(
            writer,
            Syscall::AttachShm {
                segment_id: id,
                read_only: false,
            },
        )
        .unwrap();
    write(&kernel, writer, id, 0, b"hi").unwrap();
    assert_eq!(read(&kernel, reader, id, 0, 2).unwrap(), b"hi");
    assert_eq!(read(&kernel, owner, id, 0, 2).unwrap(), b"hi");
    assert!(matches!(
        write(&kernel, reader, id, 0, b"no"),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        read(&kernel, stranger, id, 0, 1),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        write(&kernel, stranger, id, 0, b"x"),
        Err(Error::NotPermitted { .. })
    ));
    let stats = kernel.shm_stats(id).unwrap();
    assert_eq!(stats.attached_pids, vec![owner, reader, writer]);
    assert_eq!(stats.read_only_pids, vec![reader]);
    kernel
        .syscall(reader, Syscall::DetachShm { segment_id: id })
        .unwrap();
    assert!(matches!(
        read(&kernel, reader, id, 0, 1),
        Err(Error::NotPermitted { .. })
    ));
}

#[test]
fn only_the_owner_destroys() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let other = kernel.create_process("other", ipc_caps());
    let id = create(&kernel, owner, 8).unwrap();
    kernel
        .syscall(
            other,
            Syscall::AttachShm {
                segment_id: id,
                read_only: false,
            },
        )
        .unwrap();
    assert!(matches!(
        kernel.syscall(other, Syscall::DestroyShm { segment_id: id }),
        Err(Error::NotPermitted { .. })
    ));
    kernel
        .syscall(owner, Syscall::DestroyShm { segment_id: id })
        .unwrap();
    assert!(matches!(
        kernel.syscall(owner, Syscall::ShmStats { segment_id: id }),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn ten_segments_per_process() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("owner", ipc_caps());
    for _ in 0..SHM_SEGMENTS_PER_PROCESS {
        create(&kernel, pid, 4).unwrap();
    }
    assert!(matches!(
        create(&kernel, pid, 4),
        Err(Error::LimitExceeded {
            used: 11,
            limit: 10,
            ..
        })
    ));
}

#[test]
fn shared_reads_do_not_copy_and_survive_later_writes() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let reader = kernel.create_process("reader", ipc_caps());
    let id = create(&kernel, owner, 4).unwrap();
    write(&kernel, owner, id, 0, b"abcd").unwrap();
    kernel
        .syscall(
            reader,
            Syscall::AttachShm {
                segment_id: id,
                read_only: true,
            },
        )
        .unwrap();
    let first = kernel.shm_read_shared(reader, id, 0, 4).unwrap();
    let second = kernel.shm_read_shared(reader, id, 1, 2).unwrap();
    // Both views point into the same buffer.
    assert_eq!(first.as_ptr().wrapping_add(1), second.as_ptr());
    write(&kernel, owner, id, 0, b"wxyz").unwrap();
    assert_eq!(&*first, b"abcd");
    assert_eq!(&*kernel.shm_read_shared(reader, id, 0, 4).unwrap(), b"wxyz");
}

#[test]
fn exit_destroys_owned_segments_and_detaches_from_others() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let guest = kernel.create_process("guest", ipc_caps());
    let owned = create(&kernel, owner, 8).unwrap();
    let visited = create(&kernel, guest, 8).unwrap();
    kernel
        .syscall(
            owner,
            Syscall::AttachShm {
                segment_id: visited,
                read_only: true,
            },
        )
        .unwrap();
    kernel.exit(owner).unwrap();
    assert!(kernel.shm_stats(owned).is_err());
    assert_eq!(
        kernel.shm_stats(visited).unwrap().attached_pids,
        vec![guest]
    );
}
