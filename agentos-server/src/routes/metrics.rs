//! `GET /metrics`: the kernel's Prometheus text exposition.

use axum::{extract::State, http::header, response::IntoResponse};

use crate::state::ServerState;

/// Prometheus text format 0.0.4 of the kernel's counters and histograms.
pub(crate) async fn metrics(State(state): State<ServerState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.runtime.kernel().metrics().encode(),
    )
}
