use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::handler::{Call, Context};
use crate::protocol::ErrorObject;
use crate::schema::Type;

/// The params of a call to a method defined at run time, bound and converted by their declared
/// types: ints truncated, dates normalized, enums by name, struct defaults filled in.
///
/// ```
/// use jsonws::service::{Args, Method};
/// use jsonws::ErrorObject;
///
/// let method = Method::new("greet").param("name", "string").returns("string").handler(
///     |args: Args| async move { Ok::<_, ErrorObject>(format!("hello, {}", args.get::<String>("name")?)) },
/// );
/// # let _ = method;
/// ```
#[derive(Debug)]
pub struct Args {
    call: Call,
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Args {
    pub(crate) fn new(call: Call, names: Arc<[String]>, values: Vec<Value>) -> Self {
        Args {
            call,
            names,
            values,
        }
    }

    /// The param `name` as a Rust type (see [`Type`] for which Rust type reads which schema
    /// type). An absent optional param reads as `None` for an `Option`.
    pub fn get<T: Type>(&self, name: &str) -> Result<T, ErrorObject> {
        let value = self.value(name);
        let raw = serde_json::value::to_raw_value(value).map_err(|_| ErrorObject::internal())?;
        T::from_json(&raw).map_err(|e| {
            tracing::error!(param = name, error = %e, "a handler asked for a param as a type it is not declared as");
            ErrorObject::internal()
        })
    }

    /// The param `name` deserialized with serde, for types that are not [`Type`]s.
    pub fn get_as<T: DeserializeOwned>(&self, name: &str) -> Result<T, ErrorObject> {
        T::deserialize(self.value(name)).map_err(|e| {
            tracing::error!(param = name, error = %e, "a handler could not deserialize a param");
            ErrorObject::internal()
        })
    }

    /// The converted value of param `name`; `null` when it is absent or not declared.
    pub fn value(&self, name: &str) -> &Value {
        const NULL: &Value = &Value::Null;
        self.names
            .iter()
            .position(|n| n == name)
            .map_or(NULL, |i| &self.values[i])
    }

    /// Every param's value, in declared order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The call itself: its id, raw params and context.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// The connection the call came from.
    pub fn context(&self) -> &Context {
        self.call.context()
    }

    /// The other end of a WebSocket connection; `None` over HTTP.
    pub fn peer(&self) -> Option<&crate::Peer> {
        self.call.peer()
    }
}
