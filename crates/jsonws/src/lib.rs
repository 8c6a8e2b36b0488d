//! jsonws: JSON-RPC 2.0 web services for Rust.
//!
//! Describe methods once and jsonws serves them over HTTP POST and WebSocket on one port, as
//! an axum [`Router`](axum::Router) you can nest in your own app. Every WebSocket connection is
//! a symmetric [`Peer`]: the server answers the client, and it can call the client too.
//!
//! # Hello
//!
//! ```no_run
//! use jsonws::{Call, ErrorObject, Methods, Server};
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let methods = Methods::new().method("sum", |call: Call| async move {
//!         let (a, b): (i64, i64) = call.params()?;
//!         Ok::<_, ErrorObject>(a + b)
//!     });
//!     let server = Server::new(methods);
//!     let app = axum::Router::new().nest("/api/calc/1.0.0", server.router());
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     jsonws::server::serve(listener, app, server.shutdown_signal()).await
//! }
//! ```
//!
//! # How a call flows
//!
//! 1. A transport (an HTTP body, a WebSocket frame) delivers bytes.
//! 2. [`protocol`] parses the envelope in one pass and keeps `params` raw.
//! 3. The [`peer`] layer routes it: a request to its handler in the [`Methods`] table, a
//!    response to the outgoing call waiting for it.
//! 4. The handler deserializes its params straight from the raw bytes, does its work and
//!    returns a result or an [`ErrorObject`]; the reply is written into one buffer and queued.
//! 5. The connection's writer sends every queued reply and flushes once.
//!
//! # Modules
//!
//! - [`protocol`]: the JSON-RPC 2.0 message model, with no I/O.
//! - [`handler`]: method tables, calls, replies and connection context.
//! - [`peer`]: one connection where either side calls, with timeouts and backpressure.
//! - [`server`]: the axum router, limits and graceful shutdown.
//! - [`client`]: a WebSocket peer client and an HTTP client.
//!
//! # Errors
//!
//! Wire data never panics the server: every bad input is answered with its JSON-RPC error
//! (see [`protocol::code`]) or, for WebSocket protocol violations, a close with a reason.
//! A handler that panics is answered with -32603 and the connection goes on.

pub mod client;
mod config;
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

pub use jsonws_macros::{Type, service};
pub use schema::Type;

/// Used by the code `jsonws-macros` generates. Not public API.
#[doc(hidden)]
pub mod __private;

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
