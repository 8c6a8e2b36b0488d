//! Section 7 of the JSON-RPC 2.0 specification: every example, on both transports.

use jsonws::{Call, ErrorObject, Methods};
use serde_json::{Value, json};

use crate::util::TestServer;

/// The methods the specification's examples call.
fn spec_methods() -> Methods {
    Methods::new()
        .method("subtract", |call: Call| async move {
            let params: Value = call.params()?;
            let (minuend, subtrahend) = match &params {
                Value::Array(a) if a.len() == 2 => (a[0].as_i64(), a[1].as_i64()),
                Value::Object(o) => (o["minuend"].as_i64(), o["subtrahend"].as_i64()),
                _ => (None, None),
            };
            match (minuend, subtrahend) {
                (Some(m), Some(s)) => Ok(m - s),
                _ => Err(ErrorObject::invalid_params("need minuend and subtrahend")),
            }
        })
        .method("sum", |call: Call| async move {
            let numbers: Vec<i64> = call.params()?;
            Ok::<_, ErrorObject>(numbers.iter().sum::<i64>())
        })
        .method(
            "update",
            |_call: Call| async move { Ok::<_, ErrorObject>(()) },
        )
        .method("notify_hello", |_call: Call| async move {
            Ok::<_, ErrorObject>(())
        })
        .method("get_data", |_call: Call| async move {
            Ok::<_, ErrorObject>(json!(["hello", 5]))
        })
}

/// One example: what is sent, and what comes back (`None`: nothing at all).
struct Case {
    name: &'static str,
    send: &'static str,
    expect: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "positional params",
        send: r#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#,
        expect: Some(r#"{"jsonrpc": "2.0", "result": 19, "id": 1}"#),
    },
    Case {
        name: "positional params, reversed",
        send: r#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#,
        expect: Some(r#"{"jsonrpc": "2.0", "result": -19, "id": 2}"#),
    },
    Case {
        name: "named params",
        send: r#"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#,
        expect: Some(r#"{"jsonrpc": "2.0", "result": 19, "id": 3}"#),
    },
    Case {
        name: "named params, reordered",
        send: r#"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#,
        expect: Some(r#"{"jsonrpc": "2.0", "result": 19, "id": 4}"#),
    },
    Case {
        name: "notification",
        send: r#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#,
        expect: None,
    },
    Case {
        name: "notification of a missing method",
        send: r#"{"jsonrpc": "2.0", "method": "foobar"}"#,
        expect: None,
    },
    Case {
        name: "non-existent method",
        send: r#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#,
        expect: Some(
            r#"{"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"}"#,
        ),
    },
    Case {
        name: "invalid JSON",
        send: r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
        expect: Some(
            r#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#,
        ),
    },
    Case {
        name: "invalid Request object",
        send: r#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#,
        expect: Some(
            r#"{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}"#,
        ),
    },
    Case {
        name: "batch, invalid JSON",
        send: r#"[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method"
]"#,
        expect: Some(
            r#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#,
        ),
    },
    Case {
        name: "empty array",
        send: "[]",
        expect: Some(
            r#"{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}"#,
        ),
    },
    Case {
        name: "invalid batch, not empty",
        send: "[1]",
        expect: Some(
            r#"[{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}]"#,
        ),
    },
    Case {
        name: "invalid batch",
        send: "[1,2,3]",
        expect: Some(
            r#"[
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}
]"#,
        ),
    },
    Case {
        name: "batch",
        send: r#"[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
  {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
  {"foo": "boo"},
  {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
  {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
]"#,
        expect: Some(
            r#"[
  {"jsonrpc": "2.0", "result": 7, "id": "1"},
  {"jsonrpc": "2.0", "result": 19, "id": "2"},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
  {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
]"#,
        ),
    },
    Case {
        name: "batch of notifications",
        send: r#"[
  {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
]"#,
        expect: None,
    },
];

/// What a reply means, ignoring what the specification leaves open: member order, the order
/// of batch replies, and the `data` and wording of errors.
fn meaning(reply: &Value) -> Value {
    match reply {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(meaning).collect();
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        Value::Object(o) => {
            assert_eq!(o["jsonrpc"], "2.0", "reply without jsonrpc 2.0: {reply}");
            assert!(o.contains_key("id"), "reply without an id: {reply}");
            match o.get("error") {
                Some(e) => json!({ "id": o["id"], "error": e["code"] }),
                None => json!({ "id": o["id"], "result": o["result"] }),
            }
        }
        other => panic!("a reply must be an object or an array, got {other}"),
    }
}

fn expected(case: &Case) -> Option<Value> {
    case.expect
        .map(|e| meaning(&serde_json::from_str(e).unwrap()))
}

#[tokio::test]
async fn every_example_over_http() {
    let server = TestServer::start(spec_methods()).await;
    for case in CASES {
        let (status, body) = server.post(case.send).await;
        match expected(case) {
            Some(expected) => {
                assert_eq!(status, 200, "{}: status", case.name);
                let reply: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(meaning(&reply), expected, "{}: got {body}", case.name);
            }
            None => {
                assert_eq!(status, 204, "{}: a notification gets 204", case.name);
                assert!(body.is_empty(), "{}: 204 with a body: {body}", case.name);
            }
        }
    }
}

#[tokio::test]
async fn every_example_over_websocket_on_one_connection() {
    let server = TestServer::start(spec_methods()).await;
    let mut ws = server.raw_ws().await;
    // A sentinel call after each case proves that a case without a reply sent nothing: the
    // next frame must be the sentinel's reply.
    let sentinel = r#"{"jsonrpc":"2.0","method":"get_data","id":"sentinel"}"#;
    for case in CASES {
        ws.send_text(case.send).await;
        if let Some(expected) = expected(case) {
            let reply = ws.recv_json().await;
            assert_eq!(meaning(&reply), expected, "{}\n{}", case.name, ws.log());
        }
        let reply = ws.roundtrip(sentinel).await;
        assert_eq!(
            reply["id"],
            "sentinel",
            "{}: an unexpected frame\n{}",
            case.name,
            ws.log()
        );
    }
}
