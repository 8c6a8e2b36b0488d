//! Drives one WebSocket connection: a reader that parses frames and runs handlers, and a
//! writer that drains the outbound queue, joined in one task.
//!
//! Both halves run in the same task (`join!`), so a reply travels from handler to socket
//! without a cross-thread wake-up, and the writer sends everything queued before it flushes
//! once: one write per wake-up instead of one per reply.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::FuturesUnordered;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_util::sync::CancellationToken;

use super::dispatch::{Dispatch, Dispatcher, InFlight, overloaded};
use super::{Frame, Peer, Shared};
use crate::Config;
use crate::handler::{ConnectionId, Context, Methods};
use crate::protocol::{self, ErrorObject, code};

/// What a connection needs besides its socket.
pub(crate) struct Setup {
    pub(crate) methods: Arc<Methods>,
    pub(crate) config: Arc<Config>,
    /// Cancelled when the server shuts down; in-flight calls then get
    /// [`Config::shutdown_grace`] to finish before the connection closes with 1001.
    pub(crate) shutdown: Option<CancellationToken>,
}

/// Makes a peer for `socket` and returns it with the future that drives the connection.
pub(crate) fn open<S>(
    socket: S,
    setup: Setup,
    make_context: impl FnOnce(Peer) -> Context,
) -> (Peer, impl Future<Output = ()> + Send + 'static)
where
    S: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError>,
    S: Send + Unpin + 'static,
{
    let (tx, rx) = mpsc::channel(setup.config.outbound_queue.max(1));
    let peer = Peer::new(ConnectionId::next(), tx, setup.config.call_timeout);
    let context = make_context(peer.clone());
    let task = run(socket, rx, peer.clone(), context, setup);
    (peer, task)
}

async fn run<S>(socket: S, rx: mpsc::Receiver<Frame>, peer: Peer, context: Context, setup: Setup)
where
    S: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError>,
    S: Send + Unpin + 'static,
{
    let (sink, stream) = socket.split();
    let clock = Clock {
        start: Instant::now(),
        last_seen_ms: AtomicU64::new(0),
    };
    let shared = peer.shared();
    tokio::join!(
        read_loop(stream, shared, &context, &setup, &clock),
        write_loop(sink, rx, shared, &setup.config, &clock),
    );
    shared.close_with(1006, "connection lost".into());
    tracing::debug!(connection = %shared.id, reason = ?peer.close_reason(), "connection closed");
}

/// When something last arrived, for the idle check.
struct Clock {
    start: Instant,
    last_seen_ms: AtomicU64,
}

impl Clock {
    fn seen(&self) {
        let ms = self.start.elapsed().as_millis() as u64;
        self.last_seen_ms.store(ms, Ordering::Relaxed);
    }

    fn silent_for(&self) -> Duration {
        let now = self.start.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_seen_ms.load(Ordering::Relaxed)))
    }
}

async fn read_loop<St>(
    mut stream: St,
    shared: &Shared,
    context: &Context,
    setup: &Setup,
    clock: &Clock,
) where
    St: Stream<Item = Result<Message, WsError>> + Unpin,
{
    let limits = setup.config.parse_limits();
    let mut in_flight = FuturesUnordered::<InFlight>::new();
    let shutdown = setup.shutdown.clone().unwrap_or_default();
    let mut draining = false;
    // Made once, not per message: each `cancelled()` takes the token's lock to register, and
    // a timer is not free either.
    let closed = shared.closed.cancelled();
    let shutdown = shutdown.cancelled();
    let drain_deadline = tokio::time::sleep(Duration::from_secs(86_400));
    tokio::pin!(closed, shutdown, drain_deadline);
    loop {
        if draining && in_flight.is_empty() {
            shared.close_with(1001, "server shutting down".into());
            return;
        }
        tokio::select! {
            biased;
            () = &mut closed => return,
            Some(reply) = in_flight.next(), if !in_flight.is_empty() => {
                if let Some(frame) = reply {
                    if send(shared, frame).await.is_err() {
                        return;
                    }
                }
            }
            () = &mut shutdown, if !draining => {
                draining = true;
                drain_deadline.as_mut().reset(Instant::now() + setup.config.shutdown_grace);
            }
            () = &mut drain_deadline, if draining => {
                shared.close_with(1001, "server shutting down".into());
                return;
            }
            frame = stream.next() => {
                clock.seen();
                let bytes: Bytes = match frame {
                    Some(Ok(Message::Text(text))) => text.into(),
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Close(frame))) => {
                        let (code, why) = frame.map_or((1005, String::new()), |f| (f.code.into(), f.reason.to_string()));
                        shared.close_with(code, format!("closed by the other side: {why}"));
                        return;
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => {
                        let (code, reason) = describe(&e);
                        shared.close_with(code, reason);
                        return;
                    }
                    None => {
                        shared.close_with(1006, "connection lost".into());
                        return;
                    }
                };
                let refuse = if draining {
                    Some(ErrorObject::server(code::SHUTTING_DOWN, "Server shutting down"))
                } else if in_flight.len() >= setup.config.max_in_flight {
                    Some(overloaded(setup.config.max_in_flight))
                } else {
                    None
                };
                let dispatcher = Dispatcher {
                    methods: &setup.methods,
                    context,
                    pending: Some(&shared.pending),
                    refuse,
                };
                match dispatcher.dispatch(protocol::parse(bytes, &limits)) {
                    Dispatch::Done(Some(frame)) => {
                        if send(shared, frame).await.is_err() {
                            return;
                        }
                    }
                    Dispatch::Done(None) => {}
                    Dispatch::Running(fut) => in_flight.push(fut),
                }
            }
        }
    }
}

/// Queues a reply, waiting for room: a client that does not read its replies stops being read.
async fn send(shared: &Shared, frame: Vec<u8>) -> Result<(), ()> {
    let text = String::from_utf8(frame).map_err(|_| ())?;
    shared
        .outbound
        .send(Frame::from(text))
        .await
        .map_err(|_| ())
}

fn describe(e: &WsError) -> (u16, String) {
    match e {
        WsError::Capacity(CapacityError::MessageTooLong { size, max_size }) => (
            1009,
            format!("message of {size} bytes is over the limit of {max_size} bytes"),
        ),
        WsError::Capacity(e) => (1009, format!("message too big: {e}")),
        WsError::Utf8(_) => (1007, "a text message was not valid UTF-8".into()),
        WsError::Protocol(e) => (1002, format!("WebSocket protocol error: {e}")),
        e => (1006, format!("connection lost: {e}")),
    }
}

async fn write_loop<Si>(
    mut sink: Si,
    mut rx: mpsc::Receiver<Frame>,
    shared: &Shared,
    config: &Config,
    clock: &Clock,
) where
    Si: Sink<Message, Error = WsError> + Unpin,
{
    let mut batch = Vec::with_capacity(32);
    let mut ping =
        tokio::time::interval_at(Instant::now() + config.ping_interval, config.ping_interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let closed = shared.closed.cancelled();
    tokio::pin!(closed);
    loop {
        tokio::select! {
            biased;
            () = &mut closed => break,
            n = rx.recv_many(&mut batch, 256) => {
                if n == 0 {
                    break;
                }
                let write = async {
                    for frame in batch.drain(..) {
                        sink.feed(Message::Text(frame)).await?;
                    }
                    sink.flush().await
                };
                if let Err(reason) = bounded(config.write_timeout, write).await {
                    shared.close_with(1008, reason);
                    break;
                }
            }
            _ = ping.tick() => {
                let silent = clock.silent_for();
                if silent >= config.idle_timeout {
                    shared.close_with(1001, format!("no message or pong for {}s", silent.as_secs()));
                    break;
                }
                if let Err(reason) = bounded(config.write_timeout, sink.send(Message::Ping(Bytes::new()))).await {
                    shared.close_with(1008, reason);
                    break;
                }
            }
        }
    }
    let close = shared
        .close
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    // A normal or going-away close still delivers what was queued before it: the replies to
    // the calls that finished during a graceful shutdown.
    if close
        .as_ref()
        .is_some_and(|c| c.code == 1000 || c.code == 1001)
    {
        let flush = async {
            while let Ok(frame) = rx.try_recv() {
                sink.feed(Message::Text(frame)).await?;
            }
            sink.flush().await
        };
        let _ = bounded(config.write_timeout, flush).await;
    }
    if let Some(close) = close {
        let mut reason = close.reason;
        while reason.len() > 123 {
            reason.pop();
        }
        let frame = CloseFrame {
            code: close.code.into(),
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            sink.send(Message::Close(Some(frame))),
        )
        .await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.close()).await;
}

/// Runs a socket write, failing with a reason when it errors or stalls past `limit`.
async fn bounded(
    limit: Duration,
    write: impl Future<Output = Result<(), WsError>>,
) -> Result<(), String> {
    match tokio::time::timeout(limit, write).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("write failed: {e}")),
        Err(_) => Err(format!(
            "the client is too slow: a write stalled for more than {}s",
            limit.as_secs_f32()
        )),
    }
}
