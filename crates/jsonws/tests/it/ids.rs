//! Ids are echoed byte for byte: `0` and `""` are ids, numbers keep their spelling.

use jsonws::{Call, ErrorObject, Methods};

use crate::util::TestServer;

fn methods() -> Methods {
    Methods::new().method(
        "ping",
        |_call: Call| async move { Ok::<_, ErrorObject>("pong") },
    )
}

/// Ids whose JSON text must come back unchanged.
const IDS: &[&str] = &[
    "0",
    "\"\"",
    "-1",
    "1.5",
    "-0.25",
    "1e3",
    "1.50",
    "18446744073709551615",
    "123456789012345678901234567890",
    "\"0\"",
    "\"x\\\"y\"",
    "\"\\u00e9\"",
    "\"日本\"",
    "null",
];

fn request(id: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","method":"ping","id":{id}}}"#)
}

fn expected(id: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","result":"pong","id":{id}}}"#)
}

#[tokio::test]
async fn ids_echo_exactly_over_websocket() {
    let server = TestServer::start(methods()).await;
    let mut ws = server.raw_ws().await;
    for id in IDS {
        ws.send_text(&request(id)).await;
        assert_eq!(ws.recv_text().await, expected(id), "id {id}");
    }
}

#[tokio::test]
async fn ids_echo_exactly_over_http() {
    let server = TestServer::start(methods()).await;
    for id in IDS {
        let (status, body) = server.post(&request(id)).await;
        assert_eq!((status, body), (200, expected(id)), "id {id}");
    }
}

#[tokio::test]
async fn ids_echo_in_error_replies_and_batches() {
    let server = TestServer::start(methods()).await;
    let mut ws = server.raw_ws().await;
    ws.send_text(r#"{"jsonrpc":"2.0","method":"nope","id":0}"#)
        .await;
    let text = ws.recv_text().await;
    assert!(text.ends_with(r#","id":0}"#), "{text}");
    let text = ws
        .roundtrip(r#"[{"jsonrpc":"2.0","method":"ping","id":""},{"jsonrpc":"2.0","method":"ping","id":-0}]"#)
        .await;
    let ids: Vec<String> = text
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    assert!(ids.contains(&"\"\"".to_string()), "{ids:?}");
    assert_eq!(ids.len(), 2);
}

#[tokio::test]
async fn invalid_ids_are_refused_with_a_null_id() {
    let server = TestServer::start(methods()).await;
    let mut ws = server.raw_ws().await;
    for id in ["{}", "[1]", "true"] {
        let reply = ws.roundtrip(&request(id)).await;
        assert_eq!(reply["error"]["code"], -32600, "id {id}: {reply}");
        assert!(reply["id"].is_null(), "id {id}: {reply}");
        assert!(
            reply["error"]["data"].as_str().unwrap().contains("`id`"),
            "{reply}"
        );
    }
}
