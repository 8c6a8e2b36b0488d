//! A per-call layer: code that runs around every call, on every transport.
//!
//! A tower layer sees HTTP requests; it cannot see the calls inside a batch or on a WebSocket.
//! A `CallLayer` sees each call with its context before the method runs, and its reply after:
//! here one counts calls and errors per method, and refuses `admin.*` methods to callers without
//! an `x-admin` header. `Registry::layer` puts it around every service; `ServiceBuilder::layer`
//! around one. jsonws's own per-call `tracing` span is a layer too.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example call_layer
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use jsonws::client::{HttpClient, WsClient};
use jsonws::handler::{Next, Reply};
use jsonws::server::Registry;
use jsonws::{Batch, Call, CallError, ErrorObject, Service};

struct Shop;

#[jsonws::service]
impl Shop {
    /// The price of a product, in cents.
    #[jsonws(errors(4004 = "No such product."))]
    fn price(&self, sku: String) -> Result<i64, ErrorObject> {
        match sku.as_str() {
            "apple" => Ok(30),
            _ => Err(ErrorObject::new(4004, "No such product.")),
        }
    }

    /// Empties the shop.
    #[jsonws(namespace = "admin")]
    fn reset(&self) {}
}

/// Calls and errors per method.
type Stats = Arc<Mutex<BTreeMap<String, (u32, u32)>>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stats = Stats::default();
    let counted = stats.clone();
    let service = Service::builder("shop", "1.0.0").define_all(Shop).build()?;
    let registry = Registry::new()
        .service(service)
        .layer(move |call: Call, next: Next| {
            let stats = counted.clone();
            async move {
                let method = call.method().to_owned();
                if method.starts_with("admin.") && call.context().headers().get("x-admin").is_none()
                {
                    let refused = ErrorObject::new(4003, "admin methods need the x-admin header");
                    return Reply::error(call.id(), &refused);
                }
                let reply = next.run(call).await;
                let mut stats = stats.lock().unwrap_or_else(|p| p.into_inner());
                let entry = stats.entry(method).or_default();
                entry.0 += 1;
                entry.1 += u32::from(reply.error_code().is_some());
                reply
            }
        });
    let app = axum::Router::new().nest("/api", registry.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));

    // One call over HTTP, two in a batch over WebSocket: the layer sees all three.
    let http = HttpClient::new(&format!("http://{addr}/api/shop/1"))?;
    let cents: i64 = http.call("price", ["apple"]).await?;
    assert_eq!(cents, 30);
    let ws = WsClient::connect(&format!("ws://{addr}/api/shop/1")).await?;
    let replies = ws
        .batch(
            Batch::new()
                .call("price", ["apple"])
                .call("price", ["pear"]),
        )
        .await?;
    assert!(replies[0].is_ok() && replies[1].is_err());
    let refused = ws.call::<()>("admin.reset", ()).await;
    println!("admin.reset without the header: {refused:?}");
    assert!(matches!(refused, Err(CallError::Rpc(e)) if e.code == 4003));

    let stats = stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
    println!("calls and errors per method: {stats:?}");
    assert_eq!(stats.get("price"), Some(&(3, 1)));
    assert_eq!(
        stats.get("admin.reset"),
        None,
        "refused before it was counted"
    );

    ws.close();
    registry.shutdown().await;
    serving.await??;
    Ok(())
}
