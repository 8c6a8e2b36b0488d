//! JavaScript: one ES module for browsers and Node ≥ 18. The TypeScript writer is the same
//! writer with types on ([`Script::typed`]), so the two clients cannot drift apart.

use std::fmt::Write as _;

use serde_json::Value;

use super::naming::{self, JS_RESERVED};
use super::{Model, Namespace, header_lines};
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef};
use crate::service::{MethodDef, ParamDef};

/// The runtime, written once in TypeScript and compiled to JavaScript by tsc.
const RUNTIME_TS: &str = include_str!("runtime/client.ts");
const RUNTIME_JS: &str = include_str!("runtime/client.js");

/// Names the runtime defines at the top of the module: user types must not take them.
const RUNTIME_NAMES: &[&str] = &[
    "ClientOptions",
    "JsonRpcError",
    "TransportError",
    "Unsubscribe",
    "Socket",
    "SocketClass",
    "Globals",
    "Spec",
    "Message",
    "Pending",
    "Rpc",
    "STRUCTS",
    "EVENTS",
    "B64",
    "g",
    "b64encode",
    "b64decode",
    "convert",
];

/// Members of the client class that methods must not take.
const CLIENT_MEMBERS: &[&str] = &["on", "expose", "close", "constructor", "_rpc"];

pub(super) fn generate(model: &Model, local_name: &str) -> String {
    Script {
        model,
        local_name,
        typed: false,
    }
    .render()
}

pub(super) struct Script<'m> {
    pub(super) model: &'m Model,
    pub(super) local_name: &'m str,
    /// TypeScript rather than JavaScript.
    pub(super) typed: bool,
}

pub(super) fn type_name(name: &str) -> String {
    let name = naming::escape_reserved(naming::ident(name), JS_RESERVED);
    naming::escape_reserved(name, RUNTIME_NAMES)
}

fn param_name(name: &str) -> String {
    naming::escape_reserved(naming::ident(name), JS_RESERVED)
}

fn member_name(name: &str) -> String {
    let id = naming::ident(name);
    if id == name {
        id
    } else {
        naming::string_literal(name)
    }
}

impl Script<'_> {
    pub(super) fn render(&self) -> String {
        let mut out = String::new();
        let [first, second] = header_lines(self.model);
        let _ = writeln!(out, "// {first}\n// {second}");
        if !self.model.description.trim().is_empty() {
            out.push_str("//\n");
            out.push_str(&naming::line_comment(&self.model.description, "", "//"));
        }
        let ext = if self.typed { "ts" } else { "js" };
        let _ = writeln!(
            out,
            "//\n// Usage:\n//   import {{ {n} }} from './{n}.{js}';\n//   const client = new {n}('http://127.0.0.1:3000/api/{svc}/{ver}');\n//\n// Calls go as HTTP POST to an http(s):// URL until the first event handler or exposed method is\n// registered; then (and with a ws(s):// URL) everything goes over one WebSocket. Node < 22 needs\n// the npm package `ws` for WebSocket (loaded only then).\n",
            n = self.local_name,
            js = if self.typed { "js" } else { ext },
            svc = naming::comment_lines(&self.model.name).join(" "),
            ver = naming::comment_lines(&self.model.version).join(" "),
        );
        self.types(&mut out);
        self.tables(&mut out);
        out.push('\n');
        out.push_str(if self.typed { RUNTIME_TS } else { RUNTIME_JS });
        out.push('\n');
        self.client(&mut out);
        out
    }

    fn types(&self, out: &mut String) {
        for def in self.model.types.iter() {
            let name = type_name(def.name());
            out.push_str(&naming::block_comment(def.description(), ""));
            match def {
                TypeDef::Enum(e) => {
                    if self.typed {
                        let members: Vec<String> = e
                            .members
                            .iter()
                            .map(|(m, _)| naming::string_literal(m))
                            .collect();
                        let union = if members.is_empty() {
                            "never".to_owned()
                        } else {
                            members.join(" | ")
                        };
                        let _ = writeln!(out, "export type {name} = {union};");
                    }
                    let entries: Vec<String> = e
                        .members
                        .iter()
                        .map(|(m, _)| format!("{}: {}", member_name(m), naming::string_literal(m)))
                        .collect();
                    let _ = writeln!(
                        out,
                        "export const {name} = Object.freeze({{ {} }}{});\n",
                        entries.join(", "),
                        if self.typed { " as const" } else { "" }
                    );
                }
                TypeDef::Struct(s) => {
                    if !self.typed {
                        let _ = writeln!(
                            out,
                            "// {name}: a plain object {{ {} }}\n",
                            s.fields
                                .iter()
                                .map(|f| naming::comment_lines(&f.name).join(" "))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        continue;
                    }
                    let _ = writeln!(out, "export interface {name} {{");
                    for f in &s.fields {
                        out.push_str(&naming::block_comment(&f.description, "  "));
                        let _ = writeln!(
                            out,
                            "  {}{}: {};",
                            member_name(&f.name),
                            if f.required { "" } else { "?" },
                            self.ts_type(&f.ty)
                        );
                    }
                    out.push_str("}\n\n");
                }
            }
        }
    }

    /// The conversion tables the runtime reads: which struct fields are dates, bytes or
    /// structs, and the type of each event's data.
    fn tables(&self, out: &mut String) {
        let mut structs = Vec::new();
        for def in self.model.types.iter() {
            if let TypeDef::Struct(s) = def {
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .filter_map(|f| {
                        let spec = self.spec(&f.ty);
                        (!spec.is_empty()).then(|| {
                            format!(
                                "{}: {}",
                                naming::string_literal(&f.name),
                                naming::string_literal(&spec)
                            )
                        })
                    })
                    .collect();
                if !fields.is_empty() {
                    structs.push(format!(
                        "  {}: {{ {} }},\n",
                        naming::string_literal(&s.name),
                        fields.join(", ")
                    ));
                }
            }
        }
        let events: Vec<String> = self
            .model
            .events
            .iter()
            .filter_map(|e| {
                let spec = e.ty.as_ref().map(|t| self.spec(t)).unwrap_or_default();
                (!spec.is_empty()).then(|| {
                    format!(
                        "  {}: {},\n",
                        naming::string_literal(&e.name),
                        naming::string_literal(&spec)
                    )
                })
            })
            .collect();
        let (st, et) = if self.typed {
            (
                ": Record<string, Record<string, string>>",
                ": Record<string, string>",
            )
        } else {
            ("", "")
        };
        let _ = writeln!(
            out,
            "// What the runtime converts: struct fields and event data that are dates, bytes or structs.\nconst STRUCTS{st} = {{\n{}}};\nconst EVENTS{et} = {{\n{}}};",
            structs.concat(),
            events.concat()
        );
    }

    /// How the runtime converts a value of `ty`: `""` (as is), `date`, `binary`, a struct's
    /// name, or any of those in `[…]`.
    fn spec(&self, ty: &TypeRef) -> String {
        let inner = match &ty.name {
            TypeName::Builtin(Builtin::Date) => "date".to_owned(),
            TypeName::Builtin(Builtin::Binary) => "binary".to_owned(),
            TypeName::Named(n) if self.needs_conversion(n, &mut Vec::new()) => n.clone(),
            _ => String::new(),
        };
        if inner.is_empty() || !ty.is_array {
            inner
        } else {
            format!("[{inner}]")
        }
    }

    fn needs_conversion<'a>(&'a self, name: &'a str, seen: &mut Vec<&'a str>) -> bool {
        if seen.contains(&name) {
            return false;
        }
        seen.push(name);
        match self.model.types.get(name) {
            Some(TypeDef::Struct(s)) => s.fields.iter().any(|f| match &f.ty.name {
                TypeName::Builtin(Builtin::Date | Builtin::Binary) => true,
                TypeName::Named(n) => self.needs_conversion(n, seen),
                _ => false,
            }),
            _ => false,
        }
    }

    pub(super) fn ts_type(&self, ty: &TypeRef) -> String {
        let base = match &ty.name {
            TypeName::Builtin(b) => match b {
                Builtin::Int | Builtin::Number => "number",
                Builtin::Bool => "boolean",
                Builtin::String | Builtin::Url => "string",
                Builtin::Date => "Date",
                Builtin::Binary => "Uint8Array",
                Builtin::Object => "Record<string, unknown>",
                Builtin::Error => "{ name: string; message: string }",
                _ => "unknown",
            }
            .to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => type_name(n),
            TypeName::Named(_) => "unknown".to_owned(),
        };
        if ty.is_array {
            if base.contains(' ') {
                format!("Array<{base}>")
            } else {
                format!("{base}[]")
            }
        } else {
            base
        }
    }

    fn returns(&self, m: &MethodDef) -> String {
        match &m.returns {
            Some(ty) => self.ts_type(ty),
            None => "void".to_owned(),
        }
    }

    /// A default as a source expression of the param's type.
    fn default_expr(&self, p: &ParamDef, default: &Value) -> String {
        let literal = naming::json_literal(default);
        match (&p.ty.name, p.ty.is_array, default) {
            (TypeName::Builtin(Builtin::Date), false, Value::String(_) | Value::Number(_)) => {
                format!("new Date({literal})")
            }
            (TypeName::Builtin(Builtin::Binary), false, Value::String(_)) => {
                format!("b64decode({literal})")
            }
            _ if !self.typed => literal,
            (TypeName::Builtin(Builtin::Date | Builtin::Binary), _, _)
            | (TypeName::Named(_), _, Value::Object(_) | Value::Array(_)) => {
                format!("{literal} as unknown as {}", self.ts_type(&p.ty))
            }
            _ => literal,
        }
    }

    fn params(&self, m: &MethodDef) -> (String, String) {
        let mut decl = Vec::new();
        let mut wire = Vec::new();
        for p in &m.params {
            let name = param_name(&p.name);
            let ty = self.ts_type(&p.ty);
            let default = p.default.as_ref().filter(|d| !d.is_null());
            decl.push(match (default, self.typed) {
                (Some(d), true) => format!("{name}: {ty} = {}", self.default_expr(p, d)),
                (Some(d), false) => format!("{name} = {}", self.default_expr(p, d)),
                (None, true) if !p.is_required() => format!("{name}?: {ty}"),
                (None, true) => format!("{name}: {ty}"),
                (None, false) => name.clone(),
            });
            wire.push(format!(
                "[{name}, {}]",
                naming::string_literal(&self.spec(&p.ty))
            ));
        }
        (decl.join(", "), wire.join(", "))
    }

    fn call_body(&self, m: &MethodDef) -> String {
        let (_, wire) = self.params(m);
        let spec = m.returns.as_ref().map(|t| self.spec(t)).unwrap_or_default();
        format!(
            "this._rpc.call({}, [{wire}], {})",
            naming::string_literal(&m.name),
            naming::string_literal(&spec)
        )
    }

    fn client(&self, out: &mut String) {
        let n = self.local_name;
        let root = Namespace::tree(self.model);
        let mut doc = format!("A client of {} {}.", self.model.name, self.model.version);
        if !self.model.description.trim().is_empty() {
            doc = format!("{}\n\n{doc}", self.model.description);
        }
        out.push_str(&naming::block_comment(&doc, ""));
        let _ = writeln!(out, "export class {n} {{");
        if self.typed {
            out.push_str("  private readonly _rpc: Rpc;\n\n");
            out.push_str(
                "  /** `url`: the service, http(s):// or ws(s)://, e.g. http://127.0.0.1:3000/api/demo/1.0.0. */\n  constructor(url: string, options: ClientOptions = {}) {\n    this._rpc = new Rpc(url, options);\n  }\n",
            );
        } else {
            out.push_str(
                "  /** `url`: the service, http(s):// or ws(s)://; `options`: { timeoutMs, WebSocket, maxBackoffMs }. */\n  constructor(url, options = {}) {\n    this._rpc = new Rpc(url, options);\n  }\n",
            );
        }
        for m in &root.methods {
            let (_, own) = Model::split(&m.name);
            let mut name = naming::ident(own);
            name = naming::escape_reserved(name, CLIENT_MEMBERS);
            let (decl, _) = self.params(m);
            out.push('\n');
            out.push_str(&naming::block_comment(&m.description, "  "));
            if self.typed {
                let _ = writeln!(
                    out,
                    "  {name}({decl}): Promise<{}> {{\n    return {};\n  }}",
                    self.returns(m),
                    self.call_body(m)
                );
            } else {
                let _ = writeln!(
                    out,
                    "  {name}({decl}) {{\n    return {};\n  }}",
                    self.call_body(m)
                );
            }
        }
        for child in &root.children {
            out.push('\n');
            let _ = write!(
                out,
                "  /** Namespace `{}`. */\n  {}{} = ",
                child.path.replace("*/", "*\\/"),
                if self.typed { "readonly " } else { "" },
                naming::escape_reserved(naming::ident(child.leaf()), CLIENT_MEMBERS)
            );
            self.namespace(child, out, "  ");
            out.push_str(";\n");
        }
        self.events(out);
        if self.typed {
            out.push_str(
                "\n  /** Answers calls of `name` from the server (over the WebSocket, which opens now): `fn` gets the params and returns the result (or throws a JsonRpcError). */\n  expose(name: string, fn: (...params: any[]) => unknown): void {\n    this._rpc.expose(name, fn);\n  }\n\n  /** Closes the WebSocket for good and fails the calls waiting for a reply. */\n  close(): void {\n    this._rpc.close();\n  }\n}\n",
            );
        } else {
            out.push_str(
                "\n  /** Answers calls of `name` from the server (over the WebSocket, which opens now): `fn` gets the params and returns the result (or throws a JsonRpcError). */\n  expose(name, fn) {\n    this._rpc.expose(name, fn);\n  }\n\n  /** Closes the WebSocket for good and fails the calls waiting for a reply. */\n  close() {\n    this._rpc.close();\n  }\n}\n",
            );
        }
    }

    fn namespace(&self, ns: &Namespace<'_>, out: &mut String, indent: &str) {
        out.push_str("Object.freeze({\n");
        let inner = format!("{indent}  ");
        for m in &ns.methods {
            let (_, own) = Model::split(&m.name);
            let (decl, _) = self.params(m);
            out.push_str(&naming::block_comment(&m.description, &inner));
            if self.typed {
                let _ = writeln!(
                    out,
                    "{inner}{}: ({decl}): Promise<{}> => {},",
                    member_name(own),
                    self.returns(m),
                    self.call_body(m)
                );
            } else {
                let _ = writeln!(
                    out,
                    "{inner}{}: ({decl}) => {},",
                    member_name(own),
                    self.call_body(m)
                );
            }
        }
        for child in &ns.children {
            let _ = write!(out, "{inner}{}: ", member_name(child.leaf()));
            self.namespace(child, out, &inner);
            out.push_str(",\n");
        }
        let _ = write!(out, "{indent}}})");
    }

    fn events(&self, out: &mut String) {
        let handler_type = |ty: &Option<TypeRef>| match ty {
            Some(t) => format!("(data: {}) => void", self.ts_type(t)),
            None => "() => void".to_owned(),
        };
        out.push('\n');
        if self.typed {
            for e in &self.model.events {
                let _ = writeln!(
                    out,
                    "  on(event: {}, handler: {}): Unsubscribe;",
                    naming::string_literal(&e.name),
                    handler_type(&e.ty)
                );
            }
            out.push_str("  on(event: string, handler: (data: unknown) => void): Unsubscribe;\n");
            out.push_str(
                "  /** Calls `handler` with each `event` (over the WebSocket, which opens now); returns the function that stops it. */\n  on(event: string, handler: (data: any) => void): Unsubscribe {\n    return this._rpc.on(event, handler);\n  }\n",
            );
        } else {
            out.push_str(
                "  /** Calls `handler` with each `event` (over the WebSocket, which opens now); returns the function that stops it. */\n  on(event, handler) {\n    return this._rpc.on(event, handler);\n  }\n",
            );
        }
        for e in &self.model.events {
            let method = format!("on{}", naming::pascal(&e.name));
            out.push('\n');
            let doc = if e.description.trim().is_empty() {
                format!("Event `{}`.", e.name)
            } else {
                e.description.clone()
            };
            out.push_str(&naming::block_comment(&doc, "  "));
            if self.typed {
                let _ = writeln!(
                    out,
                    "  {method}(handler: {}): Unsubscribe {{\n    return this._rpc.on({}, handler as (data: unknown) => void);\n  }}",
                    handler_type(&e.ty),
                    naming::string_literal(&e.name)
                );
            } else {
                let _ = writeln!(
                    out,
                    "  {method}(handler) {{\n    return this._rpc.on({}, handler);\n  }}",
                    naming::string_literal(&e.name)
                );
            }
        }
    }
}
