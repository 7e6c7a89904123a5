//! `network_request` (feature `http`): real requests against loopback servers the tests start
//! on 127.0.0.1:0 — every method, caller headers reaching the server, malformed and forbidden
//! headers refused naming the header, the timeout cap — under the caller's capability and
//! rule.
#![cfg(feature = "http")]

use std::time::Duration;

use agentos_kernel::{
    Capability, CapabilitySet, DEFAULT_REQUEST_TIMEOUT, Error, HttpMethod, HttpRequest, Kernel,
    NetworkRule, Pid, SocketRule,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// Answers one request with its method and body length, then closes; returns the request's
/// head (request line and headers) as the server saw it.
async fn serve_once(listener: TcpListener) -> String {
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        request.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&request).into_owned();
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
                return head.to_owned();
            }
        }
        if n == 0 {
            return text;
        }
    }
}

fn web(kernel: &Kernel) -> Pid {
    kernel.create_process(
        "web",
        CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::any())),
    )
}

/// Starts a one-shot server and returns its URL (path `/x`) and its task.
async fn server() -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/x", listener.local_addr().unwrap());
    (url, tokio::spawn(serve_once(listener)))
}

#[tokio::test]
async fn every_method_reaches_a_loopback_server() {
    let kernel = Kernel::new();
    let pid = web(&kernel);
    for (method, body, expected) in [
        (HttpMethod::Get, None, "GET 0"),
        (HttpMethod::Post, Some(b"hello".to_vec()), "POST 5"),
        (HttpMethod::Put, Some(b"put!".to_vec()), "PUT 4"),
        (HttpMethod::Patch, Some(b"pat".to_vec()), "PATCH 3"),
        (HttpMethod::Delete, None, "DELETE 0"),
    ] {
        let (url, server) = server().await;
        let request = HttpRequest {
            body,
            ..HttpRequest::new(method, url)
        };
        let response = kernel.network_request(pid, request).await.unwrap();
        assert_eq!(
            (response.status, response.body.as_slice()),
            (200, expected.as_bytes())
        );
        let head = server.await.unwrap();
        assert!(
            head.starts_with(&format!("{} /x HTTP/1.1\r\n", method.as_str())),
            "{head}"
        );
    }
    // HEAD: the server sees HEAD and answers with a length but no body is read.
    let (url, server) = server().await;
    let response = kernel
        .network_request(pid, HttpRequest::new(HttpMethod::Head, url))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert!(response.body.is_empty(), "{:?}", response.body);
    assert!(server.await.unwrap().starts_with("HEAD /x HTTP/1.1\r\n"));
}

#[tokio::test]
async fn caller_headers_reach_the_server_in_order() {
    let kernel = Kernel::new();
    let pid = web(&kernel);
    let (url, server) = server().await;
    let request = HttpRequest {
        headers: vec![
            ("X-Trace".into(), "abc 123".into()),
            ("Content-Type".into(), "application/json".into()),
            ("x-trace".into(), "second".into()),
        ],
        body: Some(br#"{"a":1}"#.to_vec()),
        timeout: Some(Duration::from_secs(5)),
        ..HttpRequest::new(HttpMethod::Post, url)
    };
    let response = kernel.network_request(pid, request).await.unwrap();
    assert_eq!(response.body, b"POST 7");
    let head = server.await.unwrap().to_ascii_lowercase();
    let first = head.find("x-trace: abc 123\r\n").expect(&head);
    let second = head.find("x-trace: second").expect(&head);
    assert!(first < second, "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
}

#[tokio::test]
async fn malformed_and_forbidden_headers_are_refused_naming_the_header() {
    let kernel = Kernel::new();
    let pid = web(&kernel);
    // Nothing may reach this listener: every request is refused before it connects.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let cases = [
        ("Bad Name", "1", "not a valid header name"),
        ("X-Ok", "line\r\nInjected: 1", "not a valid header value"),
        ("", "1", "not a valid header name"),
        ("Host", "evil.example", "may not carry"),
        ("content-length", "0", "may not carry"),
        ("Transfer-Encoding", "chunked", "may not carry"),
        ("CONNECTION", "upgrade", "may not carry"),
        ("Upgrade", "h2c", "may not carry"),
    ];
    for (name, value, why) in cases {
        let request = HttpRequest {
            headers: vec![("X-Fine".into(), "yes".into()), (name.into(), value.into())],
            ..HttpRequest::new(HttpMethod::Get, url.clone())
        };
        match kernel.network_request(pid, request).await {
            Err(Error::InvalidArgument(message)) => {
                assert!(message.contains(&format!("header {name:?}")), "{message}");
                assert!(message.contains(why), "{message}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    // The listener is non-blocking: an accept with no connection waiting fails at once.
    let listener = listener.into_std().unwrap();
    assert!(listener.accept().is_err(), "no request reached the server");
}

#[tokio::test]
async fn the_timeout_is_the_callers_but_never_above_the_default() {
    let kernel = Kernel::new();
    let pid = web(&kernel);
    // A server that accepts and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let _silent = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        std::future::pending::<()>().await;
        drop(stream);
    });
    let started = std::time::Instant::now();
    let request = HttpRequest {
        timeout: Some(Duration::from_millis(100)),
        ..HttpRequest::new(HttpMethod::Get, url.clone())
    };
    let err = kernel.network_request(pid, request).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Socket {
                operation: "network_request",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        started.elapsed() < DEFAULT_REQUEST_TIMEOUT,
        "the caller's timeout applied"
    );
    let zero = HttpRequest {
        timeout: Some(Duration::ZERO),
        ..HttpRequest::new(HttpMethod::Get, url)
    };
    assert!(matches!(
        kernel.network_request(pid, zero).await,
        Err(Error::InvalidArgument(message)) if message.contains("timeout")
    ));
}

#[tokio::test]
async fn requests_need_the_capability_and_obey_the_rule() {
    let kernel = Kernel::new();
    let none = kernel.create_process("none", CapabilitySet::new());
    assert!(matches!(
        kernel
            .network_request(
                none,
                HttpRequest::new(HttpMethod::Get, "http://127.0.0.1:9/")
            )
            .await,
        Err(Error::PermissionDenied { .. })
    ));
    let pid = web(&kernel);
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
    for method in [HttpMethod::Get, HttpMethod::Put, HttpMethod::Delete] {
        assert!(matches!(
            kernel
                .network_request(pid, HttpRequest::new(method, "http://127.0.0.1:9/"))
                .await,
            Err(Error::NetworkDenied { .. })
        ));
    }
    assert!(matches!(
        kernel
            .network_request(pid, HttpRequest::new(HttpMethod::Get, "ftp://127.0.0.1:1/"))
            .await,
        Err(Error::InvalidArgument(_))
    ));
}
