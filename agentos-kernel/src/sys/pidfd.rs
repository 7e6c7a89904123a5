//! `pidfd_open`: a descriptor that becomes readable when a process exits (Linux 5.3+).

use std::{
    io,
    os::fd::{FromRawFd, OwnedFd},
};

/// Opens a pidfd for `pid`, which must be an unreaped child of ours (so it cannot be a
/// reused pid).
///
/// # Errors
/// The OS error, e.g. `ENOSYS` before Linux 5.3.
pub(crate) fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just returned this descriptor to us; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// True when the process behind `pidfd` has exited (its pidfd polls readable).
pub(crate) fn has_exited(pidfd: &OwnedFd) -> bool {
    let mut poll = libc::pollfd {
        fd: std::os::fd::AsRawFd::as_raw_fd(pidfd),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: poll on one pollfd on the stack, without waiting.
    let ready = unsafe { libc::poll(&mut poll, 1, 0) };
    ready > 0 && poll.revents & libc::POLLIN != 0
}
