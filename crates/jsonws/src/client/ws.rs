use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{broadcast, watch};
use tokio_tungstenite::connect_async_with_config;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_util::sync::CancellationToken;

use super::reconnect::Reconnect;
use super::subscription::{Subscribers, Subscription};
use crate::handler::{Call, Context, Handler, IntoReply, Reply, Transport, handler_fn};
use crate::peer::{self, Batch, CallError, CloseReason, Peer, open};
use crate::protocol::{ErrorObject, RawJson};
use crate::{Config, Methods};

/// Why a WebSocket connection could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The URL is not a `ws://` or `wss://` URL the client can use.
    #[error("invalid WebSocket URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The server answered the upgrade request with an HTTP error instead of switching
    /// protocols; `body` says why (for example, which versions the service has).
    #[error("`{url}` refused the WebSocket handshake with HTTP {status}: {body}")]
    Refused {
        /// The URL given.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The response body, as text (empty when there was none).
        body: String,
    },
    /// The connection or the handshake failed.
    #[error("could not connect to `{url}`: {source}")]
    Handshake {
        /// The URL given.
        url: String,
        /// The underlying error.
        source: Box<tokio_tungstenite::tungstenite::Error>,
    },
}

/// What happens to a [`WsClient`]'s connection, as [`WsClient::connection_events`] reports it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The connection closed.
    Disconnected(CloseReason),
    /// A reconnect attempt starts after `delay`.
    Reconnecting {
        /// 1 for the first attempt after a disconnect.
        attempt: u32,
        /// How long the client waits before it.
        delay: Duration,
    },
    /// A new connection is up and every subscription was renewed on it.
    Reconnected,
    /// [`Reconnect::max_attempts`] failed in a row; the client is closed for good.
    GaveUp {
        /// How many attempts failed.
        attempts: u32,
    },
}

/// A WebSocket client: a [`Peer`] connected to a server, answering it with its own methods,
/// receiving its events, and — with [`WsClientBuilder::reconnect`] — coming back by itself
/// after the connection drops.
///
/// Dropping the client closes the connection.
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use jsonws::client::{Reconnect, WsClient};
///
/// let client = WsClient::builder()
///     .reconnect(Reconnect::default())
///     .connect("ws://127.0.0.1:3000/api/demo/1.0.0")
///     .await?;
/// let sum: i64 = client.call("sum", (40, 2)).await?;
/// let mut ticks = client.subscribe::<serde_json::Value>("tick").await?;
/// while let Some(tick) = ticks.recv().await {
///     println!("{}", tick?);
/// }
/// # Ok(()) }
/// ```
///
/// # While disconnected
///
/// A call made while the client is reconnecting waits for the new connection, up to
/// [`WsClientBuilder::wait_for_connection`] (default 5 s), then fails with
/// [`CallError::Closed`]. A call already sent when the connection dropped fails at once: it may
/// or may not have run, and only the caller knows whether it is safe to repeat.
#[derive(Debug)]
pub struct WsClient {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    url: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    config: Arc<Config>,
    methods: Arc<Methods>,
    subscribers: Arc<Subscribers>,
    current: watch::Sender<Peer>,
    events: broadcast::Sender<ConnectionEvent>,
    reconnect: Option<Reconnect>,
    wait_for_connection: Duration,
    closed: CancellationToken,
}

/// Options for a [`WsClient`]: the methods it answers, limits, handshake headers, reconnects.
#[derive(Debug)]
#[must_use]
pub struct WsClientBuilder {
    methods: Methods,
    config: Config,
    headers: Vec<(HeaderName, HeaderValue)>,
    reconnect: Option<Reconnect>,
    wait_for_connection: Duration,
}

impl Default for WsClientBuilder {
    fn default() -> Self {
        WsClientBuilder {
            methods: Methods::new(),
            config: Config::default(),
            headers: Vec::new(),
            reconnect: None,
            wait_for_connection: Duration::from_secs(5),
        }
    }
}

impl WsClientBuilder {
    /// The methods the server may call on this client.
    pub fn methods(mut self, methods: Methods) -> Self {
        self.methods = methods;
        self
    }

    /// Limits and timeouts (the call timeout among them).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Adds a header to the upgrade request (for example `Authorization`).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Reconnects after the connection drops, with this backoff, and renews every
    /// subscription on the new connection. Without it, a dropped connection stays closed.
    pub fn reconnect(mut self, policy: Reconnect) -> Self {
        self.reconnect = Some(policy);
        self
    }

    /// How long a call made while reconnecting waits for the connection (default 5 s).
    pub fn wait_for_connection(mut self, wait: Duration) -> Self {
        self.wait_for_connection = wait;
        self
    }

    /// Connects to `url` (`ws://host:port/path?query`). The first connection must succeed;
    /// reconnects come after.
    pub async fn connect(self, url: &str) -> Result<WsClient, ConnectError> {
        let subscribers = Arc::new(Subscribers::default());
        let sink = subscribers.clone();
        let methods = self
            .methods
            .wrap_fallback(move |fallback| event_fallback(sink, fallback));
        let config = Arc::new(self.config);
        let methods = Arc::new(methods);
        let peer = dial(url, &self.headers, &config, &methods).await?;
        let (events, _) = broadcast::channel(16);
        let shared = Arc::new(Shared {
            url: url.to_owned(),
            headers: self.headers,
            config,
            methods,
            subscribers,
            current: watch::Sender::new(peer),
            events,
            reconnect: self.reconnect,
            wait_for_connection: self.wait_for_connection,
            closed: CancellationToken::new(),
        });
        tokio::spawn(supervise(Arc::downgrade(&shared)));
        Ok(WsClient { shared })
    }
}

/// Opens one connection and starts driving it.
async fn dial(
    url: &str,
    headers: &[(HeaderName, HeaderValue)],
    config: &Arc<Config>,
    methods: &Arc<Methods>,
) -> Result<Peer, ConnectError> {
    let mut request = url
        .into_client_request()
        .map_err(|e| ConnectError::InvalidUrl {
            url: url.into(),
            reason: e.to_string(),
        })?;
    request.headers_mut().extend(headers.iter().cloned());
    let (socket, _response) = connect_async_with_config(request, Some(config.websocket()), false)
        .await
        .map_err(|e| match e {
            tokio_tungstenite::tungstenite::Error::Http(response) => ConnectError::Refused {
                url: url.into(),
                status: response.status().as_u16(),
                body: response
                    .body()
                    .as_deref()
                    .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                    .unwrap_or_default(),
            },
            e => ConnectError::Handshake {
                url: url.into(),
                source: Box::new(e),
            },
        })?;
    let setup = peer::connection_setup(methods, config, None);
    let (peer, task) = open(socket, setup, |peer| {
        Context::detached(peer.id(), Transport::WebSocket, Some(peer))
    });
    tokio::spawn(task);
    Ok(peer)
}

/// Notifications named after a subscribed event go to its subscriptions; anything else to
/// the user's own fallback, if any.
fn event_fallback(
    subscribers: Arc<Subscribers>,
    fallback: Option<Arc<dyn Handler>>,
) -> Arc<dyn Handler> {
    handler_fn(move |call: Call| {
        let delivered = call.id().is_none() && {
            let data = call.raw_params().and_then(|p| {
                p.deserialize_borrowed::<Vec<&serde_json::value::RawValue>>()
                    .ok()
                    .and_then(|items| {
                        items
                            .first()
                            .map(|raw| RawJson::from_text(raw.get().to_owned()))
                    })
                    .and_then(Result::ok)
            });
            subscribers.deliver(call.method(), data)
        };
        let fallback = if delivered { None } else { fallback.clone() };
        async move {
            match fallback {
                _ if delivered => Reply(None),
                Some(handler) => handler.call(call).await,
                None => Err::<(), _>(missing_on_client(call.method())).into_reply(call.id()),
            }
        }
    })
}

/// -32601 saying that the *client* lacks the method, so the server's caller, which gets this
/// error back, does not look for it on the server.
fn missing_on_client(method: &str) -> ErrorObject {
    ErrorObject::new(
        crate::protocol::code::METHOD_NOT_FOUND,
        format!("Method not found on the client: the client has no method `{method}`"),
    )
    .with_data(serde_json::json!({
        "method": method,
        "side": "client",
        "reason": "the server called the client, which does not answer this method; register it with WsClientBuilder::methods",
    }))
}

/// Watches the connection: reports each close and, with a reconnect policy, dials again with
/// backoff and renews the subscriptions.
async fn supervise(shared: std::sync::Weak<Shared>) {
    loop {
        let Some(strong) = shared.upgrade() else {
            return;
        };
        let peer = strong.current.borrow().clone();
        let closed = strong.closed.clone();
        drop(strong);
        let reason = tokio::select! {
            reason = peer.closed() => reason,
            () = closed.cancelled() => return,
        };
        let Some(strong) = shared.upgrade() else {
            return;
        };
        let _ = strong.events.send(ConnectionEvent::Disconnected(reason));
        let Some(policy) = strong.reconnect.clone() else {
            strong.closed.cancel();
            return;
        };
        drop(strong);
        let mut attempt = 1;
        loop {
            let Some(strong) = shared.upgrade() else {
                return;
            };
            if policy.max_attempts.is_some_and(|max| attempt > max) {
                let _ = strong.events.send(ConnectionEvent::GaveUp {
                    attempts: attempt - 1,
                });
                strong.closed.cancel();
                return;
            }
            let delay = policy.delay(attempt);
            let _ = strong
                .events
                .send(ConnectionEvent::Reconnecting { attempt, delay });
            let closed = strong.closed.clone();
            drop(strong);
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = closed.cancelled() => return,
            }
            let Some(strong) = shared.upgrade() else {
                return;
            };
            match dial(
                &strong.url,
                &strong.headers,
                &strong.config,
                &strong.methods,
            )
            .await
            {
                Ok(peer) => {
                    let events = strong.subscribers.events();
                    if !events.is_empty() {
                        if let Err(e) = peer.call::<Vec<String>>("rpc.on", &events).await {
                            tracing::warn!(error = %e, "could not renew subscriptions after reconnecting");
                        }
                    }
                    strong.current.send_replace(peer);
                    let _ = strong.events.send(ConnectionEvent::Reconnected);
                    break;
                }
                Err(e) => {
                    tracing::debug!(attempt, error = %e, "reconnect failed");
                    attempt += 1;
                }
            }
        }
    }
}

impl WsClient {
    /// Options before connecting.
    pub fn builder() -> WsClientBuilder {
        WsClientBuilder::default()
    }

    /// Connects to `url` with default options and no methods of its own.
    pub async fn connect(url: &str) -> Result<WsClient, ConnectError> {
        WsClient::builder().connect(url).await
    }

    /// The current connection as a [`Peer`], to clone and share between tasks. After a
    /// reconnect this is a new peer; a clone taken earlier stays with the old connection.
    pub fn peer(&self) -> Peer {
        self.shared.current.borrow().clone()
    }

    /// The open connection, waiting for a reconnect if there is one under way.
    async fn connected(&self, method: &str) -> Result<Peer, CallError> {
        let mut current = self.shared.current.subscribe();
        let wait = async {
            loop {
                let peer = current.borrow_and_update().clone();
                if !peer.is_closed() {
                    return Some(peer);
                }
                if self.shared.closed.is_cancelled() || current.changed().await.is_err() {
                    return None;
                }
            }
        };
        let reason = |why: &str| CallError::Closed {
            method: method.into(),
            reason: why.into(),
        };
        match tokio::time::timeout(self.shared.wait_for_connection, wait).await {
            Ok(Some(peer)) => Ok(peer),
            Ok(None) => Err(reason(&self.close_reason())),
            Err(_) => Err(reason(&format!(
                "not connected: still reconnecting after {:?}",
                self.shared.wait_for_connection
            ))),
        }
    }

    fn close_reason(&self) -> String {
        self.peer()
            .close_reason()
            .map_or_else(|| "closed".into(), |r| r.to_string())
    }

    /// See [`Peer::call`].
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, CallError> {
        self.connected(method).await?.call(method, params).await
    }

    /// See [`Peer::call_with_timeout`].
    pub async fn call_with_timeout<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
        timeout: Duration,
    ) -> Result<R, CallError> {
        self.connected(method)
            .await?
            .call_with_timeout(method, params, timeout)
            .await
    }

    /// See [`Peer::notify`].
    pub async fn notify(&self, method: &str, params: impl Serialize) -> Result<(), CallError> {
        self.connected(method).await?.notify(method, params).await
    }

    /// See [`Peer::batch`].
    pub async fn batch(
        &self,
        batch: Batch,
    ) -> Result<Vec<Result<RawJson, ErrorObject>>, CallError> {
        let first = batch.first_method();
        self.connected(&first).await?.batch(batch).await
    }

    /// Subscribes to `event` (`rpc.on`) and returns its events decoded into `T`. After a
    /// reconnect the subscription is renewed by itself.
    pub async fn subscribe<T: DeserializeOwned>(
        &self,
        event: &str,
    ) -> Result<Subscription<T>, CallError> {
        let rx = self.shared.subscribers.add(event);
        let shared = Arc::downgrade(&self.shared);
        let unsubscribe = Arc::new(move |event: &str| {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let peer = shared.current.borrow().clone();
            let event = event.to_owned();
            // Dropped outside a runtime (at exit), there is no connection left to tell.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(e) = peer.call::<Vec<String>>("rpc.off", [&event]).await {
                        tracing::debug!(event, error = %e, "rpc.off after the last subscription was dropped failed");
                    }
                });
            }
        });
        let subscription = Subscription::new(
            event.to_owned(),
            rx,
            self.shared.subscribers.clone(),
            unsubscribe,
        );
        let _: Vec<String> = self.call("rpc.on", [event]).await?;
        Ok(subscription)
    }

    /// Unsubscribes from `event` (`rpc.off`); its subscriptions end.
    pub async fn unsubscribe(&self, event: &str) -> Result<(), CallError> {
        self.shared.subscribers.remove(event);
        let _: Vec<String> = self.call("rpc.off", [event]).await?;
        Ok(())
    }

    /// Disconnects, reconnect attempts and reconnects, as they happen.
    pub fn connection_events(&self) -> broadcast::Receiver<ConnectionEvent> {
        self.shared.events.subscribe()
    }

    /// Whether the connection is up right now.
    pub fn is_connected(&self) -> bool {
        !self.peer().is_closed()
    }

    /// Closes the connection with code 1000, for good.
    pub fn close(&self) {
        self.shared.closed.cancel();
        self.peer().close("client closed the connection");
    }

    /// Waits until the client is closed for good (closed by you, given up reconnecting, or
    /// disconnected without a reconnect policy), and says why the last connection closed.
    pub async fn closed(&self) -> CloseReason {
        self.shared.closed.cancelled().await;
        self.peer().closed().await
    }
}

impl Drop for WsClient {
    fn drop(&mut self) {
        self.shared.closed.cancel();
        let peer = self.peer();
        if !peer.is_closed() {
            peer.close("client dropped");
        }
    }
}
