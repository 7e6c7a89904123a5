//! Wire shapes of requests and responses, with conversions from core types.

use agentos_tools::{AppId, AppSummary, UiEvent};
use serde::{Deserialize, Serialize};
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

/// One running app in `GET /apps`.
#[derive(Debug, Serialize)]
pub(crate) struct AppDto {
    pub(crate) app_id: AppId,
    pub(crate) pid: u32,
    pub(crate) blueprint_id: String,
    pub(crate) title: String,
}

impl From<AppSummary> for AppDto {
    fn from(app: AppSummary) -> AppDto {
        AppDto {
            app_id: app.app_id,
            pid: app.pid.0,
            blueprint_id: app.blueprint_id,
            title: app.title,
        }
    }
}

/// Parses an app id from a path segment.
pub(crate) fn app_id(text: &str) -> Result<AppId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::bad_request(format!("invalid app id `{text}`: expected a UUID")))
}
