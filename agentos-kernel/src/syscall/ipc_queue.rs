//! The queue family (8 calls).

use crate::{
    access::Caller,
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

impl Kernel {
    pub(crate) fn exec_queue(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        let queues = &self.inner.ipc.queues;
        let pid = caller.pid;
        let none = |()| SyscallOutput::None;
        match call {
            Syscall::CreateQueue {
                queue_type,
                capacity,
            } => {
                self.require(caller, CapabilityKind::SendMessage)?;
                queues
                    .create(pid, queue_type, capacity)
                    .map(SyscallOutput::QueueId)
            }
            Syscall::SendQueue {
                queue_id,
                data,
                priority,
            } => {
                self.require(caller, CapabilityKind::SendMessage)?;
                queues
                    .send(pid, queue_id, data, priority.unwrap_or(0))
                    .map(none)
            }
            Syscall::ReceiveQueue { queue_id } => {
                self.require(caller, CapabilityKind::ReceiveMessage)?;
                queues.receive(pid, queue_id).map(SyscallOutput::Message)
            }
            Syscall::SubscribeQueue { queue_id } => {
                self.require(caller, CapabilityKind::ReceiveMessage)?;
                queues.subscribe(pid, queue_id).map(none)
            }
            Syscall::UnsubscribeQueue { queue_id } => queues.unsubscribe(pid, queue_id).map(none),
            Syscall::CloseQueue { queue_id } => queues.close(pid, queue_id).map(none),
            Syscall::DestroyQueue { queue_id } => queues.destroy(pid, queue_id).map(none),
            Syscall::QueueStats { queue_id } => {
                queues.stats(queue_id).map(SyscallOutput::QueueStats)
            }
            other => Err(Error::InvalidArgument(format!(
                "{} is not a queue call",
                other.name()
            ))),
        }
    }
}
