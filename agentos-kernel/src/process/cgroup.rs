//! A small hand-written cgroupfs layer: find the memory, pids and cpu controllers (cgroup v2,
//! v1, or a hybrid of both), make one cgroup per child, write its limits, read its usage and
//! OOM count, and remove it. Plain file writes only; no D-Bus, no systemd.

use std::{
    fs,
    io::Write,
    os::fd::OwnedFd,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

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
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let name = format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let cgroup = match self {
            CgroupHost::V2 { root } => {
                let parent = root.join(PARENT);
                make_dir(&parent)?;
                write(&root.join("cgroup.subtree_control"), "+memory +pids +cpu")?;
                write(&parent.join("cgroup.subtree_control"), "+memory +pids +cpu")?;
                let dir = parent.join(&name);
                make_dir(&dir)?;
                Cgroup {
                    version: 2,
                    dirs: vec![("all", dir)],
                }
            }
            CgroupHost::V1 { mounts } => {
                let mut dirs = Vec::new();
                for (controller, mount) in mounts {
                    make_dir(&mount.join(PARENT))?;
                    let dir = mount.join(PARENT).join(&name);
                    make_dir(&dir)?;
                    dirs.push((*controller, dir));
                }
                Cgroup { version: 1, dirs }
            }
            CgroupHost::Unavailable { reason } => return Err(reason.clone()),
        };
        if let Err(err) = cgroup.write_limits(limits) {
            cgroup.remove();
            return Err(err);
        }
        Ok(cgroup)
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

/// One child's cgroup (one folder in v2, one per controller in v1).
#[derive(Debug)]
pub(crate) struct Cgroup {
    version: u8,
    dirs: Vec<(&'static str, PathBuf)>,
}

impl Cgroup {
    fn dir(&self, controller: &str) -> Option<&Path> {
        self.dirs
            .iter()
            .find(|(name, _)| *name == "all" || *name == controller)
            .map(|(_, dir)| dir.as_path())
    }

    fn write_limits(&self, limits: &CgroupLimits) -> Result<(), String> {
        let v2 = self.version == 2;
        if let (Some(bytes), Some(dir)) = (limits.memory_bytes, self.dir("memory")) {
            let file = if v2 {
                "memory.max"
            } else {
                "memory.limit_in_bytes"
            };
            write(&dir.join(file), &bytes.to_string())?;
            // No swap beyond the limit: v2 caps swap at 0, v1 caps memory+swap at the limit.
            if v2 && dir.join("memory.swap.max").exists() {
                write(&dir.join("memory.swap.max"), "0")?;
            }
            if !v2 && dir.join("memory.memsw.limit_in_bytes").exists() {
                write(&dir.join("memory.memsw.limit_in_bytes"), &bytes.to_string())?;
            }
        }
        if let (Some(pids), Some(dir)) = (limits.pids, self.dir("pids")) {
            write(&dir.join("pids.max"), &pids.to_string())?;
        }
        if let Some(dir) = self.dir("cpu") {
            if let Some(percent) = limits.cpu_percent {
                let quota = u64::from(percent.max(1)) * 1000;
                if v2 {
                    write(&dir.join("cpu.max"), &format!("{quota} 100000"))?;
                } else {
                    write(&dir.join("cpu.cfs_period_us"), "100000")?;
                    write(&dir.join("cpu.cfs_quota_us"), &quota.to_string())?;
                }
            }
            self.set_cpu_weight(limits.cpu_weight)?;
        }
        Ok(())
    }

    /// Sets the CPU weight (v2 scale; v1 gets the equivalent `cpu.shares`).
    pub(crate) fn set_cpu_weight(&self, weight: u32) -> Result<(), String> {
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
        self.dirs
            .iter()
            .map(|(_, dir)| {
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
            let Ok(tasks) = fs::read_to_string(dir.join("cgroup.procs")) else {
                continue;
            };
            for pid in tasks
                .lines()
                .filter_map(|line| line.trim().parse::<i32>().ok())
            {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
        }
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
        let cgroup = host.create(&limits).unwrap();
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
