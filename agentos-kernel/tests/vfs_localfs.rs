//! Acceptance behaviour 7, host part: `LocalFs` confinement, read-only mounts and atomic
//! replacement, in a temporary directory.

use std::sync::Arc;

use agentos_kernel::{
    Error, FileSystem, Kernel, LocalFs, LocalFsOptions, OpenOptions, SandboxPolicy, Syscall,
    SyscallOutput, VfsPath, ambient_authority,
};

fn p(raw: &str) -> VfsPath {
    VfsPath::new(raw)
}

fn local(dir: &tempfile::TempDir, read_only: bool) -> LocalFs {
    LocalFs::open_ambient(
        dir.path(),
        LocalFsOptions {
            read_only,
            ..LocalFsOptions::default()
        },
        ambient_authority(),
    )
    .unwrap()
}

#[test]
fn read_write_list_and_delete_on_the_host_directory() {
    let dir = tempfile::tempdir().unwrap();
    let fs = local(&dir, false);
    fs.create_dir(&p("/a/b")).unwrap();
    fs.write(&p("/a/b/f.txt"), b"hello").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("a/b/f.txt")).unwrap(),
        b"hello"
    );
    fs.append(&p("/a/b/f.txt"), b"!").unwrap();
    assert_eq!(fs.read(&p("/a/b/f.txt")).unwrap(), b"hello!");
    let names: Vec<String> = fs
        .list_dir(&p("/a/b"))
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["f.txt"]);
    fs.copy(&p("/a/b/f.txt"), &p("/a/g.txt")).unwrap();
    fs.rename(&p("/a/g.txt"), &p("/h.txt")).unwrap();
    fs.truncate(&p("/h.txt"), 2).unwrap();
    assert_eq!(fs.read(&p("/h.txt")).unwrap(), b"he");
    fs.set_permissions(&p("/h.txt"), 0o600).unwrap();
    assert_eq!(fs.metadata(&p("/h.txt")).unwrap().mode, 0o600);
    fs.delete(&p("/h.txt")).unwrap();
    assert!(matches!(fs.read(&p("/h.txt")), Err(Error::NotFound(_))));
    assert!(matches!(
        fs.remove_dir(&p("/a")),
        Err(Error::DirectoryNotEmpty(_))
    ));
    fs.remove_dir_all(&p("/a")).unwrap();
    assert!(!dir.path().join("a").exists());
}

#[test]
fn read_only_localfs_refuses_every_write() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep"), b"old").unwrap();
    let fs = local(&dir, true);
    assert_eq!(fs.read(&p("/keep")).unwrap(), b"old");
    assert_eq!(
        fs.write(&p("/keep"), b"new"),
        Err(Error::ReadOnly("/keep".into()))
    );
    assert!(matches!(fs.delete(&p("/keep")), Err(Error::ReadOnly(_))));
    assert!(matches!(fs.create_dir(&p("/d")), Err(Error::ReadOnly(_))));
    assert!(matches!(
        fs.open(
            &p("/keep"),
            &OpenOptions {
                write: true,
                ..OpenOptions::default()
            }
        ),
        Err(Error::ReadOnly(_))
    ));
    assert_eq!(std::fs::read(dir.path().join("keep")).unwrap(), b"old");
}

#[test]
fn read_only_mount_of_a_writable_fs_is_enforced_by_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let kernel = Kernel::new();
    kernel
        .mount_read_only("/ro", Arc::new(local(&dir, false)))
        .unwrap();
    let pid = kernel.create_process_with("root", SandboxPolicy::privileged());
    let err = kernel
        .syscall(
            pid,
            Syscall::WriteFile {
                path: "/ro/x".into(),
                data: b"1".to_vec(),
            },
        )
        .unwrap_err();
    assert_eq!(err, Error::ReadOnly("/ro/x".into()));
    assert!(
        kernel
            .mounts()
            .iter()
            .any(|mount| mount.point.as_str() == "/ro" && mount.read_only)
    );
}

#[test]
fn writes_are_atomic_replacements_that_leave_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let fs = local(&dir, false);
    fs.write(&p("/state.json"), b"{\"format\":1}").unwrap();
    let inode_before = std::os::unix::fs::MetadataExt::ino(
        &std::fs::metadata(dir.path().join("state.json")).unwrap(),
    );
    fs.write(&p("/state.json"), b"{\"format\":2}").unwrap();
    let inode_after = std::os::unix::fs::MetadataExt::ino(
        &std::fs::metadata(dir.path().join("state.json")).unwrap(),
    );
    // Rename-over gives the path a new inode: the old file was never modified in place.
    assert_ne!(inode_before, inode_after);
    assert_eq!(fs.read(&p("/state.json")).unwrap(), b"{\"format\":2}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("state.json")]);
    // A failed replacement (missing parent) leaves nothing behind either.
    assert!(matches!(
        fs.write(&p("/nope/state.json"), b"x"),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn dot_dot_absolute_and_symlink_escapes_are_refused() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret"), b"host secret").unwrap();
    let root = outer.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::os::unix::fs::symlink(outer.path().join("secret"), root.join("abs_link")).unwrap();
    std::os::unix::fs::symlink("../secret", root.join("rel_link")).unwrap();
    std::os::unix::fs::symlink("hop2", root.join("hop1")).unwrap();
    std::os::unix::fs::symlink("../../secret", root.join("hop2")).unwrap();
    let fs = LocalFs::open_ambient(&root, LocalFsOptions::default(), ambient_authority()).unwrap();
    for path in ["/abs_link", "/rel_link", "/hop1"] {
        let result = fs.read(&p(path));
        assert!(result.is_err(), "{path} reached the host: {result:?}");
    }
    // VfsPath normalisation keeps `..` inside the root before the backend sees it.
    assert!(matches!(fs.read(&p("/../secret")), Err(Error::NotFound(_))));
    // Writing through an escaping link must not touch the host file.
    let _ = fs.write(&p("/rel_link"), b"overwritten");
    let _ = fs.append(&p("/abs_link"), b"overwritten");
    assert_eq!(
        std::fs::read(outer.path().join("secret")).unwrap(),
        b"host secret"
    );
}

#[test]
fn kernel_resolves_localfs_symlinks_inside_the_vfs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("apps")).unwrap();
    std::fs::write(dir.path().join("apps/data.txt"), b"inside").unwrap();
    // An absolute host-style link: inside the VFS it names /system/apps/data.txt.
    std::os::unix::fs::symlink("/apps/data.txt", dir.path().join("abs")).unwrap();
    let kernel = Kernel::new();
    kernel
        .mount("/system", Arc::new(local(&dir, false)))
        .unwrap();
    let pid = kernel.create_process_with("root", SandboxPolicy::privileged());
    assert_eq!(
        kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/system/abs".into()
            }
        ),
        Ok(SyscallOutput::Bytes(b"inside".to_vec()))
    );
}
