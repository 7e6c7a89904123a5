//! The capabilities an app's PID gets from its Blueprint's `permissions` and `services`.
//!
//! Presets: `MINIMAL` grants nothing; `STANDARD` grants file access to the app's own data
//! directory plus `SYSTEM_INFO` and `TIME_ACCESS`; `PRIVILEGED` grants every kind but
//! `BIND_PORT`, unscoped. A single file kind (`READ_FILE`, …) is scoped to the data directory.
//! Services imply what their tools need: `storage` and `notes` the data directory, `filesystem`
//! the data directory or a configured `root` the runtime allows sharing (`readonly` drops
//! writes), `system` and `analysis` system info and clocks, `timer` clocks, `http` the network,
//! `ipc` messaging. Unknown names grant nothing.

use agentos_blueprint::Blueprint;
use agentos_kernel::{Capability, CapabilityKind, CapabilitySet, NetworkRule, VfsPath};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

const FILE_KINDS: [CapabilityKind; 5] = [
    CapabilityKind::ReadFile,
    CapabilityKind::WriteFile,
    CapabilityKind::CreateFile,
    CapabilityKind::DeleteFile,
    CapabilityKind::ListDirectory,
];

/// `kind` limited to `scope` when it is a file kind, unscoped otherwise.
pub(crate) fn scoped(kind: CapabilityKind, scope: &VfsPath) -> Capability {
    match kind {
        CapabilityKind::ReadFile => Capability::ReadFile(Some(scope.clone())),
        CapabilityKind::WriteFile => Capability::WriteFile(Some(scope.clone())),
        CapabilityKind::CreateFile => Capability::CreateFile(Some(scope.clone())),
        CapabilityKind::DeleteFile => Capability::DeleteFile(Some(scope.clone())),
        CapabilityKind::ListDirectory => Capability::ListDirectory(Some(scope.clone())),
        other => Capability::unscoped(other),
    }
}

/// The service names of a Blueprint's `services`, with each one's config object.
pub(crate) fn services(blueprint: &Blueprint) -> Vec<(String, &Map<String, Value>)> {
    blueprint
        .services
        .iter()
        .map(|service| (service.name.clone(), &service.config))
        .collect()
}

/// The capability set for `blueprint`, whose data directory is `data_dir`. `shareable` lists
/// the roots a `filesystem` service may ask for.
///
/// # Errors
/// [`Error::Launch`] when a `filesystem` root lies outside every shareable root.
pub(crate) fn for_blueprint(
    blueprint: &Blueprint,
    data_dir: &VfsPath,
    shareable: &[String],
) -> Result<CapabilitySet> {
    let mut set = CapabilitySet::new();
    let files = |set: CapabilitySet, scope: &VfsPath, readonly: bool| {
        FILE_KINDS
            .into_iter()
            .filter(|kind| {
                !readonly
                    || matches!(
                        kind,
                        CapabilityKind::ReadFile | CapabilityKind::ListDirectory
                    )
            })
            .fold(set, |set, kind| set.grant(scoped(kind, scope)))
    };
    for permission in &blueprint.app.permissions {
        match permission.to_ascii_uppercase().as_str() {
            "MINIMAL" => {}
            "STANDARD" => {
                set = files(set, data_dir, false)
                    .grant(Capability::SystemInfo)
                    .grant(Capability::TimeAccess);
            }
            "PRIVILEGED" => {
                for kind in CapabilityKind::ALL {
                    if kind != CapabilityKind::BindPort {
                        set = set.grant(Capability::unscoped(kind));
                    }
                }
            }
            name => {
                if let Some(kind) = CapabilityKind::from_name(name) {
                    set = set.grant(scoped(kind, data_dir));
                }
            }
        }
    }
    for (name, config) in services(blueprint) {
        match name.as_str() {
            "storage" | "notes" => set = files(set, data_dir, false),
            "filesystem" => {
                let root = config.get("root").and_then(Value::as_str);
                let readonly = config
                    .get("readonly")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let scope = match root {
                    None => data_dir.clone(),
                    Some(root) => {
                        let root = VfsPath::new(root);
                        if !shareable
                            .iter()
                            .any(|allowed| root.starts_with(&VfsPath::new(allowed)))
                        {
                            return Err(Error::Launch {
                                app: blueprint.app.id.clone(),
                                reason: format!(
                                    "filesystem root {root} is not shareable (allowed: {})",
                                    shareable.join(", ")
                                ),
                            });
                        }
                        root
                    }
                };
                set = files(set, &scope, readonly);
            }
            "system" | "analysis" => {
                set = set
                    .grant(Capability::SystemInfo)
                    .grant(Capability::TimeAccess)
            }
            "timer" => set = set.grant(Capability::TimeAccess),
            "http" | "network" => set = set.grant(Capability::NetworkAccess(NetworkRule::any())),
            "ipc" => {
                set = set
                    .grant(Capability::SendMessage)
                    .grant(Capability::ReceiveMessage)
            }
            _ => {}
        }
    }
    Ok(set)
}

/// True when the set grants any file access (so the data directory must exist).
pub(crate) fn touches_files(set: &CapabilitySet) -> bool {
    set.iter()
        .any(|capability| FILE_KINDS.contains(&capability.kind()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blueprint(text: &str) -> Blueprint {
        agentos_blueprint::parse(text).into_result().unwrap()
    }

    #[test]
    fn presets_and_services_map_to_scoped_sets() {
        let data = VfsPath::new("/system/data/n");
        let bp = blueprint(
            r#"{"app": {"id": "n", "name": "N", "permissions": ["STANDARD"]}, "services": [{"storage": ["get"]}]}"#,
        );
        let set = for_blueprint(&bp, &data, &[]).unwrap();
        assert!(set.allows(
            CapabilityKind::WriteFile,
            Some(&"/system/data/n/k.json".into())
        ));
        assert!(!set.allows(
            CapabilityKind::WriteFile,
            Some(&"/system/data/other".into())
        ));
        assert!(set.allows(CapabilityKind::SystemInfo, None));
        assert!(!set.allows(CapabilityKind::NetworkAccess, None));

        let none = for_blueprint(
            &blueprint(r#"{"app": {"id": "c", "name": "C"}}"#),
            &data,
            &[],
        )
        .unwrap();
        assert_eq!(
            none,
            CapabilitySet::new(),
            "no permissions, no services: nothing"
        );

        let bp = blueprint(
            r#"{"app": {"id": "f", "name": "F"}, "services": [{"filesystem": {"root": "/home/docs", "readonly": true}}, "http"]}"#,
        );
        let set = for_blueprint(&bp, &data, &["/home".to_owned()]).unwrap();
        assert!(set.allows(CapabilityKind::ReadFile, Some(&"/home/docs/a".into())));
        assert!(!set.allows(CapabilityKind::WriteFile, Some(&"/home/docs/a".into())));
        assert!(set.allows(CapabilityKind::NetworkAccess, None));
        let err = for_blueprint(&bp, &data, &[]).unwrap_err();
        assert!(
            err.to_string()
                .contains("filesystem root /home/docs is not shareable"),
            "{err}"
        );

        let bp = blueprint(
            r#"{"app": {"id": "p", "name": "P", "permissions": ["PRIVILEGED", "READ_FILE"]}}"#,
        );
        let set = for_blueprint(&bp, &data, &[]).unwrap();
        assert!(set.allows(CapabilityKind::ReadFile, Some(&"/etc/x".into())));
        assert!(!set.allows(CapabilityKind::BindPort, None));
    }
}
