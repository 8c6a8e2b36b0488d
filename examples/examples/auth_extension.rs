//! An auth layer in front of the router, and a method that reads what it found.
//!
//! The layer is ordinary axum middleware: it reads the `Authorization` header and puts the
//! `User` it names into the request's extensions. A `#[jsonws::service]` method takes it as a
//! param, `user: Extension<User>` (or `Option<Extension<User>>` where signing in is optional).
//! Over HTTP the extensions are those of each request; over WebSocket, those of the upgrade
//! request that opened the connection.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example auth_extension
//! ```

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonws::client::{HttpClient, WsClient};
use jsonws::server::Registry;
use jsonws::{Extension, Service};

/// Who is calling.
#[derive(Clone)]
struct User {
    name: String,
}

/// Signs in the bearer of a token; without one, the request goes on anonymous; with a bad one,
/// it stops here.
async fn auth(mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).to_owned());
    match token.as_deref() {
        None => {}
        Some("token-ada") => {
            request.extensions_mut().insert(User { name: "ada".into() });
        }
        Some(_) => return (StatusCode::UNAUTHORIZED, "unknown token\n").into_response(),
    }
    next.run(request).await
}

struct Greeter;

#[jsonws::service]
impl Greeter {
    /// Greets the signed-in user.
    fn hello(&self, user: Option<Extension<User>>) -> String {
        match user {
            Some(Extension(user)) => format!("hello, {}", user.name),
            None => "hello, stranger".into(),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let service = Service::builder("greeter", "1.0.0")
        .define_all(Greeter)
        .build()?;
    let registry = Registry::new().service(service);
    let app = axum::Router::new()
        .nest("/api", registry.router())
        .layer(axum::middleware::from_fn(auth));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));

    let anonymous = HttpClient::new(&format!("http://{addr}/api/greeter/1"))?;
    let text: String = anonymous.call("hello", ()).await?;
    println!("over HTTP, no token: {text}");
    assert_eq!(text, "hello, stranger");

    let ada = WsClient::builder()
        .header(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer token-ada"),
        )
        .connect(&format!("ws://{addr}/api/greeter/1"))
        .await?;
    let text: String = ada.call("hello", ()).await?;
    println!("over WebSocket, signed in at the upgrade: {text}");
    assert_eq!(text, "hello, ada");

    let refused = WsClient::builder()
        .header(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer nope"),
        )
        .connect(&format!("ws://{addr}/api/greeter/1"))
        .await;
    println!(
        "a bad token: {}",
        refused
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default()
    );
    assert!(refused.is_err(), "the layer refused the upgrade");

    ada.close();
    registry.shutdown().await;
    serving.await??;
    Ok(())
}
