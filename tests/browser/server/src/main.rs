//! Serves the services the browser tests (tests/browser/run.mjs) need besides the demo:
//! `мир` 1.0.0, whose names and descriptions are Cyrillic, CJK and emoji, and `big` 1.0.0, a
//! generated service with 2,000 methods in 20 groups (the page-weight and search benchmark);
//! and `edge` 1.0.0, the hostile descriptions of tests/codegen/edge.json.
//!
//! Usage: `docs-fixtures` (binds 127.0.0.1:0); the first line of standard output is
//! `docs-fixtures: serving at http://127.0.0.1:PORT/api`.

use std::io::Write;

use jsonws::ErrorObject;
use jsonws::server::Registry;
use jsonws::service::{Args, Method, Service};

fn unicode() -> Service {
    Service::builder("мир", "1.0.0")
        .description("Сервис с **именами** на кириллице, 日本語 и эмодзи 🎉.")
        .event("新着", Some("string"), "Новое сообщение 📨.")
        .namespace("данные", |ns| {
            ns.method(
                Method::new("привет")
                    .description("Здоровается: *привет*, 你好, 👋.")
                    .param_default("имя", "string", "мир 🌍")
                    .returns("string")
                    .handler(|args: Args| async move {
                        let name: String = args.get("имя")?;
                        Ok::<_, ErrorObject>(format!("Привет, {name}!"))
                    }),
            )
        })
        .method(
            Method::new("挨拶")
                .description("挨拶を返す 🙇.")
                .returns("string")
                .handler(|_: Args| async { Ok::<_, ErrorObject>("こんにちは 🌸") }),
        )
        .build()
        .expect("the unicode service is valid")
}

/// tests/codegen/edge.json: descriptions full of `</script>`, `<!--`, `*/`, U+2028 and a
/// right-to-left override, params named like keywords (declared only; nothing is called).
fn edge() -> Service {
    Service::builder("edge", "1.0.0")
        .import_json(
            include_str!("../../../codegen/edge.json"),
            "tests/codegen/edge.json",
        )
        .build()
        .expect("tests/codegen/edge.json is valid")
}

fn big() -> Service {
    let mut builder = Service::builder("big", "1.0.0")
        .description("A generated service with 2,000 methods, to measure the docs page.");
    for g in 0..20 {
        builder = builder.group(&format!("group{g:02}"), format!("Group {g}."), |mut b| {
            for i in 0..100 {
                let n = g * 100 + i;
                b = b.method(
                    Method::new(format!("m{n:04}"))
                        .description(format!("Method {n}: adds `a` and `b`."))
                        .param("a", "int")
                        .param_default("b", "int", n)
                        .returns("int")
                        .handler(|args: Args| async move {
                            Ok::<_, ErrorObject>(args.get::<i64>("a")? + args.get::<i64>("b")?)
                        }),
                );
            }
            b
        });
    }
    builder.build().expect("the big service is valid")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::new()
        .service(unicode())
        .service(big())
        .service(edge());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "docs-fixtures: serving at http://{addr}/api")?;
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
