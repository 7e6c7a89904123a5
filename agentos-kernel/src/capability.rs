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
    /// Open outbound network connections to hosts and ports the rule matches.
    NetworkAccess(NetworkRule),
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
            Capability::NetworkAccess(_) => CapabilityKind::NetworkAccess,
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
            CapabilityKind::NetworkAccess => Capability::NetworkAccess(NetworkRule::any()),
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
    ///
    /// Network and port capabilities ignore `path`; use [`Capability::allows_connect`] and
    /// [`Capability::allows_bind`] for their scopes.
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

impl Capability {
    /// True when this is a `NetworkAccess` whose rule admits `host:port`.
    pub fn allows_connect(&self, host: &str, port: u16) -> bool {
        match self {
            Capability::NetworkAccess(rule) => rule.matches(host, port),
            _ => false,
        }
    }

    /// True when this is a `BindPort` admitting `port`.
    pub fn allows_bind(&self, port: u16) -> bool {
        match self {
            Capability::BindPort(scope) => scope.is_none_or(|allowed| allowed == port),
            _ => false,
        }
    }
}

/// Which hosts and ports a `NetworkAccess` capability reaches. `None` fields match anything.
///
/// A host pattern `*.example.com` matches every subdomain of `example.com` (not the bare domain);
/// other patterns match the host exactly, ignoring ASCII case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct NetworkRule {
    /// The host or `*.suffix` pattern; `None` means any host.
    pub host: Option<String>,
    /// The port; `None` means any port.
    pub port: Option<u16>,
}

impl NetworkRule {
    /// A rule matching every host and port.
    pub fn any() -> NetworkRule {
        NetworkRule::default()
    }

    /// A rule matching exactly `host` on `port` (or any port when `None`).
    pub fn host(host: &str, port: Option<u16>) -> NetworkRule {
        NetworkRule {
            host: Some(host.to_owned()),
            port,
        }
    }

    /// True when `host:port` is admitted.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        if self.port.is_some_and(|allowed| allowed != port) {
            return false;
        }
        match &self.host {
            None => true,
            Some(pattern) => match pattern.strip_prefix("*.") {
                Some(suffix) => {
                    let host = host.to_ascii_lowercase();
                    let suffix = suffix.to_ascii_lowercase();
                    host.len() > suffix.len() + 1
                        && host.ends_with(&suffix)
                        && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
                }
                None => pattern.eq_ignore_ascii_case(host),
            },
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

    /// True when some held `NetworkAccess` rule admits `host:port`.
    pub fn allows_connect(&self, host: &str, port: u16) -> bool {
        self.granted
            .iter()
            .any(|capability| capability.allows_connect(host, port))
    }

    /// True when some held `BindPort` admits `port`.
    pub fn allows_bind(&self, port: u16) -> bool {
        self.granted
            .iter()
            .any(|capability| capability.allows_bind(port))
    }

    /// True when an unscoped `BindPort` (any port) is held.
    pub fn allows_bind_any(&self) -> bool {
        self.granted
            .iter()
            .any(|capability| matches!(capability, Capability::BindPort(None)))
    }

    /// The set without any capability of `kind`.
    pub fn revoke(mut self, kind: CapabilityKind) -> CapabilitySet {
        self.granted.retain(|capability| capability.kind() != kind);
        self
    }

    /// True when no capability is held.
    pub fn is_empty(&self) -> bool {
        self.granted.is_empty()
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
    fn network_rules_scope_hosts_and_ports() {
        let rule = NetworkRule::host("*.example.com", Some(443));
        assert!(rule.matches("api.example.com", 443));
        assert!(rule.matches("A.B.Example.COM", 443));
        assert!(!rule.matches("example.com", 443));
        assert!(!rule.matches("evilexample.com", 443));
        assert!(!rule.matches("api.example.com", 80));
        let set = CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::host(
            "localhost",
            None,
        )));
        assert!(set.allows_connect("localhost", 8080));
        assert!(!set.allows_connect("example.org", 8080));
        assert!(CapabilitySet::all().allows_connect("example.org", 1));
        assert!(
            CapabilitySet::new()
                .grant(Capability::BindPort(Some(80)))
                .allows_bind(80)
        );
        assert!(
            !CapabilitySet::new()
                .grant(Capability::BindPort(Some(80)))
                .allows_bind(81)
        );
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
