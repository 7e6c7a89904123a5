//! The memory family (3 calls), answered from the memory manager: kernel-held memory
//! (filesystem data in the kernel's `MemFs` mounts, IPC buffers, charges) plus the OS
//! children's resident memory, overall and per PID, and collection of dead IPC objects.

use crate::{
    access::Caller,
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

/// Kernel-wide memory accounting, as the memory manager reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryStats {
    /// The kernel's memory budget in bytes ([`crate::KernelConfig::memory_bytes`], changed by
    /// [`crate::Kernel::configure_memory`]).
    pub total_memory: u64,
    /// Bytes held: the kernel's `MemFs` data, IPC memory, explicit charges and the OS
    /// children's resident memory.
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
    /// Bytes the kernel holds for it: pipe buffers it writes into, segments and queues it
    /// owns, and explicit charges.
    pub allocated_bytes: u64,
    /// The most memory (kernel bytes plus its OS child's resident memory) seen for this PID.
    pub peak_bytes: u64,
    /// Live objects and charges counted in `allocated_bytes`.
    pub allocation_count: u64,
}

impl Kernel {
    /// Kernel-wide memory accounting: the memory manager's figures (see
    /// [`Kernel::get_memory_stats`]) in the reference's shape.
    pub fn memory_stats(&self) -> MemoryStats {
        let stats = self.memory_manager_stats();
        MemoryStats {
            total_memory: stats.total_memory,
            used_memory: stats.used_memory,
            available_memory: stats.available_memory,
            usage_percentage: stats.usage_percentage,
            allocated_blocks: stats.allocated_blocks,
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
                self.sync_kernel_memory();
                let usage = self.process_memory(target_pid);
                Ok(SyscallOutput::ProcessMemory(crate::ProcessMemoryStats {
                    pid: target_pid,
                    allocated_bytes: usage.allocated_bytes,
                    peak_bytes: usage.peak_bytes,
                    allocation_count: usage.allocation_count,
                }))
            }
            Syscall::TriggerGc { target_pid } => {
                if let Some(target) = target_pid
                    && !self.inner.pids.contains(target)
                {
                    return Err(Error::NoSuchProcess(target));
                }
                self.trigger_gc(caller.pid, target_pid)
                    .map(SyscallOutput::Count)
            }
            other => Err(Error::InvalidArgument(format!(
                "{} is not a memory call",
                other.name()
            ))),
        }
    }
}
