//! The symmetric peer: while a server method runs, it calls a method on the client that called it.
//!
//! Over WebSocket both ends are peers. The server's `ask` method gets the calling connection's
//! [`Peer`](jsonws::Peer) from `call.peer()` and calls `confirm` on it; the client registered
//! `confirm` in its own [`Methods`] table when it connected, and its answer becomes `ask`'s
//! result. Over plain HTTP there is no connection to call back on, so `call.peer()` is `None`
//! and `ask` says so with an error.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example server_calls_client
//! ```

use jsonws::client::{HttpClient, WsClient};
use jsonws::protocol::code;
use jsonws::{Call, CallError, ErrorObject, Methods, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The server's side: `ask` forwards the question to the client and returns its answer.
    let methods = Methods::new().method("ask", |call: Call| async move {
        let (question,): (String,) = call.params()?;
        let peer = call.peer().ok_or_else(|| {
            ErrorObject::server(
                code::UNSUPPORTED,
                "ask calls you back, which needs a WebSocket",
            )
        })?;
        // A failed call back (timeout, closed connection, an error from the client) converts
        // into an error object, so `?` answers the original caller with it.
        let answer: String = peer.call("confirm", (question,)).await?;
        Ok::<_, ErrorObject>(format!("the client said: {answer}"))
    });
    let server = Server::new(methods);
    let app = axum::Router::new().nest("/api/chat/1.0.0", server.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        server.shutdown_signal(),
    ));

    // The client's side: the methods the server may call on this connection.
    let answers = Methods::new().method("confirm", |call: Call| async move {
        let (question,): (String,) = call.params()?;
        println!("client: the server asks {question:?}");
        Ok::<_, ErrorObject>(if question.ends_with('?') {
            "yes"
        } else {
            "pardon?"
        })
    });
    let client = WsClient::builder()
        .methods(answers)
        .connect(&format!("ws://{addr}/api/chat/1.0.0"))
        .await?;

    let reply: String = client.call("ask", ("Shall we begin?",)).await?;
    println!("client: ask returned {reply:?}");
    assert_eq!(reply, "the client said: yes");

    // The same method over HTTP: one request, one response, nobody to call back.
    let http = HttpClient::new(&format!("http://{addr}/api/chat/1.0.0"))?;
    match http.call::<String>("ask", ("Shall we begin?",)).await {
        Err(CallError::Rpc(error)) => {
            println!("over HTTP, ask failed: {error}");
            assert_eq!(error.code, code::UNSUPPORTED);
        }
        other => panic!("expected -32004 over HTTP, got {other:?}"),
    }

    client.close();
    server.shutdown().await;
    serving.await??;
    Ok(())
}
