use std::time::Duration;

use crate::protocol::{ErrorObject, code};

/// Why an outgoing call, notification or batch did not produce a result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The other side answered with an error object.
    #[error("{0}")]
    Rpc(ErrorObject),
    /// No reply arrived in time. A reply that comes later is dropped and logged.
    #[error("`{method}` timed out after {after:?} without a reply")]
    Timeout {
        /// The method called.
        method: String,
        /// How long the call waited.
        after: Duration,
    },
    /// The connection closed before the reply arrived (or before the call could be sent).
    #[error("connection closed before `{method}` was answered: {reason}")]
    Closed {
        /// The method called.
        method: String,
        /// Why the connection closed.
        reason: String,
    },
    /// The params did not serialize to a JSON array or object.
    #[error(
        "params of `{method}` must serialize to a JSON array or object (use a tuple, a Vec, a struct or a map), got {got}"
    )]
    InvalidParams {
        /// The method called.
        method: String,
        /// What they serialized to.
        got: String,
    },
    /// The params could not be serialized at all.
    #[error("could not serialize the params of `{method}`: {source}")]
    Serialize {
        /// The method called.
        method: String,
        /// serde's description.
        source: serde_json::Error,
    },
    /// The result did not deserialize into the type asked for.
    #[error(
        "the other side answered `{method}` with {got}, which is not the type expected ({source})"
    )]
    Decode {
        /// The method called.
        method: String,
        /// A short description of the answer (`null`, `number 3`, `string "abc"`).
        got: String,
        /// serde's description.
        source: serde_json::Error,
    },
    /// The reply was malformed: both `result` and `error`, or an `error` that is not an error
    /// object.
    #[error("the other side's reply to `{method}` is malformed: {reason}")]
    BadReply {
        /// The method called.
        method: String,
        /// What is wrong with the reply.
        reason: String,
    },
    /// The transport failed (HTTP client: connection refused, bad status, invalid body).
    #[error("{0}")]
    Transport(String),
}

impl From<CallError> for ErrorObject {
    /// A handler that calls its peer can return the error with `?`. An application error from
    /// the peer passes through as it is; one with a code the protocol reserves (-32768…-32000)
    /// is not passed on as if this side had raised it: it becomes -32008 with the peer's
    /// error as `data`. An answer of the wrong type or a malformed reply is -32603 with a
    /// message naming the peer's bad answer; the other conditions map to the server codes.
    ///
    /// # Examples
    ///
    /// ```
    /// use jsonws::{CallError, ErrorObject};
    ///
    /// let theirs = ErrorObject::new(-32700, "Parse error");
    /// let ours = ErrorObject::from(CallError::Rpc(theirs));
    /// assert_eq!(ours.code, jsonws::protocol::code::PEER_FAILED);
    /// assert_eq!(ours.data.unwrap()["code"], -32700);
    ///
    /// let app = ErrorObject::new(4000, "declined");
    /// assert_eq!(ErrorObject::from(CallError::Rpc(app)).code, 4000);
    /// ```
    fn from(err: CallError) -> Self {
        match err {
            CallError::Rpc(e) if (-32768..=-32000).contains(&e.code) => ErrorObject::server(
                code::PEER_FAILED,
                format!(
                    "the other side answered a call from this side with its error {} ({})",
                    e.code, e.message
                ),
            )
            .with_data(e),
            CallError::Rpc(e) => e,
            CallError::Decode { .. } | CallError::BadReply { .. } => {
                tracing::warn!(error = %err, "a call to the other side got a bad answer");
                ErrorObject::new(code::INTERNAL_ERROR, err.to_string())
            }
            CallError::Timeout { .. } => ErrorObject::server(code::TIMEOUT, err.to_string()),
            CallError::Closed { .. } => {
                ErrorObject::server(code::CONNECTION_CLOSED, err.to_string())
            }
            other => {
                tracing::error!(error = %other, "an outgoing call failed");
                ErrorObject::internal()
            }
        }
    }
}
