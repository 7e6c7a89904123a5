//! Template answers speak the same event protocol as model answers: for every template, the
//! `Token`s and `Component`s a generation streams are exactly what the Blueprint crate's
//! `StreamParser` announces for that template's JSON — children first, each component right
//! after the token that completed it, with the parser's paths — and a cache hit replays them.

use agentos_ai::{GenerationEvent, Generator, TemplateLibrary};
use agentos_blueprint::{Component, Event, StreamParser};
use futures_util::{FutureExt, StreamExt};

/// A request that selects `kind` confidently.
fn request_for(library: &TemplateLibrary, kind: &str) -> &'static str {
    let template = library.get(kind).expect("template");
    template
        .keywords
        .iter()
        .copied()
        .find(|keyword| library.find(keyword).map(|found| found.kind) == Some(kind))
        .unwrap_or_else(|| panic!("no keyword of `{kind}` selects it"))
}

fn generate(generator: &Generator, request: &str) -> Vec<GenerationEvent> {
    generator
        .stream(request)
        .collect::<Vec<_>>()
        .now_or_never()
        .expect("offline generation is immediate")
}

/// The answer's `Token` and `Component` events, as (token text or component path, component).
fn protocol(events: &[GenerationEvent]) -> Vec<(String, Option<Component>)> {
    events
        .iter()
        .filter_map(|event| match event {
            GenerationEvent::Token(text) => Some((text.clone(), None)),
            GenerationEvent::Component { path, component } => {
                Some((path.clone(), Some(Component::clone(component))))
            }
            _ => None,
        })
        .collect()
}

/// What `StreamParser` announces when fed `tokens` one by one, in the same form.
fn parser_protocol(tokens: &[String]) -> Vec<(String, Option<Component>)> {
    let mut parser = StreamParser::new();
    let mut expected = Vec::new();
    for token in tokens {
        expected.push((token.clone(), None));
        for event in parser.feed(token) {
            if let Event::Component {
                path, component, ..
            } = event
            {
                expected.push((path, Some(Component::clone(&component))));
            }
        }
    }
    assert!(parser.finish().diagnostics.is_empty());
    expected
}

#[test]
fn every_template_streams_the_parsers_events_for_its_json() {
    let library = TemplateLibrary::builtin();
    let generator = Generator::offline();
    for template in library.templates() {
        let events = generate(&generator, request_for(&library, template.kind));
        let actual = protocol(&events);
        let tokens: Vec<String> = actual
            .iter()
            .filter(|(_, component)| component.is_none())
            .map(|(text, _)| text.clone())
            .collect();
        assert!(tokens.len() > 1, "{}: streamed in pieces", template.kind);
        assert_eq!(
            actual,
            parser_protocol(&tokens),
            "{}: events differ from the parser's",
            template.kind
        );

        // The same components as the parser gives for the whole JSON in one piece.
        let json = tokens.concat();
        let whole: Vec<(String, Component)> = StreamParser::new()
            .feed(&json)
            .into_iter()
            .filter_map(|event| match event {
                Event::Component {
                    path, component, ..
                } => Some((path, Component::clone(&component))),
                _ => None,
            })
            .collect();
        let streamed: Vec<(String, Component)> = actual
            .into_iter()
            .filter_map(|(path, component)| component.map(|component| (path, component)))
            .collect();
        assert_eq!(streamed, whole, "{}", template.kind);

        // Every component of the finished app was announced once, children before parents.
        let Some(GenerationEvent::Complete(blueprint)) = events.last() else {
            panic!("{}: no Complete", template.kind);
        };
        assert_eq!(streamed.len(), blueprint.ui.all_components().count());
        for (index, (path, _)) in streamed.iter().enumerate() {
            assert!(
                !streamed[index + 1..]
                    .iter()
                    .any(|(earlier, _)| earlier.starts_with(&format!("{path}."))),
                "{}: a child of {path} came after it",
                template.kind
            );
        }
        assert_eq!(agentos_blueprint::parse(&json).blueprint, **blueprint);
    }
}

#[test]
fn a_cache_hit_replays_the_same_events() {
    let library = TemplateLibrary::builtin();
    let generator = Generator::offline();
    for kind in ["calculator", "kanban-board", "timer"] {
        let request = request_for(&library, kind);
        let first = generate(&generator, request);
        let second = generate(&generator, request);
        assert!(
            second.iter().any(|event| matches!(
                event,
                GenerationEvent::Thought(thought) if thought.starts_with("Answered from the cache")
            )),
            "{kind}: second answer came from the cache"
        );
        assert_eq!(protocol(&first), protocol(&second), "{kind}");
        assert_eq!(first.last(), second.last(), "{kind}");
    }
}

#[test]
fn the_scratchpad_streams_the_same_way() {
    let events = generate(&Generator::offline(), "a haiku garden");
    let actual = protocol(&events);
    let tokens: Vec<String> = actual
        .iter()
        .filter(|(_, component)| component.is_none())
        .map(|(text, _)| text.clone())
        .collect();
    assert!(actual.iter().any(|(_, component)| component.is_some()));
    assert_eq!(actual, parser_protocol(&tokens));
}
