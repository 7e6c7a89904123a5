//! The plan a child follows between `fork` and `exec`, and the `pre_exec` hook that follows it.
//!
//! Safe code builds a [`ChildSetup`] before the fork: open cgroup files, resource limits, a
//! Landlock ruleset file descriptor and a compiled seccomp program. The hook then only issues
//! system calls on that prepared data (no allocation, no locks), which keeps it
//! async-signal-safe as `pre_exec` requires.

use std::{
    ffi::CStr,
    io,
    os::{
        fd::{AsRawFd, OwnedFd},
        unix::process::CommandExt,
    },
    process::Command,
};

use super::pid_namespace;

/// One resource limit: soft and hard are both set to `value`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rlimit {
    /// The `RLIMIT_*` resource.
    pub(crate) resource: libc::__rlimit_resource_t,
    /// The limit in the resource's unit.
    pub(crate) value: u64,
}

/// The pipe an init (PID 1 made by the spawner thread) reports the program's status on.
#[derive(Debug)]
pub(crate) struct InitStatus {
    /// The write end, kept by the init.
    pub(crate) write: OwnedFd,
    /// The number of the read end, which the kernel keeps (the child closes its copy, and a
    /// write end with no reader left tells it the kernel's process is gone).
    pub(crate) read: libc::c_int,
}

/// Everything a child applies to itself before `exec`, prepared before the fork.
#[derive(Debug, Default)]
pub(crate) struct ChildSetup {
    /// The kernel's pid: the child asks for SIGKILL when the thread that forked it exits,
    /// and gives up if that parent is already gone.
    pub(crate) parent_pid: Option<libc::pid_t>,
    /// `cgroup.procs` files the program's process joins (by writing `0`), opened by the parent.
    pub(crate) cgroup_procs: Vec<OwnedFd>,
    /// The nice value to start with.
    pub(crate) nice: Option<i32>,
    /// Resource limits.
    pub(crate) rlimits: Vec<Rlimit>,
    /// Make the child PID 1 of a fresh PID namespace from the spawner thread, instead of
    /// the keeper/init double fork (read by the spawn, which then fills `init_status`).
    pub(crate) direct_pid_namespace: bool,
    /// A network namespace to enter with `setns` before `unshare` (the shared empty one),
    /// owned elsewhere for the life of the process.
    pub(crate) network_namespace: Option<libc::c_int>,
    /// The child already is PID 1 of a fresh PID namespace (see
    /// `pid_namespace::with_new_pid_namespace`): it stays as the init and writes the program's
    /// wait status to this pipe.
    pub(crate) init_status: Option<InitStatus>,
    /// `CLONE_NEW*` flags for `unshare`; 0 for none.
    pub(crate) unshare_flags: libc::c_int,
    /// Contents of `/proc/self/uid_map` and `gid_map` to write after a new user namespace.
    pub(crate) id_maps: Option<(Vec<u8>, Vec<u8>)>,
    /// Mount a fresh `/proc` for the new PID namespace (needs a new mount namespace).
    pub(crate) mount_proc: bool,
    /// A Landlock ruleset to enforce with `landlock_restrict_self`.
    pub(crate) landlock_ruleset: Option<OwnedFd>,
    /// Compiled seccomp filters to install, in order.
    pub(crate) seccomp_filters: Vec<Vec<libc::sock_filter>>,
}

/// Makes `command` apply `setup` in the child after `fork` and before `exec`.
pub(crate) fn install(command: &mut Command, setup: ChildSetup) {
    let hook = move || apply(&setup);
    // SAFETY: `apply` only calls async-signal-safe system calls (write, setpriority,
    // setrlimit, setns, unshare, open, close, poll, fork, waitpid, mount, prctl, syscall) on memory that
    // was allocated before the fork and is owned by the closure; it allocates nothing and takes
    // no lock, so it is sound to run in the child of a multithreaded process.
    unsafe {
        command.pre_exec(hook);
    }
}

fn apply(setup: &ChildSetup) -> io::Result<()> {
    if let Some(parent) = setup.parent_pid {
        // SAFETY: prctl, getppid, close and poll take integers or a pollfd on the stack.
        unsafe {
            check(libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) as i64)?;
            if let Some(status) = &setup.init_status {
                // PID 1 of a new namespace sees no parent (getppid is 0): with our copy of the
                // read end closed, the write end reports an error once the kernel's copy is
                // gone, i.e. once the kernel's process died.
                libc::close(status.read);
                let mut poll = libc::pollfd {
                    fd: status.write.as_raw_fd(),
                    events: libc::POLLOUT,
                    revents: 0,
                };
                check(libc::poll(&mut poll, 1, 0) as i64)?;
                if poll.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
            } else if libc::getppid() != parent {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
        }
    }
    if let Some(nice) = setup.nice {
        // SAFETY: plain integer arguments; affects only the calling process.
        check(unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nice) } as i64)?;
    }
    if let Some(netns) = setup.network_namespace {
        // Before the new user namespace: only the kernel's credentials may enter it.
        // SAFETY: setns takes an open namespace fd (kept open for the whole process) and flags.
        check(unsafe { libc::setns(netns, libc::CLONE_NEWNET) } as i64)?;
    }
    if let Some(status) = &setup.init_status {
        // Still holding the kernel's credentials: the mount namespace and the fresh /proc of
        // the PID namespace we are init of come first, then the user (and IPC, UTS)
        // namespace, so the child never owns its mount or PID namespace.
        // SAFETY: unshare takes flags only and affects the calling process.
        check(unsafe { libc::unshare(libc::CLONE_NEWNS) } as i64)?;
        mount_fresh_proc()?;
        let rest = setup.unshare_flags & !(libc::CLONE_NEWNS | libc::CLONE_NEWPID);
        // SAFETY: as above.
        check(unsafe { libc::unshare(rest) } as i64)?;
        if let Some((uid_map, gid_map)) = &setup.id_maps {
            write_file(c"/proc/self/setgroups", b"deny")?;
            write_file(c"/proc/self/gid_map", gid_map)?;
            write_file(c"/proc/self/uid_map", uid_map)?;
        }
        // Returns only in the program process.
        pid_namespace::enter_as_init(status.write.as_raw_fd())?;
    } else if setup.unshare_flags != 0 {
        // SAFETY: unshare takes flags only and affects the calling process.
        check(unsafe { libc::unshare(setup.unshare_flags) } as i64)?;
        if let Some((uid_map, gid_map)) = &setup.id_maps {
            write_file(c"/proc/self/setgroups", b"deny")?;
            write_file(c"/proc/self/gid_map", gid_map)?;
            write_file(c"/proc/self/uid_map", uid_map)?;
        }
        if setup.unshare_flags & libc::CLONE_NEWPID != 0 {
            // Returns only in the process that goes on to exec the program.
            pid_namespace::enter()?;
        }
    }
    if setup.mount_proc && setup.init_status.is_none() {
        mount_fresh_proc()?;
    }
    // Only the program's process joins the cgroups (its children follow): a keeper or init
    // stays outside, so the cgroup empties when the program's tree is gone, before the init
    // has finished tearing the namespaces down.
    for procs in &setup.cgroup_procs {
        // SAFETY: writes two bytes from a static buffer to an fd owned by `setup`.
        check(unsafe { libc::write(procs.as_raw_fd(), b"0\n".as_ptr().cast(), 2) } as i64)?;
    }
    // Limits come after the setup above, which opens files (id maps, the status pipe) while
    // the process still holds every descriptor of its parent: an open-files limit set earlier
    // would make those opens fail. Only the program's process carries them.
    for limit in &setup.rlimits {
        let value = libc::rlimit {
            rlim_cur: limit.value,
            rlim_max: limit.value,
        };
        // SAFETY: `value` is a valid rlimit on the stack.
        check(unsafe { libc::setrlimit(limit.resource, &value) } as i64)?;
    }
    // Landlock and seccomp both need no_new_privs; set it once.
    if setup.landlock_ruleset.is_some() || !setup.seccomp_filters.is_empty() {
        no_new_privs()?;
    }
    if let Some(ruleset) = &setup.landlock_ruleset {
        // SAFETY: the ruleset fd is open and owned by `setup`; flags are 0.
        check(unsafe { libc::syscall(libc::SYS_landlock_restrict_self, ruleset.as_raw_fd(), 0) })?;
    }
    for filter in &setup.seccomp_filters {
        let program = libc::sock_fprog {
            len: filter.len() as libc::c_ushort,
            filter: filter.as_ptr().cast_mut(),
        };
        // SAFETY: `program` points at `filter`, which lives in `setup` for the whole call; the
        // kernel copies the program before returning.
        check(unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0,
                &program as *const libc::sock_fprog,
            )
        })?;
    }
    Ok(())
}

pub(super) fn no_new_privs() -> io::Result<()> {
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integers only.
    check(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } as i64).map(drop)
}

pub(super) fn mount_fresh_proc() -> io::Result<()> {
    let none: *const libc::c_char = std::ptr::null();
    // SAFETY: all strings are static NUL-terminated literals; null pointers are allowed for
    // the source, type and data of a propagation change.
    check(unsafe {
        libc::mount(
            none,
            c"/".as_ptr(),
            none,
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        )
    } as i64)?;
    // SAFETY: as above; a new proc instance reflects the PID namespace of the caller.
    check(unsafe {
        libc::mount(
            c"proc".as_ptr(),
            c"/proc".as_ptr(),
            c"proc".as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            std::ptr::null(),
        )
    } as i64)
    .map(drop)
}

pub(super) fn write_file(path: &CStr, contents: &[u8]) -> io::Result<()> {
    // SAFETY: `path` is NUL-terminated; the returned fd is closed below.
    let fd = check(unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) } as i64)?;
    // SAFETY: `contents` is a live slice; fd is open.
    let written =
        unsafe { libc::write(fd as libc::c_int, contents.as_ptr().cast(), contents.len()) };
    // SAFETY: closes the fd opened above exactly once.
    unsafe { libc::close(fd as libc::c_int) };
    check(written as i64).map(drop)
}

pub(super) fn check(rc: i64) -> io::Result<i64> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}
