//! [`LocalFs`]: a host directory confined with `cap-std`, so no `..`, absolute path, symlink or
//! symlink chain reaches outside its root; writes replace files atomically.

use std::{
    io::{self, Read, Seek, SeekFrom, Write},
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::SystemTime,
};

use cap_std::fs::{Dir, File, OpenOptions as CapOpenOptions, Permissions, PermissionsExt as _};
use parking_lot::Mutex;

use crate::{
    error::{Error, Result},
    path::VfsPath,
    vfs::{DirEntry, FileHandle, FileKind, FileSystem, Metadata, OpenOptions},
};

/// A token saying the caller means to reach the host filesystem by path. Only
/// [`LocalFs::open_ambient`] takes one; everything else in the kernel works on capabilities.
#[derive(Debug, Clone, Copy)]
pub struct AmbientAuthority(());

/// Returns the [`AmbientAuthority`] token. Calling this marks a place where host paths enter.
pub fn ambient_authority() -> AmbientAuthority {
    AmbientAuthority(())
}

/// How [`LocalFs::open_ambient`] opens its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocalFsOptions {
    /// Every write fails with `ReadOnly`.
    pub read_only: bool,
    /// Create the root directory (and its parents) when missing.
    pub create: bool,
}

/// A host directory mounted into the VFS. Every operation goes through a `cap_std::fs::Dir`
/// opened on the root, which refuses any path that would resolve outside it.
#[derive(Debug)]
pub struct LocalFs {
    root: Dir,
    read_only: bool,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl LocalFs {
    /// Opens the host directory `root` as `options` say.
    ///
    /// # Ambient Authority
    /// This is the one place the kernel turns a host path into a filesystem; the `authority`
    /// token marks it.
    ///
    /// # Errors
    /// `Io` when the directory cannot be opened or created.
    pub fn open_ambient(
        root: impl AsRef<Path>,
        options: LocalFsOptions,
        authority: AmbientAuthority,
    ) -> Result<LocalFs> {
        let AmbientAuthority(()) = authority;
        let root = root.as_ref();
        let io_error = |err: io::Error| Error::Io {
            path: root.display().to_string(),
            message: err.to_string(),
        };
        if options.create {
            Dir::create_ambient_dir_all(root, cap_std::ambient_authority()).map_err(io_error)?;
        }
        let dir = Dir::open_ambient_dir(root, cap_std::ambient_authority()).map_err(io_error)?;
        Ok(LocalFs {
            root: dir,
            read_only: options.read_only,
        })
    }

    fn writable(&self, path: &VfsPath) -> Result<()> {
        if self.read_only {
            Err(Error::ReadOnly(path.to_string()))
        } else {
            Ok(())
        }
    }

    /// Writes `data` to a temporary file beside `path`, syncs it, renames it over `path` and
    /// syncs the directory, so a crash leaves the old or the new file, never a torn one.
    pub fn replace_atomic(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        self.writable(path)?;
        let target = relative(path);
        let parent = parent_of(&target);
        let name = path
            .file_name()
            .ok_or_else(|| Error::IsADirectory(path.to_string()))?;
        let temp = parent.join(format!(
            ".{name}.tmp-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut file = self
                .root
                .open_with(&temp, CapOpenOptions::new().write(true).create_new(true))?;
            file.write_all(data)?;
            file.sync_all()?;
            drop(file);
            self.root.rename(&temp, &self.root, &target)?;
            // `open_dir` may hand out an `O_PATH` descriptor, which cannot be synced; a
            // read-only open of the directory can.
            self.root.open(&parent)?.sync_all()
        })();
        if result.is_err() {
            let _ = self.root.remove_file(&temp);
        }
        result.map_err(|err| map_io(path, err))
    }
}

/// `/a/b` → `a/b`; `/` → `.`.
fn relative(path: &VfsPath) -> PathBuf {
    if path.is_root() {
        PathBuf::from(".")
    } else {
        PathBuf::from(&path.as_str()[1..])
    }
}

fn parent_of(relative: &Path) -> PathBuf {
    match relative.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn map_io(path: &VfsPath, err: io::Error) -> Error {
    let path = path.to_string();
    match err.kind() {
        io::ErrorKind::NotFound => Error::NotFound(path),
        io::ErrorKind::AlreadyExists => Error::AlreadyExists(path),
        io::ErrorKind::IsADirectory => Error::IsADirectory(path),
        io::ErrorKind::NotADirectory => Error::NotADirectory(path),
        io::ErrorKind::DirectoryNotEmpty => Error::DirectoryNotEmpty(path),
        io::ErrorKind::ReadOnlyFilesystem => Error::ReadOnly(path),
        io::ErrorKind::StorageFull => Error::OutOfSpace {
            path,
            needed: 0,
            available: 0,
        },
        io::ErrorKind::PermissionDenied if err.to_string().contains("outside") => {
            Error::Escape(path)
        }
        _ if err.raw_os_error() == Some(40) => Error::Escape(path),
        _ => Error::Io {
            path,
            message: err.to_string(),
        },
    }
}

fn metadata_of(meta: &cap_std::fs::Metadata) -> Metadata {
    let kind = if meta.is_symlink() {
        FileKind::Symlink
    } else if meta.is_dir() {
        FileKind::Directory
    } else {
        FileKind::File
    };
    Metadata {
        kind,
        size: if kind == FileKind::Directory {
            0
        } else {
            meta.len()
        },
        mode: meta.permissions().mode() & 0o7777,
        modified: meta
            .modified()
            .map(|time| time.into_std())
            .unwrap_or(SystemTime::UNIX_EPOCH),
    }
}

impl FileSystem for LocalFs {
    fn read(&self, path: &VfsPath) -> Result<Vec<u8>> {
        self.root
            .read(relative(path))
            .map_err(|err| map_io(path, err))
    }

    fn write(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        if self.root.is_dir(relative(path)) {
            return Err(Error::IsADirectory(path.to_string()));
        }
        self.replace_atomic(path, data)
    }

    fn append(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        self.writable(path)?;
        let mut file = self
            .root
            .open_with(
                relative(path),
                CapOpenOptions::new().append(true).create(true),
            )
            .map_err(|err| map_io(path, err))?;
        file.write_all(data).map_err(|err| map_io(path, err))
    }

    fn create(&self, path: &VfsPath) -> Result<()> {
        self.write(path, &[])
    }

    fn delete(&self, path: &VfsPath) -> Result<()> {
        self.writable(path)?;
        let meta = self.metadata(path)?;
        if meta.is_dir() {
            return Err(Error::IsADirectory(path.to_string()));
        }
        self.root
            .remove_file(relative(path))
            .map_err(|err| map_io(path, err))
    }

    fn exists(&self, path: &VfsPath) -> bool {
        self.root.symlink_metadata(relative(path)).is_ok()
    }

    fn metadata(&self, path: &VfsPath) -> Result<Metadata> {
        let meta = if path.is_root() {
            self.root.dir_metadata()
        } else {
            self.root.symlink_metadata(relative(path))
        };
        meta.map(|meta| metadata_of(&meta))
            .map_err(|err| map_io(path, err))
    }

    fn list_dir(&self, path: &VfsPath) -> Result<Vec<DirEntry>> {
        let entries = self
            .root
            .read_dir(relative(path))
            .map_err(|err| map_io(path, err))?;
        let mut listed = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|err| map_io(path, err))?;
            let is_dir = entry.file_type().map(|kind| kind.is_dir()).unwrap_or(false);
            listed.push(DirEntry {
                name: entry.file_name().to_string_lossy().into_owned(),
                is_dir,
            });
        }
        listed.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(listed)
    }

    fn create_dir(&self, path: &VfsPath) -> Result<()> {
        self.writable(path)?;
        if path.is_root() {
            return Ok(());
        }
        self.root
            .create_dir_all(relative(path))
            .map_err(|err| map_io(path, err))
    }

    fn remove_dir(&self, path: &VfsPath) -> Result<()> {
        self.writable(path)?;
        if path.is_root() {
            return Err(Error::InvalidArgument(
                "cannot remove the root of a LocalFs".into(),
            ));
        }
        self.root
            .remove_dir(relative(path))
            .map_err(|err| map_io(path, err))
    }

    fn remove_dir_all(&self, path: &VfsPath) -> Result<()> {
        self.writable(path)?;
        if path.is_root() {
            return Err(Error::InvalidArgument(
                "cannot remove the root of a LocalFs".into(),
            ));
        }
        if !self.metadata(path)?.is_dir() {
            return Err(Error::NotADirectory(path.to_string()));
        }
        self.root
            .remove_dir_all(relative(path))
            .map_err(|err| map_io(path, err))
    }

    fn copy(&self, from: &VfsPath, to: &VfsPath) -> Result<()> {
        self.writable(to)?;
        let data = self.read(from)?;
        self.replace_atomic(to, &data)
    }

    fn rename(&self, from: &VfsPath, to: &VfsPath) -> Result<()> {
        self.writable(to)?;
        if to.starts_with(from) && to != from {
            return Err(Error::InvalidArgument(format!(
                "cannot move {from} into itself ({to})"
            )));
        }
        self.root
            .rename(relative(from), &self.root, relative(to))
            .map_err(|err| map_io(from, err))
    }

    fn symlink(&self, target: &str, link: &VfsPath) -> Result<()> {
        self.writable(link)?;
        if target.is_empty() || target.contains('\0') {
            return Err(Error::InvalidArgument(format!(
                "symlink target for {link} is empty or holds NUL"
            )));
        }
        // cap-std refuses to create absolute symlinks; store them relative to the link's
        // directory so they still name the same VFS location below this root.
        let stored = if target.starts_with('/') {
            let depth = link.components().count().saturating_sub(1);
            let mut relative_target = "../".repeat(depth);
            relative_target.push_str(target.trim_start_matches('/'));
            if relative_target.is_empty() {
                ".".to_owned()
            } else {
                relative_target
            }
        } else {
            target.to_owned()
        };
        self.root
            .symlink(stored, relative(link))
            .map_err(|err| map_io(link, err))
    }

    fn read_link(&self, path: &VfsPath) -> Result<String> {
        self.root
            .read_link_contents(relative(path))
            .map(|target| target.to_string_lossy().into_owned())
            .map_err(|err| match err.kind() {
                io::ErrorKind::InvalidInput => {
                    Error::InvalidArgument(format!("{path} is not a symlink"))
                }
                _ => map_io(path, err),
            })
    }

    fn truncate(&self, path: &VfsPath, size: u64) -> Result<()> {
        self.writable(path)?;
        let file = self
            .root
            .open_with(relative(path), CapOpenOptions::new().write(true))
            .map_err(|err| map_io(path, err))?;
        file.set_len(size).map_err(|err| map_io(path, err))
    }

    fn set_permissions(&self, path: &VfsPath, mode: u32) -> Result<()> {
        self.writable(path)?;
        let permissions = Permissions::from_std(std::fs::Permissions::from_mode(mode & 0o7777));
        self.root
            .set_permissions(relative(path), permissions)
            .map_err(|err| map_io(path, err))
    }

    fn open(&self, path: &VfsPath, options: &OpenOptions) -> Result<Box<dyn FileHandle>> {
        if options.writes() {
            self.writable(path)?;
        }
        let mut cap_options = CapOpenOptions::new();
        cap_options
            .read(options.read || !options.writes())
            .write(options.write || options.append || options.truncate)
            .create(options.create)
            .create_new(options.create_new)
            .truncate(options.truncate);
        if (options.create || options.create_new) && !(options.write || options.append) {
            cap_options.write(true);
        }
        let file = self
            .root
            .open_with(relative(path), &cap_options)
            .map_err(|err| map_io(path, err))?;
        if file.metadata().map(|meta| meta.is_dir()).unwrap_or(false) {
            return Err(Error::IsADirectory(path.to_string()));
        }
        Ok(Box::new(LocalHandle {
            path: path.clone(),
            file: Mutex::new(file),
        }))
    }

    fn name(&self) -> &str {
        "localfs"
    }

    fn read_only(&self) -> bool {
        self.read_only
    }
}

/// An open [`LocalFs`] file.
struct LocalHandle {
    path: VfsPath,
    file: Mutex<File>,
}

impl FileHandle for LocalHandle {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let mut file = self.file.lock();
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read(buf))
            .map_err(|err| map_io(&self.path, err))
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> Result<usize> {
        let mut file = self.file.lock();
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.write_all(data))
            .map(|()| data.len())
            .map_err(|err| map_io(&self.path, err))
    }

    fn metadata(&self) -> Result<Metadata> {
        self.file
            .lock()
            .metadata()
            .map(|meta| metadata_of(&meta))
            .map_err(|err| map_io(&self.path, err))
    }

    fn set_len(&self, len: u64) -> Result<()> {
        self.file
            .lock()
            .set_len(len)
            .map_err(|err| map_io(&self.path, err))
    }

    fn sync(&self) -> Result<()> {
        self.file
            .lock()
            .sync_all()
            .map_err(|err| map_io(&self.path, err))
    }
}
