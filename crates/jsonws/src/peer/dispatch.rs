//! From a parsed frame to the reply it deserves: requests run their handlers, responses go to
//! the calls waiting for them, and what is invalid is answered with its error. HTTP and
//! WebSocket both use this, so every transport answers alike.

use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;

use super::pending::PendingCalls;
use crate::handler::{Call, Context, Methods, Reply};
use crate::protocol::{
    ErrorObject, Id, Incoming, Message, ParseLimits, RawJson, Request, code, write,
};

/// A reply not ready yet: one handler, or a whole batch. It resolves to the number of
/// handlers it held (for the connection's in-flight count) and the reply, if any.
pub(crate) enum InFlight {
    One(Guarded),
    Batch {
        fut: BoxFuture<'static, Option<Vec<u8>>>,
        running: usize,
    },
}

impl InFlight {
    /// How many handlers are still running in it: each counts toward the in-flight limit.
    pub(crate) fn running(&self) -> usize {
        match self {
            InFlight::One(_) => 1,
            InFlight::Batch { running, .. } => *running,
        }
    }
}

impl Future for InFlight {
    type Output = (usize, Option<Vec<u8>>);
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            InFlight::One(fut) => Pin::new(fut).poll(cx).map(|reply| (1, reply)),
            InFlight::Batch { fut, running } => {
                fut.as_mut().poll(cx).map(|reply| (*running, reply))
            }
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

/// Where requests go, what they may know, and the limits they run under.
pub(crate) struct Dispatcher<'a> {
    pub(crate) methods: &'a Arc<Methods>,
    pub(crate) context: &'a Context,
    /// Outgoing calls of this connection; `None` over HTTP, where responses have no one to go to.
    pub(crate) pending: Option<&'a PendingCalls>,
    /// Set when new requests must be refused with this error (shutdown).
    pub(crate) refuse: Option<ErrorObject>,
    /// How many more handlers may stay running: every request counts, batch entries included.
    /// A request that would exceed it is answered -32002 without running.
    pub(crate) room: Cell<usize>,
    /// The in-flight limit `room` derives from, for the error message.
    pub(crate) max_in_flight: usize,
    /// The largest reply, in bytes; a larger one becomes an error (batches: per entry, and the
    /// whole array stays within it).
    pub(crate) max_reply: usize,
}

impl<'a> Dispatcher<'a> {
    /// A dispatcher with no in-flight limit (HTTP and in-process calls: one body at a time).
    pub(crate) fn unlimited(
        methods: &'a Arc<Methods>,
        context: &'a Context,
        max_reply: usize,
    ) -> Self {
        Dispatcher {
            methods,
            context,
            pending: None,
            refuse: None,
            room: Cell::new(usize::MAX),
            max_in_flight: usize::MAX,
            max_reply,
        }
    }

    pub(crate) fn dispatch(&self, incoming: Incoming) -> Dispatch {
        match incoming {
            Incoming::Refused(error) => Dispatch::Done(Some(error_frame(&Id::null(), &error))),
            Incoming::Single(message) => match self.message(message) {
                Step::Reply(reply) => Dispatch::Done(reply),
                Step::Run(mut fut) => match poll_now(&mut fut) {
                    Poll::Ready(reply) => Dispatch::Done(reply),
                    Poll::Pending => {
                        self.occupy();
                        Dispatch::Running(InFlight::One(fut))
                    }
                },
            },
            Incoming::Batch(messages) => {
                let mut reply =
                    BatchReply::new(self.max_reply, messages.iter().filter_map(call_id));
                let running = FuturesUnordered::new();
                for message in messages {
                    let id = call_id(&message).cloned();
                    match self.message(message) {
                        Step::Reply(Some(frame)) => reply.push(id.as_ref(), frame),
                        Step::Reply(None) => {}
                        Step::Run(mut fut) => match poll_now(&mut fut) {
                            Poll::Ready(Some(frame)) => reply.push(fut.id.as_ref(), frame),
                            Poll::Ready(None) => {}
                            Poll::Pending => {
                                self.occupy();
                                running.push(async move {
                                    let frame = (&mut fut).await;
                                    (fut.id, frame)
                                });
                            }
                        },
                    }
                }
                if running.is_empty() {
                    return Dispatch::Done(reply.finish());
                }
                let count = running.len();
                Dispatch::Running(InFlight::Batch {
                    running: count,
                    fut: Box::pin(async move {
                        // Entries are added as they finish, so what does not fit is dropped at
                        // once instead of held until the whole batch is done.
                        let mut running = running;
                        while let Some((id, frame)) = running.next().await {
                            if let Some(frame) = frame {
                                reply.push(id.as_ref(), frame);
                            }
                        }
                        reply.finish()
                    }),
                })
            }
        }
    }

    /// One more handler stays running.
    fn occupy(&self) {
        self.room.set(self.room.get().saturating_sub(1));
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
            Message::BadResponse { id, reason } => {
                // The call it answers fails at once with the reason, instead of timing out.
                let failed = match (self.pending, id.as_ref().and_then(Id::as_u64)) {
                    (Some(pending), Some(n)) => pending.fail(n, reason.clone()),
                    _ => false,
                };
                if !failed {
                    tracing::debug!(%reason, "dropped a malformed response nobody waits for");
                }
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
        if self.room.get() == 0 {
            let Some(id) = request.id() else {
                tracing::debug!(method = %request.method(), "dropped a notification: too many requests in flight");
                return Step::Reply(None);
            };
            return Step::Reply(Some(error_frame(id, &overloaded(self.max_in_flight))));
        }
        let id = request.id.clone();
        let method = request.method.clone();
        let call = Call::new(request, self.context.clone());
        // A handler may panic before its future exists, too.
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.methods.invoke(handler, call))) {
            Ok(fut) => Step::Run(Guarded {
                fut,
                id,
                method,
                max_reply: self.max_reply,
            }),
            Err(panic) => Step::Reply(panicked(&method, id.as_ref(), &*panic)),
        }
    }
}

enum Step {
    Reply(Option<Vec<u8>>),
    Run(Guarded),
}

/// The id of a message that is a call (a request that expects a reply).
fn call_id(message: &Message) -> Option<&Id> {
    match message {
        Message::Request(request) => request.id(),
        _ => None,
    }
}

/// Polls a handler once: most finish on their first poll and skip the in-flight set.
fn poll_now(fut: &mut Guarded) -> Poll<Option<Vec<u8>>> {
    let mut cx = TaskContext::from_waker(std::task::Waker::noop());
    Pin::new(fut).poll(&mut cx)
}

/// A handler's future that turns a panic into a -32603 reply and a reply over the size limit
/// into a -32003 one.
pub(crate) struct Guarded {
    fut: BoxFuture<'static, Reply>,
    id: Option<Id>,
    method: Bytes,
    max_reply: usize,
}

impl Future for Guarded {
    type Output = Option<Vec<u8>>;
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| this.fut.as_mut().poll(cx))) {
            Ok(Poll::Ready(reply)) => Poll::Ready(match (reply.0, &this.id) {
                (Some(frame), Some(id)) if frame.len() > this.max_reply => {
                    tracing::warn!(
                        method = %String::from_utf8_lossy(&this.method),
                        bytes = frame.len(),
                        limit = this.max_reply,
                        "a reply is over the message size limit; answered with an error instead"
                    );
                    Some(error_frame(id, &too_large(frame.len(), this.max_reply)))
                }
                (frame, _) => frame,
            }),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(panicked(&this.method, this.id.as_ref(), &*panic)),
        }
    }
}

/// A batch's reply array, kept within the message size limit as entries are added. Room for
/// an error is kept for every call not answered yet, so each call gets an answer: its result
/// while results fit, a -32003 error after that.
struct BatchReply {
    parts: Vec<Vec<u8>>,
    /// The size of the array so far: brackets, entries and commas.
    size: usize,
    /// The room kept for the errors of the calls not answered yet.
    reserved: usize,
    max: usize,
    /// The error that replaces an entry that does not fit.
    error: ErrorObject,
    /// Its frame's size, less the id.
    error_size: usize,
    /// An entry could not be answered within the limit, not even with an error.
    overflow: bool,
}

impl BatchReply {
    /// A reply to a batch whose calls have `ids`.
    fn new<'a>(max: usize, ids: impl Iterator<Item = &'a Id>) -> Self {
        let error = ErrorObject::server(code::LIMIT_EXCEEDED, "Reply too large").with_data(format!(
            "this entry's reply would take the batch reply over the message size limit of {max} bytes"
        ));
        let error_size = error_frame(&Id::null(), &error).len() - "null".len();
        let mut reply = BatchReply {
            parts: Vec::new(),
            size: 2,
            reserved: 0,
            max,
            error,
            error_size,
            overflow: false,
        };
        reply.reserved = ids.map(|id| reply.cost(id)).sum();
        reply.overflow = reply.size + reply.reserved > max;
        reply
    }

    /// What an error entry for `id` takes, with its comma.
    fn cost(&self, id: &Id) -> usize {
        self.error_size + id.as_bytes().len() + 1
    }

    /// Adds the reply to the call `id` (`None` for an answer to something that is not a call);
    /// one that does not fit beside the room kept for the others becomes a -32003 error.
    fn push(&mut self, id: Option<&Id>, frame: Vec<u8>) {
        if let Some(id) = id {
            self.reserved = self.reserved.saturating_sub(self.cost(id));
        }
        let comma = usize::from(!self.parts.is_empty());
        if self.size + comma + frame.len() + self.reserved <= self.max {
            self.add(frame);
            return;
        }
        drop(frame);
        match id {
            Some(id) => {
                let error = error_frame(id, &self.error);
                if self.size + comma + error.len() + self.reserved <= self.max {
                    self.add(error);
                } else {
                    self.overflow = true;
                }
            }
            None => self.overflow = true,
        }
    }

    fn add(&mut self, frame: Vec<u8>) {
        self.size += frame.len() + usize::from(!self.parts.is_empty());
        self.parts.push(frame);
    }

    fn finish(self) -> Option<Vec<u8>> {
        if self.overflow {
            tracing::warn!(
                limit = self.max,
                "a batch reply would not fit the message size limit, even as errors"
            );
            let error =
                ErrorObject::server(code::LIMIT_EXCEEDED, "Reply too large").with_data(format!(
                    "the replies to this batch do not fit in {} bytes; send smaller batches",
                    self.max
                ));
            return Some(error_frame(&Id::null(), &error));
        }
        (!self.parts.is_empty()).then(|| write::batch(self.parts))
    }
}

/// The error that replaces a reply over the message size limit.
fn too_large(bytes: usize, limit: usize) -> ErrorObject {
    ErrorObject::server(code::LIMIT_EXCEEDED, "Reply too large").with_data(format!(
        "the reply is {bytes} bytes, over the message size limit of {limit} bytes"
    ))
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
/// connection, so responses have nowhere to go and nothing is refused; replies stay within
/// `max_reply` bytes.
pub(crate) async fn answer(
    methods: &Arc<Methods>,
    context: &Context,
    incoming: Incoming,
    max_reply: usize,
) -> Option<Vec<u8>> {
    match Dispatcher::unlimited(methods, context, max_reply).dispatch(incoming) {
        Dispatch::Done(reply) => reply,
        Dispatch::Running(fut) => fut.await.1,
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
