//! The AgentOS server: a thin HTTP and WebSocket adapter over the core crates.
//!
//! Every route converts its input, makes one call into `agentos-tools` or `agentos-ai`, and
//! converts the output. Errors become `{"error": "..."}` bodies with a fitting status code.
#![forbid(unsafe_code)]

mod dto;
mod error;
mod guard;
mod routes;
mod state;
mod web;
mod ws;

use std::net::SocketAddr;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
};
use tokio::net::TcpListener;
use tower_http::cors::CorsLayer;

pub use crate::{
    error::ApiError,
    guard::RateLimit,
    state::{SYSTEM_MOUNT, ServerConfig, ServerState, StartError},
};

/// Largest request body accepted, in bytes (a 512 KB Blueprint plus its envelope).
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The server's routes over `state`.
pub fn router(state: ServerState) -> Router {
    Router::new()
        .route("/", get(web::index))
        .route("/assets/{*path}", get(web::asset))
        .route("/health", get(routes::health))
        .route("/metrics", get(routes::metrics))
        .route("/generate-ui", post(routes::generate_ui))
        .route("/apps", get(routes::list_apps).post(routes::launch_app))
        .route(
            "/apps/{id}",
            get(routes::app_detail).delete(routes::close_app),
        )
        .route("/apps/{id}/state", get(routes::app_state))
        .route("/apps/{id}/events", post(routes::app_event))
        .route("/apps/{id}/focus", post(routes::focus_app))
        .route("/apps/{id}/window", post(routes::set_window))
        .route("/services", get(routes::services::list))
        .route("/services/discover", post(routes::services::discover))
        .route("/services/execute", post(routes::services::execute))
        .route("/registry/save", post(routes::registry::save))
        .route("/registry/apps", get(routes::registry::list))
        .route(
            "/registry/apps/{id}",
            get(routes::registry::get).delete(routes::registry::delete),
        )
        .route("/registry/apps/{id}/launch", post(routes::registry::launch))
        .route("/sessions", get(routes::sessions::list))
        .route("/sessions/save", post(routes::sessions::save))
        .route(
            "/sessions/save-default",
            post(routes::sessions::save_default),
        )
        .route(
            "/sessions/{id}",
            get(routes::sessions::get).delete(routes::sessions::delete),
        )
        .route("/sessions/{id}/restore", post(routes::sessions::restore))
        .route("/kernel/schedule-next", post(routes::kernel::schedule_next))
        .route(
            "/kernel/scheduler/stats",
            get(routes::kernel::scheduler_stats),
        )
        .route(
            "/kernel/scheduler/policy",
            axum::routing::put(routes::kernel::set_policy),
        )
        .route("/stream", get(ws::stream))
        .fallback(routes::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::bearer_token,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::rate_limit,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CorsLayer::permissive())
        .with_state(state)
}

/// Serves `state` on `listener` until the process is stopped.
///
/// # Errors
/// Any I/O error from accepting connections.
pub async fn serve(listener: TcpListener, state: ServerState) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
