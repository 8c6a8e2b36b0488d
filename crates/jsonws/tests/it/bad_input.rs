//! Every bad input gets its answer, and the same connection then serves a valid call.
//! The cases are those that crash or hang json-ws (shared/reference/json-ws-findings.md §5).

use jsonws::{Call, ErrorObject, Methods};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use crate::util::{PATH, RawTcp, TestServer, error_code};

fn methods() -> Methods {
    Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        })
        .method("panics", |_call: Call| async move {
            if true {
                panic!("secret internal detail");
            }
            Ok::<_, ErrorObject>(())
        })
}

const SUM: &str = r#"{"jsonrpc":"2.0","method":"sum","params":[2,3],"id":"after"}"#;

fn nested(depth: usize) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","method":"sum","params":{}{},"id":1}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[tokio::test]
async fn each_bad_message_is_answered_and_the_connection_keeps_serving() {
    let server = TestServer::start(methods()).await;
    let mut ws = server.raw_ws().await;
    let cases: Vec<(&str, String, i64, Value)> = vec![
        (
            "invalid JSON",
            r#"{"jsonrpc":"2.0","method":"#.into(),
            -32700,
            Value::Null,
        ),
        (
            "trailing garbage",
            r#"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1} x"#.into(),
            -32700,
            Value::Null,
        ),
        (
            "JSON nested 10,000 deep",
            nested(10_000),
            -32003,
            Value::Null,
        ),
        ("an empty frame", String::new(), -32700, Value::Null),
        ("null", "null".into(), -32600, Value::Null),
        ("a string", r#""hello""#.into(), -32600, Value::Null),
        (
            "method is not a string",
            r#"{"jsonrpc":"2.0","id":1,"method":123}"#.into(),
            -32600,
            1.into(),
        ),
        (
            "rpc.on without params",
            r#"{"jsonrpc":"2.0","method":"rpc.on","id":2}"#.into(),
            -32602,
            2.into(),
        ),
        (
            "rpc.on with an unknown event",
            r#"{"jsonrpc":"2.0","method":"rpc.on","params":["nope"],"id":3}"#.into(),
            -32602,
            3.into(),
        ),
        (
            "no jsonrpc member",
            r#"{"method":"sum","params":[1,2],"id":4}"#.into(),
            -32600,
            4.into(),
        ),
        (
            "jsonrpc 1.0",
            r#"{"jsonrpc":"1.0","method":"sum","params":[1,2],"id":5}"#.into(),
            -32600,
            5.into(),
        ),
        (
            "params is a string",
            r#"{"jsonrpc":"2.0","method":"sum","params":"abc","id":6}"#.into(),
            -32600,
            6.into(),
        ),
        (
            "a member twice",
            r#"{"jsonrpc":"2.0","method":"sum","method":"x","params":[1,2],"id":7}"#.into(),
            -32600,
            7.into(),
        ),
        (
            "wrong param type",
            r#"{"jsonrpc":"2.0","method":"sum","params":["1",2],"id":8}"#.into(),
            -32602,
            8.into(),
        ),
        (
            "too many params",
            r#"{"jsonrpc":"2.0","method":"sum","params":[1,2,3],"id":9}"#.into(),
            -32602,
            9.into(),
        ),
        (
            "a handler panics",
            r#"{"jsonrpc":"2.0","method":"panics","id":10}"#.into(),
            -32603,
            10.into(),
        ),
        (
            "reserved name",
            r#"{"jsonrpc":"2.0","method":"rpc.nothing","id":11}"#.into(),
            -32601,
            11.into(),
        ),
    ];
    for (name, text, code, id) in cases {
        let reply = ws.roundtrip(&text).await;
        assert_eq!(error_code(&reply), code, "{name}: {reply}");
        assert_eq!(reply["id"], id, "{name}: {reply}");
        assert_eq!(
            ws.roundtrip(SUM).await["result"],
            5,
            "{name}: the next call failed\n{}",
            ws.log()
        );
    }
}

#[tokio::test]
async fn a_panic_leaks_nothing() {
    let server = TestServer::start(methods()).await;
    let mut ws = server.raw_ws().await;
    let text = {
        ws.send_text(r#"{"jsonrpc":"2.0","method":"panics","id":1}"#)
            .await;
        ws.recv_text().await
    };
    assert!(!text.contains("secret"), "{text}");
    assert_eq!(
        text,
        r#"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}"#
    );
}

#[tokio::test]
async fn binary_frames_are_parsed_as_json() {
    let server = TestServer::start(methods()).await;
    let mut ws = server.raw_ws().await;
    ws.send(Message::binary(vec![0xff, 0x00, 0x13, 0x37, 0xfe]))
        .await;
    let reply = ws.recv_json().await;
    assert_eq!(
        (error_code(&reply), reply["id"].clone()),
        (-32700, Value::Null),
        "{reply}"
    );
    ws.send(Message::binary(SUM.as_bytes().to_vec())).await;
    assert_eq!(ws.recv_json().await["result"], 5);
}

#[tokio::test]
async fn depth_at_the_limit_is_fine_and_one_more_is_refused() {
    let server = TestServer::start(methods()).await;
    let mut ws = server.raw_ws().await;
    // The envelope is one level; params add the rest.
    let reply = ws.roundtrip(&nested(127)).await;
    assert_eq!(
        error_code(&reply),
        -32602,
        "parsed, then refused by the typed params: {reply}"
    );
    let reply = ws.roundtrip(&nested(128)).await;
    assert_eq!(error_code(&reply), -32003, "{reply}");
    assert!(
        reply["error"]["data"].as_str().unwrap().contains("128"),
        "{reply}"
    );
}

#[tokio::test]
async fn protocol_violations_close_with_a_reason_and_the_server_keeps_serving() {
    let server = TestServer::start(methods()).await;
    // A reserved opcode (json-ws findings §5.1: this one frame kills a json-ws server).
    let mut raw = RawTcp::upgrade(server.addr, PATH).await;
    raw.send_frame(0x3, &[1, 2, 3, 4]).await;
    let (code, reason) = raw.expect_close().await;
    assert_eq!(code, 1002, "{reason}");
    assert!(!reason.is_empty());
    // A text frame that is not UTF-8.
    let mut raw = RawTcp::upgrade(server.addr, PATH).await;
    raw.send_frame(0x1, &[0xff, 0xfe, 0xfd]).await;
    let (code, reason) = raw.expect_close().await;
    assert_eq!(code, 1007, "{reason}");
    // The server still serves.
    let mut ws = server.raw_ws().await;
    assert_eq!(ws.roundtrip(SUM).await["result"], 5);
}
