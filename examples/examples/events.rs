//! Events: the server emits typed notifications, and a client subscribes and gets them decoded.
//!
//! The service declares event `price` carrying a `Price` (`#[derive(jsonws::Type)]`, declared
//! with `register::<Price>()` and `event("price", Some("Price"), …)`). A [`WsClient`] connects
//! with `?desk=oslo` in its URL and subscribes with `subscribe::<Price>("price")`, which sends
//! `rpc.on` and decodes each notification into the client's own `serde::Deserialize` struct;
//! with [`Reconnect`] it would renew the subscription by itself after a dropped connection. The
//! server sends with [`Service::emit`] to every subscriber, and with [`Service::emit_to`] only to
//! the connections whose query string passes a filter. Each emit says how many subscribers it
//! reached.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example events
//! ```

use std::time::Duration;

use jsonws::client::{Reconnect, WsClient};
use jsonws::server::Registry;
use jsonws::{Context, Service};

/// A new price for a stock. The server needs `jsonws::Type` to send it, the client only
/// `serde::Deserialize` to read it (a client in another program would declare its own).
#[derive(Debug, Clone, PartialEq, jsonws::Type, serde::Deserialize)]
struct Price {
    /// The stock's symbol.
    symbol: String,
    /// Its new price, in cents.
    cents: i64,
}

/// Whether the connection was opened with `desk=NAME` in its query string.
fn on_desk(ctx: &Context, name: &str) -> bool {
    ctx.uri().query().is_some_and(|query| {
        query
            .split('&')
            .any(|pair| pair.strip_prefix("desk=") == Some(name))
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let service = Service::builder("market", "1.0.0")
        .description("Stock prices, as events.")
        .register::<Price>()
        .event("price", Some("Price"), "Sent when a price changes.")
        .build()?;

    let registry = Registry::new().service(service.clone());
    let app = axum::Router::new().nest("/api", registry.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));

    // The client: the query string travels with the upgrade request, for filters to read.
    let client = WsClient::builder()
        .reconnect(Reconnect::default())
        .connect(&format!("ws://{addr}/api/market/1.0.0?desk=oslo"))
        .await?;
    // `subscribe` returns once the server has acknowledged `rpc.on`: from now on it delivers.
    let mut prices = client.subscribe::<Price>("price").await?;
    assert_eq!(service.subscriber_count("price"), 1);

    // The server: `emit` goes to every subscriber, `emit_to` to those its filter lets through.
    let price = |symbol: &str, cents| Price {
        symbol: symbol.to_owned(),
        cents,
    };
    let to_all = service.emit("price", &price("ACME", 1010))?;
    service.emit("price", &price("ACME", 1020))?;
    let to_oslo = service.emit_to("price", &price("NORSK", 5150), |ctx| on_desk(ctx, "oslo"))?;
    let to_tokyo = service.emit_to("price", &price("NIKKO", 880), |ctx| on_desk(ctx, "tokyo"))?;
    service.emit("price", &price("ACME", 990))?;
    println!(
        "emit reached {}, emit_to oslo {}, emit_to tokyo {}",
        to_all.delivered, to_oslo.delivered, to_tokyo.delivered
    );
    assert_eq!(
        (to_all.delivered, to_oslo.delivered, to_tokyo.delivered),
        (1, 1, 0)
    );

    // The client gets them in the order they were emitted, without the Tokyo desk's.
    let mut received = Vec::new();
    for _ in 0..4 {
        let next = tokio::time::timeout(Duration::from_secs(2), prices.recv()).await?;
        let price = next.ok_or("the subscription ended early")??;
        println!("client: {} is now {} cents", price.symbol, price.cents);
        received.push(price);
    }
    assert_eq!(
        received,
        [
            price("ACME", 1010),
            price("ACME", 1020),
            price("NORSK", 5150),
            price("ACME", 990)
        ]
    );

    // `unsubscribe` sends `rpc.off`; the server stops delivering to this connection.
    client.unsubscribe("price").await?;
    assert_eq!(service.subscriber_count("price"), 0);
    assert_eq!(service.emit("price", &price("ACME", 1000))?.delivered, 0);

    client.close();
    registry.shutdown().await;
    serving.await??;
    Ok(())
}
