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

/// The events of one subscription, each decoded into `T` (use `serde_json::Value` to take any,
/// `()` for events without data).
///
/// Read it with [`recv`](Subscription::recv) or as a [`Stream`]. It keeps receiving across
/// reconnects. It holds up to 1,024 events; past that, newer events are dropped with a
/// warning.
#[derive(Debug)]
pub struct Subscription<T> {
    event: String,
    rx: mpsc::Receiver<Option<RawJson>>,
    _subscribers: Arc<Subscribers>,
    _type: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Subscription<T> {
    pub(crate) fn new(
        event: String,
        rx: mpsc::Receiver<Option<RawJson>>,
        subscribers: Arc<Subscribers>,
    ) -> Self {
        Subscription {
            event,
            rx,
            _subscribers: subscribers,
            _type: PhantomData,
        }
    }

    /// The event's name.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The next event; `None` once the client is closed for good. Data that does not decode
    /// into `T` is skipped with a warning.
    pub async fn recv(&mut self) -> Option<T> {
        loop {
            let data = self.rx.recv().await?;
            if let Some(value) = decode(&self.event, data) {
                return Some(value);
            }
        }
    }
}

fn decode<T: DeserializeOwned>(event: &str, data: Option<RawJson>) -> Option<T> {
    let result = match &data {
        Some(raw) => raw.deserialize(),
        None => serde_json::from_slice(b"null"),
    };
    result
        .map_err(|e| tracing::warn!(event, error = %e, "an event's data did not decode"))
        .ok()
}

impl<T: DeserializeOwned> Stream for Subscription<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<T>> {
        loop {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(data)) => {
                    if let Some(value) = decode(&self.event, data) {
                        return Poll::Ready(Some(value));
                    }
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
