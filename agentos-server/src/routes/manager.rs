//! App manager routes: focus and window geometry.

use agentos_tools::Window;
use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{dto::app_id, error::ApiError, state::ServerState};

/// `POST /apps/:id/focus`: the app becomes active, the previous one goes to the background.
pub(crate) async fn focus_app(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app_id = app_id(&id)?;
    state.runtime.focus(app_id)?;
    Ok(Json(json!({"success": true, "app_id": app_id})))
}

/// `POST /apps/:id/window` body.
#[derive(Debug, Deserialize)]
pub(crate) struct WindowRequest {
    #[serde(default)]
    position: Option<Position>,
    #[serde(default)]
    size: Option<Size>,
    #[serde(default)]
    minimized: Option<bool>,
    #[serde(default)]
    maximized: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Position {
    x: f64,
    y: f64,
}

#[derive(Debug, Deserialize)]
struct Size {
    width: f64,
    height: f64,
}

/// `POST /apps/:id/window`: stores the window's position, size and state.
pub(crate) async fn set_window(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    payload: Result<Json<WindowRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let app_id = app_id(&id)?;
    let current = state.runtime.app_summary(app_id)?.window;
    let window = Window {
        x: request.position.as_ref().map_or(current.x, |p| p.x),
        y: request.position.as_ref().map_or(current.y, |p| p.y),
        width: request.size.as_ref().map_or(current.width, |s| s.width),
        height: request.size.as_ref().map_or(current.height, |s| s.height),
        minimized: request.minimized.unwrap_or(current.minimized),
        maximized: request.maximized.unwrap_or(current.maximized),
    };
    state.runtime.set_window(app_id, window)?;
    Ok(Json(
        json!({"success": true, "app_id": app_id, "window": window}),
    ))
}
