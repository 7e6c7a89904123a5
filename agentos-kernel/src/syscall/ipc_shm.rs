//! The shared memory family (7 calls).

use crate::{
    access::Caller,
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

impl Kernel {
    pub(crate) fn exec_shm(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        let shm = &self.inner.ipc.shm;
        let pid = caller.pid;
        match call {
            Syscall::CreateShm { size } => {
                self.require(caller, CapabilityKind::SendMessage)?;
                let held = self.inner.ipc.usage_of(pid).0;
                let limit = caller.policy.limits.max_memory_bytes;
                if held.saturating_add(size as u64) > limit {
                    return Err(Error::LimitExceeded {
                        what: format!("memory bytes of pid {pid}"),
                        used: held.saturating_add(size as u64),
                        limit,
                    });
                }
                shm.create(pid, size).map(SyscallOutput::ShmId)
            }
            Syscall::AttachShm {
                segment_id,
                read_only,
            } => {
                self.require(caller, CapabilityKind::ReceiveMessage)?;
                shm.attach(pid, segment_id, read_only)
                    .map(|()| SyscallOutput::None)
            }
            Syscall::DetachShm { segment_id } => {
                shm.detach(pid, segment_id).map(|()| SyscallOutput::None)
            }
            Syscall::WriteShm {
                segment_id,
                offset,
                data,
            } => {
                self.require(caller, CapabilityKind::SendMessage)?;
                shm.write(pid, segment_id, offset, &data)
                    .map(|()| SyscallOutput::None)
            }
            Syscall::ReadShm {
                segment_id,
                offset,
                size,
            } => {
                self.require(caller, CapabilityKind::ReceiveMessage)?;
                shm.read(pid, segment_id, offset, size)
                    .map(|bytes| SyscallOutput::Bytes(bytes.to_vec()))
            }
            Syscall::DestroyShm { segment_id } => {
                shm.destroy(pid, segment_id).map(|()| SyscallOutput::None)
            }
            Syscall::ShmStats { segment_id } => shm.stats(segment_id).map(SyscallOutput::ShmStats),
            other => Err(Error::InvalidArgument(format!(
                "{} is not a shared memory call",
                other.name()
            ))),
        }
    }
}
