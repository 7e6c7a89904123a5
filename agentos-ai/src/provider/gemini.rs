//! Google Gemini: `models/{model}:streamGenerateContent?alt=sse`.

use serde_json::{Value, json};

use super::{
    ProviderRequest, Role,
    http::{Build, Chunk},
};
use crate::provider::config::ProviderConfig;

/// Builds the Gemini request for `request`. The key travels in the `x-goog-api-key` header,
/// never in the URL, so no URL in a log or error can carry it.
pub(crate) fn build(
    client: reqwest::Client,
    config: &ProviderConfig,
    request: &ProviderRequest,
) -> Build {
    let url = format!(
        "{}/v1beta/models/{}:streamGenerateContent?alt=sse",
        config.base_url, config.model
    );
    let body = body(config, request);
    let key = config
        .api_key
        .as_ref()
        .map(|key| key.expose().to_owned())
        .unwrap_or_default();
    Box::new(move || client.post(&url).header("x-goog-api-key", &key).json(&body))
}

fn body(config: &ProviderConfig, request: &ProviderRequest) -> Value {
    let contents: Vec<Value> = request
        .messages
        .iter()
        .filter(|message| message.role != Role::System)
        .map(|message| {
            let role = if message.role == Role::Assistant {
                "model"
            } else {
                "user"
            };
            json!({"role": role, "parts": [{"text": message.content}]})
        })
        .collect();
    let mut generation =
        json!({"temperature": config.temperature, "maxOutputTokens": config.max_output_tokens});
    if let (true, Some(schema)) = (config.structured_output, &request.response_schema) {
        generation["responseMimeType"] = json!("application/json");
        generation["responseJsonSchema"] = Value::clone(schema);
    }
    let mut body = json!({"contents": contents, "generationConfig": generation});
    let system = request.system_text();
    if !system.is_empty() {
        body["systemInstruction"] = json!({"parts": [{"text": system}]});
    }
    body
}

/// The text of one streamed `GenerateContentResponse`.
pub(crate) fn extract(data: &str) -> Result<Chunk, String> {
    let value: Value = serde_json::from_str(data).map_err(|err| format!("not JSON ({err})"))?;
    if let Some(error) = value.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        return Err(format!("error event: {message}"));
    }
    let Some(candidates) = value.get("candidates").and_then(Value::as_array) else {
        // Usage-only and prompt-feedback chunks carry no text.
        return match value
            .get("promptFeedback")
            .and_then(|f| f.get("blockReason"))
        {
            Some(reason) => Err(format!("prompt blocked: {reason}")),
            None => Ok(Chunk::Text(String::new())),
        };
    };
    let mut text = String::new();
    for part in candidates
        .first()
        .and_then(|candidate| candidate.get("content"))
        .and_then(|content| content.get("parts"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if part.get("thought").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        if let Some(piece) = part.get("text").and_then(Value::as_str) {
            text.push_str(piece);
        }
    }
    Ok(Chunk::Text(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::provider::{ChatMessage, config::ApiKey};

    #[test]
    fn body_has_system_instruction_roles_and_schema() {
        let config = ProviderConfig::gemini(ApiKey::new("k"), "gemini-x");
        let request = ProviderRequest {
            messages: vec![
                ChatMessage::system("be brief"),
                ChatMessage::user("hi"),
                ChatMessage::assistant("hello"),
            ],
            response_schema: Some(Arc::new(json!({"type": "object"}))),
        };
        let body = body(&config, &request);
        assert_eq!(body["systemInstruction"]["parts"][0]["text"], "be brief");
        assert_eq!(body["contents"][1]["role"], "model");
        assert_eq!(
            body["generationConfig"]["responseMimeType"],
            "application/json"
        );
        assert_eq!(
            body["generationConfig"]["responseJsonSchema"]["type"],
            "object"
        );
    }

    #[test]
    fn extracts_text_and_reports_errors() {
        let chunk =
            r#"{"candidates":[{"content":{"parts":[{"text":"{\"app\""}],"role":"model"}}]}"#;
        assert!(matches!(extract(chunk), Ok(Chunk::Text(t)) if t == "{\"app\""));
        assert!(matches!(extract(r#"{"usageMetadata":{}}"#), Ok(Chunk::Text(t)) if t.is_empty()));
        assert!(extract("{not json").unwrap_err().starts_with("not JSON"));
        assert_eq!(
            extract(r#"{"error":{"message":"quota"}}"#).err().unwrap(),
            "error event: quota"
        );
    }
}
