//! `network_request` (feature `http`): a real GET and POST against a loopback server, under
//! the caller's capability and rule.
#![cfg(feature = "http")]

use agentos_kernel::{
    Capability, CapabilitySet, Error, HttpMethod, Kernel, NetworkRule, SocketRule,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// Answers one request with its method and body length, then closes.
async fn serve_once(listener: TcpListener) {
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        request.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&request);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                let method = head.split(' ').next().unwrap().to_owned();
                let reply = format!("{method} {length}");
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                stream.write_all(response.as_bytes()).await.unwrap();
                return;
            }
        }
        if n == 0 {
            return;
        }
    }
}

#[tokio::test]
async fn get_and_post_reach_a_loopback_server() {
    let kernel = Kernel::new();
    let pid = kernel.create_process(
        "web",
        CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::any())),
    );
    for (method, body, expected) in [
        (HttpMethod::Get, None, "GET 0"),
        (HttpMethod::Post, Some(b"hello".to_vec()), "POST 5"),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        let server = tokio::spawn(serve_once(listener));
        let response = kernel
            .network_request(pid, method, &url, body)
            .await
            .unwrap();
        assert_eq!(
            (response.status, response.body.as_slice()),
            (200, expected.as_bytes())
        );
        server.await.unwrap();
    }
}

#[tokio::test]
async fn requests_need_the_capability_and_obey_the_rule() {
    let kernel = Kernel::new();
    let none = kernel.create_process("none", CapabilitySet::new());
    assert!(matches!(
        kernel
            .network_request(none, HttpMethod::Get, "http://127.0.0.1:9/", None)
            .await,
        Err(Error::PermissionDenied { .. })
    ));
    let pid = kernel.create_process(
        "web",
        CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::any())),
    );
    kernel
        .set_network_rule(
            pid,
            pid,
            SocketRule {
                hosts: vec!["127.0.0.1".into()],
                ports: vec![1],
            },
        )
        .unwrap();
    assert!(matches!(
        kernel
            .network_request(pid, HttpMethod::Get, "http://127.0.0.1:9/", None)
            .await,
        Err(Error::NetworkDenied { .. })
    ));
    assert!(matches!(
        kernel
            .network_request(pid, HttpMethod::Get, "ftp://127.0.0.1:1/", None)
            .await,
        Err(Error::InvalidArgument(_))
    ));
}
