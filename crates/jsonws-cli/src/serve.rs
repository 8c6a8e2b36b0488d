//! `jsonws serve`: the demo service on one port.

use std::io::Write;

use anyhow::Context as _;
use jsonws::server::Registry;

/// Where services live on the server.
pub(crate) const ROOT: &str = "/api";

pub(crate) async fn run(addr: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("binding {addr} (is another server using the port? try --addr 127.0.0.1:0)")
    })?;
    let bound = listener.local_addr().context("reading the bound address")?;
    let demo = crate::demo::service().context("building the demo service")?;
    crate::demo::start_ticking(&demo);
    let registry = Registry::new().service(demo);
    let app = registry.router_at(ROOT);
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "jsonws: serving demo 1.0.0 at http://{bound}{ROOT}/demo/1.0.0 (HTTP POST and WebSocket)"
        )?;
        out.flush()?;
    }
    let stopper = registry.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("jsonws: shutting down");
            stopper.shutdown().await;
        }
    });
    jsonws::server::serve(listener, app, registry.shutdown_signal())
        .await
        .context("serving HTTP")
}
