//! `/apps`: launch, list, read state, send events, close.

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
};
use serde_json::{Value, json};

use crate::{
    dto::{EventRequest, LaunchRequest, app_id},
    error::ApiError,
    state::ServerState,
};

/// `POST /apps`: launch a Blueprint; answers `{"app_id", "blueprint"}`.
pub(crate) async fn launch_app(
    State(state): State<ServerState>,
    payload: Result<Json<LaunchRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let blueprint =
        agentos_blueprint::parse_with(&request.blueprint.to_string(), state.runtime.registry())
            .into_result()?;
    let app_id = state.runtime.launch(blueprint)?;
    let blueprint = state.runtime.blueprint(app_id)?;
    Ok(Json(json!({"app_id": app_id, "blueprint": &*blueprint})))
}

/// `GET /apps`: every running app with its window and lifecycle, and the manager's stats.
pub(crate) async fn list_apps(State(state): State<ServerState>) -> Json<Value> {
    Json(json!({"stats": state.runtime.stats(), "apps": state.runtime.list()}))
}

/// `GET /apps/:id/state`: `{"app_id", "state": {component id: value}}`.
pub(crate) async fn app_state(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app_id = app_id(&id)?;
    let snapshot = state.runtime.state(app_id)?;
    Ok(Json(json!({"app_id": app_id, "state": snapshot})))
}

/// `GET /apps/:id`: `{"app_id", "blueprint", "state"}`, all a view needs to draw the app.
pub(crate) async fn app_detail(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app_id = app_id(&id)?;
    let blueprint = state.runtime.blueprint(app_id)?;
    let snapshot = state.runtime.state(app_id)?;
    Ok(Json(
        json!({"app_id": app_id, "blueprint": &*blueprint, "state": snapshot}),
    ))
}

/// `POST /apps/:id/events`: run the event's tool; answers the patch.
pub(crate) async fn app_event(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    payload: Result<Json<EventRequest>, JsonRejection>,
) -> Result<Json<agentos_tools::Patch>, ApiError> {
    let Json(request) = payload?;
    let app_id = app_id(&id)?;
    Ok(Json(state.runtime.dispatch(app_id, &request.into())?))
}

/// `DELETE /apps/:id`: close the app and end its process.
pub(crate) async fn close_app(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app_id = app_id(&id)?;
    state.runtime.close(app_id)?;
    Ok(Json(json!({"success": true, "app_id": app_id})))
}
