//! HTTP connections as `serve_with` holds them: timeouts for idle, slow and trickling clients,
//! one connection limit for every transport, and the rules of HTTP/1.1 itself (Host, Expect,
//! chunked framing, compression, half-close, upgrades over HTTP/1.0), all over raw TCP.

use std::io::Write as _;
use std::time::Duration;

use jsonws::client::WsClient;
use jsonws::{Call, Config, ErrorObject, Methods};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::util::{PATH, TestServer, WAIT};

fn methods() -> Methods {
    Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        })
        .method("slow", |_call: Call| async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            Ok::<_, ErrorObject>("done")
        })
}

const SUM: &str = r#"{"jsonrpc":"2.0","method":"sum","params":[2,3],"id":1}"#;

fn config(change: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::default();
    change(&mut config);
    config
}

/// A POST of `body` with `extra` header lines (each ending in `\r\n`).
fn post(server: &TestServer, body: &[u8], extra: &str) -> Vec<u8> {
    let mut request = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n{extra}\r\n",
        server.addr,
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// Reads until the server closes the connection (or `WAIT` passes); returns what arrived.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let read = tokio::time::timeout(WAIT, stream.read_to_end(&mut got)).await;
    assert!(
        read.is_ok(),
        "the connection was still open after {WAIT:?}; got: {}",
        String::from_utf8_lossy(&got)
    );
    String::from_utf8_lossy(&got).into_owned()
}

/// Reads one response (head and a Content-Length body) from a connection left open.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(end) = find(&got, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |n| n.trim().parse::<usize>().unwrap());
            if got.len() >= end + 4 + length {
                return String::from_utf8_lossy(&got).into_owned();
            }
        }
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout_at(deadline, stream.read(&mut chunk))
            .await
            .expect("no whole response in time")
            .unwrap();
        assert!(
            n > 0,
            "closed mid-response: {}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let server = TestServer::with_config(
        methods(),
        config(|c| c.header_timeout = Duration::from_millis(200)),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let started = Instant::now();
    assert_eq!(read_to_close(&mut stream).await, "");
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_cut_off() {
    let server = TestServer::with_config(
        methods(),
        config(|c| c.header_timeout = Duration::from_millis(300)),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let request = post(&server, SUM.as_bytes(), "");
    let started = Instant::now();
    let mut sent = 0;
    for byte in &request {
        if stream.write_all(&[*byte]).await.is_err() || started.elapsed() > WAIT {
            break;
        }
        sent += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sent < request.len(), "the whole trickled request was taken");
    let answer = read_to_close(&mut stream).await;
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn a_slow_body_gets_408_and_the_connection_closes() {
    let server = TestServer::with_config(
        methods(),
        config(|c| c.body_timeout = Duration::from_millis(200)),
    )
    .await;
    // A declared length with only half of the body, then nothing.
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let request = post(&server, SUM.as_bytes(), "");
    stream
        .write_all(&request[..request.len() - SUM.len() / 2])
        .await
        .unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // A chunked body that drips one chunk and stops.
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n5\r\n{{\"jso\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_but_not_by_the_head_timeout() {
    let server = TestServer::with_config(
        methods(),
        config(|c| {
            c.header_timeout = Duration::from_millis(200);
            c.keep_alive_timeout = Duration::from_millis(1500);
        }),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(&post(&server, SUM.as_bytes(), ""))
        .await
        .unwrap();
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Idle for longer than the head timeout: still open for the next request.
    tokio::time::sleep(Duration::from_millis(600)).await;
    stream
        .write_all(&post(&server, SUM.as_bytes(), ""))
        .await
        .unwrap();
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Idle past the keep-alive timeout: closed.
    let idle = Instant::now();
    assert_eq!(read_to_close(&mut stream).await, "");
    assert!(idle.elapsed() >= Duration::from_millis(1400));
}

#[tokio::test]
async fn the_connection_limit_counts_http_and_websocket_alike() {
    let server = TestServer::with_config(methods(), config(|c| c.max_connections = 3)).await;
    let _ws = WsClient::connect(&server.ws_url()).await.unwrap();
    let _idle_a = TcpStream::connect(server.addr).await.unwrap();
    let _idle_b = TcpStream::connect(server.addr).await.unwrap();
    // The fourth connection is answered 503 without being read, and closed.
    let mut fourth = TcpStream::connect(server.addr).await.unwrap();
    let answer = read_to_close(&mut fourth).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("limit of 3 connections"), "{answer}");
    // A freed place is taken again.
    drop(_idle_a);
    let deadline = Instant::now() + WAIT;
    loop {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream
            .write_all(&post(&server, SUM.as_bytes(), ""))
            .await
            .unwrap();
        let mut got = vec![0u8; 12];
        if stream.read_exact(&mut got).await.is_ok() && got.starts_with(b"HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "the place never freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn http_framing_errors_and_expectations_get_their_own_statuses() {
    let server = TestServer::with_config(methods(), config(|c| c.max_message_size = 1024)).await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a malformed chunk size",
            format!(
                "POST {PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Transfer-Encoding: chunked\r\n\r\nzz\r\n{SUM}\r\n0\r\n\r\n",
                server.addr
            )
            .into_bytes(),
            "HTTP/1.1 400",
        ),
        (
            "an unknown expectation",
            post(&server, SUM.as_bytes(), "Expect: 200-ok\r\n"),
            "HTTP/1.1 417",
        ),
        (
            "no Host",
            format!(
                "POST {PATH} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{SUM}",
                SUM.len()
            )
            .into_bytes(),
            "HTTP/1.1 400",
        ),
        (
            "two Hosts",
            post(&server, SUM.as_bytes(), "Host: example.invalid\r\n"),
            "HTTP/1.1 400",
        ),
        (
            "an unsupported content encoding",
            post(&server, SUM.as_bytes(), "Content-Encoding: br\r\n"),
            "HTTP/1.1 415",
        ),
        (
            "a WebSocket upgrade over HTTP/1.0",
            format!(
                "GET {PATH} HTTP/1.0\r\nHost: {}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
                 Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
                server.addr
            )
            .into_bytes(),
            "HTTP/1.0 400",
        ),
    ];
    for (what, request, status) in cases {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(&request).await.unwrap();
        let answer = read_response(&mut stream).await;
        assert!(answer.starts_with(status), "{what}: {answer}");
        assert!(!answer.to_lowercase().contains("axum"), "{what}: {answer}");
    }
}

#[tokio::test]
async fn expect_100_continue_over_the_limit_gets_413_without_continue() {
    let server = TestServer::with_config(methods(), config(|c| c.max_message_size = 1024)).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_response(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Within the limit, the client is told to go on and gets its answer.
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let mut request = post(&server, SUM.as_bytes(), "Expect: 100-continue\r\n");
    let body = request.split_off(request.len() - SUM.len());
    stream.write_all(&request).await.unwrap();
    let mut got = vec![0u8; 25];
    stream.read_exact(&mut got).await.unwrap();
    assert!(got.starts_with(b"HTTP/1.1 100 Continue"), "{got:?}");
    stream.write_all(&body).await.unwrap();
    let answer = read_response(&mut stream).await;
    assert!(
        answer.contains("HTTP/1.1 200") && answer.contains(r#""result":5"#),
        "{answer}"
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn gzip_bodies_are_decompressed_and_the_limit_applies_to_what_comes_out() {
    let server = TestServer::with_config(methods(), config(|c| c.max_message_size = 4096)).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(&post(
            &server,
            &gzip(SUM.as_bytes()),
            "Content-Encoding: gzip\r\n",
        ))
        .await
        .unwrap();
    let answer = read_response(&mut stream).await;
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains(r#""result":5"#),
        "{answer}"
    );
    // 1 MiB of spaces compresses to about a kilobyte: under the limit sent, over it unpacked.
    let mut bomb = SUM.as_bytes().to_vec();
    bomb.extend(std::iter::repeat_n(b' ', 1 << 20));
    let bomb = gzip(&bomb);
    assert!(bomb.len() < 4096);
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(&post(&server, &bomb, "Content-Encoding: gzip\r\n"))
        .await
        .unwrap();
    let answer = read_response(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn a_client_that_half_closes_after_its_request_gets_the_response() {
    let server = TestServer::start(methods()).await;
    // The handler takes a while, so the server sees the end of the input before it answers.
    let slow = r#"{"jsonrpc":"2.0","method":"slow","id":1}"#;
    for _ in 0..5 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream
            .write_all(&post(&server, slow.as_bytes(), ""))
            .await
            .unwrap();
        stream.shutdown().await.unwrap();
        let answer = read_to_close(&mut stream).await;
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.contains(r#""result":"done""#),
            "{answer}"
        );
    }
}
