//! The generation pipeline with a real provider over HTTP on 127.0.0.1: validation, one repair
//! round with the diagnostics, fallback to a template, the cache hit path, and templates first.

mod http_server;

use std::time::Duration;

use std::sync::Arc;

use agentos_ai::{
    ApiKey, GenerationEvent, Generator, GeneratorConfig, HttpConfig, ProviderConfig,
    SharedToolCatalog,
};
use futures_util::StreamExt;
use http_server::{Reply, Server, start};

const VALID: &str = r#"{"app": {"id": "lab-gizmo", "name": "Lab Gizmo", "icon": "🧪"}, "ui": {"title": "Lab Gizmo", "layout": "vertical", "components": [
  {"type": "text", "id": "reading", "props": {"content": "0", "variant": "h1"}},
  {"type": "row", "id": "controls", "children": [
    {"type": "button", "id": "bump", "props": {"text": "+1"}, "on_event": {"click": {"tool": "ui.compute", "args": {"key": "reading", "expression": "{reading}+1"}}}}]}]}}"#;
const UNKNOWN_TOOL: &str = r#"{"app": {"id": "lab-gizmo", "name": "Lab Gizmo"}, "ui": {"title": "Lab Gizmo", "components": [
  {"type": "button", "id": "bump", "props": {"text": "+1"}, "on_event": {"click": "ui.increment"}}]}}"#;

/// An OpenAI-style SSE reply streaming `text` in 40-character deltas, split into 13-byte frames.
fn openai_reply(text: &str) -> Reply {
    let mut stream = String::new();
    let chars: Vec<char> = text.chars().collect();
    for piece in chars.chunks(40) {
        let delta: String = piece.iter().collect();
        let payload = serde_json::json!({"choices": [{"index": 0, "delta": {"content": delta}}]});
        stream.push_str(&format!("data: {payload}\n\n"));
    }
    stream.push_str("data: [DONE]\n\n");
    let bytes = stream.into_bytes();
    let frames: Vec<String> = bytes
        .chunks(13)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    // Frames may cut a multi-byte character; keep whole characters by re-splitting on char boundaries.
    let joined: String = frames.concat();
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in joined.chars() {
        current.push(c);
        if current.len() >= 13 {
            pieces.push(std::mem::take(&mut current));
        }
    }
    pieces.push(current);
    Reply::sse(&pieces.iter().map(String::as_str).collect::<Vec<_>>())
}

fn generator(server: &Server) -> Generator {
    generator_with(server, None)
}

fn generator_with(server: &Server, tools: Option<SharedToolCatalog>) -> Generator {
    let mut provider = ProviderConfig::openai(
        &format!("{}/v1", server.base),
        "gpt-test",
        Some(ApiKey::new("sk-x")),
    );
    provider.http = HttpConfig {
        initial_backoff: Duration::from_millis(1),
        max_retries: 1,
        ..HttpConfig::default()
    };
    Generator::new(GeneratorConfig {
        provider: Some(provider),
        tools,
        ..GeneratorConfig::default()
    })
    .unwrap()
}

async fn run(generator: &Generator, request: &str) -> Vec<GenerationEvent> {
    generator.stream(request).collect().await
}

fn thoughts(events: &[GenerationEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            GenerationEvent::Thought(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// The text of the tokens after the last `Start` (a `Start` resets the buffer).
fn final_text(events: &[GenerationEvent]) -> String {
    let last_start = events
        .iter()
        .rposition(|e| matches!(e, GenerationEvent::Start { .. }))
        .unwrap_or(0);
    events[last_start..]
        .iter()
        .filter_map(|e| match e {
            GenerationEvent::Token(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn completed(events: &[GenerationEvent]) -> &agentos_blueprint::Blueprint {
    match events.last() {
        Some(GenerationEvent::Complete(blueprint)) => blueprint,
        other => panic!("expected Complete last, got {other:?}\n{events:#?}"),
    }
}

#[tokio::test]
async fn an_invalid_blueprint_is_repaired_with_its_diagnostics() {
    let server = start(vec![openai_reply(UNKNOWN_TOOL), openai_reply(VALID)]).await;
    let generator = generator(&server);
    let events = run(&generator, "a gizmo for my lab bench").await;
    let blueprint = completed(&events);
    assert_eq!(blueprint.app.id, "lab-gizmo");
    assert_eq!(blueprint.ui.components.len(), 2);
    // Components stream as the parser completes them, so the invalid first answer announced
    // its own before the repair's `Start`; after it, every component of the answer comes once.
    let last_start = events
        .iter()
        .rposition(|e| matches!(e, GenerationEvent::Start { .. }))
        .unwrap();
    let first_start = events
        .iter()
        .position(|e| matches!(e, GenerationEvent::Start { .. }))
        .unwrap();
    let streamed: Vec<&str> = events[last_start..]
        .iter()
        .filter_map(|e| match e {
            GenerationEvent::Component { path, .. } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed.len(), blueprint.ui.all_components().count());
    assert!(streamed.contains(&"ui.components[1]"), "{streamed:?}");
    assert!(
        events[first_start..last_start]
            .iter()
            .any(|e| matches!(e, GenerationEvent::Component { .. })),
        "the first answer's components streamed before its validation failed"
    );
    assert_eq!(
        agentos_blueprint::parse(&final_text(&events)).blueprint,
        *blueprint
    );
    let thoughts = thoughts(&events);
    assert!(
        thoughts
            .iter()
            .any(|t| t.contains("asking openai:gpt-test")),
        "{thoughts:?}"
    );
    assert!(thoughts.iter().any(|t| t.contains("unknown tool `ui.increment`") && t.contains("asking for a repair")), "{thoughts:?}");
    let received = server.received.lock().clone();
    assert_eq!(received.len(), 2);
    let repair = received[1].json();
    let messages = repair["messages"].as_array().unwrap();
    assert_eq!(
        messages.len(),
        4,
        "system, user, the invalid answer, the diagnostics"
    );
    assert_eq!(messages[2]["role"], "assistant");
    assert!(
        messages[3]["content"]
            .as_str()
            .unwrap()
            .contains("at ui.components[0].on_event.click: unknown tool `ui.increment`")
    );
    let system = received[0].json()["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        system.contains("- ui.compute ") && !system.contains("filesystem.list"),
        "only the relevant tools"
    );
}

#[tokio::test]
async fn a_stream_that_stops_mid_json_is_repaired() {
    let half = &VALID[..VALID.len() / 2];
    let server = start(vec![openai_reply(half), openai_reply(VALID)]).await;
    let events = run(&generator(&server), "a gizmo for my lab bench").await;
    assert_eq!(completed(&events).app.id, "lab-gizmo");
    assert!(
        thoughts(&events)
            .iter()
            .any(|t| t.contains("unexpected end of input") && t.contains("error at ui.components")),
        "{:?}",
        thoughts(&events)
    );
}

#[tokio::test]
async fn still_invalid_after_repair_falls_back_to_the_best_template_and_says_so() {
    let server = start(vec![
        openai_reply("I cannot do JSON, sorry."),
        openai_reply(UNKNOWN_TOOL),
    ])
    .await;
    let events = run(&generator(&server), "a supermarket helper").await;
    let blueprint = completed(&events);
    assert_eq!(blueprint.app.id, "shopping-list");
    let thoughts = thoughts(&events);
    assert!(
        thoughts
            .iter()
            .any(|t| t.starts_with("The repaired answer is still invalid")),
        "{thoughts:?}"
    );
    assert!(
        thoughts
            .iter()
            .any(|t| t.starts_with("Falling back to an offline answer")),
        "{thoughts:?}"
    );
    assert_eq!(
        agentos_blueprint::parse(&final_text(&events)).blueprint,
        *blueprint
    );
}

#[tokio::test]
async fn a_failing_provider_falls_back_without_an_error() {
    let server = start(vec![Reply::status(
        503,
        r#"{"error": {"message": "overloaded"}}"#,
    )])
    .await;
    let events = run(&generator(&server), "a haiku garden").await;
    assert_eq!(completed(&events).app.id, "scratchpad");
    let thoughts = thoughts(&events);
    assert!(
        thoughts
            .iter()
            .any(|t| t.contains("openai: HTTP 503: overloaded")),
        "{thoughts:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, GenerationEvent::Error(_)))
    );
}

#[tokio::test]
async fn a_repeated_request_hits_the_cache_without_asking_again() {
    let server = start(vec![openai_reply(VALID)]).await;
    let generator = generator(&server);
    let first = run(&generator, "a gizmo for my lab bench").await;
    let second = run(&generator, " a gizmo  for my lab bench ").await;
    assert_eq!(completed(&first), completed(&second));
    assert!(thoughts(&second).contains(&"Answered from the cache (openai:gpt-test)".to_owned()));
    assert_eq!(server.received.lock().len(), 1);
    // The hit replays the answer's own tokens and components, in the same order.
    let streamed = |events: &[GenerationEvent]| -> Vec<GenerationEvent> {
        events
            .iter()
            .filter(|event| {
                matches!(
                    event,
                    GenerationEvent::Token(_) | GenerationEvent::Component { .. }
                )
            })
            .cloned()
            .collect()
    };
    let replayed = streamed(&second);
    assert!(
        replayed
            .iter()
            .any(|event| matches!(event, GenerationEvent::Component { .. }))
    );
    assert_eq!(streamed(&first), replayed);
}

#[tokio::test]
async fn confident_templates_never_call_the_provider() {
    let server = start(vec![openai_reply(VALID)]).await;
    let events = run(&generator(&server), "a pomodoro timer for 50 minutes").await;
    assert_eq!(completed(&events).app.id, "pomodoro");
    assert!(server.received.lock().is_empty());
}

#[tokio::test]
async fn gemini_end_to_end() {
    let payload = serde_json::json!({"candidates": [{"content": {"parts": [{"text": VALID}], "role": "model"}}]});
    let stream = format!("data: {payload}\r\n\r\n");
    let frames: Vec<String> = stream
        .chars()
        .collect::<Vec<_>>()
        .chunks(17)
        .map(|c| c.iter().collect())
        .collect();
    let server = start(vec![Reply::sse(
        &frames.iter().map(String::as_str).collect::<Vec<_>>(),
    )])
    .await;
    let mut provider = ProviderConfig::gemini(ApiKey::new("g-key"), "gemini-test");
    provider.base_url = server.base.clone();
    let generator = Generator::new(GeneratorConfig {
        provider: Some(provider),
        ..GeneratorConfig::default()
    })
    .unwrap();
    let blueprint = generator
        .generate("a gizmo for my lab bench")
        .await
        .unwrap();
    assert_eq!(blueprint.app.name, "Lab Gizmo");
}

#[tokio::test]
async fn answers_are_validated_against_the_configured_tool_catalogue() {
    // The runtime's own registry accepts the answer as is.
    let registry = Arc::new(agentos_tools::Registry::builtin());
    let tools: SharedToolCatalog = Arc::new(move |tool: &str| registry.contains(tool));
    let server = start(vec![openai_reply(VALID)]).await;
    let events = run(
        &generator_with(&server, Some(tools)),
        "a gizmo for my lab bench",
    )
    .await;
    assert_eq!(completed(&events).app.id, "lab-gizmo");
    assert_eq!(server.received.lock().len(), 1);

    // A catalogue without `ui.compute`: the prompt does not offer it, and an answer that binds
    // it gets a repair round naming the binding's path, line and column.
    let tools: SharedToolCatalog =
        Arc::new(|tool: &str| tool.starts_with("ui.") && tool != "ui.compute");
    let server = start(vec![openai_reply(VALID), openai_reply(VALID)]).await;
    let events = run(
        &generator_with(&server, Some(tools)),
        "a gizmo for my lab bench",
    )
    .await;
    let received = server.received.lock().clone();
    assert_eq!(received.len(), 2);
    let system = received[0].json()["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(system.contains("- ui.set ") && !system.contains("- ui.compute "));
    let repair = received[1].json()["messages"][3]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        repair.contains("4:85: error at ui.components[1].children[0].on_event.click")
            && repair.contains("ui.compute"),
        "{repair}"
    );
    // Still invalid after the repair: the best template answers instead.
    assert_ne!(completed(&events).app.id, "lab-gizmo");
}
