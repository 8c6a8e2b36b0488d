//! The registry inside an axum app that has a state of its own.
//!
//! `Registry::router()` fits a `Router<S>` of any state type, as axum's own routers do, so it
//! nests beside routes that take `State<AppState>` and the app calls `.with_state(…)` once at
//! the end. The services keep their own state (the values their methods take `&self` of); the
//! app's state is the app's.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example axum_state
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::routing::get;
use jsonws::client::HttpClient;
use jsonws::server::Registry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The app's own state.
#[derive(Clone)]
struct AppState {
    visits: Arc<AtomicU64>,
}

/// A service with a state of its own.
struct Counter {
    count: AtomicU64,
}

#[jsonws::service(name = "counter", version = "1.0.0")]
impl Counter {
    /// Counts one more and returns the count.
    fn bump(&self) -> u64 {
        self.count.fetch_add(1, Ordering::Relaxed) + 1
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::new().service(
        Counter {
            count: AtomicU64::new(0),
        }
        .into_service()?,
    );
    let state = AppState {
        visits: Arc::default(),
    };
    let app: axum::Router = axum::Router::new()
        .route(
            "/visits",
            get(|State(state): State<AppState>| async move {
                (state.visits.fetch_add(1, Ordering::Relaxed) + 1).to_string()
            }),
        )
        .nest("/api", registry.router())
        .with_state(state);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));

    let counter = HttpClient::new(&format!("http://{addr}/api/counter/1"))?;
    for expected in 1..=3u64 {
        let count: u64 = counter.call("bump", ()).await?;
        assert_eq!(count, expected);
    }
    println!("counter.bump three times -> 3");
    let visits = http_get(addr, "/visits").await?;
    println!(
        "GET /visits -> {:?}",
        visits.lines().last().unwrap_or_default()
    );
    assert!(visits.ends_with("\r\n\r\n1"), "{visits}");

    registry.shutdown().await;
    serving.await??;
    Ok(())
}

/// A bare `GET`, to show the app's own route without pulling in an HTTP client library.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}
