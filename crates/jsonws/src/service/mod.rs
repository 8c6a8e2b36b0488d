//! Typed services: a name, a version, and the methods, types, events and groups they declare.
//!
//! A [`Service`] is the one description everything else is rendered from: the server binds
//! params by it, `?json` and OpenRPC publish it, and the code generators read it. Build one
//! with [`Service::builder`] — at run time, from closures, or from a JSON description file
//! ([`ServiceBuilder::import_file`]) — or from an `impl` block with `#[jsonws::service]`.
//!
//! ```
//! use jsonws::service::{Args, Method, Service};
//! use jsonws::ErrorObject;
//!
//! let service = Service::builder("calc", "1.0.0")
//!     .description("A calculator.")
//!     .method(
//!         Method::new("sum")
//!             .param("a", "int")
//!             .param("b", "int")
//!             .returns("int")
//!             .handler(|args: Args| async move {
//!                 Ok::<_, ErrorObject>(args.get::<i64>("a")? + args.get::<i64>("b")?)
//!             }),
//!     )
//!     .namespace("math", |math| {
//!         math.method(
//!             Method::new("pow")
//!                 .param("base", "number")
//!                 .param_default("exp", "int", 2)
//!                 .returns("number")
//!                 .handler(|args: Args| async move {
//!                     let base: f64 = args.get("base")?;
//!                     Ok::<_, ErrorObject>(base.powi(args.get::<i32>("exp")?))
//!                 }),
//!         )
//!     })
//!     .build()
//!     .unwrap();
//! assert_eq!(service.method("math.pow").unwrap().params[1].default, Some(2.into()));
//! ```
//!
//! # State
//!
//! A service's state is the value its methods take `&self` of (`define_all(value)`,
//! `value.into_service()`): one value, in an `Arc`, answers every call on every connection,
//! and calls run concurrently, so what they change sits behind a `Mutex`, an `RwLock` or
//! atomics. Share it with other parts of the program by holding an `Arc` to the parts inside
//! it. The app around the router keeps its own axum state (`Router::with_state`), which
//! [`Registry::router`](crate::server::Registry::router) fits into.
//!
//! ```
//! use std::sync::Mutex;
//!
//! struct Todos {
//!     items: Mutex<Vec<String>>,
//! }
//!
//! #[jsonws::service(name = "todo", version = "1.0.0")]
//! impl Todos {
//!     /// Adds a todo; returns how many there are.
//!     fn add(&self, title: String) -> usize {
//!         let mut items = self.items.lock().unwrap();
//!         items.push(title);
//!         items.len()
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let service = Todos { items: Mutex::new(Vec::new()) }.into_service().unwrap();
//! let adds = (0..8).map(|i| service.call("add", [format!("todo {i}")]));
//! let counts = futures_util::future::join_all(adds).await;
//! assert!(counts.iter().all(|c| c.is_ok()));
//! assert_eq!(service.call("add", ["last"]).await.unwrap(), 9);
//! # });
//! ```
//!
//! See examples/examples/macro_events.rs for state shared by concurrent clients, with events.
//!
//! # Build errors
//!
//! Mistakes in a description are found when it is built, all at once, each naming what it is
//! about: a version that is not semver, a type defined twice, a reference to an unknown type,
//! a defaulted param before a required one, a default that does not convert to its type.

mod args;
mod bind;
mod builder;
mod defs;
mod emitter;
mod events;
mod import;

use std::fmt;
use std::sync::Arc;

pub use args::Args;
pub use bind::{slots, typed};
pub use builder::{BuildError, Method, ServiceBuilder, ServiceImpl};
pub use defs::{ErrorDef, EventDef, GroupDef, MethodDef, ParamDef};
pub use emitter::{Emitter, Events};

/// What a method may return: a [`Type`], `()` for nothing (`null`), or a `&'static str`.
///
/// The builder's handlers ([`Method::handler`]) and `#[jsonws::service]` methods accept the
/// same types, so a `#[derive(jsonws::Type)]` struct needs nothing else (no `Serialize`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a jsonws method",
    note = "derive `jsonws::Type` for your structs and enums; see `jsonws::schema::Type` for the built-in types"
)]
pub trait Returns: Send + 'static {
    /// The declared result type; `None` for `()`.
    fn returns(types: &mut Types) -> Option<crate::schema::TypeRef>;
    /// Appends the wire form.
    fn write_result(&self, out: &mut Vec<u8>);
}

impl<T: Type> Returns for T {
    fn returns(types: &mut Types) -> Option<crate::schema::TypeRef> {
        Some(T::type_ref(types))
    }
    fn write_result(&self, out: &mut Vec<u8>) {
        self.write_json(out);
    }
}

impl Returns for () {
    fn returns(_: &mut Types) -> Option<crate::schema::TypeRef> {
        None
    }
    fn write_result(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"null");
    }
}

impl Returns for &'static str {
    fn returns(types: &mut Types) -> Option<crate::schema::TypeRef> {
        Some(String::type_ref(types))
    }
    fn write_result(&self, out: &mut Vec<u8>) {
        let _ = serde_json::to_writer(out, self);
    }
}
pub(crate) use events::EventHub;
pub use events::{Delivery, EmitError};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::Methods;
use crate::handler::Context;
use crate::peer::Frame;
use crate::schema::{ConvertError, Type, Types, convert_in};

/// A built service: its description and its handlers.
#[derive(Clone)]
pub struct Service {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) name: String,
    pub(crate) version: semver::Version,
    pub(crate) description: String,
    pub(crate) types: Types,
    pub(crate) methods: Vec<MethodDef>,
    pub(crate) events: Vec<EventDef>,
    pub(crate) groups: Vec<GroupDef>,
    pub(crate) handlers: Arc<Methods>,
    pub(crate) hub: Arc<EventHub>,
    /// HTTP statuses for REST calls failing with these application error codes.
    pub(crate) rest_status: std::collections::HashMap<i64, http::StatusCode>,
    /// Where emits go instead of straight to the subscribers (see [`crate::backplane`]).
    #[cfg(feature = "redis")]
    pub(crate) backplane: std::sync::OnceLock<crate::backplane::Backplane>,
}

impl Service {
    /// Starts describing service `name` at `version` (semver: `1.0.0`).
    pub fn builder(name: impl Into<String>, version: &str) -> ServiceBuilder {
        ServiceBuilder::new(name.into(), version)
    }

    /// The service's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The service's version.
    pub fn version(&self) -> &semver::Version {
        &self.inner.version
    }

    /// What the service is for.
    pub fn description(&self) -> &str {
        &self.inner.description
    }

    /// Its enums and structs.
    pub fn types(&self) -> &Types {
        &self.inner.types
    }

    /// Its methods, in the order they were declared.
    pub fn methods(&self) -> &[MethodDef] {
        &self.inner.methods
    }

    /// The method called `name`.
    pub fn method(&self, name: &str) -> Option<&MethodDef> {
        self.inner.methods.iter().find(|m| m.name == name)
    }

    /// Its events, in the order they were declared.
    pub fn events(&self) -> &[EventDef] {
        &self.inner.events
    }

    /// Its documentation groups.
    pub fn groups(&self) -> &[GroupDef] {
        &self.inner.groups
    }

    /// The handler table the server dispatches to.
    pub fn handlers(&self) -> &Arc<Methods> {
        &self.inner.handlers
    }
}

/// # Events
///
/// ```
/// use jsonws::service::{EmitError, Service};
///
/// let service = Service::builder("clock", "1.0.0")
///     .event("tick", Some("int"), "Every second.")
///     .build()
///     .unwrap();
/// // Nobody has subscribed yet: nothing is delivered, and nothing fails.
/// assert_eq!(service.emit("tick", &7i64).unwrap().delivered, 0);
/// assert!(matches!(service.emit("tick", &"seven".to_string()), Err(EmitError::Data { .. })));
/// assert!(matches!(service.emit_empty("tock"), Err(EmitError::UnknownEvent(_))));
/// ```
impl Service {
    /// Emits `event` to every subscriber. The data is converted by the event's declared type
    /// (a mismatch is an error, and nothing is sent); the notification is encoded once and
    /// queued on each subscriber's connection without waiting.
    ///
    /// With a [backplane](crate::backplane) the event goes to Redis instead, and every
    /// instance (this one too) delivers it to its own subscribers when it comes back: the
    /// [`Delivery`] is then empty, and the error [`EmitError::Backplane`] says the event was
    /// dropped because Redis has been away for longer than the buffer holds.
    pub fn emit<T: Type>(&self, event: &str, data: &T) -> Result<Delivery, EmitError> {
        self.emit_filtered(event, Some(data), None)
    }

    /// Emits `event` to this instance's subscribers only, even with a backplane: for
    /// per-instance events such as a clock's tick.
    ///
    /// ```
    /// use jsonws::Service;
    ///
    /// let clock = Service::builder("clock", "1.0.0")
    ///     .event("tick", Some("int"), "Every second, from each instance's own clock.")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(clock.emit_local("tick", &1i64).unwrap().delivered, 0);
    /// ```
    pub fn emit_local<T: Type>(&self, event: &str, data: &T) -> Result<Delivery, EmitError> {
        let params = self.encode_data(event, Some(data))?;
        self.deliver_here(event, params)
    }

    /// Emits `event` with JSON data.
    pub fn emit_json(&self, event: &str, data: &Value) -> Result<Delivery, EmitError> {
        self.emit_filtered(event, Some(data), None)
    }

    /// Emits an event that carries no data: subscribers get `"params":[]`.
    pub fn emit_empty(&self, event: &str) -> Result<Delivery, EmitError> {
        self.emit_filtered::<Value>(event, None, None)
    }

    /// Emits `event` only to the subscribers whose connection passes `filter` (for example,
    /// those that connected with `?tenant=acme`). The filter judges the connections of this
    /// instance, so with a backplane the event stays on this instance.
    pub fn emit_to<T: Type>(
        &self,
        event: &str,
        data: &T,
        filter: impl Fn(&Context) -> bool,
    ) -> Result<Delivery, EmitError> {
        self.emit_filtered(event, Some(data), Some(&filter))
    }

    fn emit_filtered<T: Type>(
        &self,
        event: &str,
        data: Option<&T>,
        filter: Option<&dyn Fn(&Context) -> bool>,
    ) -> Result<Delivery, EmitError> {
        let params = self.encode_data(event, data)?;
        self.deliver(event, params, filter)
    }

    /// The event's data converted by its declared type, as JSON text.
    fn encode_data<T: Type>(
        &self,
        event: &str,
        data: Option<&T>,
    ) -> Result<Option<String>, EmitError> {
        let def = self.inner.events.iter().find(|e| e.name == event);
        let def = def.ok_or_else(|| EmitError::UnknownEvent(event.to_owned()))?;
        let data = match data {
            Some(data) => {
                let mut json = Vec::with_capacity(64);
                crate::schema::unwritable::check(|| data.write_json(&mut json)).map_err(
                    |what| EmitError::Data {
                        event: event.to_owned(),
                        error: ConvertError::new("a value with a JSON form", what),
                    },
                )?;
                Some(String::from_utf8(json).unwrap_or_default())
            }
            None => None,
        };
        Ok(match (&def.ty, data) {
            (None, data) => data,
            (Some(ty), Some(json)) => {
                let raw = RawValue::from_string(json).map_err(|e| EmitError::Data {
                    event: event.to_owned(),
                    error: ConvertError::new(ty.to_string(), e.to_string()),
                })?;
                let value =
                    convert_in(ty, &raw, &self.inner.types).map_err(|error| EmitError::Data {
                        event: event.to_owned(),
                        error,
                    })?;
                Some(value.to_string())
            }
            (Some(ty), None) => {
                return Err(EmitError::Data {
                    event: event.to_owned(),
                    error: ConvertError::new(ty.to_string(), "no data"),
                });
            }
        })
    }

    /// The notification of `event` with its data (JSON text, already of the declared type),
    /// encoded once for every subscriber.
    fn notification(&self, event: &str, params: Option<String>) -> Result<Frame, EmitError> {
        if !self.inner.events.iter().any(|e| e.name == event) {
            return Err(EmitError::UnknownEvent(event.to_owned()));
        }
        let mut frame = String::with_capacity(64 + params.as_ref().map_or(0, String::len));
        frame.push_str(r#"{"jsonrpc":"2.0","method":"#);
        frame.push_str(&Value::String(event.to_owned()).to_string());
        frame.push_str(r#","params":["#);
        if let Some(params) = &params {
            frame.push_str(params);
        }
        frame.push_str("]}");
        Ok(Frame::from(frame))
    }

    /// Sends the notification of `event` to every subscriber that passes `filter`: through
    /// the backplane when there is one and no filter (a filter judges this instance's
    /// connections only), straight to this instance's subscribers otherwise.
    pub(crate) fn deliver(
        &self,
        event: &str,
        params: Option<String>,
        filter: Option<&dyn Fn(&Context) -> bool>,
    ) -> Result<Delivery, EmitError> {
        let frame = self.notification(event, params)?;
        #[cfg(feature = "redis")]
        if filter.is_none() {
            if let Some(backplane) = self.inner.backplane.get() {
                backplane.publish(self, event, frame)?;
                return Ok(Delivery::default());
            }
        }
        Ok(self.inner.hub.deliver(event, frame, filter))
    }

    /// [`deliver`](Service::deliver) to this instance's subscribers only.
    pub(crate) fn deliver_here(
        &self,
        event: &str,
        params: Option<String>,
    ) -> Result<Delivery, EmitError> {
        let frame = self.notification(event, params)?;
        Ok(self.inner.hub.deliver(event, frame, None))
    }

    /// A typed emitter for this service's events `E` (declared with
    /// [`ServiceBuilder::events`] or `#[jsonws::service(events = E)]`): for a task that emits,
    /// such as a clock. An event of `E` the service does not declare fails with
    /// [`EmitError::UnknownEvent`].
    pub fn emitter<E: Events>(&self) -> Emitter<E> {
        Emitter::bound(self)
    }

    /// Calls one of the service's own methods in-process, with the same binding and
    /// conversion as a call from outside, and returns its result as JSON. Handlers that call
    /// their own service keep a clone of it (see the demo's `chat.send`).
    ///
    /// ```
    /// use jsonws::service::{Args, Method, Service};
    /// use jsonws::ErrorObject;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let service = Service::builder("calc", "1.0.0")
    ///     .method(Method::new("double").param("n", "int").returns("int").handler(|args: Args| async move {
    ///         Ok::<_, ErrorObject>(args.get::<i64>("n")? * 2)
    ///     }))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(service.call("double", [21.5]).await.unwrap(), 42);
    /// assert_eq!(service.call("double", ["x"]).await.unwrap_err().code, -32602);
    /// # });
    /// ```
    pub async fn call(
        &self,
        method: &str,
        params: impl serde::Serialize,
    ) -> Result<Value, crate::ErrorObject> {
        use crate::peer::dispatch::{answer, outcome_of};
        use crate::protocol::{Id, Incoming, Message, Request};
        let params = crate::peer::encode_params(method, &params)
            .map_err(crate::ErrorObject::invalid_params)?;
        let request = Request::new(Some(Id::from(0u64)), method, params);
        let context = Context::detached(
            crate::handler::ConnectionId::next(),
            crate::handler::Transport::InProcess,
            None,
        );
        let request = Incoming::Single(Message::Request(request));
        // In process: no wire, so no message size limit.
        let reply = answer(&self.inner.handlers, &context, request, usize::MAX).await;
        let raw = reply.map_or_else(|| Err(crate::ErrorObject::internal()), outcome_of)?;
        raw.deserialize()
            .map_err(|_| crate::ErrorObject::internal())
    }

    /// How many connections are subscribed to `event`.
    pub fn subscriber_count(&self, event: &str) -> usize {
        self.inner.hub.subscriber_count(event)
    }

    /// How many subscribers were disconnected so far because their queue was full.
    pub fn slow_consumers(&self) -> u64 {
        self.inner.hub.slow_consumers()
    }

    /// What the service's [backplane](crate::backplane) is doing (connected, lag, buffered,
    /// dropped), or `None` without one.
    #[cfg(feature = "redis")]
    pub fn backplane_state(&self) -> Option<crate::backplane::BackplaneState> {
        self.inner.backplane.get().map(|b| b.state())
    }

    /// The service's backplane, if it has one.
    #[cfg(feature = "redis")]
    pub fn backplane(&self) -> Option<&crate::backplane::Backplane> {
        self.inner.backplane.get()
    }

    /// Sets the backplane; false when the service has one already.
    #[cfg(feature = "redis")]
    pub(crate) fn set_backplane(&self, backplane: crate::backplane::Backplane) -> bool {
        self.inner.backplane.set(backplane).is_ok()
    }

    /// Delivers an event that came back from the backplane to this instance's subscribers.
    #[cfg(feature = "redis")]
    pub(crate) fn deliver_local(&self, event: &str, frame: Frame) -> Delivery {
        self.inner.hub.deliver(event, frame, None)
    }

    pub(crate) fn set_subscription_limit(&self, limit: usize) {
        self.inner.hub.set_limit(limit);
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("name", &self.inner.name)
            .field("version", &self.inner.version.to_string())
            .field("methods", &self.inner.methods.len())
            .field("types", &self.inner.types.len())
            .field("events", &self.inner.events.len())
            .finish()
    }
}
