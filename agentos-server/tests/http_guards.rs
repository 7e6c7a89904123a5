//! The bearer token and the per-IP rate limit, over a real socket.

use agentos_server::{RateLimit, ServerConfig, ServerState};
use serde_json::Value;

async fn start(config: ServerConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(agentos_server::serve(
        listener,
        ServerState::new(config).unwrap(),
    ));
    format!("http://{address}")
}

#[tokio::test]
async fn token_is_required_except_for_health() {
    let base = start(ServerConfig {
        token: Some("s3cret".into()),
        ..ServerConfig::default()
    })
    .await;
    let client = reqwest::Client::new();
    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let denied = client.get(format!("{base}/apps")).send().await.unwrap();
    assert_eq!(denied.status(), 401);
    let body: Value = denied.json().await.unwrap();
    assert_eq!(body["error"], "missing or invalid bearer token");

    let wrong = client
        .get(format!("{base}/apps"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let allowed = client
        .get(format!("{base}/apps"))
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    let by_query = client
        .get(format!("{base}/apps?token=s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_query.status(), 200);
}

#[tokio::test]
async fn rate_limit_answers_429_after_the_burst() {
    let base = start(ServerConfig {
        rate_limit: Some(RateLimit {
            per_second: 0.001,
            burst: 5.0,
        }),
        ..ServerConfig::default()
    })
    .await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            client
                .get(format!("{base}/health"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);
    let body: Value = client
        .get(format!("{base}/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"], "rate limit exceeded");
}

#[tokio::test]
async fn data_dir_is_mounted_at_system_and_reaches_the_host_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("state");
    let state = ServerState::new(ServerConfig {
        data_dir: Some(data_dir.clone()),
        ..ServerConfig::default()
    })
    .unwrap();
    assert!(data_dir.is_dir(), "the data directory is created");
    let kernel = state.runtime.kernel();
    let pid = kernel.create_process("probe", agentos_kernel::CapabilitySet::all());
    kernel
        .syscall(
            pid,
            agentos_kernel::Syscall::WriteFile {
                path: format!("{}/probe.txt", agentos_server::SYSTEM_MOUNT),
                data: b"persisted".to_vec(),
            },
        )
        .unwrap_or_else(|err| panic!("write through /system: {err}"));
    assert_eq!(
        std::fs::read(data_dir.join("probe.txt")).unwrap(),
        b"persisted"
    );

    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = ServerState::new(ServerConfig {
        data_dir: Some(file),
        ..ServerConfig::default()
    })
    .err()
    .expect("a file is not a data directory");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}
