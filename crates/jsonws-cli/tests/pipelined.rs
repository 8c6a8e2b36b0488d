//! Load-shaped checks against the real `jsonws serve`: many connections, each writing a whole
//! burst of calls before reading anything, and every reply checked.
//!
//! This is the test that would have caught the frame lost in every 65 of a burst: the
//! conformance and interop suites send a call and wait for its reply, so the server never had
//! more than one frame ready at once.

mod support;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use support::{Demo, WAIT};
use tokio_tungstenite::tungstenite::Message;

const CONNECTIONS: usize = 50;
const CALLS: usize = 1000;
/// Of each connection's calls, this many are `chat.send`, whose events one subscriber counts.
const CHATS: usize = 10;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str) -> Ws {
    tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
        .await
        .expect("connecting in time")
        .expect("connecting")
        .0
}

/// The next text frame as JSON, within [`WAIT`].
async fn next_json(ws: &mut Ws, what: &str) -> Value {
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).unwrap(),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// Writes all of one connection's calls, then reads and checks every reply.
async fn pipeline(url: String, connection: usize) {
    let mut ws = connect(&url).await;
    for i in 0..CALLS {
        let frame = if i < CHATS {
            format!(
                r#"{{"jsonrpc":"2.0","method":"chat.send","params":["c{connection}-{i} ✓"],"id":{i}}}"#
            )
        } else {
            format!(r#"{{"jsonrpc":"2.0","method":"sum","params":[{connection},{i}],"id":{i}}}"#)
        };
        ws.feed(Message::text(frame)).await.unwrap();
    }
    ws.flush().await.unwrap();
    let mut answered = HashSet::new();
    while answered.len() < CALLS {
        let what = format!(
            "connection {connection}: {} of {CALLS} answered",
            answered.len()
        );
        let reply = next_json(&mut ws, &what).await;
        let id = reply["id"].as_u64().unwrap_or_else(|| panic!("{reply}")) as usize;
        let expected = if id < CHATS {
            Value::Null
        } else {
            Value::from(connection + id)
        };
        assert_eq!(
            reply["result"], expected,
            "connection {connection}: {reply}"
        );
        assert!(
            answered.insert(id),
            "connection {connection}: {id} answered twice"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_bursts_on_many_connections_are_answered_whole() {
    let demo = Demo::start();
    let url = demo.ws_url();
    let mut listener = connect(&url).await;
    listener
        .send(Message::text(
            r#"{"jsonrpc":"2.0","method":"rpc.on","params":["chat.message"],"id":"on"}"#,
        ))
        .await
        .unwrap();
    assert_eq!(next_json(&mut listener, "rpc.on").await["id"], "on");
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|c| tokio::spawn(pipeline(url.clone(), c)))
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    // Every chat.send was broadcast exactly once, its text intact.
    let mut seen: HashMap<String, usize> = HashMap::new();
    while seen.len() < CONNECTIONS * CHATS {
        let event = next_json(&mut listener, &format!("{} of the chat events", seen.len())).await;
        assert_eq!(event["method"], "chat.message", "{event}");
        let text = event["params"][0]["text"].as_str().unwrap().to_owned();
        assert!(text.ends_with(" ✓"), "{text}");
        *seen.entry(text).or_default() += 1;
    }
    assert!(
        seen.values().all(|n| *n == 1),
        "a chat event delivered twice"
    );
    // And nothing more.
    let extra = tokio::time::timeout(Duration::from_millis(300), async {
        loop {
            match listener.next().await {
                Some(Ok(Message::Text(text))) => return text.to_string(),
                Some(Ok(_)) => continue,
                other => return format!("{other:?}"),
            }
        }
    })
    .await;
    assert!(extra.is_err(), "an extra frame: {extra:?}");
}

#[tokio::test]
async fn an_answer_to_confirm_that_is_not_a_string_fails_ask_naming_it() {
    let demo = Demo::start();
    let mut ws = connect(&demo.ws_url()).await;
    ws.send(Message::text(
        r#"{"jsonrpc":"2.0","method":"ask","params":["Proceed?"],"id":"ask"}"#,
    ))
    .await
    .unwrap();
    let confirm = next_json(&mut ws, "the server's confirm").await;
    assert_eq!(confirm["method"], "confirm", "{confirm}");
    assert_eq!(confirm["params"], serde_json::json!(["Proceed?"]));
    ws.send(Message::text(format!(
        r#"{{"jsonrpc":"2.0","result":null,"id":{}}}"#,
        confirm["id"]
    )))
    .await
    .unwrap();
    let reply = next_json(&mut ws, "ask's reply").await;
    assert_eq!(reply["id"], "ask");
    assert_eq!(reply["error"]["code"], -32603, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("confirm") && message.contains("null"),
        "{reply}"
    );
}
