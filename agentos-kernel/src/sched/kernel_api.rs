//! The scheduler calls on [`Kernel`]: `schedule_next`, `yield_process`,
//! `get_current_scheduled`, `get_scheduler_stats`, and switching the policy.

use crate::{
    capability::CapabilityKind,
    error::Result,
    kernel::Kernel,
    process::Pid,
    sched::{SchedulerStats, SchedulingPolicy},
};

impl Kernel {
    /// The next PID to run (see [`Scheduler::schedule`](crate::Scheduler::schedule)).
    ///
    /// # Errors
    /// `NoSuchProcess` for an unknown caller.
    pub fn schedule_next(&self, caller: Pid) -> Result<Option<Pid>> {
        self.require_known(caller)?;
        Ok(self.runtime().scheduler.lock().schedule())
    }

    /// The current PID yields; returns the PID dispatched next.
    ///
    /// # Errors
    /// `NoSuchProcess` for an unknown caller.
    pub fn yield_process(&self, caller: Pid) -> Result<Option<Pid>> {
        self.require_known(caller)?;
        Ok(self.runtime().scheduler.lock().yield_current())
    }

    /// The scheduler's current PID.
    ///
    /// # Errors
    /// `NoSuchProcess` for an unknown caller.
    pub fn get_current_scheduled(&self, caller: Pid) -> Result<Option<Pid>> {
        self.require_known(caller)?;
        Ok(self.runtime().scheduler.lock().current())
    }

    /// The scheduler's counters and settings.
    ///
    /// # Errors
    /// `NoSuchProcess` for an unknown caller.
    pub fn get_scheduler_stats(&self, caller: Pid) -> Result<SchedulerStats> {
        self.require_known(caller)?;
        Ok(self.runtime().scheduler.lock().stats())
    }

    /// Switches the scheduling policy at run time; queued PIDs are kept.
    ///
    /// # Errors
    /// `PermissionDenied` without `SPAWN_PROCESS`.
    pub fn set_scheduling_policy(&self, caller: Pid, policy: SchedulingPolicy) -> Result<()> {
        self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        self.runtime().scheduler.lock().set_policy(policy);
        Ok(())
    }

    /// Sets the scheduler's quantum (at least 1 µs).
    ///
    /// # Errors
    /// `PermissionDenied` without `SPAWN_PROCESS`.
    pub fn set_scheduler_quantum(&self, caller: Pid, quantum: std::time::Duration) -> Result<()> {
        self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        let quantum = quantum.max(std::time::Duration::from_micros(1));
        self.runtime().scheduler.lock().set_quantum(quantum);
        Ok(())
    }
}
