//! Event subscriptions and fan-out.
//!
//! Each service keeps, per event, the connections subscribed to it. `rpc.on` and `rpc.off`
//! change a connection's set atomically: every name must be a declared event, or nothing
//! changes. A connection's subscriptions go when it closes.
//!
//! An emit converts its data by the event's declared type, encodes the notification once,
//! and hands the same bytes to every subscriber's outbound queue without waiting. A subscriber
//! whose queue is full has stayed slower than the events for a whole queue's worth: it is
//! disconnected with a reason, logged and counted, and the others are not held up.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;

use crate::handler::{Call, ConnectionId, Context};
use crate::peer::{Frame, Push};
use crate::protocol::{ErrorObject, code};
use crate::schema::ConvertError;

/// Why an emit did not go out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// The service declares no event by that name.
    #[error("no event `{0}` is declared; declare it on the service builder first")]
    UnknownEvent(String),
    /// The [`Emitter`](super::Emitter) is not bound to a live service: bind it with
    /// `ServiceBuilder::emitter` before `build`, and keep the service.
    #[error(
        "event `{0}` was emitted before its service was built, or after it was dropped; \
         bind the emitter with ServiceBuilder::emitter and keep the service"
    )]
    NotServing(String),
    /// The data does not convert to the event's declared type.
    #[error("the data of event `{event}` is not its declared type: {error}")]
    Data {
        /// The event.
        event: String,
        /// What is wrong with the data.
        error: ConvertError,
    },
    /// The backplane could not take the event: its buffer is full because Redis has been
    /// unreachable for a while. The event was dropped and counted.
    #[error("event `{event}` was dropped: {reason}; {dropped} events dropped so far")]
    Backplane {
        /// The event.
        event: String,
        /// How many emits the backplane has refused so far, this one included.
        dropped: u64,
        /// Why, and what the limit is.
        reason: String,
    },
}

/// For handlers that emit: an event the backplane dropped is the server condition
/// -32002 (overloaded) with the count in `data`; the other errors are bugs of the service,
/// so they become -32603, their details in the log.
impl From<EmitError> for ErrorObject {
    fn from(error: EmitError) -> Self {
        tracing::error!(error = %error, "an event could not be emitted");
        match error {
            EmitError::Backplane { event, dropped, .. } => ErrorObject::server(
                code::OVERLOADED,
                "The event could not be sent: the backplane is unreachable and its buffer is full",
            )
            .with_data(serde_json::json!({ "event": event, "dropped": dropped })),
            _ => ErrorObject::internal(),
        }
    }
}

/// What an emit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Delivery {
    /// Subscribers whose queue took the notification.
    pub delivered: usize,
    /// Subscribers disconnected because their queue was full.
    pub dropped: usize,
}

#[derive(Clone)]
struct Subscriber {
    peer: crate::Peer,
    context: Context,
}

/// The subscriptions of one service.
pub(crate) struct EventHub {
    subscriptions: RwLock<HashMap<String, HashMap<ConnectionId, Subscriber>>>,
    /// Connections with a clean-up task waiting for their close.
    watched: Mutex<std::collections::HashSet<ConnectionId>>,
    limit: AtomicUsize,
    slow_consumers: AtomicU64,
}

impl EventHub {
    pub(crate) fn new(names: impl Iterator<Item = String>) -> Self {
        EventHub {
            subscriptions: RwLock::new(names.map(|n| (n, HashMap::new())).collect()),
            watched: Mutex::new(Default::default()),
            limit: AtomicUsize::new(crate::Config::default().max_subscriptions),
            slow_consumers: AtomicU64::new(0),
        }
    }

    pub(crate) fn set_limit(&self, limit: usize) {
        self.limit.store(limit, Ordering::Relaxed);
    }

    pub(crate) fn slow_consumers(&self) -> u64 {
        self.slow_consumers.load(Ordering::Relaxed)
    }

    pub(crate) fn subscriber_count(&self, event: &str) -> usize {
        self.read().get(event).map_or(0, HashMap::len)
    }

    fn read(
        &self,
    ) -> std::sync::RwLockReadGuard<'_, HashMap<String, HashMap<ConnectionId, Subscriber>>> {
        self.subscriptions.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, HashMap<String, HashMap<ConnectionId, Subscriber>>> {
        self.subscriptions
            .write()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// `rpc.on` (`on == true`) or `rpc.off` for the calling connection.
    pub(crate) fn change(
        self: &Arc<Self>,
        call: &Call,
        on: bool,
    ) -> Result<Vec<String>, ErrorObject> {
        let method = if on { "rpc.on" } else { "rpc.off" };
        let Some(peer) = call.peer() else {
            return Err(ErrorObject::server(
                code::UNSUPPORTED,
                format!("{method} needs a WebSocket connection: plain HTTP cannot deliver events"),
            ));
        };
        let names = event_names(call, method)?;
        let id = peer.id();
        {
            let mut subscriptions = self.write();
            let unknown: Vec<&String> = names
                .iter()
                .filter(|n| !subscriptions.contains_key(*n))
                .collect();
            if let Some(first) = unknown.first() {
                return Err(
                    ErrorObject::invalid_params(format_args!("unknown event `{first}`")).with_data(
                        serde_json::json!({
                            "param": "events",
                            "expected": format!("declared events: {}", declared(&subscriptions)),
                            "got": unknown,
                        }),
                    ),
                );
            }
            if on {
                let held = subscriptions
                    .values()
                    .filter(|s| s.contains_key(&id))
                    .count();
                let new = names
                    .iter()
                    .filter(|n| !subscriptions[*n].contains_key(&id))
                    .count();
                let limit = self.limit.load(Ordering::Relaxed);
                if held + new > limit {
                    return Err(ErrorObject::server(code::LIMIT_EXCEEDED, "Too many subscriptions").with_data(
                        format!("a connection may hold {limit} subscriptions; it holds {held} and asked for {new} more"),
                    ));
                }
                let subscriber = Subscriber {
                    peer: peer.clone(),
                    context: call.context().clone(),
                };
                for name in &names {
                    subscriptions
                        .get_mut(name)
                        .map(|s| s.insert(id, subscriber.clone()));
                }
            } else {
                for name in &names {
                    subscriptions.get_mut(name).map(|s| s.remove(&id));
                }
            }
        }
        if on {
            self.watch(peer.clone());
        }
        Ok(names)
    }

    /// Removes the connection's subscriptions once it closes.
    fn watch(self: &Arc<Self>, peer: crate::Peer) {
        let id = peer.id();
        if !self
            .watched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id)
        {
            return;
        }
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            peer.closed().await;
            if let Some(hub) = hub.upgrade() {
                for subscribers in hub.write().values_mut() {
                    subscribers.remove(&id);
                }
                hub.watched
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&id);
            }
        });
    }

    /// Delivers an encoded notification to the subscribers of `event` that pass `filter`.
    pub(crate) fn deliver(
        &self,
        event: &str,
        frame: Frame,
        filter: Option<&dyn Fn(&Context) -> bool>,
    ) -> Delivery {
        let mut delivery = Delivery::default();
        let subscriptions = self.read();
        let Some(subscribers) = subscriptions.get(event) else {
            return delivery;
        };
        for subscriber in subscribers.values() {
            if filter.is_some_and(|f| !f(&subscriber.context)) {
                continue;
            }
            match subscriber.peer.push(frame.clone()) {
                Push::Queued => delivery.delivered += 1,
                Push::Full => {
                    delivery.dropped += 1;
                    self.slow_consumers.fetch_add(1, Ordering::Relaxed);
                }
                Push::Closed => {}
            }
        }
        delivery
    }
}

fn declared(subscriptions: &HashMap<String, HashMap<ConnectionId, Subscriber>>) -> String {
    let mut names: Vec<&str> = subscriptions.keys().map(String::as_str).collect();
    names.sort_unstable();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn event_names(call: &Call, method: &str) -> Result<Vec<String>, ErrorObject> {
    let example = || format!("{method} takes the event names as params, for example [\"tick\"]");
    let Some(raw) = call.raw_params() else {
        return Err(ErrorObject::invalid_params(example()));
    };
    let names: Vec<String> = match raw.deserialize::<Vec<Value>>() {
        Ok(values) => values
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(ErrorObject::invalid_params(format_args!(
                    "event names are strings, got {other}"
                ))),
            })
            .collect::<Result<_, _>>()?,
        Err(_) => return Err(ErrorObject::invalid_params(example())),
    };
    if names.is_empty() {
        return Err(ErrorObject::invalid_params(example()));
    }
    Ok(names)
}
