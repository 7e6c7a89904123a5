//! The [`Tool`] trait and what a call sees: [`ToolSpec`] and [`ToolCx`].

use std::time::{Duration, Instant};

use agentos_kernel::{CapabilityKind, Kernel, Pid};
use serde_json::{Map, Value};

use crate::{
    error::{Error, Result},
    runtime::{AppId, Runtime},
    state::State,
};

/// What a tool is: its id, what it does, its parameters and the capabilities it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// Namespaced id of any depth, e.g. `ui.append` or `ui.list.add`.
    pub name: String,
    /// One sentence saying what the tool does.
    pub description: String,
    /// JSON Schema of the arguments object (the subset [`crate::validate_args`] checks).
    pub params: Value,
    /// Capabilities the calling app's PID must hold (of any scope) before the call runs.
    pub capabilities: Vec<CapabilityKind>,
    /// Deadline for tools that do I/O; `None` for pure tools.
    pub timeout: Option<Duration>,
}

impl ToolSpec {
    /// A spec with no capabilities and no timeout.
    pub fn new(name: &str, description: &str, params: Value) -> ToolSpec {
        ToolSpec {
            name: name.to_owned(),
            description: description.to_owned(),
            params,
            capabilities: Vec::new(),
            timeout: None,
        }
    }
}

/// Everything a tool may touch during one call: the calling app, its PID, the kernel, the app's
/// component state, the effects it asks the view to perform and the deadline of the call.
pub struct ToolCx<'a> {
    /// The app whose event triggered the call.
    pub app_id: AppId,
    /// The app's kernel process; kernel calls are made as this PID.
    pub pid: Pid,
    /// The kernel the app runs on.
    pub kernel: &'a Kernel,
    /// The app's component state; writes become the returned patch.
    pub state: &'a mut State,
    /// Effects for the view (`{"type": "alert", …}`), delivered with the patch.
    pub effects: Vec<Value>,
    /// When the call must give up; set by the executor from [`ToolSpec::timeout`].
    pub deadline: Option<Instant>,
    /// The runtime the app runs in, for tools that manage apps, timers, logs or users.
    pub(crate) runtime: Option<&'a Runtime>,
    /// App-manager actions that must run after the app's lock is released.
    pub(crate) deferred: Vec<Deferred>,
}

/// An action a tool asks for that touches other apps; run after the call returns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Deferred {
    /// Close this app (and its children).
    Close(AppId),
    /// Focus this app.
    Focus(AppId),
}

impl<'a> ToolCx<'a> {
    /// A context for calling a tool outside a runtime (no app manager, timers or logs).
    pub fn new(app_id: AppId, pid: Pid, kernel: &'a Kernel, state: &'a mut State) -> ToolCx<'a> {
        ToolCx {
            app_id,
            pid,
            kernel,
            state,
            effects: Vec::new(),
            deadline: None,
            runtime: None,
            deferred: Vec::new(),
        }
    }

    /// Fails with [`Error::Timeout`] once the call's deadline has passed. I/O tools call this
    /// between kernel operations.
    ///
    /// # Errors
    /// [`Error::Timeout`] naming `tool`.
    pub fn check_deadline(&self, tool: &str) -> Result<()> {
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => Err(Error::Timeout {
                tool: tool.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    /// Time left before the deadline (`None` when the call has none).
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()))
    }

    /// The runtime, for tools that need app-manager services.
    pub(crate) fn runtime(&self, tool: &str) -> Result<&'a Runtime> {
        self.runtime.ok_or_else(|| Error::Unavailable {
            tool: tool.to_owned(),
            reason: "the call does not run inside an app runtime".to_owned(),
        })
    }

    /// Adds an effect `{"type": kind, …fields}` for the view.
    pub(crate) fn effect(&mut self, kind: &str, fields: Value) {
        let mut effect = Map::new();
        effect.insert("type".to_owned(), Value::String(kind.to_owned()));
        if let Value::Object(fields) = fields {
            effect.extend(fields);
        }
        self.effects.push(Value::Object(effect));
    }
}

/// A deterministic tool. Implementations must be cheap to call and never panic on bad arguments.
pub trait Tool: Send + Sync {
    /// The tool's description.
    fn spec(&self) -> &ToolSpec;

    /// Runs the tool with `args` (a JSON object, already checked against the spec's schema)
    /// and returns its result.
    ///
    /// # Errors
    /// [`Error::InvalidParam`] naming the parameter for bad arguments, or the kernel's error for
    /// a failed kernel call.
    fn call(&self, cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value>;
}

/// A tool made of a spec and a plain function; most built-in tools are this.
pub(crate) struct FnTool {
    pub(crate) spec: ToolSpec,
    pub(crate) run: ToolFn,
}

/// The function behind a [`FnTool`].
pub(crate) type ToolFn = fn(&mut ToolCx<'_>, &Map<String, Value>) -> Result<Value>;

impl Tool for FnTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    fn call(&self, cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
        (self.run)(cx, args)
    }
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

/// A required string argument.
pub(crate) fn req_str<'a>(tool: &str, args: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    match args.get(name) {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(invalid(
            tool,
            name,
            format!("must be a string, found {other}"),
        )),
        None => Err(invalid(tool, name, "is required")),
    }
}

/// An optional string argument.
pub(crate) fn opt_str<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    args.get(name).and_then(Value::as_str)
}

/// A required number argument (numbers, or strings holding numbers).
pub(crate) fn req_f64(tool: &str, args: &Map<String, Value>, name: &str) -> Result<f64> {
    match args.get(name) {
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or_else(|| invalid(tool, name, "is not a finite number")),
        Some(Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .map_err(|_| invalid(tool, name, format!("must be a number, found {text:?}"))),
        Some(other) => Err(invalid(
            tool,
            name,
            format!("must be a number, found {other}"),
        )),
        None => Err(invalid(tool, name, "is required")),
    }
}

/// An [`Error::InvalidParam`].
pub(crate) fn invalid(tool: &str, param: &str, reason: impl Into<String>) -> Error {
    Error::InvalidParam {
        tool: tool.to_owned(),
        param: param.to_owned(),
        reason: reason.into(),
    }
}
