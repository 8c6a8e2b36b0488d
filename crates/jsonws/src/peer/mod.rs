//! A peer: one connection on which either side calls the other.
//!
//! JSON-RPC over HTTP is one-way: the client asks, the server answers. A WebSocket is a
//! conversation, and jsonws treats both of its ends alike. The server answers the client's
//! requests *and* can send requests of its own; the client calls the server *and* answers it.
//! The demo's `ask` method shows why: while it runs, the server calls `confirm` on the client
//! that asked and returns the client's answer.
//!
//! A [`Peer`] is the handle to the other end. Cloning it is cheap; handlers get one from their
//! [`Call`](crate::Call), and a [`WsClient`](crate::client::WsClient) is one.
//!
//! # How a call flows
//!
//! [`Peer::call`] picks a fresh numeric id, registers a waiter under it in the pending table,
//! and puts the encoded request on the connection's outbound queue. The connection's writer
//! sends everything queued and flushes once. When a frame arrives, the reader parses it: a
//! response goes to the waiter with its id; a request runs its handler, and the reply goes on
//! the same outbound queue. Replies may arrive in any order, and many calls may be in flight.
//!
//! # Timeouts and close
//!
//! Every call has a deadline ([`Config::call_timeout`](crate::Config::call_timeout) unless
//! given one). A call past it fails with [`CallError::Timeout`]; its reply, if it comes later,
//! is dropped and logged. When the connection closes, for whatever reason, every waiting call
//! fails with [`CallError::Closed`] carrying the reason, and new calls fail at once.
//!
//! A handler that panics is answered with -32603; the panic is logged and the connection goes on.
//!
//! # Backpressure
//!
//! The outbound queue holds [`Config::outbound_queue`](crate::Config::outbound_queue) messages.
//! [`Peer::call`] and [`Peer::notify`] wait for room, so a fast producer slows to the consumer's
//! pace. One loop owns the socket and reads nothing while a write is blocked, so a client that
//! stops reading its replies stops being read; a write that stalls longer than
//! [`Config::write_timeout`](crate::Config::write_timeout) drops the connection as too slow.
//! Senders that cannot wait (event fan-out) disconnect a consumer whose queue is full, with a
//! close reason saying so, instead of buffering without bound.
//!
//! # Keepalive
//!
//! A ping goes out every [`Config::ping_interval`](crate::Config::ping_interval); a peer from
//! which nothing (not even a pong) arrived for
//! [`Config::idle_timeout`](crate::Config::idle_timeout) is dropped.

mod builtin;
mod connection;
pub(crate) mod dispatch;
mod error;
mod pending;
pub(crate) mod transport;

use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub(crate) use connection::{Setup, open};
pub use error::CallError;
pub(crate) use pending::PendingCalls;
use pending::{Answer, PendingGuard};

use crate::handler::ConnectionId;
use crate::protocol::{ErrorObject, Id, RawJson, code, write};

/// The text of one outgoing WebSocket message.
pub(crate) type Frame = tokio_tungstenite::tungstenite::Utf8Bytes;

/// The other end of a WebSocket connection: call it, notify it, send it a batch.
///
/// # Examples
///
/// A server method that asks the calling client a question and returns its answer:
///
/// ```
/// use jsonws::{Call, ErrorObject, Methods};
///
/// let methods = Methods::new().method("ask", |call: Call| async move {
///     let (question,): (String,) = call.params()?;
///     let peer = call.peer().ok_or_else(|| ErrorObject::new(-32004, "needs a WebSocket"))?;
///     let answer: String = peer.call("confirm", (question,)).await?;
///     Ok::<_, ErrorObject>(answer)
/// });
/// # let _ = methods;
/// ```
#[derive(Clone)]
pub struct Peer {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    id: ConnectionId,
    outbound: mpsc::Sender<Frame>,
    pending: PendingCalls,
    next_id: AtomicU64,
    call_timeout: Duration,
    /// Calls of this side the other may leave unanswered before it counts as a slow consumer.
    max_unanswered: usize,
    /// Messages that could not be queued for a slow consumer (logged once, with the count).
    dropped: AtomicU64,
    closed: CancellationToken,
    close: Mutex<Option<CloseReason>>,
}

/// What became of a frame pushed without waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Push {
    /// It is in the queue.
    Queued,
    /// The queue was full: the connection is now closing as a slow consumer.
    Full,
    /// The connection had closed.
    Closed,
}

/// Why a connection closed: the WebSocket close code and a reason for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseReason {
    /// The close code (1000 normal, 1001 going away, 1008 policy, 1009 too big, 1011 error).
    pub code: u16,
    /// What happened.
    pub reason: String,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (code {})", self.reason, self.code)
    }
}

impl Peer {
    pub(crate) fn new(
        id: ConnectionId,
        outbound: mpsc::Sender<Frame>,
        call_timeout: Duration,
        max_unanswered: usize,
    ) -> Self {
        Peer {
            shared: Arc::new(Shared {
                id,
                outbound,
                pending: PendingCalls::default(),
                next_id: AtomicU64::new(1),
                call_timeout,
                max_unanswered,
                dropped: AtomicU64::new(0),
                closed: CancellationToken::new(),
                close: Mutex::new(None),
            }),
        }
    }

    /// The connection's id.
    pub fn id(&self) -> ConnectionId {
        self.shared.id
    }

    /// Calls `method` with `params` (a tuple, `Vec`, struct or map; `()` for none) and waits
    /// for the result, up to the configured call timeout.
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, CallError> {
        self.call_with_timeout(method, params, self.shared.call_timeout)
            .await
    }

    /// [`call`](Peer::call) with its own timeout.
    pub async fn call_with_timeout<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
        timeout: Duration,
    ) -> Result<R, CallError> {
        let params = encode_params(method, &params)?;
        let raw = self.call_raw(method, params, timeout).await?;
        raw.deserialize().map_err(|source| CallError::Decode {
            method: method.into(),
            got: crate::schema::convert::describe_text(&String::from_utf8_lossy(raw.as_bytes())),
            source,
        })
    }

    /// Calls `method` with params already encoded, and returns the raw result.
    pub async fn call_raw(
        &self,
        method: &str,
        params: Option<RawJson>,
        timeout: Duration,
    ) -> Result<RawJson, CallError> {
        let n = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        self.check_unanswered(method)?;
        let Some(reply) = self.shared.pending.insert(n) else {
            return Err(self.closed_error(method));
        };
        let _guard = PendingGuard {
            calls: &self.shared.pending,
            ids: vec![n],
        };
        let mut buf = Vec::with_capacity(64);
        write::request(
            &mut buf,
            Some(&Id::from(n)),
            method,
            params.as_ref().map(RawJson::as_bytes),
        );
        self.send(buf)
            .await
            .map_err(|()| self.closed_error(method))?;
        match tokio::time::timeout(timeout, reply).await {
            Ok(Ok(Answer::Reply(outcome))) => outcome.map_err(CallError::Rpc),
            Ok(Ok(Answer::Malformed(reason))) => Err(CallError::BadReply {
                method: method.into(),
                reason,
            }),
            Ok(Err(_)) => Err(self.closed_error(method)),
            Err(_) => Err(CallError::Timeout {
                method: method.into(),
                after: timeout,
            }),
        }
    }

    /// Sends a notification: no reply comes back. Waits while the outbound queue is full.
    pub async fn notify(&self, method: &str, params: impl Serialize) -> Result<(), CallError> {
        let params = encode_params(method, &params)?;
        let mut buf = Vec::with_capacity(64);
        write::request(
            &mut buf,
            None,
            method,
            params.as_ref().map(RawJson::as_bytes),
        );
        self.send(buf).await.map_err(|()| self.closed_error(method))
    }

    /// Sends a batch as one JSON array in one frame and waits for every call's reply (up to
    /// the call timeout). The results come back in the order the calls were added, each the
    /// result or the error object the other side answered with.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn demo(peer: jsonws::Peer) -> Result<(), jsonws::CallError> {
    /// use jsonws::Batch;
    ///
    /// let batch = Batch::new().call("sum", (1, 2)).notify("log", ["hi"]).call("sum", (3, 4));
    /// let results = peer.batch(batch).await?;
    /// let sums: Vec<i64> = results.into_iter().map(|r| r.unwrap().deserialize().unwrap()).collect();
    /// assert_eq!(sums, [3, 7]);
    /// # Ok(()) }
    /// ```
    pub async fn batch(
        &self,
        batch: Batch,
    ) -> Result<Vec<Result<RawJson, ErrorObject>>, CallError> {
        let first = batch.first_method();
        let (frame, ids) = batch.encode(|| self.shared.next_id.fetch_add(1, Ordering::Relaxed))?;
        self.check_unanswered(&first)?;
        let mut waiters = Vec::with_capacity(ids.len());
        let mut guard = PendingGuard {
            calls: &self.shared.pending,
            ids: Vec::new(),
        };
        for id in ids.iter().flatten() {
            let rx = self
                .shared
                .pending
                .insert(*id)
                .ok_or_else(|| self.closed_error(&first))?;
            guard.ids.push(*id);
            waiters.push(rx);
        }
        self.send(frame)
            .await
            .map_err(|()| self.closed_error(&first))?;
        let timeout = self.shared.call_timeout;
        match tokio::time::timeout(timeout, futures_util::future::join_all(waiters)).await {
            Err(_) => Err(CallError::Timeout {
                method: first,
                after: timeout,
            }),
            Ok(outcomes) => outcomes
                .into_iter()
                .map(|o| match o {
                    Ok(Answer::Reply(outcome)) => Ok(outcome),
                    Ok(Answer::Malformed(reason)) => {
                        Ok(Err(ErrorObject::server(code::BAD_REPLY, "Malformed reply")
                            .with_data(reason)))
                    }
                    Err(_) => Err(self.closed_error(&first)),
                })
                .collect(),
        }
    }

    /// Closes the connection with code 1000 and `reason`. Waiting calls fail with it.
    pub fn close(&self, reason: impl Into<String>) {
        self.shared.close_with(1000, reason.into());
    }

    /// Whether the connection has closed.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.is_cancelled()
    }

    /// Waits until the connection has closed, and says why.
    pub async fn closed(&self) -> CloseReason {
        self.shared.closed.cancelled().await;
        self.close_reason().unwrap_or(CloseReason {
            code: 1006,
            reason: "closed".into(),
        })
    }

    /// Why the connection closed; `None` while it is open.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.shared
            .close
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Queues a frame without waiting, for senders that must not block (event fan-out). A
    /// consumer whose queue is full is disconnected: it has stayed slower than its producers
    /// for a whole queue's worth of messages.
    pub(crate) fn push(&self, frame: Frame) -> Push {
        match self.shared.outbound.try_send(frame) {
            Ok(()) => Push::Queued,
            Err(mpsc::error::TrySendError::Full(_)) => {
                // Counted, not logged: the connection logs it once when it ends, with the count.
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
                self.shared.close_with(
                    1008,
                    "outbound queue full: the client reads more slowly than messages are sent"
                        .into(),
                );
                Push::Full
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Push::Closed,
        }
    }

    /// Server → client calls count toward the outbound queue rule: a client that leaves a whole
    /// queue's worth of them unanswered is a slow consumer, and is disconnected.
    fn check_unanswered(&self, method: &str) -> Result<(), CallError> {
        let limit = self.shared.max_unanswered;
        let waiting = self.shared.pending.len();
        if waiting < limit {
            return Ok(());
        }
        if self.shared.close_with(
            1008,
            format!("the client leaves {waiting} calls from the server unanswered (the limit is {limit})"),
        ) {
            tracing::warn!(connection = %self.shared.id, waiting, "disconnecting a client that does not answer the server's calls");
        }
        Err(self.closed_error(method))
    }

    async fn send(&self, frame: Vec<u8>) -> Result<(), ()> {
        // The writers in this crate produce UTF-8 only; the check cannot fail.
        let text = String::from_utf8(frame).map_err(|_| ())?;
        if self.is_closed() {
            return Err(());
        }
        self.shared
            .outbound
            .send(Frame::from(text))
            .await
            .map_err(|_| ())
    }

    fn closed_error(&self, method: &str) -> CallError {
        let reason = self
            .close_reason()
            .map_or_else(|| "closed".into(), |r| r.to_string());
        CallError::Closed {
            method: method.into(),
            reason,
        }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }
}

impl Shared {
    /// Records why the connection closes (the first reason wins) and tells both halves.
    /// Returns whether this was the first reason.
    pub(crate) fn close_with(&self, code: u16, reason: String) -> bool {
        let first = {
            let mut close = self.close.lock().unwrap_or_else(|p| p.into_inner());
            let first = close.is_none();
            if first {
                *close = Some(CloseReason { code, reason });
            }
            first
        };
        self.pending.close();
        self.closed.cancel();
        first
    }

    /// How many messages could not be queued because the consumer was too slow.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Peer")
            .field("id", &self.shared.id)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// The setup of a connection serving `methods`. A server's connections (`shutdown` given)
/// disconnect a client that leaves a whole outbound queue's worth of the server's calls
/// unanswered; a client's connection leaves that to the server's in-flight limit.
pub(crate) fn connection_setup(
    methods: &Arc<crate::Methods>,
    config: &Arc<crate::Config>,
    shutdown: Option<CancellationToken>,
) -> Setup {
    Setup {
        methods: methods.clone(),
        config: config.clone(),
        max_unanswered: if shutdown.is_some() {
            config.outbound_queue.max(1)
        } else {
            usize::MAX
        },
        shutdown,
    }
}

/// Encodes params: a JSON array or object, or nothing for `()` / `None`.
pub(crate) fn encode_params(
    method: &str,
    params: &impl Serialize,
) -> Result<Option<RawJson>, CallError> {
    let raw = RawJson::from_serialize(params).map_err(|source| CallError::Serialize {
        method: method.into(),
        source,
    })?;
    if raw.is_null() {
        Ok(None)
    } else if raw.is_array() || raw.is_object() {
        Ok(Some(raw))
    } else {
        Err(CallError::InvalidParams {
            method: method.into(),
            got: raw.to_string(),
        })
    }
}

/// Several calls and notifications sent as one JSON array.
///
/// # Examples
///
/// ```
/// use jsonws::Batch;
///
/// let batch = Batch::new().call("sum", (1, 2)).notify("log", ["hello"]);
/// assert_eq!(batch.len(), 2);
/// ```
#[derive(Debug, Default)]
pub struct Batch {
    entries: Vec<(String, Option<RawJson>, bool)>,
    error: Option<CallError>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Batch::default()
    }

    /// Adds a call; its result takes the next place in the results.
    #[must_use]
    pub fn call(self, method: &str, params: impl Serialize) -> Self {
        self.add(method, params, true)
    }

    /// Adds a notification; it has no place in the results.
    #[must_use]
    pub fn notify(self, method: &str, params: impl Serialize) -> Self {
        self.add(method, params, false)
    }

    /// How many entries the batch has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn add(mut self, method: &str, params: impl Serialize, call: bool) -> Self {
        match encode_params(method, &params) {
            Ok(params) => self.entries.push((method.to_owned(), params, call)),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    pub(crate) fn first_method(&self) -> String {
        self.entries
            .first()
            .map(|e| e.0.clone())
            .unwrap_or_default()
    }

    /// The frame, and the id given to each call (`None` for notifications).
    pub(crate) fn encode(
        self,
        mut next_id: impl FnMut() -> u64,
    ) -> Result<(Vec<u8>, Vec<Option<u64>>), CallError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.entries.is_empty() {
            return Err(CallError::InvalidParams {
                method: String::new(),
                got: "an empty batch (JSON-RPC forbids sending one)".into(),
            });
        }
        let mut ids = Vec::with_capacity(self.entries.len());
        let mut parts = Vec::with_capacity(self.entries.len());
        for (method, params, call) in &self.entries {
            let id = call.then(&mut next_id);
            let mut buf = Vec::with_capacity(64);
            let raw_id = id.map(Id::from);
            write::request(
                &mut buf,
                raw_id.as_ref(),
                method,
                params.as_ref().map(RawJson::as_bytes),
            );
            parts.push(buf);
            ids.push(id);
        }
        Ok((write::batch(parts), ids))
    }
}
