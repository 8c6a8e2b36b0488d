//! Clients: a WebSocket peer that also answers the server, and a plain HTTP client.
//!
//! [`WsClient`] runs the same [`Peer`](crate::Peer) as the server: it calls, notifies and
//! sends batches, and it serves a [`Methods`](crate::Methods) table of its own so the server can
//! call it. [`HttpClient`] sends each call or batch as one POST; it cannot be called back.
//!
//! ```no_run
//! use jsonws::client::WsClient;
//! use jsonws::{Call, ErrorObject, Methods};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let answers = Methods::new().method("confirm", |_call: Call| async move {
//!     Ok::<_, ErrorObject>("yes")
//! });
//! let client = WsClient::builder()
//!     .methods(answers)
//!     .connect("ws://127.0.0.1:3000/api/demo/1.0.0")
//!     .await?;
//! let sum: i64 = client.call("sum", (1, 2)).await?;
//! let answer: String = client.call("ask", ("Proceed?",)).await?;
//! # Ok(()) }
//! ```

mod http;
mod reconnect;
mod subscription;
mod ws;

pub use http::HttpClient;
pub use reconnect::Reconnect;
pub use subscription::{EventError, Subscription};
pub use ws::{ConnectError, ConnectionEvent, WsClient, WsClientBuilder};
