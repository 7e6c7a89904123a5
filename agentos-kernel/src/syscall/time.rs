//! The time family (2 calls): `sleep` (validated here, awaited only by the async entry point,
//! so no thread ever blocks) and `get_uptime`.

use std::time::Duration;

use crate::{
    access::Caller,
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

/// Longest sleep: 60 s, as the reference.
pub(crate) const MAX_SLEEP_MS: u64 = 60_000;

impl Kernel {
    /// Checks a sleep and returns how long it should last.
    pub(crate) fn check_sleep(&self, caller: &Caller, duration_ms: u64) -> Result<Duration> {
        self.require(caller, CapabilityKind::TimeAccess)?;
        if duration_ms > MAX_SLEEP_MS {
            return Err(Error::InvalidArgument(format!(
                "sleep of {duration_ms} ms exceeds the maximum ({MAX_SLEEP_MS} ms)"
            )));
        }
        Ok(Duration::from_millis(duration_ms))
    }

    pub(crate) fn exec_time(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        match call {
            Syscall::Sleep { duration_ms } => {
                let duration = self.check_sleep(caller, duration_ms)?;
                if duration.is_zero() {
                    return Ok(SyscallOutput::None);
                }
                Err(Error::WouldBlock(format!(
                    "sleep of {duration_ms} ms: use Kernel::syscall_async, which waits without blocking a thread"
                )))
            }
            Syscall::GetUptime => {
                self.require(caller, CapabilityKind::TimeAccess)?;
                Ok(SyscallOutput::Time(self.inner.started.elapsed()))
            }
            other => Err(Error::InvalidArgument(format!(
                "{} is not a time call",
                other.name()
            ))),
        }
    }
}
