//! Acceptance behaviour 1: FIFO, priority and pub/sub queues through the syscall API.

use agentos_kernel::{
    Capability, CapabilitySet, Error, Kernel, Pid, QueueId, QueueKind, QueueMessage, Syscall,
    SyscallOutput,
};

fn ipc_caps() -> CapabilitySet {
    CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage)
}

fn create(kernel: &Kernel, pid: Pid, kind: QueueKind, capacity: Option<usize>) -> QueueId {
    match kernel
        .syscall(
            pid,
            Syscall::CreateQueue {
                queue_type: kind,
                capacity,
            },
        )
        .unwrap()
    {
        SyscallOutput::QueueId(id) => id,
        other => panic!("unexpected {other:?}"),
    }
}

fn send(
    kernel: &Kernel,
    pid: Pid,
    queue_id: QueueId,
    data: &[u8],
    priority: Option<u8>,
) -> agentos_kernel::Result<SyscallOutput> {
    kernel.syscall(
        pid,
        Syscall::SendQueue {
            queue_id,
            data: data.to_vec(),
            priority,
        },
    )
}

fn receive(kernel: &Kernel, pid: Pid, queue_id: QueueId) -> Option<QueueMessage> {
    match kernel
        .syscall(pid, Syscall::ReceiveQueue { queue_id })
        .unwrap()
    {
        SyscallOutput::Message(message) => message,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn fifo_keeps_order_and_empty_receive_is_not_an_error() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let queue = create(&kernel, pid, QueueKind::Fifo, None);
    for text in ["one", "two", "three"] {
        send(&kernel, pid, queue, text.as_bytes(), None).unwrap();
    }
    let got: Vec<Vec<u8>> = (0..3)
        .map(|_| receive(&kernel, pid, queue).unwrap().data)
        .collect();
    assert_eq!(got, [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
    assert_eq!(receive(&kernel, pid, queue), None);
}

#[test]
fn priority_delivers_highest_first_and_fifo_among_equals() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let queue = create(&kernel, pid, QueueKind::Priority, None);
    send(&kernel, pid, queue, b"low-a", None).unwrap();
    send(&kernel, pid, queue, b"high", Some(9)).unwrap();
    send(&kernel, pid, queue, b"low-b", Some(0)).unwrap();
    send(&kernel, pid, queue, b"mid", Some(5)).unwrap();
    let order: Vec<String> = std::iter::from_fn(|| receive(&kernel, pid, queue))
        .map(|m| String::from_utf8(m.data).unwrap())
        .collect();
    assert_eq!(order, ["high", "mid", "low-a", "low-b"]);
}

#[test]
fn pubsub_delivers_to_every_subscriber_until_unsubscribe() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let a = kernel.create_process("a", ipc_caps());
    let b = kernel.create_process("b", ipc_caps());
    let queue = create(&kernel, owner, QueueKind::PubSub, None);
    send(&kernel, owner, queue, b"nobody listens", None).unwrap();
    for pid in [a, b] {
        kernel
            .syscall(pid, Syscall::SubscribeQueue { queue_id: queue })
            .unwrap();
    }
    send(&kernel, owner, queue, b"hello", None).unwrap();
    assert_eq!(receive(&kernel, a, queue).unwrap().data, b"hello");
    assert_eq!(receive(&kernel, b, queue).unwrap().data, b"hello");
    kernel
        .syscall(b, Syscall::UnsubscribeQueue { queue_id: queue })
        .unwrap();
    send(&kernel, owner, queue, b"again", None).unwrap();
    assert_eq!(receive(&kernel, a, queue).unwrap().data, b"again");
    assert!(matches!(
        kernel.syscall(b, Syscall::ReceiveQueue { queue_id: queue }),
        Err(Error::NotPermitted { .. })
    ));
    let stats = kernel.queue_stats(queue).unwrap();
    assert_eq!(stats.subscriber_count, 1);
    assert_eq!(stats.kind, QueueKind::PubSub);
}

#[test]
fn full_queue_rejects_and_close_blocks_sends() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let queue = create(&kernel, pid, QueueKind::Fifo, Some(2));
    send(&kernel, pid, queue, b"1", None).unwrap();
    send(&kernel, pid, queue, b"2", None).unwrap();
    assert!(matches!(
        send(&kernel, pid, queue, b"3", None),
        Err(Error::LimitExceeded {
            used: 3,
            limit: 2,
            ..
        })
    ));
    assert_eq!(kernel.queue_stats(queue).unwrap().length, 2);
    kernel
        .syscall(pid, Syscall::CloseQueue { queue_id: queue })
        .unwrap();
    assert!(matches!(
        send(&kernel, pid, queue, b"4", None),
        Err(Error::Closed(_))
    ));
    assert!(kernel.queue_stats(queue).unwrap().closed);
    // What was queued before closing can still be drained.
    assert_eq!(receive(&kernel, pid, queue).unwrap().data, b"1");
}

#[test]
fn only_the_owner_closes_or_destroys() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let other = kernel.create_process("other", ipc_caps());
    let queue = create(&kernel, owner, QueueKind::Fifo, None);
    for call in [
        Syscall::CloseQueue { queue_id: queue },
        Syscall::DestroyQueue { queue_id: queue },
    ] {
        assert!(
            matches!(kernel.syscall(other, call), Err(Error::NotPermitted { pid, .. }) if pid == other)
        );
    }
    kernel
        .syscall(owner, Syscall::DestroyQueue { queue_id: queue })
        .unwrap();
    assert!(matches!(kernel.queue_stats(queue), Err(Error::NotFound(_))));
}

#[test]
fn queues_are_isolated_and_messages_carry_sender_and_timestamp() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let first = create(&kernel, pid, QueueKind::Fifo, None);
    let second = create(&kernel, pid, QueueKind::Fifo, None);
    let before = std::time::SystemTime::now();
    send(&kernel, pid, first, b"x", None).unwrap();
    assert_eq!(receive(&kernel, pid, second), None);
    let message = receive(&kernel, pid, first).unwrap();
    assert_eq!(message.from, pid);
    assert_eq!(message.id, 1);
    // Timestamps come from the coarse realtime clock: within a tick or so of the precise one.
    let gap = match message.timestamp.duration_since(before) {
        Ok(ahead) => ahead,
        Err(behind) => behind.duration(),
    };
    assert!(gap < std::time::Duration::from_millis(100), "{gap:?}");
}

#[test]
fn subscribe_on_fifo_and_bad_type_name_are_invalid() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let queue = create(&kernel, pid, QueueKind::Fifo, None);
    assert!(matches!(
        kernel.syscall(pid, Syscall::SubscribeQueue { queue_id: queue }),
        Err(Error::InvalidArgument(_))
    ));
    assert!(QueueKind::from_name("lifo").is_err());
    assert!(Syscall::from_json(r#"{"call":"create_queue","queue_type":"lifo"}"#).is_err());
}

#[test]
fn queue_calls_need_message_capabilities() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("none", CapabilitySet::new());
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::CreateQueue {
                queue_type: QueueKind::Fifo,
                capacity: None
            }
        ),
        Err(Error::PermissionDenied { .. })
    ));
}

#[test]
fn exit_frees_owned_queues_and_subscriptions() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let subscriber = kernel.create_process("sub", ipc_caps());
    let owned = create(&kernel, owner, QueueKind::Fifo, None);
    let topic = create(&kernel, subscriber, QueueKind::PubSub, None);
    kernel
        .syscall(owner, Syscall::SubscribeQueue { queue_id: topic })
        .unwrap();
    send(&kernel, owner, owned, b"pending", None).unwrap();
    kernel.exit(owner).unwrap();
    assert!(kernel.queue_stats(owned).is_err());
    assert_eq!(kernel.queue_stats(topic).unwrap().subscriber_count, 0);
}

#[test]
fn queue_handles_follow_revocation_and_exit() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let queue = create(&kernel, pid, QueueKind::Fifo, None);
    let handle = kernel.open_queue(pid, queue).unwrap();
    assert_eq!(handle.id(), queue);
    handle.send(b"a".to_vec(), 0).unwrap();
    assert_eq!(handle.receive().unwrap().unwrap().data, b"a");
    kernel
        .update_sandbox(
            pid,
            agentos_kernel::SandboxPolicy::from_capabilities(
                CapabilitySet::new().grant(Capability::ReceiveMessage),
            ),
        )
        .unwrap();
    assert!(matches!(
        handle.send(b"b".to_vec(), 0),
        Err(Error::PermissionDenied { .. })
    ));
    assert_eq!(handle.receive().unwrap(), None);
    kernel.exit(pid).unwrap();
    assert_eq!(handle.receive(), Err(Error::NoSuchProcess(pid)));
    assert!(kernel.open_queue(pid, queue).is_err());
}

#[test]
fn global_queue_memory_is_capped_at_one_hundred_megabytes() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("q", ipc_caps());
    let queue = create(&kernel, pid, QueueKind::Fifo, Some(500));
    let mut sent = 0u64;
    let err = loop {
        match kernel.queue_send(pid, queue, vec![0; agentos_kernel::QUEUE_MAX_MESSAGE], 0) {
            Ok(()) => sent += 1,
            Err(err) => break err,
        }
    };
    assert!(
        matches!(&err, Error::LimitExceeded { limit, .. } if *limit == agentos_kernel::QUEUE_GLOBAL_BYTES),
        "{err}"
    );
    assert_eq!(sent, 99);
    assert!(matches!(
        kernel.queue_send(
            pid,
            queue,
            vec![0; agentos_kernel::QUEUE_MAX_MESSAGE + 1],
            0
        ),
        Err(Error::LimitExceeded { .. })
    ));
    // Receiving frees budget for the next send.
    receive(&kernel, pid, queue).unwrap();
    kernel.queue_send(pid, queue, vec![0; 1024], 0).unwrap();
}

#[test]
fn pubsub_send_fails_for_all_when_one_backlog_is_full() {
    let kernel = Kernel::new();
    let owner = kernel.create_process("owner", ipc_caps());
    let slow = kernel.create_process("slow", ipc_caps());
    let fast = kernel.create_process("fast", ipc_caps());
    let topic = create(&kernel, owner, QueueKind::PubSub, Some(2));
    for pid in [slow, fast] {
        kernel
            .syscall(pid, Syscall::SubscribeQueue { queue_id: topic })
            .unwrap();
    }
    send(&kernel, owner, topic, b"1", None).unwrap();
    send(&kernel, owner, topic, b"2", None).unwrap();
    receive(&kernel, fast, topic).unwrap();
    receive(&kernel, fast, topic).unwrap();
    assert!(matches!(
        send(&kernel, owner, topic, b"3", None),
        Err(Error::LimitExceeded { .. })
    ));
    assert_eq!(receive(&kernel, fast, topic), None);
    receive(&kernel, slow, topic).unwrap();
    send(&kernel, owner, topic, b"3", None).unwrap();
    assert_eq!(receive(&kernel, fast, topic).unwrap().data, b"3");
}
