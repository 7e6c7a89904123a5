//! Events a generation streams to its caller.

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
    /// The next chunk of Blueprint JSON.
    Token(String),
    /// A complete component, ready to draw. From a model: every component as soon as the
    /// Blueprint crate's `StreamParser` completes it (children first; a container then comes
    /// without its children), so an answer that later fails validation may already have sent
    /// some — the next `Start` discards them. From a template or the cache: each top-level
    /// component with its children, just before `Complete`.
    Component {
        /// JSON path of the component, e.g. `ui.components[2]`.
        path: String,
        /// The component.
        component: Box<Component>,
    },
    /// The finished, validated Blueprint; the runtime never receives any other kind.
    Complete(Box<Blueprint>),
    /// Generation failed; no `Complete` follows.
    Error(String),
}
