//! The docs page, the registry page and their assets over HTTP: the Content-Security-Policy
//! header, ETags and 304, Content-Length in bytes for non-ASCII text, cache headers, the
//! Markdown rendering with raw HTML off, and asset URLs under any prefix. The page's behaviour
//! in a browser is tested by tests/browser/run.mjs.

use http_body_util::BodyExt;
use jsonws::server::Registry;
use jsonws::service::{Method, Service};

use crate::registry::serve;
use crate::util::WAIT;

const UNICODE: &str = "Привет, 世界 🎉 — <script>alert(1)</script> `code`";

fn service(description: &str) -> Service {
    Service::builder("calc", "1.0.0")
        .description(description)
        .namespace("math", |math| {
            math.method(
                Method::new("pow")
                    .description("Raises `base` to the power `exp`.")
                    .param("base", "number")
                    .param_default("exp", "int", 2)
                    .returns("number"),
            )
        })
        .event("tick", Some("date"), "Every second.")
        .build()
        .unwrap()
}

struct Got {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

async fn get(url: &str, headers: &[(&str, &str)]) -> Got {
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
    Got {
        status,
        headers,
        body: body.to_vec(),
    }
}

fn assert_strict_csp(got: &Got) {
    let csp = got.header("content-security-policy");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(got.header("x-content-type-options"), "nosniff");
}

/// The asset URLs the page links to (`/api/_jsonws/docs.css?v=…`).
fn asset_urls(page: &str) -> Vec<String> {
    page.split(['"'])
        .filter(|s| s.contains("/_jsonws/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_page_has_a_strict_csp_an_etag_and_its_length_in_bytes() {
    let served = serve(Registry::new().service(service(UNICODE))).await;
    let url = format!("{}/calc/1.0.0", served.base);
    let page = get(&url, &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert_strict_csp(&page);
    let text = page.text();
    assert!(
        text.chars().count() < page.body.len(),
        "the page has non-ASCII text"
    );
    assert_eq!(page.header("content-length"), page.body.len().to_string());
    assert!(text.contains("Привет, 世界 🎉"), "{text}");
    assert_eq!(page.header("cache-control"), "no-cache");

    let etag = page.header("etag").to_owned();
    let again = get(&url, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
    assert_strict_csp(&again);
    let stale = get(&url, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(stale.status, 200);

    // Another description, another ETag.
    let other = serve(Registry::new().service(service("Another description."))).await;
    let changed = get(&format!("{}/calc/1.0.0", other.base), &[]).await;
    assert_ne!(changed.header("etag"), etag);
}

#[tokio::test]
async fn descriptions_are_markdown_without_raw_html() {
    let served = serve(Registry::new().service(service(UNICODE))).await;
    let text = get(&format!("{}/calc/1.0.0", served.base), &[])
        .await
        .text();
    assert!(
        !text.contains("<script>alert"),
        "raw HTML got through: {text}"
    );
    assert!(
        text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{text}"
    );
    assert!(text.contains("<code>code</code>"), "{text}");
    assert!(
        text.contains("Raises <code>base</code> to the power <code>exp</code>."),
        "{text}"
    );
    assert!(text.contains("id=\"method-math.pow\""), "{text}");
    assert!(text.contains("id=\"event-tick\""), "{text}");
    // The embedded model cannot close its script element.
    let model = text.split("id=\"model\">").nth(1).unwrap();
    let model = &model[..model.find("</script>").unwrap()];
    assert!(!model.contains('<'), "{model}");
    let parsed: serde_json::Value = serde_json::from_str(model).unwrap();
    assert_eq!(parsed["description"], UNICODE);
}

#[tokio::test]
async fn assets_have_types_etags_and_cache_headers() {
    let served = serve(Registry::new().service(service(""))).await;
    let page = get(&format!("{}/calc/1.0.0", served.base), &[])
        .await
        .text();
    let urls = asset_urls(&page);
    assert_eq!(urls.len(), 2, "{urls:?}");
    let origin = served.base.trim_end_matches("/api");
    for path in &urls {
        assert!(path.starts_with("/api/_jsonws/"), "{path}");
        let asset = get(&format!("{origin}{path}"), &[]).await;
        assert_eq!(asset.status, 200, "{path}");
        let expected = if path.contains(".css") {
            "text/css; charset=utf-8"
        } else {
            "text/javascript; charset=utf-8"
        };
        assert_eq!(asset.header("content-type"), expected);
        assert_eq!(
            asset.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(asset.header("content-length"), asset.body.len().to_string());
        assert_strict_csp(&asset);
        let etag = asset.header("etag").to_owned();
        let again = get(&format!("{origin}{path}"), &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304);
        // Without the current version in the URL, the asset is revalidated.
        let unversioned = path.split('?').next().unwrap();
        let plain = get(&format!("{origin}{unversioned}"), &[]).await;
        assert_eq!(plain.header("cache-control"), "no-cache");
    }
    let missing = get(&format!("{}/_jsonws/nope.js", served.base), &[]).await;
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("docs.js"), "{}", missing.text());
}

#[tokio::test]
async fn the_registry_page_has_the_same_headers_and_look() {
    let served = serve(Registry::new().service(service(UNICODE))).await;
    let page = get(&served.base, &[]).await;
    assert_eq!(page.status, 200);
    assert_strict_csp(&page);
    assert_eq!(page.header("content-length"), page.body.len().to_string());
    let text = page.text();
    assert!(text.contains("href=\"/api/calc/1.0.0\""), "{text}");
    assert!(text.contains("Привет, 世界 🎉"), "{text}");
    assert!(text.contains("id=\"search\""), "{text}");
    assert_eq!(
        asset_urls(&text),
        asset_urls(&get(&format!("{}/calc/1", served.base), &[]).await.text())
    );
    let etag = page.header("etag").to_owned();
    let again = get(&served.base, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
}

#[tokio::test]
async fn a_nested_registry_links_its_own_assets() {
    let registry = Registry::new().service(service(""));
    let app = axum::Router::new().nest("/deep/er", registry.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));
    let page = get(&format!("http://{addr}/deep/er/calc/1.0"), &[])
        .await
        .text();
    for path in asset_urls(&page) {
        assert!(path.starts_with("/deep/er/_jsonws/"), "{path}");
        assert_eq!(
            get(&format!("http://{addr}{path}"), &[]).await.status,
            200,
            "{path}"
        );
    }
}
