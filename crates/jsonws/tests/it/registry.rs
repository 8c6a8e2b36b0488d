//! Many services and versions on one router; version prefixes; the service list.

use jsonws::ErrorObject;
use jsonws::server::Registry;
use jsonws::service::{Args, Method, Service};
use serde_json::Value;

use crate::util::{RawWs, WAIT, post};

fn version(name: &str, version: &str) -> Service {
    let label = format!("{name} {version}");
    Service::builder(name, version)
        .description(format!("The {name} service."))
        .method(
            Method::new("which")
                .returns("string")
                .handler(move |_: Args| {
                    let label = label.clone();
                    async move { Ok::<_, ErrorObject>(label) }
                }),
        )
        .build()
        .unwrap()
}

pub(crate) struct Served {
    pub(crate) base: String,
}

pub(crate) async fn serve(registry: Registry) -> Served {
    // Merged at its root rather than nested: the events tests nest, so both are exercised.
    let app = axum::Router::new().merge(registry.router_at("/api"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    Served {
        base: format!("http://{addr}/api"),
    }
}

pub(crate) async fn get(url: &str) -> (u16, String, String) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let response = tokio::time::timeout(WAIT, client.get(url.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

async fn which(base: &str, path: &str) -> String {
    let (status, body) = post(
        &format!("{base}/{path}"),
        br#"{"jsonrpc":"2.0","method":"which","id":1}"#.to_vec(),
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{path}: {body}");
    let reply: Value = serde_json::from_str(&body).unwrap();
    reply["result"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: {reply}"))
        .to_owned()
}

fn registry() -> Registry {
    Registry::new()
        .service(version("calc", "1.0.0"))
        .service(version("calc", "1.2.0"))
        .service(version("calc", "1.10.1"))
        .service(version("calc", "2.0.0"))
        .service(version("calc", "3.0.0-beta.1"))
        .service(version("echo", "0.1.0"))
}

#[tokio::test]
async fn versions_resolve_to_the_highest_match() {
    let served = serve(registry()).await;
    let base = &served.base;
    assert_eq!(which(base, "calc/1.0.0").await, "calc 1.0.0");
    assert_eq!(
        which(base, "calc/1").await,
        "calc 1.10.1",
        "1.10 is higher than 1.2"
    );
    assert_eq!(which(base, "calc/v1").await, "calc 1.10.1");
    assert_eq!(
        which(base, "calc/V1").await,
        "calc 1.10.1",
        "resolved per request"
    );
    assert_eq!(which(base, "calc/1.2").await, "calc 1.2.0");
    assert_eq!(which(base, "calc/2").await, "calc 2.0.0");
    assert_eq!(which(base, "calc/3.0.0-beta.1").await, "calc 3.0.0-beta.1");
    assert_eq!(which(base, "echo/0").await, "echo 0.1.0");
}

#[tokio::test]
async fn unknown_services_and_versions_are_404_with_what_exists() {
    let served = serve(registry()).await;
    let (status, _, body) = get(&format!("{}/calc/4", served.base)).await;
    assert_eq!(status, 404);
    assert!(body.contains("1.0.0") && body.contains("2.0.0"), "{body}");
    let (status, _, body) = get(&format!("{}/nope/1", served.base)).await;
    assert_eq!(status, 404);
    assert!(body.contains("calc") && body.contains("echo"), "{body}");
    // A pre-release is only reached by its full version.
    let (status, _, _) = get(&format!("{}/calc/3", served.base)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_root_lists_services_in_html_and_json() {
    let served = serve(registry()).await;
    let (status, content_type, body) = get(&format!("{}?json", served.base)).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    let list: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(list.len(), 6);
    assert_eq!(list[0]["name"], "calc");
    assert_eq!(list[0]["version"], "3.0.0-beta.1");
    assert_eq!(list[0]["url"], "/api/calc/3.0.0-beta.1");
    assert_eq!(list[5]["description"], "The echo service.");
    let (status, content_type, body) = get(&served.base).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    assert!(body.contains("href=\"/api/echo/0.1.0\""), "{body}");
}

#[tokio::test]
async fn each_version_serves_websocket_and_describes_itself() {
    let served = serve(registry()).await;
    let ws_url = format!("{}/calc/1.2", served.base.replacen("http", "ws", 1));
    let mut ws = RawWs::connect(&ws_url).await;
    let reply = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"which","id":1}"#)
        .await;
    assert_eq!(reply["result"], "calc 1.2.0");
    let discover = ws
        .roundtrip(r#"{"jsonrpc":"2.0","method":"rpc.discover","id":2}"#)
        .await;
    assert_eq!(discover["result"]["info"]["version"], "1.2.0", "{discover}");
    let (status, content_type, body) = get(&format!("{}/calc/1.2.0", served.base)).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    assert!(body.contains("which"), "{body}");
    let (_, content_type, body) = get(&format!("{}/calc/1.2.0?json", served.base)).await;
    assert!(content_type.starts_with("application/json"));
    let metadata: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(metadata["version"], "1.2.0");
    let (_, _, body) = get(&format!("{}/calc/1?openrpc", served.base)).await;
    let openrpc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(openrpc["info"]["version"], "1.10.1");
}

#[test]
#[should_panic(expected = "registered twice")]
fn the_same_version_twice_is_a_programming_error() {
    let _ = Registry::new()
        .service(version("calc", "1.0.0"))
        .service(version("calc", "1.0.0"));
}

// issue 8 §9: `GET /api/` answered under `router_at` but not under `nest`; now both answer
// `/api` with the list and `/api/` alike.
#[tokio::test]
async fn the_root_answers_alike_nested_and_merged() {
    let nested = {
        let registry = registry();
        let app = axum::Router::new().nest("/api", registry.router());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(jsonws::server::serve(
            listener,
            app,
            registry.shutdown_signal(),
        ));
        format!("http://{addr}/api")
    };
    let merged = serve(registry()).await.base;
    let mut answers = Vec::new();
    for base in [&nested, &merged] {
        let (status, _, body) = get(&format!("{base}?json")).await;
        assert_eq!(status, 200, "{base}: {body}");
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list[0]["url"], "/api/calc/3.0.0-beta.1", "{base}");
        let (status, _, body) = get(&format!("{base}/?json")).await;
        answers.push((status, body));
    }
    assert_eq!(answers[0], answers[1], "`/api/` nested and merged");
}
