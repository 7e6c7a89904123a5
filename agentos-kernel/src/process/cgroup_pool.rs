//! A small pool of empty per-child cgroups: a child's cgroup is reset and kept after the child
//! is gone instead of removed, and the next spawn takes it and rewrites only the limits that
//! differ, so the common spawn makes and removes no cgroup folder at all (in v1 that is one
//! `mkdir` and one `rmdir` per hierarchy, each freeing or allocating per-CPU state).
//!
//! A cgroup is kept only when it is empty and its OOM killer never fired (the OOM counters
//! cannot be reset), so a child never inherits another's processes or counters. Folders left
//! by kernel processes that have exited are removed the first time a process uses the pool;
//! a kernel's idle cgroups are removed when the kernel is dropped.

use std::{
    fs,
    path::Path,
    sync::{Arc, Once, Weak},
};

use parking_lot::Mutex;

use crate::process::cgroup::{Cgroup, CgroupHost, CgroupLimits};

/// Empty cgroups kept for reuse, at most this many per kernel.
const MAX_IDLE: usize = 8;

/// One kernel's idle cgroups; dropping it (with the kernel) removes them.
#[derive(Debug, Default)]
pub(crate) struct CgroupPool {
    idle: Mutex<Vec<Cgroup>>,
}

impl CgroupPool {
    /// A cgroup with `limits` written: a recycled one when the pool has one, else a fresh
    /// one. It comes back to this pool when its child is gone (see [`recycle`]).
    ///
    /// # Errors
    /// The path and OS error of the first folder or limit that could not be written.
    pub(crate) fn checkout(
        self: &Arc<CgroupPool>,
        host: &CgroupHost,
        limits: &CgroupLimits,
    ) -> Result<Cgroup, String> {
        static SWEEP: Once = Once::new();
        SWEEP.call_once(|| sweep(host));
        let recycled = self.idle.lock().pop();
        let mut cgroup = match recycled {
            Some(mut cgroup) => match cgroup.apply_limits(limits) {
                Ok(()) => cgroup,
                Err(_) => {
                    cgroup.remove();
                    host.create(limits)?
                }
            },
            None => host.create(limits)?,
        };
        cgroup.pool = Arc::downgrade(self);
        Ok(cgroup)
    }

    /// How many empty cgroups wait for reuse.
    #[cfg(test)]
    pub(crate) fn idle(&self) -> usize {
        self.idle.lock().len()
    }
}

impl Drop for CgroupPool {
    fn drop(&mut self) {
        for cgroup in self.idle.get_mut().drain(..) {
            cgroup.remove();
        }
    }
}

/// Takes back a child's cgroup once its tree is gone: reset and kept in its kernel's pool
/// when `reusable` (empty, no OOM kill) and the pool has room, removed otherwise (also when
/// the kernel is gone).
pub(crate) fn recycle(cgroup: Cgroup, reusable: bool) {
    let pool: Option<Arc<CgroupPool>> = Weak::upgrade(&cgroup.pool);
    if let (true, Some(pool)) = (reusable && cgroup.is_empty(), pool) {
        cgroup.reset_usage();
        let mut idle = pool.idle.lock();
        if idle.len() < MAX_IDLE {
            idle.push(cgroup);
            return;
        }
    }
    cgroup.remove();
}

/// Removes the (empty) cgroup folders of kernel processes that no longer run.
fn sweep(host: &CgroupHost) {
    for parent in host.parents() {
        let Ok(entries) = fs::read_dir(&parent) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(owner) = name
                .to_str()
                .and_then(|name| name.split_once('-'))
                .and_then(|(pid, _)| pid.parse::<u32>().ok())
            else {
                continue;
            };
            if owner != std::process::id() && !Path::new(&format!("/proc/{owner}")).exists() {
                // A folder still in use elsewhere answers EBUSY and stays.
                let _ = fs::remove_dir(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_childs_cgroup_is_reused_and_removed_with_the_pool() {
        let root = tempfile::tempdir().unwrap();
        let host = CgroupHost::V2 {
            root: root.path().to_path_buf(),
        };
        let pool = Arc::new(CgroupPool::default());
        let limits = CgroupLimits {
            memory_bytes: Some(1 << 20),
            pids: Some(4),
            cpu_percent: None,
            cpu_weight: 100,
        };
        let first = pool.checkout(&host, &limits).unwrap();
        let dir = first.memory_dir().unwrap();
        recycle(first, true);
        assert_eq!(pool.idle(), 1);
        let again = pool.checkout(&host, &limits).unwrap();
        assert_eq!(again.memory_dir().unwrap(), dir);
        assert_eq!(pool.idle(), 0);
        // Not reusable (an OOM kill): removed, not kept.
        recycle(again, false);
        assert_eq!(pool.idle(), 0);
        assert!(!dir.exists());
        let kept = pool.checkout(&host, &limits).unwrap();
        let kept_dir = kept.memory_dir().unwrap();
        recycle(kept, true);
        assert!(kept_dir.exists());
        drop(pool);
        assert!(!kept_dir.exists());
    }
}
