//! The pipe family (6 calls).

use crate::{
    access::Caller,
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

impl Kernel {
    pub(crate) fn exec_pipe(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        let pipes = &self.inner.ipc.pipes;
        let pid = caller.pid;
        match call {
            Syscall::CreatePipe {
                reader_pid,
                writer_pid,
                capacity,
            } => {
                self.require(caller, CapabilityKind::SendMessage)?;
                for endpoint in [reader_pid, writer_pid] {
                    if !self.inner.pids.contains(endpoint) {
                        return Err(Error::NoSuchProcess(endpoint));
                    }
                }
                // The buffer counts against the writer's memory limit.
                let writer = self.inner.pids.get(writer_pid)?;
                let limit = writer.policy().limits.max_memory_bytes;
                let wanted = self.inner.ipc.usage_of(writer_pid).0.saturating_add(
                    capacity
                        .unwrap_or(crate::PIPE_DEFAULT_CAPACITY)
                        .min(crate::PIPE_MAX_CAPACITY) as u64,
                );
                if wanted > limit {
                    return Err(Error::LimitExceeded {
                        what: format!("memory bytes of pid {writer_pid}"),
                        used: wanted,
                        limit,
                    });
                }
                pipes
                    .create(reader_pid, writer_pid, capacity)
                    .map(SyscallOutput::PipeId)
            }
            Syscall::WritePipe { pipe_id, data } => {
                self.require(caller, CapabilityKind::SendMessage)?;
                pipes
                    .write(pid, pipe_id, &data)
                    .map(|n| SyscallOutput::Count(n as u64))
            }
            Syscall::ReadPipe { pipe_id, size } => {
                self.require(caller, CapabilityKind::ReceiveMessage)?;
                pipes.read(pid, pipe_id, size).map(SyscallOutput::Bytes)
            }
            Syscall::ClosePipe { pipe_id } => {
                pipes.close(pid, pipe_id).map(|()| SyscallOutput::None)
            }
            Syscall::DestroyPipe { pipe_id } => {
                pipes.destroy(pid, pipe_id).map(|()| SyscallOutput::None)
            }
            Syscall::PipeStats { pipe_id } => pipes.stats(pipe_id).map(SyscallOutput::PipeStats),
            other => Err(Error::InvalidArgument(format!(
                "{} is not a pipe call",
                other.name()
            ))),
        }
    }
}
