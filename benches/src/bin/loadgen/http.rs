//! HTTP load: N keep-alive HTTP/1.1 connections, one POST in flight on each.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::stats::{Busy, Stats};
use crate::{Timing, Window, check_reply, loopback_addr, request_text};

pub(crate) async fn run(url: &str, conns: usize, timing: Timing) -> anyhow::Result<String> {
    anyhow::ensure!(
        (1..=10_000).contains(&conns),
        "--conns must be in 1..=10000"
    );
    let uri: Uri = url.parse()?;
    let authority = uri.authority().map(|a| a.to_string()).unwrap_or_default();
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let addr = loopback_addr(url).await?;
    let mut senders = Vec::with_capacity(conns);
    for _ in 0..conns {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(tcp)).await?;
        tokio::spawn(connection);
        senders.push(sender);
    }
    let window = Window::starting_now(timing)?;
    let busy = tokio::spawn(Busy::measure(window, timing.server_pid));
    let tasks: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(conn, sender)| {
            let target = Target {
                authority: authority.clone(),
                path: path.clone(),
            };
            tokio::spawn(drive(conn, sender, target, window))
        })
        .collect();
    let mut total = Stats::new();
    for task in tasks {
        match task.await {
            Ok(stats) => total.merge(stats),
            Err(e) => {
                total.errors += 1;
                total.fail(format!("connection task failed: {e}"));
            }
        }
    }
    let busy = busy.await.unwrap_or_default();
    Ok(total.report("http", conns, 1, timing.secs, busy))
}

struct Target {
    authority: String,
    path: String,
}

/// One connection's closed loop: POST, read the whole reply, check it, again.
async fn drive(
    conn: usize,
    mut sender: SendRequest<Full<Bytes>>,
    target: Target,
    window: Window,
) -> Stats {
    let mut stats = Stats::new();
    let mut id = 0u64;
    // One timer for the whole run rather than one per call: cheaper for the generator.
    let give_up = tokio::time::sleep_until(window.give_up_at());
    tokio::pin!(give_up);
    while Instant::now() < window.end {
        let call = tokio::select! {
            biased;
            call = one_call(conn, id, &mut sender, &target) => call,
            () = &mut give_up => Err(anyhow::anyhow!("a reply did not come")),
        };
        let (sent_at, body) = match call {
            Ok(done) => done,
            Err(e) => {
                stats.errors += 1;
                stats.fail(format!("connection {conn}: {e}"));
                break;
            }
        };
        let now = Instant::now();
        let checked = check_reply(conn, &body);
        if checked.ok && checked.id == Some(id) {
            if now >= window.count_from && now < window.end {
                stats.record(now - sent_at);
            }
        } else {
            stats.errors += 1;
        }
        id += 1;
    }
    stats
}

/// Sends call `id` and returns when it was sent and the reply body.
async fn one_call(
    conn: usize,
    id: u64,
    sender: &mut SendRequest<Full<Bytes>>,
    target: &Target,
) -> anyhow::Result<(Instant, Bytes)> {
    let request = Request::post(target.path.as_str())
        .header(HOST, target.authority.as_str())
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(request_text(conn, id))))?;
    sender.ready().await?;
    let sent_at = Instant::now();
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    anyhow::ensure!(
        status == StatusCode::OK,
        "HTTP {status}: {}",
        String::from_utf8_lossy(&body)
    );
    Ok((sent_at, body))
}
