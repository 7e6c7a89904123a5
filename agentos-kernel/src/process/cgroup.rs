//! A small hand-written cgroupfs layer: find the memory, pids and cpu controllers (cgroup v2,
//! v1, or a hybrid of both), make one cgroup per child, write its limits, read its usage and
//! OOM count, and remove it. Plain file writes only; no D-Bus, no systemd.

use std::{
    fs,
    io::Write,
    os::fd::OwnedFd,
    path::{Path, PathBuf},
    sync::{
        Weak,
        atomic::{AtomicU64, Ordering},
    },
};

use crate::process::cgroup_pool::CgroupPool;

/// The controllers the kernel uses.
pub(crate) const CONTROLLERS: [&str; 3] = ["memory", "pids", "cpu"];

/// The folder (under each hierarchy) that holds the kernel's cgroups.
const PARENT: &str = "agentos";

/// Limits written into a child's cgroup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CgroupLimits {
    pub(crate) memory_bytes: Option<u64>,
    pub(crate) pids: Option<u64>,
    pub(crate) cpu_percent: Option<u32>,
    /// CPU weight on the v2 scale (1–10000, default 100).
    pub(crate) cpu_weight: u32,
}

/// Where the controllers live on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CgroupHost {
    /// A unified hierarchy that has every controller we need.
    V2 { root: PathBuf },
    /// Legacy hierarchies, one folder per controller (memory, pids, cpu), when present.
    V1 {
        mounts: Vec<(&'static str, PathBuf)>,
    },
    /// No usable controller; the reason says why.
    Unavailable { reason: String },
}

impl CgroupHost {
    /// Detects the host's layout from `/proc/self/mountinfo`.
    pub(crate) fn detect() -> CgroupHost {
        match fs::read_to_string("/proc/self/mountinfo") {
            Ok(text) => CgroupHost::from_mountinfo(&text, |path| {
                fs::read_to_string(path.join("cgroup.controllers")).ok()
            }),
            Err(err) => CgroupHost::Unavailable {
                reason: format!("/proc/self/mountinfo: {err}"),
            },
        }
    }

    /// Picks v2 when its root offers memory, pids and cpu, else v1 per controller.
    /// `controllers_of` reads `cgroup.controllers` of a v2 mount.
    pub(crate) fn from_mountinfo(
        text: &str,
        controllers_of: impl Fn(&Path) -> Option<String>,
    ) -> CgroupHost {
        let mut v1 = Vec::new();
        let mut v2_roots = Vec::new();
        for line in text.lines() {
            let Some((left, right)) = line.split_once(" - ") else {
                continue;
            };
            let Some(mount_point) = left.split(' ').nth(4) else {
                continue;
            };
            let mut right = right.split(' ');
            let fstype = right.next().unwrap_or_default();
            let super_options = right.nth(1).unwrap_or_default();
            match fstype {
                "cgroup2" => v2_roots.push(PathBuf::from(mount_point)),
                "cgroup" => {
                    for controller in CONTROLLERS {
                        if super_options.split(',').any(|option| option == controller)
                            && !v1.iter().any(|(name, _)| *name == controller)
                        {
                            v1.push((controller, PathBuf::from(mount_point)));
                        }
                    }
                }
                _ => {}
            }
        }
        for root in v2_roots {
            let controllers = controllers_of(&root).unwrap_or_default();
            let has = |name: &str| controllers.split_whitespace().any(|c| c == name);
            if CONTROLLERS.iter().all(|name| has(name)) {
                return CgroupHost::V2 { root };
            }
        }
        if v1.is_empty() {
            CgroupHost::Unavailable {
                reason: "no cgroup hierarchy offers memory, pids or cpu".into(),
            }
        } else {
            CgroupHost::V1 { mounts: v1 }
        }
    }

    /// Makes a fresh cgroup for one child and writes `limits` into it.
    ///
    /// # Errors
    /// The path and OS error of the first write that failed (after removing what was made).
    pub(crate) fn create(&self, limits: &CgroupLimits) -> Result<Cgroup, String> {
        let mut cgroup = self.make()?;
        if let Err(err) = cgroup.apply_limits(limits) {
            cgroup.remove();
            return Err(err);
        }
        Ok(cgroup)
    }

    /// Makes the folders of a fresh cgroup, with no limit written yet.
    ///
    /// # Errors
    /// The path and OS error of the first folder that could not be made.
    pub(crate) fn make(&self) -> Result<Cgroup, String> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let name = format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        match self {
            CgroupHost::V2 { root } => {
                let parent = root.join(PARENT);
                make_dir(&parent)?;
                write(&root.join("cgroup.subtree_control"), "+memory +pids +cpu")?;
                write(&parent.join("cgroup.subtree_control"), "+memory +pids +cpu")?;
                let dir = parent.join(&name);
                make_dir(&dir)?;
                Ok(Cgroup::new(2, vec![("all", dir)]))
            }
            CgroupHost::V1 { mounts } => {
                let mut dirs = Vec::new();
                for (controller, mount) in mounts {
                    let made = make_dir(&mount.join(PARENT)).and_then(|()| {
                        let dir = mount.join(PARENT).join(&name);
                        make_dir(&dir).map(|()| dir)
                    });
                    match made {
                        Ok(dir) => dirs.push((*controller, dir)),
                        Err(err) => {
                            Cgroup::new(1, dirs).remove();
                            return Err(err);
                        }
                    }
                }
                Ok(Cgroup::new(1, dirs))
            }
            CgroupHost::Unavailable { reason } => Err(reason.clone()),
        }
    }

    /// The folders under which this host's cgroups are made (one per hierarchy).
    pub(crate) fn parents(&self) -> Vec<PathBuf> {
        match self {
            CgroupHost::V2 { root } => vec![root.join(PARENT)],
            CgroupHost::V1 { mounts } => mounts.iter().map(|(_, m)| m.join(PARENT)).collect(),
            CgroupHost::Unavailable { .. } => Vec::new(),
        }
    }

    /// The controllers that will be enforced, for the report.
    pub(crate) fn describe(&self) -> String {
        match self {
            CgroupHost::V2 { root } => format!("v2 at {}", root.display()),
            CgroupHost::V1 { mounts } => {
                let names: Vec<&str> = mounts.iter().map(|(name, _)| *name).collect();
                format!("v1 ({})", names.join(", "))
            }
            CgroupHost::Unavailable { reason } => reason.clone(),
        }
    }
}

/// Memory still charged to a finished child's cgroup above which it is reclaimed before
/// the cgroup is reused.
pub(crate) const RECLAIM_ABOVE: u64 = 1 << 20;

/// The CPU weight the hierarchies give a cgroup by default (v2 scale).
pub(crate) const DEFAULT_CPU_WEIGHT: u32 = 100;

/// One child's cgroup (one folder in v2, one per controller in v1).
#[derive(Debug)]
pub(crate) struct Cgroup {
    version: u8,
    dirs: Vec<(&'static str, PathBuf)>,
    /// The limits written last (`None`: a fresh cgroup, every limit at its default).
    applied: Option<CgroupLimits>,
    /// In v1, whether the child joins the cpu folder: only when it has a CPU quota or a
    /// non-default weight, since a cpu cgroup costs every spawn scheduler setup (see
    /// the kernel section of BENCHMARKS.md) and with neither it would change nothing.
    joins_cpu: bool,
    /// The pool it returns to when its child is gone (none: removed then).
    pub(crate) pool: Weak<CgroupPool>,
}

impl Cgroup {
    fn new(version: u8, dirs: Vec<(&'static str, PathBuf)>) -> Cgroup {
        Cgroup {
            version,
            dirs,
            applied: None,
            joins_cpu: version == 2,
            pool: Weak::new(),
        }
    }

    fn dir(&self, controller: &str) -> Option<&Path> {
        self.dirs
            .iter()
            .find(|(name, _)| *name == "all" || *name == controller)
            .map(|(_, dir)| dir.as_path())
    }

    /// The folder holding the memory controller's files.
    #[cfg(test)]
    pub(crate) fn memory_dir(&self) -> Option<PathBuf> {
        self.dir("memory").map(Path::to_path_buf)
    }

    /// True when the child's processes join the cpu folder (always in v2).
    pub(crate) fn joins_cpu(&self) -> bool {
        self.joins_cpu
    }

    /// The folders the child's processes are members of.
    fn joined(&self) -> impl Iterator<Item = &Path> {
        self.dirs
            .iter()
            .filter(|(name, _)| self.version == 2 || *name != "cpu" || self.joins_cpu)
            .map(|(_, dir)| dir.as_path())
    }

    /// Writes `limits`, only what differs from the limits written before (a recycled cgroup
    /// gets its old limits replaced, unset ones back to unlimited).
    ///
    /// # Errors
    /// The path and OS error of the first write that failed.
    pub(crate) fn apply_limits(&mut self, limits: &CgroupLimits) -> Result<(), String> {
        let v2 = self.version == 2;
        let before = self.applied.unwrap_or(CgroupLimits {
            cpu_weight: DEFAULT_CPU_WEIGHT,
            ..CgroupLimits::default()
        });
        // Unknown until every write below went through.
        self.applied = None;
        if let Some(dir) = self
            .dir("memory")
            .filter(|_| limits.memory_bytes != before.memory_bytes)
        {
            let value = limits.memory_bytes.map_or_else(
                || {
                    if v2 {
                        "max".to_owned()
                    } else {
                        "-1".to_owned()
                    }
                },
                |bytes| bytes.to_string(),
            );
            let (limit, swap) = if v2 {
                ("memory.max", "memory.swap.max")
            } else {
                ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes")
            };
            // v2 caps swap at 0 (or lifts the cap), v1 caps memory+swap at the limit; v1
            // needs memsw >= the limit at every step, so a raise writes memsw first.
            let swap_value = if v2 && limits.memory_bytes.is_some() {
                "0".to_owned()
            } else if v2 {
                "max".to_owned()
            } else {
                value.clone()
            };
            let has_swap = dir.join(swap).exists();
            let raise =
                limits.memory_bytes.unwrap_or(u64::MAX) > before.memory_bytes.unwrap_or(u64::MAX);
            if has_swap && raise && !v2 {
                write(&dir.join(swap), &swap_value)?;
                write(&dir.join(limit), &value)?;
            } else {
                write(&dir.join(limit), &value)?;
                if has_swap {
                    write(&dir.join(swap), &swap_value)?;
                }
            }
        }
        if let Some(dir) = self.dir("pids").filter(|_| limits.pids != before.pids) {
            let value = limits
                .pids
                .map_or_else(|| "max".to_owned(), |n| n.to_string());
            write(&dir.join("pids.max"), &value)?;
        }
        if !v2 {
            self.joins_cpu =
                limits.cpu_percent.is_some() || limits.cpu_weight != DEFAULT_CPU_WEIGHT;
        }
        if let Some(dir) = self.dir("cpu").map(Path::to_path_buf) {
            if limits.cpu_percent != before.cpu_percent {
                let quota = limits
                    .cpu_percent
                    .map(|percent| u64::from(percent.max(1)) * 1000);
                if v2 {
                    let value = quota.map_or_else(|| "max".to_owned(), |q| q.to_string());
                    write(&dir.join("cpu.max"), &format!("{value} 100000"))?;
                } else {
                    write(&dir.join("cpu.cfs_period_us"), "100000")?;
                    let value = quota.map_or_else(|| "-1".to_owned(), |q| q.to_string());
                    write(&dir.join("cpu.cfs_quota_us"), &value)?;
                }
            }
            if limits.cpu_weight != before.cpu_weight {
                self.write_cpu_weight(limits.cpu_weight)?;
            }
        }
        self.applied = Some(*limits);
        Ok(())
    }

    /// Sets the CPU weight (v2 scale; v1 gets the equivalent `cpu.shares`). In v1 a child
    /// that did not join its cpu folder (it started at the default weight) is moved into it
    /// now, every process of its tree.
    pub(crate) fn set_cpu_weight(&mut self, weight: u32) -> Result<(), String> {
        self.write_cpu_weight(weight)?;
        if let Some(applied) = &mut self.applied {
            applied.cpu_weight = weight;
        }
        if self.version == 1 && !self.joins_cpu {
            self.move_tree_into_cpu()?;
            self.joins_cpu = true;
        }
        Ok(())
    }

    fn write_cpu_weight(&self, weight: u32) -> Result<(), String> {
        let Some(dir) = self.dir("cpu") else {
            return Ok(());
        };
        let weight = weight.clamp(1, 10_000);
        if self.version == 2 {
            write(&dir.join("cpu.weight"), &weight.to_string())
        } else {
            write(
                &dir.join("cpu.shares"),
                &(u64::from(weight) * 1024 / 100).max(2).to_string(),
            )
        }
    }

    /// Moves every process of the tree (as the memory or pids folder lists them) into the cpu
    /// folder, repeating while a fork adds new ones.
    fn move_tree_into_cpu(&self) -> Result<(), String> {
        let Some(cpu) = self.dir("cpu") else {
            return Ok(());
        };
        let Some((_, members)) = self.dirs.iter().find(|(name, _)| *name != "cpu") else {
            return Ok(());
        };
        for _ in 0..8 {
            let listed = pids_in(members);
            let moved = pids_in(cpu);
            let missing: Vec<i32> = listed
                .into_iter()
                .filter(|pid| !moved.contains(pid))
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            for pid in missing {
                // A process that exited meanwhile cannot be moved; that is fine.
                let _ = write(&cpu.join("cgroup.procs"), &pid.to_string());
            }
        }
        Ok(())
    }

    /// True when no process is left in any folder the child joined.
    pub(crate) fn is_empty(&self) -> bool {
        self.joined().all(|dir| pids_in(dir).is_empty())
    }

    /// Clears what a finished child left behind so the next one starts from zero: the peak
    /// and failure counters, and its page-cache charge when that is more than
    /// [`RECLAIM_ABOVE`] (reclaiming drains every CPU's page lists and costs milliseconds, so
    /// a few leftover kilobytes of kernel objects are left to ordinary reclaim). Best effort.
    pub(crate) fn reset_usage(&self) {
        let Some(dir) = self.dir("memory") else {
            return;
        };
        let large = self
            .memory_usage()
            .is_some_and(|bytes| bytes > RECLAIM_ABOVE);
        if self.version == 2 {
            if large && dir.join("memory.reclaim").exists() {
                let _ = write(&dir.join("memory.reclaim"), "1G");
            }
            return;
        }
        if large {
            let _ = write(&dir.join("memory.force_empty"), "0");
        }
        let _ = write(&dir.join("memory.max_usage_in_bytes"), "0");
        let _ = write(&dir.join("memory.failcnt"), "0");
        if dir.join("memory.memsw.max_usage_in_bytes").exists() {
            let _ = write(&dir.join("memory.memsw.max_usage_in_bytes"), "0");
        }
    }

    /// Opens the membership file of every folder for writing, for the child to join before
    /// exec by writing `0` (itself).
    ///
    /// In v1 that is `tasks`: the child is single-threaded then, and moving the calling thread
    /// skips the global threadgroup lock whose RCU grace period makes a `cgroup.procs` write
    /// cost milliseconds. v2 has no such file for domain cgroups and uses `cgroup.procs`.
    pub(crate) fn open_procs(&self) -> Result<Vec<OwnedFd>, String> {
        let file = if self.version == 2 {
            "cgroup.procs"
        } else {
            "tasks"
        };
        self.joined()
            .map(|dir| {
                let path = dir.join(file);
                fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map(OwnedFd::from)
                    .map_err(|err| format!("{}: {err}", path.display()))
            })
            .collect()
    }

    /// True when the OOM killer killed a process of this cgroup.
    pub(crate) fn oom_killed(&self) -> bool {
        let Some(dir) = self.dir("memory") else {
            return false;
        };
        let file = if self.version == 2 {
            "memory.events"
        } else {
            "memory.oom_control"
        };
        fs::read_to_string(dir.join(file))
            .map(|text| counter(&text, "oom_kill") > 0)
            .unwrap_or(false)
    }

    /// Bytes of memory charged to the cgroup now.
    pub(crate) fn memory_usage(&self) -> Option<u64> {
        let dir = self.dir("memory")?;
        let file = if self.version == 2 {
            "memory.current"
        } else {
            "memory.usage_in_bytes"
        };
        fs::read_to_string(dir.join(file)).ok()?.trim().parse().ok()
    }

    /// Kills every process left in the cgroup (v2 `cgroup.kill`, else each listed pid).
    pub(crate) fn kill_all(&self) {
        for (_, dir) in &self.dirs {
            if self.version == 2 && dir.join("cgroup.kill").exists() {
                let _ = write(&dir.join("cgroup.kill"), "1");
                continue;
            }
            for pid in pids_in(dir) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
        }
    }

    /// Waits (up to about a second, killing what is left) until no process remains in the
    /// folders the child joined; false when some process would not leave.
    pub(crate) fn drain(&self) -> bool {
        for attempt in 0..2000 {
            if self.is_empty() {
                return true;
            }
            if attempt % 100 == 0 {
                self.kill_all();
            }
            std::thread::sleep(std::time::Duration::from_micros(500));
        }
        false
    }

    /// Kills what is left and removes the cgroup folders, waiting (up to about a second)
    /// until the last process has left them.
    pub(crate) fn remove(&self) {
        for (_, dir) in &self.dirs {
            // A folder still holding a dying process cannot be removed yet; retry briefly.
            for attempt in 0..2000 {
                match fs::remove_dir(dir) {
                    Err(err) if err.raw_os_error() == Some(libc::EBUSY) => {
                        if attempt % 100 == 0 {
                            self.kill_all();
                        }
                        std::thread::sleep(std::time::Duration::from_micros(500));
                    }
                    // A fake cgroupfs (tests) holds files, which a real one never does.
                    Err(_) => {
                        let _ = fs::remove_dir_all(dir);
                        break;
                    }
                    Ok(()) => break,
                }
            }
        }
    }
}

/// The pids listed in a folder's `cgroup.procs` (none when it cannot be read).
fn pids_in(dir: &Path) -> Vec<i32> {
    fs::read_to_string(dir.join("cgroup.procs"))
        .map(|text| {
            text.lines()
                .filter_map(|line| line.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn counter(text: &str, key: &str) -> u64 {
    text.lines()
        .filter_map(|line| line.split_once(' '))
        .find(|(name, _)| *name == key)
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

fn make_dir(path: &Path) -> Result<(), String> {
    match fs::create_dir(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(format!("{}: {err}", path.display())),
    }
}

fn write(path: &Path, value: &str) -> Result<(), String> {
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .and_then(|mut file| file.write_all(value.as_bytes()))
        .map_err(|err| format!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYBRID: &str = "\
30 24 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw
33 30 0:29 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
34 30 0:30 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids
35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct
";

    #[test]
    fn hybrid_host_uses_v1_when_v2_lacks_controllers() {
        let host = CgroupHost::from_mountinfo(HYBRID, |_| Some("hugetlb\n".into()));
        assert_eq!(
            host,
            CgroupHost::V1 {
                mounts: vec![
                    ("memory", "/sys/fs/cgroup/memory".into()),
                    ("pids", "/sys/fs/cgroup/pids".into()),
                    ("cpu", "/sys/fs/cgroup/cpu,cpuacct".into()),
                ]
            }
        );
        assert_eq!(host.describe(), "v1 (memory, pids, cpu)");
    }

    #[test]
    fn unified_host_with_controllers_uses_v2() {
        let text = "25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
        let host = CgroupHost::from_mountinfo(text, |_| Some("cpuset cpu io memory pids".into()));
        assert_eq!(
            host,
            CgroupHost::V2 {
                root: "/sys/fs/cgroup".into()
            }
        );
        let none = CgroupHost::from_mountinfo("", |_| None);
        assert!(matches!(none, CgroupHost::Unavailable { .. }));
    }

    #[test]
    fn v2_writes_limits_into_a_fake_cgroupfs() {
        let root = tempfile::tempdir().unwrap();
        let host = CgroupHost::V2 {
            root: root.path().to_path_buf(),
        };
        let limits = CgroupLimits {
            memory_bytes: Some(64 << 20),
            pids: Some(16),
            cpu_percent: Some(50),
            cpu_weight: 200,
        };
        let mut cgroup = host.create(&limits).unwrap();
        let dir = cgroup.dir("memory").unwrap().to_path_buf();
        assert!(dir.starts_with(root.path().join("agentos")));
        let read = |file: &str| fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(read("memory.max"), (64u64 << 20).to_string());
        assert_eq!(read("pids.max"), "16");
        assert_eq!(read("cpu.max"), "50000 100000");
        assert_eq!(read("cpu.weight"), "200");
        assert_eq!(
            fs::read_to_string(root.path().join("agentos/cgroup.subtree_control")).unwrap(),
            "+memory +pids +cpu"
        );
        fs::write(
            dir.join("memory.events"),
            "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n",
        )
        .unwrap();
        assert!(cgroup.oom_killed());
        fs::write(dir.join("memory.current"), "4096\n").unwrap();
        assert_eq!(cgroup.memory_usage(), Some(4096));
        cgroup.set_cpu_weight(50).unwrap();
        assert_eq!(read("cpu.weight"), "50");
        cgroup.remove();
        assert!(!dir.exists());
    }

    #[test]
    fn recycled_v1_cgroup_gets_only_the_changed_limits_and_joins_cpu_when_needed() {
        let root = tempfile::tempdir().unwrap();
        let mounts: Vec<(&'static str, PathBuf)> = CONTROLLERS
            .iter()
            .map(|name| (*name, root.path().join(name)))
            .collect();
        for (_, mount) in &mounts {
            fs::create_dir_all(mount).unwrap();
        }
        let host = CgroupHost::V1 { mounts };
        let limited = CgroupLimits {
            memory_bytes: Some(64 << 20),
            pids: Some(16),
            cpu_percent: None,
            cpu_weight: DEFAULT_CPU_WEIGHT,
        };
        let mut cgroup = host.create(&limited).unwrap();
        let read = |controller: &str, file: &str| {
            fs::read_to_string(cgroup_dir(&root, controller).join(file)).ok()
        };
        assert_eq!(
            read("memory", "memory.limit_in_bytes").as_deref(),
            Some("67108864")
        );
        assert_eq!(read("pids", "pids.max").as_deref(), Some("16"));
        // Default weight, no quota: nothing written to cpu, and the child does not join it.
        assert_eq!(read("cpu", "cpu.shares"), None);
        assert!(!cgroup.joins_cpu());
        for dir in [cgroup.dir("memory"), cgroup.dir("pids"), cgroup.dir("cpu")] {
            fs::write(dir.unwrap().join("tasks"), "").unwrap();
        }
        assert_eq!(cgroup.open_procs().unwrap().len(), 2);

        // Reused with other limits: unset ones go back to unlimited, a quota joins cpu.
        let other = CgroupLimits {
            memory_bytes: None,
            pids: Some(16),
            cpu_percent: Some(25),
            cpu_weight: 200,
        };
        fs::remove_file(cgroup_dir(&root, "pids").join("pids.max")).unwrap();
        cgroup.apply_limits(&other).unwrap();
        assert_eq!(
            read("memory", "memory.limit_in_bytes").as_deref(),
            Some("-1")
        );
        // Unchanged limits are not rewritten.
        assert_eq!(read("pids", "pids.max"), None);
        assert_eq!(read("cpu", "cpu.cfs_quota_us").as_deref(), Some("25000"));
        assert_eq!(read("cpu", "cpu.shares").as_deref(), Some("2048"));
        assert!(cgroup.joins_cpu());
        assert_eq!(cgroup.open_procs().unwrap().len(), 3);
        cgroup.apply_limits(&limited).unwrap();
        assert_eq!(read("cpu", "cpu.cfs_quota_us").as_deref(), Some("-1"));
        assert_eq!(read("cpu", "cpu.shares").as_deref(), Some("1024"));
        assert!(cgroup.is_empty());
        cgroup.remove();
    }

    fn cgroup_dir(root: &tempfile::TempDir, controller: &str) -> PathBuf {
        let parent = root.path().join(controller).join(PARENT);
        fs::read_dir(&parent)
            .unwrap()
            .flatten()
            .next()
            .unwrap()
            .path()
    }

    proptest::proptest! {
        /// Any mountinfo text (bad input included) gives a layout, never a panic, and every
        /// v1 controller found is one the kernel uses.
        #[test]
        fn mountinfo_parsing_never_panics(text in "(([0-9 /a-z,-]|cgroup2?| - ){0,40}\n){0,8}") {
            match CgroupHost::from_mountinfo(&text, |_| Some("memory pids cpu".into())) {
                CgroupHost::V1 { mounts } => proptest::prop_assert!(mounts.iter().all(|(name, _)| CONTROLLERS.contains(name))),
                CgroupHost::V2 { .. } | CgroupHost::Unavailable { .. } => {}
            }
        }
    }

    #[test]
    fn v1_counter_parsing() {
        assert_eq!(
            counter("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "oom_kill"),
            2
        );
        assert_eq!(counter("oom_kill_disable 0\n", "oom_kill"), 0);
    }
}
