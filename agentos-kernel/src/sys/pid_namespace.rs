//! Entering a new PID namespace from `pre_exec`: two forks so the program is not PID 1.
//!
//! `unshare(CLONE_NEWPID)` only moves the *children* of the caller. The process std forked (the
//! "keeper", whose pid the kernel knows) forks a small init (PID 1 of the new namespace), which
//! forks the process that returns to std and execs the program (PID 2). The init exits as soon
//! as the program does, which makes the Linux kernel kill everything left in the namespace. The
//! keeper blocks every catchable signal, waits for the init and then ends exactly the way the
//! program ended (same exit code, or same signal), so the parent sees the program's status.
//! A program that ignores SIGTERM still dies with its process group on SIGKILL, and the init
//! (PID 1 ignores signals it has no handler for) is killed by the kernel when the keeper is.
//!
//! Where the kernel may (root), the keeper is skipped: the spawner thread unshares
//! `CLONE_NEWPID` around its fork, so the child std forks already is the init, and it reports
//! the program's status through a pipe the supervisor reads ([`enter_as_init`]). One fork,
//! one process and one wake-up fewer per spawn.

use std::io;

/// Forks the init and the program process; returns `Ok` only in the program process.
pub(super) fn enter() -> io::Result<()> {
    let mut status_pipe = [0 as libc::c_int; 2];
    // SAFETY: `status_pipe` is a valid two-int array.
    if unsafe { libc::pipe2(status_pipe.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(io::Error::last_os_error());
    }
    let [read_end, write_end] = status_pipe;
    // SAFETY: fork in a single-threaded child of a fork; both sides only make
    // async-signal-safe calls afterwards.
    let init = unsafe { libc::fork() };
    if init < 0 {
        return Err(io::Error::last_os_error());
    }
    if init > 0 {
        keeper(init, read_end, write_end);
    }
    // Now PID 1 of the new namespace.
    // SAFETY: closes our copy of the read end; ask to die with the keeper.
    unsafe {
        libc::close(read_end);
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
    }
    // SAFETY: as above, fork in a single-threaded process.
    let program = unsafe { libc::fork() };
    if program < 0 {
        return Err(io::Error::last_os_error());
    }
    if program == 0 {
        // SAFETY: the program does not need the status pipe.
        unsafe { libc::close(write_end) };
        return Ok(());
    }
    init_loop(program, write_end)
}

/// In a child that already is PID 1 of a fresh PID namespace (its parent thread unshared
/// `CLONE_NEWPID` before forking it, see [`with_new_pid_namespace`]): forks the program
/// (PID 2) and stays behind as its init, which writes the program's wait status to
/// `status_fd` and exits. Returns `Ok` only in the program process.
pub(super) fn enter_as_init(status_fd: libc::c_int) -> io::Result<()> {
    // SAFETY: fork in a single-threaded child of a fork; both sides only make
    // async-signal-safe calls afterwards.
    let program = unsafe { libc::fork() };
    if program < 0 {
        return Err(io::Error::last_os_error());
    }
    if program == 0 {
        // SAFETY: the program does not need the status pipe.
        unsafe { libc::close(status_fd) };
        return Ok(());
    }
    init_loop(program, status_fd)
}

/// Runs `spawn` with the calling thread's new children placed in a fresh PID namespace (the
/// first child is its PID 1), then puts the thread back, so later forks are unaffected.
/// Only for the spawner thread: the setting is per thread.
///
/// # Errors
/// The OS error of `unshare` (not root) or of opening the thread's own namespace; `spawn`'s
/// own result otherwise.
pub(crate) fn with_new_pid_namespace<T>(spawn: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    thread_local! {
        static OWN: Option<std::fs::File> = std::fs::File::open("/proc/thread-self/ns/pid").ok();
    }
    OWN.with(|own| {
        let own = own
            .as_ref()
            .ok_or_else(|| io::Error::other("cannot open this thread's pid namespace"))?;
        // SAFETY: unshare(CLONE_NEWPID) changes only where this thread's future children go.
        if unsafe { libc::unshare(libc::CLONE_NEWPID) } < 0 {
            return Err(io::Error::last_os_error());
        }
        let result = spawn();
        // SAFETY: setns back into the thread's own (active) namespace, an open fd.
        let restored =
            unsafe { libc::setns(std::os::fd::AsRawFd::as_raw_fd(own), libc::CLONE_NEWPID) };
        if restored < 0 {
            return Err(io::Error::last_os_error());
        }
        result
    })
}

/// True when this process may give a thread's children a fresh PID namespace and move the
/// thread back afterwards (root in its user namespace); probed once on a throwaway thread.
pub(crate) fn direct_pid_namespace_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::thread::spawn(|| with_new_pid_namespace(|| Ok(())).is_ok())
            .join()
            .unwrap_or(false)
    })
}

/// The keeper: waits for the init, then mirrors the program's status. Never returns.
fn keeper(init: libc::pid_t, read_end: libc::c_int, write_end: libc::c_int) -> ! {
    // SAFETY: only async-signal-safe calls on stack data and our own fds.
    unsafe {
        libc::close(write_end);
        block_all_signals();
        close_all_except(read_end);
        let mut init_status = 0;
        while libc::waitpid(init, &mut init_status, 0) < 0 {
            if *libc::__errno_location() != libc::EINTR {
                libc::_exit(127);
            }
        }
        let mut word = [0u8; 4];
        let got = libc::read(read_end, word.as_mut_ptr().cast(), 4);
        let status = if got == 4 {
            i32::from_ne_bytes(word)
        } else {
            init_status
        };
        mirror(status)
    }
}

/// PID 1: reaps orphans until the program exits, then kills and reaps everything else in the
/// namespace, reports the program's status and exits. Never returns.
///
/// The status is written only once nothing but the init is left, so its reader may treat the
/// whole tree as gone without waiting for the init's own exit (which tears the namespaces
/// down, the slow part of a sandboxed process's end).
pub(super) fn init_loop(program: libc::pid_t, write_end: libc::c_int) -> ! {
    // SAFETY: only async-signal-safe calls on stack data and our own fds.
    unsafe {
        close_all_except(write_end);
        let mut program_status = None;
        loop {
            let mut status = 0;
            let reaped = libc::waitpid(-1, &mut status, 0);
            if reaped == program {
                program_status = Some(status);
                // PID 1's kill(-1) reaches every other process of its namespace.
                libc::kill(-1, libc::SIGKILL);
                continue;
            }
            if reaped < 0 {
                match *libc::__errno_location() {
                    libc::EINTR => continue,
                    libc::ECHILD => break,
                    _ => libc::_exit(127),
                }
            }
        }
        let Some(status) = program_status else {
            libc::_exit(127)
        };
        let word = status.to_ne_bytes();
        libc::write(write_end, word.as_ptr().cast(), 4);
        libc::_exit(0)
    }
}

/// Ends the calling process the way `status` (a `waitpid` status) says.
///
/// # Safety
/// Only call in a forked child that may exit at once.
unsafe fn mirror(status: libc::c_int) -> ! {
    // SAFETY: signal-mask and disposition changes on the calling process, then exit.
    unsafe {
        if libc::WIFSIGNALED(status) {
            let signal = libc::WTERMSIG(status);
            libc::signal(signal, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, signal);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::kill(libc::getpid(), signal);
            libc::_exit(128 + signal);
        }
        libc::_exit(libc::WEXITSTATUS(status))
    }
}

/// Blocks every signal that can be blocked (all but SIGKILL and SIGSTOP).
///
/// # Safety
/// Only call in a forked child.
unsafe fn block_all_signals() {
    // SAFETY: `set` is a zeroed sigset on the stack, filled by sigfillset.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut set);
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Closes every fd but `keep` (including std's exec-error pipe and the output pipes).
///
/// # Safety
/// Only call in a forked child that owns no other fd it needs.
unsafe fn close_all_except(keep: libc::c_int) {
    let keep = keep as libc::c_uint;
    // SAFETY: close_range takes integers only.
    unsafe {
        if keep > 0 {
            libc::syscall(libc::SYS_close_range, 0u32, keep - 1, 0u32);
        }
        libc::syscall(libc::SYS_close_range, keep + 1, u32::MAX, 0u32);
    }
}
