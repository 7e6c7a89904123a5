//! The AgentOS app generator: words in, a streamed Blueprint out.
//!
//! The default generator works offline from an embedded template library (43 kinds, fuzzy
//! intent matching, slot filling) and answers in well under a millisecond. With a provider
//! configured ([`GeneratorConfig::from_env`]: `GOOGLE_API_KEY`/`GEMINI_API_KEY`,
//! `OPENAI_API_KEY`, `OPENAI_BASE_URL`), requests no template answers confidently go to Gemini or
//! an OpenAI-compatible server; their answers are validated, repaired once with the diagnostics,
//! and replaced by the best template if still invalid. Generation is a stream of
//! [`GenerationEvent`]s — a start, thoughts, Blueprint JSON in chunks (so a view can render
//! while it arrives), components, and the validated Blueprint at the end. [`ChatAgent`] holds a
//! conversation and answers from a built-in help when offline.
//!
//! ```
//! use agentos_ai::Generator;
//!
//! let generator = Generator::offline();
//! let blueprint = futures_util::FutureExt::now_or_never(generator.generate("a calculator"))
//!     .expect("offline generation never waits")?;
//! assert_eq!(blueprint.app.id, "calculator");
//! # Ok::<(), agentos_ai::Error>(())
//! ```
#![forbid(unsafe_code)]

mod cache;
mod catalog;
mod chat;
mod error;
mod event;
mod generator;
mod intent;
mod launch;
mod pipeline;
mod prompt;
mod provider;
mod slot;
mod template;
mod validate;

pub use crate::{
    catalog::{COMPONENTS, ComponentInfo, TOOL_FAMILIES, ToolFamily, ToolInfo, relevant_tools},
    chat::{ChatAgent, ChatEvent, MAX_HISTORY},
    error::{Error, Result},
    event::GenerationEvent,
    generator::{Generator, GeneratorConfig, MAX_REQUEST_CHARS, SharedToolCatalog},
    intent::IntentMatch,
    launch::Launched,
    prompt::BLUEPRINT_SCHEMA,
    provider::{
        ApiKey, ChatMessage, DEFAULT_GEMINI_MODEL, DEFAULT_OPENAI_MODEL, HttpConfig, HttpProvider,
        Provider, ProviderConfig, ProviderKind, ProviderRequest, Role, TokenStream,
    },
    slot::{Slots, TitleSlot, format_duration},
    template::{CONFIDENT, Slot, Template, TemplateLibrary},
};

/// The README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
