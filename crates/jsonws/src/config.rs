//! Limits and timeouts, shared by servers and clients.

use std::time::Duration;

use crate::protocol::ParseLimits;

/// Limits and timeouts of a [`Server`](crate::Server) or a client. The defaults are those of the
/// design: generous for real use, small enough that no single peer can exhaust the server.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use jsonws::Config;
///
/// let mut config = Config::default();
/// config.max_batch = 100;
/// config.call_timeout = Duration::from_secs(5);
/// assert_eq!(config.max_message_size, 10 * 1024 * 1024);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Largest WebSocket message or HTTP body, in bytes (default 10 MiB). Over it, HTTP answers
    /// 413 and a WebSocket is closed with code 1009 and a reason. Replies stay within it too: a
    /// reply (or a batch entry) that would be larger is answered with a -32003 error instead.
    pub max_message_size: usize,
    /// Most entries in one batch (default 1,000); a larger batch gets one -32003 error.
    pub max_batch: usize,
    /// Deepest nesting of arrays and objects in a message (default 128); deeper gets -32003.
    pub max_depth: usize,
    /// Most connections a server holds at once, every transport counted (default 10,000):
    /// [`serve_with`](crate::server::serve_with) answers connections past it with 503 and closes
    /// them; a WebSocket upgrade past it is answered 503 however the router is served.
    pub max_connections: usize,
    /// Most requests a connection may have running at once (default 1,024); past it requests
    /// get -32002 until replies have gone out.
    pub max_in_flight: usize,
    /// Most event subscriptions per connection (default 1,024).
    pub max_subscriptions: usize,
    /// Messages waiting to be written to one connection (default 1,024). Senders wait for room;
    /// event fan-out, which cannot wait, disconnects a connection whose queue is full.
    pub outbound_queue: usize,
    /// How long a write to the socket may stall before the connection is dropped as too slow
    /// (default 30 s).
    pub write_timeout: Duration,
    /// How often a WebSocket ping is sent (default 30 s).
    pub ping_interval: Duration,
    /// A WebSocket peer silent for this long is dropped (default 60 s).
    pub idle_timeout: Duration,
    /// How long an outgoing call waits for its reply (default 30 s).
    pub call_timeout: Duration,
    /// On shutdown, how long in-flight calls may run before connections close (default 10 s).
    pub shutdown_grace: Duration,
    /// HTTP: a new connection must send its first request head, and a begun head must be
    /// complete, within this (default 10 s); otherwise the connection is closed.
    pub header_timeout: Duration,
    /// HTTP: a request body must arrive within this (default 30 s); otherwise the answer is 408
    /// and the connection closes.
    pub body_timeout: Duration,
    /// HTTP: a keep-alive connection idle between requests for this long is closed (default 60 s).
    pub keep_alive_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_size: 10 * 1024 * 1024,
            max_batch: 1000,
            max_depth: 128,
            max_connections: 10_000,
            max_in_flight: 1024,
            max_subscriptions: 1024,
            outbound_queue: 1024,
            write_timeout: Duration::from_secs(30),
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            call_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            keep_alive_timeout: Duration::from_secs(60),
        }
    }
}

impl Config {
    pub(crate) fn parse_limits(&self) -> ParseLimits {
        ParseLimits {
            max_batch: self.max_batch,
            max_depth: self.max_depth,
        }
    }

    pub(crate) fn websocket(&self) -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
        // A 4 KiB read buffer instead of tungstenite's 128 KiB: it is zero-filled before each
        // read, and the smaller one was ≈30% faster with small calls and halves idle memory.
        tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(4096)
            .max_message_size(Some(self.max_message_size))
            .max_frame_size(Some(self.max_message_size))
    }
}
