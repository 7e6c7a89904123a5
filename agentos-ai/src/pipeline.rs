//! The LLM leg of generation: ask the provider, validate, one repair round with the
//! diagnostics, and the best template as a fallback — so only valid Blueprints complete.

use std::sync::Arc;

use agentos_blueprint::{Blueprint, Diagnostic, ToolCatalog};
use futures_util::{FutureExt, StreamExt};
use tokio::sync::mpsc::UnboundedSender;

use crate::{
    cache::Cached,
    error::Error,
    event::GenerationEvent,
    generator::{Generator, emit_answer},
    prompt,
    provider::{ChatMessage, Provider, ProviderRequest},
    validate::{self, Assembler},
};

/// Runs the LLM leg for `request`, sending events to `events`.
pub(crate) async fn run(
    generator: Generator,
    provider: Arc<dyn Provider>,
    request: String,
    key: String,
    events: UnboundedSender<Vec<GenerationEvent>>,
) {
    let send_all = |batch: Vec<GenerationEvent>| {
        // A closed receiver means the caller dropped the stream; the driver ends with it.
        let _ = events.send(batch);
    };
    let send = |event: GenerationEvent| send_all(vec![event]);
    let mut provider_request = ProviderRequest {
        messages: vec![
            ChatMessage::system(prompt::system_prompt(&request, generator.tools())),
            ChatMessage::user(request.clone()),
        ],
        response_schema: Some(generator.inner.schema.clone()),
    };
    for round in 0..2 {
        if round == 1 {
            send(GenerationEvent::Start {
                message: "Repairing the Blueprint...".to_owned(),
            });
        }
        match ask(
            provider.as_ref(),
            &provider_request,
            generator.tools(),
            &send_all,
        )
        .await
        {
            Err(err) => {
                send(GenerationEvent::Thought(format!("The model failed: {err}")));
                break;
            }
            Ok(Round {
                text,
                outcome: Ok(blueprint),
                n_streamed,
            }) => {
                finish(
                    &generator, &provider, key, text, blueprint, n_streamed, &send,
                );
                return;
            }
            Ok(Round {
                text,
                outcome: Err(diagnostics),
                ..
            }) => {
                let first = diagnostics
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                if round == 0 {
                    send(GenerationEvent::Thought(format!(
                        "The answer has {} problem(s), first {first}; asking for a repair",
                        diagnostics.len()
                    )));
                    provider_request.messages.push(ChatMessage::assistant(text));
                    provider_request
                        .messages
                        .push(ChatMessage::user(prompt::repair_message(&diagnostics)));
                } else {
                    send(GenerationEvent::Thought(format!(
                        "The repaired answer is still invalid: {first}"
                    )));
                }
            }
        }
    }
    fallback(&generator, &request, &send);
}

/// One provider answer: its text, and the Blueprint or what is wrong with it.
struct Round {
    text: String,
    outcome: Result<Blueprint, Vec<Diagnostic>>,
    n_streamed: usize,
}

/// Largest Token event made by joining chunks that were already waiting.
const MAX_COALESCED_BYTES: usize = 8 * 1024;

async fn ask(
    provider: &dyn Provider,
    request: &ProviderRequest,
    tools: &(dyn ToolCatalog + Send + Sync),
    send_all: &impl Fn(Vec<GenerationEvent>),
) -> Result<Round, Error> {
    let mut tokens = provider.stream(request)?;
    let mut assembler = Assembler::default();
    let mut n_streamed = 0;
    let mut failure = None;
    let mut ended = false;
    while !ended {
        let Some(first) = tokens.next().await else {
            break;
        };
        let mut chunk = first?;
        // Chunks that are already waiting join this event: one event per network read, not
        // one per provider chunk, when the consumer is slower than the producer.
        while chunk.len() < MAX_COALESCED_BYTES {
            match tokens.next().now_or_never() {
                Some(Some(Ok(more))) => chunk.push_str(&more),
                Some(Some(Err(err))) => {
                    failure = Some(err);
                    break;
                }
                Some(None) => {
                    ended = true;
                    break;
                }
                None => break,
            }
        }
        let completed = assembler.feed(&chunk);
        // One channel send per chunk, not per event.
        let mut batch = Vec::with_capacity(1 + completed.len());
        batch.push(GenerationEvent::Token(chunk));
        for (path, component) in completed {
            n_streamed += 1;
            batch.push(GenerationEvent::Component {
                path,
                component: Box::new(component),
            });
        }
        send_all(batch);
        if let Some(err) = failure {
            return Err(err);
        }
    }
    let (text, outcome) = assembler.finish(tools);
    Ok(Round {
        text,
        outcome,
        n_streamed,
    })
}

fn finish(
    generator: &Generator,
    provider: &Arc<dyn Provider>,
    key: String,
    text: String,
    blueprint: Blueprint,
    n_streamed: usize,
    send: &impl Fn(GenerationEvent),
) {
    if n_streamed == 0 {
        for (path, component) in validate::top_level(&blueprint) {
            send(GenerationEvent::Component {
                path,
                component: Box::new(component),
            });
        }
    }
    send(GenerationEvent::Thought(format!(
        "{} components",
        blueprint.ui.all_components().count()
    )));
    if generator.inner.config.cache_capacity == 0 {
        // Nothing keeps the answer: the Blueprint moves into the event, uncloned.
        send(GenerationEvent::Complete(Box::new(blueprint)));
        return;
    }
    send(GenerationEvent::Complete(Box::new(blueprint.clone())));
    generator.inner.cache.lock().insert(
        key,
        Cached {
            source: Arc::from(text),
            blueprint: Arc::new(blueprint),
            origin: Arc::from(provider.name()),
        },
    );
}

/// Answers with the best template (or the scratchpad) and says so.
fn fallback(generator: &Generator, request: &str, send: &impl Fn(GenerationEvent)) {
    let best = generator.templates().best_match(request);
    match generator.template_answer(request, best) {
        Ok(answer) => {
            send(GenerationEvent::Thought(format!(
                "Falling back to an offline answer. {}",
                answer.thought
            )));
            send(GenerationEvent::Start {
                message: "Using an offline template...".to_owned(),
            });
            let mut events = Vec::new();
            emit_answer(
                &mut events,
                &answer.cached.source,
                &answer.cached.blueprint,
                generator.inner.config.chunk_chars,
            );
            for event in events {
                send(event);
            }
        }
        Err(err) => send(GenerationEvent::Error(err.to_string())),
    }
}
