//! `/registry`: saved app packages — save, list, get, launch, delete.

use agentos_tools::{Launch, SavePackage};
use axum::{
    Json,
    extract::{Path, Query, State, rejection::JsonRejection},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{dto::app_id, error::ApiError, state::ServerState};

/// `POST /registry/save` body.
#[derive(Debug, Deserialize)]
pub(crate) struct SaveRequest {
    app_id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

/// `?category=` of the listing.
#[derive(Debug, Deserialize)]
pub(crate) struct CategoryQuery {
    category: Option<String>,
}

/// `POST /registry/save`: saves a running app as a package.
pub(crate) async fn save(
    State(state): State<ServerState>,
    payload: Result<Json<SaveRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let options = SavePackage {
        description: request.description,
        icon: request.icon,
        category: request.category,
        tags: request.tags,
    };
    let package = state
        .runtime
        .save_package(app_id(&request.app_id)?, options)?;
    Ok(Json(
        json!({"success": true, "package_id": package.summary().id}),
    ))
}

/// `GET /registry/apps[?category=c]`.
pub(crate) async fn list(
    State(state): State<ServerState>,
    Query(query): Query<CategoryQuery>,
) -> Json<Value> {
    let apps = state.runtime.packages(query.category.as_deref());
    Json(json!({"apps": apps, "stats": state.runtime.package_stats()}))
}

/// `GET /registry/apps/:id`: the whole package.
pub(crate) async fn get(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.runtime.package(&id)?.to_json()))
}

/// `POST /registry/apps/:id/launch`: `{"app_id", "blueprint", "title"}`.
pub(crate) async fn launch(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app_id = state.runtime.launch_package(&id, Launch::default())?;
    let blueprint = state.runtime.blueprint(app_id)?;
    Ok(Json(
        json!({"app_id": app_id, "title": blueprint.ui.title, "blueprint": &*blueprint}),
    ))
}

/// `DELETE /registry/apps/:id`.
pub(crate) async fn delete(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.runtime.delete_package(&id)?;
    Ok(Json(json!({"success": true, "package_id": id})))
}
