//! The kernel's one error type; every variant names the PID, path, object or limit involved.

use crate::{capability::CapabilityKind, process::Pid};

/// Result alias for kernel operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside the kernel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The calling PID does not hold the capability the call needs, or its sandbox blocks the path.
    #[error("pid {pid}: capability {capability} not held for {path}")]
    PermissionDenied {
        /// The calling process.
        pid: Pid,
        /// The capability that was needed.
        capability: CapabilityKind,
        /// The path (or other resource) the call touched; `-` when there is none.
        path: String,
    },
    /// The PID holds the capability but is not allowed to act on this object (not its owner,
    /// not the pipe's read end, a read-only attachment, …).
    #[error("pid {pid}: not permitted on {object}: {reason}")]
    NotPermitted {
        /// The calling process.
        pid: Pid,
        /// The object, e.g. `pipe 3`.
        object: String,
        /// Why, e.g. `not the write end`.
        reason: String,
    },
    /// No such PID exists.
    #[error("no such process: pid {0}")]
    NoSuchProcess(Pid),
    /// A path or IPC object does not exist.
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
    /// A write met a read-only filesystem or mount.
    #[error("read-only filesystem: {0}")]
    ReadOnly(String),
    /// A path resolved outside the filesystem's root, or met too many symlinks.
    #[error("path escapes its root: {0}")]
    Escape(String),
    /// No filesystem is mounted at or above the path.
    #[error("no filesystem mounted for {0}")]
    NotMounted(String),
    /// A mount point is already taken.
    #[error("already mounted: {0}")]
    AlreadyMounted(String),
    /// The operation cannot finish now without waiting (empty pipe, full buffer, sleep).
    #[error("would block: {0}")]
    WouldBlock(String),
    /// The IPC object was closed.
    #[error("closed: {0}")]
    Closed(String),
    /// A count or byte limit would be exceeded.
    #[error("limit exceeded: {what}: {used}/{limit}")]
    LimitExceeded {
        /// What is limited, e.g. `pipes of pid 3` or `global pipe memory bytes`.
        what: String,
        /// How much is in use (including the request, where that is meaningful).
        used: u64,
        /// The limit.
        limit: u64,
    },
    /// A file descriptor is not open in the PID's table.
    #[error("pid {pid}: bad file descriptor {fd}")]
    BadDescriptor {
        /// The calling process.
        pid: Pid,
        /// The descriptor.
        fd: i64,
    },
    /// An argument was malformed; the message says which and why.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The host filesystem under a `LocalFs` reported an error.
    #[error("io error on {path}: {message}")]
    Io {
        /// The VFS path (relative to the mount) being accessed.
        path: String,
        /// The host error text.
        message: String,
    },
    /// A program name was rejected before anything ran.
    #[error("invalid program {program:?}: {reason}")]
    InvalidProgram {
        /// The program as given.
        program: String,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// The OS refused to start a child process.
    #[error("spawn of {program}: {reason}")]
    Spawn {
        /// The program being started.
        program: String,
        /// The OS error.
        reason: String,
    },
    /// A sandbox layer was required (strict mode) but cannot be enforced on this host.
    #[error("sandbox layer {layer} unavailable: {reason}")]
    SandboxUnavailable {
        /// The layer, e.g. `landlock`.
        layer: &'static str,
        /// Why it is unavailable.
        reason: String,
    },
    /// Preparing a sandbox layer failed.
    #[error("sandbox layer {layer}: {reason}")]
    Sandbox {
        /// The layer, e.g. `cgroups`.
        layer: &'static str,
        /// What failed.
        reason: String,
    },
    /// A kernel PID has no OS process behind it.
    #[error("pid {0}: no os process")]
    NoOsProcess(Pid),
    /// Delivering a signal failed.
    #[error("pid {pid}: signal {signal}: {reason}")]
    Signal {
        /// The target process.
        pid: Pid,
        /// The signal number.
        signal: i32,
        /// Why it failed.
        reason: String,
    },
    /// A scheduling policy name was not recognised.
    #[error("unknown policy: {0}. Use RoundRobin, Priority, or Fair")]
    UnknownPolicy(String),
    /// A socket descriptor is not open for this PID.
    #[error("pid {pid}: no such socket {sockfd}")]
    NoSuchSocket {
        /// The calling process.
        pid: Pid,
        /// The socket descriptor.
        sockfd: u32,
    },
    /// A socket operation failed.
    #[error("pid {pid}: socket {sockfd}: {operation}: {reason}")]
    Socket {
        /// The calling process.
        pid: Pid,
        /// The socket descriptor (0 before one exists).
        sockfd: u32,
        /// The operation, e.g. `connect`.
        operation: &'static str,
        /// The OS error or rule that failed.
        reason: String,
    },
    /// A socket address or host was denied by the PID's network rules.
    #[error("pid {pid}: network access to {address} denied")]
    NetworkDenied {
        /// The calling process.
        pid: Pid,
        /// The address that was denied.
        address: String,
    },
    /// A PID already runs as many children as it may.
    #[error("pid {pid}: process limit exceeded: {running}/{limit} processes spawned")]
    ProcessLimit {
        /// The spawning process.
        pid: Pid,
        /// Its running children.
        running: u32,
        /// Its limit.
        limit: u32,
    },
}
