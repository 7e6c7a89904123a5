//! The crate's one error type.

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
}
