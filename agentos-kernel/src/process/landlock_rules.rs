//! Builds a child's Landlock ruleset (before the fork) from its allowed paths and ports.

use std::{
    collections::HashMap,
    os::{fd::OwnedFd, unix::fs::MetadataExt},
    path::PathBuf,
    sync::OnceLock,
};

use parking_lot::Mutex;

use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, NetPort, Ruleset, RulesetAttr, RulesetCreatedAttr,
    Scope, path_beneath_rules,
};

use crate::process::spec::SpawnSpec;

/// First ABI with TCP bind/connect rules.
const FIRST_NET_ABI: u32 = 4;

/// First ABI with signal and abstract-unix-socket scopes.
pub(crate) const FIRST_SCOPE_ABI: u32 = 6;

/// Rulesets kept for reuse; the cache is emptied when it holds this many.
const CACHE_CAPACITY: usize = 32;

/// A ruleset ready for `landlock_restrict_self`, and a line describing it.
pub(crate) struct BuiltRuleset {
    pub(crate) fd: OwnedFd,
    pub(crate) detail: String,
}

/// What a ruleset is built from: the rules, and the ABI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RulesKey {
    version: u32,
    read: Vec<PathBuf>,
    write: Vec<PathBuf>,
    network: bool,
    bind_any_port: bool,
    connect_ports: Vec<u16>,
    bind_ports: Vec<u16>,
}

/// A built ruleset and the identity (device, inode) each of its paths had when it was built.
struct Cached {
    fd: OwnedFd,
    detail: String,
    identities: Vec<Option<(u64, u64)>>,
}

/// The device and inode of every allowed path (read ones first), `None` where it is missing.
fn identities(spec: &SpawnSpec) -> Vec<Option<(u64, u64)>> {
    spec.allowed_read
        .iter()
        .chain(&spec.allowed_write)
        .map(|path| {
            std::fs::metadata(path)
                .ok()
                .map(|meta| (meta.dev(), meta.ino()))
        })
        .collect()
}

/// The ruleset for `spec`: a copy of one built earlier from the same rules when every path
/// still names the same file (a Landlock rule holds the inode it was opened at, so a
/// replaced folder needs a new ruleset), else a new one. Building opens and checks every path
/// (five system calls each); checking a cached one costs one `stat` per path.
///
/// # Errors
/// The Landlock error as text.
pub(crate) fn cached(spec: &SpawnSpec, version: u32) -> Result<BuiltRuleset, String> {
    static CACHE: OnceLock<Mutex<HashMap<RulesKey, Cached>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let key = RulesKey {
        version,
        read: spec.allowed_read.clone(),
        write: spec.allowed_write.clone(),
        network: spec.network,
        bind_any_port: spec.bind_any_port,
        connect_ports: spec.connect_ports.clone(),
        bind_ports: spec.bind_ports.clone(),
    };
    let now = identities(spec);
    if let Some(hit) = cache.lock().get(&key)
        && hit.identities == now
        && let Ok(fd) = hit.fd.try_clone()
    {
        return Ok(BuiltRuleset {
            fd,
            detail: hit.detail.clone(),
        });
    }
    let built = build(spec, version)?;
    if let Ok(fd) = built.fd.try_clone() {
        let mut cache = cache.lock();
        if cache.len() >= CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(
            key,
            Cached {
                fd,
                detail: built.detail.clone(),
                identities: now,
            },
        );
    }
    Ok(built)
}

/// Builds the ruleset for `spec` at Landlock ABI `version`: read+execute beneath
/// `allowed_read`, everything beneath `allowed_write`, and TCP rules when the ABI has them.
///
/// # Errors
/// The Landlock error as text.
pub(crate) fn build(spec: &SpawnSpec, version: u32) -> Result<BuiltRuleset, String> {
    let abi = ABI::from(i32::try_from(version).unwrap_or(i32::MAX));
    let mut net_handled: BitFlags<AccessNet> = BitFlags::empty();
    if version >= FIRST_NET_ABI {
        // Binding is denied unless listed, as for kernel sockets; only an unscoped
        // `BindPort` (`bind_any_port`) leaves it unrestricted.
        if !spec.network || !spec.bind_any_port {
            net_handled |= AccessNet::BindTcp;
        }
        if !spec.network || !spec.connect_ports.is_empty() {
            net_handled |= AccessNet::ConnectTcp;
        }
    }
    let text = |err: landlock::RulesetError| err.to_string();
    let mut ruleset = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .map_err(text)?;
    if !net_handled.is_empty() {
        ruleset = ruleset.handle_access(net_handled).map_err(text)?;
    }
    // Scopes: no signals to, and no abstract unix sockets of, processes outside the sandbox.
    let scoped = version >= FIRST_SCOPE_ABI;
    if scoped {
        ruleset = ruleset.scope(Scope::from_all(abi)).map_err(text)?;
    }
    let mut created = ruleset
        .create()
        .map_err(text)?
        .add_rules(path_beneath_rules(
            &spec.allowed_read,
            AccessFs::from_read(abi),
        ))
        .map_err(text)?
        .add_rules(path_beneath_rules(
            &spec.allowed_write,
            AccessFs::from_all(abi),
        ))
        .map_err(text)?;
    if spec.network {
        for port in &spec.connect_ports {
            created = created
                .add_rule(NetPort::new(*port, AccessNet::ConnectTcp))
                .map_err(text)?;
        }
        for port in spec.bind_ports.iter().filter(|_| !spec.bind_any_port) {
            created = created
                .add_rule(NetPort::new(*port, AccessNet::BindTcp))
                .map_err(text)?;
        }
    }
    let fd: Option<OwnedFd> = created.into();
    let fd = fd.ok_or_else(|| "the kernel returned no ruleset".to_owned())?;
    let tcp = if version < FIRST_NET_ABI {
        "no TCP rules in this ABI".to_owned()
    } else if !spec.network {
        "TCP bind and connect denied".to_owned()
    } else {
        let connect = if spec.connect_ports.is_empty() {
            "TCP connect any port".to_owned()
        } else {
            format!("TCP connect ports {:?}", spec.connect_ports)
        };
        let bind = if spec.bind_any_port {
            "bind any port".to_owned()
        } else if spec.bind_ports.is_empty() {
            "bind denied".to_owned()
        } else {
            format!("bind ports {:?}", spec.bind_ports)
        };
        format!("{connect}, {bind}")
    };
    let scopes = if scoped {
        ", no signals or abstract sockets outside"
    } else {
        ""
    };
    let detail = format!(
        "ABI {version}: read-only {} paths, read-write {} paths, {tcp}{scopes}",
        spec.allowed_read.len(),
        spec.allowed_write.len()
    );
    Ok(BuiltRuleset { fd, detail })
}
