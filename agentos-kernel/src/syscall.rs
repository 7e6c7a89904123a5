//! The syscall interface: one enum variant per call, and the typed output.

use crate::{capability::CapabilityKind, path::VfsPath};

/// A system call a PID asks the kernel to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Syscall {
    /// Read a whole file. Needs `ReadFile` on the path.
    ReadFile {
        /// The file to read.
        path: String,
    },
    /// Create or replace a file. Needs `WriteFile` on the path.
    WriteFile {
        /// The file to write.
        path: String,
        /// Its new contents.
        data: Vec<u8>,
    },
    /// List a directory. Needs `ListDirectory` on the path.
    ListDirectory {
        /// The directory to list.
        path: String,
    },
}

impl Syscall {
    /// The reference name of the call, e.g. `read_file`.
    pub fn name(&self) -> &'static str {
        match self {
            Syscall::ReadFile { .. } => "read_file",
            Syscall::WriteFile { .. } => "write_file",
            Syscall::ListDirectory { .. } => "list_directory",
        }
    }

    /// The capability the call needs and the path it is checked against.
    pub(crate) fn requirement(&self) -> (CapabilityKind, VfsPath) {
        match self {
            Syscall::ReadFile { path } => (CapabilityKind::ReadFile, VfsPath::new(path)),
            Syscall::WriteFile { path, .. } => (CapabilityKind::WriteFile, VfsPath::new(path)),
            Syscall::ListDirectory { path } => (CapabilityKind::ListDirectory, VfsPath::new(path)),
        }
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

/// What a successful syscall returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyscallOutput {
    /// The call succeeded and returns nothing.
    None,
    /// Raw bytes, e.g. file contents.
    Bytes(Vec<u8>),
    /// A directory listing.
    Entries(Vec<DirEntry>),
}
