//! The per-kernel runtime state of processes: their priority, state, OS child and exit,
//! together with the scheduler, the memory manager and the socket table.

use std::{collections::HashMap, sync::Arc};

use parking_lot::Mutex;

use crate::{
    memory::MemoryManager,
    net::SocketTable,
    process::{
        Pid,
        child::{ChildProcess, ExitInfo},
    },
    process::{cgroup_pool::CgroupPool, stub_pool::StubPool},
    sched::Scheduler,
};

/// The reference's process states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProcessState {
    /// Created, waiting to be scheduled.
    Ready,
    /// Current in the scheduler, or its OS child is running.
    Running,
    /// Stopped (SIGSTOP) until continued.
    Waiting,
    /// Exited or killed.
    Terminated,
}

impl ProcessState {
    /// The reference's name: `Ready`, `Running`, `Waiting` or `Terminated`.
    pub fn name(self) -> &'static str {
        match self {
            ProcessState::Ready => "Ready",
            ProcessState::Running => "Running",
            ProcessState::Waiting => "Waiting",
            ProcessState::Terminated => "Terminated",
        }
    }
}

/// The reference's `ProcessInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessInfo {
    /// The kernel PID.
    pub pid: Pid,
    /// Its name.
    pub name: String,
    /// Its state.
    pub state: ProcessState,
    /// Its priority.
    pub priority: u8,
    /// The OS pid of its child, if it has one.
    pub os_pid: Option<u32>,
}

/// The reference's process stats, plus memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessStats {
    /// The kernel PID.
    pub pid: Pid,
    /// Its priority.
    pub priority: u8,
    /// CPU time the scheduler accounted to it, in microseconds.
    pub cpu_time_micros: u64,
    /// Its virtual runtime.
    pub vruntime: u64,
    /// True when it is the scheduler's current PID.
    pub is_current: bool,
    /// Kernel bytes plus the child's resident memory.
    pub memory_bytes: u64,
}

/// One process as the runtime sees it.
#[derive(Debug)]
pub(crate) struct Record {
    pub(crate) name: String,
    pub(crate) priority: u8,
    pub(crate) child: Option<Arc<ChildProcess>>,
    pub(crate) exit: Option<ExitInfo>,
    pub(crate) stopped: bool,
    pub(crate) terminated: bool,
    /// The PID that spawned it.
    pub(crate) parent: Option<Pid>,
}

impl Record {
    pub(crate) fn new(name: &str, priority: u8) -> Record {
        Record {
            name: name.to_owned(),
            priority,
            child: None,
            exit: None,
            stopped: false,
            terminated: false,
            parent: None,
        }
    }
}

/// Everything Kernel II keeps per kernel.
#[derive(Debug, Default)]
pub(crate) struct Runtime {
    pub(crate) records: Mutex<HashMap<Pid, Record>>,
    pub(crate) scheduler: Mutex<Scheduler>,
    pub(crate) memory: Mutex<MemoryManager>,
    pub(crate) sockets: SocketTable,
    /// Per-PID caps on running children (PIDs not listed get `DEFAULT_SPAWN_LIMIT`).
    pub(crate) spawn_limits: Mutex<HashMap<Pid, u32>>,
    /// Empty per-child cgroups kept for the next spawns.
    pub(crate) cgroups: Arc<CgroupPool>,
    /// Pre-forked sandbox stubs for the next spawns.
    pub(crate) stubs: StubPool,
}

impl Runtime {
    /// A runtime whose memory manager measures against `total_bytes` (the kernel's budget)
    /// and which keeps `ready_sandboxes` stubs per shape.
    pub(crate) fn new(total_bytes: u64, ready_sandboxes: usize) -> Runtime {
        let mut runtime = Runtime::default();
        runtime.stubs = StubPool::with_size(ready_sandboxes);
        runtime
            .memory
            .lock()
            .set_config(crate::memory::MemoryConfig {
                total_bytes,
                ..crate::memory::MemoryConfig::default()
            });
        runtime
    }
}

impl Drop for Runtime {
    /// A dropped kernel leaves no child behind, even when someone still holds its handle.
    fn drop(&mut self) {
        for record in self.records.get_mut().values() {
            if let Some(child) = &record.child {
                child.kill_group();
            }
        }
    }
}
