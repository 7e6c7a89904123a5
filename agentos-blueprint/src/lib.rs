//! The Blueprint format: a JSON description of an app (its metadata, services, UI components and
//! event bindings) that generators write, the runtime launches and renderers draw.
//!
//! Parsing never fails: [`parse`] returns what it could build plus diagnostics, each with a
//! line, a column and a JSON path.
//!
//! ```
//! let parsed = agentos_blueprint::parse(r#"{
//!   "app": {"id": "hello", "name": "Hello"},
//!   "ui": {"title": "Hello", "components": [
//!     {"type": "button", "id": "go", "props": {"text": "Go"}, "on_event": {"click": "ui.set"}}
//!   ]}
//! }"#);
//! assert!(parsed.diagnostics.is_empty());
//! assert_eq!(parsed.blueprint.ui.components[0].id, "go");
//! ```
#![forbid(unsafe_code)]

mod diagnostic;
mod error;
mod model;
mod parse;

pub use crate::{
    diagnostic::{Diagnostic, Severity},
    error::{Error, Result},
    model::{AppInfo, Blueprint, Component, EventBinding, Ui},
    parse::{Parsed, parse},
};
