//! Go: one file for Go 1.19+, a package of its own, on the standard library only —
//! `net/http` and `encoding/json` for calls, a small RFC 6455 client over `net.Conn` for
//! events and exposed functions. Every call takes a `context.Context` first and returns
//! `(T, error)`; an error reply is an `*Error` with Code, Message and Data; the optional
//! params of a method are a final `*XxxOptions` (nil = defaults).

use std::fmt::Write as _;

use super::naming;
use super::{Model, Namespace, header_lines};
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef};
use crate::service::MethodDef;

const RUNTIME: &str = include_str!("runtime/client.go");

/// Go's keywords and the predeclared names and package names the generated code uses: what a
/// param may not be called (locals of the generated methods are here too).
const GO_RESERVED: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
    "any",
    "bool",
    "byte",
    "error",
    "float64",
    "int64",
    "string",
    "nil",
    "true",
    "false",
    "len",
    "append",
    "json",
    "time",
    "context",
    "ctx",
    "opts",
    "params",
    "rest",
    "given",
    "out",
    "err",
    "n",
];

/// Names the runtime and the client define at package level: what a user type may not be.
const PACKAGE_NAMES: &[&str] = &["Error", "TransportError", "Ptr", "New", "DefaultTimeout"];

/// Members of the client type that a method at the root must not take.
const CLIENT_MEMBERS: &[&str] = &["On", "Expose", "Close"];

/// The package (and file) name of a client called `local_name`: `DemoClient` → `democlient`.
pub(super) fn package_name(local_name: &str) -> String {
    naming::escape_reserved(local_name.to_ascii_lowercase(), GO_RESERVED)
}

/// An exported identifier: `chat.message` → `ChatMessage`; one that would not start with a
/// capital letter gets an `X` before it.
fn exported(name: &str) -> String {
    let p = naming::pascal(name);
    if p.starts_with(|c: char| c.is_ascii_uppercase()) {
        p
    } else {
        format!("X{}", p.trim_start_matches('_'))
    }
}

fn type_name(name: &str) -> String {
    naming::escape_reserved(exported(name), PACKAGE_NAMES)
}

fn param_name(name: &str) -> String {
    let p = naming::pascal(name);
    let mut chars = p.chars();
    let camel = match chars.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + chars.as_str(),
        None => "p".to_owned(),
    };
    naming::escape_reserved(naming::ident(&camel), GO_RESERVED)
}

/// A Go interpreted string literal: quotes, backslashes and control characters escaped (and
/// the bidirectional overrides, which would make the code read as it does not run).
fn go_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{feff}') =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A struct tag's JSON name: the characters encoding/json accepts in a tag name.
fn tag_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || "!#$%&()*+-./:;<=>?@[]^_{|}~ ".contains(*c))
        .collect()
}

/// Aligns the cells (separated by `\x01`) of consecutive lines as gofmt does: each cell but
/// the last padded to the widest of its column, plus one space. A line without cells (a
/// comment, a blank line) ends the run.
fn align(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let lines: Vec<&str> = code.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].contains('\x01') {
            out.push_str(lines[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].contains('\x01') {
            i += 1;
        }
        let rows: Vec<(String, Vec<&str>)> = lines[start..i]
            .iter()
            .map(|l| {
                let body = l.trim_end_matches('\n');
                let text = body.trim_start_matches('\t');
                let indent = "\t".repeat(body.len() - text.len());
                (indent, text.split('\x01').collect())
            })
            .collect();
        let columns = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|k| {
                rows.iter()
                    .filter(|(_, c)| c.len() > k + 1)
                    .map(|(_, c)| c[k].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (indent, cells) in rows {
            out.push_str(&indent);
            for (k, cell) in cells.iter().enumerate() {
                out.push_str(cell);
                if k + 1 < cells.len() {
                    let pad = widths[k] - cell.chars().count() + 1;
                    out.push_str(&" ".repeat(pad));
                }
            }
            out.push('\n');
        }
    }
    out
}

pub(super) fn generate(model: &Model, local_name: &str) -> String {
    Writer { model, local_name }.render()
}

struct Writer<'m> {
    model: &'m Model,
    local_name: &'m str,
}

impl Writer<'_> {
    fn render(&self) -> String {
        let mut out = String::new();
        let package = package_name(self.local_name);
        let [first, second] = header_lines(self.model);
        let _ = writeln!(
            out,
            "// Package {package} is a client of a JSON-RPC service.\n//\n// {first}\n// {second}"
        );
        if !self.model.description.trim().is_empty() {
            out.push_str("//\n");
            out.push_str(&naming::line_comment(&self.model.description, "", "//"));
        }
        let n = self.local_name;
        let _ = writeln!(
            out,
            "//\n// Usage:\n//\n//\tc, err := {package}.New(\"http://127.0.0.1:3000/api/{svc}/{ver}\")\n//\tif err != nil {{ … }}\n//\tdefer c.Close()\n//\n// With an http(s):// URL calls are HTTP POSTs until the first event handler or exposed\n// function is registered; then (and with a ws(s):// URL) everything goes over one WebSocket,\n// which reconnects with backoff and renews its subscriptions. Every call takes a context\n// (a call without a deadline gets DefaultTimeout) and returns an *Error for an error reply,\n// a *TransportError when the call could not be made. The client of type {n} is safe for\n// concurrent use.\npackage {package}\n",
            svc = naming::comment_lines(&self.model.name).join(" "),
            ver = naming::comment_lines(&self.model.version).join(" "),
        );
        out.push_str(RUNTIME);
        let mut code = String::new();
        self.types(&mut code);
        self.client(&mut code);
        out.push_str(&align(&code));
        out
    }

    fn go_type(&self, ty: &TypeRef) -> String {
        let base = match &ty.name {
            TypeName::Builtin(b) => match b {
                Builtin::Int => "int64",
                Builtin::Number => "float64",
                Builtin::Bool => "bool",
                Builtin::String | Builtin::Url => "string",
                Builtin::Date => "time.Time",
                Builtin::Binary => "[]byte",
                Builtin::Object | Builtin::Error => "map[string]any",
                _ => "any",
            }
            .to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => type_name(n),
            TypeName::Named(_) => "any".to_owned(),
        };
        if ty.is_array {
            format!("[]{base}")
        } else {
            base
        }
    }

    /// The type of a value that may be left out: a pointer, except `any`.
    fn optional_type(&self, ty: &TypeRef) -> String {
        let t = self.go_type(ty);
        if t == "any" { t } else { format!("*{t}") }
    }

    fn types(&self, out: &mut String) {
        for def in self.model.types.iter() {
            let name = type_name(def.name());
            out.push('\n');
            match def {
                TypeDef::Enum(e) => {
                    let doc = if e.description.trim().is_empty() {
                        format!("{name} is the enum {}.", e.name)
                    } else {
                        format!("{name}: {}", e.description)
                    };
                    out.push_str(&naming::line_comment(&doc, "", "//"));
                    let _ = writeln!(
                        out,
                        "type {name} string\n\n// The members of {name}.\nconst ("
                    );
                    for (member, value) in &e.members {
                        let _ = writeln!(
                            out,
                            "\t{name}{}\x01{name}\x01= {}\x01// {value}",
                            naming::pascal(member),
                            go_string(member)
                        );
                    }
                    out.push_str(")\n");
                }
                TypeDef::Struct(s) => {
                    let doc = if s.description.trim().is_empty() {
                        format!("{name} is the struct {}.", s.name)
                    } else {
                        format!("{name}: {}", s.description)
                    };
                    out.push_str(&naming::line_comment(&doc, "", "//"));
                    let _ = writeln!(out, "type {name} struct {{");
                    for f in &s.fields {
                        let mut doc = f.description.clone();
                        if let Some(d) = f.default.as_ref().filter(|d| !d.is_null()) {
                            let _ = write!(
                                doc,
                                "{}Default: {d}.",
                                if doc.is_empty() { "" } else { " " }
                            );
                        }
                        out.push_str(&naming::line_comment(&doc, "\t", "//"));
                        let (ty, tag) = if f.required && f.default.is_none() {
                            (self.go_type(&f.ty), tag_name(&f.name))
                        } else {
                            (
                                self.optional_type(&f.ty),
                                format!("{},omitempty", tag_name(&f.name)),
                            )
                        };
                        let _ =
                            writeln!(out, "\t{}\x01{ty}\x01`json:\"{tag}\"`", exported(&f.name));
                    }
                    out.push_str("}\n");
                }
            }
        }
    }

    fn options_name(m: &MethodDef) -> String {
        format!("{}Options", exported(&m.name))
    }

    /// The index of the first param that goes into the options (it and all after it).
    fn first_optional(m: &MethodDef) -> usize {
        m.params
            .iter()
            .position(|p| !p.is_required())
            .unwrap_or(m.params.len())
    }

    fn options(&self, m: &MethodDef, out: &mut String) {
        let first = Writer::first_optional(m);
        if first == m.params.len() {
            return;
        }
        let name = Writer::options_name(m);
        let _ = writeln!(
            out,
            "\n// {name} holds the optional params of {}: a nil field is left out (or sent as its\n// default when a later one is given).\ntype {name} struct {{",
            m.name
        );
        for p in &m.params[first..] {
            let mut doc = p.description.clone();
            if let Some(d) = p.default.as_ref().filter(|d| !d.is_null()) {
                let _ = write!(
                    doc,
                    "{}Default: {d}.",
                    if doc.is_empty() { "" } else { " " }
                );
            }
            out.push_str(&naming::line_comment(&doc, "\t", "//"));
            let _ = writeln!(
                out,
                "\t{}\x01{}",
                exported(&p.name),
                self.optional_type(&p.ty)
            );
        }
        out.push_str("}\n");
    }

    fn method(&self, m: &MethodDef, receiver: &str, root: bool, out: &mut String) {
        let (_, own) = Model::split(&m.name);
        let mut name = exported(own);
        if root {
            name = naming::escape_reserved(name, CLIENT_MEMBERS);
        }
        let first = Writer::first_optional(m);
        let mut args = vec!["ctx context.Context".to_owned()];
        let mut required = Vec::new();
        for p in &m.params[..first] {
            let pn = param_name(&p.name);
            args.push(format!("{pn} {}", self.go_type(&p.ty)));
            required.push(pn);
        }
        if first < m.params.len() {
            args.push(format!("opts *{}", Writer::options_name(m)));
        }
        let result = m.returns.as_ref().map(|t| self.go_type(t));
        let returns = match &result {
            Some(t) => format!("({t}, error)"),
            None => "error".to_owned(),
        };
        let doc = if m.description.trim().is_empty() {
            format!("{name} calls {}.", m.name)
        } else {
            format!("{name}: {}\n\nIt calls {}.", m.description, m.name)
        };
        out.push('\n');
        out.push_str(&naming::line_comment(&doc, "", "//"));
        let _ = writeln!(
            out,
            "func (n *{receiver}) {name}({}) {returns} {{",
            args.join(", ")
        );
        let _ = writeln!(out, "\tparams := []any{{{}}}", required.join(", "));
        if first < m.params.len() {
            out.push_str("\tif opts != nil {\n\t\tvar rest []any\n\t\tgiven := 0\n");
            for p in &m.params[first..] {
                let field = exported(&p.name);
                let default = p
                    .default
                    .as_ref()
                    .map_or("null".to_owned(), |d| d.to_string());
                let _ = writeln!(
                    out,
                    "\t\trest = append(rest, orDefault(opts.{field}, {}))\n\t\tif opts.{field} != nil {{\n\t\t\tgiven = len(rest)\n\t\t}}",
                    go_string(&default)
                );
            }
            out.push_str("\t\tparams = append(params, rest[:given]...)\n\t}\n");
        }
        match &result {
            Some(t) => {
                let _ = writeln!(
                    out,
                    "\tvar out {t}\n\terr := n.core.call(ctx, {}, params, &out)\n\treturn out, err\n}}",
                    go_string(&m.name)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "\treturn n.core.call(ctx, {}, params, nil)\n}}",
                    go_string(&m.name)
                );
            }
        }
    }

    fn namespace_type(&self, path: &str) -> String {
        format!("{}{}", self.local_name, naming::pascal(path))
    }

    fn namespace(&self, ns: &Namespace<'_>, out: &mut String) {
        let ty = self.namespace_type(&ns.path);
        let _ = writeln!(
            out,
            "\n// {ty} holds the methods of the namespace {}.\ntype {ty} struct {{\n\tcore\x01*core",
            naming::comment_lines(&ns.path).join(" ")
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "\t{}\x01*{}",
                exported(child.leaf()),
                self.namespace_type(&child.path)
            );
        }
        out.push_str("}\n");
        for m in &ns.methods {
            self.options(m, out);
            self.method(m, &ty, false, out);
        }
        for child in &ns.children {
            self.namespace(child, out);
        }
    }

    fn constructor_fields(&self, ns: &Namespace<'_>) -> String {
        let mut fields = vec!["core: c".to_owned()];
        for child in &ns.children {
            fields.push(format!(
                "{}: {}",
                exported(child.leaf()),
                self.namespace_literal(child)
            ));
        }
        fields.join(", ")
    }

    fn namespace_literal(&self, ns: &Namespace<'_>) -> String {
        format!(
            "&{}{{{}}}",
            self.namespace_type(&ns.path),
            self.constructor_fields(ns)
        )
    }

    fn client(&self, out: &mut String) {
        let root = Namespace::tree(self.model);
        let n = self.local_name;
        let _ = writeln!(
            out,
            "\n// {n} is a client of {} {}.\ntype {n} struct {{\n\tcore\x01*core",
            naming::comment_lines(&self.model.name).join(" "),
            naming::comment_lines(&self.model.version).join(" "),
        );
        for child in &root.children {
            let _ = writeln!(
                out,
                "\t{}\x01*{}",
                naming::escape_reserved(exported(child.leaf()), CLIENT_MEMBERS),
                self.namespace_type(&child.path)
            );
        }
        out.push_str("}\n");
        let mut fields = vec!["core: c".to_owned()];
        for child in &root.children {
            fields.push(format!(
                "{}: {}",
                naming::escape_reserved(exported(child.leaf()), CLIENT_MEMBERS),
                self.namespace_literal(child)
            ));
        }
        let _ = writeln!(
            out,
            "\n// New returns a client of the service at serviceURL: http(s):// or ws(s)://, e.g.\n// http://127.0.0.1:3000/api/{}/{}. It fails for any other URL; nothing is sent until the\n// first call.\nfunc New(serviceURL string) (*{n}, error) {{\n\tu, err := url.Parse(serviceURL)\n\tif err != nil || u.Host == \"\" || (u.Scheme != \"http\" && u.Scheme != \"https\" && u.Scheme != \"ws\" && u.Scheme != \"wss\") {{\n\t\treturn nil, fmt.Errorf(\"not an http(s):// or ws(s):// URL: %q\", serviceURL)\n\t}}\n\tc := newCore(serviceURL)\n\treturn &{n}{{{}}}, nil\n}}",
            naming::comment_lines(&self.model.name).join(" "),
            naming::comment_lines(&self.model.version).join(" "),
            fields.join(", ")
        );
        for m in &root.methods {
            self.options(m, out);
            self.method(m, n, true, out);
        }
        for child in &root.children {
            self.namespace(child, out);
        }
        let _ = writeln!(
            out,
            "\n// On calls handler with the data of each event called name (nil when it has none), over\n// the WebSocket, which opens now. It returns the function that stops it.\nfunc (n *{n}) On(ctx context.Context, name string, handler func(data json.RawMessage)) (func(), error) {{\n\treturn n.core.on(ctx, name, handler)\n}}"
        );
        for e in &self.model.events {
            let method = format!("On{}", exported(&e.name));
            let doc = if e.description.trim().is_empty() {
                format!("{method} calls handler with each {} event.", e.name)
            } else {
                format!(
                    "{method} calls handler with each {} event: {}\n\nIt returns the function that stops it.",
                    e.name, e.description
                )
            };
            out.push('\n');
            out.push_str(&naming::line_comment(&doc, "", "//"));
            match &e.ty {
                Some(t) => {
                    let t = self.go_type(t);
                    let _ = writeln!(
                        out,
                        "func (n *{n}) {method}(ctx context.Context, handler func({t})) (func(), error) {{\n\treturn n.core.on(ctx, {}, func(data json.RawMessage) {{\n\t\tvar v {t}\n\t\tif len(data) > 0 && json.Unmarshal(data, &v) != nil {{\n\t\t\treturn\n\t\t}}\n\t\thandler(v)\n\t}})\n}}",
                        go_string(&e.name)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "func (n *{n}) {method}(ctx context.Context, handler func()) (func(), error) {{\n\treturn n.core.on(ctx, {}, func(json.RawMessage) {{ handler() }})\n}}",
                        go_string(&e.name)
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "\n// Expose answers calls of name from the server with fn, which gets the params as JSON (an\n// array, or an object for named params); return an *Error to answer with an error. The\n// WebSocket opens now.\nfunc (n *{n}) Expose(ctx context.Context, name string, fn func(params json.RawMessage) (any, error)) error {{\n\treturn n.core.expose(ctx, name, fn)\n}}\n\n// Close closes the WebSocket for good.\nfunc (n *{n}) Close() error {{\n\treturn n.core.close()\n}}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings() {
        assert_eq!(package_name("DemoClient"), "democlient");
        assert_eq!(package_name("Type"), "type_");
        assert_eq!(param_name("type"), "type_");
        assert_eq!(param_name("ctx"), "ctx_");
        assert_eq!(exported("chat.message"), "ChatMessage");
        assert_eq!(exported("9lives"), "X9lives");
        assert_eq!(go_string("a\"b\\\n\u{202e}✓"), "\"a\\\"b\\\\\\n\\u202e✓\"");
        assert_eq!(tag_name("a`b\"c,d"), "abcd");
    }

    #[test]
    fn cells_align_as_gofmt_aligns_them() {
        let code = "type T struct {\n\tcore\x01*core\n\tMath\x01*M\n\t// a comment ends the run\n\tLonger\x01int64\x01`json:\"x\"`\n\tY\x01string\x01`json:\"y\"`\n}\n";
        assert_eq!(
            align(code),
            "type T struct {\n\tcore *core\n\tMath *M\n\t// a comment ends the run\n\tLonger int64  `json:\"x\"`\n\tY      string `json:\"y\"`\n}\n"
        );
    }
}
