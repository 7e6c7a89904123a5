//! `POST /generate-ui`: generate an app from words and launch it.

use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
};
use serde_json::{Value, json};

use crate::{dto::GenerateRequest, error::ApiError, state::ServerState};

/// Generates a Blueprint for the request, launches it and answers
/// `{"app_id", "blueprint", "thoughts"}`.
pub(crate) async fn generate_ui(
    State(state): State<ServerState>,
    payload: Result<Json<GenerateRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let launched = state
        .generator
        .generate_and_launch(&state.runtime, &request.message, |_| {})
        .await?;
    Ok(Json(json!({
        "app_id": launched.app_id,
        "blueprint": launched.blueprint.as_ref(),
        "thoughts": launched.thoughts,
    })))
}
