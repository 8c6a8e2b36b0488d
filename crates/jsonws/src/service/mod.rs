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
//! # Build errors
//!
//! Mistakes in a description are found when it is built, all at once, each naming what it is
//! about: a version that is not semver, a type defined twice, a reference to an unknown type,
//! a defaulted param before a required one, a default that does not convert to its type.

mod args;
mod bind;
mod builder;
mod defs;
mod import;

use std::fmt;
use std::sync::Arc;

pub use args::Args;
pub use bind::{slots, typed};
pub use builder::{BuildError, Method, ServiceBuilder, ServiceImpl};
pub use defs::{EventDef, GroupDef, MethodDef, ParamDef};

use crate::Methods;
use crate::schema::Types;

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
