//! Macros for the `jsonws` crate: `#[derive(Type)]` describes a Rust struct or
//! enum as a schema type, and `#[service]` turns the methods of an `impl` block into the RPC
//! methods of a service.
//!
//! Use them through `jsonws` (`#[derive(jsonws::Type)]`, `#[jsonws::service]`), which
//! re-exports both: the code they generate names `::jsonws::…` paths only. For that reason
//! the examples here are not compiled (this crate cannot depend on jsonws); jsonws's own
//! documentation has runnable ones.

mod attrs;
mod derive;
mod events;
mod service;

use proc_macro::TokenStream;

/// Derives `jsonws::schema::Type` for a struct with named fields or an enum of unit variants.
///
/// The type joins the schema of every service that uses it (as a param, a result or a field
/// of another type); its description comes from its doc comments.
///
/// # Structs
///
/// Each field is a schema field of the field's Rust type (which must implement `Type`). A
/// field is required unless its type is `Option<_>` or it has a default. Input members the
/// struct does not declare are ignored; an `Option` field that is `None` is left out of the
/// output. Nesting and recursion (`children: Option<Vec<Node>>`) work.
///
/// | field option | meaning |
/// |---|---|
/// | `#[jsonws(rename = "wireName")]` | the field's name on the wire |
/// | `#[jsonws(default = 2)]` | taken when input lacks the field: a number, string or bool literal |
/// | `#[jsonws(default_json = "[1, 2]")]` | the same for any JSON value, as JSON text (checked at compile time) |
/// | `#[jsonws(description = "…")]` | instead of the field's doc comments |
///
/// # Enums
///
/// Members by name, each with a numeric value; input is a member's name or value, output its
/// name. A member's value is its Rust discriminant (`Red = 5`; without one, one more than the
/// member before, so `0, 1, 2…` when none is written), or `#[jsonws(value = N)]`. Variants
/// take `#[jsonws(rename = "…")]` too.
///
/// On the type: `#[jsonws(rename = "Name")]` (its schema name; the Rust name by default) and
/// `#[jsonws(description = "…")]` (instead of its doc comments).
///
/// Generic types, tuple structs and variants with data are refused with a compile error.
///
/// # Examples
///
/// ```ignore
/// /// A point on the plane.
/// #[derive(jsonws::Type)]
/// struct Point {
///     x: i64,
///     y: i64,
///     /// Shown beside the point.
///     #[jsonws(default = "pt")]
///     label: String,
///     #[jsonws(rename = "tagList")]
///     tags: Option<Vec<String>>,
/// }
///
/// #[derive(jsonws::Type)]
/// enum Color {
///     Red,
///     Green = 5,
///     #[jsonws(rename = "blue")]
///     Blue,
/// }
/// ```
#[proc_macro_derive(Type, attributes(jsonws))]
pub fn derive_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `jsonws::service::Events` for an enum: each variant is one event of a service.
///
/// A unit variant is an event without data; a variant with one field carries that field (a
/// `jsonws::Type`). The event's name is the variant's in lowerCamelCase, or
/// `#[jsonws(name = "chat.message")]`; its description is the variant's doc comment, or
/// `#[jsonws(description = "…")]`. Declare the events on a service with
/// `#[jsonws::service(events = TodoEvent)]` (or `ServiceBuilder::events`), and emit them with
/// a `jsonws::service::Emitter<TodoEvent>`: an event that is not a variant does not compile.
///
/// # Examples
///
/// ```ignore
/// #[derive(jsonws::Events)]
/// enum TodoEvent {
///     /// A todo was added.
///     #[jsonws(name = "todo.added")]
///     Added(Todo),
///     /// Every todo was removed.
///     Cleared,
/// }
/// ```
#[proc_macro_derive(Events, attributes(jsonws))]
pub fn derive_events(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    events::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Exposes the `&self` methods of an inherent `impl` block as the RPC methods of a service.
///
/// It implements `jsonws::service::ServiceImpl` for the type, so
/// `Service::builder(…).define_all(value)` declares every method (or `define_only(value,
/// &["sum", "math.pow"])` the ones named), and, when the attribute has a `name` and a
/// `version`, adds `fn into_service(self) -> Result<Service, BuildError>`.
///
/// # Methods
///
/// Every method taking `&self` (or `self: Arc<Self>`), sync or `async`, becomes an RPC
/// method named after it; its doc comments are its description. Methods without `self` are
/// left alone; `&mut self`, `self` by value and generic methods are compile errors (calls run
/// concurrently on one shared value: use interior mutability for state).
///
/// The result is what the method returns: nothing (`null`), a `T: Type`, or a
/// `Result<T, E>` with `E: Into<ErrorObject>`, whose `Err` becomes the error reply.
///
/// | method option | meaning |
/// |---|---|
/// | `#[jsonws(name = "pow")]` | the RPC name (the Rust name by default) |
/// | `#[jsonws(namespace = "math")]` | prefixes the name: `math.pow` |
/// | `#[jsonws(group = "Reports")]` | puts the method under a documentation group |
/// | `#[jsonws(description = "…")]` | instead of the doc comments |
/// | `#[jsonws(errors(4004 = "No such todo."))]` | declares the application errors it answers with, for `?json`, OpenRPC and the docs page |
/// | `#[jsonws(skip)]` | not exposed |
///
/// # Params
///
/// Params are the RPC params, positional or named, in declared order; each type implements
/// `Type`. An `Option<T>` param may be left out (optional, without a default). Param options:
/// `#[jsonws(default = 2)]` (a literal, checked against the param's type at compile time),
/// `#[jsonws(default = Priority::Normal)]` (a path to a value), `#[jsonws(default)]`
/// (`Default::default()`), `#[jsonws(default_json = "[1]")]`, `#[jsonws(description = "…")]`
/// and `#[jsonws(name = "…")]`. Params with defaults (and `Option` params) must come last: a
/// required param after one is a compile error.
///
/// Params of these types are filled in by jsonws instead (recognised by the last segment of
/// the type's path) and are not RPC params:
///
/// | param | value |
/// |---|---|
/// | `peer: Peer` | the WebSocket peer, to call the client back; over HTTP the call fails with -32004 |
/// | `peer: Option<Peer>` | the peer, or `None` over HTTP |
/// | `ctx: Context` | the connection's context |
/// | `call: &Call` | the call itself |
/// | `events: Emitter<E>` | the emitter of the service's events `E` (declares them too) |
/// | `user: Extension<T>` | a value a layer put into the request's extensions; -32603 when missing |
/// | `user: Option<Extension<T>>` | the same, or `None` |
///
/// # Service options
///
/// `#[service(name = "demo", version = "1.0.0", description = "…", namespace = "…", events =
/// DemoEvent)]`, all optional: `namespace` prefixes every method; `description` defaults to
/// the doc comments of the `impl` block; `name` and `version` come together, and add
/// `into_service`; `events` declares the events of a `#[derive(Events)]` enum.
///
/// `client = GeometryClient` (or `client = pub(crate) GeometryClient`; `pub` by default) also
/// generates a typed client, as jsonrpsee's `#[rpc(client)]` does: `GeometryClient::new(ws)`
/// wraps a connected `jsonws::client::WsClient`, and has one `async fn` per RPC method taking
/// its RPC params (context params left out) with the same types and returning
/// `Result<T, jsonws::CallError>`: `GeometryClient::new(ws).sum(1, 2).await`.
///
/// # Examples
///
/// ```ignore
/// use jsonws::{ErrorObject, Peer};
///
/// struct Demo;
///
/// #[jsonws::service(name = "demo", version = "1.0.0")]
/// impl Demo {
///     /// Adds two integers.
///     async fn sum(&self, a: i64, b: i64) -> i64 {
///         a + b
///     }
///
///     /// Raises `base` to the power `exp`.
///     #[jsonws(namespace = "math")]
///     fn pow(&self, base: f64, #[jsonws(default = 2)] exp: i32) -> f64 {
///         base.powi(exp)
///     }
///
///     /// Asks the calling client to confirm.
///     async fn ask(&self, peer: Peer, question: String) -> Result<String, ErrorObject> {
///         Ok(peer.call("confirm", (question,)).await?)
///     }
/// }
///
/// let service = Demo.into_service().unwrap();
/// assert_eq!(service.method("math.pow").unwrap().params[1].default, Some(2.into()));
/// ```
#[proc_macro_attribute]
pub fn service(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(item as syn::ItemImpl);
    service::service(args.into(), item).into()
}
