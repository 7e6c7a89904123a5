//! Provider configuration: which provider, where, which model, the key, and HTTP limits —
//! from the environment or written out by the caller.

use std::{fmt, time::Duration};

/// An API key. It never prints: `Debug` shows `ApiKey(***)` and there is no `Display`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    /// The key itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Which wire protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProviderKind {
    /// Google Gemini `streamGenerateContent` with `alt=sse`.
    Gemini,
    /// OpenAI-compatible `chat/completions` with `stream: true` (OpenAI, Ollama, vLLM,
    /// llama.cpp server, LM Studio).
    OpenAi,
}

impl ProviderKind {
    /// The provider's name in messages: `gemini` or `openai`.
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::Gemini => "gemini",
            ProviderKind::OpenAi => "openai",
        }
    }

    /// Parses `gemini`/`google` or `openai`/`ollama`/`vllm`/`openai-compatible`.
    pub fn from_name(name: &str) -> Option<ProviderKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "gemini" | "google" => Some(ProviderKind::Gemini),
            "openai" | "openai-compatible" | "ollama" | "vllm" | "llamacpp" | "llama.cpp"
            | "lmstudio" => Some(ProviderKind::OpenAi),
            _ => None,
        }
    }
}

/// HTTP behaviour shared by the providers.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpConfig {
    /// Longest wait to connect.
    pub connect_timeout: Duration,
    /// Longest wait for the response headers (and for each retry's).
    pub response_timeout: Duration,
    /// Longest silence between two body chunks once streaming.
    pub idle_timeout: Duration,
    /// Retries after a 429, a 5xx or a connection failure (0 = try once).
    pub max_retries: u32,
    /// First backoff; doubled on each retry.
    pub initial_backoff: Duration,
    /// Upper bound for any wait between retries, including a server's `Retry-After`.
    pub max_backoff: Duration,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            response_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// Everything needed to talk to one provider.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderConfig {
    /// The wire protocol.
    pub kind: ProviderKind,
    /// Base URL: `https://generativelanguage.googleapis.com` for Gemini,
    /// `https://api.openai.com/v1` (or a local server's `/v1`) for OpenAI-compatible.
    pub base_url: String,
    /// The model name.
    pub model: String,
    /// The key; optional for local OpenAI-compatible servers.
    pub api_key: Option<ApiKey>,
    /// Whether to ask for JSON output constrained by the Blueprint schema.
    pub structured_output: bool,
    /// Sampling temperature.
    pub temperature: f32,
    /// Longest answer, in tokens.
    pub max_output_tokens: u32,
    /// Timeouts and retries.
    pub http: HttpConfig,
}

/// Default Gemini model.
pub const DEFAULT_GEMINI_MODEL: &str = "gemini-2.0-flash";
/// Default OpenAI model.
pub const DEFAULT_OPENAI_MODEL: &str = "gpt-4o-mini";

impl ProviderConfig {
    /// Gemini at Google with `model` and `api_key`.
    pub fn gemini(api_key: ApiKey, model: &str) -> ProviderConfig {
        ProviderConfig::new(
            ProviderKind::Gemini,
            "https://generativelanguage.googleapis.com",
            model,
            Some(api_key),
        )
    }

    /// An OpenAI-compatible server at `base_url` (ending in `/v1`).
    pub fn openai(base_url: &str, model: &str, api_key: Option<ApiKey>) -> ProviderConfig {
        ProviderConfig::new(ProviderKind::OpenAi, base_url, model, api_key)
    }

    fn new(
        kind: ProviderKind,
        base_url: &str,
        model: &str,
        api_key: Option<ApiKey>,
    ) -> ProviderConfig {
        ProviderConfig {
            kind,
            base_url: base_url.trim_end_matches('/').to_owned(),
            model: model.to_owned(),
            api_key,
            structured_output: true,
            temperature: 0.1,
            max_output_tokens: 8192,
            http: HttpConfig::default(),
        }
    }

    /// The provider the process environment configures, if any (see [`ProviderConfig::from_lookup`]).
    pub fn from_env() -> Option<ProviderConfig> {
        ProviderConfig::from_lookup(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        })
    }

    /// The provider configured by the variables `lookup` returns: `AGENTOS_PROVIDER`
    /// (`gemini`/`openai`) picks one explicitly; otherwise `GOOGLE_API_KEY`/`GEMINI_API_KEY`
    /// select Gemini, and `OPENAI_API_KEY` or `OPENAI_BASE_URL` an OpenAI-compatible server.
    /// `GEMINI_MODEL`, `OPENAI_MODEL` (or `AGENTOS_MODEL`) and `GEMINI_BASE_URL` override the defaults.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<ProviderConfig> {
        let gemini_key = lookup("GOOGLE_API_KEY")
            .or_else(|| lookup("GEMINI_API_KEY"))
            .map(ApiKey::new);
        let openai_key = lookup("OPENAI_API_KEY").map(ApiKey::new);
        let openai_base = lookup("OPENAI_BASE_URL");
        let kind = match lookup("AGENTOS_PROVIDER").and_then(|name| ProviderKind::from_name(&name))
        {
            Some(kind) => kind,
            None if gemini_key.is_some() => ProviderKind::Gemini,
            None if openai_key.is_some() || openai_base.is_some() => ProviderKind::OpenAi,
            None => return None,
        };
        let model_override = lookup("AGENTOS_MODEL");
        let mut config = match kind {
            ProviderKind::Gemini => {
                let model = model_override
                    .or_else(|| lookup("GEMINI_MODEL"))
                    .unwrap_or_else(|| DEFAULT_GEMINI_MODEL.to_owned());
                let mut config = ProviderConfig::gemini(gemini_key?, &model);
                if let Some(base) = lookup("GEMINI_BASE_URL") {
                    config.base_url = base.trim_end_matches('/').to_owned();
                }
                config
            }
            ProviderKind::OpenAi => {
                let model = model_override
                    .or_else(|| lookup("OPENAI_MODEL"))
                    .unwrap_or_else(|| DEFAULT_OPENAI_MODEL.to_owned());
                let base = openai_base.unwrap_or_else(|| "https://api.openai.com/v1".to_owned());
                ProviderConfig::openai(&base, &model, openai_key)
            }
        };
        if lookup("AGENTOS_STRUCTURED_OUTPUT")
            .is_some_and(|value| value == "0" || value.eq_ignore_ascii_case("false"))
        {
            config.structured_output = false;
        }
        Some(config)
    }

    /// The environment variable that holds this provider's key, for error hints.
    pub(crate) fn key_variable(&self) -> &'static str {
        match self.kind {
            ProviderKind::Gemini => "GOOGLE_API_KEY or GEMINI_API_KEY",
            ProviderKind::OpenAi => "OPENAI_API_KEY",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn environment_selects_the_provider() {
        assert_eq!(ProviderConfig::from_lookup(lookup(&[])), None);
        let gemini =
            ProviderConfig::from_lookup(lookup(&[("GEMINI_API_KEY", "g-secret")])).unwrap();
        assert_eq!(
            (gemini.kind, gemini.model.as_str()),
            (ProviderKind::Gemini, DEFAULT_GEMINI_MODEL)
        );
        let local = ProviderConfig::from_lookup(lookup(&[
            ("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/"),
            ("OPENAI_MODEL", "llama3"),
        ]))
        .unwrap();
        assert_eq!(
            (local.kind, local.base_url.as_str(), local.model.as_str()),
            (ProviderKind::OpenAi, "http://127.0.0.1:11434/v1", "llama3")
        );
        assert_eq!(local.api_key, None);
        let explicit = ProviderConfig::from_lookup(lookup(&[
            ("AGENTOS_PROVIDER", "openai"),
            ("GOOGLE_API_KEY", "g"),
            ("OPENAI_API_KEY", "o"),
        ]))
        .unwrap();
        assert_eq!(explicit.kind, ProviderKind::OpenAi);
        assert_eq!(
            ProviderConfig::from_lookup(lookup(&[("AGENTOS_PROVIDER", "gemini")])),
            None,
            "gemini needs a key"
        );
    }

    #[test]
    fn keys_never_print() {
        let config = ProviderConfig::gemini(ApiKey::new("super-secret-key"), "m");
        assert!(!format!("{config:?}").contains("super-secret-key"));
    }
}
