//! What one stream entry carries, and which events a reader has already delivered.
//!
//! An entry is one batch of events from one instance: the instance id, the sequence number
//! of its first event, and the events packed in a blob (for each: the service key, the event
//! name and the encoded notification, each prefixed by its length as a big-endian `u32`).
//! One `XADD` per batch makes a batch atomic: it is in the stream whole or not at all, so an
//! instance's events are in the stream in its emit order, with at most repeats of a batch it
//! retried after losing a reply.

use std::collections::HashMap;

use bytes::{Buf, Bytes};

/// The version of the entry layout, in field `v`.
pub(crate) const VERSION: &str = "1";

/// One event inside an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Packed {
    /// `name/version` of the service.
    pub(crate) service: Bytes,
    pub(crate) event: Bytes,
    /// The notification, as it goes on the wire.
    pub(crate) frame: Bytes,
}

/// Appends one event to a batch blob.
pub(crate) fn pack(blob: &mut Vec<u8>, service: &str, event: &str, frame: &[u8]) {
    for part in [service.as_bytes(), event.as_bytes(), frame] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
}

/// The events of a batch blob, or `None` when it is not one (written by something else).
pub(crate) fn unpack(mut blob: Bytes) -> Option<Vec<Packed>> {
    let mut events = Vec::new();
    while blob.has_remaining() {
        let mut part = || {
            if blob.remaining() < 4 {
                return None;
            }
            let len = blob.get_u32() as usize;
            (blob.remaining() >= len).then(|| blob.split_to(len))
        };
        let service = part()?;
        let event = part()?;
        let frame = part()?;
        events.push(Packed {
            service,
            event,
            frame,
        });
    }
    Some(events)
}

/// A stream entry id, `milliseconds-sequence`, ordered as Redis orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct EntryId(pub(crate) u64, pub(crate) u64);

impl EntryId {
    pub(crate) fn parse(text: &str) -> Option<EntryId> {
        let (ms, seq) = text.split_once('-')?;
        Some(EntryId(ms.parse().ok()?, seq.parse().ok()?))
    }
}

impl std::fmt::Display for EntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.0, self.1)
    }
}

/// Per emitting instance, the highest sequence number delivered: an event at or below it is a
/// repeat. Instances emit in sequence order and the stream keeps that order, so one number
/// per instance is the whole window. At most `capacity` instances are remembered (the ones
/// heard from longest ago are forgotten first); an instance that restarts gets a new id.
#[derive(Debug)]
pub(crate) struct Seen {
    instances: HashMap<String, (u64, u64)>,
    capacity: usize,
    clock: u64,
}

impl Seen {
    pub(crate) fn new(capacity: usize) -> Self {
        Seen {
            instances: HashMap::new(),
            capacity: capacity.max(1),
            clock: 0,
        }
    }

    /// Whether event `seq` of `instance` is new; if so it counts as delivered from now on.
    pub(crate) fn fresh(&mut self, instance: &str, seq: u64) -> bool {
        self.clock += 1;
        let clock = self.clock;
        if let Some((high, touched)) = self.instances.get_mut(instance) {
            *touched = clock;
            if seq <= *high {
                return false;
            }
            *high = seq;
            return true;
        }
        if self.instances.len() >= self.capacity {
            if let Some(oldest) = self
                .instances
                .iter()
                .min_by_key(|(_, (_, touched))| *touched)
                .map(|(k, _)| k.clone())
            {
                self.instances.remove(&oldest);
            }
        }
        self.instances.insert(instance.to_owned(), (seq, clock));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_unpacks_to_what_was_packed() {
        let mut blob = Vec::new();
        pack(
            &mut blob,
            "demo/1.0.0",
            "chat.message",
            br#"{"a":"\u00e9"}"#,
        );
        pack(&mut blob, "demo/1.0.0", "", b"");
        let events = unpack(Bytes::from(blob.clone())).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(&events[0].service[..], b"demo/1.0.0");
        assert_eq!(&events[0].event[..], b"chat.message");
        assert_eq!(&events[0].frame[..], br#"{"a":"\u00e9"}"#);
        assert_eq!(&events[1].event[..], b"");
        // A truncated blob is not a batch.
        blob.pop();
        assert_eq!(unpack(Bytes::from(blob)), None);
        assert_eq!(unpack(Bytes::from_static(b"\0\0")), None);
    }

    #[test]
    fn entry_ids_order_numerically() {
        let a = EntryId::parse("9-5").unwrap();
        let b = EntryId::parse("10-0").unwrap();
        assert!(a < b);
        assert_eq!(b.to_string(), "10-0");
        assert_eq!(EntryId::parse("x-1"), None);
        assert_eq!(EntryId::parse("12"), None);
    }

    #[test]
    fn repeats_are_dropped_per_instance() {
        let mut seen = Seen::new(2);
        assert!(seen.fresh("a", 1));
        assert!(seen.fresh("a", 2));
        // A retried batch comes again: 1 and 2 are repeats, 3 is new.
        assert!(!seen.fresh("a", 1));
        assert!(!seen.fresh("a", 2));
        assert!(seen.fresh("a", 3));
        assert!(seen.fresh("b", 1));
        assert!(!seen.fresh("b", 1));
        // A third instance evicts the one heard from longest ago (a).
        assert!(seen.fresh("c", 1));
        assert!(!seen.fresh("b", 1));
        assert!(seen.fresh("a", 3), "a was forgotten");
    }
}
