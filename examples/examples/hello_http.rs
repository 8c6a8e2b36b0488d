//! Hello, JSON-RPC over HTTP: serve one method, call it with [`HttpClient`].
//!
//! A [`Methods`] table maps names to async handlers; a [`Server`] turns it into an axum router
//! that answers `POST` with JSON-RPC 2.0. The handler reads its params with `call.params()`, and
//! params of the wrong shape are answered with -32602 without the handler doing anything more.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example hello_http
//! ```

use jsonws::client::HttpClient;
use jsonws::protocol::code;
use jsonws::{Call, CallError, ErrorObject, Methods, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let methods = Methods::new().method("sum", |call: Call| async move {
        let (a, b): (i64, i64) = call.params()?;
        Ok::<_, ErrorObject>(a + b)
    });
    let server = Server::new(methods);
    let app = axum::Router::new().nest("/api/calc/1.0.0", server.router());

    // Port 0: the system picks a free port, so the example never collides with anything.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        server.shutdown_signal(),
    ));

    let client = HttpClient::new(&format!("http://{addr}/api/calc/1.0.0"))?;
    let sum: i64 = client.call("sum", (1, 2)).await?;
    println!("sum(1, 2) = {sum}");
    assert_eq!(sum, 3);

    // The server answers a call it cannot run with an error object; the client returns it as
    // `CallError::Rpc`, separate from transport failures.
    match client.call::<i64>("sum", ("one", 2)).await {
        Err(CallError::Rpc(error)) => {
            println!("sum(\"one\", 2) failed: {error}");
            assert_eq!(error.code, code::INVALID_PARAMS);
        }
        other => panic!("expected -32602 invalid params, got {other:?}"),
    }

    server.shutdown().await;
    serving.await??;
    Ok(())
}
