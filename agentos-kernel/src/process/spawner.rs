//! One long-lived thread forks every child, so a child can ask to be killed when its parent
//! dies (`PR_SET_PDEATHSIG` fires when the *thread* that forked it exits): with the spawner
//! alive as long as the kernel's process, children die with the process, even on `kill -9`.

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

/// Work for the spawner thread.
enum Job {
    /// Spawn a command (in a fresh PID namespace when the flag says so) and send back the child.
    Spawn(
        Box<Command>,
        bool,
        std::sync::mpsc::SyncSender<io::Result<Child>>,
    ),
    /// Run a closure that forks (a pooled stub), so its children get the same parent-death
    /// guarantee.
    Run(Box<dyn FnOnce() + Send>),
}

/// The spawner's queue, or `None` when its thread could not be started.
fn queue() -> Option<&'static Mutex<Sender<Job>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (sender, receiver) = std::sync::mpsc::channel::<Job>();
            let started = thread::Builder::new()
                .name("agentos-spawner".into())
                .spawn(move || {
                    // Lives as long as the process: the queue's sender is never dropped.
                    for job in receiver {
                        match job {
                            Job::Spawn(mut command, new_pid_namespace, reply) => {
                                let spawned = if new_pid_namespace {
                                    sys::with_new_pid_namespace(|| command.spawn())
                                } else {
                                    command.spawn()
                                };
                                let _ = reply.send(spawned);
                            }
                            Job::Run(work) => work(),
                        }
                    }
                });
            started.ok().map(|_| Mutex::new(sender))
        })
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
        .send(Job::Spawn(Box::new(command), new_pid_namespace, reply));
    if let Err(std::sync::mpsc::SendError(Job::Spawn(mut command, _, _))) = sent {
        return command.spawn();
    }
    answer
        .recv()
        .unwrap_or_else(|_| Err(io::Error::other("the spawner thread stopped")))
}

/// Queues `work` for the spawner thread, after the spawns already queued. False when the
/// thread is unavailable (the work is dropped).
pub(crate) fn run(work: impl FnOnce() + Send + 'static) -> bool {
    queue().is_some_and(|queue| queue.lock().send(Job::Run(Box::new(work))).is_ok())
}
