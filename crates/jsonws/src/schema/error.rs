use std::fmt;

/// Why a value does not convert to its declared type: what was expected, what came, and
/// where inside the value (`points[2].x`).
///
/// The converter does not know the param's name; the binding layer adds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// The path inside the value, outermost first: field names and array indexes.
    pub path: Vec<String>,
    /// What was expected (`int`, `Point`, `one of Red, Green, Blue`).
    pub expected: String,
    /// What came (`string "abc"`, `number 1e400`, `null`).
    pub got: String,
}

impl ConvertError {
    /// A mismatch at the top of the value.
    pub fn new(expected: impl Into<String>, got: impl Into<String>) -> Self {
        ConvertError {
            path: Vec::new(),
            expected: expected.into(),
            got: got.into(),
        }
    }

    /// The same error, one level further down: inside field or index `segment`.
    #[must_use]
    pub fn within(mut self, segment: impl Into<String>) -> Self {
        self.path.insert(0, segment.into());
        self
    }

    /// The path as text: `points[2].x`, or empty at the top.
    pub fn path_text(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            if segment.starts_with('[') || out.is_empty() {
                out.push_str(segment);
            } else {
                out.push('.');
                out.push_str(segment);
            }
        }
        out
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "`{}`: ", self.path_text())?;
        }
        write!(f, "expected {}, got {}", self.expected, self.got)
    }
}

impl std::error::Error for ConvertError {}
