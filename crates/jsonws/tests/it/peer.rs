//! The symmetric peer: either side calls, notifies and batches; replies in any order;
//! pending calls fail clearly on close and on timeout.

use std::time::Duration;

use jsonws::client::{HttpClient, WsClient};
use jsonws::{Batch, Call, CallError, Config, ErrorObject, Methods};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::util::{TestServer, WAIT};

/// Server methods for these tests. `outcomes` receives what server → client calls returned.
fn server_methods(outcomes: mpsc::UnboundedSender<String>) -> Methods {
    let hang_outcomes = outcomes.clone();
    Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        })
        .method("ask", |call: Call| async move {
            let (question,): (String,) = call.params()?;
            let peer = call.peer().expect("a WebSocket call has a peer");
            let answer: String = peer.call("confirm", (question,)).await?;
            Ok::<_, ErrorObject>(format!("client said: {answer}"))
        })
        .method("sleep", |call: Call| async move {
            let (ms, value): (u64, i64) = call.params()?;
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok::<_, ErrorObject>(value)
        })
        .method("double_on_client", |call: Call| async move {
            let peer = call.peer().unwrap();
            let batch = Batch::new()
                .call("double", (2,))
                .notify("note", ("hi",))
                .call("double", (5,));
            let mut total = 0;
            for result in peer.batch(batch).await? {
                total += result?.deserialize::<i64>().unwrap();
            }
            Ok::<_, ErrorObject>(total)
        })
        .method("call_hanging_client", move |call: Call| {
            let outcomes = hang_outcomes.clone();
            async move {
                let peer = call.peer().unwrap().clone();
                // Report how the server's own call to the client ends.
                tokio::spawn(async move {
                    let result: Result<Value, CallError> = peer.call("hang", ()).await;
                    let _ = outcomes.send(match result {
                        Err(CallError::Closed { reason, .. }) => format!("closed: {reason}"),
                        other => format!("unexpected: {other:?}"),
                    });
                });
                Ok::<_, ErrorObject>("started")
            }
        })
        .method("whoami", |call: Call| async move {
            let cx = call.context();
            Ok::<_, ErrorObject>(serde_json::json!({
                "connection": cx.connection_id().0,
                "remote": cx.remote_addr().map(|a| a.ip().to_string()),
                "token": cx.headers().get("x-token").and_then(|v| v.to_str().ok()),
                "query": cx.uri().query(),
                "path": cx.uri().path(),
            }))
        })
        .method("log", move |call: Call| {
            let outcomes = outcomes.clone();
            async move {
                let (line,): (String,) = call.params()?;
                let _ = outcomes.send(format!("log: {line}"));
                Ok::<_, ErrorObject>(())
            }
        })
}

fn client_methods() -> Methods {
    Methods::new()
        .method("confirm", |call: Call| async move {
            let (question,): (String,) = call.params()?;
            if question == "refuse?" {
                return Err(
                    ErrorObject::new(4711, "the client says no").with_data("data from the client")
                );
            }
            Ok(format!("yes to {question}"))
        })
        .method("double", |call: Call| async move {
            let (n,): (i64,) = call.params()?;
            Ok::<_, ErrorObject>(n * 2)
        })
        .method("hang", |_call: Call| async move {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<_, ErrorObject>(())
        })
}

async fn setup() -> (TestServer, WsClient, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let server = TestServer::start(server_methods(tx)).await;
    let client = WsClient::builder()
        .methods(client_methods())
        .connect(&server.ws_url())
        .await
        .unwrap();
    (server, client, rx)
}

#[tokio::test]
async fn the_server_calls_the_client_and_returns_its_answer() {
    let (_server, client, _rx) = setup().await;
    let answer: String = client.call("ask", ("ready?",)).await.unwrap();
    assert_eq!(answer, "client said: yes to ready?");
}

#[tokio::test]
async fn an_error_from_the_client_reaches_the_caller_unchanged() {
    let (_server, client, _rx) = setup().await;
    let err = client
        .call::<String>("ask", ("refuse?",))
        .await
        .unwrap_err();
    let CallError::Rpc(error) = err else {
        panic!("expected an RPC error, got {err:?}")
    };
    assert_eq!(error.code, 4711);
    assert_eq!(error.message, "the client says no");
    assert_eq!(error.data, Some(Value::from("data from the client")));
}

#[tokio::test]
async fn the_server_sends_the_client_a_batch_in_one_frame() {
    let (_server, client, _rx) = setup().await;
    let total: i64 = client.call("double_on_client", ()).await.unwrap();
    assert_eq!(total, 14);
}

#[tokio::test]
async fn many_calls_in_flight_come_back_in_any_order() {
    let (_server, client, _rx) = setup().await;
    let calls = (0..64i64).map(|i| {
        let peer = client.peer().clone();
        // Later calls sleep less, so replies overtake each other.
        async move { peer.call::<i64>("sleep", ((64 - i) as u64 * 2, i)).await }
    });
    let results = futures_util::future::join_all(calls).await;
    for (i, result) in results.into_iter().enumerate() {
        assert_eq!(result.unwrap(), i as i64);
    }
}

#[tokio::test]
async fn a_batch_from_the_client_matches_replies_by_id() {
    let (_server, client, mut rx) = setup().await;
    let batch = Batch::new()
        .call("sleep", (50, 1))
        .notify("log", ("from a batch",))
        .call("nope", ())
        .call("sum", (20, 22));
    let results = client.batch(batch).await.unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0].as_ref().unwrap().deserialize::<i64>().unwrap(),
        1
    );
    assert_eq!(results[1].as_ref().unwrap_err().code, -32601);
    assert_eq!(
        results[2].as_ref().unwrap().deserialize::<i64>().unwrap(),
        42
    );
    let logged = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(logged, "log: from a batch");
}

#[tokio::test]
async fn a_call_times_out_and_its_late_reply_is_dropped() {
    let (_server, client, _rx) = setup().await;
    let err = client
        .call_with_timeout::<i64>("sleep", (300, 1), Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CallError::Timeout { ref method, .. } if method == "sleep"),
        "{err:?}"
    );
    assert!(err.to_string().contains("timed out"), "{err}");
    // The late reply arrives while this call waits; it must not be taken for this one.
    let value: i64 = client.call("sleep", (500, 2)).await.unwrap();
    assert_eq!(value, 2);
}

#[tokio::test]
async fn pending_calls_fail_when_the_connection_closes() {
    let (_server, client, _rx) = setup().await;
    let peer = client.peer().clone();
    let pending = tokio::spawn(async move { peer.call::<i64>("sleep", (60_000, 1)).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    client.close();
    let err = tokio::time::timeout(WAIT, pending)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    let CallError::Closed { method, reason } = err else {
        panic!("expected Closed, got {err:?}")
    };
    assert_eq!(method, "sleep");
    assert!(reason.contains("client closed"), "{reason}");
    // New calls fail at once.
    let err = client.call::<i64>("sum", (1, 2)).await.unwrap_err();
    assert!(matches!(err, CallError::Closed { .. }), "{err:?}");
}

#[tokio::test]
async fn the_servers_pending_call_fails_when_the_client_goes_away() {
    let (_server, client, mut rx) = setup().await;
    let started: String = client.call("call_hanging_client", ()).await.unwrap();
    assert_eq!(started, "started");
    drop(client);
    let outcome = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(outcome.starts_with("closed: "), "{outcome}");
}

#[tokio::test]
async fn handlers_see_their_connection() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let server = TestServer::start(server_methods(tx)).await;
    let url = format!("{}?tenant=acme", server.ws_url());
    let client = WsClient::builder()
        .header("x-token".parse().unwrap(), "secret-1".parse().unwrap())
        .connect(&url)
        .await
        .unwrap();
    let first: Value = client.call("whoami", ()).await.unwrap();
    let second: Value = client.call("whoami", ()).await.unwrap();
    assert_eq!(first["token"], "secret-1");
    assert_eq!(first["remote"], "127.0.0.1");
    assert_eq!(first["query"], "tenant=acme");
    assert_eq!(
        first["path"],
        crate::util::PATH,
        "the path as the client sent it"
    );
    assert_eq!(
        first["connection"], second["connection"],
        "one connection, one id"
    );
    let other = WsClient::connect(&server.ws_url()).await.unwrap();
    let third: Value = other.call("whoami", ()).await.unwrap();
    assert_ne!(first["connection"], third["connection"]);
}

#[tokio::test]
async fn the_http_client_calls_notifies_and_batches() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let server = TestServer::start(server_methods(tx)).await;
    let http = HttpClient::new(&server.http_url()).unwrap();
    assert_eq!(http.call::<i64>("sum", (1, 2)).await.unwrap(), 3);
    http.notify("log", ("over http",)).await.unwrap();
    assert_eq!(
        tokio::time::timeout(WAIT, rx.recv())
            .await
            .unwrap()
            .unwrap(),
        "log: over http"
    );
    let results = http
        .batch(Batch::new().call("sum", (1, 1)).call("nope", ()))
        .await
        .unwrap();
    assert_eq!(
        results[0].as_ref().unwrap().deserialize::<i64>().unwrap(),
        2
    );
    assert_eq!(results[1].as_ref().unwrap_err().code, -32601);
    // The server cannot call back over HTTP.
    let err = http.call::<String>("ask", ("x",)).await;
    assert!(err.is_err());
}

#[tokio::test]
async fn a_client_without_the_method_answers_method_not_found() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let server = TestServer::start(server_methods(tx)).await;
    let client = WsClient::connect(&server.ws_url()).await.unwrap();
    let err = client.call::<String>("ask", ("x",)).await.unwrap_err();
    let CallError::Rpc(error) = err else {
        panic!("{err:?}")
    };
    // The client's -32601 is not passed on as if the server lacked a method: it is the
    // server's -32008, with the client's error as data.
    assert_eq!(error.code, jsonws::protocol::code::PEER_FAILED, "{error}");
    assert!(error.message.contains("-32601"), "{error}");
    assert_eq!(error.data.as_ref().unwrap()["code"], -32601, "{error}");
}

#[tokio::test]
async fn params_that_are_not_a_list_or_map_fail_before_sending() {
    let (_server, client, _rx) = setup().await;
    let err = client.call::<i64>("sum", 5).await.unwrap_err();
    assert!(matches!(err, CallError::InvalidParams { .. }), "{err:?}");
    assert!(err.to_string().contains("tuple"), "{err}");
}

#[tokio::test]
async fn the_client_call_timeout_comes_from_its_config() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let server = TestServer::start(server_methods(tx)).await;
    let mut config = Config::default();
    config.call_timeout = Duration::from_millis(100);
    let client = WsClient::builder()
        .config(config)
        .connect(&server.ws_url())
        .await
        .unwrap();
    let err = client.call::<i64>("sleep", (1000, 1)).await.unwrap_err();
    assert!(matches!(err, CallError::Timeout { after, .. } if after == Duration::from_millis(100)));
}

/// Asks the raw client `confirm` and returns the server's reply to `ask` once the client has
/// answered the `confirm` with `answer` (a JSON text with `ID` in place of the id).
async fn ask_answered_with(answer: &str) -> Value {
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut config = Config::default();
    // Longer than the test's wait: an answer that came only at the timeout would fail it.
    config.call_timeout = WAIT * 3;
    let server = TestServer::with_config(server_methods(tx), config).await;
    let mut ws = server.raw_ws().await;
    ws.send_text(r#"{"jsonrpc":"2.0","method":"ask","params":["ok?"],"id":"q"}"#)
        .await;
    let confirm = ws.recv_json().await;
    assert_eq!(confirm["method"], "confirm", "{confirm}");
    ws.send_text(&answer.replace("ID", &confirm["id"].to_string()))
        .await;
    let reply = ws.recv_json().await;
    assert_eq!(reply["id"], "q", "{reply}");
    reply
}

#[tokio::test]
async fn a_client_answer_of_the_wrong_type_fails_the_call_naming_it() {
    let reply = ask_answered_with(r#"{"jsonrpc":"2.0","id":ID,"result":null}"#).await;
    assert_eq!(reply["error"]["code"], -32603, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("confirm") && message.contains("null"),
        "{reply}"
    );
    let reply = ask_answered_with(r#"{"jsonrpc":"2.0","id":ID,"result":42}"#).await;
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("number 42"),
        "{reply}"
    );
}

#[tokio::test]
async fn malformed_replies_fail_their_call_at_once() {
    for (answer, says) in [
        (
            r#"{"jsonrpc":"2.0","id":ID,"result":"yes","error":{"code":1,"message":"no"}}"#,
            "both",
        ),
        (
            r#"{"jsonrpc":"2.0","id":ID,"error":5}"#,
            "malformed `error`",
        ),
        (
            r#"{"jsonrpc":"2.0","id":ID,"error":{"message":"no code"}}"#,
            "malformed `error`",
        ),
    ] {
        let reply = ask_answered_with(answer).await;
        assert_eq!(reply["error"]["code"], -32603, "{answer}: {reply}");
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("malformed") && message.contains(says),
            "{answer}: {reply}"
        );
    }
}

#[tokio::test]
async fn reserved_codes_from_the_client_are_not_passed_on_as_the_servers() {
    let reply = ask_answered_with(
        r#"{"jsonrpc":"2.0","id":ID,"error":{"code":-32700,"message":"Parse error"}}"#,
    )
    .await;
    assert_eq!(reply["error"]["code"], -32008, "{reply}");
    assert_eq!(reply["error"]["data"]["code"], -32700, "{reply}");
    // An application error is the client's to give, and passes through.
    let reply = ask_answered_with(
        r#"{"jsonrpc":"2.0","id":ID,"error":{"code":4711,"message":"no","data":[1]}}"#,
    )
    .await;
    assert_eq!(
        reply["error"],
        serde_json::json!({"code": 4711, "message": "no", "data": [1]})
    );
}
