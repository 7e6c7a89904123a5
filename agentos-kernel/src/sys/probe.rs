//! Probes that tell which sandbox layers this host can enforce, asked once and cached.

use std::sync::OnceLock;

/// The Landlock ABI version the running kernel offers, or `None` when Landlock is off.
pub(crate) fn landlock_abi() -> Option<u32> {
    static ABI: OnceLock<Option<u32>> = OnceLock::new();
    *ABI.get_or_init(|| {
        const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
        // SAFETY: with a null attribute pointer, size 0 and the VERSION flag the call only
        // returns the ABI number (or an error) and reads no memory.
        let version = unsafe {
            libc::syscall(
                libc::SYS_landlock_create_ruleset,
                std::ptr::null::<libc::c_void>(),
                0usize,
                LANDLOCK_CREATE_RULESET_VERSION,
            )
        };
        u32::try_from(version).ok().filter(|v| *v > 0)
    })
}

/// True when seccomp filters can be installed (the kernel has `CONFIG_SECCOMP_FILTER`).
pub(crate) fn seccomp_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        // SAFETY: PR_GET_SECCOMP takes no pointers; it returns the current mode or EINVAL.
        let mode = unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) };
        mode >= 0 && std::path::Path::new("/proc/sys/kernel/seccomp/actions_avail").exists()
    })
}

/// True when a child may create the given namespaces (tested once in a throwaway child).
pub(crate) fn namespaces_available(flags: libc::c_int) -> bool {
    static CACHE: OnceLock<parking_lot::Mutex<Vec<(libc::c_int, bool)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| parking_lot::Mutex::new(Vec::new()));
    if let Some((_, ok)) = cache.lock().iter().find(|(f, _)| *f == flags) {
        return *ok;
    }
    let ok = probe_unshare(flags);
    cache.lock().push((flags, ok));
    ok
}

fn probe_unshare(flags: libc::c_int) -> bool {
    // SAFETY: the child only calls unshare, which is async-signal-safe.
    unsafe { succeeds_in_child(|| libc::unshare(flags) == 0) }
}

/// Forks a child that runs `test` and exits with 0 when it returns true; reaps it and says
/// whether it did.
///
/// # Safety
/// `test` runs in the child of a (possibly multithreaded) process: it may only make
/// async-signal-safe calls and must not allocate.
pub(super) unsafe fn succeeds_in_child(test: impl FnOnce() -> bool) -> bool {
    // SAFETY: the child runs `test` (async-signal-safe by the caller's promise) and `_exit`;
    // the parent reaps it with waitpid.
    unsafe {
        let child = libc::fork();
        if child == 0 {
            libc::_exit(if test() { 0 } else { 1 });
        }
        if child < 0 {
            return false;
        }
        let mut status = 0;
        loop {
            let rc = libc::waitpid(child, &mut status, 0);
            if rc == child {
                break;
            }
            if rc < 0 && io_errno() != libc::EINTR {
                return false;
            }
        }
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
    }
}

fn io_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}
