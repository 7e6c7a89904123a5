//! Process, signal and scheduler syscalls: thin calls into Kernel II's capability-checked
//! methods. `spawn_process` derives the child's sandbox from the caller's policy.

use std::time::Duration;

use crate::{
    access::Caller,
    error::{Error, Result},
    kernel::Kernel,
    process::SpawnSpec,
    syscall::{Syscall, SyscallOutput},
};

impl Kernel {
    pub(crate) fn exec_process(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        let pid = caller.pid;
        match call {
            Syscall::SpawnProcess {
                program,
                args,
                name,
                priority,
                timeout_ms,
            } => {
                let mut spec = SpawnSpec::from_policy(&caller.policy, program, args);
                if let Some(name) = name {
                    spec.name = name;
                }
                if let Some(priority) = priority {
                    spec.priority = priority;
                }
                spec.limits.wall_timeout = timeout_ms.map(Duration::from_millis);
                let spawned = self.spawn_process(pid, spec)?;
                Ok(SyscallOutput::Spawned {
                    pid: spawned.pid,
                    os_pid: spawned.os_pid,
                    report: spawned.report,
                })
            }
            Syscall::KillProcess { target_pid } => {
                self.kill_process(pid, target_pid).map(SyscallOutput::Exit)
            }
            Syscall::GetProcessInfo { target_pid } => self
                .get_process_info(pid, target_pid)
                .map(SyscallOutput::ProcessInfo),
            Syscall::GetProcessList => self.get_process_list(pid).map(SyscallOutput::ProcessList),
            Syscall::SetProcessPriority {
                target_pid,
                priority,
            } => self
                .set_process_priority(pid, target_pid, priority)
                .map(|()| SyscallOutput::None),
            Syscall::GetProcessState { target_pid } => self
                .get_process_state(pid, target_pid)
                .map(SyscallOutput::ProcessState),
            Syscall::GetProcessStats { target_pid } => self
                .get_process_stats(pid, target_pid)
                .map(SyscallOutput::ProcessStats),
            Syscall::WaitProcess {
                target_pid,
                timeout_ms,
            } => self
                .wait_process(pid, target_pid, timeout_ms.map(Duration::from_millis))
                .map(|info| SyscallOutput::Exit(Some(info))),
            Syscall::SendSignal { target_pid, signal } => self
                .send_signal(pid, target_pid, signal)
                .map(|()| SyscallOutput::None),
            Syscall::ScheduleNext => self.schedule_next(pid).map(SyscallOutput::MaybePid),
            Syscall::YieldProcess => self.yield_process(pid).map(SyscallOutput::MaybePid),
            Syscall::GetCurrentScheduled => {
                self.get_current_scheduled(pid).map(SyscallOutput::MaybePid)
            }
            Syscall::GetSchedulerStats => self
                .get_scheduler_stats(pid)
                .map(SyscallOutput::SchedulerStats),
            other => Err(Error::InvalidArgument(format!(
                "{} is not a process call",
                other.name()
            ))),
        }
    }
}
