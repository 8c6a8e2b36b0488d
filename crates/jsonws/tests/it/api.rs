//! The Rust API as an axum user meets it: events declared in `#[jsonws::service]`, shared
//! state, the router inside an app with its own state, request extensions, per-call layers,
//! error conversions and declared errors, and the Rust types users reach for.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::get;
use jsonws::client::WsClient;
use jsonws::handler::{Next, Reply};
use jsonws::protocol::ApplicationError;
use jsonws::server::Registry;
use jsonws::service::{Args, Emitter, Method};
use jsonws::{Call, ErrorObject, Extension, Service, Type};
use serde_json::{Value, json};

use crate::registry::get as http_get;
use crate::util::{RawWs, WAIT, post};

/// A thing to do.
#[derive(Type, Debug, Clone, PartialEq)]
struct Todo {
    id: u64,
    title: String,
}

/// What the todo service announces.
#[derive(jsonws::Events)]
enum TodoEvent {
    /// A todo was added.
    #[jsonws(name = "todo.added")]
    Added(Todo),
    /// Every todo was removed.
    Cleared,
}

/// The signed-in user, put into the request's extensions by an auth layer.
#[derive(Clone, Debug)]
struct User(String);

/// A todo list shared by every connection.
struct Todos {
    items: Mutex<Vec<Todo>>,
    /// Kept in the state: `clear` emits through it.
    events: Emitter<TodoEvent>,
}

#[derive(Debug)]
enum TodoError {
    NotFound(u64),
}

impl std::fmt::Display for TodoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TodoError::NotFound(id) => write!(f, "no todo {id}"),
        }
    }
}

impl std::error::Error for TodoError {}

impl ApplicationError for TodoError {
    fn code(&self) -> i64 {
        match self {
            TodoError::NotFound(_) => 4004,
        }
    }
}

#[jsonws::service(events = TodoEvent)]
impl Todos {
    /// Adds a todo and announces it; the emitter comes as a param.
    async fn add(&self, events: Emitter<TodoEvent>, title: String) -> Todo {
        let todo = {
            let mut items = self.items.lock().unwrap();
            let todo = Todo {
                id: items.len() as u64 + 1,
                title,
            };
            items.push(todo.clone());
            todo
        };
        events.emit(TodoEvent::Added(todo.clone())).unwrap();
        todo
    }

    /// Removes every todo.
    fn clear(&self) {
        self.items.lock().unwrap().clear();
        self.events.emit(TodoEvent::Cleared).unwrap();
    }

    /// How many todos there are.
    fn count(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    /// One todo.
    #[jsonws(errors(4004 = "No todo has this id."))]
    fn get(&self, id: u64) -> Result<Todo, TodoError> {
        let items = self.items.lock().unwrap();
        items
            .iter()
            .find(|t| t.id == id)
            .cloned()
            .ok_or(TodoError::NotFound(id))
    }

    /// Who is calling: from the auth layer's extension.
    fn whoami(&self, user: Extension<User>) -> String {
        user.0.0
    }

    /// The same, for calls that may come without one.
    fn maybe_whoami(&self, user: Option<Extension<User>>) -> Option<String> {
        user.map(|Extension(User(name))| name)
    }

    /// Fails with a `String`.
    fn fail_text(&self) -> Result<(), String> {
        Err("the list is locked".into())
    }

    /// Fails with an `anyhow::Error` that holds something internal.
    fn fail_anyhow(&self) -> Result<(), anyhow::Error> {
        Err(anyhow::anyhow!("connection to db.internal:5432 refused"))
    }

    /// Fails with a boxed error.
    fn fail_boxed(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Err("secret path /etc/todo.db".into())
    }
}

fn todos() -> (Service, Emitter<TodoEvent>) {
    let events = Emitter::new();
    let service = Service::builder("todo", "1.0.0")
        .emitter(&events)
        .rest_status(4004, http::StatusCode::NOT_FOUND)
        .define_all(Todos {
            items: Mutex::new(Vec::new()),
            events: events.clone(),
        })
        .build()
        .unwrap();
    (service, events)
}

/// An auth layer in front of the router: `authorization: Bearer NAME` signs in `NAME`.
async fn auth(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let user = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|name| User(name.to_owned()));
    if let Some(user) = user {
        request.extensions_mut().insert(user);
    }
    next.run(request).await
}

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

/// The registry nested in an app with a state of its own, beside `/health`, behind the auth
/// layer. Returns the base URL (`http://…/api`).
async fn serve_app(registry: Registry) -> String {
    // issue 8 §2: `Registry::router()` was `Router<()>`, so `.with_state` after `.nest` did not compile.
    let app: axum::Router = axum::Router::new()
        .route(
            "/health",
            get(|State(state): State<AppState>| async move { state.greeting }),
        )
        .nest("/api", registry.router())
        .layer(axum::middleware::from_fn(auth))
        .with_state(AppState { greeting: "ok" });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    format!("http://{addr}/api")
}

async fn call(url: &str, method: &str, params: Value, headers: &[(&str, &str)]) -> Value {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let body = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
    let mut request = http::Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(http_body_util::Full::new(bytes::Bytes::from(
            body.to_string(),
        )))
        .unwrap();
    let response = tokio::time::timeout(WAIT, client.request(request))
        .await
        .unwrap()
        .unwrap();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    serde_json::from_slice(&body).unwrap()
}

// issue 8 §1: events declared in the macro, emitted through a typed emitter taken as a param
// and held in the state.
#[tokio::test]
async fn macro_services_declare_and_emit_typed_events() {
    let (service, _) = todos();
    let names: Vec<&str> = service.events().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["todo.added", "cleared"]);
    assert_eq!(service.events()[0].description, "A todo was added.");
    assert_eq!(service.events()[0].ty.as_ref().unwrap().to_string(), "Todo");
    assert_eq!(service.events()[1].ty, None);
    let meta = jsonws::metadata::json(&service);
    assert_eq!(meta["events"]["todo.added"]["type"], "Todo");

    let base = serve_app(Registry::new().service(service)).await;
    let ws = base.replacen("http", "ws", 1) + "/todo/1";
    let client = WsClient::connect(&ws).await.unwrap();
    let mut added = client.subscribe::<Value>("todo.added").await.unwrap();
    let mut cleared = client.subscribe::<Value>("cleared").await.unwrap();
    let todo: Value = client.call("add", ["milk"]).await.unwrap();
    assert_eq!(todo, json!({"id": 1, "title": "milk"}));
    let event = tokio::time::timeout(WAIT, added.recv())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(event, json!({"id": 1, "title": "milk"}));
    let _: Value = client.call("clear", ()).await.unwrap();
    let event = tokio::time::timeout(WAIT, cleared.recv())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(event, Value::Null, "an event without data");
}

#[test]
fn an_emitter_not_bound_to_a_service_says_so() {
    let events = Emitter::<TodoEvent>::new();
    let error = events.emit(TodoEvent::Cleared).unwrap_err();
    assert!(
        matches!(error, jsonws::service::EmitError::NotServing(_)),
        "{error}"
    );
    assert!(
        error.to_string().contains("ServiceBuilder::emitter"),
        "{error}"
    );
    let (service, bound) = todos();
    assert!(bound.service().is_some());
    drop(service);
    assert!(
        bound.service().is_none(),
        "the emitter does not keep the service alive"
    );
}

// issue 8 §2: shared state mutated by concurrent calls, the router in an app with state.
#[tokio::test]
async fn the_router_nests_in_an_app_with_state_and_state_survives_concurrent_calls() {
    let (service, _) = todos();
    let base = serve_app(Registry::new().service(service)).await;
    let (status, _, body) = http_get(&base.replace("/api", "/health")).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let url = format!("{base}/todo/1.0.0");
    let calls = (0..50).map(|i| {
        let url = url.clone();
        tokio::spawn(async move { call(&url, "add", json!([format!("todo {i}")]), &[]).await })
    });
    let mut ids = BTreeSet::new();
    for reply in futures_util::future::join_all(calls).await {
        ids.insert(reply.unwrap()["result"]["id"].as_u64().unwrap());
    }
    assert_eq!(ids, (1..=50).collect(), "each add saw every earlier one");
    assert_eq!(call(&url, "count", json!([]), &[]).await["result"], 50);
}

// issue 8 §3: an auth layer's extension reaches a method, over HTTP, REST and WebSocket.
#[tokio::test]
async fn methods_take_the_request_extensions_as_params() {
    let (service, _) = todos();
    let base = serve_app(Registry::new().service(service)).await;
    let url = format!("{base}/todo/1.0.0");
    let bearer = [("authorization", "Bearer ada")];
    assert_eq!(
        call(&url, "whoami", json!([]), &bearer).await["result"],
        "ada"
    );
    assert_eq!(
        call(&url, "maybe_whoami", json!([]), &bearer).await["result"],
        "ada"
    );
    assert_eq!(
        call(&url, "maybe_whoami", json!([]), &[]).await["result"],
        Value::Null
    );
    let missing = call(&url, "whoami", json!([]), &[]).await;
    assert_eq!(missing["error"]["code"], -32603, "{missing}");

    let ws = url.replacen("http", "ws", 1);
    let client = WsClient::builder()
        .header(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer grace"),
        )
        .connect(&ws)
        .await
        .unwrap();
    let name: String = client.call("whoami", ()).await.unwrap();
    assert_eq!(name, "grace", "from the upgrade request");
}

// issue 8 §4: one layer sees every call on every transport, and can refuse one.
#[tokio::test]
async fn a_registry_layer_sees_every_call_on_every_transport() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let (service, _) = todos();
    let registry = Registry::new()
        .service(service)
        .layer(move |call: Call, next: Next| {
            let log = log.clone();
            async move {
                let entry = format!("{:?} {}", call.context().transport(), call.method());
                if call.method() == "clear" {
                    return Reply::error(
                        call.id(),
                        &ErrorObject::new(4003, "clearing is not allowed"),
                    );
                }
                let reply = next.run(call).await;
                log.lock()
                    .unwrap()
                    .push(format!("{entry} {:?}", reply.error_code()));
                reply
            }
        });
    let base = serve_app(registry).await;
    let url = format!("{base}/todo/1.0.0");
    call(&url, "count", json!([]), &[]).await;
    let (status, body) = post(
        &url,
        br#"[{"jsonrpc":"2.0","method":"count","id":1},{"jsonrpc":"2.0","method":"get","params":[9],"id":2}]"#.to_vec(),
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = http_get(&format!("{url}/count")).await;
    assert_eq!(status, 200);
    let mut ws = RawWs::connect(&url.replacen("http", "ws", 1)).await;
    let refused = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"clear","id":3}"#)
        .await;
    assert_eq!(refused["error"]["code"], 4003, "{refused}");
    ws.roundtrip(r#"{"jsonrpc":"2.0","method":"count","id":4}"#)
        .await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "Http count None",
            "Http count None",
            "Http get Some(4004)",
            "Http count None",
            "WebSocket count None",
        ]
    );
}

#[tokio::test]
async fn layers_of_a_service_run_inside_those_of_the_registry_and_in_process() {
    let order: Arc<Mutex<Vec<&'static str>>> = Arc::default();
    let (inner, outer) = (order.clone(), order.clone());
    let service = Service::builder("calc", "1.0.0")
        .method(
            Method::new("one")
                .returns("int")
                .handler(|_: Args| async { Ok::<_, ErrorObject>(1i64) }),
        )
        .layer(move |call: Call, next: Next| {
            inner.lock().unwrap().push("service");
            next.run(call)
        })
        .build()
        .unwrap();
    assert_eq!(service.call("one", ()).await.unwrap(), 1);
    assert_eq!(
        *order.lock().unwrap(),
        ["service"],
        "in-process calls go through the service's layers"
    );
    order.lock().unwrap().clear();
    let registry = Registry::new()
        .layer(move |call: Call, next: Next| {
            outer.lock().unwrap().push("registry");
            next.run(call)
        })
        .service(service);
    let base = serve_app(registry).await;
    call(&format!("{base}/calc/1"), "one", json!([]), &[]).await;
    assert_eq!(*order.lock().unwrap(), ["registry", "service"]);
}

/// Records the spans opened, with their fields.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Spans {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={:?}", field.name(), value));
            }
        }
        let mut fields = Fields(attrs.metadata().name().to_owned());
        attrs.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

// issue 8 §4: the per-call span is built on the layer mechanism, so every transport has it.
#[tokio::test]
async fn every_call_runs_in_a_tracing_span() {
    use tracing_subscriber::layer::SubscriberExt as _;
    // Global rather than scoped: tracing caches whether a call site is enabled, and the other
    // tests of this binary, on other threads without a subscriber, would race with a scoped one.
    static SPANS: std::sync::OnceLock<Spans> = std::sync::OnceLock::new();
    let spans = SPANS.get_or_init(|| {
        let spans = Spans::default();
        let subscriber = tracing_subscriber::registry().with(spans.clone());
        tracing::subscriber::set_global_default(subscriber).expect("no other test sets one");
        spans
    });
    let (service, _) = todos();
    let base = serve_app(Registry::new().service(service)).await;
    call(&format!("{base}/todo/1"), "count", json!([]), &[]).await;
    let spans = spans.0.lock().unwrap().clone();
    let spans: Vec<&String> = spans.iter().filter(|s| s.starts_with("call ")).collect();
    assert!(
        spans
            .iter()
            .any(|s| s.starts_with("call method=count") && s.contains("transport=Http")),
        "{spans:?}"
    );
}

// issue 8 §5: errors convert, leak nothing internal, and REST maps application codes.
#[tokio::test]
async fn errors_convert_without_leaking_and_rest_status_is_mappable() {
    let (service, _) = todos();
    let base = serve_app(Registry::new().service(service)).await;
    let url = format!("{base}/todo/1.0.0");
    let error = |reply: Value| reply["error"].clone();
    assert_eq!(
        error(call(&url, "get", json!([7]), &[]).await),
        json!({"code": 4004, "message": "no todo 7"})
    );
    assert_eq!(
        error(call(&url, "fail_text", json!([]), &[]).await),
        json!({"code": -32000, "message": "the list is locked"})
    );
    for method in ["fail_anyhow", "fail_boxed"] {
        assert_eq!(
            error(call(&url, method, json!([]), &[]).await),
            json!({"code": -32000, "message": "Server error"}),
            "{method}: nothing internal on the wire"
        );
    }
    let (status, _, body) = http_get(&format!("{url}/get?id=7")).await;
    assert_eq!(status, 404, "{body}");
    let (status, _, body) = http_get(&format!("{url}/fail_text")).await;
    assert_eq!(status, 500, "{body}");
}

// issue 8 §5: declared application errors in `?json`, OpenRPC and the docs page.
#[tokio::test]
async fn declared_errors_are_described_everywhere() {
    let (service, _) = todos();
    assert_eq!(
        service.method("get").unwrap().errors,
        [jsonws::service::ErrorDef::new(4004, "No todo has this id.")]
    );
    let json = jsonws::metadata::json(&service);
    assert_eq!(
        json["methods"]["get"]["errors"],
        json!([{"code": 4004, "message": "No todo has this id."}])
    );
    assert!(
        json["methods"]["count"].get("errors").is_none(),
        "absent when none are declared"
    );
    let openrpc = jsonws::metadata::openrpc(&service);
    let get = openrpc["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "get")
        .unwrap();
    assert_eq!(
        get["errors"],
        json!([{"code": 4004, "message": "No todo has this id."}])
    );
    let base = serve_app(Registry::new().service(service)).await;
    let (_, _, page) = http_get(&format!("{base}/todo/1.0.0")).await;
    assert!(
        page.contains("error <code>4004</code>: No todo has this id."),
        "{page}"
    );
}

/// A priority, for enum defaults written as paths.
#[derive(Type, Debug, Clone, Copy, PartialEq, Default)]
enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

/// Options, for `#[jsonws(default)]` on a struct.
#[derive(Type, Debug, Clone, PartialEq, Default)]
struct Options {
    #[jsonws(default)]
    verbose: bool,
    #[jsonws(default = Priority::High)]
    priority: Priority,
}

struct Kinds;

#[jsonws::service]
impl Kinds {
    /// Range-checked ints.
    fn small(&self, a: u8, b: usize, c: u32) -> usize {
        a as usize + b + c as usize
    }

    /// Maps with typed values.
    fn total(&self, prices: HashMap<String, f64>) -> BTreeMap<String, f64> {
        let sum = prices.values().sum();
        BTreeMap::from([("total".to_owned(), sum)])
    }

    /// Sets are arrays.
    fn unique(&self, tags: Vec<String>) -> BTreeSet<String> {
        tags.into_iter().collect()
    }

    /// Counts distinct members.
    fn distinct(&self, values: HashSet<i64>) -> usize {
        values.len()
    }

    /// An optional param without a default, then defaults of every new kind.
    fn task(
        &self,
        title: String,
        note: Option<String>,
        #[jsonws(default = Priority::Normal)] priority: Priority,
        #[jsonws(default)] options: Options,
        #[jsonws(default)] tries: u32,
    ) -> Value {
        json!({
            "title": title,
            "note": note,
            "priority": format!("{priority:?}"),
            "options": [options.verbose, format!("{:?}", options.priority)],
            "tries": tries,
        })
    }
}

// issue 8 §6: the common Rust types, Option params and the new default forms.
#[tokio::test]
async fn common_rust_types_and_default_forms_work() {
    let service = Service::builder("kinds", "1.0.0")
        .define_all(Kinds)
        .build()
        .unwrap();
    let call = |method: &'static str, params: Value| {
        let service = service.clone();
        async move { service.call(method, params).await }
    };
    assert_eq!(call("small", json!([1, 2, 3])).await.unwrap(), 6);
    let error = call("small", json!([256, 0, 0])).await.unwrap_err();
    assert_eq!(error.code, -32602, "{error}");
    assert!(error.to_string().contains("u8"), "{error}");
    assert_eq!(
        call("small", json!([0, -1, 0])).await.unwrap_err().code,
        -32602
    );
    assert_eq!(
        call("total", json!([{"a": 1.5, "b": 2}])).await.unwrap(),
        json!({"total": 3.5})
    );
    let error = call("total", json!([{"a": "x"}])).await.unwrap_err();
    assert!(error.to_string().contains("number"), "{error}");
    assert_eq!(
        call("unique", json!([["b", "a", "b"]])).await.unwrap(),
        json!(["a", "b"])
    );
    assert_eq!(call("distinct", json!([[1, 1, 2]])).await.unwrap(), 2);
    assert_eq!(
        call("task", json!(["x"])).await.unwrap(),
        json!({"title": "x", "note": null, "priority": "Normal", "options": [false, "Normal"], "tries": 0}),
        "`#[jsonws(default)]` is Rust's `Options::default()`"
    );
    assert_eq!(
        call(
            "task",
            json!({"title": "x", "note": "n", "priority": "High", "options": {"verbose": true}})
        )
        .await
        .unwrap(),
        json!({"title": "x", "note": "n", "priority": "High", "options": [true, "High"], "tries": 0}),
        "a field left out takes its own default"
    );
    let task = service.method("task").unwrap();
    let note = &task.params[1];
    assert!(
        note.optional && note.default.is_none(),
        "an Option param is optional without a default"
    );
    assert_eq!(task.params[2].default, Some(json!("Normal")));
    assert_eq!(
        task.params[3].default,
        Some(json!({"verbose": false, "priority": "Normal"}))
    );
    assert_eq!(task.params[4].default, Some(json!(0)));
    let meta = jsonws::metadata::json(&service);
    assert_eq!(meta["methods"]["task"]["params"][1]["optional"], true);
    assert_eq!(meta["methods"]["small"]["params"][1]["type"], "int");
    assert_eq!(meta["methods"]["unique"]["returns"], "string");
    assert_eq!(meta["methods"]["unique"]["returnsArray"], true);
    assert_eq!(
        meta["types"]["Options"]["struct"]["priority"]["default"],
        "High"
    );
}

// issue 8 §6: a builder handler returns a `#[derive(Type)]` struct with no `Serialize`.
#[tokio::test]
async fn builder_handlers_return_derived_types() {
    let service = Service::builder("geo", "1.0.0")
        .register::<Todo>()
        .method(
            Method::new("first")
                .returns("Todo")
                .handler(|_: Args| async {
                    Ok::<_, ErrorObject>(Todo {
                        id: 1,
                        title: "t".into(),
                    })
                }),
        )
        .build()
        .unwrap();
    assert_eq!(
        service.call("first", ()).await.unwrap(),
        json!({"id": 1, "title": "t"})
    );
}

#[test]
fn reply_error_answers_only_requests() {
    let id = jsonws::Id::from(5u64);
    let reply = Reply::error(Some(&id), &ErrorObject::new(4001, "no"));
    assert_eq!(reply.error_code(), Some(4001));
    assert!(
        Reply::error(None, &ErrorObject::new(4001, "no"))
            .as_bytes()
            .is_none()
    );
}

/// A point, for the typed client.
#[derive(Type, Debug, Clone, PartialEq)]
struct Point {
    x: i64,
    y: i64,
}

struct Geometry;

#[jsonws::service(name = "geometry", version = "1.0.0", client = GeometryClient)]
impl Geometry {
    /// Adds two integers.
    async fn sum(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// Moves a point.
    fn shift(&self, p: Point, #[jsonws(default = 1)] by: i64) -> Result<Point, ErrorObject> {
        Ok(Point {
            x: p.x + by,
            y: p.y + by,
        })
    }

    /// Fails.
    fn fail(&self) -> Result<(), String> {
        Err("no".into())
    }

    /// Asks the calling client `confirm`.
    async fn ask(&self, peer: jsonws::Peer, question: String) -> Result<String, ErrorObject> {
        Ok(peer.call("confirm", (question,)).await?)
    }
}

// issue 8 §8: a typed client from the same `#[jsonws::service]`.
#[tokio::test]
async fn a_typed_client_comes_from_the_service_definition() {
    let base = serve_app(Registry::new().service(Geometry.into_service().unwrap())).await;
    let ws = base.replacen("http", "ws", 1) + "/geometry/1";
    let geometry = GeometryClient::new(WsClient::connect(&ws).await.unwrap());
    assert_eq!(geometry.sum(1, 2).await.unwrap(), 3);
    assert_eq!(
        geometry.shift(Point { x: 1, y: 2 }, 10).await.unwrap(),
        Point { x: 11, y: 12 }
    );
    match geometry.fail().await {
        Err(jsonws::CallError::Rpc(e)) => assert_eq!((e.code, e.message.as_str()), (-32000, "no")),
        other => panic!("{other:?}"),
    }
    geometry.client().close();
}

// issue 8 §8: a server → client call to a method the client lacks says the client lacks it.
#[tokio::test]
async fn a_method_missing_on_the_client_is_named_as_such() {
    let base = serve_app(Registry::new().service(Geometry.into_service().unwrap())).await;
    let ws = base.replacen("http", "ws", 1) + "/geometry/1";
    let geometry = GeometryClient::new(WsClient::connect(&ws).await.unwrap());
    match geometry.ask("proceed?".into()).await {
        Err(jsonws::CallError::Rpc(e)) => {
            // The server passes the client's -32601 on as its own -32008, the client's error
            // in `data`.
            assert_eq!(e.code, jsonws::protocol::code::PEER_FAILED, "{e}");
            assert!(e.message.contains("Method not found on the client"), "{e}");
            let client_error = &e.data.as_ref().unwrap();
            assert_eq!(client_error["code"], -32601, "{e}");
            assert_eq!(client_error["data"]["side"], "client", "{e}");
        }
        other => panic!("{other:?}"),
    }
}

// issue 8 §8: dropping the last subscription sends `rpc.off`; data of another type is an
// error on the stream, and the events after it still come.
#[tokio::test]
async fn subscriptions_unsubscribe_on_drop_and_report_bad_data() {
    let (service, events) = todos();
    let base = serve_app(Registry::new().service(service.clone())).await;
    let ws = base.replacen("http", "ws", 1) + "/todo/1";
    let client = WsClient::connect(&ws).await.unwrap();
    let mut wrong = client.subscribe::<i64>("todo.added").await.unwrap();
    let right = client.subscribe::<Value>("todo.added").await.unwrap();
    assert_eq!(service.subscriber_count("todo.added"), 1);
    events
        .emit(TodoEvent::Added(Todo {
            id: 9,
            title: "x".into(),
        }))
        .unwrap();
    let error = tokio::time::timeout(WAIT, wrong.recv())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(error.to_string().contains("todo.added"), "{error}");
    events
        .emit(TodoEvent::Added(Todo {
            id: 10,
            title: "y".into(),
        }))
        .unwrap();
    let next = tokio::time::timeout(WAIT, wrong.recv()).await.unwrap();
    assert!(
        matches!(next, Some(Err(_))),
        "the stream goes on after a bad event"
    );
    drop(wrong);
    assert_eq!(
        service.subscriber_count("todo.added"),
        1,
        "another subscription is left"
    );
    drop(right);
    let deadline = tokio::time::Instant::now() + WAIT;
    while service.subscriber_count("todo.added") > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "rpc.off was not sent"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

// issue 8 §9: the docs page did not tell an optional param from a required one.
#[tokio::test]
async fn the_docs_page_marks_optional_params() {
    let service = Service::builder("kinds", "1.0.0")
        .define_all(Kinds)
        .build()
        .unwrap();
    let base = serve_app(Registry::new().service(service)).await;
    let (_, _, page) = http_get(&format!("{base}/kinds/1.0.0")).await;
    // The signature: `task(title: string, note?: string, priority?: Priority = …)`.
    for (name, marked) in [
        ("title", "title"),
        ("note", "note?"),
        ("priority", "priority?"),
    ] {
        assert!(
            page.contains(&format!("<span class=\"pn\">{marked}</span>")),
            "{name}: {page}"
        );
    }
    assert!(page.contains("<td>optional</td>"), "{page}");
}

// issue 8 §9: the README linked outside the repository, and the macros' docs to a docs.rs
// page that does not exist.
#[test]
fn docs_link_only_inside_the_repository() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    for file in [
        "README.md",
        "crates/jsonws-macros/src/lib.rs",
        "crates/jsonws/src/lib.rs",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        for bad in ["../shared", "](http", "docs.rs/"] {
            assert!(
                !text.contains(bad),
                "{file} links outside the repository: `{bad}`"
            );
        }
    }
}

/// A point with a third coordinate the description file below does not have.
#[derive(Type)]
#[jsonws(rename = "Point")]
struct Point3 {
    x: i64,
    y: i64,
    z: i64,
}

struct Space;

#[jsonws::service]
impl Space {
    /// The origin.
    fn origin(&self) -> Point3 {
        Point3 { x: 0, y: 0, z: 0 }
    }
}

struct Plane;

#[jsonws::service]
impl Plane {
    /// The origin.
    fn origin(&self) -> Point {
        Point { x: 0, y: 0 }
    }
}

const POINT_FILE: &str = r#"{ "types": { "Point": { "description": "From the file.", "struct": { "x": "int", "y": "int" } } } }"#;

// issue 8 §7: importing a file, then defining a Rust type that differs from it, built and
// served data that contradicted `?json`; the other order failed. Both orders now compare.
#[test]
fn imported_and_rust_types_must_agree_in_either_order() {
    let import_first = Service::builder("s", "1.0.0")
        .import_json(POINT_FILE, "point.json")
        .define_all(Space)
        .build()
        .unwrap_err();
    assert!(
        import_first.problems[0].contains("type `Point`")
            && import_first.problems[0].contains("z: int"),
        "{import_first}"
    );
    let rust_first = Service::builder("s", "1.0.0")
        .define_all(Space)
        .import_json(POINT_FILE, "point.json")
        .build()
        .unwrap_err();
    assert!(
        rust_first.problems[0].contains("`Point` is already declared on the service, differently"),
        "{rust_first}"
    );
    // The same data with another description is the same type, in either order.
    for service in [
        Service::builder("s", "1.0.0")
            .import_json(POINT_FILE, "point.json")
            .define_all(Plane),
        Service::builder("s", "1.0.0")
            .define_all(Plane)
            .import_json(POINT_FILE, "point.json"),
    ] {
        service.build().unwrap();
    }
}

// issue 8 §7: a description file could not declare an optional param without a default.
#[tokio::test]
async fn description_files_declare_optional_params() {
    let file = r#"{ "methods": { "greet": { "params": [
        { "name": "name", "type": "string", "optional": true }
    ], "returns": "string", "errors": [{ "code": 4004, "message": "Nobody here." }] } } }"#;
    let service = Service::builder("s", "1.0.0")
        .import_json(file, "greet.json")
        .implement("greet", |args: Args| async move {
            let name: Option<String> = args.get("name")?;
            Ok::<_, ErrorObject>(format!("hello, {}", name.as_deref().unwrap_or("you")))
        })
        .build()
        .unwrap();
    let greet = service.method("greet").unwrap();
    assert!(greet.params[0].optional && greet.params[0].default.is_none());
    assert_eq!(
        greet.errors,
        [jsonws::service::ErrorDef::new(4004, "Nobody here.")]
    );
    assert_eq!(service.call("greet", ()).await.unwrap(), "hello, you");
    let bad = Service::builder("s", "1.0.0")
        .import_json(
            r#"{ "methods": { "f": { "params": [{ "name": "n", "optional": 1 }] } } }"#,
            "f.json",
        )
        .build()
        .unwrap_err();
    assert!(
        bad.problems[0].contains("`optional` is true or false"),
        "{bad}"
    );
}

// issue 8 §7: our own `?json` is importable: `?json` → import → `?json` gives it back.
#[test]
fn metadata_round_trips_through_import() {
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/metadata/json.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let (todos, _) = todos();
    let kinds = Service::builder("kinds", "1.0.0")
        .define_all(Kinds)
        .build()
        .unwrap();
    for meta in [
        fixture,
        jsonws::metadata::json(&todos),
        jsonws::metadata::json(&kinds),
    ] {
        let name = meta["name"].as_str().unwrap();
        let version = meta["version"].as_str().unwrap();
        let copy = Service::builder(name, version)
            .import_metadata(&meta, "?json")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(jsonws::metadata::json(&copy), meta, "{name}");
    }
}
