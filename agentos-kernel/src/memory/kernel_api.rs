//! The memory calls on [`Kernel`]: `get_memory_stats`, `get_process_memory_stats`,
//! `trigger_gc`, the charge/release hooks for kernel-held memory, and the OOM policy.

use crate::{
    capability::CapabilityKind,
    error::Result,
    kernel::Kernel,
    memory::{MemoryConfig, MemoryKind, MemoryManagerStats, OomEvent, ProcessMemoryUsage},
    process::Pid,
};

impl Kernel {
    /// Kernel-wide memory figures, with every child's resident memory refreshed.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`.
    pub fn get_memory_stats(&self, caller: Pid) -> Result<MemoryManagerStats> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        self.refresh_resident();
        Ok(self.runtime().memory.lock().stats())
    }

    /// `target`'s memory figures.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`; `NoSuchProcess`.
    pub fn get_process_memory_stats(&self, caller: Pid, target: Pid) -> Result<ProcessMemoryUsage> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        self.info_of(target)?;
        Ok(self.process_memory(target))
    }

    /// Reclaims the accounting of terminated processes (only `target`, when given);
    /// returns the bytes freed.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`.
    pub fn trigger_gc(&self, caller: Pid, target: Option<Pid>) -> Result<u64> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        let dead: Vec<Pid> = {
            let records = self.runtime().records.lock();
            let tracked = self.runtime().memory.lock().tracked();
            tracked
                .into_iter()
                .filter(|pid| target.is_none_or(|t| t == *pid))
                .filter(|pid| {
                    records.get(pid).is_none_or(|r| {
                        r.terminated || r.child.as_ref().is_some_and(|c| c.has_exited())
                    })
                })
                .collect()
        };
        let mut memory = self.runtime().memory.lock();
        Ok(dead.into_iter().map(|pid| memory.free_process(pid)).sum())
    }

    /// Charges `bytes` of kernel memory to `pid` (for IPC and filesystem code), then applies
    /// the OOM policy: at critical pressure the largest process is killed and reported. This
    /// is cheap enough for every IPC write: it uses the children's resident memory as last
    /// measured (by [`Kernel::enforce_memory_pressure`] or the memory stats calls).
    pub fn memory_charge(&self, pid: Pid, kind: MemoryKind, bytes: u64) -> Option<OomEvent> {
        let event = {
            let mut memory = self.runtime().memory.lock();
            memory.charge(pid, kind, bytes);
            memory.choose_oom_victim()?
        };
        let _ = self.terminate(event.pid, true);
        Some(event)
    }

    /// Releases `bytes` of kernel memory charged to `pid`; returns what was released.
    pub fn memory_release(&self, pid: Pid, kind: MemoryKind, bytes: u64) -> u64 {
        self.runtime().memory.lock().release(pid, kind, bytes)
    }

    /// Sets the memory budget and OOM policy.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`.
    pub fn configure_memory(&self, caller: Pid, config: MemoryConfig) -> Result<()> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        self.runtime().memory.lock().set_config(config);
        Ok(())
    }

    /// Refreshes every child's resident memory and applies the OOM policy.
    pub fn enforce_memory_pressure(&self) -> Option<OomEvent> {
        self.refresh_resident();
        let event = self.runtime().memory.lock().choose_oom_victim()?;
        let _ = self.terminate(event.pid, true);
        Some(event)
    }
}
