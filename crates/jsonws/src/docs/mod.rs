//! The docs page and playground of a service, and the registry's page.
//!
//! `GET {root}/{name}/{version}` (no `Upgrade`) answers with a page a person reads and uses: the
//! reference (methods, types, events, groups, rendered here in Rust from the one schema model, so
//! it reads without script) and a playground (Try-it forms, the events log, answers to server →
//! client calls, a batch builder) that `docs.js` builds in the browser from the same model,
//! embedded in the page as the `?json` document.
//!
//! Why this shape:
//! - The page's script talks to the server through the generated JavaScript client of the same
//!   service (`?proxy=JavaScript`), so the page is that client's first user. The page does not
//!   call the generator itself; it loads the client the way any browser would.
//! - Every asset is compiled into the binary and served from `{root}/_jsonws/`: the page works
//!   offline and passes a strict `Content-Security-Policy` (no inline script or style, no other
//!   origin), sent as a header on the pages and the assets.
//! - Descriptions are Markdown, rendered with pulldown-cmark with raw HTML turned into text and
//!   links limited to safe schemes: a description can never inject markup.
//!
//! Stable hooks for tests and tools: each method is a `<section id="method-{name}">` holding its
//! signature, description and form; each input has `name="{param}"` (`{param}.{field}` inside a
//! struct) and a `<label>`; the button "Call"; the result in the section's `<output>`; the events
//! panel `id="events"`.

mod markdown;
mod page;
mod registry;

pub(crate) use page::service_page;
pub(crate) use registry::registry_page;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The policy of the pages and their assets: nothing from another origin, no inline code.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The folder under the registry's root that serves the assets.
pub(crate) const ASSET_DIR: &str = "_jsonws";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 2] = [
    Asset {
        name: "docs.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("assets/docs.css"),
    },
    Asset {
        name: "docs.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/docs.js"),
    },
];

/// A strong ETag of a body: its hash and length.
fn etag_of(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
}

/// The version of the assets, put in their URLs so they can be cached for good.
pub(crate) fn asset_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut hasher = DefaultHasher::new();
        for asset in &ASSETS {
            asset.body.hash(&mut hasher);
        }
        format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
    })
}

fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        })
}

fn respond(
    body: Vec<u8>,
    content_type: &'static str,
    cache: &'static str,
    headers: &HeaderMap,
) -> Response {
    let etag = etag_of(&body);
    let mut response = if matches_etag(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = body.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    };
    let h = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// An HTML page with the policy, an ETag (304 for a matching `If-None-Match`), and
/// `Cache-Control: no-cache` (the page changes with the service).
pub(crate) fn html(body: String, headers: &HeaderMap) -> Response {
    respond(
        body.into_bytes(),
        "text/html; charset=utf-8",
        "no-cache",
        headers,
    )
}

/// `GET {root}/_jsonws/{file}`: a compiled-in asset, cached for a year when its URL carries
/// the current version (`?v=`), else revalidated.
pub(crate) fn asset(file: &str, query: Option<&str>, headers: &HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == file) else {
        return (
            StatusCode::NOT_FOUND,
            format!(
                "no asset `{file}`; the assets are: {}\n",
                ASSETS.map(|a| a.name).join(", ")
            ),
        )
            .into_response();
    };
    let versioned = query.is_some_and(|q| q == format!("v={}", asset_version()));
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    respond(
        asset.body.as_bytes().to_vec(),
        asset.content_type,
        cache,
        headers,
    )
}

/// Escapes text for HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `<head>` both pages share: charset, viewport, title, the stylesheet and the script.
fn head(title: &str, root: &str) -> String {
    let v = asset_version();
    let root = escape(root);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{}</title><link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"{root}/{ASSET_DIR}/docs.css?v={v}\">\
         <script type=\"module\" src=\"{root}/{ASSET_DIR}/docs.js?v={v}\"></script>\
         </head>\n",
        escape(title)
    )
}
