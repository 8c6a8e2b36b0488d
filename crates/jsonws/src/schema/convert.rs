//! The conversion rules of each built-in, written once. The [`Type`](super::Type) impls for
//! Rust types and the schema-driven [`convert_in`] / [`convert_out`] both call these, so a
//! typed handler and a dynamic one accept and refuse exactly the same input.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{Builtin, ConvertError, TypeDef, TypeName, TypeRef, Types};

/// A short description of a raw JSON value for error messages: `string "abc"`, `number 1.5`.
pub(crate) fn describe(raw: &RawValue) -> String {
    describe_text(raw.get())
}

/// [`describe`] for JSON text known to be valid.
pub(crate) fn describe_text(text: &str) -> String {
    let short = |kind: &str| {
        if text.len() <= 40 {
            format!("{kind} {text}")
        } else {
            let mut end = 37;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{kind} {}…", &text[..end])
        }
    };
    match text.as_bytes().first() {
        Some(b'"') => short("string"),
        Some(b'-' | b'0'..=b'9') => short("number"),
        Some(b't' | b'f') => format!("bool {text}"),
        Some(b'n') => "null".into(),
        Some(b'[') => "an array".into(),
        Some(b'{') => "an object".into(),
        _ => "nothing".into(),
    }
}

fn mismatch(expected: &str, raw: &RawValue) -> ConvertError {
    ConvertError::new(expected, describe(raw))
}

fn is_number(raw: &RawValue) -> bool {
    matches!(raw.get().as_bytes().first(), Some(b'-' | b'0'..=b'9'))
}

/// `int`: a JSON number truncated toward zero (`3.9` is 3, `-3.9` is -3: json-ws's documented
/// behaviour); outside the i64 range is an error.
pub(crate) fn int(raw: &RawValue) -> Result<i64, ConvertError> {
    if !is_number(raw) {
        return Err(mismatch("int", raw));
    }
    let text = raw.get();
    if let Ok(n) = text.parse::<i64>() {
        return Ok(n);
    }
    let f: f64 = text.parse().map_err(|_| mismatch("int", raw))?;
    let t = f.trunc();
    // i64::MIN is exactly representable; i64::MAX + 1 is the first float past the range.
    if t.is_finite() && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&t) {
        Ok(t as i64)
    } else {
        Err(mismatch("int (a 64-bit integer)", raw))
    }
}

/// `number`: a finite JSON number.
pub(crate) fn number(raw: &RawValue) -> Result<f64, ConvertError> {
    if !is_number(raw) {
        return Err(mismatch("number", raw));
    }
    match raw.get().parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(f),
        _ => Err(mismatch("number (a finite 64-bit float)", raw)),
    }
}

/// `bool`: `true` or `false`.
pub(crate) fn boolean(raw: &RawValue) -> Result<bool, ConvertError> {
    match raw.get() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(mismatch("bool", raw)),
    }
}

/// `string`: a JSON string.
pub(crate) fn string(raw: &RawValue) -> Result<String, ConvertError> {
    if !raw.get().starts_with('"') {
        return Err(mismatch("string", raw));
    }
    serde_json::from_str(raw.get()).map_err(|_| mismatch("string", raw))
}

/// `date`: an RFC 3339 string or a number of milliseconds since the Unix epoch, in the years
/// 0000–9999 (the range RFC 3339 can write, so what is read can be written back). A leap
/// second (`:60`) is accepted only where RFC 3339 allows it: at 23:59:60 UTC.
pub(crate) fn date(raw: &RawValue) -> Result<DateTime<Utc>, ConvertError> {
    const EXPECTED: &str =
        "date (an RFC 3339 string or epoch milliseconds, in the years 0000 to 9999)";
    let date = if is_number(raw) {
        let ms = int(raw).map_err(|_| mismatch(EXPECTED, raw))?;
        DateTime::from_timestamp_millis(ms).ok_or_else(|| mismatch(EXPECTED, raw))?
    } else {
        let text = string(raw).map_err(|_| mismatch(EXPECTED, raw))?;
        let date = DateTime::parse_from_rfc3339(&text)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| mismatch(EXPECTED, raw))?;
        if date.nanosecond() >= 1_000_000_000 && (date.hour(), date.minute()) != (23, 59) {
            return Err(mismatch(
                "date (a leap second is only valid at 23:59:60 UTC)",
                raw,
            ));
        }
        date
    };
    if in_date_range(&date) {
        Ok(date)
    } else {
        Err(mismatch(EXPECTED, raw))
    }
}

/// Whether RFC 3339 can write `date`: years 0000 to 9999.
pub(crate) fn in_date_range(date: &DateTime<Utc>) -> bool {
    (0..=9999).contains(&date.year())
}

/// The wire form of a date: UTC with milliseconds, `2013-12-14T11:00:53.379Z`.
pub fn format_date(date: &DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `url`: an absolute URL.
pub(crate) fn url(raw: &RawValue) -> Result<url::Url, ConvertError> {
    let text = string(raw).map_err(|_| mismatch("url (an absolute URL string)", raw))?;
    url::Url::parse(&text).map_err(|_| mismatch("url (an absolute URL string)", raw))
}

/// `binary`: standard base64 with padding.
pub(crate) fn binary(raw: &RawValue) -> Result<Vec<u8>, ConvertError> {
    let text = string(raw).map_err(|_| mismatch("binary (a base64 string)", raw))?;
    BASE64
        .decode(text.as_bytes())
        .map_err(|_| mismatch("binary (a base64 string)", raw))
}

/// The wire form of bytes.
pub(crate) fn encode_binary(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// `object`: a JSON object.
pub(crate) fn object(raw: &RawValue) -> Result<Map<String, Value>, ConvertError> {
    if !raw.get().starts_with('{') {
        return Err(mismatch("object", raw));
    }
    serde_json::from_str(raw.get()).map_err(|_| mismatch("object", raw))
}

/// The elements of a JSON array, still raw.
pub(crate) fn elements<'a>(
    raw: &'a RawValue,
    expected: &str,
) -> Result<Vec<&'a RawValue>, ConvertError> {
    if !raw.get().starts_with('[') {
        return Err(mismatch(&format!("an array of {expected}"), raw));
    }
    serde_json::from_str(raw.get()).map_err(|_| mismatch(&format!("an array of {expected}"), raw))
}

/// The members of a JSON object, still raw.
pub(crate) fn members<'a>(
    raw: &'a RawValue,
    expected: &str,
) -> Result<HashMap<String, &'a RawValue>, ConvertError> {
    if !raw.get().starts_with('{') {
        return Err(mismatch(expected, raw));
    }
    serde_json::from_str(raw.get()).map_err(|_| mismatch(expected, raw))
}

/// An enum member from its name or its value; returns the name.
pub(crate) fn enum_member<'a>(
    name: &str,
    members: impl Iterator<Item = (&'a str, i64)> + Clone,
    raw: &RawValue,
) -> Result<&'a str, ConvertError> {
    let expected = || {
        let names: Vec<&str> = members.clone().map(|m| m.0).collect();
        format!("{name} (one of {})", names.join(", "))
    };
    if raw.get().starts_with('"') {
        let text = string(raw)?;
        return members
            .clone()
            .find(|m| m.0 == text)
            .map(|m| m.0)
            .ok_or_else(|| mismatch(&expected(), raw));
    }
    // A value is read as an `int` is: `1.0` and `1.7` are member 1.
    if let Ok(value) = int(raw) {
        if let Some(m) = members.clone().find(|m| m.1 == value) {
            return Ok(m.0);
        }
    }
    Err(mismatch(&expected(), raw))
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    In,
    Out,
}

/// Converts an input value to its declared type, the way params and struct fields are read.
/// The result is the canonical JSON form: ints as integers, dates as
/// `2013-12-14T11:00:53.379Z`, enums as member names, structs with their defaults filled in
/// and undeclared fields left out.
///
/// ```
/// use jsonws::schema::{convert_in, TypeRef, Types};
/// let raw = serde_json::value::RawValue::from_string("-3.7".into()).unwrap();
/// assert_eq!(convert_in(&TypeRef::parse("int"), &raw, &Types::new()).unwrap(), -3);
/// ```
pub fn convert_in(ty: &TypeRef, raw: &RawValue, types: &Types) -> Result<Value, ConvertError> {
    convert(ty, raw, types, Direction::In)
}

/// Converts a handler's result to its declared type for the wire. The rules are those of
/// [`convert_in`], and `error` values become `{"name","message"}`.
pub fn convert_out(ty: &TypeRef, value: &Value, types: &Types) -> Result<Value, ConvertError> {
    let raw = serde_json::value::to_raw_value(value)
        .map_err(|e| ConvertError::new(ty.to_string(), format!("an unserializable value ({e})")))?;
    convert(ty, &raw, types, Direction::Out)
}

fn convert(
    ty: &TypeRef,
    raw: &RawValue,
    types: &Types,
    dir: Direction,
) -> Result<Value, ConvertError> {
    if ty.is_array {
        let element = TypeRef {
            name: ty.name.clone(),
            is_array: false,
        };
        let items = elements(raw, element.type_name())?;
        return items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                convert(&element, item, types, dir).map_err(|e| e.within(format!("[{i}]")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    match &ty.name {
        TypeName::Builtin(b) => builtin(*b, raw, dir),
        TypeName::Named(name) => match types.get(name) {
            None => Err(ConvertError::new(
                format!("{name} (a type this service does not declare)"),
                describe(raw),
            )),
            Some(TypeDef::Enum(def)) => enum_member(
                &def.name,
                def.members.iter().map(|(n, v)| (n.as_str(), *v)),
                raw,
            )
            .map(|name| Value::String(name.to_owned())),
            Some(TypeDef::Struct(def)) => {
                let present = members(raw, &format!("{} (an object)", def.name))?;
                let mut out = Map::new();
                for field in &def.fields {
                    let value = match present.get(&field.name) {
                        Some(raw) if raw.get() != "null" || field.required => {
                            convert(&field.ty, raw, types, dir)
                                .map_err(|e| e.within(&field.name))?
                        }
                        _ => match &field.default {
                            Some(default) => {
                                let raw =
                                    serde_json::value::to_raw_value(default).map_err(|e| {
                                        ConvertError::new(field.ty.to_string(), e.to_string())
                                    })?;
                                convert(&field.ty, &raw, types, dir)
                                    .map_err(|e| e.within(&field.name))?
                            }
                            None if field.required && dir == Direction::In => {
                                return Err(ConvertError::new(
                                    field.ty.to_string(),
                                    "nothing (the field is required)",
                                )
                                .within(&field.name));
                            }
                            None => continue,
                        },
                    };
                    out.insert(field.name.clone(), value);
                }
                Ok(Value::Object(out))
            }
        },
    }
}

fn builtin(b: Builtin, raw: &RawValue, dir: Direction) -> Result<Value, ConvertError> {
    Ok(match b {
        Builtin::Any => serde_json::from_str(raw.get()).map_err(|_| mismatch("any", raw))?,
        Builtin::Int => Value::from(int(raw)?),
        Builtin::Number => Value::from(number(raw)?),
        Builtin::Date => Value::String(format_date(&date(raw)?)),
        Builtin::Bool => Value::Bool(boolean(raw)?),
        Builtin::Object => Value::Object(object(raw)?),
        Builtin::String => Value::String(string(raw)?),
        Builtin::Url => Value::String(url(raw)?.into()),
        Builtin::Binary => Value::String(encode_binary(&binary(raw)?)),
        Builtin::Error if dir == Direction::In => {
            return Err(mismatch("no value (`error` is an output type only)", raw));
        }
        Builtin::Error => error_value(raw)?,
    })
}

/// An error for the wire: `{"name","message"}` from an object with those members or from a
/// plain message string.
fn error_value(raw: &RawValue) -> Result<Value, ConvertError> {
    let value: Value = serde_json::from_str(raw.get()).map_err(|_| mismatch("error", raw))?;
    let (name, message) = match &value {
        Value::String(message) => ("Error".to_owned(), message.clone()),
        Value::Object(o) => (
            o.get("name")
                .and_then(Value::as_str)
                .unwrap_or("Error")
                .to_owned(),
            o.get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        _ => {
            return Err(mismatch(
                "error (an object with a message, or a string)",
                raw,
            ));
        }
    };
    Ok(serde_json::json!({ "name": name, "message": message }))
}
