//! A per-kernel pool of pre-forked sandbox stubs (see `sys::stub`): a child whose namespaces
//! were made before it was asked for.
//!
//! Making the user, PID, mount (with a fresh `/proc`), IPC and UTS namespaces and forking the
//! init and program processes is most of a sandboxed spawn's cost. The pool keeps a few stubs
//! per namespace shape, each made by the sandbox maker thread off the request's path; a spawn takes
//! one, sends it the program and the prepared layers, and asks for a replacement. Each stub
//! serves one child only: no two children ever share a namespace (other than the empty
//! network namespace every no-network child shares anyway, see `sys::netns`). When no stub is
//! ready, or the request does not fit one, the child is spawned the ordinary way.

use std::{
    collections::{HashMap, HashSet},
    fs::File,
    io::Read,
    os::{
        fd::{AsRawFd, OwnedFd},
        unix::ffi::OsStrExt,
    },
    sync::{Arc, Weak},
    time::{Duration, Instant},
};

use nix::{
    fcntl::OFlag,
    sys::{
        signal::{Signal, kill},
        wait::waitpid,
    },
    unistd::{Pid as OsPid, pipe2},
};
use parking_lot::{Condvar, Mutex};

use crate::{
    error::Error,
    process::{child::Launch, seccomp_filter, spawner, supervisor::AfterExit},
    sys::{self, ChildSetup, Stub, StubRequest, StubShape},
};

/// Ready stubs kept per shape unless configured otherwise.
const PER_SHAPE: usize = 2;

/// Shapes the pool keeps stubs for (the first ones seen; later shapes spawn the ordinary way).
const MAX_SHAPES: usize = 4;

/// How long [`StubPool::warm`] waits for stubs being made.
const WARM_TIMEOUT: Duration = Duration::from_secs(5);

/// What a stub is made with: its namespaces, and the seccomp filter (for a child with or
/// without network) it installs before it is ready.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ShapeKey {
    pub(crate) namespaces: StubShape,
    pub(crate) seccomp_network: Option<bool>,
}

/// The stubs of one kernel, killed and reaped with it.
#[derive(Debug)]
pub(crate) struct StubPool {
    inner: Arc<Shared>,
}

impl Default for StubPool {
    fn default() -> StubPool {
        StubPool::with_size(PER_SHAPE)
    }
}

/// The pool's size and state, and a condition variable signalled when a stub is ready or
/// failed.
#[derive(Debug)]
struct Shared {
    /// Ready stubs to keep per shape; 0 disables the pool.
    per_shape: usize,
    state: Mutex<PoolState>,
    changed: Condvar,
}

/// Idle stubs, stubs being made, and shapes that could not be made here.
#[derive(Debug, Default)]
struct PoolState {
    idle: HashMap<ShapeKey, Vec<Stub>>,
    pending: HashMap<ShapeKey, usize>,
    failed: HashSet<ShapeKey>,
}

/// A child started (in a stub or by a fork now): what the supervisor needs.
pub(crate) struct Started {
    pub(crate) os_pid: u32,
    pub(crate) pidfd: OwnedFd,
    pub(crate) stdout: OwnedFd,
    pub(crate) stderr: OwnedFd,
    /// The read end of a direct init's status pipe.
    pub(crate) init_status: Option<OwnedFd>,
    /// What to do once the child's exit was reported (make the stub that replaces it).
    pub(crate) after_exit: Option<AfterExit>,
}

impl StubPool {
    /// A pool that keeps `per_shape` ready stubs of each shape (none with 0).
    pub(crate) fn with_size(per_shape: usize) -> StubPool {
        StubPool {
            inner: Arc::new(Shared {
                per_shape,
                state: Mutex::new(PoolState::default()),
                changed: Condvar::new(),
            }),
        }
    }

    /// A ready stub of `shape`, if one is idle. Call [`StubPool::refill`] afterwards.
    fn take(&self, shape: &ShapeKey) -> Option<Stub> {
        self.inner.state.lock().idle.get_mut(shape)?.pop()
    }

    /// Asks the sandbox maker thread to make `shape`'s stubs up to the pool's size.
    fn refill(&self, shape: &ShapeKey) {
        refill(&self.inner, shape);
    }

    /// Makes `shape`'s stubs ready and waits (up to a few seconds) until they are; returns
    /// how many are ready (0 where this host cannot make them).
    pub(crate) fn warm(&self, shape: &ShapeKey) -> usize {
        self.refill(shape);
        let deadline = Instant::now() + WARM_TIMEOUT;
        let mut state = self.inner.state.lock();
        loop {
            let ready = state.idle.get(shape).map_or(0, Vec::len);
            let pending = state.pending.get(shape).copied().unwrap_or(0);
            if pending == 0 || ready >= self.inner.per_shape {
                return ready;
            }
            if self
                .inner
                .changed
                .wait_until(&mut state, deadline)
                .timed_out()
            {
                return ready;
            }
        }
    }
}

/// Asks the sandbox maker thread to make `shape`'s stubs up to the pool's size.
fn refill(pool: &Arc<Shared>, shape: &ShapeKey) {
    let mut state = pool.state.lock();
    if state.failed.contains(shape) {
        return;
    }
    let known = state.idle.contains_key(shape) || state.pending.contains_key(shape);
    if !known && state.idle.len().max(state.pending.len()) >= MAX_SHAPES {
        return;
    }
    let ready = state.idle.entry(shape.clone()).or_default().len();
    let pending = state.pending.entry(shape.clone()).or_default();
    let wanted = pool.per_shape.saturating_sub(ready + *pending);
    *pending += wanted;
    drop(state);
    for _ in 0..wanted {
        make_one(pool, shape.clone());
    }
}

/// Queues the making of one stub of `shape` on the sandbox maker thread.
fn make_one(pool: &Arc<Shared>, shape: ShapeKey) {
    let weak: Weak<Shared> = Arc::downgrade(pool);
    let queued_shape = shape.clone();
    let queued = spawner::run(move || {
        let made = seccomp_filter::programs_for(queued_shape.seccomp_network).and_then(|filters| {
            sys::with_new_pid_namespace(|| sys::make_stub(&queued_shape.namespaces, &filters))
                .map_err(|err| err.to_string())
        });
        let Some(pool) = weak.upgrade() else {
            made.into_iter().for_each(discard);
            return;
        };
        let mut state = pool.state.lock();
        if let Some(pending) = state.pending.get_mut(&queued_shape) {
            *pending = pending.saturating_sub(1);
        }
        match made {
            Ok(stub) => state.idle.entry(queued_shape).or_default().push(stub),
            Err(_) => {
                // This host cannot make the shape ahead: it spawns the ordinary way,
                // which reports the failing layer.
                state.failed.insert(queued_shape);
            }
        }
        pool.changed.notify_all();
    });
    if !queued {
        let mut state = pool.state.lock();
        if let Some(pending) = state.pending.get_mut(&shape) {
            *pending = pending.saturating_sub(1);
        }
        state.failed.insert(shape);
        pool.changed.notify_all();
    }
}

impl Drop for Shared {
    /// Kills and reaps every idle stub (those still being made are discarded by the sandbox maker
    /// thread once it finds the pool gone).
    fn drop(&mut self) {
        let idle = std::mem::take(&mut self.state.get_mut().idle);
        idle.into_values().flatten().for_each(discard);
    }
}

/// Kills a stub that will not be used and reaps its init (the PID namespace dies with it).
fn discard(stub: Stub) {
    let init = OsPid::from_raw(stub.init);
    let _ = kill(init, Signal::SIGKILL);
    while let Err(nix::errno::Errno::EINTR) = waitpid(init, None) {}
}

/// Starts `launch` in a ready stub of `shape`: `None` when there is none or the request does
/// not fit one (then spawn the ordinary way), else the started child or why the stub could
/// not exec it.
pub(crate) fn start(
    pool: &StubPool,
    shape: &ShapeKey,
    launch: &Launch<'_>,
    setup: &ChildSetup,
) -> Option<Result<Started, Error>> {
    let args: Vec<&[u8]> = launch.args.iter().map(|arg| arg.as_bytes()).collect();
    let env: Vec<Vec<u8>> = launch
        .env
        .iter()
        .map(|(key, value)| [key.as_bytes(), b"=", value.as_bytes()].concat())
        .collect();
    let message = sys::encode_request(&StubRequest {
        program: launch.program.as_os_str().as_bytes(),
        args: &args,
        env: &env,
        cwd: launch.cwd.as_os_str().as_bytes(),
        nice: setup.nice,
        rlimits: &setup.rlimits,
        // The stub installed its shape's filter before it was ready.
        seccomp_filters: if shape.seccomp_network.is_some() {
            &[]
        } else {
            &setup.seccomp_filters
        },
        has_landlock: setup.landlock_ruleset.is_some(),
        cgroup_fds: setup.cgroup_procs.len(),
    })?;
    let Some(stub) = pool.take(shape) else {
        pool.refill(shape);
        return None;
    };
    if sys::has_exited(&stub.pidfd) {
        // Killed while idle: spawn the ordinary way.
        discard(stub);
        pool.refill(shape);
        return None;
    }
    let Some(started) = start_in(stub, &message, launch, setup) else {
        pool.refill(shape);
        return None;
    };
    let Ok(mut started) = started else {
        pool.refill(shape);
        return Some(started);
    };
    // The replacement is made once this child has ended, so that making it (a fork of the
    // kernel's process and new namespaces) does not compete with the child for the CPUs.
    let pool = Arc::downgrade(&pool.inner);
    let shape = shape.clone();
    started.after_exit = Some(Box::new(move || {
        if let Some(pool) = pool.upgrade() {
            refill(&pool, &shape);
        }
    }));
    Some(Ok(started))
}

/// The descriptors a request wires up: the ends the child gets (stdin, stdout, stderr and
/// the pipe it reports a failed step on, in the request's order) and the read ends the kernel
/// keeps.
struct Wiring {
    given: [OwnedFd; 4],
    stdout: OwnedFd,
    stderr: OwnedFd,
    error: OwnedFd,
}

impl Wiring {
    /// Opens `/dev/null` and three close-on-exec pipes.
    fn new() -> std::io::Result<Wiring> {
        let stdin = OwnedFd::from(File::open("/dev/null")?);
        let (stdout, stdout_write) = pipe2(OFlag::O_CLOEXEC)?;
        let (stderr, stderr_write) = pipe2(OFlag::O_CLOEXEC)?;
        let (error, error_write) = pipe2(OFlag::O_CLOEXEC)?;
        Ok(Wiring {
            given: [stdin, stdout_write, stderr_write, error_write],
            stdout,
            stderr,
            error,
        })
    }
}

/// Sends the request to `stub` and waits until it execs the program (or reports why not).
/// `None` when the stub died while idle (spawn the ordinary way).
fn start_in(
    stub: Stub,
    message: &[u8],
    launch: &Launch<'_>,
    setup: &ChildSetup,
) -> Option<Result<Started, Error>> {
    let spawn_error = |reason: String| Error::Spawn {
        program: launch.program.display().to_string(),
        reason,
    };
    let wiring = match Wiring::new() {
        Ok(wiring) => wiring,
        Err(err) => {
            discard(stub);
            return Some(Err(spawn_error(format!("pipes: {err}"))));
        }
    };
    let Wiring {
        given,
        stdout,
        stderr,
        error,
    } = wiring;
    let mut fds: Vec<_> = given.iter().map(AsRawFd::as_raw_fd).collect();
    fds.extend(setup.landlock_ruleset.as_ref().map(AsRawFd::as_raw_fd));
    fds.extend(setup.cgroup_procs.iter().map(AsRawFd::as_raw_fd));
    if sys::send_request(&stub.control, message, &fds).is_err() {
        discard(stub);
        return None;
    }
    drop(given);
    // Only the stub holds the write ends now: end of file on the error pipe means exec.
    let mut report = [0u8; 8];
    let mut got = 0;
    let mut error = File::from(error);
    while got < report.len() {
        match error.read(&mut report[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    if got > 0 {
        discard(stub);
        let reason = match sys::decode_report(&report[..got]) {
            Some((step, errno)) => format!(
                "{}: {}",
                step.describe(),
                std::io::Error::from_raw_os_error(errno)
            ),
            None => "the sandbox stub sent a malformed report".to_owned(),
        };
        return Some(Err(spawn_error(reason)));
    }
    Some(Ok(Started {
        os_pid: stub.init as u32,
        pidfd: stub.pidfd,
        stdout,
        stderr,
        init_status: Some(stub.status),
        after_exit: None,
    }))
}
