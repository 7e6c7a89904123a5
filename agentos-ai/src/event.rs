//! Events a generation streams to its caller.

use std::sync::Arc;

use agentos_blueprint::{Blueprint, Component};

/// One step of a generation, in the order they arrive.
///
/// `Token`s concatenate to the Blueprint JSON being written. A `Start` resets that text: it
/// opens the generation, and opens it again when a repair round or a fallback template
/// replaces an answer that failed validation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GenerationEvent {
    /// Generation (or a repair, or a fallback) began; the message says what is happening.
    Start {
        /// A human-readable status line.
        message: String,
    },
    /// A note on how the generator is proceeding (which template, which provider, why a
    /// fallback).
    Thought(String),
    /// The next chunk of Blueprint JSON: one per chunk the provider streamed (for a template,
    /// per `chunk_chars` characters).
    Token(String),
    /// A complete component, ready to draw, right after the `Token` that completed it: every
    /// component as soon as the Blueprint crate's `StreamParser` completes it, children first
    /// (a container then comes without its children, which were announced before it at paths
    /// that extend its own). Templates, cache hits and model answers all stream this way. An
    /// answer that later fails validation may already have sent some; the next `Start`
    /// discards them.
    Component {
        /// JSON path of the component, e.g. `ui.components[2].children[0]`.
        path: String,
        /// The component, shared (a cache hit replays it without copying).
        component: Arc<Component>,
    },
    /// The finished, validated Blueprint; the runtime never receives any other kind.
    Complete(Box<Blueprint>),
    /// Generation failed; no `Complete` follows.
    Error(String),
}
