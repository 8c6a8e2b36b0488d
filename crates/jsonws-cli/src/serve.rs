//! `jsonws serve`: the demo service on one port.

use std::io::Write;

use anyhow::Context as _;
use jsonws::Server;

/// Where the demo lives under the server root.
pub(crate) const DEMO_PATH: &str = "/api/demo/1.0.0";

pub(crate) async fn run(addr: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("binding {addr} (is another server using the port? try --addr 127.0.0.1:0)")
    })?;
    let bound = listener.local_addr().context("reading the bound address")?;
    let server = Server::new(crate::demo::methods());
    let app = axum::Router::new().nest(DEMO_PATH, server.router());
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "jsonws: serving demo 1.0.0 at http://{bound}{DEMO_PATH} (HTTP POST and WebSocket)"
        )?;
        out.flush()?;
    }
    let stopper = server.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("jsonws: shutting down");
            stopper.shutdown().await;
        }
    });
    jsonws::server::serve(listener, app, server.shutdown_signal())
        .await
        .context("serving HTTP")
}
