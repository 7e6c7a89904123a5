//! The [`Tool`] trait: one deterministic operation an app's events can run.

use agentos_kernel::{CapabilityKind, Kernel, Pid};
use serde_json::{Map, Value};

use crate::{
    error::{Error, Result},
    runtime::AppId,
    state::State,
};

/// What a tool is: its id, what it does, its parameters and the capabilities it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// Namespaced id of any depth, e.g. `ui.append` or `ui.list.add`.
    pub name: String,
    /// One sentence saying what the tool does.
    pub description: String,
    /// JSON Schema of the arguments object.
    pub params: Value,
    /// Capabilities the calling app's PID must hold.
    pub capabilities: Vec<CapabilityKind>,
}

/// Everything a tool may touch during one call: the calling app, its PID, the kernel and the
/// app's component state.
pub struct ToolCx<'a> {
    /// The app whose event triggered the call.
    pub app_id: AppId,
    /// The app's kernel process; kernel calls are made as this PID.
    pub pid: Pid,
    /// The kernel the app runs on.
    pub kernel: &'a Kernel,
    /// The app's component state; writes become the returned patch.
    pub state: &'a mut State,
}

/// A deterministic tool. Implementations must be cheap to call and never panic on bad arguments.
pub trait Tool: Send + Sync {
    /// The tool's description.
    fn spec(&self) -> &ToolSpec;

    /// Runs the tool with `args` (a JSON object) and returns its result.
    ///
    /// # Errors
    /// [`Error::InvalidParam`] naming the parameter for bad arguments, or the kernel's error for
    /// a failed kernel call.
    fn call(&self, cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value>;
}

/// Reads an optional string-like argument: strings as they are, numbers printed.
pub(crate) fn arg_text<'a>(
    args: &'a Map<String, Value>,
    name: &str,
) -> Option<std::borrow::Cow<'a, str>> {
    match args.get(name)? {
        Value::String(text) => Some(std::borrow::Cow::Borrowed(text)),
        Value::Number(number) => Some(std::borrow::Cow::Owned(number.to_string())),
        Value::Bool(flag) => Some(std::borrow::Cow::Owned(flag.to_string())),
        _ => None,
    }
}

/// Fails with [`Error::InvalidParam`] when `name` holds something other than a string or number.
pub(crate) fn check_text_arg(tool: &str, args: &Map<String, Value>, name: &str) -> Result<()> {
    match args.get(name) {
        None | Some(Value::Null | Value::String(_) | Value::Number(_) | Value::Bool(_)) => Ok(()),
        Some(other) => Err(Error::InvalidParam {
            tool: tool.to_owned(),
            param: name.to_owned(),
            reason: format!("must be a string or a number, found {other}"),
        }),
    }
}
