//! `filesystem.*`: list, stat, read, write, append, create, mkdir, delete, move, copy, exists,
//! tree, find, search_content — all made as the calling app's PID through the kernel, so its
//! capabilities (and their path scopes) apply. Relative paths are taken from the app's data
//! directory. Walks stop at the call's deadline.

use std::time::Duration;

use agentos_kernel::{CapabilityKind, VfsPath};
use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::{Error, Result},
    kernel_io,
    registry::Registry,
    tool::{ToolCx, ToolSpec, invalid, opt_str, req_str},
};

/// Largest file `filesystem.read` returns.
const MAX_READ: usize = 10 * 1024 * 1024;
/// Most entries a walk (tree, find, search_content) visits.
const MAX_WALK: usize = 10_000;

pub(crate) fn register(registry: &mut Registry) {
    use CapabilityKind::{CreateFile, DeleteFile, ListDirectory, ReadFile, WriteFile};
    let path = json!({"type": "string", "maxLength": 4096});
    let two = json!({"from": path, "to": path, "source": path, "destination": path});
    let content = json!({"path": path, "content": {"type": "string"}, "data": {"type": "string"}});
    let specs: Vec<(&str, &str, Value, Vec<CapabilityKind>, crate::tool::ToolFn)> = vec![
        (
            "filesystem.list",
            "Entries of directory `path` (default: the app's data directory).",
            object(json!({"path": path}), &[]),
            vec![ListDirectory],
            list,
        ),
        (
            "filesystem.stat",
            "Name, path, size, kind and extension of `path`.",
            object(json!({"path": path}), &["path"]),
            vec![ReadFile],
            stat,
        ),
        (
            "filesystem.read",
            "The text of file `path` (at most 10 MB).",
            object(json!({"path": path}), &["path"]),
            vec![ReadFile],
            read,
        ),
        (
            "filesystem.write",
            "Replaces file `path` with `content`.",
            object(content.clone(), &["path"]),
            vec![WriteFile],
            write,
        ),
        (
            "filesystem.append",
            "Appends `content` to file `path`.",
            object(content.clone(), &["path"]),
            vec![WriteFile],
            append,
        ),
        (
            "filesystem.create",
            "Creates file `path` (fails if it exists) with optional `content`.",
            object(content, &["path"]),
            vec![WriteFile, ReadFile],
            create,
        ),
        (
            "filesystem.mkdir",
            "Creates directory `path` and its parents.",
            object(json!({"path": path}), &["path"]),
            vec![CreateFile],
            mkdir,
        ),
        (
            "filesystem.delete",
            "Deletes file or empty directory `path` (`recursive` for a tree).",
            object(
                json!({"path": path, "recursive": {"type": "boolean"}}),
                &["path"],
            ),
            vec![DeleteFile],
            delete,
        ),
        (
            "filesystem.move",
            "Moves `from` to `to`.",
            object(two.clone(), &[]),
            vec![WriteFile, DeleteFile],
            move_,
        ),
        (
            "filesystem.copy",
            "Copies `from` to `to`.",
            object(two, &[]),
            vec![ReadFile, WriteFile],
            copy,
        ),
        (
            "filesystem.exists",
            "Whether `path` exists.",
            object(json!({"path": path}), &["path"]),
            vec![ReadFile],
            exists,
        ),
        (
            "filesystem.tree",
            "The tree under `path`, `depth` levels deep (default 8, at most 16).",
            object(
                json!({"path": path, "depth": {"type": "integer", "minimum": 0, "maximum": 16}}),
                &[],
            ),
            vec![ListDirectory],
            tree,
        ),
        (
            "filesystem.find",
            "Paths under `path` whose name matches glob `pattern` (`*`, `?`).",
            object(
                json!({"path": path, "pattern": {"type": "string", "minLength": 1, "maxLength": 256}}),
                &["pattern"],
            ),
            vec![ListDirectory],
            find,
        ),
        (
            "filesystem.search_content",
            "Lines containing `query` in the files under `path`.",
            object(
                json!({"path": path, "query": {"type": "string", "minLength": 1, "maxLength": 1024}, "case_sensitive": {"type": "boolean"}, "limit": {"type": "integer", "minimum": 1, "maximum": 10000}}),
                &["query"],
            ),
            vec![ListDirectory, ReadFile],
            search_content,
        ),
    ];
    for (name, description, params, capabilities, run) in specs {
        let mut spec = ToolSpec::new(name, description, params);
        spec.capabilities = capabilities;
        spec.timeout = Some(Duration::from_secs(5));
        add(registry, spec, run);
    }
}

/// The absolute, normalised path of `raw`: relative paths start at the app's data directory.
fn resolve(cx: &ToolCx<'_>, raw: &str) -> Result<String> {
    if raw.contains('\0') {
        return Err(invalid("filesystem", "path", "contains a NUL byte"));
    }
    if raw.starts_with('/') {
        return Ok(VfsPath::new(raw).to_string());
    }
    let base = match cx.runtime {
        Some(_) => super::data_dir(cx, "filesystem")?,
        None => "/".to_owned(),
    };
    Ok(VfsPath::new(&base).join(raw).to_string())
}

fn path_arg(cx: &ToolCx<'_>, tool: &str, args: &Map<String, Value>) -> Result<String> {
    resolve(cx, req_str(tool, args, "path")?)
}

fn text_arg(args: &Map<String, Value>) -> &str {
    opt_str(args, "content")
        .or_else(|| opt_str(args, "data"))
        .unwrap_or("")
}

fn info(path: &str, meta: kernel_io::Meta) -> Value {
    let name = VfsPath::new(path).file_name().unwrap_or("/").to_owned();
    let extension = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !meta.is_dir => Value::String(ext.to_owned()),
        _ => Value::Null,
    };
    json!({"name": name, "path": path, "size": meta.size, "is_dir": meta.is_dir, "type": if meta.is_dir { "directory" } else { "file" }, "extension": extension})
}

fn list(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = match opt_str(args, "path") {
        Some(raw) => resolve(cx, raw)?,
        None => resolve(cx, ".")?,
    };
    let files: Vec<Value> = kernel_io::list(cx.kernel, cx.pid, &path)?
        .into_iter()
        .map(|entry| json!({"name": entry.name, "is_dir": entry.is_dir, "type": if entry.is_dir { "directory" } else { "file" }}))
        .collect();
    Ok(json!({"path": path, "count": files.len(), "files": files}))
}

fn stat(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.stat", args)?;
    let meta = kernel_io::stat(cx.kernel, cx.pid, &path)?;
    Ok(info(&path, meta))
}

fn read(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.read", args)?;
    let bytes = kernel_io::read(cx.kernel, cx.pid, &path)?;
    if bytes.len() > MAX_READ {
        return Err(Error::Failed {
            tool: "filesystem.read".to_owned(),
            reason: format!("{path} is {} bytes, over the 10 MB limit", bytes.len()),
        });
    }
    let content = String::from_utf8(bytes).map_err(|_| Error::Failed {
        tool: "filesystem.read".to_owned(),
        reason: format!("{path} is not UTF-8 text"),
    })?;
    Ok(json!({"path": path, "size": content.len(), "content": content}))
}

fn write(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.write", args)?;
    let content = text_arg(args);
    kernel_io::write(cx.kernel, cx.pid, &path, content.as_bytes())?;
    Ok(json!({"path": path, "written": content.len()}))
}

fn append(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.append", args)?;
    let content = text_arg(args);
    kernel_io::append(cx.kernel, cx.pid, &path, content.as_bytes())?;
    Ok(json!({"path": path, "appended": content.len()}))
}

fn create(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.create", args)?;
    if kernel_io::exists(cx.kernel, cx.pid, &path)? {
        return Err(agentos_kernel::Error::AlreadyExists(path).into());
    }
    kernel_io::write(cx.kernel, cx.pid, &path, text_arg(args).as_bytes())?;
    Ok(json!({"path": path, "created": true}))
}

fn mkdir(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.mkdir", args)?;
    kernel_io::mkdir(cx.kernel, cx.pid, &path)?;
    Ok(json!({"path": path, "created": true}))
}

fn delete(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.delete", args)?;
    let recursive = args
        .get("recursive")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    kernel_io::delete(cx.kernel, cx.pid, &path, recursive)?;
    Ok(json!({"path": path, "deleted": true}))
}

fn endpoints(cx: &ToolCx<'_>, tool: &str, args: &Map<String, Value>) -> Result<(String, String)> {
    let from = opt_str(args, "from")
        .or_else(|| opt_str(args, "source"))
        .ok_or_else(|| invalid(tool, "from", "is required"))?;
    let to = opt_str(args, "to")
        .or_else(|| opt_str(args, "destination"))
        .ok_or_else(|| invalid(tool, "to", "is required"))?;
    Ok((resolve(cx, from)?, resolve(cx, to)?))
}

fn move_(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let (from, to) = endpoints(cx, "filesystem.move", args)?;
    kernel_io::rename(cx.kernel, cx.pid, &from, &to)?;
    Ok(json!({"from": from, "to": to, "moved": true}))
}

fn copy(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let (from, to) = endpoints(cx, "filesystem.copy", args)?;
    kernel_io::copy(cx.kernel, cx.pid, &from, &to)?;
    Ok(json!({"from": from, "to": to, "copied": true}))
}

fn exists(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = path_arg(cx, "filesystem.exists", args)?;
    Ok(json!({"path": path, "exists": kernel_io::exists(cx.kernel, cx.pid, &path)?}))
}

fn root(cx: &ToolCx<'_>, args: &Map<String, Value>) -> Result<String> {
    resolve(cx, opt_str(args, "path").unwrap_or("."))
}

/// Visits every entry under `dir` (depth first, sorted), up to `depth` levels and
/// [`MAX_WALK`] entries, checking the deadline; `visit(path, is_dir)`.
fn walk(
    cx: &ToolCx<'_>,
    tool: &str,
    dir: &str,
    depth: usize,
    seen: &mut usize,
    visit: &mut dyn FnMut(&str, bool) -> Result<()>,
) -> Result<()> {
    for entry in kernel_io::list(cx.kernel, cx.pid, dir)? {
        cx.check_deadline(tool)?;
        *seen += 1;
        if *seen > MAX_WALK {
            return Err(Error::Failed {
                tool: tool.to_owned(),
                reason: format!("more than {MAX_WALK} entries under {dir}"),
            });
        }
        let path = VfsPath::new(dir).join(&entry.name).to_string();
        visit(&path, entry.is_dir)?;
        if entry.is_dir && depth > 1 {
            walk(cx, tool, &path, depth - 1, seen, visit)?;
        }
    }
    Ok(())
}

fn tree_node(cx: &ToolCx<'_>, path: &str, depth: usize, seen: &mut usize) -> Result<Value> {
    let mut children = Vec::new();
    for entry in kernel_io::list(cx.kernel, cx.pid, path)? {
        cx.check_deadline("filesystem.tree")?;
        *seen += 1;
        if *seen > MAX_WALK {
            return Err(Error::Failed {
                tool: "filesystem.tree".to_owned(),
                reason: format!("more than {MAX_WALK} entries"),
            });
        }
        let child = VfsPath::new(path).join(&entry.name).to_string();
        if entry.is_dir && depth > 1 {
            children.push(tree_node(cx, &child, depth - 1, seen)?);
        } else {
            children.push(json!({"name": entry.name, "path": child, "is_dir": entry.is_dir}));
        }
    }
    let name = VfsPath::new(path).file_name().unwrap_or("/").to_owned();
    Ok(json!({"name": name, "path": path, "is_dir": true, "children": children}))
}

fn tree(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = root(cx, args)?;
    let depth = args.get("depth").and_then(Value::as_u64).unwrap_or(8) as usize;
    if depth == 0 {
        return Ok(
            json!({"name": VfsPath::new(&path).file_name().unwrap_or("/"), "path": path, "is_dir": true, "children": []}),
        );
    }
    tree_node(cx, &path, depth, &mut 0)
}

/// `*` any run of characters, `?` one character; everything else literal. Linear-space
/// dynamic programming, so no pattern can make it backtrack exponentially.
pub(crate) fn glob(pattern: &[char], name: &[char]) -> bool {
    // matches[j]: pattern[..i] matches name[..j].
    let mut matches = vec![false; name.len() + 1];
    matches[0] = true;
    for p in pattern {
        let mut next = vec![false; name.len() + 1];
        if *p == '*' {
            let mut any = false;
            for j in 0..=name.len() {
                any |= matches[j];
                next[j] = any;
            }
        } else {
            for j in 1..=name.len() {
                next[j] = matches[j - 1] && (*p == '?' || *p == name[j - 1]);
            }
        }
        matches = next;
    }
    matches[name.len()]
}

fn find(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let dir = root(cx, args)?;
    let pattern: Vec<char> = req_str("filesystem.find", args, "pattern")?
        .chars()
        .collect();
    let mut matches = Vec::new();
    walk(cx, "filesystem.find", &dir, 16, &mut 0, &mut |path, _| {
        let name: Vec<char> = VfsPath::new(path)
            .file_name()
            .unwrap_or_default()
            .chars()
            .collect();
        if glob(&pattern, &name) {
            matches.push(Value::String(path.to_owned()));
        }
        Ok(())
    })?;
    Ok(json!({"path": dir, "count": matches.len(), "matches": matches}))
}

fn search_content(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let dir = root(cx, args)?;
    let query = req_str("filesystem.search_content", args, "query")?;
    let sensitive = args
        .get("case_sensitive")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let limit = args.get("limit").and_then(Value::as_u64).unwrap_or(1000) as usize;
    let needle = if sensitive {
        query.to_owned()
    } else {
        query.to_lowercase()
    };
    let mut files = Vec::new();
    walk(
        cx,
        "filesystem.search_content",
        &dir,
        16,
        &mut 0,
        &mut |path, is_dir| {
            if !is_dir {
                files.push(path.to_owned());
            }
            Ok(())
        },
    )?;
    let mut matches = Vec::new();
    'files: for path in files {
        cx.check_deadline("filesystem.search_content")?;
        let Ok(text) = String::from_utf8(kernel_io::read(cx.kernel, cx.pid, &path)?) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let hay = if sensitive {
                line.to_owned()
            } else {
                line.to_lowercase()
            };
            if hay.contains(&needle) {
                matches.push(json!({"path": path, "line": index + 1, "text": line}));
                if matches.len() >= limit {
                    break 'files;
                }
            }
        }
    }
    Ok(json!({"path": dir, "count": matches.len(), "matches": matches}))
}
