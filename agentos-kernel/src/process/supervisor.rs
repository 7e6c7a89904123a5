//! One thread per running child (threads are kept and reused for later children): it polls
//! the child's output pipes and a pidfd, captures and streams output, enforces the wall-clock
//! timeout, and when the child exits kills what is left of its tree, reaps it and empties its
//! cgroup.

use std::{
    fs::File,
    io::Read,
    os::fd::{AsFd, OwnedFd},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc::{SyncSender, TrySendError, sync_channel},
    },
    thread,
    time::{Duration, Instant},
};

use nix::{
    poll::{PollFd, PollFlags, PollTimeout, poll},
    sys::{
        signal::{Signal, kill, killpg},
        wait::{WaitStatus, waitpid},
    },
    unistd::Pid as OsPid,
};
use parking_lot::Mutex;

use crate::process::{
    cgroup_pool,
    child::{OUTPUT_DRAIN, Shared, State},
    output::{OutputChunk, OutputStream},
};

/// How often a full output stream is retried while its consumer is behind.
const STREAM_RETRY: Duration = Duration::from_millis(10);

/// Everything the supervisor thread owns.
pub(super) struct Supervised {
    pub(super) shared: Arc<Shared>,
    pub(super) os_pid: u32,
    pub(super) pidfd: OwnedFd,
    /// stdout and stderr, `None` once at end of file.
    pub(super) pipes: [Option<OwnedFd>; 2],
    /// Where a direct init (the leader itself) reports the program's wait status.
    pub(super) init_status: Option<OwnedFd>,
    pub(super) sender: Option<SyncSender<OutputChunk>>,
    pub(super) deadline: Option<Instant>,
    /// Runs once the exit has been reported (off the waiters' path).
    pub(super) after_exit: Option<AfterExit>,
}

/// Work to do once a child's exit has been reported.
pub(crate) type AfterExit = Box<dyn FnOnce() + Send>;

/// Idle supervisor threads kept for the next children, at most this many.
const MAX_IDLE_THREADS: usize = 16;

/// How long an idle supervisor thread waits for a next child before it ends.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Idle supervisor threads, each waiting on its own channel (with an id to find it again).
static IDLE: Mutex<Vec<(u64, SyncSender<Supervised>)>> = Mutex::new(Vec::new());

/// Starts supervising a child: on an idle supervisor thread when there is one (creating a
/// thread per child costs a stack mapping and a clone each time), else on a new one. Without
/// a thread, kills and reaps the child at once so it never becomes a zombie.
pub(super) fn start(supervised: Supervised) {
    let mut job = supervised;
    loop {
        let idle = IDLE.lock().pop();
        let Some((_, worker)) = idle else {
            break;
        };
        match worker.send(job) {
            Ok(()) => return,
            // That thread is gone; try another.
            Err(std::sync::mpsc::SendError(back)) => job = back,
        }
    }
    let shared = Arc::clone(&job.shared);
    let os_pid = job.os_pid;
    let spawned = thread::Builder::new()
        .name("agentos-child".into())
        .spawn(move || worker(job));
    if spawned.is_err() {
        {
            let mut state = shared.state.lock();
            state.killed = true;
            kill_tree(&state, os_pid);
        }
        let status = reap_leader(&shared, os_pid);
        report_end(&shared, status, false);
        let mut state = shared.state.lock();
        state.readers_open = 0;
        shared.notify();
    }
}

/// A supervisor thread: supervises `first`, then offers itself for more children until it
/// has been idle for [`IDLE_TIMEOUT`] or enough others are idle.
fn worker(first: Supervised) {
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let (sender, receiver) = sync_channel::<Supervised>(1);
    let mut job = first;
    loop {
        run(job);
        {
            let mut idle = IDLE.lock();
            if idle.len() >= MAX_IDLE_THREADS {
                return;
            }
            idle.push((id, sender.clone()));
        }
        job = match receiver.recv_timeout(IDLE_TIMEOUT) {
            Ok(next) => next,
            Err(_) => {
                // Leave, unless a starter already took this thread's sender: then its child
                // is on the way and must be supervised.
                let mut idle = IDLE.lock();
                if let Some(position) = idle.iter().position(|(entry, _)| *entry == id) {
                    idle.remove(position);
                    return;
                }
                drop(idle);
                match receiver.recv() {
                    Ok(next) => next,
                    Err(_) => return,
                }
            }
        };
    }
}

/// SIGKILLs everything the child started. Behind a PID namespace that means killing its init:
/// the Linux kernel then kills the whole namespace, the init is reaped by the keeper, and the
/// keeper exits last, so once the leader is reaped nothing of the tree is left. (Killing the
/// keeper first would leave the init to finish tearing the namespace down on its own.) Without
/// a namespace, or before the init exists, the whole process group is killed.
pub(super) fn kill_tree(state: &State, os_pid: u32) {
    if state.pid_namespace
        && let Some(init) = first_child(os_pid)
        && kill(OsPid::from_raw(init), Signal::SIGKILL).is_ok()
    {
        return;
    }
    let _ = killpg(OsPid::from_raw(os_pid as i32), Signal::SIGKILL);
}

fn run(supervised: Supervised) {
    let Supervised {
        shared,
        os_pid,
        pidfd,
        pipes,
        init_status,
        mut sender,
        mut deadline,
        mut after_exit,
    } = supervised;
    let mut pipes: [Option<File>; 2] = pipes.map(|pipe| pipe.map(File::from));
    // A direct init's status pipe, until it has been read.
    let mut status_pipe: Option<File> = init_status.map(File::from);
    let mut pending: Option<OutputChunk> = None;
    // The leader was reaped.
    let mut exited = false;
    // Waiters were told how the program ended (by its init, or at the leader's reaping).
    let mut reported = false;
    let mut drain_deadline: Option<Instant> = None;
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if let Some(chunk) = pending.take() {
            pending = offer(&mut sender, chunk);
        }
        let now = Instant::now();
        if exited && (pipes.iter().all(Option::is_none) || drain_deadline.is_some_and(|d| now >= d))
        {
            break;
        }
        if !exited && deadline.is_some_and(|d| now >= d) {
            deadline = None;
            let mut state = shared.state.lock();
            if state.running() {
                state.timed_out = true;
                kill_tree(&state, os_pid);
            }
        }
        let mut waits: Vec<Instant> = Vec::new();
        if pending.is_some() {
            waits.push(now + STREAM_RETRY);
        }
        if !exited {
            waits.extend(deadline);
        } else {
            waits.extend(drain_deadline);
        }
        let timeout = waits
            .into_iter()
            .min()
            .map(|until| until.saturating_duration_since(now))
            .map_or(PollTimeout::NONE, |wait| {
                // Round up so a timeout never spins at 0 ms before its instant.
                PollTimeout::try_from(wait + Duration::from_millis(1)).unwrap_or(PollTimeout::MAX)
            });

        let (pidfd_ready, status_ready, pipe_ready) = {
            let mut fds = Vec::with_capacity(4);
            let mut owners = Vec::with_capacity(4);
            if !exited {
                fds.push(PollFd::new(pidfd.as_fd(), PollFlags::POLLIN));
                owners.push(Ready::Leader);
            }
            if let Some(pipe) = &status_pipe {
                fds.push(PollFd::new(pipe.as_fd(), PollFlags::POLLIN));
                owners.push(Ready::Status);
            }
            if pending.is_none() {
                for (index, pipe) in pipes.iter().enumerate() {
                    if let Some(pipe) = pipe {
                        fds.push(PollFd::new(pipe.as_fd(), PollFlags::POLLIN));
                        owners.push(Ready::Output(index));
                    }
                }
            }
            if poll(&mut fds, timeout).is_err() {
                // EINTR: go round again.
                continue;
            }
            let mut pidfd_ready = false;
            let mut status_ready = false;
            let mut pipe_ready = [false; 2];
            for (fd, owner) in fds.iter().zip(owners) {
                if fd.any().unwrap_or(false) {
                    match owner {
                        Ready::Leader => pidfd_ready = true,
                        Ready::Status => status_ready = true,
                        Ready::Output(index) => pipe_ready[index] = true,
                    }
                }
            }
            (pidfd_ready, status_ready, pipe_ready)
        };

        if status_ready {
            // The init writes only once the rest of its namespace is dead and reaped: the
            // program's tree is gone, and waiters need not wait for the namespace teardown.
            if let Some(status) = status_pipe
                .take()
                .and_then(|pipe| program_status(pipe, os_pid))
            {
                report_end(&shared, Some(status), true);
                reported = true;
                if let Some(work) = after_exit.take() {
                    work();
                }
            }
        }

        for (index, ready) in pipe_ready.into_iter().enumerate() {
            if !ready {
                continue;
            }
            let Some(pipe) = pipes[index].as_mut() else {
                continue;
            };
            let stream = if index == 0 {
                OutputStream::Stdout
            } else {
                OutputStream::Stderr
            };
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => {
                    pipes[index] = None;
                    let mut state = shared.state.lock();
                    state.readers_open = state.readers_open.saturating_sub(1);
                    shared.notify();
                }
                Ok(n) => {
                    {
                        let mut state = shared.state.lock();
                        match stream {
                            OutputStream::Stdout => state.stdout.push(&buffer[..n]),
                            OutputStream::Stderr => state.stderr.push(&buffer[..n]),
                        }
                    }
                    if sender.is_some() {
                        pending = offer(
                            &mut sender,
                            OutputChunk {
                                stream,
                                data: buffer[..n].to_vec(),
                            },
                        );
                    }
                }
            }
        }

        if pidfd_ready {
            exited = true;
            drain_deadline = Some(Instant::now() + OUTPUT_DRAIN);
            let leader = reap_leader(&shared, os_pid);
            if !reported {
                // A direct init reports how the program ended (it cannot mirror a signal:
                // PID 1 does not die of its own signals); nothing to read means the init
                // itself was killed.
                let program = status_pipe
                    .take()
                    .and_then(|pipe| program_status(pipe, os_pid));
                report_end(&shared, program.or(leader), false);
                reported = true;
                if let Some(work) = after_exit.take() {
                    work();
                }
            }
        }
    }
    let mut state = shared.state.lock();
    state.readers_open = 0;
    shared.notify();
}

/// Hands a chunk to the stream; returns it when the stream is full (to retry later). A
/// stream whose receiver is gone is dropped.
fn offer(sender: &mut Option<SyncSender<OutputChunk>>, chunk: OutputChunk) -> Option<OutputChunk> {
    let channel = sender.as_ref()?;
    match channel.try_send(chunk) {
        Ok(()) => None,
        Err(TrySendError::Full(chunk)) => Some(chunk),
        Err(TrySendError::Disconnected(_)) => {
            *sender = None;
            None
        }
    }
}

/// Which descriptor of the supervisor's poll set is ready.
#[derive(Clone, Copy)]
enum Ready {
    /// The leader's pidfd: it exited.
    Leader,
    /// A direct init's status pipe: the program's tree is gone.
    Status,
    /// Standard output (0) or error (1).
    Output(usize),
}

/// The leader has exited (still unreaped, so its pid cannot be reused): kill what is left of
/// its group and reap it. From then on no signal may be sent to its pid.
fn reap_leader(shared: &Shared, os_pid: u32) -> Option<WaitStatus> {
    let pid = OsPid::from_raw(os_pid as i32);
    let mut state = shared.state.lock();
    // Nothing the child started may outlive it.
    let _ = killpg(pid, Signal::SIGKILL);
    let status = loop {
        match waitpid(pid, None) {
            Err(nix::errno::Errno::EINTR) => continue,
            other => break other.ok(),
        }
    };
    state.pid_released = true;
    shared.notify();
    status
}

/// The program's tree is gone: empty its cgroup, report `status` to the waiters, then
/// recycle the cgroup. With `reaped_by_init` the init has already killed and reaped every
/// process of its PID namespace, which holds the whole cgroup, so there is nothing to drain.
fn report_end(shared: &Shared, status: Option<WaitStatus>, reaped_by_init: bool) {
    let cgroup = {
        let mut state = shared.state.lock();
        state.status = status;
        state.ended = Some(Instant::now());
        state.cgroup.take()
    };
    // The cgroup holds the whole tree, even processes that left the group or are still
    // dying: kill what is left and wait until it is empty before reporting the exit.
    let drained = cgroup.map(|cgroup| {
        let emptied = reaped_by_init || cgroup.drain();
        let oom_killed = cgroup.oom_killed();
        (cgroup, emptied, oom_killed)
    });
    let mut state = shared.state.lock();
    state.oom_killed = drained
        .as_ref()
        .is_some_and(|(_, _, oom_killed)| *oom_killed);
    state.reaped = true;
    shared.notify();
    drop(state);
    // Off the waiter's path: reset the cgroup for the next child, or remove it.
    if let Some((cgroup, emptied, oom_killed)) = drained {
        cgroup_pool::recycle(cgroup, emptied && !oom_killed);
    }
}

/// The program's wait status as its init wrote it, if it did (the init writes the 4 bytes
/// in one call, which a pipe delivers whole).
fn program_status(pipe: File, os_pid: u32) -> Option<WaitStatus> {
    let mut word = [0u8; 4];
    let mut pipe = pipe;
    pipe.read_exact(&mut word).ok()?;
    WaitStatus::from_raw(OsPid::from_raw(os_pid as i32), i32::from_ne_bytes(word)).ok()
}

/// The first child of `os_pid` (the keeper has exactly one: the init).
fn first_child(os_pid: u32) -> Option<i32> {
    let children =
        std::fs::read_to_string(format!("/proc/{os_pid}/task/{os_pid}/children")).ok()?;
    children.split_whitespace().next()?.parse().ok()
}
