//! `http.*` against a loopback server on 127.0.0.1:0.

mod common;

use std::{
    io::{Read, Write},
    net::TcpListener,
    thread,
};

use agentos_tools::Error;
use serde_json::json;

/// Serves one connection: reads the request head (and body per Content-Length), answers
/// `response`, and returns the request text.
fn serve_once(response: &'static str) -> (String, thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if request.len() >= end + 4 + length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        stream.write_all(response.as_bytes()).unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    (url, handle)
}

#[test]
fn get_and_post_over_loopback() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    let (url, server) = serve_once(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\": [1]}\n",
    );
    let response = common::call(
        &rt,
        app,
        "http.get",
        json!({"url": format!("{url}/items?x=1"), "headers": {"X-Test": "yes"}}),
    )
    .unwrap()
    .result;
    assert_eq!(response["status"], 200);
    assert_eq!(response["json"], json!({"a": [1]}));
    let request = server.join().unwrap();
    assert!(
        request.starts_with("GET /items?x=1 HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(request.contains("X-Test: yes\r\n"));

    let (url, server) = serve_once(
        "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n",
    );
    let response = common::call(
        &rt,
        app,
        "http.post",
        json!({"url": url, "body": {"name": "ada"}}),
    )
    .unwrap()
    .result;
    assert_eq!(
        (response["status"].as_u64(), response["body"].as_str()),
        (Some(201), Some("Wikipedia"))
    );
    let request = server.join().unwrap();
    assert!(
        request.contains("Content-Type: application/json")
            && request.ends_with("{\"name\":\"ada\"}"),
        "{request}"
    );
}

#[test]
fn timeouts_denials_and_bad_input() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    // A server that accepts and never answers: the deadline ends the call.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let err = common::call(
        &rt,
        app,
        "http.request",
        json!({"method": "GET", "url": url, "timeout_ms": 50}),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { ref tool } if tool == "http.request"),
        "{err}"
    );
    drop(listener);

    let plain = common::app_with(&rt, "plain", "[]", "[]");
    assert!(matches!(
        common::call(
            &rt,
            plain,
            "http.get",
            json!({"url": "http://127.0.0.1:9/"})
        ),
        Err(Error::CapabilityDenied { .. })
    ));
    assert!(matches!(
        common::call(&rt, app, "http.get", json!({"url": "ftp://x"})),
        Err(Error::Http { .. })
    ));
    assert!(
        matches!(common::call(&rt, app, "http.get", json!({"url": "https://example.org"})), Err(Error::Http { ref reason, .. }) if reason.contains("https"))
    );
    let err = common::call(
        &rt,
        app,
        "http.get",
        json!({"url": "http://127.0.0.1:9/", "headers": {"X": "a\r\nInjected: 1"}}),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::InvalidParam { ref param, .. } if param == "headers.X"),
        "{err}"
    );
    assert!(
        common::call(
            &rt,
            app,
            "http.request",
            json!({"url": "http://x", "method": "BREW"})
        )
        .unwrap_err()
        .to_string()
        .contains("parameter `method` must be one of")
    );
}
