//! jsonws: JSON-RPC 2.0 web services for Rust.
//!
//! Describe an API once — methods with typed params and defaults, structs, enums, events,
//! namespaces, groups, versions — and jsonws serves it over HTTP POST, REST-style GET and
//! WebSocket on one port, as an axum [`Router`](axum::Router) you can nest in your own app. It
//! documents itself (`?json` metadata, an OpenRPC document, `rpc.discover`), delivers typed
//! events to subscribers, and treats every WebSocket connection as a symmetric [`Peer`]: the
//! server answers the client, and it can call the client too.
//!
//! # Hello
//!
//! ```no_run
//! use jsonws::server::Registry;
//! use jsonws::{ErrorObject, Type};
//!
//! /// A point on a plane.
//! #[derive(Type)]
//! struct Point {
//!     x: i64,
//!     y: i64,
//!     #[jsonws(default = "pt")]
//!     label: String,
//! }
//!
//! struct Geometry;
//!
//! #[jsonws::service(name = "geometry", version = "1.0.0", description = "Plane geometry.")]
//! impl Geometry {
//!     /// Adds two integers.
//!     async fn sum(&self, a: i64, b: i64) -> i64 {
//!         a + b
//!     }
//!
//!     /// Moves a point.
//!     async fn shift(&self, p: Point, #[jsonws(default = 1)] by: i64) -> Point {
//!         Point { x: p.x + by, y: p.y + by, label: p.label }
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let registry = Registry::new().service(Geometry.into_service()?);
//!     let app = axum::Router::new().nest("/api", registry.router());
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     // POST http://127.0.0.1:3000/api/geometry/1.0.0, or a WebSocket there;
//!     // GET …/geometry/1.0.0?json, ?openrpc; GET …/geometry/1.0.0/sum?a=1&b=2
//!     jsonws::server::serve(listener, app, registry.shutdown_signal()).await?;
//!     Ok(())
//! }
//! ```
//!
//! # How a call flows
//!
//! 1. A transport (an HTTP body, a WebSocket frame) delivers bytes.
//! 2. [`protocol`] parses the envelope in one pass and keeps `params` raw.
//! 3. The [`peer`] layer routes it: a request to its handler in the [`Methods`] table, a
//!    response to the outgoing call waiting for it.
//! 4. The [`service`](mod@service) binds the params to the declared ones and converts each by its
//!    [`schema`] type, straight from the raw bytes; the handler returns a result or an
//!    [`ErrorObject`]; the reply is written into one buffer and queued.
//! 5. The connection's writer sends every queued reply and flushes once.
//!
//! # Services
//!
//! A [`Service`] is a name, a version and what it declares. Declare it with the macros
//! (`#[jsonws::service]` on an `impl` block, `#[derive(jsonws::Type)]` on your types), at run
//! time with [`Service::builder`], or from json-ws description files
//! ([`ServiceBuilder::import_file`]) — all three produce the same description, and so the same
//! metadata. A [`server::Registry`] serves many services and versions under one root.
//!
//! # Types
//!
//! The built-in types (`int`, `number`, `date`, `bool`, `string`, `url`, `binary`, `object`,
//! `any`, `error`), enums, structs and arrays convert exactly as [`schema`] says, and every
//! mismatch is -32602 with `data` saying which param, what was expected and what came.
//!
//! # Events
//!
//! Services declare events; clients subscribe with `rpc.on` and leave with `rpc.off`. An enum
//! with `#[derive(Events)]` declares them, one per variant (`#[jsonws::service(events =
//! TodoEvent)]`), and a [`service::Emitter`] sends them — taken by a method as a param, or kept
//! in the service's state — so an event that does not exist does not compile.
//! [`Service::emit`] does the same by name at run time. Each emit encodes the notification once
//! and hands it to every subscriber. [`client::WsClient`] subscribes with typed streams and
//! reconnects with backoff, renewing its subscriptions.
//!
//! # Layers, extensions and errors
//!
//! A [`handler::CallLayer`] runs around every call on every transport (the per-call `tracing`
//! span is one); methods read what tower layers put into the request's extensions with an
//! [`Extension`] param; a method's error converts into its reply from an [`ErrorObject`], a
//! `String`, an `anyhow::Error`, a `Box<dyn Error>` or your own [`protocol::ApplicationError`],
//! and `#[jsonws(errors(4004 = "…"))]` declares its codes for the metadata.
//!
//! # Modules
//!
//! - [`protocol`]: the JSON-RPC 2.0 message model, with no I/O.
//! - [`schema`]: types and their conversions.
//! - [`service`](mod@service): services, param binding, events, import of description files.
//! - [`metadata`]: `?json` and OpenRPC renderings of a service.
//! - [`handler`]: raw method tables, calls, replies and connection context.
//! - [`peer`]: one connection where either side calls, with timeouts and backpressure.
//! - [`server`]: the axum routers (one method table, or a registry of services), limits,
//!   REST-style calls and graceful shutdown.
//! - [`client`]: a WebSocket peer client (subscriptions, reconnect) and an HTTP client.
//! - `codegen` (feature `codegen`, on by default): client generators for JavaScript,
//!   TypeScript, Python, Rust, Go, Java, PHP and C#, also served at `?proxy={Lang}`.
//!
//! # Errors
//!
//! Wire data never panics the server: every bad input is answered with its JSON-RPC error
//! (see [`protocol::code`]) or, for WebSocket protocol violations, a close with a reason.
//! A handler that panics is answered with -32603 and the connection goes on.

#[cfg(feature = "redis")]
pub mod backplane;
pub mod client;
#[cfg(feature = "codegen")]
pub mod codegen;
mod config;
mod docs;
pub mod handler;
pub mod metadata;
pub mod peer;
pub mod protocol;
pub mod schema;
pub mod server;
pub mod service;

pub use config::Config;
pub use handler::{Call, Context, IntoReply, Methods};
pub use peer::{Batch, CallError, Peer};
pub use protocol::{ErrorObject, Id, RawJson};
pub use server::Server;
pub use service::{Service, ServiceBuilder};

/// A value the layers in front of the router put into the request's extensions, taken by a
/// `#[jsonws::service]` method as a param (`user: Extension<User>`; `Option<Extension<User>>`
/// when it may be missing). The same type as axum's, so `axum::Extension` layers fill it.
/// See [`Context::extensions`].
pub use axum::Extension;
pub use jsonws_macros::{Events, Type, service};
pub use schema::Type;

/// Used by the code `jsonws-macros` generates. Not public API.
#[doc(hidden)]
pub mod __private;

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
