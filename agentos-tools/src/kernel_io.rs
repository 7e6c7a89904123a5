//! Every file operation of the tool families and of the registry, sessions and user stores, as
//! one small set of helpers taking `(&Kernel, Pid, path)`. Each helper checks the PID's
//! capability on the normalised path first (blocked unless held), then performs the operation.
//!
//! The kernel on this branch offers only `read_file`, `write_file` and `list_directory` on a
//! `MemFs` whose only directories are `/` and `/tmp`, and no `create_directory`, `delete_file`,
//! `move_file`, `file_stat` or rename. Until it does, this module stores the VFS tree as flat
//! entries `/tmp/vfs~<escaped path>` (a one-byte tag: `F` file, `D` directory, `X` deleted),
//! written by a short-lived trusted kernel process after the caller's own capability check.
//! // After Kernel I lands: each helper becomes one syscall made as `pid` itself
//! // (`Syscall::{ReadFile, WriteFile, CreateDirectory, DeleteFile, RemoveDirectory, MoveFile,
//! // CopyFile, FileStat, ListDirectory}`), `atomic_replace` becomes temp file + fsync + rename,
//! // and the escaping, tags and trusted process below go away. Nothing outside this file changes.

use agentos_kernel::{
    CapabilityKind, CapabilitySet, Error as KernelError, Kernel, Pid, Syscall, SyscallOutput,
    VfsPath,
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

const PREFIX: &str = "vfs~";

enum Node {
    File(Vec<u8>),
    Dir,
}

fn authorize(kernel: &Kernel, pid: Pid, kind: CapabilityKind, path: &VfsPath) -> Result<()> {
    if kernel.capabilities(pid)?.allows(kind, Some(path)) {
        Ok(())
    } else {
        Err(KernelError::PermissionDenied {
            pid,
            capability: kind,
            path: path.to_string(),
        }
        .into())
    }
}

fn flat_name(path: &VfsPath) -> String {
    let mut out = String::with_capacity(path.as_str().len() + 16);
    out.push_str("/tmp/");
    out.push_str(PREFIX);
    for c in path.as_str().chars() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            other => out.push(other),
        }
    }
    out
}

fn unflatten(name: &str) -> Option<VfsPath> {
    let escaped = name.strip_prefix(PREFIX)?;
    Some(VfsPath::new(
        &escaped.replace("%2F", "/").replace("%25", "%"),
    ))
}

/// Runs `op` as a trusted kernel process (see the module docs).
fn trusted<T>(kernel: &Kernel, op: impl FnOnce(Pid) -> agentos_kernel::Result<T>) -> Result<T> {
    let pid = kernel.create_process("kernel-io", CapabilitySet::all());
    let outcome = op(pid);
    let _ = kernel.exit(pid);
    Ok(outcome?)
}

fn node(kernel: &Kernel, path: &VfsPath) -> Result<Option<Node>> {
    if path.is_root() {
        return Ok(Some(Node::Dir));
    }
    let read = trusted(kernel, |io| {
        kernel.syscall(
            io,
            Syscall::ReadFile {
                path: flat_name(path),
            },
        )
    });
    match read {
        Ok(SyscallOutput::Bytes(mut bytes)) => Ok(match bytes.first() {
            Some(b'F') => {
                bytes.remove(0);
                Some(Node::File(bytes))
            }
            Some(b'D') => Some(Node::Dir),
            _ => None,
        }),
        Ok(_) => Ok(None),
        Err(crate::Error::Kernel(KernelError::NotFound(_))) => Ok(None),
        Err(err) => Err(err),
    }
}

fn put(kernel: &Kernel, path: &VfsPath, tag: u8, data: &[u8]) -> Result<()> {
    let mut bytes = Vec::with_capacity(data.len() + 1);
    bytes.push(tag);
    bytes.extend_from_slice(data);
    trusted(kernel, |io| {
        kernel.syscall(
            io,
            Syscall::WriteFile {
                path: flat_name(path),
                data: bytes,
            },
        )
    })?;
    Ok(())
}

fn need_parent_dir(kernel: &Kernel, path: &VfsPath) -> Result<()> {
    let parent = path.parent();
    match node(kernel, &parent)? {
        Some(Node::Dir) => Ok(()),
        Some(Node::File(_)) => Err(KernelError::NotADirectory(parent.to_string()).into()),
        None => Err(KernelError::NotFound(parent.to_string()).into()),
    }
}

/// Reads a whole file. Needs `ReadFile`.
pub(crate) fn read(kernel: &Kernel, pid: Pid, path: &str) -> Result<Vec<u8>> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ReadFile, &path)?;
    match node(kernel, &path)? {
        Some(Node::File(bytes)) => Ok(bytes),
        Some(Node::Dir) => Err(KernelError::IsADirectory(path.to_string()).into()),
        None => Err(KernelError::NotFound(path.to_string()).into()),
    }
}

/// Creates or replaces a file; its directory must exist. Needs `WriteFile`.
pub(crate) fn write(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::WriteFile, &path)?;
    write_unchecked(kernel, &path, data)
}

fn write_unchecked(kernel: &Kernel, path: &VfsPath, data: &[u8]) -> Result<()> {
    if path.is_root() {
        return Err(KernelError::IsADirectory(path.to_string()).into());
    }
    need_parent_dir(kernel, path)?;
    if let Some(Node::Dir) = node(kernel, path)? {
        return Err(KernelError::IsADirectory(path.to_string()).into());
    }
    put(kernel, path, b'F', data)
}

/// Appends to a file, creating it when missing. Needs `WriteFile`.
pub(crate) fn append(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::WriteFile, &path)?;
    let mut bytes = match node(kernel, &path)? {
        Some(Node::File(bytes)) => bytes,
        Some(Node::Dir) => return Err(KernelError::IsADirectory(path.to_string()).into()),
        None => Vec::new(),
    };
    bytes.extend_from_slice(data);
    write_unchecked(kernel, &path, &bytes)
}

/// Replaces a file so that a reader sees the old or the new contents, never a mix: write a
/// temporary sibling, then move it over the target. Needs `WriteFile`.
pub(crate) fn atomic_replace(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    let target = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::WriteFile, &target)?;
    let temp = target.parent().join(&format!(
        ".{}.tmp~{}",
        target.file_name().unwrap_or("root"),
        uuid::Uuid::new_v4().simple()
    ));
    write_unchecked(kernel, &temp, data)?;
    // After Kernel I lands: fsync(temp) then Syscall::MoveFile (rename) as `pid`. MemFs writes
    // are already all-or-nothing, so copying the verified temp over the target is atomic here.
    let written = match node(kernel, &temp)? {
        Some(Node::File(bytes)) => bytes,
        _ => return Err(KernelError::NotFound(temp.to_string()).into()),
    };
    put(kernel, &target, b'F', &written)?;
    put(kernel, &temp, b'X', &[])
}

/// Lists a directory, sorted by name. Needs `ListDirectory`.
pub(crate) fn list(kernel: &Kernel, pid: Pid, path: &str) -> Result<Vec<Entry>> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ListDirectory, &path)?;
    list_unchecked(kernel, &path)
}

fn list_unchecked(kernel: &Kernel, path: &VfsPath) -> Result<Vec<Entry>> {
    match node(kernel, path)? {
        Some(Node::Dir) => {}
        Some(Node::File(_)) => return Err(KernelError::NotADirectory(path.to_string()).into()),
        None => return Err(KernelError::NotFound(path.to_string()).into()),
    }
    let names = trusted(kernel, |io| {
        kernel.syscall(
            io,
            Syscall::ListDirectory {
                path: "/tmp".to_owned(),
            },
        )
    })?;
    let SyscallOutput::Entries(names) = names else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in names {
        let Some(child) = unflatten(&entry.name) else {
            continue;
        };
        if child.is_root() || child.parent() != *path {
            continue;
        }
        let Some(name) = child.file_name() else {
            continue;
        };
        if name.contains(".tmp~") && name.starts_with('.') {
            continue;
        }
        match node(kernel, &child)? {
            Some(Node::Dir) => out.push(Entry {
                name: name.to_owned(),
                is_dir: true,
            }),
            Some(Node::File(_)) => out.push(Entry {
                name: name.to_owned(),
                is_dir: false,
            }),
            None => {}
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Creates a directory and any missing parents; an existing directory is fine. Needs
/// `CreateFile`.
pub(crate) fn mkdir(kernel: &Kernel, pid: Pid, path: &str) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::CreateFile, &path)?;
    let mut current = VfsPath::root();
    for component in path.components() {
        current = current.join(component);
        match node(kernel, &current)? {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => {
                return Err(KernelError::NotADirectory(current.to_string()).into());
            }
            None => put(kernel, &current, b'D', &[])?,
        }
    }
    Ok(())
}

/// Deletes a file or an empty directory (`recursive`: a directory and everything in it).
/// Needs `DeleteFile`.
pub(crate) fn delete(kernel: &Kernel, pid: Pid, path: &str, recursive: bool) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::DeleteFile, &path)?;
    if path.is_root() {
        return Err(KernelError::InvalidArgument("cannot delete /".to_owned()).into());
    }
    delete_unchecked(kernel, &path, recursive)
}

fn delete_unchecked(kernel: &Kernel, path: &VfsPath, recursive: bool) -> Result<()> {
    match node(kernel, path)? {
        None => return Err(KernelError::NotFound(path.to_string()).into()),
        Some(Node::File(_)) => {}
        Some(Node::Dir) => {
            let children = list_unchecked(kernel, path)?;
            if !children.is_empty() && !recursive {
                return Err(KernelError::DirectoryNotEmpty(path.to_string()).into());
            }
            for child in children {
                delete_unchecked(kernel, &path.join(&child.name), true)?;
            }
        }
    }
    put(kernel, path, b'X', &[])
}

/// Moves a file or directory. Needs `WriteFile` on both paths and `DeleteFile` on the source.
pub(crate) fn rename(kernel: &Kernel, pid: Pid, from: &str, to: &str) -> Result<()> {
    let (from, to) = (VfsPath::new(from), VfsPath::new(to));
    authorize(kernel, pid, CapabilityKind::WriteFile, &from)?;
    authorize(kernel, pid, CapabilityKind::DeleteFile, &from)?;
    authorize(kernel, pid, CapabilityKind::WriteFile, &to)?;
    if to.starts_with(&from) && to != from {
        return Err(KernelError::InvalidArgument(format!("cannot move {from} into itself")).into());
    }
    if node(kernel, &to)?.is_some() {
        return Err(KernelError::AlreadyExists(to.to_string()).into());
    }
    copy_unchecked(kernel, &from, &to)?;
    delete_unchecked(kernel, &from, true)
}

/// Copies a file or directory tree. Needs `ReadFile` on the source and `WriteFile` on the
/// destination.
pub(crate) fn copy(kernel: &Kernel, pid: Pid, from: &str, to: &str) -> Result<()> {
    let (from, to) = (VfsPath::new(from), VfsPath::new(to));
    authorize(kernel, pid, CapabilityKind::ReadFile, &from)?;
    authorize(kernel, pid, CapabilityKind::WriteFile, &to)?;
    if to.starts_with(&from) && to != from {
        return Err(KernelError::InvalidArgument(format!("cannot copy {from} into itself")).into());
    }
    copy_unchecked(kernel, &from, &to)
}

fn copy_unchecked(kernel: &Kernel, from: &VfsPath, to: &VfsPath) -> Result<()> {
    match node(kernel, from)? {
        None => Err(KernelError::NotFound(from.to_string()).into()),
        Some(Node::File(bytes)) => write_unchecked(kernel, to, &bytes),
        Some(Node::Dir) => {
            need_parent_dir(kernel, to)?;
            put(kernel, to, b'D', &[])?;
            for child in list_unchecked(kernel, from)? {
                copy_unchecked(kernel, &from.join(&child.name), &to.join(&child.name))?;
            }
            Ok(())
        }
    }
}

/// Size and kind of a path. Needs `ReadFile`.
pub(crate) fn stat(kernel: &Kernel, pid: Pid, path: &str) -> Result<Meta> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ReadFile, &path)?;
    match node(kernel, &path)? {
        Some(Node::File(bytes)) => Ok(Meta {
            is_dir: false,
            size: bytes.len() as u64,
        }),
        Some(Node::Dir) => Ok(Meta {
            is_dir: true,
            size: 0,
        }),
        None => Err(KernelError::NotFound(path.to_string()).into()),
    }
}

/// True when something exists at `path`. Needs `ReadFile`.
pub(crate) fn exists(kernel: &Kernel, pid: Pid, path: &str) -> Result<bool> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ReadFile, &path)?;
    Ok(node(kernel, &path)?.is_some())
}

#[cfg(test)]
mod tests {
    use agentos_kernel::Capability;

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
        assert_eq!(read(&k, p, "/a/b/f.txt").unwrap(), b"hi!");
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
            delete(&k, p, "/a", false),
            Err(crate::Error::Kernel(KernelError::DirectoryNotEmpty(_)))
        ));
        delete(&k, p, "/a", true).unwrap();
        assert!(!exists(&k, p, "/a/b").unwrap());
        atomic_replace(&k, p, "/c/g.txt", b"new").unwrap();
        assert_eq!(read(&k, p, "/c/g.txt").unwrap(), b"new");
        let names: Vec<String> = list(&k, p, "/c")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(
            names,
            ["b", "g.txt"],
            "no temp file is left behind or listed"
        );
        assert!(rename(&k, p, "/c", "/c/inner").is_err());
    }

    #[test]
    fn capabilities_are_checked_on_the_normalised_path() {
        let (k, root) = setup();
        mkdir(&k, root, "/data/app").unwrap();
        let pid = k.create_process(
            "app",
            CapabilitySet::new()
                .grant(Capability::WriteFile(Some("/data/app".into())))
                .grant(Capability::ReadFile(Some("/data/app".into()))),
        );
        write(&k, pid, "/data/app/x", b"1").unwrap();
        let err = write(&k, pid, "/data/app/../other", b"1").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("pid {pid}: capability WRITE_FILE not held for /data/other")
        );
        assert!(
            list(&k, pid, "/data/app").is_err(),
            "listing needs LIST_DIRECTORY"
        );
        assert!(
            mkdir(&k, pid, "/data/app/sub").is_err(),
            "mkdir needs CREATE_FILE"
        );
    }
}
