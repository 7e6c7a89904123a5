//! The app manager: focus (the previous app goes to the background), close (children first,
//! focus passes on), parent links, window state and stats — the reference's semantics.

use std::collections::HashMap;

use agentos_kernel::Pid;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    error::{Error, Result},
    runtime::{AppId, AppStats, AppSummary, Runtime},
};

/// Whether an app is the focused one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Lifecycle {
    /// The focused app.
    Active,
    /// Running, not focused.
    Background,
}

/// An app's window: position, size, minimised and maximised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Left edge in pixels.
    pub x: f64,
    /// Top edge in pixels.
    pub y: f64,
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
    /// Minimised to the dock.
    pub minimized: bool,
    /// Filling the desktop.
    pub maximized: bool,
}

impl Default for Window {
    fn default() -> Window {
        Window {
            x: 0.0,
            y: 0.0,
            width: 800.0,
            height: 600.0,
            minimized: false,
            maximized: false,
        }
    }
}

#[derive(Default)]
pub(crate) struct Manager {
    pub(crate) apps: HashMap<AppId, Meta>,
    pub(crate) order: Vec<AppId>,
    pub(crate) focused: Option<AppId>,
}

pub(crate) struct Meta {
    pub(crate) parent: Option<AppId>,
    pub(crate) lifecycle: Lifecycle,
    pub(crate) window: Window,
    pub(crate) created_at_ms: u64,
    pub(crate) metadata: Map<String, Value>,
    pub(crate) pid: Pid,
    pub(crate) blueprint_id: String,
    pub(crate) title: String,
}

impl Meta {
    pub(crate) fn summary(&self, app_id: AppId) -> AppSummary {
        AppSummary {
            app_id,
            pid: self.pid,
            blueprint_id: self.blueprint_id.clone(),
            title: self.title.clone(),
            parent_id: self.parent,
            lifecycle: self.lifecycle,
            window: self.window,
            created_at_ms: self.created_at_ms,
        }
    }
}

impl Manager {
    /// `root` and every descendant, deepest first.
    fn subtree(&self, root: AppId) -> Vec<AppId> {
        let mut out = Vec::new();
        for id in &self.order {
            if self.apps.get(id).and_then(|meta| meta.parent) == Some(root) {
                out.extend(self.subtree(*id));
            }
        }
        out.push(root);
        out
    }
}

impl Runtime {
    /// Focuses app `app_id`: the previously focused app goes to the background and the
    /// target's `on_focus` hooks run.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn focus(&self, app_id: AppId) -> Result<()> {
        {
            let mut manager = self.inner.manager.lock();
            if !manager.apps.contains_key(&app_id) {
                return Err(Error::UnknownApp(app_id));
            }
            if let Some(previous) = manager.focused.and_then(|id| manager.apps.get_mut(&id)) {
                previous.lifecycle = Lifecycle::Background;
            }
            if let Some(meta) = manager.apps.get_mut(&app_id) {
                meta.lifecycle = Lifecycle::Active;
                meta.window.minimized = false;
            }
            manager.focused = Some(app_id);
        }
        self.run_hook(app_id, "on_focus");
        Ok(())
    }

    /// Stops app `app_id` and, first, every app it spawned (deepest first): each one's
    /// `on_unmount` hooks run, its timers stop and its kernel process ends. If the focused app
    /// was closed, focus passes to the most recently launched remaining app.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn close(&self, app_id: AppId) -> Result<()> {
        let doomed = {
            let manager = self.inner.manager.lock();
            if !manager.apps.contains_key(&app_id) {
                return Err(Error::UnknownApp(app_id));
            }
            manager.subtree(app_id)
        };
        let mut lost_focus = false;
        for id in doomed {
            self.run_hook(id, "on_unmount");
            self.inner.services.timers.clear_app(id);
            let app = self.inner.apps.write().remove(&id);
            let meta = {
                let mut manager = self.inner.manager.lock();
                manager.order.retain(|other| *other != id);
                if manager.focused == Some(id) {
                    manager.focused = None;
                    lost_focus = true;
                }
                manager.apps.remove(&id)
            };
            if let Some(app) = app {
                let pid = app.lock().pid;
                self.inner.kernel.exit(pid)?;
            } else if meta.is_none() {
                return Err(Error::UnknownApp(id));
            }
        }
        if lost_focus {
            let next = self.inner.manager.lock().order.last().copied();
            if let Some(next) = next {
                self.focus(next)?;
            }
        }
        Ok(())
    }

    /// Sets app `app_id`'s window geometry and state.
    ///
    /// # Errors
    /// [`Error::UnknownApp`]; [`Error::InvalidParam`] for a non-finite or negative size.
    pub fn set_window(&self, app_id: AppId, window: Window) -> Result<()> {
        let values = [window.x, window.y, window.width, window.height];
        if values.iter().any(|v| !v.is_finite()) || window.width < 0.0 || window.height < 0.0 {
            return Err(Error::InvalidParam {
                tool: "window".to_owned(),
                param: "size".to_owned(),
                reason: "must be finite, with a non-negative width and height".to_owned(),
            });
        }
        let mut manager = self.inner.manager.lock();
        let meta = manager
            .apps
            .get_mut(&app_id)
            .ok_or(Error::UnknownApp(app_id))?;
        meta.window = window;
        Ok(())
    }

    /// What the manager knows about app `app_id`.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn app_summary(&self, app_id: AppId) -> Result<AppSummary> {
        let manager = self.inner.manager.lock();
        manager
            .apps
            .get(&app_id)
            .map(|meta| meta.summary(app_id))
            .ok_or(Error::UnknownApp(app_id))
    }

    /// The metadata app `app_id` was launched with.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn app_metadata(&self, app_id: AppId) -> Result<Map<String, Value>> {
        let manager = self.inner.manager.lock();
        manager
            .apps
            .get(&app_id)
            .map(|meta| meta.metadata.clone())
            .ok_or(Error::UnknownApp(app_id))
    }

    /// The focused app, if any.
    pub fn focused(&self) -> Option<AppId> {
        self.inner.manager.lock().focused
    }

    /// Counts of running, active and background apps.
    pub fn stats(&self) -> AppStats {
        let manager = self.inner.manager.lock();
        let active = manager
            .apps
            .values()
            .filter(|meta| meta.lifecycle == Lifecycle::Active)
            .count();
        AppStats {
            total_apps: manager.apps.len(),
            active_apps: active,
            background_apps: manager.apps.len() - active,
            focused_app_id: manager.focused,
        }
    }
}
