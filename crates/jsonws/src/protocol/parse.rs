use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{ErrorObject, Id, Incoming, Message, RawJson, Request, Response, code};

/// The limits [`parse`] enforces.
///
/// # Examples
///
/// ```
/// use jsonws::protocol::ParseLimits;
///
/// let limits = ParseLimits { max_batch: 10, ..ParseLimits::default() };
/// assert_eq!(limits.max_depth, 128);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Most entries in one batch (default 1,000).
    pub max_batch: usize,
    /// Deepest nesting of arrays and objects anywhere in a message (default 128). Values above
    /// 128 allow deeper raw params, but typed params still stop at serde_json's own limit of 128.
    pub max_depth: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_batch: 1000,
            max_depth: 128,
        }
    }
}

/// Parses one frame or body into messages. Never fails: what cannot be used becomes an
/// [`Incoming::Refused`] or a [`Message::Invalid`] carrying the error to answer with.
///
/// # Examples
///
/// ```
/// use jsonws::protocol::{parse, Incoming, ParseLimits};
///
/// let Incoming::Refused(err) = parse(b"[]".as_slice().into(), &ParseLimits::default()) else {
///     panic!("an empty batch is refused");
/// };
/// assert_eq!(err.code, -32600);
/// ```
pub fn parse(frame: Bytes, limits: &ParseLimits) -> Incoming {
    // A message shorter than the depth limit cannot nest deeper than it: the common small
    // message skips the scan.
    if frame.len() > limits.max_depth && nesting_exceeds(&frame, limits.max_depth) {
        return Incoming::Refused(
            ErrorObject::server(code::LIMIT_EXCEEDED, "Message nested too deeply").with_data(
                format!(
                    "arrays and objects may nest at most {} levels deep",
                    limits.max_depth
                ),
            ),
        );
    }
    let top = {
        let mut de = serde_json::Deserializer::from_slice(&frame);
        match Top::deserialize(&mut de).and_then(|top| de.end().map(|()| top)) {
            Ok(top) => top,
            Err(e) => return Incoming::Refused(ErrorObject::parse_error(e)),
        }
    };
    match top {
        Top::One(entry) => Incoming::Single(entry.into_message(&frame)),
        Top::Many(entries) if entries.is_empty() => {
            Incoming::Refused(ErrorObject::invalid_request("a batch must not be empty"))
        }
        Top::Many(entries) if entries.len() > limits.max_batch => Incoming::Refused(
            ErrorObject::server(code::LIMIT_EXCEEDED, "Batch too large")
                .with_data(serde_json::json!({ "limit": limits.max_batch, "got": entries.len() })),
        ),
        Top::Many(entries) => Incoming::Batch(
            entries
                .into_iter()
                .map(|e| e.into_message(&frame))
                .collect(),
        ),
    }
}

/// Whether arrays and objects in `json` nest deeper than `max`. Strings are skipped, so
/// brackets inside them do not count.
fn nesting_exceeds(json: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The top level of a frame: one entry or a batch of them.
enum Top<'a> {
    One(Entry<'a>),
    Many(Vec<Entry<'a>>),
}

/// One element as read in the single pass: the envelope members of an object, kept raw.
enum Entry<'a> {
    Object(Envelope<'a>),
    NotObject(&'static str),
}

#[derive(Default)]
struct Envelope<'a> {
    jsonrpc: Option<&'a RawValue>,
    method: Option<&'a RawValue>,
    params: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    result: Option<&'a RawValue>,
    error: Option<&'a RawValue>,
    duplicate: Option<&'static str>,
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> Visitor<'de> for TopVisitor {
            type Value = Top<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON-RPC message or batch")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                EntryVisitor.visit_map(map).map(Top::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
                while let Some(entry) = seq.next_element::<Entry<'de>>()? {
                    entries.push(entry);
                }
                Ok(Top::Many(entries))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Top::One(Entry::NotObject("a boolean")))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Top::One(Entry::NotObject("a number")))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Top::One(Entry::NotObject("a number")))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Top::One(Entry::NotObject("a number")))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Top::One(Entry::NotObject("a string")))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Top::One(Entry::NotObject("null")))
            }
        }
        d.deserialize_any(TopVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-RPC message")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut env = Envelope::default();
        while let Some(field) = map.next_key::<Field>()? {
            let (slot, name) = match field {
                Field::Jsonrpc => (&mut env.jsonrpc, "jsonrpc"),
                Field::Method => (&mut env.method, "method"),
                Field::Params => (&mut env.params, "params"),
                Field::Id => (&mut env.id, "id"),
                Field::Result => (&mut env.result, "result"),
                Field::Error => (&mut env.error, "error"),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = map.next_value::<&'de RawValue>()?;
            if slot.replace(value).is_some() {
                env.duplicate.get_or_insert(name);
            }
        }
        Ok(Entry::Object(env))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Entry::NotObject("an array"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Entry::NotObject("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Entry::NotObject("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Entry::NotObject("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Entry::NotObject("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Entry::NotObject("a string"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Entry::NotObject("null"))
    }
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EntryVisitor)
    }
}

enum Field {
    Jsonrpc,
    Method,
    Params,
    Id,
    Result,
    Error,
    Other,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                Ok(match v {
                    "jsonrpc" => Field::Jsonrpc,
                    "method" => Field::Method,
                    "params" => Field::Params,
                    "id" => Field::Id,
                    "result" => Field::Result,
                    "error" => Field::Error,
                    _ => Field::Other,
                })
            }
        }
        d.deserialize_str(FieldVisitor)
    }
}

impl Entry<'_> {
    fn into_message(self, frame: &Bytes) -> Message {
        let env = match self {
            Entry::Object(env) => env,
            Entry::NotObject(what) => {
                return Message::Invalid {
                    id: Id::null(),
                    error: ErrorObject::invalid_request(format_args!(
                        "expected a request object, got {what}"
                    )),
                };
            }
        };
        let slice = |raw: &RawValue| frame.slice_ref(raw.get().as_bytes());
        let id = match env
            .id
            .map(|raw| valid_id(raw).map(|()| Id::from_validated(slice(raw))))
        {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(what)) => {
                let detail = format_args!("`id` must be a string, a number or null, not {what}");
                if env.method.is_none() {
                    return Message::BadResponse {
                        id: None,
                        reason: detail.to_string(),
                    };
                }
                return invalid(None, detail);
            }
        };
        if let Some(name) = env.duplicate {
            return invalid(id, format_args!("the member `{name}` appears twice"));
        }
        if let Some(method) = env.method {
            if !is_version_2(env.jsonrpc) {
                return invalid(id, "`jsonrpc` must be \"2.0\"");
            }
            let Some(method) = string_bytes(method, frame) else {
                return invalid(id, "`method` must be a string");
            };
            let params = match env.params {
                None => None,
                Some(raw) if raw.get() == "null" => None,
                Some(raw) if matches!(raw.get().as_bytes()[0], b'[' | b'{') => {
                    Some(RawJson::from_validated(slice(raw)))
                }
                Some(_) => return invalid(id, "`params` must be an array or an object"),
            };
            return Message::Request(Request { id, method, params });
        }
        if env.result.is_some() || env.error.is_some() {
            let Some(id) = id else {
                return Message::BadResponse {
                    id: None,
                    reason: "a response without an `id`".into(),
                };
            };
            let outcome = match (env.result, env.error) {
                (Some(result), None) => Ok(RawJson::from_validated(slice(result))),
                (None, Some(error)) => match serde_json::from_str::<ErrorObject>(error.get()) {
                    Ok(error) => Err(error),
                    Err(e) => {
                        return Message::BadResponse {
                            reason: format!("the reply has a malformed `error` object: {e}"),
                            id: Some(id),
                        };
                    }
                },
                _ => {
                    return Message::BadResponse {
                        id: Some(id),
                        reason: "the reply has both `result` and `error`".into(),
                    };
                }
            };
            return Message::Response(Response { id, outcome });
        }
        invalid(id, "a request needs a `method`")
    }
}

fn invalid(id: Option<Id>, detail: impl fmt::Display) -> Message {
    Message::Invalid {
        id: id.unwrap_or_else(Id::null),
        error: ErrorObject::invalid_request(detail),
    }
}

fn valid_id(raw: &RawValue) -> Result<(), &'static str> {
    match raw.get().as_bytes()[0] {
        b'"' | b'-' | b'0'..=b'9' => Ok(()),
        b'n' => Ok(()),
        b'{' => Err("an object"),
        b'[' => Err("an array"),
        _ => Err("a boolean"),
    }
}

fn is_version_2(raw: Option<&RawValue>) -> bool {
    match raw {
        Some(raw) if raw.get() == "\"2.0\"" => true,
        Some(raw) => {
            serde_json::from_str::<&str>(raw.get()).is_ok_and(|v| v == "2.0")
                || serde_json::from_str::<String>(raw.get()).is_ok_and(|v| v == "2.0")
        }
        None => false,
    }
}

/// The UTF-8 bytes of a JSON string: a slice of the frame when it has no escapes.
fn string_bytes(raw: &RawValue, frame: &Bytes) -> Option<Bytes> {
    let text = raw.get();
    if !text.starts_with('"') {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    if !inner.contains('\\') {
        return Some(frame.slice_ref(inner.as_bytes()));
    }
    serde_json::from_str::<String>(text).ok().map(Bytes::from)
}
