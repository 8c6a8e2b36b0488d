use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_tungstenite::connect_async_with_config;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::handler::Context;
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
    /// The connection or the handshake failed.
    #[error("could not connect to `{url}`: {source}")]
    Handshake {
        /// The URL given.
        url: String,
        /// The underlying error.
        source: Box<tokio_tungstenite::tungstenite::Error>,
    },
}

/// A WebSocket client: a [`Peer`] connected to a server, answering it with its own methods.
///
/// Dropping the client closes the connection.
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = jsonws::client::WsClient::connect("ws://127.0.0.1:3000/api/demo/1.0.0").await?;
/// let sum: i64 = client.call("sum", (40, 2)).await?;
/// assert_eq!(sum, 42);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct WsClient {
    peer: Peer,
}

/// Options for a [`WsClient`]: the methods it answers, limits, extra handshake headers.
#[derive(Debug, Default)]
#[must_use]
pub struct WsClientBuilder {
    methods: Methods,
    config: Config,
    headers: Vec<(HeaderName, HeaderValue)>,
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

    /// Connects to `url` (`ws://host:port/path?query`).
    pub async fn connect(self, url: &str) -> Result<WsClient, ConnectError> {
        let mut request = url
            .into_client_request()
            .map_err(|e| ConnectError::InvalidUrl {
                url: url.into(),
                reason: e.to_string(),
            })?;
        request.headers_mut().extend(self.headers);
        let config = Arc::new(self.config);
        let (socket, _response) =
            connect_async_with_config(request, Some(config.websocket()), false)
                .await
                .map_err(|e| ConnectError::Handshake {
                    url: url.into(),
                    source: Box::new(e),
                })?;
        let setup = peer::connection_setup(&Arc::new(self.methods), &config, None);
        let (peer, task) = open(socket, setup, |peer| {
            Context::detached(peer.id(), Some(peer))
        });
        tokio::spawn(task);
        Ok(WsClient { peer })
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

    /// The connection as a [`Peer`], to clone and share between tasks.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }

    /// See [`Peer::call`].
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, CallError> {
        self.peer.call(method, params).await
    }

    /// See [`Peer::call_with_timeout`].
    pub async fn call_with_timeout<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
        timeout: Duration,
    ) -> Result<R, CallError> {
        self.peer.call_with_timeout(method, params, timeout).await
    }

    /// See [`Peer::notify`].
    pub async fn notify(&self, method: &str, params: impl Serialize) -> Result<(), CallError> {
        self.peer.notify(method, params).await
    }

    /// See [`Peer::batch`].
    pub async fn batch(
        &self,
        batch: Batch,
    ) -> Result<Vec<Result<RawJson, ErrorObject>>, CallError> {
        self.peer.batch(batch).await
    }

    /// Closes the connection with code 1000.
    pub fn close(&self) {
        self.peer.close("client closed the connection");
    }

    /// Waits until the connection closes, and says why.
    pub async fn closed(&self) -> CloseReason {
        self.peer.closed().await
    }
}

impl Drop for WsClient {
    fn drop(&mut self) {
        if !self.peer.is_closed() {
            self.peer.close("client dropped");
        }
    }
}
