//! `storage.*`: a per-app key-value store. Each key is one JSON file
//! `<data dir>/storage/<key>.json`, read and written as the app's PID through the kernel, and
//! replaced atomically.

use std::time::Duration;

use agentos_kernel::CapabilityKind;
use serde_json::{Map, Value, json};

use super::{add, check_key, data_dir, object};
use crate::{
    error::{Error, Result},
    kernel_io,
    registry::Registry,
    tool::{ToolCx, ToolSpec, req_str},
};

/// Largest value `storage.get` reads back.
const MAX_VALUE_BYTES: usize = 10 * 1024 * 1024;

pub(crate) fn register(registry: &mut Registry) {
    let key = json!({"type": "string"});
    let specs: [(&str, &str, Value, Vec<CapabilityKind>, crate::tool::ToolFn); 5] = [
        (
            "storage.set",
            "Stores JSON `value` under `key`.",
            object(json!({"key": key, "value": {}}), &["key"]),
            vec![CapabilityKind::WriteFile],
            set,
        ),
        (
            "storage.get",
            "The value under `key` (null when missing).",
            object(json!({"key": key}), &["key"]),
            vec![CapabilityKind::ReadFile],
            get,
        ),
        (
            "storage.remove",
            "Deletes `key`.",
            object(json!({"key": key}), &["key"]),
            vec![CapabilityKind::DeleteFile],
            remove,
        ),
        (
            "storage.list",
            "Every key, sorted.",
            json!({"type": "object"}),
            vec![CapabilityKind::ListDirectory],
            list,
        ),
        (
            "storage.clear",
            "Deletes every key.",
            json!({"type": "object"}),
            vec![CapabilityKind::ListDirectory, CapabilityKind::DeleteFile],
            clear,
        ),
    ];
    for (name, description, params, capabilities, run) in specs {
        let mut spec = ToolSpec::new(name, description, params);
        spec.capabilities = capabilities;
        spec.timeout = Some(Duration::from_secs(2));
        add(registry, spec, run);
    }
}

/// `<data dir>/storage`, created on first use.
fn dir(cx: &ToolCx<'_>, tool: &str) -> Result<String> {
    let dir = format!("{}/storage", data_dir(cx, tool)?);
    if !kernel_io::exists(cx.kernel, cx.pid, &dir)? {
        kernel_io::mkdir(cx.kernel, cx.pid, &dir)?;
    }
    Ok(dir)
}

fn key_path(cx: &ToolCx<'_>, tool: &str, args: &Map<String, Value>) -> Result<String> {
    let key = req_str(tool, args, "key")?;
    check_key(tool, "key", key)?;
    Ok(format!("{}/{key}.json", dir(cx, tool)?))
}

fn set(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = key_path(cx, "storage.set", args)?;
    let value = args.get("value").cloned().unwrap_or(Value::Null);
    let bytes = serde_json::to_vec(&value)
        .map_err(|err| crate::tool::invalid("storage.set", "value", err.to_string()))?;
    cx.check_deadline("storage.set")?;
    kernel_io::atomic_replace(cx.kernel, cx.pid, &path, &bytes)?;
    Ok(json!({"stored": true, "key": args.get("key")}))
}

fn get(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = key_path(cx, "storage.get", args)?;
    let bytes = match kernel_io::read(cx.kernel, cx.pid, &path) {
        Ok(bytes) => bytes,
        Err(Error::Kernel(agentos_kernel::Error::NotFound(_))) => {
            return Ok(json!({"value": null}));
        }
        Err(err) => return Err(err),
    };
    if bytes.len() > MAX_VALUE_BYTES {
        return Err(Error::Failed {
            tool: "storage.get".to_owned(),
            reason: format!("value of {} bytes exceeds the 10 MB limit", bytes.len()),
        });
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|err| Error::Corrupt {
        path,
        reason: err.to_string(),
    })?;
    Ok(json!({"value": value}))
}

fn remove(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let path = key_path(cx, "storage.remove", args)?;
    match kernel_io::delete(cx.kernel, cx.pid, &path, false) {
        Ok(()) => Ok(json!({"deleted": true})),
        Err(Error::Kernel(agentos_kernel::Error::NotFound(_))) => Ok(json!({"deleted": false})),
        Err(err) => Err(err),
    }
}

fn keys(cx: &ToolCx<'_>, tool: &str) -> Result<(String, Vec<String>)> {
    let dir = dir(cx, tool)?;
    let keys = kernel_io::list(cx.kernel, cx.pid, &dir)?
        .into_iter()
        .filter(|entry| !entry.is_dir)
        .filter_map(|entry| entry.name.strip_suffix(".json").map(str::to_owned))
        .collect();
    Ok((dir, keys))
}

fn list(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let (_, keys) = keys(cx, "storage.list")?;
    Ok(json!({"keys": keys}))
}

fn clear(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let (dir, keys) = keys(cx, "storage.clear")?;
    for key in &keys {
        cx.check_deadline("storage.clear")?;
        kernel_io::delete(cx.kernel, cx.pid, &format!("{dir}/{key}.json"), false)?;
    }
    Ok(json!({"cleared": true, "count": keys.len()}))
}
