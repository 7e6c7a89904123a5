//! The kernel scheduler: round-robin, priority and fair (vruntime) policies with a quantum,
//! switchable at run time without losing queued PIDs.

mod kernel_api;
mod policy;
mod scheduler;

pub use self::{
    policy::SchedulingPolicy,
    scheduler::{DEFAULT_QUANTUM, ScheduledProcess, Scheduler, SchedulerStats},
};
