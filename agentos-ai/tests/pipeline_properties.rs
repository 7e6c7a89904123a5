//! Properties of the generation pipeline: offline generation always completes with a valid
//! Blueprint (never an error, never a panic), and an LLM answer gives the same Blueprint however
//! the provider chunks it.

use std::sync::Arc;

use agentos_ai::{
    GenerationEvent, Generator, GeneratorConfig, Provider, ProviderRequest, TokenStream,
};
use futures_util::{FutureExt, StreamExt, stream};
use proptest::prelude::*;

const ANSWER: &str = r#"{"app": {"id": "lab-gizmo", "name": "Lab Gizmo ü"}, "ui": {"title": "Lab Gizmo", "components": [
  {"type": "text", "id": "reading", "props": {"content": "0 ÷ 1"}},
  {"type": "button", "id": "bump", "props": {"text": "+1"}, "on_event": {"click": {"tool": "ui.compute", "args": {"key": "reading", "expression": "{reading}+1"}}}}]}}"#;

#[derive(Debug)]
struct Chunked {
    cuts: Vec<usize>,
}

impl Provider for Chunked {
    fn name(&self) -> String {
        "chunked".to_owned()
    }

    fn stream(&self, _request: &ProviderRequest) -> agentos_ai::Result<TokenStream> {
        let chars: Vec<char> = ANSWER.chars().collect();
        let mut pieces = Vec::new();
        let mut start = 0;
        for &cut in &self.cuts {
            let cut = cut.min(chars.len()).max(start);
            pieces.push(Ok(chars[start..cut].iter().collect::<String>()));
            start = cut;
        }
        pieces.push(Ok(chars[start..].iter().collect::<String>()));
        Ok(stream::iter(pieces).boxed())
    }
}

fn complete(events: &[GenerationEvent]) -> Option<&agentos_blueprint::Blueprint> {
    match events.last() {
        Some(GenerationEvent::Complete(blueprint)) => Some(blueprint),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn offline_generation_always_completes_with_a_valid_blueprint(request in "\\PC{1,120}") {
        prop_assume!(!request.trim().is_empty());
        let events: Vec<GenerationEvent> = Generator::offline().stream(&request).collect().now_or_never().expect("offline is immediate");
        let blueprint = complete(&events).expect("a Complete event");
        prop_assert!(agentos_blueprint::parse(&serde_json::to_string(blueprint).unwrap()).diagnostics.is_empty());
        prop_assert!(!events.iter().any(|e| matches!(e, GenerationEvent::Error(_))));
    }

    #[test]
    fn any_chunking_of_an_answer_gives_the_same_blueprint(mut cuts in proptest::collection::vec(0usize..400, 0..20)) {
        cuts.sort_unstable();
        let provider: Arc<dyn Provider> = Arc::new(Chunked { cuts });
        let generator = Generator::with_provider(GeneratorConfig { cache_capacity: 0, ..GeneratorConfig::default() }, provider);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let events: Vec<GenerationEvent> = runtime.block_on(generator.stream("a gizmo for my lab bench").collect());
        let blueprint = complete(&events).expect("a Complete event");
        prop_assert_eq!(blueprint, &agentos_blueprint::parse(ANSWER).blueprint);
        let text: String = events.iter().filter_map(|e| match e { GenerationEvent::Token(t) => Some(t.as_str()), _ => None }).collect();
        prop_assert_eq!(text, ANSWER);
    }
}
