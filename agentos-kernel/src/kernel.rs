//! The [`Kernel`] handle: the process table, the mounted filesystem and syscall dispatch.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
};

use parking_lot::RwLock;

use crate::{
    capability::CapabilitySet,
    error::{Error, Result},
    path::VfsPath,
    process::{Pid, Process},
    syscall::{DirEntry, Syscall, SyscallOutput},
    vfs::{FileSystem, MemFs},
};

/// Default byte capacity of the root in-memory filesystem (100 MB).
const DEFAULT_MEMFS_CAPACITY: u64 = 100 * 1024 * 1024;

/// A handle to one kernel. Cheap to clone; every clone sees the same processes and files.
#[derive(Clone)]
pub struct Kernel {
    inner: Arc<Inner>,
}

struct Inner {
    next_pid: AtomicU32,
    processes: RwLock<HashMap<Pid, Process>>,
    root: MemFs,
    runtime: crate::process::Runtime,
}

impl Default for Kernel {
    fn default() -> Kernel {
        Kernel::new()
    }
}

impl Kernel {
    /// A kernel with an empty process table and a 100 MB `MemFs` mounted at `/`, holding `/tmp`.
    pub fn new() -> Kernel {
        let root = MemFs::with_capacity(DEFAULT_MEMFS_CAPACITY);
        // The root filesystem is fresh and `/tmp` is a plain directory name, so this cannot fail.
        let _ = root.create_dir(&VfsPath::new("/tmp"));
        Kernel {
            inner: Arc::new(Inner {
                next_pid: AtomicU32::new(1),
                processes: RwLock::new(HashMap::new()),
                root,
                runtime: crate::process::Runtime::default(),
            }),
        }
    }

    /// Registers a process called `name` holding `capabilities` and returns its new PID.
    pub fn create_process(&self, name: &str, capabilities: CapabilitySet) -> Pid {
        let pid = Pid(self.inner.next_pid.fetch_add(1, Ordering::Relaxed));
        let process = Process {
            name: name.to_owned(),
            capabilities,
        };
        self.inner.processes.write().insert(pid, process);
        pid
    }

    /// Removes a process and everything it holds.
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub fn exit(&self, pid: Pid) -> Result<()> {
        match self.inner.processes.write().remove(&pid) {
            Some(_) => Ok(()),
            None => Err(Error::NoSuchProcess(pid)),
        }
    }

    /// The name a process was created with.
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub fn process_name(&self, pid: Pid) -> Result<String> {
        self.inner
            .processes
            .read()
            .get(&pid)
            .map(|process| process.name.clone())
            .ok_or(Error::NoSuchProcess(pid))
    }

    /// Kernel II's per-kernel state: OS children, scheduler, memory manager, sockets.
    pub(crate) fn runtime(&self) -> &crate::process::Runtime {
        &self.inner.runtime
    }

    /// A copy of the capabilities `pid` holds.
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub(crate) fn capabilities_of(&self, pid: Pid) -> Result<CapabilitySet> {
        self.inner
            .processes
            .read()
            .get(&pid)
            .map(|process| process.capabilities.clone())
            .ok_or(Error::NoSuchProcess(pid))
    }

    /// Runs `call` on behalf of `pid` after checking its capabilities.
    ///
    /// # Errors
    /// `NoSuchProcess` for an unknown PID, `PermissionDenied` naming the PID, capability and path
    /// when the capability is not held, and the filesystem's errors otherwise.
    ///
    /// # Capabilities
    /// Each [`Syscall`] variant documents the capability it needs.
    pub fn syscall(&self, pid: Pid, call: Syscall) -> Result<SyscallOutput> {
        let (capability, path) = call.requirement();
        {
            let processes = self.inner.processes.read();
            let process = processes.get(&pid).ok_or(Error::NoSuchProcess(pid))?;
            if !process.capabilities.allows(capability, Some(&path)) {
                return Err(Error::PermissionDenied {
                    pid,
                    capability,
                    path: path.to_string(),
                });
            }
        }
        let fs = &self.inner.root;
        match call {
            Syscall::ReadFile { .. } => fs.read(&path).map(SyscallOutput::Bytes),
            Syscall::WriteFile { data, .. } => fs.write(&path, &data).map(|()| SyscallOutput::None),
            Syscall::ListDirectory { .. } => {
                let entries = fs
                    .list_dir(&path)?
                    .into_iter()
                    .map(|(name, is_dir)| DirEntry { name, is_dir })
                    .collect();
                Ok(SyscallOutput::Entries(entries))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Capability, CapabilityKind};

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn kernel_is_send_and_sync() {
        assert_send_sync::<Kernel>();
    }

    #[test]
    fn pids_are_distinct_and_start_at_one() {
        let kernel = Kernel::new();
        let a = kernel.create_process("a", CapabilitySet::new());
        let b = kernel.create_process("b", CapabilitySet::new());
        assert_eq!(a, Pid(1));
        assert_eq!(b, Pid(2));
        assert_eq!(kernel.process_name(b).unwrap(), "b");
    }

    #[test]
    fn new_pid_is_denied_with_pid_capability_and_path() {
        let kernel = Kernel::new();
        let pid = kernel.create_process("app", CapabilitySet::new());
        let err = kernel
            .syscall(
                pid,
                Syscall::ReadFile {
                    path: "/tmp/../tmp/a".into(),
                },
            )
            .unwrap_err();
        assert_eq!(
            err,
            Error::PermissionDenied {
                pid,
                capability: CapabilityKind::ReadFile,
                path: "/tmp/a".into()
            }
        );
        assert_eq!(
            err.to_string(),
            format!("pid {pid}: capability READ_FILE not held for /tmp/a")
        );
    }

    #[test]
    fn scoped_capabilities_allow_inside_and_deny_outside() {
        let kernel = Kernel::new();
        let caps = CapabilitySet::new()
            .grant(Capability::WriteFile(Some("/tmp".into())))
            .grant(Capability::ReadFile(Some("/tmp".into())))
            .grant(Capability::ListDirectory(Some("/tmp".into())));
        let pid = kernel.create_process("app", caps);
        kernel
            .syscall(
                pid,
                Syscall::WriteFile {
                    path: "/tmp/a".into(),
                    data: b"1".to_vec(),
                },
            )
            .unwrap();
        assert_eq!(
            kernel
                .syscall(
                    pid,
                    Syscall::ListDirectory {
                        path: "/tmp".into()
                    }
                )
                .unwrap(),
            SyscallOutput::Entries(vec![DirEntry {
                name: "a".into(),
                is_dir: false
            }])
        );
        let escape = kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/tmp/../etc/passwd".into(),
            },
        );
        assert!(matches!(escape, Err(Error::PermissionDenied { .. })));
    }

    #[test]
    fn exited_pid_is_gone() {
        let kernel = Kernel::new();
        let pid = kernel.create_process("app", CapabilitySet::all());
        kernel.exit(pid).unwrap();
        assert_eq!(
            kernel.syscall(
                pid,
                Syscall::ReadFile {
                    path: "/tmp/a".into()
                }
            ),
            Err(Error::NoSuchProcess(pid))
        );
        assert_eq!(kernel.exit(pid), Err(Error::NoSuchProcess(pid)));
    }
}
