//! WebSocket load: N connections, K calls in flight on each, raw JSON text frames.

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

pub(crate) async fn run(
    url: &str,
    conns: usize,
    inflight: usize,
    timing: Timing,
) -> anyhow::Result<String> {
    anyhow::ensure!(
        (1..=10_000).contains(&conns),
        "--conns must be in 1..=10000"
    );
    anyhow::ensure!(inflight <= 4096, "--inflight must be at most 4096");
    let mut sockets = Vec::with_capacity(conns);
    for _ in 0..conns {
        sockets.push(connect(url).await?);
    }
    let window = Window::starting_now(timing)?;
    let busy = tokio::spawn(Busy::measure(window, timing.server_pid));
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(conn, ws)| tokio::spawn(drive(conn, ws, inflight, window)))
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
    Ok(total.report("ws", conns, inflight, timing.secs, busy))
}

/// One connection's closed loop until the window ends and its last replies are in.
async fn drive(conn: usize, mut ws: Ws, inflight: usize, window: Window) -> Stats {
    let mut calls = Calls {
        conn,
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
        ws.feed(Message::text(request_text(self.conn, id))).await
    }

    /// Handles one message; `false` once the server closed the connection.
    async fn on_message(&mut self, ws: &mut Ws, message: Message) -> Result<bool, WsError> {
        let checked = match &message {
            Message::Text(text) => check_reply(self.conn, text.as_bytes()),
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
