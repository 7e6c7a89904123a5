//! The Blueprint format: a JSON description of an app (its metadata, services, UI components and
//! event bindings) that generators write, the runtime launches and renderers draw.
//!
//! - [`parse`] reads a whole document and never fails: it returns what it could build plus
//!   diagnostics, each with a line, a column and a JSON path.
//! - [`StreamParser`] reads the same format in chunks, announcing the app header and each
//!   component as soon as it is complete; its [`StreamParser::finish`] equals [`parse`].
//! - Validation checks the 23 component types, their props and events, unique ids, nesting
//!   and size limits, and (with [`parse_with`]) tool names against the caller's catalogue.
//!
//! ```
//! let parsed = agentos_blueprint::parse(r#"{
//!   "app": {"id": "hello", "name": "Hello"},
//!   "ui": {"title": "Hello", "components": [
//!     {"type": "button", "id": "go", "props": {"text": "Go"}, "on_event": {"click": "ui.set"}},
//!     {"row": {"children": ["keyed and plain-string forms work too"]}}
//!   ]}
//! }"#);
//! assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
//! assert_eq!(parsed.blueprint.ui.components[0].id, "go");
//! assert_eq!(parsed.blueprint.ui.components[1].kind, "container");
//! ```
#![forbid(unsafe_code)]

mod build;
mod catalog;
mod diagnostic;
mod error;
mod loader;
mod model;
mod node;
mod parse;
mod render;
mod schema;
mod stream;

pub use crate::{
    catalog::{COMPONENT_TYPES, CONTAINER_ALIASES, ToolCatalog},
    diagnostic::{Diagnostic, Severity},
    error::{Error, Result},
    loader::{LoadedApp, load_dir},
    model::{AppInfo, Blueprint, Component, EventBinding, Service, ServiceTools, Ui},
    parse::{Limits, Parsed, parse, parse_with, parse_with_limits, validate},
    render::{render_diagnostics, render_diagnostics_json},
    schema::json_schema,
    stream::{Event, StreamParser, parse_json},
};
