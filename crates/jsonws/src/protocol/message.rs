use std::fmt;

use bytes::Bytes;

use super::{ErrorObject, Id, RawJson};

/// What one frame or body holds once parsed.
#[derive(Debug)]
pub enum Incoming {
    /// One message.
    Single(Message),
    /// A batch: an array of messages, answered with one array.
    Batch(Vec<Message>),
    /// The whole input is refused with one error reply carrying `id: null`: bytes that are not
    /// JSON, an empty batch, or a limit exceeded.
    Refused(ErrorObject),
}

/// One JSON-RPC message.
#[derive(Debug)]
pub enum Message {
    /// A request or, without an id, a notification.
    Request(Request),
    /// A reply to a request this side sent.
    Response(Response),
    /// Valid JSON that is not a valid request: it is answered with `error`, echoing `id`
    /// (`null` when the id could not be read).
    Invalid {
        /// The id to echo.
        id: Id,
        /// The -32600 error to answer with.
        error: ErrorObject,
    },
    /// Something shaped like a response but malformed. Answering a response could start an
    /// endless exchange between two peers, so it is not answered; the call it answers (when
    /// its `id` could be read) fails at once with the reason.
    BadResponse {
        /// The id, when it could be read.
        id: Option<Id>,
        /// What is wrong with it.
        reason: String,
    },
}

/// A request or a notification.
///
/// # Examples
///
/// ```
/// use jsonws::protocol::{parse, Incoming, Message, ParseLimits};
///
/// let frame = br#"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":0}"#;
/// let Incoming::Single(Message::Request(req)) = parse(frame.as_slice().into(), &ParseLimits::default()) else {
///     panic!("not a request");
/// };
/// assert_eq!(req.method(), "sum");
/// assert_eq!(req.id().unwrap().as_json(), "0");
/// assert_eq!(req.params().unwrap().as_str(), "[1,2]");
/// ```
#[derive(Clone)]
pub struct Request {
    pub(crate) id: Option<Id>,
    pub(crate) method: Bytes,
    pub(crate) params: Option<RawJson>,
}

impl Request {
    /// A request (with an id) or a notification (without one).
    pub fn new(id: Option<Id>, method: &str, params: Option<RawJson>) -> Self {
        Request {
            id,
            method: Bytes::copy_from_slice(method.as_bytes()),
            params,
        }
    }

    /// The method name.
    pub fn method(&self) -> &str {
        // Method names are made from validated UTF-8 only.
        std::str::from_utf8(&self.method).unwrap_or_default()
    }

    /// The id; `None` for a notification.
    pub fn id(&self) -> Option<&Id> {
        self.id.as_ref()
    }

    /// Whether this is a notification, which gets no reply.
    pub fn is_notification(&self) -> bool {
        self.id.is_none()
    }

    /// The params: an array or an object; `None` when absent or `null`.
    pub fn params(&self) -> Option<&RawJson> {
        self.params.as_ref()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("id", &self.id)
            .field("method", &self.method())
            .field("params", &self.params)
            .finish()
    }
}

/// A reply: the id of the request it answers and a result or an error.
#[derive(Debug, Clone)]
pub struct Response {
    /// The id of the request this answers.
    pub id: Id,
    /// The `result` member, or the `error` member.
    pub outcome: Result<RawJson, ErrorObject>,
}
