//! Processes: kernel PIDs and the table of what each one is, and real OS children started
//! by exec under a layered sandbox (rlimits, Landlock, seccomp, namespaces, cgroups).

mod cgroup;
mod cgroup_pool;
mod child;
mod from_policy;
mod kernel_api;
mod landlock_rules;
mod output;
mod preset;
mod report;
mod sandbox;
mod seccomp_filter;
mod spawner;
mod spec;
mod stub_pool;
mod supervisor;
mod table;
mod validate;

use std::fmt;

use serde::{Deserialize, Serialize};

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
/// In JSON it is a plain number. One PID space: the same `Pid` names a kernel process's
/// sandbox policy, its OS child (if any), its scheduler entry, memory account and sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pid(pub u32);

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
