//! One long-lived thread forks every child, so a child can ask to be killed when its parent
//! dies (`PR_SET_PDEATHSIG` fires when the *thread* that forked it exits): with the spawner
//! alive as long as the kernel's process, children die with the process, even on `kill -9`.
//! A second long-lived thread makes the ready sandboxes (`stub_pool`), so that making one
//! (about a millisecond) never holds up a spawn queued behind it.

use std::{
    io,
    process::{Child, Command},
    sync::{
        OnceLock,
        mpsc::{Sender, sync_channel},
    },
    thread,
};

use parking_lot::Mutex;

use crate::sys;

/// A spawn for the spawner thread: the command, whether it goes into a fresh PID namespace,
/// and where the child goes.
type Job = (
    Box<Command>,
    bool,
    std::sync::mpsc::SyncSender<io::Result<Child>>,
);

/// Work that forks (a ready sandbox), for the sandbox maker thread.
type Work = Box<dyn FnOnce() + Send>;

/// Starts a named long-lived thread that handles every item sent to it; `None` when it could
/// not be started. Its queue's sender is never dropped, so it lives as long as the process.
fn long_lived<T: Send + 'static>(
    name: &str,
    handle: impl Fn(T) + Send + 'static,
) -> Option<Mutex<Sender<T>>> {
    let (sender, receiver) = std::sync::mpsc::channel::<T>();
    let started = thread::Builder::new()
        .name(name.into())
        .spawn(move || receiver.into_iter().for_each(handle));
    started.ok().map(|_| Mutex::new(sender))
}

/// The spawner's queue, or `None` when its thread could not be started.
fn queue() -> Option<&'static Mutex<Sender<Job>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            long_lived(
                "agentos-spawner",
                |(mut command, new_pid_namespace, reply): Job| {
                    let spawned = if new_pid_namespace {
                        sys::with_new_pid_namespace(|| command.spawn())
                    } else {
                        command.spawn()
                    };
                    let _ = reply.send(spawned);
                },
            )
        })
        .as_ref()
}

/// The sandbox maker's queue, or `None` when its thread could not be started.
fn maker() -> Option<&'static Mutex<Sender<Work>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Work>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| long_lived("agentos-sandbox", |work: Work| work()))
        .as_ref()
}

/// True when children are forked by the long-lived spawner thread, so parent-death signals
/// are safe to use.
pub(crate) fn available() -> bool {
    queue().is_some()
}

/// Spawns `command` on the spawner thread (or here, when it is unavailable). With
/// `new_pid_namespace` (only when the thread is available) the child is PID 1 of a fresh PID
/// namespace.
///
/// # Errors
/// The spawn's OS error.
pub(crate) fn spawn(mut command: Command, new_pid_namespace: bool) -> io::Result<Child> {
    let Some(queue) = queue() else {
        return command.spawn();
    };
    let (reply, answer) = sync_channel(1);
    let sent = queue
        .lock()
        .send((Box::new(command), new_pid_namespace, reply));
    if let Err(std::sync::mpsc::SendError((mut command, _, _))) = sent {
        return command.spawn();
    }
    answer
        .recv()
        .unwrap_or_else(|_| Err(io::Error::other("the spawner thread stopped")))
}

/// Queues `work` (which forks a ready sandbox) for the long-lived sandbox maker thread.
/// False when the thread is unavailable (the work is dropped).
pub(crate) fn run(work: impl FnOnce() + Send + 'static) -> bool {
    maker().is_some_and(|queue| queue.lock().send(Box::new(work)).is_ok())
}
