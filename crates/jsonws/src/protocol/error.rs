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
