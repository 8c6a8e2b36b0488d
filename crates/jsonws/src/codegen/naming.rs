//! Names and text that every language writer shares: identifiers made from wire names, the
//! reserved words each language escapes, and string literals and comments that no description
//! can break out of.

/// A wire name as an identifier: letters, digits and `_` kept, anything else `_`; a leading
/// digit gets a `_` before it.
pub(crate) fn ident(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Splits a name into words at `_`, `-`, `.`, spaces and lower→upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !(c.is_ascii_alphanumeric()) {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || (chars[i - 1].is_ascii_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `echoDate` → `echo_date`, `HTTPServer` → `http_server`.
pub(crate) fn snake(name: &str) -> String {
    let w = words(name);
    if w.is_empty() {
        return ident(name);
    }
    ident(
        &w.iter()
            .map(|w| w.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join("_"),
    )
}

/// `chat.message` → `ChatMessage`.
pub(crate) fn pascal(name: &str) -> String {
    let w = words(name);
    if w.is_empty() {
        return ident(name);
    }
    ident(
        &w.iter()
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<String>(),
    )
}

/// Words no identifier of the language may be (or should not be, like Python's builtins the
/// generated code uses).
pub(crate) const JS_RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "any",
    "boolean",
    "number",
    "string",
    "symbol",
    "type",
    "undefined",
    "never",
    "unknown",
    "object",
    "declare",
    "namespace",
    "module",
    "readonly",
    "keyof",
    "Date",
    "Uint8Array",
    "Promise",
    "Error",
    "JSON",
    "Object",
    "Array",
    "Map",
    "Set",
    "Record",
    "Partial",
    "Required",
    "Readonly",
    "Pick",
    "Omit",
    "Exclude",
    "Extract",
    "ReturnType",
    "Parameters",
    "Symbol",
    "Function",
    "Number",
    "String",
    "Boolean",
    "BigInt",
    "RegExp",
    "Math",
    "globalThis",
];

/// Python keywords and soft keywords (and `self`): what a param, attribute or method may not be.
pub(crate) const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type", "self", "_",
];

/// Python keywords and the module-level names the generated module relies on: what a type
/// may not be called.
pub(crate) const PY_RESERVED: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "match",
    "case",
    "type",
    "self",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "list",
    "dict",
    "object",
    "datetime",
    "Any",
    "Optional",
    "List",
    "Enum",
    "typing",
    "json",
    "asyncio",
    "dataclass",
    "field",
];

/// Rust keywords (strict and reserved) and the names of the prelude the generated code uses.
pub(crate) const RUST_RESERVED: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union", "Option",
    "Result", "Vec", "String", "Some", "None", "Ok", "Err", "Box",
];

/// `name`, or `name_` when the language reserves it.
pub(crate) fn escape_reserved(name: String, reserved: &[&str]) -> String {
    if reserved.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// A string literal for JavaScript, TypeScript, Python and JSON: JSON's escaping, with `<`,
/// U+2028 and U+2029 escaped too, so the text can also sit inside an HTML `<script>`.
pub(crate) fn string_literal(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A string literal for Rust.
pub(crate) fn rust_string(text: &str) -> String {
    format!("{text:?}")
}

/// Description text as the lines of a comment: line breaks kept (U+2028 and U+2029 are line
/// breaks too: JavaScript ends a `//` comment at them), control characters and the bidirectional
/// overrides (which rustc refuses in comments, and which can make code read as it does not run)
/// removed.
pub(crate) fn comment_lines(text: &str) -> Vec<String> {
    text.replace(['\u{2028}', '\u{2029}'], "\n")
        .replace(
            [
                '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
                '\u{2068}', '\u{2069}',
            ],
            "",
        )
        .trim()
        .lines()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect()
}

/// A `/** … */` block comment (JavaScript, TypeScript) at `indent`: `*/` inside the text is
/// written `*\/`, so it cannot end the comment.
pub(crate) fn block_comment(text: &str, indent: &str) -> String {
    let lines = comment_lines(text);
    if lines.is_empty() {
        return String::new();
    }
    if lines.len() == 1 {
        return format!("{indent}/** {} */\n", lines[0].replace("*/", "*\\/"));
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        let line = line.replace("*/", "*\\/");
        if line.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {line}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// Line comments with `prefix` (`#`, `///`) at `indent`.
pub(crate) fn line_comment(text: &str, indent: &str, prefix: &str) -> String {
    comment_lines(text)
        .into_iter()
        .map(|line| {
            if line.is_empty() {
                format!("{indent}{prefix}\n")
            } else {
                format!("{indent}{prefix} {line}\n")
            }
        })
        .collect()
}

/// A Python docstring at `indent`: backslashes escaped, and every quote that stands next to
/// another or ends the text, so `"""` in the text cannot end it.
pub(crate) fn docstring(text: &str, indent: &str) -> String {
    let lines = comment_lines(text);
    if lines.is_empty() {
        return String::new();
    }
    let joined = lines.join("\n");
    let chars: Vec<char> = joined.chars().collect();
    let mut body = String::with_capacity(joined.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' => body.push_str("\\\\"),
            '"' if chars.get(i + 1).is_none_or(|n| *n == '"') => body.push_str("\\\""),
            c => body.push(c),
        }
    }
    let body: Vec<&str> = body.split('\n').collect();
    if body.len() == 1 {
        return format!("{indent}\"\"\"{}\"\"\"\n", body[0]);
    }
    let mut out = format!("{indent}\"\"\"{}\n", body[0]);
    for line in &body[1..] {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    out.push_str(&format!("{indent}\"\"\"\n"));
    out
}

/// A JSON value as a JavaScript expression (JSON is one), with `<` and the line separators
/// escaped in its strings.
pub(crate) fn json_literal(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake("echoDate"), "echo_date");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(snake("chat.message"), "chat_message");
        assert_eq!(pascal("chat.message"), "ChatMessage");
        assert_eq!(pascal("demo"), "Demo");
        assert_eq!(ident("9lives"), "_9lives");
        assert_eq!(ident("a-b"), "a_b");
    }

    #[test]
    fn nothing_breaks_out() {
        assert_eq!(block_comment("a */ b", ""), "/** a *\\/ b */\n");
        assert_eq!(block_comment("a\n*/", ""), "/**\n * a\n * *\\/\n */\n");
        // No two unescaped quotes side by side, none at the end.
        assert_eq!(
            docstring("say \"\"\" \\", ""),
            "\"\"\"say \\\"\\\"\" \\\\\"\"\"\n"
        );
        assert_eq!(docstring("a \"b\" c", ""), "\"\"\"a \"b\" c\"\"\"\n");
        assert_eq!(docstring("ends \"", ""), "\"\"\"ends \\\"\"\"\"\n");
        assert_eq!(string_literal("</script>"), "\"\\u003c/script>\"");
        assert_eq!(escape_reserved("class".into(), PY_RESERVED), "class_");
        assert_eq!(comment_lines("a\u{2028}b\u{202e}c"), ["a", "bc"]);
    }
}
