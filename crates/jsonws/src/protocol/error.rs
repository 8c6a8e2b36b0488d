use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::code;

/// The `error` member of a JSON-RPC 2.0 response.
///
/// Handlers return it for application errors with their own code, and jsonws builds it for the
/// reserved conditions of the specification.
///
/// # Examples
///
/// ```
/// use jsonws::ErrorObject;
///
/// let err = ErrorObject::new(4000, "out of stock").with_data(serde_json::json!({"sku": "A-1"}));
/// assert_eq!(err.code, 4000);
/// assert_eq!(
///     serde_json::to_string(&err).unwrap(),
///     r#"{"code":4000,"message":"out of stock","data":{"sku":"A-1"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// A number that says what kind of error this is (see [`code`](crate::protocol::code)).
    pub code: i64,
    /// A short description, for people.
    pub message: String,
    /// Details for programs: which param, what was expected, what came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ErrorObject {
    /// An error with a code and a message and no data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ErrorObject {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Sets `data`. A value that cannot be serialized becomes its `Debug`-free description.
    #[must_use]
    pub fn with_data(mut self, data: impl Serialize) -> Self {
        self.data =
            Some(serde_json::to_value(data).unwrap_or_else(|e| Value::String(e.to_string())));
        self
    }

    /// -32700: the bytes were not JSON. `detail` says where parsing stopped.
    pub fn parse_error(detail: impl fmt::Display) -> Self {
        ErrorObject::new(code::PARSE_ERROR, "Parse error").with_data(detail.to_string())
    }

    /// -32600: valid JSON, but not a request. `detail` says what is wrong with it.
    pub fn invalid_request(detail: impl fmt::Display) -> Self {
        ErrorObject::new(code::INVALID_REQUEST, "Invalid Request").with_data(detail.to_string())
    }

    /// -32601 for `method`.
    pub fn method_not_found(method: &str) -> Self {
        ErrorObject::new(code::METHOD_NOT_FOUND, "Method not found")
            .with_data(serde_json::json!({ "method": method }))
    }

    /// -32602 with a description of what is wrong with the params.
    pub fn invalid_params(detail: impl fmt::Display) -> Self {
        ErrorObject::new(code::INVALID_PARAMS, "Invalid params").with_data(detail.to_string())
    }

    /// -32603 with a generic message: the details belong in the server's log, not on the wire.
    pub fn internal() -> Self {
        ErrorObject::new(code::INTERNAL_ERROR, "Internal error")
    }

    /// A server condition in -32000…-32099 (see [`code`](crate::protocol::code)).
    pub fn server(code: i64, message: impl Into<String>) -> Self {
        ErrorObject::new(code, message)
    }
}

impl fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {}: {}", self.code, self.message)?;
        if let Some(data) = &self.data {
            write!(f, " ({data})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorObject {}

/// A method's own error type, with its application codes: implement it once and return
/// `Result<T, MyError>`; the error's `Display` text is the message, [`code`](Self::code) the
/// code.
///
/// # Examples
///
/// ```
/// use jsonws::ErrorObject;
/// use jsonws::protocol::ApplicationError;
///
/// #[derive(Debug)]
/// enum TodoError {
///     NotFound(u64),
/// }
///
/// impl std::fmt::Display for TodoError {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         match self {
///             TodoError::NotFound(id) => write!(f, "no todo {id}"),
///         }
///     }
/// }
///
/// impl std::error::Error for TodoError {}
///
/// impl ApplicationError for TodoError {
///     fn code(&self) -> i64 {
///         match self {
///             TodoError::NotFound(_) => 4004,
///         }
///     }
/// }
///
/// let e: ErrorObject = TodoError::NotFound(7).into();
/// assert_eq!((e.code, e.message.as_str()), (4004, "no todo 7"));
/// ```
pub trait ApplicationError: std::error::Error {
    /// The error's code: an application code, outside -32768…-32000.
    fn code(&self) -> i64;

    /// Details for programs, as the error's `data`; none by default.
    fn data(&self) -> Option<Value> {
        None
    }
}

impl<E: ApplicationError> From<E> for ErrorObject {
    fn from(e: E) -> Self {
        ErrorObject {
            code: e.code(),
            message: e.to_string(),
            data: e.data(),
        }
    }
}

/// `Result<T, String>`: the text is the message, with [`code::SERVER_ERROR`]. It is the
/// method's own text, so it is sent as is.
impl From<String> for ErrorObject {
    fn from(message: String) -> Self {
        ErrorObject::new(code::SERVER_ERROR, message)
    }
}

/// As for `String`.
impl From<&str> for ErrorObject {
    fn from(message: &str) -> Self {
        ErrorObject::new(code::SERVER_ERROR, message)
    }
}

/// An `anyhow::Error` may hold anything (file paths, SQL): it is logged with its whole chain
/// and answered with [`code::SERVER_ERROR`] and the generic message "Server error". Send the
/// text on purpose with [`ErrorObject::exposing`].
impl From<anyhow::Error> for ErrorObject {
    fn from(e: anyhow::Error) -> Self {
        tracing::error!(error = format!("{e:#}"), "a method failed");
        ErrorObject::new(code::SERVER_ERROR, "Server error")
    }
}

/// As for `anyhow::Error`: logged, answered with a generic message.
impl From<Box<dyn std::error::Error + Send + Sync>> for ErrorObject {
    fn from(e: Box<dyn std::error::Error + Send + Sync>) -> Self {
        tracing::error!(error = %e, "a method failed");
        ErrorObject::new(code::SERVER_ERROR, "Server error")
    }
}

/// As for `anyhow::Error`: logged, answered with a generic message.
impl From<Box<dyn std::error::Error>> for ErrorObject {
    fn from(e: Box<dyn std::error::Error>) -> Self {
        tracing::error!(error = %e, "a method failed");
        ErrorObject::new(code::SERVER_ERROR, "Server error")
    }
}

impl ErrorObject {
    /// An error whose message is `error`'s text, sent to the caller: the opt-in for errors
    /// whose text is safe to show (`.map_err(ErrorObject::exposing)`).
    ///
    /// ```
    /// use jsonws::ErrorObject;
    ///
    /// let e = ErrorObject::exposing(anyhow::anyhow!("the queue is full"));
    /// assert_eq!((e.code, e.message.as_str()), (-32000, "the queue is full"));
    /// ```
    pub fn exposing(error: impl fmt::Display) -> Self {
        ErrorObject::new(code::SERVER_ERROR, error.to_string())
    }
}
