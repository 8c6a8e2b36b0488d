//! The backplane benchmark: events through Redis to the subscribers of two instances, against
//! one instance without Redis, in the same run.
//!
//! ```text
//! backplane server [--redis URL]          # prints its address first
//! backplane client --url ws://A/api/fan/1 [--url ws://B/api/fan/1] --conns 1000 --emits 50 --burst 200
//! ```
//!
//! The server declares an event `beat` `{n, sent_us}`, a method `fire(n)` that emits one beat
//! stamped with the time of the emit, and `burst(from, count)` that emits `count` beats in a
//! row. The client opens `--conns` subscribed connections on each URL, then
//!
//! - fires `--emits` beats one at a time on the first URL, waiting each time until every
//!   subscriber has it: the latency of each delivery (emit → arrival) and until the last;
//! - asks for one burst of `--burst` beats on the first URL: the time until every subscriber
//!   has all of them gives events/s (each event delivered to every subscriber).
//!
//! It prints one JSON line. Server and client read the same clock (one machine).
//! `scripts/bench-backplane.sh` runs it with and without Redis.

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use futures_util::{SinkExt, StreamExt};
use jsonws::backplane::Backplane;
use jsonws::server::Registry;
use jsonws::{Config, ErrorObject, Service, Type};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
#[command(about = "Backplane benchmark: events through Redis to two instances' subscribers")]
struct Args {
    #[command(subcommand)]
    role: Role,
}

#[derive(Subcommand)]
enum Role {
    /// Serves the `fan` service with the `beat` event, through Redis with --redis.
    Server {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
        #[arg(long)]
        redis: Option<String>,
    },
    /// Subscribes connections on every URL and measures the beats fired on the first.
    Client {
        #[arg(long, required = true)]
        url: Vec<String>,
        #[arg(long, default_value_t = 1_000)]
        conns: usize,
        #[arg(long, default_value_t = 50)]
        emits: u64,
        #[arg(long, default_value_t = 200)]
        burst: u64,
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

impl Fan {
    fn beat(&self, n: i64) -> Result<(), ErrorObject> {
        let service = self.service.get().ok_or_else(ErrorObject::internal)?;
        service
            .emit(
                "beat",
                &Beat {
                    n,
                    sent_us: now_us(),
                },
            )
            .map_err(|e| ErrorObject::new(1, e.to_string()))?;
        Ok(())
    }
}

#[jsonws::service]
impl Fan {
    /// Emits beat `n`.
    async fn fire(&self, n: i64) -> Result<(), ErrorObject> {
        self.beat(n)
    }

    /// Emits beats `from`, `from + 1`, … `count` of them.
    async fn burst(&self, from: i64, count: i64) -> Result<(), ErrorObject> {
        for n in from..from + count {
            self.beat(n)?;
        }
        Ok(())
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
        Role::Client { .. } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        Role::Server { .. } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
    };
    runtime.block_on(async {
        match args.role {
            Role::Server { addr, redis } => server(addr, redis).await,
            Role::Client {
                url,
                conns,
                emits,
                burst,
            } => client(&url, conns, emits, burst).await,
        }
    })
}

async fn server(addr: SocketAddr, redis: Option<String>) -> anyhow::Result<()> {
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
    let mut registry = Registry::new().config(config).service(service);
    if let Some(url) = redis {
        let backplane = Backplane::redis(&url)?;
        registry = registry.backplane(backplane.clone());
        tokio::time::timeout(Duration::from_secs(30), backplane.ready())
            .await
            .context("waiting for Redis")?;
    }
    let app = registry.router_at("/api");
    let listener = tokio::net::TcpListener::bind(addr).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", listener.local_addr()?)?;
        out.flush()?;
    }
    jsonws::server::serve(listener, app, std::future::pending()).await?;
    Ok(())
}

async fn client(urls: &[String], conns: usize, emits: u64, burst: u64) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(i64, i64)>();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
    for url in urls {
        for _ in 0..conns {
            let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
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
                    if let (Some(n), Some(sent)) = (
                        number_after(&text, "\"n\":"),
                        number_after(&text, "\"sent_us\":"),
                    ) {
                        let _ = tx.send((n, received - sent));
                    }
                }
            });
        }
    }
    let subscribers = conns * urls.len();
    for _ in 0..subscribers {
        tokio::time::timeout(Duration::from_secs(60), ready_rx.recv())
            .await
            .context("subscribing")?;
    }
    let control = jsonws::client::WsClient::connect(&urls[0]).await?;
    let mut until_last = hdrhistogram::Histogram::<u64>::new(3)?;
    let mut each = hdrhistogram::Histogram::<u64>::new(3)?;
    for n in 1..=emits as i64 {
        control.call::<()>("fire", (n,)).await?;
        let mut got = 0;
        let mut last = 0;
        while got < subscribers {
            let (beat, latency) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .context("waiting for deliveries")?
                .context("subscribers gone")?;
            if beat != n {
                bail!("beat {beat} came while waiting for {n}");
            }
            got += 1;
            last = last.max(latency);
            each.record(latency.max(0) as u64)?;
        }
        until_last.record(last.max(0) as u64)?;
    }
    // The burst: `burst` beats, each to every subscriber, counted until the last arrives.
    let from = emits as i64 + 1;
    let started = Instant::now();
    control.call::<()>("burst", (from, burst as i64)).await?;
    let mut got = 0u64;
    let total = burst * subscribers as u64;
    let mut seen = std::collections::HashMap::<i64, usize>::new();
    while got < total {
        let (beat, _) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .context("waiting for the burst")?
            .context("subscribers gone")?;
        *seen.entry(beat).or_default() += 1;
        got += 1;
    }
    let elapsed = started.elapsed();
    if seen.len() as u64 != burst || seen.values().any(|n| *n != subscribers) {
        bail!("the burst did not reach every subscriber once");
    }
    println!(
        "{}",
        serde_json::json!({
            "instances": urls.len(),
            "subscribers_each": conns,
            "emits": emits,
            "delivery_p50_ms": each.value_at_quantile(0.5) as f64 / 1000.0,
            "delivery_p99_ms": each.value_at_quantile(0.99) as f64 / 1000.0,
            "until_last_p50_ms": until_last.value_at_quantile(0.5) as f64 / 1000.0,
            "until_last_p99_ms": until_last.value_at_quantile(0.99) as f64 / 1000.0,
            "burst": burst,
            "burst_ms": elapsed.as_secs_f64() * 1000.0,
            "events_per_s": burst as f64 / elapsed.as_secs_f64(),
            "deliveries_per_s": total as f64 / elapsed.as_secs_f64(),
        })
    );
    Ok(())
}
