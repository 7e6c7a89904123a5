//! Properties: a pipe behaves like a bounded byte queue model under any sequence of writes,
//! reads and a close; a priority queue delivers like a stable sort by descending priority.

use std::collections::VecDeque;

use agentos_kernel::{Capability, CapabilitySet, Error, Kernel, QueueKind, Syscall, SyscallOutput};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Write(Vec<u8>),
    Read(usize),
    Close,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..40).prop_map(Op::Write),
        4 => (0..50usize).prop_map(Op::Read),
        1 => Just(Op::Close),
    ]
}

fn caps() -> CapabilitySet {
    CapabilitySet::new()
        .grant(Capability::SendMessage)
        .grant(Capability::ReceiveMessage)
}

proptest! {
    #[test]
    fn pipe_matches_a_bounded_queue_model(capacity in 1..64usize, ops in prop::collection::vec(op(), 0..60)) {
        let kernel = Kernel::new();
        let writer = kernel.create_process("w", caps());
        let reader = kernel.create_process("r", caps());
        let Ok(SyscallOutput::PipeId(pipe_id)) = kernel.syscall(
            writer,
            Syscall::CreatePipe { reader_pid: reader, writer_pid: writer, capacity: Some(capacity) },
        ) else {
            panic!("pipe not created")
        };
        let mut model: VecDeque<u8> = VecDeque::new();
        let mut closed = false;
        for op in ops {
            match op {
                Op::Write(data) => {
                    let result = kernel.syscall(writer, Syscall::WritePipe { pipe_id, data: data.clone() });
                    let free = capacity - model.len();
                    if closed {
                        prop_assert!(matches!(result, Err(Error::Closed(_))));
                    } else if data.is_empty() {
                        prop_assert_eq!(result, Ok(SyscallOutput::Count(0)));
                    } else if free == 0 {
                        prop_assert!(matches!(result, Err(Error::WouldBlock(_))));
                    } else {
                        let n = free.min(data.len());
                        prop_assert_eq!(result, Ok(SyscallOutput::Count(n as u64)));
                        model.extend(&data[..n]);
                    }
                }
                Op::Read(size) => {
                    let result = kernel.syscall(reader, Syscall::ReadPipe { pipe_id, size });
                    if model.is_empty() && !closed && size > 0 {
                        prop_assert!(matches!(result, Err(Error::WouldBlock(_))));
                    } else {
                        let n = size.min(model.len());
                        let expected: Vec<u8> = model.drain(..n).collect();
                        prop_assert_eq!(result, Ok(SyscallOutput::Bytes(expected)));
                    }
                }
                Op::Close => {
                    prop_assert_eq!(kernel.syscall(writer, Syscall::ClosePipe { pipe_id }), Ok(SyscallOutput::None));
                    closed = true;
                }
            }
            let stats = kernel.pipe_stats(pipe_id).unwrap();
            prop_assert_eq!(stats.buffered, model.len());
            prop_assert!(stats.buffered <= capacity);
        }
    }

    #[test]
    fn priority_queue_is_a_stable_sort_by_descending_priority(priorities in prop::collection::vec(0..4u8, 0..50)) {
        let kernel = Kernel::new();
        let pid = kernel.create_process("q", caps());
        let Ok(SyscallOutput::QueueId(queue)) = kernel.syscall(
            pid,
            Syscall::CreateQueue { queue_type: QueueKind::Priority, capacity: None },
        ) else {
            panic!("queue not created")
        };
        for (n, priority) in priorities.iter().enumerate() {
            kernel.queue_send(pid, queue, n.to_string().into_bytes(), *priority).unwrap();
        }
        let mut expected: Vec<(u8, usize)> = priorities.iter().copied().zip(0..).collect();
        expected.sort_by_key(|(priority, _)| std::cmp::Reverse(*priority));
        let got: Vec<(u8, usize)> = std::iter::from_fn(|| kernel.queue_receive(pid, queue).unwrap())
            .map(|m| (m.priority, String::from_utf8(m.data).unwrap().parse().unwrap()))
            .collect();
        prop_assert_eq!(got, expected);
    }
}
