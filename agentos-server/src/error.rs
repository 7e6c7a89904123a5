//! `ApiError`: the one mapping from core errors to HTTP status codes and `{"error"}` bodies.

use axum::{
    Json,
    extract::rejection::JsonRejection,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

/// An error answered to an HTTP client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// A 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// A 404 with `message`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    /// The status code this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = %self.status, error = %self.message, "request failed");
        }
        (self.status, Json(json!({"error": self.message}))).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        ApiError {
            status: rejection.status(),
            message: rejection.body_text(),
        }
    }
}

impl From<agentos_tools::Error> for ApiError {
    fn from(err: agentos_tools::Error) -> ApiError {
        ApiError {
            status: tools_status(&err),
            message: err.to_string(),
        }
    }
}

/// The HTTP status for a runtime error.
fn tools_status(err: &agentos_tools::Error) -> StatusCode {
    use agentos_tools::Error as E;
    match err {
        E::UnknownApp(_) | E::UnknownComponent { .. } | E::NotFound { .. } => StatusCode::NOT_FOUND,
        E::UnboundEvent { .. }
        | E::InvalidParam { .. }
        | E::Expression { .. }
        | E::Blueprint(_)
        | E::Launch { .. } => StatusCode::BAD_REQUEST,
        // Called correctly, but the input has no answer (a singular matrix, a budget spent).
        E::UnknownTool(_) | E::Budget { .. } | E::Failed { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        E::CapabilityDenied { .. }
        | E::Kernel(
            agentos_kernel::Error::PermissionDenied { .. }
            | agentos_kernel::Error::NetworkDenied { .. },
        ) => StatusCode::FORBIDDEN,
        E::Http { .. } => StatusCode::BAD_GATEWAY,
        E::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
        E::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<agentos_kernel::Error> for ApiError {
    fn from(err: agentos_kernel::Error) -> ApiError {
        agentos_tools::Error::Kernel(err).into()
    }
}

impl From<agentos_blueprint::Error> for ApiError {
    fn from(err: agentos_blueprint::Error) -> ApiError {
        ApiError::bad_request(format!("invalid blueprint: {err}"))
    }
}

impl From<agentos_ai::Error> for ApiError {
    fn from(err: agentos_ai::Error) -> ApiError {
        let status = match &err {
            agentos_ai::Error::InvalidRequest(_) | agentos_ai::Error::Generation(_) => {
                StatusCode::BAD_REQUEST
            }
            agentos_ai::Error::Launch { source, .. } => tools_status(source),
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            message: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_failure_network_and_upstream_errors_are_not_internal() {
        let budget = agentos_tools::Error::Budget {
            tool: "math.expand".to_owned(),
            operation: "expand",
            limit: agentos_tools::BudgetLimit::Degree,
            max: 64,
        };
        assert_eq!(
            ApiError::from(budget).status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let denied = agentos_kernel::Error::NetworkDenied {
            pid: agentos_kernel::Pid(7),
            address: "10.0.0.1:80".to_owned(),
        };
        assert_eq!(ApiError::from(denied).status(), StatusCode::FORBIDDEN);
        let upstream = agentos_tools::Error::Http {
            url: "https://example.invalid/".to_owned(),
            reason: "dns error".to_owned(),
        };
        assert_eq!(ApiError::from(upstream).status(), StatusCode::BAD_GATEWAY);
        let no_answer = agentos_tools::Error::Failed {
            tool: "math.solve".to_owned(),
            reason: "the matrix is singular".to_owned(),
        };
        assert_eq!(
            ApiError::from(no_answer).status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}
