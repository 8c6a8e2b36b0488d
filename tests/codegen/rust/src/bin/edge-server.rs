//! Serves the `edge` service of tests/codegen/edge.json — params named `class`, `from`, `base`,
//! `type` and `default`, a method `delete`, descriptions full of `*/`, `"""`, `?>`,
//! `</script>` and non-ASCII text — so that the clients generated for it can be compiled and
//! run (tests/codegen/run.sh).
//!
//! Usage: `edge-server` (binds 127.0.0.1:0); the first line of standard output is
//! `edge: serving at http://127.0.0.1:PORT/api/edge/1.0.0`.

use std::io::Write;

use jsonws::ErrorObject;
use jsonws::server::Registry;
use jsonws::service::{Args, Service};
use serde_json::Value;

/// What `text` returns: everything a string must carry through a generated client.
const TEXT: &str = "quotes \" ' */ \"\"\" ?> </script> ünïcödé 日本語 🎉 \\ end";

fn service() -> Service {
    Service::builder("edge", "1.0.0")
        .import_json(
            include_str!("../../../edge.json"),
            "tests/codegen/edge.json",
        )
        .implement("echo", |args: Args| async move {
            let names = ["class", "from", "base", "type", "default"];
            let echoed: serde_json::Map<String, Value> = names
                .iter()
                .map(|n| ((*n).to_owned(), args.value(n).clone()))
                .collect();
            Ok::<_, ErrorObject>(Value::Object(echoed))
        })
        .implement("delete", |args: Args| async move {
            Ok::<_, ErrorObject>(args.get::<i64>("from")? + 1)
        })
        .implement("close", |_: Args| async { Ok::<_, ErrorObject>("closed") })
        .implement("kind", |args: Args| async move {
            Ok::<_, ErrorObject>(args.value("k").clone())
        })
        .implement("text", |_: Args| async { Ok::<_, ErrorObject>(TEXT) })
        .implement("ns.paint", |args: Args| async move {
            let echoed: serde_json::Map<String, Value> = ["k", "at", "bin", "u", "o", "r"]
                .iter()
                .map(|n| ((*n).to_owned(), args.value(n).clone()))
                .collect();
            Ok::<_, ErrorObject>(Value::Object(echoed))
        })
        .implement("ns.record", |args: Args| async move {
            Ok::<_, ErrorObject>(args.value("self").clone())
        })
        .build()
        .unwrap_or_else(|e| panic!("tests/codegen/edge.json: {e}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::new().service(service());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "edge: serving at http://{addr}/api/edge/1.0.0")?;
        out.flush()?;
    }
    jsonws::server::serve(
        listener,
        registry.router_at("/api"),
        registry.shutdown_signal(),
    )
    .await?;
    Ok(())
}
