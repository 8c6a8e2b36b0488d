//! Memory per idle WebSocket connection, as the server's resident set grows.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt, stream};
use serde::Serialize;

use crate::ws::{Ws, connect};

/// How many connections are being opened at once.
const OPENING_AT_ONCE: usize = 64;

pub(crate) async fn run(
    url: &str,
    conns: usize,
    pid: u32,
    hold_secs: f64,
) -> anyhow::Result<String> {
    anyhow::ensure!(
        (1..=10_000).contains(&conns),
        "--conns must be in 1..=10000"
    );
    anyhow::ensure!(
        (0.0..=60.0).contains(&hold_secs),
        "--hold-secs must be in [0, 60]"
    );
    // One connection first, not counted, so one-time costs (the first upgrade's allocations,
    // a worker's first buffers) are in the baseline rather than in the per-connection figure.
    let mut warm = connect(url).await?;
    round_trip(&mut warm).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before_kb = vm_kb(pid, "VmRSS")?;
    let opened: Vec<anyhow::Result<Ws>> = stream::iter(0..conns)
        .map(|_| connect(url))
        .buffer_unordered(OPENING_AT_ONCE)
        .collect()
        .await;
    let failed = opened.iter().filter(|r| r.is_err()).count();
    let first_failure = opened
        .iter()
        .find_map(|r| r.as_ref().err().map(|e| e.to_string()));
    tokio::time::sleep(Duration::from_secs_f64(hold_secs)).await;
    let after_kb = vm_kb(pid, "VmRSS")?;
    let held = conns - failed;
    let report = Report {
        mode: "idle",
        conns: held,
        failed,
        rss_before_kb: before_kb,
        rss_after_kb: after_kb,
        bytes_per_conn: (after_kb.saturating_sub(before_kb) * 1024)
            .checked_div(held as u64)
            .unwrap_or(0),
        failure: first_failure,
    };
    for socket in opened.into_iter().flatten() {
        drop(socket);
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), warm.close(None)).await;
    Ok(serde_json::to_string(&report)?)
}

/// One call and its reply, so the warm-up connection has really been served.
async fn round_trip(ws: &mut Ws) -> anyhow::Result<()> {
    ws.send(crate::request_text(0, 0).into()).await?;
    let reply = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .map_err(|_| anyhow::anyhow!("no reply to the warm-up call"))?;
    anyhow::ensure!(
        matches!(reply, Some(Ok(_))),
        "the warm-up call failed: {reply:?}"
    );
    Ok(())
}

/// A `kB` line of /proc/PID/status, such as `VmRSS` or `VmHWM`.
fn vm_kb(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no {field} in /proc/{pid}/status"))
}

#[derive(Serialize)]
struct Report {
    mode: &'static str,
    conns: usize,
    failed: usize,
    rss_before_kb: u64,
    rss_after_kb: u64,
    bytes_per_conn: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
}
