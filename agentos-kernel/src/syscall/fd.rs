//! The file descriptor family (6 calls) over the caller's own descriptor table; capabilities
//! are checked when a file is opened, as POSIX checks permissions at `open`.

use crate::{
    access::{Caller, Follow},
    capability::CapabilityKind,
    error::{Error, Result},
    fd::{flags::*, open_options},
    kernel::Kernel,
    metrics::VfsOp,
    syscall::{Syscall, SyscallOutput},
    vfs::FileSystem,
};

impl Kernel {
    pub(crate) fn exec_fd(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        let pid = caller.pid;
        let limit = caller.policy.limits.max_file_descriptors;
        match call {
            Syscall::Open { path, flags, mode } => {
                let options = open_options(flags)?;
                let mut resolved = None;
                if options.read {
                    resolved = Some(self.check_path(
                        caller,
                        CapabilityKind::ReadFile,
                        &path,
                        Follow::Yes,
                    )?);
                }
                if options.write || options.append || options.truncate {
                    resolved = Some(self.check_path(
                        caller,
                        CapabilityKind::WriteFile,
                        &path,
                        Follow::Yes,
                    )?);
                }
                if options.create {
                    resolved = Some(self.check_path(
                        caller,
                        CapabilityKind::CreateFile,
                        &path,
                        Follow::Yes,
                    )?);
                }
                let path = match resolved {
                    Some(path) => path,
                    None => {
                        self.check_path(caller, CapabilityKind::ReadFile, &path, Follow::Yes)?
                    }
                };
                if caller.entry.state.lock().fds.len() >= limit as usize {
                    return Err(Error::LimitExceeded {
                        what: format!("file descriptors of pid {pid}"),
                        used: u64::from(limit) + 1,
                        limit: u64::from(limit),
                    });
                }
                let fs = &self.inner.mounts;
                let existed = options.create && fs.exists(&path);
                self.count_vfs(VfsOp::Open);
                let handle = fs.open(&path, &options)?;
                if options.create && !existed {
                    self.count_vfs(VfsOp::SetPermissions);
                    fs.set_permissions(&path, mode)?;
                }
                let fd = caller
                    .entry
                    .state
                    .lock()
                    .fds
                    .install(pid, limit, handle, path, flags)?;
                Ok(SyscallOutput::Fd(fd))
            }
            Syscall::Close { fd } => {
                caller.entry.state.lock().fds.close(pid, fd)?;
                Ok(SyscallOutput::None)
            }
            Syscall::Dup { fd } => {
                let new_fd = caller
                    .entry
                    .state
                    .lock()
                    .fds
                    .dup(pid, limit, fd, 0, false)?;
                Ok(SyscallOutput::Fd(new_fd))
            }
            Syscall::Dup2 { oldfd, newfd } => {
                let fd = caller
                    .entry
                    .state
                    .lock()
                    .fds
                    .dup2(pid, limit, oldfd, newfd)?;
                Ok(SyscallOutput::Fd(fd))
            }
            Syscall::Lseek { fd, offset, whence } => {
                let offset = caller
                    .entry
                    .state
                    .lock()
                    .fds
                    .lseek(pid, fd, offset, whence)?;
                Ok(SyscallOutput::Count(offset))
            }
            Syscall::Fcntl { fd, cmd, arg } => {
                let result = caller
                    .entry
                    .state
                    .lock()
                    .fds
                    .fcntl(pid, limit, fd, cmd, arg)?;
                Ok(SyscallOutput::Count(result))
            }
            other => Err(Error::InvalidArgument(format!(
                "{} is not a file descriptor call",
                other.name()
            ))),
        }
    }
}

// `O_RDONLY` is 0, so a plain `open` with no flags reads.
const _: () = assert!(O_RDONLY == 0);
