//! PHP: one file for PHP 8.1+, in a namespace named after the client, on PHP's own functions
//! only — HTTP through streams (no curl), and for events and exposed functions a small
//! WebSocket client on `stream_socket_client`, read while a call waits for its reply and in a
//! blocking `listen()` loop. Structs are classes with typed properties, enums backed enums,
//! optional params default args.

use std::fmt::Write as _;

use serde_json::Value;

use super::naming;
use super::{Model, Namespace, header_lines};
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef};
use crate::service::MethodDef;

const RUNTIME: &str = include_str!("runtime/client.php");

/// PHP's reserved words and the names of its built-in types (case-insensitive): what a class may
/// not be called.
const PHP_RESERVED: &[&str] = &[
    "abstract",
    "and",
    "array",
    "as",
    "break",
    "callable",
    "case",
    "catch",
    "class",
    "clone",
    "const",
    "continue",
    "declare",
    "default",
    "do",
    "echo",
    "else",
    "elseif",
    "empty",
    "enddeclare",
    "endfor",
    "endforeach",
    "endif",
    "endswitch",
    "endwhile",
    "enum",
    "eval",
    "exit",
    "die",
    "extends",
    "final",
    "finally",
    "fn",
    "for",
    "foreach",
    "function",
    "global",
    "goto",
    "if",
    "implements",
    "include",
    "include_once",
    "instanceof",
    "insteadof",
    "interface",
    "isset",
    "list",
    "match",
    "namespace",
    "new",
    "or",
    "print",
    "private",
    "protected",
    "public",
    "readonly",
    "require",
    "require_once",
    "return",
    "static",
    "switch",
    "throw",
    "trait",
    "try",
    "unset",
    "use",
    "var",
    "while",
    "xor",
    "yield",
    "int",
    "float",
    "bool",
    "string",
    "true",
    "false",
    "null",
    "void",
    "iterable",
    "object",
    "mixed",
    "never",
    "self",
    "parent",
    "resource",
    "numeric",
    "jsonrpcexception",
    "transportexception",
    "wire",
    "websocket",
    "core",
];

/// Members of the client class that a method at the root must not take.
const CLIENT_MEMBERS: &[&str] = &["on", "expose", "listen", "stop", "close", "__construct"];

fn reserved(name: &str, words: &[&str]) -> bool {
    words.iter().any(|w| w.eq_ignore_ascii_case(name))
}

/// A variable or property name: `$this` is PHP's own.
fn var_name(name: &str) -> String {
    let id = naming::ident(name);
    if id == "this" { "this_".to_owned() } else { id }
}

/// A method name: PHP allows keywords there; `__construct` and friends are PHP's own.
fn method_name(name: &str) -> String {
    let id = naming::ident(name);
    if id.starts_with("__") {
        format!("x{id}")
    } else {
        id
    }
}

/// A single-quoted PHP string: only `\` and `'` need escaping.
fn php_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A JSON value as a PHP expression (objects as arrays).
fn php_literal(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => php_string(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(php_literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "[{}]",
            map.iter()
                .map(|(k, v)| format!("{} => {}", php_string(k), php_literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub(super) fn generate(model: &Model, local_name: &str) -> String {
    Writer { model, local_name }.render()
}

struct Writer<'m> {
    model: &'m Model,
    local_name: &'m str,
}

impl Writer<'_> {
    fn type_name(&self, name: &str) -> String {
        let id = naming::ident(name);
        if reserved(&id, PHP_RESERVED) || id.eq_ignore_ascii_case(self.local_name) {
            id + "_"
        } else {
            id
        }
    }

    fn render(&self) -> String {
        let mut out = String::from("<?php\n\n");
        let [first, second] = header_lines(self.model);
        let n = self.local_name;
        let mut doc = format!("{first}\n{second}\n");
        if !self.model.description.trim().is_empty() {
            doc.push('\n');
            doc.push_str(&self.model.description);
            doc.push('\n');
        }
        let _ = write!(
            doc,
            "\nUsage:\n\n    require 'DemoClient.php';\n    $c = new \\{n}\\{n}('http://127.0.0.1:3000/api/{}/{}');\n\nWith an http(s):// URL calls are HTTP POSTs until the first event handler or exposed function\nis registered; then (and with a ws(s):// URL) everything goes over one WebSocket, read while a\ncall waits for its reply and in listen(), which runs the handlers until stop() or its time is\nup. An error reply throws JsonRpcException; a failed call TransportException.",
            naming::comment_lines(&self.model.name).join(" "),
            naming::comment_lines(&self.model.version).join(" "),
        );
        let doc = doc.replace("DemoClient.php", &format!("{n}.php"));
        out.push_str(&naming::block_comment(&doc, ""));
        let _ = writeln!(out, "\ndeclare(strict_types=1);\n\nnamespace {n};\n");
        out.push_str(RUNTIME);
        self.types(&mut out);
        self.client(&mut out);
        out
    }

    fn php_type(&self, ty: &TypeRef) -> String {
        if ty.is_array {
            return "array".to_owned();
        }
        match &ty.name {
            TypeName::Builtin(b) => match b {
                Builtin::Int => "int",
                Builtin::Number => "float",
                Builtin::Bool => "bool",
                Builtin::String | Builtin::Url | Builtin::Binary => "string",
                Builtin::Date => "\\DateTimeImmutable",
                Builtin::Object | Builtin::Error => "array",
                _ => "mixed",
            }
            .to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => self.type_name(n),
            TypeName::Named(_) => "mixed".to_owned(),
        }
    }

    /// The type for docs: `list<float>` for arrays.
    fn doc_type(&self, ty: &TypeRef) -> String {
        if ty.is_array {
            let mut inner = ty.clone();
            inner.is_array = false;
            format!("list<{}>", self.php_type(&inner))
        } else {
            self.php_type(ty)
        }
    }

    fn nullable(&self, ty: &TypeRef) -> String {
        let t = self.php_type(ty);
        if t == "mixed" { t } else { format!("?{t}") }
    }

    fn spec(&self, ty: &TypeRef) -> String {
        let inner = match &ty.name {
            TypeName::Builtin(Builtin::Int) => "int".to_owned(),
            TypeName::Builtin(Builtin::Number) => "float".to_owned(),
            TypeName::Builtin(Builtin::Date) => "date".to_owned(),
            TypeName::Builtin(Builtin::Binary) => "binary".to_owned(),
            TypeName::Builtin(Builtin::Object | Builtin::Error) => "object".to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => self.type_name(n),
            _ => String::new(),
        };
        if ty.is_array {
            format!("[{inner}]")
        } else {
            inner
        }
    }

    fn enum_case(name: &str) -> String {
        let id = naming::ident(name);
        if id.eq_ignore_ascii_case("class") {
            id + "_"
        } else {
            id
        }
    }

    /// A default value as a PHP default argument of type `ty`, when it is one.
    fn default_arg(&self, ty: &TypeRef, value: &Value) -> Option<String> {
        let t = self.php_type(ty);
        match (t.as_str(), value) {
            ("int", Value::Number(n)) if n.is_i64() => Some(n.to_string()),
            ("float", Value::Number(n)) => Some(match n.as_i64() {
                Some(i) => format!("{i}.0"),
                None => n.to_string(),
            }),
            ("bool", Value::Bool(b)) => Some(b.to_string()),
            ("string", Value::String(s)) if ty.name != TypeName::Builtin(Builtin::Binary) => {
                Some(php_string(s))
            }
            ("array", Value::Array(_) | Value::Object(_)) => Some(php_literal(value)),
            ("mixed", v) => Some(php_literal(v)),
            (_, Value::String(s)) => match &ty.name {
                TypeName::Named(n) => match self.model.types.get(n) {
                    Some(TypeDef::Enum(e)) if e.members.iter().any(|(m, _)| m == s) => {
                        Some(format!("{}::{}", self.type_name(n), Writer::enum_case(s)))
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    fn types(&self, out: &mut String) {
        for def in self.model.types.iter() {
            let name = self.type_name(def.name());
            out.push('\n');
            match def {
                TypeDef::Enum(e) => {
                    let doc = if e.description.trim().is_empty() {
                        format!("The enum {}.", e.name)
                    } else {
                        e.description.clone()
                    };
                    out.push_str(&naming::block_comment(&doc, ""));
                    let _ = writeln!(out, "enum {name}: string\n{{");
                    for (member, value) in &e.members {
                        let _ = writeln!(
                            out,
                            "    /** {value} */\n    case {} = {};",
                            Writer::enum_case(member),
                            php_string(member)
                        );
                    }
                    out.push_str("}\n");
                }
                TypeDef::Struct(s) => {
                    let doc = if s.description.trim().is_empty() {
                        format!("The struct {}.", s.name)
                    } else {
                        s.description.clone()
                    };
                    out.push_str(&naming::block_comment(&doc, ""));
                    let fields: Vec<String> = s
                        .fields
                        .iter()
                        .map(|f| {
                            format!(
                                "{} => [{}, {}]",
                                php_string(&f.name),
                                php_string(&var_name(&f.name)),
                                php_string(&self.spec(&f.ty))
                            )
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "final class {name}\n{{\n    /** Each field's wire name => [property, spec]. */\n    public const FIELDS = [{}];\n\n    public function __construct(",
                        fields.join(", ")
                    );
                    let (required, optional): (Vec<_>, Vec<_>) = s
                        .fields
                        .iter()
                        .partition(|f| f.required && f.default.is_none());
                    for f in required.iter().chain(&optional) {
                        let mut about = f.description.clone();
                        if let Some(d) = f.default.as_ref().filter(|d| !d.is_null()) {
                            let _ = write!(
                                about,
                                "{}Default: {d}.",
                                if about.is_empty() { "" } else { " " }
                            );
                        }
                        out.push_str(&naming::block_comment(&about, "        "));
                        let prop = var_name(&f.name);
                        if f.required && f.default.is_none() {
                            let _ =
                                writeln!(out, "        public {} ${prop},", self.php_type(&f.ty));
                        } else {
                            let _ = writeln!(
                                out,
                                "        public {} ${prop} = null,",
                                self.nullable(&f.ty)
                            );
                        }
                    }
                    out.push_str("    ) {\n    }\n}\n");
                }
            }
        }
    }

    fn method(&self, m: &MethodDef, root: bool, out: &mut String) {
        let (_, own) = Model::split(&m.name);
        let mut name = method_name(own);
        if root && reserved(&name, CLIENT_MEMBERS) {
            name.push('_');
        }
        let mut decl = Vec::new();
        let mut wire = Vec::new();
        let mut docs = Vec::new();
        let mut optional = false;
        for p in &m.params {
            let var = var_name(&p.name);
            let default = p.default.as_ref().filter(|d| !d.is_null());
            let spec = php_string(&self.spec(&p.ty));
            match default {
                Some(d) => {
                    optional = true;
                    match self.default_arg(&p.ty, d) {
                        Some(arg) => {
                            decl.push(format!("{} ${var} = {arg}", self.php_type(&p.ty)));
                            wire.push(format!("[${var}, {spec}]"));
                        }
                        None => {
                            decl.push(format!("{} ${var} = null", self.nullable(&p.ty)));
                            wire.push(format!("[${var}, {spec}, {}]", php_literal(d)));
                        }
                    }
                }
                None if !p.is_required() || optional => {
                    optional = true;
                    decl.push(format!("{} ${var} = null", self.nullable(&p.ty)));
                    wire.push(format!("[${var}, {spec}]"));
                }
                None => {
                    decl.push(format!("{} ${var}", self.php_type(&p.ty)));
                    wire.push(format!("[${var}, {spec}]"));
                }
            }
            let mut about = p.description.clone();
            if let Some(d) = default {
                let _ = write!(
                    about,
                    "{}Default: {d}.",
                    if about.is_empty() { "" } else { " " }
                );
            }
            docs.push(format!(
                "@param {} ${var} {}",
                self.doc_type(&p.ty),
                naming::comment_lines(&about).join(" ")
            ));
        }
        let mut doc = if m.description.trim().is_empty() {
            format!("Calls {}.", m.name)
        } else {
            format!("{}\n\nCalls {}.", m.description, m.name)
        };
        doc.push('\n');
        for d in docs {
            doc.push('\n');
            doc.push_str(d.trim_end());
        }
        if let Some(t) = m.returns.as_ref().filter(|t| t.is_array) {
            let _ = write!(doc, "\n@return {}", self.doc_type(t));
        }
        let returns = m
            .returns
            .as_ref()
            .map_or("void".to_owned(), |t| self.php_type(t));
        let spec = m.returns.as_ref().map(|t| self.spec(t)).unwrap_or_default();
        out.push('\n');
        out.push_str(&naming::block_comment(&doc, "    "));
        let _ = writeln!(
            out,
            "    public function {name}({}): {returns}\n    {{\n        {}$this->core->call({}, [{}], {});\n    }}",
            decl.join(", "),
            if returns == "void" { "" } else { "return " },
            php_string(&m.name),
            wire.join(", "),
            php_string(&spec)
        );
    }

    fn namespace_class(&self, path: &str) -> String {
        format!("{}{}", self.local_name, naming::pascal(path))
    }

    fn property(leaf: &str) -> String {
        let p = var_name(leaf);
        if p == "core" { "core_".to_owned() } else { p }
    }

    fn namespace(&self, ns: &Namespace<'_>, out: &mut String) {
        let class = self.namespace_class(&ns.path);
        let _ = writeln!(
            out,
            "\n/** The methods of the namespace {}. */\nfinal class {class}\n{{",
            naming::comment_lines(&ns.path)
                .join(" ")
                .replace("*/", "*\\/")
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "    public readonly {} ${};",
                self.namespace_class(&child.path),
                Writer::property(child.leaf())
            );
        }
        out.push_str("\n    public function __construct(private readonly Core $core)\n    {\n");
        for child in &ns.children {
            let _ = writeln!(
                out,
                "        $this->{} = new {}($core);",
                Writer::property(child.leaf()),
                self.namespace_class(&child.path)
            );
        }
        out.push_str("    }\n");
        for m in &ns.methods {
            self.method(m, false, out);
        }
        out.push_str("}\n");
        for child in &ns.children {
            self.namespace(child, out);
        }
    }

    fn client(&self, out: &mut String) {
        let root = Namespace::tree(self.model);
        for child in &root.children {
            self.namespace(child, out);
        }
        let n = self.local_name;
        let events: Vec<String> = self
            .model
            .events
            .iter()
            .map(|e| {
                format!(
                    "{} => {}",
                    php_string(&e.name),
                    php_string(&e.ty.as_ref().map(|t| self.spec(t)).unwrap_or_default())
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "\n/** A client of {} {}. */\nfinal class {n}\n{{\n    private const EVENTS = [{}];\n\n    private readonly Core $core;",
            naming::comment_lines(&self.model.name)
                .join(" ")
                .replace("*/", "*\\/"),
            naming::comment_lines(&self.model.version)
                .join(" ")
                .replace("*/", "*\\/"),
            events.join(", ")
        );
        for child in &root.children {
            let _ = writeln!(
                out,
                "    public readonly {} ${};",
                self.namespace_class(&child.path),
                Writer::property(child.leaf())
            );
        }
        out.push_str("\n    /** A client of the service at $url: http(s):// or ws(s)://; calls time out after $timeout seconds. */\n    public function __construct(string $url, float $timeout = 30.0)\n    {\n        $this->core = new Core($url, $timeout, self::EVENTS);\n");
        for child in &root.children {
            let _ = writeln!(
                out,
                "        $this->{} = new {}($this->core);",
                Writer::property(child.leaf()),
                self.namespace_class(&child.path)
            );
        }
        out.push_str("    }\n");
        for m in &root.methods {
            self.method(m, true, out);
        }
        out.push_str("\n    /** Calls $handler with the data of each $event (over the WebSocket, which opens now) while a call waits or listen() runs; returns the function that stops it. */\n    public function on(string $event, callable $handler): \\Closure\n    {\n        return $this->core->on($event, $handler);\n    }\n");
        for e in &self.model.events {
            let method = format!("on{}", naming::pascal(&e.name));
            let arg = match &e.ty {
                Some(t) => format!("callable({}): mixed", self.doc_type(t)),
                None => "callable(): mixed".to_owned(),
            };
            let mut doc = if e.description.trim().is_empty() {
                format!("Calls $handler with each {} event.", e.name)
            } else {
                format!(
                    "{}\n\nCalls $handler with each {} event.",
                    e.description, e.name
                )
            };
            let _ = write!(
                doc,
                "\n\n@param {arg} $handler\n@return \\Closure the function that stops it"
            );
            out.push('\n');
            out.push_str(&naming::block_comment(&doc, "    "));
            let _ = writeln!(
                out,
                "    public function {method}(callable $handler): \\Closure\n    {{\n        return $this->core->on({}, $handler);\n    }}",
                php_string(&e.name)
            );
        }
        out.push_str("\n    /** Answers calls of $name from the server with $fn(...$params) (over the WebSocket, which opens now); throw JsonRpcException to answer with an error. */\n    public function expose(string $name, callable $fn): void\n    {\n        $this->core->expose($name, $fn);\n    }\n\n    /** Reads the WebSocket and runs the handlers until stop() is called or $seconds (null: no limit) are up; reconnects when the connection drops. */\n    public function listen(?float $seconds = null): void\n    {\n        $this->core->listen($seconds);\n    }\n\n    /** Makes listen() return (from a handler). */\n    public function stop(): void\n    {\n        $this->core->stop();\n    }\n\n    /** Closes the WebSocket for good. */\n    public function close(): void\n    {\n        $this->core->close();\n    }\n}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_literals() {
        assert_eq!(var_name("this"), "this_");
        assert_eq!(var_name("class"), "class");
        assert_eq!(method_name("__construct"), "x__construct");
        assert_eq!(php_string("it's \\ ?>"), "'it\\'s \\\\ ?>'");
        assert_eq!(
            php_literal(&serde_json::json!({"a": [1, "x"], "b": null})),
            "['a' => [1, 'x'], 'b' => null]"
        );
        assert!(reserved("LIST", PHP_RESERVED));
    }
}
