use std::io::Write as _;

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::convert::{self, describe};
use super::{Builtin, ConvertError, TypeRef, Types};

/// A Rust type that a service can take as a param and return as a result.
///
/// It knows its place in the schema ([`type_ref`](Type::type_ref)), how to read itself from
/// JSON under the conversion rules of its built-in type ([`from_json`](Type::from_json)), and
/// how to write its wire form ([`write_json`](Type::write_json)). Implemented for the Rust
/// types of every built-in; derive it for your structs and enums with `#[derive(jsonws::Type)]`.
///
/// | Rust type | schema type |
/// |---|---|
/// | `i64`, `i32`, `u32`, `u64`, `i16`, `u16`, `i8`, `u8`, `usize`, `isize` | `int` (range-checked; fractions truncated toward zero) |
/// | `f64`, `f32` | `number` |
/// | `bool` | `bool` |
/// | `String` | `string` |
/// | [`RawJson`](crate::RawJson) | `any`, passed through as the exact text that arrived |
/// | `serde_json::Value` | `any` (numbers normalized: use `RawJson` to keep them as sent) |
/// | `serde_json::Map<String, Value>` | `object` |
/// | `chrono::DateTime<Utc>` | `date` |
/// | `url::Url` | `url` |
/// | [`Binary`] | `binary` |
/// | `Vec<T>`, `HashSet<T>`, `BTreeSet<T>` | `[T]` (a set drops repeated members) |
/// | `HashMap<String, T>`, `BTreeMap<String, T>` | `object` (values read and written as `T`) |
/// | `Option<T>` | `T`, optional (`null` or absent is `None`) |
///
/// # Examples
///
/// ```
/// use jsonws::schema::{Type, Types};
/// use serde_json::value::RawValue;
///
/// let raw = RawValue::from_string("3.9".into()).unwrap();
/// assert_eq!(i64::from_json(&raw).unwrap(), 3);
/// assert_eq!(i64::type_ref(&mut Types::new()).to_string(), "int");
/// let mut out = Vec::new();
/// vec![1i64, 2].write_json(&mut out);
/// assert_eq!(out, b"[1,2]");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a jsonws type",
    note = "derive it for your structs and enums with `#[derive(jsonws::Type)]`; see `jsonws::schema::Type` for the built-in types"
)]
pub trait Type: Sized + Send + 'static {
    /// The type as the schema names it; user types register their definition in `types`.
    fn type_ref(types: &mut Types) -> TypeRef;

    /// Reads a value, applying the conversion rules of its schema type.
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError>;

    /// Appends the wire form of the value.
    fn write_json(&self, out: &mut Vec<u8>);

    /// Whether the value may be absent (`Option`): absent and `null` read as `None`.
    fn is_optional() -> bool {
        false
    }

    /// The value taken when input lacks it; `Some(None)` for `Option`.
    #[doc(hidden)]
    fn absent() -> Option<Self> {
        None
    }
}

macro_rules! int_types {
    ($($t:ty),*) => {$(
        impl Type for $t {
            fn type_ref(_: &mut Types) -> TypeRef {
                TypeRef::builtin(Builtin::Int)
            }
            fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
                let n = convert::int(raw)?;
                <$t>::try_from(n).map_err(|_| {
                    ConvertError::new(concat!("int (in the range of ", stringify!($t), ")"), describe(raw))
                })
            }
            fn write_json(&self, out: &mut Vec<u8>) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}

int_types!(i64, i32, u32, u64, i16, u16, i8, u8, usize, isize);

impl Type for f64 {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Number)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::number(raw)
    }
    /// NaN and ±∞ have no JSON form: writing one makes the reply (or event) an error.
    fn write_json(&self, out: &mut Vec<u8>) {
        if self.is_finite() {
            write_serialize(self, out);
        } else {
            unwritable::record("a number that is not finite (NaN or infinity)");
            out.extend_from_slice(b"null");
        }
    }
}

impl Type for f32 {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Number)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::number(raw).map(|f| f as f32)
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        f64::from(*self).write_json(out);
    }
}

impl Type for bool {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Bool)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::boolean(raw)
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
    }
}

impl Type for String {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::String)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::string(raw)
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        write_serialize(self, out);
    }
}

impl Type for Value {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Any)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        serde_json::from_str(raw.get()).map_err(|_| ConvertError::new("any", describe(raw)))
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        write_serialize(self, out);
    }
}

/// Passes the value through as the exact JSON text it arrived as: big integers, `-0`, `1E2`
/// and escapes stay as they were (a [`Value`] would normalize numbers and refuse some).
///
/// ```
/// use jsonws::RawJson;
/// use jsonws::schema::Type;
/// use serde_json::value::RawValue;
///
/// let raw = RawValue::from_string("[123456789012345678901234567890, -0, 1E2]".into()).unwrap();
/// let mut out = Vec::new();
/// RawJson::from_json(&raw).unwrap().write_json(&mut out);
/// assert_eq!(out, b"[123456789012345678901234567890, -0, 1E2]");
/// ```
impl Type for crate::RawJson {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Any)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        Ok(crate::RawJson::from_validated(
            bytes::Bytes::copy_from_slice(raw.get().as_bytes()),
        ))
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

impl Type for Map<String, Value> {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Object)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::object(raw)
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        write_serialize(self, out);
    }
}

impl Type for DateTime<Utc> {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Date)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::date(raw)
    }
    /// Dates outside the years 0000–9999 have no RFC 3339 form: writing one makes the reply
    /// (or event) an error, so the server never writes a date it would refuse to read.
    fn write_json(&self, out: &mut Vec<u8>) {
        if convert::in_date_range(self) {
            write_serialize(&convert::format_date(self), out);
        } else {
            unwritable::record("a date outside the years 0000 to 9999");
            out.extend_from_slice(b"null");
        }
    }
}

impl Type for url::Url {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Url)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::url(raw)
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        write_serialize(self.as_str(), out);
    }
}

/// Bytes, carried as a base64 string on the wire (the `binary` type).
///
/// ```
/// use jsonws::schema::{Binary, Type};
/// let mut out = Vec::new();
/// Binary(vec![0, 1, 2]).write_json(&mut out);
/// assert_eq!(out, br#""AAEC""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Binary(pub Vec<u8>);

impl std::ops::Deref for Binary {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(bytes)
    }
}

impl Type for Binary {
    fn type_ref(_: &mut Types) -> TypeRef {
        TypeRef::builtin(Builtin::Binary)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        convert::binary(raw).map(Binary)
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        write_serialize(&convert::encode_binary(&self.0), out);
    }
}

impl<T: Type> Type for Vec<T> {
    fn type_ref(types: &mut Types) -> TypeRef {
        let element = T::type_ref(types);
        // The schema has one level of arrays; deeper nesting is described as `[any]`.
        if element.is_array {
            TypeRef::builtin(Builtin::Any).array()
        } else {
            element.array()
        }
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        let mut types = Types::new();
        let name = T::type_ref(&mut types).to_string();
        convert::elements(raw, &name)?
            .into_iter()
            .enumerate()
            .map(|(i, item)| T::from_json(item).map_err(|e| e.within(format!("[{i}]"))))
            .collect()
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            item.write_json(out);
        }
        out.push(b']');
    }
}

macro_rules! set_types {
    ($($set:ident: $($bound:path),*;)*) => {$(
        impl<T: Type $(+ $bound)*> Type for std::collections::$set<T> {
            fn type_ref(types: &mut Types) -> TypeRef {
                Vec::<T>::type_ref(types)
            }
            fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
                Vec::<T>::from_json(raw).map(|items| items.into_iter().collect())
            }
            fn write_json(&self, out: &mut Vec<u8>) {
                out.push(b'[');
                for (i, item) in self.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_json(out);
                }
                out.push(b']');
            }
        }
    )*};
}

set_types! {
    HashSet: Eq, std::hash::Hash;
    BTreeSet: Ord;
}

macro_rules! map_types {
    ($($map:ident),*) => {$(
        impl<T: Type> Type for std::collections::$map<String, T> {
            /// Described as `object`: the schema has no map type, so the value type is checked
            /// here, when the value is read.
            fn type_ref(_: &mut Types) -> TypeRef {
                TypeRef::builtin(Builtin::Object)
            }
            fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
                convert::members(raw, "object")?
                    .into_iter()
                    .map(|(key, value)| {
                        let value = T::from_json(value).map_err(|e| e.within(key.clone()))?;
                        Ok((key, value))
                    })
                    .collect()
            }
            fn write_json(&self, out: &mut Vec<u8>) {
                out.push(b'{');
                for (i, (key, value)) in self.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_serialize(key.as_str(), out);
                    out.push(b':');
                    value.write_json(out);
                }
                out.push(b'}');
            }
        }
    )*};
}

map_types!(HashMap, BTreeMap);

impl<T: Type> Type for Option<T> {
    fn type_ref(types: &mut Types) -> TypeRef {
        T::type_ref(types)
    }
    fn from_json(raw: &RawValue) -> Result<Self, ConvertError> {
        if raw.get() == "null" {
            Ok(None)
        } else {
            T::from_json(raw).map(Some)
        }
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
    }
    fn is_optional() -> bool {
        true
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
}

fn write_serialize<T: serde::Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    // Strings, numbers and JSON values always serialize.
    let _ = serde_json::to_writer(out, value);
}

/// Values a [`Type::write_json`] cannot write: NaN, ±∞, dates outside 0000–9999. Writing cannot
/// fail in the trait's signature, so the writer records the problem here, on the writing
/// thread, and whoever encodes a reply or an event checks after writing and answers with an
/// error instead of sending `null`.
pub(crate) mod unwritable {
    use std::cell::Cell;

    thread_local! {
        static PROBLEM: Cell<Option<&'static str>> = const { Cell::new(None) };
    }

    /// Notes that the value being written has no wire form.
    pub(crate) fn record(what: &'static str) {
        PROBLEM.with(|p| {
            if p.get().is_none() {
                p.set(Some(what));
            }
        });
    }

    /// Runs `write` and says what it could not write, if anything.
    pub(crate) fn check(write: impl FnOnce()) -> Result<(), &'static str> {
        PROBLEM.with(|p| p.set(None));
        write();
        match PROBLEM.with(Cell::take) {
            None => Ok(()),
            Some(what) => Err(what),
        }
    }
}
