//! A scripted HTTP/1.1 server on 127.0.0.1:0 for provider tests: each connection gets the next
//! scripted reply, written in the chunks given (so SSE frames really arrive split).
#![allow(dead_code, unreachable_pub)]

use std::{collections::VecDeque, sync::Arc, time::Duration};

use parking_lot::Mutex;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// One scripted reply.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub chunks: Vec<Vec<u8>>,
    /// Drop the connection after the chunks, without the final zero-length chunk.
    pub abort: bool,
    /// Wait this long before sending the status line.
    pub delay_headers: Option<Duration>,
    /// Wait this long after the first chunk.
    pub stall: Option<Duration>,
}

impl Reply {
    pub fn sse(chunks: &[&str]) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            chunks: chunks.iter().map(|c| c.as_bytes().to_vec()).collect(),
            abort: false,
            delay_headers: None,
            stall: None,
        }
    }

    pub fn status(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            chunks: vec![body.as_bytes().to_vec()],
            abort: false,
            delay_headers: None,
            stall: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn aborted(mut self) -> Reply {
        self.abort = true;
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Received {
    pub head: String,
    pub body: String,
}

impl Received {
    pub fn path(&self) -> &str {
        self.head.split(' ').nth(1).unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

pub struct Server {
    pub base: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// One entry per reply: `true` when every chunk was written, `false` when the client went
    /// away first.
    pub outcomes: tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<bool>>,
}

/// Starts a server answering with `replies` in order (the last one repeats).
pub async fn start(replies: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let received = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(Mutex::new(VecDeque::from(replies)));
    let log = received.clone();
    let (outcome_sender, outcomes) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            let script = script.clone();
            let outcome = outcome_sender.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut socket).await else {
                    return;
                };
                log.lock().push(request);
                let reply = {
                    let mut script = script.lock();
                    if script.len() > 1 {
                        script.pop_front()
                    } else {
                        script.front().cloned()
                    }
                };
                let Some(reply) = reply else { return };
                if let Some(delay) = reply.delay_headers {
                    tokio::time::sleep(delay).await;
                }
                let mut head = format!(
                    "HTTP/1.1 {} X\r\ntransfer-encoding: chunked\r\nconnection: close\r\n",
                    reply.status
                );
                for (name, value) in &reply.headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut stall = reply.stall;
                for chunk in &reply.chunks {
                    let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
                    frame.extend_from_slice(chunk);
                    frame.extend_from_slice(b"\r\n");
                    if socket.write_all(&frame).await.is_err() || socket.flush().await.is_err() {
                        let _ = outcome.send(false);
                        return;
                    }
                    // Give the client a chance to read each chunk on its own.
                    tokio::time::sleep(stall.take().unwrap_or(Duration::from_millis(2))).await;
                }
                if !reply.abort {
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                }
                let _ = outcome.send(true);
                let _ = socket.shutdown().await;
            });
        }
    });
    Server {
        base,
        received,
        outcomes: tokio::sync::Mutex::new(outcomes),
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    key.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    break;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buffer[end + 4..]).into_owned();
            return Some(Received { head, body });
        }
    }
}
