//! Graceful shutdown: calls in flight finish, then connections close with code 1001.
//!
//! [`Server::shutdown`] stops new WebSocket connections and lets each open connection drain:
//! calls already running get [`Config::shutdown_grace`](jsonws::Config::shutdown_grace) to
//! finish, new requests meanwhile are refused with -32006, and once the last reply is out the
//! connection closes with 1001 ("going away"). `shutdown` resolves when every connection has
//! closed; the same shutdown signal passed to [`serve`](jsonws::server::serve) stops the
//! listener.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example graceful_shutdown
//! ```

use std::sync::Arc;
use std::time::Duration;

use jsonws::client::WsClient;
use jsonws::protocol::code;
use jsonws::{Call, CallError, ErrorObject, Methods, Server};
use tokio::sync::Notify;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Arc::new(Notify::new());
    let signal = started.clone();
    let methods = Methods::new().method("slow", move |_call: Call| {
        let signal = signal.clone();
        async move {
            signal.notify_one();
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok::<_, ErrorObject>("finished")
        }
    });
    let server = Server::new(methods);
    let app = axum::Router::new().nest("/api/jobs/1.0.0", server.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        server.shutdown_signal(),
    ));

    let client = WsClient::connect(&format!("ws://{addr}/api/jobs/1.0.0")).await?;

    // Start the slow call on its own task and wait until the server is running it.
    let peer = client.peer().clone();
    let slow = tokio::spawn(async move { peer.call::<String>("slow", ()).await });
    started.notified().await;

    // Shut down while the call is in flight, and wait until the shutdown has begun.
    let stopping = server.clone();
    let shutdown = tokio::spawn(async move { stopping.shutdown().await });
    server.shutdown_signal().await;
    println!("server: shutting down with a call in flight");

    // The connection is draining: it refuses new requests but still finishes the old one.
    match client.call::<String>("slow", ()).await {
        Err(CallError::Rpc(error)) => {
            println!("client: a new call was refused: {error}");
            assert_eq!(error.code, code::SHUTTING_DOWN);
        }
        other => panic!("expected -32006 while draining, got {other:?}"),
    }
    let result = slow.await??;
    println!("client: the call in flight returned {result:?}");
    assert_eq!(result, "finished");

    // Then the server closes the connection, saying why.
    let reason = client.closed().await;
    println!("client: connection closed: {reason}");
    assert_eq!(reason.code, 1001);

    shutdown.await?;
    serving.await??;
    println!("server: stopped");
    Ok(())
}
