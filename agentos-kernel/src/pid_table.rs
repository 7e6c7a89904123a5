//! The table of live PIDs and each PID's own state: sandbox policy, working directory,
//! environment and descriptor table.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU32, Ordering},
    },
};

use parking_lot::{Mutex, RwLock};

use crate::{
    capability::CapabilityKind,
    error::{Error, Result},
    fd::FdTable,
    id_hash::IdMap,
    path::VfsPath,
    process::Pid,
    sandbox::SandboxPolicy,
};

/// Everything the kernel keeps for one PID.
pub(crate) struct PidEntry {
    pub(crate) name: String,
    /// False once the PID exited; handles opened by it stop working.
    pub(crate) alive: AtomicBool,
    /// Bit `kind as u32` is set for every capability kind the policy holds.
    pub(crate) kinds: AtomicU32,
    pub(crate) policy: RwLock<Arc<SandboxPolicy>>,
    pub(crate) state: Mutex<PidState>,
}

/// The mutable, per-PID part: never shared between PIDs.
pub(crate) struct PidState {
    pub(crate) cwd: VfsPath,
    pub(crate) env: BTreeMap<String, String>,
    pub(crate) fds: FdTable,
}

impl PidEntry {
    pub(crate) fn policy(&self) -> Arc<SandboxPolicy> {
        self.policy.read().clone()
    }

    /// Replaces the policy and the capability-kind mask together.
    pub(crate) fn set_policy(&self, policy: SandboxPolicy) {
        let mut current = self.policy.write();
        self.kinds.store(kind_mask(&policy), Ordering::Release);
        *current = Arc::new(policy);
    }

    /// True while the PID lives and holds a capability of `kind` (any scope). Two atomic loads.
    pub(crate) fn holds(&self, kind: CapabilityKind) -> bool {
        self.alive.load(Ordering::Acquire)
            && self.kinds.load(Ordering::Acquire) & (1 << kind as u32) != 0
    }
}

/// PID allocation and lookup.
pub(crate) struct PidTable {
    next: AtomicU32,
    entries: RwLock<IdMap<Pid, Arc<PidEntry>>>,
}

impl Default for PidTable {
    fn default() -> PidTable {
        PidTable {
            next: AtomicU32::new(1),
            entries: RwLock::new(IdMap::default()),
        }
    }
}

impl PidTable {
    pub(crate) fn insert(&self, name: &str, policy: SandboxPolicy) -> Pid {
        let pid = Pid(self.next.fetch_add(1, Ordering::Relaxed));
        let entry = PidEntry {
            name: name.to_owned(),
            alive: AtomicBool::new(true),
            kinds: AtomicU32::new(kind_mask(&policy)),
            policy: RwLock::new(Arc::new(policy)),
            state: Mutex::new(PidState {
                cwd: VfsPath::root(),
                env: BTreeMap::new(),
                fds: FdTable::default(),
            }),
        };
        self.entries.write().insert(pid, Arc::new(entry));
        pid
    }

    pub(crate) fn get(&self, pid: Pid) -> Result<Arc<PidEntry>> {
        self.entries
            .read()
            .get(&pid)
            .cloned()
            .ok_or(Error::NoSuchProcess(pid))
    }

    /// Runs `f` on the entry without cloning its `Arc`: the syscall fast path.
    pub(crate) fn with<T>(&self, pid: Pid, f: impl FnOnce(&PidEntry) -> T) -> Result<T> {
        let entries = self.entries.read();
        let entry = entries.get(&pid).ok_or(Error::NoSuchProcess(pid))?;
        Ok(f(entry))
    }

    pub(crate) fn remove(&self, pid: Pid) -> Result<Arc<PidEntry>> {
        self.entries
            .write()
            .remove(&pid)
            .ok_or(Error::NoSuchProcess(pid))
    }

    pub(crate) fn contains(&self, pid: Pid) -> bool {
        self.entries.read().contains_key(&pid)
    }

    pub(crate) fn pids(&self) -> Vec<Pid> {
        let mut pids: Vec<Pid> = self.entries.read().keys().copied().collect();
        pids.sort();
        pids
    }
}

fn kind_mask(policy: &SandboxPolicy) -> u32 {
    policy
        .capabilities
        .iter()
        .fold(0, |mask, capability| mask | 1 << capability.kind() as u32)
}
