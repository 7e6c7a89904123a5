//! Per-PID file descriptor tables over VFS file handles, with POSIX `open` flags, shared offsets
//! for duplicated descriptors, `lseek` and `fcntl`.

use std::{collections::BTreeMap, sync::Arc};

use parking_lot::Mutex;

use crate::{
    error::{Error, Result},
    path::VfsPath,
    process::Pid,
    vfs::{FileHandle, OpenOptions},
};

/// Linux `open` flag values understood by the `open` syscall.
pub mod flags {
    /// Access mode mask.
    pub const O_ACCMODE: u32 = 0o3;
    /// Read only.
    pub const O_RDONLY: u32 = 0o0;
    /// Write only.
    pub const O_WRONLY: u32 = 0o1;
    /// Read and write.
    pub const O_RDWR: u32 = 0o2;
    /// Create when missing.
    pub const O_CREAT: u32 = 0o100;
    /// With `O_CREAT`: fail when the file exists.
    pub const O_EXCL: u32 = 0o200;
    /// Cut to zero bytes on open.
    pub const O_TRUNC: u32 = 0o1000;
    /// Every write goes to the end.
    pub const O_APPEND: u32 = 0o2000;
    /// Non-blocking (recorded; VFS files never block).
    pub const O_NONBLOCK: u32 = 0o4000;
    /// Close on exec.
    pub const O_CLOEXEC: u32 = 0o2000000;
    /// `fcntl`: duplicate to the lowest free descriptor ≥ arg.
    pub const F_DUPFD: u32 = 0;
    /// `fcntl`: get descriptor flags.
    pub const F_GETFD: u32 = 1;
    /// `fcntl`: set descriptor flags.
    pub const F_SETFD: u32 = 2;
    /// `fcntl`: get status flags.
    pub const F_GETFL: u32 = 3;
    /// `fcntl`: set status flags (`O_APPEND`, `O_NONBLOCK`).
    pub const F_SETFL: u32 = 4;
    /// `fcntl`: like `F_DUPFD`, with close-on-exec set.
    pub const F_DUPFD_CLOEXEC: u32 = 1030;
    /// Descriptor flag: close on exec.
    pub const FD_CLOEXEC: u32 = 1;
    /// `lseek` from the start.
    pub const SEEK_SET: u32 = 0;
    /// `lseek` from the current offset.
    pub const SEEK_CUR: u32 = 1;
    /// `lseek` from the end.
    pub const SEEK_END: u32 = 2;
}

use flags::*;

/// The lowest descriptor number handed out; 0–2 stay free for standard streams.
pub const FIRST_FD: u32 = 3;

/// The highest descriptor number `dup2` and `F_DUPFD` accept.
pub const MAX_FD: u32 = 1 << 20;

/// Most bytes one descriptor read returns.
const MAX_READ: u64 = 16 * 1024 * 1024;

/// An open file description: shared by every descriptor duplicated from one `open`.
struct Description {
    handle: Box<dyn FileHandle>,
    path: VfsPath,
    /// Offset and status flags, changed together under one lock.
    state: Mutex<DescriptionState>,
}

struct DescriptionState {
    offset: u64,
    status: u32,
}

#[derive(Clone)]
struct Entry {
    description: Arc<Description>,
    cloexec: bool,
}

/// One PID's descriptor table.
#[derive(Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, Entry>,
}

/// Translates `open` flags to VFS open options.
pub(crate) fn open_options(flags: u32) -> Result<OpenOptions> {
    let access = flags & O_ACCMODE;
    if access == O_ACCMODE {
        return Err(Error::InvalidArgument(format!(
            "open flags {flags:#o}: access mode 3 is not valid"
        )));
    }
    Ok(OpenOptions {
        read: access == O_RDONLY || access == O_RDWR,
        write: access == O_WRONLY || access == O_RDWR,
        append: flags & O_APPEND != 0,
        create: flags & O_CREAT != 0,
        create_new: flags & O_CREAT != 0 && flags & O_EXCL != 0,
        truncate: flags & O_TRUNC != 0 && access != O_RDONLY,
    })
}

impl FdTable {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn lowest_free(&self, pid: Pid, from: u32) -> Result<u32> {
        if from > MAX_FD {
            return Err(Error::InvalidArgument(format!(
                "pid {pid}: descriptor {from} is above the maximum {MAX_FD}"
            )));
        }
        let mut candidate = from.max(FIRST_FD);
        for fd in self.entries.range(candidate..).map(|(fd, _)| *fd) {
            if fd != candidate {
                break;
            }
            candidate += 1;
        }
        if candidate > MAX_FD {
            return Err(Error::LimitExceeded {
                what: format!("descriptor numbers of pid {pid}"),
                used: u64::from(candidate),
                limit: u64::from(MAX_FD),
            });
        }
        Ok(candidate)
    }

    fn check_room(&self, pid: Pid, limit: u32) -> Result<()> {
        if self.entries.len() >= limit as usize {
            return Err(Error::LimitExceeded {
                what: format!("file descriptors of pid {pid}"),
                used: self.entries.len() as u64 + 1,
                limit: u64::from(limit),
            });
        }
        Ok(())
    }

    fn entry(&self, pid: Pid, fd: u32) -> Result<&Entry> {
        self.entries.get(&fd).ok_or(Error::BadDescriptor {
            pid,
            fd: i64::from(fd),
        })
    }

    /// Installs a freshly opened handle at the lowest free descriptor.
    pub(crate) fn install(
        &mut self,
        pid: Pid,
        limit: u32,
        handle: Box<dyn FileHandle>,
        path: VfsPath,
        flags: u32,
    ) -> Result<u32> {
        self.check_room(pid, limit)?;
        let fd = self.lowest_free(pid, FIRST_FD)?;
        let description = Arc::new(Description {
            handle,
            path,
            state: Mutex::new(DescriptionState {
                offset: 0,
                status: flags & (O_ACCMODE | O_APPEND | O_NONBLOCK),
            }),
        });
        self.entries.insert(
            fd,
            Entry {
                description,
                cloexec: flags & O_CLOEXEC != 0,
            },
        );
        Ok(fd)
    }

    pub(crate) fn close(&mut self, pid: Pid, fd: u32) -> Result<()> {
        self.entries
            .remove(&fd)
            .map(|_| ())
            .ok_or(Error::BadDescriptor {
                pid,
                fd: i64::from(fd),
            })
    }

    pub(crate) fn dup(
        &mut self,
        pid: Pid,
        limit: u32,
        fd: u32,
        from: u32,
        cloexec: bool,
    ) -> Result<u32> {
        let entry = self.entry(pid, fd)?.clone();
        self.check_room(pid, limit)?;
        let new_fd = self.lowest_free(pid, from)?;
        self.entries.insert(
            new_fd,
            Entry {
                description: entry.description,
                cloexec,
            },
        );
        Ok(new_fd)
    }

    pub(crate) fn dup2(&mut self, pid: Pid, limit: u32, old: u32, new: u32) -> Result<u32> {
        let entry = self.entry(pid, old)?.clone();
        if old == new {
            return Ok(new);
        }
        if new > MAX_FD {
            return Err(Error::BadDescriptor {
                pid,
                fd: i64::from(new),
            });
        }
        if !self.entries.contains_key(&new) {
            self.check_room(pid, limit)?;
        }
        self.entries.insert(
            new,
            Entry {
                description: entry.description,
                cloexec: false,
            },
        );
        Ok(new)
    }

    pub(crate) fn lseek(&self, pid: Pid, fd: u32, offset: i64, whence: u32) -> Result<u64> {
        let description = &self.entry(pid, fd)?.description;
        let mut state = description.state.lock();
        let base: i128 = match whence {
            SEEK_SET => 0,
            SEEK_CUR => i128::from(state.offset),
            SEEK_END => i128::from(description.handle.metadata()?.size),
            _ => {
                return Err(Error::InvalidArgument(format!(
                    "lseek whence {whence} (must be 0, 1 or 2)"
                )));
            }
        };
        let target = base + i128::from(offset);
        let target = u64::try_from(target).map_err(|_| {
            Error::InvalidArgument(format!(
                "lseek to {target} on {} is outside 0..=u64::MAX",
                description.path
            ))
        })?;
        state.offset = target;
        Ok(target)
    }

    pub(crate) fn fcntl(
        &mut self,
        pid: Pid,
        limit: u32,
        fd: u32,
        cmd: u32,
        arg: u64,
    ) -> Result<u64> {
        match cmd {
            F_DUPFD | F_DUPFD_CLOEXEC => {
                let from = u32::try_from(arg)
                    .map_err(|_| Error::InvalidArgument(format!("fcntl F_DUPFD arg {arg}")))?;
                self.dup(pid, limit, fd, from, cmd == F_DUPFD_CLOEXEC)
                    .map(u64::from)
            }
            F_GETFD => Ok(u64::from(self.entry(pid, fd)?.cloexec)),
            F_SETFD => {
                let entry = self.entries.get_mut(&fd).ok_or(Error::BadDescriptor {
                    pid,
                    fd: i64::from(fd),
                })?;
                entry.cloexec = arg & u64::from(FD_CLOEXEC) != 0;
                Ok(0)
            }
            F_GETFL => Ok(u64::from(
                self.entry(pid, fd)?.description.state.lock().status,
            )),
            F_SETFL => {
                let description = &self.entry(pid, fd)?.description;
                let mut state = description.state.lock();
                let changeable = O_APPEND | O_NONBLOCK;
                state.status = (state.status & !changeable) | (arg as u32 & changeable);
                Ok(0)
            }
            _ => Err(Error::InvalidArgument(format!(
                "fcntl command {cmd} is not supported"
            ))),
        }
    }

    /// Reads up to `max` bytes at the descriptor's offset and advances it.
    pub(crate) fn read(&self, pid: Pid, fd: u32, max: usize) -> Result<Vec<u8>> {
        let description = &self.entry(pid, fd)?.description;
        let mut state = description.state.lock();
        if state.status & O_ACCMODE == O_WRONLY {
            return Err(Error::BadDescriptor {
                pid,
                fd: i64::from(fd),
            });
        }
        let remaining = description
            .handle
            .metadata()?
            .size
            .saturating_sub(state.offset);
        let len = (max as u64).min(remaining).min(MAX_READ) as usize;
        let mut buf = vec![0; len];
        let n = description.handle.read_at(state.offset, &mut buf)?;
        buf.truncate(n);
        state.offset += n as u64;
        Ok(buf)
    }

    /// Writes `data` at the descriptor's offset (or the end, with `O_APPEND`) and advances it.
    pub(crate) fn write(&self, pid: Pid, fd: u32, data: &[u8]) -> Result<usize> {
        let description = &self.entry(pid, fd)?.description;
        let mut state = description.state.lock();
        if state.status & O_ACCMODE == O_RDONLY {
            return Err(Error::BadDescriptor {
                pid,
                fd: i64::from(fd),
            });
        }
        if state.status & O_APPEND != 0 {
            state.offset = description.handle.metadata()?.size;
        }
        let n = description.handle.write_at(state.offset, data)?;
        state.offset += n as u64;
        Ok(n)
    }
}
