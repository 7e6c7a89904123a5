//! Processes: kernel PIDs and the table of what each one is, and real OS children started
//! by exec under a layered sandbox (rlimits, Landlock, seccomp, namespaces, cgroups).

mod cgroup;
mod child;
mod kernel_api;
mod landlock_rules;
mod output;
mod preset;
mod report;
mod sandbox;
mod seccomp_filter;
mod spawner;
mod spec;
mod supervisor;
mod table;
mod validate;

use std::fmt;

use crate::capability::CapabilitySet;

pub(crate) use self::table::Runtime;
pub use self::{
    child::{ChildProcess, EXIT_REFUSED, EXIT_TIMED_OUT, ExitInfo},
    kernel_api::{DEFAULT_PRIORITY, DEFAULT_SPAWN_LIMIT, Spawned},
    output::{OutputChunk, OutputStream},
    preset::{SYSTEM_READ_PATHS, SYSTEM_WRITE_PATHS, SandboxPreset},
    report::{Layer, LayerReport, LayerStatus, SandboxReport},
    seccomp_filter::DENIED_SYSCALLS,
    spec::{DEFAULT_OUTPUT_LIMIT, Limits, SandboxLayers, SpawnSpec},
    table::{ProcessInfo, ProcessState, ProcessStats},
    validate::{FORBIDDEN_PROGRAM_CHARS, PROGRAM_SEARCH_PATH, resolve_program},
};

/// A kernel process identifier. PIDs start at 1 and are never reused within a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pid(pub u32);

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What the kernel knows about one process.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    pub(crate) name: String,
    pub(crate) capabilities: CapabilitySet,
}
