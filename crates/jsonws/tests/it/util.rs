//! Test helpers: a server on a free port, a raw WebSocket that records what it saw, and a raw
//! HTTP POST. Failures print the frames exchanged.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use jsonws::{Config, Methods, Server};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(crate) const PATH: &str = "/api/test/1.0.0";
/// Every wait in these tests is bounded by this.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

pub(crate) struct TestServer {
    pub addr: SocketAddr,
    pub server: Server,
}

impl TestServer {
    pub(crate) async fn start(methods: Methods) -> Self {
        Self::with_config(methods, Config::default()).await
    }

    pub(crate) async fn with_config(methods: Methods, config: Config) -> Self {
        let server = Server::new(methods).config(config.clone());
        let app = axum::Router::new().nest(PATH, server.router());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = server.shutdown_signal();
        tokio::spawn(
            async move { jsonws::server::serve_with(listener, app, shutdown, &config).await },
        );
        TestServer { addr, server }
    }

    pub(crate) fn http_url(&self) -> String {
        format!("http://{}{PATH}", self.addr)
    }

    pub(crate) fn ws_url(&self) -> String {
        format!("ws://{}{PATH}", self.addr)
    }

    pub(crate) async fn raw_ws(&self) -> RawWs {
        RawWs::connect(&self.ws_url()).await
    }

    /// POSTs `body` as JSON; returns the status and the body text.
    pub(crate) async fn post(&self, body: &str) -> (u16, String) {
        self.post_with(body, "application/json").await
    }

    pub(crate) async fn post_with(&self, body: &str, content_type: &str) -> (u16, String) {
        post(&self.http_url(), body.as_bytes().to_vec(), content_type).await
    }
}

pub(crate) async fn post(url: &str, body: Vec<u8>, content_type: &str) -> (u16, String) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let request = hyper::Request::post(url)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = tokio::time::timeout(WAIT, client.request(request))
        .await
        .expect("POST timed out")
        .expect("POST failed");
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// A WebSocket that speaks raw frames and keeps a log of them for failure messages.
pub(crate) struct RawWs {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    log: Vec<String>,
}

impl RawWs {
    pub(crate) async fn connect(url: &str) -> Self {
        let (socket, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
            .await
            .expect("connect timed out")
            .expect("connect failed");
        RawWs {
            socket,
            log: Vec::new(),
        }
    }

    pub(crate) async fn send_text(&mut self, text: &str) {
        self.log.push(format!("sent: {}", truncate(text)));
        self.socket.send(Message::text(text)).await.unwrap();
    }

    pub(crate) async fn send(&mut self, message: Message) {
        self.log
            .push(format!("sent: {message:?}").chars().take(200).collect());
        self.socket.send(message).await.unwrap();
    }

    /// The next text frame; panics with the log on timeout, close or a non-text frame.
    pub(crate) async fn recv_text(&mut self) -> String {
        loop {
            match tokio::time::timeout(WAIT, self.socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    self.log.push(format!("got: {}", truncate(&text)));
                    return text.to_string();
                }
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
                other => panic!(
                    "expected a text frame, got {other:?}\n{}",
                    self.log.join("\n")
                ),
            }
        }
    }

    pub(crate) async fn recv_json(&mut self) -> Value {
        let text = self.recv_text().await;
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("reply is not JSON ({e}): {text}"))
    }

    /// Sends `text` and returns the reply as JSON.
    pub(crate) async fn roundtrip(&mut self, text: &str) -> Value {
        self.send_text(text).await;
        self.recv_json().await
    }

    /// Asserts that nothing arrives within `wait`.
    pub(crate) async fn expect_silence(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(frame)) = tokio::time::timeout_at(deadline, self.socket.next()).await {
            if !matches!(frame, Ok(Message::Ping(_) | Message::Pong(_))) {
                panic!("expected no reply, got {frame:?}\n{}", self.log.join("\n"));
            }
        }
    }

    /// Waits for the server to close; returns the close code and reason.
    pub(crate) async fn expect_close(&mut self) -> (u16, String) {
        loop {
            match tokio::time::timeout(WAIT, self.socket.next()).await {
                Ok(Some(Ok(Message::Close(Some(frame))))) => {
                    return (frame.code.into(), frame.reason.to_string());
                }
                Ok(Some(Ok(Message::Close(None)))) => return (1005, String::new()),
                Ok(Some(Ok(_))) => continue,
                other => panic!(
                    "expected a close frame, got {other:?}\n{}",
                    self.log.join("\n")
                ),
            }
        }
    }

    pub(crate) fn log(&self) -> String {
        self.log.join("\n")
    }
}

fn truncate(text: &str) -> String {
    if text.len() > 300 {
        format!("{}… ({} bytes)", &text[..300], text.len())
    } else {
        text.to_owned()
    }
}

/// The `code` of a reply's error, or a panic naming the reply.
pub(crate) fn error_code(reply: &Value) -> i64 {
    reply["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error reply: {reply}"))
}

/// A WebSocket opened by hand over TCP, for bytes no well-behaved client would send and for a
/// client that never reads.
pub(crate) struct RawTcp {
    pub(crate) stream: TcpStream,
}

impl RawTcp {
    /// Performs the upgrade handshake and checks the 101.
    pub(crate) async fn upgrade(addr: SocketAddr, path: &str) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            let n = tokio::time::timeout(WAIT, stream.read(&mut byte))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(n, 1, "connection closed during the handshake: {head:?}");
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        assert!(head.starts_with("HTTP/1.1 101"), "no upgrade: {head}");
        RawTcp { stream }
    }

    /// Sends one masked client frame with `opcode` and `payload` (shorter than 126 bytes).
    pub(crate) async fn send_frame(&mut self, opcode: u8, payload: &[u8]) {
        use tokio::io::AsyncWriteExt;
        assert!(payload.len() < 126);
        self.stream
            .write_all(&client_frame(opcode, payload))
            .await
            .unwrap();
    }

    /// The socket as a WebSocket client, to read what the server sends after raw writes.
    pub(crate) async fn into_ws(self) -> WebSocketStream<TcpStream> {
        WebSocketStream::from_raw_socket(
            self.stream,
            tokio_tungstenite::tungstenite::protocol::Role::Client,
            None,
        )
        .await
    }

    /// Reads server frames until a close frame; returns its code and reason.
    pub(crate) async fn expect_close(&mut self) -> (u16, String) {
        use tokio::io::AsyncReadExt;
        let mut buf = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            // Parse what has arrived: unmasked server frames with short payloads.
            let mut at = 0;
            while buf.len() >= at + 2 {
                let opcode = buf[at] & 0x0f;
                let mut len = (buf[at + 1] & 0x7f) as usize;
                let mut head = 2;
                if len == 126 {
                    if buf.len() < at + 4 {
                        break;
                    }
                    len = u16::from_be_bytes([buf[at + 2], buf[at + 3]]) as usize;
                    head = 4;
                }
                if buf.len() < at + head + len {
                    break;
                }
                let payload = &buf[at + head..at + head + len];
                if opcode == 8 {
                    let code = if len >= 2 {
                        u16::from_be_bytes([payload[0], payload[1]])
                    } else {
                        1005
                    };
                    let reason =
                        String::from_utf8_lossy(payload.get(2..).unwrap_or(&[])).into_owned();
                    return (code, reason);
                }
                at += head + len;
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout_at(deadline, self.stream.read(&mut chunk))
                .await
                .expect("no close frame in time")
                .unwrap();
            assert!(n > 0, "connection dropped without a close frame");
            buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// One masked client frame (FIN set) with `opcode` and `payload` of any length.
pub(crate) fn client_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [1u8, 2, 3, 4];
    let mut frame = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= 0xffff => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}
