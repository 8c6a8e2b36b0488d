//! Graceful shutdown, slow consumers and dead peers.

use std::time::Duration;

use jsonws::{Call, CallError, Config, ErrorObject, Methods};
use tokio::sync::mpsc;

use crate::util::{PATH, RawTcp, TestServer, WAIT, error_code};

fn config(change: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::default();
    change(&mut config);
    config
}

#[tokio::test]
async fn shutdown_lets_calls_in_flight_finish_then_closes_with_1001() {
    let methods = Methods::new().method("sleep", |call: Call| async move {
        let (ms,): (u64,) = call.params()?;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok::<_, ErrorObject>(ms)
    });
    let server = TestServer::start(methods).await;
    let mut ws = server.raw_ws().await;
    ws.send_text(r#"{"jsonrpc":"2.0","method":"sleep","params":[400],"id":"slow"}"#)
        .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let stopper = server.server.clone();
    let shutdown = tokio::spawn(async move { stopper.shutdown().await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    // New requests during the grace period are refused, in-flight ones complete.
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"sleep","params":[1],"id":"late"}"#)
        .await;
    assert_eq!(
        (reply["id"].as_str(), error_code(&reply)),
        (Some("late"), -32006),
        "{reply}"
    );
    let reply = ws.recv_json().await;
    assert_eq!(
        (reply["id"].as_str(), reply["result"].as_u64()),
        (Some("slow"), Some(400))
    );
    let (code, reason) = ws.expect_close().await;
    assert_eq!(code, 1001, "{reason}");
    tokio::time::timeout(WAIT, shutdown)
        .await
        .expect("shutdown finished")
        .unwrap();
    assert_eq!(server.server.connection_count(), 0);
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_and_others_keep_going() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let methods = Methods::new()
        .method("flood", move |call: Call| {
            let tx = tx.clone();
            async move {
                let peer = call.peer().unwrap().clone();
                tokio::spawn(async move {
                    let chunk = "x".repeat(64 * 1024);
                    // 1 GiB in all: far more than any socket buffer holds.
                    for _ in 0..16_384 {
                        if let Err(e) = peer.notify("data", (&chunk,)).await {
                            let _ = tx.send(e);
                            return;
                        }
                    }
                });
                Ok::<_, ErrorObject>(())
            }
        })
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        });
    let config = config(|c| {
        c.write_timeout = Duration::from_millis(300);
        c.outbound_queue = 8;
    });
    let server = TestServer::with_config(methods, config).await;
    let mut stuck = RawTcp::upgrade(server.addr, PATH).await;
    stuck
        .send_frame(0x1, br#"{"jsonrpc":"2.0","method":"flood","id":1}"#)
        .await;
    // `stuck` never reads. The server notices the stalled write and lets go of it.
    let err = tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("the slow client was dropped")
        .unwrap();
    let CallError::Closed { reason, .. } = err else {
        panic!("{err:?}")
    };
    assert!(reason.contains("too slow"), "{reason}");
    let mut ws = server.raw_ws().await;
    assert_eq!(
        ws.roundtrip(r#"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}"#)
            .await["result"],
        3
    );
    drop(stuck);
}

#[tokio::test]
async fn a_silent_peer_is_dropped_after_the_idle_timeout() {
    let config = config(|c| {
        c.ping_interval = Duration::from_millis(100);
        c.idle_timeout = Duration::from_millis(300);
    });
    let server = TestServer::with_config(Methods::new(), config).await;
    // A real client answers pings and stays.
    let mut alive = server.raw_ws().await;
    // This one never reads, so never answers a ping.
    let _silent = RawTcp::upgrade(server.addr, PATH).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.server.connection_count() != 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the silent peer was never dropped"
        );
        // Reading lets the live client answer pings.
        alive.expect_silence(Duration::from_millis(50)).await;
    }
    alive.expect_silence(Duration::from_millis(600)).await;
    assert_eq!(server.server.connection_count(), 1, "the live client stays");
}
