//! The HTTP connections behind [`serve`](super::serve): the accept loop, one connection limit
//! for every transport, and the timeouts that keep idle and trickling clients from holding
//! sockets forever.
//!
//! axum's own `serve` is a plain accept loop: no timer, so hyper's header timeout never runs,
//! and no limit on connections, so an idle socket, a client sending one byte a second or ten
//! thousand idle keep-alive connections stay open for good (and a file-descriptor limit starves
//! everyone else). hyper has a header-read timeout but it also runs while a keep-alive
//! connection waits for its next request, so it cannot tell "slow head" from "idle"; the
//! watchdog here can, because it sees both the bytes (through [`Watched`]) and the requests
//! (through the service):
//!
//! | state | deadline |
//! |---|---|
//! | connected, nothing received | [`Config::header_timeout`] |
//! | a request head begun | its first byte + [`Config::header_timeout`] |
//! | a request running | none here: its body read has [`Config::body_timeout`] |
//! | idle between requests | last response or write + [`Config::keep_alive_timeout`] |
//!
//! The connection slot lives in the socket wrapper, so a connection upgraded to a WebSocket
//! keeps counting until the WebSocket closes. Protocol checks that need the raw request
//! (RFC 9112's `Host` rule, RFC 9110's `Expect`) are answered here too, before the router.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, Version, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use crate::Config;

/// The timeouts a connection's watchdog applies.
#[derive(Clone, Copy)]
struct Timeouts {
    header: Duration,
    keep_alive: Duration,
}

/// Accepts connections on `listener` and serves `app` on each until `shutdown` resolves, then
/// lets every connection finish its request and waits for them.
pub(super) async fn run(
    listener: TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    config: &Config,
) -> io::Result<()> {
    let open = Arc::new(AtomicUsize::new(0));
    let max = config.max_connections;
    let timeouts = Timeouts {
        header: config.header_timeout,
        keep_alive: config.keep_alive_timeout,
    };
    let tasks = TaskTracker::new();
    let stop = CancellationToken::new();
    let mut backoff = ACCEPT_BACKOFF_START;
    let mut full_since: Option<Instant> = None;
    let mut refused = 0u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => {
                    backoff = ACCEPT_BACKOFF_START;
                    accepted
                }
                Err(e) if is_per_connection(&e) => continue,
                Err(e) => {
                    // Out of file descriptors or memory: wait for some to free instead of
                    // spinning on the error.
                    if backoff == ACCEPT_BACKOFF_START {
                        tracing::warn!(error = %e, "accepting connections failed; backing off");
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                    continue;
                }
            },
        };
        let Some(slot) = Slot::take(&open, max) else {
            refused += 1;
            if full_since.is_none() {
                full_since = Some(Instant::now());
                tracing::warn!(
                    limit = max,
                    "connection limit reached; refusing new connections with 503"
                );
            }
            tasks.spawn(refuse(stream, max));
            continue;
        };
        if let Some(since) = full_since.take() {
            tracing::info!(refused, after = ?since.elapsed(), "accepting connections again");
            refused = 0;
        }
        let _ = stream.set_nodelay(true);
        tasks.spawn(connection(
            stream,
            remote,
            slot,
            app.clone(),
            timeouts,
            stop.clone(),
        ));
    }
    drop(listener);
    stop.cancel();
    tasks.close();
    tasks.wait().await;
    Ok(())
}

const ACCEPT_BACKOFF_START: Duration = Duration::from_millis(5);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Errors of one connection that was gone before it was accepted: keep accepting.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Serves one connection until it ends, its watchdog fires, or shutdown has let it finish.
async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    slot: Slot,
    app: Router,
    timeouts: Timeouts,
    stop: CancellationToken,
) {
    let watch = Arc::new(Watch::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        watch: watch.clone(),
        _slot: slot,
    });
    let service = {
        let watch = watch.clone();
        hyper::service::service_fn(move |request: Request<Incoming>| {
            let busy = Busy::start(&watch);
            let app = app.clone();
            async move {
                let _busy = busy;
                if let Some(refusal) = check_head(&request) {
                    return Ok::<_, Infallible>(refusal);
                }
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(remote));
                app.oneshot(request).await
            }
        })
    };
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        // The watchdog times heads, telling a slow head from an idle keep-alive connection.
        .header_read_timeout(None)
        // A client may send its request and close its half: it still gets the response.
        .half_close(true)
        .serve_connection(io, service)
        .with_upgrades();
    let dog = watchdog(&watch, timeouts);
    tokio::pin!(conn, dog);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%remote, error = %e, "HTTP connection ended with an error");
                }
                break;
            }
            why = &mut dog => {
                tracing::debug!(%remote, why, "closing an HTTP connection");
                break;
            }
            () = stop.cancelled(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Answers a connection over the limit with 503 without reading it, and closes it.
async fn refuse(mut stream: TcpStream, limit: usize) {
    let body = format!("the server holds its limit of {limit} connections; try again later\n");
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let write = async {
        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}

/// The answer to a request head that breaks a rule of HTTP/1.1 itself, if it does.
fn check_head(request: &Request<Incoming>) -> Option<Response<Body>> {
    let hosts = request.headers().get_all(header::HOST).iter().count();
    if hosts > 1 || (hosts == 0 && request.version() == Version::HTTP_11) {
        // RFC 9112 §3.2: exactly one Host in an HTTP/1.1 request.
        return Some(plain(
            StatusCode::BAD_REQUEST,
            "an HTTP/1.1 request needs exactly one `Host` header\n",
        ));
    }
    if let Some(expect) = request.headers().get(header::EXPECT) {
        // RFC 9110 §10.1.1: 100-continue is the only expectation there is.
        if !expect.as_bytes().eq_ignore_ascii_case(b"100-continue") {
            return Some(plain(
                StatusCode::EXPECTATION_FAILED,
                "the only `Expect` this server meets is `100-continue`\n",
            ));
        }
    }
    None
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// One of the server's connection places, given back when the socket is dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>, limit: usize) -> Option<Slot> {
        open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < limit).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(open.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a connection is doing, as far as its deadlines go.
struct Watch {
    state: Mutex<WatchState>,
}

struct WatchState {
    /// Requests whose head was read and whose response is not ready yet.
    busy: usize,
    /// Whether any request was served yet (a new connection gets the head timeout).
    served: bool,
    /// When the connection last had nothing to do: opened, a response ready, or a write.
    idle_since: Instant,
    /// When the first byte of the next head arrived, while idle.
    head_since: Option<Instant>,
}

impl Watch {
    fn new() -> Self {
        Watch {
            state: Mutex::new(WatchState {
                busy: 0,
                served: false,
                idle_since: Instant::now(),
                head_since: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WatchState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl WatchState {
    fn deadline(&self, timeouts: Timeouts) -> Option<(Instant, &'static str)> {
        if self.busy > 0 {
            return None;
        }
        Some(match self.head_since {
            Some(since) => (
                since + timeouts.header,
                "the request head did not arrive in time",
            ),
            None if !self.served => (
                self.idle_since + timeouts.header,
                "no request arrived in time",
            ),
            None => (
                self.idle_since + timeouts.keep_alive,
                "the keep-alive connection was idle too long",
            ),
        })
    }
}

/// Resolves, with the reason, when the connection has passed its deadline. Nothing on the
/// request path wakes it (a wake-up per request cost HTTP a fifth of its calls/s): it looks at
/// the connection at least every half head timeout, so a deadline is noticed at most that late.
async fn watchdog(watch: &Watch, timeouts: Timeouts) -> &'static str {
    let period = (timeouts.header / 2).max(Duration::from_millis(10));
    loop {
        let now = Instant::now();
        let deadline = watch.lock().deadline(timeouts);
        let wake = match deadline {
            Some((at, why)) if at <= now => return why,
            Some((at, _)) => at.min(now + period),
            None => now + period,
        };
        tokio::time::sleep_until(wake).await;
    }
}

/// A request being served: the connection has no deadline meanwhile.
struct Busy(Arc<Watch>);

impl Busy {
    fn start(watch: &Arc<Watch>) -> Busy {
        let mut state = watch.lock();
        state.busy += 1;
        state.served = true;
        state.head_since = None;
        drop(state);
        Busy(watch.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.busy -= 1;
        state.idle_since = Instant::now();
    }
}

/// The socket, telling the watchdog when bytes come and go; it holds the connection slot.
struct Watched {
    inner: TcpStream,
    watch: Arc<Watch>,
    _slot: Slot,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            let mut state = self.watch.lock();
            if state.busy == 0 && state.head_since.is_none() {
                state.head_since = Some(Instant::now());
            }
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            // A response still being written keeps an idle connection alive.
            let mut state = self.watch.lock();
            if state.busy == 0 {
                state.idle_since = Instant::now();
            }
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            let mut state = self.watch.lock();
            if state.busy == 0 {
                state.idle_since = Instant::now();
            }
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
