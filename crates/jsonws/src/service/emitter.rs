//! Typed events: an enum declares a service's events, an [`Emitter`] sends them.
//!
//! With `#[derive(jsonws::Events)]` each variant of an enum is one event: its name, its
//! description and the type of its data come from the variant, so emitting an event that is
//! not declared, or with the wrong data, does not compile. The same enum declares the events
//! on the service (`#[jsonws::service(events = TodoEvent)]`, or
//! [`ServiceBuilder::events`](crate::ServiceBuilder::events)), so `?json`, OpenRPC and the
//! docs page describe exactly what the emitter sends.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock, Weak};

use super::{Delivery, EmitError, EventDef, Inner, Service};
use crate::handler::Context;
use crate::schema::Types;

/// A set of events, one per variant: derive it with `#[derive(jsonws::Events)]`.
///
/// A unit variant is an event without data; a variant with one field carries that field, a
/// [`Type`](crate::Type). The event's name is the variant's in lowerCamelCase (`Added` is
/// `added`) or `#[jsonws(name = "todo.added")]`; its description is the variant's doc
/// comment or `#[jsonws(description = "…")]`.
///
/// # Examples
///
/// ```
/// use jsonws::service::{Emitter, Events};
/// use jsonws::{Service, Type};
///
/// #[derive(Type)]
/// struct Todo {
///     title: String,
/// }
///
/// #[derive(jsonws::Events)]
/// enum TodoEvent {
///     /// A todo was added.
///     #[jsonws(name = "todo.added")]
///     Added(Todo),
///     /// Every todo was removed.
///     Cleared,
/// }
///
/// let events = Emitter::<TodoEvent>::new();
/// let service = Service::builder("todo", "1.0.0").emitter(&events).build().unwrap();
/// assert_eq!(service.events()[0].name, "todo.added");
/// assert_eq!(service.events()[1].name, "cleared");
/// // Nobody has subscribed yet: nothing is delivered, and nothing fails.
/// let sent = events.emit(TodoEvent::Added(Todo { title: "milk".into() })).unwrap();
/// assert_eq!(sent.delivered, 0);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a set of jsonws events",
    note = "derive it for an enum with `#[derive(jsonws::Events)]`: one variant per event, each carrying nothing or one `jsonws::Type`"
)]
pub trait Events: Send + Sync + 'static {
    /// The events, in declaration order; the types of their data join `types`.
    fn describe(types: &mut Types) -> Vec<EventDef>;

    /// The name of this event.
    fn name(&self) -> &'static str;

    /// Appends this event's data as JSON; `false` (and nothing written) for an event without
    /// data.
    fn write_data(&self, out: &mut Vec<u8>) -> bool;
}

/// Where an emitter finds its service once it is built.
pub(crate) type Slot = Arc<OnceLock<Weak<Inner>>>;

/// Sends the events of `E` to the subscribers of one service.
///
/// An emitter is cheap to clone and may be created before the service: keep a clone in the
/// state your methods take `&self` of, or in a task, and hand one to
/// [`ServiceBuilder::emitter`](crate::ServiceBuilder::emitter), which declares `E`'s events and
/// binds the emitter to the service it builds. A `#[jsonws::service]` method can also take one
/// as a param (`events: Emitter<TodoEvent>`), and [`Service::emitter`] gives one for a built
/// service.
///
/// The emitter holds the service weakly: it does not keep a dropped service alive, and an
/// emit then fails with [`EmitError::NotServing`].
pub struct Emitter<E> {
    slot: Slot,
    events: PhantomData<fn(E)>,
}

impl<E: Events> Emitter<E> {
    /// An emitter not bound to a service yet: bind it with
    /// [`ServiceBuilder::emitter`](crate::ServiceBuilder::emitter).
    pub fn new() -> Self {
        Emitter {
            slot: Arc::new(OnceLock::new()),
            events: PhantomData,
        }
    }

    pub(crate) fn bound(service: &Service) -> Self {
        let slot = Arc::new(OnceLock::new());
        let _ = slot.set(Arc::downgrade(&service.inner));
        Emitter {
            slot,
            events: PhantomData,
        }
    }

    pub(crate) fn slot(&self) -> &Slot {
        &self.slot
    }

    /// The service this emitter sends for, once it is built and while it lives.
    pub fn service(&self) -> Option<Service> {
        let inner = self.slot.get()?.upgrade()?;
        Some(Service { inner })
    }

    /// Sends `event` to every subscriber of its name: encoded once, queued on each
    /// subscriber's connection without waiting.
    ///
    /// # Errors
    ///
    /// [`EmitError::NotServing`] before the service is built or after it is dropped.
    pub fn emit(&self, event: E) -> Result<Delivery, EmitError> {
        self.send(&event, None)
    }

    /// Sends `event` only to the subscribers whose connection passes `filter` (for example,
    /// those that connected with `?tenant=acme`).
    ///
    /// # Errors
    ///
    /// As [`emit`](Emitter::emit).
    pub fn emit_to(
        &self,
        event: E,
        filter: impl Fn(&Context) -> bool,
    ) -> Result<Delivery, EmitError> {
        self.send(&event, Some(&filter))
    }

    /// Sends `event` to this instance's subscribers only, even with a
    /// [backplane](crate::backplane): for per-instance events such as a clock's tick.
    ///
    /// # Errors
    ///
    /// As [`emit`](Emitter::emit).
    pub fn emit_local(&self, event: E) -> Result<Delivery, EmitError> {
        let service = self
            .service()
            .ok_or_else(|| EmitError::NotServing(event.name().to_owned()))?;
        service.deliver_here(event.name(), encode(&event))
    }

    /// How many connections are subscribed to `event`'s name.
    pub fn subscriber_count(&self, event: &E) -> usize {
        self.service()
            .map_or(0, |service| service.subscriber_count(event.name()))
    }

    fn send(
        &self,
        event: &E,
        filter: Option<&dyn Fn(&Context) -> bool>,
    ) -> Result<Delivery, EmitError> {
        let service = self
            .service()
            .ok_or_else(|| EmitError::NotServing(event.name().to_owned()))?;
        service.deliver(event.name(), encode(event), filter)
    }
}

/// The event's data as JSON text; `None` for an event without data.
fn encode<E: Events>(event: &E) -> Option<String> {
    let mut data = Vec::with_capacity(64);
    event
        .write_data(&mut data)
        .then(|| String::from_utf8(data).unwrap_or_default())
}

impl<E: Events> Default for Emitter<E> {
    fn default() -> Self {
        Emitter::new()
    }
}

impl<E> Clone for Emitter<E> {
    fn clone(&self) -> Self {
        Emitter {
            slot: self.slot.clone(),
            events: PhantomData,
        }
    }
}

impl<E> fmt::Debug for Emitter<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emitter")
            .field("events", &std::any::type_name::<E>())
            .field(
                "bound",
                &self.slot.get().is_some_and(|w| w.strong_count() > 0),
            )
            .finish()
    }
}
