//! Every file operation of the tool families and of the registry, sessions and user stores, as
//! one small set of helpers taking `(&Kernel, Pid, path)`. Each helper is one or more kernel
//! syscalls made as `pid` itself, so the kernel's capability and sandbox-path checks (on the
//! normalised, symlink-resolved path) are what allow or deny it: a denial is the kernel's
//! `PermissionDenied { pid, capability, path }`. This module checks nothing of its own.
//!
//! Persistent writes go through [`atomic_replace`]: one `write_file` syscall, which the kernel
//! routes to the mounted filesystem's write. `LocalFs` (the host data directory at `/system`)
//! implements it as `replace_atomic` — a temporary sibling `.<name>.tmp-<os pid>-<n>`, written,
//! fsynced, renamed over the target, then the directory fsynced — and `MemFs` swaps the
//! contents under one lock. The syscall table has no `fsync`, so a temp-and-`move_file`
//! sequence built from syscalls here could not make the data durable; the kernel-side replace
//! can. Temporary siblings a crash leaves behind are never listed ([`is_temp_name`]) and are
//! swept when a runtime starts ([`sweep_temps`]).

use agentos_kernel::{
    Error as KernelError, FileStat, Kernel, Pid, Syscall, SyscallOutput, VfsPath, fd_flags,
};

use crate::error::Result;

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The name within its directory.
    pub(crate) name: String,
    /// True for a directory.
    pub(crate) is_dir: bool,
}

/// What `stat` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meta {
    /// True for a directory.
    pub(crate) is_dir: bool,
    /// File size in bytes (0 for directories).
    pub(crate) size: u64,
}

/// Runs `call` as `pid`.
fn sys(kernel: &Kernel, pid: Pid, call: Syscall) -> Result<SyscallOutput> {
    Ok(kernel.syscall(pid, call)?)
}

fn unexpected(call: &str, output: &SyscallOutput) -> crate::Error {
    KernelError::InvalidArgument(format!("{call} answered {output:?}")).into()
}

fn is_kernel(err: &crate::Error, test: impl Fn(&KernelError) -> bool) -> bool {
    matches!(err, crate::Error::Kernel(inner) if test(inner))
}

/// True for the name of a temporary sibling an atomic replace writes before its rename
/// (`.<name>.tmp-<digits>-<digits>`, as `LocalFs::replace_atomic` names them). Such a file is
/// never data: a crash between its creation and the rename leaves it behind.
pub(crate) fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((stem, tail)) = rest.rsplit_once(".tmp-") else {
        return false;
    };
    let Some((a, b)) = tail.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    !stem.is_empty() && digits(a) && digits(b)
}

/// Deletes the atomic-replace temporaries in `dir` that another OS process left behind (a
/// crash between writing one and renaming it), as `pid` (`list_directory`, `delete_file`).
/// This process's own temporaries are left alone: a save may be writing one right now.
/// Returns how many were deleted.
pub(crate) fn sweep_temps(kernel: &Kernel, pid: Pid, dir: &str) -> Result<usize> {
    let own = format!(".tmp-{}-", std::process::id());
    let base = VfsPath::new(dir);
    let mut swept = 0;
    for entry in raw_list(kernel, pid, dir)? {
        if entry.is_dir || !is_temp_name(&entry.name) || entry.name.contains(&own) {
            continue;
        }
        match sys(
            kernel,
            pid,
            Syscall::DeleteFile {
                path: base.join(&entry.name).to_string(),
            },
        ) {
            Ok(_) => swept += 1,
            // Another sweeper got there first.
            Err(err) if is_kernel(&err, |e| matches!(e, KernelError::NotFound(_))) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(swept)
}

/// Reads a whole file (`read_file`, needs `ReadFile`).
pub(crate) fn read(kernel: &Kernel, pid: Pid, path: &str) -> Result<Vec<u8>> {
    match sys(
        kernel,
        pid,
        Syscall::ReadFile {
            path: path.to_owned(),
        },
    )? {
        SyscallOutput::Bytes(bytes) => Ok(bytes),
        other => Err(unexpected("read_file", &other)),
    }
}

/// Creates or replaces a file; its directory must exist (`write_file`, needs `WriteFile`).
pub(crate) fn write(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    sys(
        kernel,
        pid,
        Syscall::WriteFile {
            path: path.to_owned(),
            data: data.to_vec(),
        },
    )?;
    Ok(())
}

/// Appends to a file, creating it when missing: `open(O_WRONLY|O_APPEND)`, a descriptor write,
/// `close` (needs `WriteFile`); a missing file is created with `write_file`.
pub(crate) fn append(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    let opened = sys(
        kernel,
        pid,
        Syscall::Open {
            path: path.to_owned(),
            flags: fd_flags::O_WRONLY | fd_flags::O_APPEND,
            mode: 0o644,
        },
    );
    let fd = match opened {
        Ok(SyscallOutput::Fd(fd)) => fd,
        Ok(other) => return Err(unexpected("open", &other)),
        Err(err) if is_kernel(&err, |e| matches!(e, KernelError::NotFound(_))) => {
            return write(kernel, pid, path, data);
        }
        Err(err) => return Err(err),
    };
    let mut written = 0;
    let outcome: Result<()> = loop {
        if written >= data.len() {
            break Ok(());
        }
        match kernel.fd_write(pid, fd, &data[written..]) {
            Ok(0) => {
                break Err(KernelError::Io {
                    path: path.to_owned(),
                    message: "descriptor write made no progress".to_owned(),
                }
                .into());
            }
            Ok(n) => written += n,
            Err(err) => break Err(err.into()),
        }
    };
    let closed = sys(kernel, pid, Syscall::Close { fd });
    outcome?;
    closed.map(|_| ())
}

/// Replaces a file so that a reader — or the next start after a crash — sees the old or the
/// new contents, never a mix (`write_file`, needs `WriteFile`; see the module docs for what
/// the kernel does underneath).
pub(crate) fn atomic_replace(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    write(kernel, pid, path, data)
}

/// Lists a directory sorted by name, leaving out atomic-replace temporaries
/// (`list_directory`, needs `ListDirectory`).
pub(crate) fn list(kernel: &Kernel, pid: Pid, path: &str) -> Result<Vec<Entry>> {
    let entries = match sys(
        kernel,
        pid,
        Syscall::ListDirectory {
            path: path.to_owned(),
        },
    )? {
        SyscallOutput::Entries(entries) => entries,
        other => return Err(unexpected("list_directory", &other)),
    };
    let mut out: Vec<Entry> = entries
        .into_iter()
        .filter(|entry| !is_temp_name(&entry.name))
        .map(|entry| Entry {
            name: entry.name,
            is_dir: entry.is_dir,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Creates a directory and any missing parents; an existing directory is fine
/// (`create_directory`, needs `CreateFile`).
pub(crate) fn mkdir(kernel: &Kernel, pid: Pid, path: &str) -> Result<()> {
    sys(
        kernel,
        pid,
        Syscall::CreateDirectory {
            path: path.to_owned(),
        },
    )?;
    Ok(())
}

/// Deletes a file or an empty directory; with `recursive`, a directory and everything in it
/// (`delete_file` / `remove_directory`, needs `DeleteFile`; a recursive delete also lists,
/// needing `ListDirectory`).
pub(crate) fn delete(kernel: &Kernel, pid: Pid, path: &str, recursive: bool) -> Result<()> {
    if VfsPath::new(path).is_root() {
        return Err(KernelError::InvalidArgument("cannot delete /".to_owned()).into());
    }
    match sys(
        kernel,
        pid,
        Syscall::DeleteFile {
            path: path.to_owned(),
        },
    ) {
        Err(err) if is_kernel(&err, |e| matches!(e, KernelError::IsADirectory(_))) => {}
        other => return other.map(|_| ()),
    }
    let removed = sys(
        kernel,
        pid,
        Syscall::RemoveDirectory {
            path: path.to_owned(),
        },
    );
    match removed {
        Err(err)
            if recursive && is_kernel(&err, |e| matches!(e, KernelError::DirectoryNotEmpty(_))) =>
        {
            let dir = VfsPath::new(path);
            for child in raw_list(kernel, pid, path)? {
                delete(kernel, pid, dir.join(&child.name).as_str(), true)?;
            }
            sys(
                kernel,
                pid,
                Syscall::RemoveDirectory {
                    path: path.to_owned(),
                },
            )?;
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// Every entry of a directory, temporaries included (for deleting and copying trees).
fn raw_list(kernel: &Kernel, pid: Pid, path: &str) -> Result<Vec<agentos_kernel::DirEntry>> {
    match sys(
        kernel,
        pid,
        Syscall::ListDirectory {
            path: path.to_owned(),
        },
    )? {
        SyscallOutput::Entries(entries) => Ok(entries),
        other => Err(unexpected("list_directory", &other)),
    }
}

/// Moves a file or directory; an existing destination is `AlreadyExists` (`file_exists`, then
/// `move_file`: needs `ReadFile` on the destination and `WriteFile` on both paths).
pub(crate) fn rename(kernel: &Kernel, pid: Pid, from: &str, to: &str) -> Result<()> {
    let (source, target) = (VfsPath::new(from), VfsPath::new(to));
    if target.starts_with(&source) && target != source {
        return Err(
            KernelError::InvalidArgument(format!("cannot move {source} into itself")).into(),
        );
    }
    if exists(kernel, pid, to)? {
        return Err(KernelError::AlreadyExists(target.to_string()).into());
    }
    sys(
        kernel,
        pid,
        Syscall::MoveFile {
            source: from.to_owned(),
            destination: to.to_owned(),
        },
    )?;
    Ok(())
}

/// Copies a file (`copy_file`: `ReadFile` on the source, `WriteFile` on the destination) or a
/// directory tree (also `ListDirectory` on the source and `CreateFile` on the destination).
pub(crate) fn copy(kernel: &Kernel, pid: Pid, from: &str, to: &str) -> Result<()> {
    let (source, target) = (VfsPath::new(from), VfsPath::new(to));
    if target.starts_with(&source) && target != source {
        return Err(
            KernelError::InvalidArgument(format!("cannot copy {source} into itself")).into(),
        );
    }
    copy_tree(kernel, pid, &source, &target)
}

fn copy_tree(kernel: &Kernel, pid: Pid, from: &VfsPath, to: &VfsPath) -> Result<()> {
    if !stat_raw(kernel, pid, from.as_str())?.is_dir {
        sys(
            kernel,
            pid,
            Syscall::CopyFile {
                source: from.to_string(),
                destination: to.to_string(),
            },
        )?;
        return Ok(());
    }
    if !exists(kernel, pid, to.parent().as_str())? {
        return Err(KernelError::NotFound(to.parent().to_string()).into());
    }
    mkdir(kernel, pid, to.as_str())?;
    for child in list(kernel, pid, from.as_str())? {
        copy_tree(kernel, pid, &from.join(&child.name), &to.join(&child.name))?;
    }
    Ok(())
}

fn stat_raw(kernel: &Kernel, pid: Pid, path: &str) -> Result<FileStat> {
    match sys(
        kernel,
        pid,
        Syscall::FileStat {
            path: path.to_owned(),
        },
    )? {
        SyscallOutput::Stat(stat) => Ok(stat),
        other => Err(unexpected("file_stat", &other)),
    }
}

/// Size and kind of a path (`file_stat`, needs `ReadFile`).
pub(crate) fn stat(kernel: &Kernel, pid: Pid, path: &str) -> Result<Meta> {
    let stat = stat_raw(kernel, pid, path)?;
    Ok(Meta {
        is_dir: stat.is_dir,
        size: if stat.is_dir { 0 } else { stat.size },
    })
}

/// True when something exists at `path` (`file_exists`, needs `ReadFile`).
pub(crate) fn exists(kernel: &Kernel, pid: Pid, path: &str) -> Result<bool> {
    match sys(
        kernel,
        pid,
        Syscall::FileExists {
            path: path.to_owned(),
        },
    )? {
        SyscallOutput::Bool(found) => Ok(found),
        other => Err(unexpected("file_exists", &other)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use agentos_kernel::{
        Capability, CapabilityKind, CapabilitySet, FileSystem, LocalFs, SandboxPolicy,
        ambient_authority,
    };

    use super::*;

    fn setup() -> (Kernel, Pid) {
        let kernel = Kernel::new();
        let pid = kernel.create_process("t", CapabilitySet::all());
        (kernel, pid)
    }

    #[test]
    fn tree_operations_behave_like_a_filesystem() {
        let (k, p) = setup();
        mkdir(&k, p, "/a/b").unwrap();
        write(&k, p, "/a/b/f.txt", b"hi").unwrap();
        append(&k, p, "/a/b/f.txt", b"!").unwrap();
        append(&k, p, "/a/b/new.txt", b"created").unwrap();
        assert_eq!(read(&k, p, "/a/b/f.txt").unwrap(), b"hi!");
        assert_eq!(read(&k, p, "/a/b/new.txt").unwrap(), b"created");
        assert!(matches!(
            write(&k, p, "/nope/x", b""),
            Err(crate::Error::Kernel(KernelError::NotFound(_)))
        ));
        assert_eq!(
            list(&k, p, "/a").unwrap(),
            vec![Entry {
                name: "b".into(),
                is_dir: true
            }]
        );
        assert_eq!(
            stat(&k, p, "/a/b/f.txt").unwrap(),
            Meta {
                is_dir: false,
                size: 3
            }
        );
        copy(&k, p, "/a", "/c").unwrap();
        assert_eq!(read(&k, p, "/c/b/f.txt").unwrap(), b"hi!");
        rename(&k, p, "/c/b/f.txt", "/c/g.txt").unwrap();
        assert!(!exists(&k, p, "/c/b/f.txt").unwrap());
        assert!(matches!(
            rename(&k, p, "/c/b/new.txt", "/c/g.txt"),
            Err(crate::Error::Kernel(KernelError::AlreadyExists(_)))
        ));
        assert!(matches!(
            delete(&k, p, "/a", false),
            Err(crate::Error::Kernel(KernelError::DirectoryNotEmpty(_)))
        ));
        delete(&k, p, "/a", true).unwrap();
        assert!(!exists(&k, p, "/a/b").unwrap());
        assert!(matches!(
            delete(&k, p, "/a", true),
            Err(crate::Error::Kernel(KernelError::NotFound(_)))
        ));
        atomic_replace(&k, p, "/c/g.txt", b"new").unwrap();
        assert_eq!(read(&k, p, "/c/g.txt").unwrap(), b"new");
        let names: Vec<String> = list(&k, p, "/c")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["b", "g.txt"]);
        assert!(rename(&k, p, "/c", "/c/inner").is_err());
        assert!(copy(&k, p, "/c", "/c/inner").is_err());
        assert!(delete(&k, p, "/", true).is_err());
    }

    #[test]
    fn temp_names_are_recognised_and_never_listed() {
        for name in [".pkg.json.tmp-12-0", ".a.tmp-1-99", "..x.tmp-3-4"] {
            assert!(is_temp_name(name), "{name}");
        }
        for name in [
            "pkg.json",
            ".pkg.json",
            ".pkg.json.tmp-",
            ".pkg.json.tmp-1",
            ".pkg.json.tmp-1-",
            ".pkg.json.tmp-a-1",
            "x.tmp-1-2",
            ".tmp-1-2",
            "",
        ] {
            assert!(!is_temp_name(name), "{name}");
        }
        let dir = tempfile::tempdir().unwrap();
        let local = LocalFs::open_ambient(
            dir.path(),
            agentos_kernel::LocalFsOptions::default(),
            ambient_authority(),
        )
        .unwrap();
        local
            .write(&"/.pkg.json.tmp-1-0".into(), b"half a fi")
            .unwrap();
        let (k, p) = setup();
        k.mount("/system", Arc::new(local)).unwrap();
        atomic_replace(&k, p, "/system/pkg.json", b"{}").unwrap();
        let names: Vec<String> = list(&k, p, "/system")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["pkg.json"], "the stale temporary is not listed");
        assert_eq!(std::fs::read(dir.path().join("pkg.json")).unwrap(), b"{}");
        let on_disk = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(on_disk, 2, "the replace left no temporary of its own");
    }

    #[test]
    fn sweeping_deletes_foreign_temporaries_only() {
        let (k, p) = setup();
        mkdir(&k, p, "/reg").unwrap();
        let foreign = format!("/reg/.a.json.tmp-{}-0", std::process::id() + 1);
        let own = format!("/reg/.b.json.tmp-{}-7", std::process::id());
        for path in [
            foreign.as_str(),
            own.as_str(),
            "/reg/a.json",
            "/reg/.hidden",
        ] {
            write(&k, p, path, b"x").unwrap();
        }
        assert_eq!(sweep_temps(&k, p, "/reg").unwrap(), 1);
        assert!(!exists(&k, p, &foreign).unwrap());
        for kept in [own.as_str(), "/reg/a.json", "/reg/.hidden"] {
            assert!(exists(&k, p, kept).unwrap(), "{kept}");
        }
        let bare = k.create_process("bare", CapabilitySet::new());
        assert!(matches!(
            sweep_temps(&k, bare, "/reg"),
            Err(crate::Error::Kernel(KernelError::PermissionDenied { .. }))
        ));
    }

    #[test]
    fn concurrent_readers_see_old_or_new_never_a_mix() {
        let (k, p) = setup();
        mkdir(&k, p, "/reg").unwrap();
        let a = vec![b'a'; 1000];
        let b = vec![b'b'; 3000];
        write(&k, p, "/reg/f", &a).unwrap();
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                for n in 0..300 {
                    atomic_replace(&k, p, "/reg/f", if n % 2 == 0 { &b } else { &a }).unwrap();
                }
            });
            for _ in 0..300 {
                let seen = read(&k, p, "/reg/f").unwrap();
                assert!(seen == a || seen == b, "torn read of {} bytes", seen.len());
            }
            writer.join().unwrap();
        });
    }

    #[test]
    fn the_kernel_denies_on_the_normalised_path() {
        let (k, root) = setup();
        mkdir(&k, root, "/data/app").unwrap();
        let pid = k.create_process_with(
            "app",
            SandboxPolicy {
                capabilities: CapabilitySet::new()
                    .grant(Capability::WriteFile(None))
                    .grant(Capability::ReadFile(Some("/data/app".into()))),
                allowed_paths: vec!["/data/app".into()],
                ..SandboxPolicy::none()
            },
        );
        write(&k, pid, "/data/app/x", b"1").unwrap();
        let err = write(&k, pid, "/data/app/../other", b"1").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("pid {pid}: capability WRITE_FILE not held for /data/other"),
            "WRITE_FILE is unscoped, so the sandbox's allowed paths deny it"
        );
        let err = list(&k, pid, "/data/app").unwrap_err();
        assert!(
            matches!(
                err,
                crate::Error::Kernel(KernelError::PermissionDenied {
                    capability: CapabilityKind::ListDirectory,
                    ..
                })
            ),
            "{err}"
        );
        assert!(
            mkdir(&k, pid, "/data/app/sub").is_err(),
            "mkdir needs CREATE_FILE"
        );
        assert!(
            delete(&k, pid, "/data/app/x", false).is_err(),
            "delete needs DELETE_FILE"
        );
    }
}
