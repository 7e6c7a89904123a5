//! The adapter from a PID's kernel [`SandboxPolicy`] to the [`SpawnSpec`] of an OS child:
//! file capabilities intersected with the policy's allowed paths become Landlock read/write
//! rules, `NetworkAccess`/`BindPort` become the network switch and TCP port rules, and
//! [`ResourceLimits`] become rlimits and cgroup limits.
//!
//! Paths: for a spawned OS process the policy's allowed paths and capability scopes are taken
//! as host paths, exactly as [`Kernel::spawn_process`] already treats `allowed_read` and
//! `allowed_write` (it checks them against the caller's capability scopes). VFS-only mounts
//! such as `/system` have no host meaning and are dropped when no such host path exists.

use std::path::{Path, PathBuf};

use crate::{
    capability::{Capability, CapabilityKind},
    error::Result,
    kernel::Kernel,
    path::VfsPath,
    process::{
        Pid,
        preset::{SYSTEM_READ_PATHS, SYSTEM_WRITE_PATHS},
        spec::{Limits, SpawnSpec},
    },
    sandbox::{ResourceLimits, SandboxPolicy},
};

impl SpawnSpec {
    /// A spec that runs `program` with `args` inside what `policy` allows.
    ///
    /// - Read rules: the system's executable and library folders (so the program can start)
    ///   plus every path where a `READ_FILE` scope and an allowed path overlap (the narrower
    ///   of the two), unless a blocked path covers it or lies inside it (Landlock cannot carve
    ///   a hole, so such a path is dropped: fail closed). Write rules likewise from
    ///   `WRITE_FILE`, plus `/dev/null`. Paths that do not exist on the host are dropped.
    /// - Network: on when the policy holds `NETWORK_ACCESS` and allows at least one
    ///   connection; connect ports are the union of the rules' ports (empty, meaning any,
    ///   when one rule admits any port); bind ports from `BIND_PORT` scopes (none: no bind),
    ///   any port with an unscoped `BIND_PORT`. Host patterns
    ///   cannot be expressed in Landlock: kernel sockets check them, OS children do not.
    /// - Limits: memory, CPU seconds (rounded up), open files and processes from
    ///   [`ResourceLimits`]; the rest stay at [`Limits::default`].
    pub fn from_policy(
        policy: &SandboxPolicy,
        program: impl Into<String>,
        args: impl IntoIterator<Item = impl Into<String>>,
    ) -> SpawnSpec {
        let mut spec = SpawnSpec::new(program, args);
        spec.allowed_read = host_paths(SYSTEM_READ_PATHS);
        spec.allowed_read
            .extend(file_rules(policy, CapabilityKind::ReadFile));
        spec.allowed_write = host_paths(SYSTEM_WRITE_PATHS);
        spec.allowed_write
            .extend(file_rules(policy, CapabilityKind::WriteFile));
        dedup(&mut spec.allowed_read);
        dedup(&mut spec.allowed_write);
        let (network, connect_ports) = network_rules(policy);
        spec.network = network;
        spec.connect_ports = connect_ports;
        spec.bind_ports = policy
            .capabilities
            .iter()
            .filter_map(|capability| match capability {
                Capability::BindPort(Some(port)) => Some(*port),
                _ => None,
            })
            .collect();
        spec.bind_any_port = policy
            .capabilities
            .iter()
            .any(|capability| matches!(capability, Capability::BindPort(None)));
        spec.limits = limits(&policy.limits);
        spec
    }
}

impl Kernel {
    /// [`SpawnSpec::from_policy`] with `pid`'s current sandbox policy.
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub fn spawn_spec_for(
        &self,
        pid: Pid,
        program: impl Into<String>,
        args: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<SpawnSpec> {
        let policy = self.sandbox(pid)?;
        Ok(SpawnSpec::from_policy(&policy, program, args))
    }
}

/// Paths where a `kind` capability scope and an allowed path overlap, minus blocked ones.
fn file_rules(policy: &SandboxPolicy, kind: CapabilityKind) -> Vec<PathBuf> {
    let root = VfsPath::root();
    let mut out = Vec::new();
    for capability in policy.capabilities.iter() {
        if capability.kind() != kind {
            continue;
        }
        let scope = match capability {
            Capability::ReadFile(scope) | Capability::WriteFile(scope) => {
                scope.as_ref().unwrap_or(&root)
            }
            _ => continue,
        };
        for allowed in &policy.allowed_paths {
            let narrower = if allowed.starts_with(scope) {
                allowed
            } else if scope.starts_with(allowed) {
                scope
            } else {
                continue;
            };
            let blocked = policy
                .blocked_paths
                .iter()
                .any(|blocked| narrower.starts_with(blocked) || blocked.starts_with(narrower));
            if blocked {
                continue;
            }
            let host = PathBuf::from(narrower.as_str());
            if host.exists() {
                out.push(host);
            }
        }
    }
    out
}

/// Whether the child gets the network, and its TCP connect ports (empty: any).
fn network_rules(policy: &SandboxPolicy) -> (bool, Vec<u16>) {
    if policy.limits.max_network_connections == 0 {
        return (false, Vec::new());
    }
    let mut any_port = false;
    let mut ports = Vec::new();
    let mut network = false;
    for capability in policy.capabilities.iter() {
        if let Capability::NetworkAccess(rule) = capability {
            network = true;
            match rule.port {
                Some(port) => ports.push(port),
                None => any_port = true,
            }
        }
    }
    if any_port {
        ports.clear();
    }
    ports.sort_unstable();
    ports.dedup();
    (network, ports)
}

fn limits(limits: &ResourceLimits) -> Limits {
    Limits {
        memory_bytes: Some(limits.max_memory_bytes),
        cpu_seconds: Some(limits.max_cpu_time_ms.div_ceil(1000).max(1)),
        open_files: Some(u64::from(limits.max_file_descriptors)),
        processes: Some(u64::from(limits.max_processes)),
        ..Limits::default()
    }
}

fn host_paths(paths: &[&str]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(Path::new)
        .filter(|path| path.exists())
        .map(Path::to_path_buf)
        .collect()
}

fn dedup(paths: &mut Vec<PathBuf>) {
    let mut seen = Vec::with_capacity(paths.len());
    paths.retain(|path| {
        if seen.contains(path) {
            false
        } else {
            seen.push(path.clone());
            true
        }
    });
}
