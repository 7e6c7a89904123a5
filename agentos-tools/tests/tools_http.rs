//! `http.*` through the kernel's `network_request` syscall, against loopback servers the tests
//! start on 127.0.0.1:0: results for every status, every method, request headers and the JSON
//! content type, the capability and host/port rules of the app's PID, the deadline, and bad
//! input (malformed and forbidden headers among it) naming the parameter.
#![cfg(feature = "http")]

mod common;

use std::{
    io::{Read, Write},
    net::TcpListener,
    thread,
};

use agentos_kernel::{Capability, CapabilitySet, NetworkRule, SocketRule};
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
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_owned)
                    })
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
fn get_returns_status_headers_body_and_json() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    let (url, server) = serve_once(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Served-By: loopback\r\nContent-Length: 11\r\n\r\n{\"a\": [1]}\n",
    );
    let response = common::call(
        &rt,
        app,
        "http.get",
        json!({"url": format!("{url}/items?x=1")}),
    )
    .unwrap()
    .result;
    assert_eq!(response["status"], 200);
    assert_eq!(response["ok"], true);
    assert_eq!(response["truncated"], false);
    assert_eq!(response["body"], "{\"a\": [1]}\n");
    assert_eq!(response["json"], json!({"a": [1]}));
    assert_eq!(response["headers"]["x-served-by"], "loopback");
    assert_eq!(response["headers"]["content-type"], "application/json");
    let request = server.join().unwrap();
    assert!(
        request.starts_with("GET /items?x=1 HTTP/1.1\r\n"),
        "{request}"
    );
}

#[test]
fn post_sends_a_json_body_and_a_chunked_answer_is_read() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
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
    assert!(response.get("json").is_none(), "Wikipedia is not JSON");
    let request = server.join().unwrap();
    assert!(request.starts_with("POST / HTTP/1.1\r\n"), "{request}");
    assert!(request.ends_with("{\"name\":\"ada\"}"), "{request}");

    let (url, server) = serve_once("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    let response = common::call(
        &rt,
        app,
        "http.request",
        json!({"url": url, "method": "POST", "body": "plain text"}),
    )
    .unwrap()
    .result;
    assert_eq!(response["body"], "ok");
    assert!(server.join().unwrap().ends_with("\r\n\r\nplain text"));
}

#[test]
fn a_404_is_a_result_not_an_error() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    let (url, server) = serve_once("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
    let response = common::call(
        &rt,
        app,
        "http.request",
        json!({"url": format!("{url}/missing"), "method": "GET"}),
    )
    .unwrap()
    .result;
    assert_eq!(response["status"], 404);
    assert_eq!(response["ok"], false);
    assert_eq!(response["body"], "not found");
    server.join().unwrap();
}

#[test]
fn denied_without_the_network_permission() {
    let rt = common::runtime();
    let plain = common::app_with(&rt, "plain", "[]", "[]");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let err = common::call(&rt, plain, "http.get", json!({"url": url})).unwrap_err();
    let pid = rt.app_summary(plain).unwrap().pid;
    assert!(
        matches!(err, Error::CapabilityDenied { ref tool, pid: denied, .. } if tool == "http.get" && denied == pid),
        "{err}"
    );
    // Nothing reached the server: it has no connection waiting.
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err());
}

#[test]
fn a_host_or_port_outside_the_pids_rules_is_denied_by_the_kernel() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    let pid = rt.app_summary(app).unwrap().pid;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // The PID's socket rule admits only another port on this host.
    rt.kernel()
        .set_network_rule(
            pid,
            pid,
            SocketRule {
                hosts: vec!["127.0.0.1".into()],
                ports: vec![port.wrapping_add(1).max(1)],
            },
        )
        .unwrap();
    let err = common::call(
        &rt,
        app,
        "http.get",
        json!({"url": format!("http://127.0.0.1:{port}/")}),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, Error::Kernel(agentos_kernel::Error::NetworkDenied { pid: denied, ref address }) if denied == pid && address == &format!("127.0.0.1:{port}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("pid {pid}")) && text.contains("127.0.0.1"),
        "{text}"
    );

    // A PID whose capability itself is scoped to one host is denied any other.
    let scoped = rt.kernel().create_process(
        "scoped",
        CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::host(
            "example.invalid",
            Some(443),
        ))),
    );
    let mut state = agentos_tools::State::default();
    let mut cx = agentos_tools::ToolCx::new(app, scoped, rt.kernel(), &mut state);
    let err = agentos_tools::Registry::builtin()
        .call(
            "http.get",
            &mut cx,
            json!({"url": format!("http://127.0.0.1:{port}/")})
                .as_object()
                .unwrap(),
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::Kernel(agentos_kernel::Error::NetworkDenied { pid: denied, .. }) if denied == scoped),
        "{err}"
    );
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err(), "no request reached the server");
}

#[test]
fn the_deadline_ends_a_request_that_never_answers() {
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
}

#[test]
fn https_goes_through_tls() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    // A plain-HTTP server answering an https:// request: the TLS handshake fails, which shows
    // the request was made over TLS rather than refused as an unknown scheme.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/", listener.local_addr().unwrap());
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut first = [0u8; 512];
        let n = stream.read(&mut first).unwrap();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .unwrap();
        first[..n].to_vec()
    });
    let err = common::call(&rt, app, "http.get", json!({"url": url})).unwrap_err();
    assert!(
        matches!(err, Error::Http { url: ref failed, .. } if failed == &url),
        "{err}"
    );
    let hello = server.join().unwrap();
    assert_eq!(
        hello.first(),
        Some(&0x16),
        "the server saw a TLS handshake record, not HTTP"
    );
}

#[test]
fn bad_input_names_the_parameter() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    let param_of = |tool: &str, args| match common::call(&rt, app, tool, args) {
        Err(Error::InvalidParam { param, .. }) => param,
        other => panic!("{other:?}"),
    };
    for url in [
        "ftp://x/",
        "not a url",
        "http://",
        "/relative",
        "file:///etc/passwd",
    ] {
        assert_eq!(param_of("http.get", json!({"url": url})), "url", "{url}");
    }
    assert_eq!(param_of("http.get", json!({})), "url");
    assert_eq!(param_of("http.get", json!({"url": 5})), "url");
    assert_eq!(
        param_of(
            "http.request",
            json!({"url": "http://x/", "method": "BREW"})
        ),
        "method"
    );
    assert_eq!(
        param_of("http.get", json!({"url": "http://x/", "body": "b"})),
        "body"
    );
    assert_eq!(
        param_of("http.get", json!({"url": "http://x/", "timeout_ms": 0})),
        "timeout_ms"
    );
    assert_eq!(
        param_of(
            "http.request",
            json!({"url": "http://x/", "method": "HEAD", "body": "b"})
        ),
        "body"
    );
    assert_eq!(
        param_of(
            "http.get",
            json!({"url": "http://x/", "headers": ["X", "1"]})
        ),
        "headers"
    );
    assert_eq!(
        param_of("http.get", json!({"url": "http://x/", "headers": {"X": 1}})),
        "headers"
    );
    let err = common::call(
        &rt,
        app,
        "http.request",
        json!({"url": "http://x", "method": "BREW"}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("parameter `method` must be one of"),
        "{err}"
    );
}

/// The value of header `name` (lowercase) in a raw request head, if sent.
fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    let head = request.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[test]
fn custom_headers_and_the_json_content_type_reach_the_server() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    let (url, server) = serve_once("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    let response = common::call(
        &rt,
        app,
        "http.post",
        json!({"url": url, "body": {"name": "ada"},
               "headers": {"X-Api-Key": "k-123", "Accept": "application/json"}}),
    )
    .unwrap()
    .result;
    assert_eq!(response["body"], "ok");
    let request = server.join().unwrap();
    assert_eq!(header(&request, "x-api-key"), Some("k-123"), "{request}");
    assert_eq!(
        header(&request, "accept"),
        Some("application/json"),
        "{request}"
    );
    assert_eq!(
        header(&request, "content-type"),
        Some("application/json"),
        "{request}"
    );
    assert!(request.ends_with("{\"name\":\"ada\"}"), "{request}");

    // The caller's own content type wins (any capitalisation), and a string body gets none.
    let (url, server) = serve_once("HTTP/1.1 204 No Content\r\n\r\n");
    common::call(
        &rt,
        app,
        "http.post",
        json!({"url": url, "body": [1, 2], "headers": {"content-TYPE": "application/x-ndjson"}}),
    )
    .unwrap();
    let request = server.join().unwrap();
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-ndjson"),
        "{request}"
    );
    assert_eq!(request.matches("application/json").count(), 0, "{request}");
    let (url, server) = serve_once("HTTP/1.1 204 No Content\r\n\r\n");
    common::call(&rt, app, "http.post", json!({"url": url, "body": "plain"})).unwrap();
    let request = server.join().unwrap();
    assert_eq!(header(&request, "content-type"), None, "{request}");

    // http.get sends headers too.
    let (url, server) = serve_once("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    common::call(
        &rt,
        app,
        "http.get",
        json!({"url": url, "headers": {"X-Trace": "t1"}}),
    )
    .unwrap();
    assert_eq!(header(&server.join().unwrap(), "x-trace"), Some("t1"));
}

#[test]
fn put_patch_delete_and_head_reach_the_server_with_their_method() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    for (method, body) in [
        ("PUT", Some(json!({"v": 1}))),
        ("PATCH", Some(json!("op=1"))),
        ("DELETE", None),
        ("HEAD", None),
    ] {
        let (url, server) =
            serve_once("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Method-Seen: yes\r\n\r\ndone");
        let mut args = json!({"url": format!("{url}/thing/7"), "method": method});
        if let Some(body) = &body {
            args["body"] = body.clone();
        }
        let response = common::call(&rt, app, "http.request", args).unwrap().result;
        assert_eq!(response["status"], 200, "{method}");
        assert_eq!(response["headers"]["x-method-seen"], "yes", "{method}");
        let expected_body = if method == "HEAD" { "" } else { "done" };
        assert_eq!(response["body"], expected_body, "{method}");
        let request = server.join().unwrap();
        assert!(
            request.starts_with(&format!("{method} /thing/7 HTTP/1.1\r\n")),
            "{request}"
        );
        match body {
            Some(serde_json::Value::String(text)) => assert!(request.ends_with(&text)),
            Some(value) => {
                assert!(request.ends_with(&value.to_string()), "{request}");
                assert_eq!(header(&request, "content-type"), Some("application/json"));
            }
            None => assert_eq!(header(&request, "content-length"), None, "{request}"),
        }
    }
}

#[test]
fn forbidden_and_malformed_headers_name_the_header() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "net", r#"["http"]"#, "[]");
    // Nothing may reach this listener: each call is refused before any connection.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    for (name, value) in [
        ("Host", "evil.example"),
        ("Content-Length", "0"),
        ("transfer-encoding", "chunked"),
        ("Connection", "close"),
        ("Bad Header", "1"),
        ("X-Split", "a\r\nInjected: 1"),
    ] {
        let mut headers = serde_json::Map::new();
        headers.insert(name.to_owned(), json!(value));
        let err = common::call(
            &rt,
            app,
            "http.request",
            json!({"url": url, "method": "GET", "headers": headers}),
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::InvalidParam { ref param, ref reason, .. }
                if param == "headers" && reason.contains(&format!("{name:?}"))),
            "{name}: {err}"
        );
    }
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err(), "no request reached the server");
}

#[test]
fn the_tool_specs_offer_headers_and_every_method() {
    let registry = agentos_tools::Registry::builtin();
    for tool in ["http.get", "http.post", "http.request"] {
        let spec = registry.get(tool).unwrap().spec();
        assert_eq!(
            spec.params["properties"]["headers"]["type"], "object",
            "{tool}"
        );
    }
    let spec = registry.get("http.request").unwrap().spec();
    assert_eq!(
        spec.params["properties"]["method"]["enum"],
        json!(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
    );
}
