//! The web desktop: static files compiled into the binary and served under `/` and `/assets/`.

use axum::{
    extract::Path,
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use crate::{error::ApiError, routes};

/// The desktop page.
const INDEX_HTML: &str = include_str!("../web/index.html");

/// Every asset: path under `/assets/`, content type, contents.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "desktop.css",
        "text/css; charset=utf-8",
        include_str!("../web/desktop.css"),
    ),
    (
        "js/main.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/js/main.js"),
    ),
    (
        "js/render.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/js/render.js"),
    ),
    (
        "js/socket.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/js/socket.js"),
    ),
    (
        "js/windows.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/js/windows.js"),
    ),
];

/// `GET /`: the desktop for browsers, the JSON service status for everything else.
pub(crate) async fn index(headers: HeaderMap) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        Html(INDEX_HTML).into_response()
    } else {
        routes::root().await.into_response()
    }
}

/// `GET /assets/*path`: one compiled-in asset.
pub(crate) async fn asset(Path(path): Path<String>) -> Result<Response, ApiError> {
    let (_, content_type, body) = ASSETS
        .iter()
        .find(|(name, _, _)| *name == path)
        .ok_or_else(|| ApiError::not_found(format!("no asset {path}")))?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, *content_type)],
        *body,
    )
        .into_response())
}
