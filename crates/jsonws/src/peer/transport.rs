//! The transport boundary: a connection's loop reads frames from, and writes frames to, a
//! [`Transport`], and knows nothing else of it. A WebSocket is one as it is; Socket.IO plugs in
//! by turning its `message` events into text frames and back (`server/socketio.rs`). Pending
//! calls, dispatch, timeouts, limits and backpressure stay in the one loop in `connection.rs`.
//!
//! The frame vocabulary is tungstenite's [`Message`]: text (and binary) frames carry JSON-RPC,
//! `Close` ends the conversation with a code and a reason, pings are proof of life.

use futures_util::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// Frames in, frames out.
pub(crate) trait Transport:
    Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Send + Unpin + 'static
{
    /// Whether the loop keeps the connection alive itself: pings every
    /// [`Config::ping_interval`](crate::Config::ping_interval) and drops a peer silent for
    /// [`Config::idle_timeout`](crate::Config::idle_timeout). Transports with a heartbeat of
    /// their own (Socket.IO's engine.io pings) say no.
    const KEEPALIVE: bool;
}

impl<S> Transport for WebSocketStream<S>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    const KEEPALIVE: bool = true;
}
