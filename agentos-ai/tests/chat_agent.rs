//! The chat agent with a real OpenAI-compatible server on 127.0.0.1: streamed tokens, history
//! sent and kept, and the built-in help when the provider fails.

mod http_server;

use std::time::Duration;

use agentos_ai::{
    ChatAgent, ChatEvent, ChatMessage, HttpConfig, HttpProvider, ProviderConfig, Role,
};
use futures_util::StreamExt;
use http_server::{Reply, start};

fn agent(base: &str) -> ChatAgent {
    let mut config = ProviderConfig::openai(&format!("{base}/v1"), "chat-test", None);
    config.http = HttpConfig {
        initial_backoff: Duration::from_millis(1),
        max_retries: 0,
        ..HttpConfig::default()
    };
    ChatAgent::new(Some(HttpProvider::shared(config).unwrap()))
}

fn delta(text: &str) -> String {
    format!(
        "data: {}\n\n",
        serde_json::json!({"choices": [{"delta": {"content": text}}]})
    )
}

#[tokio::test]
async fn tokens_stream_and_the_history_is_sent_and_kept() {
    let server = start(vec![
        Reply::sse(&[&delta("Hel"), &delta("lo!"), "data: [DONE]\n\n"]),
        Reply::sse(&[&delta("Fine."), "data: [DONE]\n\n"]),
    ])
    .await;
    let agent = agent(&server.base);
    let events: Vec<ChatEvent> = agent.send("hi").collect().await;
    assert_eq!(
        events,
        [
            ChatEvent::Start,
            ChatEvent::Token("Hel".into()),
            ChatEvent::Token("lo!".into()),
            ChatEvent::Complete("Hello!".into())
        ]
    );
    let _: Vec<ChatEvent> = agent.send("how are you?").collect().await;
    let second = server.received.lock()[1].json();
    let roles: Vec<&str> = second["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(
        agent.history().last(),
        Some(&ChatMessage::assistant("Fine."))
    );
    assert_eq!(agent.history()[0].role, Role::System);
}

#[tokio::test]
async fn a_failing_provider_falls_back_to_the_help() {
    let server = start(vec![Reply::status(500, "{}")]).await;
    let events: Vec<ChatEvent> = agent(&server.base)
        .send("what apps can you build?")
        .collect()
        .await;
    assert!(
        matches!(&events[1], ChatEvent::Thought(t) if t.contains("openai: HTTP 500")),
        "{events:?}"
    );
    assert!(
        matches!(events.last(), Some(ChatEvent::Complete(answer)) if answer.contains("calculator"))
    );
}
