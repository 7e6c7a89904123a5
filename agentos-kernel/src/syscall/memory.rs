//! The memory family (3 calls): kernel-held memory (filesystem data in the kernel's `MemFs`
//! mounts and IPC buffers) overall and per PID, and collection of dead IPC objects.

use crate::{
    access::Caller,
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

/// Kernel-wide memory accounting.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryStats {
    /// The kernel's memory budget in bytes ([`crate::KernelConfig::memory_bytes`]).
    pub total_memory: u64,
    /// Bytes held: the kernel's `MemFs` data plus reserved IPC memory.
    pub used_memory: u64,
    /// `total_memory - used_memory`, floored at 0.
    pub available_memory: u64,
    /// `used_memory / total_memory × 100`.
    pub usage_percentage: f64,
    /// Live IPC objects (pipes, segments, queues).
    pub allocated_blocks: u64,
}

impl Eq for MemoryStats {}

/// Memory one PID holds in IPC objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessMemoryStats {
    /// The PID.
    pub pid: crate::Pid,
    /// Bytes: pipe buffers it writes into, segments and queued messages it owns.
    pub allocated_bytes: u64,
    /// The most `allocated_bytes` seen by a memory call for this PID.
    pub peak_bytes: u64,
    /// Objects counted in `allocated_bytes`.
    pub allocation_count: u64,
}

impl Kernel {
    /// Kernel-wide memory accounting.
    pub fn memory_stats(&self) -> MemoryStats {
        let memfs: u64 = self.inner.memfs.iter().map(|fs| fs.used()).sum();
        let used = memfs + self.inner.ipc.reserved_bytes();
        let total = self.inner.config.memory_bytes;
        MemoryStats {
            total_memory: total,
            used_memory: used,
            available_memory: total.saturating_sub(used),
            usage_percentage: if total == 0 {
                0.0
            } else {
                used as f64 * 100.0 / total as f64
            },
            allocated_blocks: self.inner.ipc.n_objects() as u64,
        }
    }

    pub(crate) fn exec_memory(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        self.require(caller, CapabilityKind::SystemInfo)?;
        match call {
            Syscall::GetMemoryStats => Ok(SyscallOutput::MemoryStats(self.memory_stats())),
            Syscall::GetProcessMemoryStats { target_pid } => {
                if !self.inner.pids.contains(target_pid) {
                    return Err(Error::NoSuchProcess(target_pid));
                }
                let (bytes, count) = self.inner.ipc.usage_of(target_pid);
                let peak = {
                    let mut peaks = self.inner.memory_peaks.lock();
                    let peak = peaks.entry(target_pid).or_insert(0);
                    *peak = (*peak).max(bytes);
                    *peak
                };
                Ok(SyscallOutput::ProcessMemory(crate::ProcessMemoryStats {
                    pid: target_pid,
                    allocated_bytes: bytes,
                    peak_bytes: peak,
                    allocation_count: count,
                }))
            }
            Syscall::TriggerGc { target_pid } => {
                if let Some(target) = target_pid
                    && !self.inner.pids.contains(target)
                {
                    return Err(Error::NoSuchProcess(target));
                }
                Ok(SyscallOutput::Count(
                    self.inner.ipc.collect_garbage(target_pid),
                ))
            }
            other => Err(Error::InvalidArgument(format!(
                "{} is not a memory call",
                other.name()
            ))),
        }
    }
}
