//! The server side of the load benchmark: `sum(a, b) -> a + b` (positional params) over HTTP
//! POST and WebSocket on one port, served by jsonws or by jsonrpsee.
//!
//! ```text
//! bench-server jsonws|jsonrpsee [--addr 127.0.0.1:0]
//! ```
//!
//! The first line on stdout is the bound address. jsonws answers at `/rpc` (its router nested
//! there, as an application would), jsonrpsee at `/`. Both run on a multi-thread tokio runtime
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
    Jsonws,
    Jsonrpsee,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match args.server {
            Impl::Jsonws => jsonws_server(args.addr).await,
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
    let app = axum::Router::new().nest("/rpc", server.router());
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
