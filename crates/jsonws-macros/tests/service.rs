//! `#[jsonws::service]`: the methods it declares, and a real server built from them, called
//! over HTTP and WebSocket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use jsonws::client::{HttpClient, WsClient};
use jsonws::schema::{Builtin, TypeName, TypeRef};
use jsonws::service::{MethodDef, ParamDef};
use jsonws::{Call, CallError, Context, ErrorObject, Methods, Peer, Server, Service};
use serde_json::{Value, json};

/// A point on the plane.
#[derive(jsonws::Type, Debug, Clone, PartialEq)]
struct Point {
    x: i64,
    y: i64,
    #[jsonws(default = "pt")]
    label: String,
}

/// Calls counted by `bump`.
struct Demo {
    counter: AtomicI64,
}

/// The demo service.
#[jsonws::service(name = "demo", version = "1.0.0")]
impl Demo {
    /// Adds two integers.
    async fn sum(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// Raises `base` to the power `exp`.
    #[jsonws(namespace = "math")]
    async fn pow(
        &self,
        base: f64,
        #[jsonws(default = 2, description = "The power.")] exp: i32,
    ) -> f64 {
        base.powi(exp)
    }

    /// Always fails.
    async fn fail(&self) -> Result<(), ErrorObject> {
        Err(ErrorObject::new(4000, "it failed").with_data(json!({ "why": "on purpose" })))
    }

    /// Returns its argument.
    fn echo(&self, value: Value) -> Value {
        value
    }

    /// Moves a point.
    #[jsonws(name = "types.point")]
    fn point(&self, p: Point, #[jsonws(default_json = "[1, 1]")] by: Vec<i64>) -> Point {
        Point {
            x: p.x + by[0],
            y: p.y + by[1],
            ..p
        }
    }

    /// Asks the calling client to confirm.
    async fn ask(&self, peer: Peer, question: String) -> Result<String, ErrorObject> {
        let answer: String = peer.call("confirm", (question,)).await?;
        Ok(format!("client said: {answer}"))
    }

    /// Tells which transport the call came over.
    fn transport(&self, peer: Option<Peer>, ctx: Context, call: &Call) -> String {
        format!(
            "{} {:?} {}",
            call.method(),
            ctx.transport(),
            if peer.is_some() { "peer" } else { "no peer" }
        )
    }

    /// Adds to the counter; returns nothing.
    #[jsonws(group = "Counter")]
    fn bump(&self, by: Option<i64>) {
        self.counter.fetch_add(by.unwrap_or(1), Ordering::Relaxed);
    }

    /// Reads the counter.
    #[jsonws(group = "Counter")]
    async fn count(self: Arc<Self>) -> i64 {
        tokio::task::yield_now().await;
        self.counter.load(Ordering::Relaxed)
    }

    #[jsonws(skip)]
    fn helper(&self) -> i64 {
        1
    }

    fn new() -> Self {
        Demo {
            counter: AtomicI64::new(0),
        }
    }
}

/// A service whose methods share a namespace, to define in part.
struct Tools;

#[jsonws::service(namespace = "tools")]
impl Tools {
    fn one(&self) -> i64 {
        1
    }

    #[jsonws(namespace = "deep", name = "two")]
    fn second(&self) -> i64 {
        2
    }

    fn three(&self) -> Result<i64, ErrorObject> {
        Ok(3)
    }
}

struct Running {
    addr: SocketAddr,
    server: Server,
}

const PATH: &str = "/api/demo/1.0.0";
const WAIT: Duration = Duration::from_secs(10);

impl Running {
    async fn start(service: &Service) -> Self {
        let server = Server::new((**service.handlers()).clone());
        let app = axum::Router::new().nest(PATH, server.router());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(jsonws::server::serve(
            listener,
            app,
            server.shutdown_signal(),
        ));
        Running { addr, server }
    }

    fn http(&self) -> HttpClient {
        HttpClient::new(&format!("http://{}{PATH}", self.addr))
            .unwrap()
            .timeout(WAIT)
    }

    async fn ws(&self, methods: Methods) -> WsClient {
        WsClient::builder()
            .methods(methods)
            .connect(&format!("ws://{}{PATH}", self.addr))
            .await
            .unwrap()
    }
}

fn demo() -> Service {
    Demo::new().into_service().unwrap()
}

fn rpc_error(result: Result<Value, CallError>) -> ErrorObject {
    match result {
        Err(CallError::Rpc(e)) => e,
        other => panic!("expected an error reply, got {other:?}"),
    }
}

fn param(
    name: &str,
    ty: TypeRef,
    default: Option<Value>,
    optional: bool,
    description: &str,
) -> ParamDef {
    ParamDef {
        name: name.into(),
        ty,
        default,
        optional,
        description: description.into(),
    }
}

#[test]
fn methods_are_declared_from_the_impl_block() {
    let service = demo();
    assert_eq!(service.name(), "demo");
    assert_eq!(service.version().to_string(), "1.0.0");
    assert_eq!(service.description(), "The demo service.");
    let names: Vec<&str> = service.methods().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sum",
            "math.pow",
            "fail",
            "echo",
            "types.point",
            "ask",
            "transport",
            "bump",
            "count"
        ]
    );

    let int = TypeRef::builtin(Builtin::Int);
    let number = TypeRef::builtin(Builtin::Number);
    assert_eq!(
        service.method("sum"),
        Some(&MethodDef {
            name: "sum".into(),
            description: "Adds two integers.".into(),
            params: vec![
                param("a", int.clone(), None, false, ""),
                param("b", int.clone(), None, false, "")
            ],
            returns: Some(int.clone()),
            errors: vec![],
        })
    );
    assert_eq!(
        service.method("math.pow"),
        Some(&MethodDef {
            name: "math.pow".into(),
            description: "Raises `base` to the power `exp`.".into(),
            params: vec![
                param("base", number.clone(), None, false, ""),
                param("exp", int.clone(), Some(json!(2)), false, "The power."),
            ],
            returns: Some(number),
            errors: vec![],
        })
    );
    let fail = service.method("fail").unwrap();
    assert_eq!((fail.params.len(), &fail.returns), (0, &None));
    let point = TypeRef {
        name: TypeName::Named("Point".into()),
        is_array: false,
    };
    let types_point = service.method("types.point").unwrap();
    assert_eq!(
        types_point.params,
        [
            param("p", point.clone(), None, false, ""),
            param("by", int.clone().array(), Some(json!([1, 1])), false, "")
        ]
    );
    assert_eq!(types_point.returns, Some(point));
    assert!(service.types().contains("Point"));
    // Context params are not RPC params.
    let ask = service.method("ask").unwrap();
    assert_eq!(
        ask.params,
        [param(
            "question",
            TypeRef::builtin(Builtin::String),
            None,
            false,
            ""
        )]
    );
    assert!(service.method("transport").unwrap().params.is_empty());
    assert_eq!(
        service.method("bump").unwrap().params,
        [param("by", int.clone(), None, true, "")]
    );
    assert_eq!(service.method("bump").unwrap().returns, None);
    assert_eq!(service.method("count").unwrap().returns, Some(int));
    // Skipped methods and associated functions are not exposed, and still callable from Rust.
    assert!(service.method("helper").is_none() && service.method("new").is_none());
    assert_eq!(Demo::new().helper(), 1);

    let counter = service
        .groups()
        .iter()
        .find(|g| g.name == "Counter")
        .unwrap();
    assert_eq!(counter.items, ["method:bump", "method:count"]);
}

#[test]
fn define_only_declares_the_methods_named() {
    let service = Service::builder("tools", "1.0.0")
        .define_only(Tools, &["tools.one", "tools.deep.two", "missing"])
        .build()
        .unwrap();
    let names: Vec<&str> = service.methods().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["tools.one", "tools.deep.two"]);
    assert!(
        service.handlers().contains("tools.deep.two")
            && !service.handlers().contains("tools.three")
    );

    // Inside a builder namespace, the names nest.
    let service = Service::builder("tools", "1.0.0")
        .namespace("outer", |b| b.define_all(Tools))
        .build()
        .unwrap();
    let names: Vec<&str> = service.methods().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "outer.tools.one",
            "outer.tools.deep.two",
            "outer.tools.three"
        ]
    );
}

#[tokio::test]
async fn http_calls_bind_params_by_position_and_name() {
    let running = Running::start(&demo()).await;
    let client = running.http();
    assert_eq!(client.call::<i64>("sum", (1, 2)).await.unwrap(), 3);
    assert_eq!(
        client
            .call::<i64>("sum", json!({ "b": 2.9, "a": 40 }))
            .await
            .unwrap(),
        42
    );
    assert_eq!(client.call::<f64>("math.pow", (3.0,)).await.unwrap(), 9.0);
    assert_eq!(
        client
            .call::<f64>("math.pow", json!({ "base": 2, "exp": 10 }))
            .await
            .unwrap(),
        1024.0
    );
    assert_eq!(
        client
            .call::<Value>("echo", (json!({ "k": [1, null] }),))
            .await
            .unwrap(),
        json!({ "k": [1, null] })
    );
    assert_eq!(
        client
            .call::<Value>("types.point", (json!({ "x": 1, "y": 2, "extra": 0 }),))
            .await
            .unwrap(),
        json!({ "x": 2, "y": 3, "label": "pt" })
    );
    assert_eq!(
        client
            .call::<Value>(
                "types.point",
                json!({ "p": { "x": 1, "y": 2 }, "by": [10, 20] })
            )
            .await
            .unwrap(),
        json!({ "x": 11, "y": 22, "label": "pt" })
    );
    assert_eq!(
        client.call::<Value>("bump", json!([])).await.unwrap(),
        Value::Null
    );
    assert_eq!(
        client.call::<Value>("bump", (5,)).await.unwrap(),
        Value::Null
    );
    assert_eq!(client.call::<i64>("count", json!({})).await.unwrap(), 6);
    assert_eq!(
        client.call::<String>("transport", json!([])).await.unwrap(),
        "transport Http no peer"
    );

    let e = rpc_error(client.call("fail", json!([])).await);
    assert_eq!(
        (e.code, e.message.as_str(), e.data),
        (4000, "it failed", Some(json!({ "why": "on purpose" })))
    );
    running.server.shutdown().await;
}

#[tokio::test]
async fn bad_params_are_32602_naming_the_param() {
    let running = Running::start(&demo()).await;
    let client = running.http();

    let e = rpc_error(client.call("sum", ("x", 2)).await);
    assert_eq!(e.code, -32602);
    assert_eq!(
        e.data,
        Some(json!({ "param": "a", "expected": "int", "got": "string \"x\"" }))
    );

    let e = rpc_error(client.call("sum", json!({ "a": 1, "b": 2, "c": 3 })).await);
    assert_eq!(e.code, -32602);
    assert_eq!(
        e.data,
        Some(json!({ "param": "c", "expected": "one of a, b", "got": "an unknown param" }))
    );

    let e = rpc_error(client.call("sum", (1, 2, 3)).await);
    assert_eq!(e.code, -32602);
    assert_eq!(
        e.data,
        Some(json!({ "param": null, "expected": "at most 2 params (a, b)", "got": "3 params" }))
    );

    let e = rpc_error(client.call("sum", (1,)).await);
    assert_eq!(
        e.data,
        Some(json!({ "param": "b", "expected": "int", "got": "nothing (the param is required)" }))
    );

    let e = rpc_error(client.call("fail", (1,)).await);
    assert_eq!(
        e.data,
        Some(json!({ "param": null, "expected": "no params", "got": "1 params" }))
    );

    let e = rpc_error(
        client
            .call("types.point", (json!({ "x": 1, "y": "two" }),))
            .await,
    );
    assert_eq!(
        e.data,
        Some(json!({ "param": "p", "expected": "int", "got": "string \"two\"", "path": "y" }))
    );

    let e = rpc_error(client.call("math.pow", (2, 1e30)).await);
    assert_eq!(e.data.as_ref().unwrap()["param"], "exp");
    running.server.shutdown().await;
}

#[tokio::test]
async fn a_peer_param_calls_the_client_back_over_websocket() {
    let running = Running::start(&demo()).await;
    let methods = Methods::new().method("confirm", |call: Call| async move {
        let (question,): (String,) = call.params()?;
        Ok::<_, ErrorObject>(format!("yes to {question}"))
    });
    let ws = running.ws(methods).await;
    assert_eq!(
        ws.call::<String>("ask", ("tea?",)).await.unwrap(),
        "client said: yes to tea?"
    );
    assert_eq!(
        ws.call::<String>("transport", json!([])).await.unwrap(),
        "transport WebSocket peer"
    );
    assert_eq!(
        ws.call::<i64>("sum", json!({ "a": 1, "b": 1 }))
            .await
            .unwrap(),
        2
    );

    // Over HTTP there is no one to call back.
    let e = rpc_error(running.http().call("ask", ("tea?",)).await);
    assert_eq!(e.code, jsonws::protocol::code::UNSUPPORTED);
    assert_eq!(
        e.message,
        "ask needs a WebSocket connection: it calls the client back"
    );
    running.server.shutdown().await;
}
