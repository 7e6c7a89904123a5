//! The built-in tool families beyond `ui.*` and `ui.list.*`, one module per family.

mod app;
mod auth;
mod browser;
mod filesystem;
#[cfg(feature = "http")]
mod http;
mod math;
mod notes;
mod random;
mod storage;
mod system;
mod timer;
mod ui_more;

pub(crate) use auth::AuthStore;
use serde_json::Value;

use crate::{
    registry::Registry,
    tool::{FnTool, ToolFn, ToolSpec},
};

/// Registers every family in `registry`.
pub(crate) fn register_all(registry: &mut Registry) {
    ui_more::register(registry);
    math::register(registry);
    system::register(registry);
    timer::register(registry);
    storage::register(registry);
    filesystem::register(registry);
    auth::register(registry);
    app::register(registry);
    notes::register(registry);
    browser::register(registry);
    random::register(registry);
    #[cfg(feature = "http")]
    http::register(registry);
}

/// Registers a function tool.
pub(crate) fn add(registry: &mut Registry, spec: ToolSpec, run: ToolFn) {
    registry.register(FnTool { spec, run });
}

/// An object schema with `properties` and `required`.
pub(crate) fn object(properties: Value, required: &[&str]) -> Value {
    serde_json::json!({"type": "object", "properties": properties, "required": required})
}

/// The calling app's data directory (`<data_root>/data/<blueprint id>`).
pub(crate) fn data_dir(cx: &crate::tool::ToolCx<'_>, tool: &str) -> crate::Result<String> {
    let runtime = cx.runtime(tool)?;
    let summary = runtime.app_summary(cx.app_id)?;
    Ok(runtime.data_dir(&summary.blueprint_id))
}

/// Checks a storage key or note id: 1–128 of `A-Z a-z 0-9 _ - .`, not starting with `.`.
pub(crate) fn check_key(tool: &str, param: &str, key: &str) -> crate::Result<()> {
    let ok = !key.is_empty()
        && key.len() <= 128
        && !key.starts_with('.')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(crate::tool::invalid(
            tool,
            param,
            format!(
                "must be 1-128 characters of A-Z a-z 0-9 _ - . not starting with `.`, found {key:?}"
            ),
        ))
    }
}
