//! Generated clients: `?proxy=` (languages, local names, headers, ETag and 304), the readers
//! of `?json`, json-ws `?json`, description files and OpenRPC, and golden files for clients
//! generated from json-ws's calc metadata and from the inventory description file.

use std::path::PathBuf;

use http_body_util::BodyExt;
use jsonws::codegen::{Format, Lang, Model, generate};
use jsonws::server::Registry;
use jsonws::service::{Method, Service};
use serde_json::{Value, json};

use crate::registry::serve;
use crate::util::WAIT;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn calc(description: &str) -> Service {
    Service::builder("calc", "1.0.0")
        .description(description)
        .namespace("math", |math| {
            math.method(
                Method::new("pow")
                    .param("base", "number")
                    .param_default("exp", "int", 2)
                    .returns("number"),
            )
        })
        .build()
        .unwrap()
}

/// GETs `url` with `headers`: status, response headers, body.
async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, http::HeaderMap, String) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let mut request = http::Request::get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = tokio::time::timeout(
        WAIT,
        client.request(request.body(Default::default()).unwrap()),
    )
    .await
    .unwrap()
    .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn proxy_serves_every_language_with_its_headers() {
    let served = serve(Registry::new().service(calc("A calculator."))).await;
    let svc = format!("{}/calc/1.0.0", served.base);
    for (lang, content_type, file, marker) in [
        (
            "JavaScript",
            "text/javascript; charset=utf-8",
            "CalcClient.js",
            "export class CalcClient",
        ),
        (
            "TypeScript",
            "application/typescript; charset=utf-8",
            "CalcClient.ts",
            "export class CalcClient",
        ),
        (
            "Python",
            "text/x-python; charset=utf-8",
            "CalcClient.py",
            "class AsyncCalcClient:",
        ),
        (
            "Rust",
            "text/x-rust; charset=utf-8",
            "calc_client.rs",
            "pub struct CalcClient",
        ),
        (
            "Go",
            "text/x-go; charset=utf-8",
            "calcclient.go",
            "package calcclient",
        ),
        (
            "Java",
            "text/x-java-source; charset=utf-8",
            "CalcClient.java",
            "public final class CalcClient",
        ),
        (
            "Php",
            "application/x-php; charset=utf-8",
            "CalcClient.php",
            "final class CalcClient",
        ),
        (
            "CSharp",
            "text/x-csharp; charset=utf-8",
            "CalcClient.cs",
            "public sealed class CalcClient : IDisposable",
        ),
    ] {
        for spelling in [lang.to_owned(), lang.to_ascii_lowercase()] {
            let (status, headers, body) = get(&format!("{svc}?proxy={spelling}"), &[]).await;
            assert_eq!(status, 200, "{spelling}: {body}");
            assert_eq!(headers["content-type"], content_type, "{spelling}");
            assert_eq!(
                headers["content-disposition"],
                format!("inline; filename=\"{file}\""),
                "{spelling}"
            );
            assert!(
                body.contains(marker),
                "{spelling}: no `{marker}` in\n{body}"
            );
            assert!(
                body.contains("calc 1.0.0"),
                "{spelling}: the header names the service"
            );
            assert!(
                body.contains("jsonws"),
                "{spelling}: the header names the generator"
            );
        }
        let (_, headers, _) = get(&format!("{svc}?proxy={lang}"), &[]).await;
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let (status, again, body) =
            get(&format!("{svc}?proxy={lang}"), &[("if-none-match", &etag)]).await;
        assert_eq!(status, 304, "{lang}: If-None-Match {etag}");
        assert_eq!(again["etag"], etag.as_str());
        assert!(body.is_empty());
        let (status, _, _) = get(
            &format!("{svc}?proxy={lang}"),
            &[("if-none-match", "\"other\"")],
        )
        .await;
        assert_eq!(status, 200, "{lang}: another ETag gets the source");
    }
    // The version prefix resolves like every other request.
    let (status, _, body) = get(
        &format!("{}/calc/1?proxy=Python&localName=Calc", served.base),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("class Calc:") && body.contains("class AsyncCalc:"),
        "{body}"
    );
}

#[tokio::test]
async fn proxy_refuses_unknown_languages_and_bad_local_names() {
    let served = serve(Registry::new().service(calc(""))).await;
    let svc = format!("{}/calc/1.0.0", served.base);
    for lang in [
        "Cobol",
        "",
        "..%2F..%2Fetc%2Fpasswd",
        "Java%00",
        "TYPESCRIPT",
    ] {
        let (status, _, body) = get(&format!("{svc}?proxy={lang}"), &[]).await;
        assert_eq!(status, 404, "{lang}: {body}");
        assert!(
            body.contains("JavaScript, TypeScript, Python, Rust"),
            "{lang}: {body}"
        );
    }
    let long = "A".repeat(65);
    for name in [
        "..%2Fx",
        "../x",
        "a%22b",
        "a'b",
        "9lives",
        "",
        long.as_str(),
        "na%C3%AFve",
    ] {
        let (status, _, body) = get(&format!("{svc}?proxy=TypeScript&localName={name}"), &[]).await;
        assert_eq!(status, 400, "localName={name}: {body}");
        assert!(body.contains("[A-Za-z_][A-Za-z0-9_]{0,63}"), "{body}");
    }
    let longest = "B".repeat(64);
    let (status, headers, body) =
        get(&format!("{svc}?proxy=TypeScript&localName={longest}"), &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        headers["content-disposition"],
        format!("inline; filename=\"{longest}.ts\"")
    );
    // The server kept serving.
    let (status, _, _) = get(&format!("{svc}?json"), &[]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_etag_changes_with_the_description() {
    let first = serve(Registry::new().service(calc("One."))).await;
    let second = serve(Registry::new().service(calc("Two."))).await;
    let etag = |headers: http::HeaderMap| headers["etag"].to_str().unwrap().to_owned();
    let (_, a, _) = get(&format!("{}/calc/1.0.0?proxy=Rust", first.base), &[]).await;
    let (_, b, _) = get(&format!("{}/calc/1.0.0?proxy=Rust", second.base), &[]).await;
    let (_, c, _) = get(&format!("{}/calc/1.0.0?proxy=Rust", first.base), &[]).await;
    let (a, b, c) = (etag(a), etag(b), etag(c));
    assert_ne!(a, b);
    assert_eq!(a, c, "the same description keeps its ETag");
}

#[tokio::test]
async fn the_docs_page_links_every_language() {
    let served = serve(Registry::new().service(calc(""))).await;
    let (status, _, page) = get(&format!("{}/calc/1.0.0", served.base), &[]).await;
    assert_eq!(status, 200);
    for lang in Lang::ALL {
        assert!(
            page.contains(&format!("href=\"?proxy={lang}\"")),
            "{lang} in\n{page}"
        );
    }
}

fn read(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(path)).unwrap()).unwrap()
}

#[test]
fn json_ws_metadata_reads_into_the_model() {
    let doc = read("codegen/json-ws-metadata-calc.json");
    assert_eq!(Model::sniff(&doc), Format::Metadata);
    let model = Model::read(&doc, None, "calc.json").unwrap();
    assert_eq!(
        (model.name.as_str(), model.version.as_str()),
        ("calc", "1.2.0")
    );
    let pow = model.methods.iter().find(|m| m.name == "math.pow").unwrap();
    assert_eq!(pow.params.len(), 2);
    assert_eq!(model.types.len(), 5);
    assert!(
        model
            .events
            .iter()
            .any(|e| e.name == "alerts.raised" && e.ty.as_ref().unwrap().is_array)
    );
    let log = model.methods.iter().find(|m| m.name == "log").unwrap();
    assert!(
        log.returns.is_none(),
        "a json-ws method without `returns` returns nothing"
    );
}

#[test]
fn our_json_and_openrpc_read_back_into_the_same_model() {
    let service = calc("A calculator.");
    let from_json = Model::from_document(&jsonws::metadata::json(&service), None).unwrap();
    let from_openrpc = Model::from_document(&jsonws::metadata::openrpc(&service), None).unwrap();
    let direct = Model::from_service(&service);
    for model in [&from_json, &from_openrpc] {
        for lang in Lang::ALL {
            assert_eq!(
                generate(model, lang, "CalcClient").unwrap(),
                generate(&direct, lang, "CalcClient").unwrap(),
                "{lang}"
            );
        }
    }
}

#[test]
fn documents_that_are_none_of_the_formats_say_what_they_looked_like_and_where() {
    let cases = [
        (
            json!({"name": "x", "version": "1.0.0", "methods": {"sum": {"params": [{"name": "a", "type": 7}]}}}),
            "this looks like a `?json` metadata document, but at $.methods.sum.params[0].type: expected a string, found a number",
        ),
        (
            json!({"name": "x", "version": "1.0.0", "methods": {"get": {"params": [], "returns": "Item"}}}),
            "at $.methods.get: refers to the type `Item`, which is not declared",
        ),
        (
            json!({"openrpc": "1.3.2", "info": {"title": "x", "version": "1"}, "methods": [{"name": "m", "params": [{"name": "p", "schema": {"$ref": "#/definitions/P"}}]}]}),
            "this looks like an OpenRPC document, but at $.methods[0].params[0].schema: only references to #/components/schemas/ are supported",
        ),
        (
            json!({"openrpc": "2.0.0", "info": {"title": "x", "version": "1"}, "methods": []}),
            "at $.openrpc: only OpenRPC 1.x is read, this is 2.0.0",
        ),
        (
            json!({"types": {"Item": {"struct": {"price": "Money"}}}}),
            "this looks like a json-ws description file, but at $: ",
        ),
        (json!([1, 2]), "this looks like a json-ws description file"),
    ];
    for (doc, expected) in cases {
        let error = Model::read(&doc, Some("svc"), "doc.json")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("doc.json: "), "{error}");
        assert!(
            error.contains(expected),
            "{doc}\n  got: {error}\n  expected: {expected}"
        );
    }
}

fn inventory() -> Model {
    let service = Service::builder("inventory", "1.0.0")
        .import_file(fixture("import/inventory.json"))
        .build()
        .unwrap();
    Model::from_service(&service)
}

#[test]
fn golden_clients_of_json_ws_calc_metadata() {
    let model = Model::read(&read("codegen/json-ws-metadata-calc.json"), None, "calc").unwrap();
    for lang in Lang::ALL {
        let source = generate(&model, lang, "CalcClient").unwrap();
        insta::assert_snapshot!(format!("calc_{}", lang.name().to_ascii_lowercase()), source);
    }
}

#[test]
fn golden_clients_of_the_inventory_description_file() {
    let model = inventory();
    for lang in Lang::ALL {
        let source = generate(&model, lang, "InventoryClient").unwrap();
        insta::assert_snapshot!(
            format!("inventory_{}", lang.name().to_ascii_lowercase()),
            source
        );
    }
}

#[tokio::test]
async fn non_ascii_descriptions_arrive_whole() {
    // json-ws counted characters for Content-Length, so such a client came truncated.
    let text = "Ünïcödé — 日本語 ✓ 🎉, */ \"\"\" ?> </script>";
    let served = serve(Registry::new().service(calc(text))).await;
    for lang in Lang::ALL {
        let (status, headers, body) =
            get(&format!("{}/calc/1.0.0?proxy={lang}", served.base), &[]).await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["content-length"].to_str().unwrap(),
            body.len().to_string(),
            "{lang}: Content-Length counts bytes"
        );
        // Java source stays ASCII (javac's default encoding varies): `\u` escapes, which javac
        // reads back as the characters.
        let intact = match lang {
            Lang::Java => {
                r"\u00dcn\u00efc\u00f6d\u00e9 \u2014 \u65e5\u672c\u8a9e \u2713 \ud83c\udf89"
            }
            _ => "Ünïcödé — 日本語 ✓ 🎉",
        };
        assert!(body.contains(intact), "{lang}: the description is intact");
        // The last line of each client closes a block (`}`) or Python's `__all__` list (`]`).
        assert!(body.trim_end().ends_with(['}', ']']), "{lang}: ends whole");
    }
}
