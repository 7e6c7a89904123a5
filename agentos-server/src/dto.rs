//! Wire shapes of requests and responses, with conversions from core types.

use agentos_tools::{AppId, UiEvent};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;

/// `POST /generate-ui` body.
#[derive(Debug, Deserialize)]
pub(crate) struct GenerateRequest {
    pub(crate) message: String,
}

/// `POST /apps` body.
#[derive(Debug, Deserialize)]
pub(crate) struct LaunchRequest {
    pub(crate) blueprint: Value,
}

/// `POST /apps/:id/events` body, and the fields of a WebSocket `event` message.
#[derive(Debug, Deserialize)]
pub(crate) struct EventRequest {
    pub(crate) component_id: String,
    pub(crate) event: String,
    #[serde(default)]
    pub(crate) value: Option<Value>,
}

impl From<EventRequest> for UiEvent {
    fn from(request: EventRequest) -> UiEvent {
        UiEvent {
            component_id: request.component_id,
            event: request.event,
            value: request.value,
        }
    }
}

/// Parses an app id from a path segment.
pub(crate) fn app_id(text: &str) -> Result<AppId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::bad_request(format!("invalid app id `{text}`: expected a UUID")))
}
