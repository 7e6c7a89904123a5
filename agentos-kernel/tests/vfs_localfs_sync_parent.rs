//! Regression: an atomic replace on `LocalFs` syncs the parent directory through a descriptor
//! that can be synced (an `O_PATH` one fails with EBADF), so every write to a host-backed mount works.

use std::sync::Arc;

use agentos_kernel::{
    CapabilitySet, FileSystem, Kernel, LocalFs, LocalFsOptions, Syscall, VfsPath, ambient_authority,
};

#[test]
fn writes_through_a_localfs_mount_reach_the_host_directory() {
    let dir = tempfile::tempdir().unwrap();
    let local =
        LocalFs::open_ambient(dir.path(), LocalFsOptions::default(), ambient_authority()).unwrap();
    local.write(&VfsPath::new("/top.txt"), b"one").unwrap();
    local.create_dir(&VfsPath::new("/nested/deeper")).unwrap();
    local
        .write(&VfsPath::new("/nested/deeper/file.json"), b"{}")
        .unwrap();
    local.write(&VfsPath::new("/top.txt"), b"two").unwrap();
    assert_eq!(std::fs::read(dir.path().join("top.txt")).unwrap(), b"two");
    assert_eq!(
        std::fs::read(dir.path().join("nested/deeper/file.json")).unwrap(),
        b"{}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );

    let kernel = Kernel::new();
    kernel.mount("/system", Arc::new(local)).unwrap();
    let pid = kernel.create_process("writer", CapabilitySet::all());
    kernel
        .syscall(
            pid,
            Syscall::WriteFile {
                path: "/system/via-kernel.txt".into(),
                data: b"ok".to_vec(),
            },
        )
        .unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("via-kernel.txt")).unwrap(),
        b"ok"
    );
}
