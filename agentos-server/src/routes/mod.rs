//! HTTP route handlers: convert, make one core call, convert back.

mod apps;
mod generate;
mod health;
pub(crate) mod kernel;
mod manager;
mod metrics;
pub(crate) mod registry;
pub(crate) mod services;
pub(crate) mod sessions;

pub(crate) use self::{
    apps::{app_detail, app_event, app_state, close_app, launch_app, list_apps},
    generate::generate_ui,
    health::{health, root},
    manager::{focus_app, set_window},
    metrics::metrics,
};

use axum::http::Uri;

use crate::error::ApiError;

/// Any path no route matches.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {}", uri.path()))
}
