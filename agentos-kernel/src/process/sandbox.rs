//! Turns a [`SpawnSpec`] into the prepared child setup and the [`SandboxReport`]: every layer
//! is built here, before the fork, and each one is reported as enforced or unavailable.

use std::{
    os::fd::{AsRawFd, RawFd},
    sync::{Arc, OnceLock},
};

use crate::{
    error::Error,
    process::{
        cgroup::{Cgroup, CgroupHost, CgroupLimits},
        cgroup_pool::CgroupPool,
        landlock_rules,
        report::{Layer, LayerStatus, SandboxReport, enforced, unavailable},
        seccomp_filter, spawner,
        spec::SpawnSpec,
        stub_pool::ShapeKey,
    },
    sys::{self, ChildSetup, Rlimit, StubShape},
};

/// Namespaces every sandboxed child gets.
const BASE_NAMESPACES: libc::c_int = libc::CLONE_NEWUSER
    | libc::CLONE_NEWNS
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUTS;

/// A child ready to fork: what it applies to itself, its cgroup, and the report.
pub(crate) struct Prepared {
    pub(crate) setup: ChildSetup,
    pub(crate) cgroup: Option<Cgroup>,
    pub(crate) report: SandboxReport,
    /// The pre-forked stub the child can start in, if any.
    pub(crate) shape: Option<ShapeKey>,
}

/// The host's cgroup layout, detected once per process.
pub(crate) fn cgroup_host() -> &'static CgroupHost {
    static HOST: OnceLock<CgroupHost> = OnceLock::new();
    HOST.get_or_init(CgroupHost::detect)
}

/// Builds every requested layer for `spec`, taking its cgroup from `cgroups`.
///
/// # Errors
/// `SandboxUnavailable` in strict mode when a layer cannot be enforced; `Sandbox` when
/// building a layer the host supports fails.
pub(crate) fn prepare(spec: &SpawnSpec, cgroups: &Arc<CgroupPool>) -> Result<Prepared, Error> {
    let mut setup = ChildSetup {
        nice: Some(nice_for(spec.priority)),
        // Die with the kernel's process (only safe when a long-lived thread does the forks).
        parent_pid: spawner::available().then(|| nix::unistd::getpid().as_raw()),
        ..ChildSetup::default()
    };
    let mut report = SandboxReport::default();
    let mut cgroup = None;
    let layers = spec.layers;

    // Namespaces first: they decide the process overhead the pids limit must allow for.
    let mut pid_namespace = false;
    if layers.namespaces {
        match plan_namespaces(spec) {
            Ok(plan) => {
                setup.network_namespace = plan.network_namespace;
                setup.unshare_flags = plan.flags;
                setup.id_maps = Some(plan.id_maps);
                setup.mount_proc = true;
                // The spawner thread makes the child PID 1 itself where the kernel may (root).
                setup.direct_pid_namespace = direct_pid_namespace();
                pid_namespace = true;
                report.push(Layer::Namespaces, enforced(plan.detail));
            }
            Err(reason) => {
                report.push(Layer::Namespaces, missing(spec, Layer::Namespaces, reason)?)
            }
        }
    } else {
        report.push(Layer::Namespaces, LayerStatus::Disabled);
    }

    if layers.rlimits {
        let limits = &spec.limits;
        let mut parts = Vec::new();
        let mut add = |resource, value: Option<u64>, label: &str| {
            if let Some(value) = value {
                setup.rlimits.push(Rlimit { resource, value });
                parts.push(format!("{label} {value}"));
            }
        };
        add(libc::RLIMIT_AS, limits.address_space_bytes, "address space");
        add(libc::RLIMIT_CPU, limits.cpu_seconds, "cpu seconds");
        add(libc::RLIMIT_NOFILE, limits.open_files, "open files");
        add(libc::RLIMIT_FSIZE, limits.file_size_bytes, "file size");
        add(libc::RLIMIT_CORE, Some(0), "core");
        // RLIMIT_NPROC counts every process of the real uid; only inside a fresh user
        // namespace does that mean "this sandbox's processes" (the init counts too).
        if let (true, Some(processes)) = (pid_namespace, limits.processes) {
            setup.rlimits.push(Rlimit {
                resource: libc::RLIMIT_NPROC,
                value: processes.saturating_add(1),
            });
            if nix::unistd::geteuid().is_root() {
                parts.push(format!("processes {processes} (root is exempt from RLIMIT_NPROC; the pids cgroup holds it)"));
            } else {
                parts.push(format!("processes {processes}"));
            }
        }
        report.push(Layer::Rlimits, enforced(parts.join(", ")));
    } else {
        report.push(Layer::Rlimits, LayerStatus::Disabled);
    }

    if layers.landlock {
        match sys::landlock_abi() {
            Some(version) => {
                let built =
                    landlock_rules::cached(spec, version).map_err(|reason| Error::Sandbox {
                        layer: "landlock",
                        reason,
                    })?;
                setup.landlock_ruleset = Some(built.fd);
                report.push(Layer::Landlock, enforced(built.detail));
            }
            None => report.push(
                Layer::Landlock,
                missing(
                    spec,
                    Layer::Landlock,
                    "the kernel has no Landlock (or it is disabled)",
                )?,
            ),
        }
    } else {
        report.push(Layer::Landlock, LayerStatus::Disabled);
    }

    if layers.seccomp {
        if sys::seccomp_available() {
            let built = seccomp_filter::cached(spec.network).map_err(|reason| Error::Sandbox {
                layer: "seccomp",
                reason,
            })?;
            setup.seccomp_filters = built.programs;
            report.push(Layer::Seccomp, enforced(built.detail));
        } else {
            report.push(
                Layer::Seccomp,
                missing(
                    spec,
                    Layer::Seccomp,
                    "the kernel has no seccomp filter mode",
                )?,
            );
        }
    } else {
        report.push(Layer::Seccomp, LayerStatus::Disabled);
    }

    if layers.cgroups {
        let host = cgroup_host();
        // Only the program's tree joins the cgroup (a keeper or init stays outside).
        let limits = CgroupLimits {
            memory_bytes: spec.limits.memory_bytes,
            pids: spec.limits.processes,
            cpu_percent: spec.limits.cpu_percent,
            cpu_weight: cpu_weight_for(spec.priority),
        };
        match cgroups
            .checkout(host, &limits)
            .and_then(|made| made.open_procs().map(|fds| (made, fds)))
        {
            Ok((made, fds)) => {
                setup.cgroup_procs = fds;
                let mut parts = vec![host.describe()];
                if let Some(bytes) = limits.memory_bytes {
                    parts.push(format!("memory {bytes}"));
                }
                if let Some(pids) = spec.limits.processes {
                    parts.push(format!("processes {pids}"));
                }
                if let Some(percent) = limits.cpu_percent {
                    parts.push(format!("cpu {percent}%"));
                }
                if made.joins_cpu() {
                    parts.push(format!("cpu weight {}", limits.cpu_weight));
                } else {
                    parts.push(format!(
                        "cpu weight {} (the default: no cpu cgroup until the priority changes)",
                        limits.cpu_weight
                    ));
                }
                report.push(Layer::Cgroups, enforced(parts.join(", ")));
                cgroup = Some(made);
            }
            Err(reason) => report.push(Layer::Cgroups, missing(spec, Layer::Cgroups, &reason)?),
        }
    } else {
        report.push(Layer::Cgroups, LayerStatus::Disabled);
    }
    report
        .layers
        .sort_by_key(|entry| Layer::ALL.iter().position(|layer| *layer == entry.layer));
    Ok(Prepared {
        shape: stub_shape(spec),
        setup,
        cgroup,
        report,
    })
}

/// The namespaces a child of `spec` gets.
struct NamespacePlan {
    flags: libc::c_int,
    /// The shared empty network namespace to enter, if the child uses it.
    network_namespace: Option<RawFd>,
    /// `uid_map` and `gid_map` contents.
    id_maps: (Vec<u8>, Vec<u8>),
    /// The report's line.
    detail: String,
}

/// Which namespaces a child of `spec` gets, or why it cannot get them here.
fn plan_namespaces(spec: &SpawnSpec) -> Result<NamespacePlan, &'static str> {
    let mut flags = BASE_NAMESPACES;
    // A child without network shares the one empty namespace when Landlock's scope keeps its
    // abstract unix sockets apart from the other children's (see `sys::netns`).
    let shared_netns = (!spec.network && landlock_scoped(spec))
        .then(sys::shared_empty_netns)
        .flatten();
    if !spec.network && shared_netns.is_none() {
        flags |= libc::CLONE_NEWNET;
    }
    if !sys::namespaces_available(flags) {
        return Err("unshare of user/pid/mount/ipc namespaces is not permitted here");
    }
    let uid = nix::unistd::geteuid().as_raw();
    let gid = nix::unistd::getegid().as_raw();
    let net = match (spec.network, shared_netns.is_some()) {
        (true, _) => "",
        (false, true) => ", net (the shared empty namespace: lo only, down)",
        (false, false) => ", net (fresh)",
    };
    Ok(NamespacePlan {
        flags,
        network_namespace: shared_netns.map(AsRawFd::as_raw_fd),
        id_maps: (
            format!("0 {uid} 1").into_bytes(),
            format!("0 {gid} 1").into_bytes(),
        ),
        detail: format!("user (root mapped to uid {uid}), pid, mount (fresh /proc), ipc, uts{net}"),
    })
}

/// True when the spawner thread can make a child PID 1 of a fresh PID namespace itself.
fn direct_pid_namespace() -> bool {
    spawner::available() && sys::direct_pid_namespace_available()
}

/// The kind of pre-forked stub (see `stub_pool`) a child of `spec` can start in: `None` when
/// its namespaces are not made by the spawner thread directly (no namespaces, or not root).
pub(crate) fn stub_shape(spec: &SpawnSpec) -> Option<ShapeKey> {
    if !spec.layers.namespaces || !direct_pid_namespace() {
        return None;
    }
    let plan = plan_namespaces(spec).ok()?;
    let seccomp = spec.layers.seccomp && sys::seccomp_available();
    Some(ShapeKey {
        namespaces: StubShape {
            network_namespace: plan.network_namespace,
            unshare_flags: plan.flags,
            id_maps: Some(plan.id_maps),
        },
        seccomp_network: seccomp.then_some(spec.network),
    })
}

/// True when the child's Landlock domain will scope abstract unix sockets (ABI 6 or later).
fn landlock_scoped(spec: &SpawnSpec) -> bool {
    spec.layers.landlock
        && sys::landlock_abi().is_some_and(|abi| abi >= landlock_rules::FIRST_SCOPE_ABI)
}

/// The nice value for a kernel priority (the reference's three bands). Unprivileged kernels
/// cannot lower nice below 0, so they get 0 for high priorities.
pub(crate) fn nice_for(priority: u8) -> i32 {
    let nice = match priority {
        0..=3 => 10,
        4..=7 => 0,
        _ => -5,
    };
    if nice < 0 && !nix::unistd::geteuid().is_root() {
        0
    } else {
        nice
    }
}

/// The cgroup CPU weight for a kernel priority (reference shares 50/100/200).
pub(crate) fn cpu_weight_for(priority: u8) -> u32 {
    match priority {
        0..=3 => 50,
        4..=7 => 100,
        _ => 200,
    }
}

fn missing(spec: &SpawnSpec, layer: Layer, reason: &str) -> Result<LayerStatus, Error> {
    if spec.strict {
        Err(Error::SandboxUnavailable {
            layer: layer.name(),
            reason: reason.to_owned(),
        })
    } else {
        Ok(unavailable(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_mode_turns_a_missing_layer_into_an_error() {
        let mut spec = SpawnSpec::new("/bin/true", [""; 0]);
        let status = missing(&spec, Layer::Landlock, "no Landlock").unwrap();
        assert_eq!(status, unavailable("no Landlock"));
        spec.strict = true;
        let err = missing(&spec, Layer::Landlock, "no Landlock").unwrap_err();
        assert_eq!(
            err.to_string(),
            "sandbox layer landlock unavailable: no Landlock"
        );
    }

    #[test]
    fn priority_bands_map_to_nice_and_weight() {
        assert_eq!((nice_for(0), cpu_weight_for(0)), (10, 50));
        assert_eq!((nice_for(5), cpu_weight_for(5)), (0, 100));
        assert!(nice_for(200) <= 0);
        assert_eq!(cpu_weight_for(200), 200);
    }
}
