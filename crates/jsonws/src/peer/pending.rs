//! The table of outgoing calls waiting for their replies.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::oneshot;

use crate::protocol::{ErrorObject, RawJson, Response};

pub(crate) type Outcome = Result<RawJson, ErrorObject>;

/// What a waiting call receives: the other side's reply, or why its reply could not be read.
#[derive(Debug)]
pub(crate) enum Answer {
    Reply(Outcome),
    Malformed(String),
}

/// Outgoing calls by id. Ids are numbers this side chose, so replies are matched by their
/// numeric value; a reply with an id nobody waits for (late, or never sent) is dropped.
#[derive(Debug, Default)]
pub(crate) struct PendingCalls {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    waiting: HashMap<u64, oneshot::Sender<Answer>>,
    closed: bool,
}

impl PendingCalls {
    /// Registers `id`; `None` once the connection has closed.
    pub(crate) fn insert(&self, id: u64) -> Option<oneshot::Receiver<Answer>> {
        let (tx, rx) = oneshot::channel();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.closed {
            return None;
        }
        state.waiting.insert(id, tx);
        Some(rx)
    }

    /// Forgets `id` (the call timed out or was dropped).
    pub(crate) fn remove(&self, id: u64) {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiting
            .remove(&id);
    }

    /// Hands a reply to its waiting call. Returns false when nobody waits for it.
    pub(crate) fn resolve(&self, response: Response) -> bool {
        match response.id.as_u64() {
            Some(id) => self.answer(id, Answer::Reply(response.outcome)),
            None => false,
        }
    }

    /// Fails the call `id` because its reply was malformed. Returns false when nobody waits.
    pub(crate) fn fail(&self, id: u64, reason: String) -> bool {
        self.answer(id, Answer::Malformed(reason))
    }

    fn answer(&self, id: u64, answer: Answer) -> bool {
        let waiter = self
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiting
            .remove(&id);
        waiter.is_some_and(|tx| tx.send(answer).is_ok())
    }

    /// How many calls wait for their replies.
    pub(crate) fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiting
            .len()
    }

    /// Fails every waiting call (their receivers see the sender dropped) and refuses new ones.
    pub(crate) fn close(&self) {
        let waiting = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.closed = true;
            std::mem::take(&mut state.waiting)
        };
        drop(waiting);
    }
}

/// Removes a call's entry if its future is dropped before the reply arrives.
pub(crate) struct PendingGuard<'a> {
    pub(crate) calls: &'a PendingCalls,
    pub(crate) ids: Vec<u64>,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        for id in &self.ids {
            self.calls.remove(*id);
        }
    }
}
