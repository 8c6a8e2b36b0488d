//! The Redis backplane against a real `redis-server` (persistence off, on a free loopback
//! port) and real `jsonws serve --redis` processes: each event reaches every subscriber of
//! every instance once, in order, through a Redis restart and an instance restart, and an
//! outage longer than the buffer drops events with a count instead of growing.
//!
//! `redis-server` must be installed (scripts/test.sh installs it); without it these tests fail.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::{JSONWS, WAIT};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The lines a child process wrote so far, ANSI colours removed, for waiting on.
fn collect_lines(pipe: impl std::io::Read + Send + 'static) -> watch::Receiver<Vec<String>> {
    let (tx, rx) = watch::channel(Vec::new());
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let plain = strip_ansi(&line);
            tx.send_modify(|lines| lines.push(plain));
        }
    });
    rx
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Waits until a line holding every one of `parts` has been written.
async fn wait_line(lines: &mut watch::Receiver<Vec<String>>, parts: &[&str], what: &str) -> String {
    let matches = |l: &String| parts.iter().all(|p| l.contains(p));
    let found = tokio::time::timeout(WAIT, async {
        lines
            .wait_for(|lines| lines.iter().any(matches))
            .await
            .ok()
            .and_then(|lines| lines.iter().find(|l| matches(l)).cloned())
    })
    .await;
    match found {
        Ok(Some(line)) => line,
        _ => panic!(
            "{what}: no line with {parts:?} within {}s; the log:\n{}",
            WAIT.as_secs(),
            lines.borrow().join("\n")
        ),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A `redis-server` on a loopback port, without persistence, killed when dropped.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start() -> Redis {
        Redis::on(free_port())
    }

    /// Starts it on `port` and waits until it says it accepts connections.
    fn on(port: u16) -> Redis {
        let mut child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): install it (`apt-get install -y redis-server`; \
                     scripts/test.sh does this)"
                )
            });
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            let mut log = String::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                log.push_str(&line);
                log.push('\n');
                if line.contains("Ready to accept connections") {
                    let _ = tx.send(Ok(()));
                }
            }
            let _ = tx.send(Err(log));
        });
        let mut redis = Redis { child, port };
        match rx.recv_timeout(WAIT) {
            Ok(Ok(())) => redis,
            Ok(Err(log)) => {
                redis.kill();
                panic!("redis-server on port {port} did not start:\n{log}")
            }
            Err(_) => {
                redis.kill();
                panic!(
                    "redis-server on port {port} was not ready within {}s",
                    WAIT.as_secs()
                )
            }
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops it (all its data goes: there is no persistence) and starts a new one on the port.
    fn restart(mut self) -> Redis {
        self.kill();
        Redis::on(self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `jsonws serve --redis URL` on a free port, killed when dropped.
struct Instance {
    child: Child,
    url: String,
    log: watch::Receiver<Vec<String>>,
    out: watch::Receiver<Vec<String>>,
}

impl Instance {
    fn start(redis: &Redis, extra: &[&str]) -> Instance {
        let mut instance = Instance::spawn(&redis.url(), extra);
        instance.wait_address();
        instance
    }

    /// Starts `jsonws serve --redis URL`, without waiting for its address.
    fn spawn(redis: &str, extra: &[&str]) -> Instance {
        let mut child = Command::new(JSONWS)
            .args(["serve", "--addr", "127.0.0.1:0", "--redis", redis])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {JSONWS} serve: {e}"));
        let log = collect_lines(child.stderr.take().expect("piped"));
        let out = collect_lines(child.stdout.take().expect("piped"));
        Instance {
            child,
            url: String::new(),
            log,
            out,
        }
    }

    /// Waits for the address `serve` prints once it is ready.
    fn wait_address(&mut self) {
        let mut out = self.out.clone();
        let first = tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(async {
                tokio::time::timeout(WAIT, out.wait_for(|lines| !lines.is_empty()))
                    .await
                    .ok()
                    .and_then(|r| r.ok().map(|lines| lines[0].clone()))
            })
        });
        let Some(first) = first else {
            self.kill();
            panic!(
                "`jsonws serve --redis` printed no address within {}s; stderr:\n{}",
                WAIT.as_secs(),
                self.log.borrow().join("\n")
            );
        };
        let url = first
            .strip_prefix("jsonws: serving demo 1.0.0 at ")
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        self.url = url.replacen("http://", "ws://", 1);
        // The address is printed once the backplane reads (the deliveries to subscribers that
        // connect right away show it; the log says so too).
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(wait_line(
                &mut self.log,
                &["backplane: reading Redis"],
                "readiness",
            ))
        });
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn connect(url: &str) -> Ws {
    tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
        .await
        .expect("connecting in time")
        .expect("connecting")
        .0
}

/// The next text frame as JSON, within [`WAIT`]; `None` when the connection closed.
async fn next_frame(ws: &mut Ws, what: &str) -> Option<Value> {
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(Some(Ok(Message::Close(_))) | None | Some(Err(_))) => return None,
            Ok(Some(Ok(other))) => panic!("{what}: unexpected frame {other:?}"),
            Err(_) => panic!("{what}: nothing within {}s", WAIT.as_secs()),
        }
    }
}

async fn next_json(ws: &mut Ws, what: &str) -> Value {
    next_frame(ws, what)
        .await
        .unwrap_or_else(|| panic!("{what}: the connection closed"))
}

/// A connection subscribed to `chat.message`.
async fn subscriber(instance: &Instance) -> Ws {
    let mut ws = connect(&instance.url).await;
    call(
        &mut ws,
        "rpc.on",
        json!(["chat.message"]),
        json!(["chat.message"]),
    )
    .await;
    ws
}

/// Calls `method` and checks its result.
async fn call(ws: &mut Ws, method: &str, params: Value, result: Value) {
    let request = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": method});
    ws.send(Message::text(request.to_string())).await.unwrap();
    let reply = next_json(ws, method).await;
    assert_eq!(
        reply,
        json!({"jsonrpc": "2.0", "result": result, "id": method}),
        "{method}"
    );
}

/// A connection that sends `chat.send`.
struct Sender {
    ws: Ws,
    id: u64,
}

impl Sender {
    async fn new(instance: &Instance) -> Sender {
        Sender {
            ws: connect(&instance.url).await,
            id: 0,
        }
    }

    /// `chat.send(text)`; the reply as JSON.
    async fn try_send(&mut self, text: &str) -> Value {
        self.id += 1;
        let request =
            json!({"jsonrpc": "2.0", "method": "chat.send", "params": [text], "id": self.id});
        self.ws
            .send(Message::text(request.to_string()))
            .await
            .unwrap();
        let reply = next_json(&mut self.ws, "chat.send").await;
        assert_eq!(reply["id"], self.id, "{reply}");
        reply
    }

    async fn send(&mut self, text: &str) {
        let reply = self.try_send(text).await;
        assert_eq!(
            reply,
            json!({"jsonrpc": "2.0", "result": null, "id": self.id}),
            "chat.send({text})"
        );
    }
}

/// The text of a `chat.message` notification, after checking its exact shape.
fn chat_text(frame: &Value) -> String {
    let object = frame.as_object().unwrap_or_else(|| panic!("{frame}"));
    assert_eq!(object.len(), 3, "{frame}");
    assert_eq!(frame["jsonrpc"], "2.0", "{frame}");
    assert_eq!(frame["method"], "chat.message", "{frame}");
    let params = frame["params"]
        .as_array()
        .unwrap_or_else(|| panic!("{frame}"));
    assert_eq!(params.len(), 1, "{frame}");
    let data = params[0].as_object().unwrap_or_else(|| panic!("{frame}"));
    assert_eq!(data.len(), 2, "{frame}");
    let at = data["at"].as_str().unwrap_or_else(|| panic!("{frame}"));
    assert!(
        at.len() == 24 && at.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(at).is_ok(),
        "`at` is not a date like 2013-12-14T11:00:53.379Z: {frame}"
    );
    data["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{frame}"))
        .to_owned()
}

/// The next `chat.message` text.
async fn next_chat(ws: &mut Ws, what: &str) -> String {
    chat_text(&next_json(ws, what).await)
}

/// Checks that the next events on each subscriber are `texts`, in order.
async fn expect_all(subscribers: &mut [Ws], texts: &[String], what: &str) {
    for (n, ws) in subscribers.iter_mut().enumerate() {
        for (i, text) in texts.iter().enumerate() {
            let got = next_chat(ws, &format!("{what}: subscriber {n}, event {i}")).await;
            assert_eq!(&got, text, "{what}: subscriber {n}, event {i}");
        }
    }
}

fn texts(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

async fn subscribers(instance: &Instance, n: usize) -> Vec<Ws> {
    let mut all = Vec::new();
    for _ in 0..n {
        all.push(subscriber(instance).await);
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_sends_on_one_instance_reach_all_six_subscribers_once_in_order() {
    let redis = Redis::start();
    let a = Instance::start(&redis, &[]);
    let b = Instance::start(&redis, &[]);
    let mut subs = subscribers(&a, 3).await;
    subs.extend(subscribers(&b, 3).await);
    let mut sender = Sender::new(&b).await;
    let sent = texts("m", 20);
    for text in &sent {
        sender.send(text).await;
    }
    // One more after them: what comes right after the 20 is this, so no event came twice.
    sender.send("end").await;
    let mut expected = sent;
    expected.push("end".into());
    expect_all(&mut subs, &expected, "20 sends on B").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restart_loses_nothing_and_rpc_off_still_stops_deliveries() {
    let redis = Redis::start();
    let mut a = Instance::start(&redis, &[]);
    let mut b = Instance::start(&redis, &[]);
    let mut on_a = subscribers(&a, 3).await;
    let mut on_b = subscribers(&b, 3).await;
    let mut sender = Sender::new(&a).await;
    sender.send("before").await;
    expect_all(&mut on_a, &["before".into()], "before the outage").await;
    expect_all(&mut on_b, &["before".into()], "before the outage").await;

    // Redis goes away, with all its data: both instances notice.
    let redis = {
        let mut redis = redis;
        redis.kill();
        redis
    };
    for instance in [&mut a, &mut b] {
        wait_line(
            &mut instance.log,
            &["lost the reading connection"],
            "the outage",
        )
        .await;
    }
    let during = texts("during", 5);
    for text in &during {
        sender.send(text).await;
    }
    let redis = redis.restart();
    let after = texts("after", 5);
    for text in &after {
        sender.send(text).await;
    }
    let expected: Vec<String> = during.iter().chain(&after).cloned().collect();
    expect_all(&mut on_a, &expected, "after the restart").await;
    expect_all(&mut on_b, &expected, "after the restart").await;
    wait_line(
        &mut a.log,
        &["Redis is back; writing", "buffered events"],
        "the flush",
    )
    .await;

    // rpc.off on one subscriber of each instance: the others go on.
    let mut off_a = on_a.remove(0);
    let mut off_b = on_b.remove(0);
    for ws in [&mut off_a, &mut off_b] {
        call(
            ws,
            "rpc.off",
            json!(["chat.message"]),
            json!(["chat.message"]),
        )
        .await;
    }
    let mut from_b = Sender::new(&b).await;
    let mut later = texts("later", 3);
    for text in &later {
        from_b.send(text).await;
    }
    from_b.send("end").await;
    later.push("end".into());
    expect_all(&mut on_a, &later, "after rpc.off").await;
    expect_all(&mut on_b, &later, "after rpc.off").await;
    // The others have had everything: the unsubscribed ones' next frame is a reply.
    for ws in [&mut off_a, &mut off_b] {
        call(ws, "sum", json!([2, 3]), json!(5)).await;
    }
    drop(redis);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_restarted_receives_from_then_on_and_the_others_miss_nothing() {
    let redis = Redis::start();
    let a = Instance::start(&redis, &[]);
    let b = Instance::start(&redis, &[]);
    let mut on_a = subscribers(&a, 3).await;
    let mut on_old_b = subscribers(&b, 3).await;

    // A emits all along, one event every 10 ms, until told to stop.
    let (count_tx, mut count) = watch::channel(0usize);
    let (stop_tx, mut stop) = watch::channel(false);
    let mut sender = Sender::new(&a).await;
    let emitter = tokio::spawn(async move {
        let mut pace = tokio::time::interval(Duration::from_millis(10));
        for i in 0..3000 {
            if *stop.borrow_and_update() {
                break;
            }
            pace.tick().await;
            sender.send(&format!("k{i}")).await;
            count_tx.send_replace(i + 1);
        }
        sender
    });
    let wait_count = |count: &mut watch::Receiver<usize>, n: usize| {
        let mut count = count.clone();
        async move {
            tokio::time::timeout(WAIT, count.wait_for(|c| *c >= n))
                .await
                .expect("the emitter keeps going")
                .map(|c| *c)
                .expect("the emitter is running")
        }
    };
    // The old B's subscribers have the first five when B is killed, while A emits.
    let first_five = texts("k", 5);
    expect_all(&mut on_old_b, &first_five, "the old B").await;
    drop(b);
    let b = Instance::start(&redis, &[]);
    let mut on_new_b = subscribers(&b, 3).await;
    let subscribed_at = *count.borrow();
    wait_count(&mut count, subscribed_at + 20).await;
    stop_tx.send_replace(true);
    let mut sender = emitter.await.unwrap();
    let total = *count.borrow();
    sender.send("end").await;

    // A's subscribers: every event, from the first, once, in order.
    let mut all = texts("k", total);
    all.push("end".into());
    expect_all(&mut on_a, &all, "A's subscribers").await;
    // The old B's: gapless from there, until the kill closed them.
    for (n, ws) in on_old_b.iter_mut().enumerate() {
        let mut i = 5;
        while let Some(frame) = next_frame(ws, "the old B").await {
            assert_eq!(chat_text(&frame), format!("k{i}"), "old B subscriber {n}");
            i += 1;
        }
        assert!(i <= total, "old B subscriber {n}");
    }
    // The new B's: everything from when they subscribed on, once, in order.
    for (n, ws) in on_new_b.iter_mut().enumerate() {
        let first = next_chat(ws, "the new B").await;
        let start: usize = first
            .strip_prefix('k')
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("new B subscriber {n}: first event {first}"));
        assert!(
            start <= subscribed_at,
            "new B subscriber {n} missed events: its first is k{start}, subscribed after k{}",
            subscribed_at.saturating_sub(1)
        );
        for i in start + 1..total {
            assert_eq!(
                next_chat(ws, "the new B").await,
                format!("k{i}"),
                "new B subscriber {n}"
            );
        }
        assert_eq!(
            next_chat(ws, "the new B").await,
            "end",
            "new B subscriber {n}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_longer_than_the_buffer_drops_emits_with_a_count() {
    let redis = Redis::start();
    let mut a = Instance::start(&redis, &["--redis-buffer", "5"]);
    let b = Instance::start(&redis, &[]);
    let mut subs = subscribers(&a, 3).await;
    subs.extend(subscribers(&b, 3).await);
    let mut sender = Sender::new(&a).await;
    sender.send("before").await;
    expect_all(&mut subs, &["before".into()], "before the outage").await;

    let redis = {
        let mut redis = redis;
        redis.kill();
        redis
    };
    wait_line(&mut a.log, &["lost the reading connection"], "the outage").await;
    let kept = texts("kept", 5);
    for text in &kept {
        sender.send(text).await;
    }
    // The buffer holds 5: the next emits are refused, each with the count so far.
    for dropped in 1..=3u64 {
        let reply = sender.try_send(&format!("dropped{dropped}")).await;
        assert_eq!(reply["error"]["code"], -32002, "{reply}");
        assert_eq!(
            reply["error"]["data"],
            json!({"event": "chat.message", "dropped": dropped}),
            "{reply}"
        );
        assert!(
            reply["error"]["message"]
                .as_str()
                .unwrap()
                .contains("buffer is full"),
            "{reply}"
        );
    }
    let line = wait_line(
        &mut a.log,
        &["buffer full", "dropped so far"],
        "the drop log",
    )
    .await;
    assert!(line.contains("limit 5 events"), "{line}");

    let redis = redis.restart();
    expect_all(&mut subs, &kept, "after the outage").await;
    // The refused ones never come: what comes next is this.
    sender.send("end").await;
    expect_all(&mut subs, &["end".into()], "after the outage").await;
    drop(redis);
}

/// The buffer, in process: bounded by count and by bytes, visible in the state, flushed when
/// Redis returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buffer_is_bounded_by_events_and_bytes_and_flushes_when_redis_returns() {
    use jsonws::Service;
    use jsonws::backplane::Backplane;
    use jsonws::server::Registry;
    use jsonws::service::EmitError;

    let redis = Redis::start();
    let by_count = Service::builder("count", "1.0.0")
        .event("e", Some("string"), "")
        .build()
        .unwrap();
    let by_bytes = Service::builder("bytes", "1.0.0")
        .event("e", Some("string"), "")
        .build()
        .unwrap();
    let small = Backplane::redis(&redis.url()).unwrap().buffer(4, 1 << 20);
    let tight = Backplane::redis(&redis.url()).unwrap().buffer(1000, 2500);
    let _one = Registry::new()
        .service(by_count.clone())
        .backplane(small.clone());
    let _two = Registry::new()
        .service(by_bytes.clone())
        .backplane(tight.clone());
    for backplane in [&small, &tight] {
        tokio::time::timeout(WAIT, backplane.ready())
            .await
            .expect("ready in time");
    }
    let redis = {
        let mut redis = redis;
        redis.kill();
        redis
    };
    for backplane in [&small, &tight] {
        tokio::time::timeout(WAIT, backplane.wait_for(|s| !s.reading))
            .await
            .expect("the outage is seen");
    }
    for i in 0..10u64 {
        let result = by_count.emit("e", &format!("event {i}"));
        if i < 4 {
            assert!(result.is_ok(), "{result:?}");
        } else {
            match result {
                Err(EmitError::Backplane { dropped, .. }) => assert_eq!(dropped, i - 3),
                other => panic!("emit {i}: {other:?}"),
            }
        }
    }
    let state = by_count.backplane_state().unwrap();
    assert_eq!((state.buffered, state.dropped), (4, 6), "{state:?}");
    assert!(!state.connected, "{state:?}");

    let kilobyte = "x".repeat(1000);
    assert!(by_bytes.emit("e", &kilobyte).is_ok());
    assert!(by_bytes.emit("e", &kilobyte).is_ok());
    assert!(matches!(
        by_bytes.emit("e", &kilobyte),
        Err(EmitError::Backplane { dropped: 1, .. })
    ));
    let state = by_bytes.backplane_state().unwrap();
    assert_eq!(state.buffered, 2, "{state:?}");
    assert!(state.buffered_bytes <= 2500, "{state:?}");

    let _redis = redis.restart();
    for backplane in [&small, &tight] {
        let state =
            tokio::time::timeout(WAIT, backplane.wait_for(|s| s.buffered == 0 && s.connected))
                .await
                .expect("the buffer is flushed once Redis is back");
        assert_eq!(state.buffered_bytes, 0, "{state:?}");
        assert_eq!(state.lag, Duration::ZERO, "{state:?}");
    }
    // What was flushed came back to the emitting instance, once.
    let state = tokio::time::timeout(WAIT, small.wait_for(|s| s.received >= 4))
        .await
        .expect("the flushed events are read back");
    assert_eq!(state.received, 4, "{state:?}");
}

/// `tick` is per instance: with two instances on one Redis, each subscriber gets its own
/// instance's ticks only (through Redis it would get both: 1, 1, 2, 2, …).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticks_stay_on_their_instance() {
    let redis = Redis::start();
    let a = Instance::start(&redis, &[]);
    let b = Instance::start(&redis, &[]);
    let mut tickers = Vec::new();
    for instance in [&a, &b] {
        let mut ws = connect(&instance.url).await;
        call(&mut ws, "rpc.on", json!(["tick"]), json!(["tick"])).await;
        tickers.push(ws);
    }
    for (n, ws) in tickers.iter_mut().enumerate() {
        let mut seqs = Vec::new();
        for _ in 0..3 {
            let tick = next_json(ws, "a tick").await;
            assert_eq!(tick["method"], "tick", "{tick}");
            seqs.push(tick["params"][0]["seq"].as_i64().unwrap());
        }
        assert_eq!(
            seqs,
            vec![seqs[0], seqs[0] + 1, seqs[0] + 2],
            "ticker {n}: one instance's ticks, one each"
        );
    }
}

/// `emit_to` judges this instance's connections, so it stays here; `emit` goes through Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emit_to_filters_the_connections_of_its_own_instance() {
    use jsonws::Service;
    use jsonws::backplane::Backplane;
    use jsonws::server::Registry;

    let redis = Redis::start();
    let mut instances = Vec::new();
    for i in 0..2 {
        let backplane = Backplane::redis(&redis.url()).unwrap();
        let builder = Service::builder("t", "1.0.0").event("e", Some("string"), "");
        // The first instance attaches it on the registry, the second on the service.
        let (service, registry) = if i == 0 {
            let service = builder.build().unwrap();
            let registry = Registry::new()
                .service(service.clone())
                .backplane(backplane.clone());
            (service, registry)
        } else {
            let service = builder.backplane(backplane.clone()).build().unwrap();
            (service.clone(), Registry::new().service(service))
        };
        assert!(service.backplane_state().is_some());
        tokio::time::timeout(WAIT, backplane.ready())
            .await
            .expect("ready in time");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/api/t/1.0.0", listener.local_addr().unwrap());
        let app = registry.router_at("/api");
        tokio::spawn(jsonws::server::serve(
            listener,
            app,
            registry.shutdown_signal(),
        ));
        instances.push((service, url));
    }
    let (service, url) = &instances[0];
    let mut acme = connect(&format!("{url}?tenant=acme")).await;
    let mut other = connect(url).await;
    let mut elsewhere = connect(&format!("{}?tenant=acme", instances[1].1)).await;
    for ws in [&mut acme, &mut other, &mut elsewhere] {
        call(ws, "rpc.on", json!(["e"]), json!(["e"])).await;
    }
    let delivery = service
        .emit_to("e", &"for acme".to_string(), |context| {
            context.uri().query() == Some("tenant=acme")
        })
        .unwrap();
    assert_eq!(delivery.delivered, 1, "emit_to delivers here, at once");
    service.emit("e", &"for all".to_string()).unwrap();
    let event = |text: &str| json!({"jsonrpc": "2.0", "method": "e", "params": [text]});
    assert_eq!(next_json(&mut acme, "acme").await, event("for acme"));
    assert_eq!(next_json(&mut acme, "acme").await, event("for all"));
    assert_eq!(next_json(&mut other, "other").await, event("for all"));
    // The other instance's acme connection had only what went through Redis.
    assert_eq!(
        next_json(&mut elsewhere, "elsewhere").await,
        event("for all")
    );
}

/// Readiness: without Redis an instance does not serve (it says why); once Redis is there it
/// prints its address, and a subscriber that connects at once gets the next event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_serves_only_once_it_reads_redis() {
    let port = free_port();
    let mut instance = Instance::spawn(&format!("redis://127.0.0.1:{port}"), &[]);
    wait_line(&mut instance.log, &["cannot reach Redis"], "no Redis yet").await;
    assert!(
        instance.out.borrow().is_empty(),
        "it announced an address without Redis: {:?}",
        instance.out.borrow()
    );
    let _redis = Redis::on(port);
    instance.wait_address();
    let mut subscriber = subscriber(&instance).await;
    Sender::new(&instance).await.send("first").await;
    assert_eq!(next_chat(&mut subscriber, "the first event").await, "first");
}
