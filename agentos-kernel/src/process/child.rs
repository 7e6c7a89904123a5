//! A running OS child: spawned by exec (never a shell) into its own process group, its output
//! captured into bounded buffers, reaped by a waiter thread, killed as a group on timeout, on
//! `kill` and on drop.

use std::{
    future::Future,
    os::fd::{AsRawFd, OwnedFd},
    path::{Path, PathBuf},
    pin::Pin,
    process::{Command, Stdio},
    sync::{
        Arc,
        mpsc::{Receiver, sync_channel},
    },
    task::Poll,
    time::{Duration, Instant},
};

use nix::{
    sys::{
        signal::{Signal, killpg},
        wait::{WaitStatus, waitpid},
    },
    unistd::Pid as OsPid,
};
use parking_lot::{Condvar, Mutex};

use crate::{
    error::Error,
    process::{
        cgroup::Cgroup,
        output::{Capture, OutputChunk},
        report::SandboxReport,
        spawner,
        stub_pool::{self, ShapeKey, Started, StubPool},
        supervisor::{self, Supervised, kill_tree},
    },
    sys::{self, ChildSetup, InitStatus},
};

/// How long `wait` lets the output readers drain after the child is gone.
pub(super) const OUTPUT_DRAIN: Duration = Duration::from_secs(2);

/// Chunks buffered in the output stream before the reader waits for the consumer.
const STREAM_DEPTH: usize = 64;

/// Exit code for a program the kernel killed when its time ran out (as `timeout(1)`).
pub const EXIT_TIMED_OUT: i32 = 124;

/// Exit code for a program the kernel refused to start (as `env(1)` and container runners).
pub const EXIT_REFUSED: i32 = 125;

/// How a child ended, with its captured output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitInfo {
    /// The exit code when it exited normally.
    pub code: Option<i32>,
    /// The signal that killed it, if one did.
    pub signal: Option<i32>,
    /// The kernel killed it because a wait or wall-clock timeout ran out.
    pub timed_out: bool,
    /// The kernel killed it (kill, OOM policy, drop).
    pub killed: bool,
    /// The cgroup OOM killer killed a process of the child.
    pub oom_killed: bool,
    /// Captured standard output (the first `Limits::output_bytes`).
    pub stdout: Vec<u8>,
    /// Captured standard error (the first `Limits::output_bytes`).
    pub stderr: Vec<u8>,
    /// Output bytes beyond the capture limit, dropped (stdout + stderr).
    pub output_dropped: u64,
    /// Wall-clock time from spawn to exit.
    pub duration: Duration,
}

impl ExitInfo {
    /// True for exit code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The status a command-line runner should exit with: the program's own exit code; 124
    /// (as `timeout(1)`) when the kernel killed it at its time limit; otherwise 128 + the
    /// signal that ended it (137 for a kernel or OOM kill).
    pub fn cli_exit_code(&self) -> i32 {
        if self.timed_out {
            EXIT_TIMED_OUT
        } else {
            self.shell_status()
        }
    }

    /// A shell-style status: the exit code, or 128 + the signal number.
    pub fn shell_status(&self) -> i32 {
        match (self.code, self.signal) {
            (Some(code), _) => code,
            (None, Some(signal)) => 128 + signal,
            (None, None) => 255,
        }
    }
}

impl std::fmt::Display for ExitInfo {
    /// A one-line account for people: how it ended and whether the kernel ended it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.code, self.signal) {
            (Some(code), _) => write!(f, "exited with code {code}")?,
            (None, Some(signal)) => {
                let name = Signal::try_from(signal).map_or("unknown", Signal::as_str);
                write!(f, "killed by signal {signal} ({name})")?;
            }
            (None, None) => write!(f, "ended without a status")?,
        }
        if self.timed_out {
            write!(f, ": the kernel killed it when its time ran out")?;
        } else if self.oom_killed {
            write!(f, ": out of memory (cgroup limit)")?;
        } else if self.killed {
            write!(f, ": killed by the kernel")?;
        }
        Ok(())
    }
}

/// A handle to a running (or finished) child process.
///
/// Dropping the handle kills the child's whole process group; its supervisor thread still
/// reaps it.
#[derive(Debug)]
pub struct ChildProcess {
    shared: Arc<Shared>,
    os_pid: u32,
    program: PathBuf,
    report: SandboxReport,
    stream: Mutex<Option<Receiver<OutputChunk>>>,
}

/// What the handle and the supervisor thread share.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    pub(super) changed: Condvar,
    /// Wakes async waiters on every change (the condvar wakes blocking ones).
    pub(super) changed_async: tokio::sync::Notify,
}

impl Shared {
    /// Wakes every waiter, blocking or async, after a change of the state.
    pub(super) fn notify(&self) {
        self.changed.notify_all();
        self.changed_async.notify_waiters();
    }
}

/// The child's state, guarded by `Shared::state`.
#[derive(Debug)]
pub(super) struct State {
    pub(super) status: Option<WaitStatus>,
    /// The leader was reaped: its pid may be reused, so no signal may be sent any more.
    pub(super) pid_released: bool,
    /// The program's tree is gone (its init said so, or the leader was reaped) and its cgroup
    /// emptied; `wait` returns. A direct init may still be exiting, unreaped.
    pub(super) reaped: bool,
    /// The program runs behind a keeper and an init in its own PID namespace.
    pub(super) pid_namespace: bool,
    /// Output pipes not yet at end of file.
    pub(super) readers_open: u8,
    pub(super) stdout: Capture,
    pub(super) stderr: Capture,
    pub(super) timed_out: bool,
    pub(super) killed: bool,
    pub(super) oom_killed: bool,
    pub(super) cgroup: Option<Cgroup>,
    pub(super) started: Instant,
    pub(super) ended: Option<Instant>,
}

impl State {
    /// True while the program's tree may be alive and its leader's pid may be signalled.
    pub(super) fn running(&self) -> bool {
        !self.reaped && !self.pid_released
    }
}

/// What `spawn` needs beyond the spec: resolved program, cwd and the prepared layers.
pub(crate) struct Launch<'a> {
    pub(crate) program: &'a Path,
    pub(crate) args: &'a [String],
    pub(crate) env: &'a [(String, String)],
    pub(crate) cwd: &'a Path,
    pub(crate) output_limit: usize,
    pub(crate) wall_timeout: Option<Duration>,
    pub(crate) stream_output: bool,
    pub(crate) pid_namespace: bool,
}

impl ChildProcess {
    /// Execs `launch.program` with the prepared sandbox: in a ready stub of the given pool
    /// and shape when there is one, else by forking now.
    pub(crate) fn spawn(
        launch: Launch<'_>,
        setup: ChildSetup,
        cgroup: Option<Cgroup>,
        report: SandboxReport,
        stub: Option<(&StubPool, &ShapeKey)>,
    ) -> Result<ChildProcess, Error> {
        let started = Instant::now();
        let in_stub = stub.and_then(|(pool, shape)| stub_pool::start(pool, shape, &launch, &setup));
        let launched = match in_stub {
            Some(launched) => launched,
            None => fork_now(&launch, setup),
        };
        let Started {
            os_pid,
            pidfd,
            stdout,
            stderr,
            init_status,
            after_exit,
        } = match launched {
            Ok(launched) => launched,
            Err(err) => {
                if let Some(cgroup) = &cgroup {
                    cgroup.remove();
                }
                return Err(err);
            }
        };
        let (stdout, stderr) = (Some(stdout), Some(stderr));
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                status: None,
                pid_released: false,
                reaped: false,
                pid_namespace: launch.pid_namespace,
                readers_open: u8::from(stdout.is_some()) + u8::from(stderr.is_some()),
                stdout: Capture::with_limit(launch.output_limit),
                stderr: Capture::with_limit(launch.output_limit),
                timed_out: false,
                killed: false,
                oom_killed: false,
                cgroup,
                started,
                ended: None,
            }),
            changed: Condvar::new(),
            changed_async: tokio::sync::Notify::new(),
        });
        let (sender, receiver) = if launch.stream_output {
            let (sender, receiver) = sync_channel(STREAM_DEPTH);
            (Some(sender), Some(receiver))
        } else {
            (None, None)
        };
        supervisor::start(Supervised {
            shared: Arc::clone(&shared),
            os_pid,
            pidfd,
            pipes: [stdout, stderr],
            init_status,
            after_exit,
            sender,
            // A timeout too large to represent is no timeout.
            deadline: launch
                .wall_timeout
                .and_then(|timeout| started.checked_add(timeout)),
        });
        Ok(ChildProcess {
            shared,
            os_pid,
            program: launch.program.to_path_buf(),
            report,
            stream: Mutex::new(receiver),
        })
    }

    /// The OS process id (also the process group id).
    pub fn os_pid(&self) -> u32 {
        self.os_pid
    }

    /// The absolute path that was executed.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Which sandbox layers were enforced.
    pub fn report(&self) -> &SandboxReport {
        &self.report
    }

    /// The live output stream (once; later calls return `None`). Only with
    /// `SpawnSpec::stream_output`. It ends when the child and all its descendants closed
    /// their output.
    pub fn output_stream(&self) -> Option<Receiver<OutputChunk>> {
        self.stream.lock().take()
    }

    /// True once the child has exited and been reaped.
    pub fn has_exited(&self) -> bool {
        self.shared.state.lock().reaped
    }

    /// Waits for the child to exit. With a `timeout`, kills the whole process group when it
    /// runs out (and reports `timed_out`).
    pub fn wait(&self, timeout: Option<Duration>) -> ExitInfo {
        let mut state = self.shared.state.lock();
        // A timeout too large to represent is no timeout.
        if let Some(deadline) = timeout.and_then(|timeout| Instant::now().checked_add(timeout)) {
            while !state.reaped {
                if self
                    .shared
                    .changed
                    .wait_until(&mut state, deadline)
                    .timed_out()
                {
                    if state.running() {
                        state.timed_out = true;
                        kill_tree(&state, self.os_pid);
                    }
                    break;
                }
            }
        }
        while !state.reaped {
            self.shared.changed.wait(&mut state);
        }
        let drain_deadline = Instant::now() + OUTPUT_DRAIN;
        while state.readers_open > 0 {
            if self
                .shared
                .changed
                .wait_until(&mut state, drain_deadline)
                .timed_out()
            {
                break;
            }
        }
        exit_info(&state)
    }

    /// Waits until the child's leader has been reaped as well. After a child in a PID
    /// namespace ends on its own, [`ChildProcess::wait`] returns as soon as its program's
    /// tree is gone, while the kernel's init for that namespace may still be tearing the
    /// namespaces down; this waits for that too (for measurements and tests that need the
    /// host quiet again).
    pub fn wait_released(&self) {
        let mut state = self.shared.state.lock();
        while !state.pid_released {
            self.shared.changed.wait(&mut state);
        }
    }

    /// Like [`ChildProcess::wait`], but awaits the exit without blocking a thread: the
    /// supervisor thread wakes the future. `timeout` completes when the time runs out; the
    /// whole tree is then killed and the result says `timed_out`.
    pub(crate) async fn wait_async<T>(&self, timeout: Option<T>) -> ExitInfo
    where
        T: Future<Output = ()> + Unpin,
    {
        let mut timeout = timeout;
        loop {
            let notified = self.shared.changed_async.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the check, so a change between the check and the await
            // still wakes us.
            notified.as_mut().enable();
            {
                let state = self.shared.state.lock();
                if state.reaped && state.readers_open == 0 {
                    return exit_info(&state);
                }
            }
            let timed_out = std::future::poll_fn(|cx| {
                if notified.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(false);
                }
                match timeout.as_mut().map(|sleep| Pin::new(sleep).poll(cx)) {
                    Some(Poll::Ready(())) => Poll::Ready(true),
                    _ => Poll::Pending,
                }
            })
            .await;
            if timed_out {
                timeout = None;
                let mut state = self.shared.state.lock();
                if state.running() {
                    state.timed_out = true;
                    kill_tree(&state, self.os_pid);
                }
            }
        }
    }

    /// Kills the whole process group with SIGKILL and waits until it is reaped.
    pub fn kill(&self) -> ExitInfo {
        self.kill_group();
        self.wait(None)
    }

    /// Sends SIGKILL to the whole process group without waiting (the waiter thread reaps).
    pub(crate) fn kill_group(&self) {
        let mut state = self.shared.state.lock();
        if state.running() {
            state.killed = true;
            kill_tree(&state, self.os_pid);
        }
    }

    /// Sends `signal` to the child's process group.
    ///
    /// # Errors
    /// The OS error text (e.g. an invalid signal number) or "already exited".
    pub(crate) fn signal(&self, signal: i32) -> Result<(), String> {
        let signal = Signal::try_from(signal).map_err(|err| err.to_string())?;
        let mut state = self.shared.state.lock();
        if !state.running() {
            return Err("already exited".into());
        }
        if signal == Signal::SIGKILL {
            state.killed = true;
            kill_tree(&state, self.os_pid);
            return Ok(());
        }
        killpg(OsPid::from_raw(self.os_pid as i32), signal).map_err(|err| err.to_string())
    }

    /// Changes the nice value of the whole group and the cgroup CPU weight.
    pub(crate) fn set_priority(&self, nice: i32, cpu_weight: u32) -> Result<(), String> {
        let mut state = self.shared.state.lock();
        if !state.running() {
            return Ok(());
        }
        sys::set_group_nice(self.os_pid, nice).map_err(|err| format!("setpriority: {err}"))?;
        if let Some(cgroup) = &mut state.cgroup {
            cgroup.set_cpu_weight(cpu_weight)?;
        }
        Ok(())
    }

    /// Resident memory of the child's tree: the cgroup's charge, else the RSS of the leader.
    pub(crate) fn memory_usage(&self) -> u64 {
        let state = self.shared.state.lock();
        if !state.running() {
            return 0;
        }
        if let Some(bytes) = state.cgroup.as_ref().and_then(Cgroup::memory_usage) {
            return bytes;
        }
        group_rss(self.os_pid)
    }

    /// The exit information if the child has exited, without waiting.
    pub(crate) fn try_exit_info(&self) -> Option<ExitInfo> {
        let state = self.shared.state.lock();
        state.reaped.then(|| exit_info(&state))
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        self.kill_group();
    }
}

/// Forks the child now (through the spawner thread) and execs it with `setup` applied in
/// `pre_exec`.
fn fork_now(launch: &Launch<'_>, setup: ChildSetup) -> Result<Started, Error> {
    let spawn_error = |reason: String| Error::Spawn {
        program: launch.program.display().to_string(),
        reason,
    };
    let mut command = Command::new(launch.program);
    command
        .args(launch.args)
        .env_clear()
        .envs(launch.env.iter().map(|(k, v)| (k, v)))
        .current_dir(launch.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut setup = setup;
    let direct = setup.direct_pid_namespace;
    let init_status = if direct {
        let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
            .map_err(|err| spawn_error(format!("status pipe: {err}")))?;
        setup.init_status = Some(InitStatus {
            read: read.as_raw_fd(),
            write,
        });
        Some(read)
    } else {
        None
    };
    sys::install(&mut command, setup);
    let mut child = spawner::spawn(command, direct).map_err(|err| spawn_error(err.to_string()))?;
    let os_pid = child.id();
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(spawn_error("no output pipes".into()));
    };
    // The std handle is not needed: the supervisor reaps by pid.
    drop(child);
    let pidfd = match sys::pidfd_open(os_pid) {
        Ok(pidfd) => pidfd,
        Err(err) => {
            let _ = killpg(OsPid::from_raw(os_pid as i32), Signal::SIGKILL);
            let _ = waitpid(OsPid::from_raw(os_pid as i32), None);
            return Err(spawn_error(format!(
                "pidfd_open (Linux 5.3 or later is needed): {err}"
            )));
        }
    };
    Ok(Started {
        os_pid,
        pidfd,
        stdout: OwnedFd::from(stdout),
        stderr: OwnedFd::from(stderr),
        init_status,
        after_exit: None,
    })
}

pub(super) fn exit_info(state: &State) -> ExitInfo {
    let (code, signal) = match state.status {
        Some(WaitStatus::Exited(_, code)) => (Some(code), None),
        Some(WaitStatus::Signaled(_, signal, _)) => (None, Some(signal as i32)),
        _ => (None, None),
    };
    ExitInfo {
        code,
        signal,
        timed_out: state.timed_out,
        killed: state.killed,
        oom_killed: state.oom_killed,
        stdout: state.stdout.bytes.clone(),
        stderr: state.stderr.bytes.clone(),
        output_dropped: state.stdout.dropped + state.stderr.dropped,
        duration: state.ended.unwrap_or_else(Instant::now) - state.started,
    }
}

/// Resident memory of every process in group `pgid` (from `/proc`, for hosts without a memory
/// cgroup).
fn group_rss(pgid: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let (_, rest) = stat.rsplit_once(')')?;
            // After the name: state, ppid, pgrp.
            let group: u32 = rest.split_whitespace().nth(2)?.parse().ok()?;
            if group != pgid {
                return None;
            }
            let status = std::fs::read_to_string(entry.path().join("status")).ok()?;
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .sum()
}
