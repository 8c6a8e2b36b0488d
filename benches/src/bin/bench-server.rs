//! The server side of the load benchmark: `sum(a, b) -> a + b` (positional params) over HTTP
//! POST and WebSocket on one port, served by jsonws or by jsonrpsee.
//!
//! ```text
//! bench-server jsonws|jsonws-raw|jsonrpsee [--addr 127.0.0.1:0]
//! ```
//!
//! The first line on stdout is the bound address. `jsonws` is the typed path (a
//! `#[jsonws::service]` in a `Registry`) at `/rpc/bench/1.0.0`, `jsonws-raw` the untyped
//! `Methods` path at `/rpc`, jsonrpsee at `/`. Both run on a multi-thread tokio runtime
//! with the default worker count; `scripts/bench.sh` pins the process to one core. The process
//! runs until it is killed (SIGTERM or SIGINT stop it cleanly).

use std::io::Write;
use std::net::SocketAddr;

use clap::{Parser, ValueEnum};

#[derive(Parser)]
#[command(about = "Serves `sum` with jsonws or jsonrpsee for the load benchmark")]
struct Args {
    /// Which implementation serves.
    server: Impl,
    /// Where to listen; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
}

#[derive(Clone, Copy, ValueEnum)]
enum Impl {
    /// jsonws's typed path: a `#[jsonws::service]` in a `Registry`, at `/rpc/bench/1.0.0`.
    Jsonws,
    /// jsonws's untyped path: a `Methods` table on a `Server`, at `/rpc`.
    JsonwsRaw,
    /// jsonrpsee, at `/`.
    Jsonrpsee,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match args.server {
            Impl::Jsonws => jsonws_typed_server(args.addr).await,
            Impl::JsonwsRaw => jsonws_server(args.addr).await,
            Impl::Jsonrpsee => jsonrpsee_server(args.addr).await,
        }
    })
}

/// Prints the bound address as the first stdout line, for the script to read.
fn announce(addr: SocketAddr) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{addr}")?;
    out.flush()?;
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
async fn terminated() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without signal handlers the default action (exit) still stops the process.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

async fn jsonws_server(addr: SocketAddr) -> anyhow::Result<()> {
    use jsonws::{Call, ErrorObject, Methods, Server};

    let methods = Methods::new().method("sum", |call: Call| async move {
        let (a, b): (i64, i64) = call.params()?;
        Ok::<_, ErrorObject>(a + b)
    });
    let server = Server::new(methods);
    let app = server.router_at("/rpc");
    let listener = tokio::net::TcpListener::bind(addr).await?;
    announce(listener.local_addr()?)?;
    let stopper = server.clone();
    tokio::spawn(async move {
        terminated().await;
        stopper.shutdown().await;
    });
    jsonws::server::serve(listener, app, server.shutdown_signal()).await?;
    Ok(())
}

/// The typed service: `sum` declared with the macro, params bound and converted by type.
struct Bench;

#[jsonws::service(name = "bench", version = "1.0.0")]
impl Bench {
    /// Adds two integers.
    async fn sum(&self, a: i64, b: i64) -> i64 {
        a + b
    }
}

async fn jsonws_typed_server(addr: SocketAddr) -> anyhow::Result<()> {
    let registry = jsonws::server::Registry::new().service(Bench.into_service()?);
    let app = registry.router_at("/rpc");
    let listener = tokio::net::TcpListener::bind(addr).await?;
    announce(listener.local_addr()?)?;
    let stopper = registry.clone();
    tokio::spawn(async move {
        terminated().await;
        stopper.shutdown().await;
    });
    jsonws::server::serve(listener, app, registry.shutdown_signal()).await?;
    Ok(())
}

async fn jsonrpsee_server(addr: SocketAddr) -> anyhow::Result<()> {
    use jsonrpsee::RpcModule;
    use jsonrpsee::server::{Server, ServerConfig};
    use jsonrpsee::types::ErrorObjectOwned;

    let mut module = RpcModule::new(());
    module.register_method("sum", |params, _, _| {
        let (a, b): (i64, i64) = params.parse()?;
        Ok::<_, ErrorObjectOwned>(a + b)
    })?;
    // Everything at its defaults but the connection limit (100), which the 1,000-connection
    // idle-memory measurement would hit; jsonws's default limit is 10,000.
    let config = ServerConfig::builder().max_connections(10_000).build();
    let server = Server::builder().set_config(config).build(addr).await?;
    announce(server.local_addr()?)?;
    let handle = server.start(module);
    terminated().await;
    handle.stop()?;
    handle.stopped().await;
    Ok(())
}
