//! [`SyscallOutput`]: what a successful syscall returns (its JSON form is in
//! `output_json.rs`).

use std::{net::SocketAddr, time::Duration};

#[cfg(feature = "http")]
use crate::net::HttpResponse;
use crate::{
    ipc::{
        pipe::{PipeId, PipeStats},
        queue::{QueueId, QueueMessage, QueueStats},
        shm::{ShmId, ShmStats},
    },
    net::{Accepted, Received},
    process::{ExitInfo, Pid, ProcessInfo, ProcessState, ProcessStats, SandboxReport},
    sched::SchedulerStats,
    syscall::{FileStat, MemoryStats, ProcessMemoryStats, SystemInfo},
    vfs::DirEntry,
};

/// What a successful syscall returns. Each [`Syscall`] variant says which variant it returns.
///
/// [`SyscallOutput::to_json`] gives the documented JSON form: an object whose `"type"` is the
/// variant's snake-case name, with the fields listed on each variant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyscallOutput {
    /// The call succeeded and returns nothing. JSON `{"type":"none"}`.
    None,
    /// Raw bytes, e.g. file contents. JSON `{"type":"bytes","data":<payload>}`.
    Bytes(Vec<u8>),
    /// A directory listing. JSON `{"type":"entries","entries":[{"name","is_dir","type"}]}`.
    Entries(Vec<DirEntry>),
    /// A yes/no answer (`file_exists`). JSON `{"type":"bool","value":true}`.
    Bool(bool),
    /// Text (working directory, environment value). JSON `{"type":"text","value":"..."}`.
    Text(String),
    /// A number: bytes written, bytes freed, a file offset, an `fcntl` result.
    /// JSON `{"type":"count","value":n}`.
    Count(u64),
    /// A time span: since the Unix epoch (`get_current_time`) or since start (`get_uptime`).
    /// JSON `{"type":"time","value":{"secs","nanos"}}`.
    Time(Duration),
    /// File metadata. JSON `{"type":"stat","name","path","size","is_dir","kind","mode"
    /// (octal string),"modified" (Unix seconds),"extension"}`.
    Stat(FileStat),
    /// System facts. JSON `{"type":"system_info","os","arch","family","kernel_version",
    /// "n_processes"}`.
    SystemInfo(SystemInfo),
    /// Kernel-wide memory accounting. JSON `{"type":"memory_stats", …}` with the fields of
    /// [`MemoryStats`].
    MemoryStats(MemoryStats),
    /// One PID's memory. JSON `{"type":"process_memory","pid","allocated_bytes","peak_bytes",
    /// "allocation_count"}`.
    ProcessMemory(ProcessMemoryStats),
    /// A new file descriptor. JSON `{"type":"fd","fd":n}`.
    Fd(u32),
    /// A new pipe. JSON `{"type":"pipe_id","pipe_id":n}`.
    PipeId(PipeId),
    /// A pipe's state. JSON `{"type":"pipe_stats","id","reader_pid","writer_pid","capacity",
    /// "buffered","closed"}`.
    PipeStats(PipeStats),
    /// A new shared memory segment. JSON `{"type":"shm_id","segment_id":n}`.
    ShmId(ShmId),
    /// A segment's state. JSON `{"type":"shm_stats","id","size","owner_pid","attached_pids",
    /// "read_only_pids"}`.
    ShmStats(ShmStats),
    /// A new queue. JSON `{"type":"queue_id","queue_id":n}`.
    QueueId(QueueId),
    /// A queue's state. JSON `{"type":"queue_stats","id","queue_type","owner_pid","capacity",
    /// "length","subscriber_count","closed"}`.
    QueueStats(QueueStats),
    /// A received message, or `None` when none was waiting. JSON `{"type":"message",
    /// "message":null}` or `{"type":"message","message":{"id","from","data","priority",
    /// "timestamp_ms"}}`.
    Message(Option<QueueMessage>),
    /// A started child: its kernel PID, OS pid and which sandbox layers are enforced.
    Spawned {
        /// The child's kernel PID.
        pid: Pid,
        /// Its OS pid (also its process group).
        os_pid: u32,
        /// The sandbox layers, enforced or not and why.
        report: SandboxReport,
    },
    /// How a process ended; `None` when `kill_process` found it already gone.
    Exit(Option<ExitInfo>),
    /// Facts about one process.
    ProcessInfo(ProcessInfo),
    /// The process table.
    ProcessList(Vec<ProcessInfo>),
    /// A process's state.
    ProcessState(ProcessState),
    /// A process's figures.
    ProcessStats(ProcessStats),
    /// A PID, or `None` when nothing is scheduled.
    MaybePid(Option<Pid>),
    /// The scheduler's counters.
    SchedulerStats(SchedulerStats),
    /// A new socket descriptor.
    Socket(u32),
    /// A socket address, e.g. where `bind` bound.
    Address(SocketAddr),
    /// An accepted connection.
    Accepted(Accepted),
    /// A received datagram and its sender.
    Received(Received),
    /// An HTTP response.
    #[cfg(feature = "http")]
    Http(HttpResponse),
}
