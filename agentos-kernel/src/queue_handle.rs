//! [`QueueHandle`]: an open queue of one PID, looked up once, re-checked cheaply on each call.

use std::sync::{Arc, atomic::Ordering};

use crate::{
    capability::CapabilityKind,
    error::{Error, Result},
    ipc::queue::{Queue, QueueId, QueueMessage},
    kernel::Kernel,
    pid_table::PidEntry,
    process::Pid,
};

/// An open queue of one PID, from [`Kernel::open_queue`].
pub struct QueueHandle {
    kernel: Kernel,
    pid: Pid,
    entry: Arc<PidEntry>,
    queue: Arc<Queue>,
}

impl std::fmt::Debug for QueueHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueHandle")
            .field("pid", &self.pid)
            .field("queue", &self.queue.id)
            .finish()
    }
}

impl QueueHandle {
    pub(crate) fn new(
        kernel: Kernel,
        pid: Pid,
        entry: Arc<PidEntry>,
        queue: Arc<Queue>,
    ) -> QueueHandle {
        QueueHandle {
            kernel,
            pid,
            entry,
            queue,
        }
    }

    fn require(&self, kind: CapabilityKind) -> Result<()> {
        if self.entry.holds(kind) {
            Ok(())
        } else if !self.entry.alive.load(Ordering::Acquire) {
            Err(Error::NoSuchProcess(self.pid))
        } else {
            Err(Error::PermissionDenied {
                pid: self.pid,
                capability: kind,
                path: "-".into(),
            })
        }
    }

    /// The queue's id.
    pub fn id(&self) -> QueueId {
        self.queue.id
    }

    /// Sends `data` with `priority`, as the `send_queue` syscall.
    ///
    /// # Errors
    /// As the `send_queue` syscall; `NoSuchProcess` once the PID exited.
    ///
    /// # Capabilities
    /// `SendMessage`.
    pub fn send(&self, data: Vec<u8>, priority: u8) -> Result<()> {
        self.require(CapabilityKind::SendMessage)?;
        self.kernel
            .inner
            .ipc
            .queues
            .send_on(&self.queue, self.pid, data, priority)
    }

    /// Takes the next message, `None` when none waits, as the `receive_queue` syscall.
    ///
    /// # Errors
    /// As the `receive_queue` syscall; `NoSuchProcess` once the PID exited.
    ///
    /// # Capabilities
    /// `ReceiveMessage`.
    pub fn receive(&self) -> Result<Option<QueueMessage>> {
        self.require(CapabilityKind::ReceiveMessage)?;
        self.kernel
            .inner
            .ipc
            .queues
            .receive_on(&self.queue, self.pid)
    }

    /// Waits for the next message.
    ///
    /// # Errors
    /// As [`QueueHandle::receive`], plus `Closed` once a closed queue is drained and
    /// `NotFound` when it is destroyed.
    ///
    /// # Capabilities
    /// `ReceiveMessage`.
    pub async fn receive_async(&self) -> Result<QueueMessage> {
        self.require(CapabilityKind::ReceiveMessage)?;
        self.kernel
            .inner
            .ipc
            .queues
            .receive_async_on(&self.queue, self.pid)
            .await
    }
}
