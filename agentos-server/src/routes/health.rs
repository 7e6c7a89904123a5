//! `GET /` and `GET /health`.

use axum::{Json, extract::State};
use serde_json::{Value, json};

use crate::state::ServerState;

/// `GET /`: what this server is.
pub(crate) async fn root() -> Json<Value> {
    Json(json!({"status": "online", "service": "AgentOS", "version": env!("CARGO_PKG_VERSION")}))
}

/// `GET /health`: liveness plus a summary of what is running.
pub(crate) async fn health(State(state): State<ServerState>) -> Json<Value> {
    Json(json!({
        "status": "healthy",
        "version": env!("CARGO_PKG_VERSION"),
        "app_manager": {"total_apps": state.runtime.list().len()},
        "service_registry": {"total_tools": state.runtime.registry().specs().len()},
        "kernel": {"connected": true},
        "ai_service": {"connected": true},
    }))
}
