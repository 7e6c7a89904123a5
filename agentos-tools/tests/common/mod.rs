//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use agentos_kernel::Kernel;
use agentos_tools::{AppId, Patch, Registry, Runtime};
use serde_json::Value;

pub fn runtime() -> Runtime {
    Runtime::new(Kernel::new(), Registry::builtin())
}

pub fn launch(runtime: &Runtime, text: &str) -> AppId {
    let blueprint = agentos_blueprint::parse(text).into_result().unwrap();
    runtime.launch(blueprint).unwrap()
}

/// Calls `tool` with `args` as app `app`.
pub fn call(
    runtime: &Runtime,
    app: AppId,
    tool: &str,
    args: Value,
) -> agentos_tools::Result<Patch> {
    runtime.call_tool(app, tool, args.as_object().cloned().unwrap_or_default())
}

/// An app with the given services and permissions and no components.
pub fn app_with(runtime: &Runtime, id: &str, services: &str, permissions: &str) -> AppId {
    launch(
        runtime,
        &format!(
            r#"{{"app": {{"id": "{id}", "name": "{id}", "permissions": {permissions}}}, "services": {services}, "ui": {{"components": []}}}}"#
        ),
    )
}
