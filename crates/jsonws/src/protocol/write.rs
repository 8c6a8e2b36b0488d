//! Writes messages as bytes. Each writer appends to a caller's buffer, so a batch reply is
//! assembled in one allocation.

use serde::Serialize;

use super::{ErrorObject, Id};

const RESULT_HEAD: &[u8] = br#"{"jsonrpc":"2.0","result":"#;
const ERROR_HEAD: &[u8] = br#"{"jsonrpc":"2.0","error":"#;
const ID_KEY: &[u8] = br#","id":"#;

/// Appends a success reply. On a serialization error the buffer is left as it was.
pub(crate) fn result<T: Serialize + ?Sized>(
    buf: &mut Vec<u8>,
    id: &Id,
    result: &T,
) -> Result<(), serde_json::Error> {
    let start = buf.len();
    buf.extend_from_slice(RESULT_HEAD);
    if let Err(e) = serde_json::to_writer(&mut *buf, result) {
        buf.truncate(start);
        return Err(e);
    }
    buf.extend_from_slice(ID_KEY);
    buf.extend_from_slice(id.as_bytes());
    buf.push(b'}');
    Ok(())
}

/// Appends a success reply whose result `write` appends itself.
pub(crate) fn result_with(buf: &mut Vec<u8>, id: &Id, write: impl FnOnce(&mut Vec<u8>)) {
    buf.extend_from_slice(RESULT_HEAD);
    write(buf);
    buf.extend_from_slice(ID_KEY);
    buf.extend_from_slice(id.as_bytes());
    buf.push(b'}');
}

/// Appends an error reply.
pub(crate) fn error(buf: &mut Vec<u8>, id: &Id, error: &ErrorObject) {
    buf.extend_from_slice(ERROR_HEAD);
    if serde_json::to_writer(&mut *buf, error).is_err() {
        // Only `data` can fail to serialize, and it is a `Value`, which always does; this
        // branch keeps the frame well formed regardless.
        buf.extend_from_slice(br#"{"code":-32603,"message":"Internal error"}"#);
    }
    buf.extend_from_slice(ID_KEY);
    buf.extend_from_slice(id.as_bytes());
    buf.push(b'}');
}

/// Appends a request (with `id`) or a notification (without). `params` is JSON text of an
/// array or object, or `None` to leave the member out.
pub(crate) fn request(buf: &mut Vec<u8>, id: Option<&Id>, method: &str, params: Option<&[u8]>) {
    buf.extend_from_slice(br#"{"jsonrpc":"2.0","method":"#);
    // Serializing a str cannot fail.
    let _ = serde_json::to_writer(&mut *buf, method);
    if let Some(params) = params {
        buf.extend_from_slice(br#","params":"#);
        buf.extend_from_slice(params);
    }
    if let Some(id) = id {
        buf.extend_from_slice(ID_KEY);
        buf.extend_from_slice(id.as_bytes());
    }
    buf.push(b'}');
}

/// Joins encoded messages into one JSON array.
pub(crate) fn batch<I: IntoIterator<Item = Vec<u8>>>(parts: I) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(b'[');
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&part);
    }
    out.push(b']');
    out
}
