//! `jsonws serve`: the demo service on one port.

use std::io::Write;

use anyhow::Context as _;
use jsonws::backplane::Backplane;
use jsonws::server::Registry;

/// Where services live on the server.
pub(crate) const ROOT: &str = "/api";

/// `--redis URL` and its buffer size.
pub(crate) struct Redis {
    pub(crate) url: String,
    pub(crate) buffer: usize,
}

pub(crate) async fn run(addr: &str, redis: Option<Redis>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("binding {addr} (is another server using the port? try --addr 127.0.0.1:0)")
    })?;
    let bound = listener.local_addr().context("reading the bound address")?;
    let demo = crate::demo::service().context("building the demo service")?;
    crate::demo::start_ticking(&demo);
    let mut registry = Registry::new().service(demo);
    if let Some(redis) = redis {
        let backplane = Backplane::redis(&redis.url)
            .context("--redis")?
            .buffer(redis.buffer, 64 << 20);
        registry = registry.backplane(backplane.clone());
        tracing::info!(
            instance = backplane.instance(),
            "backplane: waiting for Redis at {} before accepting connections",
            redis.url
        );
        backplane.ready().await;
    }
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
