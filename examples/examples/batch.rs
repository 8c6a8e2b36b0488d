//! Batches: several calls and notifications in one message, over WebSocket and over HTTP.
//!
//! A [`Batch`] goes out as one JSON array (one WebSocket frame, one POST body) and its replies
//! come back as one array. The client hands the results back in the order the calls were
//! added, whatever order the server answered in. Each call has its own outcome: one failing
//! entry does not fail the others. Notifications have no place in the results.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example batch
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jsonws::client::{HttpClient, WsClient};
use jsonws::protocol::code;
use jsonws::{Batch, Call, ErrorObject, Methods, RawJson, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let logged = Arc::new(AtomicUsize::new(0));
    let counter = logged.clone();
    let methods = Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        })
        .method("log", move |call: Call| {
            let counter = counter.clone();
            async move {
                let (line,): (String,) = call.params()?;
                println!("server: log {line:?}");
                counter.fetch_add(1, Ordering::Relaxed);
                Ok::<_, ErrorObject>(())
            }
        });
    let server = Server::new(methods);
    let app = axum::Router::new().nest("/api/calc/1.0.0", server.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        server.shutdown_signal(),
    ));

    // Batch is not Clone: build one per send.
    let batch = || {
        Batch::new()
            .call("sum", (1, 2))
            .notify("log", ("sent in a batch",))
            .call("nosuch", ())
            .call("sum", (30, 12))
    };

    let ws = WsClient::connect(&format!("ws://{addr}/api/calc/1.0.0")).await?;
    let results = ws.batch(batch()).await?;
    check("WebSocket", &results)?;

    let http = HttpClient::new(&format!("http://{addr}/api/calc/1.0.0"))?;
    let results = http.batch(batch()).await?;
    check("HTTP", &results)?;

    // Each batch's notification ran once, and neither got a reply.
    assert_eq!(logged.load(Ordering::Relaxed), 2);

    ws.close();
    server.shutdown().await;
    serving.await??;
    Ok(())
}

/// Three calls, three results, in the order they were added.
fn check(
    transport: &str,
    results: &[Result<RawJson, ErrorObject>],
) -> Result<(), serde_json::Error> {
    println!("{transport}: {results:?}");
    let [first, missing, second] = results else {
        panic!("expected three results, one per call, got {results:?}");
    };
    let first: i64 = first.as_ref().expect("sum(1, 2) succeeds").deserialize()?;
    let second: i64 = second
        .as_ref()
        .expect("sum(30, 12) succeeds")
        .deserialize()?;
    assert_eq!((first, second), (3, 42));
    let error = missing.as_ref().expect_err("nosuch is not a method");
    assert_eq!(error.code, code::METHOD_NOT_FOUND);
    Ok(())
}
