//! WebSocket `/stream`: `generate_ui`, `event` and `ping` in; generation progress, `state`
//! patches, `pong` and `error` out.

use agentos_ai::GenerationEvent;
use axum::{
    extract::{
        State,
        ws::{Message, WebSocket, WebSocketUpgrade},
    },
    response::Response,
};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

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
    let hello = json!({"type": "system", "message": "Connected to AgentOS"});
    if send(&mut socket, hello).await.is_err() {
        return;
    }
    while let Some(Ok(message)) = socket.recv().await {
        let text = match message {
            Message::Text(text) => text,
            Message::Close(_) => return,
            _ => continue,
        };
        let replies = match serde_json::from_str::<ClientMessage>(&text) {
            Ok(message) => handle(&state, message).await,
            Err(err) => vec![error(format!("invalid message: {err}"))],
        };
        for reply in replies {
            if send(&mut socket, reply).await.is_err() {
                return;
            }
        }
    }
}

async fn handle(state: &ServerState, message: ClientMessage) -> Vec<Value> {
    match message {
        ClientMessage::Ping => vec![json!({"type": "pong"})],
        ClientMessage::GenerateUi { message } => generate(state, &message).await,
        ClientMessage::Event { app_id: id, event } => {
            let app_id = match app_id(&id) {
                Ok(app_id) => app_id,
                Err(_) => return vec![error(format!("invalid app id `{id}`: expected a UUID"))],
            };
            match state.runtime.dispatch(app_id, &event.into()) {
                Ok(patch) => vec![json!({
                    "type": "state", "app_id": patch.app_id, "changes": patch.changes, "result": patch.result,
                })],
                Err(err) => vec![error(err.to_string())],
            }
        }
    }
}

async fn generate(state: &ServerState, request: &str) -> Vec<Value> {
    let mut replies = Vec::new();
    let mut events = state.generator.stream(request);
    while let Some(event) = events.next().await {
        let reply = match event {
            GenerationEvent::Start { message } => {
                json!({"type": "generation_start", "message": message})
            }
            GenerationEvent::Thought(content) => json!({"type": "thought", "content": content}),
            GenerationEvent::Token(content) => {
                json!({"type": "generation_token", "content": content})
            }
            GenerationEvent::Complete(blueprint) => {
                match state.runtime.launch((*blueprint).clone()) {
                    Ok(app_id) => {
                        replies.push(
                            json!({"type": "ui_generated", "app_id": app_id, "ui_spec": blueprint}),
                        );
                        json!({"type": "complete"})
                    }
                    Err(err) => error(err.to_string()),
                }
            }
            GenerationEvent::Error(message) => error(message),
            _ => continue,
        };
        replies.push(reply);
    }
    replies
}

fn error(message: String) -> Value {
    json!({"type": "error", "message": message})
}

async fn send(socket: &mut WebSocket, value: Value) -> Result<(), axum::Error> {
    socket.send(Message::Text(value.to_string().into())).await
}
