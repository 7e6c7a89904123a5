//! Normalised absolute paths inside the virtual filesystem.

use std::fmt;

/// An absolute, normalised VFS path: it starts with `/`, has no `.`, `..`, empty or trailing
/// components, so two spellings of one location compare equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VfsPath(String);

impl VfsPath {
    /// The root directory, `/`.
    pub fn root() -> VfsPath {
        VfsPath("/".to_owned())
    }

    /// Normalises `raw`: relative paths are taken from `/`, `.` and empty components vanish and
    /// `..` removes the previous component (it never climbs above `/`).
    pub fn new(raw: &str) -> VfsPath {
        if is_normalised(raw) {
            return VfsPath(raw.to_owned());
        }
        let mut parts: Vec<&str> = Vec::new();
        for part in raw.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        let mut out = String::with_capacity(raw.len() + 1);
        for part in &parts {
            out.push('/');
            out.push_str(part);
        }
        if out.is_empty() {
            out.push('/');
        }
        VfsPath(out)
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for `/`.
    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }

    /// The components after the root, in order.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|part| !part.is_empty())
    }

    /// True when `self` is `prefix` or lies beneath it (component-wise, so `/tmpx` is not under `/tmp`).
    pub fn starts_with(&self, prefix: &VfsPath) -> bool {
        if prefix.is_root() {
            return true;
        }
        match self.0.strip_prefix(prefix.as_str()) {
            Some(rest) => rest.is_empty() || rest.starts_with('/'),
            None => false,
        }
    }

    /// The parent directory; the root is its own parent.
    pub fn parent(&self) -> VfsPath {
        match self.0.rfind('/') {
            Some(0) | None => VfsPath::root(),
            Some(index) => VfsPath(self.0[..index].to_owned()),
        }
    }

    /// The last component, or `None` for the root.
    pub fn file_name(&self) -> Option<&str> {
        self.components().last()
    }

    /// `self` with `name` appended and the result normalised.
    pub fn join(&self, name: &str) -> VfsPath {
        if is_component(name) {
            let mut joined = String::with_capacity(self.0.len() + 1 + name.len());
            joined.push_str(&self.0);
            if !self.is_root() {
                joined.push('/');
            }
            joined.push_str(name);
            return VfsPath(joined);
        }
        VfsPath::new(&format!("{}/{}", self.0, name))
    }

    /// The part of `self` below `prefix` as a path of its own (`/a/b` below `/a` is `/b`), or
    /// `None` when `self` is not under `prefix`.
    pub fn strip_prefix(&self, prefix: &VfsPath) -> Option<VfsPath> {
        if !self.starts_with(prefix) {
            return None;
        }
        if prefix.is_root() {
            return Some(self.clone());
        }
        let rest = &self.0[prefix.0.len()..];
        Some(if rest.is_empty() {
            VfsPath::root()
        } else {
            VfsPath(rest.to_owned())
        })
    }
}

/// True for one plain path component: not empty, `.` or `..`, and without `/`.
fn is_component(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains('/')
}

/// True when `raw` is already in normal form, so normalising would not change it.
fn is_normalised(raw: &str) -> bool {
    if raw == "/" {
        return true;
    }
    match raw.strip_prefix('/') {
        Some(rest) => rest.split('/').all(is_component),
        None => false,
    }
}

impl fmt::Display for VfsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for VfsPath {
    fn from(raw: &str) -> VfsPath {
        VfsPath::new(raw)
    }
}

impl From<String> for VfsPath {
    fn from(raw: String) -> VfsPath {
        VfsPath::new(&raw)
    }
}

#[cfg(test)]
mod tests {
    use super::VfsPath;
    use proptest::prelude::*;

    #[test]
    fn normalises_dots_and_slashes() {
        assert_eq!(VfsPath::new("//tmp/./a/../b/").as_str(), "/tmp/b");
        assert_eq!(VfsPath::new("../../etc").as_str(), "/etc");
        assert_eq!(VfsPath::new("").as_str(), "/");
        assert_eq!(VfsPath::new("a/b").as_str(), "/a/b");
    }

    #[test]
    fn prefix_is_component_wise() {
        let tmp = VfsPath::new("/tmp");
        assert!(VfsPath::new("/tmp").starts_with(&tmp));
        assert!(VfsPath::new("/tmp/x").starts_with(&tmp));
        assert!(!VfsPath::new("/tmpx").starts_with(&tmp));
        assert!(VfsPath::new("/anything").starts_with(&VfsPath::root()));
    }

    #[test]
    fn parent_and_name() {
        assert_eq!(VfsPath::new("/a/b").parent().as_str(), "/a");
        assert_eq!(VfsPath::new("/a").parent().as_str(), "/");
        assert_eq!(VfsPath::root().parent().as_str(), "/");
        assert_eq!(VfsPath::new("/a/b").file_name(), Some("b"));
        assert_eq!(VfsPath::root().file_name(), None);
    }

    proptest! {
        #[test]
        fn normalised_paths_never_escape_a_scope(parts in proptest::collection::vec("(\\.\\.|\\.|[a-c]{1,2}|)", 0..12)) {
            let raw = format!("/scope/{}", parts.join("/"));
            let path = VfsPath::new(&raw);
            // A normalised path is a fixed point and contains no dot components.
            prop_assert_eq!(VfsPath::new(path.as_str()), path.clone());
            prop_assert!(path.components().all(|c| c != "." && c != ".." && !c.is_empty()));
            prop_assert!(super::is_normalised(path.as_str()));
            // Joining a component gives what normalising the concatenation gives.
            prop_assert_eq!(path.join("x"), VfsPath::new(&format!("{}/x", path.as_str())));
            if let Some(rest) = path.strip_prefix(&VfsPath::new("/scope")) {
                prop_assert_eq!(VfsPath::new(&format!("/scope{}", rest.as_str())), path.clone());
            }
        }
    }
}
