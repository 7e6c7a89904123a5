//! The [`Generator`]: picks a template for a request and streams it as Blueprint chunks.

use futures_util::{
    StreamExt,
    stream::{self, BoxStream},
};

use crate::{
    error::{Error, Result},
    event::GenerationEvent,
    template::TemplateLibrary,
};

/// Characters per streamed Blueprint chunk.
const CHUNK_CHARS: usize = 50;
/// Longest request accepted, in characters (as the reference's message limit).
const MAX_REQUEST_CHARS: usize = 10_000;

/// Turns requests into Blueprints. Cheap to clone and share between tasks.
#[derive(Debug, Clone, Default)]
pub struct Generator {
    templates: TemplateLibrary,
}

impl Generator {
    /// A generator that uses only the embedded template library: no key, no network.
    pub fn offline() -> Generator {
        Generator::default()
    }

    /// Streams the generation of an app for `request`: `Start`, `Thought`, `Token`s and then
    /// `Complete` with the Blueprint, or `Error`.
    pub fn stream(&self, request: &str) -> BoxStream<'static, GenerationEvent> {
        stream::iter(self.events(request)).boxed()
    }

    /// Generates an app for `request` and returns its Blueprint.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty or oversized request, [`Error::InvalidBlueprint`]
    /// when the generated document does not validate.
    pub async fn generate(&self, request: &str) -> Result<agentos_blueprint::Blueprint> {
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

    fn events(&self, request: &str) -> Vec<GenerationEvent> {
        let mut events = vec![GenerationEvent::Start {
            message: "Analyzing request...".to_owned(),
        }];
        let trimmed = request.trim();
        if trimmed.is_empty() {
            events.push(GenerationEvent::Error("request is empty".to_owned()));
            return events;
        }
        if trimmed.chars().count() > MAX_REQUEST_CHARS {
            events.push(GenerationEvent::Error(format!(
                "request is longer than {MAX_REQUEST_CHARS} characters"
            )));
            return events;
        }
        let source = match self.templates.find(trimmed) {
            Some(template) => {
                events.push(GenerationEvent::Thought(format!(
                    "Using the offline `{}` template",
                    template.kind
                )));
                match serde_json::to_string_pretty(&TemplateLibrary::instantiate(template, trimmed))
                {
                    Ok(source) => source,
                    Err(err) => {
                        events.push(GenerationEvent::Error(err.to_string()));
                        return events;
                    }
                }
            }
            None => {
                events.push(GenerationEvent::Thought(
                    "No template matches; building a scratchpad titled after the request"
                        .to_owned(),
                ));
                match serde_json::to_string_pretty(&TemplateLibrary::fallback(trimmed)) {
                    Ok(source) => source,
                    Err(err) => {
                        events.push(GenerationEvent::Error(err.to_string()));
                        return events;
                    }
                }
            }
        };
        events.extend(
            chunks(&source, CHUNK_CHARS).map(|chunk| GenerationEvent::Token(chunk.to_owned())),
        );
        match agentos_blueprint::parse(&source).into_result() {
            Ok(blueprint) => {
                let n_components = blueprint.ui.all_components().count();
                events.push(GenerationEvent::Thought(format!(
                    "{n_components} components"
                )));
                events.push(GenerationEvent::Complete(Box::new(blueprint)));
            }
            Err(source) => {
                let err = Error::InvalidBlueprint {
                    request: trimmed.to_owned(),
                    source,
                };
                events.push(GenerationEvent::Error(err.to_string()));
            }
        }
        events
    }
}

/// Splits `text` into pieces of at most `n_chars` characters, never inside a character.
fn chunks(text: &str, n_chars: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .char_indices()
            .nth(n_chars)
            .map_or(rest.len(), |(index, _)| index);
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
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
    }

    #[test]
    fn chunks_respect_character_boundaries() {
        let pieces: Vec<&str> = chunks("ab÷cd×e", 2).collect();
        assert_eq!(pieces, ["ab", "÷c", "d×", "e"]);
        assert_eq!(chunks("", 5).count(), 0);
    }
}
