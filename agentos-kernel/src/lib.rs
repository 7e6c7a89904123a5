//! The AgentOS kernel: a userspace microkernel that gives every app a PID, a capability set,
//! a virtual filesystem and capability-checked syscalls.
//!
//! Denial is the default: a new PID holds no capability, and every syscall is checked against the
//! caller's [`CapabilitySet`] before it runs.
//!
//! ```
//! use agentos_kernel::{Capability, CapabilitySet, Kernel, Syscall, SyscallOutput};
//!
//! let kernel = Kernel::new();
//! let pid = kernel.create_process("notes", CapabilitySet::new()
//!     .grant(Capability::WriteFile(Some("/tmp".into())))
//!     .grant(Capability::ReadFile(Some("/tmp".into()))));
//! kernel.syscall(pid, Syscall::WriteFile { path: "/tmp/a.txt".into(), data: b"hi".to_vec() })?;
//! let out = kernel.syscall(pid, Syscall::ReadFile { path: "/tmp/a.txt".into() })?;
//! assert_eq!(out, SyscallOutput::Bytes(b"hi".to_vec()));
//! # Ok::<(), agentos_kernel::Error>(())
//! ```

mod capability;
mod error;
mod kernel;
mod memory;
mod net;
mod path;
mod process;
mod sched;
mod sys;
mod syscall;
mod vfs;

#[cfg(feature = "http")]
pub use crate::net::{HttpMethod, HttpResponse, MAX_RESPONSE_BYTES};
pub use crate::{
    capability::{Capability, CapabilityKind, CapabilitySet},
    error::{Error, Result},
    kernel::Kernel,
    path::VfsPath,
    process::Pid,
    syscall::{DirEntry, Syscall, SyscallOutput},
    vfs::{FileSystem, MemFs},
};
pub use crate::{
    memory::{
        MemoryConfig, MemoryKind, MemoryManager, MemoryStats, OomEvent, PressureLevel,
        ProcessMemoryStats,
    },
    net::{Accepted, DEFAULT_RECV_TIMEOUT, NetworkRule, Received, SocketOption},
    process::{
        ChildProcess, DEFAULT_OUTPUT_LIMIT, DEFAULT_PRIORITY, DEFAULT_SPAWN_LIMIT, DENIED_SYSCALLS,
        EXIT_REFUSED, EXIT_TIMED_OUT, ExitInfo, FORBIDDEN_PROGRAM_CHARS, Layer, LayerReport,
        LayerStatus, Limits, OutputChunk, OutputStream, PROGRAM_SEARCH_PATH, ProcessInfo,
        ProcessState, ProcessStats, SYSTEM_READ_PATHS, SYSTEM_WRITE_PATHS, SandboxLayers,
        SandboxPreset, SandboxReport, SpawnSpec, Spawned, resolve_program,
    },
    sched::{DEFAULT_QUANTUM, ScheduledProcess, Scheduler, SchedulerStats, SchedulingPolicy},
};
