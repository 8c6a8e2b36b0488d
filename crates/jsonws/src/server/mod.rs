//! Serving a method table over HTTP and WebSocket on one axum [`Router`].
//!
//! [`Server::router`] answers at its own root: `POST` for JSON-RPC over HTTP, `GET` with
//! `Upgrade: websocket` for a WebSocket peer. Nest it anywhere in your own axum app:
//!
//! ```no_run
//! use jsonws::{Call, ErrorObject, Methods, Server};
//!
//! # async fn run() -> std::io::Result<()> {
//! let methods = Methods::new().method("sum", |call: Call| async move {
//!     let (a, b): (i64, i64) = call.params()?;
//!     Ok::<_, ErrorObject>(a + b)
//! });
//! let server = Server::new(methods);
//! let app = axum::Router::new().nest("/api/calc/1.0.0", server.router());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! jsonws::server::serve(listener, app, server.shutdown_signal()).await
//! # }
//! ```
//!
//! # HTTP status codes
//!
//! | request | status |
//! |---|---|
//! | a call or batch with replies | 200, `application/json` |
//! | only notifications | 204, no body |
//! | a body over [`Config::max_message_size`](crate::Config::max_message_size) | 413 |
//! | a `Content-Type` other than `application/json` | 415 |
//! | a `Content-Encoding` other than `gzip` or `deflate` (those are decompressed) | 415 |
//! | a body that is not valid HTTP (a malformed chunk) | 400 |
//! | a body slower than [`Config::body_timeout`](crate::Config::body_timeout) | 408 |
//!
//! JSON-RPC errors (even -32700) are replies, so they come with 200: the status says whether
//! the HTTP exchange worked, the body whether the call did.
//!
//! # Shutdown
//!
//! [`Server::shutdown`] stops new WebSocket upgrades, gives the calls in flight on each
//! connection [`Config::shutdown_grace`](crate::Config::shutdown_grace) to finish (new requests
//! meanwhile get -32006), then closes every connection with code 1001.

mod conn;
mod http;
mod registry;
mod rest;
#[cfg(feature = "socketio")]
mod socketio;
mod ws;

pub use registry::Registry;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{Config, Methods};

/// A method table served over HTTP POST and WebSocket.
///
/// Cloning is cheap; every clone serves the same methods and shares one connection count
/// and one shutdown.
#[derive(Clone)]
pub struct Server {
    methods: Arc<Methods>,
    config: Arc<Config>,
    state: Arc<State>,
}

struct State {
    connections: AtomicUsize,
    shutdown: CancellationToken,
    tasks: TaskTracker,
}

impl Server {
    /// Serves `methods` with the default [`Config`].
    ///
    /// Every call runs in a `tracing` span ([`TraceCalls`](crate::handler::TraceCalls)) and
    /// through the table's [layers](crate::Methods::layer).
    pub fn new(methods: Methods) -> Self {
        Server {
            methods: Arc::new(methods.with_outer_layers(&[])),
            config: Arc::new(Config::default()),
            state: Arc::new(State {
                connections: AtomicUsize::new(0),
                shutdown: CancellationToken::new(),
                tasks: TaskTracker::new(),
            }),
        }
    }

    /// Replaces the limits and timeouts.
    ///
    /// # Examples
    ///
    /// ```
    /// use jsonws::{Config, Methods, Server};
    ///
    /// let mut config = Config::default();
    /// config.max_connections = 100;
    /// let server = Server::new(Methods::new()).config(config);
    /// # let _ = server;
    /// ```
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = Arc::new(config);
        self
    }

    /// The axum router: `POST /` for HTTP calls, `GET /` with an upgrade for a WebSocket.
    /// Nest it at the path it should answer at.
    ///
    /// It fits an app of any state type, as axum's own routers do: nest it, then call
    /// `.with_state(…)` on your app.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        self.router_at("/")
    }

    /// The router answering at `path` itself: merge it into your app with
    /// `app.merge(server.router_at("/rpc"))`, which saves the per-request work of axum's
    /// `nest` (+17% HTTP calls/s, BENCHMARKS.md).
    pub fn router_at<S: Clone + Send + Sync + 'static>(&self, path: &str) -> Router<S> {
        Router::new()
            .route(path, get(ws::get).post(http::post))
            .with_state(self.clone())
            .layer(decompression())
    }

    /// The same server (config, connection count, shutdown) serving other methods.
    pub(crate) fn with_methods(&self, methods: Arc<Methods>) -> Server {
        Server {
            methods,
            config: self.config.clone(),
            state: self.state.clone(),
        }
    }

    /// How many WebSocket connections are open.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::Relaxed)
    }

    /// Shuts down gracefully: no new WebSocket connections, calls in flight get the grace
    /// period, then every connection closes with 1001. Resolves once all have closed.
    pub async fn shutdown(&self) {
        self.state.shutdown.cancel();
        self.state.tasks.close();
        self.state.tasks.wait().await;
    }

    /// A future that resolves when [`shutdown`](Server::shutdown) starts: pass it to
    /// [`serve`] or to axum's `with_graceful_shutdown` so the listener stops too.
    pub fn shutdown_signal(&self) -> impl Future<Output = ()> + Send + 'static {
        self.state.shutdown.clone().cancelled_owned()
    }

    pub(crate) fn is_shutting_down(&self) -> bool {
        self.state.shutdown.is_cancelled()
    }
}

/// Request bodies sent with `Content-Encoding: gzip` or `deflate` are decompressed (the size
/// limit applies to what comes out); other encodings are answered 415.
fn decompression() -> tower_http::decompression::RequestDecompressionLayer {
    tower_http::decompression::RequestDecompressionLayer::new()
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("methods", &self.methods)
            .field("connections", &self.connection_count())
            .finish_non_exhaustive()
    }
}

/// Serves `app` on `listener` with the default [`Config`]'s connection limit and HTTP
/// timeouts, until `shutdown` resolves: [`serve_with`] with `Config::default()`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, shutdown, &Config::default()).await
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets each connection finish its
/// request. Handlers see the remote address
/// ([`Context::remote_addr`](crate::Context::remote_addr)).
///
/// Unlike a bare `axum::serve`, it holds at most [`Config::max_connections`] connections of any
/// transport (more are answered 503 and closed), closes connections that send no request
/// head within [`Config::header_timeout`], bodies slower than [`Config::body_timeout`] and
/// keep-alive connections idle for [`Config::keep_alive_timeout`], answers a client that
/// half-closes after its request, refuses HTTP/1.1 requests without exactly one `Host`
/// (400) and unknown `Expect`ations (417), and backs off when accepting fails (out of file
/// descriptors) instead of spinning.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use jsonws::{Config, Methods, Server};
///
/// # async fn run() -> std::io::Result<()> {
/// let mut config = Config::default();
/// config.max_connections = 1_000;
/// config.keep_alive_timeout = Duration::from_secs(5);
/// let server = Server::new(Methods::new()).config(config.clone());
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// jsonws::server::serve_with(listener, server.router(), server.shutdown_signal(), &config).await
/// # }
/// ```
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    config: &Config,
) -> std::io::Result<()> {
    conn::run(listener, app, shutdown, config).await
}
