//! The [`Syscall`] enum: one variant per call of the reference table, with its documented
//! JSON form (see the module overview in `syscall/mod.rs`).

use serde::{Deserialize, Serialize};

#[cfg(feature = "http")]
use crate::net::HttpMethod;
use crate::{
    ipc::{pipe::PipeId, queue::QueueId, queue::QueueKind, shm::ShmId},
    process::Pid,
    syscall::payload,
};

/// A system call a PID asks the kernel to perform. Each variant's doc names the capability it
/// needs; path arguments are resolved against the PID's working directory, normalised and
/// symlink-resolved, then checked against the PID's capabilities and sandbox paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Syscall {
    // Filesystem (14).
    /// Read a whole file. Needs `ReadFile` on the path. Returns `Bytes`.
    ReadFile {
        /// The file to read.
        path: String,
    },
    /// Create or replace a file. Needs `WriteFile` on the path. Returns `None`.
    WriteFile {
        /// The file to write.
        path: String,
        /// Its new contents.
        #[serde(with = "payload")]
        data: Vec<u8>,
    },
    /// Create an empty file (truncating an existing one). Needs `WriteFile`. Returns `None`.
    CreateFile {
        /// The file to create.
        path: String,
    },
    /// Delete a file or symlink. Needs `DeleteFile`. Returns `None`.
    DeleteFile {
        /// The file to delete.
        path: String,
    },
    /// List a directory. Needs `ListDirectory` on the path. Returns `Entries`.
    ListDirectory {
        /// The directory to list.
        path: String,
    },
    /// Whether a path exists. Needs `ReadFile`. Returns `Bool`.
    FileExists {
        /// The path to test.
        path: String,
    },
    /// Metadata of a path, through the VFS. Needs `ReadFile`. Returns `Stat`.
    FileStat {
        /// The path to describe.
        path: String,
    },
    /// Move a file or directory. Needs `WriteFile` on both paths. Returns `None`.
    MoveFile {
        /// Where it is.
        source: String,
        /// Where it goes.
        destination: String,
    },
    /// Copy a file. Needs `ReadFile` on the source and `WriteFile` on the destination.
    /// Returns `None`.
    CopyFile {
        /// What to copy.
        source: String,
        /// Where the copy goes.
        destination: String,
    },
    /// Create a directory and missing parents. Needs `CreateFile`. Returns `None`.
    CreateDirectory {
        /// The directory.
        path: String,
    },
    /// Remove an empty directory. Needs `DeleteFile`. Returns `None`.
    RemoveDirectory {
        /// The directory.
        path: String,
    },
    /// The PID's own working directory. Needs `SystemInfo`. Returns `Text`.
    GetWorkingDirectory,
    /// Change the PID's own working directory (an existing VFS directory). Needs `SystemInfo`
    /// and `ListDirectory` on the path. Returns `None`.
    SetWorkingDirectory {
        /// The new working directory.
        path: String,
    },
    /// Set a file's length. Needs `WriteFile`. Returns `None`.
    TruncateFile {
        /// The file.
        path: String,
        /// The new length in bytes.
        size: u64,
    },

    // System information (4).
    /// OS, architecture and kernel facts. Needs `SystemInfo`. Returns `SystemInfo`.
    GetSystemInfo,
    /// Wall-clock time since the Unix epoch. Needs `TimeAccess`. Returns `Time`.
    GetCurrentTime,
    /// A variable of the PID's own environment. Needs `SystemInfo`. Returns `Text`.
    GetEnvVar {
        /// The variable name.
        key: String,
    },
    /// Set a variable of the PID's own environment. Needs `SystemInfo`. Returns `None`.
    SetEnvVar {
        /// The variable name.
        key: String,
        /// Its value.
        value: String,
    },

    // Time (2).
    /// Wait, at most 60 000 ms, without blocking a thread: only
    /// [`crate::Kernel::syscall_async`] waits; the blocking entry point answers `WouldBlock`
    /// after validating. Needs `TimeAccess`. Returns `None`.
    Sleep {
        /// How long, in milliseconds.
        duration_ms: u64,
    },
    /// Time since the kernel started. Needs `TimeAccess`. Returns `Time`.
    GetUptime,

    // Memory (3).
    /// Kernel-wide memory accounting. Needs `SystemInfo`. Returns `MemoryStats`.
    GetMemoryStats,
    /// Memory held by one PID. Needs `SystemInfo`. Returns `ProcessMemory`.
    GetProcessMemoryStats {
        /// The PID to describe.
        target_pid: Pid,
    },
    /// Free closed, drained or unattached IPC objects (of one PID, or all). Needs
    /// `SystemInfo`. Returns `Count` (bytes freed).
    TriggerGc {
        /// Restrict collection to this PID's objects.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_pid: Option<Pid>,
    },

    // File descriptors (6).
    /// Open a file into the PID's descriptor table with Linux flag values (see
    /// [`crate::fd_flags`]). Needs `ReadFile` to read, `WriteFile` to write or truncate,
    /// `CreateFile` with `O_CREAT`. Returns `Fd`.
    Open {
        /// The file.
        path: String,
        /// `O_RDONLY`/`O_WRONLY`/`O_RDWR` with `O_CREAT`, `O_EXCL`, `O_TRUNC`, `O_APPEND` …
        #[serde(default)]
        flags: u32,
        /// Permission bits for a created file.
        #[serde(default = "default_mode")]
        mode: u32,
    },
    /// Close a descriptor. Needs nothing. Returns `None`.
    Close {
        /// The descriptor.
        fd: u32,
    },
    /// Duplicate a descriptor to the lowest free number, sharing its offset. Needs nothing
    /// beyond the open descriptor. Returns `Fd`.
    Dup {
        /// The descriptor.
        fd: u32,
    },
    /// Make `newfd` refer to what `oldfd` refers to, closing `newfd` first. Returns `Fd`.
    Dup2 {
        /// The source descriptor.
        oldfd: u32,
        /// The target number.
        newfd: u32,
    },
    /// Move a descriptor's offset (`whence` 0 = set, 1 = current, 2 = end). Returns `Count`
    /// (the new offset).
    Lseek {
        /// The descriptor.
        fd: u32,
        /// The signed offset.
        offset: i64,
        /// 0, 1 or 2.
        whence: u32,
    },
    /// Descriptor control: `F_DUPFD`, `F_DUPFD_CLOEXEC`, `F_GETFD`, `F_SETFD`, `F_GETFL`,
    /// `F_SETFL`. Returns `Count` (the command's result).
    Fcntl {
        /// The descriptor.
        fd: u32,
        /// The command.
        cmd: u32,
        /// Its argument.
        #[serde(default)]
        arg: u64,
    },

    // Pipes (6).
    /// Create a pipe from `writer_pid` to `reader_pid`. Needs `SendMessage`. Returns `PipeId`.
    CreatePipe {
        /// The PID that reads.
        reader_pid: Pid,
        /// The PID that writes.
        writer_pid: Pid,
        /// Buffer bytes (default 64 KB, clamped to 1 MB).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity: Option<usize>,
    },
    /// Write what fits; the caller must be the writer. Needs `SendMessage`. Returns `Count`.
    WritePipe {
        /// The pipe.
        pipe_id: PipeId,
        /// The bytes.
        #[serde(with = "payload")]
        data: Vec<u8>,
    },
    /// Read up to `size` bytes; empty at end of file. The caller must be the reader. Needs
    /// `ReceiveMessage`. Returns `Bytes`.
    ReadPipe {
        /// The pipe.
        pipe_id: PipeId,
        /// Most bytes to return.
        size: usize,
    },
    /// Close a pipe (either endpoint). Returns `None`.
    ClosePipe {
        /// The pipe.
        pipe_id: PipeId,
    },
    /// Free a pipe (either endpoint). Returns `None`.
    DestroyPipe {
        /// The pipe.
        pipe_id: PipeId,
    },
    /// A pipe's state. Returns `PipeStats`.
    PipeStats {
        /// The pipe.
        pipe_id: PipeId,
    },

    // Shared memory (7).
    /// Create a zero-filled segment owned by the caller. Needs `SendMessage`. Returns `ShmId`.
    CreateShm {
        /// Bytes, 1 to 100 MB.
        size: usize,
    },
    /// Attach the caller. Needs `ReceiveMessage`. Returns `None`.
    AttachShm {
        /// The segment.
        segment_id: ShmId,
        /// Attach for reading only.
        #[serde(default)]
        read_only: bool,
    },
    /// Detach the caller. Returns `None`.
    DetachShm {
        /// The segment.
        segment_id: ShmId,
    },
    /// Write at an offset; needs a read-write attachment and `SendMessage`. Returns `None`.
    WriteShm {
        /// The segment.
        segment_id: ShmId,
        /// Where to write.
        offset: usize,
        /// The bytes.
        #[serde(with = "payload")]
        data: Vec<u8>,
    },
    /// Read at an offset; needs an attachment and `ReceiveMessage`. Returns `Bytes`.
    ReadShm {
        /// The segment.
        segment_id: ShmId,
        /// Where to read.
        offset: usize,
        /// How many bytes.
        size: usize,
    },
    /// Free a segment; owner only. Returns `None`.
    DestroyShm {
        /// The segment.
        segment_id: ShmId,
    },
    /// A segment's state. Returns `ShmStats`.
    ShmStats {
        /// The segment.
        segment_id: ShmId,
    },

    // Queues (8).
    /// Create a queue owned by the caller. Needs `SendMessage`. Returns `QueueId`.
    CreateQueue {
        /// `fifo`, `priority` or `pubsub`.
        queue_type: QueueKind,
        /// Messages (default 1000, clamped to 10 000).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity: Option<usize>,
    },
    /// Send a message. Needs `SendMessage`. Returns `None`.
    SendQueue {
        /// The queue.
        queue_id: QueueId,
        /// The payload, at most 1 MB.
        #[serde(with = "payload")]
        data: Vec<u8>,
        /// Priority for priority queues (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<u8>,
    },
    /// Take the next message, or `Message(None)` when none waits. Needs `ReceiveMessage`.
    ReceiveQueue {
        /// The queue.
        queue_id: QueueId,
    },
    /// Subscribe the caller to a pub/sub queue. Needs `ReceiveMessage`. Returns `None`.
    SubscribeQueue {
        /// The queue.
        queue_id: QueueId,
    },
    /// Unsubscribe the caller. Returns `None`.
    UnsubscribeQueue {
        /// The queue.
        queue_id: QueueId,
    },
    /// Close a queue to sends; owner only. Returns `None`.
    CloseQueue {
        /// The queue.
        queue_id: QueueId,
    },
    /// Free a queue; owner only. Returns `None`.
    DestroyQueue {
        /// The queue.
        queue_id: QueueId,
    },
    /// A queue's state. Returns `QueueStats`.
    QueueStats {
        /// The queue.
        queue_id: QueueId,
    },
    /// Start a real OS process under the sandbox derived from the caller's policy
    /// ([`crate::SpawnSpec::from_policy`]). Arguments are passed verbatim, never through a
    /// shell. Needs `SpawnProcess`. Returns `Spawned`.
    SpawnProcess {
        /// The program: an absolute path or a name looked up in the system folders.
        program: String,
        /// Its arguments.
        #[serde(default)]
        args: Vec<String>,
        /// The kernel name of the child (default: the program's file name).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Scheduling priority 0..=10 (default 5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<u8>,
        /// Wall-clock limit in milliseconds; the whole process group is killed after it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_ms: Option<u64>,
    },
    /// Kill a process and its whole process group. Needs `KillProcess`. Returns `Exit`.
    KillProcess {
        /// The process to kill.
        target_pid: Pid,
    },
    /// Facts about one process. Needs `SystemInfo`. Returns `ProcessInfo`.
    GetProcessInfo {
        /// The process.
        target_pid: Pid,
    },
    /// Every process with an entry in the process table. Needs `SystemInfo`. Returns
    /// `ProcessList`.
    GetProcessList,
    /// Change a process's priority (also the OS child's nice value and CPU weight). Needs
    /// `SpawnProcess`. Returns `None`.
    SetProcessPriority {
        /// The process.
        target_pid: Pid,
        /// The new priority, 0..=10.
        priority: u8,
    },
    /// A process's state. Needs `SystemInfo`. Returns `ProcessState`.
    GetProcessState {
        /// The process.
        target_pid: Pid,
    },
    /// A process's CPU, memory and run-time figures. Needs `SystemInfo`. Returns
    /// `ProcessStats`.
    GetProcessStats {
        /// The process.
        target_pid: Pid,
    },
    /// Wait for a spawned process to end, up to `timeout_ms` (no limit when left out). The
    /// calling thread blocks in [`crate::Kernel::syscall`]; [`crate::Kernel::syscall_async`]
    /// awaits the exit without blocking it. Needs `SpawnProcess`. Returns `Exit`.
    WaitProcess {
        /// The process.
        target_pid: Pid,
        /// How long to wait, in milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_ms: Option<u64>,
    },
    /// Deliver a real signal (number, e.g. 15 for SIGTERM) to a process's group. Needs
    /// `KillProcess`. Returns `None`.
    SendSignal {
        /// The process.
        target_pid: Pid,
        /// The signal number.
        signal: i32,
    },
    /// Pick the next process to run under the current policy. Needs `SpawnProcess`.
    /// Returns `MaybePid`.
    ScheduleNext,
    /// Give up the rest of the current quantum. Needs no capability beyond a live PID.
    /// Returns `MaybePid` (the next process).
    YieldProcess,
    /// The process currently scheduled. Needs `SystemInfo`. Returns `MaybePid`.
    GetCurrentScheduled,
    /// The scheduler's counters. Needs `SystemInfo`. Returns `SchedulerStats`.
    GetSchedulerStats,
    /// Open a socket (`AF_INET`/`AF_INET6`, `SOCK_STREAM`/`SOCK_DGRAM`). Needs
    /// `NetworkAccess`. Returns `Socket`.
    Socket {
        /// The address family.
        domain: i32,
        /// The socket type.
        socket_type: i32,
        /// The protocol, 0 for the default.
        #[serde(default)]
        protocol: i32,
    },
    /// Bind a socket to `ip:port`. Needs `NetworkAccess` and `BindPort` for the port. Async
    /// only. Returns `Address` (the bound address).
    Bind {
        /// The socket.
        sockfd: u32,
        /// `ip:port`.
        address: String,
    },
    /// Listen on a bound stream socket. Needs `NetworkAccess`. Async only. Returns `None`.
    Listen {
        /// The socket.
        sockfd: u32,
        /// The backlog.
        #[serde(default = "default_backlog")]
        backlog: u32,
    },
    /// Accept one connection. Needs `NetworkAccess`. Async only. Returns `Accepted`.
    Accept {
        /// The listening socket.
        sockfd: u32,
    },
    /// Connect to `ip:port` (checked against the caller's `NetworkAccess` rules). Async
    /// only. Returns `None`.
    Connect {
        /// The socket.
        sockfd: u32,
        /// `ip:port`.
        address: String,
    },
    /// Send bytes on a connected socket. Needs `NetworkAccess`. Async only. Returns `Count`.
    Send {
        /// The socket.
        sockfd: u32,
        /// The bytes.
        #[serde(with = "payload")]
        data: Vec<u8>,
    },
    /// Receive up to `size` bytes. Needs `NetworkAccess`. Async only. Returns `Bytes`.
    Recv {
        /// The socket.
        sockfd: u32,
        /// The most bytes to return.
        size: usize,
    },
    /// Send a datagram to `ip:port`. Needs `NetworkAccess`. Async only. Returns `Count`.
    SendTo {
        /// The socket.
        sockfd: u32,
        /// The bytes.
        #[serde(with = "payload")]
        data: Vec<u8>,
        /// `ip:port`.
        address: String,
    },
    /// Receive a datagram and its sender. Needs `NetworkAccess`. Async only. Returns
    /// `Received`.
    RecvFrom {
        /// The socket.
        sockfd: u32,
        /// The most bytes to return.
        size: usize,
    },
    /// Close a socket. Needs `NetworkAccess`. Returns `None`.
    CloseSocket {
        /// The socket.
        sockfd: u32,
    },
    /// Set a socket option (`SOL_SOCKET`/`IPPROTO_TCP` numbers). Needs `NetworkAccess`.
    /// Returns `None`.
    SetSockOpt {
        /// The socket.
        sockfd: u32,
        /// The option level.
        level: i32,
        /// The option name.
        optname: i32,
        /// The value.
        value: u64,
    },
    /// Read a socket option. Needs `NetworkAccess`. Returns `Count`.
    GetSockOpt {
        /// The socket.
        sockfd: u32,
        /// The option level.
        level: i32,
        /// The option name.
        optname: i32,
    },
    /// A real HTTP request under the caller's `NetworkAccess` rules (cargo feature `http`).
    /// Async only. Returns `Http`. JSON: `{"call":"network_request","method":"PUT",
    /// "url":"http://…","headers":[["Content-Type","application/json"]],"body":…,
    /// "timeout_ms":5000}`; `headers`, `body` and `timeout_ms` may be left out.
    #[cfg(feature = "http")]
    NetworkRequest {
        /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE` or `HEAD`.
        method: HttpMethod,
        /// An `http://` or `https://` URL.
        url: String,
        /// Request headers as `[name, value]` pairs, in order (a name may repeat).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        headers: Vec<(String, String)>,
        /// The request body, sent with any method when present.
        #[serde(
            default,
            with = "payload::optional",
            skip_serializing_if = "Option::is_none"
        )]
        body: Option<Vec<u8>>,
        /// Time allowed for the whole request in milliseconds; at most (and by default)
        /// 30,000.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_ms: Option<u64>,
    },
}

fn default_backlog() -> u32 {
    128
}

fn default_mode() -> u32 {
    0o644
}
