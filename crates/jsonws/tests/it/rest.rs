//! REST-style calls: params by name from the query string, converted by their declared types.

use jsonws::ErrorObject;
use jsonws::server::Registry;
use jsonws::service::{Args, Method, Service};
use serde_json::{Value, json};

use crate::registry::{get, serve};
use crate::util::post;

fn service() -> Service {
    Service::builder("rest", "1.0.0")
        .method(
            Method::new("sum")
                .param("a", "int")
                .param_default("b", "int", 10)
                .returns("int")
                .handler(|args: Args| async move { Ok::<_, ErrorObject>(args.get::<i64>("a")? + args.get::<i64>("b")?) }),
        )
        .method(
            Method::new("echo")
                .param("s", "string")
                .param_optional("flag", "bool")
                .param_optional("when", "date")
                .param_optional("values", "[number]")
                .param_optional("any", "any")
                .returns("any")
                .handler(|args: Args| async move {
                    Ok::<_, ErrorObject>(json!({
                        "s": args.value("s"), "flag": args.value("flag"), "when": args.value("when"),
                        "values": args.value("values"), "any": args.value("any"),
                    }))
                }),
        )
        .method(Method::new("fail").handler(|_: Args| async move { Err::<(), _>(ErrorObject::new(4000, "no")) }))
        .build()
        .unwrap()
}

async fn rest(base: &str, path_and_query: &str) -> (u16, Value) {
    let (status, _, body) = get(&format!("{base}/rest/1/{path_and_query}")).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path_and_query}: {body}")),
    )
}

#[tokio::test]
async fn query_strings_convert_by_declared_type() {
    let served = serve(Registry::new().service(service())).await;
    let base = &served.base;
    assert_eq!(
        rest(base, "sum?a=1&b=2").await,
        (200, json!({"jsonrpc": "2.0", "result": 3, "id": null}))
    );
    assert_eq!(
        rest(base, "sum?a=1.9").await.1["result"],
        11,
        "truncated, and b defaults to 10"
    );
    let (_, reply) = rest(
        base,
        "echo?s=123&flag=true&when=0&values=1&values=2.5&any=%7B%22k%22%3A%5B1%5D%7D",
    )
    .await;
    assert_eq!(
        reply["result"],
        json!({"s": "123", "flag": true, "when": "1970-01-01T00:00:00.000Z", "values": [1.0, 2.5], "any": {"k": [1]}})
    );
    let (_, reply) = rest(
        base,
        "echo?s=x&values=%5B3%2C4%5D&when=2013-12-14T11:00:53.379Z",
    )
    .await;
    assert_eq!(reply["result"]["values"], json!([3.0, 4.0]));
    assert_eq!(reply["result"]["when"], "2013-12-14T11:00:53.379Z");
}

#[tokio::test]
async fn rest_errors_carry_a_status() {
    let served = serve(Registry::new().service(service())).await;
    let base = &served.base;
    let (status, reply) = rest(base, "sum?a=abc").await;
    assert_eq!(status, 400);
    assert_eq!(
        reply["error"]["data"],
        json!({"param": "a", "expected": "int", "got": "string \"abc\""})
    );
    let (status, reply) = rest(base, "sum?a=1&c=2").await;
    assert_eq!(
        (status, reply["error"]["data"]["param"].as_str()),
        (400, Some("c"))
    );
    let (status, reply) = rest(base, "sum").await;
    assert_eq!(
        (status, reply["error"]["code"].as_i64()),
        (400, Some(-32602))
    );
    let (status, _) = rest(base, "nope").await;
    assert_eq!(status, 404);
    let (status, reply) = rest(base, "fail").await;
    assert_eq!((status, reply["error"]["code"].as_i64()), (500, Some(4000)));
    let (status, _) = rest(base, "echo?flag=yes&s=x").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_rest_post_takes_a_json_body_too() {
    let served = serve(Registry::new().service(service())).await;
    let url = format!("{}/rest/1.0.0/sum?a=5", served.base);
    let (status, body) = post(&url, br#"{"b": 7}"#.to_vec(), "application/json").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["result"], 12);
    let (status, body) = post(&url, b"[1]".to_vec(), "application/json").await;
    assert_eq!(status, 400, "{body}");
}
