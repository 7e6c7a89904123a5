//! Pre-forked sandbox stubs: a child's namespaces made before anybody asks for the child.
//!
//! A stub is two processes. Its init is PID 1 of a fresh PID namespace (the sandbox maker thread
//! forks it with `CLONE_NEWPID` pending, see `pid_namespace`) and, before any request, enters
//! the shared empty network namespace (when its shape says so), makes its mount namespace with
//! a fresh `/proc`, then its user (with id maps), IPC and UTS namespaces — exactly what the
//! ordinary spawn does after its fork. It then forks the program process (PID 2), which sets
//! `no_new_privs`, installs the shape's seccomp filter, reports "ready" on a `SOCK_SEQPACKET`
//! socket and blocks on it.
//!
//! At spawn time the kernel sends that process one request ([`super::stub_request`]) with the
//! program, arguments, environment, working directory, resource limits and seccomp programs,
//! and the descriptors (stdio, an exec-error pipe, the Landlock ruleset, the cgroup files).
//! The process joins the cgroups, renices, wires stdio, changes directory, applies rlimits,
//! Landlock (and a seccomp filter the shape did not install) and execs — the steps
//! `child_setup::apply` takes for a direct init's program, with seccomp moved ahead. Each stub
//! serves exactly one child. Everything the two processes do after `fork` is an
//! async-signal-safe system call on memory allocated before the fork.

use std::{
    ffi::c_char,
    io,
    os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd},
};

use super::{
    child_setup::{check, mount_fresh_proc, no_new_privs, write_file},
    pid_namespace::init_loop,
    stub_request::{self, FIXED_FDS, MAX_FDS, MAX_POINTERS, MESSAGE_CAPACITY},
};

/// How long `make` waits for a new stub to say it is ready.
const READY_TIMEOUT_SECS: libc::time_t = 5;

/// The namespaces a stub is made in; stubs are pooled per shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct StubShape {
    /// The network namespace to enter first (the shared empty one), owned for the life of
    /// the process.
    pub(crate) network_namespace: Option<RawFd>,
    /// `CLONE_NEW*` flags (must include `CLONE_NEWNS` and `CLONE_NEWPID`).
    pub(crate) unshare_flags: libc::c_int,
    /// Contents of `uid_map` and `gid_map` for the new user namespace.
    pub(crate) id_maps: Option<(Vec<u8>, Vec<u8>)>,
}

/// A ready stub: its init (the future child's leader and process group) and the ends the
/// kernel keeps.
#[derive(Debug)]
pub(crate) struct Stub {
    /// The init's pid in the kernel's namespace.
    pub(crate) init: libc::pid_t,
    /// A pidfd of the init.
    pub(crate) pidfd: OwnedFd,
    /// The kernel's end of the request socket.
    pub(crate) control: OwnedFd,
    /// The read end of the pipe the init writes the program's wait status to.
    pub(crate) status: OwnedFd,
}

/// The step a stub or its program process failed at, sent with the errno.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Not a failure: the stub waits for its request.
    Ready = 0,
    ParentGone,
    ProcessGroup,
    NetworkNamespace,
    MountNamespace,
    MountProc,
    Namespaces,
    IdMaps,
    Fork,
    Request,
    Cgroup,
    Nice,
    Stdio,
    WorkingDirectory,
    Rlimit,
    NoNewPrivs,
    Landlock,
    Seccomp,
    Exec,
}

impl Step {
    const ALL: [Step; 19] = [
        Step::Ready,
        Step::ParentGone,
        Step::ProcessGroup,
        Step::NetworkNamespace,
        Step::MountNamespace,
        Step::MountProc,
        Step::Namespaces,
        Step::IdMaps,
        Step::Fork,
        Step::Request,
        Step::Cgroup,
        Step::Nice,
        Step::Stdio,
        Step::WorkingDirectory,
        Step::Rlimit,
        Step::NoNewPrivs,
        Step::Landlock,
        Step::Seccomp,
        Step::Exec,
    ];

    /// What the step does, for error messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Step::Ready => "ready",
            Step::ParentGone => "the kernel's process is gone",
            Step::ProcessGroup => "setpgid",
            Step::NetworkNamespace => "entering the shared network namespace",
            Step::MountNamespace => "unshare of the mount namespace",
            Step::MountProc => "mounting a fresh /proc",
            Step::Namespaces => "unshare of the user, IPC and UTS namespaces",
            Step::IdMaps => "writing the user namespace's id maps",
            Step::Fork => "fork of the program process",
            Step::Request => "reading the request",
            Step::Cgroup => "joining the cgroups",
            Step::Nice => "setpriority",
            Step::Stdio => "wiring stdin, stdout and stderr",
            Step::WorkingDirectory => "chdir to the working directory",
            Step::Rlimit => "setrlimit",
            Step::NoNewPrivs => "no_new_privs",
            Step::Landlock => "landlock_restrict_self",
            Step::Seccomp => "installing the seccomp filter",
            Step::Exec => "execve",
        }
    }

    fn from_u32(value: u32) -> Option<Step> {
        Step::ALL.get(value as usize).copied()
    }
}

/// A step and the errno it failed with, as the stub writes them (8 bytes, native endian).
fn encode_report(step: Step, errno: i32) -> [u8; 8] {
    let mut report = [0u8; 8];
    report[..4].copy_from_slice(&(step as u32).to_ne_bytes());
    report[4..].copy_from_slice(&errno.to_ne_bytes());
    report
}

/// Decodes a report read by the kernel: `None` when it is not one.
pub(crate) fn decode_report(report: &[u8]) -> Option<(Step, i32)> {
    let step = u32::from_ne_bytes(report.get(..4)?.try_into().ok()?);
    let errno = i32::from_ne_bytes(report.get(4..8)?.try_into().ok()?);
    Some((Step::from_u32(step)?, errno))
}

/// Forks a stub of `shape` (call from the long-lived sandbox maker thread with `CLONE_NEWPID` pending for its
/// children) and waits until it is ready. The program process installs `seccomp` (after
/// `no_new_privs`) before it says so: none of the calls it makes afterwards may be denied.
///
/// # Errors
/// The OS error of a failed step before the stub was ready, with the step named.
pub(crate) fn make(shape: &StubShape, seccomp: &[Vec<libc::sock_filter>]) -> io::Result<Stub> {
    let mut pair = [0 as libc::c_int; 2];
    // SAFETY: `pair` is a valid two-int array.
    check(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            pair.as_mut_ptr(),
        )
    } as i64)?;
    // SAFETY: socketpair returned two new descriptors that nothing else owns.
    let (control, stub_end) =
        unsafe { (OwnedFd::from_raw_fd(pair[0]), OwnedFd::from_raw_fd(pair[1])) };
    let mut pipe = [0 as libc::c_int; 2];
    // SAFETY: `pipe` is a valid two-int array.
    check(unsafe { libc::pipe2(pipe.as_mut_ptr(), libc::O_CLOEXEC) } as i64)?;
    // SAFETY: pipe2 returned two new descriptors that nothing else owns.
    let (status, status_write) =
        unsafe { (OwnedFd::from_raw_fd(pipe[0]), OwnedFd::from_raw_fd(pipe[1])) };
    // The program process's buffers, allocated before the fork (its copy of them is its own).
    let mut buffer = vec![0u64; MESSAGE_CAPACITY / 8];
    let mut pointers: Vec<*const c_char> = vec![std::ptr::null(); MAX_POINTERS];
    let plan = InitPlan {
        shape,
        seccomp,
        stub_end: stub_end.as_raw_fd(),
        status_read: status.as_raw_fd(),
        status_write: status_write.as_raw_fd(),
        buffer: &mut buffer,
        pointers: &mut pointers,
    };
    // SAFETY: the child runs only `init_main`, which makes async-signal-safe system calls on
    // memory allocated above, before the fork, and never returns.
    let init = unsafe { libc::fork() };
    if init < 0 {
        return Err(io::Error::last_os_error());
    }
    if init == 0 {
        // SAFETY: in the forked child, see above.
        unsafe { init_main(plan) }
    }
    drop((stub_end, status_write));
    let reap = || {
        // SAFETY: kill and waitpid of our own child, which nothing else reaps.
        unsafe {
            libc::kill(init, libc::SIGKILL);
            let mut status = 0;
            while libc::waitpid(init, &mut status, 0) < 0
                && io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
            {}
        }
    };
    // A stub that neither reports nor dies (stuck in the kernel) is given up after a while:
    // the receive times out, and the stub is killed below.
    let timeout = libc::timeval {
        tv_sec: READY_TIMEOUT_SECS,
        tv_usec: 0,
    };
    // SAFETY: setsockopt reads a timeval from the stack for a socket we own.
    unsafe {
        libc::setsockopt(
            control.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&timeout as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        );
    }
    let mut report = [0u8; 8];
    let got = loop {
        // SAFETY: reads into a stack buffer from an fd we own.
        let got = unsafe { libc::recv(control.as_raw_fd(), report.as_mut_ptr().cast(), 8, 0) };
        if got >= 0 || io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            break got;
        }
    };
    if got < 0 {
        let err = io::Error::last_os_error();
        reap();
        return Err(io::Error::new(
            err.kind(),
            format!("stub: not ready within {READY_TIMEOUT_SECS} s: {err}"),
        ));
    }
    match decode_report(&report[..got as usize]) {
        Some((Step::Ready, _)) => {}
        Some((step, errno)) => {
            reap();
            let err = io::Error::from_raw_os_error(errno);
            return Err(io::Error::new(
                err.kind(),
                format!("stub: {}: {err}", step.describe()),
            ));
        }
        None => {
            reap();
            return Err(io::Error::other("stub: ended before it was ready"));
        }
    }
    match super::pidfd_open(init as u32) {
        Ok(pidfd) => Ok(Stub {
            init,
            pidfd,
            control,
            status,
        }),
        Err(err) => {
            reap();
            Err(err)
        }
    }
}

/// Sends `message` with `fds` to a stub's program process.
///
/// # Errors
/// The OS error of `sendmsg` (the stub is gone).
pub(crate) fn send_request(control: &OwnedFd, message: &[u8], fds: &[RawFd]) -> io::Result<()> {
    if fds.len() > MAX_FDS {
        return Err(io::Error::from_raw_os_error(libc::E2BIG));
    }
    let mut iov = libc::iovec {
        iov_base: message.as_ptr().cast_mut().cast(),
        iov_len: message.len(),
    };
    let payload = std::mem::size_of_val(fds);
    // A u64 array keeps the control buffer aligned for `cmsghdr`.
    let mut space = [0u64; 16];
    // SAFETY: CMSG_SPACE only computes a size.
    let control_len = unsafe { libc::CMSG_SPACE(payload as u32) } as usize;
    debug_assert!(control_len <= std::mem::size_of_val(&space));
    // SAFETY: zeroed msghdr is a valid empty header; fields are filled below.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut iov;
    header.msg_iovlen = 1;
    header.msg_control = space.as_mut_ptr().cast();
    header.msg_controllen = control_len as _;
    // SAFETY: the header points at `space`, which holds `control_len` bytes; CMSG_FIRSTHDR
    // and CMSG_DATA stay inside it; the fds are copied into the data part.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&header);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(payload as u32) as _;
        std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(cmsg).cast(), fds.len());
    }
    loop {
        // SAFETY: `header` and everything it points at live across the call.
        let sent = unsafe { libc::sendmsg(control.as_raw_fd(), &header, libc::MSG_NOSIGNAL) };
        if sent >= 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
}

/// What `init_main` works with, all allocated before the fork.
struct InitPlan<'a> {
    shape: &'a StubShape,
    seccomp: &'a [Vec<libc::sock_filter>],
    stub_end: RawFd,
    status_read: RawFd,
    status_write: RawFd,
    buffer: &'a mut [u64],
    pointers: &'a mut [*const c_char],
}

/// Sends `step` and the current errno on `fd` and exits.
///
/// # Safety
/// Only in a forked stub process.
unsafe fn fail(fd: RawFd, step: Step) -> ! {
    // SAFETY: errno location, write of a stack buffer, exit.
    unsafe {
        let errno = *libc::__errno_location();
        let report = encode_report(step, errno);
        libc::write(fd, report.as_ptr().cast(), report.len());
        libc::_exit(127)
    }
}

/// The init: enters the shape's namespaces, forks the program process, then reaps.
///
/// # Safety
/// Only in the child of `make`'s fork.
unsafe fn init_main(plan: InitPlan<'_>) -> ! {
    let report_to = plan.stub_end;
    // SAFETY: each call is an async-signal-safe system call on stack data, on descriptors
    // this process owns, or on `plan`'s memory allocated before the fork.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
        // PID 1 sees no parent: the status pipe's read end, still open in the kernel's
        // process, tells whether that process is alive.
        libc::close(plan.status_read);
        let mut poll = libc::pollfd {
            fd: plan.status_write,
            events: libc::POLLOUT,
            revents: 0,
        };
        if libc::poll(&mut poll, 1, 0) < 0 || poll.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
            fail(report_to, Step::ParentGone);
        }
        if libc::setpgid(0, 0) < 0 {
            fail(report_to, Step::ProcessGroup);
        }
        // As std does for its children: an empty signal mask and the default SIGPIPE (the
        // kernel's process ignores it, and ignored signals stay ignored across exec).
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        if let Some(netns) = plan.shape.network_namespace
            && libc::setns(netns, libc::CLONE_NEWNET) < 0
        {
            fail(report_to, Step::NetworkNamespace);
        }
        // The same order as a direct init in `child_setup`: mount namespace and /proc while
        // holding the kernel's credentials, then the user (and IPC, UTS) namespace.
        if libc::unshare(libc::CLONE_NEWNS) < 0 {
            fail(report_to, Step::MountNamespace);
        }
        if mount_fresh_proc().is_err() {
            fail(report_to, Step::MountProc);
        }
        let rest = plan.shape.unshare_flags & !(libc::CLONE_NEWNS | libc::CLONE_NEWPID);
        if libc::unshare(rest) < 0 {
            fail(report_to, Step::Namespaces);
        }
        if let Some((uid_map, gid_map)) = &plan.shape.id_maps
            && (write_file(c"/proc/self/setgroups", b"deny").is_err()
                || write_file(c"/proc/self/gid_map", gid_map).is_err()
                || write_file(c"/proc/self/uid_map", uid_map).is_err())
        {
            fail(report_to, Step::IdMaps);
        }
        close_all_but(plan.stub_end, plan.status_write);
        // Keep 0, 1 and 2 taken, so the descriptors a request brings land above them and
        // wiring stdio cannot overwrite one of them.
        for _ in 0..3 {
            let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
            if fd > 2 {
                libc::close(fd);
                break;
            }
        }
        let program = libc::fork();
        if program < 0 {
            fail(report_to, Step::Fork);
        }
        if program == 0 {
            libc::close(plan.status_write);
            if !plan.seccomp.is_empty() {
                if no_new_privs().is_err() {
                    fail(report_to, Step::NoNewPrivs);
                }
                for filter in plan.seccomp {
                    if install_filter(filter.as_ptr(), filter.len() as u16) < 0 {
                        fail(report_to, Step::Seccomp);
                    }
                }
            }
            program_main(plan.stub_end, plan.buffer, plan.pointers);
        }
        libc::close(plan.stub_end);
        init_loop(program, plan.status_write)
    }
}

/// The program process: reports ready, takes one request, applies it and execs.
///
/// # Safety
/// Only in the program process of a stub.
unsafe fn program_main(control: RawFd, buffer: &mut [u64], pointers: &mut [*const c_char]) -> ! {
    // SAFETY: async-signal-safe system calls on stack data, on descriptors this process owns
    // or received, and on `buffer`/`pointers`, allocated before the fork.
    unsafe {
        let ready = encode_report(Step::Ready, 0);
        if libc::send(
            control,
            ready.as_ptr().cast(),
            ready.len(),
            libc::MSG_NOSIGNAL,
        ) < 0
        {
            libc::_exit(126);
        }
        let mut iov = libc::iovec {
            iov_base: buffer.as_mut_ptr().cast(),
            iov_len: buffer.len() * 8,
        };
        let mut space = [0u64; 16];
        let mut header: libc::msghdr = std::mem::zeroed();
        header.msg_iov = &mut iov;
        header.msg_iovlen = 1;
        header.msg_control = space.as_mut_ptr().cast();
        header.msg_controllen = std::mem::size_of_val(&space) as _;
        let received = loop {
            let got = libc::recvmsg(control, &mut header, libc::MSG_CMSG_CLOEXEC);
            if got < 0 && *libc::__errno_location() == libc::EINTR {
                continue;
            }
            break got;
        };
        if received <= 0 {
            // The kernel dropped the stub unused.
            libc::_exit(0);
        }
        let mut fds = [-1 as RawFd; MAX_FDS];
        let mut fd_count = 0;
        let mut cmsg = libc::CMSG_FIRSTHDR(&header);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg).cast::<RawFd>();
                let bytes = (*cmsg).cmsg_len as usize - (data as usize - cmsg as usize);
                for index in 0..bytes / std::mem::size_of::<RawFd>() {
                    if fd_count < MAX_FDS {
                        fds[fd_count] = data.add(index).read_unaligned();
                        fd_count += 1;
                    }
                }
            }
            cmsg = libc::CMSG_NXTHDR(&header, cmsg);
        }
        if header.msg_flags & (libc::MSG_TRUNC | libc::MSG_CTRUNC) != 0 || fd_count < FIXED_FDS {
            libc::_exit(126);
        }
        let error = fds[3];
        let message = std::slice::from_raw_parts(buffer.as_ptr().cast::<u8>(), received as usize);
        let Some(request) = stub_request::decode(message, pointers) else {
            *libc::__errno_location() = libc::EBADMSG;
            fail(error, Step::Request)
        };
        if request.fd_count() != fd_count {
            *libc::__errno_location() = libc::EBADMSG;
            fail(error, Step::Request);
        }
        let landlock = request.has_landlock.then_some(fds[FIXED_FDS]);
        let cgroups_from = FIXED_FDS + usize::from(request.has_landlock);
        for &procs in &fds[cgroups_from..fd_count] {
            if libc::write(procs, b"0\n".as_ptr().cast(), 2) < 0 {
                fail(error, Step::Cgroup);
            }
        }
        if let Some(nice) = request.nice
            && libc::setpriority(libc::PRIO_PROCESS, 0, nice) < 0
        {
            fail(error, Step::Nice);
        }
        for (target, &source) in fds[..3].iter().enumerate() {
            if libc::dup2(source, target as libc::c_int) < 0 {
                fail(error, Step::Stdio);
            }
        }
        if libc::chdir(request.cwd) < 0 {
            fail(error, Step::WorkingDirectory);
        }
        for limit in &request.rlimits[..request.rlimit_count] {
            let value = libc::rlimit {
                rlim_cur: limit.value,
                rlim_max: limit.value,
            };
            if libc::setrlimit(limit.resource, &value) < 0 {
                fail(error, Step::Rlimit);
            }
        }
        if (landlock.is_some() || request.filter_count > 0) && no_new_privs().is_err() {
            fail(error, Step::NoNewPrivs);
        }
        if let Some(ruleset) = landlock
            && libc::syscall(libc::SYS_landlock_restrict_self, ruleset, 0) < 0
        {
            fail(error, Step::Landlock);
        }
        for &(first, len) in &request.filters[..request.filter_count] {
            if install_filter(first, len) < 0 {
                fail(error, Step::Seccomp);
            }
        }
        libc::execve(request.program, request.argv, request.envp);
        fail(error, Step::Exec)
    }
}

/// Installs the seccomp program of `len` instructions at `first`; the system call's result.
///
/// # Safety
/// `first` must point at `len` valid instructions.
unsafe fn install_filter(first: *const libc::sock_filter, len: u16) -> libc::c_long {
    let program = libc::sock_fprog {
        len,
        filter: first.cast_mut(),
    };
    // SAFETY: `program` points at `len` instructions (the caller's promise); the kernel copies
    // them before returning.
    unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &program as *const libc::sock_fprog,
        )
    }
}

/// Closes every descriptor but `a` and `b`.
///
/// # Safety
/// Only in a forked child that needs no other descriptor.
unsafe fn close_all_but(a: RawFd, b: RawFd) {
    let (low, high) = (a.min(b) as libc::c_uint, a.max(b) as libc::c_uint);
    // SAFETY: close_range takes integers only.
    unsafe {
        if low > 0 {
            libc::syscall(libc::SYS_close_range, 0u32, low - 1, 0u32);
        }
        if high > low + 1 {
            libc::syscall(libc::SYS_close_range, low + 1, high - 1, 0u32);
        }
        libc::syscall(libc::SYS_close_range, high + 1, u32::MAX, 0u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_roundtrip() {
        for step in Step::ALL {
            assert_eq!(
                decode_report(&encode_report(step, libc::EPERM)),
                Some((step, libc::EPERM))
            );
        }
        assert_eq!(decode_report(&[1, 2, 3]), None);
        assert_eq!(decode_report(&encode_report(Step::Exec, 0)[..7]), None);
        let mut unknown = encode_report(Step::Exec, 0);
        unknown[..4].copy_from_slice(&999u32.to_ne_bytes());
        assert_eq!(decode_report(&unknown), None);
    }
}
