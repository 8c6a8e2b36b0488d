//! Many services and versions on one router: `{root}/{name}/{version}`.

use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::{Server, http, rest, ws};
use crate::service::Service;
use crate::{Config, Methods};

/// Services by name and version, served on one axum [`Router`].
///
/// | request | answer |
/// |---|---|
/// | `GET /` | the list of services (HTML with a search box; `?json` for JSON) |
/// | `GET /_jsonws/{file}` | the docs pages' compiled-in assets (`docs.css`, `docs.js`) |
/// | `GET /{name}/{version}` | the service's docs page and playground; `?json` metadata; `?openrpc`; `?proxy={Lang}&localName={Name}` a generated client (below) |
/// | `POST /{name}/{version}` | JSON-RPC over HTTP |
/// | `GET /{name}/{version}` with `Upgrade: websocket` | a WebSocket peer |
/// | `GET\|POST /{name}/{version}/{method}` | a REST-style call (see [`crate::server`]) |
/// | Socket.IO at `/socket.io/`, namespace `/{name}/{version}` | the same peer, in `message` events (feature `socketio`) |
///
/// The pages and their assets carry a strict `Content-Security-Policy` header, an `ETag`
/// (304 for a matching `If-None-Match`) and `Cache-Control` (`no-cache` for the pages, a year
/// for the versioned asset URLs the pages link to).
///
/// `{version}` is the full version (`1.2.0`) or a prefix (`1`, `1.2`, `v1`) that picks the
/// highest registered match. Nest the router under any prefix (`/api` is the convention).
///
/// # Generated clients
///
/// `GET /{name}/{version}?proxy={Lang}&localName={Name}` answers with the source of a client
/// for the service (feature `codegen`, on by default; see [`codegen`](crate::codegen)). `Lang`
/// is `JavaScript`, `TypeScript`, `Python` or `Rust` (lower case accepted); anything else is a
/// 404 listing them. `localName` (default `{Name}Client`: `DemoClient`) must match
/// `[A-Za-z_][A-Za-z0-9_]{0,63}`, else 400: nothing from the request ever names a file or a
/// template. The answer has the language's content type, `Content-Disposition: inline;
/// filename=…` (`DemoClient.ts`, `demo_client.rs`), and an `ETag` that changes when the
/// source does; a request whose `If-None-Match` holds it gets 304. A client is generated once
/// per service, language and local name, then served from memory.
///
/// # Examples
///
/// ```
/// use jsonws::server::Registry;
/// use jsonws::service::{Args, Method, Service};
/// use jsonws::ErrorObject;
///
/// let v1 = Service::builder("calc", "1.0.0").build().unwrap();
/// let v1_1 = Service::builder("calc", "1.1.0")
///     .method(Method::new("ping").returns("string").handler(|_: Args| async { Ok::<_, ErrorObject>("pong") }))
///     .build()
///     .unwrap();
/// let registry = Registry::new().service(v1).service(v1_1);
/// assert_eq!(registry.resolve("calc", "1").unwrap().version().to_string(), "1.1.0");
/// assert_eq!(registry.resolve("calc", "1.0").unwrap().version().to_string(), "1.0.0");
/// let app: axum::Router = axum::Router::new().nest("/api", registry.router());
/// # let _ = app;
/// ```
#[derive(Clone)]
pub struct Registry {
    services: Vec<(Service, Server)>,
    base: Server,
    layers: Vec<Arc<dyn crate::handler::CallLayer>>,
    #[cfg(feature = "redis")]
    backplane: Option<crate::backplane::Backplane>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl Registry {
    /// An empty registry with the default [`Config`].
    pub fn new() -> Self {
        Registry {
            services: Vec::new(),
            base: Server::new(Methods::new()),
            layers: Vec::new(),
            #[cfg(feature = "redis")]
            backplane: None,
        }
    }

    /// Sends the events of every service, those added later too, through `backplane`, so
    /// they reach the subscribers of every instance (see [`crate::backplane`]). Call it inside
    /// a Tokio runtime, and await [`Backplane::ready`](crate::backplane::Backplane::ready)
    /// before serving. [`shutdown`](Registry::shutdown) closes it.
    #[cfg(feature = "redis")]
    #[must_use]
    pub fn backplane(mut self, backplane: crate::backplane::Backplane) -> Self {
        for (service, _) in &self.services {
            backplane.attach(service);
        }
        self.backplane = Some(backplane);
        self
    }

    /// Replaces the limits and timeouts of every service.
    pub fn config(mut self, config: Config) -> Self {
        for (service, _) in &self.services {
            service.set_subscription_limit(config.max_subscriptions);
        }
        self.base = self.base.config(config);
        self.reserve();
        self
    }

    /// Wraps every call to every service, those added later included, in `layer` (see
    /// [`CallLayer`](crate::handler::CallLayer)), on every transport: HTTP POST, REST-style
    /// calls and WebSocket. Registry layers run outside each service's own layers.
    ///
    /// ```
    /// use jsonws::handler::Next;
    /// use jsonws::server::Registry;
    /// use jsonws::Call;
    ///
    /// let registry = Registry::new().layer(|call: Call, next: Next| async move {
    ///     tracing::info!(method = call.method(), "call");
    ///     next.run(call).await
    /// });
    /// # let _ = registry;
    /// ```
    pub fn layer(mut self, layer: impl crate::handler::CallLayer) -> Self {
        self.layers.push(Arc::new(layer));
        self.reserve();
        self
    }

    /// Rebuilds each service's server with the current config and layers.
    fn reserve(&mut self) {
        let base = self.base.clone();
        for (service, server) in &mut self.services {
            *server = base.with_methods(with_layers(service, &self.layers));
        }
    }

    /// Adds a service.
    ///
    /// # Panics
    ///
    /// When a service with the same name and version is already registered.
    #[track_caller]
    #[must_use]
    pub fn service(mut self, service: Service) -> Self {
        assert!(
            !self
                .services
                .iter()
                .any(|(s, _)| s.name() == service.name() && s.version() == service.version()),
            "service `{}` version {} is registered twice",
            service.name(),
            service.version()
        );
        service.set_subscription_limit(self.base.config.max_subscriptions);
        #[cfg(feature = "redis")]
        if let Some(backplane) = &self.backplane {
            backplane.attach(&service);
        }
        let server = self.base.with_methods(with_layers(&service, &self.layers));
        self.services.push((service, server));
        self.services.sort_by(|a, b| {
            a.0.name()
                .cmp(b.0.name())
                .then(b.0.version().cmp(a.0.version()))
        });
        self
    }

    /// The services, by name, newest version first.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.iter().map(|(s, _)| s)
    }

    /// The service `name` whose version matches `version`: the full version, or a prefix
    /// (`1`, `1.2`, `v1`) matched to the highest registered version.
    pub fn resolve(&self, name: &str, version: &str) -> Option<&Service> {
        self.find(name, version).map(|(s, _)| s)
    }

    fn find(&self, name: &str, version: &str) -> Option<&(Service, Server)> {
        let wanted = version.strip_prefix(['v', 'V']).unwrap_or(version);
        let candidates = self.services.iter().filter(|(s, _)| s.name() == name);
        if let Ok(exact) = semver::Version::parse(wanted) {
            return candidates.into_iter().find(|(s, _)| *s.version() == exact);
        }
        let parts: Vec<u64> = match wanted.split('.').map(str::parse).collect::<Result<_, _>>() {
            Ok(parts) => parts,
            Err(_) => return None,
        };
        if parts.is_empty() || parts.len() > 2 {
            return None;
        }
        // Sorted newest first, so the first match is the highest.
        candidates.into_iter().find(|(s, _)| {
            let v = s.version();
            v.pre.is_empty() && v.major == parts[0] && parts.get(1).is_none_or(|m| v.minor == *m)
        })
    }

    /// The router, answering at its own root. Nest it where the services should live:
    /// `Router::new().nest("/api", registry.router())`.
    ///
    /// Like axum's own routers it fits an app of any state type `S`: the registry keeps its
    /// state inside, so `.nest("/api", registry.router()).with_state(app_state)` compiles.
    /// A service holds its own state in the value its methods take `&self` of (see
    /// [`service`](mod@crate::service#state)).
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::extract::State;
    /// use axum::routing::get;
    /// use jsonws::server::Registry;
    /// use jsonws::Service;
    ///
    /// #[derive(Clone)]
    /// struct AppState {
    ///     name: &'static str,
    /// }
    ///
    /// let registry = Registry::new().service(Service::builder("calc", "1.0.0").build().unwrap());
    /// let app: axum::Router = axum::Router::new()
    ///     .route("/health", get(|State(s): State<AppState>| async move { s.name }))
    ///     .nest("/api", registry.router())
    ///     .with_state(AppState { name: "ok" });
    /// # let _ = app;
    /// ```
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        self.router_at("")
    }

    /// The router with the services under `root` (`/api`): merge it into your app with
    /// `app.merge(registry.router_at("/api"))`. It answers like a nested [`router`], but
    /// without the work axum's `nest` does per request to strip the prefix (+17% HTTP
    /// calls/s, BENCHMARKS.md).
    ///
    /// [`router`]: Registry::router
    pub fn router_at<S: Clone + Send + Sync + 'static>(&self, root: &str) -> Router<S> {
        let root = root.trim_end_matches('/');
        let shared = Arc::new(self.clone());
        // Any name and version, resolved per request: for the spellings not routed below
        // (`V1`) and for the 404 that lists what exists.
        // The list answers at `{root}` alone, as under `nest` (which routes the inner `/` at the
        // prefix only), so `/api/` is the same 404 whichever way the router is mounted.
        let list_at = if root.is_empty() { "/" } else { root };
        let router = Router::new()
            .route(list_at, get(list))
            .route(
                &format!("{root}/{}/{{file}}", crate::docs::ASSET_DIR),
                get(asset),
            )
            .route(
                &format!("{root}/{{name}}/{{version}}"),
                get(service_get).post(service_post),
            )
            .route(
                &format!("{root}/{{name}}/{{version}}/{{method}}"),
                get(rest_call).post(rest_call),
            );
        let mut router = router.with_state(shared);
        #[cfg(feature = "socketio")]
        let mut namespaces = Vec::new();
        // Every version and prefix that resolves, resolved now: a call then costs one static
        // route match, with no path parameters to extract and no lookup.
        for (name, version, entry) in self.aliases() {
            #[cfg(feature = "socketio")]
            namespaces.push((format!("/{name}/{version}"), entry.1.clone()));
            let entry = Arc::new(entry.clone());
            router = router
                .route(
                    &format!("{root}/{name}/{version}"),
                    get(entry_get).post(entry_post).with_state(entry.clone()),
                )
                .route(
                    &format!("{root}/{name}/{version}/{{method}}"),
                    get(entry_rest).post(entry_rest).with_state(entry),
                );
        }
        #[cfg(feature = "socketio")]
        let router = router.layer(super::socketio::layer(namespaces, &self.base.config));
        router.layer(super::decompression())
    }

    /// Each spelling of a version that resolves (`1.2.0`, `v1.2.0`, `1.2`, `v1.2`, `1`, `v1`),
    /// with the service it resolves to.
    fn aliases(&self) -> Vec<(&str, String, &(Service, Server))> {
        let mut seen = std::collections::HashSet::new();
        let mut aliases = Vec::new();
        for (service, _) in &self.services {
            let v = service.version();
            let full = v.to_string();
            let spellings = [
                full.clone(),
                format!("v{full}"),
                format!("{}.{}", v.major, v.minor),
                format!("v{}.{}", v.major, v.minor),
                v.major.to_string(),
                format!("v{}", v.major),
            ];
            for spelling in spellings {
                if !seen.insert((service.name(), spelling.clone())) {
                    continue;
                }
                if let Some(entry) = self.find(service.name(), &spelling) {
                    aliases.push((service.name(), spelling, entry));
                }
            }
        }
        aliases
    }

    /// How many WebSocket connections are open across all services.
    pub fn connection_count(&self) -> usize {
        self.base.connection_count()
    }

    /// Shuts every service down gracefully (see [`Server::shutdown`]).
    pub async fn shutdown(&self) {
        self.base.shutdown().await;
        #[cfg(feature = "redis")]
        if let Some(backplane) = &self.backplane {
            backplane.close(self.base.config.shutdown_grace).await;
        }
    }

    /// Resolves when shutdown starts; pass it to [`serve`](super::serve).
    pub fn shutdown_signal(&self) -> impl Future<Output = ()> + Send + 'static {
        self.base.shutdown_signal()
    }

    fn not_found(&self, name: &str, version: &str) -> Response {
        let versions: Vec<String> = self
            .services
            .iter()
            .filter(|(s, _)| s.name() == name)
            .map(|(s, _)| s.version().to_string())
            .collect();
        let message = if versions.is_empty() {
            let names: Vec<String> = self
                .services
                .iter()
                .map(|(s, _)| format!("{} {}", s.name(), s.version()))
                .collect();
            format!(
                "no service `{name}` here; the services are: {}\n",
                names.join(", ")
            )
        } else {
            format!(
                "service `{name}` has no version matching `{version}`; it has {}\n",
                versions.join(", ")
            )
        };
        (StatusCode::NOT_FOUND, message).into_response()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.services
                    .iter()
                    .map(|(s, _)| format!("{} {}", s.name(), s.version())),
            )
            .finish()
    }
}

/// The service's handlers, wrapped in the registry's layers.
fn with_layers(service: &Service, layers: &[Arc<dyn crate::handler::CallLayer>]) -> Arc<Methods> {
    if layers.is_empty() {
        return service.handlers().clone();
    }
    Arc::new((**service.handlers()).clone().with_outer_layers(layers))
}

type Shared = State<Arc<Registry>>;

fn wants(query: Option<&str>, key: &str) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .any(|pair| pair == key || pair.starts_with(&format!("{key}=")))
    })
}

async fn list(
    State(registry): Shared,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let base = uri.path().trim_end_matches('/');
    if wants(uri.query(), "json") {
        let services: Vec<_> = registry
            .services()
            .map(|s| {
                json!({
                    "name": s.name(),
                    "version": s.version().to_string(),
                    "description": s.description(),
                    "url": format!("{base}/{}/{}", s.name(), s.version()),
                })
            })
            .collect();
        return json_response(serde_json::Value::Array(services));
    }
    crate::docs::html(
        crate::docs::registry_page(registry.services(), base),
        &headers,
    )
}

async fn asset(Path(file): Path<String>, request: Request) -> Response {
    crate::docs::asset(&file, request.uri().query(), request.headers())
}

async fn service_get(
    State(registry): Shared,
    Path((name, version)): Path<(String, String)>,
    request: Request,
) -> Response {
    match registry.find(&name, &version) {
        Some((service, server)) => describe_or_upgrade(service, server, request).await,
        None => registry.not_found(&name, &version),
    }
}

/// A WebSocket upgrade, or the service's page, metadata or OpenRPC document.
async fn describe_or_upgrade(service: &Service, server: &Server, request: Request) -> Response {
    if ws::wants_upgrade(request.headers()) {
        return ws::upgrade(server.clone(), request).await;
    }
    let query = request.uri().query();
    if wants(query, "json") {
        return json_response(crate::metadata::json(service));
    }
    if wants(query, "openrpc") {
        return json_response(crate::metadata::openrpc(service));
    }
    #[cfg(feature = "codegen")]
    if wants(query, "proxy") {
        return proxy::respond(service, query.unwrap_or_default(), request.headers());
    }
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().path(), |o| o.0.path())
        .trim_end_matches('/');
    // `{root}/{name}/{version}`: the root is what is left without the last two segments.
    let root = path.rsplitn(3, '/').nth(2).unwrap_or_default().to_owned();
    crate::docs::html(
        crate::docs::service_page(service, path, &root),
        request.headers(),
    )
}

type Entry = State<Arc<(Service, Server)>>;

async fn entry_get(State(entry): Entry, request: Request) -> Response {
    describe_or_upgrade(&entry.0, &entry.1, request).await
}

async fn entry_post(State(entry): Entry, request: Request) -> Response {
    http::handle(&entry.1, request).await
}

async fn entry_rest(State(entry): Entry, Path(method): Path<String>, request: Request) -> Response {
    rest::call(&entry.0, &entry.1, &method, request).await
}

async fn service_post(
    State(registry): Shared,
    Path((name, version)): Path<(String, String)>,
    request: Request,
) -> Response {
    match registry.find(&name, &version) {
        Some((_, server)) => http::handle(server, request).await,
        None => registry.not_found(&name, &version),
    }
}

async fn rest_call(
    State(registry): Shared,
    Path((name, version, method)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    match registry.find(&name, &version) {
        Some((service, server)) => rest::call(service, server, &method, request).await,
        None => registry.not_found(&name, &version),
    }
}

fn json_response(value: serde_json::Value) -> Response {
    let body = serde_json::to_vec_pretty(&value).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET {svc}?proxy={Lang}&localName={Name}`: the source of a generated client.
///
/// `Lang` is one of [`Lang::ALL`](crate::codegen::Lang::ALL) (json-ws's names, lower case
/// accepted); anything else is a 404 that lists them. `localName` (default `{Name}Client`,
/// `DemoClient`) must match `[A-Za-z_][A-Za-z0-9_]{0,63}`, or the answer is 400: nothing from
/// the request names a file or a template. The answer has the language's content type,
/// `Content-Disposition: inline; filename=…`, and an `ETag` that changes with the source
/// (a request with a matching `If-None-Match` gets 304). Each client is generated once per
/// service, language and local name, then served from memory.
#[cfg(feature = "codegen")]
mod proxy {
    use std::collections::HashMap;
    use std::hash::{DefaultHasher, Hash, Hasher};
    use std::sync::{Arc, Mutex, OnceLock, Weak};

    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};

    use crate::codegen::{Lang, Model, default_local_name, generate, valid_local_name};
    use crate::service::Service;

    /// Past this many clients in memory, more are generated per request and not kept.
    const MAX_CACHED: usize = 1024;

    struct Generated {
        source: String,
        etag: String,
    }

    type Key = (usize, Lang, String);
    /// The generated clients, by service (its address, checked against the weak reference held
    /// beside it, so a dropped service is never taken for a new one at the same address),
    /// language and local name.
    type Cache = Mutex<HashMap<Key, (Weak<crate::service::Inner>, Arc<Generated>)>>;

    fn cache() -> &'static Cache {
        static CACHE: OnceLock<Cache> = OnceLock::new();
        CACHE.get_or_init(Cache::default)
    }

    pub(super) fn respond(service: &Service, query: &str, headers: &HeaderMap) -> Response {
        let mut lang_name = String::new();
        let mut local_name = None;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*key {
                "proxy" => lang_name = value.into_owned(),
                "localName" => local_name = Some(value.into_owned()),
                _ => {}
            }
        }
        let Some(lang) = Lang::parse(&lang_name) else {
            return (
                StatusCode::NOT_FOUND,
                format!("{} (?proxy=TypeScript)\n", Lang::unknown(&lang_name)),
            )
                .into_response();
        };
        let local_name = local_name.unwrap_or_else(|| default_local_name(service.name()));
        if !valid_local_name(&local_name) {
            return (
                StatusCode::BAD_REQUEST,
                format!(
                    "localName `{local_name}` is not usable: it must match [A-Za-z_][A-Za-z0-9_]{{0,63}}, e.g. localName=DemoClient\n"
                ),
            )
                .into_response();
        }
        let generated = match lookup(service, lang, &local_name) {
            Ok(generated) => generated,
            Err(e) => return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
        };
        let matches = headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|tag| {
                let tag = tag.trim();
                tag == "*" || tag.trim_start_matches("W/") == generated.etag
            });
        let disposition = format!("inline; filename=\"{}\"", lang.file_name(&local_name));
        if matches {
            return (
                StatusCode::NOT_MODIFIED,
                [(header::ETAG, generated.etag.clone())],
            )
                .into_response();
        }
        (
            [
                (header::CONTENT_TYPE, lang.content_type().to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::ETAG, generated.etag.clone()),
                (header::CACHE_CONTROL, "no-cache".to_owned()),
            ],
            generated.source.clone(),
        )
            .into_response()
    }

    fn lookup(
        service: &Service,
        lang: Lang,
        local_name: &str,
    ) -> Result<Arc<Generated>, crate::codegen::GenError> {
        let key = (
            Arc::as_ptr(&service.inner) as usize,
            lang,
            local_name.to_owned(),
        );
        let alive = |weak: &Weak<crate::service::Inner>| {
            weak.upgrade()
                .is_some_and(|inner| Arc::ptr_eq(&inner, &service.inner))
        };
        if let Some((weak, generated)) = cache().lock().unwrap_or_else(|p| p.into_inner()).get(&key)
            && alive(weak)
        {
            return Ok(generated.clone());
        }
        let source = generate(&Model::from_service(service), lang, local_name)?;
        let mut hasher = DefaultHasher::new();
        source.hash(&mut hasher);
        let generated = Arc::new(Generated {
            etag: format!("\"{:016x}-{:x}\"", hasher.finish(), source.len()),
            source,
        });
        let mut cache = cache().lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MAX_CACHED {
            cache.retain(|_, (weak, _)| weak.strong_count() > 0);
        }
        if cache.len() < MAX_CACHED {
            cache.insert(key, (Arc::downgrade(&service.inner), generated.clone()));
        }
        Ok(generated)
    }
}
