//! `/services`: the tool catalogue, discovery by intent, and direct tool execution.

use axum::{
    Json,
    extract::{Query, State, rejection::JsonRejection},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::{dto::app_id, error::ApiError, state::ServerState};

/// `?category=` of the listing.
#[derive(Debug, Deserialize)]
pub(crate) struct CategoryQuery {
    category: Option<String>,
}

/// `POST /services/discover` body.
#[derive(Debug, Deserialize)]
pub(crate) struct DiscoverRequest {
    message: String,
}

/// `POST /services/execute` body.
#[derive(Debug, Deserialize)]
pub(crate) struct ExecuteRequest {
    tool_id: String,
    #[serde(default)]
    params: Map<String, Value>,
    app_id: Option<String>,
}

/// `GET /services[?category=c]`.
pub(crate) async fn list(
    State(state): State<ServerState>,
    Query(query): Query<CategoryQuery>,
) -> Json<Value> {
    let services = state
        .runtime
        .registry()
        .services_in(query.category.as_deref());
    Json(json!({"stats": {"total_services": services.len()}, "services": services}))
}

/// `POST /services/discover`: the services that best match an intent (at most 5).
pub(crate) async fn discover(
    State(state): State<ServerState>,
    payload: Result<Json<DiscoverRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let services = state.runtime.registry().discover(&request.message);
    Ok(Json(
        json!({"query": request.message, "services": services}),
    ))
}

/// `POST /services/execute`: runs one tool as a running app (its PID's capabilities apply).
pub(crate) async fn execute(
    State(state): State<ServerState>,
    payload: Result<Json<ExecuteRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let app = request.app_id.as_deref().ok_or_else(|| {
        ApiError::bad_request("app_id is required: tools run as a running app's process")
    })?;
    let patch = state
        .runtime
        .call_tool(app_id(app)?, &request.tool_id, request.params)?;
    Ok(Json(
        json!({"success": true, "data": patch.result, "changes": patch.changes}),
    ))
}
