//! The kernel's one error type; every variant names the PID, path or limit involved.

use crate::{capability::CapabilityKind, process::Pid};

/// Result alias for kernel operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside the kernel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The calling PID does not hold the capability the call needs.
    #[error("pid {pid}: capability {capability} not held for {path}")]
    PermissionDenied {
        /// The calling process.
        pid: Pid,
        /// The capability that was needed.
        capability: CapabilityKind,
        /// The path (or other resource) the call touched; `-` when there is none.
        path: String,
    },
    /// No such PID exists.
    #[error("no such process: pid {0}")]
    NoSuchProcess(Pid),
    /// A path does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A path already exists.
    #[error("already exists: {0}")]
    AlreadyExists(String),
    /// A file operation met a directory.
    #[error("is a directory: {0}")]
    IsADirectory(String),
    /// A directory operation met a file.
    #[error("not a directory: {0}")]
    NotADirectory(String),
    /// A directory to be removed still has entries.
    #[error("directory not empty: {0}")]
    DirectoryNotEmpty(String),
    /// A filesystem ran out of its byte capacity.
    #[error("out of space on {path}: {needed} bytes needed, {available} available")]
    OutOfSpace {
        /// The path being written.
        path: String,
        /// Bytes the write needed.
        needed: u64,
        /// Bytes left in the filesystem.
        available: u64,
    },
    /// An argument was malformed; the message says which and why.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}
