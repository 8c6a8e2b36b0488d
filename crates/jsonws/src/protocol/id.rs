use std::fmt;

use bytes::Bytes;

/// A request id: a string, a number or `null`, kept as the exact JSON text it arrived as.
///
/// Replies echo the id byte for byte, so `1.50`, `-0`, `""` and `"\u00e9"` come back exactly as
/// they were sent. Two ids are equal when their JSON text is equal.
///
/// # Examples
///
/// ```
/// use jsonws::Id;
///
/// assert_eq!(Id::from(7u64).as_json(), "7");
/// assert_eq!(Id::from("a\"b").as_json(), r#""a\"b""#);
/// assert_eq!(Id::null().as_json(), "null");
/// assert_eq!(Id::from(7u64).as_u64(), Some(7));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Id(Bytes);

impl Id {
    /// The `null` id (what an error reply carries when the request's id could not be read).
    pub fn null() -> Self {
        Id(Bytes::from_static(b"null"))
    }

    /// Wraps JSON text already checked to be a string, a number or `null`.
    pub(crate) fn from_validated(raw: Bytes) -> Self {
        Id(raw)
    }

    /// The id as JSON text, exactly as it arrived.
    pub fn as_json(&self) -> &str {
        // Ids are made from validated UTF-8 only.
        std::str::from_utf8(&self.0).unwrap_or("null")
    }

    /// The id as bytes of JSON text.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The id as an unsigned integer, when it is one written in plain digits.
    pub fn as_u64(&self) -> Option<u64> {
        let digits = &*self.0;
        if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.as_json().parse().ok()
    }

    /// Whether this is the `null` id.
    pub fn is_null(&self) -> bool {
        &*self.0 == b"null"
    }
}

impl From<u64> for Id {
    fn from(n: u64) -> Self {
        Id(Bytes::from(n.to_string()))
    }
}

impl From<i64> for Id {
    fn from(n: i64) -> Self {
        Id(Bytes::from(n.to_string()))
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        // Serializing a str cannot fail.
        Id(Bytes::from(serde_json::to_vec(s).unwrap_or_default()))
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id::from(s.as_str())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_json())
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_json())
    }
}
