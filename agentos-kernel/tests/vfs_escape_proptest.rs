//! Property: no generated path — with `..`, `.`, `//` and symlinks the test creates — reaches
//! outside a `LocalFs` root or outside a PID's capability scope.

use std::{path::Path, sync::Arc};

use agentos_kernel::{
    Capability, CapabilitySet, FileSystem, Kernel, LocalFs, LocalFsOptions, MemFs, Syscall,
    SyscallOutput, VfsPath, ambient_authority,
};
use proptest::prelude::*;

const HOST_SECRET: &[u8] = b"HOST-SECRET";
const OUT_OF_SCOPE: &[u8] = b"OUT-OF-SCOPE";

fn component() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just(String::new()),
        Just("a".to_owned()),
        Just("file".to_owned()),
        Just("secret".to_owned()),
        (0..4usize).prop_map(|n| format!("link{n}")),
    ]
}

fn raw_path() -> impl Strategy<Value = String> {
    (any::<bool>(), prop::collection::vec(component(), 0..8)).prop_map(|(absolute, parts)| {
        let joined = parts.join("/");
        if absolute {
            format!("/{joined}")
        } else {
            joined
        }
    })
}

fn link_target() -> impl Strategy<Value = String> {
    prop_oneof![
        raw_path().prop_filter("non-empty", |target| !target.is_empty()),
        Just("/secret".to_owned()),
        Just("../secret".to_owned()),
        Just("../../secret".to_owned()),
        Just("../../../../../../secret".to_owned()),
    ]
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let data = std::fs::read(entry.path()).unwrap_or_default();
            (entry.file_name().to_string_lossy().into_owned(), data)
        })
        .collect();
    entries.sort();
    entries
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn localfs_never_escapes_its_root(
        targets in prop::collection::vec(link_target(), 4),
        paths in prop::collection::vec(raw_path(), 1..6),
    ) {
        let outer = tempfile::tempdir().unwrap();
        std::fs::write(outer.path().join("secret"), HOST_SECRET).unwrap();
        let root = outer.path().join("root");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("file"), b"inside").unwrap();
        // Links made on the host with the generated targets, absolute ones pointing at the host.
        for (n, target) in targets.iter().enumerate() {
            let host_target = if target == "/secret" {
                outer.path().join("secret").to_string_lossy().into_owned()
            } else {
                target.clone()
            };
            std::os::unix::fs::symlink(host_target, root.join(format!("link{n}"))).unwrap();
        }
        let outside_before = snapshot(outer.path());
        let fs = LocalFs::open_ambient(&root, LocalFsOptions::default(), ambient_authority()).unwrap();
        for raw in &paths {
            let path = VfsPath::new(raw);
            if let Ok(data) = fs.read(&path) {
                prop_assert_ne!(data, HOST_SECRET.to_vec(), "read {} escaped", raw);
            }
            let _ = fs.write(&path, b"written");
            let _ = fs.append(&path, b"appended");
            let _ = fs.truncate(&path, 0);
            let _ = fs.create_dir(&path.join("sub"));
            let _ = fs.symlink("/secret", &path.join("made"));
            if let Ok(entries) = fs.list_dir(&path) {
                // Listing the outer directory would show `root`.
                prop_assert!(entries.iter().all(|entry| entry.name != "root"), "listed outside via {}", raw);
            }
        }
        prop_assert_eq!(snapshot(outer.path()), outside_before);
    }

    #[test]
    fn capability_scope_holds_through_links(
        targets in prop::collection::vec(link_target(), 4),
        paths in prop::collection::vec(raw_path(), 1..6),
    ) {
        let kernel = Kernel::new();
        let fs = MemFs::with_capacity(1 << 20);
        kernel.mount("/data", Arc::new(fs.clone())).unwrap();
        let vfs = kernel.vfs();
        vfs.create_dir(&VfsPath::new("/data/scope/a")).unwrap();
        vfs.write(&VfsPath::new("/data/scope/file"), b"in-scope").unwrap();
        vfs.write(&VfsPath::new("/data/secret"), OUT_OF_SCOPE).unwrap();
        vfs.write(&VfsPath::new("/tmp/secret"), OUT_OF_SCOPE).unwrap();
        for (n, target) in targets.iter().enumerate() {
            vfs.symlink(target, &VfsPath::new(&format!("/data/scope/link{n}"))).unwrap();
        }
        let scope: VfsPath = "/data/scope".into();
        let pid = kernel.create_process(
            "app",
            CapabilitySet::new()
                .grant(Capability::ReadFile(Some(scope.clone())))
                .grant(Capability::WriteFile(Some(scope.clone())))
                .grant(Capability::ListDirectory(Some(scope.clone())))
                .grant(Capability::SystemInfo),
        );
        // Relative paths start inside the scope.
        kernel.syscall(pid, Syscall::SetWorkingDirectory { path: "/data/scope".into() }).unwrap();
        for raw in &paths {
            let in_scope = format!("/data/scope/{raw}");
            for candidate in [raw.as_str(), in_scope.as_str()] {
                if let Ok(SyscallOutput::Bytes(data)) =
                    kernel.syscall(pid, Syscall::ReadFile { path: candidate.into() })
                {
                    prop_assert_ne!(data, OUT_OF_SCOPE.to_vec(), "read {} escaped", candidate);
                }
                let _ = kernel.syscall(pid, Syscall::WriteFile { path: candidate.into(), data: b"pwned".to_vec() });
                let _ = kernel.syscall(pid, Syscall::TruncateFile { path: candidate.into(), size: 0 });
            }
        }
        prop_assert_eq!(vfs.read(&VfsPath::new("/data/secret")).unwrap(), OUT_OF_SCOPE.to_vec());
        prop_assert_eq!(vfs.read(&VfsPath::new("/tmp/secret")).unwrap(), OUT_OF_SCOPE.to_vec());
        let outside: Vec<String> = vfs
            .list_dir(&VfsPath::new("/data"))
            .unwrap()
            .into_iter()
            .map(|entry| entry.name)
            .collect();
        prop_assert_eq!(outside, vec!["scope".to_owned(), "secret".to_owned()]);
    }
}
