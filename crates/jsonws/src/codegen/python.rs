//! Python: one module for Python 3.9+ with the standard library only — a blocking client over
//! urllib and `Async{Name}` over asyncio. Events and exposed methods need a WebSocket, and so
//! the package `websockets>=13`, imported only then. Structs are dataclasses, enums `str`
//! enums; methods are snake_case and keep their wire names.

use std::fmt::Write as _;

use serde_json::Value;

use super::naming::{self, PY_KEYWORDS, PY_RESERVED};
use super::{Model, Namespace, header_lines};
use crate::schema::{Builtin, FieldDef, TypeDef, TypeName, TypeRef};
use crate::service::MethodDef;

const RUNTIME: &str = include_str!("runtime/client.py");

/// Names the runtime defines: user types must not take them.
const RUNTIME_NAMES: &[&str] = &[
    "JsonRpcError",
    "TransportError",
    "Awaitable",
    "Callable",
    "Dict",
    "Tuple",
    "Enum",
    "timedelta",
    "timezone",
    "re",
    "random",
    "threading",
    "inspect",
    "logging",
    "base64",
    "urllib",
    "concurrent",
];

/// Members of the client classes that methods must not take.
const CLIENT_MEMBERS: &[&str] = &["on", "expose", "close", "_core"];

fn type_name(name: &str) -> String {
    let name = naming::escape_reserved(naming::ident(name), PY_RESERVED);
    naming::escape_reserved(name, RUNTIME_NAMES)
}

/// An enum member: an identifier that is no keyword, and not `name`, `value` or `mro`, which
/// Python's `Enum` takes for itself.
fn enum_member(name: &str) -> String {
    let id = naming::escape_reserved(naming::ident(name), PY_KEYWORDS);
    naming::escape_reserved(id, &["name", "value", "mro"])
}

fn attr_name(name: &str) -> String {
    let snake = naming::snake(name);
    let snake = if snake.starts_with('_') && !name.starts_with('_') {
        snake.trim_start_matches('_').to_owned()
    } else {
        snake
    };
    naming::escape_reserved(naming::ident(&snake), PY_KEYWORDS)
}

/// A JSON value as a Python expression.
fn literal(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => naming::string_literal(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", naming::string_literal(k), literal(v)))
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
    fn render(&self) -> String {
        let mut out = String::new();
        let [first, second] = header_lines(self.model);
        let mut doc = format!("{first}\n{second}\n");
        if !self.model.description.trim().is_empty() {
            doc.push('\n');
            doc.push_str(&self.model.description);
            doc.push('\n');
        }
        let n = self.local_name;
        let _ = write!(
            doc,
            "\nUsage::\n\n    client = {n}('http://127.0.0.1:3000/api/{svc}/{ver}')\n    async_client = Async{n}('ws://127.0.0.1:3000/api/{svc}/{ver}')\n\nCalls go as HTTP POST to an http(s):// URL until the first event handler or exposed method\nis registered; then (and with a ws(s):// URL) everything goes over one WebSocket, which needs\nthe package websockets>=13 (imported only then).\n",
            svc = naming::comment_lines(&self.model.name).join(" "),
            ver = naming::comment_lines(&self.model.version).join(" "),
        );
        out.push_str(&naming::docstring(&doc, ""));
        out.push_str("\nfrom __future__ import annotations\n\n");
        out.push_str(RUNTIME);
        self.types(&mut out);
        self.tables(&mut out);
        self.client(&mut out, false);
        self.client(&mut out, true);
        let mut names = vec![
            n.to_owned(),
            format!("Async{n}"),
            "JsonRpcError".into(),
            "TransportError".into(),
        ];
        names.extend(self.model.types.iter().map(|t| type_name(t.name())));
        let _ = writeln!(
            out,
            "\n\n__all__ = [{}]",
            names
                .iter()
                .map(|n| naming::string_literal(n))
                .collect::<Vec<_>>()
                .join(", ")
        );
        out
    }

    fn py_type(&self, ty: &TypeRef) -> String {
        let base = match &ty.name {
            TypeName::Builtin(b) => match b {
                Builtin::Int => "int",
                Builtin::Number => "float",
                Builtin::Bool => "bool",
                Builtin::String | Builtin::Url => "str",
                Builtin::Date => "datetime",
                Builtin::Binary => "bytes",
                Builtin::Object | Builtin::Error => "Dict[str, Any]",
                _ => "Any",
            }
            .to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => type_name(n),
            TypeName::Named(_) => "Any".to_owned(),
        };
        if ty.is_array {
            format!("List[{base}]")
        } else {
            base
        }
    }

    /// A default as a Python expression of its type: dates and bytes decoded, enum members by
    /// value; structs and the rest as the JSON literal (structs go on the wire as dicts too).
    fn default_expr(&self, ty: &TypeRef, value: &Value) -> String {
        let text = literal(value);
        if ty.is_array {
            return text;
        }
        match (&ty.name, value) {
            (TypeName::Builtin(Builtin::Date), Value::String(_) | Value::Number(_)) => {
                format!("_parse_date({text})")
            }
            (TypeName::Builtin(Builtin::Binary), Value::String(_)) => {
                format!("base64.b64decode({text})")
            }
            (TypeName::Named(n), Value::String(_))
                if matches!(self.model.types.get(n), Some(TypeDef::Enum(_))) =>
            {
                format!("{}({text})", type_name(n))
            }
            _ => text,
        }
    }

    fn spec(&self, ty: &TypeRef) -> String {
        let inner = match &ty.name {
            TypeName::Builtin(Builtin::Date) => "date".to_owned(),
            TypeName::Builtin(Builtin::Binary) => "binary".to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => n.clone(),
            _ => String::new(),
        };
        if inner.is_empty() || !ty.is_array {
            inner
        } else {
            format!("[{inner}]")
        }
    }

    fn types(&self, out: &mut String) {
        // Enums first: struct fields may default to their members.
        let (enums, structs): (Vec<&TypeDef>, Vec<&TypeDef>) = self
            .model
            .types
            .iter()
            .partition(|t| matches!(t, TypeDef::Enum(_)));
        for def in enums.into_iter().chain(structs) {
            let name = type_name(def.name());
            out.push_str("\n\n");
            match def {
                TypeDef::Enum(e) => {
                    let _ = writeln!(out, "class {name}(str, Enum):");
                    let doc = if e.description.trim().is_empty() {
                        format!("The enum {}.", e.name)
                    } else {
                        e.description.clone()
                    };
                    out.push_str(&naming::docstring(&doc, "    "));
                    for (member, value) in &e.members {
                        let _ = writeln!(
                            out,
                            "    {} = {}  # {value}",
                            enum_member(member),
                            naming::string_literal(member)
                        );
                    }
                }
                TypeDef::Struct(s) => {
                    let _ = writeln!(out, "@dataclass\nclass {name}:");
                    let doc = if s.description.trim().is_empty() {
                        format!("The struct {}.", s.name)
                    } else {
                        s.description.clone()
                    };
                    out.push_str(&naming::docstring(&doc, "    "));
                    // Dataclasses want fields without a default first.
                    let (required, optional): (Vec<&FieldDef>, Vec<&FieldDef>) = s
                        .fields
                        .iter()
                        .partition(|f| f.required && f.default.is_none());
                    for f in required.iter().chain(&optional) {
                        let attr = attr_name(&f.name);
                        let ty = self.py_type(&f.ty);
                        let line = match (&f.default, f.required) {
                            (None, true) => format!("    {attr}: {ty}"),
                            (Some(d @ (Value::Array(_) | Value::Object(_))), _) => format!(
                                "    {attr}: Optional[{ty}] = field(default_factory=lambda: {})",
                                literal(d)
                            ),
                            (Some(d), _) if !d.is_null() => {
                                format!(
                                    "    {attr}: Optional[{ty}] = {}",
                                    self.default_expr(&f.ty, d)
                                )
                            }
                            _ => format!("    {attr}: Optional[{ty}] = None"),
                        };
                        out.push_str(&naming::line_comment(&f.description, "    ", "#"));
                        out.push_str(&line);
                        out.push('\n');
                    }
                    if s.fields.is_empty() {
                        out.push_str("    pass\n");
                    }
                }
            }
        }
    }

    fn tables(&self, out: &mut String) {
        out.push_str("\n\n# What the runtime converts: each struct's class and fields (wire name: attribute, type).\n_STRUCTS: Dict[str, Tuple[Any, Dict[str, Tuple[str, str]]]] = {\n");
        for def in self.model.types.iter() {
            if let TypeDef::Struct(s) = def {
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: ({}, {})",
                            naming::string_literal(&f.name),
                            naming::string_literal(&attr_name(&f.name)),
                            naming::string_literal(&self.spec(&f.ty))
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "    {}: ({}, {{{}}}),",
                    naming::string_literal(&s.name),
                    type_name(&s.name),
                    fields.join(", ")
                );
            }
        }
        out.push_str("}\n_ENUMS: Dict[str, Any] = {\n");
        for def in self.model.types.iter() {
            if let TypeDef::Enum(e) = def {
                let _ = writeln!(
                    out,
                    "    {}: {},",
                    naming::string_literal(&e.name),
                    type_name(&e.name)
                );
            }
        }
        out.push_str("}\n_EVENTS: Dict[str, str] = {\n");
        for e in &self.model.events {
            let spec = e.ty.as_ref().map(|t| self.spec(t)).unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}: {},",
                naming::string_literal(&e.name),
                naming::string_literal(&spec)
            );
        }
        out.push_str("}\n");
    }

    fn signature(&self, m: &MethodDef) -> (String, String) {
        let mut decl = vec!["self".to_owned()];
        let mut wire = Vec::new();
        let mut seen_default = false;
        for p in &m.params {
            let name = attr_name(&p.name);
            let ty = self.py_type(&p.ty);
            let default = p.default.as_ref().filter(|d| !d.is_null());
            decl.push(match default {
                Some(d) => {
                    seen_default = true;
                    format!("{name}: {ty} = {}", self.default_expr(&p.ty, d))
                }
                None if !p.is_required() || seen_default => {
                    seen_default = true;
                    format!("{name}: Optional[{ty}] = None")
                }
                None => format!("{name}: {ty}"),
            });
            wire.push(format!(
                "({name}, {})",
                naming::string_literal(&self.spec(&p.ty))
            ));
        }
        (decl.join(", "), wire.join(", "))
    }

    fn method(&self, m: &MethodDef, is_async: bool, out: &mut String, root: bool) {
        let (_, own) = Model::split(&m.name);
        let mut name = attr_name(own);
        if root {
            name = naming::escape_reserved(name, CLIENT_MEMBERS);
        }
        let (decl, wire) = self.signature(m);
        let returns = m
            .returns
            .as_ref()
            .map_or("None".to_owned(), |t| self.py_type(t));
        let spec = m.returns.as_ref().map(|t| self.spec(t)).unwrap_or_default();
        let _ = writeln!(
            out,
            "\n    {}def {name}({decl}) -> {returns}:",
            if is_async { "async " } else { "" }
        );
        let doc = if m.description.trim().is_empty() {
            format!("Calls `{}`.", m.name)
        } else {
            format!("{}\n\nCalls `{}`.", m.description, m.name)
        };
        out.push_str(&naming::docstring(&doc, "        "));
        let _ = writeln!(
            out,
            "        return {}self._core.call({}, [{wire}], {})",
            if is_async { "await " } else { "" },
            naming::string_literal(&m.name),
            naming::string_literal(&spec)
        );
    }

    fn namespace_class(&self, ns: &Namespace<'_>, is_async: bool, out: &mut String) {
        for child in &ns.children {
            self.namespace_class(child, is_async, out);
        }
        let class = self.namespace_class_name(&ns.path, is_async);
        let core = if is_async { "_Core" } else { "_SyncCore" };
        let _ = writeln!(
            out,
            "\n\nclass {class}:\n    \"\"\"Namespace `{}`.\"\"\"\n\n    def __init__(self, core: {core}) -> None:\n        self._core = core",
            naming::comment_lines(&ns.path)
                .join(" ")
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "        self.{} = {}(core)",
                attr_name(child.leaf()),
                self.namespace_class_name(&child.path, is_async)
            );
        }
        for m in &ns.methods {
            self.method(m, is_async, out, false);
        }
    }

    fn namespace_class_name(&self, path: &str, is_async: bool) -> String {
        format!(
            "_{}{}{}",
            if is_async { "Async" } else { "" },
            self.local_name,
            naming::pascal(path)
        )
    }

    fn client(&self, out: &mut String, is_async: bool) {
        let root = Namespace::tree(self.model);
        for child in &root.children {
            self.namespace_class(child, is_async, out);
        }
        let class = if is_async {
            format!("Async{}", self.local_name)
        } else {
            self.local_name.to_owned()
        };
        let (core, aw, asy) = if is_async {
            ("_Core", "await ", "async ")
        } else {
            ("_SyncCore", "", "")
        };
        let kind = if is_async {
            "with asyncio (every method is a coroutine)"
        } else {
            "blocking (handlers run in the client's WebSocket thread)"
        };
        let _ = writeln!(
            out,
            "\n\nclass {class}:\n    \"\"\"A client of {} {}, {kind}.\n\n    ``url`` is the service: http(s):// or ws(s)://, e.g. http://127.0.0.1:3000/api/demo/1.0.0.\n    \"\"\"\n\n    def __init__(self, url: str, timeout: float = 30.0) -> None:\n        self._core = {core}(url, timeout)",
            naming::comment_lines(&self.model.name)
                .join(" ")
                .replace('\\', "\\\\")
                .replace('"', "\\\""),
            naming::comment_lines(&self.model.version)
                .join(" ")
                .replace('\\', "\\\\")
                .replace('"', "\\\""),
        );
        for child in &root.children {
            let _ = writeln!(
                out,
                "        self.{} = {}(self._core)",
                naming::escape_reserved(attr_name(child.leaf()), CLIENT_MEMBERS),
                self.namespace_class_name(&child.path, is_async)
            );
        }
        for m in &root.methods {
            self.method(m, is_async, out, true);
        }
        let off = if is_async {
            "Callable[[], Awaitable[None]]"
        } else {
            "Callable[[], None]"
        };
        let _ = writeln!(
            out,
            "\n    {asy}def on(self, event: str, handler: Callable[..., Any]) -> {off}:\n        \"\"\"Calls ``handler`` with each ``event`` (over the WebSocket, which opens now); returns the function that stops it.\"\"\"\n        return {aw}self._core.on(event, handler)"
        );
        for e in &self.model.events {
            let method = format!("on_{}", naming::snake(&e.name));
            let arg = match &e.ty {
                Some(t) => format!("Callable[[{}], Any]", self.py_type(t)),
                None => "Callable[[], Any]".to_owned(),
            };
            let doc = if e.description.trim().is_empty() {
                format!("Event `{}`.", e.name)
            } else {
                format!("{}\n\nEvent `{}`.", e.description, e.name)
            };
            let _ = writeln!(
                out,
                "\n    {asy}def {method}(self, handler: {arg}) -> {off}:"
            );
            out.push_str(&naming::docstring(&doc, "        "));
            let _ = writeln!(
                out,
                "        return {aw}self._core.on({}, handler)",
                naming::string_literal(&e.name)
            );
        }
        let _ = writeln!(
            out,
            "\n    {asy}def expose(self, name: str, fn: Callable[..., Any]) -> None:\n        \"\"\"Answers calls of ``name`` from the server with ``fn(*params)`` (over the WebSocket, which opens now); raise JsonRpcError to answer with an error.\"\"\"\n        {aw}self._core.expose(name, fn)\n\n    {asy}def close(self) -> None:\n        \"\"\"Closes the WebSocket for good.\"\"\"\n        {aw}self._core.close()"
        );
        if is_async {
            let _ = writeln!(
                out,
                "\n    async def __aenter__(self) -> \"{class}\":\n        return self\n\n    async def __aexit__(self, *exc: Any) -> None:\n        await self.close()"
            );
        } else {
            let _ = writeln!(
                out,
                "\n    def __enter__(self) -> \"{class}\":\n        return self\n\n    def __exit__(self, *exc: Any) -> None:\n        self.close()"
            );
        }
    }
}
