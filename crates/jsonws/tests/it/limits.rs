//! Each limit of the design is enforced with a clear error, and the server keeps serving.

use std::time::Duration;

use jsonws::client::WsClient;
use jsonws::{Call, Config, ErrorObject, Methods};

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
