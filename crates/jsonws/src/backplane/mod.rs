//! Events across many instances: a Redis backplane (cargo feature `redis`).
//!
//! When one machine is not enough, several instances run behind a load balancer, and an event
//! emitted on any of them must reach every subscriber on every instance. With a [`Backplane`]
//! attached, [`Service::emit`](crate::Service::emit) does not deliver to the instance's own
//! subscribers: it appends the event to a Redis Stream, and every instance — the emitting one
//! too — delivers to its own subscribers what it reads back from the stream. So each
//! subscriber, wherever it is connected, gets each event exactly once, and in emit order per
//! emitting instance.
//!
//! # How
//!
//! - Every instance has a random id and numbers its emits 1, 2, 3, … Emits wait in a bounded
//!   in-memory buffer; one task appends them to the stream in order, a batch per `XADD …
//!   MAXLEN ~ N` (one entry: instance id, first sequence number, the encoded notifications).
//!   A batch is removed from the buffer only once Redis has acknowledged it.
//! - Another task, on its own connection, reads the stream with `XREAD BLOCK` from the last
//!   entry it has seen and delivers each event to the instance's subscribers. A batch that was
//!   appended twice (the acknowledgment was lost, the batch retried) is recognised by
//!   (instance, sequence number) and delivered once.
//! - When Redis goes away, emits keep going into the buffer; both tasks reconnect with
//!   backoff (50 ms doubling to 2 s). The writer flushes the buffer in order; the reader
//!   resumes after its last entry, or from the start of the stream when the stream is gone or
//!   older than its last entry (Redis restarted without persistence). Emits that do not fit
//!   in the buffer are refused with [`EmitError::Backplane`](crate::service::EmitError), counted
//!   and logged.
//! - Entry ids come from the Redis server's clock; the instances' clocks play no part.
//!
//! An instance should accept connections only once its reads are live:
//! [`Backplane::ready`] resolves then. Per-instance events (a clock's tick) use
//! [`Service::emit_local`](crate::Service::emit_local); [`Service::emit_to`](crate::Service::emit_to)
//! stays on the instance too, because its filter can only judge the instance's own connections.
//!
//! # Why redis-rs
//!
//! The client is [redis-rs](https://docs.rs/redis) (the `redis` crate, Tokio, no default
//! features): the most used Redis client for Rust, a small dependency tree, and plain
//! connections. The buffering and reconnecting are the point of this module — bounded,
//! counted, ordered — so they are done here, on top of a client that does not queue by
//! itself; fred's own reconnect and command queue would hold commands this module cannot
//! count or bound.
//!
//! # Examples
//!
//! ```no_run
//! use jsonws::backplane::Backplane;
//! use jsonws::server::Registry;
//! use jsonws::Service;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let chat = Service::builder("chat", "1.0.0")
//!     .event("said", Some("string"), "Someone said something.")
//!     .build()?;
//! let backplane = Backplane::redis("redis://127.0.0.1:6379")?.buffer(10_000, 16 << 20);
//! let registry = Registry::new().service(chat.clone()).backplane(backplane.clone());
//! backplane.ready().await; // accept connections only from now on
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
//! // Every subscriber of every instance sharing this Redis gets it once.
//! chat.emit("said", &"hello".to_string())?;
//! println!("{:?}", chat.backplane_state());
//! jsonws::server::serve(listener, registry.router_at("/api"), registry.shutdown_signal()).await?;
//! # Ok(())
//! # }
//! ```

mod tasks;
mod wire;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use crate::Service;
use crate::peer::Frame;
use crate::service::EmitError;

/// Why a backplane could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackplaneError {
    /// The URL is not a Redis URL.
    #[error("`{url}` is not a Redis URL (expected redis://HOST:PORT[/DB]): {reason}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// What the backplane is doing now: see [`Backplane::state`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BackplaneState {
    /// Both connections to Redis are up: emits are being written and the stream read.
    pub connected: bool,
    /// The stream is being read (the reading connection is up).
    pub reading: bool,
    /// Emits waiting to be written to Redis.
    pub buffered: usize,
    /// Their encoded size in bytes.
    pub buffered_bytes: usize,
    /// How long the oldest buffered emit has waited (zero when none waits).
    pub lag: Duration,
    /// Emits refused so far because the buffer was full.
    pub dropped: u64,
    /// Events delivered from the stream to this instance's subscribers so far.
    pub received: u64,
    /// Times a connection to Redis was lost.
    pub disconnects: u64,
    /// The last Redis error, while not connected.
    pub last_error: Option<String>,
}

/// A Redis backplane: attach it to a [`Registry`](crate::server::Registry) (or a
/// [`ServiceBuilder`](crate::ServiceBuilder)) and events reach every instance. Cloning is
/// cheap; clones share the connections and the buffer. See the [module docs](self).
#[derive(Clone)]
pub struct Backplane {
    shared: Arc<Shared>,
}

struct Shared {
    client: ::redis::Client,
    url: String,
    settings: RwLock<Settings>,
    instance: String,
    services: RwLock<HashMap<String, Service>>,
    buffer: Mutex<Buffer>,
    wake: Notify,
    /// Connection flags; every change (and every flushed batch) notifies the watchers.
    links: watch::Sender<Links>,
    dropped: AtomicU64,
    received: AtomicU64,
    last_drop_log: Mutex<Option<Instant>>,
    stop: CancellationToken,
    started: std::sync::Once,
}

#[derive(Debug, Clone)]
struct Settings {
    stream: String,
    max_len: u64,
    max_events: usize,
    max_bytes: usize,
}

#[derive(Debug, Clone, Default)]
struct Links {
    writing: bool,
    reading: bool,
    disconnects: u64,
    last_error: Option<String>,
}

#[derive(Default)]
struct Buffer {
    queue: VecDeque<Pending>,
    bytes: usize,
    next_seq: u64,
}

struct Pending {
    seq: u64,
    service: Arc<str>,
    event: String,
    frame: Frame,
    at: Instant,
}

impl Pending {
    fn size(&self) -> usize {
        self.service.len() + self.event.len() + self.frame.len() + 12
    }
}

impl Backplane {
    /// A backplane on the Redis at `url` (`redis://127.0.0.1:6379`, `redis://:password@host/2`).
    /// Nothing connects until it is attached or [`ready`](Backplane::ready) is awaited, inside a
    /// Tokio runtime.
    ///
    /// Defaults: stream `jsonws:events`, trimmed to about 10,000 entries, a buffer of 10,000
    /// events or 16 MiB.
    ///
    /// ```
    /// use jsonws::backplane::Backplane;
    ///
    /// assert!(Backplane::redis("redis://127.0.0.1:6379").is_ok());
    /// let error = Backplane::redis("http://nope").unwrap_err();
    /// assert!(error.to_string().contains("not a Redis URL"));
    /// ```
    pub fn redis(url: &str) -> Result<Backplane, BackplaneError> {
        let client = ::redis::Client::open(url).map_err(|e| BackplaneError::Url {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        let instance = instance_id();
        Ok(Backplane {
            shared: Arc::new(Shared {
                client,
                url: url.to_owned(),
                settings: RwLock::new(Settings {
                    stream: "jsonws:events".into(),
                    max_len: 10_000,
                    max_events: 10_000,
                    max_bytes: 16 << 20,
                }),
                instance,
                services: RwLock::new(HashMap::new()),
                buffer: Mutex::new(Buffer::default()),
                wake: Notify::new(),
                links: watch::Sender::new(Links::default()),
                dropped: AtomicU64::new(0),
                received: AtomicU64::new(0),
                last_drop_log: Mutex::new(None),
                stop: CancellationToken::new(),
                started: std::sync::Once::new(),
            }),
        })
    }

    /// The stream's key (default `jsonws:events`). Instances that share events use the same
    /// key; separate applications on one Redis use different ones. Set it before attaching.
    #[must_use]
    pub fn stream(self, key: impl Into<String>) -> Self {
        self.settings_mut().stream = key.into();
        self
    }

    /// About how many entries the stream keeps (`XADD … MAXLEN ~ n`, default 10,000; an entry
    /// is a batch of one or more events). An instance whose reader falls further behind than
    /// this, or stays away longer, misses the events trimmed meanwhile.
    #[must_use]
    pub fn max_len(self, entries: u64) -> Self {
        self.settings_mut().max_len = entries.max(1);
        self
    }

    /// The buffer of emits not yet written to Redis: at most `events` events and `bytes`
    /// bytes (defaults 10,000 and 16 MiB). While Redis is away, emits beyond it are refused.
    #[must_use]
    pub fn buffer(self, events: usize, bytes: usize) -> Self {
        let mut settings = self.settings_mut();
        settings.max_events = events.max(1);
        settings.max_bytes = bytes.max(1);
        drop(settings);
        self
    }

    fn settings_mut(&self) -> std::sync::RwLockWriteGuard<'_, Settings> {
        self.shared
            .settings
            .write()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn settings(&self) -> Settings {
        self.shared
            .settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// This instance's id in the stream (random, new at every start).
    pub fn instance(&self) -> &str {
        &self.shared.instance
    }

    /// The Redis URL.
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// Delivers the events of `service` that come back from Redis to its subscribers here,
    /// and sends its emits through Redis. A service has at most one backplane; attaching a
    /// second one does nothing.
    pub fn attach(&self, service: &Service) {
        if !service.set_backplane(self.clone()) {
            return;
        }
        self.shared
            .services
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(service_key(service), service.clone());
        self.start();
    }

    fn start(&self) {
        self.shared.started.call_once(|| {
            let settings = self.settings();
            tokio::spawn(tasks::write(self.clone(), settings.clone()));
            tokio::spawn(tasks::read(self.clone(), settings));
        });
    }

    /// Resolves once the stream is being read, so events emitted from now on on any instance
    /// reach this one's subscribers. Waits for as long as Redis is unreachable (the log says
    /// why); put a timeout around it to give up.
    pub async fn ready(&self) {
        self.start();
        self.wait_for(|s| s.reading).await;
    }

    /// What the backplane is doing now: connected or not, what waits in the buffer and for how
    /// long, how many emits were refused.
    pub fn state(&self) -> BackplaneState {
        let links = self.shared.links.borrow().clone();
        let buffer = self.queue();
        BackplaneState {
            connected: links.writing && links.reading,
            reading: links.reading,
            buffered: buffer.queue.len(),
            buffered_bytes: buffer.bytes,
            lag: buffer
                .queue
                .front()
                .map_or(Duration::ZERO, |p| p.at.elapsed()),
            dropped: self.shared.dropped.load(Ordering::Relaxed),
            received: self.shared.received.load(Ordering::Relaxed),
            disconnects: links.disconnects,
            last_error: links.last_error,
        }
    }

    /// Waits until `condition` holds for the [`state`](Backplane::state), and returns that
    /// state. The state is looked at again after every change of a connection, every batch
    /// written or read and every refused emit.
    pub async fn wait_for(
        &self,
        mut condition: impl FnMut(&BackplaneState) -> bool,
    ) -> BackplaneState {
        let mut changes = self.shared.links.subscribe();
        loop {
            changes.mark_unchanged();
            let state = self.state();
            if condition(&state) {
                return state;
            }
            if changes.changed().await.is_err() {
                return state;
            }
        }
    }

    /// Stops reading and writing, after trying for up to `grace` to write what is buffered.
    pub async fn close(&self, grace: Duration) {
        let _ =
            tokio::time::timeout(grace, self.wait_for(|s| s.buffered == 0 || !s.connected)).await;
        self.shared.stop.cancel();
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.shared.buffer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn changed(&self) {
        self.shared.links.send_modify(|_| {});
    }

    /// Queues an emit of `service` for Redis (called by `Service::emit`).
    pub(crate) fn publish(
        &self,
        service: &Service,
        event: &str,
        frame: Frame,
    ) -> Result<(), EmitError> {
        let settings = self
            .shared
            .settings
            .read()
            .unwrap_or_else(|p| p.into_inner());
        let (max_events, max_bytes) = (settings.max_events, settings.max_bytes);
        drop(settings);
        let mut buffer = self.queue();
        let pending = Pending {
            seq: 0,
            service: Arc::from(service_key(service)),
            event: event.to_owned(),
            frame,
            at: Instant::now(),
        };
        let size = pending.size();
        if buffer.queue.len() >= max_events || buffer.bytes + size > max_bytes {
            let held = buffer.queue.len();
            drop(buffer);
            let dropped = self.shared.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            self.log_drop(dropped, held, max_events, max_bytes);
            self.changed();
            return Err(EmitError::Backplane {
                event: event.to_owned(),
                dropped,
                reason: format!(
                    "the backplane buffer is full ({held} events waiting for Redis at {}, limit {max_events} events / {max_bytes} bytes)",
                    self.shared.url
                ),
            });
        }
        buffer.next_seq += 1;
        let mut pending = pending;
        pending.seq = buffer.next_seq;
        buffer.bytes += size;
        buffer.queue.push_back(pending);
        drop(buffer);
        self.shared.wake.notify_one();
        Ok(())
    }

    fn log_drop(&self, dropped: u64, held: usize, max_events: usize, max_bytes: usize) {
        let mut last = self
            .shared
            .last_drop_log
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if last.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
            *last = Some(Instant::now());
            tracing::error!(
                dropped,
                buffered = held,
                "backplane: buffer full (limit {max_events} events / {max_bytes} bytes) while Redis at {} is unreachable; emits are refused, {dropped} dropped so far",
                self.shared.url
            );
        }
    }

    /// Delivers an event read from the stream to this instance's subscribers.
    fn deliver(&self, service: &[u8], event: &[u8], frame: bytes::Bytes) {
        let (Ok(service), Ok(event)) = (std::str::from_utf8(service), std::str::from_utf8(event))
        else {
            return;
        };
        let target = self
            .shared
            .services
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(service)
            .cloned();
        let Some(target) = target else { return };
        let Ok(frame) = Frame::try_from(frame) else {
            return;
        };
        self.shared.received.fetch_add(1, Ordering::Relaxed);
        target.deliver_local(event, frame);
    }
}

impl fmt::Debug for Backplane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backplane")
            .field("url", &self.shared.url)
            .field("instance", &self.shared.instance)
            .field("state", &self.state())
            .finish()
    }
}

fn service_key(service: &Service) -> String {
    format!("{}/{}", service.name(), service.version())
}

/// A random id: the process id, the time and a hash-seeded random number.
fn instance_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}
