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
    #[error("the result of `{method}` is not the type expected: {source}")]
    Decode {
        /// The method called.
        method: String,
        /// serde's description.
        source: serde_json::Error,
    },
    /// The transport failed (HTTP client: connection refused, bad status, invalid body).
    #[error("{0}")]
    Transport(String),
}

impl From<CallError> for ErrorObject {
    /// A handler that calls its peer can return the error with `?`: an error object from the
    /// peer passes through as it is; the other conditions map to the server codes.
    fn from(err: CallError) -> Self {
        match err {
            CallError::Rpc(e) => e,
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
