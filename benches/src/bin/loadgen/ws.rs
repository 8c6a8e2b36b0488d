//! WebSocket load: N connections, K calls in flight on each, raw JSON text frames — or the same
//! calls as Socket.IO `message` events (engine.io v4 over a WebSocket, Socket.IO v5 packets
//! written by hand: `42/ns,["message","…"]`; the generator answers engine.io pings).

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

use crate::stats::{Busy, Stats};
use crate::{Timing, Window, check_reply, loopback_addr, request_text};

pub(crate) type Ws = WebSocketStream<TcpStream>;

/// Opens one WebSocket to `url` with Nagle off.
pub(crate) async fn connect(url: &str) -> anyhow::Result<Ws> {
    let addr = loopback_addr(url).await?;
    let tcp = TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    // tungstenite zero-fills its read buffer before each read: 128 KiB by default, far more
    // than a burst of replies here, so a small one keeps the generator's own cost down.
    let config = WebSocketConfig::default().read_buffer_size(4096);
    let (ws, _response) = client_async_with_config(url, tcp, Some(config)).await?;
    Ok(ws)
}

/// How calls and replies travel in the WebSocket's text frames.
#[derive(Clone)]
pub(crate) enum Framing {
    /// One JSON-RPC message per frame.
    Plain,
    /// Socket.IO `message` events in namespace `ns`.
    SocketIo { ns: String },
}

impl Framing {
    fn wrap(&self, call: String) -> String {
        match self {
            Framing::Plain => call,
            Framing::SocketIo { ns } => {
                let text = serde_json::to_string(&call).unwrap_or_default();
                format!(r#"42{ns},["message",{text}]"#)
            }
        }
    }

    /// The JSON-RPC text in a frame, if it carries one; engine.io pings are answered.
    fn unwrap<'a>(&self, text: &'a str) -> Unwrapped<'a> {
        match self {
            Framing::Plain => Unwrapped::Rpc(text.into()),
            Framing::SocketIo { ns } => {
                if text == "2" {
                    return Unwrapped::Ping;
                }
                let Some(rest) = text
                    .strip_prefix("42")
                    .and_then(|t| t.strip_prefix(ns.as_str()))
                    .and_then(|t| t.strip_prefix(','))
                else {
                    return Unwrapped::Other;
                };
                match serde_json::from_str::<(String, String)>(rest) {
                    Ok((event, rpc)) if event == "message" => Unwrapped::Rpc(rpc.into()),
                    _ => Unwrapped::Other,
                }
            }
        }
    }
}

enum Unwrapped<'a> {
    Rpc(std::borrow::Cow<'a, str>),
    Ping,
    Other,
}

/// Opens a Socket.IO connection over a WebSocket to `url` (`http://host:port`, the engine at
/// `/socket.io/`) and joins namespace `ns`.
pub(crate) async fn connect_socketio(url: &str, ns: &str) -> anyhow::Result<Ws> {
    let base = url.trim_end_matches('/').replacen("http://", "ws://", 1);
    let mut ws = connect(&format!("{base}/socket.io/?EIO=4&transport=websocket")).await?;
    let open = next_text(&mut ws).await?;
    anyhow::ensure!(
        open.starts_with('0'),
        "expected engine.io's open packet, got {open}"
    );
    ws.send(Message::text(format!("40{ns},"))).await?;
    let joined = next_text(&mut ws).await?;
    anyhow::ensure!(
        joined.starts_with(&format!("40{ns},")),
        "joining namespace {ns}: {joined}"
    );
    Ok(ws)
}

async fn next_text(ws: &mut Ws) -> anyhow::Result<String> {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .map_err(|_| anyhow::anyhow!("no answer within 5 s"))?;
        match message {
            Some(Ok(Message::Text(text))) => return Ok(text.to_string()),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
            None => anyhow::bail!("closed"),
        }
    }
}

pub(crate) async fn run(
    url: &str,
    conns: usize,
    inflight: usize,
    timing: Timing,
    framing: Framing,
) -> anyhow::Result<String> {
    anyhow::ensure!(
        (1..=10_000).contains(&conns),
        "--conns must be in 1..=10000"
    );
    anyhow::ensure!(inflight <= 4096, "--inflight must be at most 4096");
    let mut sockets = Vec::with_capacity(conns);
    for _ in 0..conns {
        sockets.push(match &framing {
            Framing::Plain => connect(url).await?,
            Framing::SocketIo { ns } => connect_socketio(url, ns).await?,
        });
    }
    let mode = match &framing {
        Framing::Plain => "ws",
        Framing::SocketIo { .. } => "socketio",
    };
    let window = Window::starting_now(timing)?;
    let busy = tokio::spawn(Busy::measure(window, timing.server_pid));
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(conn, ws)| tokio::spawn(drive(conn, ws, inflight, window, framing.clone())))
        .collect();
    let mut total = Stats::new();
    for task in tasks {
        match task.await {
            Ok(stats) => total.merge(stats),
            Err(e) => {
                total.errors += 1;
                total.fail(format!("connection task failed: {e}"));
            }
        }
    }
    let busy = busy.await.unwrap_or_default();
    Ok(total.report(mode, conns, inflight, timing.secs, busy))
}

/// One connection's closed loop until the window ends and its last replies are in.
async fn drive(
    conn: usize,
    mut ws: Ws,
    inflight: usize,
    window: Window,
    framing: Framing,
) -> Stats {
    let mut calls = Calls {
        conn,
        framing,
        window,
        next_id: 0,
        sent: Vec::with_capacity(inflight),
        stats: Stats::new(),
    };
    if let Err(e) = calls.run(&mut ws, inflight).await {
        calls.stats.fail(format!("connection {conn}: {e}"));
    }
    // Whatever is still waiting now never got its reply.
    calls.stats.errors += calls.sent.len() as u64;
    let _ = tokio::time::timeout(Window::GRACE, ws.close(None)).await;
    calls.stats
}

struct Calls {
    conn: usize,
    framing: Framing,
    window: Window,
    next_id: u64,
    /// Calls in flight: id and when it was written. At most K long, so a scan is cheapest.
    sent: Vec<(u64, Instant)>,
    stats: Stats,
}

impl Calls {
    async fn run(&mut self, ws: &mut Ws, inflight: usize) -> Result<(), WsError> {
        for _ in 0..inflight {
            self.feed_call(ws).await?;
        }
        ws.flush().await?;
        // One timer for the whole run rather than one per wait: cheaper for the generator.
        let give_up = tokio::time::sleep_until(self.window.give_up_at());
        tokio::pin!(give_up);
        while !self.sent.is_empty() {
            let first = tokio::select! {
                biased;
                message = ws.next() => match message {
                    Some(message) => message?,
                    None => return Err(WsError::ConnectionClosed),
                },
                () = &mut give_up => {
                    let conn = self.conn;
                    self.stats.fail(format!("connection {conn}: replies still missing after the end"));
                    return Ok(());
                }
            };
            // Answer this reply and every other one already read, then flush once.
            let mut next = Some(first);
            while let Some(message) = next {
                if !self.on_message(ws, message).await? {
                    return Ok(());
                }
                next = match ws.next().now_or_never() {
                    Some(Some(message)) => Some(message?),
                    Some(None) => return Err(WsError::ConnectionClosed),
                    None => None,
                };
            }
            ws.flush().await?;
        }
        Ok(())
    }

    /// Writes a new call into the socket's buffer (not flushed yet).
    async fn feed_call(&mut self, ws: &mut Ws) -> Result<(), WsError> {
        let id = self.next_id;
        self.next_id += 1;
        self.sent.push((id, Instant::now()));
        ws.feed(Message::text(
            self.framing.wrap(request_text(self.conn, id)),
        ))
        .await
    }

    /// Handles one message; `false` once the server closed the connection.
    async fn on_message(&mut self, ws: &mut Ws, message: Message) -> Result<bool, WsError> {
        let checked = match &message {
            Message::Text(text) => match self.framing.unwrap(text) {
                Unwrapped::Rpc(rpc) => check_reply(self.conn, rpc.as_bytes()),
                Unwrapped::Ping => {
                    ws.feed(Message::text("3")).await?;
                    return Ok(true);
                }
                Unwrapped::Other => return Ok(true),
            },
            Message::Binary(bytes) => check_reply(self.conn, bytes),
            Message::Close(frame) => {
                self.stats.fail(format!(
                    "connection {}: closed by the server: {frame:?}",
                    self.conn
                ));
                return Ok(false);
            }
            _ => return Ok(true),
        };
        let now = Instant::now();
        let slot = checked
            .id
            .and_then(|id| self.sent.iter().position(|&(sent_id, _)| sent_id == id));
        let Some(slot) = slot else {
            // Not a call we are waiting for: nothing to replace it with.
            self.stats.errors += 1;
            return Ok(true);
        };
        let (_, sent_at) = self.sent.swap_remove(slot);
        if !checked.ok {
            self.stats.errors += 1;
        } else if now >= self.window.count_from && now < self.window.end {
            self.stats.record(now - sent_at);
        }
        if now < self.window.end {
            self.feed_call(ws).await?;
        }
        Ok(true)
    }
}
