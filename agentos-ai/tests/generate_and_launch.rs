//! `Generator::generate_and_launch`, the composition the server's HTTP route and WebSocket
//! handler share: the app runs, every event is observed in order, and each way it can fail is
//! a typed error.

use std::sync::Arc;

use agentos_ai::{
    Error, GenerationEvent, Generator, GeneratorConfig, Provider, ProviderRequest, TokenStream,
};
use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime, UiEvent};
use futures_util::{StreamExt, stream};

fn runtime() -> Runtime {
    Runtime::new(Kernel::new(), Registry::builtin())
}

/// A model that answers with `text` in one piece.
#[derive(Debug)]
struct Answer(&'static str);

impl Provider for Answer {
    fn name(&self) -> String {
        "answer".to_owned()
    }

    fn stream(&self, _request: &ProviderRequest) -> agentos_ai::Result<TokenStream> {
        Ok(stream::iter([Ok(self.0.to_owned())]).boxed())
    }
}

#[tokio::test]
async fn a_calculator_is_generated_launched_and_works() {
    let runtime = runtime();
    let mut observed = Vec::new();
    let launched = Generator::offline()
        .generate_and_launch(&runtime, "a calculator", |event| {
            observed.push(event.clone())
        })
        .await
        .unwrap();
    assert_eq!(launched.blueprint.app.id, "calculator");
    assert_eq!(
        *runtime.blueprint(launched.app_id).unwrap(),
        *launched.blueprint,
        "the runtime runs the Blueprint returned"
    );
    assert!(matches!(
        observed.first(),
        Some(GenerationEvent::Start { .. })
    ));
    let Some(GenerationEvent::Complete(completed)) = observed.last() else {
        panic!("Complete is observed last: {observed:?}");
    };
    assert_eq!(**completed, *launched.blueprint);
    let thoughts: Vec<&String> = observed
        .iter()
        .filter_map(|event| match event {
            GenerationEvent::Thought(thought) => Some(thought),
            _ => None,
        })
        .collect();
    assert_eq!(thoughts, launched.thoughts.iter().collect::<Vec<_>>());
    assert!(
        observed
            .iter()
            .any(|event| matches!(event, GenerationEvent::Component { .. }))
    );
    // The app is live: a click dispatches.
    let button = launched
        .blueprint
        .ui
        .all_components()
        .find(|component| component.kind == "button")
        .expect("a button")
        .id
        .clone();
    runtime
        .dispatch(launched.app_id, &UiEvent::click(&button))
        .unwrap();
}

#[tokio::test]
async fn an_empty_request_is_a_generation_error_with_the_events_message() {
    let err = Generator::offline()
        .generate_and_launch(&runtime(), "   ", |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Generation(message) if message == "request is empty"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_blueprint_the_runtime_refuses_is_a_launch_error_naming_the_app() {
    // Valid as a Blueprint, but it asks for a filesystem root the runtime does not share.
    const ANSWER: &str = r#"{"app": {"id": "snoop", "name": "Snoop"},
        "services": [{"filesystem": {"tools": ["list"], "root": "/etc"}}],
        "ui": {"title": "Snoop", "components": [{"type": "text", "id": "t", "props": {"content": "hi"}}]}}"#;
    let generator = Generator::with_provider(
        GeneratorConfig {
            confidence_threshold: 2.0,
            ..GeneratorConfig::default()
        },
        Arc::new(Answer(ANSWER)),
    );
    let runtime = runtime();
    let mut completed = false;
    let err = generator
        .generate_and_launch(&runtime, "a haiku garden", |event| {
            completed |= matches!(event, GenerationEvent::Complete(_));
        })
        .await
        .unwrap_err();
    assert!(completed, "the Blueprint itself was valid");
    match &err {
        Error::Launch { app, source } => {
            assert_eq!(app, "snoop");
            assert!(
                matches!(**source, agentos_tools::Error::Launch { .. }),
                "{source:?}"
            );
        }
        other => panic!("expected a launch error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("launching the generated app `snoop`: ")
    );
}
