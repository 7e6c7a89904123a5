//! Per-PID memory accounting and the choice of an OOM victim.

use std::collections::HashMap;

use crate::{memory::pressure::PressureLevel, process::Pid};

/// Default budget: 1 GiB, as in the reference.
pub(crate) const DEFAULT_TOTAL: u64 = 1024 * 1024 * 1024;

/// Memory manager settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryConfig {
    /// The budget pressure levels are measured against.
    pub total_bytes: u64,
    /// Kill the largest process when pressure turns critical.
    pub oom_kill: bool,
}

impl Default for MemoryConfig {
    fn default() -> MemoryConfig {
        MemoryConfig {
            total_bytes: DEFAULT_TOTAL,
            oom_kill: true,
        }
    }
}

/// What kernel memory a charge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MemoryKind {
    /// Pipe buffers.
    Pipe,
    /// Shared memory segments.
    SharedMemory,
    /// Queued messages.
    Queue,
    /// Bytes in the in-memory filesystem.
    File,
    /// Sockets and anything else.
    Other,
}

/// Kernel-wide memory figures.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryManagerStats {
    /// The configured budget.
    pub total_memory: u64,
    /// Kernel charges plus the children's resident memory.
    pub used_memory: u64,
    /// `total_memory - used_memory`, never negative.
    pub available_memory: u64,
    /// `used / total * 100`.
    pub usage_percentage: f64,
    /// The pressure level.
    pub pressure: PressureLevel,
    /// PIDs with a charge or a child.
    pub tracked_processes: usize,
    /// Live kernel objects holding memory (pipes, segments, queues).
    pub allocated_blocks: u64,
    /// OOM kills so far.
    pub oom_kills: u64,
}

/// One PID's memory figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessMemoryUsage {
    /// The PID.
    pub pid: Pid,
    /// Bytes the kernel holds for it (charges plus its pipes, shm segments and queues).
    pub allocated_bytes: u64,
    /// Resident memory of its OS child (0 without one).
    pub os_resident_bytes: u64,
    /// Highest `allocated_bytes + os_resident_bytes` seen.
    pub peak_bytes: u64,
    /// Charges made plus live kernel objects it holds.
    pub allocation_count: u64,
    /// Kernel bytes by kind.
    pub by_kind: Vec<(MemoryKind, u64)>,
}

/// What the OOM policy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OomEvent {
    /// The PID that was killed.
    pub pid: Pid,
    /// Its bytes (kernel + resident) when chosen.
    pub bytes: u64,
    /// Kernel-wide usage when it was chosen.
    pub used_before: u64,
}

#[derive(Debug, Clone, Default)]
struct PidMemory {
    /// Explicit charges ([`MemoryManager::charge`]).
    by_kind: HashMap<MemoryKind, u64>,
    /// Bytes and objects the kernel's IPC tables hold for the PID, as last synced.
    held: HashMap<MemoryKind, (u64, u64)>,
    os_resident: u64,
    peak: u64,
    allocations: u64,
}

impl PidMemory {
    fn kernel_bytes(&self) -> u64 {
        let charged = self
            .by_kind
            .values()
            .fold(0u64, |sum, bytes| sum.saturating_add(*bytes));
        self.held
            .values()
            .fold(charged, |sum, (bytes, _)| sum.saturating_add(*bytes))
    }

    fn objects(&self) -> u64 {
        self.held.values().map(|(_, objects)| *objects).sum()
    }

    fn total(&self) -> u64 {
        self.kernel_bytes().saturating_add(self.os_resident)
    }
}

/// Accounting for every PID.
#[derive(Debug, Default)]
pub struct MemoryManager {
    config: MemoryConfig,
    per_pid: HashMap<Pid, PidMemory>,
    /// Memory the kernel holds for no single PID (the in-memory filesystem's data).
    kernel_wide: HashMap<MemoryKind, u64>,
    oom_kills: u64,
}

impl MemoryManager {
    /// An empty manager with `config`.
    pub fn new(config: MemoryConfig) -> MemoryManager {
        MemoryManager {
            config,
            per_pid: HashMap::new(),
            kernel_wide: HashMap::new(),
            oom_kills: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> MemoryConfig {
        self.config
    }

    /// Replaces the settings; what is held stays accounted.
    pub fn set_config(&mut self, config: MemoryConfig) {
        self.config = config;
    }

    /// Records `bytes` of `kind` held for `pid`.
    pub fn charge(&mut self, pid: Pid, kind: MemoryKind, bytes: u64) {
        let entry = self.per_pid.entry(pid).or_default();
        let held = entry.by_kind.entry(kind).or_default();
        *held = held.saturating_add(bytes);
        entry.allocations = entry.allocations.saturating_add(1);
        entry.peak = entry.peak.max(entry.total());
    }

    /// Releases up to `bytes` of `kind` held for `pid`; returns what was released.
    pub fn release(&mut self, pid: Pid, kind: MemoryKind, bytes: u64) -> u64 {
        let Some(entry) = self.per_pid.get_mut(&pid) else {
            return 0;
        };
        let held = entry.by_kind.entry(kind).or_default();
        let released = bytes.min(*held);
        *held -= released;
        released
    }

    /// Sets the resident memory of `pid`'s OS child.
    pub fn set_os_resident(&mut self, pid: Pid, bytes: u64) {
        let entry = self.per_pid.entry(pid).or_default();
        entry.os_resident = bytes;
        entry.peak = entry.peak.max(entry.total());
    }

    /// Replaces what the kernel's IPC tables hold per PID (`(kind, bytes, objects)` each);
    /// PIDs not listed hold nothing there any more.
    pub fn sync_held(&mut self, usage: HashMap<Pid, Vec<(MemoryKind, u64, u64)>>) {
        for entry in self.per_pid.values_mut() {
            entry.held.clear();
        }
        for (pid, kinds) in usage {
            let entry = self.per_pid.entry(pid).or_default();
            for (kind, bytes, objects) in kinds {
                entry.held.insert(kind, (bytes, objects));
            }
            entry.peak = entry.peak.max(entry.total());
        }
    }

    /// Sets the bytes of `kind` the kernel holds for no single PID.
    pub fn set_kernel_wide(&mut self, kind: MemoryKind, bytes: u64) {
        self.kernel_wide.insert(kind, bytes);
    }

    /// Drops everything held for `pid`; returns the bytes freed.
    pub fn free_process(&mut self, pid: Pid) -> u64 {
        self.per_pid.remove(&pid).map_or(0, |entry| entry.total())
    }

    /// Kernel charges and holdings plus resident memory of every PID, plus what the kernel
    /// holds for no single PID.
    pub fn used(&self) -> u64 {
        let shared = self
            .kernel_wide
            .values()
            .fold(0u64, |sum, bytes| sum.saturating_add(*bytes));
        self.per_pid
            .values()
            .fold(shared, |sum, entry| sum.saturating_add(entry.total()))
    }

    /// The pressure level now.
    pub fn pressure(&self) -> PressureLevel {
        PressureLevel::of(self.used(), self.config.total_bytes)
    }

    /// When pressure is critical and the OOM policy is on: the PID holding the most memory
    /// (ties go to the newest PID), recorded as an OOM kill. The caller terminates it.
    pub fn choose_oom_victim(&mut self) -> Option<OomEvent> {
        if !self.config.oom_kill || self.pressure() < PressureLevel::Critical {
            return None;
        }
        let used_before = self.used();
        let (pid, bytes) = self
            .per_pid
            .iter()
            .map(|(pid, entry)| (*pid, entry.total()))
            .filter(|(_, bytes)| *bytes > 0)
            .max_by_key(|(pid, bytes)| (*bytes, *pid))?;
        self.oom_kills += 1;
        Some(OomEvent {
            pid,
            bytes,
            used_before,
        })
    }

    /// Kernel-wide figures.
    pub fn stats(&self) -> MemoryManagerStats {
        let total = self.config.total_bytes;
        let used = self.used();
        MemoryManagerStats {
            total_memory: total,
            used_memory: used,
            available_memory: total.saturating_sub(used),
            usage_percentage: if total == 0 {
                100.0
            } else {
                used as f64 * 100.0 / total as f64
            },
            pressure: self.pressure(),
            tracked_processes: self.per_pid.len(),
            allocated_blocks: self.per_pid.values().map(PidMemory::objects).sum(),
            oom_kills: self.oom_kills,
        }
    }

    /// One PID's figures (zeros when nothing is held for it).
    pub fn process_stats(&self, pid: Pid) -> ProcessMemoryUsage {
        let entry = self.per_pid.get(&pid).cloned().unwrap_or_default();
        let mut totals: HashMap<MemoryKind, u64> = entry.by_kind.clone();
        for (kind, (bytes, _)) in &entry.held {
            let total = totals.entry(*kind).or_default();
            *total = total.saturating_add(*bytes);
        }
        let mut by_kind: Vec<(MemoryKind, u64)> =
            totals.into_iter().filter(|(_, v)| *v > 0).collect();
        by_kind.sort();
        ProcessMemoryUsage {
            pid,
            allocated_bytes: entry.kernel_bytes(),
            os_resident_bytes: entry.os_resident,
            peak_bytes: entry.peak,
            allocation_count: entry.allocations.saturating_add(entry.objects()),
            by_kind,
        }
    }

    /// PIDs with an entry.
    pub fn tracked(&self) -> Vec<Pid> {
        self.per_pid.keys().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn manager(total: u64) -> MemoryManager {
        MemoryManager::new(MemoryConfig {
            total_bytes: total,
            oom_kill: true,
        })
    }

    #[test]
    fn charges_add_up_and_free_returns_everything() {
        let mut m = manager(1000);
        m.charge(Pid(1), MemoryKind::Pipe, 100);
        m.charge(Pid(1), MemoryKind::Queue, 50);
        m.set_os_resident(Pid(1), 200);
        m.charge(Pid(2), MemoryKind::File, 10);
        assert_eq!(m.used(), 360);
        let stats = m.process_stats(Pid(1));
        assert_eq!(stats.allocated_bytes, 150);
        assert_eq!(stats.os_resident_bytes, 200);
        assert_eq!(stats.peak_bytes, 350);
        assert_eq!(stats.allocation_count, 2);
        assert_eq!(m.release(Pid(1), MemoryKind::Pipe, 500), 100);
        assert_eq!(m.free_process(Pid(1)), 250);
        assert_eq!(m.used(), 10);
        assert_eq!(m.free_process(Pid(1)), 0);
    }

    #[test]
    fn oom_victim_is_the_largest_only_when_critical() {
        let mut m = manager(1000);
        m.charge(Pid(1), MemoryKind::Pipe, 300);
        m.charge(Pid(2), MemoryKind::SharedMemory, 600);
        assert_eq!(m.pressure(), PressureLevel::High);
        assert_eq!(m.choose_oom_victim(), None);
        m.set_os_resident(Pid(3), 60);
        assert_eq!(m.pressure(), PressureLevel::Critical);
        let event = m.choose_oom_victim().unwrap();
        assert_eq!(
            event,
            OomEvent {
                pid: Pid(2),
                bytes: 600,
                used_before: 960
            }
        );
        assert_eq!(m.stats().oom_kills, 1);
    }

    #[test]
    fn huge_charges_saturate_instead_of_overflowing() {
        let mut m = manager(u64::MAX);
        m.charge(Pid(1), MemoryKind::Pipe, u64::MAX);
        m.charge(Pid(1), MemoryKind::Pipe, u64::MAX);
        m.charge(Pid(2), MemoryKind::File, u64::MAX);
        m.set_os_resident(Pid(1), u64::MAX);
        assert_eq!(m.used(), u64::MAX);
        assert_eq!(m.pressure(), PressureLevel::Critical);
    }

    #[test]
    fn synced_holdings_replace_the_last_sync_and_add_to_charges() {
        let mut m = manager(10_000);
        m.charge(Pid(1), MemoryKind::Pipe, 100);
        let mut usage = HashMap::new();
        usage.insert(
            Pid(1),
            vec![(MemoryKind::Pipe, 64, 1), (MemoryKind::Queue, 16, 2)],
        );
        usage.insert(Pid(2), vec![(MemoryKind::SharedMemory, 500, 1)]);
        m.sync_held(usage);
        m.set_kernel_wide(MemoryKind::File, 1000);
        assert_eq!(m.used(), 100 + 64 + 16 + 500 + 1000);
        let one = m.process_stats(Pid(1));
        assert_eq!(one.allocated_bytes, 180);
        assert_eq!(one.allocation_count, 1 + 3);
        assert_eq!(
            one.by_kind,
            vec![(MemoryKind::Pipe, 164), (MemoryKind::Queue, 16)]
        );
        assert_eq!(m.stats().allocated_blocks, 4);
        // The next sync replaces the holdings; charges stay.
        m.sync_held(HashMap::new());
        assert_eq!(m.used(), 1100);
        assert_eq!(m.process_stats(Pid(1)).peak_bytes, 180);
    }

    #[test]
    fn oom_policy_can_be_turned_off() {
        let mut m = MemoryManager::new(MemoryConfig {
            total_bytes: 10,
            oom_kill: false,
        });
        m.charge(Pid(1), MemoryKind::Other, 10);
        assert_eq!(m.choose_oom_victim(), None);
        assert_eq!(m.stats().available_memory, 0);
    }

    proptest! {
        #[test]
        fn used_is_the_sum_of_what_is_held(ops in proptest::collection::vec((0u8..3, 1u32..5, 0u64..1000), 0..60)) {
            let mut m = manager(1 << 40);
            let mut model: HashMap<u32, u64> = HashMap::new();
            for (op, pid, bytes) in ops {
                match op {
                    0 => { m.charge(Pid(pid), MemoryKind::Pipe, bytes); *model.entry(pid).or_default() += bytes; }
                    1 => { let released = m.release(Pid(pid), MemoryKind::Pipe, bytes); let held = model.entry(pid).or_default(); prop_assert_eq!(released, bytes.min(*held)); *held -= released; }
                    _ => { let freed = m.free_process(Pid(pid)); prop_assert_eq!(freed, model.remove(&pid).unwrap_or(0)); }
                }
                prop_assert_eq!(m.used(), model.values().sum::<u64>());
            }
        }
    }
}
