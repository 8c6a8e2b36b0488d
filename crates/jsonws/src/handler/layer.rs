//! Per-call layers: code that runs around every call, on every transport.
//!
//! A tower layer in front of the router sees HTTP requests; it cannot see the calls inside a
//! batch, or those on a WebSocket. A [`CallLayer`] sees each call — alone or batched, over
//! HTTP POST, REST or WebSocket, and in-process through [`Service::call`](crate::Service::call)
//! — with its [`Context`](crate::Context), before the method runs: for logging, metrics,
//! timing and permission checks. jsonws's own per-call `tracing` span is one ([`TraceCalls`]).

use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use tracing::Instrument as _;

use super::{Call, Handler, Reply};

/// Runs around every call: do something before, call [`Next::run`] (or answer without it),
/// do something after.
///
/// Implemented for closures `Fn(Call, Next) -> impl Future<Output = Reply>`. Add one to a
/// service with [`ServiceBuilder::layer`](crate::ServiceBuilder::layer), to every service of
/// a registry with [`Registry::layer`](crate::server::Registry::layer), or to a raw table with
/// [`Methods::layer`](crate::Methods::layer).
///
/// # Examples
///
/// A layer that refuses calls without an `x-api-key` header and times the others:
///
/// ```
/// use jsonws::handler::{Next, Reply};
/// use jsonws::{Call, ErrorObject, Methods};
///
/// let methods = Methods::new()
///     .method("ping", |_call: Call| async { Ok::<_, ErrorObject>("pong") })
///     .layer(|call: Call, next: Next| async move {
///         if call.context().headers().get("x-api-key").is_none() {
///             return Reply::error(call.id(), &ErrorObject::new(4001, "send an x-api-key header"));
///         }
///         let started = std::time::Instant::now();
///         let method = call.method().to_owned();
///         let reply = next.run(call).await;
///         tracing::info!(%method, elapsed = ?started.elapsed(), failed = reply.error_code().is_some());
///         reply
///     });
/// # let _ = methods;
/// ```
pub trait CallLayer: Send + Sync + 'static {
    /// Handles `call`, usually by passing it on with `next.run(call)`.
    fn call(&self, call: Call, next: Next) -> BoxFuture<'static, Reply>;
}

impl<F, Fut> CallLayer for F
where
    F: Fn(Call, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    fn call(&self, call: Call, next: Next) -> BoxFuture<'static, Reply> {
        Box::pin(self(call, next))
    }
}

pub(crate) type Layers = Arc<[Arc<dyn CallLayer>]>;

/// The rest of the chain: the layers after this one, then the method.
#[must_use = "a call goes nowhere until `run` is called"]
pub struct Next {
    handler: Arc<dyn Handler>,
    layers: Layers,
    index: usize,
}

impl Next {
    pub(crate) fn start(handler: Arc<dyn Handler>, layers: Layers) -> Self {
        Next {
            handler,
            layers,
            index: 0,
        }
    }

    /// Runs the next layer, or the method when no layer is left.
    pub fn run(mut self, call: Call) -> BoxFuture<'static, Reply> {
        match self.layers.get(self.index).cloned() {
            Some(layer) => {
                self.index += 1;
                layer.call(call, self)
            }
            None => self.handler.call(call),
        }
    }
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("layers_left", &(self.layers.len() - self.index))
            .finish()
    }
}

/// The per-call `tracing` span: `call{method, id, transport, connection}` at debug level,
/// around the method and the layers after it. Every service and server has it first.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceCalls;

impl CallLayer for TraceCalls {
    fn call(&self, call: Call, next: Next) -> BoxFuture<'static, Reply> {
        let span = tracing::debug_span!(
            "call",
            method = %call.method(),
            id = tracing::field::Empty,
            transport = ?call.context().transport(),
            connection = %call.context().connection_id(),
        );
        // Nobody listens: no span, and no second future around the call.
        if span.is_disabled() {
            return next.run(call);
        }
        if let Some(id) = call.id() {
            span.record("id", tracing::field::display(id));
        }
        let fut = span.in_scope(|| next.run(call));
        Box::pin(fut.instrument(span))
    }
}
