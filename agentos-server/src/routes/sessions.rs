//! `/sessions`: save and restore the whole workspace.

use agentos_tools::SaveSession;
use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{error::ApiError, state::ServerState};

/// `POST /sessions/save` body.
#[derive(Debug, Deserialize)]
pub(crate) struct SaveRequest {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    chat_state: Value,
    #[serde(default)]
    ui_state: Value,
}

/// `POST /sessions/save`.
pub(crate) async fn save(
    State(state): State<ServerState>,
    payload: Result<Json<SaveRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let session = state.runtime.save_session(SaveSession {
        name: request.name,
        description: request.description,
        chat_state: request.chat_state,
        ui_state: request.ui_state,
    })?;
    Ok(Json(json!({"success": true, "session": session})))
}

/// `POST /sessions/save-default`.
pub(crate) async fn save_default(
    State(state): State<ServerState>,
) -> Result<Json<Value>, ApiError> {
    let session = state.runtime.save_default_session()?;
    Ok(Json(json!({"success": true, "session": session})))
}

/// `GET /sessions`.
pub(crate) async fn list(State(state): State<ServerState>) -> Result<Json<Value>, ApiError> {
    let sessions = state.runtime.sessions()?;
    Ok(Json(
        json!({"sessions": sessions, "stats": state.runtime.session_stats()?}),
    ))
}

/// `GET /sessions/:id`: the whole session.
pub(crate) async fn get(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.runtime.session(&id)?))
}

/// `POST /sessions/:id/restore`.
pub(crate) async fn restore(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let report = state.runtime.restore_session(&id)?;
    Ok(Json(json!({"success": true, "workspace": report})))
}

/// `DELETE /sessions/:id`.
pub(crate) async fn delete(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.runtime.delete_session(&id)?;
    Ok(Json(json!({"success": true, "session_id": id})))
}
