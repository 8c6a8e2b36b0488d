//! The event fan-out benchmark: one emit to many subscribed WebSocket connections, and how
//! long until the last of them has it.
//!
//! ```text
//! fanout server [--addr 127.0.0.1:0]                 # prints its address first
//! fanout client --url ws://ADDR/api/fan/1 --conns 10000 --emits 20
//! ```
//!
//! The server declares an event `beat` `{n, sent_us}` and a method `fire(n)` that emits it,
//! stamped with the time of the emit. The client opens `--conns` connections, subscribes each
//! to `beat`, then fires `--emits` beats one after the other from a separate connection; for
//! each it waits until every connection has the beat and records the time from the emit to
//! the last delivery, and the latency of every delivery. It prints one JSON line. Both sides
//! read the same clock (one machine), so the latencies need no synchronisation.
//! `scripts/bench-events.sh` runs the two pinned to different cores and reads the server's RSS.

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use futures_util::{SinkExt, StreamExt};
use jsonws::server::Registry;
use jsonws::{Config, ErrorObject, Service, Type};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
#[command(about = "Event fan-out benchmark: one emit to many WebSocket subscribers")]
struct Args {
    #[command(subcommand)]
    role: Role,
}

#[derive(Subcommand)]
enum Role {
    /// Serves the `fan` service with the `beat` event.
    Server {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
    },
    /// Subscribes many connections and measures each beat's delivery.
    Client {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 10_000)]
        conns: usize,
        #[arg(long, default_value_t = 20)]
        emits: u64,
    },
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// What `beat` carries.
#[derive(Type)]
struct Beat {
    n: i64,
    sent_us: i64,
}

struct Fan {
    service: std::sync::Arc<std::sync::OnceLock<Service>>,
}

#[jsonws::service]
impl Fan {
    /// Emits beat `n` to every subscriber; returns how many queues took it.
    async fn fire(&self, n: i64) -> Result<i64, ErrorObject> {
        let service = self.service.get().ok_or_else(ErrorObject::internal)?;
        let delivery = service
            .emit(
                "beat",
                &Beat {
                    n,
                    sent_us: now_us(),
                },
            )
            .map_err(|e| ErrorObject::new(1, e.to_string()))?;
        Ok(delivery.delivered as i64)
    }
}

/// The integer right after `key` in `text`.
fn number_after(text: &str, key: &str) -> Option<i64> {
    let rest = &text[text.find(key)? + key.len()..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = match args.role {
        // One core each: the subscribers on one thread, without cross-thread wake-ups.
        Role::Client { .. } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        Role::Server { .. } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
    };
    runtime.block_on(async {
        match args.role {
            Role::Server { addr } => server(addr).await,
            Role::Client { url, conns, emits } => client(&url, conns, emits).await,
        }
    })
}

async fn server(addr: SocketAddr) -> anyhow::Result<()> {
    let cell = std::sync::Arc::new(std::sync::OnceLock::new());
    let service = Service::builder("fan", "1.0.0")
        .register::<Beat>()
        .event("beat", Some("Beat"), "A beat.")
        .define_all(Fan {
            service: cell.clone(),
        })
        .build()?;
    let _ = cell.set(service.clone());
    let mut config = Config::default();
    config.max_connections = 100_000;
    let registry = Registry::new().config(config).service(service);
    let app = axum::Router::new().nest("/api", registry.router());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", listener.local_addr()?)?;
        out.flush()?;
    }
    jsonws::server::serve(listener, app, std::future::pending()).await?;
    Ok(())
}

async fn client(url: &str, conns: usize, emits: u64) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(i64, i64)>();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
    for _ in 0..conns {
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .context("connecting a subscriber")?;
        let tx = tx.clone();
        let ready = ready_tx.clone();
        tokio::spawn(async move {
            let subscribe = r#"{"jsonrpc":"2.0","method":"rpc.on","params":["beat"],"id":1}"#;
            if socket.send(Message::text(subscribe)).await.is_err() {
                return;
            }
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let received = now_us();
                if text.contains(r#""id":1"#) {
                    let _ = ready.send(());
                    continue;
                }
                // A scan, not a JSON parse: ten thousand subscribers share one core here, and
                // the client's own work is part of what "until the last has it" measures.
                if let (Some(n), Some(sent)) = (
                    number_after(&text, "\"n\":"),
                    number_after(&text, "\"sent_us\":"),
                ) {
                    let _ = tx.send((n, received - sent));
                }
            }
        });
    }
    for _ in 0..conns {
        tokio::time::timeout(Duration::from_secs(60), ready_rx.recv())
            .await
            .context("subscribing")?;
    }
    let control = jsonws::client::WsClient::connect(url).await?;
    let mut until_last = hdrhistogram::Histogram::<u64>::new(3)?;
    let mut each = hdrhistogram::Histogram::<u64>::new(3)?;
    for n in 1..=emits as i64 {
        let delivered: i64 = control.call("fire", (n,)).await?;
        if delivered as usize != conns {
            bail!("beat {n} reached {delivered} queues, not {conns}");
        }
        let mut got = 0;
        let mut last = 0;
        while got < conns {
            let (beat, latency) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .context("waiting for deliveries")?
                .context("subscribers gone")?;
            if beat != n {
                continue;
            }
            got += 1;
            last = last.max(latency);
            each.record(latency.max(0) as u64)?;
        }
        until_last.record(last.max(0) as u64)?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "{}",
        serde_json::json!({
            "conns": conns,
            "emits": emits,
            "until_last_p50_ms": until_last.value_at_quantile(0.5) as f64 / 1000.0,
            "until_last_p99_ms": until_last.value_at_quantile(0.99) as f64 / 1000.0,
            "until_last_max_ms": until_last.max() as f64 / 1000.0,
            "delivery_p50_ms": each.value_at_quantile(0.5) as f64 / 1000.0,
            "delivery_p99_ms": each.value_at_quantile(0.99) as f64 / 1000.0,
        })
    );
    Ok(())
}
