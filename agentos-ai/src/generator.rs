//! The [`Generator`]: normalise → cache → template when confident → LLM (validated, one repair
//! round) → fallback template, streamed as [`GenerationEvent`]s.

use std::{fmt, sync::Arc, time::Duration};

use agentos_blueprint::{Blueprint, ToolCatalog};
use futures_util::{
    StreamExt,
    stream::{self, BoxStream},
};
use parking_lot::Mutex;
use serde_json::Value;

use crate::{
    cache::{Cache, Cached},
    catalog,
    error::{Error, Result},
    event::GenerationEvent,
    intent::IntentMatch,
    pipeline,
    prompt::{BLUEPRINT_SCHEMA, ToolLines},
    provider::{HttpProvider, Provider, ProviderConfig, ProviderKind},
    template::{CONFIDENT, TemplateLibrary},
    validate,
};

/// Longest request accepted, in characters (as the reference's message limit).
pub const MAX_REQUEST_CHARS: usize = 10_000;

/// A tool catalogue shared with the generator, e.g. a closure over the runtime's registry:
/// `Arc::new(move |tool: &str| registry.contains(tool))`.
pub type SharedToolCatalog = Arc<dyn ToolCatalog + Send + Sync>;

/// How a [`Generator`] works. Plain data: build it, change fields, pass it to [`Generator::new`].
#[derive(Clone)]
pub struct GeneratorConfig {
    /// The LLM to ask when no template is confident; `None` works offline.
    pub provider: Option<ProviderConfig>,
    /// Template confidence at or above which no LLM is asked.
    pub confidence_threshold: f32,
    /// Generations kept in the cache (0 turns it off).
    pub cache_capacity: usize,
    /// How long a cached generation stays valid.
    pub cache_ttl: Duration,
    /// Characters per streamed `Token` of a template answer.
    pub chunk_chars: usize,
    /// The Blueprint JSON Schema for structured output; `None` uses a built-in minimal one.
    pub blueprint_schema: Option<Value>,
    /// The tools the runtime implements: every Blueprint is validated against it, and the
    /// prompt lists only its tools. `None` uses this crate's own list ([`crate::TOOL_FAMILIES`]).
    pub tools: Option<SharedToolCatalog>,
}

impl fmt::Debug for GeneratorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratorConfig")
            .field("provider", &self.provider)
            .field("confidence_threshold", &self.confidence_threshold)
            .field("cache_capacity", &self.cache_capacity)
            .field("cache_ttl", &self.cache_ttl)
            .field("chunk_chars", &self.chunk_chars)
            .field("blueprint_schema", &self.blueprint_schema.is_some())
            .field("tools", &self.tools.as_ref().map(|_| "<catalogue>"))
            .finish()
    }
}

/// Equal when every field is; two catalogues are equal only when they are the same `Arc`.
impl PartialEq for GeneratorConfig {
    fn eq(&self, other: &GeneratorConfig) -> bool {
        self.provider == other.provider
            && self.confidence_threshold == other.confidence_threshold
            && self.cache_capacity == other.cache_capacity
            && self.cache_ttl == other.cache_ttl
            && self.chunk_chars == other.chunk_chars
            && self.blueprint_schema == other.blueprint_schema
            && match (&self.tools, &other.tools) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl Default for GeneratorConfig {
    fn default() -> GeneratorConfig {
        GeneratorConfig {
            provider: None,
            confidence_threshold: CONFIDENT,
            cache_capacity: 100,
            cache_ttl: Duration::from_secs(3600),
            chunk_chars: 50,
            blueprint_schema: None,
            tools: None,
        }
    }
}

impl GeneratorConfig {
    /// Defaults, with the provider the environment configures (see
    /// [`ProviderConfig::from_lookup`]).
    pub fn from_env() -> GeneratorConfig {
        GeneratorConfig {
            provider: ProviderConfig::from_env(),
            ..GeneratorConfig::default()
        }
    }

    /// What `agentos generate --provider P --model M` means: `P` is `offline`, `gemini` or
    /// `openai` (keys and URLs still come from the environment); `M` overrides the model.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an unknown provider name or one the environment does not
    /// configure (the message names the variable to set).
    pub fn for_cli(provider: Option<&str>, model: Option<&str>) -> Result<GeneratorConfig> {
        GeneratorConfig::for_cli_with(provider, model, |name| {
            std::env::var(name).ok().filter(|v| !v.trim().is_empty())
        })
    }

    /// [`GeneratorConfig::for_cli`] reading variables through `lookup`.
    ///
    /// # Errors
    /// As [`GeneratorConfig::for_cli`].
    pub fn for_cli_with(
        provider: Option<&str>,
        model: Option<&str>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<GeneratorConfig> {
        let mut config = GeneratorConfig::default();
        let wanted = match provider {
            Some(name)
                if name.eq_ignore_ascii_case("offline")
                    || name.eq_ignore_ascii_case("templates") =>
            {
                return Ok(config);
            }
            Some(name) => Some(ProviderKind::from_name(name).ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "unknown provider `{name}`; use offline, gemini or openai"
                ))
            })?),
            None => None,
        };
        let provider_config = match wanted {
            Some(kind) => ProviderConfig::from_lookup(|name| {
                if name == "AGENTOS_PROVIDER" {
                    Some(kind.name().to_owned())
                } else {
                    lookup(name)
                }
            }),
            None => ProviderConfig::from_lookup(&lookup),
        };
        config.provider = match (wanted, provider_config) {
            (_, Some(mut found)) => {
                if let Some(model) = model {
                    found.model = model.to_owned();
                }
                Some(found)
            }
            (Some(ProviderKind::Gemini), None) => {
                return Err(Error::InvalidRequest(
                    "gemini needs GOOGLE_API_KEY or GEMINI_API_KEY".to_owned(),
                ));
            }
            (Some(_), None) => {
                return Err(Error::InvalidRequest(
                    "openai needs OPENAI_API_KEY or OPENAI_BASE_URL".to_owned(),
                ));
            }
            (None, None) => None,
        };
        Ok(config)
    }
}

/// Turns requests into Blueprints. Cheap to clone and share between tasks; clones share the
/// cache.
#[derive(Clone)]
pub struct Generator {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) templates: TemplateLibrary,
    pub(crate) provider: Option<Arc<dyn Provider>>,
    pub(crate) config: GeneratorConfig,
    pub(crate) schema: Arc<Value>,
    pub(crate) cache: Mutex<Cache>,
    /// The prompt's tool lines for the configured catalogue.
    pub(crate) tool_lines: ToolLines,
    fingerprint: String,
}

impl fmt::Debug for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generator")
            .field("provider", &self.inner.provider)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Default for Generator {
    fn default() -> Generator {
        Generator::offline()
    }
}

impl Generator {
    /// A generator that uses only the embedded template library: no key, no network.
    pub fn offline() -> Generator {
        Generator::build(GeneratorConfig::default(), None)
    }

    /// A generator for `config`, with an HTTP provider when `config.provider` is set.
    ///
    /// # Errors
    /// [`Error::ProviderTransport`] when the HTTP client cannot be built.
    pub fn new(config: GeneratorConfig) -> Result<Generator> {
        let provider = match &config.provider {
            Some(provider_config) => Some(HttpProvider::shared(provider_config.clone())?),
            None => None,
        };
        Ok(Generator::build(config, provider))
    }

    /// A generator configured by the environment: offline unless a provider key or URL is set.
    ///
    /// # Errors
    /// As [`Generator::new`].
    pub fn from_env() -> Result<Generator> {
        Generator::new(GeneratorConfig::from_env())
    }

    /// A generator that asks `provider` (any [`Provider`]) when no template is confident.
    pub fn with_provider(config: GeneratorConfig, provider: Arc<dyn Provider>) -> Generator {
        Generator::build(config, Some(provider))
    }

    fn build(config: GeneratorConfig, provider: Option<Arc<dyn Provider>>) -> Generator {
        let schema = Arc::new(
            config
                .blueprint_schema
                .clone()
                .or_else(|| serde_json::from_str(BLUEPRINT_SCHEMA).ok())
                .unwrap_or(Value::Null),
        );
        let fingerprint = format!(
            "{}|{}|{}",
            provider
                .as_ref()
                .map_or_else(|| "offline".to_owned(), |p| p.name()),
            config.confidence_threshold,
            config.chunk_chars
        );
        let tool_lines = match &config.tools {
            Some(tools) => ToolLines::new(tools.as_ref()),
            None => ToolLines::new(&catalog::is_known_tool),
        };
        Generator {
            inner: Arc::new(Inner {
                templates: TemplateLibrary::builtin(),
                tool_lines,
                cache: Mutex::new(Cache::new(config.cache_capacity, config.cache_ttl)),
                provider,
                config,
                schema,
                fingerprint,
            }),
        }
    }

    /// The tool catalogue Blueprints are validated against: the configured one, else this
    /// crate's own list.
    pub(crate) fn tools(&self) -> &(dyn ToolCatalog + Send + Sync) {
        match &self.inner.config.tools {
            Some(tools) => tools.as_ref(),
            None => &catalog::is_known_tool,
        }
    }

    /// The template library.
    pub fn templates(&self) -> &TemplateLibrary {
        &self.inner.templates
    }

    /// True when an LLM provider is configured.
    pub fn has_provider(&self) -> bool {
        self.inner.provider.is_some()
    }

    /// Streams the generation of an app for `request`: `Start`, `Thought`s, `Token`s,
    /// `Component`s and then `Complete` with a validated Blueprint, or `Error`. Offline answers
    /// are ready at once; dropping the stream cancels an LLM request.
    pub fn stream(&self, request: &str) -> BoxStream<'static, GenerationEvent> {
        let mut events = vec![GenerationEvent::Start {
            message: "Analyzing request...".to_owned(),
        }];
        let request = match normalise(request) {
            Ok(request) => request,
            Err(message) => {
                events.push(GenerationEvent::Error(message));
                return stream::iter(events).boxed();
            }
        };
        // Case is kept in the key: "called Groceries" and "called groceries" differ in title.
        // With the cache off there is no key to make and nothing to look up.
        let key = (self.inner.config.cache_capacity > 0)
            .then(|| format!("{}|{}", request, self.inner.fingerprint));
        if let Some(hit) = key
            .as_ref()
            .and_then(|key| self.inner.cache.lock().get(key))
        {
            events.push(GenerationEvent::Thought(format!(
                "Answered from the cache ({})",
                hit.origin
            )));
            events.extend(hit.events.iter().cloned());
            return stream::iter(events).boxed();
        }
        let best = self.inner.templates.best_match(&request);
        let confident =
            best.is_some_and(|found| found.confidence >= self.inner.config.confidence_threshold);
        let Some(provider) = self.inner.provider.clone().filter(|_| !confident) else {
            match self.template_answer(&request, best, true) {
                Ok(answer) => {
                    events.push(GenerationEvent::Thought(answer.thought));
                    if let Some(key) = key {
                        let cached = Cached {
                            events: Arc::from(answer.events.as_slice()),
                            origin: Arc::from(answer.origin),
                        };
                        self.inner.cache.lock().insert(key, cached);
                    }
                    events.extend(answer.events);
                }
                Err(err) => events.push(GenerationEvent::Error(err.to_string())),
            }
            return stream::iter(events).boxed();
        };
        let confidence = best.map_or(0.0, |found| found.confidence);
        events.push(GenerationEvent::Thought(format!(
            "No template is confident enough ({confidence:.2}); asking {}",
            provider.name()
        )));
        pipeline::LlmGeneration::new(self.clone(), provider, request, key, events).boxed()
    }

    /// Generates an app for `request` and returns its Blueprint.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty or oversized request; [`Error::Incomplete`] when
    /// the stream ends without a Blueprint.
    pub async fn generate(&self, request: &str) -> Result<Blueprint> {
        let mut events = self.stream(request);
        while let Some(event) = events.next().await {
            match event {
                GenerationEvent::Complete(blueprint) => return Ok(*blueprint),
                GenerationEvent::Error(message) => return Err(Error::InvalidRequest(message)),
                _ => {}
            }
        }
        Err(Error::Incomplete(request.to_owned()))
    }

    /// Generates an app for `request` from the templates only, synchronously, whatever the
    /// provider configuration: what a tool such as `app.spawn` needs when it cannot await.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty or oversized request.
    pub fn generate_offline(&self, request: &str) -> Result<Blueprint> {
        let request = normalise(request).map_err(Error::InvalidRequest)?;
        let best = self.inner.templates.best_match(&request);
        let answer = self.template_answer(
            &request,
            best.filter(|found| found.confidence >= self.inner.config.confidence_threshold),
            false,
        )?;
        match answer.events.into_iter().last() {
            Some(GenerationEvent::Complete(blueprint)) => Ok(*blueprint),
            _ => Err(Error::Incomplete(request)),
        }
    }

    /// The offline answer for `request`: the best template with its slots filled, or the
    /// scratchpad when none matches. With `streamed`, its events are those of a model that
    /// wrote the template's Blueprint JSON (`Token`s, each followed by the `Component`s the
    /// parser completed), then a `Thought` and `Complete`; without, only `Complete`.
    pub(crate) fn template_answer(
        &self,
        request: &str,
        best: Option<IntentMatch<'_>>,
        streamed: bool,
    ) -> Result<Answer> {
        let (blueprint, origin, thought) = match best {
            Some(found)
                if found.confidence >= self.inner.config.confidence_threshold
                    || self.inner.provider.is_some() && found.confidence >= 0.3 =>
            {
                (
                    TemplateLibrary::instantiate(found.template, request),
                    format!("template {}", found.template.kind),
                    format!(
                        "Using the offline `{}` template (confidence {:.2})",
                        found.template.kind, found.confidence
                    ),
                )
            }
            _ => (
                TemplateLibrary::fallback(request),
                "scratchpad".to_owned(),
                "No template matches; building a scratchpad titled after the request".to_owned(),
            ),
        };
        let source = serde_json::to_string_pretty(&blueprint)
            .map_err(|err| Error::InvalidRequest(err.to_string()))?;
        // Templates are tested valid against the runtime's tools; checking again against the
        // configured catalogue keeps the promise that nothing invalid ever reaches `Complete`.
        // Streamed, the check is the same parse that produces the component events.
        let (mut events, outcome) = if streamed {
            validate::stream_text(&source, self.inner.config.chunk_chars, self.tools())
        } else {
            (Vec::new(), validate::check(&source, self.tools()))
        };
        let blueprint = match outcome {
            Ok(blueprint) => blueprint,
            // A catalogue without this template's tools: the scratchpad may still fit it.
            Err(_) if origin != "scratchpad" => {
                let mut answer = self.template_answer(request, None, streamed)?;
                answer.thought = format!(
                    "The `{}` template needs tools this runtime lacks; {}",
                    origin.trim_start_matches("template "),
                    answer.thought.to_lowercase()
                );
                return Ok(answer);
            }
            Err(diagnostics) => {
                return Err(Error::InvalidBlueprint {
                    request: request.to_owned(),
                    source: agentos_blueprint::Error::Invalid { diagnostics },
                });
            }
        };
        if streamed {
            let n_components = blueprint.ui.all_components().count();
            events.push(GenerationEvent::Thought(format!(
                "{n_components} components"
            )));
        }
        events.push(GenerationEvent::Complete(Box::new(blueprint)));
        Ok(Answer {
            events,
            origin,
            thought,
        })
    }
}

/// A finished offline answer: its events, where it came from and the thought that explains
/// it.
pub(crate) struct Answer {
    pub(crate) events: Vec<GenerationEvent>,
    pub(crate) origin: String,
    pub(crate) thought: String,
}

/// Trims and collapses whitespace; rejects empty and oversized requests.
fn normalise(request: &str) -> std::result::Result<String, String> {
    let normalised = request.split_whitespace().collect::<Vec<_>>().join(" ");
    if normalised.is_empty() {
        return Err("request is empty".to_owned());
    }
    if normalised.chars().count() > MAX_REQUEST_CHARS {
        return Err(format!(
            "request is longer than {MAX_REQUEST_CHARS} characters"
        ));
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn calculator_streams_chunks_that_concatenate_to_the_blueprint() {
        let events: Vec<GenerationEvent> =
            Generator::offline().stream("calculator").collect().await;
        assert!(matches!(
            events.first(),
            Some(GenerationEvent::Start { .. })
        ));
        let text: String = events
            .iter()
            .filter_map(|event| match event {
                GenerationEvent::Token(chunk) => Some(chunk.as_str()),
                _ => None,
            })
            .collect();
        let n_tokens = events
            .iter()
            .filter(|e| matches!(e, GenerationEvent::Token(_)))
            .count();
        assert!(n_tokens > 10, "streamed in many chunks, got {n_tokens}");
        let Some(GenerationEvent::Complete(blueprint)) = events.last() else {
            panic!("last event should be Complete: {events:?}");
        };
        assert_eq!(agentos_blueprint::parse(&text).blueprint, **blueprint);
        // The components are the parser's, in its order: children first, with their paths.
        let mut parser = agentos_blueprint::StreamParser::new();
        let expected: Vec<String> = parser
            .feed(&text)
            .into_iter()
            .filter_map(|event| match event {
                agentos_blueprint::Event::Component { path, .. } => Some(path),
                _ => None,
            })
            .collect();
        let paths: Vec<&String> = events
            .iter()
            .filter_map(|event| match event {
                GenerationEvent::Component { path, .. } => Some(path),
                _ => None,
            })
            .collect();
        assert_eq!(paths.len(), blueprint.ui.all_components().count());
        assert_eq!(paths, expected.iter().collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn unmatched_requests_get_a_scratchpad_and_empty_ones_an_error() {
        let blueprint = Generator::offline()
            .generate("a haiku garden")
            .await
            .unwrap();
        assert_eq!(blueprint.ui.title, "a haiku garden");
        let err = Generator::offline().generate("   ").await.unwrap_err();
        assert_eq!(err.to_string(), "invalid request: request is empty");
        let long = "x".repeat(MAX_REQUEST_CHARS + 1);
        assert!(Generator::offline().generate(&long).await.is_err());
    }

    #[tokio::test]
    async fn a_repeated_request_is_answered_from_the_cache() {
        let generator = Generator::offline();
        let first: Vec<GenerationEvent> =
            generator.stream("a timer for 25 minutes").collect().await;
        let second: Vec<GenerationEvent> = generator
            .clone()
            .stream("  a timer   for 25 minutes ")
            .collect()
            .await;
        assert!(second.contains(&GenerationEvent::Thought(
            "Answered from the cache (template timer)".to_owned()
        )));
        assert_eq!(first.last(), second.last());
        assert_eq!(generator.inner.cache.lock().len(), 1);
    }

    #[test]
    fn cli_configuration() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            GeneratorConfig::for_cli_with(None, None, env(&[]))
                .unwrap()
                .provider,
            None
        );
        assert_eq!(
            GeneratorConfig::for_cli_with(Some("offline"), None, env(&[("OPENAI_API_KEY", "k")]))
                .unwrap()
                .provider,
            None
        );
        let config = GeneratorConfig::for_cli_with(
            Some("openai"),
            Some("llama3"),
            env(&[("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")]),
        )
        .unwrap();
        assert_eq!(config.provider.unwrap().model, "llama3");
        let err = GeneratorConfig::for_cli_with(Some("gemini"), None, env(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: gemini needs GOOGLE_API_KEY or GEMINI_API_KEY"
        );
        assert!(GeneratorConfig::for_cli_with(Some("claude"), None, env(&[])).is_err());
    }

    #[test]
    fn offline_generation_is_synchronous_even_with_a_provider_configured() {
        let config = GeneratorConfig::for_cli_with(Some("openai"), None, |name| {
            (name == "OPENAI_BASE_URL").then(|| "http://127.0.0.1:9/v1".to_owned())
        })
        .unwrap();
        let generator = Generator::new(config).unwrap();
        assert!(generator.has_provider());
        assert_eq!(
            generator
                .generate_offline("a tip calculator")
                .unwrap()
                .app
                .id,
            "tip-calculator"
        );
        assert_eq!(
            generator
                .generate_offline("a supermarket helper")
                .unwrap()
                .app
                .id,
            "scratchpad"
        );
        assert!(generator.generate_offline(" ").is_err());
    }

    #[test]
    fn a_template_whose_tools_are_missing_gives_way_to_the_scratchpad() {
        let without_timers = GeneratorConfig {
            tools: Some(Arc::new(|tool: &str| {
                catalog::is_known_tool(tool) && !tool.starts_with("timer.")
            })),
            ..GeneratorConfig::default()
        };
        let generator = Generator::new(without_timers).unwrap();
        let blueprint = generator
            .generate_offline("a timer for 25 minutes")
            .unwrap();
        assert_eq!(blueprint.app.id, "scratchpad");
        assert_eq!(
            generator.generate_offline("a calculator").unwrap().app.id,
            "calculator"
        );
        let nothing = GeneratorConfig {
            tools: Some(Arc::new(|_: &str| false)),
            ..GeneratorConfig::default()
        };
        let err = Generator::new(nothing)
            .unwrap()
            .generate_offline("a calculator")
            .unwrap_err();
        assert!(err.to_string().contains("unknown tool"), "{err}");
    }

    #[test]
    fn generator_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Generator>();
    }
}
