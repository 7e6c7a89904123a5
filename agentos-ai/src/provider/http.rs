//! The HTTP side shared by the providers: sending with retries and backoff, turning statuses
//! into errors that say what to do, and decoding the SSE body into text chunks.

use std::{collections::VecDeque, time::Duration};

use futures_util::{StreamExt, stream::BoxStream};
use reqwest::{RequestBuilder, Response, StatusCode};

use super::{TokenStream, config::ProviderConfig, sse::SseDecoder};
use crate::error::{Error, Result};

/// Longest piece of an error body quoted in an error.
const MAX_ERROR_BODY: usize = 300;

/// What one SSE event's data holds.
#[derive(Debug)]
pub(crate) enum Chunk {
    /// Text to pass on (possibly empty).
    Text(String),
    /// The end of the answer (`[DONE]`).
    Done,
}

/// Reads one event's data; `Err` names what is wrong with it.
pub(crate) type Extract = fn(&str) -> std::result::Result<Chunk, String>;

/// Builds a request anew for each attempt.
pub(crate) type Build = Box<dyn Fn() -> RequestBuilder + Send + Sync>;

/// Sends the request (retrying 429, 5xx and connection failures) and streams the text of its
/// SSE events. Dropping the stream cancels the request.
pub(crate) fn stream(config: &ProviderConfig, build: Build, extract: Extract) -> TokenStream {
    let context = Context {
        provider: config.kind.name(),
        key_variable: config.key_variable(),
        secret: config.api_key.as_ref().map(|key| key.expose().to_owned()),
        http: config.http.clone(),
    };
    let state = State::Connect(build);
    futures_util::stream::unfold(
        (state, context, extract),
        |(state, context, extract)| async move {
            let mut state = state;
            loop {
                match state {
                    State::Done => return None,
                    State::Connect(build) => match send(&context, &build).await {
                        Ok(response) => {
                            state = State::Streaming {
                                body: response.bytes_stream().boxed(),
                                decoder: SseDecoder::default(),
                                ready: VecDeque::new(),
                                n_events: 0,
                            };
                        }
                        Err(err) => return Some((Err(err), (State::Done, context, extract))),
                    },
                    State::Streaming {
                        mut body,
                        mut decoder,
                        mut ready,
                        mut n_events,
                    } => {
                        if let Some(item) = ready.pop_front() {
                            let next = match &item {
                                Ok(_) => State::Streaming {
                                    body,
                                    decoder,
                                    ready,
                                    n_events,
                                },
                                Err(_) => State::Done,
                            };
                            return Some((item, (next, context, extract)));
                        }
                        let next =
                            tokio::time::timeout(context.http.idle_timeout, body.next()).await;
                        let ended = matches!(next, Ok(None));
                        let events = match next {
                            Ok(Some(Ok(bytes))) => decoder.feed(&bytes),
                            Ok(None) => decoder.finish().into_iter().collect(),
                            Ok(Some(Err(err))) => {
                                let err = context.transport(
                                    &err.without_url().to_string(),
                                    "the connection broke mid-answer; try again",
                                );
                                return Some((Err(err), (State::Done, context, extract)));
                            }
                            Err(_) => {
                                let reason = format!("no data for {:?}", context.http.idle_timeout);
                                let err = context.transport(
                                    &reason,
                                    "the provider stalled; try again or raise the idle timeout",
                                );
                                return Some((Err(err), (State::Done, context, extract)));
                            }
                        };
                        let mut done = false;
                        for event in events {
                            n_events += 1;
                            match extract(&event.data) {
                                Ok(Chunk::Text(text)) if text.is_empty() => {}
                                Ok(Chunk::Text(text)) => ready.push_back(Ok(text)),
                                Ok(Chunk::Done) => {
                                    done = true;
                                    break;
                                }
                                Err(reason) => {
                                    ready.push_back(Err(Error::ProviderStream {
                                        provider: context.provider,
                                        index: n_events,
                                        reason: context.redact(&reason),
                                    }));
                                    done = true;
                                    break;
                                }
                            }
                        }
                        state = if (done || ended) && ready.is_empty() {
                            State::Done
                        } else if done || ended {
                            State::Draining(ready)
                        } else {
                            State::Streaming {
                                body,
                                decoder,
                                ready,
                                n_events,
                            }
                        };
                    }
                    State::Draining(mut ready) => {
                        let item = ready.pop_front()?;
                        return Some((item, (State::Draining(ready), context, extract)));
                    }
                }
            }
        },
    )
    .boxed()
}

enum State {
    Connect(Build),
    Streaming {
        body: BoxStream<'static, reqwest::Result<bytes::Bytes>>,
        decoder: SseDecoder,
        ready: VecDeque<Result<String>>,
        n_events: usize,
    },
    Draining(VecDeque<Result<String>>),
    Done,
}

struct Context {
    provider: &'static str,
    key_variable: &'static str,
    secret: Option<String>,
    http: super::config::HttpConfig,
}

impl Context {
    /// Removes the API key from text that came from the network or from reqwest.
    fn redact(&self, text: &str) -> String {
        match &self.secret {
            Some(secret) if !secret.is_empty() => text.replace(secret.as_str(), "***"),
            _ => text.to_owned(),
        }
    }

    fn transport(&self, reason: &str, hint: &'static str) -> Error {
        Error::ProviderTransport {
            provider: self.provider,
            reason: self.redact(reason),
            hint,
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let doubled = self
            .http
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt));
        doubled.min(self.http.max_backoff)
    }
}

/// Sends with retries; returns the first successful response.
async fn send(context: &Context, build: &Build) -> Result<Response> {
    let mut attempt = 0;
    loop {
        let outcome = tokio::time::timeout(context.http.response_timeout, build().send()).await;
        let retries_left = attempt < context.http.max_retries;
        match outcome {
            Err(_) if retries_left => {}
            Err(_) => {
                let reason = format!("no response within {:?}", context.http.response_timeout);
                return Err(context.transport(
                    &reason,
                    "the provider is slow or unreachable; try again or raise the timeout",
                ));
            }
            Ok(Err(err)) if retries_left && (err.is_connect() || err.is_timeout()) => {}
            Ok(Err(err)) => {
                return Err(context.transport(
                    &err.without_url().to_string(),
                    "check the base URL and the network",
                ));
            }
            Ok(Ok(response)) if response.status().is_success() => return Ok(response),
            Ok(Ok(response)) => {
                let status = response.status();
                let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                if retryable && retries_left {
                    let wait = retry_after(&response).map_or_else(
                        || context.backoff(attempt),
                        |wait| wait.min(context.http.max_backoff),
                    );
                    tracing::debug!(
                        provider = context.provider,
                        status = status.as_u16(),
                        ?wait,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                let body = response.text().await.unwrap_or_default();
                return Err(Error::ProviderStatus {
                    provider: context.provider,
                    status: status.as_u16(),
                    message: context.redact(&error_message(&body)),
                    hint: hint(status, context.key_variable),
                });
            }
        }
        tokio::time::sleep(context.backoff(attempt)).await;
        attempt += 1;
    }
}

/// The `Retry-After` header in seconds, when present and numeric.
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The `error.message` of a JSON error body, else the start of the body.
fn error_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|value| value.get("error"))
        .and_then(|error| {
            error
                .get("message")
                .and_then(|m| m.as_str())
                .or_else(|| error.as_str())
        })
        .unwrap_or(body.trim());
    let message: String = message.chars().take(MAX_ERROR_BODY).collect();
    if message.is_empty() {
        "empty response body".to_owned()
    } else {
        message
    }
}

/// What a person should do about a failing status.
fn hint(status: StatusCode, key_variable: &'static str) -> &'static str {
    match status.as_u16() {
        400 => {
            "the provider rejected the request; check the model name and whether it supports structured output (AGENTOS_STRUCTURED_OUTPUT=0 turns it off)"
        }
        401 | 403 => match key_variable {
            "OPENAI_API_KEY" => "check OPENAI_API_KEY",
            _ => "check GOOGLE_API_KEY or GEMINI_API_KEY",
        },
        404 => "check the model name and the base URL",
        429 => "rate limited after retries; wait a minute or lower the request rate",
        500..=599 => "the provider is failing; try again later or use another provider",
        _ => "unexpected status from the provider",
    }
}
