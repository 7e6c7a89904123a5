//! Acceptance behaviour 7, mount part: longest-prefix routing, cross-filesystem copy and
//! rename, listing, and mount errors.

use std::sync::Arc;

use agentos_kernel::{Error, FileSystem, MemFs, MountTable, VfsPath};

fn p(raw: &str) -> VfsPath {
    VfsPath::new(raw)
}

fn table() -> (MountTable, MemFs, MemFs, MemFs) {
    let table = MountTable::new();
    let root = MemFs::with_capacity(1 << 20);
    let data = MemFs::with_capacity(1 << 20);
    let nested = MemFs::with_capacity(1 << 20);
    table.mount(p("/"), Arc::new(root.clone())).unwrap();
    table.mount(p("/data"), Arc::new(data.clone())).unwrap();
    table
        .mount(p("/data/nested"), Arc::new(nested.clone()))
        .unwrap();
    (table, root, data, nested)
}

#[test]
fn nested_mounts_route_to_the_longest_prefix() {
    let (table, root, data, nested) = table();
    table.write(&p("/top"), b"r").unwrap();
    table.write(&p("/data/mid"), b"d").unwrap();
    table.write(&p("/data/nested/deep"), b"n").unwrap();
    assert_eq!(root.read(&p("/top")).unwrap(), b"r");
    assert_eq!(data.read(&p("/mid")).unwrap(), b"d");
    assert_eq!(nested.read(&p("/deep")).unwrap(), b"n");
    // `/datax` is not under `/data`.
    table.write(&p("/datax"), b"r2").unwrap();
    assert_eq!(root.read(&p("/datax")).unwrap(), b"r2");
    // Mount points show up in their parent's listing.
    let names: Vec<String> = table
        .list_dir(&p("/data"))
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["mid", "nested"]);
}

#[test]
fn cross_filesystem_copy_and_rename() {
    let (table, root, data, nested) = table();
    table.write(&p("/data/file"), b"payload").unwrap();
    table.copy(&p("/data/file"), &p("/copied")).unwrap();
    assert_eq!(root.read(&p("/copied")).unwrap(), b"payload");
    table
        .rename(&p("/data/file"), &p("/data/nested/moved"))
        .unwrap();
    assert!(!data.exists(&p("/file")));
    assert_eq!(nested.read(&p("/moved")).unwrap(), b"payload");
    table.create_dir(&p("/data/tree/sub")).unwrap();
    table.write(&p("/data/tree/sub/x"), b"x").unwrap();
    table.rename(&p("/data/tree"), &p("/tree")).unwrap();
    assert_eq!(root.read(&p("/tree/sub/x")).unwrap(), b"x");
    assert!(!data.exists(&p("/tree")));
}

#[test]
fn listing_duplicates_and_unmounting() {
    let (table, _, _, _) = table();
    let points: Vec<String> = table
        .mounts()
        .into_iter()
        .map(|m| m.point.to_string())
        .collect();
    assert_eq!(points, ["/data/nested", "/data", "/"]);
    assert_eq!(
        table.mount(p("/data"), Arc::new(MemFs::with_capacity(1))),
        Err(Error::AlreadyMounted("/data".into()))
    );
    assert!(matches!(
        table.unmount(&p("/nowhere")),
        Err(Error::NotMounted(_))
    ));
    table.unmount(&p("/data/nested")).unwrap();
    assert!(
        table
            .mounts()
            .iter()
            .all(|m| m.point.as_str() != "/data/nested")
    );
}

#[test]
fn unmatched_paths_are_not_mounted_and_mount_points_cannot_be_removed() {
    let table = MountTable::new();
    table
        .mount(p("/only"), Arc::new(MemFs::with_capacity(64)))
        .unwrap();
    assert_eq!(
        table.read(&p("/other/x")),
        Err(Error::NotMounted("/other/x".into()))
    );
    assert!(matches!(
        table.remove_dir(&p("/only")),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        table.rename(&p("/only"), &p("/only2")),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn read_only_mount_blocks_writes_but_not_reads() {
    let table = MountTable::new();
    let fs = MemFs::with_capacity(64);
    fs.write(&p("/f"), b"x").unwrap();
    table.mount_read_only(p("/ro"), Arc::new(fs)).unwrap();
    assert_eq!(table.read(&p("/ro/f")).unwrap(), b"x");
    for result in [
        table.write(&p("/ro/f"), b"y"),
        table.append(&p("/ro/f"), b"y"),
        table.delete(&p("/ro/f")),
        table.truncate(&p("/ro/f"), 0),
        table.set_permissions(&p("/ro/f"), 0o600),
        table.symlink("/f", &p("/ro/l")),
    ] {
        assert_eq!(
            result,
            Err(Error::ReadOnly(
                result
                    .as_ref()
                    .unwrap_err()
                    .to_string()
                    .trim_start_matches("read-only filesystem: ")
                    .to_owned()
            ))
        );
    }
}
