use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use http::{Extensions, HeaderMap, Uri};

use crate::Peer;

/// A number that tells connections apart for the life of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub u64);

impl ConnectionId {
    pub(crate) fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ConnectionId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// How a request reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// An HTTP request: one call or batch, no way to call back.
    Http,
    /// A WebSocket connection: a symmetric peer.
    WebSocket,
    /// A Socket.IO connection (long polling or WebSocket underneath): a symmetric peer too.
    SocketIo,
    /// A call from inside the process ([`Service::call`](crate::Service::call)).
    InProcess,
}

/// What a handler may know about the connection a request came from: its id, the remote
/// address, the headers, URI and extensions of the HTTP request that opened it, and, on a
/// WebSocket, the [`Peer`] to call back.
///
/// The extensions are how tower and axum layers hand values to handlers: an auth layer that
/// inserts the caller's `User` into the request's extensions makes it readable here (over
/// HTTP for each request, over WebSocket from the upgrade request, over Socket.IO from the
/// request that opened it), and a typed method takes it as a param `user: Extension<User>`
/// (see [`Extension`](crate::Extension)).
///
/// Cloning is cheap: a context is shared by every request of its connection.
#[derive(Clone)]
pub struct Context(Arc<Inner>);

struct Inner {
    id: ConnectionId,
    transport: Transport,
    remote_addr: Option<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
    peer: Option<Peer>,
}

impl Context {
    pub(crate) fn new(
        id: ConnectionId,
        transport: Transport,
        remote_addr: Option<SocketAddr>,
        uri: Uri,
        headers: HeaderMap,
        extensions: Extensions,
        peer: Option<Peer>,
    ) -> Self {
        Context(Arc::new(Inner {
            id,
            transport,
            remote_addr,
            uri,
            headers,
            extensions,
            peer,
        }))
    }

    /// A context for a connection that did not come from an HTTP request: a client's own
    /// connection, or an in-process call.
    pub(crate) fn detached(id: ConnectionId, transport: Transport, peer: Option<Peer>) -> Self {
        Context::new(
            id,
            transport,
            None,
            Uri::default(),
            HeaderMap::new(),
            Extensions::new(),
            peer,
        )
    }

    /// The connection's id (each HTTP request is a connection of its own).
    pub fn connection_id(&self) -> ConnectionId {
        self.0.id
    }

    /// The transport the request came over.
    pub fn transport(&self) -> Transport {
        self.0.transport
    }

    /// The remote address, when the server was started with
    /// `into_make_service_with_connect_info::<SocketAddr>()`, as [`crate::server::serve`] does.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.0.remote_addr
    }

    /// The URI of the HTTP request (for a WebSocket: of the upgrade), query string included.
    pub fn uri(&self) -> &Uri {
        &self.0.uri
    }

    /// The headers of the HTTP request (for a WebSocket: of the upgrade).
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The extensions of the HTTP request (for a WebSocket: of the upgrade; for Socket.IO: of
    /// the request that opened it), as the layers in
    /// front of the router left them: an auth layer's `User`, a request id, ….
    ///
    /// ```
    /// # fn handler(ctx: jsonws::Context) {
    /// #[derive(Clone)]
    /// struct User(String);
    /// let user: Option<&User> = ctx.extensions().get::<User>();
    /// # let _ = user;
    /// # }
    /// ```
    pub fn extensions(&self) -> &Extensions {
        &self.0.extensions
    }

    /// The other end of a WebSocket connection; `None` over HTTP.
    pub fn peer(&self) -> Option<&Peer> {
        self.0.peer.as_ref()
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("id", &self.0.id)
            .field("transport", &self.0.transport)
            .field("remote_addr", &self.0.remote_addr)
            .field("uri", &self.0.uri)
            .finish_non_exhaustive()
    }
}
