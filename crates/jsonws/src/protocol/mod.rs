//! The JSON-RPC 2.0 message model: ids, requests, responses, errors and batches.
//!
//! This layer does no I/O. It turns the bytes of one WebSocket frame or one HTTP body into
//! [`Incoming`] messages and writes replies back into byte buffers. Everything above it (the
//! [peer](crate::peer), the [server](crate::server), the [client](crate::client)) speaks in these
//! types, so every transport answers the same input with the same reply.
//!
//! # Why params stay raw
//!
//! Parsing builds no [`serde_json::Value`]. The envelope (`jsonrpc`, `id`, `method`) is read in
//! one pass over the bytes; `params` and `result` are kept as [`RawJson`], a reference-counted
//! slice of the frame they arrived in, until a handler deserializes them straight into its own
//! types. A call therefore costs one parse of the envelope and one parse of its params, with no
//! copy of the params in between.
//!
//! # What counts as what
//!
//! | input | outcome |
//! |---|---|
//! | bytes that are not JSON | one -32700 reply with `id: null` |
//! | `[]` | one -32600 reply with `id: null` |
//! | an object with `method` | a [`Request`] (a notification when it has no `id`) |
//! | an object with `result` or `error` and no `method` | a [`Response`] |
//! | any other JSON value | -32600, echoing the `id` when it is a valid one |
//! | an array | a batch: each element is judged as above |
//!
//! See `docs/wire.md` in the crate sources for the full wire contract.

pub mod code;
mod error;
mod id;
mod message;
mod parse;
mod raw;
pub(crate) mod write;

pub use error::{ApplicationError, ErrorObject};
pub use id::Id;
pub use message::{Incoming, Message, Request, Response};
pub use parse::{ParseLimits, parse};
pub use raw::RawJson;

#[cfg(test)]
mod tests;
