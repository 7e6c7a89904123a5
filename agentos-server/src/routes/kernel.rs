//! `/kernel`: the scheduler, driven as the server's own kernel process.

use agentos_kernel::SchedulingPolicy;
use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{error::ApiError, state::ServerState};

/// `PUT /kernel/scheduler/policy` body.
#[derive(Debug, Deserialize)]
pub(crate) struct PolicyRequest {
    policy: String,
}

/// `POST /kernel/schedule-next`: the next PID to run, or `null` with a message.
pub(crate) async fn schedule_next(
    State(state): State<ServerState>,
) -> Result<Json<Value>, ApiError> {
    let kernel = state.runtime.kernel();
    Ok(Json(match kernel.schedule_next(state.server_pid)? {
        Some(pid) => json!({"success": true, "next_pid": pid.0}),
        None => {
            json!({"success": true, "next_pid": null, "message": "No processes available to schedule"})
        }
    }))
}

/// `GET /kernel/scheduler/stats`.
pub(crate) async fn scheduler_stats(
    State(state): State<ServerState>,
) -> Result<Json<Value>, ApiError> {
    let stats = state
        .runtime
        .kernel()
        .get_scheduler_stats(state.server_pid)?;
    Ok(Json(json!({"success": true, "stats": {
        "total_scheduled": stats.total_scheduled,
        "context_switches": stats.context_switches,
        "preemptions": stats.preemptions,
        "active_processes": stats.active_processes,
        "policy": stats.policy.name(),
        "quantum_micros": stats.quantum_micros,
    }})))
}

/// `PUT /kernel/scheduler/policy`: `RoundRobin`, `Priority` or `Fair` (any case).
pub(crate) async fn set_policy(
    State(state): State<ServerState>,
    payload: Result<Json<PolicyRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload?;
    let policy: SchedulingPolicy = request.policy.parse().map_err(|_| {
        ApiError::bad_request("Invalid policy. Must be RoundRobin, Priority, or Fair")
    })?;
    state
        .runtime
        .kernel()
        .set_scheduling_policy(state.server_pid, policy)?;
    Ok(Json(json!({
        "success": true,
        "policy": policy.name(),
        "message": "Scheduling policy updated successfully",
    })))
}
