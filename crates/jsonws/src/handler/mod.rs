//! Method tables: what a peer runs when a request arrives.
//!
//! A [`Methods`] table maps method names to async handlers. The same table serves every
//! transport: an HTTP POST, a WebSocket frame and a batch entry all reach a handler as one
//! [`Call`], which carries the request (method, id, raw params) and the [`Context`] of the
//! connection it came from. Through the context a handler on a WebSocket connection holds a
//! [`Peer`](crate::Peer) and can call methods on the client that called it.
//!
//! A handler returns `Result<T, E>` where `T: Serialize` and `E: Into<ErrorObject>`; jsonws
//! writes the reply (or nothing, for a notification). A handler that panics is answered with
//! -32603 and a generic message; the panic is logged and the connection keeps serving.
//!
//! [`Methods::fallback`] is the raw level: it sees every request no method matched and answers
//! it as it likes, the way ws-rpc-messaging's `request` event does.

mod context;
mod layer;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use context::{ConnectionId, Context, Transport};
pub use layer::{CallLayer, Next, TraceCalls};

use crate::protocol::{ErrorObject, Id, RawJson, Request, write};

/// One incoming request, as a handler sees it.
///
/// # Examples
///
/// ```
/// use jsonws::{Call, ErrorObject, Methods};
///
/// let methods = Methods::new().method("sum", |call: Call| async move {
///     let (a, b): (i64, i64) = call.params()?;
///     Ok::<_, ErrorObject>(a + b)
/// });
/// assert!(methods.contains("sum"));
/// ```
#[derive(Debug)]
pub struct Call {
    request: Request,
    context: Context,
}

impl Call {
    pub(crate) fn new(request: Request, context: Context) -> Self {
        Call { request, context }
    }

    /// The method name.
    pub fn method(&self) -> &str {
        self.request.method()
    }

    /// The request id; `None` for a notification.
    pub fn id(&self) -> Option<&Id> {
        self.request.id()
    }

    /// The params, deserialized into `T`: a tuple or `Vec` for positional params, a struct or
    /// map for named ones. Absent params deserialize from `null`, so `Option<T>` and `()`
    /// accept them. A mismatch is -32602 with serde's description of it.
    pub fn params<T: DeserializeOwned>(&self) -> Result<T, ErrorObject> {
        let result = match self.request.params() {
            Some(raw) => raw.deserialize(),
            None => serde_json::from_slice(b"null"),
        };
        result.map_err(|e| {
            // serde_json ends its messages with a position inside the params text, which
            // means nothing to the caller.
            let text = e.to_string();
            let text = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(head, _)| head);
            ErrorObject::invalid_params(text)
        })
    }

    /// The params as raw JSON text (an array or an object), if any.
    pub fn raw_params(&self) -> Option<&RawJson> {
        self.request.params()
    }

    /// The request as it arrived.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The connection this request came from.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The other end of a WebSocket connection, to call or notify; `None` over plain HTTP.
    pub fn peer(&self) -> Option<&crate::Peer> {
        self.context.peer()
    }
}

/// An encoded reply, ready for the wire; empty for a notification.
#[derive(Debug)]
pub struct Reply(pub(crate) Option<Vec<u8>>);

impl Reply {
    /// The error reply to the request with `id`; nothing for a notification (`None`). What a
    /// [`CallLayer`] answers with when it refuses a call.
    pub fn error(id: Option<&Id>, error: &ErrorObject) -> Reply {
        Reply(id.map(|id| {
            let mut buf = Vec::with_capacity(96);
            write::error(&mut buf, id, error);
            buf
        }))
    }

    /// The encoded reply; `None` for a notification.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.0.as_deref()
    }

    /// The error code when the reply is an error (read from the encoded reply, so call it only
    /// when needed: for metrics, logs).
    pub fn error_code(&self) -> Option<i64> {
        #[derive(serde::Deserialize)]
        struct Shape {
            error: Option<Code>,
        }
        #[derive(serde::Deserialize)]
        struct Code {
            code: i64,
        }
        let shape: Shape = serde_json::from_slice(self.0.as_deref()?).ok()?;
        shape.error.map(|e| e.code)
    }
}

/// What a handler may return: converted into a reply frame for the request's id.
///
/// Implemented for `Result<T, E>` where `T: Serialize` and `E: Into<ErrorObject>`, and for
/// [`Reply`] itself.
pub trait IntoReply {
    /// Encodes the reply to the request with `id`; with no id (a notification) nothing is sent.
    fn into_reply(self, id: Option<&Id>) -> Reply;
}

impl<T: Serialize, E: Into<ErrorObject>> IntoReply for Result<T, E> {
    fn into_reply(self, id: Option<&Id>) -> Reply {
        let Some(id) = id else {
            if let Err(e) = self {
                tracing::debug!(error = %e.into(), "a notification's handler failed");
            }
            return Reply(None);
        };
        let mut buf = Vec::with_capacity(64);
        match self {
            Ok(value) => {
                if let Err(e) = write::result(&mut buf, id, &value) {
                    tracing::error!(error = %e, "could not serialize a handler's result");
                    write::error(&mut buf, id, &ErrorObject::internal());
                }
            }
            Err(e) => write::error(&mut buf, id, &e.into()),
        }
        Reply(Some(buf))
    }
}

impl IntoReply for Reply {
    fn into_reply(self, _id: Option<&Id>) -> Reply {
        self
    }
}

pub(crate) trait Handler: Send + Sync + 'static {
    fn call(&self, call: Call) -> BoxFuture<'static, Reply>;
}

struct FnHandler<F>(F);

/// Wraps a closure as a handler.
pub(crate) fn handler_fn<F, Fut, R>(f: F) -> Arc<dyn Handler>
where
    F: Fn(Call) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
{
    Arc::new(FnHandler(f))
}

impl<F, Fut, R> Handler for FnHandler<F>
where
    F: Fn(Call) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
{
    fn call(&self, call: Call) -> BoxFuture<'static, Reply> {
        let id = call.request.id.clone();
        let fut = (self.0)(call);
        Box::pin(async move { fut.await.into_reply(id.as_ref()) })
    }
}

/// A table of methods, the thing a [`Server`](crate::Server) serves and a
/// [`WsClient`](crate::client::WsClient) answers with.
///
/// # Examples
///
/// ```
/// use jsonws::{Call, ErrorObject, Methods};
///
/// let methods = Methods::new()
///     .method("echo", |call: Call| async move {
///         call.params::<serde_json::Value>()
///     })
///     .method("fail", |_call: Call| async move {
///         Err::<(), _>(ErrorObject::new(4000, "always fails"))
///     });
/// assert_eq!(methods.names().count(), 2);
/// ```
#[derive(Clone, Default)]
pub struct Methods {
    table: HashMap<Box<str>, Arc<dyn Handler>>,
    fallback: Option<Arc<dyn Handler>>,
    /// The layers every call goes through, outermost first (without [`TraceCalls`]).
    layers: Vec<Arc<dyn CallLayer>>,
    /// Whether [`TraceCalls`] runs first.
    traced: bool,
    /// `TraceCalls` and `layers`, as one shared chain.
    chain: Option<layer::Layers>,
}

impl Methods {
    /// An empty table.
    pub fn new() -> Self {
        Methods::default()
    }

    /// Adds a method. A later method with the same name replaces the earlier one.
    ///
    /// # Panics
    ///
    /// When `name` starts with `rpc.`: those names are reserved for the protocol.
    #[track_caller]
    #[must_use]
    pub fn method<F, Fut, R>(mut self, name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Call) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoReply,
    {
        let name = name.into();
        assert!(
            !name.starts_with("rpc."),
            "method `{name}`: names starting with `rpc.` are reserved; choose another name"
        );
        self.table
            .insert(name.into_boxed_str(), Arc::new(FnHandler(handler)));
        self
    }

    /// Sets the handler for requests no method matches: the raw level, where the handler sees
    /// the whole request and answers it. Without a fallback such requests get -32601.
    #[must_use]
    pub fn fallback<F, Fut, R>(mut self, handler: F) -> Self
    where
        F: Fn(Call) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoReply,
    {
        self.fallback = Some(Arc::new(FnHandler(handler)));
        self
    }

    /// Wraps every call in `layer` (see [`CallLayer`]); the first layer added runs outermost.
    #[must_use]
    pub fn layer(mut self, layer: impl CallLayer) -> Self {
        self.layers.push(Arc::new(layer));
        self.rechain();
        self
    }

    /// Adds `layers` outside those already here, and the tracing span outside all.
    pub(crate) fn with_outer_layers(mut self, layers: &[Arc<dyn CallLayer>]) -> Self {
        self.layers.splice(0..0, layers.iter().cloned());
        self.traced = true;
        self.rechain();
        self
    }

    fn rechain(&mut self) {
        let trace: Option<Arc<dyn CallLayer>> = self.traced.then(|| Arc::new(TraceCalls) as _);
        let chain: Vec<Arc<dyn CallLayer>> = trace
            .into_iter()
            .chain(self.layers.iter().cloned())
            .collect();
        self.chain = (!chain.is_empty()).then(|| chain.into());
    }

    /// Runs `handler` for `call` through the layers.
    pub(crate) fn invoke(
        &self,
        handler: &Arc<dyn Handler>,
        call: Call,
    ) -> BoxFuture<'static, Reply> {
        match &self.chain {
            None => handler.call(call),
            Some(chain) => layer::Next::start(handler.clone(), chain.clone()).run(call),
        }
    }

    /// Adds a handler under any name, reserved ones included.
    pub(crate) fn insert(&mut self, name: String, handler: Arc<dyn Handler>) {
        self.table.insert(name.into_boxed_str(), handler);
    }

    /// Replaces the fallback with one built around the current one.
    pub(crate) fn wrap_fallback(
        mut self,
        wrap: impl FnOnce(Option<Arc<dyn Handler>>) -> Arc<dyn Handler>,
    ) -> Self {
        self.fallback = Some(wrap(self.fallback.take()));
        self
    }

    /// Whether a method with this name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.table.contains_key(name)
    }

    /// The names of the methods, in no particular order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.table.keys().map(|k| &**k)
    }

    pub(crate) fn handler(&self, name: &str) -> Option<&Arc<dyn Handler>> {
        self.table.get(name).or(self.fallback.as_ref())
    }
}

impl fmt::Debug for Methods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.names().collect();
        names.sort_unstable();
        f.debug_struct("Methods")
            .field("names", &names)
            .field("fallback", &self.fallback.is_some())
            .field("layers", &self.layers.len())
            .finish()
    }
}
