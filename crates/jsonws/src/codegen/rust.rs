//! Rust: one module over [`jsonws::client`](crate::client), with serde types and async
//! methods. It uses `jsonws`, `serde`, `serde_json`, `chrono` (feature `serde`), `url`
//! (feature `serde`) and `tokio`, nothing else.

use std::fmt::Write as _;

use super::naming::{self, RUST_RESERVED};
use super::{Model, Namespace, header_lines};
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef};
use crate::service::MethodDef;

/// Names the generated module defines besides the user's types.
const MODULE_NAMES: &[&str] = &["Inner", "Param", "b64", "CallError", "Subscription"];

fn type_name(name: &str) -> String {
    let name = naming::escape_reserved(naming::ident(name), RUST_RESERVED);
    naming::escape_reserved(name, MODULE_NAMES)
}

fn field_name(name: &str) -> String {
    let snake = naming::snake(name);
    naming::escape_reserved(naming::ident(&snake), RUST_RESERVED)
}

fn variant_name(name: &str) -> String {
    naming::escape_reserved(naming::pascal(name), &["Self"])
}

pub(super) fn generate(model: &Model, local_name: &str) -> String {
    Writer { model, local_name }.render()
}

struct Writer<'m> {
    model: &'m Model,
    local_name: &'m str,
}

/// How a type is passed, stored and decoded.
struct RustType {
    /// The owned type (`String`, `Vec<Point>`).
    owned: String,
    /// The param type (`&str`, `&[Point]`, `i64`).
    param: String,
    /// Whether it is (an array of) `binary`, which goes through `b64`.
    binary: bool,
}

impl Writer<'_> {
    fn render(&self) -> String {
        let mut out = String::new();
        let [first, second] = header_lines(self.model);
        let _ = writeln!(out, "//! {first}\n//! {second}");
        if !self.model.description.trim().is_empty() {
            out.push_str("//!\n");
            out.push_str(&naming::line_comment(
                &doc_text(&self.model.description),
                "",
                "//!",
            ));
        }
        let n = self.local_name;
        let _ = writeln!(
            out,
            "//!\n//! `{n}::new(url)` takes the service URL. With `http://` calls are HTTP POSTs until the first\n//! event subscription or exposed method; then (and with `ws://`) everything goes over one\n//! WebSocket that reconnects and renews its subscriptions. Dependencies: `jsonws`, `serde`,\n//! `serde_json`, `chrono` (feature `serde`), `url` (feature `serde`), `tokio`.\n"
        );
        out.push_str(
            "use std::collections::HashMap;\nuse std::sync::Arc;\nuse std::sync::Mutex;\nuse std::sync::atomic::{AtomicBool, Ordering};\n\nuse jsonws::client::{HttpClient, Reconnect, Subscription, WsClient};\nuse jsonws::{CallError, ErrorObject, Methods};\nuse serde::{Deserialize, Serialize};\n",
        );
        self.types(&mut out);
        self.client(&mut out);
        out.push_str(RUNTIME);
        if self.uses_binary() {
            out.push_str(B64);
        }
        out
    }

    fn uses_binary(&self) -> bool {
        let is_binary = |t: &TypeRef| t.name == TypeName::Builtin(Builtin::Binary);
        self.model.types.iter().any(|t| match t {
            TypeDef::Struct(s) => s.fields.iter().any(|f| is_binary(&f.ty)),
            TypeDef::Enum(_) => false,
        }) || self.model.methods.iter().any(|m| {
            m.params.iter().any(|p| is_binary(&p.ty)) || m.returns.as_ref().is_some_and(is_binary)
        })
    }

    fn rust_type(&self, ty: &TypeRef) -> RustType {
        let (owned, by_ref, binary) = match &ty.name {
            TypeName::Builtin(b) => match b {
                Builtin::Int => ("i64".to_owned(), false, false),
                Builtin::Number => ("f64".to_owned(), false, false),
                Builtin::Bool => ("bool".to_owned(), false, false),
                Builtin::String => ("String".to_owned(), true, false),
                Builtin::Url => ("url::Url".to_owned(), true, false),
                Builtin::Date => ("chrono::DateTime<chrono::Utc>".to_owned(), false, false),
                Builtin::Binary => ("Vec<u8>".to_owned(), true, true),
                Builtin::Object => (
                    "serde_json::Map<String, serde_json::Value>".to_owned(),
                    true,
                    false,
                ),
                _ => ("serde_json::Value".to_owned(), true, false),
            },
            TypeName::Named(n) => match self.model.types.get(n) {
                Some(TypeDef::Enum(_)) => (type_name(n), false, false),
                Some(TypeDef::Struct(_)) => (type_name(n), true, false),
                None => ("serde_json::Value".to_owned(), true, false),
            },
        };
        if ty.is_array {
            return RustType {
                param: format!("&[{owned}]"),
                owned: format!("Vec<{owned}>"),
                binary,
            };
        }
        let param = match owned.as_str() {
            "String" => "&str".to_owned(),
            "Vec<u8>" => "&[u8]".to_owned(),
            _ if by_ref => format!("&{owned}"),
            _ => owned.clone(),
        };
        RustType {
            owned,
            param,
            binary,
        }
    }

    fn types(&self, out: &mut String) {
        for def in self.model.types.iter() {
            let name = type_name(def.name());
            out.push('\n');
            let doc = match def.description().trim() {
                "" => format!(
                    "The {} `{}`.",
                    if matches!(def, TypeDef::Enum(_)) {
                        "enum"
                    } else {
                        "struct"
                    },
                    def.name().replace('`', "'")
                ),
                d => doc_text(d),
            };
            out.push_str(&naming::line_comment(&doc, "", "///"));
            match def {
                TypeDef::Enum(e) => {
                    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]\n");
                    let _ = writeln!(out, "pub enum {name} {{");
                    for (member, value) in &e.members {
                        let variant = variant_name(member);
                        let _ = writeln!(
                            out,
                            "    /// `{}` (value {value}).",
                            member.replace('`', "'")
                        );
                        if variant != *member {
                            let _ = writeln!(
                                out,
                                "    #[serde(rename = {})]",
                                naming::rust_string(member)
                            );
                        }
                        let _ = writeln!(out, "    {variant},");
                    }
                    if e.members.is_empty() {
                        out.push_str("    #[doc(hidden)]\n    #[serde(other)]\n    Unknown,\n");
                    }
                    out.push_str("}\n");
                }
                TypeDef::Struct(s) => {
                    out.push_str("#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n");
                    let _ = writeln!(out, "pub struct {name} {{");
                    for f in &s.fields {
                        let field = field_name(&f.name);
                        let ty = self.rust_type(&f.ty);
                        let recursive = !f.ty.is_array
                            && matches!(&f.ty.name, TypeName::Named(n) if *n == s.name);
                        let owned = if recursive {
                            format!("Box<{}>", ty.owned)
                        } else {
                            ty.owned.clone()
                        };
                        let doc = match f.description.trim() {
                            "" => format!("`{}`: `{}`.", f.name.replace('`', "'"), f.ty),
                            d => doc_text(d),
                        };
                        out.push_str(&naming::line_comment(&doc, "    ", "///"));
                        let mut attrs = Vec::new();
                        if field != f.name {
                            attrs.push(format!("rename = {}", naming::rust_string(&f.name)));
                        }
                        let optional = !f.required || f.default.is_some() || recursive;
                        if optional {
                            attrs.push("default".to_owned());
                            attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
                        }
                        if ty.binary {
                            attrs.push("with = \"b64\"".to_owned());
                        }
                        if !attrs.is_empty() {
                            let _ = writeln!(out, "    #[serde({})]", attrs.join(", "));
                        }
                        if optional {
                            let _ = writeln!(out, "    pub {field}: Option<{owned}>,");
                        } else {
                            let _ = writeln!(out, "    pub {field}: {owned},");
                        }
                    }
                    out.push_str("}\n");
                }
            }
        }
    }

    fn method(&self, m: &MethodDef, out: &mut String, receiver: &str) {
        let (_, own) = Model::split(&m.name);
        let name = naming::escape_reserved(field_name(own), &["new", "on", "expose", "close"]);
        let mut decl = vec!["&self".to_owned()];
        let mut wire = Vec::new();
        for p in &m.params {
            let pname = naming::escape_reserved(field_name(&p.name), &["params"]);
            let ty = self.rust_type(&p.ty);
            let encode = |value: &str| {
                if ty.binary {
                    format!("b64::Codec::to_json(&{value}.to_owned())")
                } else {
                    format!("json({}, &{value})?", naming::rust_string(&m.name))
                }
            };
            if p.is_required() {
                decl.push(format!("{pname}: {}", ty.param));
                wire.push(format!("Param::Given({})", encode(&pname)));
            } else {
                decl.push(format!("{pname}: Option<{}>", ty.param));
                let default = match &p.default {
                    Some(d) => format!("default_value({})", naming::rust_string(&d.to_string())),
                    None => "serde_json::Value::Null".to_owned(),
                };
                wire.push(format!(
                    "match {pname} {{ Some(v) => Param::Given({}), None => Param::Omitted({default}) }}",
                    encode("v")
                ));
            }
        }
        let returns = m.returns.as_ref().map(|t| self.rust_type(t));
        let result = returns
            .as_ref()
            .map_or("()".to_owned(), |t| t.owned.clone());
        out.push('\n');
        let mut doc = doc_text(&m.description);
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("Calls `{}`.", m.name.replace('`', "'")));
        out.push_str(&naming::line_comment(&doc, "    ", "///"));
        if decl.len() > 7 {
            // The service's signature, as declared.
            out.push_str("    #[allow(clippy::too_many_arguments)]\n");
        }
        let _ = writeln!(
            out,
            "    pub async fn {name}({}) -> Result<{result}, CallError> {{",
            decl.join(", ")
        );
        let _ = writeln!(
            out,
            "        let params = Param::list(vec![{}]);",
            wire.join(", ")
        );
        let method = naming::rust_string(&m.name);
        match returns {
            Some(t) if t.binary => {
                let _ = writeln!(
                    out,
                    "        let value: serde_json::Value = {receiver}.call({method}, params).await?;\n        b64::Codec::from_json(value).map_err(|e| CallError::Transport(format!(\"the result of `{{}}` is not base64: {{e}}\", {method})))"
                );
            }
            Some(_) => {
                let _ = writeln!(out, "        {receiver}.call({method}, params).await");
            }
            None => {
                let _ = writeln!(
                    out,
                    "        let _: serde_json::Value = {receiver}.call({method}, params).await?;\n        Ok(())"
                );
            }
        }
        out.push_str("    }\n");
    }

    fn namespace(&self, ns: &Namespace<'_>, out: &mut String) {
        let name = self.namespace_name(&ns.path);
        let _ = writeln!(
            out,
            "\n/// Namespace `{}` of [`{}`].\n#[derive(Debug, Clone, Copy)]\npub struct {name}<'a> {{\n    inner: &'a Inner,\n}}\n\nimpl<'a> {name}<'a> {{",
            ns.path.replace('`', "'"),
            self.local_name
        );
        for child in &ns.children {
            let _ = writeln!(
                out,
                "    /// Namespace `{}`.\n    pub fn {}(&self) -> {}<'a> {{\n        {} {{ inner: self.inner }}\n    }}",
                child.path.replace('`', "'"),
                field_name(child.leaf()),
                self.namespace_name(&child.path),
                self.namespace_name(&child.path)
            );
        }
        for m in &ns.methods {
            self.method(m, out, "self.inner");
        }
        out.push_str("}\n");
        for child in &ns.children {
            self.namespace(child, out);
        }
    }

    fn namespace_name(&self, path: &str) -> String {
        format!("{}{}", self.local_name, naming::pascal(path))
    }

    fn client(&self, out: &mut String) {
        let n = self.local_name;
        let root = Namespace::tree(self.model);
        let mut doc = format!(
            "A client of {} {}.",
            naming::comment_lines(&self.model.name).join(" "),
            naming::comment_lines(&self.model.version).join(" ")
        );
        if !self.model.description.trim().is_empty() {
            doc = format!("{}\n\n{doc}", doc_text(&self.model.description));
        }
        out.push('\n');
        out.push_str(&naming::line_comment(&doc, "", "///"));
        let _ = writeln!(
            out,
            "#[derive(Debug, Clone)]\npub struct {n} {{\n    inner: Arc<Inner>,\n}}\n\nimpl {n} {{\n    /// A client of the service at `url` (`http://…` or `ws://…`); it connects on first use.\n    pub fn new(url: &str) -> Result<{n}, CallError> {{\n        Ok({n} {{ inner: Arc::new(Inner::new(url)?) }})\n    }}"
        );
        for child in &root.children {
            let _ = writeln!(
                out,
                "\n    /// Namespace `{}`.\n    pub fn {}(&self) -> {}<'_> {{\n        {} {{ inner: &self.inner }}\n    }}",
                child.path.replace('`', "'"),
                naming::escape_reserved(
                    field_name(child.leaf()),
                    &["new", "on", "expose", "close"]
                ),
                self.namespace_name(&child.path),
                self.namespace_name(&child.path)
            );
        }
        for m in &root.methods {
            self.method(m, out, "self.inner");
        }
        for e in &self.model.events {
            let ty = match &e.ty {
                Some(t) => {
                    let t = self.rust_type(t);
                    if t.binary {
                        "serde_json::Value".to_owned()
                    } else {
                        t.owned
                    }
                }
                None => "()".to_owned(),
            };
            let mut doc = doc_text(&e.description);
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&format!(
                "Subscribes to `{}` (over the WebSocket, which opens now).",
                e.name.replace('`', "'")
            ));
            out.push('\n');
            out.push_str(&naming::line_comment(&doc, "    ", "///"));
            let _ = writeln!(
                out,
                "    pub async fn on_{}(&self) -> Result<Subscription<{ty}>, CallError> {{\n        self.inner.subscribe({}).await\n    }}",
                naming::snake(&e.name),
                naming::rust_string(&e.name)
            );
        }
        out.push_str(CLIENT_TAIL);
        out.push_str("}\n");
        for child in &root.children {
            self.namespace(child, out);
        }
    }
}

/// Description text for `///` comments, as Markdown that renders the text as written: code
/// fences neutralised (rustdoc would take them for doctests), HTML and link brackets escaped.
fn doc_text(text: &str) -> String {
    text.replace("```", "'''")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

const CLIENT_TAIL: &str = r#"
    /// Subscribes to any event, its data decoded into `T` (over the WebSocket, which opens now).
    pub async fn on<T: serde::de::DeserializeOwned>(&self, event: &str) -> Result<Subscription<T>, CallError> {
        self.inner.subscribe(event).await
    }

    /// Answers calls of `name` from the server with `handler(params)`, `params` being the JSON
    /// array (or object) the server sent; an `Err` is sent back as the error reply. The
    /// WebSocket opens at the next call or subscription, if it is not open yet.
    pub fn expose<F, Fut, R>(&self, name: &str, handler: F)
    where
        F: Fn(serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<R, ErrorObject>> + Send + 'static,
        R: Serialize + 'static,
    {
        let handler: Exposed = Arc::new(move |params| {
            let answer = handler(params);
            Box::pin(async move {
                let value = answer.await?;
                serde_json::to_value(value).map_err(|_| ErrorObject::internal())
            })
        });
        self.inner
            .exposed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), handler);
        self.inner.wants_ws.store(true, Ordering::SeqCst);
    }

    /// Closes the WebSocket for good.
    pub fn close(&self) {
        if let Some(ws) = self.inner.ws.get() {
            ws.close();
        }
    }
"#;

const RUNTIME: &str = r#"
// ---- runtime: the same in every client this generator writes ----

/// A method the server may call: the params in, the result (or the error reply) out.
type Exposed = Arc<
    dyn Fn(serde_json::Value) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<serde_json::Value, ErrorObject>> + Send>>
        + Send
        + Sync,
>;

struct Inner {
    http: Option<HttpClient>,
    ws_url: String,
    ws: tokio::sync::OnceCell<WsClient>,
    exposed: Arc<Mutex<HashMap<String, Exposed>>>,
    wants_ws: AtomicBool,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("ws_url", &self.ws_url)
            .field("connected", &self.ws.initialized())
            .finish()
    }
}

impl Inner {
    fn new(url: &str) -> Result<Inner, CallError> {
        let (http, ws_url) = if let Some(rest) = url.strip_prefix("http://") {
            (Some(HttpClient::new(url)?), format!("ws://{rest}"))
        } else if let Some(rest) = url.strip_prefix("https://") {
            (None, format!("wss://{rest}"))
        } else if url.starts_with("ws://") || url.starts_with("wss://") {
            (None, url.to_owned())
        } else {
            return Err(CallError::Transport(format!(
                "invalid URL `{url}`: it must start with http://, https://, ws:// or wss://"
            )));
        };
        Ok(Inner {
            http,
            ws_url,
            ws: tokio::sync::OnceCell::new(),
            exposed: Arc::new(Mutex::new(HashMap::new())),
            wants_ws: AtomicBool::new(false),
        })
    }

    async fn ws(&self) -> Result<&WsClient, CallError> {
        self.ws
            .get_or_try_init(|| async {
                // Exposed methods are looked up per call, so they may be added at any time.
                let exposed = self.exposed.clone();
                let methods = Methods::new().fallback(move |call: jsonws::Call| {
                    let handler = exposed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get(call.method())
                        .cloned();
                    async move {
                        let Some(handler) = handler else {
                            return Err(ErrorObject::method_not_found(call.method()));
                        };
                        let params: serde_json::Value = call.params()?;
                        handler(params).await
                    }
                });
                WsClient::builder()
                    .methods(methods)
                    .reconnect(Reconnect::default())
                    .connect(&self.ws_url)
                    .await
                    .map_err(|e| CallError::Transport(e.to_string()))
            })
            .await
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: Vec<serde_json::Value>,
    ) -> Result<T, CallError> {
        match &self.http {
            Some(http) if self.ws.get().is_none() && !self.wants_ws.load(Ordering::SeqCst) => {
                http.call(method, params).await
            }
            _ => self.ws().await?.call(method, params).await,
        }
    }

    async fn subscribe<T: serde::de::DeserializeOwned>(
        &self,
        event: &str,
    ) -> Result<Subscription<T>, CallError> {
        self.ws().await?.subscribe(event).await
    }
}

/// One param on the wire: given, or left out (with the value sent when a later one is given).
enum Param {
    Given(serde_json::Value),
    Omitted(serde_json::Value),
}

impl Param {
    /// The positional params: trailing omitted ones left out.
    fn list(mut params: Vec<Param>) -> Vec<serde_json::Value> {
        while matches!(params.last(), Some(Param::Omitted(_))) {
            params.pop();
        }
        params
            .into_iter()
            .map(|p| match p {
                Param::Given(v) | Param::Omitted(v) => v,
            })
            .collect()
    }
}

fn json<T: Serialize + ?Sized>(method: &str, value: &T) -> Result<serde_json::Value, CallError> {
    serde_json::to_value(value).map_err(|source| CallError::Serialize {
        method: method.to_owned(),
        source,
    })
}

#[allow(dead_code)]
fn default_value(json: &str) -> serde_json::Value {
    serde_json::from_str(json).unwrap_or(serde_json::Value::Null)
}
"#;

const B64: &str = r#"
/// `binary` values: base64 strings on the wire.
mod b64 {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(super) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = (u32::from(chunk[0]) << 16)
                | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
                | u32::from(*chunk.get(2).unwrap_or(&0));
            out.push(ALPHABET[(n >> 18) as usize & 63] as char);
            out.push(ALPHABET[(n >> 12) as usize & 63] as char);
            out.push(if chunk.len() > 1 { ALPHABET[(n >> 6) as usize & 63] as char } else { '=' });
            out.push(if chunk.len() > 2 { ALPHABET[n as usize & 63] as char } else { '=' });
        }
        out
    }

    pub(super) fn decode(text: &str) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(text.len() / 4 * 3);
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
            let v = ALPHABET
                .iter()
                .position(|a| *a == c)
                .ok_or_else(|| format!("`{}` is not a base64 character", c as char))?;
            acc = (acc << 6) | v as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        Ok(out)
    }

    /// The shapes a `binary` value takes: bytes, optional bytes, lists of them.
    pub(super) trait Codec: Sized {
        fn to_json(&self) -> serde_json::Value;
        fn from_json(value: serde_json::Value) -> Result<Self, String>;
    }

    impl Codec for Vec<u8> {
        fn to_json(&self) -> serde_json::Value {
            serde_json::Value::String(encode(self))
        }
        fn from_json(value: serde_json::Value) -> Result<Self, String> {
            match value {
                serde_json::Value::String(s) => decode(&s),
                other => Err(format!("expected a base64 string, got {other}")),
            }
        }
    }

    impl Codec for Vec<Vec<u8>> {
        fn to_json(&self) -> serde_json::Value {
            serde_json::Value::Array(self.iter().map(Codec::to_json).collect())
        }
        fn from_json(value: serde_json::Value) -> Result<Self, String> {
            match value {
                serde_json::Value::Array(items) => items.into_iter().map(Codec::from_json).collect(),
                other => Err(format!("expected an array of base64 strings, got {other}")),
            }
        }
    }

    impl<T: Codec> Codec for Option<T> {
        fn to_json(&self) -> serde_json::Value {
            self.as_ref().map_or(serde_json::Value::Null, Codec::to_json)
        }
        fn from_json(value: serde_json::Value) -> Result<Self, String> {
            match value {
                serde_json::Value::Null => Ok(None),
                other => T::from_json(other).map(Some),
            }
        }
    }

    // Used by structs with `binary` fields (`#[serde(with = "b64")]`).
    #[allow(dead_code)]
    pub(super) fn serialize<T: Codec, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.to_json().serialize(serializer)
    }

    #[allow(dead_code)]
    pub(super) fn deserialize<'de, T: Codec, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::from_json(serde_json::Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}
"#;
