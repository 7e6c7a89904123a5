//! Sandbox policies: a capability set plus allowed and blocked VFS paths and resource limits,
//! with the reference's `minimal`, `standard` and `privileged` presets.

use crate::{
    capability::{Capability, CapabilityKind, CapabilitySet},
    path::VfsPath,
};

/// Resource limits of one PID. The kernel enforces `max_file_descriptors` on its descriptor
/// table and `max_memory_bytes` on IPC memory a PID allocates (pipe buffers, shared memory and
/// queue capacity it owns); the others are carried for the process layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceLimits {
    /// Bytes of memory the PID may hold.
    pub max_memory_bytes: u64,
    /// CPU time in milliseconds; `0` means unlimited.
    pub max_cpu_time_ms: u64,
    /// Open file descriptors in the PID's table.
    pub max_file_descriptors: u32,
    /// Child OS processes.
    pub max_processes: u32,
    /// Open network connections.
    pub max_network_connections: u32,
}

impl ResourceLimits {
    /// The reference's default limits: 100 MB, 60 s CPU, 1024 descriptors, 10 processes,
    /// 100 connections.
    pub fn standard() -> ResourceLimits {
        ResourceLimits {
            max_memory_bytes: 100 * MB,
            max_cpu_time_ms: 60_000,
            max_file_descriptors: 1024,
            max_processes: 10,
            max_network_connections: 100,
        }
    }

    /// The `minimal` preset's limits: 10 MB, 5 s CPU, 10 descriptors, 1 process, no connections.
    pub fn minimal() -> ResourceLimits {
        ResourceLimits {
            max_memory_bytes: 10 * MB,
            max_cpu_time_ms: 5_000,
            max_file_descriptors: 10,
            max_processes: 1,
            max_network_connections: 0,
        }
    }

    /// The `privileged` preset's limits: 2 GB, 300 s CPU, 500 descriptors, 50 processes,
    /// 100 connections.
    pub fn privileged() -> ResourceLimits {
        ResourceLimits {
            max_memory_bytes: 2048 * MB,
            max_cpu_time_ms: 300_000,
            max_file_descriptors: 500,
            max_processes: 50,
            max_network_connections: 100,
        }
    }
}

impl Default for ResourceLimits {
    fn default() -> ResourceLimits {
        ResourceLimits::standard()
    }
}

const MB: u64 = 1024 * 1024;

/// What a PID may do: capabilities, the paths it may touch, and its resource limits.
///
/// A path is usable when a capability of the needed kind covers it, no blocked path contains it,
/// and some allowed path contains it. Blocked wins over allowed; an empty allowed list denies
/// every path. Paths are normalised (and symlinks resolved by the kernel) before the check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SandboxPolicy {
    /// The capabilities held.
    pub capabilities: CapabilitySet,
    /// Paths (and everything below them) the PID may touch.
    pub allowed_paths: Vec<VfsPath>,
    /// Paths (and everything below them) the PID may never touch.
    pub blocked_paths: Vec<VfsPath>,
    /// Resource limits.
    pub limits: ResourceLimits,
}

impl SandboxPolicy {
    /// Nothing at all: no capability, no path. The state of a PID before it is granted anything.
    pub fn none() -> SandboxPolicy {
        SandboxPolicy {
            capabilities: CapabilitySet::new(),
            allowed_paths: Vec::new(),
            blocked_paths: Vec::new(),
            limits: ResourceLimits::minimal(),
        }
    }

    /// Exactly `capabilities`, with every path allowed so that the capabilities' own path scopes
    /// decide, and the standard limits. This is what [`crate::Kernel::create_process`] uses.
    pub fn from_capabilities(capabilities: CapabilitySet) -> SandboxPolicy {
        SandboxPolicy {
            capabilities,
            allowed_paths: vec![VfsPath::root()],
            blocked_paths: Vec::new(),
            limits: ResourceLimits::standard(),
        }
    }

    /// The reference's `minimal` preset: no capabilities, no allowed paths, system directories
    /// blocked, tight limits.
    pub fn minimal() -> SandboxPolicy {
        SandboxPolicy {
            capabilities: CapabilitySet::new(),
            allowed_paths: Vec::new(),
            blocked_paths: paths(&["/etc", "/bin", "/sbin", "/usr/bin", "/usr/sbin"]),
            limits: ResourceLimits::minimal(),
        }
    }

    /// The reference's `standard` preset: read, write, system info and time; `/tmp` and
    /// `/var/tmp` allowed; `/etc/passwd` and `/etc/shadow` blocked.
    pub fn standard() -> SandboxPolicy {
        SandboxPolicy {
            capabilities: CapabilitySet::new()
                .grant(Capability::ReadFile(None))
                .grant(Capability::WriteFile(None))
                .grant(Capability::SystemInfo)
                .grant(Capability::TimeAccess),
            allowed_paths: paths(&["/tmp", "/var/tmp"]),
            blocked_paths: paths(&["/etc/passwd", "/etc/shadow"]),
            limits: ResourceLimits::standard(),
        }
    }

    /// The reference's `privileged` preset: every capability except `BindPort`, every path.
    pub fn privileged() -> SandboxPolicy {
        SandboxPolicy {
            capabilities: CapabilitySet::all().revoke(CapabilityKind::BindPort),
            allowed_paths: vec![VfsPath::root()],
            blocked_paths: Vec::new(),
            limits: ResourceLimits::privileged(),
        }
    }

    /// A preset by its reference name (`minimal`, `standard`, `privileged`, case-insensitive).
    pub fn preset(name: &str) -> Option<SandboxPolicy> {
        match name.to_ascii_lowercase().as_str() {
            "minimal" => Some(SandboxPolicy::minimal()),
            "standard" => Some(SandboxPolicy::standard()),
            "privileged" => Some(SandboxPolicy::privileged()),
            _ => None,
        }
    }

    /// True when the path rule admits `path`: not under a blocked path, and under an allowed one.
    pub fn path_allowed(&self, path: &VfsPath) -> bool {
        if self
            .blocked_paths
            .iter()
            .any(|blocked| path.starts_with(blocked))
        {
            return false;
        }
        self.allowed_paths
            .iter()
            .any(|allowed| path.starts_with(allowed))
    }

    /// True when a capability of `kind` covers `path` and the path rule admits it.
    pub fn allows_path(&self, kind: CapabilityKind, path: &VfsPath) -> bool {
        self.capabilities.allows(kind, Some(path)) && self.path_allowed(path)
    }
}

fn paths(raw: &[&str]) -> Vec<VfsPath> {
    raw.iter().map(|path| VfsPath::new(path)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_wins_and_empty_allowed_denies() {
        let mut policy = SandboxPolicy::standard();
        assert!(policy.allows_path(CapabilityKind::ReadFile, &"/tmp/a".into()));
        assert!(!policy.allows_path(CapabilityKind::ReadFile, &"/etc/passwd".into()));
        assert!(!policy.allows_path(CapabilityKind::ReadFile, &"/home/x".into()));
        policy.allowed_paths.push("/etc".into());
        assert!(!policy.path_allowed(&"/etc/passwd/x".into()));
        assert!(policy.path_allowed(&"/etc/hosts".into()));
        let mut none = SandboxPolicy::privileged();
        none.allowed_paths.clear();
        assert!(!none.allows_path(CapabilityKind::ReadFile, &"/tmp".into()));
    }

    #[test]
    fn presets_match_the_reference() {
        assert!(SandboxPolicy::minimal().capabilities.is_empty());
        assert_eq!(SandboxPolicy::minimal().limits.max_file_descriptors, 10);
        let privileged = SandboxPolicy::privileged();
        assert_eq!(privileged.capabilities.iter().count(), 12);
        assert!(
            !privileged
                .capabilities
                .allows(CapabilityKind::BindPort, None)
        );
        assert_eq!(
            SandboxPolicy::preset("STANDARD"),
            Some(SandboxPolicy::standard())
        );
        assert_eq!(SandboxPolicy::preset("root"), None);
    }
}
