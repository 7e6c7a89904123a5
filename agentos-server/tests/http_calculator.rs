//! Generate a calculator over real HTTP, click 7 + 3 = and read "10" back.

mod common;

use serde_json::{Value, json};

#[tokio::test]
async fn generate_click_and_read_state_over_http() {
    let address = common::start_server().await;
    let base = format!("http://{address}");
    let client = reqwest::Client::new();

    let health: Value = common::get_json(&client, format!("{base}/health")).await;
    assert_eq!(health["status"], "healthy");

    let response = client
        .post(format!("{base}/generate-ui"))
        .json(&json!({"message": "make me a calculator"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let generated: Value = response.json().await.unwrap();
    let app_id = generated["app_id"].as_str().unwrap().to_owned();
    let blueprint = &generated["blueprint"];
    assert_eq!(blueprint["app"]["id"], "calculator");
    assert!(!generated["thoughts"].as_array().unwrap().is_empty());

    let mut last_patch = Value::Null;
    for label in ["7", "+", "3", "="] {
        let component_id = common::button_id(blueprint, label);
        let response = client
            .post(format!("{base}/apps/{app_id}/events"))
            .json(&json!({"component_id": component_id, "event": "click"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "click {label}");
        last_patch = response.json().await.unwrap();
    }
    assert_eq!(last_patch["changes"]["display"], "10");

    let state: Value = common::get_json(&client, format!("{base}/apps/{app_id}/state")).await;
    assert_eq!(state["app_id"], app_id.as_str());
    assert_eq!(state["state"]["display"], "10");

    let apps: Value = common::get_json(&client, format!("{base}/apps")).await;
    assert_eq!(apps["stats"]["total_apps"], 1);
    assert_eq!(apps["apps"][0]["app_id"], app_id.as_str());
}
