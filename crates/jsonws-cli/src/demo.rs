//! The demo service of the design: a few methods that show each part of jsonws.

use jsonws::{Call, ErrorObject, Methods};
use serde_json::{Value, json};

/// `sum`, `echo`, `fail` and `ask`.
pub(crate) fn methods() -> Methods {
    Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = match call.raw_params() {
                Some(raw) if raw.is_object() => {
                    #[derive(serde::Deserialize)]
                    struct Named {
                        a: i64,
                        b: i64,
                    }
                    let Named { a, b } = call.params()?;
                    (a, b)
                }
                _ => call.params()?,
            };
            a.checked_add(b).ok_or_else(|| {
                ErrorObject::invalid_params("a + b does not fit in a 64-bit integer")
            })
        })
        .method("echo", |call: Call| async move {
            let value: Value = match call.raw_params() {
                Some(raw) if raw.is_object() => call
                    .params::<serde_json::Map<String, Value>>()?
                    .remove("value")
                    .unwrap_or(Value::Null),
                _ => call.params::<(Value,)>()?.0,
            };
            Ok::<_, ErrorObject>(value)
        })
        .method("fail", |_call: Call| async move {
            Err::<(), _>(
                ErrorObject::new(4000, "this method always fails")
                    .with_data(json!({ "reason": "demonstration", "retry": false })),
            )
        })
        .method("ask", |call: Call| async move {
            let question: String = match call.raw_params() {
                Some(raw) if raw.is_object() => {
                    let mut named = call.params::<serde_json::Map<String, Value>>()?;
                    match named.remove("question") {
                        Some(Value::String(q)) => q,
                        _ => {
                            return Err(ErrorObject::invalid_params("`question` must be a string"));
                        }
                    }
                }
                _ => call.params::<(String,)>()?.0,
            };
            let peer = call.peer().ok_or_else(|| {
                ErrorObject::server(
                    jsonws::protocol::code::UNSUPPORTED,
                    "ask calls you back, which needs a WebSocket connection",
                )
            })?;
            let answer: Value = peer.call("confirm", (question,)).await?;
            Ok(match answer {
                Value::String(s) => s,
                other => other.to_string(),
            })
        })
}
