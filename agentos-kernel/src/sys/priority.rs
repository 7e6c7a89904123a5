//! Renicing a whole process group, so a priority change reaches every process of a child.

use std::io;

/// Sets the nice value of every process in group `pgid`.
///
/// # Errors
/// The OS error, e.g. `ESRCH` when the group is gone or `EACCES` when lowering nice unprivileged.
pub(crate) fn set_group_nice(pgid: u32, nice: i32) -> io::Result<()> {
    // SAFETY: setpriority takes plain integers and touches no memory of ours.
    let rc = unsafe { libc::setpriority(libc::PRIO_PGRP, pgid as libc::id_t, nice) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
