//! The crate's one error type.

use std::sync::Arc;

/// Result alias for generation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why generation failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The generated text is not a valid Blueprint.
    #[error("generated blueprint for {request:?} is invalid: {source}")]
    InvalidBlueprint {
        /// The request that was being answered.
        request: String,
        /// What the Blueprint parser found.
        source: agentos_blueprint::Error,
    },
    /// The request was empty or unusable.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The stream ended without a Blueprint.
    #[error("generation for {0:?} ended without a blueprint")]
    Incomplete(String),
    /// The generation ended with an `Error` event; this is its message (e.g. `request is
    /// empty`).
    #[error("{0}")]
    Generation(String),
    /// The runtime refused to launch the generated (valid) Blueprint.
    #[error("launching the generated app `{app}`: {source}")]
    Launch {
        /// The Blueprint's `app.id`.
        app: String,
        /// What the runtime said; shared so the error stays cheap to clone.
        source: Arc<agentos_tools::Error>,
    },
    /// A provider answered with a failing HTTP status (after any retries).
    #[error("{provider}: HTTP {status}: {message}; {hint}")]
    ProviderStatus {
        /// `gemini` or `openai`.
        provider: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The provider's error message (never containing the key).
        message: String,
        /// What to do about it.
        hint: &'static str,
    },
    /// A provider could not be reached, timed out or broke the connection.
    #[error("{provider}: {reason}; {hint}")]
    ProviderTransport {
        /// `gemini` or `openai`.
        provider: &'static str,
        /// What happened.
        reason: String,
        /// What to do about it.
        hint: &'static str,
    },
    /// A provider's stream held an event that could not be read.
    #[error("{provider}: malformed stream event {index}: {reason}")]
    ProviderStream {
        /// `gemini` or `openai`.
        provider: &'static str,
        /// 1-based index of the event in the stream.
        index: usize,
        /// What was wrong with it.
        reason: String,
    },
}
