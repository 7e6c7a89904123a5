//! The filesystem family (14 calls): every path is checked, then the call runs on the mount
//! table; there is no host fallback.

use std::time::UNIX_EPOCH;

use crate::{
    access::{Caller, Follow},
    capability::CapabilityKind,
    error::{Error, Result},
    kernel::Kernel,
    metrics::VfsOp,
    path::VfsPath,
    syscall::{Syscall, SyscallOutput},
    vfs::{FileKind, FileSystem},
};

/// Metadata of one path, as `file_stat` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStat {
    /// The last path component (`/` for the root).
    pub name: String,
    /// The absolute VFS path after symlink resolution.
    pub path: String,
    /// Length in bytes.
    pub size: u64,
    /// True for a directory.
    pub is_dir: bool,
    /// File, directory or symlink.
    pub kind: FileKind,
    /// Unix permission bits.
    pub mode: u32,
    /// Last modification, seconds since the Unix epoch.
    pub modified: u64,
    /// The text after the last `.` of the name, if any.
    pub extension: Option<String>,
}

impl Kernel {
    pub(crate) fn exec_fs(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        use CapabilityKind as K;
        let fs = &self.inner.mounts;
        let none = |()| SyscallOutput::None;
        match call {
            Syscall::ReadFile { path } => {
                let path = self.check_path(caller, K::ReadFile, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::Read);
                fs.read(&path).map(SyscallOutput::Bytes)
            }
            Syscall::WriteFile { path, data } => {
                let path = self.check_path(caller, K::WriteFile, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::Write);
                fs.write(&path, &data).map(none)
            }
            Syscall::CreateFile { path } => {
                let path = self.check_path(caller, K::WriteFile, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::Create);
                fs.create(&path).map(none)
            }
            Syscall::DeleteFile { path } => {
                let path = self.check_path(caller, K::DeleteFile, &path, Follow::No)?;
                self.count_vfs(VfsOp::Delete);
                fs.delete(&path).map(none)
            }
            Syscall::ListDirectory { path } => {
                let path = self.check_path(caller, K::ListDirectory, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::ListDir);
                fs.list_dir(&path).map(SyscallOutput::Entries)
            }
            Syscall::FileExists { path } => {
                let path = self.check_path(caller, K::ReadFile, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::Exists);
                Ok(SyscallOutput::Bool(fs.exists(&path)))
            }
            Syscall::FileStat { path } => {
                let path = self.check_path(caller, K::ReadFile, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::Metadata);
                let meta = fs.metadata(&path)?;
                Ok(SyscallOutput::Stat(stat_of(&path, &meta)))
            }
            Syscall::MoveFile {
                source,
                destination,
            } => {
                let source = self.check_path(caller, K::WriteFile, &source, Follow::No)?;
                let destination =
                    self.check_path(caller, K::WriteFile, &destination, Follow::No)?;
                self.count_vfs(VfsOp::Rename);
                fs.rename(&source, &destination).map(none)
            }
            Syscall::CopyFile {
                source,
                destination,
            } => {
                let source = self.check_path(caller, K::ReadFile, &source, Follow::Yes)?;
                let destination =
                    self.check_path(caller, K::WriteFile, &destination, Follow::Yes)?;
                self.count_vfs(VfsOp::Copy);
                fs.copy(&source, &destination).map(none)
            }
            Syscall::CreateDirectory { path } => {
                let path = self.check_path(caller, K::CreateFile, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::CreateDir);
                fs.create_dir(&path).map(none)
            }
            Syscall::RemoveDirectory { path } => {
                let path = self.check_path(caller, K::DeleteFile, &path, Follow::No)?;
                self.count_vfs(VfsOp::RemoveDir);
                fs.remove_dir(&path).map(none)
            }
            Syscall::GetWorkingDirectory => {
                self.require(caller, K::SystemInfo)?;
                let cwd = caller.entry.state.lock().cwd.to_string();
                Ok(SyscallOutput::Text(cwd))
            }
            Syscall::SetWorkingDirectory { path } => {
                self.require(caller, K::SystemInfo)?;
                let path = self.check_path(caller, K::ListDirectory, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::Metadata);
                if !fs.metadata(&path)?.is_dir() {
                    return Err(Error::NotADirectory(path.to_string()));
                }
                caller.entry.state.lock().cwd = path;
                Ok(SyscallOutput::None)
            }
            Syscall::TruncateFile { path, size } => {
                let path = self.check_path(caller, K::WriteFile, &path, Follow::Yes)?;
                self.count_vfs(VfsOp::Truncate);
                fs.truncate(&path, size).map(none)
            }
            other => Err(Error::InvalidArgument(format!(
                "{} is not a filesystem call",
                other.name()
            ))),
        }
    }
}

fn stat_of(path: &VfsPath, meta: &crate::vfs::Metadata) -> FileStat {
    let name = path.file_name().unwrap_or("/").to_owned();
    let extension = name
        .rsplit_once('.')
        .filter(|(stem, ext)| !stem.is_empty() && !ext.is_empty())
        .map(|(_, ext)| ext.to_owned());
    FileStat {
        name,
        path: path.to_string(),
        size: meta.size,
        is_dir: meta.is_dir(),
        kind: meta.kind,
        mode: meta.mode,
        modified: meta
            .modified
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0),
        extension,
    }
}
