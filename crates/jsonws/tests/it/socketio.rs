//! Socket.IO as a raw engine.io client sees it (v4 over a WebSocket, Socket.IO v5 packets
//! written by hand): the connection is the same peer as a WebSocket, with the same context and
//! the same limits. `tests/interop/node/socketio.mjs` drives the stock client on every transport.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use jsonws::server::Registry;
use jsonws::service::{Args, Method, Service};
use jsonws::{Config, ErrorObject};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::registry::serve;
use crate::util::WAIT;

fn service() -> Service {
    Service::builder("sio", "1.2.0")
        .method(
            Method::new("whoami")
                .returns("object")
                .handler(|args: Args| async move {
                    let cx = args.call().context();
                    Ok::<_, ErrorObject>(json!({
                        "transport": format!("{:?}", cx.transport()),
                        "remote": cx.remote_addr().map(|a| a.ip().to_string()),
                        "token": cx.headers().get("x-token").and_then(|v| v.to_str().ok()),
                        "query": cx.uri().query(),
                        "peer": args.call().peer().is_some(),
                    }))
                }),
        )
        .method(
            Method::new("sleep")
                .param("ms", "int")
                .returns("int")
                .handler(|args: Args| async move {
                    let ms: i64 = args.get("ms")?;
                    tokio::time::sleep(Duration::from_millis(ms as u64)).await;
                    Ok::<_, ErrorObject>(ms)
                }),
        )
        .build()
        .unwrap()
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An engine.io connection that joined namespace `ns`.
struct Sio {
    ws: Ws,
    ns: String,
}

impl Sio {
    async fn open(base: &str, ns: &str, query: &str) -> Sio {
        let url = format!(
            "{}/socket.io/?EIO=4&transport=websocket&{query}",
            base.replacen("http://", "ws://", 1)
                .trim_end_matches("/api")
        );
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("x-token", "secret".parse().unwrap());
        let (ws, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(request))
            .await
            .unwrap()
            .unwrap();
        let mut sio = Sio { ws, ns: ns.into() };
        let open = sio.next_raw().await;
        assert!(open.starts_with('0'), "{open}");
        sio.ws
            .send(Message::text(format!("40{ns},")))
            .await
            .unwrap();
        let joined = sio.next_raw().await;
        assert!(joined.starts_with(&format!("40{ns},")), "{joined}");
        sio
    }

    async fn next_raw(&mut self) -> String {
        loop {
            match tokio::time::timeout(WAIT, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(text)))) if text.as_str() == "2" => {
                    self.ws.send(Message::text("3")).await.unwrap();
                }
                Ok(Some(Ok(Message::Text(text)))) => return text.to_string(),
                Ok(Some(Ok(_))) => continue,
                other => panic!("expected a packet, got {other:?}"),
            }
        }
    }

    async fn send(&mut self, rpc: &str) {
        let packet = format!(
            r#"42{},["message",{}]"#,
            self.ns,
            serde_json::to_string(rpc).unwrap()
        );
        self.ws.send(Message::text(packet)).await.unwrap();
    }

    /// The next JSON-RPC message in a `message` event.
    async fn next(&mut self) -> Value {
        let packet = self.next_raw().await;
        let prefix = format!("42{},", self.ns);
        let body = packet
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("not an event of {}: {packet}", self.ns));
        let (event, text): (String, String) = serde_json::from_str(body).unwrap();
        assert_eq!(event, "message");
        serde_json::from_str(&text).unwrap()
    }
}

#[tokio::test]
async fn handlers_see_the_socketio_connection_as_a_peer_with_its_request() {
    let served = serve(Registry::new().service(service())).await;
    // A version prefix names the namespace, as it names the path elsewhere.
    let mut sio = Sio::open(&served.base, "/sio/1", "token=abc").await;
    sio.send(r#"{"jsonrpc":"2.0","method":"whoami","id":1}"#)
        .await;
    let reply = sio.next().await;
    let me = &reply["result"];
    assert_eq!(me["transport"], "SocketIo", "{reply}");
    assert_eq!(me["remote"], "127.0.0.1", "{reply}");
    assert_eq!(me["token"], "secret", "{reply}");
    assert!(
        me["query"].as_str().unwrap().contains("token=abc"),
        "{reply}"
    );
    assert_eq!(me["peer"], true, "{reply}");
}

#[tokio::test]
async fn the_limits_of_a_websocket_hold_over_socketio() {
    let mut config = Config::default();
    config.max_batch = 3;
    config.max_in_flight = 2;
    let served = serve(Registry::new().config(config).service(service())).await;
    let mut sio = Sio::open(&served.base, "/sio/1.2.0", "").await;
    let call = r#"{"jsonrpc":"2.0","method":"sleep","params":[0],"id":0}"#;
    sio.send(&format!("[{call},{call},{call},{call}]")).await;
    assert_eq!(sio.next().await["error"]["code"], -32003);
    for id in 1..=2 {
        sio.send(&format!(
            r#"{{"jsonrpc":"2.0","method":"sleep","params":[300],"id":{id}}}"#
        ))
        .await;
    }
    sio.send(r#"{"jsonrpc":"2.0","method":"sleep","params":[1],"id":3}"#)
        .await;
    let reply = sio.next().await;
    assert_eq!(
        (reply["id"].clone(), reply["error"]["code"].clone()),
        (json!(3), json!(-32002))
    );
    let mut done = vec![
        sio.next().await["id"].as_i64(),
        sio.next().await["id"].as_i64(),
    ];
    done.sort();
    assert_eq!(done, [Some(1), Some(2)]);
    sio.send(r#"{"jsonrpc":"2.0","method":"nope","id":4}"#)
        .await;
    assert_eq!(sio.next().await["error"]["code"], -32601);
}

// issue 8 §3, §4: Socket.IO calls carry the extensions of the request that opened the
// connection, and go through the registry's layers like every other transport.
#[tokio::test]
async fn socketio_calls_see_request_extensions_and_run_through_layers() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct Tenant(&'static str);

    let service = Service::builder("sio", "1.2.0")
        .method(
            Method::new("tenant")
                .returns("string")
                .handler(|args: Args| async move {
                    let tenant = args.call().context().extensions().get::<Tenant>().cloned();
                    Ok::<_, ErrorObject>(tenant.map_or("none", |t| t.0))
                }),
        )
        .build()
        .unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let registry = Registry::new().service(service).layer(
        move |call: jsonws::Call, next: jsonws::handler::Next| {
            log.lock().unwrap().push(format!(
                "{:?} {}",
                call.context().transport(),
                call.method()
            ));
            next.run(call)
        },
    );
    let app =
        axum::Router::new()
            .merge(registry.router_at("/api"))
            .layer(axum::middleware::from_fn(
                |mut request: axum::extract::Request, next: axum::middleware::Next| async move {
                    request.extensions_mut().insert(Tenant("acme"));
                    next.run(request).await
                },
            ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    let mut sio = Sio::open(&base, "/sio/1.2.0", "").await;
    sio.send(r#"{"jsonrpc":"2.0","method":"tenant","id":1}"#)
        .await;
    let reply = sio.next().await;
    assert_eq!(reply["result"], "acme", "{reply}");
    assert_eq!(*seen.lock().unwrap(), ["SocketIo tenant"]);
}
