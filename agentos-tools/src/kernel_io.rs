//! Every file operation of the tool families and of the registry, sessions and user stores, as
//! one small set of helpers taking `(&Kernel, Pid, path)`. Each helper checks the PID's
//! capability on the normalised path first (blocked unless held), then performs the operation.
//!
//! The kernel on this branch offers only `read_file`, `write_file` and `list_directory` on a
//! `MemFs` whose only directories are `/` and `/tmp`, and no `create_directory`, `delete_file`,
//! `move_file`, `file_stat` or rename. Until it does, this module stores the VFS tree as flat
//! entries `/tmp/vfs~<escaped path>` (a one-byte tag: `F` file, `D` directory, `X` deleted),
//! written by a short-lived trusted kernel process after the caller's own capability check.
//! // After Kernel I lands: each helper becomes one syscall made as `pid` itself
//! // (`Syscall::{ReadFile, WriteFile, CreateDirectory, DeleteFile, RemoveDirectory, MoveFile,
//! // CopyFile, FileStat, ListDirectory}`), `atomic_replace` becomes temp file + fsync + rename,
//! // and the escaping, tags and trusted process below go away. Nothing outside this file changes.

use agentos_kernel::{
    CapabilityKind, CapabilitySet, Error as KernelError, Kernel, Pid, Syscall, SyscallOutput,
    VfsPath,
};

use crate::error::Result;

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The name within its directory.
    pub(crate) name: String,
    /// True for a directory.
    pub(crate) is_dir: bool,
}

/// What `stat` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meta {
    /// True for a directory.
    pub(crate) is_dir: bool,
    /// File size in bytes (0 for directories).
    pub(crate) size: u64,
}

const PREFIX: &str = "vfs~";

enum Node {
    File(Vec<u8>),
    Dir,
}

fn authorize(kernel: &Kernel, pid: Pid, kind: CapabilityKind, path: &VfsPath) -> Result<()> {
    if kernel.capabilities(pid)?.allows(kind, Some(path)) {
        Ok(())
    } else {
        Err(KernelError::PermissionDenied {
            pid,
            capability: kind,
            path: path.to_string(),
        }
        .into())
    }
}

fn flat_name(path: &VfsPath) -> String {
    let mut out = String::with_capacity(path.as_str().len() + 16);
    out.push_str("/tmp/");
    out.push_str(PREFIX);
    for c in path.as_str().chars() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            other => out.push(other),
        }
    }
    out
}

fn unflatten(name: &str) -> Option<VfsPath> {
    let escaped = name.strip_prefix(PREFIX)?;
    Some(VfsPath::new(
        &escaped.replace("%2F", "/").replace("%25", "%"),
    ))
}

/// Runs `op` as a trusted kernel process (see the module docs).
fn trusted<T>(kernel: &Kernel, op: impl FnOnce(Pid) -> agentos_kernel::Result<T>) -> Result<T> {
    let pid = kernel.create_process("kernel-io", CapabilitySet::all());
    let outcome = op(pid);
    let _ = kernel.exit(pid);
    Ok(outcome?)
}

fn node(kernel: &Kernel, path: &VfsPath) -> Result<Option<Node>> {
    if path.is_root() {
        return Ok(Some(Node::Dir));
    }
    let read = trusted(kernel, |io| {
        kernel.syscall(
            io,
            Syscall::ReadFile {
                path: flat_name(path),
            },
        )
    });
    match read {
        Ok(SyscallOutput::Bytes(mut bytes)) => Ok(match bytes.first() {
            Some(b'F') => {
                bytes.remove(0);
                Some(Node::File(bytes))
            }
            Some(b'D') => Some(Node::Dir),
            _ => None,
        }),
        Ok(_) => Ok(None),
        Err(crate::Error::Kernel(KernelError::NotFound(_))) => Ok(None),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
thread_local! {
    /// Test-only fault injection: the number of writes left before a simulated crash.
    static CRASH_AFTER: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
}

fn put(kernel: &Kernel, path: &VfsPath, tag: u8, data: &[u8]) -> Result<()> {
    #[cfg(test)]
    {
        if let Some(left) = CRASH_AFTER.with(std::cell::Cell::get) {
            if left == 0 {
                return Err(crate::Error::Failed {
                    tool: "kernel_io".to_owned(),
                    reason: "injected crash".to_owned(),
                });
            }
            CRASH_AFTER.with(|c| c.set(Some(left - 1)));
        }
    }
    let mut bytes = Vec::with_capacity(data.len() + 1);
    bytes.push(tag);
    bytes.extend_from_slice(data);
    trusted(kernel, |io| {
        kernel.syscall(
            io,
            Syscall::WriteFile {
                path: flat_name(path),
                data: bytes,
            },
        )
    })?;
    Ok(())
}

fn need_parent_dir(kernel: &Kernel, path: &VfsPath) -> Result<()> {
    let parent = path.parent();
    match node(kernel, &parent)? {
        Some(Node::Dir) => Ok(()),
        Some(Node::File(_)) => Err(KernelError::NotADirectory(parent.to_string()).into()),
        None => Err(KernelError::NotFound(parent.to_string()).into()),
    }
}

/// Reads a whole file. Needs `ReadFile`.
pub(crate) fn read(kernel: &Kernel, pid: Pid, path: &str) -> Result<Vec<u8>> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ReadFile, &path)?;
    match node(kernel, &path)? {
        Some(Node::File(bytes)) => Ok(bytes),
        Some(Node::Dir) => Err(KernelError::IsADirectory(path.to_string()).into()),
        None => Err(KernelError::NotFound(path.to_string()).into()),
    }
}

/// Creates or replaces a file; its directory must exist. Needs `WriteFile`.
pub(crate) fn write(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::WriteFile, &path)?;
    write_unchecked(kernel, &path, data)
}

fn write_unchecked(kernel: &Kernel, path: &VfsPath, data: &[u8]) -> Result<()> {
    if path.is_root() {
        return Err(KernelError::IsADirectory(path.to_string()).into());
    }
    need_parent_dir(kernel, path)?;
    if let Some(Node::Dir) = node(kernel, path)? {
        return Err(KernelError::IsADirectory(path.to_string()).into());
    }
    put(kernel, path, b'F', data)
}

/// Appends to a file, creating it when missing. Needs `WriteFile`.
pub(crate) fn append(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::WriteFile, &path)?;
    let mut bytes = match node(kernel, &path)? {
        Some(Node::File(bytes)) => bytes,
        Some(Node::Dir) => return Err(KernelError::IsADirectory(path.to_string()).into()),
        None => Vec::new(),
    };
    bytes.extend_from_slice(data);
    write_unchecked(kernel, &path, &bytes)
}

/// Replaces a file so that a reader sees the old or the new contents, never a mix: write a
/// temporary sibling, then move it over the target. Needs `WriteFile`.
pub(crate) fn atomic_replace(kernel: &Kernel, pid: Pid, path: &str, data: &[u8]) -> Result<()> {
    let target = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::WriteFile, &target)?;
    let temp = target.parent().join(&format!(
        ".{}.tmp~{}",
        target.file_name().unwrap_or("root"),
        uuid::Uuid::new_v4().simple()
    ));
    write_unchecked(kernel, &temp, data)?;
    // After Kernel I lands: fsync(temp) then Syscall::MoveFile (rename) as `pid`. MemFs writes
    // are already all-or-nothing, so copying the verified temp over the target is atomic here.
    let written = match node(kernel, &temp)? {
        Some(Node::File(bytes)) => bytes,
        _ => return Err(KernelError::NotFound(temp.to_string()).into()),
    };
    put(kernel, &target, b'F', &written)?;
    put(kernel, &temp, b'X', &[])
}

/// Lists a directory, sorted by name. Needs `ListDirectory`.
pub(crate) fn list(kernel: &Kernel, pid: Pid, path: &str) -> Result<Vec<Entry>> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ListDirectory, &path)?;
    list_unchecked(kernel, &path)
}

fn list_unchecked(kernel: &Kernel, path: &VfsPath) -> Result<Vec<Entry>> {
    match node(kernel, path)? {
        Some(Node::Dir) => {}
        Some(Node::File(_)) => return Err(KernelError::NotADirectory(path.to_string()).into()),
        None => return Err(KernelError::NotFound(path.to_string()).into()),
    }
    let names = trusted(kernel, |io| {
        kernel.syscall(
            io,
            Syscall::ListDirectory {
                path: "/tmp".to_owned(),
            },
        )
    })?;
    let SyscallOutput::Entries(names) = names else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in names {
        let Some(child) = unflatten(&entry.name) else {
            continue;
        };
        if child.is_root() || child.parent() != *path {
            continue;
        }
        let Some(name) = child.file_name() else {
            continue;
        };
        if name.contains(".tmp~") && name.starts_with('.') {
            continue;
        }
        match node(kernel, &child)? {
            Some(Node::Dir) => out.push(Entry {
                name: name.to_owned(),
                is_dir: true,
            }),
            Some(Node::File(_)) => out.push(Entry {
                name: name.to_owned(),
                is_dir: false,
            }),
            None => {}
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Creates a directory and any missing parents; an existing directory is fine. Needs
/// `CreateFile`.
pub(crate) fn mkdir(kernel: &Kernel, pid: Pid, path: &str) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::CreateFile, &path)?;
    let mut current = VfsPath::root();
    for component in path.components() {
        current = current.join(component);
        match node(kernel, &current)? {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => {
                return Err(KernelError::NotADirectory(current.to_string()).into());
            }
            None => put(kernel, &current, b'D', &[])?,
        }
    }
    Ok(())
}

/// Deletes a file or an empty directory (`recursive`: a directory and everything in it).
/// Needs `DeleteFile`.
pub(crate) fn delete(kernel: &Kernel, pid: Pid, path: &str, recursive: bool) -> Result<()> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::DeleteFile, &path)?;
    if path.is_root() {
        return Err(KernelError::InvalidArgument("cannot delete /".to_owned()).into());
    }
    delete_unchecked(kernel, &path, recursive)
}

fn delete_unchecked(kernel: &Kernel, path: &VfsPath, recursive: bool) -> Result<()> {
    match node(kernel, path)? {
        None => return Err(KernelError::NotFound(path.to_string()).into()),
        Some(Node::File(_)) => {}
        Some(Node::Dir) => {
            let children = list_unchecked(kernel, path)?;
            if !children.is_empty() && !recursive {
                return Err(KernelError::DirectoryNotEmpty(path.to_string()).into());
            }
            for child in children {
                delete_unchecked(kernel, &path.join(&child.name), true)?;
            }
        }
    }
    put(kernel, path, b'X', &[])
}

/// Moves a file or directory. Needs `WriteFile` on both paths and `DeleteFile` on the source.
pub(crate) fn rename(kernel: &Kernel, pid: Pid, from: &str, to: &str) -> Result<()> {
    let (from, to) = (VfsPath::new(from), VfsPath::new(to));
    authorize(kernel, pid, CapabilityKind::WriteFile, &from)?;
    authorize(kernel, pid, CapabilityKind::DeleteFile, &from)?;
    authorize(kernel, pid, CapabilityKind::WriteFile, &to)?;
    if to.starts_with(&from) && to != from {
        return Err(KernelError::InvalidArgument(format!("cannot move {from} into itself")).into());
    }
    if node(kernel, &to)?.is_some() {
        return Err(KernelError::AlreadyExists(to.to_string()).into());
    }
    copy_unchecked(kernel, &from, &to)?;
    delete_unchecked(kernel, &from, true)
}

/// Copies a file or directory tree. Needs `ReadFile` on the source and `WriteFile` on the
/// destination.
pub(crate) fn copy(kernel: &Kernel, pid: Pid, from: &str, to: &str) -> Result<()> {
    let (from, to) = (VfsPath::new(from), VfsPath::new(to));
    authorize(kernel, pid, CapabilityKind::ReadFile, &from)?;
    authorize(kernel, pid, CapabilityKind::WriteFile, &to)?;
    if to.starts_with(&from) && to != from {
        return Err(KernelError::InvalidArgument(format!("cannot copy {from} into itself")).into());
    }
    copy_unchecked(kernel, &from, &to)
}

fn copy_unchecked(kernel: &Kernel, from: &VfsPath, to: &VfsPath) -> Result<()> {
    match node(kernel, from)? {
        None => Err(KernelError::NotFound(from.to_string()).into()),
        Some(Node::File(bytes)) => write_unchecked(kernel, to, &bytes),
        Some(Node::Dir) => {
            need_parent_dir(kernel, to)?;
            put(kernel, to, b'D', &[])?;
            for child in list_unchecked(kernel, from)? {
                copy_unchecked(kernel, &from.join(&child.name), &to.join(&child.name))?;
            }
            Ok(())
        }
    }
}

/// Size and kind of a path. Needs `ReadFile`.
pub(crate) fn stat(kernel: &Kernel, pid: Pid, path: &str) -> Result<Meta> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ReadFile, &path)?;
    match node(kernel, &path)? {
        Some(Node::File(bytes)) => Ok(Meta {
            is_dir: false,
            size: bytes.len() as u64,
        }),
        Some(Node::Dir) => Ok(Meta {
            is_dir: true,
            size: 0,
        }),
        None => Err(KernelError::NotFound(path.to_string()).into()),
    }
}

/// True when something exists at `path`. Needs `ReadFile`.
pub(crate) fn exists(kernel: &Kernel, pid: Pid, path: &str) -> Result<bool> {
    let path = VfsPath::new(path);
    authorize(kernel, pid, CapabilityKind::ReadFile, &path)?;
    Ok(node(kernel, &path)?.is_some())
}

/// An HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// Why an HTTP request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HttpError {
    /// The deadline passed.
    Timeout,
    /// Anything else, with a reason.
    Failed(String),
}

/// Largest response body accepted.
const MAX_RESPONSE: usize = 10 * 1024 * 1024;

/// Performs an HTTP/1.1 request as `pid`, which needs `NetworkAccess`, giving up at
/// `deadline`. Only `http://` URLs are served on this branch.
/// // After Kernel I lands: Syscall::NetworkRequest as `pid`, so the kernel's network rules
/// // (allowed hosts, TLS) apply; this plain-TCP client goes away.
pub(crate) fn http_request(
    kernel: &Kernel,
    pid: Pid,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    deadline: std::time::Instant,
) -> Result<std::result::Result<HttpResponse, HttpError>> {
    use std::io::{Read, Write};
    if !kernel
        .capabilities(pid)?
        .allows(CapabilityKind::NetworkAccess, None)
    {
        return Err(KernelError::PermissionDenied {
            pid,
            capability: CapabilityKind::NetworkAccess,
            path: url.to_owned(),
        }
        .into());
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Ok(Err(HttpError::Failed(if url.starts_with("https://") {
            "https needs the kernel's network syscall, which this build does not have yet"
                .to_owned()
        } else {
            "only http:// URLs are supported".to_owned()
        })));
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_owned()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_owned()),
    };
    let path = path.split('#').next().unwrap_or("/").to_owned();
    if authority.is_empty() || authority.contains('@') || path.contains(char::is_whitespace) {
        return Ok(Err(HttpError::Failed("malformed URL".to_owned())));
    }
    let address = if authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty())
        && !authority.ends_with(']')
    {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let remaining = || deadline.saturating_duration_since(std::time::Instant::now());
    let timeout_or = |err: std::io::Error| {
        if matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) {
            HttpError::Timeout
        } else {
            HttpError::Failed(err.to_string())
        }
    };
    let addrs: Vec<std::net::SocketAddr> = match std::net::ToSocketAddrs::to_socket_addrs(&address)
    {
        Ok(addrs) => addrs.collect(),
        Err(err) => {
            return Ok(Err(HttpError::Failed(format!(
                "cannot resolve {authority}: {err}"
            ))));
        }
    };
    let Some(addr) = addrs.first() else {
        return Ok(Err(HttpError::Failed(format!(
            "no address for {authority}"
        ))));
    };
    if remaining().is_zero() {
        return Ok(Err(HttpError::Timeout));
    }
    let mut stream = match std::net::TcpStream::connect_timeout(addr, remaining()) {
        Ok(stream) => stream,
        Err(err) => return Ok(Err(timeout_or(err))),
    };
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nUser-Agent: agentos-tools\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut response = Vec::new();
    let outcome = (|| -> std::io::Result<()> {
        stream.set_write_timeout(Some(remaining().max(std::time::Duration::from_millis(1))))?;
        stream.write_all(request.as_bytes())?;
        stream.write_all(body)?;
        let mut buf = [0u8; 16 * 1024];
        loop {
            let left = remaining();
            if left.is_zero() {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            stream.set_read_timeout(Some(left))?;
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            response.extend_from_slice(&buf[..n]);
            if response.len() > MAX_RESPONSE + 64 * 1024 {
                return Err(std::io::Error::other("response larger than 10 MB"));
            }
        }
    })();
    if let Err(err) = outcome {
        return Ok(Err(timeout_or(err)));
    }
    Ok(parse_response(&response).map_err(HttpError::Failed))
}

fn parse_response(raw: &[u8]) -> std::result::Result<HttpResponse, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("response has no header end")?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| "response head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            line.split_once(':')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    let rest = &raw[split + 4..];
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut body = Vec::new();
        let mut at = 0;
        loop {
            let line_end = rest[at..]
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or("truncated chunk size")?
                + at;
            let size_text =
                std::str::from_utf8(&rest[at..line_end]).map_err(|_| "bad chunk size")?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("bad chunk size {size_text:?}"))?;
            at = line_end + 2;
            if size == 0 {
                break;
            }
            let end = at
                .checked_add(size)
                .filter(|end| *end <= rest.len())
                .ok_or("truncated chunk")?;
            body.extend_from_slice(&rest[at..end]);
            at = end + 2;
        }
        body
    } else if let Some(length) = header("content-length") {
        let length: usize = length.parse().map_err(|_| "bad content-length")?;
        rest.get(..length)
            .ok_or("body shorter than content-length")?
            .to_vec()
    } else {
        rest.to_vec()
    };
    if body.len() > MAX_RESPONSE {
        return Err("response larger than 10 MB".to_owned());
    }
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use agentos_kernel::Capability;

    use super::*;

    fn setup() -> (Kernel, Pid) {
        let kernel = Kernel::new();
        let pid = kernel.create_process("t", CapabilitySet::all());
        (kernel, pid)
    }

    #[test]
    fn tree_operations_behave_like_a_filesystem() {
        let (k, p) = setup();
        mkdir(&k, p, "/a/b").unwrap();
        write(&k, p, "/a/b/f.txt", b"hi").unwrap();
        append(&k, p, "/a/b/f.txt", b"!").unwrap();
        assert_eq!(read(&k, p, "/a/b/f.txt").unwrap(), b"hi!");
        assert!(matches!(
            write(&k, p, "/nope/x", b""),
            Err(crate::Error::Kernel(KernelError::NotFound(_)))
        ));
        assert_eq!(
            list(&k, p, "/a").unwrap(),
            vec![Entry {
                name: "b".into(),
                is_dir: true
            }]
        );
        assert_eq!(
            stat(&k, p, "/a/b/f.txt").unwrap(),
            Meta {
                is_dir: false,
                size: 3
            }
        );
        copy(&k, p, "/a", "/c").unwrap();
        assert_eq!(read(&k, p, "/c/b/f.txt").unwrap(), b"hi!");
        rename(&k, p, "/c/b/f.txt", "/c/g.txt").unwrap();
        assert!(!exists(&k, p, "/c/b/f.txt").unwrap());
        assert!(matches!(
            delete(&k, p, "/a", false),
            Err(crate::Error::Kernel(KernelError::DirectoryNotEmpty(_)))
        ));
        delete(&k, p, "/a", true).unwrap();
        assert!(!exists(&k, p, "/a/b").unwrap());
        atomic_replace(&k, p, "/c/g.txt", b"new").unwrap();
        assert_eq!(read(&k, p, "/c/g.txt").unwrap(), b"new");
        let names: Vec<String> = list(&k, p, "/c")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(
            names,
            ["b", "g.txt"],
            "no temp file is left behind or listed"
        );
        assert!(rename(&k, p, "/c", "/c/inner").is_err());
    }

    #[test]
    fn atomic_replace_leaves_old_or_new_at_every_crash_point() {
        let (k, p) = setup();
        mkdir(&k, p, "/reg").unwrap();
        let old = b"{\"format\":\"old\"}".to_vec();
        let new = vec![b'n'; 4096];
        let mut crashed_at_some_point = false;
        for crash_after in 0..8 {
            write(&k, p, "/reg/pkg.json", &old).unwrap();
            CRASH_AFTER.with(|c| c.set(Some(crash_after)));
            let outcome = atomic_replace(&k, p, "/reg/pkg.json", &new);
            CRASH_AFTER.with(|c| c.set(None));
            crashed_at_some_point |= outcome.is_err();
            let now = read(&k, p, "/reg/pkg.json").unwrap();
            assert!(
                now == old || now == new,
                "crash after {crash_after} writes left a torn file"
            );
            if outcome.is_ok() {
                assert_eq!(now, new);
            }
            let names: Vec<String> = list(&k, p, "/reg")
                .unwrap()
                .into_iter()
                .map(|e| e.name)
                .collect();
            assert_eq!(names, ["pkg.json"], "a temp file is never listed");
        }
        assert!(crashed_at_some_point);
    }

    #[test]
    fn concurrent_readers_see_old_or_new_never_a_mix() {
        let (k, p) = setup();
        mkdir(&k, p, "/reg").unwrap();
        let a = vec![b'a'; 1000];
        let b = vec![b'b'; 3000];
        write(&k, p, "/reg/f", &a).unwrap();
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                for n in 0..300 {
                    atomic_replace(&k, p, "/reg/f", if n % 2 == 0 { &b } else { &a }).unwrap();
                }
            });
            for _ in 0..300 {
                let seen = read(&k, p, "/reg/f").unwrap();
                assert!(seen == a || seen == b, "torn read of {} bytes", seen.len());
            }
            writer.join().unwrap();
        });
    }

    #[test]
    fn capabilities_are_checked_on_the_normalised_path() {
        let (k, root) = setup();
        mkdir(&k, root, "/data/app").unwrap();
        let pid = k.create_process(
            "app",
            CapabilitySet::new()
                .grant(Capability::WriteFile(Some("/data/app".into())))
                .grant(Capability::ReadFile(Some("/data/app".into()))),
        );
        write(&k, pid, "/data/app/x", b"1").unwrap();
        let err = write(&k, pid, "/data/app/../other", b"1").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("pid {pid}: capability WRITE_FILE not held for /data/other")
        );
        assert!(
            list(&k, pid, "/data/app").is_err(),
            "listing needs LIST_DIRECTORY"
        );
        assert!(
            mkdir(&k, pid, "/data/app/sub").is_err(),
            "mkdir needs CREATE_FILE"
        );
    }
}
