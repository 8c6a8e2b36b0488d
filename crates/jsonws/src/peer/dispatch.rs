//! From a parsed frame to the reply it deserves: requests run their handlers, responses go to
//! the calls waiting for them, and what is invalid is answered with its error. HTTP and
//! WebSocket both use this, so every transport answers alike.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use futures_util::future::{BoxFuture, join_all};

use super::pending::PendingCalls;
use crate::handler::{Call, Context, Methods, Reply};
use crate::protocol::{
    ErrorObject, Id, Incoming, Message, ParseLimits, RawJson, Request, code, write,
};

/// A reply not ready yet: one handler, or a whole batch.
pub(crate) enum InFlight {
    One(Guarded),
    Batch(BoxFuture<'static, Option<Vec<u8>>>),
}

impl Future for InFlight {
    type Output = Option<Vec<u8>>;
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            InFlight::One(fut) => Pin::new(fut).poll(cx),
            InFlight::Batch(fut) => fut.as_mut().poll(cx),
        }
    }
}

/// What one frame leads to.
pub(crate) enum Dispatch {
    /// The reply (or nothing to send), known at once.
    Done(Option<Vec<u8>>),
    /// Handlers are running.
    Running(InFlight),
}

/// Where requests go and what they may know.
pub(crate) struct Dispatcher<'a> {
    pub(crate) methods: &'a Arc<Methods>,
    pub(crate) context: &'a Context,
    /// Outgoing calls of this connection; `None` over HTTP, where responses have no one to go to.
    pub(crate) pending: Option<&'a PendingCalls>,
    /// Set when new requests must be refused with this error (overload, shutdown).
    pub(crate) refuse: Option<ErrorObject>,
}

impl Dispatcher<'_> {
    pub(crate) fn dispatch(&self, incoming: Incoming) -> Dispatch {
        match incoming {
            Incoming::Refused(error) => Dispatch::Done(Some(error_frame(&Id::null(), &error))),
            Incoming::Single(message) => match self.message(message) {
                Step::Reply(reply) => Dispatch::Done(reply),
                Step::Run(fut) => match poll_now(fut) {
                    Ok(reply) => Dispatch::Done(reply),
                    Err(fut) => Dispatch::Running(InFlight::One(fut)),
                },
            },
            Incoming::Batch(messages) => {
                let mut ready = Vec::new();
                let mut running = Vec::new();
                for message in messages {
                    match self.message(message) {
                        Step::Reply(Some(reply)) => ready.push(reply),
                        Step::Reply(None) => {}
                        Step::Run(fut) => match poll_now(fut) {
                            Ok(reply) => ready.extend(reply),
                            Err(fut) => running.push(fut),
                        },
                    }
                }
                if running.is_empty() {
                    return Dispatch::Done((!ready.is_empty()).then(|| write::batch(ready)));
                }
                Dispatch::Running(InFlight::Batch(Box::pin(async move {
                    ready.extend(join_all(running).await.into_iter().flatten());
                    (!ready.is_empty()).then(|| write::batch(ready))
                })))
            }
        }
    }

    fn message(&self, message: Message) -> Step {
        match message {
            Message::Request(request) => self.request(request),
            Message::Response(response) => {
                let id = response.id.clone();
                let delivered = self.pending.is_some_and(|p| p.resolve(response));
                if !delivered {
                    tracing::debug!(%id, "dropped a reply nobody waits for (late, or never asked)");
                }
                Step::Reply(None)
            }
            Message::Invalid { id, error } => Step::Reply(Some(error_frame(&id, &error))),
            Message::BadResponse { reason } => {
                tracing::debug!(%reason, "dropped a malformed response");
                Step::Reply(None)
            }
        }
    }

    fn request(&self, request: Request) -> Step {
        if let Some(error) = &self.refuse {
            return Step::Reply(request.id().map(|id| error_frame(id, error)));
        }
        let Some(handler) = self.methods.handler(request.method()) else {
            let error = match super::builtin::answer(&request, self.context) {
                Some(error) => error,
                None => ErrorObject::method_not_found(request.method()),
            };
            return Step::Reply(request.id().map(|id| error_frame(id, &error)));
        };
        let id = request.id.clone();
        let method = request.method.clone();
        let call = Call::new(request, self.context.clone());
        // A handler may panic before its future exists, too.
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.methods.invoke(handler, call))) {
            Ok(fut) => Step::Run(Guarded { fut, id, method }),
            Err(panic) => Step::Reply(panicked(&method, id.as_ref(), &*panic)),
        }
    }
}

enum Step {
    Reply(Option<Vec<u8>>),
    Run(Guarded),
}

/// Polls a handler once: most finish on their first poll and skip the in-flight set.
fn poll_now(mut fut: Guarded) -> Result<Option<Vec<u8>>, Guarded> {
    let mut cx = TaskContext::from_waker(std::task::Waker::noop());
    match Pin::new(&mut fut).poll(&mut cx) {
        Poll::Ready(reply) => Ok(reply),
        Poll::Pending => Err(fut),
    }
}

/// A handler's future that turns a panic into a -32603 reply.
pub(crate) struct Guarded {
    fut: BoxFuture<'static, Reply>,
    id: Option<Id>,
    method: Bytes,
}

impl Future for Guarded {
    type Output = Option<Vec<u8>>;
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| this.fut.as_mut().poll(cx))) {
            Ok(Poll::Ready(reply)) => Poll::Ready(reply.0),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(panicked(&this.method, this.id.as_ref(), &*panic)),
        }
    }
}

fn panicked(method: &[u8], id: Option<&Id>, panic: &(dyn std::any::Any + Send)) -> Option<Vec<u8>> {
    let what = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!(method = %String::from_utf8_lossy(method), panic = what, "handler panicked");
    id.map(|id| error_frame(id, &ErrorObject::internal()))
}

pub(crate) fn error_frame(id: &Id, error: &ErrorObject) -> Vec<u8> {
    let mut buf = Vec::with_capacity(96);
    write::error(&mut buf, id, error);
    buf
}

/// Runs what one HTTP body, REST call or in-process call holds to its reply, if any: no
/// connection, so responses have nowhere to go and nothing is refused.
pub(crate) async fn answer(
    methods: &Arc<Methods>,
    context: &Context,
    incoming: Incoming,
) -> Option<Vec<u8>> {
    let dispatcher = Dispatcher {
        methods,
        context,
        pending: None,
        refuse: None,
    };
    match dispatcher.dispatch(incoming) {
        Dispatch::Done(reply) => reply,
        Dispatch::Running(fut) => fut.await,
    }
}

/// The result or error of a single reply this side encoded.
pub(crate) fn outcome_of(reply: Vec<u8>) -> Result<RawJson, ErrorObject> {
    let limits = ParseLimits {
        max_batch: 1,
        max_depth: usize::MAX,
    };
    match crate::protocol::parse(reply.into(), &limits) {
        Incoming::Single(Message::Response(response)) => response.outcome,
        _ => Err(ErrorObject::internal()),
    }
}

/// The error for requests refused because too many are running.
pub(crate) fn overloaded(limit: usize) -> ErrorObject {
    ErrorObject::server(code::OVERLOADED, "Too many requests in flight").with_data(format!(
        "this connection already has {limit} requests running; wait for replies before sending more"
    ))
}
