//! The AgentOS kernel: a userspace microkernel that gives every app a PID, a sandbox of
//! capabilities and paths, a virtual filesystem, IPC (pipes, shared memory, queues) and
//! capability-checked syscalls, with Prometheus metrics. It is a library: no HTTP, no async
//! runtime in its API.
//!
//! Denial is the default: a new PID holds no capability, and every syscall is checked against
//! the caller's [`SandboxPolicy`] before it runs.
//!
//! ```
//! use agentos_kernel::{Capability, CapabilitySet, Kernel, Syscall, SyscallOutput};
//!
//! let kernel = Kernel::new();
//! let pid = kernel.create_process("notes", CapabilitySet::new()
//!     .grant(Capability::WriteFile(Some("/tmp".into())))
//!     .grant(Capability::ReadFile(Some("/tmp".into()))));
//! kernel.syscall(pid, Syscall::WriteFile { path: "/tmp/a.txt".into(), data: b"hi".to_vec() })?;
//! let out = kernel.syscall(pid, Syscall::from_json(r#"{"call":"read_file","path":"/tmp/a.txt"}"#)?)?;
//! assert_eq!(out, SyscallOutput::Bytes(b"hi".to_vec()));
//! assert!(kernel.metrics().encode().contains("agentos_kernel_syscalls_total"));
//! # Ok::<(), agentos_kernel::Error>(())
//! ```

mod access;
mod capability;
mod clock;
mod error;
mod fd;
mod id_hash;
mod ipc;
mod kernel;
mod latency;
mod memory;
mod metrics;
mod net;
mod path;
mod pid_table;
mod process;
mod queue_handle;
mod sandbox;
mod sched;
mod sys;
mod syscall;
mod timer;
mod vfs;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;

#[cfg(feature = "http")]
pub use crate::net::{
    DEFAULT_REQUEST_TIMEOUT, FORBIDDEN_REQUEST_HEADERS, HttpMethod, HttpRequest, HttpResponse,
    MAX_RESPONSE_BYTES, check_request_header,
};
pub use crate::{
    capability::{Capability, CapabilityKind, CapabilitySet, NetworkRule},
    error::{Error, Result},
    fd::{FIRST_FD, MAX_FD, flags as fd_flags},
    ipc::{
        pipe::{
            PIPE_DEFAULT_CAPACITY, PIPE_GLOBAL_BYTES, PIPE_MAX_CAPACITY, PIPES_PER_PROCESS, PipeId,
            PipeStats,
        },
        queue::{
            QUEUE_DEFAULT_CAPACITY, QUEUE_GLOBAL_BYTES, QUEUE_MAX_CAPACITY, QUEUE_MAX_MESSAGE,
            QUEUES_PER_PROCESS, QueueId, QueueKind, QueueMessage, QueueStats,
        },
        shm::{
            SHM_GLOBAL_BYTES, SHM_MAX_SEGMENT, SHM_SEGMENTS_PER_PROCESS, SharedBytes, ShmId,
            ShmStats,
        },
    },
    kernel::{Kernel, KernelConfig},
    latency::LatencySummary,
    metrics::KernelMetrics,
    path::VfsPath,
    process::Pid,
    queue_handle::QueueHandle,
    sandbox::{ResourceLimits, SandboxPolicy},
    syscall::{FileStat, MemoryStats, ProcessMemoryStats, Syscall, SyscallOutput, SystemInfo},
    vfs::{
        AmbientAuthority, DirEntry, FileHandle, FileKind, FileSystem, LocalFs, LocalFsOptions,
        MemFs, Metadata, MountInfo, MountTable, OpenOptions, ambient_authority,
    },
};
pub use crate::{
    memory::{
        MemoryConfig, MemoryKind, MemoryManager, MemoryManagerStats, OomEvent, PressureLevel,
        ProcessMemoryUsage,
    },
    net::{Accepted, DEFAULT_RECV_TIMEOUT, Received, SocketOption, SocketRule},
    process::{
        ChildProcess, DEFAULT_OUTPUT_LIMIT, DEFAULT_PRIORITY, DEFAULT_SPAWN_LIMIT, DENIED_SYSCALLS,
        EXIT_REFUSED, EXIT_TIMED_OUT, ExitInfo, FORBIDDEN_PROGRAM_CHARS, Layer, LayerReport,
        LayerStatus, Limits, OutputChunk, OutputStream, PROGRAM_SEARCH_PATH, ProcessInfo,
        ProcessState, ProcessStats, SYSTEM_READ_PATHS, SYSTEM_WRITE_PATHS, SandboxLayers,
        SandboxPreset, SandboxReport, SpawnSpec, Spawned, resolve_program,
    },
    sched::{DEFAULT_QUANTUM, ScheduledProcess, Scheduler, SchedulerStats, SchedulingPolicy},
};
