//! The system information family (4 calls): system facts, wall-clock time, and the calling
//! PID's own environment (never the host process's).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::{
    access::Caller,
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

/// Facts about the system the kernel runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemInfo {
    /// The host OS, e.g. `linux`.
    pub os: String,
    /// The CPU architecture, e.g. `x86_64`.
    pub arch: String,
    /// The OS family, e.g. `unix`.
    pub family: String,
    /// This crate's version.
    pub kernel_version: String,
    /// Live PIDs.
    pub n_processes: usize,
}

/// Longest environment key or value accepted, in bytes.
const MAX_ENV_BYTES: usize = 32 * 1024;

impl Kernel {
    pub(crate) fn exec_system(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        match call {
            Syscall::GetSystemInfo => {
                self.require(caller, CapabilityKind::SystemInfo)?;
                Ok(SyscallOutput::SystemInfo(SystemInfo {
                    os: std::env::consts::OS.to_owned(),
                    arch: std::env::consts::ARCH.to_owned(),
                    family: std::env::consts::FAMILY.to_owned(),
                    kernel_version: env!("CARGO_PKG_VERSION").to_owned(),
                    n_processes: self.inner.pids.pids().len(),
                }))
            }
            Syscall::GetCurrentTime => {
                self.require(caller, CapabilityKind::TimeAccess)?;
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_err(|err| Error::InvalidArgument(format!("clock before 1970: {err}")))?;
                Ok(SyscallOutput::Time(now))
            }
            Syscall::GetEnvVar { key } => {
                self.require(caller, CapabilityKind::SystemInfo)?;
                let state = caller.entry.state.lock();
                state
                    .env
                    .get(&key)
                    .map(|value| SyscallOutput::Text(value.clone()))
                    .ok_or_else(|| {
                        Error::NotFound(format!("environment variable {key} of pid {}", caller.pid))
                    })
            }
            Syscall::SetEnvVar { key, value } => {
                self.require(caller, CapabilityKind::SystemInfo)?;
                if key.is_empty() || key.contains(['=', '\0']) {
                    return Err(Error::InvalidArgument(format!(
                        "environment key {key:?} is empty or holds '=' or NUL"
                    )));
                }
                if value.contains('\0') || key.len() > MAX_ENV_BYTES || value.len() > MAX_ENV_BYTES
                {
                    return Err(Error::InvalidArgument(format!(
                        "environment variable {key}: value holds NUL or is over {MAX_ENV_BYTES} bytes"
                    )));
                }
                caller.entry.state.lock().env.insert(key, value);
                Ok(SyscallOutput::None)
            }
            other => Err(Error::InvalidArgument(format!(
                "{} is not a system information call",
                other.name()
            ))),
        }
    }
}
