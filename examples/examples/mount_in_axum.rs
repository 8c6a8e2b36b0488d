//! Mount jsonws in your own axum app, next to your own routes, and read request headers in a
//! handler.
//!
//! [`Server::router`] is an ordinary axum [`Router`](axum::Router) answering at its own root, so
//! it nests under any prefix beside the app's other routes (here `GET /health`). A handler sees
//! the HTTP request its call came with through `call.context()`: the headers and URI of the POST,
//! or, on a WebSocket, of the upgrade request that opened the connection. That is where an
//! `Authorization` header or a session token in the query string lives.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example mount_in_axum
//! ```

use std::net::SocketAddr;

use axum::http::{HeaderName, HeaderValue};
use axum::routing::get;
use jsonws::client::{HttpClient, WsClient};
use jsonws::{Call, ErrorObject, Methods, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let methods = Methods::new().method("whoami", |call: Call| async move {
        let context = call.context();
        let user = context
            .headers()
            .get("x-user")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("anonymous");
        let query = context.uri().query().unwrap_or("no query");
        Ok::<_, ErrorObject>(format!("{user} over {:?} ({query})", context.transport()))
    });
    let server = Server::new(methods);

    // The user's app: its own route, and the JSON-RPC service under a prefix.
    let app = axum::Router::new()
        .route("/health", get(|| async { "ok" }))
        .nest("/api/users/1.0.0", server.router());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        server.shutdown_signal(),
    ));

    // The app's own route still answers.
    let health = http_get(addr, "/health").await?;
    println!(
        "GET /health -> {:?}",
        health.lines().next().unwrap_or_default()
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok"), "{health}");

    // A WebSocket whose upgrade request carries a header; every call on it sees that header.
    let client = WsClient::builder()
        .header(
            HeaderName::from_static("x-user"),
            HeaderValue::from_static("ada"),
        )
        .connect(&format!("ws://{addr}/api/users/1.0.0?session=42"))
        .await?;
    let me: String = client.call("whoami", ()).await?;
    println!("over WebSocket: {me}");
    assert_eq!(me, "ada over WebSocket (session=42)");

    // The same method over HTTP, with no such header.
    let http = HttpClient::new(&format!("http://{addr}/api/users/1.0.0"))?;
    let me: String = http.call("whoami", ()).await?;
    println!("over HTTP: {me}");
    assert_eq!(me, "anonymous over Http (no query)");

    client.close();
    server.shutdown().await;
    serving.await??;
    Ok(())
}

/// A bare `GET`, to show the app's own route without pulling in an HTTP client library.
async fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}
