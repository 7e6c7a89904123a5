//! Sessions: the whole workspace — apps with their Blueprint, component state, window
//! geometry, lifecycle, parent links and metadata, the focused app, chat and UI state — saved
//! to `<data_root>/sessions/<id>.json` (`"format": "agentos.session/1"`, replaced atomically by
//! the runtime's own PID), listed, fetched, restored exactly, and deleted.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{
    error::{Error, Result},
    kernel_io,
    manager::Window,
    packages::parse_blueprint_value,
    runtime::{AppId, Launch, Runtime},
    services::{compact_time, now_ms},
};

/// The `format` of a session file.
const FORMAT: &str = "agentos.session/1";

/// What to save besides the running apps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveSession {
    /// Session name (required, 1–256 characters).
    pub name: String,
    /// Description.
    pub description: String,
    /// The chat panel's state (messages, thoughts), stored as given.
    pub chat_state: Value,
    /// The desktop's UI state, stored as given.
    pub ui_state: Value,
}

/// A session without its workspace, as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionSummary {
    /// `session-YYYYMMDD-HHMMSS` (with `-N` appended on a clash).
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Creation time, ms since the Unix epoch.
    pub created_at_ms: u64,
    /// Last update, ms since the Unix epoch.
    pub updated_at_ms: u64,
    /// Apps in the workspace.
    pub app_count: usize,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestoreReport {
    /// The restored session.
    pub session_id: String,
    /// Each saved app id mapped to the id of the app now running in its place.
    pub apps: BTreeMap<String, AppId>,
    /// The focused app after the restore.
    pub focused_app_id: Option<AppId>,
    /// The saved chat state.
    pub chat_state: Value,
    /// The saved UI state.
    pub ui_state: Value,
}

fn summary(value: &Value) -> SessionSummary {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    SessionSummary {
        id: text("id"),
        name: text("name"),
        description: text("description"),
        created_at_ms: value
            .get("created_at_ms")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        updated_at_ms: value
            .get("updated_at_ms")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        app_count: value
            .pointer("/workspace/apps")
            .and_then(Value::as_array)
            .map_or(0, Vec::len),
    }
}

impl Runtime {
    fn session_path(&self, id: &str) -> String {
        format!("{}/{id}.json", self.system_path("sessions"))
    }

    /// The workspace as JSON: every running app in launch order with its Blueprint, state,
    /// window, lifecycle, parent and metadata, plus the focused app.
    ///
    /// # Errors
    /// [`Error::UnknownApp`] if an app closes while it is captured.
    pub fn capture_workspace(&self) -> Result<Value> {
        let mut apps = Vec::new();
        for summary in self.list() {
            let blueprint = self.blueprint(summary.app_id)?;
            apps.push(json!({
                "id": summary.app_id,
                "blueprint_id": summary.blueprint_id,
                "title": summary.title,
                "blueprint": serde_json::to_value(&*blueprint).unwrap_or(Value::Null),
                "lifecycle": summary.lifecycle,
                "parent_id": summary.parent_id,
                "created_at_ms": summary.created_at_ms,
                "metadata": self.app_metadata(summary.app_id)?,
                "window": summary.window,
                "component_state": self.state(summary.app_id)?,
            }));
        }
        Ok(json!({"apps": apps, "focused_app_id": self.focused()}))
    }

    /// Saves the workspace with `options` as a new session and returns its summary.
    ///
    /// # Errors
    /// [`Error::InvalidParam`] for an empty or overlong name, or the kernel's error.
    pub fn save_session(&self, options: SaveSession) -> Result<SessionSummary> {
        if options.name.trim().is_empty() || options.name.chars().count() > 256 {
            return Err(crate::tool::invalid(
                "sessions.save",
                "name",
                "must have 1-256 characters",
            ));
        }
        let now = now_ms();
        let base = format!("session-{}", compact_time(now / 1000));
        let mut id = base.clone();
        let mut n = 1;
        while kernel_io::exists(
            &self.inner.kernel,
            self.inner.system_pid,
            &self.session_path(&id),
        )? {
            n += 1;
            id = format!("{base}-{n}");
        }
        let session = json!({
            "format": FORMAT,
            "id": id,
            "name": options.name,
            "description": options.description,
            "created_at_ms": now,
            "updated_at_ms": now,
            "workspace": {
                "apps": self.capture_workspace()?["apps"],
                "focused_app_id": self.focused(),
                "chat_state": options.chat_state,
                "ui_state": options.ui_state,
            },
            "metadata": {},
        });
        let bytes = serde_json::to_vec_pretty(&session).map_err(|err| Error::Corrupt {
            path: id.clone(),
            reason: err.to_string(),
        })?;
        kernel_io::atomic_replace(
            &self.inner.kernel,
            self.inner.system_pid,
            &self.session_path(&id),
            &bytes,
        )?;
        self.inner.session_marks.lock().0 = Some(now);
        Ok(summary(&session))
    }

    /// Saves the workspace as session `default` ("Auto-saved session").
    ///
    /// # Errors
    /// As [`Runtime::save_session`].
    pub fn save_default_session(&self) -> Result<SessionSummary> {
        self.save_session(SaveSession {
            name: "default".to_owned(),
            description: "Auto-saved session".to_owned(),
            ..SaveSession::default()
        })
    }

    /// `{total_sessions, last_saved, last_restored}` (ms since the epoch, null when never).
    ///
    /// # Errors
    /// As [`Runtime::sessions`].
    pub fn session_stats(&self) -> Result<Value> {
        let sessions = self.sessions()?;
        let marks = self.inner.session_marks.lock();
        Ok(
            json!({"total_sessions": sessions.len(), "last_saved": marks.0, "last_restored": marks.1}),
        )
    }

    /// Every saved session, newest first.
    ///
    /// # Errors
    /// [`Error::Corrupt`] naming an unreadable file, or the kernel's error.
    pub fn sessions(&self) -> Result<Vec<SessionSummary>> {
        let dir = self.system_path("sessions");
        let mut out = Vec::new();
        for entry in kernel_io::list(&self.inner.kernel, self.inner.system_pid, &dir)? {
            if let Some(id) = entry.name.strip_suffix(".json") {
                out.push(summary(&self.session(id)?));
            }
        }
        out.sort_by(|a, b| {
            b.created_at_ms
                .cmp(&a.created_at_ms)
                .then_with(|| b.id.cmp(&a.id))
        });
        Ok(out)
    }

    /// Session `id` as saved.
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::Corrupt`].
    pub fn session(&self, id: &str) -> Result<Value> {
        crate::tools::check_key("sessions", "id", id)?;
        let path = self.session_path(id);
        let bytes = match kernel_io::read(&self.inner.kernel, self.inner.system_pid, &path) {
            Ok(bytes) => bytes,
            Err(Error::Kernel(agentos_kernel::Error::NotFound(_))) => {
                return Err(Error::NotFound {
                    what: "session",
                    id: id.to_owned(),
                });
            }
            Err(err) => return Err(err),
        };
        let value: Value = serde_json::from_slice(&bytes).map_err(|err| Error::Corrupt {
            path: path.clone(),
            reason: err.to_string(),
        })?;
        if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(Error::Corrupt {
                path,
                reason: format!("expected format {FORMAT}"),
            });
        }
        Ok(value)
    }

    /// Deletes session `id`.
    ///
    /// # Errors
    /// [`Error::NotFound`], or the kernel's error.
    pub fn delete_session(&self, id: &str) -> Result<()> {
        self.session(id)?;
        kernel_io::delete(
            &self.inner.kernel,
            self.inner.system_pid,
            &self.session_path(id),
            false,
        )
    }

    /// Restores session `id`: closes every running app, relaunches the saved ones in order
    /// (parents before children, links remapped), then sets each app's window and component
    /// state to exactly what was saved and refocuses the saved focused app.
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::Corrupt`] for a damaged app entry, or a launch error.
    pub fn restore_session(&self, id: &str) -> Result<RestoreReport> {
        let session = self.session(id)?;
        let path = self.session_path(id);
        let corrupt = |reason: String| Error::Corrupt {
            path: path.clone(),
            reason,
        };
        let saved = session
            .pointer("/workspace/apps")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for summary in self.list() {
            if summary.parent_id.is_none() {
                // Already closed if it was a child of an earlier root.
                match self.close(summary.app_id) {
                    Ok(()) | Err(Error::UnknownApp(_)) => {}
                    Err(err) => return Err(err),
                }
            }
        }
        let mut mapping: BTreeMap<String, AppId> = BTreeMap::new();
        let mut restored = Vec::new();
        for (index, app) in saved.iter().enumerate() {
            let old_id = app
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| corrupt(format!("apps[{index}] has no id")))?
                .to_owned();
            let blueprint = parse_blueprint_value(app.get("blueprint").unwrap_or(&Value::Null))
                .map_err(|err| corrupt(format!("apps[{index}].blueprint: {err}")))?;
            let parent = match app.get("parent_id").and_then(Value::as_str) {
                Some(parent) => Some(*mapping.get(parent).ok_or_else(|| {
                    corrupt(format!("apps[{index}] names unknown parent {parent}"))
                })?),
                None => None,
            };
            let mut metadata: Map<String, Value> = app
                .get("metadata")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            metadata.insert(
                "restored_from_session".to_owned(),
                Value::String(id.to_owned()),
            );
            metadata.insert("original_id".to_owned(), Value::String(old_id.clone()));
            let new_id =
                self.launch_with(std::sync::Arc::new(blueprint), Launch { parent, metadata })?;
            mapping.insert(old_id, new_id);
            restored.push((new_id, app));
        }
        let focused = session
            .pointer("/workspace/focused_app_id")
            .and_then(Value::as_str)
            .and_then(|old| mapping.get(old).copied());
        if let Some(focused) = focused {
            self.focus(focused)?;
        }
        for (new_id, app) in restored {
            let window: Window = app
                .get("window")
                .cloned()
                .map(serde_json::from_value)
                .transpose()
                .map_err(|err| corrupt(format!("window: {err}")))?
                .unwrap_or_default();
            self.set_window(new_id, window)?;
            let state: BTreeMap<String, Value> = app
                .get("component_state")
                .and_then(Value::as_object)
                .map(|s| s.clone().into_iter().collect())
                .unwrap_or_default();
            self.replace_state(new_id, state)?;
        }
        self.inner.session_marks.lock().1 = Some(now_ms());
        Ok(RestoreReport {
            session_id: id.to_owned(),
            apps: mapping,
            focused_app_id: focused,
            chat_state: session
                .pointer("/workspace/chat_state")
                .cloned()
                .unwrap_or(Value::Null),
            ui_state: session
                .pointer("/workspace/ui_state")
                .cloned()
                .unwrap_or(Value::Null),
        })
    }
}
