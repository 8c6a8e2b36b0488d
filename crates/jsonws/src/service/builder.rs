use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;

use super::emitter::Slot;
use super::{
    Args, Emitter, ErrorDef, EventDef, EventHub, Events, GroupDef, Inner, MethodDef, ParamDef,
    Returns, Service, bind,
};
use crate::handler::{Call, Handler, IntoReply, Methods, Reply, handler_fn};
use crate::protocol::ErrorObject;
use crate::schema::{Type, TypeDef, TypeName, TypeRef, Types, convert_in, convert_out};

/// Everything wrong with a service description, one problem per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("service `{service}` is not valid:\n  - {}", .problems.join("\n  - "))]
pub struct BuildError {
    /// The service's name.
    pub service: String,
    /// Each problem, naming what it is about.
    pub problems: Vec<String>,
}

/// A Rust type whose methods a service exposes: implemented by `#[jsonws::service]`.
pub trait ServiceImpl: Send + Sync + 'static {
    /// Declares the methods of `self` (all of them, or those named in `only`) on `builder`.
    fn define(self: Arc<Self>, builder: ServiceBuilder, only: Option<&[&str]>) -> ServiceBuilder;
}

type DynHandler = Arc<dyn Fn(Args) -> BoxFuture<'static, Result<Value, ErrorObject>> + Send + Sync>;

/// A method defined at run time: its params, result type and handler.
///
/// Types are written as in json-ws descriptions: a built-in (`int`, `string`, …), a user type
/// (`Point`), or an array of either (`[int]`).
#[must_use]
pub struct Method {
    def: MethodDef,
    handler: Option<DynHandler>,
}

impl Method {
    /// A method called `name` (inside a namespace, the namespace is prefixed).
    pub fn new(name: impl Into<String>) -> Self {
        Method {
            def: MethodDef {
                name: name.into(),
                description: String::new(),
                params: Vec::new(),
                returns: None,
                errors: Vec::new(),
            },
            handler: None,
        }
    }

    /// What the method does.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.def.description = description.into();
        self
    }

    /// Adds a required param.
    pub fn param(self, name: &str, ty: &str) -> Self {
        self.param_def(ParamDef::new(name, TypeRef::decl(ty)))
    }

    /// Adds a param with a default, taken when the caller leaves it out.
    pub fn param_default(self, name: &str, ty: &str, default: impl Serialize) -> Self {
        let mut def = ParamDef::new(name, TypeRef::decl(ty));
        def.default = Some(serde_json::to_value(default).unwrap_or(Value::Null));
        self.param_def(def)
    }

    /// Adds a param the caller may leave out; the handler then sees `null`.
    pub fn param_optional(self, name: &str, ty: &str) -> Self {
        let mut def = ParamDef::new(name, TypeRef::decl(ty));
        def.optional = true;
        self.param_def(def)
    }

    /// Adds a param described in full.
    pub fn param_def(mut self, def: ParamDef) -> Self {
        self.def.params.push(def);
        self
    }

    /// Sets the result type; without one the method returns `null`.
    pub fn returns(mut self, ty: &str) -> Self {
        self.def.returns = Some(TypeRef::decl(ty));
        self
    }

    /// Declares an application error the method may answer with: its code and what it
    /// means. Declared errors are listed in `?json`, in OpenRPC's `errors` and on the docs
    /// page.
    ///
    /// ```
    /// use jsonws::service::{Method, Service};
    ///
    /// let service = Service::builder("shop", "1.0.0")
    ///     .method(Method::new("buy").param("sku", "string").error(4004, "No such product"))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(service.method("buy").unwrap().errors[0].code, 4004);
    /// ```
    pub fn error(mut self, code: i64, message: impl Into<String>) -> Self {
        self.def.errors.push(ErrorDef::new(code, message));
        self
    }

    /// Sets the handler. It returns what a `#[jsonws::service]` method may ([`Returns`]: any
    /// [`Type`], `()`, a `&'static str`), and its result is converted by the declared result
    /// type. A value that is only `serde::Serialize` goes out as a `serde_json::Value`
    /// (`serde_json::to_value(x)`), which is the `any` type.
    ///
    /// ```
    /// use jsonws::service::{Args, Method, Service};
    /// use jsonws::{ErrorObject, Type};
    ///
    /// #[derive(Type)]
    /// struct Point {
    ///     x: i64,
    ///     y: i64,
    /// }
    ///
    /// let service = Service::builder("geo", "1.0.0")
    ///     .register::<Point>()
    ///     .method(Method::new("origin").returns("Point").handler(|_: Args| async {
    ///         Ok::<_, ErrorObject>(Point { x: 0, y: 0 })
    ///     }))
    ///     .build()
    ///     .unwrap();
    /// # let _ = service;
    /// ```
    pub fn handler<F, Fut, T, E>(mut self, handler: F) -> Self
    where
        F: Fn(Args) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Returns,
        E: Into<ErrorObject>,
    {
        self.handler = Some(Arc::new(move |args| {
            let fut = handler(args);
            Box::pin(async move {
                let value = fut.await.map_err(Into::into)?;
                let mut json = Vec::with_capacity(64);
                value.write_result(&mut json);
                serde_json::from_slice(&json).map_err(|e| {
                    tracing::error!(error = %e, "a handler's result is not JSON");
                    ErrorObject::internal()
                })
            })
        }));
        self
    }
}

impl std::fmt::Debug for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Method")
            .field("def", &self.def)
            .field("handler", &self.handler.is_some())
            .finish()
    }
}

enum Implementation {
    Dynamic(DynHandler),
    Raw(Arc<dyn Handler>),
}

/// Describes a service, then [`build`](ServiceBuilder::build)s it. See [`Service`].
#[must_use]
pub struct ServiceBuilder {
    name: String,
    version: Result<semver::Version, String>,
    description: String,
    types: Types,
    methods: Vec<MethodDef>,
    implementations: HashMap<String, Implementation>,
    events: Vec<EventDef>,
    groups: Vec<GroupDef>,
    namespace: String,
    group: Option<usize>,
    problems: Vec<String>,
    /// The event enums declared so far, so declaring one twice is harmless.
    event_sets: Vec<std::any::TypeId>,
    /// Emitters to bind to the service once it is built.
    emitters: Vec<Slot>,
    layers: Vec<Arc<dyn crate::handler::CallLayer>>,
    rest_status: HashMap<i64, http::StatusCode>,
    #[cfg(feature = "redis")]
    backplane: Option<crate::backplane::Backplane>,
}

impl ServiceBuilder {
    pub(super) fn new(name: String, version: &str) -> Self {
        let parsed = semver::Version::parse(version.trim_start_matches('v')).map_err(|e| {
            format!("version `{version}` is not semver ({e}); write MAJOR.MINOR.PATCH, for example 1.0.0")
        });
        ServiceBuilder {
            name,
            version: parsed,
            description: String::new(),
            types: Types::new(),
            methods: Vec::new(),
            implementations: HashMap::new(),
            events: Vec::new(),
            groups: Vec::new(),
            namespace: String::new(),
            group: None,
            problems: Vec::new(),
            event_sets: Vec::new(),
            emitters: Vec::new(),
            layers: Vec::new(),
            rest_status: HashMap::new(),
            #[cfg(feature = "redis")]
            backplane: None,
        }
    }

    /// Sends the service's events through `backplane`, so they reach the subscribers of every
    /// instance (see [`crate::backplane`]). Build the service inside a Tokio runtime: the
    /// backplane connects when the service is built.
    #[cfg(feature = "redis")]
    pub fn backplane(mut self, backplane: crate::backplane::Backplane) -> Self {
        self.backplane = Some(backplane);
        self
    }

    /// What the service is for.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Declares an enum or a struct. Defining a name twice is a build error.
    pub fn type_def(mut self, def: TypeDef) -> Self {
        let name = def.name().to_owned();
        if let Err(_earlier) = self.types.insert(def) {
            self.problems.push(format!(
                "type `{name}` is defined twice; give one of them another name"
            ));
        } else {
            self.add_to_group(format!("type:{name}"));
        }
        self
    }

    /// Declares the user types a Rust [`Type`] uses (its own, and those of its fields).
    pub fn register<T: Type>(mut self) -> Self {
        let before: Vec<String> = self.types.iter().map(|t| t.name().to_owned()).collect();
        T::type_ref(&mut self.types);
        let added: Vec<String> = self
            .types
            .iter()
            .map(|t| t.name().to_owned())
            .filter(|n| !before.contains(n))
            .collect();
        for name in added {
            self.add_to_group(format!("type:{name}"));
        }
        self
    }

    /// Declares an event, with the type of its data (`None` for an event without data).
    pub fn event(mut self, name: &str, ty: Option<&str>, description: impl Into<String>) -> Self {
        let name = self.scoped(name);
        if self.events.iter().any(|e| e.name == name) {
            self.problems
                .push(format!("event `{name}` is declared twice"));
            return self;
        }
        self.add_to_group(format!("event:{name}"));
        self.events.push(EventDef {
            name,
            description: description.into(),
            ty: ty.map(TypeRef::decl),
        });
        self
    }

    /// Declares the events of `E`, one per variant (see [`Events`]). Declaring the same
    /// enum again changes nothing. Event names are taken as written, outside any namespace.
    pub fn events<E: Events>(mut self) -> Self {
        let id = std::any::TypeId::of::<E>();
        if self.event_sets.contains(&id) {
            return self;
        }
        self.event_sets.push(id);
        let before: Vec<String> = self.types.iter().map(|t| t.name().to_owned()).collect();
        let defs = E::describe(&mut self.types);
        let added: Vec<String> = self
            .types
            .iter()
            .map(|t| t.name().to_owned())
            .filter(|n| !before.contains(n))
            .collect();
        for name in added {
            self.add_to_group(format!("type:{name}"));
        }
        for def in defs {
            if self.events.iter().any(|e| e.name == def.name) {
                self.problems
                    .push(format!("event `{}` is declared twice", def.name));
                continue;
            }
            self.add_to_group(format!("event:{}", def.name));
            self.events.push(def);
        }
        self
    }

    /// Declares the events of `E` and binds `emitter` to the service being built, so a clone
    /// kept in your state (or a task) emits once [`build`](ServiceBuilder::build) returns.
    ///
    /// ```
    /// use jsonws::service::{Emitter, Service};
    ///
    /// #[derive(jsonws::Events)]
    /// enum Clock {
    ///     /// Every second.
    ///     Tick(i64),
    /// }
    ///
    /// let clock = Emitter::<Clock>::new();
    /// let service = Service::builder("clock", "1.0.0").emitter(&clock).build().unwrap();
    /// assert_eq!(clock.emit(Clock::Tick(1)).unwrap().delivered, 0);
    /// # drop(service);
    /// ```
    pub fn emitter<E: Events>(mut self, emitter: &Emitter<E>) -> Self {
        self.emitters.push(emitter.slot().clone());
        self.events::<E>()
    }

    /// Wraps every call to this service's methods in `layer` (see
    /// [`CallLayer`](crate::handler::CallLayer)); the first layer added runs outermost.
    pub fn layer(mut self, layer: impl crate::handler::CallLayer) -> Self {
        self.layers.push(Arc::new(layer));
        self
    }

    /// Answers a REST-style call that fails with application error `code` with HTTP
    /// `status` (404 for "not found", …) instead of 500.
    ///
    /// ```
    /// use jsonws::Service;
    ///
    /// let service = Service::builder("shop", "1.0.0")
    ///     .rest_status(4004, http::StatusCode::NOT_FOUND)
    ///     .build()
    ///     .unwrap();
    /// # let _ = service;
    /// ```
    pub fn rest_status(mut self, code: i64, status: http::StatusCode) -> Self {
        self.rest_status.insert(code, status);
        self
    }

    /// Declares a method.
    pub fn method(mut self, method: Method) -> Self {
        let Method { mut def, handler } = method;
        def.name = self.scoped(&def.name);
        if let Some(handler) = handler {
            self.implementations
                .insert(def.name.clone(), Implementation::Dynamic(handler));
        }
        self.declare(def);
        self
    }

    /// Attaches a handler to a method declared without one (an imported signature).
    pub fn implement<F, Fut, T, E>(mut self, name: &str, handler: F) -> Self
    where
        F: Fn(Args) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Returns,
        E: Into<ErrorObject>,
    {
        let Some(h) = Method::new(name).handler(handler).handler else {
            return self;
        };
        if !self.methods.iter().any(|m| m.name == name) {
            self.problems.push(format!(
                "implement(`{name}`): no method `{name}` is declared"
            ));
        }
        self.implementations
            .insert(name.to_owned(), Implementation::Dynamic(h));
        self
    }

    /// Declares what follows inside `scope` under namespace `namespace`: `math` makes `pow`
    /// into `math.pow`. Namespaces nest, and prefix methods and events (not types).
    pub fn namespace(mut self, namespace: &str, scope: impl FnOnce(Self) -> Self) -> Self {
        let outer = std::mem::take(&mut self.namespace);
        self.namespace = if outer.is_empty() {
            namespace.to_owned()
        } else {
            format!("{outer}.{namespace}")
        };
        let mut inner = scope(self);
        inner.namespace = outer;
        inner
    }

    /// Puts what `scope` declares under a documentation group.
    pub fn group(
        mut self,
        name: &str,
        description: impl Into<String>,
        scope: impl FnOnce(Self) -> Self,
    ) -> Self {
        let index = match self.groups.iter().position(|g| g.name == name) {
            Some(i) => i,
            None => {
                self.groups.push(GroupDef {
                    name: name.to_owned(),
                    description: description.into(),
                    items: Vec::new(),
                });
                self.groups.len() - 1
            }
        };
        let outer = self.group.replace(index);
        let mut inner = scope(self);
        inner.group = outer;
        inner
    }

    /// Exposes every method of `service` (an `impl` block with `#[jsonws::service]`).
    pub fn define_all<S: ServiceImpl>(self, service: S) -> Self {
        Arc::new(service).define(self, None)
    }

    /// Exposes only the methods of `service` named in `only`.
    pub fn define_only<S: ServiceImpl>(self, service: S, only: &[&str]) -> Self {
        Arc::new(service).define(self, Some(only))
    }

    /// Declares a method whose handler binds its own params: what `#[jsonws::service]`
    /// generates. Not for direct use.
    #[doc(hidden)]
    pub fn __raw_method<F, Fut>(mut self, mut def: MethodDef, handler: F) -> Self
    where
        F: Fn(Call, Arc<MethodDef>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        def.name = self.scoped(&def.name);
        let shared = Arc::new(def.clone());
        let handler = handler_fn(move |call: Call| handler(call, shared.clone()));
        self.implementations
            .insert(def.name.clone(), Implementation::Raw(handler));
        self.declare(def);
        self
    }

    /// The types declared so far, for `#[jsonws::service]` to describe params with.
    #[doc(hidden)]
    pub fn __types(&mut self) -> &mut Types {
        &mut self.types
    }

    /// Records a problem found while describing the service (used by the importer).
    pub(crate) fn problem(&mut self, problem: String) {
        self.problems.push(problem);
    }

    fn scoped(&self, name: &str) -> String {
        if self.namespace.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.namespace)
        }
    }

    fn add_to_group(&mut self, item: String) {
        if let Some(group) = self.group {
            self.groups[group].items.push(item);
        }
    }

    fn declare(&mut self, def: MethodDef) {
        if def.name.starts_with("rpc.") {
            self.problems.push(format!(
                "method `{}`: names starting with `rpc.` are reserved",
                def.name
            ));
        }
        if self.methods.iter().any(|m| m.name == def.name) {
            self.problems
                .push(format!("method `{}` is declared twice", def.name));
            return;
        }
        self.add_to_group(format!("method:{}", def.name));
        self.methods.push(def);
    }

    /// Checks the description and builds the service.
    pub fn build(mut self) -> Result<Service, BuildError> {
        let version = match &self.version {
            Ok(v) => v.clone(),
            Err(e) => {
                self.problems.insert(0, e.clone());
                semver::Version::new(0, 0, 0)
            }
        };
        self.check();
        if !self.problems.is_empty() {
            return Err(BuildError {
                service: self.name,
                problems: self.problems,
            });
        }
        let types = Arc::new(self.types);
        let mut handlers = Methods::new();
        for def in &self.methods {
            let handler = match self.implementations.remove(&def.name) {
                Some(Implementation::Raw(handler)) => handler,
                Some(Implementation::Dynamic(f)) => {
                    dynamic_handler(Arc::new(def.clone()), types.clone(), f)
                }
                None => {
                    tracing::warn!(service = %self.name, method = %def.name, "method declared without a handler");
                    not_implemented(def.name.clone())
                }
            };
            handlers.insert(def.name.clone(), handler);
        }
        let hub = Arc::new(EventHub::new(self.events.iter().map(|e| e.name.clone())));
        for (name, on) in [("rpc.on", true), ("rpc.off", false)] {
            let hub = hub.clone();
            handlers.insert(
                name.into(),
                handler_fn(move |call: Call| {
                    let result = hub.change(&call, on);
                    async move { result.into_reply(call.id()) }
                }),
            );
        }
        // `rpc.discover` answers with the OpenRPC document of the service being built.
        let discover: Arc<OnceLock<Value>> = Arc::new(OnceLock::new());
        let document = discover.clone();
        handlers.insert(
            "rpc.discover".into(),
            handler_fn(move |call: Call| {
                let document = document.get().cloned().unwrap_or(Value::Null);
                async move { Ok::<_, ErrorObject>(document).into_reply(call.id()) }
            }),
        );
        let types = Arc::try_unwrap(types).unwrap_or_else(|shared| (*shared).clone());
        let service = Service {
            inner: Arc::new(Inner {
                name: self.name,
                version,
                description: self.description,
                types,
                methods: self.methods,
                events: self.events,
                groups: self.groups,
                handlers: Arc::new(handlers.with_outer_layers(&self.layers)),
                hub,
                rest_status: self.rest_status,
                #[cfg(feature = "redis")]
                backplane: std::sync::OnceLock::new(),
            }),
        };
        for slot in &self.emitters {
            let _ = slot.set(Arc::downgrade(&service.inner));
        }
        #[cfg(feature = "redis")]
        if let Some(backplane) = &self.backplane {
            backplane.attach(&service);
        }
        let _ = discover.set(crate::metadata::openrpc(&service));
        Ok(service)
    }

    fn check(&mut self) {
        let mut problems = self.types.take_conflicts();
        let known = |ty: &TypeRef| match &ty.name {
            TypeName::Named(n) => self.types.contains(n),
            TypeName::Builtin(_) => true,
        };
        for def in self.types.iter() {
            if let TypeDef::Struct(s) = def {
                for field in &s.fields {
                    if !known(&field.ty) {
                        problems.push(format!(
                            "type `{}`: field `{}` has unknown type `{}`",
                            s.name,
                            field.name,
                            field.ty.type_name()
                        ));
                    } else if let Some(default) = &field.default {
                        if let Err(e) = convert_default(&field.ty, default, &self.types) {
                            problems.push(format!(
                                "type `{}`: the default of field `{}` is not a {}: {e}",
                                s.name, field.name, field.ty
                            ));
                        }
                    }
                }
            }
        }
        for m in &self.methods {
            let mut seen: Vec<&str> = Vec::new();
            let mut defaulted: Option<&str> = None;
            for p in &m.params {
                if seen.contains(&p.name.as_str()) {
                    problems.push(format!(
                        "method `{}`: param `{}` is declared twice",
                        m.name, p.name
                    ));
                }
                seen.push(&p.name);
                if !known(&p.ty) {
                    problems.push(format!(
                        "method `{}`: param `{}` has unknown type `{}`",
                        m.name,
                        p.name,
                        p.ty.type_name()
                    ));
                } else if let Some(default) = &p.default {
                    if let Err(e) = convert_default(&p.ty, default, &self.types) {
                        problems.push(format!(
                            "method `{}`: the default of `{}` is not a {}: {e}",
                            m.name, p.name, p.ty
                        ));
                    }
                }
                match (defaulted, p.is_required()) {
                    (Some(d), true) => problems.push(format!(
                        "method `{}`: `{d}` has a default but `{}` after it does not; put defaulted parameters last",
                        m.name, p.name
                    )),
                    (None, false) => defaulted = Some(&p.name),
                    _ => {}
                }
            }
            if let Some(returns) = &m.returns {
                if !known(returns) {
                    problems.push(format!(
                        "method `{}`: returns unknown type `{}`",
                        m.name,
                        returns.type_name()
                    ));
                }
            }
        }
        for e in &self.events {
            if let Some(ty) = &e.ty {
                if !known(ty) {
                    problems.push(format!(
                        "event `{}`: unknown type `{}`",
                        e.name,
                        ty.type_name()
                    ));
                }
            }
        }
        self.problems.extend(problems);
    }
}

impl std::fmt::Debug for ServiceBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceBuilder")
            .field("name", &self.name)
            .field("methods", &self.methods.len())
            .field("problems", &self.problems)
            .finish_non_exhaustive()
    }
}

fn convert_default(
    ty: &TypeRef,
    default: &Value,
    types: &Types,
) -> Result<Value, crate::schema::ConvertError> {
    let raw = serde_json::value::to_raw_value(default)
        .map_err(|e| crate::schema::ConvertError::new(ty.to_string(), e.to_string()))?;
    convert_in(ty, &raw, types)
}

fn dynamic_handler(def: Arc<MethodDef>, types: Arc<Types>, f: DynHandler) -> Arc<dyn Handler> {
    let names: Arc<[String]> = def.params.iter().map(|p| p.name.clone()).collect();
    handler_fn(move |call: Call| {
        let (def, types, f, names) = (def.clone(), types.clone(), f.clone(), names.clone());
        async move {
            let id = call.id().cloned();
            let result = async {
                let values = {
                    let slots = bind::slots(call.raw_params(), &def.params)?;
                    slots
                        .into_iter()
                        .zip(&def.params)
                        .map(|(slot, p)| bind::dynamic(slot, p, &types))
                        .collect::<Result<Vec<_>, _>>()?
                };
                let value = f(Args::new(call, names, values)).await?;
                match &def.returns {
                    None => Ok(Value::Null),
                    Some(ty) => convert_out(ty, &value, &types).map_err(|e| {
                        tracing::error!(method = %def.name, error = %e, "a handler's result is not its declared type");
                        ErrorObject::internal()
                    }),
                }
            }
            .await;
            result.into_reply(id.as_ref())
        }
    })
}

fn not_implemented(name: String) -> Arc<dyn Handler> {
    handler_fn(move |call: Call| {
        let name = name.clone();
        async move {
            Err::<(), _>(
                ErrorObject::new(crate::protocol::code::METHOD_NOT_FOUND, "Method not implemented")
                    .with_data(serde_json::json!({ "method": name, "reason": "declared, but the service has no handler for it" })),
            )
            .into_reply(call.id())
        }
    })
}
