//! The type system of a service: built-in types, enums, structs and arrays, and the conversions
//! every value goes through on its way in and out.
//!
//! One model serves everything that describes a service: param binding, the `?json`
//! metadata, the OpenRPC document, the docs page and the generated clients all read the same
//! [`TypeRef`]s and [`TypeDef`]s, so they cannot disagree.
//!
//! # Built-in types
//!
//! | type (aliases) | accepts | handler gets | wire output |
//! |---|---|---|---|
//! | `any` (`*`) | any JSON | JSON value | as is |
//! | `int` (`integer`) | JSON number, truncated toward zero; out of i64 range is an error | `i64` | number |
//! | `number` (`float`, `double`) | JSON number | `f64` | number |
//! | `date` (`time`) | RFC 3339 string or epoch-milliseconds number | `DateTime<Utc>` | `2013-12-14T11:00:53.379Z` |
//! | `bool` (`boolean`) | `true` / `false` | `bool` | bool |
//! | `object` (`json`) | JSON object | JSON object | as is |
//! | `string` | JSON string | `String` | string |
//! | `url` | absolute URL string | [`url::Url`] | string |
//! | `binary` (`buffer`) | base64 string, validated | [`Binary`] | base64 string |
//! | `error` | output only | — | `{"name","message"}` |
//!
//! Anything else is refused with a [`ConvertError`] saying what was expected and what came;
//! the layer that knows the param name adds it. There are no lossy fallbacks: no NaN, no
//! Invalid Date, no value replaced by its type's name.
//!
//! # User types
//!
//! **Enums** have members by name, each with a numeric value. Input is the name or the value;
//! handlers and the wire see the name. **Structs** have fields with a type, array-ness,
//! required or optional, a default and a description; they nest and may be recursive. Fields
//! the struct does not declare are ignored.
//!
//! Rust types take part through the [`Type`] trait, implemented for the built-ins and derived
//! for your structs and enums with `#[derive(jsonws::Type)]`.

pub(crate) mod convert;
mod error;
mod typed;
mod types;

pub use convert::{convert_in, convert_out, format_date};
pub use error::ConvertError;
pub(crate) use typed::unwritable;
pub use typed::{Binary, Type};
pub use types::{Builtin, EnumDef, FieldDef, StructDef, TypeDef, TypeName, TypeRef, Types};

#[cfg(test)]
mod tests;
