//! The virtual filesystem: the 18-operation [`FileSystem`] trait, its data types, and the
//! backends ([`MemFs`], [`LocalFs`]) and [`MountTable`] that implement it.

mod handle;
mod localfs;
mod memfs;
mod mount;

use std::time::SystemTime;

pub use self::{
    handle::{FileHandle, OpenOptions},
    localfs::{AmbientAuthority, LocalFs, LocalFsOptions, ambient_authority},
    memfs::MemFs,
    mount::{MountInfo, MountTable},
};
use crate::{error::Result, path::VfsPath};

/// A filesystem the kernel can mount. Paths are absolute within the filesystem and normalised;
/// backends never follow a path outside themselves.
///
/// Backends do not follow symlinks in intermediate components on their own behalf beyond what
/// their host does; the kernel resolves symlinks through [`FileSystem::read_link`] before it
/// checks capabilities, so the path checked is the path used.
pub trait FileSystem: Send + Sync {
    /// Reads a whole file.
    ///
    /// # Errors
    /// `NotFound` when the file is missing, `IsADirectory` for a directory.
    fn read(&self, path: &VfsPath) -> Result<Vec<u8>>;

    /// Creates or replaces a file with `data`; the parent directory must exist. Backends that
    /// persist data replace the file atomically.
    ///
    /// # Errors
    /// `NotFound` when the parent is missing, `OutOfSpace` past the capacity, `ReadOnly`.
    fn write(&self, path: &VfsPath, data: &[u8]) -> Result<()>;

    /// Appends `data` to a file, creating it when missing.
    ///
    /// # Errors
    /// As for [`FileSystem::write`].
    fn append(&self, path: &VfsPath, data: &[u8]) -> Result<()>;

    /// Creates an empty file; an existing file is truncated to zero bytes.
    ///
    /// # Errors
    /// As for [`FileSystem::write`].
    fn create(&self, path: &VfsPath) -> Result<()>;

    /// Deletes a file or symlink.
    ///
    /// # Errors
    /// `NotFound`, `IsADirectory` for a directory, `ReadOnly`.
    fn delete(&self, path: &VfsPath) -> Result<()>;

    /// True when something (file, directory or symlink) exists at `path`.
    fn exists(&self, path: &VfsPath) -> bool;

    /// Metadata of `path` itself (a symlink is described, not followed).
    ///
    /// # Errors
    /// `NotFound`.
    fn metadata(&self, path: &VfsPath) -> Result<Metadata>;

    /// Lists a directory's entries, sorted by name.
    ///
    /// # Errors
    /// `NotFound` when missing, `NotADirectory` for a file.
    fn list_dir(&self, path: &VfsPath) -> Result<Vec<DirEntry>>;

    /// Creates a directory and any missing parents; an existing directory is fine.
    ///
    /// # Errors
    /// `NotADirectory` when a component is a file, `ReadOnly`.
    fn create_dir(&self, path: &VfsPath) -> Result<()>;

    /// Removes an empty directory.
    ///
    /// # Errors
    /// `NotFound`, `NotADirectory`, `DirectoryNotEmpty`, `ReadOnly`.
    fn remove_dir(&self, path: &VfsPath) -> Result<()>;

    /// Removes a directory and everything beneath it.
    ///
    /// # Errors
    /// `NotFound`, `NotADirectory`, `ReadOnly`.
    fn remove_dir_all(&self, path: &VfsPath) -> Result<()>;

    /// Copies a file's contents to `to`, replacing it.
    ///
    /// # Errors
    /// `NotFound`, `IsADirectory`, `OutOfSpace`, `ReadOnly`.
    fn copy(&self, from: &VfsPath, to: &VfsPath) -> Result<()>;

    /// Moves a file or directory to `to`, replacing a file there.
    ///
    /// # Errors
    /// `NotFound`, `InvalidArgument` when moving a directory into itself, `ReadOnly`.
    fn rename(&self, from: &VfsPath, to: &VfsPath) -> Result<()>;

    /// Creates a symlink at `link` whose text is `target`. An absolute target is taken from the
    /// root of the filesystem holding the link (as under `chroot`), never from the host's root.
    ///
    /// # Errors
    /// `AlreadyExists`, `NotFound` when the parent is missing, `ReadOnly`.
    fn symlink(&self, target: &str, link: &VfsPath) -> Result<()>;

    /// The text of the symlink at `path`.
    ///
    /// # Errors
    /// `NotFound`, `InvalidArgument` when `path` is not a symlink.
    fn read_link(&self, path: &VfsPath) -> Result<String>;

    /// Sets a file's length, cutting it or padding it with zeros.
    ///
    /// # Errors
    /// `NotFound`, `IsADirectory`, `OutOfSpace`, `ReadOnly`.
    fn truncate(&self, path: &VfsPath, size: u64) -> Result<()>;

    /// Sets the Unix permission bits (`0o644` …) of `path`.
    ///
    /// # Errors
    /// `NotFound`, `ReadOnly`.
    fn set_permissions(&self, path: &VfsPath, mode: u32) -> Result<()>;

    /// Opens a file for positional reads and writes.
    ///
    /// # Errors
    /// `NotFound` without `create`, `AlreadyExists` with `create_new`, `IsADirectory`, `ReadOnly`
    /// when writing is asked of a read-only filesystem.
    fn open(&self, path: &VfsPath, options: &OpenOptions) -> Result<Box<dyn FileHandle>>;

    /// A short name for listings and metrics, e.g. `memfs`.
    fn name(&self) -> &str {
        "fs"
    }

    /// True when every write fails with `ReadOnly`.
    fn read_only(&self) -> bool {
        false
    }

    /// False only when the filesystem is sure it holds no symlink, which lets the kernel skip
    /// symlink resolution on it.
    fn may_have_symlinks(&self) -> bool {
        true
    }
}

/// What a directory entry or path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
}

/// Metadata of one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// What the path is.
    pub kind: FileKind,
    /// Length in bytes (0 for directories; the target's length in bytes for symlinks).
    pub size: u64,
    /// Unix permission bits.
    pub mode: u32,
    /// Last modification time.
    pub modified: SystemTime,
}

impl Metadata {
    /// True for a directory.
    pub fn is_dir(&self) -> bool {
        self.kind == FileKind::Directory
    }
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// The entry's name within its directory.
    pub name: String,
    /// True for a directory.
    pub is_dir: bool,
}
