//! Param binding: positional or named params matched to the declared ones, in declared order.
//!
//! Every mismatch is -32602 with `data` `{param, expected, got}`: a missing required param,
//! an unknown named one, one positional too many, a value of the wrong type. Nothing is
//! reordered: the n-th positional value is the n-th declared param, defaults included.

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::ParamDef;
use crate::protocol::{ErrorObject, RawJson, code};
use crate::schema::{ConvertError, Type, Types, convert_in};

/// -32602 with `{param, expected, got}` (and `path` inside the value, when there is one).
pub(crate) fn invalid(param: Option<&str>, expected: &str, got: &str, path: &str) -> ErrorObject {
    let mut data = json!({ "param": param, "expected": expected, "got": got });
    if !path.is_empty() {
        data["path"] = Value::String(path.to_owned());
    }
    let message = match param {
        Some(p) if path.is_empty() => {
            format!("Invalid params: `{p}` expected {expected}, got {got}")
        }
        Some(p) => format!("Invalid params: `{p}.{path}` expected {expected}, got {got}"),
        None => format!("Invalid params: expected {expected}, got {got}"),
    };
    ErrorObject {
        code: code::INVALID_PARAMS,
        message,
        data: Some(data),
    }
}

fn from_convert(param: &str, e: ConvertError) -> ErrorObject {
    invalid(Some(param), &e.expected, &e.got, &e.path_text())
}

fn names(params: &[ParamDef]) -> String {
    params
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits the params into one raw value (or nothing) per declared param.
pub fn slots<'a>(
    params: Option<&'a RawJson>,
    declared: &[ParamDef],
) -> Result<Vec<Option<&'a RawValue>>, ErrorObject> {
    let mut slots = vec![None; declared.len()];
    let Some(params) = params else {
        return Ok(slots);
    };
    if params.is_array() {
        // Straight into the slots, without an intermediate Vec: this is every typed call's path.
        let mut de = serde_json::Deserializer::from_slice(params.as_bytes());
        let count = serde::Deserializer::deserialize_seq(&mut de, FillSlots(&mut slots))
            .map_err(|e| invalid(None, "an array of params", &e.to_string(), ""))?;
        if count > declared.len() {
            let expected = match declared.len() {
                0 => "no params".to_owned(),
                n => format!("at most {n} params ({})", names(declared)),
            };
            return Err(invalid(None, &expected, &format!("{count} params"), ""));
        }
    } else {
        let values: BTreeMap<String, &RawValue> = params
            .deserialize_borrowed()
            .map_err(|e| invalid(None, "an object of named params", &e.to_string(), ""))?;
        for (name, value) in values {
            let Some(i) = declared.iter().position(|p| p.name == name) else {
                let expected = match declared.len() {
                    0 => "no params".to_owned(),
                    _ => format!("one of {}", names(declared)),
                };
                return Err(invalid(Some(&name), &expected, "an unknown param", ""));
            };
            slots[i] = Some(value);
        }
    }
    Ok(slots)
}

/// Reads declared param `def` from its slot as a Rust type: its value, its default, `None`
/// for an absent `Option`, or the error saying what is missing.
pub fn typed<T: Type>(slot: Option<&RawValue>, def: &ParamDef) -> Result<T, ErrorObject> {
    if let Some(raw) = slot {
        return T::from_json(raw).map_err(|e| from_convert(&def.name, e));
    }
    if let Some(default) = &def.default {
        let raw = serde_json::value::to_raw_value(default).map_err(|_| ErrorObject::internal())?;
        return T::from_json(&raw).map_err(|e| from_convert(&def.name, e));
    }
    T::absent().ok_or_else(|| missing(def))
}

/// Reads declared param `def` from its slot by its schema type, into canonical JSON; `Null`
/// for an absent optional param.
pub(crate) fn dynamic(
    slot: Option<&RawValue>,
    def: &ParamDef,
    types: &Types,
) -> Result<Value, ErrorObject> {
    if let Some(raw) = slot {
        return convert_in(&def.ty, raw, types).map_err(|e| from_convert(&def.name, e));
    }
    if let Some(default) = &def.default {
        let raw = serde_json::value::to_raw_value(default).map_err(|_| ErrorObject::internal())?;
        return convert_in(&def.ty, &raw, types).map_err(|e| from_convert(&def.name, e));
    }
    if def.optional {
        Ok(Value::Null)
    } else {
        Err(missing(def))
    }
}

fn missing(def: &ParamDef) -> ErrorObject {
    invalid(
        Some(&def.name),
        &def.ty.to_string(),
        "nothing (the param is required)",
        "",
    )
}

/// Fills the slots from a JSON array and counts its elements (those past the slots too).
struct FillSlots<'s, 'a>(&'s mut [Option<&'a RawValue>]);

impl<'a> serde::de::Visitor<'a> for FillSlots<'_, 'a> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of params")
    }

    fn visit_seq<A: serde::de::SeqAccess<'a>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while let Some(value) = seq.next_element::<&'a RawValue>()? {
            if let Some(slot) = self.0.get_mut(count) {
                *slot = Some(value);
            }
            count += 1;
        }
        Ok(count)
    }
}
