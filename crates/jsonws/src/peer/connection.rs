//! Drives one WebSocket connection: one loop owns the socket. It reads every frame that is
//! ready, runs each (handlers that finish on their first poll answer at once), and writes all
//! the replies that resulted, with whatever other tasks queued, in one flush: a reply goes from
//! handler to socket without a channel or a second wake-up, and one write per wake-up.

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::FuturesUnordered;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_util::sync::CancellationToken;

use super::dispatch::{Dispatch, Dispatcher, InFlight};
use super::transport::Transport;
use super::{Frame, Peer, Shared};
use crate::Config;
use crate::handler::{ConnectionId, Context, Methods};
use crate::protocol::{self, ErrorObject, code};

/// What a connection needs besides its socket.
pub(crate) struct Setup {
    pub(crate) methods: Arc<Methods>,
    pub(crate) config: Arc<Config>,
    /// Calls of this side the other may leave unanswered before it is cut as a slow consumer.
    pub(crate) max_unanswered: usize,
    /// Cancelled when the server shuts down; in-flight calls then get
    /// [`Config::shutdown_grace`] to finish before the connection closes with 1001.
    pub(crate) shutdown: Option<CancellationToken>,
}

/// Makes a peer for `socket` and returns it with the future that drives the connection.
pub(crate) fn open<S: Transport>(
    socket: S,
    setup: Setup,
    make_context: impl FnOnce(Peer) -> Context,
) -> (Peer, impl Future<Output = ()> + Send + 'static) {
    let (tx, rx) = mpsc::channel(setup.config.outbound_queue.max(1));
    let peer = Peer::new(
        ConnectionId::next(),
        tx,
        setup.config.call_timeout,
        setup.max_unanswered,
    );
    let context = make_context(peer.clone());
    let task = run(socket, rx, peer.clone(), context, setup);
    (peer, task)
}

async fn run<S: Transport>(
    socket: S,
    rx: mpsc::Receiver<Frame>,
    peer: Peer,
    context: Context,
    setup: Setup,
) {
    let shared = peer.shared();
    drive(socket, rx, shared, &context, &setup).await;
    shared.close_with(1006, "connection lost".into());
    let dropped = shared.dropped();
    if dropped > 0 {
        let reason = peer.close_reason().map(|r| r.reason).unwrap_or_default();
        tracing::warn!(connection = %shared.id, dropped, %reason, "disconnected a slow consumer; messages not delivered to it");
    }
    tracing::debug!(connection = %shared.id, reason = ?peer.close_reason(), "connection closed");
}

/// Most frames read in one go before the replies they produced are written.
const READ_BURST: usize = 64;

/// One loop owns the socket: it reads every frame that is ready, runs it, and writes all the
/// replies that resulted (and whatever else was queued) with one flush.
async fn drive<S: Transport>(
    mut socket: S,
    mut rx: mpsc::Receiver<Frame>,
    shared: &Shared,
    context: &Context,
    setup: &Setup,
) {
    use futures_util::FutureExt;
    let config = &*setup.config;
    let limits = config.parse_limits();
    let mut in_flight = FuturesUnordered::<InFlight>::new();
    // Handlers running on this connection, batch entries included: at most `max_in_flight`.
    let mut running = 0usize;
    let shutdown = setup.shutdown.clone().unwrap_or_default();
    let mut drain_until: Option<Instant> = None;
    let closed = shared.closed.cancelled();
    let shutting_down = shutdown.cancelled();
    let drain_timer = tokio::time::sleep(Duration::from_secs(86_400));
    let mut ping =
        tokio::time::interval_at(Instant::now() + config.ping_interval, config.ping_interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_seen = Instant::now();
    let mut out: Vec<Frame> = Vec::with_capacity(32);
    tokio::pin!(closed, shutting_down, drain_timer);
    loop {
        if drain_until.is_some() && in_flight.is_empty() {
            shared.close_with(1001, "server shutting down".into());
            break;
        }
        tokio::select! {
            biased;
            () = &mut closed => break,
            Some((done, reply)) = in_flight.next(), if !in_flight.is_empty() => {
                running -= done;
                out.extend(reply.and_then(to_frame));
                while let Some(Some((done, reply))) = in_flight.next().now_or_never() {
                    running -= done;
                    out.extend(reply.and_then(to_frame));
                }
            }
            n = rx.recv_many(&mut out, 256) => {
                if n == 0 {
                    break;
                }
            }
            () = &mut shutting_down, if drain_until.is_none() => {
                let until = Instant::now() + config.shutdown_grace;
                drain_until = Some(until);
                drain_timer.as_mut().reset(until);
            }
            () = &mut drain_timer, if drain_until.is_some() => {
                shared.close_with(1001, "server shutting down".into());
                break;
            }
            _ = ping.tick(), if S::KEEPALIVE => {
                let silent = last_seen.elapsed();
                if silent >= config.idle_timeout {
                    shared.close_with(1001, format!("no message or pong for {}s", silent.as_secs()));
                    break;
                }
                if let Err(reason) = bounded(config.write_timeout, socket.send(Message::Ping(Bytes::new()))).await {
                    shared.close_with(1008, reason);
                    break;
                }
            }
            frame = socket.next() => {
                last_seen = Instant::now();
                // Every frame that is ready, up to a burst, before the replies are written.
                let mut next = Some(frame);
                let mut read = 0;
                let mut stop = false;
                while let Some(frame) = next.take() {
                    read += 1;
                    let bytes: Option<Bytes> = match frame {
                        Some(Ok(Message::Text(text))) => Some(text.into()),
                        Some(Ok(Message::Binary(bytes))) => Some(bytes),
                        Some(Ok(Message::Close(frame))) => {
                            let (code, why) = frame.map_or((1005, String::new()), |f| (f.code.into(), f.reason.to_string()));
                            shared.close_with(code, format!("closed by the other side: {why}"));
                            stop = true;
                            break;
                        }
                        // Pings, pongs: proof of life, nothing to answer (tungstenite pongs).
                        Some(Ok(_)) => None,
                        Some(Err(e)) => {
                            let (code, reason) = describe(&e);
                            shared.close_with(code, reason);
                            stop = true;
                            break;
                        }
                        None => {
                            shared.close_with(1006, "connection lost".into());
                            stop = true;
                            break;
                        }
                    };
                    if let Some(bytes) = bytes {
                        let dispatcher = Dispatcher {
                            methods: &setup.methods,
                            context,
                            pending: Some(&shared.pending),
                            refuse: drain_until.is_some().then(|| {
                                ErrorObject::server(code::SHUTTING_DOWN, "Server shutting down")
                            }),
                            room: Cell::new(config.max_in_flight.saturating_sub(running)),
                            max_in_flight: config.max_in_flight,
                            max_reply: config.max_message_size,
                        };
                        match dispatcher.dispatch(protocol::parse(bytes, &limits)) {
                            Dispatch::Done(Some(reply)) => out.extend(to_frame(reply)),
                            Dispatch::Done(None) => {}
                            Dispatch::Running(fut) => {
                                running += fut.running();
                                in_flight.push(fut);
                            }
                        }
                    }
                    if read < READ_BURST {
                        next = socket.next().now_or_never();
                    }
                }
                if stop {
                    break;
                }
            }
        }
        if !out.is_empty() {
            let write = async {
                for frame in out.drain(..) {
                    socket.feed(Message::Text(frame)).await?;
                }
                socket.flush().await
            };
            if let Err(reason) = bounded(config.write_timeout, write).await {
                shared.close_with(1008, reason);
                break;
            }
        }
    }
    let close = shared
        .close
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    if close
        .as_ref()
        .is_some_and(|c| c.code == 1000 || c.code == 1001)
    {
        let flush = async {
            for frame in out.drain(..) {
                socket.feed(Message::Text(frame)).await?;
            }
            while let Ok(frame) = rx.try_recv() {
                socket.feed(Message::Text(frame)).await?;
            }
            socket.flush().await
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
            socket.send(Message::Close(Some(frame))),
        )
        .await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), socket.close()).await;
}

fn to_frame(reply: Vec<u8>) -> Option<Frame> {
    String::from_utf8(reply).ok().map(Frame::from)
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
