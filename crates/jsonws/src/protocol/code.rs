//! Error codes: the five the JSON-RPC 2.0 specification reserves, and the server conditions
//! jsonws reports in the -32000…-32099 range.
//!
//! Applications choose their own codes outside -32768…-32000.

/// Invalid JSON was received.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON sent is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist or is not available.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters: wrong count, missing, unknown or of the wrong type.
pub const INVALID_PARAMS: i64 = -32602;
/// An internal error: a handler panicked or could not encode its result.
pub const INTERNAL_ERROR: i64 = -32603;

/// A method failed with an error that has no code of its own: a `Result<T, String>`'s text,
/// or an `anyhow::Error` / `Box<dyn Error>` (whose details stay in the server's log).
pub const SERVER_ERROR: i64 = -32000;
/// A call timed out before its reply arrived.
pub const TIMEOUT: i64 = -32001;
/// The connection has too many requests in flight; retry once replies have arrived.
pub const OVERLOADED: i64 = -32002;
/// A configured limit was exceeded (batch size, message size, nesting depth).
pub const LIMIT_EXCEEDED: i64 = -32003;
/// The transport cannot do this (for example: a server → client call over plain HTTP).
pub const UNSUPPORTED: i64 = -32004;
/// The connection closed before the call completed.
pub const CONNECTION_CLOSED: i64 = -32005;
/// The server is shutting down and accepts no new requests.
pub const SHUTTING_DOWN: i64 = -32006;
/// The other side answered a call of this side with a malformed reply (both `result` and
/// `error`, or an `error` that is not an error object).
pub const BAD_REPLY: i64 = -32007;
/// A call this side made to the other side failed with one of the protocol's reserved codes;
/// `data` holds the other side's error, which is not passed on as if it were this side's.
pub const PEER_FAILED: i64 = -32008;
