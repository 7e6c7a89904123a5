//! Providers against real HTTP servers on 127.0.0.1 replaying the documented streaming formats
//! of Gemini (`streamGenerateContent?alt=sse`) and OpenAI chat completions (`stream: true`).

mod http_server;

use std::time::{Duration, Instant};

use agentos_ai::{
    ApiKey, ChatMessage, Error, HttpConfig, HttpProvider, Provider, ProviderConfig,
    ProviderRequest, Result,
};
use futures_util::StreamExt;
use http_server::{Reply, start};

const KEY: &str = "sk-test-SECRET-0123456789";

fn fast_http() -> HttpConfig {
    HttpConfig {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_secs(2),
        max_retries: 2,
        ..HttpConfig::default()
    }
}

fn gemini(base: &str) -> HttpProvider {
    let mut config = ProviderConfig::gemini(ApiKey::new(KEY), "gemini-test");
    config.base_url = base.to_owned();
    config.http = fast_http();
    HttpProvider::new(config).unwrap()
}

fn openai(base: &str) -> HttpProvider {
    let mut config =
        ProviderConfig::openai(&format!("{base}/v1"), "gpt-test", Some(ApiKey::new(KEY)));
    config.http = fast_http();
    HttpProvider::new(config).unwrap()
}

fn request() -> ProviderRequest {
    ProviderRequest {
        messages: vec![
            ChatMessage::system("You write Blueprints."),
            ChatMessage::user("a counter"),
        ],
        response_schema: Some(std::sync::Arc::new(
            serde_json::json!({"type": "object", "required": ["app", "ui"]}),
        )),
    }
}

async fn collect(provider: &dyn Provider) -> (String, Option<Error>) {
    let mut stream = provider.stream(&request()).unwrap();
    let mut text = String::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => text.push_str(&chunk),
            Err(err) => return (text, Some(err)),
        }
    }
    (text, None)
}

fn gemini_event(text: &str) -> String {
    let payload = serde_json::json!({"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}]});
    format!("data: {payload}\r\n\r\n")
}

fn openai_event(text: &str) -> String {
    let payload = serde_json::json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {payload}\n\n")
}

/// Splits `text` into pieces of `size` bytes (on char boundaries).
fn split(text: &str, size: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if current.len() >= size {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

#[tokio::test]
async fn gemini_streams_split_sse_frames_and_sends_key_in_a_header() {
    let stream: String = [
        gemini_event("{\"app\": "),
        gemini_event("{\"id\": \"x\"}"),
        gemini_event("}"),
    ]
    .concat()
        + "data: {\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"totalTokenCount\":9}}\r\n\r\n";
    let pieces = split(&stream, 7);
    let server = start(vec![Reply::sse(
        &pieces.iter().map(String::as_str).collect::<Vec<_>>(),
    )])
    .await;
    let (text, err) = collect(&gemini(&server.base)).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(text, "{\"app\": {\"id\": \"x\"}}");
    let received = server.received.lock()[0].clone();
    assert_eq!(
        received.path(),
        "/v1beta/models/gemini-test:streamGenerateContent?alt=sse"
    );
    assert_eq!(received.header("x-goog-api-key").as_deref(), Some(KEY));
    let body = received.json();
    assert_eq!(
        body["systemInstruction"]["parts"][0]["text"],
        "You write Blueprints."
    );
    assert_eq!(body["contents"][0]["parts"][0]["text"], "a counter");
    assert_eq!(
        body["generationConfig"]["responseJsonSchema"]["required"][0],
        "app"
    );
}

#[tokio::test]
async fn openai_streams_split_frames_until_done() {
    let stream = [
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n".to_owned(),
        openai_event("Hello"),
        ": comment line\n".to_owned(),
        openai_event(", wörld"),
        "data: [DONE]\n\n".to_owned(),
        openai_event("after done is ignored"),
    ]
    .concat();
    let pieces = split(&stream, 5);
    let server = start(vec![Reply::sse(
        &pieces.iter().map(String::as_str).collect::<Vec<_>>(),
    )])
    .await;
    let (text, err) = collect(&openai(&server.base)).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(text, "Hello, wörld");
    let received = server.received.lock()[0].clone();
    assert_eq!(received.path(), "/v1/chat/completions");
    assert_eq!(
        received.header("authorization"),
        Some(format!("Bearer {KEY}"))
    );
    let body = received.json();
    assert_eq!(body["stream"], true);
    assert_eq!(body["model"], "gpt-test");
    assert_eq!(body["response_format"]["type"], "json_schema");
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_waiting() {
    let server = start(vec![
        Reply::status(429, r#"{"error": {"message": "slow down"}}"#).header("retry-after", "1"),
        Reply::sse(&[&openai_event("ok"), "data: [DONE]\n\n"]),
    ])
    .await;
    let started = Instant::now();
    let (text, err) = collect(&openai(&server.base)).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(text, "ok");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(server.received.lock().len(), 2);
}

#[tokio::test]
async fn a_persistent_500_fails_after_the_retries_naming_provider_status_and_remedy() {
    let server = start(vec![Reply::status(
        500,
        r#"{"error": {"code": 500, "message": "backend exploded", "status": "INTERNAL"}}"#,
    )])
    .await;
    let (text, err) = collect(&gemini(&server.base)).await;
    assert_eq!(text, "");
    let err = err.expect("an error");
    assert!(
        matches!(
            err,
            Error::ProviderStatus {
                provider: "gemini",
                status: 500,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with("gemini: HTTP 500: backend exploded; "),
        "{message}"
    );
    assert!(message.contains("try again later"), "{message}");
    assert_eq!(server.received.lock().len(), 3, "one try and two retries");
}

#[tokio::test]
async fn an_unauthorised_key_is_never_echoed_in_the_error() {
    let body = format!(r#"{{"error": {{"message": "Incorrect API key provided: {KEY}"}}}}"#);
    let server = start(vec![Reply::status(401, &body)]).await;
    let (_, err) = collect(&openai(&server.base)).await;
    let message = err.expect("an error").to_string();
    assert!(!message.contains(KEY), "{message}");
    assert!(
        message.contains("HTTP 401") && message.contains("check OPENAI_API_KEY"),
        "{message}"
    );
    assert_eq!(server.received.lock().len(), 1, "401 is not retried");
}

#[tokio::test]
async fn a_malformed_chunk_ends_the_stream_with_a_located_error() {
    let server = start(vec![Reply::sse(&[
        &openai_event("good "),
        "data: {\"choices\": [oops\n\n",
        &openai_event("never"),
    ])])
    .await;
    let (text, err) = collect(&openai(&server.base)).await;
    assert_eq!(text, "good ");
    let err = err.expect("an error");
    assert!(
        matches!(
            err,
            Error::ProviderStream {
                provider: "openai",
                index: 2,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_stream_that_stops_mid_json_reports_the_broken_connection() {
    let server = start(vec![
        Reply::sse(&[&gemini_event("{\"app\": {\"id\": "), "data: {\"candi"]).aborted(),
    ])
    .await;
    let (text, err) = collect(&gemini(&server.base)).await;
    assert_eq!(text, "{\"app\": {\"id\": ");
    let err = err.expect("an error");
    assert!(
        matches!(
            err,
            Error::ProviderTransport {
                provider: "gemini",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error_with_a_hint() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let (_, err) = collect(&openai(&base)).await;
    let message = err.expect("an error").to_string();
    assert!(
        message.starts_with("openai: ") && message.contains("check the base URL"),
        "{message}"
    );
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_request() -> Result<()> {
    let many: Vec<String> = (0..200).map(|i| openai_event(&format!("{i} "))).collect();
    let server = start(vec![Reply::sse(
        &many.iter().map(String::as_str).collect::<Vec<_>>(),
    )])
    .await;
    let provider = openai(&server.base);
    let mut stream = provider.stream(&request())?;
    let first = stream.next().await.expect("a chunk")?;
    assert_eq!(first, "0 ");
    drop(stream);
    let completed = server.outcomes.lock().await.recv().await;
    assert_eq!(
        completed,
        Some(false),
        "the server saw the client go away before the end"
    );
    Ok(())
}

#[tokio::test]
async fn a_stalled_stream_hits_the_idle_timeout() {
    let mut stalled = Reply::sse(&[&openai_event("first "), &openai_event("late")]);
    stalled.stall = Some(Duration::from_secs(5));
    let server = start(vec![stalled]).await;
    let mut config = ProviderConfig::openai(&format!("{}/v1", server.base), "m", None);
    config.http = HttpConfig {
        idle_timeout: Duration::from_millis(200),
        ..fast_http()
    };
    let (text, err) = collect(&HttpProvider::new(config).unwrap()).await;
    assert_eq!(text, "first ");
    let message = err.expect("an error").to_string();
    assert!(
        message.starts_with("openai: no data for 200ms") && message.contains("stalled"),
        "{message}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_response_timeout_after_retrying() {
    let mut slow = Reply::sse(&["data: [DONE]\n\n"]);
    slow.delay_headers = Some(Duration::from_secs(5));
    let server = start(vec![slow]).await;
    let mut config = ProviderConfig::gemini(ApiKey::new(KEY), "m");
    config.base_url = server.base.clone();
    config.http = HttpConfig {
        response_timeout: Duration::from_millis(150),
        max_retries: 1,
        ..fast_http()
    };
    let (_, err) = collect(&HttpProvider::new(config).unwrap()).await;
    let message = err.expect("an error").to_string();
    assert!(
        message.starts_with("gemini: no response within 150ms"),
        "{message}"
    );
    assert_eq!(
        server.received.lock().len(),
        2,
        "the timeout was retried once"
    );
}
