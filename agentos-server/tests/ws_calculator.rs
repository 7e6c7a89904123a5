//! Generate a calculator over the real WebSocket, click 7 + 3 = and receive "10".

mod common;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::{connect_async, tungstenite::Message};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(socket: &mut Socket) -> Value {
    loop {
        match socket.next().await.expect("socket open").expect("frame") {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Close(frame) => panic!("socket closed: {frame:?}"),
            _ => continue,
        }
    }
}

/// The next message that is not a launch/close announcement (a `state` with no changes).
async fn next_reply(socket: &mut Socket) -> Value {
    loop {
        let message = next_json(socket).await;
        let announcement = message["type"] == "state"
            && message["changes"]
                .as_object()
                .is_some_and(|changes| changes.is_empty())
            && message["effects"].is_array();
        if !announcement {
            return message;
        }
    }
}

async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .unwrap();
}

#[tokio::test]
async fn generate_and_click_over_websocket() {
    let address = common::start_server().await;
    let (mut socket, _) = connect_async(format!("ws://{address}/stream"))
        .await
        .unwrap();
    assert_eq!(next_json(&mut socket).await["type"], "system");

    send(&mut socket, json!({"type": "ping"})).await;
    assert_eq!(next_json(&mut socket).await, json!({"type": "pong"}));

    send(
        &mut socket,
        json!({"type": "generate_ui", "message": "calculator please"}),
    )
    .await;
    let start = next_json(&mut socket).await;
    assert_eq!(start["type"], "generation_start");
    let mut streamed = String::new();
    let mut components = Vec::new();
    let (app_id, blueprint) = loop {
        let message = next_json(&mut socket).await;
        match message["type"].as_str().unwrap() {
            "thought" => {}
            "generation_token" => streamed.push_str(message["content"].as_str().unwrap()),
            "component" => {
                // Each component arrives once the text streamed so far completes it.
                let path = message["path"].as_str().unwrap().to_owned();
                assert!(path.starts_with("ui.components["), "{path}");
                assert!(message["component"]["type"].is_string(), "{message}");
                components.push((path, message["component"]["id"].clone()));
            }
            "ui_generated" => {
                break (
                    message["app_id"].as_str().unwrap().to_owned(),
                    message["ui_spec"].clone(),
                );
            }
            other => panic!("unexpected message {other}: {message}"),
        }
    };
    assert_eq!(next_json(&mut socket).await["type"], "complete");
    let streamed: Value =
        serde_json::from_str(&streamed).expect("tokens concatenate to the blueprint JSON");
    assert_eq!(streamed["app"]["id"], blueprint["app"]["id"]);
    // Every button was drawable before the app launched, children before their container.
    let buttons = components
        .iter()
        .filter(|(path, _)| path.contains(".children["))
        .count();
    assert!(buttons >= 16, "{components:?}");
    let top: Vec<&Value> = components
        .iter()
        .filter(|(path, _)| !path.contains(".children["))
        .map(|(_, id)| id)
        .collect();
    let launched: Vec<&Value> = blueprint["ui"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|component| &component["id"])
        .collect();
    assert_eq!(top, launched);

    // A second view of the same server: it sees every patch, as a second browser tab would.
    let (mut watcher, _) = connect_async(format!("ws://{address}/stream"))
        .await
        .unwrap();
    assert_eq!(next_json(&mut watcher).await["type"], "system");

    let mut last = Value::Null;
    for label in ["7", "+", "3", "="] {
        let component_id = common::button_id(&blueprint, label);
        send(&mut socket, json!({"type": "event", "app_id": app_id, "component_id": component_id, "event": "click"})).await;
        last = next_reply(&mut socket).await;
        assert_eq!(last["type"], "state", "{last}");
    }
    assert_eq!(last["changes"]["display"], "10");
    let mut seen = Vec::new();
    for _ in 0..4 {
        let message = next_reply(&mut watcher).await;
        assert_eq!(message["type"], "state");
        assert_eq!(message["app_id"], app_id.as_str());
        seen.push(message["changes"]["display"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, ["7", "7+", "7+3", "10"]);

    // A click over HTTP reaches the WebSocket views too.
    let client = reqwest::Client::new();
    let clear = common::button_id(&blueprint, "C");
    let response = client
        .post(format!("http://{address}/apps/{app_id}/events"))
        .json(&json!({"component_id": clear, "event": "click"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(next_reply(&mut watcher).await["changes"]["display"], "0");
    assert_eq!(next_reply(&mut socket).await["changes"]["display"], "0");

    send(
        &mut socket,
        json!({"type": "event", "app_id": app_id, "component_id": "nope", "event": "click"}),
    )
    .await;
    let error = next_reply(&mut socket).await;
    assert_eq!(error["type"], "error");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("no component with id `nope`")
    );

    send(&mut socket, json!({"type": "dance"})).await;
    assert_eq!(next_reply(&mut socket).await["type"], "error");
}
