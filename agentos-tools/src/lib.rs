//! The AgentOS tool executor and app runtime: "generate once, execute many".
//!
//! A launched Blueprint becomes an app with its own kernel PID and component state. Every UI event
//! is dispatched to the deterministic tool bound to it (`ui.append`, `ui.compute`, …) and answered
//! with a patch of the state that changed — in microseconds, with no model in the loop.
//!
//! ```
//! use agentos_kernel::Kernel;
//! use agentos_tools::{Registry, Runtime, UiEvent};
//!
//! let blueprint = agentos_blueprint::parse(r#"{"app": {"id": "c", "name": "C"}, "ui": {"components": [
//!   {"type": "input", "id": "display", "props": {"value": "0"}},
//!   {"type": "button", "id": "seven", "props": {"text": "7"}, "on_event": {"click": "ui.append"}}
//! ]}}"#).into_result()?;
//! let runtime = Runtime::new(Kernel::new(), Registry::builtin());
//! let app = runtime.launch(blueprint)?;
//! let patch = runtime.dispatch(app, &UiEvent::click("seven"))?;
//! assert_eq!(patch.changes["display"], "7");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod compute;
mod error;
mod list;
mod registry;
mod runtime;
mod state;
mod tool;
mod ui;

pub use crate::{
    compute::evaluate,
    error::{Error, Result},
    registry::Registry,
    runtime::{AppId, AppSummary, Patch, Runtime, UiEvent},
    state::State,
    tool::{Tool, ToolCx, ToolSpec},
};
