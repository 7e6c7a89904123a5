//! The baseline for `scripts/bench-http.sh`: a bare axum server answering `GET /health` with a
//! small JSON body and nothing else (no state, no middleware).
//!
//! Run with: `cargo run --release -p agentos-server --example bare_axum -- 8001`

use axum::{Json, Router, routing::get};
use serde_json::json;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|port| port.parse().ok())
        .unwrap_or(8001);
    let app = Router::new().route(
        "/health",
        get(|| async { Json(json!({"status": "healthy"})) }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await
}
