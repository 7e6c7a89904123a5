//! `POST /generate-ui`: generate an app from words and launch it.

use agentos_ai::GenerationEvent;
use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
};
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::{dto::GenerateRequest, error::ApiError, state::ServerState};

/// Generates a Blueprint for the request, launches it and answers
/// `{"app_id", "blueprint", "thoughts"}`.
pub(crate) async fn generate_ui(
    State(state): State<ServerState>,
    payload: Result<Json<GenerateRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let mut events = state.generator.stream(&request.message);
    let mut thoughts = Vec::new();
    while let Some(event) = events.next().await {
        match event {
            GenerationEvent::Thought(thought) => thoughts.push(thought),
            GenerationEvent::Complete(blueprint) => {
                let app_id = state.runtime.launch((*blueprint).clone())?;
                return Ok(Json(
                    json!({"app_id": app_id, "blueprint": blueprint, "thoughts": thoughts}),
                ));
            }
            GenerationEvent::Error(message) => return Err(ApiError::bad_request(message)),
            _ => {}
        }
    }
    Err(agentos_ai::Error::Incomplete(request.message).into())
}
