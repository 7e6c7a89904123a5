//! [`MemFs`]: an in-memory filesystem with a byte capacity; writes past it fail with `OutOfSpace`.

use std::{
    collections::BTreeMap,
    ops::Bound,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::SystemTime,
};

use parking_lot::RwLock;

use crate::{
    error::{Error, Result},
    path::VfsPath,
    vfs::{DirEntry, FileHandle, FileKind, FileSystem, Metadata, OpenOptions},
};

/// An in-memory filesystem holding at most `capacity` bytes of file data.
///
/// Capacity is reserved atomically before data grows, so concurrent writers never push the
/// total past the capacity. Cloning gives another handle to the same files.
#[derive(Debug, Clone)]
pub struct MemFs {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    capacity: u64,
    used: AtomicU64,
    n_symlinks: AtomicU64,
    tree: RwLock<BTreeMap<String, Node>>,
}

#[derive(Debug, Clone)]
enum Node {
    File(Arc<FileNode>),
    Dir { mode: u32, modified: SystemTime },
    Symlink(String),
}

#[derive(Debug)]
struct FileNode {
    state: RwLock<FileState>,
}

#[derive(Debug)]
struct FileState {
    data: Vec<u8>,
    mode: u32,
    modified: SystemTime,
    /// False once the file is deleted; an open handle may still use it, uncounted.
    linked: bool,
}

const FILE_MODE: u32 = 0o644;
const DIR_MODE: u32 = 0o755;

impl MemFs {
    /// An empty filesystem holding at most `capacity` bytes of file data.
    pub fn with_capacity(capacity: u64) -> MemFs {
        let mut tree = BTreeMap::new();
        tree.insert("/".to_owned(), dir_node());
        MemFs {
            inner: Arc::new(Inner {
                capacity,
                used: AtomicU64::new(0),
                n_symlinks: AtomicU64::new(0),
                tree: RwLock::new(tree),
            }),
        }
    }

    /// Bytes of file data currently stored.
    pub fn used(&self) -> u64 {
        self.inner.used.load(Ordering::Acquire)
    }

    /// The byte capacity.
    pub fn capacity(&self) -> u64 {
        self.inner.capacity
    }
}

impl Inner {
    /// Reserves `grow` more bytes, or fails with `OutOfSpace` naming `path`.
    fn reserve(&self, path: &VfsPath, grow: u64) -> Result<()> {
        let mut used = self.used.load(Ordering::Acquire);
        loop {
            let available = self.capacity.saturating_sub(used);
            if grow > available {
                return Err(Error::OutOfSpace {
                    path: path.to_string(),
                    needed: grow,
                    available,
                });
            }
            match self.used.compare_exchange_weak(
                used,
                used + grow,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => used = actual,
            }
        }
    }

    fn release(&self, shrink: u64) {
        self.used.fetch_sub(shrink, Ordering::AcqRel);
    }

    /// Changes a file's length accounting from `old` to `new` bytes.
    fn resize(&self, path: &VfsPath, linked: bool, old: u64, new: u64) -> Result<()> {
        if !linked {
            return Ok(());
        }
        if new > old {
            self.reserve(path, new - old)
        } else {
            self.release(old - new);
            Ok(())
        }
    }
}

fn dir_node() -> Node {
    Node::Dir {
        mode: DIR_MODE,
        modified: SystemTime::now(),
    }
}

fn new_file(data: Vec<u8>) -> Arc<FileNode> {
    Arc::new(FileNode {
        state: RwLock::new(FileState {
            data,
            mode: FILE_MODE,
            modified: SystemTime::now(),
            linked: true,
        }),
    })
}

/// The keys strictly beneath `path`.
fn descendants<'a>(
    tree: &'a BTreeMap<String, Node>,
    path: &VfsPath,
) -> impl Iterator<Item = (&'a String, &'a Node)> {
    let prefix = if path.is_root() {
        "/".to_owned()
    } else {
        format!("{path}/")
    };
    tree.range::<str, _>((Bound::Excluded(prefix.as_str()), Bound::Unbounded))
        .take_while(move |(key, _)| key.starts_with(&prefix))
}

fn check_parent(tree: &BTreeMap<String, Node>, path: &VfsPath) -> Result<()> {
    if path.is_root() {
        return Err(Error::IsADirectory(path.to_string()));
    }
    let parent = path.parent();
    match tree.get(parent.as_str()) {
        Some(Node::Dir { .. }) => Ok(()),
        Some(_) => Err(Error::NotADirectory(parent.to_string())),
        None => Err(Error::NotFound(parent.to_string())),
    }
}

impl MemFs {
    /// The file node at `path`, created (empty) when `create` and missing.
    fn file_node(&self, path: &VfsPath, create: bool) -> Result<Arc<FileNode>> {
        if let Some(node) = self.inner.tree.read().get(path.as_str()) {
            return match node {
                Node::File(file) => Ok(file.clone()),
                Node::Dir { .. } => Err(Error::IsADirectory(path.to_string())),
                Node::Symlink(_) => Err(Error::InvalidArgument(format!(
                    "{path} is a symlink; resolve it first"
                ))),
            };
        }
        if !create {
            return Err(Error::NotFound(path.to_string()));
        }
        let mut tree = self.inner.tree.write();
        check_parent(&tree, path)?;
        let node = tree
            .entry(path.as_str().to_owned())
            .or_insert_with(|| Node::File(new_file(Vec::new())));
        match node {
            Node::File(file) => Ok(file.clone()),
            Node::Dir { .. } => Err(Error::IsADirectory(path.to_string())),
            Node::Symlink(_) => Err(Error::AlreadyExists(path.to_string())),
        }
    }

    fn set_contents(&self, path: &VfsPath, file: &FileNode, data: Vec<u8>) -> Result<()> {
        let mut state = file.state.write();
        self.inner.resize(
            path,
            state.linked,
            state.data.len() as u64,
            data.len() as u64,
        )?;
        state.data = data;
        state.modified = SystemTime::now();
        Ok(())
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &VfsPath) -> Result<Vec<u8>> {
        let file = self.file_node(path, false)?;
        let data = file.state.read().data.clone();
        Ok(data)
    }

    fn write(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        let file = self.file_node(path, true)?;
        self.set_contents(path, &file, data.to_vec())
    }

    fn append(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        let file = self.file_node(path, true)?;
        let mut state = file.state.write();
        if state.linked {
            self.inner.reserve(path, data.len() as u64)?;
        }
        state.data.extend_from_slice(data);
        state.modified = SystemTime::now();
        Ok(())
    }

    fn create(&self, path: &VfsPath) -> Result<()> {
        self.write(path, &[])
    }

    fn delete(&self, path: &VfsPath) -> Result<()> {
        let mut tree = self.inner.tree.write();
        match tree.get(path.as_str()) {
            None => return Err(Error::NotFound(path.to_string())),
            Some(Node::Dir { .. }) => return Err(Error::IsADirectory(path.to_string())),
            Some(_) => {}
        }
        if let Some(node) = tree.remove(path.as_str()) {
            self.unlink(node);
        }
        Ok(())
    }

    fn exists(&self, path: &VfsPath) -> bool {
        self.inner.tree.read().contains_key(path.as_str())
    }

    fn metadata(&self, path: &VfsPath) -> Result<Metadata> {
        let tree = self.inner.tree.read();
        match tree.get(path.as_str()) {
            None => Err(Error::NotFound(path.to_string())),
            Some(node) => Ok(node_metadata(node)),
        }
    }

    fn list_dir(&self, path: &VfsPath) -> Result<Vec<DirEntry>> {
        let tree = self.inner.tree.read();
        match tree.get(path.as_str()) {
            Some(Node::Dir { .. }) => {}
            Some(_) => return Err(Error::NotADirectory(path.to_string())),
            None => return Err(Error::NotFound(path.to_string())),
        }
        let prefix_len = if path.is_root() {
            1
        } else {
            path.as_str().len() + 1
        };
        let entries = descendants(&tree, path)
            .filter(|(key, _)| !key[prefix_len..].contains('/'))
            .map(|(key, node)| DirEntry {
                name: key[prefix_len..].to_owned(),
                is_dir: matches!(node, Node::Dir { .. }),
            })
            .collect();
        Ok(entries)
    }

    fn create_dir(&self, path: &VfsPath) -> Result<()> {
        let mut tree = self.inner.tree.write();
        let mut current = VfsPath::root();
        for component in path.components() {
            current = current.join(component);
            match tree.get(current.as_str()) {
                Some(Node::Dir { .. }) => {}
                Some(_) => return Err(Error::NotADirectory(current.to_string())),
                None => {
                    tree.insert(current.as_str().to_owned(), dir_node());
                }
            }
        }
        Ok(())
    }

    fn remove_dir(&self, path: &VfsPath) -> Result<()> {
        let mut tree = self.inner.tree.write();
        match tree.get(path.as_str()) {
            Some(Node::Dir { .. }) => {}
            Some(_) => return Err(Error::NotADirectory(path.to_string())),
            None => return Err(Error::NotFound(path.to_string())),
        }
        if path.is_root() || descendants(&tree, path).next().is_some() {
            return Err(Error::DirectoryNotEmpty(path.to_string()));
        }
        tree.remove(path.as_str());
        Ok(())
    }

    fn remove_dir_all(&self, path: &VfsPath) -> Result<()> {
        let mut tree = self.inner.tree.write();
        match tree.get(path.as_str()) {
            Some(Node::Dir { .. }) => {}
            Some(_) => return Err(Error::NotADirectory(path.to_string())),
            None => return Err(Error::NotFound(path.to_string())),
        }
        let doomed: Vec<String> = descendants(&tree, path)
            .map(|(key, _)| key.clone())
            .collect();
        for key in doomed {
            if let Some(node) = tree.remove(&key) {
                self.unlink(node);
            }
        }
        if !path.is_root() {
            tree.remove(path.as_str());
        }
        Ok(())
    }

    fn copy(&self, from: &VfsPath, to: &VfsPath) -> Result<()> {
        let data = self.read(from)?;
        self.write(to, &data)
    }

    fn rename(&self, from: &VfsPath, to: &VfsPath) -> Result<()> {
        if from == to {
            return if self.exists(from) {
                Ok(())
            } else {
                Err(Error::NotFound(from.to_string()))
            };
        }
        if to.starts_with(from) {
            return Err(Error::InvalidArgument(format!(
                "cannot move {from} into itself ({to})"
            )));
        }
        let mut tree = self.inner.tree.write();
        let node = tree
            .get(from.as_str())
            .cloned()
            .ok_or_else(|| Error::NotFound(from.to_string()))?;
        check_parent(&tree, to)?;
        match (tree.get(to.as_str()), &node) {
            (Some(Node::Dir { .. }), Node::Dir { .. })
                if descendants(&tree, to).next().is_some() =>
            {
                return Err(Error::DirectoryNotEmpty(to.to_string()));
            }
            (Some(Node::Dir { .. }), _) => return Err(Error::IsADirectory(to.to_string())),
            (Some(_), Node::Dir { .. }) => return Err(Error::NotADirectory(to.to_string())),
            _ => {}
        }
        let moved: Vec<(String, Node)> = descendants(&tree, from)
            .map(|(key, node)| (key.clone(), node.clone()))
            .collect();
        tree.remove(from.as_str());
        if let Some(old) = tree.insert(to.as_str().to_owned(), node) {
            self.unlink(old);
        }
        for (key, child) in moved {
            tree.remove(&key);
            let suffix = &key[from.as_str().len()..];
            tree.insert(format!("{to}{suffix}"), child);
        }
        Ok(())
    }

    fn symlink(&self, target: &str, link: &VfsPath) -> Result<()> {
        if target.is_empty() || target.contains('\0') {
            return Err(Error::InvalidArgument(format!(
                "symlink target for {link} is empty or holds NUL"
            )));
        }
        let mut tree = self.inner.tree.write();
        check_parent(&tree, link)?;
        if tree.contains_key(link.as_str()) {
            return Err(Error::AlreadyExists(link.to_string()));
        }
        self.inner.n_symlinks.fetch_add(1, Ordering::AcqRel);
        tree.insert(link.as_str().to_owned(), Node::Symlink(target.to_owned()));
        Ok(())
    }

    fn read_link(&self, path: &VfsPath) -> Result<String> {
        match self.inner.tree.read().get(path.as_str()) {
            Some(Node::Symlink(target)) => Ok(target.clone()),
            Some(_) => Err(Error::InvalidArgument(format!("{path} is not a symlink"))),
            None => Err(Error::NotFound(path.to_string())),
        }
    }

    fn truncate(&self, path: &VfsPath, size: u64) -> Result<()> {
        let file = self.file_node(path, false)?;
        let len = usize::try_from(size)
            .map_err(|_| Error::InvalidArgument(format!("size {size} too large for {path}")))?;
        let mut state = file.state.write();
        self.inner
            .resize(path, state.linked, state.data.len() as u64, size)?;
        state.data.resize(len, 0);
        state.modified = SystemTime::now();
        Ok(())
    }

    fn set_permissions(&self, path: &VfsPath, mode: u32) -> Result<()> {
        let mut tree = self.inner.tree.write();
        match tree.get_mut(path.as_str()) {
            None => Err(Error::NotFound(path.to_string())),
            Some(Node::File(file)) => {
                file.state.write().mode = mode & 0o7777;
                Ok(())
            }
            Some(Node::Dir { mode: dir_mode, .. }) => {
                *dir_mode = mode & 0o7777;
                Ok(())
            }
            Some(Node::Symlink(_)) => Ok(()),
        }
    }

    fn open(&self, path: &VfsPath, options: &OpenOptions) -> Result<Box<dyn FileHandle>> {
        if options.create_new && self.exists(path) {
            return Err(Error::AlreadyExists(path.to_string()));
        }
        let file = self.file_node(path, options.create || options.create_new)?;
        if options.truncate {
            self.set_contents(path, &file, Vec::new())?;
        }
        Ok(Box::new(MemHandle {
            fs: self.clone(),
            path: path.clone(),
            file,
        }))
    }

    fn name(&self) -> &str {
        "memfs"
    }

    fn may_have_symlinks(&self) -> bool {
        self.inner.n_symlinks.load(Ordering::Acquire) > 0
    }
}

impl MemFs {
    /// Frees the space of a removed node; open handles keep the data, uncounted.
    fn unlink(&self, node: Node) {
        if let Node::File(file) = node {
            let mut state = file.state.write();
            if state.linked {
                state.linked = false;
                self.inner.release(state.data.len() as u64);
            }
        }
    }
}

fn node_metadata(node: &Node) -> Metadata {
    match node {
        Node::File(file) => {
            let state = file.state.read();
            Metadata {
                kind: FileKind::File,
                size: state.data.len() as u64,
                mode: state.mode,
                modified: state.modified,
            }
        }
        Node::Dir { mode, modified } => Metadata {
            kind: FileKind::Directory,
            size: 0,
            mode: *mode,
            modified: *modified,
        },
        Node::Symlink(target) => Metadata {
            kind: FileKind::Symlink,
            size: target.len() as u64,
            mode: 0o777,
            modified: SystemTime::UNIX_EPOCH,
        },
    }
}

/// An open [`MemFs`] file; it keeps the file's data alive even after the path is deleted.
struct MemHandle {
    fs: MemFs,
    path: VfsPath,
    file: Arc<FileNode>,
}

fn to_index(offset: u64, path: &VfsPath) -> Result<usize> {
    usize::try_from(offset)
        .map_err(|_| Error::InvalidArgument(format!("offset {offset} too large for {path}")))
}

impl FileHandle for MemHandle {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let state = self.file.state.read();
        let start = to_index(offset, &self.path)?.min(state.data.len());
        let n = buf.len().min(state.data.len() - start);
        buf[..n].copy_from_slice(&state.data[start..start + n]);
        Ok(n)
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> Result<usize> {
        let start = to_index(offset, &self.path)?;
        let end = start.checked_add(data.len()).ok_or_else(|| {
            Error::InvalidArgument(format!("write past the end of {}", self.path))
        })?;
        let mut state = self.file.state.write();
        let old_len = state.data.len();
        if end > old_len {
            self.fs
                .inner
                .resize(&self.path, state.linked, old_len as u64, end as u64)?;
            state.data.resize(end, 0);
        }
        state.data[start..end].copy_from_slice(data);
        state.modified = SystemTime::now();
        Ok(data.len())
    }

    fn metadata(&self) -> Result<Metadata> {
        Ok(node_metadata(&Node::File(self.file.clone())))
    }

    fn set_len(&self, len: u64) -> Result<()> {
        let new_len = to_index(len, &self.path)?;
        let mut state = self.file.state.write();
        self.fs
            .inner
            .resize(&self.path, state.linked, state.data.len() as u64, len)?;
        state.data.resize(new_len, 0);
        state.modified = SystemTime::now();
        Ok(())
    }

    fn sync(&self) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_with_dash_is_not_a_child() {
        let fs = MemFs::with_capacity(64);
        fs.create_dir(&"/a/b".into()).unwrap();
        fs.create_dir(&"/a-b".into()).unwrap();
        fs.write(&"/a/x".into(), b"1").unwrap();
        let names: Vec<String> = fs
            .list_dir(&"/a".into())
            .unwrap()
            .into_iter()
            .map(|entry| entry.name)
            .collect();
        assert_eq!(names, ["b", "x"]);
        fs.remove_dir_all(&"/a".into()).unwrap();
        assert!(fs.exists(&"/a-b".into()));
        assert_eq!(fs.used(), 0);
    }

    #[test]
    fn handle_survives_delete_without_counting() {
        let fs = MemFs::with_capacity(8);
        fs.write(&"/f".into(), b"1234").unwrap();
        let handle = fs.open(&"/f".into(), &OpenOptions::read_only()).unwrap();
        fs.delete(&"/f".into()).unwrap();
        assert_eq!(fs.used(), 0);
        let mut buf = [0; 8];
        assert_eq!(handle.read_at(1, &mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], b"234");
    }

    #[test]
    fn rename_moves_a_tree() {
        let fs = MemFs::with_capacity(64);
        fs.create_dir(&"/d/e".into()).unwrap();
        fs.write(&"/d/e/f".into(), b"x").unwrap();
        fs.rename(&"/d".into(), &"/z".into()).unwrap();
        assert_eq!(fs.read(&"/z/e/f".into()).unwrap(), b"x");
        assert!(!fs.exists(&"/d".into()));
        assert!(matches!(
            fs.rename(&"/z".into(), &"/z/e/inner".into()),
            Err(Error::InvalidArgument(_))
        ));
    }
}
