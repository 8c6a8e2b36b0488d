//! HTTP: status codes, content types, and what plain HTTP cannot do.

use jsonws::{Call, ErrorObject, Methods};
use serde_json::Value;

use crate::util::{TestServer, error_code};

fn methods() -> Methods {
    Methods::new()
        .method("sum", |call: Call| async move {
            let (a, b): (i64, i64) = call.params()?;
            Ok::<_, ErrorObject>(a + b)
        })
        .method("whoami", |call: Call| async move {
            let cx = call.context();
            Ok::<_, ErrorObject>(serde_json::json!({
                "remote": cx.remote_addr().map(|a| a.ip().to_string()),
                "peer": cx.peer().is_some(),
            }))
        })
}

const SUM: &str = r#"{"jsonrpc":"2.0","method":"sum","params":[2,3],"id":1}"#;

#[tokio::test]
async fn content_types() {
    let server = TestServer::start(methods()).await;
    assert_eq!(
        server
            .post_with(SUM, "application/json; charset=utf-8")
            .await
            .0,
        200
    );
    assert_eq!(server.post_with(SUM, "Application/JSON").await.0, 200);
    let (status, body) = server.post_with(SUM, "text/plain").await;
    assert_eq!(status, 415);
    assert!(
        body.contains("application/json"),
        "the answer says what to send: {body}"
    );
}

#[tokio::test]
async fn replies_are_200_notifications_204() {
    let server = TestServer::start(methods()).await;
    let (status, body) = server.post(SUM).await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"jsonrpc":"2.0","result":5,"id":1}"#)
    );
    let (status, body) = server
        .post(r#"{"jsonrpc":"2.0","method":"sum","params":[2,3]}"#)
        .await;
    assert_eq!((status, body.as_str()), (204, ""));
    // A JSON-RPC error is still a reply: 200.
    let (status, body) = server.post("{").await;
    assert_eq!(status, 200);
    assert_eq!(
        error_code(&serde_json::from_str::<Value>(&body).unwrap()),
        -32700
    );
}

#[tokio::test]
async fn events_need_a_websocket() {
    let server = TestServer::start(methods()).await;
    let (_, body) = server
        .post(r#"{"jsonrpc":"2.0","method":"rpc.on","params":["tick"],"id":1}"#)
        .await;
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error_code(&reply), -32004, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("WebSocket"),
        "{reply}"
    );
}

#[tokio::test]
async fn http_handlers_see_the_remote_address_and_no_peer() {
    let server = TestServer::start(methods()).await;
    let (_, body) = server
        .post(r#"{"jsonrpc":"2.0","method":"whoami","id":1}"#)
        .await;
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        reply["result"],
        serde_json::json!({"remote": "127.0.0.1", "peer": false})
    );
}

#[tokio::test]
async fn a_plain_get_says_what_the_endpoint_is() {
    let server = TestServer::start(methods()).await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let response = client
        .get(server.http_url().parse().unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
