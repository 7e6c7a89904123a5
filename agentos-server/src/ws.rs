//! WebSocket `/stream`: `generate_ui`, `event` and `ping` in; generation progress (streamed as it
//! happens, components included), `state`
//! patches, `pong` and `error` out.

use agentos_ai::GenerationEvent;
use agentos_tools::Patch;
use axum::{
    extract::{
        State,
        ws::{Message, WebSocket, WebSocketUpgrade},
    },
    response::Response,
};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use crate::{
    dto::{EventRequest, app_id},
    state::ServerState,
};

/// A message a client sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    Ping,
    GenerateUi {
        message: String,
    },
    Event {
        app_id: String,
        #[serde(flatten)]
        event: EventRequest,
    },
}

/// Upgrades `GET /stream` to a WebSocket.
pub(crate) async fn stream(
    State(state): State<ServerState>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |socket| session(socket, state))
}

async fn session(mut socket: WebSocket, state: ServerState) {
    let mut patches = state.patches.subscribe();
    let hello = json!({"type": "system", "message": "Connected to AgentOS"});
    if send(&mut socket, hello).await.is_err() {
        return;
    }
    loop {
        let replies = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMessage>(&text) {
                    Ok(ClientMessage::GenerateUi { message }) => {
                        match generate(&mut socket, &state, &message).await {
                            Ok(replies) => replies,
                            Err(_) => return,
                        }
                    }
                    Ok(message) => handle(&state, message),
                    Err(err) => vec![error(format!("invalid message: {err}"))],
                },
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => continue,
            },
            patch = patches.recv() => match patch {
                Ok(patch) => vec![state_message(&patch)],
                Err(broadcast::error::RecvError::Lagged(n_missed)) => {
                    vec![error(format!("this view missed {n_missed} updates; reload to resync"))]
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        for reply in replies {
            if send(&mut socket, reply).await.is_err() {
                return;
            }
        }
    }
}

/// A `state` message: what one dispatch changed in one app, sent to every view.
fn state_message(patch: &Patch) -> Value {
    let mut message = json!({
        "type": "state", "app_id": patch.app_id, "changes": patch.changes, "result": patch.result,
    });
    if !patch.effects.is_empty() {
        message["effects"] = json!(patch.effects);
    }
    message
}

/// The replies to a message other than `generate_ui` (which streams; see [`generate`]).
fn handle(state: &ServerState, message: ClientMessage) -> Vec<Value> {
    match message {
        ClientMessage::Ping => vec![json!({"type": "pong"})],
        ClientMessage::GenerateUi { .. } => Vec::new(),
        ClientMessage::Event { app_id: id, event } => {
            let app_id = match app_id(&id) {
                Ok(app_id) => app_id,
                Err(_) => return vec![error(format!("invalid app id `{id}`: expected a UUID"))],
            };
            match state.runtime.dispatch(app_id, &event.into()) {
                // Every view, this one included, gets the patch from the broadcast; a patch
                // that changed nothing is answered here so the sender still hears back.
                Ok(patch) if patch.changes.is_empty() && patch.effects.is_empty() => {
                    vec![state_message(&patch)]
                }
                Ok(_) => Vec::new(),
                Err(err) => vec![error(err.to_string())],
            }
        }
    }
}

/// Generates and launches an app for `request`, sending each progress message to `socket` as
/// the generator produces it (so the view draws components while the model is still writing);
/// returns the outcome messages (`ui_generated` and `complete`, or `error`) for the caller to
/// send. `Err` when the socket is gone.
async fn generate(
    socket: &mut WebSocket,
    state: &ServerState,
    request: &str,
) -> Result<Vec<Value>, axum::Error> {
    let (progress, mut shown) = mpsc::unbounded_channel();
    let generation = state
        .generator
        .generate_and_launch(&state.runtime, request, |event| {
            if let Some(message) = progress_message(event) {
                // The receiver lives until this function returns.
                let _ = progress.send(message);
            }
        });
    tokio::pin!(generation);
    let outcome = loop {
        tokio::select! {
            biased;
            Some(message) = shown.recv() => send(socket, message).await?,
            outcome = &mut generation => break outcome,
        }
    };
    while let Ok(message) = shown.try_recv() {
        send(socket, message).await?;
    }
    Ok(match outcome {
        Ok(launched) => vec![
            json!({
                "type": "ui_generated", "app_id": launched.app_id, "ui_spec": launched.blueprint.as_ref(),
            }),
            json!({"type": "complete"}),
        ],
        Err(err) => vec![error(err.to_string())],
    })
}

/// The message for a generation step a view shows while it waits: status, thoughts, the
/// Blueprint text as it streams, and each component as soon as it is complete (children
/// first, a container without its children, at its JSON path) so the view can draw a preview.
fn progress_message(event: &GenerationEvent) -> Option<Value> {
    Some(match event {
        GenerationEvent::Start { message } => {
            json!({"type": "generation_start", "message": message})
        }
        GenerationEvent::Thought(content) => json!({"type": "thought", "content": content}),
        GenerationEvent::Token(content) => json!({"type": "generation_token", "content": content}),
        GenerationEvent::Component { path, component } => {
            json!({"type": "component", "path": path, "component": component.as_ref()})
        }
        _ => return None,
    })
}

fn error(message: String) -> Value {
    json!({"type": "error", "message": message})
}

async fn send(socket: &mut WebSocket, value: Value) -> Result<(), axum::Error> {
    socket.send(Message::Text(value.to_string().into())).await
}
