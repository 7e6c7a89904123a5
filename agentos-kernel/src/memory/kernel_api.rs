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
        Ok(self.memory_manager_stats())
    }

    /// The memory manager's kernel-wide figures, brought up to date: what the IPC tables
    /// and in-memory filesystems hold now and every child's resident memory.
    pub(crate) fn memory_manager_stats(&self) -> MemoryManagerStats {
        self.sync_kernel_memory();
        self.refresh_resident();
        self.runtime().memory.lock().stats()
    }

    /// Copies what the kernel holds into the manager, the one account every memory figure
    /// comes from: each PID's pipes, segments and queues, the in-memory filesystems' data, and
    /// IPC memory reserved for no live owner.
    pub(crate) fn sync_kernel_memory(&self) {
        let usage = self.inner.ipc.usage_by_pid();
        let attributed: u64 = usage.values().flatten().map(|(_, bytes, _)| *bytes).sum();
        let unattributed = self.inner.ipc.reserved_bytes().saturating_sub(attributed);
        let files: u64 = self.inner.memfs.iter().map(|fs| fs.used()).sum();
        let mut memory = self.runtime().memory.lock();
        memory.sync_held(usage);
        memory.set_kernel_wide(MemoryKind::File, files);
        memory.set_kernel_wide(MemoryKind::Other, unattributed);
    }

    /// `target`'s memory figures.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`; `NoSuchProcess`.
    pub fn get_process_memory_stats(&self, caller: Pid, target: Pid) -> Result<ProcessMemoryUsage> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        self.info_of(target)?;
        self.sync_kernel_memory();
        Ok(self.process_memory(target))
    }

    /// Frees closed, drained or unattached IPC objects and reclaims the accounting of
    /// terminated processes (only `target`'s, when given); returns the bytes freed.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`.
    pub fn trigger_gc(&self, caller: Pid, target: Option<Pid>) -> Result<u64> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        let ipc_freed = self.inner.ipc.collect_garbage(target);
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
        let accounting_freed: u64 = {
            let mut memory = self.runtime().memory.lock();
            dead.into_iter().map(|pid| memory.free_process(pid)).sum()
        };
        self.sync_kernel_memory();
        Ok(ipc_freed.saturating_add(accounting_freed))
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
