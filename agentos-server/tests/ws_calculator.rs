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
    let (app_id, blueprint) = loop {
        let message = next_json(&mut socket).await;
        match message["type"].as_str().unwrap() {
            "thought" => {}
            "generation_token" => streamed.push_str(message["content"].as_str().unwrap()),
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

    let mut last = Value::Null;
    for label in ["7", "+", "3", "="] {
        let component_id = common::button_id(&blueprint, label);
        send(&mut socket, json!({"type": "event", "app_id": app_id, "component_id": component_id, "event": "click"})).await;
        last = next_json(&mut socket).await;
        assert_eq!(last["type"], "state", "{last}");
    }
    assert_eq!(last["changes"]["display"], "10");

    send(
        &mut socket,
        json!({"type": "event", "app_id": app_id, "component_id": "nope", "event": "click"}),
    )
    .await;
    let error = next_json(&mut socket).await;
    assert_eq!(error["type"], "error");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("no component with id `nope`")
    );

    send(&mut socket, json!({"type": "dance"})).await;
    assert_eq!(next_json(&mut socket).await["type"], "error");
}
