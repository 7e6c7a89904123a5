//! Open files: the [`FileHandle`] a backend returns from `open`, and the [`OpenOptions`] it takes.

use crate::{error::Result, vfs::Metadata};

/// An open file with positional I/O. The kernel's descriptor table keeps the offset, so handles
/// are shared by duplicated descriptors and take the offset on every call.
pub trait FileHandle: Send + Sync {
    /// Reads up to `buf.len()` bytes at `offset`; 0 means end of file.
    ///
    /// # Errors
    /// The backend's I/O errors.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize>;

    /// Writes all of `data` at `offset`, extending the file (with zeros in any gap).
    ///
    /// # Errors
    /// `OutOfSpace`, `ReadOnly`, the backend's I/O errors.
    fn write_at(&self, offset: u64, data: &[u8]) -> Result<usize>;

    /// The file's current metadata.
    ///
    /// # Errors
    /// The backend's I/O errors.
    fn metadata(&self) -> Result<Metadata>;

    /// Sets the file's length.
    ///
    /// # Errors
    /// `OutOfSpace`, `ReadOnly`, the backend's I/O errors.
    fn set_len(&self, len: u64) -> Result<()>;

    /// Flushes the file to durable storage (no-op in memory).
    ///
    /// # Errors
    /// The backend's I/O errors.
    fn sync(&self) -> Result<()>;
}

/// How to open a file, as plain flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenOptions {
    /// Open for reading.
    pub read: bool,
    /// Open for writing.
    pub write: bool,
    /// Every write goes to the end of the file.
    pub append: bool,
    /// Create the file when missing.
    pub create: bool,
    /// Fail with `AlreadyExists` when the file exists (implies `create`).
    pub create_new: bool,
    /// Cut the file to zero bytes on open.
    pub truncate: bool,
}

impl OpenOptions {
    /// Read-only access to an existing file.
    pub fn read_only() -> OpenOptions {
        OpenOptions {
            read: true,
            ..OpenOptions::default()
        }
    }

    /// True when the options can modify the file.
    pub fn writes(&self) -> bool {
        self.write || self.append || self.truncate || self.create || self.create_new
    }
}
