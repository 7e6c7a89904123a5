//! Inter-process communication: pipes, shared memory and message queues, each in its own file,
//! with global budgets and cleanup of everything a PID holds when it exits.

mod budget;
pub(crate) mod pipe;
pub(crate) mod queue;
pub(crate) mod shm;
mod signal;

use std::collections::HashMap;

use crate::{memory::MemoryKind, process::Pid};

/// The kernel's IPC tables.
#[derive(Default)]
pub(crate) struct Ipc {
    pub(crate) pipes: pipe::PipeTable,
    pub(crate) shm: shm::ShmTable,
    pub(crate) queues: queue::QueueTable,
}

impl Ipc {
    /// Frees every pipe, segment, queue and subscription `pid` holds.
    pub(crate) fn cleanup(&self, pid: Pid) {
        self.pipes.cleanup(pid);
        self.shm.cleanup(pid);
        self.queues.cleanup(pid);
    }

    /// Bytes reserved by all IPC objects together.
    pub(crate) fn reserved_bytes(&self) -> u64 {
        self.pipes.reserved_bytes() + self.shm.reserved_bytes() + self.queues.reserved_bytes()
    }

    /// Bytes and objects `pid` holds: pipe capacity it writes into, segments and queues it owns.
    pub(crate) fn usage_of(&self, pid: Pid) -> (u64, u64) {
        let (pipe_bytes, n_pipes) = self.pipes.usage_of(pid);
        let (shm_bytes, n_segments) = self.shm.usage_of(pid);
        let (queue_bytes, n_queues) = self.queues.usage_of(pid);
        (
            pipe_bytes + shm_bytes + queue_bytes,
            n_pipes + n_segments + n_queues,
        )
    }

    /// Bytes and objects every PID holds, by kind: pipe capacity it writes into, segments
    /// and queues it owns.
    pub(crate) fn usage_by_pid(&self) -> HashMap<Pid, Vec<(MemoryKind, u64, u64)>> {
        let mut usage: HashMap<Pid, Vec<(MemoryKind, u64, u64)>> = HashMap::new();
        for (kind, table) in [
            (MemoryKind::Pipe, self.pipes.usage_all()),
            (MemoryKind::SharedMemory, self.shm.usage_all()),
            (MemoryKind::Queue, self.queues.usage_all()),
        ] {
            for (pid, (bytes, objects)) in table {
                usage.entry(pid).or_default().push((kind, bytes, objects));
            }
        }
        usage
    }

    /// Frees closed, drained or unattached objects and returns the bytes freed.
    pub(crate) fn collect_garbage(&self, pid: Option<Pid>) -> u64 {
        self.pipes.collect_garbage(pid)
            + self.shm.collect_garbage(pid)
            + self.queues.collect_garbage(pid)
    }

    /// Number of live IPC objects.
    pub(crate) fn n_objects(&self) -> usize {
        self.pipes.count() + self.shm.count() + self.queues.count()
    }
}
