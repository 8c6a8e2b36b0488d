//! The load generator of the benchmark: a pipelined closed loop against a JSON-RPC `sum`.
//!
//! ```text
//! loadgen ws   --url ws://127.0.0.1:PORT/rpc --conns N --inflight K --secs S
//! loadgen socketio --url http://127.0.0.1:PORT --namespace /demo/1.0.0 --conns N --inflight K
//! loadgen http --url http://127.0.0.1:PORT/rpc --conns N --secs S
//! loadgen idle --url ws://127.0.0.1:PORT/rpc --conns 1000 --pid SERVER_PID
//! ```
//!
//! `ws` opens N WebSocket connections and keeps K calls in flight on each: every reply that
//! arrives is checked (its `result` must be `a + b` for the `a`, `b` sent with its `id`) and
//! answered with a new call, and all calls written in one wake-up go out in one flush. `http`
//! opens N keep-alive HTTP/1.1 connections with one call in flight each (HTTP/1.1 has no
//! multiplexing). Both speak raw JSON text, so the generator is the same for every server.
//!
//! The first `--warmup` seconds (default 1) are not counted; then for `--secs` seconds every
//! completed call is counted and its latency (from writing the request to reading the reply)
//! goes into a histogram. The result is one JSON line on stdout: `calls_per_sec`, `p50_us`,
//! `p99_us`, `errors` and a few more.
//!
//! `idle` measures memory per idle WebSocket connection: the server's `VmRSS` before and one
//! second after opening N connections that send nothing, divided by N.
//!
//! Everything is bounded: each connection stops at the end of its window, and a reply that has
//! not come two seconds after it counts as an error.

mod http;
mod idle;
mod stats;
mod ws;

use std::time::Duration;

use clap::{Parser, Subcommand};
use tokio::time::Instant;

#[derive(Parser)]
#[command(about = "Pipelined closed-loop load against a JSON-RPC `sum` method")]
struct Args {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// WebSocket: N connections with K calls in flight on each.
    Ws {
        /// `ws://host:port/path` (loopback only).
        #[arg(long)]
        url: String,
        /// Connections.
        #[arg(long, default_value_t = 1)]
        conns: usize,
        /// Calls in flight per connection.
        #[arg(long, default_value_t = 1)]
        inflight: usize,
        #[command(flatten)]
        timing: Timing,
    },
    /// Socket.IO over a WebSocket: N connections with K calls in flight on each, as `message`
    /// events in one namespace.
    Socketio {
        /// `http://host:port` of the server (the engine answers at `/socket.io/`).
        #[arg(long)]
        url: String,
        /// The namespace, `/demo/1.0.0`.
        #[arg(long)]
        namespace: String,
        /// Connections.
        #[arg(long, default_value_t = 1)]
        conns: usize,
        /// Calls in flight per connection.
        #[arg(long, default_value_t = 1)]
        inflight: usize,
        #[command(flatten)]
        timing: Timing,
    },
    /// HTTP POST: N keep-alive connections, one call in flight on each.
    Http {
        /// `http://host:port/path` (loopback only).
        #[arg(long)]
        url: String,
        /// Connections.
        #[arg(long, default_value_t = 1)]
        conns: usize,
        #[command(flatten)]
        timing: Timing,
    },
    /// Memory per idle WebSocket connection, read from the server's /proc/PID/status.
    Idle {
        /// `ws://host:port/path` (loopback only).
        #[arg(long)]
        url: String,
        /// Idle connections to open.
        #[arg(long, default_value_t = 1000)]
        conns: usize,
        /// The server's process id.
        #[arg(long)]
        pid: u32,
        /// How long to hold the connections open before reading the server's memory.
        #[arg(long, default_value_t = 1.0)]
        hold_secs: f64,
    },
}

#[derive(clap::Args, Clone, Copy)]
struct Timing {
    /// Seconds measured, after the warm-up.
    #[arg(long, default_value_t = 5.0)]
    secs: f64,
    /// Seconds of load before measuring starts; not counted.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// The server's process id, to report how busy it was (`server_busy`, in cores).
    #[arg(long)]
    server_pid: Option<u32>,
}

/// When counting starts and when the load stops, shared by every connection of a run.
#[derive(Clone, Copy)]
struct Window {
    count_from: Instant,
    end: Instant,
}

impl Window {
    /// How long after the end a connection still waits for a reply before calling it lost.
    const GRACE: Duration = Duration::from_secs(2);

    fn starting_now(timing: Timing) -> anyhow::Result<Self> {
        anyhow::ensure!(
            timing.secs > 0.0 && timing.secs <= 600.0,
            "--secs must be in (0, 600]"
        );
        anyhow::ensure!(
            timing.warmup >= 0.0 && timing.warmup <= 60.0,
            "--warmup must be in [0, 60]"
        );
        let count_from = Instant::now() + Duration::from_secs_f64(timing.warmup);
        Ok(Window {
            count_from,
            end: count_from + Duration::from_secs_f64(timing.secs),
        })
    }

    fn give_up_at(&self) -> Instant {
        self.end + Self::GRACE
    }
}

/// The `a` and `b` of call `id` on connection `conn`: varied, and known again from the id
/// when the reply comes back.
fn operands(conn: usize, id: u64) -> (i64, i64) {
    let a = id as i64;
    let b = ((conn as i64) * 1_000_003 + a * 7919) % 1_000_000 - 500_000;
    (a, b)
}

/// The request body of call `id` on connection `conn`.
fn request_text(conn: usize, id: u64) -> String {
    let (a, b) = operands(conn, id);
    format!(r#"{{"jsonrpc":"2.0","method":"sum","params":[{a},{b}],"id":{id}}}"#)
}

/// What a reply must contain to count as a success.
#[derive(serde::Deserialize)]
struct Reply {
    id: Option<u64>,
    result: Option<i64>,
}

/// What a reply body says about the call it answers.
#[derive(Debug, PartialEq, Eq)]
struct Checked {
    /// The call it answers, when it names one.
    id: Option<u64>,
    /// Whether its `result` is `a + b` for that call.
    ok: bool,
}

/// Checks a reply body against the operands its id was sent with.
fn check_reply(conn: usize, body: &[u8]) -> Checked {
    let Ok(reply) = serde_json::from_slice::<Reply>(body) else {
        return Checked {
            id: None,
            ok: false,
        };
    };
    let ok = reply.id.zip(reply.result).is_some_and(|(id, result)| {
        let (a, b) = operands(conn, id);
        result == a + b
    });
    Checked { id: reply.id, ok }
}

/// The socket address of a `ws://` or `http://` URL, which must be on this machine: the
/// benchmark sends load to loopback only.
async fn loopback_addr(url: &str) -> anyhow::Result<std::net::SocketAddr> {
    let uri: hyper::Uri = url.parse()?;
    let host = uri
        .host()
        .ok_or_else(|| anyhow::anyhow!("{url}: no host"))?;
    let port = uri
        .port_u16()
        .ok_or_else(|| anyhow::anyhow!("{url}: no port"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut addrs = tokio::net::lookup_host((host, port)).await?;
    let addr = addrs
        .next()
        .ok_or_else(|| anyhow::anyhow!("{url}: host not found"))?;
    anyhow::ensure!(
        addr.ip().is_loopback(),
        "{url}: only loopback addresses are load-tested"
    );
    Ok(addr)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // The generator gets one core of its own (taskset), so one thread drives every connection.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let line = runtime.block_on(async {
        match args.mode {
            Mode::Ws {
                url,
                conns,
                inflight,
                timing,
            } => {
                anyhow::ensure!(inflight >= 1, "--inflight must be at least 1");
                ws::run(&url, conns, inflight, timing, ws::Framing::Plain).await
            }
            Mode::Socketio {
                url,
                namespace,
                conns,
                inflight,
                timing,
            } => {
                anyhow::ensure!(inflight >= 1, "--inflight must be at least 1");
                let framing = ws::Framing::SocketIo { ns: namespace };
                ws::run(&url, conns, inflight, timing, framing).await
            }
            Mode::Http { url, conns, timing } => http::run(&url, conns, timing).await,
            Mode::Idle {
                url,
                conns,
                pid,
                hold_secs,
            } => idle::run(&url, conns, pid, hold_secs).await,
        }
    })?;
    println!("{line}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_right_reply_checks_out() {
        let (a, b) = operands(3, 42);
        let body = format!(r#"{{"jsonrpc":"2.0","result":{},"id":42}}"#, a + b);
        assert_eq!(
            check_reply(3, body.as_bytes()),
            Checked {
                id: Some(42),
                ok: true
            }
        );
    }

    #[test]
    fn a_wrong_or_error_reply_does_not() {
        let (a, b) = operands(3, 42);
        let wrong = format!(r#"{{"jsonrpc":"2.0","result":{},"id":42}}"#, a + b + 1);
        assert_eq!(
            check_reply(3, wrong.as_bytes()),
            Checked {
                id: Some(42),
                ok: false
            }
        );
        let error = br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"no"},"id":42}"#;
        assert_eq!(
            check_reply(3, error),
            Checked {
                id: Some(42),
                ok: false
            }
        );
        let anonymous = br#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"no"},"id":null}"#;
        assert_eq!(
            check_reply(3, anonymous),
            Checked {
                id: None,
                ok: false
            }
        );
        assert_eq!(
            check_reply(3, b"not json"),
            Checked {
                id: None,
                ok: false
            }
        );
    }

    #[tokio::test]
    async fn only_loopback_is_a_target() {
        assert!(loopback_addr("ws://127.0.0.1:9/rpc").await.is_ok());
        assert!(loopback_addr("http://[::1]:9/").await.is_ok());
        assert!(loopback_addr("http://192.0.2.1:9/").await.is_err());
    }

    #[test]
    fn the_request_is_positional_sum() {
        let text = request_text(0, 7);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["method"], "sum");
        assert_eq!(value["id"], 7);
        let (a, b) = operands(0, 7);
        assert_eq!(value["params"], serde_json::json!([a, b]));
    }
}
