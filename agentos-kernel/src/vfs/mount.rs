//! [`MountTable`]: routes each VFS path to the filesystem mounted at its longest matching prefix,
//! enforces read-only mounts, and moves data between filesystems for cross-mount copy and rename.

use std::sync::Arc;

use parking_lot::RwLock;

use crate::{
    error::{Error, Result},
    path::VfsPath,
    vfs::{DirEntry, FileHandle, FileSystem, Metadata, OpenOptions},
};

/// The set of mounted filesystems. An unmatched path fails with `NotMounted`: there is no
/// fallback to the host filesystem.
#[derive(Default)]
pub struct MountTable {
    /// Sorted by mount point length, longest first, so the first match is the longest prefix.
    mounts: RwLock<Vec<Arc<Mount>>>,
}

pub(crate) struct Mount {
    pub(crate) point: VfsPath,
    pub(crate) fs: Arc<dyn FileSystem>,
    pub(crate) read_only: bool,
}

/// One row of [`MountTable::mounts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    /// Where the filesystem is mounted.
    pub point: VfsPath,
    /// The filesystem's [`FileSystem::name`].
    pub fs_name: String,
    /// True when writes through this mount fail with `ReadOnly`.
    pub read_only: bool,
}

/// Where a path lands: the mount and the path inside its filesystem.
pub(crate) struct Route {
    pub(crate) mount: Arc<Mount>,
    pub(crate) inner: VfsPath,
}

impl std::ops::Deref for Route {
    type Target = Mount;

    fn deref(&self) -> &Mount {
        &self.mount
    }
}

impl Route {
    fn writable(&self, path: &VfsPath) -> Result<()> {
        if self.mount.read_only || self.mount.fs.read_only() {
            Err(Error::ReadOnly(path.to_string()))
        } else {
            Ok(())
        }
    }
}

impl MountTable {
    /// An empty table; every path is `NotMounted` until something is mounted.
    pub fn new() -> MountTable {
        MountTable::default()
    }

    /// Mounts `fs` at `point`. When a filesystem already holds the parent of `point`, the mount
    /// point directory is created there so that listings show it.
    ///
    /// # Errors
    /// `AlreadyMounted` when `point` is taken.
    pub fn mount(&self, point: VfsPath, fs: Arc<dyn FileSystem>) -> Result<()> {
        self.insert(point, fs, false)
    }

    /// Mounts `fs` at `point` so that every write through this mount fails with `ReadOnly`.
    ///
    /// # Errors
    /// `AlreadyMounted` when `point` is taken.
    pub fn mount_read_only(&self, point: VfsPath, fs: Arc<dyn FileSystem>) -> Result<()> {
        self.insert(point, fs, true)
    }

    fn insert(&self, point: VfsPath, fs: Arc<dyn FileSystem>, read_only: bool) -> Result<()> {
        if !point.is_root()
            && let Ok(parent) = self.route(&point)
            && !parent.read_only
        {
            let _ = parent.fs.create_dir(&parent.inner);
        }
        let mut mounts = self.mounts.write();
        if mounts.iter().any(|mount| mount.point == point) {
            return Err(Error::AlreadyMounted(point.to_string()));
        }
        mounts.push(Arc::new(Mount {
            point,
            fs,
            read_only,
        }));
        mounts.sort_by_key(|mount| std::cmp::Reverse(mount.point.as_str().len()));
        Ok(())
    }

    /// Unmounts the filesystem at `point` and returns it.
    ///
    /// # Errors
    /// `NotMounted` when nothing is mounted exactly there.
    pub fn unmount(&self, point: &VfsPath) -> Result<Arc<dyn FileSystem>> {
        let mut mounts = self.mounts.write();
        let index = mounts
            .iter()
            .position(|mount| &mount.point == point)
            .ok_or_else(|| Error::NotMounted(point.to_string()))?;
        Ok(mounts.remove(index).fs.clone())
    }

    /// The mounts, longest mount point first.
    pub fn mounts(&self) -> Vec<MountInfo> {
        self.mounts
            .read()
            .iter()
            .map(|mount| MountInfo {
                point: mount.point.clone(),
                fs_name: mount.fs.name().to_owned(),
                read_only: mount.read_only || mount.fs.read_only(),
            })
            .collect()
    }

    /// The mount holding `path` and the path inside it.
    pub(crate) fn route(&self, path: &VfsPath) -> Result<Route> {
        let mounts = self.mounts.read();
        let mount = mounts
            .iter()
            .find(|mount| path.starts_with(&mount.point))
            .ok_or_else(|| Error::NotMounted(path.to_string()))?;
        let inner = path
            .strip_prefix(&mount.point)
            .unwrap_or_else(VfsPath::root);
        Ok(Route {
            mount: mount.clone(),
            inner,
        })
    }

    /// False when no filesystem that can hold a component of `path` may contain a symlink,
    /// so resolution can be skipped.
    pub(crate) fn may_have_symlinks_on(&self, path: &VfsPath) -> bool {
        self.mounts
            .read()
            .iter()
            .filter(|mount| path.starts_with(&mount.point))
            .any(|mount| mount.fs.may_have_symlinks())
    }

    fn write_route(&self, path: &VfsPath) -> Result<Route> {
        let route = self.route(path)?;
        route.writable(path)?;
        Ok(route)
    }

    fn is_mount_point(&self, path: &VfsPath) -> bool {
        self.mounts.read().iter().any(|mount| &mount.point == path)
    }

    fn not_a_mount_point(&self, path: &VfsPath) -> Result<()> {
        if self.is_mount_point(path) {
            Err(Error::InvalidArgument(format!("{path} is a mount point")))
        } else {
            Ok(())
        }
    }

    /// Copies the tree at `from` (one file or a directory) to `to` on another filesystem.
    fn copy_tree(&self, from: &Route, to: &Route) -> Result<()> {
        let meta = from.fs.metadata(&from.inner)?;
        if !meta.is_dir() {
            let data = from.fs.read(&from.inner)?;
            return to.fs.write(&to.inner, &data);
        }
        to.fs.create_dir(&to.inner)?;
        for entry in from.fs.list_dir(&from.inner)? {
            let child_from = Route {
                mount: from.mount.clone(),
                inner: from.inner.join(&entry.name),
            };
            let child_to = Route {
                mount: to.mount.clone(),
                inner: to.inner.join(&entry.name),
            };
            self.copy_tree(&child_from, &child_to)?;
        }
        Ok(())
    }
}

fn same_fs(a: &Route, b: &Route) -> bool {
    Arc::ptr_eq(&a.mount, &b.mount)
}

impl FileSystem for MountTable {
    fn read(&self, path: &VfsPath) -> Result<Vec<u8>> {
        let route = self.route(path)?;
        route
            .fs
            .read(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn write(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        let route = self.write_route(path)?;
        route
            .fs
            .write(&route.inner, data)
            .map_err(|err| outer(err, &route, path))
    }

    fn append(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        let route = self.write_route(path)?;
        route
            .fs
            .append(&route.inner, data)
            .map_err(|err| outer(err, &route, path))
    }

    fn create(&self, path: &VfsPath) -> Result<()> {
        let route = self.write_route(path)?;
        route
            .fs
            .create(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn delete(&self, path: &VfsPath) -> Result<()> {
        let route = self.write_route(path)?;
        route
            .fs
            .delete(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn exists(&self, path: &VfsPath) -> bool {
        self.route(path)
            .map(|route| route.fs.exists(&route.inner))
            .unwrap_or(false)
    }

    fn metadata(&self, path: &VfsPath) -> Result<Metadata> {
        let route = self.route(path)?;
        route
            .fs
            .metadata(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn list_dir(&self, path: &VfsPath) -> Result<Vec<DirEntry>> {
        let route = self.route(path)?;
        route
            .fs
            .list_dir(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn create_dir(&self, path: &VfsPath) -> Result<()> {
        let route = self.write_route(path)?;
        route
            .fs
            .create_dir(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn remove_dir(&self, path: &VfsPath) -> Result<()> {
        self.not_a_mount_point(path)?;
        let route = self.write_route(path)?;
        route
            .fs
            .remove_dir(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn remove_dir_all(&self, path: &VfsPath) -> Result<()> {
        self.not_a_mount_point(path)?;
        if self
            .mounts
            .read()
            .iter()
            .any(|mount| mount.point.starts_with(path))
        {
            return Err(Error::InvalidArgument(format!(
                "{path} holds a mount point"
            )));
        }
        let route = self.write_route(path)?;
        route
            .fs
            .remove_dir_all(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn copy(&self, from: &VfsPath, to: &VfsPath) -> Result<()> {
        let source = self.route(from)?;
        let target = self.write_route(to)?;
        if same_fs(&source, &target) {
            return source
                .fs
                .copy(&source.inner, &target.inner)
                .map_err(|err| outer(err, &source, from));
        }
        let data = source
            .fs
            .read(&source.inner)
            .map_err(|err| outer(err, &source, from))?;
        target
            .fs
            .write(&target.inner, &data)
            .map_err(|err| outer(err, &target, to))
    }

    fn rename(&self, from: &VfsPath, to: &VfsPath) -> Result<()> {
        self.not_a_mount_point(from)?;
        let source = self.write_route(from)?;
        let target = self.write_route(to)?;
        if same_fs(&source, &target) {
            return source
                .fs
                .rename(&source.inner, &target.inner)
                .map_err(|err| outer(err, &source, from));
        }
        self.copy_tree(&source, &target)
            .map_err(|err| outer(err, &target, to))?;
        let meta = source.fs.metadata(&source.inner)?;
        if meta.is_dir() {
            source.fs.remove_dir_all(&source.inner)
        } else {
            source.fs.delete(&source.inner)
        }
        .map_err(|err| outer(err, &source, from))
    }

    fn symlink(&self, target: &str, link: &VfsPath) -> Result<()> {
        let route = self.write_route(link)?;
        route
            .fs
            .symlink(target, &route.inner)
            .map_err(|err| outer(err, &route, link))
    }

    fn read_link(&self, path: &VfsPath) -> Result<String> {
        let route = self.route(path)?;
        route
            .fs
            .read_link(&route.inner)
            .map_err(|err| outer(err, &route, path))
    }

    fn truncate(&self, path: &VfsPath, size: u64) -> Result<()> {
        let route = self.write_route(path)?;
        route
            .fs
            .truncate(&route.inner, size)
            .map_err(|err| outer(err, &route, path))
    }

    fn set_permissions(&self, path: &VfsPath, mode: u32) -> Result<()> {
        let route = self.write_route(path)?;
        route
            .fs
            .set_permissions(&route.inner, mode)
            .map_err(|err| outer(err, &route, path))
    }

    fn open(&self, path: &VfsPath, options: &OpenOptions) -> Result<Box<dyn FileHandle>> {
        let route = if options.writes() {
            self.write_route(path)?
        } else {
            self.route(path)?
        };
        route
            .fs
            .open(&route.inner, options)
            .map_err(|err| outer(err, &route, path))
    }

    fn name(&self) -> &str {
        "mounts"
    }
}

/// Rewrites a backend error's inner path to the full VFS path, so errors name what the caller
/// asked for.
fn outer(err: Error, route: &Route, path: &VfsPath) -> Error {
    let rewrite = |inner: String| -> String {
        if route.point.is_root() {
            inner
        } else if inner == "/" {
            route.point.to_string()
        } else if inner.starts_with('/') {
            format!("{}{inner}", route.point)
        } else {
            path.to_string()
        }
    };
    match err {
        Error::NotFound(inner) => Error::NotFound(rewrite(inner)),
        Error::AlreadyExists(inner) => Error::AlreadyExists(rewrite(inner)),
        Error::IsADirectory(inner) => Error::IsADirectory(rewrite(inner)),
        Error::NotADirectory(inner) => Error::NotADirectory(rewrite(inner)),
        Error::DirectoryNotEmpty(inner) => Error::DirectoryNotEmpty(rewrite(inner)),
        Error::ReadOnly(inner) => Error::ReadOnly(rewrite(inner)),
        Error::Escape(inner) => Error::Escape(rewrite(inner)),
        Error::OutOfSpace {
            path: inner,
            needed,
            available,
        } => Error::OutOfSpace {
            path: rewrite(inner),
            needed,
            available,
        },
        Error::Io {
            path: inner,
            message,
        } => Error::Io {
            path: rewrite(inner),
            message,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemFs;

    #[test]
    fn longest_prefix_wins_and_errors_name_full_paths() {
        let table = MountTable::new();
        let root = Arc::new(MemFs::with_capacity(1024));
        let tmp = Arc::new(MemFs::with_capacity(1024));
        table.mount(VfsPath::root(), root.clone()).unwrap();
        table.mount("/tmp".into(), tmp.clone()).unwrap();
        table.write(&"/tmp/a".into(), b"x").unwrap();
        assert_eq!(tmp.read(&"/a".into()).unwrap(), b"x");
        assert!(!root.exists(&"/tmp/a".into()));
        assert_eq!(
            table.read(&"/tmp/missing".into()),
            Err(Error::NotFound("/tmp/missing".into()))
        );
        assert_eq!(
            table.mount("/tmp".into(), tmp),
            Err(Error::AlreadyMounted("/tmp".into()))
        );
    }
}
