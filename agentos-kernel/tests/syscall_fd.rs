//! File descriptors: a real per-PID table where open, close, dup, dup2, lseek and fcntl do
//! what POSIX says.

use agentos_kernel::{
    Error, FIRST_FD, FileSystem, Kernel, Pid, ResourceLimits, SandboxPolicy, Syscall,
    SyscallOutput, VfsPath, fd_flags::*,
};

fn root(kernel: &Kernel) -> Pid {
    kernel.create_process_with("root", SandboxPolicy::privileged())
}

fn open(kernel: &Kernel, pid: Pid, path: &str, flags: u32) -> agentos_kernel::Result<u32> {
    match kernel.syscall(
        pid,
        Syscall::Open {
            path: path.into(),
            flags,
            mode: 0o600,
        },
    )? {
        SyscallOutput::Fd(fd) => Ok(fd),
        other => panic!("unexpected {other:?}"),
    }
}

fn count(output: agentos_kernel::Result<SyscallOutput>) -> u64 {
    match output.unwrap() {
        SyscallOutput::Count(n) => n,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn open_creates_with_mode_and_descriptors_are_lowest_free() {
    let kernel = Kernel::new();
    let pid = root(&kernel);
    let a = open(&kernel, pid, "/tmp/a", O_RDWR | O_CREAT).unwrap();
    assert_eq!(a, FIRST_FD);
    assert_eq!(
        kernel.vfs().metadata(&VfsPath::new("/tmp/a")).unwrap().mode,
        0o600
    );
    let b = open(&kernel, pid, "/tmp/a", O_RDONLY).unwrap();
    assert_eq!(b, FIRST_FD + 1);
    kernel.syscall(pid, Syscall::Close { fd: a }).unwrap();
    assert_eq!(open(&kernel, pid, "/tmp/a", O_RDONLY).unwrap(), a);
    assert_eq!(
        kernel.syscall(pid, Syscall::Close { fd: 99 }),
        Err(Error::BadDescriptor { pid, fd: 99 })
    );
    assert!(matches!(
        open(&kernel, pid, "/tmp/a", O_WRONLY | O_CREAT | O_EXCL),
        Err(Error::AlreadyExists(_))
    ));
    assert!(matches!(
        open(&kernel, pid, "/tmp/missing", O_RDONLY),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        open(&kernel, pid, "/tmp/a", 3),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn dup_shares_the_offset_and_dup2_replaces() {
    let kernel = Kernel::new();
    let pid = root(&kernel);
    let fd = open(&kernel, pid, "/tmp/f", O_RDWR | O_CREAT | O_TRUNC).unwrap();
    kernel.fd_write(pid, fd, b"hello world").unwrap();
    let SyscallOutput::Fd(copy) = kernel.syscall(pid, Syscall::Dup { fd }).unwrap() else {
        panic!()
    };
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: 0,
                whence: SEEK_SET
            }
        )),
        0
    );
    assert_eq!(kernel.fd_read(pid, copy, 5).unwrap(), b"hello");
    // The original descriptor moved too: they share one open file description.
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: 0,
                whence: SEEK_CUR
            }
        )),
        5
    );
    let other = open(&kernel, pid, "/tmp/f", O_RDONLY).unwrap();
    assert_eq!(
        kernel.syscall(
            pid,
            Syscall::Dup2 {
                oldfd: fd,
                newfd: other
            }
        ),
        Ok(SyscallOutput::Fd(other))
    );
    assert_eq!(kernel.fd_read(pid, other, 100).unwrap(), b" world");
    assert_eq!(
        kernel.syscall(
            pid,
            Syscall::Dup2 {
                oldfd: fd,
                newfd: fd
            }
        ),
        Ok(SyscallOutput::Fd(fd))
    );
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Dup2 {
                oldfd: 77,
                newfd: 78
            }
        ),
        Err(Error::BadDescriptor { .. })
    ));
    kernel.syscall(pid, Syscall::Close { fd }).unwrap();
    // Closing one descriptor leaves the duplicate working.
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Lseek {
                fd: copy,
                offset: -5,
                whence: SEEK_END
            }
        )),
        6
    );
    assert_eq!(kernel.fd_read(pid, copy, 100).unwrap(), b"world");
}

#[test]
fn lseek_rejects_negative_offsets_and_bad_whence() {
    let kernel = Kernel::new();
    let pid = root(&kernel);
    let fd = open(&kernel, pid, "/tmp/f", O_RDWR | O_CREAT).unwrap();
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: -1,
                whence: SEEK_SET
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: 0,
                whence: 9
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    // Seeking past the end and writing leaves a zero-filled gap.
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: 3,
                whence: SEEK_SET
            }
        )),
        3
    );
    kernel.fd_write(pid, fd, b"x").unwrap();
    assert_eq!(
        kernel.vfs().read(&VfsPath::new("/tmp/f")).unwrap(),
        b"\0\0\0x"
    );
}

#[test]
fn fcntl_flags_and_dupfd() {
    let kernel = Kernel::new();
    let pid = root(&kernel);
    let fd = open(&kernel, pid, "/tmp/f", O_WRONLY | O_CREAT | O_CLOEXEC).unwrap();
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_GETFD,
                arg: 0
            }
        )),
        u64::from(FD_CLOEXEC)
    );
    kernel
        .syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_SETFD,
                arg: 0,
            },
        )
        .unwrap();
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_GETFD,
                arg: 0
            }
        )),
        0
    );
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_GETFL,
                arg: 0
            }
        )),
        u64::from(O_WRONLY)
    );
    kernel
        .syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_SETFL,
                arg: u64::from(O_APPEND),
            },
        )
        .unwrap();
    kernel.fd_write(pid, fd, b"ab").unwrap();
    kernel
        .syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: 0,
                whence: SEEK_SET,
            },
        )
        .unwrap();
    kernel.fd_write(pid, fd, b"cd").unwrap();
    assert_eq!(kernel.vfs().read(&VfsPath::new("/tmp/f")).unwrap(), b"abcd");
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_DUPFD,
                arg: 10
            }
        )),
        10
    );
    assert_eq!(
        count(kernel.syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_DUPFD,
                arg: 10
            }
        )),
        11
    );
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: 12345,
                arg: 0
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    // A write-only descriptor cannot read.
    assert!(matches!(
        kernel.fd_read(pid, fd, 1),
        Err(Error::BadDescriptor { .. })
    ));
}

#[test]
fn open_checks_capabilities_per_flag_and_the_descriptor_limit() {
    let kernel = Kernel::new();
    let mut policy = SandboxPolicy::standard();
    policy.limits = ResourceLimits {
        max_file_descriptors: 2,
        ..ResourceLimits::standard()
    };
    let pid = kernel.create_process_with("app", policy);
    kernel.vfs().write(&VfsPath::new("/tmp/f"), b"x").unwrap();
    // The standard preset has no CreateFile.
    assert!(matches!(
        open(&kernel, pid, "/tmp/new", O_WRONLY | O_CREAT),
        Err(Error::PermissionDenied { .. })
    ));
    assert!(matches!(
        open(&kernel, pid, "/etc/passwd", O_RDONLY),
        Err(Error::PermissionDenied { .. })
    ));
    let fd = open(&kernel, pid, "/tmp/f", O_RDONLY).unwrap();
    open(&kernel, pid, "/tmp/f", O_RDWR).unwrap();
    assert!(matches!(
        open(&kernel, pid, "/tmp/f", O_RDONLY),
        Err(Error::LimitExceeded { limit: 2, .. })
    ));
    assert!(matches!(
        kernel.syscall(pid, Syscall::Dup { fd }),
        Err(Error::LimitExceeded { .. })
    ));
}

#[test]
fn descriptors_are_per_pid_and_freed_on_exit() {
    let kernel = Kernel::new();
    let a = root(&kernel);
    let b = root(&kernel);
    let fd = open(&kernel, a, "/tmp/f", O_RDWR | O_CREAT).unwrap();
    assert!(matches!(
        kernel.syscall(b, Syscall::Close { fd }),
        Err(Error::BadDescriptor { .. })
    ));
    kernel.exit(a).unwrap();
    assert_eq!(kernel.fd_read(a, fd, 1), Err(Error::NoSuchProcess(a)));
}

#[test]
fn huge_numbers_are_errors_not_panics() {
    let kernel = Kernel::new();
    let pid = root(&kernel);
    let fd = open(&kernel, pid, "/tmp/f", O_RDWR | O_CREAT).unwrap();
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Fcntl {
                fd,
                cmd: F_DUPFD,
                arg: u64::from(u32::MAX)
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Dup2 {
                oldfd: fd,
                newfd: u32::MAX
            }
        ),
        Err(Error::BadDescriptor { .. })
    ));
    assert_eq!(kernel.fd_read(pid, fd, usize::MAX).unwrap(), b"");
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: i64::MAX,
                whence: SEEK_SET
            }
        ),
        Ok(SyscallOutput::Count(_))
    ));
    assert!(kernel.fd_write(pid, fd, b"x").is_err());
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::Lseek {
                fd,
                offset: i64::MAX,
                whence: SEEK_CUR
            }
        ),
        Ok(SyscallOutput::Count(_))
    ));
    assert_eq!(kernel.fd_read(pid, fd, 10).unwrap(), b"");
}
