//! C#: one `{Name}.cs` for mono's `mcs` (C# 7.2, .NET Framework 4.5 profile: no nullable
//! reference types, records or switch expressions), on the framework only — `HttpWebRequest`
//! for calls, `ClientWebSocket` for events and exposed functions, a small JSON codec of its own.
//! Every method is `…Async` returning a `Task` with a blocking twin; error replies throw
//! `JsonRpcException` with `Code` and `ErrorData`. Everything is nested in the one public class.

use std::fmt::Write as _;

use serde_json::Value;

use super::naming;
use super::{Model, Namespace, header_lines};
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef};
use crate::service::MethodDef;

const RUNTIME: &str = include_str!("runtime/client.cs");

/// C#'s keywords: a param or enum member with one of these names is written `@name`.
const CS_KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "base",
    "bool",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "checked",
    "class",
    "const",
    "continue",
    "decimal",
    "default",
    "delegate",
    "do",
    "double",
    "else",
    "enum",
    "event",
    "explicit",
    "extern",
    "false",
    "finally",
    "fixed",
    "float",
    "for",
    "foreach",
    "goto",
    "if",
    "implicit",
    "in",
    "int",
    "interface",
    "internal",
    "is",
    "lock",
    "long",
    "namespace",
    "new",
    "null",
    "object",
    "operator",
    "out",
    "override",
    "params",
    "private",
    "protected",
    "public",
    "readonly",
    "ref",
    "return",
    "sbyte",
    "sealed",
    "short",
    "sizeof",
    "stackalloc",
    "static",
    "string",
    "struct",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "uint",
    "ulong",
    "unchecked",
    "unsafe",
    "ushort",
    "using",
    "virtual",
    "void",
    "volatile",
    "while",
];

/// Names the file uses (the framework's and the runtime's): what a type, a namespace property or
/// a method of the client may not be called, or code nested in the client would find it instead.
const CS_NAMES: &[&str] = &[
    "System",
    "Convert",
    "Enum",
    "Array",
    "Task",
    "Type",
    "Exception",
    "Uri",
    "DateTime",
    "TimeSpan",
    "Encoding",
    "Random",
    "GC",
    "Interlocked",
    "Action",
    "Func",
    "List",
    "Dictionary",
    "HashSet",
    "CultureInfo",
    "Json",
    "JsonParser",
    "JsonRpcException",
    "TransportException",
    "IWire",
    "Omitted",
    "Subscription",
    "Core",
    "EnumNames",
    "Opt",
    "Params",
    "Wait",
    "Bad",
    "Get",
    "AsLong",
    "AsDouble",
    "AsBool",
    "AsString",
    "AsDate",
    "AsBytes",
    "AsUri",
    "AsObject",
    "AsAny",
    "AsList",
    "OptValue",
    "OptRef",
    "AsEnum",
    "On",
    "Expose",
    "Close",
    "Dispose",
    "Equals",
    "GetHashCode",
    "ToString",
    "GetType",
    "ToWire",
    "FromWire",
    "MemberwiseClone",
    "Finalize",
    "StringBuilder",
    "MemoryStream",
    "StreamReader",
    "IOException",
    "FormatException",
    "ArgumentException",
    "AggregateException",
    "WebException",
    "WebRequest",
    "HttpWebRequest",
    "HttpWebResponse",
    "ClientWebSocket",
    "WebSocketState",
    "WebSocketMessageType",
    "WebSocketCloseStatus",
    "CancellationToken",
    "CancellationTokenSource",
    "SemaphoreSlim",
    "TaskCompletionSource",
    "TaskScheduler",
    "ArraySegment",
    "NumberStyles",
    "DateTimeStyles",
    "DateTimeKind",
    "UriKind",
    "StringComparison",
    "IDisposable",
    "OperationCanceledException",
];

fn pascal(name: &str) -> String {
    let p = naming::pascal(name);
    if p.starts_with(|c: char| c.is_ascii_alphabetic()) {
        p
    } else {
        format!("X{}", p.trim_start_matches('_'))
    }
}

/// A param name: camelCase, `@` before a keyword.
fn param_name(name: &str) -> String {
    let p = naming::pascal(name);
    let mut chars = p.chars();
    let camel = match chars.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + chars.as_str(),
        None => "value".to_owned(),
    };
    let camel = naming::ident(&camel);
    if CS_KEYWORDS.contains(&camel.as_str()) {
        format!("@{camel}")
    } else {
        camel
    }
}

/// A C# string literal in ASCII.
fn cs_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `/// <summary>` lines at `indent`.
fn doc(text: &str, indent: &str) -> String {
    let lines = naming::comment_lines(text);
    if lines.is_empty() {
        return String::new();
    }
    let mut out = format!("{indent}/// <summary>\n");
    for line in lines {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {}", xml(&line));
        }
    }
    let _ = writeln!(out, "{indent}/// </summary>");
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
    fn type_name(&self, name: &str) -> String {
        let t = pascal(name);
        if CS_NAMES.contains(&t.as_str()) || t == self.local_name || t.ends_with("Namespace") {
            t + "_"
        } else {
            t
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let [first, second] = header_lines(self.model);
        let _ = writeln!(out, "// {first}\n// {second}\n");
        out.push_str("using System;\nusing System.Collections.Generic;\nusing System.Globalization;\nusing System.IO;\nusing System.Net;\nusing System.Net.WebSockets;\nusing System.Text;\nusing System.Threading;\nusing System.Threading.Tasks;\n\n");
        let n = self.local_name;
        let mut text = String::new();
        if !self.model.description.trim().is_empty() {
            text.push_str(&self.model.description);
            text.push_str("\n\n");
        }
        let _ = write!(
            text,
            "A client of {} {}: new {n}(\"http://127.0.0.1:3000/api/{}/{}\").\n\nWith an http(s):// URL calls are HTTP POSTs until the first event handler or exposed function is registered; then (and with a ws(s):// URL) everything goes over one WebSocket, which reconnects with backoff and renews its subscriptions. Each ...Async method returns a Task; its blocking twin waits for it. An error reply throws JsonRpcException, a failed call TransportException. Handlers run on the thread pool, one event at a time.",
            self.model.name, self.model.version, self.model.name, self.model.version
        );
        out.push_str(&doc(&text, ""));
        let _ = writeln!(out, "public sealed class {n} : IDisposable\n{{");
        self.types(&mut out);
        self.client(&mut out);
        out.push('\n');
        out.push_str(RUNTIME);
        out.push_str("}\n");
        out
    }

    fn is_enum(&self, ty: &TypeRef) -> bool {
        matches!(&ty.name, TypeName::Named(n) if matches!(self.model.types.get(n), Some(TypeDef::Enum(_))))
    }

    /// Whether the (non-array) type is a value type.
    fn is_value(&self, ty: &TypeRef) -> bool {
        !ty.is_array
            && (self.is_enum(ty)
                || matches!(
                    ty.name,
                    TypeName::Builtin(
                        Builtin::Int | Builtin::Number | Builtin::Bool | Builtin::Date
                    )
                ))
    }

    fn cs_type(&self, ty: &TypeRef) -> String {
        let base = match &ty.name {
            TypeName::Builtin(b) => match b {
                Builtin::Int => "long",
                Builtin::Number => "double",
                Builtin::Bool => "bool",
                Builtin::String => "string",
                Builtin::Url => "Uri",
                Builtin::Date => "DateTime",
                Builtin::Binary => "byte[]",
                Builtin::Object | Builtin::Error => "Dictionary<string, object>",
                _ => "object",
            }
            .to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => self.type_name(n),
            TypeName::Named(_) => "object".to_owned(),
        };
        if ty.is_array {
            format!("List<{base}>")
        } else {
            base
        }
    }

    fn optional_type(&self, ty: &TypeRef) -> String {
        let t = self.cs_type(ty);
        if self.is_value(ty) {
            format!("{t}?")
        } else {
            t
        }
    }

    /// A `Func<object, T>` decoding one non-array value.
    fn decoder(&self, ty: &TypeRef) -> String {
        match &ty.name {
            TypeName::Builtin(b) => match b {
                Builtin::Int => "AsLong",
                Builtin::Number => "AsDouble",
                Builtin::Bool => "AsBool",
                Builtin::String => "AsString",
                Builtin::Url => "AsUri",
                Builtin::Date => "AsDate",
                Builtin::Binary => "AsBytes",
                Builtin::Object | Builtin::Error => "AsObject",
                _ => "AsAny",
            }
            .to_owned(),
            TypeName::Named(n) => match self.model.types.get(n) {
                Some(TypeDef::Enum(_)) => {
                    let t = self.type_name(n);
                    format!("o__ => AsEnum<{t}>(o__, EnumNames[typeof({t})])")
                }
                Some(TypeDef::Struct(_)) => {
                    format!("{}.{}.FromWire", self.local_name, self.type_name(n))
                }
                None => "AsAny".to_owned(),
            },
        }
    }

    fn element(ty: &TypeRef) -> TypeRef {
        let mut inner = ty.clone();
        inner.is_array = false;
        inner
    }

    fn decode(&self, ty: &TypeRef, x: &str) -> String {
        if ty.is_array {
            let inner = Writer::element(ty);
            return format!(
                "AsList<{}>({x}, {})",
                self.cs_type(&inner),
                self.decoder(&inner)
            );
        }
        match &ty.name {
            TypeName::Named(n) => match self.model.types.get(n) {
                Some(TypeDef::Enum(_)) => {
                    let t = self.type_name(n);
                    format!("AsEnum<{t}>({x}, EnumNames[typeof({t})])")
                }
                Some(TypeDef::Struct(_)) => {
                    format!("{}.{}.FromWire({x})", self.local_name, self.type_name(n))
                }
                None => x.to_owned(),
            },
            TypeName::Builtin(Builtin::Any) => x.to_owned(),
            TypeName::Builtin(_) => format!("{}({x})", self.decoder(ty)),
        }
    }

    fn decode_opt(&self, ty: &TypeRef, x: &str) -> String {
        if ty.is_array {
            let inner = Writer::element(ty);
            return format!(
                "OptRef<{}>({x}, a__ => AsList<{}>(a__, {}))",
                self.cs_type(ty),
                self.cs_type(&inner),
                self.decoder(&inner)
            );
        }
        if self.is_value(ty) {
            format!("OptValue<{}>({x}, {})", self.cs_type(ty), self.decoder(ty))
        } else if ty.name == TypeName::Builtin(Builtin::Any)
            || matches!(&ty.name, TypeName::Named(n) if !self.model.types.contains(n))
        {
            x.to_owned()
        } else {
            format!("OptRef<{}>({x}, {})", self.cs_type(ty), self.decoder(ty))
        }
    }

    fn types(&self, out: &mut String) {
        let mut names = Vec::new();
        for def in self.model.types.iter() {
            let name = self.type_name(def.name());
            out.push('\n');
            match def {
                TypeDef::Enum(e) => {
                    let text = if e.description.trim().is_empty() {
                        format!("The enum {}.", e.name)
                    } else {
                        e.description.clone()
                    };
                    out.push_str(&doc(&text, "    "));
                    let _ = writeln!(out, "    public enum {name}\n    {{");
                    let members: Vec<String> = e
                        .members
                        .iter()
                        .enumerate()
                        .map(|(i, (m, v))| {
                            let id = naming::ident(m);
                            let id = if CS_KEYWORDS.contains(&id.as_str()) {
                                format!("@{id}")
                            } else {
                                id
                            };
                            format!("        /// <summary>{v}</summary>\n        {id} = {i}")
                        })
                        .collect();
                    let _ = writeln!(out, "{}\n    }}", members.join(",\n"));
                    names.push(format!(
                        "{{ typeof({name}), new string[] {{ {} }} }}",
                        e.members
                            .iter()
                            .map(|(m, _)| cs_string(m))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                TypeDef::Struct(s) => {
                    let text = if s.description.trim().is_empty() {
                        format!("The struct {}.", s.name)
                    } else {
                        s.description.clone()
                    };
                    out.push_str(&doc(&text, "    "));
                    let _ = writeln!(out, "    public sealed class {name} : IWire\n    {{");
                    let mut to_wire = String::new();
                    let mut from_wire = String::new();
                    for f in &s.fields {
                        let mut prop = pascal(&f.name);
                        if prop == name || CS_NAMES.contains(&prop.as_str()) {
                            prop.push('_');
                        }
                        let required = f.required && f.default.is_none();
                        let ty = if required {
                            self.cs_type(&f.ty)
                        } else {
                            self.optional_type(&f.ty)
                        };
                        let mut about = f.description.clone();
                        if let Some(d) = f.default.as_ref().filter(|d| !d.is_null()) {
                            let _ = write!(
                                about,
                                "{}Default: {d}.",
                                if about.is_empty() { "" } else { " " }
                            );
                        }
                        out.push_str(&doc(&about, "        "));
                        let _ = writeln!(out, "        public {ty} {prop} {{ get; set; }}\n");
                        let key = cs_string(&f.name);
                        let get = format!("Get(m__, {key})");
                        if required && self.is_value(&f.ty) {
                            let _ = writeln!(to_wire, "            w__[{key}] = {prop};");
                            let _ = writeln!(
                                from_wire,
                                "            r__.{prop} = {};",
                                self.decode(&f.ty, &get)
                            );
                        } else {
                            let _ = writeln!(
                                to_wire,
                                "            if ({prop} != null) w__[{key}] = {prop};"
                            );
                            let value = if required {
                                self.decode(&f.ty, &get)
                            } else {
                                self.decode_opt(&f.ty, &get)
                            };
                            let _ = writeln!(from_wire, "            r__.{prop} = {value};");
                        }
                    }
                    let _ = writeln!(
                        out,
                        "        /// <summary>The struct as JSON.</summary>\n        public object ToWire()\n        {{\n            var w__ = new Dictionary<string, object>();\n{to_wire}            return w__;\n        }}\n\n        internal static {name} FromWire(object o)\n        {{\n            var m__ = AsObject(o);\n            var r__ = new {name}();\n{from_wire}            return r__;\n        }}\n    }}"
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "\n    internal static readonly Dictionary<Type, string[]> EnumNames = new Dictionary<Type, string[]>\n    {{\n{}    }};",
            names
                .iter()
                .map(|n| format!("        {n},\n"))
                .collect::<String>()
        );
        out.push_str(
            "\n    internal static object Get(Dictionary<string, object> m, string key)\n    {\n        object v;\n        return m.TryGetValue(key, out v) ? v : null;\n    }\n",
        );
    }

    /// A default value as a C# optional-argument default of type `ty`, when it is a constant.
    fn default_arg(&self, ty: &TypeRef, value: &Value) -> Option<String> {
        if ty.is_array {
            return None;
        }
        match (&ty.name, value) {
            (TypeName::Builtin(Builtin::Int), Value::Number(n)) if n.is_i64() => {
                Some(n.to_string())
            }
            (TypeName::Builtin(Builtin::Number), Value::Number(n)) => Some(match n.as_i64() {
                Some(i) => format!("{i}.0"),
                None => n.to_string(),
            }),
            (TypeName::Builtin(Builtin::Bool), Value::Bool(b)) => Some(b.to_string()),
            (TypeName::Builtin(Builtin::String), Value::String(s)) => Some(cs_string(s)),
            (TypeName::Named(n), Value::String(s)) => match self.model.types.get(n) {
                Some(TypeDef::Enum(e)) if e.members.iter().any(|(m, _)| m == s) => {
                    let id = naming::ident(s);
                    let id = if CS_KEYWORDS.contains(&id.as_str()) {
                        format!("@{id}")
                    } else {
                        id
                    };
                    Some(format!("{}.{}.{id}", self.local_name, self.type_name(n)))
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn method(&self, m: &MethodDef, taken: &[String], siblings: &[String], out: &mut String) {
        let (_, own) = Model::split(&m.name);
        let mut name = pascal(own);
        while taken.contains(&name) || CS_NAMES.contains(&name.as_str()) {
            name.push('_');
        }
        let mut name_async = format!("{}Async", name.trim_end_matches('_'));
        while taken.contains(&name_async) || siblings.contains(&name_async) || name_async == name {
            name_async.push('_');
        }
        let mut decl = Vec::new();
        let mut args = Vec::new();
        let mut wire = Vec::new();
        let mut optional = false;
        for p in &m.params {
            let var = param_name(&p.name);
            let default = p.default.as_ref().filter(|d| !d.is_null());
            args.push(var.clone());
            match default.map(|d| (d, self.default_arg(&p.ty, d))) {
                Some((_, Some(arg))) => {
                    optional = true;
                    decl.push(format!("{} {var} = {arg}", self.cs_type(&p.ty)));
                    wire.push(var.clone());
                }
                Some((d, None)) => {
                    optional = true;
                    decl.push(format!("{} {var} = null", self.optional_type(&p.ty)));
                    wire.push(format!("Opt({var}, {})", cs_string(&d.to_string())));
                }
                None if !p.is_required() || optional => {
                    optional = true;
                    decl.push(format!("{} {var} = null", self.optional_type(&p.ty)));
                    wire.push(format!("Opt({var}, \"null\")"));
                }
                None => {
                    decl.push(format!("{} {var}", self.cs_type(&p.ty)));
                    wire.push(var.clone());
                }
            }
        }
        let text = if m.description.trim().is_empty() {
            format!("Calls {}.", m.name)
        } else {
            format!("{}\n\nCalls {}.", m.description, m.name)
        };
        let decl = decl.join(", ");
        let args = args.join(", ");
        let wire = if wire.is_empty() {
            "new object[0]".to_owned()
        } else {
            wire.join(", ")
        };
        let call = format!(
            "await core__.CallAsync({}, Params({wire})).ConfigureAwait(false)",
            cs_string(&m.name)
        );
        out.push('\n');
        out.push_str(&doc(&text, "        "));
        match &m.returns {
            Some(t) => {
                let ty = self.cs_type(t);
                let _ = writeln!(
                    out,
                    "        public {ty} {name}({decl})\n        {{\n            return Wait({name_async}({args}));\n        }}\n"
                );
                out.push_str(&doc(&format!("The asynchronous {name}."), "        "));
                let _ = writeln!(
                    out,
                    "        public async Task<{ty}> {name_async}({decl})\n        {{\n            var r__ = {call};\n            return {};\n        }}",
                    self.decode(t, "r__")
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "        public void {name}({decl})\n        {{\n            Wait({name_async}({args}));\n        }}\n"
                );
                out.push_str(&doc(&format!("The asynchronous {name}."), "        "));
                let _ = writeln!(
                    out,
                    "        public async Task {name_async}({decl})\n        {{\n            {call};\n        }}"
                );
            }
        }
    }

    fn namespace_class(&self, path: &str) -> String {
        format!("{}Namespace", naming::pascal(path))
    }

    fn property(&self, leaf: &str) -> String {
        let mut p = pascal(leaf);
        if CS_NAMES.contains(&p.as_str()) || p == self.local_name {
            p.push('_');
        }
        p
    }

    fn namespace(&self, ns: &Namespace<'_>, out: &mut String) {
        let class = self.namespace_class(&ns.path);
        let _ = writeln!(
            out,
            "\n    /// <summary>The methods of the namespace {}.</summary>\n    public sealed class {class}\n    {{\n        readonly Core core__;\n",
            xml(&naming::comment_lines(&ns.path).join(" "))
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "        /// <summary>The namespace {}.</summary>\n        public {} {} {{ get; private set; }}\n",
                xml(&child.path),
                self.namespace_class(&child.path),
                self.property(child.leaf())
            );
        }
        let _ = writeln!(
            out,
            "        internal {class}(Core core)\n        {{\n            core__ = core;"
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "            {} = new {}(core);",
                self.property(child.leaf()),
                self.namespace_class(&child.path)
            );
        }
        out.push_str("        }\n");
        let mut taken: Vec<String> = vec![class.clone()];
        taken.extend(ns.children.iter().map(|c| self.property(c.leaf())));
        let siblings: Vec<String> = ns
            .methods
            .iter()
            .map(|m| pascal(Model::split(&m.name).1))
            .collect();
        for m in &ns.methods {
            self.method(m, &taken, &siblings, out);
            let (_, own) = Model::split(&m.name);
            taken.push(pascal(own));
        }
        out.push_str("    }\n");
        for child in &ns.children {
            self.namespace(child, out);
        }
    }

    fn client(&self, out: &mut String) {
        let root = Namespace::tree(self.model);
        let n = self.local_name;
        for child in &root.children {
            self.namespace(child, out);
        }
        out.push_str("\n    readonly Core core__;\n");
        for child in &root.children {
            let _ = writeln!(
                out,
                "\n    /// <summary>The namespace {}.</summary>\n    public {} {} {{ get; private set; }}",
                xml(&child.path),
                self.namespace_class(&child.path),
                self.property(child.leaf())
            );
        }
        let _ = writeln!(
            out,
            "\n    /// <summary>A client of the service at url: http(s):// or ws(s)://; calls time out after 30 s.</summary>\n    public {n}(string url) : this(url, TimeSpan.FromSeconds(30))\n    {{\n    }}\n\n    /// <summary>A client of the service at url whose calls time out after timeout.</summary>\n    public {n}(string url, TimeSpan timeout)\n    {{\n        core__ = new Core(url, timeout);"
        );
        for child in &root.children {
            let _ = writeln!(
                out,
                "        {} = new {}(core__);",
                self.property(child.leaf()),
                self.namespace_class(&child.path)
            );
        }
        out.push_str("    }\n");
        let mut taken: Vec<String> = vec![n.to_owned()];
        taken.extend(self.model.types.iter().map(|t| self.type_name(t.name())));
        taken.extend(root.children.iter().map(|c| self.property(c.leaf())));
        taken.extend(root.children.iter().map(|c| self.namespace_class(&c.path)));
        taken.extend(
            self.model
                .events
                .iter()
                .map(|e| format!("On{}", naming::pascal(&e.name))),
        );
        let siblings: Vec<String> = root
            .methods
            .iter()
            .map(|m| pascal(Model::split(&m.name).1))
            .collect();
        for m in &root.methods {
            self.method(m, &taken, &siblings, out);
            let (_, own) = Model::split(&m.name);
            taken.push(pascal(own));
        }
        out.push_str("\n    /// <summary>Calls handler with the data of each event (over the WebSocket, which opens now); dispose the result to stop.</summary>\n    public IDisposable On(string eventName, Action<object> handler)\n    {\n        return core__.On(eventName, handler);\n    }\n");
        for e in &self.model.events {
            let method = format!("On{}", naming::pascal(&e.name));
            let text = if e.description.trim().is_empty() {
                format!("Calls handler with each {} event.", e.name)
            } else {
                format!(
                    "{}\n\nCalls handler with each {} event; dispose the result to stop.",
                    e.description, e.name
                )
            };
            out.push('\n');
            out.push_str(&doc(&text, "    "));
            match &e.ty {
                Some(t) => {
                    let _ = writeln!(
                        out,
                        "    public IDisposable {method}(Action<{}> handler)\n    {{\n        return core__.On({}, d__ => handler({}));\n    }}",
                        self.cs_type(t),
                        cs_string(&e.name),
                        self.decode(t, "d__")
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    public IDisposable {method}(Action handler)\n    {{\n        return core__.On({}, d__ => handler());\n    }}",
                        cs_string(&e.name)
                    );
                }
            }
        }
        out.push_str("\n    /// <summary>Answers calls of name from the server with fn, which gets the params (named params as one Dictionary); throw a JsonRpcException to answer with an error. The WebSocket opens now.</summary>\n    public void Expose(string name, Func<List<object>, object> fn)\n    {\n        core__.Expose(name, fn);\n    }\n\n    /// <summary>Closes the WebSocket for good.</summary>\n    public void Close()\n    {\n        core__.Close();\n    }\n\n    /// <summary>Closes the WebSocket for good.</summary>\n    public void Dispose()\n    {\n        Close();\n    }\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings() {
        assert_eq!(param_name("base"), "@base");
        assert_eq!(param_name("from"), "from");
        assert_eq!(pascal("echoDate"), "EchoDate");
        assert_eq!(
            cs_string("a\"b\\\n\u{2028}✓"),
            "\"a\\\"b\\\\\\n\\u2028\\u2713\""
        );
        assert_eq!(xml("<a & b>"), "&lt;a &amp; b&gt;");
    }
}
