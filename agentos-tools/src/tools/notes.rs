//! `notes.*` (create, save, load, delete, list) for the prebuilt Notes app. Each note is
//! `<data dir>/notes/<id>.json` `{format, id, title, content, created_at, updated_at}`, written
//! atomically as the app's PID. The open note's fields live in the state keys `note-title` and
//! `note-content`, its id in `current_note`, and the list in `notes`.

use std::time::Duration;

use agentos_kernel::CapabilityKind;
use serde_json::{Map, Value, json};

use super::{add, check_key, data_dir, object};
use crate::{
    error::{Error, Result},
    kernel_io,
    registry::Registry,
    services::now_ms,
    tool::{ToolCx, ToolSpec, invalid, opt_str},
};

const FORMAT: &str = "agentos.note/1";

pub(crate) fn register(registry: &mut Registry) {
    use CapabilityKind::{DeleteFile, ListDirectory, ReadFile, WriteFile};
    let note = json!({"id": {"type": "string"}, "title": {"type": "string", "maxLength": 512}, "content": {"type": "string"}});
    let specs: [(&str, &str, Value, Vec<CapabilityKind>, crate::tool::ToolFn); 5] = [
        (
            "notes.create",
            "Creates a note (title, content) and opens it.",
            object(note.clone(), &[]),
            vec![WriteFile, ListDirectory, ReadFile],
            create,
        ),
        (
            "notes.save",
            "Saves the open note (or `id`) from `title`/`content` or the editor's state.",
            object(note.clone(), &[]),
            vec![WriteFile, ReadFile, ListDirectory],
            save,
        ),
        (
            "notes.load",
            "Opens note `id` into the editor's state.",
            object(note.clone(), &["id"]),
            vec![ReadFile],
            load,
        ),
        (
            "notes.delete",
            "Deletes note `id` (default: the open one).",
            object(note, &[]),
            vec![DeleteFile, ReadFile, ListDirectory],
            delete,
        ),
        (
            "notes.list",
            "Lists notes, newest first, into state `notes`.",
            json!({"type": "object"}),
            vec![ListDirectory, ReadFile],
            list,
        ),
    ];
    for (name, description, params, capabilities, run) in specs {
        let mut spec = ToolSpec::new(name, description, params);
        spec.capabilities = capabilities;
        spec.timeout = Some(Duration::from_secs(2));
        add(registry, spec, run);
    }
}

fn dir(cx: &ToolCx<'_>, tool: &str) -> Result<String> {
    let dir = format!("{}/notes", data_dir(cx, tool)?);
    if !kernel_io::exists(cx.kernel, cx.pid, &dir)? {
        kernel_io::mkdir(cx.kernel, cx.pid, &dir)?;
    }
    Ok(dir)
}

fn read_note(cx: &ToolCx<'_>, path: &str) -> Result<Value> {
    let bytes = kernel_io::read(cx.kernel, cx.pid, path)?;
    let note: Value = serde_json::from_slice(&bytes).map_err(|err| Error::Corrupt {
        path: path.to_owned(),
        reason: err.to_string(),
    })?;
    if note.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(Error::Corrupt {
            path: path.to_owned(),
            reason: format!("expected format {FORMAT}"),
        });
    }
    Ok(note)
}

fn write_note(cx: &ToolCx<'_>, dir: &str, note: &Value) -> Result<()> {
    let id = note["id"].as_str().unwrap_or_default();
    let bytes = serde_json::to_vec_pretty(note)
        .map_err(|err| invalid("notes.save", "content", err.to_string()))?;
    kernel_io::atomic_replace(cx.kernel, cx.pid, &format!("{dir}/{id}.json"), &bytes)
}

fn open(cx: &mut ToolCx<'_>, note: &Value) {
    cx.state.set("current_note", note["id"].clone());
    cx.state.set("note-title", note["title"].clone());
    cx.state.set("note-content", note["content"].clone());
}

fn refresh_list(cx: &mut ToolCx<'_>, dir: &str) -> Result<Vec<Value>> {
    let mut notes = Vec::new();
    for entry in kernel_io::list(cx.kernel, cx.pid, dir)? {
        if entry.is_dir || !entry.name.ends_with(".json") {
            continue;
        }
        cx.check_deadline("notes.list")?;
        let note = read_note(cx, &format!("{dir}/{}", entry.name))?;
        notes.push(
            json!({"id": note["id"], "title": note["title"], "updated_at": note["updated_at"]}),
        );
    }
    notes.sort_by(|a, b| {
        b["updated_at"]
            .as_u64()
            .cmp(&a["updated_at"].as_u64())
            .then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
    });
    cx.state.set("notes", Value::Array(notes.clone()));
    Ok(notes)
}

fn create(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let dir = dir(cx, "notes.create")?;
    let id = format!("note-{}", uuid::Uuid::new_v4().simple());
    let now = now_ms();
    let note = json!({
        "format": FORMAT, "id": id,
        "title": opt_str(args, "title").unwrap_or("Untitled"),
        "content": opt_str(args, "content").unwrap_or(""),
        "created_at": now, "updated_at": now,
    });
    write_note(cx, &dir, &note)?;
    open(cx, &note);
    refresh_list(cx, &dir)?;
    Ok(note)
}

fn target_id(cx: &ToolCx<'_>, tool: &str, args: &Map<String, Value>) -> Result<String> {
    let id = opt_str(args, "id")
        .map(str::to_owned)
        .or_else(|| {
            cx.state
                .get("current_note")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .ok_or_else(|| invalid(tool, "id", "is required when no note is open"))?;
    check_key(tool, "id", &id)?;
    Ok(id)
}

fn save(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    if opt_str(args, "id").is_none()
        && cx
            .state
            .get("current_note")
            .and_then(Value::as_str)
            .is_none()
    {
        return create(cx, args);
    }
    let dir = dir(cx, "notes.save")?;
    let id = target_id(cx, "notes.save", args)?;
    let path = format!("{dir}/{id}.json");
    let mut note = match read_note(cx, &path) {
        Ok(note) => note,
        Err(Error::Kernel(agentos_kernel::Error::NotFound(_))) => {
            json!({"format": FORMAT, "id": id, "created_at": now_ms()})
        }
        Err(err) => return Err(err),
    };
    let title = opt_str(args, "title")
        .map(str::to_owned)
        .unwrap_or_else(|| cx.state.text("note-title", "Untitled"));
    let content = opt_str(args, "content")
        .map(str::to_owned)
        .unwrap_or_else(|| cx.state.text("note-content", ""));
    note["title"] = Value::String(title);
    note["content"] = Value::String(content);
    note["updated_at"] = Value::from(now_ms());
    write_note(cx, &dir, &note)?;
    open(cx, &note);
    refresh_list(cx, &dir)?;
    Ok(note)
}

fn load(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let dir = dir(cx, "notes.load")?;
    let id = target_id(cx, "notes.load", args)?;
    let note = read_note(cx, &format!("{dir}/{id}.json"))?;
    open(cx, &note);
    Ok(note)
}

fn delete(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let dir = dir(cx, "notes.delete")?;
    let id = target_id(cx, "notes.delete", args)?;
    kernel_io::delete(cx.kernel, cx.pid, &format!("{dir}/{id}.json"), false)?;
    if cx.state.get("current_note").and_then(Value::as_str) == Some(id.as_str()) {
        cx.state.set("current_note", Value::Null);
        cx.state.set("note-title", Value::String(String::new()));
        cx.state.set("note-content", Value::String(String::new()));
    }
    refresh_list(cx, &dir)?;
    Ok(json!({"deleted": id}))
}

fn list(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let dir = dir(cx, "notes.list")?;
    let notes = refresh_list(cx, &dir)?;
    Ok(json!({"notes": notes, "count": notes.len()}))
}
