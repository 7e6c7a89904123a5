//! LLM providers behind the small [`Provider`] trait: a request in, a stream of text out.

mod config;
mod gemini;
mod http;
mod openai;
mod sse;

use std::{fmt, sync::Arc};

use futures_util::stream::BoxStream;
use serde_json::Value;

pub use self::config::{
    ApiKey, DEFAULT_GEMINI_MODEL, DEFAULT_OPENAI_MODEL, HttpConfig, ProviderConfig, ProviderKind,
};
use crate::error::{Error, Result};

/// The text of an answer, chunk by chunk, as the provider streams it. Dropping it cancels the
/// request.
pub type TokenStream = BoxStream<'static, Result<String>>;

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// Instructions for the model.
    System,
    /// The person.
    User,
    /// The model.
    Assistant,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who said it.
    pub role: Role,
    /// What was said.
    pub content: String,
}

impl ChatMessage {
    /// A system message.
    pub fn system(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::System,
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::User,
            content: content.into(),
        }
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// What to ask a provider: the conversation (system messages first) and, optionally, a JSON
/// Schema the answer must follow.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderRequest {
    /// The conversation, oldest first.
    pub messages: Vec<ChatMessage>,
    /// A JSON Schema for structured output, passed where the provider supports it. Shared:
    /// every generation sends the same one.
    pub response_schema: Option<Arc<Value>>,
}

impl ProviderRequest {
    /// The system messages joined, for providers that take one system instruction.
    pub(crate) fn system_text(&self) -> String {
        let parts: Vec<&str> = self
            .messages
            .iter()
            .filter(|message| message.role == Role::System)
            .map(|message| message.content.as_str())
            .collect();
        parts.join("\n\n")
    }
}

/// A language model that streams text.
pub trait Provider: Send + Sync + fmt::Debug {
    /// A short name for messages and cache keys, e.g. `gemini:gemini-2.0-flash`.
    fn name(&self) -> String;

    /// Starts answering `request`. The request is sent when the stream is first polled.
    ///
    /// # Errors
    /// Setup failures; HTTP and stream failures arrive as `Err` items of the stream
    /// ([`Error::ProviderStatus`], [`Error::ProviderTransport`], [`Error::ProviderStream`]).
    fn stream(&self, request: &ProviderRequest) -> Result<TokenStream>;
}

/// A Gemini or OpenAI-compatible provider over HTTP (rustls, HTTP/1.1 and HTTP/2).
#[derive(Clone)]
pub struct HttpProvider {
    config: ProviderConfig,
    client: reqwest::Client,
}

impl fmt::Debug for HttpProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpProvider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl HttpProvider {
    /// A provider for `config`.
    ///
    /// # Errors
    /// [`Error::ProviderTransport`] when the HTTP client cannot be built (e.g. no TLS roots).
    pub fn new(config: ProviderConfig) -> Result<HttpProvider> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.http.connect_timeout)
            .build()
            .map_err(|err| Error::ProviderTransport {
                provider: config.kind.name(),
                reason: err.without_url().to_string(),
                hint: "the HTTP client could not start; check the TLS setup",
            })?;
        Ok(HttpProvider { config, client })
    }

    /// A shareable provider for `config`.
    ///
    /// # Errors
    /// As [`HttpProvider::new`].
    pub fn shared(config: ProviderConfig) -> Result<Arc<dyn Provider>> {
        Ok(Arc::new(HttpProvider::new(config)?))
    }

    /// The configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }
}

impl Provider for HttpProvider {
    fn name(&self) -> String {
        format!("{}:{}", self.config.kind.name(), self.config.model)
    }

    fn stream(&self, request: &ProviderRequest) -> Result<TokenStream> {
        let (build, extract): (http::Build, http::Extract) = match self.config.kind {
            ProviderKind::Gemini => (
                gemini::build(self.client.clone(), &self.config, request),
                gemini::extract,
            ),
            ProviderKind::OpenAi => (
                openai::build(self.client.clone(), &self.config, request),
                openai::extract,
            ),
        };
        Ok(http::stream(&self.config, build, extract))
    }
}
