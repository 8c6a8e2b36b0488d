//! Describe a service in a json-ws description file, then implement it in Rust.
//!
//! `inventory.json` declares the types (`Item`, recursive, with defaults), an enum, events and
//! method signatures, and imports `Money` from `common.json`. [`ServiceBuilder::import_file`]
//! reads both; [`ServiceBuilder::implement`] attaches a handler to each imported method, whose
//! params arrive bound and converted by the declared types (`limit` takes its default of 20).
//! A method left unimplemented answers -32601 "Method not implemented", and a mistake in a file
//! fails `build()` with the file and the entry named.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example import_json_types
//! ```
//!
//! [`ServiceBuilder::import_file`]: jsonws::ServiceBuilder::import_file
//! [`ServiceBuilder::implement`]: jsonws::ServiceBuilder::implement

use std::sync::Arc;

use jsonws::client::HttpClient;
use jsonws::protocol::code;
use jsonws::server::Registry;
use jsonws::service::{Args, Service};
use jsonws::{CallError, ErrorObject};
use serde_json::{Value, json};

const INVENTORY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/jsonws/tests/fixtures/import/inventory.json"
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The data behind the handlers: a few items in memory.
    let items: Arc<Vec<Value>> = Arc::new(vec![
        json!({ "id": 1, "name": "Bolt M6", "tags": ["steel"], "price": { "amount": 12, "currency": "EUR" } }),
        json!({ "id": 2, "name": "Bolt M8", "tags": ["steel"], "price": { "amount": 19, "currency": "EUR" } }),
        json!({ "id": 3, "name": "Bracket", "tags": [], "price": { "amount": 240, "currency": "EUR" },
                "status": "Retired", "parts": [{ "id": 1, "name": "Bolt M6", "tags": [], "price": { "amount": 12, "currency": "EUR" } }] }),
    ]);

    let (get, find) = (items.clone(), items.clone());
    let service = Service::builder("inventory", "1.0.0")
        .import_file(INVENTORY)
        .implement("items.get", move |args: Args| {
            let items = get.clone();
            async move {
                let id: i64 = args.get("id")?;
                let item = items.iter().find(|item| item["id"] == id).cloned();
                item.ok_or_else(|| ErrorObject::new(4004, format!("no item with id {id}")))
            }
        })
        .implement("items.find", move |args: Args| {
            let items = find.clone();
            async move {
                let text: String = args.get("text")?;
                let limit = usize::try_from(args.get::<i64>("limit")?).unwrap_or(0);
                let found: Vec<Value> = items
                    .iter()
                    .filter(|item| {
                        item["name"]
                            .as_str()
                            .is_some_and(|name| name.contains(&text))
                    })
                    .take(limit)
                    .cloned()
                    .collect();
                Ok::<_, ErrorObject>(found)
            }
        })
        .implement("reports.value", move |args: Args| {
            let items = items.clone();
            async move {
                let currency: String = args.get("currency")?;
                let amount: i64 = items
                    .iter()
                    .filter_map(|item| item["price"]["amount"].as_i64())
                    .sum();
                Ok::<_, ErrorObject>(json!({ "amount": amount, "currency": currency }))
            }
        })
        .build()?;
    println!("imported {}: {}", service.name(), service.description());
    for method in service.methods() {
        println!("  {} — {}", method.name, method.description);
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
    let client = HttpClient::new(&format!("http://{addr}/api/inventory/1.0.0"))?;

    // The result goes out through the declared type `Item`: `status` gets its default.
    let item: Value = client.call("items.get", [2]).await?;
    println!("items.get(2) = {item}");
    assert_eq!(item["status"], "Active");

    // `limit` was left out and defaults to 20; both bolts match.
    let bolts: Vec<Value> = client.call("items.find", ["Bolt"]).await?;
    assert_eq!(bolts.len(), 2);
    let one: Vec<Value> = client
        .call("items.find", json!({ "text": "Bolt", "limit": 1 }))
        .await?;
    assert_eq!(one.len(), 1);

    // `at` is a date: RFC 3339 or epoch milliseconds; `currency` defaults to "EUR".
    let total: Value = client
        .call("reports.value", [1_700_000_000_000_i64])
        .await?;
    println!("reports.value = {total}");
    assert_eq!(total, json!({ "amount": 271, "currency": "EUR" }));

    // Params are checked against the file's declarations before any handler runs.
    match client.call::<Value>("items.get", ["two"]).await {
        Err(CallError::Rpc(error)) => {
            println!("items.get(\"two\") failed: {error}");
            assert_eq!(error.code, code::INVALID_PARAMS);
        }
        other => panic!("expected -32602 invalid params, got {other:?}"),
    }

    // Declared in the file, never implemented.
    match client.call::<Value>("items.purge", ()).await {
        Err(CallError::Rpc(error)) => {
            println!("items.purge() failed: {error}");
            assert_eq!(error.code, code::METHOD_NOT_FOUND);
        }
        other => panic!("expected -32601 not implemented, got {other:?}"),
    }

    // A mistake in a description names the file and the entry.
    let error = Service::builder("broken", "1.0.0")
        .import_json(
            r#"{ "types": { "Item": { "struct": { "price": "Mony" } } } }"#,
            "broken.json",
        )
        .build()
        .unwrap_err();
    println!("{error}");
    assert!(
        error.problems[0].starts_with("broken.json: types.Item.struct.price: unknown type `Mony`")
    );

    registry.shutdown().await;
    serving.await??;
    Ok(())
}
