//! Access checks: who is calling, which capability a call needs, and which path it really
//! touches (working-directory relative, normalised, symlinks resolved inside the VFS).

use std::{collections::VecDeque, sync::Arc};

use crate::{
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    path::VfsPath,
    pid_table::PidEntry,
    process::Pid,
    sandbox::SandboxPolicy,
};

/// Most symlinks followed while resolving one path, as Linux's `MAXSYMLINKS`.
const MAX_SYMLINK_HOPS: usize = 40;

/// The calling PID with its entry and a snapshot of its policy.
pub(crate) struct Caller {
    pub(crate) pid: Pid,
    pub(crate) entry: Arc<PidEntry>,
    pub(crate) policy: Arc<SandboxPolicy>,
}

/// Whether a symlink in the last component is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Follow {
    /// Act on what the link points to.
    Yes,
    /// Act on the link itself.
    No,
}

impl Kernel {
    pub(crate) fn caller(&self, pid: Pid) -> Result<Caller> {
        let entry = self.inner.pids.get(pid)?;
        let policy = entry.policy();
        Ok(Caller { pid, entry, policy })
    }

    /// Fails with `PermissionDenied` unless the caller holds `kind` (with any scope).
    pub(crate) fn require(&self, caller: &Caller, kind: CapabilityKind) -> Result<()> {
        if caller.entry.holds(kind) {
            Ok(())
        } else {
            Err(Error::PermissionDenied {
                pid: caller.pid,
                capability: kind,
                path: "-".into(),
            })
        }
    }

    /// Turns `raw` into the absolute path the call will touch and checks that the caller may
    /// use `kind` on it: both the path as written (normalised) and the path after symlink
    /// resolution must pass.
    pub(crate) fn check_path(
        &self,
        caller: &Caller,
        kind: CapabilityKind,
        raw: &str,
        follow: Follow,
    ) -> Result<VfsPath> {
        let literal = self.absolute(caller, raw)?;
        let deny = |path: &VfsPath| Error::PermissionDenied {
            pid: caller.pid,
            capability: kind,
            path: path.to_string(),
        };
        if !caller.policy.allows_path(kind, &literal) {
            return Err(deny(&literal));
        }
        let resolved = self.resolve(&literal, follow)?;
        if resolved != literal && !caller.policy.allows_path(kind, &resolved) {
            return Err(deny(&resolved));
        }
        Ok(resolved)
    }

    /// `raw` made absolute against the caller's working directory and normalised.
    pub(crate) fn absolute(&self, caller: &Caller, raw: &str) -> Result<VfsPath> {
        if raw.is_empty() {
            return Err(Error::InvalidArgument("path is empty".into()));
        }
        if raw.contains('\0') {
            return Err(Error::InvalidArgument(format!(
                "path {raw:?} holds a NUL byte"
            )));
        }
        if raw.starts_with('/') {
            Ok(VfsPath::new(raw))
        } else {
            Ok(caller.entry.state.lock().cwd.join(raw))
        }
    }

    /// Resolves every symlink in `path` (the last component only with `Follow::Yes`). An
    /// absolute link target starts from the root of the mount holding the link; a relative one
    /// from the link's directory. Resolution never leaves the VFS.
    pub(crate) fn resolve(&self, path: &VfsPath, follow: Follow) -> Result<VfsPath> {
        let mounts = &self.inner.mounts;
        if !mounts.may_have_symlinks_on(path) {
            return Ok(path.clone());
        }
        let mut pending: VecDeque<String> = path.components().map(str::to_owned).collect();
        let mut current = VfsPath::root();
        let mut hops = 0;
        while let Some(component) = pending.pop_front() {
            match component.as_str() {
                "" | "." => continue,
                ".." => {
                    current = current.parent();
                    continue;
                }
                _ => {}
            }
            let candidate = current.join(&component);
            if pending.is_empty() && follow == Follow::No {
                return Ok(candidate);
            }
            let Ok(route) = mounts.route(&candidate) else {
                current = candidate;
                continue;
            };
            if !route.fs.may_have_symlinks() {
                current = candidate;
                continue;
            }
            match route.fs.read_link(&route.inner) {
                Ok(target) => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(Error::InvalidArgument(format!(
                            "too many levels of symbolic links resolving {path}"
                        )));
                    }
                    let parts: Vec<String> = target
                        .split('/')
                        .filter(|part| !part.is_empty())
                        .map(str::to_owned)
                        .collect();
                    for part in parts.into_iter().rev() {
                        pending.push_front(part);
                    }
                    if target.starts_with('/') {
                        current = route.point.clone();
                    }
                }
                Err(Error::NotFound(_)) => {
                    // Nothing below a missing component can be a link.
                    current = candidate;
                    for rest in pending.drain(..) {
                        current = current.join(&rest);
                    }
                    return Ok(current);
                }
                Err(_) => current = candidate,
            }
        }
        Ok(current)
    }
}
