//! OpenAI-compatible chat completions with `stream: true` (OpenAI, Ollama, vLLM, llama.cpp
//! server, LM Studio).

use serde_json::{Value, json};

use super::{
    ProviderRequest, Role,
    http::{Build, Chunk},
};
use crate::provider::config::ProviderConfig;

/// Builds the chat-completions request for `request`.
pub(crate) fn build(
    client: reqwest::Client,
    config: &ProviderConfig,
    request: &ProviderRequest,
) -> Build {
    let url = format!("{}/chat/completions", config.base_url);
    let body = body(config, request);
    let key = config.api_key.as_ref().map(|key| key.expose().to_owned());
    Box::new(move || {
        let builder = client.post(&url).json(&body);
        match &key {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    })
}

fn body(config: &ProviderConfig, request: &ProviderRequest) -> Value {
    let messages: Vec<Value> = request
        .messages
        .iter()
        .map(|message| {
            let role = match message.role {
                Role::System => "system",
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({"role": role, "content": message.content})
        })
        .collect();
    let mut body = json!({
        "model": config.model,
        "messages": messages,
        "stream": true,
        "temperature": config.temperature,
        "max_tokens": config.max_output_tokens,
    });
    if let (true, Some(schema)) = (config.structured_output, &request.response_schema) {
        body["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "blueprint", "schema": schema.as_ref()}});
    }
    body
}

/// The text of one streamed `chat.completion.chunk`, or the end at `[DONE]`.
pub(crate) fn extract(data: &str) -> Result<Chunk, String> {
    if data.trim() == "[DONE]" {
        return Ok(Chunk::Done);
    }
    let value: Value = serde_json::from_str(data).map_err(|err| format!("not JSON ({err})"))?;
    if let Some(error) = value.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        return Err(format!("error event: {message}"));
    }
    let text = value
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|choices| choices.first())
        .and_then(|choice| choice.get("delta"))
        .and_then(|delta| delta.get("content"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(Chunk::Text(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::provider::ChatMessage;

    #[test]
    fn body_streams_with_schema_and_roles() {
        let config = ProviderConfig::openai("http://127.0.0.1:1/v1", "m", None);
        let request = ProviderRequest {
            messages: vec![ChatMessage::system("s"), ChatMessage::user("u")],
            response_schema: Some(Arc::new(json!({"type": "object"}))),
        };
        let body = body(&config, &request);
        assert_eq!(body["stream"], true);
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(
            body["response_format"]["json_schema"]["schema"]["type"],
            "object"
        );
        let mut plain = config.clone();
        plain.structured_output = false;
        assert!(
            self::body(&plain, &request)
                .get("response_format")
                .is_none()
        );
    }

    #[test]
    fn extracts_deltas_done_and_errors() {
        let chunk = r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hel"},"finish_reason":null}]}"#;
        assert!(matches!(extract(chunk), Ok(Chunk::Text(t)) if t == "hel"));
        assert!(
            matches!(extract(r#"{"choices":[{"delta":{"role":"assistant"}}]}"#), Ok(Chunk::Text(t)) if t.is_empty())
        );
        assert!(matches!(extract("[DONE]"), Ok(Chunk::Done)));
        assert!(extract("{\"choices\": [").is_err());
    }
}
