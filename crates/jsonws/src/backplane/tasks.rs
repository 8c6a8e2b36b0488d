//! The two tasks that talk to Redis: one writes the buffer to the stream, one reads it back.

use std::time::{Duration, Instant};

use bytes::Bytes;
use redis::aio::MultiplexedConnection;
use redis::streams::{StreamRangeReply, StreamReadReply};
use redis::{AsyncConnectionConfig, Value};

use super::wire::{self, EntryId, Seen};
use super::{Backplane, Settings};

/// The most events, and bytes, written in one entry.
const BATCH_EVENTS: usize = 256;
const BATCH_BYTES: usize = 1 << 20;
/// How long one `XREAD` blocks waiting for entries.
const BLOCK: Duration = Duration::from_secs(2);
/// How long Redis may take to answer anything else.
const ANSWER: Duration = Duration::from_secs(5);
/// How many emitting instances the reader remembers for telling repeats.
const INSTANCES: usize = 4096;

/// Reconnect delays: 50 ms doubling to 2 s, back to 50 ms after a success.
struct Backoff(Duration);

impl Backoff {
    fn new() -> Self {
        Backoff(Duration::from_millis(50))
    }

    async fn wait(&mut self, backplane: &Backplane) -> bool {
        let delay = self.0;
        self.0 = (self.0 * 2).min(Duration::from_secs(2));
        tokio::select! {
            () = tokio::time::sleep(delay) => true,
            () = backplane.shared.stop.cancelled() => false,
        }
    }
}

async fn connect(
    backplane: &Backplane,
    answer: Duration,
) -> redis::RedisResult<MultiplexedConnection> {
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(ANSWER))
        .set_response_timeout(Some(answer));
    backplane
        .shared
        .client
        .get_multiplexed_async_connection_with_config(&config)
        .await
}

/// Marks one side up or down, logging the change.
fn link(backplane: &Backplane, reading: bool, up: bool, error: Option<String>) {
    let side = if reading { "reading" } else { "writing" };
    let url = &backplane.shared.url;
    backplane.shared.links.send_modify(|links| {
        let flag = if reading {
            &mut links.reading
        } else {
            &mut links.writing
        };
        if *flag == up {
            if !up && links.last_error.is_none() {
                // Not reachable from the start: say so once, then every 10 s (the writer).
                tracing::warn!(
                    error = error.as_deref().unwrap_or("closed"),
                    "backplane: cannot reach Redis at {url} ({side}); retrying"
                );
            }
            if error.is_some() {
                links.last_error = error.clone();
            }
            return;
        }
        *flag = up;
        if up {
            tracing::info!("backplane: {side} Redis at {url}");
            if links.reading && links.writing {
                links.last_error = None;
            }
        } else {
            links.disconnects += 1;
            links.last_error = error.clone();
            tracing::warn!(
                error = error.as_deref().unwrap_or("closed"),
                "backplane: lost the {side} connection to Redis at {url}; reconnecting"
            );
        }
    });
}

/// Writes the buffer to the stream, a batch per `XADD`, in order, until stopped.
pub(super) async fn write(backplane: Backplane, settings: Settings) {
    let mut backoff = Backoff::new();
    let mut failing_since: Option<Instant> = None;
    let mut last_report = Instant::now();
    loop {
        let mut connection = match connect(&backplane, ANSWER).await {
            Ok(connection) => connection,
            Err(e) => {
                link(&backplane, false, false, Some(e.to_string()));
                report_outage(&backplane, &mut failing_since, &mut last_report);
                if !backoff.wait(&backplane).await {
                    return;
                }
                continue;
            }
        };
        link(&backplane, false, true, None);
        if failing_since.take().is_some() {
            let state = backplane.state();
            if state.buffered > 0 {
                tracing::info!(
                    buffered = state.buffered,
                    "backplane: Redis is back; writing {} buffered events",
                    state.buffered
                );
            }
        }
        backoff = Backoff::new();
        loop {
            let (count, blob, first) = {
                let buffer = backplane.queue();
                let mut blob = Vec::new();
                let mut count = 0;
                for pending in buffer.queue.iter() {
                    if count == BATCH_EVENTS
                        || (count > 0 && blob.len() + pending.size() > BATCH_BYTES)
                    {
                        break;
                    }
                    wire::pack(
                        &mut blob,
                        &pending.service,
                        &pending.event,
                        pending.frame.as_bytes(),
                    );
                    count += 1;
                }
                (count, blob, buffer.queue.front().map_or(0, |p| p.seq))
            };
            if count == 0 {
                tokio::select! {
                    () = backplane.shared.wake.notified() => continue,
                    () = backplane.shared.stop.cancelled() => return,
                }
            }
            let result: redis::RedisResult<Value> = redis::cmd("XADD")
                .arg(&settings.stream)
                .arg("MAXLEN")
                .arg("~")
                .arg(settings.max_len)
                .arg("*")
                .arg("v")
                .arg(wire::VERSION)
                .arg("i")
                .arg(&backplane.shared.instance)
                .arg("s")
                .arg(first)
                .arg("b")
                .arg(blob)
                .query_async(&mut connection)
                .await;
            match result {
                Ok(_) => {
                    let mut buffer = backplane.queue();
                    for _ in 0..count {
                        if let Some(pending) = buffer.queue.pop_front() {
                            buffer.bytes -= pending.size();
                        }
                    }
                    drop(buffer);
                    backplane.changed();
                }
                Err(e) => {
                    link(&backplane, false, false, Some(e.to_string()));
                    failing_since.get_or_insert_with(Instant::now);
                    break;
                }
            }
        }
        if !backoff.wait(&backplane).await {
            return;
        }
    }
}

/// While Redis stays away, says every 10 s what waits in the buffer.
fn report_outage(backplane: &Backplane, since: &mut Option<Instant>, last: &mut Instant) {
    let since = *since.get_or_insert_with(Instant::now);
    if last.elapsed() >= Duration::from_secs(10) {
        *last = Instant::now();
        let state = backplane.state();
        tracing::warn!(
            buffered = state.buffered,
            dropped = state.dropped,
            "backplane: Redis at {} unreachable for {}s; {} events buffered, {} dropped",
            backplane.shared.url,
            since.elapsed().as_secs(),
            state.buffered,
            state.dropped
        );
    }
}

/// Reads the stream from the last entry seen and delivers every new event, until stopped.
pub(super) async fn read(backplane: Backplane, settings: Settings) {
    let mut backoff = Backoff::new();
    let mut seen = Seen::new(INSTANCES);
    let mut last: Option<EntryId> = None;
    loop {
        let attempt = async {
            let mut connection = connect(&backplane, BLOCK + ANSWER).await?;
            let newest: StreamRangeReply = redis::cmd("XREVRANGE")
                .arg(&settings.stream)
                .arg("+")
                .arg("-")
                .arg("COUNT")
                .arg(1)
                .query_async(&mut connection)
                .await?;
            let newest = newest.ids.first().and_then(|e| EntryId::parse(&e.id));
            let from = match (last, newest) {
                // The first start: only what is appended from now on.
                (None, newest) => newest.unwrap_or_default(),
                // Resume after the last entry seen, unless the stream is gone or older than
                // it (Redis restarted without its data): then all of the new stream is new.
                (Some(last), Some(newest)) if newest >= last => last,
                (Some(_), _) => EntryId::default(),
            };
            redis::RedisResult::Ok((connection, from))
        };
        let (mut connection, mut from) = tokio::select! {
            result = attempt => match result {
                Ok(ok) => ok,
                Err(e) => {
                    link(&backplane, true, false, Some(e.to_string()));
                    if !backoff.wait(&backplane).await {
                        return;
                    }
                    continue;
                }
            },
            () = backplane.shared.stop.cancelled() => return,
        };
        // From now on, a reconnect resumes here (or after what is read next).
        last = Some(from);
        link(&backplane, true, true, None);
        backoff = Backoff::new();
        loop {
            let mut command = redis::cmd("XREAD");
            command
                .arg("COUNT")
                .arg(64)
                .arg("BLOCK")
                .arg(BLOCK.as_millis() as u64)
                .arg("STREAMS")
                .arg(&settings.stream)
                .arg(from.to_string());
            let read = command.query_async::<Option<StreamReadReply>>(&mut connection);
            let reply = tokio::select! {
                reply = read => reply,
                () = backplane.shared.stop.cancelled() => return,
            };
            match reply {
                Ok(reply) => {
                    let mut any = false;
                    for entry in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
                        let Some(id) = EntryId::parse(&entry.id) else {
                            continue;
                        };
                        from = id;
                        last = Some(id);
                        any = true;
                        deliver_entry(&backplane, &mut seen, entry.map);
                        // An entry holds at most BATCH_EVENTS (under a connection's outbound
                        // queue): let the connections write before the next one.
                        tokio::task::yield_now().await;
                    }
                    if any {
                        backplane.changed();
                    }
                }
                Err(e) => {
                    link(&backplane, true, false, Some(e.to_string()));
                    break;
                }
            }
        }
        if !backoff.wait(&backplane).await {
            return;
        }
    }
}

fn deliver_entry(
    backplane: &Backplane,
    seen: &mut Seen,
    mut fields: std::collections::HashMap<String, Value>,
) {
    let text = |name: &str| match fields.get(name) {
        Some(Value::BulkString(bytes)) => std::str::from_utf8(bytes).ok().map(str::to_owned),
        _ => None,
    };
    if text("v").as_deref() != Some(wire::VERSION) {
        tracing::debug!("backplane: skipped a stream entry not written by this version");
        return;
    }
    let (Some(instance), Some(first), Some(Value::BulkString(blob))) = (
        text("i"),
        text("s").and_then(|s| s.parse::<u64>().ok()),
        fields.remove("b"),
    ) else {
        tracing::warn!("backplane: skipped a malformed stream entry");
        return;
    };
    let Some(events) = wire::unpack(Bytes::from(blob)) else {
        tracing::warn!("backplane: skipped a stream entry with a malformed batch");
        return;
    };
    for (seq, event) in (first..).zip(events) {
        if seen.fresh(&instance, seq) {
            backplane.deliver(&event.service, &event.event, event.frame);
        }
    }
}
