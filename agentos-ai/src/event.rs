//! Events a generation streams to its caller.

use agentos_blueprint::Blueprint;

/// One step of a generation, in the order they arrive.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GenerationEvent {
    /// Generation began; the message says what is happening.
    Start {
        /// A human-readable status line.
        message: String,
    },
    /// A note on how the generator is proceeding (which template, which provider).
    Thought(String),
    /// The next chunk of Blueprint JSON; the chunks concatenate to the whole document.
    Token(String),
    /// The finished, validated Blueprint.
    Complete(Box<Blueprint>),
    /// Generation failed; no `Complete` follows.
    Error(String),
}
