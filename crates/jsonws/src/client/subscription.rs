//! Event subscriptions on the client side.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};

use futures_util::Stream;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use crate::protocol::RawJson;

/// How many events a subscription holds before newer ones are dropped (with a warning).
pub(crate) const BUFFER: usize = 1024;

/// Where each event's notifications go, by event name.
#[derive(Debug, Default)]
pub(crate) struct Subscribers {
    by_event: Mutex<HashMap<String, Vec<mpsc::Sender<Option<RawJson>>>>>,
}

impl Subscribers {
    pub(crate) fn add(&self, event: &str) -> mpsc::Receiver<Option<RawJson>> {
        let (tx, rx) = mpsc::channel(BUFFER);
        self.lock().entry(event.to_owned()).or_default().push(tx);
        rx
    }

    pub(crate) fn remove(&self, event: &str) {
        self.lock().remove(event);
    }

    /// Forgets the closed subscriptions to `event`; true when none is left (and `event` was
    /// still subscribed), so it is time for `rpc.off`.
    pub(crate) fn release(&self, event: &str) -> bool {
        let mut map = self.lock();
        let Some(senders) = map.get_mut(event) else {
            return false;
        };
        senders.retain(|s| !s.is_closed());
        if senders.is_empty() {
            map.remove(event);
            true
        } else {
            false
        }
    }

    /// The events with live subscribers, to subscribe again after a reconnect.
    pub(crate) fn events(&self) -> Vec<String> {
        let mut map = self.lock();
        map.retain(|_, senders| {
            senders.retain(|s| !s.is_closed());
            !senders.is_empty()
        });
        map.keys().cloned().collect()
    }

    /// Hands a notification to the event's subscribers. Returns false when nobody listens.
    pub(crate) fn deliver(&self, event: &str, data: Option<RawJson>) -> bool {
        let map = self.lock();
        let Some(senders) = map.get(event) else {
            return false;
        };
        for sender in senders {
            if let Err(mpsc::error::TrySendError::Full(_)) = sender.try_send(data.clone()) {
                tracing::warn!(
                    event,
                    "a subscription's buffer is full; dropping an event (read it faster)"
                );
            }
        }
        true
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Vec<mpsc::Sender<Option<RawJson>>>>> {
        self.by_event.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An event a [`Subscription`] received but could not hand over as its type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The event's data did not decode into the subscription's type.
    #[error(
        "event `{event}` did not decode as the subscription's type: {source}; subscribe with a type that matches the event's declared type (or serde_json::Value)"
    )]
    Decode {
        /// The event.
        event: String,
        /// serde's description.
        source: serde_json::Error,
    },
}

/// Sends `rpc.off` for an event nobody here is subscribed to any more.
pub(crate) type Unsubscribe = Arc<dyn Fn(&str) + Send + Sync>;

/// The events of one subscription, each decoded into `T` (use `serde_json::Value` to take any,
/// `()` for events without data).
///
/// Read it with [`recv`](Subscription::recv) or as a [`Stream`] of `Result<T, EventError>`:
/// an event whose data does not decode as `T` arrives as an [`EventError`], and the events
/// after it keep coming. It keeps receiving across reconnects. It holds up to 1,024 events;
/// past that, newer events are dropped with a warning.
///
/// Dropping the last subscription to an event unsubscribes from it (`rpc.off`).
pub struct Subscription<T> {
    event: String,
    rx: mpsc::Receiver<Option<RawJson>>,
    subscribers: Arc<Subscribers>,
    unsubscribe: Option<Unsubscribe>,
    _type: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("event", &self.event)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Subscription<T> {
    pub(crate) fn new(
        event: String,
        rx: mpsc::Receiver<Option<RawJson>>,
        subscribers: Arc<Subscribers>,
        unsubscribe: Unsubscribe,
    ) -> Self {
        Subscription {
            event,
            rx,
            subscribers,
            unsubscribe: Some(unsubscribe),
            _type: PhantomData,
        }
    }

    /// The event's name.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The next event; `None` once the client is closed for good. Data that does not decode
    /// into `T` is an [`EventError`].
    pub async fn recv(&mut self) -> Option<Result<T, EventError>> {
        let data = self.rx.recv().await?;
        Some(decode(&self.event, data))
    }
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        self.rx.close();
        if self.subscribers.release(&self.event) {
            if let Some(unsubscribe) = self.unsubscribe.take() {
                unsubscribe(&self.event);
            }
        }
    }
}

fn decode<T: DeserializeOwned>(event: &str, data: Option<RawJson>) -> Result<T, EventError> {
    let result = match &data {
        Some(raw) => raw.deserialize(),
        None => serde_json::from_slice(b"null"),
    };
    result.map_err(|source| EventError::Decode {
        event: event.to_owned(),
        source,
    })
}

impl<T: DeserializeOwned> Stream for Subscription<T> {
    type Item = Result<T, EventError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(data)) => Poll::Ready(Some(decode(&self.event, data))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
