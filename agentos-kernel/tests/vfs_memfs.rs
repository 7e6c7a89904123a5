//! Acceptance behaviour 7, in-memory part: `MemFs` operations and its capacity.

use agentos_kernel::{Error, FileKind, FileSystem, MemFs, OpenOptions, VfsPath};

fn p(raw: &str) -> VfsPath {
    VfsPath::new(raw)
}

#[test]
fn basic_file_operations() {
    let fs = MemFs::with_capacity(1024);
    fs.write(&p("/a.txt"), b"hello").unwrap();
    assert!(fs.exists(&p("/a.txt")));
    assert_eq!(fs.read(&p("/a.txt")).unwrap(), b"hello");
    fs.append(&p("/a.txt"), b" world").unwrap();
    assert_eq!(fs.read(&p("/a.txt")).unwrap(), b"hello world");
    fs.append(&p("/new.txt"), b"x").unwrap();
    assert_eq!(fs.read(&p("/new.txt")).unwrap(), b"x");
    fs.create(&p("/a.txt")).unwrap();
    assert_eq!(fs.read(&p("/a.txt")).unwrap(), b"");
    fs.delete(&p("/a.txt")).unwrap();
    assert!(!fs.exists(&p("/a.txt")));
    assert_eq!(
        fs.delete(&p("/a.txt")),
        Err(Error::NotFound("/a.txt".into()))
    );
}

#[test]
fn directories() {
    let fs = MemFs::with_capacity(1024);
    fs.create_dir(&p("/a/b/c")).unwrap();
    fs.write(&p("/a/b/file"), b"1").unwrap();
    assert!(fs.metadata(&p("/a/b")).unwrap().is_dir());
    assert_eq!(
        fs.remove_dir(&p("/a/b")),
        Err(Error::DirectoryNotEmpty("/a/b".into()))
    );
    assert_eq!(
        fs.remove_dir(&p("/a/b/file")),
        Err(Error::NotADirectory("/a/b/file".into()))
    );
    assert_eq!(
        fs.delete(&p("/a/b")),
        Err(Error::IsADirectory("/a/b".into()))
    );
    fs.remove_dir(&p("/a/b/c")).unwrap();
    fs.remove_dir_all(&p("/a")).unwrap();
    assert!(!fs.exists(&p("/a/b/file")));
    assert_eq!(fs.used(), 0);
    assert_eq!(
        fs.write(&p("/missing/x"), b"1"),
        Err(Error::NotFound("/missing".into()))
    );
}

#[test]
fn capacity_limit_gives_out_of_space() {
    let fs = MemFs::with_capacity(10);
    fs.write(&p("/a"), b"123456").unwrap();
    assert!(matches!(
        fs.write(&p("/b"), b"12345"),
        Err(Error::OutOfSpace {
            needed: 5,
            available: 4,
            ..
        })
    ));
    assert!(matches!(
        fs.append(&p("/a"), b"12345"),
        Err(Error::OutOfSpace { .. })
    ));
    assert!(matches!(
        fs.truncate(&p("/a"), 11),
        Err(Error::OutOfSpace { .. })
    ));
    assert!(matches!(
        fs.copy(&p("/a"), &p("/c")),
        Err(Error::OutOfSpace { .. })
    ));
    let handle = fs
        .open(
            &p("/a"),
            &OpenOptions {
                write: true,
                ..OpenOptions::default()
            },
        )
        .unwrap();
    assert!(matches!(
        handle.write_at(8, b"xyz"),
        Err(Error::OutOfSpace { .. })
    ));
    assert_eq!(fs.used(), 6);
    fs.truncate(&p("/a"), 2).unwrap();
    fs.write(&p("/b"), b"12345678").unwrap();
    assert_eq!(fs.used(), 10);
}

#[test]
fn copy_and_rename() {
    let fs = MemFs::with_capacity(1024);
    fs.write(&p("/a"), b"data").unwrap();
    fs.copy(&p("/a"), &p("/b")).unwrap();
    fs.write(&p("/a"), b"changed").unwrap();
    assert_eq!(fs.read(&p("/b")).unwrap(), b"data");
    fs.rename(&p("/b"), &p("/c")).unwrap();
    assert!(!fs.exists(&p("/b")));
    assert_eq!(fs.read(&p("/c")).unwrap(), b"data");
    assert_eq!(fs.used(), 11);
    assert!(matches!(
        fs.rename(&p("/nope"), &p("/x")),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn truncate_extends_with_zeros() {
    let fs = MemFs::with_capacity(64);
    fs.write(&p("/f"), b"abc").unwrap();
    fs.truncate(&p("/f"), 5).unwrap();
    assert_eq!(fs.read(&p("/f")).unwrap(), b"abc\0\0");
    fs.truncate(&p("/f"), 1).unwrap();
    assert_eq!(fs.read(&p("/f")).unwrap(), b"a");
}

#[test]
fn permissions_and_metadata() {
    let fs = MemFs::with_capacity(64);
    fs.write(&p("/f"), b"abc").unwrap();
    assert_eq!(fs.metadata(&p("/f")).unwrap().mode, 0o644);
    fs.set_permissions(&p("/f"), 0o600).unwrap();
    let meta = fs.metadata(&p("/f")).unwrap();
    assert_eq!(
        (meta.mode, meta.size, meta.kind),
        (0o600, 3, FileKind::File)
    );
    assert!(matches!(
        fs.set_permissions(&p("/nope"), 0o600),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn symlinks_are_stored_not_followed() {
    let fs = MemFs::with_capacity(64);
    fs.symlink("/target", &p("/link")).unwrap();
    assert_eq!(fs.read_link(&p("/link")).unwrap(), "/target");
    assert_eq!(fs.metadata(&p("/link")).unwrap().kind, FileKind::Symlink);
    assert!(matches!(
        fs.symlink("/x", &p("/link")),
        Err(Error::AlreadyExists(_))
    ));
    assert!(matches!(
        fs.read_link(&p("/")),
        Err(Error::InvalidArgument(_))
    ));
    fs.delete(&p("/link")).unwrap();
}

#[test]
fn open_handles_read_and_write_at_offsets() {
    let fs = MemFs::with_capacity(64);
    let handle = fs
        .open(
            &p("/f"),
            &OpenOptions {
                read: true,
                write: true,
                create: true,
                ..OpenOptions::default()
            },
        )
        .unwrap();
    handle.write_at(2, b"xy").unwrap();
    assert_eq!(fs.read(&p("/f")).unwrap(), b"\0\0xy");
    let mut buf = [0u8; 8];
    assert_eq!(handle.read_at(3, &mut buf).unwrap(), 1);
    assert_eq!(buf[0], b'y');
    assert!(matches!(
        fs.open(
            &p("/f"),
            &OpenOptions {
                write: true,
                create_new: true,
                ..OpenOptions::default()
            }
        ),
        Err(Error::AlreadyExists(_))
    ));
    assert!(matches!(
        fs.open(&p("/g"), &OpenOptions::read_only()),
        Err(Error::NotFound(_))
    ));
}
