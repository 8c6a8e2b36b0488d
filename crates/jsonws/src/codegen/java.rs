//! Java: one `{Name}.java` for Java 17+, on the JDK only — `java.net.http`'s HttpClient for
//! calls and its WebSocket for events and exposed functions, with a small JSON codec of its own
//! (the JDK has none). Structs are records, enums Java enums; optional params are overloads;
//! every method is blocking, with an `…Async` twin returning a `CompletableFuture`. Everything
//! is nested in the one public class, and the file is ASCII (other characters are `\u` escapes),
//! so it compiles whatever javac's encoding.

use std::fmt::Write as _;

use super::naming;
use super::{Model, Namespace, header_lines};
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef};
use crate::service::MethodDef;

const RUNTIME: &str = include_str!("runtime/client.java");

/// Java's keywords, literals and restricted identifiers.
const JAVA_KEYWORDS: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "true",
    "false",
    "null",
    "var",
    "yield",
    "record",
    "sealed",
    "permits",
    "_",
];

/// Restricted identifiers that may name a member (not a type).
const RESTRICTED_TYPE_NAMES: &[&str] = &["var", "record", "sealed", "permits"];

/// Names the file uses that a nested user type would hide: what a type may not be called.
const JAVA_TYPE_NAMES: &[&str] = &[
    "Object",
    "String",
    "Long",
    "Double",
    "Boolean",
    "Integer",
    "Short",
    "Byte",
    "Character",
    "Number",
    "Math",
    "System",
    "Thread",
    "Override",
    "Exception",
    "RuntimeException",
    "Error",
    "Throwable",
    "Iterable",
    "Collection",
    "List",
    "Map",
    "Set",
    "HashMap",
    "LinkedHashMap",
    "HashSet",
    "ArrayList",
    "Arrays",
    "Collections",
    "Base64",
    "Instant",
    "OffsetDateTime",
    "DateTimeFormatter",
    "DateTimeParseException",
    "Duration",
    "URI",
    "URISyntaxException",
    "HttpClient",
    "HttpRequest",
    "HttpResponse",
    "WebSocket",
    "StandardCharsets",
    "CompletableFuture",
    "CompletionException",
    "CompletionStage",
    "ExecutionException",
    "ExecutorService",
    "Executors",
    "ScheduledExecutorService",
    "ThreadFactory",
    "TimeUnit",
    "TimeoutException",
    "ThreadLocalRandom",
    "RejectedExecutionException",
    "AtomicBoolean",
    "Consumer",
    "Function",
    "Runnable",
    "Void",
    "JsonRpcException",
    "TransportException",
    "Subscription",
    "Wire",
    "Json",
    "Core",
    "Listener",
    "Parser",
    "AutoCloseable",
    "InterruptedException",
    "IllegalArgumentException",
    "NumberFormatException",
    "StringBuilder",
    "CharSequence",
];

/// Methods every object (and record) has: what a member may not be called.
const OBJECT_MEMBERS: &[&str] = &[
    "toWire",
    "fromWire",
    "hashCode",
    "equals",
    "toString",
    "getClass",
    "wait",
    "notify",
    "notifyAll",
    "clone",
    "finalize",
    "params",
    "await",
    "cause",
    "bad",
    "asLong",
    "asDouble",
    "asBoolean",
    "asString",
    "asInstant",
    "asBytes",
    "asUri",
    "asObject",
    "asAny",
    "asList",
    "opt",
    "daemon",
];

/// Members of the client class that a method at the root must not take.
const CLIENT_MEMBERS: &[&str] = &["on", "expose", "close"];

fn member_name(name: &str) -> String {
    let p = naming::pascal(name);
    let mut chars = p.chars();
    let camel = match chars.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + chars.as_str(),
        None => "value".to_owned(),
    };
    let camel = naming::ident(&camel);
    if RESTRICTED_TYPE_NAMES.contains(&camel.as_str()) {
        return camel;
    }
    let camel = naming::escape_reserved(camel, JAVA_KEYWORDS);
    naming::escape_reserved(camel, OBJECT_MEMBERS)
}

/// A Java string literal in ASCII: quotes, backslashes and control characters escaped (control
/// characters as octal escapes, which, unlike `\u000a`, cannot end the literal), everything
/// else beyond ASCII as `\u` escapes.
fn java_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
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

/// A line of comment text in ASCII that cannot end the comment: backslashes doubled (so no
/// `\u` escape can be formed), `*/` and HTML special characters written as entities, anything
/// beyond ASCII as `\u` escapes (which javac reads back as the characters).
fn comment_text(line: &str) -> String {
    let mut out = String::new();
    for c in line.replace("*/", "*\u{0}").chars() {
        match c {
            '\u{0}' => out.push_str("&#47;"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out
}

/// A `/** … */` comment at `indent`.
fn javadoc(text: &str, indent: &str) -> String {
    let lines = naming::comment_lines(text);
    if lines.is_empty() {
        return String::new();
    }
    if lines.len() == 1 {
        return format!("{indent}/** {} */\n", comment_text(&lines[0]));
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        if line.is_empty() {
            let _ = writeln!(out, "{indent} *");
        } else {
            let _ = writeln!(out, "{indent} * {}", comment_text(&line));
        }
    }
    let _ = writeln!(out, "{indent} */");
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
        let t = naming::escape_reserved(naming::ident(name), JAVA_KEYWORDS);
        let t = naming::escape_reserved(t, JAVA_TYPE_NAMES);
        if t == self.local_name || t.ends_with("Namespace") {
            t + "_"
        } else {
            t
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let [first, second] = header_lines(self.model);
        let _ = writeln!(
            out,
            "// {}\n// {}\n",
            comment_text(&first),
            comment_text(&second)
        );
        out.push_str("import java.net.*;\nimport java.net.http.*;\nimport java.nio.charset.*;\nimport java.time.*;\nimport java.time.format.*;\nimport java.util.*;\nimport java.util.concurrent.*;\nimport java.util.concurrent.atomic.*;\nimport java.util.function.*;\n\n");
        let mut doc = String::new();
        if !self.model.description.trim().is_empty() {
            doc.push_str(&self.model.description);
            doc.push_str("\n\n");
        }
        let n = self.local_name;
        let _ = write!(
            doc,
            "A client of {} {}: new {n}(\"http://127.0.0.1:3000/api/{}/{}\").\n\nWith an http(s):// URL calls are HTTP POSTs until the first event handler or exposed function is registered; then (and with a ws(s):// URL) everything goes over one WebSocket, which reconnects with backoff and renews its subscriptions. Each method blocks and throws JsonRpcException for an error reply, TransportException when the call could not be made; its ...Async twin returns a CompletableFuture that completes exceptionally with them. Handlers run in a thread of the client's.",
            self.model.name, self.model.version, self.model.name, self.model.version
        );
        out.push_str(&javadoc(&doc, ""));
        let _ = writeln!(out, "public final class {n} implements AutoCloseable {{");
        self.types(&mut out);
        self.client(&mut out);
        out.push('\n');
        out.push_str(RUNTIME);
        out.push_str("}\n");
        out
    }

    fn java_type(&self, ty: &TypeRef, boxed: bool) -> String {
        let base = match &ty.name {
            TypeName::Builtin(b) => match (b, boxed || ty.is_array) {
                (Builtin::Int, false) => "long",
                (Builtin::Int, true) => "Long",
                (Builtin::Number, false) => "double",
                (Builtin::Number, true) => "Double",
                (Builtin::Bool, false) => "boolean",
                (Builtin::Bool, true) => "Boolean",
                (Builtin::String, _) => "String",
                (Builtin::Url, _) => "URI",
                (Builtin::Date, _) => "Instant",
                (Builtin::Binary, _) => "byte[]",
                (Builtin::Object | Builtin::Error, _) => "Map<String, Object>",
                _ => "Object",
            }
            .to_owned(),
            TypeName::Named(n) if self.model.types.contains(n) => self.type_name(n),
            TypeName::Named(_) => "Object".to_owned(),
        };
        if ty.is_array {
            format!("List<{base}>")
        } else {
            base
        }
    }

    /// A `Function<Object, T>` that decodes one (non-array) value of `ty`.
    fn decoder(&self, ty: &TypeRef) -> String {
        let n = self.local_name;
        match &ty.name {
            TypeName::Builtin(b) => format!(
                "{n}::{}",
                match b {
                    Builtin::Int => "asLong",
                    Builtin::Number => "asDouble",
                    Builtin::Bool => "asBoolean",
                    Builtin::String => "asString",
                    Builtin::Url => "asUri",
                    Builtin::Date => "asInstant",
                    Builtin::Binary => "asBytes",
                    Builtin::Object | Builtin::Error => "asObject",
                    _ => "asAny",
                }
            ),
            TypeName::Named(t) if self.model.types.contains(t) => {
                format!("{}::fromWire", self.type_name(t))
            }
            TypeName::Named(_) => format!("{n}::asAny"),
        }
    }

    /// An expression decoding `x` as `ty`.
    fn decode(&self, ty: &TypeRef, x: &str) -> String {
        if ty.is_array {
            let mut inner = ty.clone();
            inner.is_array = false;
            return format!("asList({x}, {})", self.decoder(&inner));
        }
        let f = self.decoder(ty);
        let (_, method) = f.split_once("::").unwrap_or(("", "asAny"));
        match &ty.name {
            TypeName::Named(t) if self.model.types.contains(t) => {
                format!("{}.fromWire({x})", self.type_name(t))
            }
            _ => format!("{method}({x})"),
        }
    }

    /// An expression decoding `x` as `ty` or null.
    fn decode_opt(&self, ty: &TypeRef, x: &str) -> String {
        if ty.is_array {
            let mut inner = ty.clone();
            inner.is_array = false;
            return format!("opt({x}, v$ -> asList(v$, {}))", self.decoder(&inner));
        }
        format!("opt({x}, {})", self.decoder(ty))
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
                    out.push_str(&javadoc(&doc, "    "));
                    let _ = writeln!(out, "    public enum {name} implements Wire {{");
                    let members: Vec<String> = e
                        .members
                        .iter()
                        .map(|(m, v)| {
                            format!(
                                "        /** {v} */\n        {}({})",
                                naming::escape_reserved(
                                    naming::escape_reserved(naming::ident(m), JAVA_KEYWORDS),
                                    &["wire$"]
                                ),
                                java_string(m)
                            )
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "{};\n\n        private final String wire$;\n\n        {name}(String wire) {{\n            this.wire$ = wire;\n        }}\n\n        @Override\n        public Object toWire() {{\n            return wire$;\n        }}\n\n        static {name} fromWire(Object in$) {{\n            for ({name} member : values()) {{\n                if (member.wire$.equals(in$)) {{\n                    return member;\n                }}\n            }}\n            throw new TransportException(\"not a member of {}: \" + in$);\n        }}\n    }}",
                        members.join(",\n"),
                        comment_text(&name).replace('"', "")
                    );
                }
                TypeDef::Struct(s) => {
                    let doc = if s.description.trim().is_empty() {
                        format!("The struct {}.", s.name)
                    } else {
                        s.description.clone()
                    };
                    let mut doc = doc + "\n";
                    let mut components = Vec::new();
                    let mut required = Vec::new();
                    let mut to_wire = String::new();
                    let mut from_wire = Vec::new();
                    for f in &s.fields {
                        let field = member_name(&f.name);
                        let is_required = f.required && f.default.is_none();
                        let ty = self.java_type(&f.ty, !is_required);
                        let mut about = f.description.clone();
                        if let Some(d) = f.default.as_ref().filter(|d| !d.is_null()) {
                            let _ = write!(
                                about,
                                "{}Default: {d}.",
                                if about.is_empty() { "" } else { " " }
                            );
                        }
                        if !about.trim().is_empty() {
                            let _ = write!(
                                doc,
                                "\n@param {field} {}",
                                naming::comment_lines(&about).join(" ")
                            );
                        }
                        components.push(format!("{ty} {field}"));
                        let key = java_string(&f.name);
                        if is_required {
                            required.push(field.clone());
                            let _ = writeln!(to_wire, "            wire$.put({key}, {field});");
                            from_wire.push(self.decode(&f.ty, &format!("m$.get({key})")));
                        } else {
                            let _ = writeln!(
                                to_wire,
                                "            if ({field} != null) {{\n                wire$.put({key}, {field});\n            }}"
                            );
                            from_wire.push(self.decode_opt(&f.ty, &format!("m$.get({key})")));
                        }
                    }
                    out.push_str(&javadoc(&doc, "    "));
                    let _ = writeln!(
                        out,
                        "    public record {name}({}) implements Wire {{",
                        components.join(", ")
                    );
                    if required.len() < s.fields.len() {
                        let params: Vec<String> = s
                            .fields
                            .iter()
                            .zip(&components)
                            .filter(|(f, _)| f.required && f.default.is_none())
                            .map(|(_, c)| c.clone())
                            .collect();
                        let args: Vec<String> = s
                            .fields
                            .iter()
                            .map(|f| {
                                if f.required && f.default.is_none() {
                                    member_name(&f.name)
                                } else {
                                    "null".to_owned()
                                }
                            })
                            .collect();
                        let _ = writeln!(
                            out,
                            "        /** A {name} with its required fields only. */\n        public {name}({}) {{\n            this({});\n        }}\n",
                            params.join(", "),
                            args.join(", ")
                        );
                    }
                    let _ = writeln!(
                        out,
                        "        @Override\n        public Object toWire() {{\n            Map<String, Object> wire$ = new LinkedHashMap<>();\n{to_wire}            return wire$;\n        }}\n\n        static {name} fromWire(Object in$) {{\n            Map<String, Object> m$ = asObject(in$);\n            return new {name}({});\n        }}\n    }}",
                        from_wire.join(", ")
                    );
                }
            }
        }
    }

    fn first_optional(m: &MethodDef) -> usize {
        m.params
            .iter()
            .position(|p| !p.is_required())
            .unwrap_or(m.params.len())
    }

    fn method(&self, m: &MethodDef, siblings: &[&MethodDef], root: bool, out: &mut String) {
        let (_, own) = Model::split(&m.name);
        let mut name = member_name(own);
        if root {
            name = naming::escape_reserved(name, CLIENT_MEMBERS);
        }
        let mut name_async = format!("{}Async", name.trim_end_matches('_'));
        if siblings
            .iter()
            .any(|s| member_name(Model::split(&s.name).1) == name_async)
        {
            name_async.push('_');
        }
        let (result, boxed) = match &m.returns {
            Some(t) => (self.java_type(t, false), self.java_type(t, true)),
            None => ("void".to_owned(), "Void".to_owned()),
        };
        let decode = match &m.returns {
            Some(t) => self.decode(t, "result$"),
            None => "null".to_owned(),
        };
        let mut doc = if m.description.trim().is_empty() {
            format!("Calls {}.", m.name)
        } else {
            format!("{}\n\nCalls {}.", m.description, m.name)
        };
        doc.push('\n');
        for p in &m.params {
            let mut about = p.description.clone();
            if let Some(d) = p.default.as_ref().filter(|d| !d.is_null()) {
                let _ = write!(
                    about,
                    "{}Default: {d}.",
                    if about.is_empty() { "" } else { " " }
                );
            }
            if !about.trim().is_empty() {
                let _ = write!(
                    doc,
                    "\n@param {} {}",
                    member_name(&p.name),
                    naming::comment_lines(&about).join(" ")
                );
            }
        }
        let first = Writer::first_optional(m);
        for k in first..=m.params.len() {
            let decl: Vec<String> = m.params[..k]
                .iter()
                .map(|p| format!("{} {}", self.java_type(&p.ty, false), member_name(&p.name)))
                .collect();
            let args: Vec<String> = m.params[..k].iter().map(|p| member_name(&p.name)).collect();
            let decl = decl.join(", ");
            let args = args.join(", ");
            out.push('\n');
            out.push_str(&javadoc(&doc, "        "));
            let ret = if result == "void" { "" } else { "return " };
            let _ = writeln!(
                out,
                "        public {result} {name}({decl}) {{\n            {ret}await({name_async}({args}));\n        }}\n"
            );
            out.push_str(&javadoc(
                &format!("The asynchronous {name}: calls {}.", m.name),
                "        ",
            ));
            let _ = writeln!(
                out,
                "        public CompletableFuture<{boxed}> {name_async}({decl}) {{\n            return core$.call({}, params({args})).thenApply(result$ -> {decode});\n        }}",
                java_string(&m.name)
            );
        }
    }

    fn namespace_class(&self, path: &str) -> String {
        format!("{}Namespace", naming::pascal(path))
    }

    fn namespace(&self, ns: &Namespace<'_>, out: &mut String) {
        let class = self.namespace_class(&ns.path);
        let _ = writeln!(
            out,
            "\n    /** The methods of the namespace {}. */\n    public static final class {class} {{\n        private final Core core$;",
            comment_text(&naming::comment_lines(&ns.path).join(" "))
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "        /** The namespace {}. */\n        public final {} {};",
                comment_text(&child.path),
                self.namespace_class(&child.path),
                member_name(child.leaf())
            );
        }
        let _ = writeln!(
            out,
            "\n        {class}(Core core$) {{\n            this.core$ = core$;"
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "            this.{} = new {}(core$);",
                member_name(child.leaf()),
                self.namespace_class(&child.path)
            );
        }
        out.push_str("        }\n");
        for m in &ns.methods {
            self.method(m, &ns.methods, false, out);
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
        out.push_str("\n    private final Core core$;\n");
        for child in &root.children {
            let _ = writeln!(
                out,
                "    /** The namespace {}. */\n    public final {} {};",
                comment_text(&child.path),
                self.namespace_class(&child.path),
                member_name(child.leaf())
            );
        }
        let _ = writeln!(
            out,
            "\n    /** A client of the service at {{@code url}}: http(s):// or ws(s)://; calls time out after 30 s. */\n    public {n}(String url) {{\n        this(url, Duration.ofSeconds(30));\n    }}\n\n    /** A client of the service at {{@code url}} whose calls time out after {{@code timeout}}. */\n    public {n}(String url, Duration timeout) {{\n        this.core$ = new Core(url, timeout);"
        );
        for child in &root.children {
            let _ = writeln!(
                out,
                "        this.{} = new {}(core$);",
                member_name(child.leaf()),
                self.namespace_class(&child.path)
            );
        }
        out.push_str("    }\n");
        for m in &root.methods {
            self.method(m, &root.methods, true, out);
        }
        out.push_str("\n    /** Calls {@code handler} with the data of each {@code event} (over the WebSocket, which opens now). */\n    public Subscription on(String event, Consumer<Object> handler) {\n        return core$.on(event, handler);\n    }\n");
        for e in &self.model.events {
            let method = format!("on{}", naming::pascal(&e.name));
            let doc = if e.description.trim().is_empty() {
                format!("Calls {{@code handler}} with each {} event.", e.name)
            } else {
                format!(
                    "{}\n\nCalls {{@code handler}} with each {} event.",
                    e.description, e.name
                )
            };
            out.push('\n');
            out.push_str(&javadoc(&doc, "    "));
            match &e.ty {
                Some(t) => {
                    let _ = writeln!(
                        out,
                        "    public Subscription {method}(Consumer<{}> handler) {{\n        return core$.on({}, data$ -> handler.accept({}));\n    }}",
                        self.java_type(t, true),
                        java_string(&e.name),
                        self.decode(t, "data$")
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    public Subscription {method}(Runnable handler) {{\n        return core$.on({}, data$ -> handler.run());\n    }}",
                        java_string(&e.name)
                    );
                }
            }
        }
        out.push_str("\n    /**\n     * Answers calls of {@code name} from the server with {@code fn}, which gets the params (named\n     * params as one Map); throw a JsonRpcException to answer with an error. The WebSocket opens now.\n     */\n    public void expose(String name, Function<List<Object>, Object> fn) {\n        core$.expose(name, fn);\n    }\n\n    /** Closes the WebSocket for good. */\n    @Override\n    public void close() {\n        core$.close();\n    }\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_breaks_out_and_the_file_is_ascii() {
        // javac reads `\u000a` as a line break even in a comment, and `\u002a/` as `*/`.
        assert_eq!(comment_text("a */ b"), "a *&#47; b");
        assert_eq!(comment_text("\\u000a \\u002a/"), "\\\\u000a \\\\u002a/");
        assert_eq!(comment_text("<b>é</b>"), "&lt;b&gt;\\u00e9&lt;/b&gt;");
        assert_eq!(
            java_string("a\"b\\c\n\u{1}✓🎉"),
            "\"a\\\"b\\\\c\\n\\001\\u2713\\ud83c\\udf89\""
        );
        assert_eq!(member_name("class"), "class_");
        assert_eq!(member_name("record"), "record");
        assert_eq!(member_name("hashCode"), "hashCode_");
    }
}
