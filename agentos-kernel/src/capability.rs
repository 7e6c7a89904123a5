//! Capabilities: what a PID may do, as values; a new PID holds none.

use std::fmt;

use crate::path::VfsPath;

/// The thirteen kinds of capability, used to name what a denied call needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CapabilityKind {
    /// Read files and their metadata.
    ReadFile,
    /// Write or truncate files.
    WriteFile,
    /// Create files and directories.
    CreateFile,
    /// Delete files and directories.
    DeleteFile,
    /// List directory entries.
    ListDirectory,
    /// Start OS processes.
    SpawnProcess,
    /// Kill or signal processes.
    KillProcess,
    /// Open outbound network connections.
    NetworkAccess,
    /// Bind listening ports.
    BindPort,
    /// Read system and process information.
    SystemInfo,
    /// Read clocks and sleep.
    TimeAccess,
    /// Send on IPC channels.
    SendMessage,
    /// Receive from IPC channels.
    ReceiveMessage,
}

impl CapabilityKind {
    /// Every kind, in declaration order.
    pub const ALL: [CapabilityKind; 13] = [
        CapabilityKind::ReadFile,
        CapabilityKind::WriteFile,
        CapabilityKind::CreateFile,
        CapabilityKind::DeleteFile,
        CapabilityKind::ListDirectory,
        CapabilityKind::SpawnProcess,
        CapabilityKind::KillProcess,
        CapabilityKind::NetworkAccess,
        CapabilityKind::BindPort,
        CapabilityKind::SystemInfo,
        CapabilityKind::TimeAccess,
        CapabilityKind::SendMessage,
        CapabilityKind::ReceiveMessage,
    ];

    /// The reference's upper snake case name, e.g. `READ_FILE`.
    pub fn name(self) -> &'static str {
        match self {
            CapabilityKind::ReadFile => "READ_FILE",
            CapabilityKind::WriteFile => "WRITE_FILE",
            CapabilityKind::CreateFile => "CREATE_FILE",
            CapabilityKind::DeleteFile => "DELETE_FILE",
            CapabilityKind::ListDirectory => "LIST_DIRECTORY",
            CapabilityKind::SpawnProcess => "SPAWN_PROCESS",
            CapabilityKind::KillProcess => "KILL_PROCESS",
            CapabilityKind::NetworkAccess => "NETWORK_ACCESS",
            CapabilityKind::BindPort => "BIND_PORT",
            CapabilityKind::SystemInfo => "SYSTEM_INFO",
            CapabilityKind::TimeAccess => "TIME_ACCESS",
            CapabilityKind::SendMessage => "SEND_MESSAGE",
            CapabilityKind::ReceiveMessage => "RECEIVE_MESSAGE",
        }
    }

    /// Parses a reference name (`READ_FILE`, case-insensitive).
    pub fn from_name(name: &str) -> Option<CapabilityKind> {
        CapabilityKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for CapabilityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One granted capability. File capabilities carry an optional path scope: `None` means any
/// path, `Some(dir)` means `dir` and everything beneath it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability {
    /// Read files under the scope.
    ReadFile(Option<VfsPath>),
    /// Write files under the scope.
    WriteFile(Option<VfsPath>),
    /// Create files and directories under the scope.
    CreateFile(Option<VfsPath>),
    /// Delete files and directories under the scope.
    DeleteFile(Option<VfsPath>),
    /// List directories under the scope.
    ListDirectory(Option<VfsPath>),
    /// Start OS processes.
    SpawnProcess,
    /// Kill or signal processes.
    KillProcess,
    /// Open outbound network connections.
    NetworkAccess,
    /// Bind a port (`None`: any port).
    BindPort(Option<u16>),
    /// Read system information.
    SystemInfo,
    /// Read clocks and sleep.
    TimeAccess,
    /// Send on IPC channels.
    SendMessage,
    /// Receive from IPC channels.
    ReceiveMessage,
}

impl Capability {
    /// The kind of this capability.
    pub fn kind(&self) -> CapabilityKind {
        match self {
            Capability::ReadFile(_) => CapabilityKind::ReadFile,
            Capability::WriteFile(_) => CapabilityKind::WriteFile,
            Capability::CreateFile(_) => CapabilityKind::CreateFile,
            Capability::DeleteFile(_) => CapabilityKind::DeleteFile,
            Capability::ListDirectory(_) => CapabilityKind::ListDirectory,
            Capability::SpawnProcess => CapabilityKind::SpawnProcess,
            Capability::KillProcess => CapabilityKind::KillProcess,
            Capability::NetworkAccess => CapabilityKind::NetworkAccess,
            Capability::BindPort(_) => CapabilityKind::BindPort,
            Capability::SystemInfo => CapabilityKind::SystemInfo,
            Capability::TimeAccess => CapabilityKind::TimeAccess,
            Capability::SendMessage => CapabilityKind::SendMessage,
            Capability::ReceiveMessage => CapabilityKind::ReceiveMessage,
        }
    }

    /// The capability of `kind` with no scope (any path, any port).
    pub fn unscoped(kind: CapabilityKind) -> Capability {
        match kind {
            CapabilityKind::ReadFile => Capability::ReadFile(None),
            CapabilityKind::WriteFile => Capability::WriteFile(None),
            CapabilityKind::CreateFile => Capability::CreateFile(None),
            CapabilityKind::DeleteFile => Capability::DeleteFile(None),
            CapabilityKind::ListDirectory => Capability::ListDirectory(None),
            CapabilityKind::SpawnProcess => Capability::SpawnProcess,
            CapabilityKind::KillProcess => Capability::KillProcess,
            CapabilityKind::NetworkAccess => Capability::NetworkAccess,
            CapabilityKind::BindPort => Capability::BindPort(None),
            CapabilityKind::SystemInfo => Capability::SystemInfo,
            CapabilityKind::TimeAccess => Capability::TimeAccess,
            CapabilityKind::SendMessage => Capability::SendMessage,
            CapabilityKind::ReceiveMessage => Capability::ReceiveMessage,
        }
    }

    fn path_scope(&self) -> Option<&Option<VfsPath>> {
        match self {
            Capability::ReadFile(scope)
            | Capability::WriteFile(scope)
            | Capability::CreateFile(scope)
            | Capability::DeleteFile(scope)
            | Capability::ListDirectory(scope) => Some(scope),
            _ => None,
        }
    }

    /// True when this capability grants `kind` on `path` (or on no path at all).
    pub fn allows(&self, kind: CapabilityKind, path: Option<&VfsPath>) -> bool {
        if self.kind() != kind {
            return false;
        }
        match (self.path_scope(), path) {
            (Some(Some(scope)), Some(path)) => path.starts_with(scope),
            _ => true,
        }
    }
}

/// The capabilities a PID holds. Empty by default: denial is the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapabilitySet {
    granted: Vec<Capability>,
}

impl CapabilitySet {
    /// An empty set, which allows nothing.
    pub fn new() -> CapabilitySet {
        CapabilitySet::default()
    }

    /// Every capability, unscoped. Reserved for the kernel's own trusted processes.
    pub fn all() -> CapabilitySet {
        CapabilitySet {
            granted: CapabilityKind::ALL
                .into_iter()
                .map(Capability::unscoped)
                .collect(),
        }
    }

    /// The set with `capability` added.
    pub fn grant(mut self, capability: Capability) -> CapabilitySet {
        if !self.granted.contains(&capability) {
            self.granted.push(capability);
        }
        self
    }

    /// True when some held capability grants `kind` on `path`.
    pub fn allows(&self, kind: CapabilityKind, path: Option<&VfsPath>) -> bool {
        self.granted
            .iter()
            .any(|capability| capability.allows(kind, path))
    }

    /// The held capabilities, in grant order.
    pub fn iter(&self) -> impl Iterator<Item = &Capability> {
        self.granted.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_set_denies_everything() {
        let set = CapabilitySet::new();
        for kind in CapabilityKind::ALL {
            assert!(!set.allows(kind, None));
            assert!(!set.allows(kind, Some(&VfsPath::root())));
        }
    }

    #[test]
    fn path_scope_is_component_wise() {
        let set = CapabilitySet::new().grant(Capability::ReadFile(Some("/tmp".into())));
        assert!(set.allows(CapabilityKind::ReadFile, Some(&"/tmp/a".into())));
        assert!(!set.allows(CapabilityKind::ReadFile, Some(&"/tmpx".into())));
        assert!(!set.allows(CapabilityKind::ReadFile, Some(&"/tmp/../etc".into())));
        assert!(!set.allows(CapabilityKind::WriteFile, Some(&"/tmp/a".into())));
    }

    #[test]
    fn names_round_trip() {
        for kind in CapabilityKind::ALL {
            assert_eq!(CapabilityKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(
            CapabilityKind::from_name("read_file"),
            Some(CapabilityKind::ReadFile)
        );
        assert_eq!(CapabilityKind::from_name("STANDARD"), None);
    }
}
