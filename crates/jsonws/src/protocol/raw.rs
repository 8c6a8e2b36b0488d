use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::value::RawValue;

/// A JSON value kept as the bytes it arrived in.
///
/// `params` and `result` members are held this way until a handler or caller asks for a typed
/// value, so nothing is parsed twice. Cloning is cheap: the bytes are shared with the frame they
/// came from.
///
/// # Examples
///
/// ```
/// use jsonws::RawJson;
///
/// let raw = RawJson::from_serialize(&(1, 2)).unwrap();
/// assert_eq!(raw.as_str(), "[1,2]");
/// let (a, b): (i64, i64) = raw.deserialize().unwrap();
/// assert_eq!(a + b, 3);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RawJson(Bytes);

impl RawJson {
    /// Wraps bytes that the caller has checked to be one valid UTF-8 JSON value.
    pub(crate) fn from_validated(bytes: Bytes) -> Self {
        RawJson(bytes)
    }

    /// Serializes `value` into a new raw value.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        Ok(RawJson(Bytes::from(serde_json::to_vec(value)?)))
    }

    /// Parses `text`, checking that it is exactly one JSON value.
    pub fn from_text(text: impl Into<String>) -> Result<Self, serde_json::Error> {
        let text = text.into();
        let _: &RawValue = serde_json::from_str(&text)?;
        Ok(RawJson(Bytes::from(text)))
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        // The bytes were valid UTF-8 when this value was made and are immutable.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The JSON text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Deserializes the value into `T`.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.0)
    }

    /// Deserializes the value into a `T` that may borrow from it.
    pub fn deserialize_borrowed<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.0)
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        &*self.0 == b"null"
    }

    /// Whether the value is a JSON array.
    pub fn is_array(&self) -> bool {
        self.0.first() == Some(&b'[')
    }

    /// Whether the value is a JSON object.
    pub fn is_object(&self) -> bool {
        self.0.first() == Some(&b'{')
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue =
            serde_json::from_str(self.as_str()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}
