//! The process calls and `send_signal` on [`Kernel`], each checked against the calling PID's
//! [`CapabilitySet`](crate::CapabilitySet) before it runs, plus the helpers the scheduler,
//! memory and network calls share.

use std::{sync::Arc, time::Duration};

use crate::{
    capability::{CapabilityKind, CapabilitySet},
    error::{Error, Result},
    kernel::Kernel,
    memory::ProcessMemoryUsage,
    path::VfsPath,
    process::{
        Pid,
        child::{ChildProcess, ExitInfo, Launch},
        preset,
        report::SandboxReport,
        sandbox,
        spec::SpawnSpec,
        table::{ProcessInfo, ProcessState, ProcessStats, Record},
        validate,
    },
};

/// The priority of a PID made without one (the middle of the reference's 4–7 band).
pub const DEFAULT_PRIORITY: u8 = 5;

/// Running children a PID may have at once unless [`Kernel::set_spawn_limit`] says otherwise.
pub const DEFAULT_SPAWN_LIMIT: u32 = 64;

/// What `spawn_process` returns.
#[derive(Debug, Clone)]
pub struct Spawned {
    /// The new kernel PID of the child.
    pub pid: Pid,
    /// The OS pid (also its process group).
    pub os_pid: u32,
    /// Which sandbox layers are enforced.
    pub report: SandboxReport,
    /// The running child: wait on it, stream its output, kill it.
    pub child: Arc<ChildProcess>,
}

impl Kernel {
    /// Registers a kernel-only process (no OS child) with a scheduling `priority`; it is
    /// queued in the scheduler.
    pub fn create_process_with_priority(
        &self,
        name: &str,
        priority: u8,
        capabilities: CapabilitySet,
    ) -> Pid {
        let pid = self.create_process(name, capabilities);
        self.runtime()
            .records
            .lock()
            .insert(pid, Record::new(name, priority));
        self.runtime().scheduler.lock().add(pid, priority);
        pid
    }

    /// Starts a real OS process for `caller` under the sandbox `spec` describes, and gives
    /// it a new kernel PID (holding no capabilities) queued in the scheduler.
    ///
    /// # Errors
    /// `PermissionDenied` when `caller` lacks `SPAWN_PROCESS`, `NETWORK_ACCESS` (for
    /// `spec.network`), `READ_FILE` on an allowed read path or `WRITE_FILE` on an allowed
    /// write path; `InvalidProgram`/`InvalidArgument` for a bad program, argument,
    /// environment or working directory; `SandboxUnavailable` in strict mode; `Spawn` when
    /// the OS refuses.
    ///
    /// # Capabilities
    /// `SPAWN_PROCESS`, plus what the spec grants the child.
    pub fn spawn_process(&self, caller: Pid, spec: SpawnSpec) -> Result<Spawned> {
        let capabilities = self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        if spec.network && !capabilities.allows(CapabilityKind::NetworkAccess, None) {
            return Err(denied(caller, CapabilityKind::NetworkAccess, "-"));
        }
        if spec.network {
            if spec.bind_any_port && !capabilities.allows_bind_any() {
                return Err(denied(caller, CapabilityKind::BindPort, "any port"));
            }
            if let Some(port) = spec
                .bind_ports
                .iter()
                .find(|port| !capabilities.allows_bind(**port))
            {
                return Err(denied(
                    caller,
                    CapabilityKind::BindPort,
                    &format!("port {port}"),
                ));
            }
        }
        let policy = self.sandbox(caller)?;
        for (paths, kind, system) in [
            (
                &spec.allowed_read,
                CapabilityKind::ReadFile,
                preset::SYSTEM_READ_PATHS,
            ),
            (
                &spec.allowed_write,
                CapabilityKind::WriteFile,
                preset::SYSTEM_WRITE_PATHS,
            ),
        ] {
            for path in paths {
                let text = path.display().to_string();
                // Every preset grants the system's executable and library folders (and
                // /dev/null) so that programs can start; they need no capability.
                if system.contains(&text.as_str()) {
                    continue;
                }
                let vfs_path = VfsPath::new(&text);
                if !capabilities.allows(kind, Some(&vfs_path))
                    || !policy.allows_path(kind, &vfs_path)
                {
                    return Err(denied(caller, kind, &text));
                }
            }
        }
        let limit = self.spawn_limit(caller);
        let running = self.running_children(caller);
        if running >= limit {
            return Err(Error::ProcessLimit {
                pid: caller,
                running,
                limit,
            });
        }
        let program = validate::resolve_program(&spec.program)?;
        validate::check_program_reachable(&program, &spec)?;
        validate::check_args_and_env(&spec)?;
        let cwd = validate::working_directory(&spec)?;
        let prepared = sandbox::prepare(&spec, &self.runtime().cgroups)?;
        let report = prepared.report.clone();
        let launch = Launch {
            program: &program,
            args: &spec.args,
            env: &spec.env,
            cwd: &cwd,
            output_limit: spec.limits.output_bytes,
            wall_timeout: spec.limits.wall_timeout,
            stream_output: spec.stream_output,
            // Behind a keeper (kill its init); a direct init is the leader itself.
            pid_namespace: prepared.setup.unshare_flags & libc::CLONE_NEWPID != 0
                && !prepared.setup.direct_pid_namespace,
        };
        let child = Arc::new(ChildProcess::spawn(
            launch,
            prepared.setup,
            prepared.cgroup,
            prepared.report,
            prepared
                .shape
                .as_ref()
                .map(|shape| (&self.runtime().stubs, shape)),
        )?);
        let name = if spec.name.is_empty() {
            program.file_name().map_or_else(
                || spec.program.clone(),
                |n| n.to_string_lossy().into_owned(),
            )
        } else {
            spec.name.clone()
        };
        let pid = self.create_process(&name, CapabilitySet::new());
        let mut record = Record::new(&name, spec.priority);
        record.child = Some(Arc::clone(&child));
        record.parent = Some(caller);
        self.runtime().records.lock().insert(pid, record);
        self.runtime().scheduler.lock().add(pid, spec.priority);
        Ok(Spawned {
            pid,
            os_pid: child.os_pid(),
            report,
            child,
        })
    }

    /// Makes sandboxes ready ahead of spawns like `spec`, and waits (a few seconds at most)
    /// until they are: a later `spawn_process` with the same namespaces then starts in one of
    /// them instead of creating its namespaces on the request's path. Each ready sandbox
    /// serves one child. Returns how many are ready (0 where this host cannot prepare them:
    /// no namespaces requested, or the kernel is not root). Spawns refill the pool by
    /// themselves; this is for warming it at startup or between measured spawns.
    ///
    /// # Errors
    /// `PermissionDenied` when `caller` lacks `SPAWN_PROCESS`.
    ///
    /// # Capabilities
    /// `SPAWN_PROCESS`.
    pub fn warm_up_sandbox(&self, caller: Pid, spec: &SpawnSpec) -> Result<usize> {
        self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        Ok(sandbox::stub_shape(spec).map_or(0, |shape| self.runtime().stubs.warm(&shape)))
    }

    /// Caps how many running children `target` may have at once (the reference's
    /// `max_processes`); spawns beyond it fail with `ProcessLimit`.
    ///
    /// # Errors
    /// `PermissionDenied` without `SPAWN_PROCESS`, or when `caller` raises its own limit;
    /// `NoSuchProcess`.
    pub fn set_spawn_limit(&self, caller: Pid, target: Pid, limit: u32) -> Result<()> {
        self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        self.capabilities_of(target)?;
        if caller == target && limit > self.spawn_limit(caller) {
            return Err(denied(
                caller,
                CapabilityKind::SpawnProcess,
                "raise own spawn limit",
            ));
        }
        self.runtime().spawn_limits.lock().insert(target, limit);
        Ok(())
    }

    /// The running child of `target`, to wait on, stream or inspect.
    ///
    /// # Errors
    /// `NoSuchProcess`, `NoOsProcess`, or `PermissionDenied` without `SYSTEM_INFO`.
    pub fn process_handle(&self, caller: Pid, target: Pid) -> Result<Arc<ChildProcess>> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        self.child_of(target)
    }

    /// Kills `target`: its whole OS process group (SIGKILL, then reaped), its scheduler entry
    /// and its memory. The PID stays listed as `Terminated` until [`Kernel::reap_process`].
    ///
    /// # Errors
    /// `PermissionDenied` without `KILL_PROCESS`; `NoSuchProcess`.
    pub fn kill_process(&self, caller: Pid, target: Pid) -> Result<Option<ExitInfo>> {
        self.require_cap(caller, CapabilityKind::KillProcess, "-")?;
        self.terminate(target, true)
    }

    /// Waits for `target`'s OS child to exit. With `timeout`, the whole process group is
    /// killed when it runs out and the result says `timed_out`.
    ///
    /// # Errors
    /// `PermissionDenied` without `SPAWN_PROCESS`; `NoSuchProcess`; `NoOsProcess`.
    pub fn wait_process(
        &self,
        caller: Pid,
        target: Pid,
        timeout: Option<Duration>,
    ) -> Result<ExitInfo> {
        self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        let child = self.child_of(target)?;
        let info = child.wait(timeout);
        self.finish(target, &info);
        Ok(info)
    }

    /// Like [`Kernel::wait_process`], but awaits the exit without blocking a thread (the
    /// kernel's supervisor thread and timer wake the future; any executor can drive it).
    ///
    /// # Errors
    /// `PermissionDenied` without `SPAWN_PROCESS`; `NoSuchProcess`; `NoOsProcess`.
    pub async fn wait_process_async(
        &self,
        caller: Pid,
        target: Pid,
        timeout: Option<Duration>,
    ) -> Result<ExitInfo> {
        self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        let child = self.child_of(target)?;
        // A timeout too large to represent is no timeout.
        let sleep = timeout
            .filter(|timeout| std::time::Instant::now().checked_add(*timeout).is_some())
            .map(|timeout| self.inner.timer.sleep(timeout));
        let info = child.wait_async(sleep).await;
        self.finish(target, &info);
        Ok(info)
    }

    /// The reference's `ProcessInfo` of `target`.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`; `NoSuchProcess`.
    pub fn get_process_info(&self, caller: Pid, target: Pid) -> Result<ProcessInfo> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        self.info_of(target)
    }

    /// Every process the runtime knows, by PID.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`.
    pub fn get_process_list(&self, caller: Pid) -> Result<Vec<ProcessInfo>> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        let mut pids: Vec<Pid> = self.runtime().records.lock().keys().copied().collect();
        pids.sort();
        Ok(pids
            .into_iter()
            .filter_map(|pid| self.info_of(pid).ok())
            .collect())
    }

    /// Sets `target`'s priority: in the scheduler, and on its OS child (nice value of the
    /// whole group and cgroup CPU weight).
    ///
    /// # Errors
    /// `PermissionDenied` without `SPAWN_PROCESS`; `NoSuchProcess`; `Signal` when the OS
    /// refuses the renice.
    pub fn set_process_priority(&self, caller: Pid, target: Pid, priority: u8) -> Result<()> {
        self.require_cap(caller, CapabilityKind::SpawnProcess, "-")?;
        self.ensure_record(target);
        let child = {
            let mut records = self.runtime().records.lock();
            let record = records
                .get_mut(&target)
                .ok_or(Error::NoSuchProcess(target))?;
            record.priority = priority;
            record.child.clone()
        };
        self.runtime()
            .scheduler
            .lock()
            .set_priority(target, priority);
        if let Some(child) = child {
            child
                .set_priority(
                    sandbox::nice_for(priority),
                    sandbox::cpu_weight_for(priority),
                )
                .map_err(|reason| Error::Signal {
                    pid: target,
                    signal: 0,
                    reason,
                })?;
        }
        Ok(())
    }

    /// `target`'s state.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`; `NoSuchProcess`.
    pub fn get_process_state(&self, caller: Pid, target: Pid) -> Result<ProcessState> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        Ok(self.info_of(target)?.state)
    }

    /// `target`'s scheduling and memory figures.
    ///
    /// # Errors
    /// `PermissionDenied` without `SYSTEM_INFO`; `NoSuchProcess`.
    pub fn get_process_stats(&self, caller: Pid, target: Pid) -> Result<ProcessStats> {
        self.require_cap(caller, CapabilityKind::SystemInfo, "-")?;
        let info = self.info_of(target)?;
        let scheduled = self.runtime().scheduler.lock().process(target);
        let memory = self.process_memory(target);
        Ok(ProcessStats {
            pid: target,
            priority: info.priority,
            cpu_time_micros: scheduled.map_or(0, |s| s.cpu_time_micros),
            vruntime: scheduled.map_or(0, |s| s.vruntime),
            is_current: scheduled.is_some_and(|s| s.is_current),
            memory_bytes: memory.allocated_bytes + memory.os_resident_bytes,
        })
    }

    /// Sends `signal` (a Linux signal number) to `target`. With an OS child the signal goes
    /// to its whole process group. A kernel-only process is terminated by SIGKILL, SIGTERM,
    /// SIGINT and SIGHUP, stopped by SIGSTOP/SIGTSTP and continued by SIGCONT.
    ///
    /// # Errors
    /// `PermissionDenied` without `KILL_PROCESS`; `NoSuchProcess`; `Signal` for an invalid
    /// signal or a child that already exited.
    pub fn send_signal(&self, caller: Pid, target: Pid, signal: i32) -> Result<()> {
        self.require_cap(caller, CapabilityKind::KillProcess, "-")?;
        self.ensure_record(target);
        let child = {
            let mut records = self.runtime().records.lock();
            let record = records
                .get_mut(&target)
                .ok_or(Error::NoSuchProcess(target))?;
            if record.terminated {
                return Err(Error::Signal {
                    pid: target,
                    signal,
                    reason: "already terminated".into(),
                });
            }
            if matches!(signal, libc::SIGSTOP | libc::SIGTSTP) {
                record.stopped = true;
            } else if signal == libc::SIGCONT {
                record.stopped = false;
            }
            record.child.clone()
        };
        match child {
            Some(child) => child.signal(signal).map_err(|reason| Error::Signal {
                pid: target,
                signal,
                reason,
            }),
            None => {
                if nix::sys::signal::Signal::try_from(signal).is_err() {
                    return Err(Error::Signal {
                        pid: target,
                        signal,
                        reason: "invalid signal".into(),
                    });
                }
                if matches!(
                    signal,
                    libc::SIGKILL | libc::SIGTERM | libc::SIGINT | libc::SIGHUP
                ) {
                    self.terminate(target, true)?;
                }
                Ok(())
            }
        }
    }

    /// Forgets a process: kills it if still running, and drops its record, scheduler entry,
    /// memory and kernel PID.
    ///
    /// # Errors
    /// `PermissionDenied` without `KILL_PROCESS`; `NoSuchProcess`.
    pub fn reap_process(&self, caller: Pid, target: Pid) -> Result<()> {
        self.require_cap(caller, CapabilityKind::KillProcess, "-")?;
        self.terminate(target, true)?;
        self.runtime().records.lock().remove(&target);
        self.exit(target)
    }

    pub(crate) fn require_cap(
        &self,
        caller: Pid,
        kind: CapabilityKind,
        what: &str,
    ) -> Result<CapabilitySet> {
        let capabilities = self.capabilities_of(caller)?;
        if capabilities.allows(kind, None) {
            Ok(capabilities)
        } else {
            Err(denied(caller, kind, what))
        }
    }

    fn spawn_limit(&self, pid: Pid) -> u32 {
        self.runtime()
            .spawn_limits
            .lock()
            .get(&pid)
            .copied()
            .unwrap_or(DEFAULT_SPAWN_LIMIT)
    }

    fn running_children(&self, parent: Pid) -> u32 {
        let records = self.runtime().records.lock();
        let running = records
            .values()
            .filter(|record| record.parent == Some(parent) && !record.terminated)
            .filter(|record| {
                record
                    .child
                    .as_ref()
                    .is_some_and(|child| !child.has_exited())
            })
            .count();
        u32::try_from(running).unwrap_or(u32::MAX)
    }

    pub(crate) fn require_known(&self, caller: Pid) -> Result<()> {
        self.capabilities_of(caller).map(drop)
    }

    /// A PID made by [`Kernel::create_process`] (no runtime record yet) gets a record with
    /// the default priority, so the process calls work on every kernel PID.
    pub(crate) fn ensure_record(&self, target: Pid) {
        if self.runtime().records.lock().contains_key(&target) {
            return;
        }
        if let Ok(name) = self.process_name(target) {
            self.runtime()
                .records
                .lock()
                .entry(target)
                .or_insert_with(|| Record::new(&name, DEFAULT_PRIORITY));
        }
    }

    pub(crate) fn child_of(&self, target: Pid) -> Result<Arc<ChildProcess>> {
        self.ensure_record(target);
        let records = self.runtime().records.lock();
        let record = records.get(&target).ok_or(Error::NoSuchProcess(target))?;
        record.child.clone().ok_or(Error::NoOsProcess(target))
    }

    pub(crate) fn info_of(&self, target: Pid) -> Result<ProcessInfo> {
        self.ensure_record(target);
        let current = self.runtime().scheduler.lock().current();
        let records = self.runtime().records.lock();
        let record = records.get(&target).ok_or(Error::NoSuchProcess(target))?;
        let child_running = record.child.as_ref().is_some_and(|c| !c.has_exited());
        let state = if record.terminated || record.child.as_ref().is_some_and(|c| c.has_exited()) {
            ProcessState::Terminated
        } else if record.stopped {
            ProcessState::Waiting
        } else if current == Some(target) || child_running {
            ProcessState::Running
        } else {
            ProcessState::Ready
        };
        Ok(ProcessInfo {
            pid: target,
            name: record.name.clone(),
            state,
            priority: record.priority,
            os_pid: record.child.as_ref().map(|c| c.os_pid()),
        })
    }

    pub(crate) fn process_memory(&self, target: Pid) -> ProcessMemoryUsage {
        if let Ok(child) = self.child_of(target) {
            let bytes = child.memory_usage();
            self.runtime().memory.lock().set_os_resident(target, bytes);
        }
        self.runtime().memory.lock().process_stats(target)
    }

    pub(crate) fn refresh_resident(&self) {
        let children: Vec<(Pid, Arc<ChildProcess>)> = self
            .runtime()
            .records
            .lock()
            .iter()
            .filter(|(_, r)| !r.terminated)
            .filter_map(|(pid, r)| r.child.clone().map(|c| (*pid, c)))
            .collect();
        for (pid, child) in children {
            let bytes = child.memory_usage();
            self.runtime().memory.lock().set_os_resident(pid, bytes);
        }
    }

    /// Kills (when `kill`) and retires `target`: scheduler entry and memory freed, state
    /// `Terminated`.
    pub(crate) fn terminate(&self, target: Pid, kill: bool) -> Result<Option<ExitInfo>> {
        self.ensure_record(target);
        let child = {
            let records = self.runtime().records.lock();
            let record = records.get(&target).ok_or(Error::NoSuchProcess(target))?;
            record.child.clone()
        };
        let info = match (child, kill) {
            (Some(child), true) => Some(child.kill()),
            (Some(child), false) => child.try_exit_info(),
            (None, _) => None,
        };
        if let Some(record) = self.runtime().records.lock().get_mut(&target) {
            record.terminated = true;
            if record.exit.is_none() {
                record.exit.clone_from(&info);
            }
        }
        self.runtime().scheduler.lock().remove(target);
        self.runtime().memory.lock().free_process(target);
        self.runtime().sockets.close_all(target);
        Ok(info)
    }

    /// Everything Kernel II holds for `target`, released when the PID exits: its OS child
    /// (killed with its process group if still running), process-table record, scheduler
    /// entry, memory account, sockets and spawn limit. Idempotent.
    pub(crate) fn release_runtime(&self, target: Pid) {
        let record = self.runtime().records.lock().remove(&target);
        if let Some(child) = record.and_then(|record| record.child)
            && !child.has_exited()
        {
            child.kill();
        }
        self.runtime().scheduler.lock().remove(target);
        self.runtime().memory.lock().free_process(target);
        self.runtime().sockets.close_all(target);
        self.runtime().spawn_limits.lock().remove(&target);
    }

    fn finish(&self, target: Pid, info: &ExitInfo) {
        if let Some(record) = self.runtime().records.lock().get_mut(&target) {
            record.terminated = true;
            record.exit = Some(info.clone());
        }
        self.runtime().scheduler.lock().remove(target);
        self.runtime().memory.lock().free_process(target);
        self.runtime().sockets.close_all(target);
    }
}

fn denied(pid: Pid, capability: CapabilityKind, path: &str) -> Error {
    Error::PermissionDenied {
        pid,
        capability,
        path: path.to_owned(),
    }
}
