//! Acceptance behaviour 4 (the parts this kernel layer owns): sandbox presets, capability and
//! path checks, and the filesystem, time and environment calls.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agentos_kernel::{
    Capability, CapabilityKind, CapabilitySet, DirEntry, Error, Kernel, SandboxPolicy, Syscall,
    SyscallOutput,
};

fn standard(kernel: &Kernel) -> agentos_kernel::Pid {
    kernel.create_process_with("app", SandboxPolicy::standard())
}

#[test]
fn standard_sandbox_cannot_read_etc_passwd() {
    let kernel = Kernel::new();
    let pid = standard(&kernel);
    let err = kernel
        .syscall(
            pid,
            Syscall::ReadFile {
                path: "/etc/passwd".into(),
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::PermissionDenied {
            pid,
            capability: CapabilityKind::ReadFile,
            path: "/etc/passwd".into()
        }
    );
    // Dot-dot spellings are normalised before the check.
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/tmp/../etc/passwd".into()
            }
        ),
        Err(Error::PermissionDenied { .. })
    ));
}

#[test]
fn writing_without_write_file_is_denied() {
    let kernel = Kernel::new();
    let pid = kernel.create_process(
        "reader",
        CapabilitySet::new().grant(Capability::ReadFile(None)),
    );
    let err = kernel
        .syscall(
            pid,
            Syscall::WriteFile {
                path: "/tmp/x".into(),
                data: b"1".to_vec(),
            },
        )
        .unwrap_err();
    assert!(matches!(
        err,
        Error::PermissionDenied {
            capability: CapabilityKind::WriteFile,
            ..
        }
    ));
}

#[test]
fn minimal_denies_everything_and_blocked_wins_over_allowed() {
    let kernel = Kernel::new();
    let minimal = kernel.create_process_with("min", SandboxPolicy::minimal());
    assert!(matches!(
        kernel.syscall(minimal, Syscall::GetCurrentTime),
        Err(Error::PermissionDenied {
            capability: CapabilityKind::TimeAccess,
            ..
        })
    ));
    let mut policy = SandboxPolicy::privileged();
    policy.blocked_paths.push("/tmp/secret".into());
    let pid = kernel.create_process_with("priv", policy);
    kernel
        .syscall(
            pid,
            Syscall::CreateDirectory {
                path: "/tmp/secret".into(),
            },
        )
        .unwrap_err();
    kernel
        .syscall(
            pid,
            Syscall::WriteFile {
                path: "/tmp/open".into(),
                data: vec![],
            },
        )
        .unwrap();
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::WriteFile {
                path: "/tmp/secret/x".into(),
                data: vec![]
            }
        ),
        Err(Error::PermissionDenied { .. })
    ));
}

#[test]
fn update_sandbox_replaces_the_policy() {
    let kernel = Kernel::new();
    let pid = kernel.create_process("app", CapabilitySet::new());
    assert!(kernel.syscall(pid, Syscall::GetUptime).is_err());
    kernel
        .update_sandbox(pid, SandboxPolicy::standard())
        .unwrap();
    assert!(matches!(
        kernel.syscall(pid, Syscall::GetUptime),
        Ok(SyscallOutput::Time(_))
    ));
    assert_eq!(kernel.sandbox(pid).unwrap(), SandboxPolicy::standard());
    assert_eq!(
        kernel.update_sandbox(agentos_kernel::Pid(77), SandboxPolicy::none()),
        Err(Error::NoSuchProcess(agentos_kernel::Pid(77)))
    );
}

#[test]
fn file_exists_answers_true_and_false() {
    let kernel = Kernel::new();
    let pid = standard(&kernel);
    kernel
        .syscall(
            pid,
            Syscall::WriteFile {
                path: "/tmp/here".into(),
                data: b"x".to_vec(),
            },
        )
        .unwrap();
    assert_eq!(
        kernel.syscall(
            pid,
            Syscall::FileExists {
                path: "/tmp/here".into()
            }
        ),
        Ok(SyscallOutput::Bool(true))
    );
    assert_eq!(
        kernel.syscall(
            pid,
            Syscall::FileExists {
                path: "/tmp/gone".into()
            }
        ),
        Ok(SyscallOutput::Bool(false))
    );
}

#[test]
fn current_time_is_the_wall_clock() {
    let kernel = Kernel::new();
    let pid = standard(&kernel);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let SyscallOutput::Time(reported) = kernel.syscall(pid, Syscall::GetCurrentTime).unwrap()
    else {
        panic!("not a time");
    };
    assert!(reported.abs_diff(now) < Duration::from_secs(5));
}

#[test]
fn sleep_above_sixty_seconds_is_rejected_and_never_blocks() {
    let kernel = Kernel::new();
    let pid = standard(&kernel);
    assert!(matches!(
        kernel.syscall(pid, Syscall::Sleep { duration_ms: 60_001 }),
        Err(Error::InvalidArgument(message)) if message.contains("60000")
    ));
    assert!(matches!(
        kernel.syscall(pid, Syscall::Sleep { duration_ms: 5_000 }),
        Err(Error::WouldBlock(_))
    ));
    assert_eq!(
        kernel.syscall(pid, Syscall::Sleep { duration_ms: 0 }),
        Ok(SyscallOutput::None)
    );
}

#[test]
fn environment_and_working_directory_are_per_pid() {
    let kernel = Kernel::new();
    let a = kernel.create_process_with("a", SandboxPolicy::privileged());
    let b = kernel.create_process_with("b", SandboxPolicy::privileged());
    kernel
        .syscall(
            a,
            Syscall::SetEnvVar {
                key: "MODE".into(),
                value: "dark".into(),
            },
        )
        .unwrap();
    assert_eq!(
        kernel.syscall(a, Syscall::GetEnvVar { key: "MODE".into() }),
        Ok(SyscallOutput::Text("dark".into()))
    );
    assert!(matches!(
        kernel.syscall(b, Syscall::GetEnvVar { key: "MODE".into() }),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        kernel.syscall(
            a,
            Syscall::SetEnvVar {
                key: "A=B".into(),
                value: String::new()
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    kernel
        .syscall(
            a,
            Syscall::CreateDirectory {
                path: "/tmp/work".into(),
            },
        )
        .unwrap();
    kernel
        .syscall(
            a,
            Syscall::SetWorkingDirectory {
                path: "/tmp/work".into(),
            },
        )
        .unwrap();
    kernel
        .syscall(
            a,
            Syscall::WriteFile {
                path: "notes.txt".into(),
                data: b"rel".to_vec(),
            },
        )
        .unwrap();
    assert_eq!(
        kernel.syscall(a, Syscall::GetWorkingDirectory),
        Ok(SyscallOutput::Text("/tmp/work".into()))
    );
    assert_eq!(
        kernel.syscall(b, Syscall::GetWorkingDirectory),
        Ok(SyscallOutput::Text("/".into()))
    );
    assert_eq!(
        kernel.syscall(
            b,
            Syscall::ReadFile {
                path: "/tmp/work/notes.txt".into()
            }
        ),
        Ok(SyscallOutput::Bytes(b"rel".to_vec()))
    );
    assert!(matches!(
        kernel.syscall(
            a,
            Syscall::SetWorkingDirectory {
                path: "/tmp/work/notes.txt".into()
            }
        ),
        Err(Error::NotADirectory(_))
    ));
}

#[test]
fn file_operations_on_an_allowed_temp_dir() {
    let kernel = Kernel::new();
    let mut policy = SandboxPolicy::standard();
    policy.capabilities = policy
        .capabilities
        .grant(Capability::CreateFile(None))
        .grant(Capability::DeleteFile(None))
        .grant(Capability::ListDirectory(None));
    policy.allowed_paths = vec!["/tmp/app".into()];
    let pid = kernel.create_process_with("app", policy);
    let call = |call: Syscall| kernel.syscall(pid, call);
    call(Syscall::CreateDirectory {
        path: "/tmp/app/d".into(),
    })
    .unwrap();
    call(Syscall::CreateFile {
        path: "/tmp/app/d/a.txt".into(),
    })
    .unwrap();
    call(Syscall::WriteFile {
        path: "/tmp/app/d/a.txt".into(),
        data: b"hello world".to_vec(),
    })
    .unwrap();
    call(Syscall::CopyFile {
        source: "/tmp/app/d/a.txt".into(),
        destination: "/tmp/app/b.txt".into(),
    })
    .unwrap();
    call(Syscall::MoveFile {
        source: "/tmp/app/b.txt".into(),
        destination: "/tmp/app/d/c.txt".into(),
    })
    .unwrap();
    call(Syscall::TruncateFile {
        path: "/tmp/app/d/c.txt".into(),
        size: 5,
    })
    .unwrap();
    assert_eq!(
        call(Syscall::ReadFile {
            path: "/tmp/app/d/c.txt".into()
        }),
        Ok(SyscallOutput::Bytes(b"hello".to_vec()))
    );
    assert_eq!(
        call(Syscall::ListDirectory {
            path: "/tmp/app/d".into()
        }),
        Ok(SyscallOutput::Entries(vec![
            DirEntry {
                name: "a.txt".into(),
                is_dir: false
            },
            DirEntry {
                name: "c.txt".into(),
                is_dir: false
            },
        ]))
    );
    let SyscallOutput::Stat(stat) = call(Syscall::FileStat {
        path: "/tmp/app/d/a.txt".into(),
    })
    .unwrap() else {
        panic!("not a stat");
    };
    assert_eq!(
        (stat.size, stat.is_dir, stat.extension.as_deref()),
        (11, false, Some("txt"))
    );
    call(Syscall::DeleteFile {
        path: "/tmp/app/d/a.txt".into(),
    })
    .unwrap();
    call(Syscall::DeleteFile {
        path: "/tmp/app/d/c.txt".into(),
    })
    .unwrap();
    call(Syscall::RemoveDirectory {
        path: "/tmp/app/d".into(),
    })
    .unwrap();
    assert_eq!(
        call(Syscall::FileExists {
            path: "/tmp/app/d".into()
        }),
        Ok(SyscallOutput::Bool(false))
    );
    // The allowed list stops at /tmp/app.
    assert!(matches!(
        call(Syscall::CreateFile {
            path: "/tmp/elsewhere".into()
        }),
        Err(Error::PermissionDenied { .. })
    ));
}

#[test]
fn no_host_fallback_for_unmounted_paths() {
    let kernel = Kernel::new();
    let pid = kernel.create_process_with("root", SandboxPolicy::privileged());
    // Nothing but the kernel's MemFs is mounted: the host's /etc is unreachable.
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/etc/hostname".into()
            }
        ),
        Err(Error::NotFound(_))
    ));
    kernel.unmount("/").unwrap();
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/etc/hostname".into()
            }
        ),
        Err(Error::NotMounted(_))
    ));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let kernel = Kernel::new();
    let pid = kernel.create_process_with("root", SandboxPolicy::privileged());
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: String::new()
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/tmp/a\0b".into()
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::TruncateFile {
                path: "/tmp/huge".into(),
                size: u64::MAX
            }
        ),
        Err(Error::NotFound(_))
    ));
    kernel
        .syscall(
            pid,
            Syscall::CreateFile {
                path: "/tmp/small".into(),
            },
        )
        .unwrap();
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::TruncateFile {
                path: "/tmp/small".into(),
                size: u64::MAX
            }
        ),
        Err(Error::OutOfSpace { .. } | Error::InvalidArgument(_))
    ));
}
