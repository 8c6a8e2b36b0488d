//! Typed params: write a service as a plain Rust `impl` block, and jsonws binds and converts
//! its params by their declared types before the method runs.
//!
//! `#[derive(jsonws::Type)]` describes `Parcel`, a struct whose `fragile` field defaults to
//! `false`, and `Speed`, an enum whose members go in by name or by value and come out by name.
//! `#[jsonws::service(name = "shipping", version = "1.0.0")]` turns `quote` into an RPC method
//! whose `speed` param defaults to `"Standard"` and whose `coupon: Option<String>` may be left
//! out. It is called with positional and with named params over HTTP; a param of the wrong
//! type is answered with -32602, whose `data` names the param, what was expected and what came.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example typed_params
//! ```

use jsonws::client::HttpClient;
use jsonws::protocol::code;
use jsonws::server::Registry;
use jsonws::{CallError, ErrorObject};
use serde_json::{Value, json};

/// A parcel to ship.
#[derive(Debug, jsonws::Type)]
struct Parcel {
    /// Its weight in grams.
    grams: i64,
    /// Where it goes.
    to: String,
    /// Whether it needs careful handling, which costs extra.
    #[jsonws(default = false)]
    fragile: bool,
}

/// How fast a parcel travels. Values: Economy 0, Standard 1, Express 5.
#[derive(Debug, Clone, Copy, jsonws::Type)]
enum Speed {
    /// Slow and cheap.
    Economy,
    /// The usual.
    Standard,
    /// Next day.
    Express = 5,
}

/// What shipping a parcel costs.
#[derive(Debug, jsonws::Type)]
struct Quote {
    /// Where it goes.
    to: String,
    /// How fast it goes.
    speed: Speed,
    /// The price in cents.
    cents: i64,
    /// The coupon taken off the price, if any (left out of the output when there is none).
    coupon: Option<String>,
}

/// Prices parcels.
struct Shipping;

#[jsonws::service(name = "shipping", version = "1.0.0")]
impl Shipping {
    /// Prices shipping `parcel` at `speed`; coupon `HALF` halves the price.
    fn quote(
        &self,
        parcel: Parcel,
        #[jsonws(default = "Standard", description = "How fast.")] speed: Speed,
        coupon: Option<String>,
    ) -> Result<Quote, ErrorObject> {
        let per_100g = match speed {
            Speed::Economy => 10,
            Speed::Standard => 20,
            Speed::Express => 50,
        };
        let mut cents = (parcel.grams + 99) / 100 * per_100g;
        if parcel.fragile {
            cents += 250;
        }
        match coupon.as_deref() {
            None => {}
            Some("HALF") => cents /= 2,
            Some(other) => {
                return Err(ErrorObject::new(4001, format!("unknown coupon {other:?}")));
            }
        }
        Ok(Quote {
            to: parcel.to,
            speed,
            cents,
            coupon,
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The signature jsonws read from the Rust one: types, defaults and optional params.
    let service = Shipping.into_service()?;
    for param in &service
        .method("quote")
        .ok_or("quote is not declared")?
        .params
    {
        let default = param.default.as_ref().map(|d| format!(" = {d}"));
        let optional = if param.optional { " (optional)" } else { "" };
        println!(
            "quote param {}: {}{}{optional}",
            param.name,
            param.ty,
            default.unwrap_or_default()
        );
    }

    let registry = Registry::new().service(service);
    let app = axum::Router::new().nest("/api", registry.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    let client = HttpClient::new(&format!("http://{addr}/api/shipping/1.0.0"))?;

    // Positional: `fragile` takes its default (false), `speed` its default (Standard), and
    // `coupon` is None. The enum comes back by name; a None field is left out.
    let quote: Value = client
        .call("quote", [json!({ "grams": 1250, "to": "Oslo" })])
        .await?;
    println!("quote(positional) = {quote}");
    assert_eq!(
        quote,
        json!({ "to": "Oslo", "speed": "Standard", "cents": 260 })
    );

    // Named, in any order: the enum sent by value (5 is Express), the optional param given.
    let quote: Value = client
        .call(
            "quote",
            json!({
                "coupon": "HALF",
                "speed": 5,
                "parcel": { "grams": 300, "to": "Lima", "fragile": true },
            }),
        )
        .await?;
    println!("quote(named) = {quote}");
    assert_eq!(
        quote,
        json!({ "to": "Lima", "speed": "Express", "cents": 200, "coupon": "HALF" })
    );

    // A param of the wrong type never reaches `quote`: -32602, with data saying which param,
    // what was expected and what came.
    match client
        .call::<Value>(
            "quote",
            json!({ "parcel": { "grams": "heavy", "to": "Oslo" } }),
        )
        .await
    {
        Err(CallError::Rpc(error)) => {
            println!("quote with grams \"heavy\" failed: {error}");
            assert_eq!(error.code, code::INVALID_PARAMS);
            let data = error.data.ok_or("-32602 without data")?;
            // `path` says where inside the param the mismatch is.
            assert_eq!(
                data,
                json!({ "param": "parcel", "path": "grams", "expected": "int", "got": "string \"heavy\"" })
            );
        }
        other => panic!("expected -32602 invalid params, got {other:?}"),
    }

    // An enum name that is not a member is refused the same way.
    match client
        .call::<Value>("quote", json!([{ "grams": 100, "to": "Oslo" }, "Teleport"]))
        .await
    {
        Err(CallError::Rpc(error)) => {
            println!("quote with speed \"Teleport\" failed: {error}");
            assert_eq!(error.code, code::INVALID_PARAMS);
            let data = error.data.ok_or("-32602 without data")?;
            assert_eq!(data["param"], "speed");
            assert_eq!(
                data["expected"],
                "Speed (one of Economy, Standard, Express)"
            );
        }
        other => panic!("expected -32602 invalid params, got {other:?}"),
    }

    registry.shutdown().await;
    serving.await??;
    Ok(())
}
