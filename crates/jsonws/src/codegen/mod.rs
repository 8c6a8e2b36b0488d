//! Client generators: a service's description in, one self-contained source file out, for
//! JavaScript, TypeScript, Python, Rust, Go, Java, PHP and C#.
//!
//! A user of a service downloads a typed client for their language and calls the service as
//! if it were local: `await client.math.pow(2)`. Every client is rendered from a [`Model`],
//! the same description `?json` and OpenRPC are rendered from, so the three cannot disagree.
//! A model comes from a [`Service`](crate::Service) in this process, or from a document: a
//! `?json` metadata document (jsonws's, or a json-ws server's), a json-ws description file,
//! or an OpenRPC 1.x document — so a client can be generated for a service jsonws does not
//! run.
//!
//! The server serves the clients at `GET {svc}?proxy={Lang}&localName={Name}` (see
//! [`server::Registry`](crate::server::Registry)), and the `jsonws gen` command writes them.
//!
//! # What every client has
//!
//! - A constructor taking the service URL. With `http(s)://` calls are HTTP POSTs until the
//!   first event handler or exposed method is registered; then a WebSocket to the same URL
//!   opens and carries everything. With `ws(s)://` everything goes over one WebSocket.
//! - Namespaces as nested objects (`client.math.pow`), user types as the language's types,
//!   `date` as its date-time type in UTC, `binary` as its bytes type, defaults as optional
//!   params (a trailing param left out is not sent; one left out before a given one is sent
//!   as its default).
//! - Error replies as the language's `JsonRpcError` (Rust: [`CallError::Rpc`](crate::CallError))
//!   with `code`, `message` and `data`; transport failures as another error type.
//! - Events: `on(name, handler)` and one `onX`/`on_x` per event (`chat.message` →
//!   `onChatMessage`), renewed after a reconnect (with backoff and jitter); `expose(name, fn)`
//!   to answer calls from the server; `close()`.
//!
//! Reserved words are escaped (`class` → `class_`), descriptions go into comments and strings
//! that nothing in them can end, and non-ASCII text survives.
//!
//! # Languages
//!
//! The names are json-ws's (`?proxy=TypeScript`, `?proxy=CSharp`; lower case accepted); any
//! other name is a 404 that lists them.
//!
//! | | file | types | events |
//! |---|---|---|---|
//! | JavaScript | `{N}.js`, an ES module | plain objects; enums as frozen objects (`Color.Red`) | `c.on('tick', fn)`, `c.onTick(fn)` → an unsubscribe function (`.ready` settles when the server confirmed) |
//! | TypeScript | `{N}.ts` | `interface Point`; `type Color = 'Red' \| …` beside the frozen object | the same, one `on` overload per event |
//! | Python | `{N}.py` | `@dataclass`; `class Color(str, Enum)` | `c.on('tick', fn)`, `c.on_tick(fn)` → an unsubscribe function (coroutines in `Async{N}`) |
//! | Rust | `{n}.rs` | serde structs and enums; optional fields as `Option` | `c.on_tick().await` → a typed [`Subscription`](crate::client::Subscription) |
//! | Go | `{n}.go`, package `{n}` | structs with json tags; `type Color string` + `ColorRed` | `c.OnTick(ctx, func(Tick))` → an unsubscribe function |
//! | Java | `{N}.java` | classes nested in the client; Java `enum` | `c.onTick(Consumer<Tick>)` |
//! | PHP | `{N}.php`, namespace `{N}` | classes; backed `enum Color: string` | `$c->onTick(fn)` + `$c->listen()` |
//! | C# | `{N}.cs` (C# 7.2, mono's `mcs`) | classes nested in the client; C# `enum` | `c.OnTick(Action<Tick>)` → `IDisposable` |
//!
//! # Example
//!
//! ```
//! use jsonws::codegen::{Lang, Model, generate};
//! use jsonws::service::{Method, Service};
//!
//! let service = Service::builder("calc", "1.0.0")
//!     .namespace("math", |math| {
//!         math.method(Method::new("pow").param("base", "number").param_default("exp", "int", 2).returns("number"))
//!     })
//!     .build()
//!     .unwrap();
//! let model = Model::from_service(&service);
//! let ts = generate(&model, Lang::TypeScript, "CalcClient").unwrap();
//! assert!(ts.contains("export class CalcClient"));
//! assert!(ts.contains("pow: (base: number, exp: number = 2): Promise<number>"));
//! let py = generate(&model, Lang::Python, "CalcClient").unwrap();
//! assert!(py.contains("class AsyncCalcClient"));
//! ```

mod csharp;
mod go;
mod java;
mod javascript;
mod model;
mod naming;
mod php;
mod python;
mod rust;
mod typescript;

use std::fmt;

pub use model::{Format, Model, ReadError};

/// A language the generator writes. The names are json-ws's; [`Lang::parse`] also takes them in
/// lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lang {
    /// One ES module for browsers and Node ≥ 18.
    JavaScript,
    /// One `.ts` file, `tsc --strict` clean.
    TypeScript,
    /// One module for Python 3.9+, sync and asyncio.
    Python,
    /// One Rust module over [`jsonws::client`](crate::client).
    Rust,
    /// One file for Go 1.19+, a package of its own, standard library only.
    Go,
    /// One class for Java 17+, JDK only.
    Java,
    /// One file for PHP 8.1+, no extensions beyond json.
    Php,
    /// One class for mono's `mcs` (C# 7.2), framework only.
    CSharp,
}

impl Lang {
    /// Every language, in the order the docs list them.
    pub const ALL: [Lang; 8] = [
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Python,
        Lang::Rust,
        Lang::Go,
        Lang::Java,
        Lang::Php,
        Lang::CSharp,
    ];

    /// The language called `name` (`TypeScript` or `typescript`).
    ///
    /// ```
    /// use jsonws::codegen::Lang;
    /// assert_eq!(Lang::parse("python"), Some(Lang::Python));
    /// assert_eq!(Lang::parse("../etc/passwd"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.name() == name || l.name().to_ascii_lowercase() == name)
    }

    /// The name: `JavaScript`, `TypeScript`, `Python`, `Rust`.
    pub fn name(self) -> &'static str {
        match self {
            Lang::JavaScript => "JavaScript",
            Lang::TypeScript => "TypeScript",
            Lang::Python => "Python",
            Lang::Rust => "Rust",
            Lang::Go => "Go",
            Lang::Java => "Java",
            Lang::Php => "Php",
            Lang::CSharp => "CSharp",
        }
    }

    /// The file a client called `local_name` is saved as (`DemoClient.ts`, `demo_client.rs`).
    pub fn file_name(self, local_name: &str) -> String {
        match self {
            Lang::JavaScript => format!("{local_name}.js"),
            Lang::TypeScript => format!("{local_name}.ts"),
            Lang::Python => format!("{local_name}.py"),
            Lang::Rust => format!("{}.rs", naming::snake(local_name)),
            Lang::Go => format!("{}.go", go::package_name(local_name)),
            Lang::Java => format!("{local_name}.java"),
            Lang::Php => format!("{local_name}.php"),
            Lang::CSharp => format!("{local_name}.cs"),
        }
    }

    /// The HTTP content type of the source.
    pub fn content_type(self) -> &'static str {
        match self {
            Lang::JavaScript => "text/javascript; charset=utf-8",
            Lang::TypeScript => "application/typescript; charset=utf-8",
            Lang::Python => "text/x-python; charset=utf-8",
            Lang::Rust => "text/x-rust; charset=utf-8",
            Lang::Go => "text/x-go; charset=utf-8",
            Lang::Java => "text/x-java-source; charset=utf-8",
            Lang::Php => "application/x-php; charset=utf-8",
            Lang::CSharp => "text/x-csharp; charset=utf-8",
        }
    }

    /// The names of every language, comma separated, for error messages.
    pub fn names() -> String {
        Lang::ALL.map(Lang::name).join(", ")
    }

    /// What to tell someone who asked for a language there is no generator for.
    ///
    /// ```
    /// use jsonws::codegen::Lang;
    /// assert!(Lang::unknown("Cobol").contains("JavaScript, TypeScript, Python, Rust"));
    /// ```
    pub fn unknown(name: &str) -> String {
        format!(
            "there is no client generator for `{name}`; the languages are: {}",
            Lang::names()
        )
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a client could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenError {
    /// The local name is not an identifier.
    #[error(
        "the local name `{0}` is not usable: it must match [A-Za-z_][A-Za-z0-9_]{{0,63}}, e.g. DemoClient"
    )]
    LocalName(String),
}

/// Whether `name` is a usable local name: `[A-Za-z_][A-Za-z0-9_]{0,63}`.
///
/// ```
/// assert!(jsonws::codegen::valid_local_name("DemoClient"));
/// assert!(!jsonws::codegen::valid_local_name("../x"));
/// ```
pub fn valid_local_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The default local name of a service's client: `demo` → `DemoClient`.
pub fn default_local_name(service_name: &str) -> String {
    let name = format!("{}Client", naming::pascal(service_name));
    if valid_local_name(&name) {
        name
    } else {
        "ServiceClient".to_owned()
    }
}

/// The source of a client for `model` in `lang`, its main type called `local_name`.
pub fn generate(model: &Model, lang: Lang, local_name: &str) -> Result<String, GenError> {
    if !valid_local_name(local_name) {
        return Err(GenError::LocalName(local_name.to_owned()));
    }
    Ok(match lang {
        Lang::JavaScript => javascript::generate(model, local_name),
        Lang::TypeScript => typescript::generate(model, local_name),
        Lang::Python => python::generate(model, local_name),
        Lang::Rust => rust::generate(model, local_name),
        Lang::Go => go::generate(model, local_name),
        Lang::Java => java::generate(model, local_name),
        Lang::Php => php::generate(model, local_name),
        Lang::CSharp => csharp::generate(model, local_name),
    })
}

/// The header's first lines: service, version, generator.
pub(crate) fn header_lines(model: &Model) -> [String; 2] {
    [
        format!(
            "Client for the service {} {}.",
            naming::comment_lines(&model.name).join(" "),
            naming::comment_lines(&model.version).join(" ")
        ),
        format!(
            "Generated by jsonws {}; do not edit: generate it again instead.",
            env!("CARGO_PKG_VERSION")
        ),
    ]
}

/// The namespaces of a model as a tree: each node holds the methods directly in it.
#[derive(Debug, Default)]
pub(crate) struct Namespace<'m> {
    /// The dotted path (`""` for the root, `math`, `a.b`).
    pub(crate) path: String,
    pub(crate) methods: Vec<&'m crate::service::MethodDef>,
    pub(crate) children: Vec<Namespace<'m>>,
}

impl<'m> Namespace<'m> {
    pub(crate) fn tree(model: &'m Model) -> Namespace<'m> {
        let mut root = Namespace::default();
        for m in &model.methods {
            let (path, _) = Model::split(&m.name);
            let mut node = &mut root;
            for (depth, part) in path.iter().enumerate() {
                let full = path[..=depth].join(".");
                let index = match node.children.iter().position(|c| c.path == full) {
                    Some(i) => i,
                    None => {
                        node.children.push(Namespace {
                            path: full,
                            ..Namespace::default()
                        });
                        node.children.len() - 1
                    }
                };
                let _ = part;
                node = &mut node.children[index];
            }
            node.methods.push(m);
        }
        root
    }

    /// The last segment of the path.
    pub(crate) fn leaf(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or_default()
    }
}
