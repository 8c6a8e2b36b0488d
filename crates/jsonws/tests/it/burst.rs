//! Frames pipelined in one write: every request is run and answered exactly once, whatever the
//! burst's length and whatever else (pings, notifications, invalid frames) is mixed in.
//!
//! The connection reads up to a burst of ready frames before it writes their replies. A burst
//! of 65 frames once lost its 65th, and every 65th after it: the suites sent one call and
//! waited for its reply, so no more than one frame was ever ready at once. These tests write
//! each burst with a single `write_all`, so the frames are all ready when the server reads.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::{SinkExt, StreamExt};
use jsonws::{Call, ErrorObject, Methods};
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::Message;

use crate::util::{PATH, RawTcp, TestServer, WAIT, client_frame};

const TEXT: u8 = 0x1;
const PING: u8 = 0x9;

fn methods(notes: Arc<AtomicUsize>) -> Methods {
    Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        })
        .method("note", move |_call: Call| {
            let notes = notes.clone();
            async move {
                notes.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ErrorObject>(())
            }
        })
}

/// What a burst holds.
#[derive(Default)]
struct Sent {
    calls: usize,
    notes: usize,
    invalid: usize,
}

/// `n` frames: mostly calls of `sum` with id = their index, with pings, notifications and
/// invalid JSON mixed in when `mixed`.
fn burst(n: usize, mixed: bool) -> (Vec<u8>, Sent) {
    let mut bytes = Vec::new();
    let mut sent = Sent::default();
    for i in 0..n {
        let (opcode, payload) = match i % 7 {
            3 if mixed => (PING, b"ping".to_vec()),
            5 if mixed => {
                sent.notes += 1;
                (TEXT, br#"{"jsonrpc":"2.0","method":"note"}"#.to_vec())
            }
            6 if mixed && i % 2 == 0 => {
                sent.invalid += 1;
                (TEXT, b"{not json".to_vec())
            }
            _ => {
                sent.calls += 1;
                let call =
                    format!(r#"{{"jsonrpc":"2.0","method":"sum","params":[{i},1],"id":{i}}}"#);
                (TEXT, call.into_bytes())
            }
        };
        bytes.extend(client_frame(opcode, &payload));
    }
    (bytes, sent)
}

/// Writes the burst in one go and checks that every call got exactly one right answer, every
/// invalid frame its -32700 and every notification ran.
async fn check_burst(n: usize, mixed: bool) {
    let notes = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(methods(notes.clone())).await;
    let mut raw = RawTcp::upgrade(server.addr, PATH).await;
    let (bytes, sent) = burst(n, mixed);
    raw.stream.write_all(&bytes).await.unwrap();
    let mut ws = raw.into_ws().await;
    let mut answers: HashMap<i64, Value> = HashMap::new();
    let mut parse_errors = 0;
    while answers.len() < sent.calls || parse_errors < sent.invalid {
        let frame = tokio::time::timeout(WAIT, ws.next()).await;
        let text = match frame {
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(Message::Pong(_) | Message::Ping(_)))) => continue,
            other => panic!(
                "burst of {n}: {} of {} calls answered, then {other:?}",
                answers.len(),
                sent.calls
            ),
        };
        let reply: Value = serde_json::from_str(&text).unwrap();
        if reply["error"]["code"] == -32700 {
            parse_errors += 1;
            continue;
        }
        let id = reply["id"].as_i64().unwrap_or_else(|| panic!("{reply}"));
        assert_eq!(reply["result"], id + 1, "burst of {n}: {reply}");
        assert!(
            answers.insert(id, reply).is_none(),
            "burst of {n}: call {id} answered twice"
        );
    }
    assert_eq!(answers.len(), sent.calls, "burst of {n}");
    assert_eq!(parse_errors, sent.invalid, "burst of {n}");
    // One more call after the burst: once it is answered, every notification before it ran.
    ws.send(Message::text(
        r#"{"jsonrpc":"2.0","method":"sum","params":[0,0],"id":"last"}"#,
    ))
    .await
    .unwrap();
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let reply: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(reply["id"], "last", "burst of {n}: an extra reply {reply}");
                break;
            }
            Ok(Some(Ok(Message::Pong(_) | Message::Ping(_)))) => continue,
            other => panic!("burst of {n}: no reply to the last call: {other:?}"),
        }
    }
    assert_eq!(notes.load(Ordering::SeqCst), sent.notes, "burst of {n}");
}

#[tokio::test]
async fn bursts_of_calls_are_answered_whole() {
    for n in [1, 63, 64, 65, 66, 128, 129, 130, 1000] {
        check_burst(n, false).await;
    }
}

#[tokio::test]
async fn bursts_mixed_with_pings_notifications_and_invalid_frames_are_answered_whole() {
    for n in [64, 65, 130, 1000] {
        check_burst(n, true).await;
    }
}
