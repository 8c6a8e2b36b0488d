//! Events: rpc.on / rpc.off, delivery, filters, clean-up, slow consumers, and a client that
//! reconnects and re-subscribes by itself.

use std::time::Duration;

use jsonws::Config;
use jsonws::client::{ConnectionEvent, Reconnect, WsClient};
use jsonws::schema::{FieldDef, StructDef, TypeDef, TypeRef};
use jsonws::server::Registry;
use jsonws::service::{EmitError, Service};
use serde_json::{Value, json};

use crate::registry::serve;
use crate::util::{RawWs, WAIT, error_code, post};

fn tick_type() -> TypeDef {
    let field = |name: &str, ty: &str| FieldDef {
        name: name.into(),
        ty: TypeRef::decl(ty),
        required: true,
        default: None,
        description: String::new(),
    };
    TypeDef::Struct(StructDef {
        name: "Tick".into(),
        description: String::new(),
        fields: vec![field("seq", "int"), field("at", "date")],
    })
}

fn service() -> Service {
    Service::builder("ev", "1.0.0")
        .type_def(tick_type())
        .event("tick", Some("Tick"), "Every second.")
        .event("chat.message", Some("string"), "")
        .event("ping", None, "No data.")
        .build()
        .unwrap()
}

async fn setup(config: Config) -> (Service, String) {
    let service = service();
    let served = serve(Registry::new().config(config).service(service.clone())).await;
    (
        service,
        format!("{}/ev/1", served.base.replacen("http", "ws", 1)),
    )
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn subscribe_acknowledge_deliver_unsubscribe() {
    let (service, url) = setup(Config::default()).await;
    let mut ws = RawWs::connect(&url).await;
    let ack = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.on","params":["tick","ping"],"id":1}"#)
        .await;
    assert_eq!(
        ack,
        json!({"jsonrpc": "2.0", "result": ["tick", "ping"], "id": 1})
    );
    assert_eq!(service.subscriber_count("tick"), 1);
    let delivery = service
        .emit_json("tick", &json!({"seq": 1.9, "at": 0, "extra": 1}))
        .unwrap();
    assert_eq!(delivery.delivered, 1);
    assert_eq!(
        ws.recv_text().await,
        r#"{"jsonrpc":"2.0","method":"tick","params":[{"seq":1,"at":"1970-01-01T00:00:00.000Z"}]}"#
    );
    service.emit_empty("ping").unwrap();
    assert_eq!(
        ws.recv_text().await,
        r#"{"jsonrpc":"2.0","method":"ping","params":[]}"#
    );
    // Not subscribed: not delivered.
    service.emit("chat.message", &"hi".to_string()).unwrap();
    let off = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.off","params":["tick"],"id":2}"#)
        .await;
    assert_eq!(off["result"], json!(["tick"]));
    assert_eq!(
        service
            .emit_json("tick", &json!({"seq": 2, "at": 0}))
            .unwrap()
            .delivered,
        0
    );
    service.emit_empty("ping").unwrap();
    assert_eq!(
        ws.recv_text().await,
        r#"{"jsonrpc":"2.0","method":"ping","params":[]}"#,
        "the chat message never came"
    );
    // A notification (no id) subscribes without a reply.
    ws.send_text(r#"{"jsonrpc":"2.0","method":"rpc.on","params":["chat.message"]}"#)
        .await;
    until("subscribed", || {
        service.subscriber_count("chat.message") == 1
    })
    .await;
    service.emit("chat.message", &"hello".to_string()).unwrap();
    assert_eq!(
        ws.recv_text().await,
        r#"{"jsonrpc":"2.0","method":"chat.message","params":["hello"]}"#
    );
}

#[tokio::test]
async fn an_unknown_name_fails_the_whole_call() {
    let (service, url) = setup(Config::default()).await;
    let mut ws = RawWs::connect(&url).await;
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.on","params":["tick","nope"],"id":1}"#)
        .await;
    assert_eq!(error_code(&reply), -32602, "{reply}");
    assert_eq!(reply["error"]["data"]["got"], json!(["nope"]));
    assert_eq!(
        service.subscriber_count("tick"),
        0,
        "nothing was subscribed"
    );
    for params in [
        "",
        r#","params":[]"#,
        r#","params":[1]"#,
        r#","params":{"a":1}"#,
    ] {
        let reply = ws
            .roundtrip(&format!(
                r#"{{"jsonrpc":"2.0","method":"rpc.on"{params},"id":2}}"#
            ))
            .await;
        assert_eq!(error_code(&reply), -32602, "{params}: {reply}");
    }
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.off","params":["nope"],"id":3}"#)
        .await;
    assert_eq!(error_code(&reply), -32602);
}

#[tokio::test]
async fn events_over_http_fail_clearly() {
    let service = service();
    let served = serve(Registry::new().service(service)).await;
    let (_, body) = post(
        &format!("{}/ev/1", served.base),
        br#"{"jsonrpc":"2.0","method":"rpc.on","params":["tick"],"id":1}"#.to_vec(),
        "application/json",
    )
    .await;
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error_code(&reply), -32004, "{reply}");
}

#[tokio::test]
async fn subscriptions_end_with_the_connection_and_are_limited() {
    let mut config = Config::default();
    config.max_subscriptions = 2;
    let (service, url) = setup(config).await;
    let mut ws = RawWs::connect(&url).await;
    let reply = ws
        .roundtrip(
            r#"{"jsonrpc":"2.0","method":"rpc.on","params":["tick","ping","chat.message"],"id":1}"#,
        )
        .await;
    assert_eq!(error_code(&reply), -32003, "{reply}");
    assert_eq!(service.subscriber_count("tick"), 0);
    ws.roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.on","params":["tick","ping"],"id":2}"#)
        .await;
    // Subscribing again to what it holds is not a new subscription.
    let again = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.on","params":["tick"],"id":3}"#)
        .await;
    assert_eq!(again["result"], json!(["tick"]));
    assert_eq!(service.subscriber_count("tick"), 1);
    drop(ws);
    until("the closed connection's subscriptions are gone", || {
        service.subscriber_count("tick") == 0 && service.subscriber_count("ping") == 0
    })
    .await;
}

#[tokio::test]
async fn a_filter_picks_subscribers_by_their_connection() {
    let (service, url) = setup(Config::default()).await;
    let mut acme = RawWs::connect(&format!("{url}?tenant=acme")).await;
    let mut other = RawWs::connect(&format!("{url}?tenant=other")).await;
    for ws in [&mut acme, &mut other] {
        ws.roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.on","params":["chat.message"],"id":1}"#)
            .await;
    }
    let delivery = service
        .emit_to("chat.message", &"for acme".to_string(), |cx| {
            cx.uri().query() == Some("tenant=acme")
        })
        .unwrap();
    assert_eq!(delivery.delivered, 1);
    service
        .emit("chat.message", &"for all".to_string())
        .unwrap();
    assert_eq!(acme.recv_json().await["params"], json!(["for acme"]));
    assert_eq!(acme.recv_json().await["params"], json!(["for all"]));
    assert_eq!(
        other.recv_json().await["params"],
        json!(["for all"]),
        "the filtered one skipped `other`"
    );
}

#[test]
fn emitting_the_wrong_type_is_an_error_for_the_emitter() {
    let service = service();
    let err = service
        .emit_json("tick", &json!({"seq": "one", "at": 0}))
        .unwrap_err();
    let EmitError::Data { event, error } = err.clone() else {
        panic!("{err:?}")
    };
    assert_eq!(
        (event.as_str(), error.path_text().as_str()),
        ("tick", "seq")
    );
    assert!(err.to_string().contains("expected int"), "{err}");
    assert!(
        matches!(service.emit_empty("tick"), Err(EmitError::Data { .. })),
        "tick needs its data"
    );
    assert!(matches!(
        service.emit_empty("nope"),
        Err(EmitError::UnknownEvent(_))
    ));
}

#[tokio::test]
async fn a_slow_subscriber_is_dropped_and_the_others_keep_receiving() {
    let mut config = Config::default();
    config.outbound_queue = 16;
    let (service, url) = setup(config).await;
    // `stuck` subscribes, then never reads again.
    let _stuck = stuck_subscriber(&url).await;
    let fast = WsClient::connect(&url).await.unwrap();
    let mut messages = fast.subscribe::<String>("chat.message").await.unwrap();
    until("both subscribed", || {
        service.subscriber_count("chat.message") == 2
    })
    .await;
    let big = "x".repeat(64 * 1024);
    let mut received = 0;
    for _ in 0..400 {
        service.emit("chat.message", &big).unwrap();
        // The live client keeps up.
        assert_eq!(
            tokio::time::timeout(WAIT, messages.recv())
                .await
                .unwrap()
                .unwrap()
                .unwrap()
                .len(),
            big.len()
        );
        received += 1;
        if service.slow_consumers() > 0 {
            break;
        }
    }
    assert_eq!(
        service.slow_consumers(),
        1,
        "the stuck client was dropped after {received} events"
    );
    until("the slow subscriber is gone", || {
        service.subscriber_count("chat.message") == 1
    })
    .await;
    service.emit("chat.message", &"after".to_string()).unwrap();
    assert_eq!(
        tokio::time::timeout(WAIT, messages.recv())
            .await
            .unwrap()
            .unwrap()
            .unwrap(),
        "after"
    );
}

#[tokio::test]
async fn the_client_reconnects_and_resubscribes_after_a_server_restart() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let first = service();
    let registry = Registry::new().service(first.clone());
    let app = axum::Router::new().nest("/api", registry.router());
    let server = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    let policy = Reconnect {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        ..Reconnect::default()
    };
    let client = WsClient::builder()
        .reconnect(policy)
        .connect(&format!("ws://{addr}/api/ev/1"))
        .await
        .unwrap();
    let mut events = client.connection_events();
    let mut messages = client.subscribe::<String>("chat.message").await.unwrap();
    first.emit("chat.message", &"before".to_string()).unwrap();
    assert_eq!(
        tokio::time::timeout(WAIT, messages.recv())
            .await
            .unwrap()
            .unwrap()
            .unwrap(),
        "before"
    );

    // The server goes away...
    registry.shutdown().await;
    server.await.unwrap().unwrap();
    let event = tokio::time::timeout(WAIT, events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(event, ConnectionEvent::Disconnected(ref r) if r.code == 1001),
        "{event:?}"
    );
    // ...and a new one comes up on the same address.
    let second = service();
    let registry = Registry::new().service(second.clone());
    let app = axum::Router::new().nest("/api", registry.router());
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            ConnectionEvent::Reconnected => break,
            ConnectionEvent::Reconnecting { .. } => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        second.subscriber_count("chat.message"),
        1,
        "the subscription was renewed"
    );
    second.emit("chat.message", &"after".to_string()).unwrap();
    assert_eq!(
        tokio::time::timeout(WAIT, messages.recv())
            .await
            .unwrap()
            .unwrap()
            .unwrap(),
        "after"
    );
    assert!(client.is_connected());
}

#[tokio::test]
async fn calls_wait_for_a_reconnect_or_fail_clearly() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let registry = Registry::new().service(service());
    let app = axum::Router::new().nest("/api", registry.router());
    let server = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    let client = WsClient::builder()
        .reconnect(Reconnect {
            initial: Duration::from_millis(20),
            ..Reconnect::default()
        })
        .wait_for_connection(Duration::from_millis(300))
        .connect(&format!("ws://{addr}/api/ev/1"))
        .await
        .unwrap();
    let mut events = client.connection_events();
    registry.shutdown().await;
    server.await.unwrap().unwrap();
    let event = tokio::time::timeout(WAIT, events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(event, ConnectionEvent::Disconnected(_)),
        "{event:?}"
    );
    let started = tokio::time::Instant::now();
    let err = client.call::<Value>("rpc.discover", ()).await.unwrap_err();
    assert!(err.to_string().contains("reconnecting"), "{err}");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "it waited for the connection"
    );
}

/// A raw connection to the service at `url` that subscribes to `chat.message` and then never
/// reads again.
async fn stuck_subscriber(url: &str) -> crate::util::RawTcp {
    let addr = url
        .trim_start_matches("ws://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut stuck = crate::util::RawTcp::upgrade(addr, "/api/ev/1").await;
    stuck
        .send_frame(
            0x1,
            br#"{"jsonrpc":"2.0","method":"rpc.on","params":["chat.message"]}"#,
        )
        .await;
    stuck
}

/// Log lines written while the returned guard lives, on this thread (tests run on a
/// current-thread runtime, so the server's tasks log here too).
fn capture_logs() -> (
    std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    tracing::subscriber::DefaultGuard,
) {
    #[derive(Clone)]
    struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = Sink(lines.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    (lines, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn a_slow_subscriber_is_logged_once_with_a_count() {
    let (logs, _guard) = capture_logs();
    let mut config = Config::default();
    config.outbound_queue = 4;
    config.write_timeout = Duration::from_secs(30);
    let (service, url) = setup(config).await;
    let stuck = stuck_subscriber(&url).await;
    until("subscribed", || {
        service.subscriber_count("chat.message") == 1
    })
    .await;
    // Far more than the socket buffers and the queue hold, emitted faster than it can close.
    let big = "x".repeat(64 * 1024);
    for _ in 0..300 {
        service.emit("chat.message", &big).unwrap();
    }
    until("the slow subscriber is gone", || {
        service.subscriber_count("chat.message") == 0
    })
    .await;
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("slow consumer"))
        .collect();
    assert_eq!(lines.len(), 1, "one line for the condition:\n{text}");
    let summary = lines[0];
    assert!(summary.contains("outbound queue full"), "{summary}");
    let dropped: u64 = summary
        .split("dropped=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {summary}"));
    assert!(dropped >= 1, "{summary}");
    drop(stuck);
}
