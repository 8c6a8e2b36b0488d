//! The service page: the reference in HTML, the model for the playground as JSON.

use std::fmt::Write as _;

use super::markdown::render as md;
use super::{escape, head};
use crate::schema::{TypeDef, TypeName, TypeRef};
use crate::service::{EventDef, MethodDef, Service};

/// The page of `service`, served at `path` (`/api/demo/1.0.0`) under the registry's `root`
/// (`/api`).
pub(crate) fn service_page(service: &Service, path: &str, root: &str) -> String {
    let title = format!("{} {}", service.name(), service.version());
    let mut html = head(&title, root);
    let path = escape(path);
    let _ = write!(
        html,
        "<body>\n<a class=\"skip\" href=\"#main\">Skip to the reference</a>\n\
         <header class=\"top\"><div class=\"wrap\">\
         <p class=\"crumb\"><a href=\"{root}/\">Services</a></p>\
         <h1>{name} <span class=\"ver\">{version}</span></h1>\
         <div class=\"md\">{desc}</div>\
         <dl class=\"urls\">\
         <div><dt>HTTP POST</dt><dd><code data-url=\"http\">{path}</code></dd></div>\
         <div><dt>WebSocket</dt><dd><code data-url=\"ws\">{path}</code></dd></div>\
         </dl>\
         <nav class=\"links\" aria-label=\"Descriptions and clients\">\
         <a href=\"?json\">?json</a> <a href=\"?openrpc\">OpenRPC</a>{proxies}\
         <a href=\"#events\">Events log</a> <a href=\"#batch\">Batch</a></nav>\
         </div></header>\n",
        root = escape(root),
        name = escape(service.name()),
        version = escape(&service.version().to_string()),
        desc = md(service.description()),
        proxies = proxy_links(),
    );
    html.push_str(
        "<div class=\"bar\"><div class=\"wrap\" role=\"search\">\
         <label for=\"search\" class=\"sr\">Search methods, types and events</label>\
         <input id=\"search\" type=\"search\" placeholder=\"Search methods, types, events\" autocomplete=\"off\">\
         <fieldset class=\"transport\"><legend>Call over</legend>\
         <label><input type=\"radio\" name=\"transport\" value=\"http\" checked> HTTP</label>\
         <label><input type=\"radio\" name=\"transport\" value=\"ws\"> WebSocket</label>\
         </fieldset>\
         <span id=\"conn\" class=\"conn\" role=\"status\">Loading…</span>\
         </div></div>\n<div class=\"layout wrap\">\n",
    );
    let _ = writeln!(
        html,
        "<main id=\"main\" data-client=\"{}\">",
        escape(&client_name(service))
    );

    let groups = crate::metadata::groups(service);
    let single = groups.len() == 1;
    for group in &groups {
        let level = if single { 2 } else { 3 };
        if !single {
            let _ = writeln!(
                html,
                "<section class=\"group\" id=\"group-{n}\"><h2>{n}</h2><div class=\"md\">{d}</div>",
                n = escape(&group.name),
                d = md(&group.description),
            );
        }
        let named = |kind: &str| -> Vec<&str> {
            group
                .items
                .iter()
                .filter_map(|i| i.strip_prefix(kind))
                .collect()
        };
        let methods: Vec<&MethodDef> = named("method:")
            .into_iter()
            .filter_map(|n| service.method(n))
            .collect();
        let events: Vec<&EventDef> = named("event:")
            .into_iter()
            .filter_map(|n| service.events().iter().find(|e| e.name == n))
            .collect();
        let types: Vec<&TypeDef> = named("type:")
            .into_iter()
            .filter_map(|n| service.types().get(n))
            .collect();
        if !methods.is_empty() {
            let _ = writeln!(html, "<section class=\"kind\"><h{level}>Methods</h{level}>");
            for m in methods {
                method(&mut html, m, level + 1);
            }
            html.push_str("</section>\n");
        }
        if !events.is_empty() {
            let _ = writeln!(html, "<section class=\"kind\"><h{level}>Events</h{level}>");
            for e in events {
                event(&mut html, e, level + 1);
            }
            html.push_str("</section>\n");
        }
        if !types.is_empty() {
            let _ = writeln!(html, "<section class=\"kind\"><h{level}>Types</h{level}>");
            for t in types {
                type_def(&mut html, t, level + 1);
            }
            html.push_str("</section>\n");
        }
        if !single {
            html.push_str("</section>\n");
        }
    }
    html.push_str(
        "<p id=\"no-match\" class=\"hint\" hidden>Nothing matches the search.</p>\n</main>\n",
    );
    side_panels(&mut html, service);
    let model = serde_json::to_string(&crate::metadata::json(service))
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let _ = write!(
        html,
        "</div>\n<script type=\"application/json\" id=\"model\">{model}</script>\n</body></html>\n"
    );
    html
}

fn side_panels(html: &mut String, service: &Service) {
    html.push_str(
        "<aside class=\"side\">\n<section id=\"events\" class=\"panel\" aria-labelledby=\"events-h\">\
         <h2 id=\"events-h\">Events</h2>",
    );
    if service.events().is_empty() {
        html.push_str("<p class=\"hint\">This service has no events.</p>");
    } else {
        html.push_str("<ul class=\"subs\">");
        for e in service.events() {
            let _ = write!(
                html,
                "<li><code>{n}</code> <button type=\"button\" class=\"sub\" data-event=\"{n}\" \
                 aria-label=\"Subscribe to {n}\">Subscribe</button></li>",
                n = escape(&e.name)
            );
        }
        html.push_str("</ul>");
    }
    html.push_str(
        "<div class=\"tools\"><button type=\"button\" id=\"pause\" aria-pressed=\"false\">Pause</button>\
         <button type=\"button\" id=\"clear\">Clear</button> <span id=\"paused\" class=\"hint\"></span></div>\
         <ol id=\"log\" class=\"log\" aria-live=\"polite\" aria-label=\"Events received\"></ol>\
         </section>\n\
         <section id=\"batch\" class=\"panel\" aria-labelledby=\"batch-h\"><h2 id=\"batch-h\">Batch</h2>\
         <p class=\"hint\" id=\"batch-hint\">Collect calls with “Add to batch”, then send them as one array.</p>\
         <ol id=\"batch-list\" class=\"batch-list\"></ol>\
         <div class=\"tools\"><button type=\"button\" id=\"send-batch\">Send batch</button>\
         <button type=\"button\" id=\"clear-batch\">Empty</button></div>\
         <output id=\"batch-out\" class=\"out\"></output></section>\n</aside>\n",
    );
}

/// A type with its user types linked to their definitions: `[<a href="#type-Point">Point</a>]`.
fn type_html(ty: &TypeRef) -> String {
    let inner = match &ty.name {
        TypeName::Builtin(b) => format!("<span class=\"bt\">{}</span>", escape(b.name())),
        TypeName::Named(n) => format!("<a class=\"ty\" href=\"#type-{n}\">{n}</a>", n = escape(n)),
    };
    if ty.is_array {
        format!("[{inner}]")
    } else {
        inner
    }
}

fn json_text(value: &serde_json::Value) -> String {
    escape(&serde_json::to_string(value).unwrap_or_default())
}

fn method(html: &mut String, m: &MethodDef, level: usize) {
    let params: Vec<String> = m
        .params
        .iter()
        .map(|p| {
            let mark = if p.is_required() { "" } else { "?" };
            let default = p
                .default
                .as_ref()
                .map(|d| format!(" = {}", json_text(d)))
                .unwrap_or_default();
            format!(
                "<span class=\"pn\">{}{mark}</span>: {}{default}",
                escape(&p.name),
                type_html(&p.ty)
            )
        })
        .collect();
    let returns = m
        .returns
        .as_ref()
        .map(|r| format!(" → {}", type_html(r)))
        .unwrap_or_default();
    let _ = write!(
        html,
        "<section class=\"item method\" id=\"method-{n}\" data-name=\"{n}\">\
         <h{level}><a class=\"anchor\" href=\"#method-{n}\">{n}</a></h{level}>\
         <pre class=\"sig\"><code>{n}({p}){r}</code></pre><div class=\"md\">{d}</div>",
        n = escape(&m.name),
        p = params.join(", "),
        r = returns,
        d = md(&m.description),
    );
    if !m.params.is_empty() {
        html.push_str(
            "<table class=\"params\"><caption>Parameters</caption><thead><tr><th scope=\"col\">Name</th>\
             <th scope=\"col\">Type</th><th scope=\"col\">Default</th><th scope=\"col\">Description</th></tr></thead><tbody>",
        );
        for p in &m.params {
            let default = match &p.default {
                Some(d) => format!("<code>{}</code>", json_text(d)),
                None if p.is_required() => "required".to_owned(),
                None => "optional".to_owned(),
            };
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td class=\"md\">{}</td></tr>",
                escape(&p.name),
                type_html(&p.ty),
                default,
                md(&p.description)
            );
        }
        html.push_str("</tbody></table>");
    }
    let _ = write!(
        html,
        "<p class=\"returns\">Result: {}</p>",
        m.returns.as_ref().map_or_else(
            || "none".to_owned(),
            |r| format!("<code>{}</code>", type_html(r))
        )
    );
    if !m.errors.is_empty() {
        html.push_str("<ul class=\"errors\" aria-label=\"Errors\">");
        for e in &m.errors {
            let _ = write!(
                html,
                "<li>error <code>{}</code>: {}</li>",
                e.code,
                escape(&e.message)
            );
        }
        html.push_str("</ul>");
    }
    html.push_str("<div class=\"try\"></div><output class=\"out\"></output></section>\n");
}

fn event(html: &mut String, e: &EventDef, level: usize) {
    let _ = writeln!(
        html,
        "<section class=\"item event\" id=\"event-{n}\" data-name=\"{n}\">\
         <h{level}><a class=\"anchor\" href=\"#event-{n}\">{n}</a></h{level}>\
         <p class=\"sig\">Data: <code>{t}</code></p><div class=\"md\">{d}</div></section>",
        n = escape(&e.name),
        t = e.ty.as_ref().map_or_else(|| "none".to_owned(), type_html),
        d = md(&e.description),
    );
}

fn type_def(html: &mut String, t: &TypeDef, level: usize) {
    let kind = match t {
        TypeDef::Enum(_) => "enum",
        TypeDef::Struct(_) => "struct",
    };
    let _ = write!(
        html,
        "<section class=\"item type\" id=\"type-{n}\" data-name=\"{n}\">\
         <h{level}><a class=\"anchor\" href=\"#type-{n}\">{n}</a> <span class=\"kind-tag\">{kind}</span></h{level}>\
         <div class=\"md\">{d}</div>",
        n = escape(t.name()),
        d = md(t.description()),
    );
    match t {
        TypeDef::Enum(e) => {
            html.push_str(
                "<table class=\"params\"><caption>Members</caption><thead><tr><th scope=\"col\">Name</th>\
                 <th scope=\"col\">Value</th></tr></thead><tbody>",
            );
            for (name, value) in &e.members {
                let _ = write!(
                    html,
                    "<tr><td><code>{}</code></td><td><code>{value}</code></td></tr>",
                    escape(name)
                );
            }
        }
        TypeDef::Struct(s) => {
            html.push_str(
                "<table class=\"params\"><caption>Fields</caption><thead><tr><th scope=\"col\">Name</th>\
                 <th scope=\"col\">Type</th><th scope=\"col\">Default</th><th scope=\"col\">Description</th></tr></thead><tbody>",
            );
            for f in &s.fields {
                let default = match &f.default {
                    Some(d) => format!("<code>{}</code>", json_text(d)),
                    None if f.required => "required".to_owned(),
                    None => "optional".to_owned(),
                };
                let _ = write!(
                    html,
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td class=\"md\">{}</td></tr>",
                    escape(&f.name),
                    type_html(&f.ty),
                    default,
                    md(&f.description)
                );
            }
        }
    }
    html.push_str("</tbody></table></section>\n");
}

/// The class name of the generated clients (`DemoClient`), for the snippets.
fn client_name(service: &Service) -> String {
    #[cfg(feature = "codegen")]
    {
        crate::codegen::default_local_name(service.name())
    }
    #[cfg(not(feature = "codegen"))]
    {
        let _ = service;
        "ServiceClient".to_owned()
    }
}

/// Links to the generated clients, one per language.
fn proxy_links() -> String {
    #[cfg(feature = "codegen")]
    {
        let links: Vec<String> = crate::codegen::Lang::ALL
            .iter()
            .map(|l| format!("<a href=\"?proxy={0}\">{0}</a>", l.name()))
            .collect();
        format!(
            " <span class=\"clients\">Clients: {}</span>",
            links.join(" ")
        )
    }
    #[cfg(not(feature = "codegen"))]
    String::new()
}
