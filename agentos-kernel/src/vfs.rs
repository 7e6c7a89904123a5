//! The virtual filesystem: the [`FileSystem`] trait and the in-memory [`MemFs`] backend.

use std::collections::BTreeMap;

use parking_lot::RwLock;

use crate::{
    error::{Error, Result},
    path::VfsPath,
};

/// A filesystem the kernel can mount. Paths are relative to the mount point and normalised.
pub trait FileSystem: Send + Sync {
    /// Reads a whole file.
    ///
    /// # Errors
    /// `NotFound` when the file is missing, `IsADirectory` for a directory.
    fn read(&self, path: &VfsPath) -> Result<Vec<u8>>;

    /// Creates or replaces a file with `data`; the parent directory must exist.
    ///
    /// # Errors
    /// `NotFound` when the parent is missing, `OutOfSpace` past the capacity.
    fn write(&self, path: &VfsPath, data: &[u8]) -> Result<()>;

    /// Creates a directory and any missing parents.
    ///
    /// # Errors
    /// `NotADirectory` when a component is a file.
    fn create_dir(&self, path: &VfsPath) -> Result<()>;

    /// Lists a directory's entries as `(name, is_dir)`, sorted by name.
    ///
    /// # Errors
    /// `NotFound` when missing, `NotADirectory` for a file.
    fn list_dir(&self, path: &VfsPath) -> Result<Vec<(String, bool)>>;

    /// True when something exists at `path`.
    fn exists(&self, path: &VfsPath) -> bool;
}

#[derive(Debug, Clone)]
enum Node {
    File(Vec<u8>),
    Dir,
}

/// An in-memory filesystem with a byte capacity; writes past it fail with `OutOfSpace`.
#[derive(Debug)]
pub struct MemFs {
    capacity: u64,
    state: RwLock<MemState>,
}

#[derive(Debug)]
struct MemState {
    nodes: BTreeMap<VfsPath, Node>,
    used: u64,
}

impl MemFs {
    /// An empty filesystem holding at most `capacity` bytes of file data.
    pub fn with_capacity(capacity: u64) -> MemFs {
        let mut nodes = BTreeMap::new();
        nodes.insert(VfsPath::root(), Node::Dir);
        MemFs {
            capacity,
            state: RwLock::new(MemState { nodes, used: 0 }),
        }
    }

    /// Bytes of file data currently stored.
    pub fn used(&self) -> u64 {
        self.state.read().used
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &VfsPath) -> Result<Vec<u8>> {
        match self.state.read().nodes.get(path) {
            Some(Node::File(data)) => Ok(data.clone()),
            Some(Node::Dir) => Err(Error::IsADirectory(path.to_string())),
            None => Err(Error::NotFound(path.to_string())),
        }
    }

    fn write(&self, path: &VfsPath, data: &[u8]) -> Result<()> {
        let mut state = self.state.write();
        match state.nodes.get(&path.parent()) {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => return Err(Error::NotADirectory(path.parent().to_string())),
            None => return Err(Error::NotFound(path.parent().to_string())),
        }
        let old_len = match state.nodes.get(path) {
            Some(Node::Dir) => return Err(Error::IsADirectory(path.to_string())),
            Some(Node::File(old)) => old.len() as u64,
            None => 0,
        };
        let new_used = state.used - old_len + data.len() as u64;
        if new_used > self.capacity {
            return Err(Error::OutOfSpace {
                path: path.to_string(),
                needed: data.len() as u64,
                available: self.capacity - (state.used - old_len),
            });
        }
        state.used = new_used;
        state.nodes.insert(path.clone(), Node::File(data.to_vec()));
        Ok(())
    }

    fn create_dir(&self, path: &VfsPath) -> Result<()> {
        let mut state = self.state.write();
        let mut current = VfsPath::root();
        for component in path.components() {
            current = current.join(component);
            match state.nodes.get(&current) {
                Some(Node::Dir) => {}
                Some(Node::File(_)) => return Err(Error::NotADirectory(current.to_string())),
                None => {
                    state.nodes.insert(current.clone(), Node::Dir);
                }
            }
        }
        Ok(())
    }

    fn list_dir(&self, path: &VfsPath) -> Result<Vec<(String, bool)>> {
        let state = self.state.read();
        match state.nodes.get(path) {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => return Err(Error::NotADirectory(path.to_string())),
            None => return Err(Error::NotFound(path.to_string())),
        }
        let entries = state
            .nodes
            .range(path.clone()..)
            .skip(1)
            .take_while(|(child, _)| child.starts_with(path))
            .filter(|(child, _)| child.parent() == *path)
            .filter_map(|(child, node)| {
                let name = child.file_name()?.to_owned();
                Some((name, matches!(node, Node::Dir)))
            })
            .collect();
        Ok(entries)
    }

    fn exists(&self, path: &VfsPath) -> bool {
        self.state.read().nodes.contains_key(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_read_list() {
        let fs = MemFs::with_capacity(1024);
        fs.create_dir(&"/tmp/sub".into()).unwrap();
        fs.write(&"/tmp/a.txt".into(), b"hello").unwrap();
        assert_eq!(fs.read(&"/tmp/a.txt".into()).unwrap(), b"hello");
        assert_eq!(
            fs.list_dir(&"/tmp".into()).unwrap(),
            vec![("a.txt".to_owned(), false), ("sub".to_owned(), true)]
        );
        assert_eq!(fs.used(), 5);
    }

    #[test]
    fn capacity_is_enforced_and_replacing_frees_space() {
        let fs = MemFs::with_capacity(8);
        fs.write(&"/a".into(), b"12345678").unwrap();
        let err = fs.write(&"/b".into(), b"x").unwrap_err();
        assert!(matches!(
            err,
            Error::OutOfSpace {
                needed: 1,
                available: 0,
                ..
            }
        ));
        fs.write(&"/a".into(), b"1234").unwrap();
        fs.write(&"/b".into(), b"5678").unwrap();
        assert_eq!(fs.used(), 8);
    }

    #[test]
    fn write_needs_parent_and_rejects_dirs() {
        let fs = MemFs::with_capacity(64);
        assert_eq!(
            fs.write(&"/missing/a".into(), b"x"),
            Err(Error::NotFound("/missing".into()))
        );
        fs.create_dir(&"/d".into()).unwrap();
        assert_eq!(
            fs.write(&"/d".into(), b"x"),
            Err(Error::IsADirectory("/d".into()))
        );
        assert_eq!(
            fs.read(&"/nope".into()),
            Err(Error::NotFound("/nope".into()))
        );
    }
}
