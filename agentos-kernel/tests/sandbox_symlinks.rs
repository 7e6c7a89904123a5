//! Symlinks are resolved inside the VFS before the capability check: a link cannot carry a
//! PID past its path scope or its blocked paths.

use agentos_kernel::{
    Capability, CapabilitySet, Error, FileSystem, Kernel, SandboxPolicy, Syscall, SyscallOutput,
    VfsPath,
};

fn setup() -> (Kernel, agentos_kernel::Pid) {
    let kernel = Kernel::new();
    let root = kernel.create_process_with("root", SandboxPolicy::privileged());
    kernel
        .syscall(
            root,
            Syscall::CreateDirectory {
                path: "/cache/private".into(),
            },
        )
        .unwrap();
    kernel
        .syscall(
            root,
            Syscall::WriteFile {
                path: "/cache/private/key".into(),
                data: b"secret".to_vec(),
            },
        )
        .unwrap();
    kernel
        .syscall(
            root,
            Syscall::CreateDirectory {
                path: "/tmp/app".into(),
            },
        )
        .unwrap();
    let app = kernel.create_process(
        "app",
        CapabilitySet::new()
            .grant(Capability::ReadFile(Some("/tmp/app".into())))
            .grant(Capability::WriteFile(Some("/tmp/app".into()))),
    );
    (kernel, app)
}

#[test]
fn relative_link_out_of_scope_is_denied_with_the_resolved_path() {
    let (kernel, app) = setup();
    kernel
        .vfs()
        .symlink("../../cache/private/key", &VfsPath::new("/tmp/app/link"))
        .unwrap();
    let err = kernel
        .syscall(
            app,
            Syscall::ReadFile {
                path: "/tmp/app/link".into(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::PermissionDenied { path, .. } if path == "/cache/private/key"),
        "{err}"
    );
    // Writing through it is denied as well, and the target is unchanged.
    assert!(
        kernel
            .syscall(
                app,
                Syscall::WriteFile {
                    path: "/tmp/app/link".into(),
                    data: b"x".to_vec()
                }
            )
            .is_err()
    );
    assert_eq!(
        kernel
            .vfs()
            .read(&VfsPath::new("/cache/private/key"))
            .unwrap(),
        b"secret"
    );
}

#[test]
fn absolute_link_stays_in_its_own_mount() {
    let (kernel, app) = setup();
    // In the /tmp mount, "/app/real" names /tmp/app/real.
    kernel
        .vfs()
        .write(&VfsPath::new("/tmp/app/real"), b"ok")
        .unwrap();
    kernel
        .vfs()
        .symlink("/app/real", &VfsPath::new("/tmp/app/abs"))
        .unwrap();
    assert_eq!(
        kernel.syscall(
            app,
            Syscall::ReadFile {
                path: "/tmp/app/abs".into()
            }
        ),
        Ok(SyscallOutput::Bytes(b"ok".to_vec()))
    );
}

#[test]
fn link_directories_in_the_middle_of_a_path_are_resolved() {
    let (kernel, app) = setup();
    kernel
        .vfs()
        .symlink("../../cache/private", &VfsPath::new("/tmp/app/dir"))
        .unwrap();
    assert!(matches!(
        kernel.syscall(
            app,
            Syscall::ReadFile {
                path: "/tmp/app/dir/key".into()
            }
        ),
        Err(Error::PermissionDenied { .. })
    ));
}

#[test]
fn link_loops_are_an_error() {
    let (kernel, app) = setup();
    kernel
        .vfs()
        .symlink("b", &VfsPath::new("/tmp/app/a"))
        .unwrap();
    kernel
        .vfs()
        .symlink("a", &VfsPath::new("/tmp/app/b"))
        .unwrap();
    assert!(matches!(
        kernel.syscall(app, Syscall::ReadFile { path: "/tmp/app/a".into() }),
        Err(Error::InvalidArgument(message)) if message.contains("symbolic links")
    ));
}

#[test]
fn blocked_paths_win_through_links() {
    let kernel = Kernel::new();
    let mut policy = SandboxPolicy::privileged();
    policy.blocked_paths.push("/cache".into());
    let pid = kernel.create_process_with("app", policy);
    kernel.vfs().write(&VfsPath::new("/cache/x"), b"1").unwrap();
    kernel
        .vfs()
        .symlink("/../cache/x", &VfsPath::new("/tmp/l"))
        .unwrap();
    kernel
        .vfs()
        .symlink("../cache/x", &VfsPath::new("/tmp/l2"))
        .unwrap();
    assert!(matches!(
        kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/tmp/l2".into()
            }
        ),
        Err(Error::PermissionDenied { .. })
    ));
    // An absolute target starts at the link's mount root (/tmp); its `..` is an ordinary VFS
    // `..`, so it names /cache/x, which is blocked.
    assert!(matches!(
        kernel.syscall(pid, Syscall::ReadFile { path: "/tmp/l".into() }),
        Err(Error::PermissionDenied { path, .. }) if path == "/cache/x"
    ));
    // Deleting the link itself acts on the link, not the target.
    kernel
        .syscall(
            pid,
            Syscall::DeleteFile {
                path: "/tmp/l2".into(),
            },
        )
        .unwrap();
    assert!(kernel.vfs().exists(&VfsPath::new("/cache/x")));
}
