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
mod path;
mod process;
mod syscall;
mod vfs;

pub use crate::{
    capability::{Capability, CapabilityKind, CapabilitySet},
    error::{Error, Result},
    kernel::Kernel,
    path::VfsPath,
    process::Pid,
    syscall::{DirEntry, Syscall, SyscallOutput},
    vfs::{FileSystem, MemFs},
};
