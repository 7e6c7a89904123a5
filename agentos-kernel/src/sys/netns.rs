//! One empty network namespace, made once per kernel process and shared by every child that
//! has no network capability: entering it with `setns` costs microseconds, where creating a
//! fresh namespace per spawn (and the Linux kernel tearing it down after) costs a millisecond
//! or more.
//!
//! The namespace holds only the loopback interface, which stays down: it is owned by the
//! kernel's user namespace, and a child enters it *before* it makes its own user namespace, so
//! the child never holds `CAP_NET_ADMIN` over it and cannot bring `lo` up or add anything.
//! Children that share it are kept apart by their other layers: seccomp denies them every
//! non-unix socket, Landlock denies TCP, and Landlock's abstract-unix-socket scope (ABI 6)
//! stops one child from reaching another's abstract sockets, the only thing a network
//! namespace would still separate. The sandbox therefore uses it only when that scope is
//! applied, and a fresh namespace otherwise.

use std::{
    fs, io,
    os::fd::{AsRawFd, OwnedFd},
    sync::OnceLock,
};

/// The shared empty network namespace, when this process may create it and a child may
/// enter it before making its own user namespace; `None` otherwise (made and probed once).
pub(crate) fn shared_empty_netns() -> Option<&'static OwnedFd> {
    static NETNS: OnceLock<Option<OwnedFd>> = OnceLock::new();
    NETNS
        .get_or_init(|| {
            let fd = create().ok()?;
            probe_enter(&fd).then_some(fd)
        })
        .as_ref()
}

/// The names of the interfaces in the shared namespace (read from a thread that enters it),
/// for tests and diagnostics.
///
/// # Errors
/// When the namespace is unavailable or cannot be entered.
#[cfg(test)]
pub(crate) fn shared_netns_interfaces() -> io::Result<Vec<String>> {
    let fd = shared_empty_netns()
        .ok_or_else(|| io::Error::other("no shared network namespace"))?
        .as_raw_fd();
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                // SAFETY: setns on this thread only, with an open namespace fd.
                if unsafe { libc::setns(fd, libc::CLONE_NEWNET) } < 0 {
                    return Err(io::Error::last_os_error());
                }
                let text = fs::read_to_string("/proc/thread-self/net/dev")?;
                Ok(text
                    .lines()
                    .skip(2)
                    .filter_map(|line| line.split(':').next())
                    .map(|name| name.trim().to_owned())
                    .collect())
            })
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the netns reader panicked")))
    })
}

/// Makes the namespace on a throwaway thread (a network namespace can be unshared per
/// thread) and keeps a descriptor to it; the thread ends, the namespace lives on.
fn create() -> io::Result<OwnedFd> {
    std::thread::spawn(|| {
        // SAFETY: unshare affects only this short-lived thread.
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } < 0 {
            return Err(io::Error::last_os_error());
        }
        let file = fs::File::open("/proc/thread-self/ns/net")?;
        Ok(OwnedFd::from(file))
    })
    .join()
    .unwrap_or_else(|_| Err(io::Error::other("the netns thread panicked")))
}

/// True when a forked child can enter the namespace and then make the user, PID, mount, IPC
/// and UTS namespaces the sandbox gives it (the order the child setup uses).
fn probe_enter(fd: &OwnedFd) -> bool {
    let raw = fd.as_raw_fd();
    let flags = libc::CLONE_NEWUSER
        | libc::CLONE_NEWNS
        | libc::CLONE_NEWPID
        | libc::CLONE_NEWIPC
        | libc::CLONE_NEWUTS;
    // SAFETY: the child only calls setns and unshare, both async-signal-safe.
    unsafe {
        super::probe::succeeds_in_child(|| {
            libc::setns(raw, libc::CLONE_NEWNET) == 0 && libc::unshare(flags) == 0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_namespace_has_only_loopback() {
        if shared_empty_netns().is_none() {
            // Not root here: children get a fresh namespace instead, nothing to check.
            return;
        }
        assert_eq!(shared_netns_interfaces().unwrap(), vec!["lo".to_owned()]);
        // Made once: the same descriptor every time.
        let first = shared_empty_netns().unwrap().as_raw_fd();
        assert_eq!(shared_empty_netns().unwrap().as_raw_fd(), first);
    }
}
