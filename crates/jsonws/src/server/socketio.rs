//! Socket.IO on the same port as HTTP and WebSocket, through
//! [socketioxide](https://docs.rs/socketioxide) (Socket.IO v5 over engine.io v4: long polling,
//! upgraded to a WebSocket when the client can).
//!
//! The engine answers at `/socket.io/` (below wherever the registry's router is mounted: at the
//! server's root with [`Registry::router_at`](super::Registry::router_at)); each service version
//! is a namespace, `/{name}/{version}`, under every spelling the other transports accept
//! (`/demo/1.0.0`, `/demo/1`, `/demo/v1`, …). The event `message` carries one JSON-RPC message or
//! batch as a JSON text string, both ways.
//!
//! A Socket.IO connection is the same peer as a WebSocket one: [`SocketIoTransport`] turns its
//! `message` events into text frames for the one connection loop (`peer/connection.rs`), so
//! calls, notifications, batches, server → client calls, events, limits, timeouts and slow
//! consumer handling are the WebSocket's. What differs is kept here: engine.io has its own
//! heartbeat, so the loop sends no pings; a client whose socketioxide send buffer is full is a
//! slow consumer, cut like a WebSocket whose writes stall.
//!
//! Bad input never reaches further than a reply: a `message` whose payload is not a string is
//! answered with -32600, other events are ignored with a log line.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use futures_util::{Sink, Stream};
use socketioxide::extract::{Event, SocketRef, TryData};
use socketioxide::layer::SocketIoLayer;
use socketioxide::socket::DisconnectReason;
use socketioxide::{SendError, SocketError, SocketIo};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::Server;
use super::ws::ConnectionSlot;
use crate::Config;
use crate::handler::{Context, Transport};
use crate::peer::dispatch::error_frame;
use crate::peer::{self, open};
use crate::protocol::{ErrorObject, Id};

/// The event that carries JSON-RPC.
const EVENT: &str = "message";

/// The Socket.IO layer serving `namespaces` (path, server) with `config`'s limits.
pub(super) fn layer(namespaces: Vec<(String, Server)>, config: &Config) -> SocketIoLayer {
    let (layer, io) = SocketIo::builder()
        .req_path("/socket.io")
        .ping_interval(config.ping_interval)
        .max_buffer_size(config.outbound_queue.max(1))
        .max_payload(config.max_message_size as u64)
        .ws_max_message_size(config.max_message_size)
        .ws_max_frame_size(config.max_message_size)
        .build_layer();
    for (path, server) in namespaces {
        io.ns(path, move |socket: SocketRef| {
            connect(socket, server.clone());
            std::future::ready(())
        });
    }
    layer
}

/// Starts a peer for a socket that joined a service's namespace.
fn connect(socket: SocketRef, server: Server) {
    if server.is_shutting_down() {
        let _ = socket.disconnect();
        return;
    }
    let Some(slot) = ConnectionSlot::take(&server) else {
        tracing::warn!(
            limit = server.config.max_connections,
            "connection limit reached; refusing a Socket.IO connection"
        );
        let _ = socket.disconnect();
        return;
    };
    let (inbound, frames) = mpsc::channel(INBOUND_FRAMES);
    let inbound = Inbound {
        frames: inbound,
        queued: Arc::new(AtomicUsize::new(0)),
        max_bytes: server.config.max_message_size.saturating_mul(2),
    };
    on_message(&socket, inbound.clone());
    socket.on_fallback(|Event(event): Event| {
        tracing::debug!(%event, "ignored a Socket.IO event other than `message`");
        std::future::ready(())
    });
    socket.on_disconnect(move |reason: DisconnectReason| {
        let frame = CloseFrame {
            code: 1000.into(),
            reason: reason.to_string().into(),
        };
        let _ = inbound.frames.try_send(Ok(Message::Close(Some(frame))));
        std::future::ready(())
    });
    let transport = SocketIoTransport {
        socket: socket.clone(),
        queued: inbound.queued.clone(),
        frames,
    };
    let setup = peer::connection_setup(
        &server.methods,
        &server.config,
        Some(server.state.shutdown.clone()),
    );
    let (_peer, task) = open(transport, setup, |peer| context(&socket, peer));
    server.state.tasks.spawn(async move {
        let _slot = slot;
        task.await;
    });
}

/// Frames received and not yet read by the loop: at most this many…
const INBOUND_FRAMES: usize = 1024;

/// …and at most `max_bytes` of them. A WebSocket client that sends faster than the server
/// reads is slowed by TCP; socketioxide reads on regardless, so a client that outruns the loop
/// by that much is disconnected instead of buffered without bound.
#[derive(Clone)]
struct Inbound {
    frames: mpsc::Sender<Result<Message, WsError>>,
    queued: Arc<AtomicUsize>,
    max_bytes: usize,
}

impl Inbound {
    /// Queues `text` for the loop; `false` when the client is too far ahead.
    fn push(&self, text: String) -> bool {
        let len = text.len();
        if self.queued.fetch_add(len, Ordering::AcqRel) + len > self.max_bytes {
            self.queued.fetch_sub(len, Ordering::AcqRel);
            return false;
        }
        match self.frames.try_send(Ok(Message::text(text))) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.queued.fetch_sub(len, Ordering::AcqRel);
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => true,
        }
    }
}

/// Hands each `message` to the connection loop, in the order they came: the handler's body
/// runs before socketioxide spawns its (empty) future.
fn on_message(socket: &SocketRef, inbound: Inbound) {
    socket.on(
        EVENT,
        move |socket: SocketRef, TryData(data): TryData<String>| {
            match data {
                Ok(text) => {
                    if !inbound.push(text) {
                        tracing::warn!(
                            socket = %socket.id,
                            "a Socket.IO client sends faster than its calls are read; disconnecting it"
                        );
                        disconnect(&socket);
                    }
                }
                // An object, a number, binary attachments, several arguments: not a message.
                Err(e) => {
                    tracing::debug!(socket = %socket.id, error = %e, "a `message` that is not a string");
                    refuse(
                        &socket,
                        ErrorObject::invalid_request(format_args!(
                            "a `message` event carries one JSON-RPC message or batch as a JSON text string ({e})"
                        )),
                    );
                }
            }
            std::future::ready(())
        },
    );
}

/// Answers a `message` the loop never sees with `error`.
fn refuse(socket: &SocketRef, error: ErrorObject) {
    let frame = error_frame(&Id::null(), &error);
    let text = String::from_utf8(frame).unwrap_or_default();
    let _ = socket.emit(EVENT, &text);
}

/// What handlers know of a Socket.IO connection: the request that opened it (the first
/// polling request, or the WebSocket upgrade).
fn context(socket: &SocketRef, peer: crate::Peer) -> Context {
    super::http::connection_context(socket.req_parts(), Transport::SocketIo, peer)
}

/// A Socket.IO socket as frames in and out: `message` events become text frames, and text
/// frames become `message` events.
struct SocketIoTransport {
    socket: SocketRef,
    frames: mpsc::Receiver<Result<Message, WsError>>,
    /// Bytes of the frames waiting in `frames`.
    queued: Arc<AtomicUsize>,
}

impl Stream for SocketIoTransport {
    type Item = Result<Message, WsError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let next = self.frames.poll_recv(cx);
        if let Poll::Ready(Some(Ok(Message::Text(text)))) = &next {
            self.queued.fetch_sub(text.len(), Ordering::AcqRel);
        }
        next
    }
}

impl Sink<Message> for SocketIoTransport {
    type Error = WsError;

    fn poll_ready(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<Result<(), WsError>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), WsError> {
        let sent = match message {
            Message::Text(text) => self.socket.emit(EVENT, text.as_str()),
            Message::Binary(bytes) => self.socket.emit(EVENT, &*String::from_utf8_lossy(&bytes)),
            Message::Close(_) => {
                disconnect(&self.socket);
                Ok(())
            }
            // engine.io keeps the connection alive itself.
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => Ok(()),
        };
        sent.map_err(|e| match e {
            SendError::Socket(SocketError::InternalChannelFull) => {
                WsError::Io(std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    "the Socket.IO client reads more slowly than messages are sent",
                ))
            }
            SendError::Socket(SocketError::Closed) => WsError::ConnectionClosed,
            other => WsError::Io(std::io::Error::other(other.to_string())),
        })
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<Result<(), WsError>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<Result<(), WsError>> {
        disconnect(&self.socket);
        Poll::Ready(Ok(()))
    }
}

/// Disconnects the socket. socketioxide sends a disconnect packet first and gives up when the
/// socket's send buffer is full, which is just when a slow consumer must go: then this keeps
/// trying until the client has read enough to take it, or engine.io's heartbeat (which a
/// client that reads nothing cannot answer) has closed the connection.
fn disconnect(socket: &SocketRef) {
    if let Err(SocketError::InternalChannelFull) = socket.clone().disconnect() {
        let socket = socket.clone();
        tokio::spawn(async move {
            let give_up = tokio::time::Instant::now() + DISCONNECT_PATIENCE;
            while socket.connected() && tokio::time::Instant::now() < give_up {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if !matches!(
                    socket.clone().disconnect(),
                    Err(SocketError::InternalChannelFull)
                ) {
                    break;
                }
            }
        });
    }
}

/// Longer than engine.io's heartbeat takes to drop a client that does not answer.
const DISCONNECT_PATIENCE: Duration = Duration::from_secs(120);

impl peer::transport::Transport for SocketIoTransport {
    const KEEPALIVE: bool = false;
}
