//! Shared helpers for the server's integration tests: a real server on 127.0.0.1:0, and
//! (in `apps`) the prebuilt apps under `apps/`.

#![allow(dead_code, unreachable_pub)]

pub mod apps;

use std::net::SocketAddr;

use agentos_server::ServerState;
use serde_json::Value;

/// Starts a real server on an ephemeral loopback port and returns its address.
pub async fn start_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(agentos_server::serve(listener, ServerState::offline()));
    address
}

/// The id of the button labelled `label` anywhere in a Blueprint's component tree.
pub fn button_id(blueprint: &Value, label: &str) -> String {
    fn walk(components: &Value, label: &str) -> Option<String> {
        for component in components.as_array()? {
            if component["type"] == "button" && component["props"]["text"] == label {
                return component["id"].as_str().map(str::to_owned);
            }
            if let Some(found) = walk(&component["children"], label) {
                return Some(found);
            }
        }
        None
    }
    walk(&blueprint["ui"]["components"], label)
        .unwrap_or_else(|| panic!("no button labelled {label}"))
}

/// `GET url` and its JSON body, whatever the status.
pub async fn get_json(client: &reqwest::Client, url: String) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}
