//! The AgentOS tool executor and app runtime: "generate once, execute many".
//!
//! A launched Blueprint becomes an app with its own kernel PID, the capabilities its
//! `permissions` and `services` imply, and typed component state. Every UI event is dispatched
//! to the deterministic tool bound to it (`ui.append`, `storage.set`, `math.solve`, …) through
//! the executor — schema-checked arguments, a capability check of the app's PID, a deadline for
//! I/O tools, per-tool metrics — and answered with a patch of the state that changed, in
//! microseconds, with no model in the loop. The runtime also manages windows, focus, parent
//! links, timers, an app registry and sessions, all persisted through the kernel.
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

mod app;
mod builtin_apps;
mod caps;
mod compute;
mod cursor;
mod directives;
mod error;
mod kernel_io;
#[cfg(feature = "http")]
mod kernel_net;
mod list;
mod manager;
mod packages;
mod registry;
mod runtime;
mod schema;
mod services;
mod sessions;
mod state;
mod tool;
mod tools;
mod ui;

pub use crate::{
    compute::evaluate,
    error::{BudgetLimit, Error, Result},
    manager::{Lifecycle, Window},
    packages::{Package, PackageSummary, SavePackage, SeedReport},
    registry::{Registry, ToolMetrics},
    runtime::{
        AppId, AppStats, AppSummary, Generator, Launch, Patch, Runtime, RuntimeConfig, UiEvent,
    },
    schema::validate_args,
    sessions::{RestoreReport, SaveSession, SessionSummary},
    state::State,
    tool::{Tool, ToolCx, ToolSpec},
};

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
