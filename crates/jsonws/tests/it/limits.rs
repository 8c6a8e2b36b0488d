//! Each limit of the design is enforced with a clear error, and the server keeps serving.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jsonws::client::WsClient;
use jsonws::{Call, Config, ErrorObject, Methods};
use serde_json::Value;

use crate::util::{TestServer, WAIT, error_code};

fn methods() -> Methods {
    Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        })
        .method("sleep", |call: Call| async move {
            let (ms,): (u64,) = call.params()?;
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok::<_, ErrorObject>(ms)
        })
}

const SUM: &str = r#"{"jsonrpc":"2.0","method":"sum","params":[2,3],"id":1}"#;

fn config(change: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::default();
    change(&mut config);
    config
}

#[tokio::test]
async fn an_oversized_websocket_message_closes_with_1009_and_a_reason() {
    let server = TestServer::with_config(methods(), config(|c| c.max_message_size = 1024)).await;
    let mut ws = server.raw_ws().await;
    let big = format!(
        r#"{{"jsonrpc":"2.0","method":"sum","params":["{}"],"id":1}}"#,
        "x".repeat(2000)
    );
    ws.send_text(&big).await;
    let (code, reason) = ws.expect_close().await;
    assert_eq!(code, 1009, "{reason}");
    assert!(
        reason.contains("1024"),
        "the reason names the limit: {reason}"
    );
    let mut ws = server.raw_ws().await;
    assert_eq!(ws.roundtrip(SUM).await["result"], 5);
}

#[tokio::test]
async fn an_oversized_http_body_is_413() {
    let server = TestServer::with_config(methods(), config(|c| c.max_message_size = 1024)).await;
    let big = format!(
        r#"{{"jsonrpc":"2.0","method":"sum","params":["{}"],"id":1}}"#,
        "x".repeat(2000)
    );
    let (status, body) = server.post(&big).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("1024"), "{body}");
    assert_eq!(server.post(SUM).await.0, 200);
}

#[tokio::test]
async fn a_batch_over_the_limit_gets_one_error() {
    let server = TestServer::with_config(methods(), config(|c| c.max_batch = 3)).await;
    let batch = |n: usize| format!("[{}]", vec![SUM; n].join(","));
    let mut ws = server.raw_ws().await;
    let reply = ws.roundtrip(&batch(4)).await;
    assert_eq!(error_code(&reply), -32003, "{reply}");
    assert_eq!(reply["error"]["data"]["limit"], 3);
    let reply = ws.roundtrip(&batch(3)).await;
    assert_eq!(reply.as_array().map(Vec::len), Some(3), "{reply}");
    let (status, body) = server.post(&batch(4)).await;
    assert_eq!(status, 200);
    assert!(body.contains("-32003"), "{body}");
}

#[tokio::test]
async fn the_depth_limit_is_configurable() {
    let server = TestServer::with_config(methods(), config(|c| c.max_depth = 4)).await;
    let mut ws = server.raw_ws().await;
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"sum","params":[[[1]]],"id":1}"#)
        .await;
    assert_eq!(error_code(&reply), -32602, "depth 4 is allowed: {reply}");
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"sum","params":[[[[1]]]],"id":1}"#)
        .await;
    assert_eq!(error_code(&reply), -32003, "depth 5 is not: {reply}");
}

#[tokio::test]
async fn connections_over_the_limit_are_refused_with_503() {
    let server = TestServer::with_config(methods(), config(|c| c.max_connections = 2)).await;
    let first = WsClient::connect(&server.ws_url()).await.unwrap();
    let _second = WsClient::connect(&server.ws_url()).await.unwrap();
    let err = WsClient::connect(&server.ws_url()).await.unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    first.close();
    // The slot frees once the server has seen the close.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(client) = WsClient::connect(&server.ws_url()).await {
            assert_eq!(client.call::<i64>("sum", (1, 2)).await.unwrap(), 3);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slot never freed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn requests_over_the_in_flight_limit_get_overloaded() {
    let server = TestServer::with_config(methods(), config(|c| c.max_in_flight = 2)).await;
    let mut ws = server.raw_ws().await;
    for id in 1..=2 {
        ws.send_text(&format!(
            r#"{{"jsonrpc":"2.0","method":"sleep","params":[300],"id":{id}}}"#
        ))
        .await;
    }
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"sleep","params":[1],"id":3}"#)
        .await;
    assert_eq!(reply["id"], 3);
    assert_eq!(error_code(&reply), -32002, "{reply}");
    // The two slow ones finish, then there is room again.
    let mut done = vec![
        ws.recv_json().await["id"].as_i64(),
        ws.recv_json().await["id"].as_i64(),
    ];
    done.sort();
    assert_eq!(done, [Some(1), Some(2)]);
    assert_eq!(ws.roundtrip(SUM).await["result"], 5);
}

/// A method that holds its call open until the test releases it, counting how many run.
fn gated(started: Arc<AtomicUsize>, gate: Arc<tokio::sync::Semaphore>) -> Methods {
    methods().method("wait", move |_call: Call| {
        let (started, gate) = (started.clone(), gate.clone());
        async move {
            started.fetch_add(1, Ordering::SeqCst);
            let _permit = gate.acquire().await.map_err(|_| ErrorObject::internal())?;
            Ok::<_, ErrorObject>("done")
        }
    })
}

fn wait_batch(ids: std::ops::Range<usize>) -> String {
    let calls: Vec<String> = ids
        .map(|id| format!(r#"{{"jsonrpc":"2.0","method":"wait","id":{id}}}"#))
        .collect();
    format!("[{}]", calls.join(","))
}

#[tokio::test]
async fn every_batch_entry_counts_toward_the_in_flight_limit() {
    let started = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let server = TestServer::with_config(
        gated(started.clone(), gate.clone()),
        config(|c| c.max_in_flight = 10),
    )
    .await;
    let mut ws = server.raw_ws().await;
    // Two batches of 8: only 10 entries in all may run.
    ws.send_text(&wait_batch(0..8)).await;
    ws.send_text(&wait_batch(8..16)).await;
    // A single call while they run is refused at once.
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"wait","id":"single"}"#)
        .await;
    assert_eq!(reply["id"], "single", "{reply}");
    assert_eq!(error_code(&reply), -32002, "{reply}");
    assert_eq!(started.load(Ordering::SeqCst), 10, "exactly the limit ran");
    gate.add_permits(100);
    let mut results = 0;
    let mut overloaded = 0;
    for _ in 0..2 {
        let replies = ws.recv_json().await;
        for reply in replies.as_array().unwrap() {
            match reply.get("result") {
                Some(_) => results += 1,
                None => {
                    assert_eq!(error_code(reply), -32002, "{reply}");
                    overloaded += 1;
                }
            }
        }
    }
    assert_eq!((results, overloaded), (10, 6));
    // With the batches done there is room again.
    assert_eq!(ws.roundtrip(SUM).await["result"], 5);
}

fn bytes_methods() -> Methods {
    methods().method("bytes", |call: Call| async move {
        let (n,): (usize,) = call.params()?;
        Ok::<_, ErrorObject>("x".repeat(n))
    })
}

fn bytes_batch(count: usize, n: usize) -> String {
    let calls: Vec<String> = (0..count)
        .map(|id| format!(r#"{{"jsonrpc":"2.0","method":"bytes","params":[{n}],"id":{id}}}"#))
        .collect();
    format!("[{}]", calls.join(","))
}

/// A batch reply within `limit` with one answer per call: results while they fit, -32003
/// errors for the rest.
fn check_capped_batch(text: &str, limit: usize, count: usize) {
    assert!(
        text.len() <= limit,
        "a reply of {} bytes over the limit of {limit}",
        text.len()
    );
    let replies: Value = serde_json::from_str(text).unwrap();
    let replies = replies.as_array().unwrap();
    assert_eq!(replies.len(), count, "one reply per call");
    let too_large = replies.iter().filter(|r| r.get("error").is_some()).count();
    assert!(
        too_large > 0 && too_large < count,
        "{too_large} of {count} refused"
    );
    for reply in replies.iter().filter(|r| r.get("error").is_some()) {
        assert_eq!(error_code(reply), -32003, "{reply}");
    }
}

#[tokio::test]
async fn replies_stay_within_the_message_limit_over_websocket() {
    let limit = 64 * 1024;
    let server =
        TestServer::with_config(bytes_methods(), config(|c| c.max_message_size = limit)).await;
    let mut ws = server.raw_ws().await;
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"bytes","params":[100000],"id":1}"#)
        .await;
    assert_eq!(error_code(&reply), -32003, "{reply}");
    assert!(
        reply["error"]["data"].as_str().unwrap().contains("limit"),
        "{reply}"
    );
    ws.send_text(&bytes_batch(100, 1000)).await;
    check_capped_batch(&ws.recv_text().await, limit, 100);
    assert_eq!(ws.roundtrip(SUM).await["result"], 5);
}

#[tokio::test]
async fn replies_stay_within_the_message_limit_over_http() {
    let limit = 64 * 1024;
    let server =
        TestServer::with_config(bytes_methods(), config(|c| c.max_message_size = limit)).await;
    let (status, body) = server
        .post(r#"{"jsonrpc":"2.0","method":"bytes","params":[100000],"id":1}"#)
        .await;
    assert_eq!(status, 200);
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error_code(&reply), -32003, "{reply}");
    let (status, body) = server.post(&bytes_batch(100, 1000)).await;
    assert_eq!(status, 200);
    check_capped_batch(&body, limit, 100);
}

#[tokio::test]
async fn a_client_that_leaves_the_servers_calls_unanswered_is_cut() {
    let methods = methods().method("ask", |call: Call| async move {
        let peer = call.peer().unwrap().clone();
        let answer: String = peer.call("confirm", ("?",)).await?;
        Ok::<_, ErrorObject>(answer)
    });
    let server = TestServer::with_config(methods, config(|c| c.outbound_queue = 8)).await;
    let mut ws = server.raw_ws().await;
    // Each ask sends the client a `confirm` it never answers.
    for id in 0..20 {
        ws.send_text(&format!(r#"{{"jsonrpc":"2.0","method":"ask","id":{id}}}"#))
            .await;
    }
    let (code, reason) = ws.expect_close().await;
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("unanswered"), "{reason}");
    // Others are served.
    let mut other = server.raw_ws().await;
    assert_eq!(other.roundtrip(SUM).await["result"], 5);
}
