//! A plain HTML page describing one service: its methods, types and events, with links to
//! the `?json` metadata and the OpenRPC document.

use std::fmt::Write as _;

use super::registry::escape;
use crate::schema::TypeDef;
use crate::service::Service;

pub(crate) fn service_page(service: &Service) -> String {
    let title = format!("{} {}", service.name(), service.version());
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}code{{background:#f3f3f3}}</style>\
         </head><body>\n<h1>{t}</h1>\n<p>{d}</p>\n<p>JSON-RPC 2.0 over HTTP POST and WebSocket at this URL. \
         <a href=\"?json\">Metadata (JSON)</a> · <a href=\"?openrpc\">OpenRPC</a>{proxies}</p>\n",
        t = escape(&title),
        d = escape(service.description()),
        proxies = proxy_links(),
    );
    html.push_str("<h2>Methods</h2>\n<dl>\n");
    for m in service.methods() {
        let params: Vec<String> = m
            .params
            .iter()
            .map(|p| {
                let default = p
                    .default
                    .as_ref()
                    .map(|d| format!(" = {d}"))
                    .unwrap_or_default();
                // `?` marks a param the caller may leave out without a default.
                let optional = if p.default.is_none() && p.optional {
                    "?"
                } else {
                    ""
                };
                format!("{}{optional}: {}{}", p.name, p.ty, default)
            })
            .collect();
        let returns = m
            .returns
            .as_ref()
            .map(|r| format!(" → {r}"))
            .unwrap_or_default();
        let errors: String = m
            .errors
            .iter()
            .map(|e| format!("<br>error <code>{}</code>: {}", e.code, escape(&e.message)))
            .collect();
        let _ = writeln!(
            html,
            "<dt id=\"method-{n}\"><code>{n}({p}){r}</code></dt><dd>{d}{errors}</dd>",
            n = escape(&m.name),
            p = escape(&params.join(", ")),
            r = escape(&returns),
            d = escape(&m.description),
        );
    }
    html.push_str("</dl>\n");
    if !service.types().is_empty() {
        html.push_str("<h2>Types</h2>\n<dl>\n");
        for t in service.types().iter() {
            let body = match t {
                TypeDef::Enum(e) => e
                    .members
                    .iter()
                    .map(|(n, v)| format!("{n} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                TypeDef::Struct(s) => s
                    .fields
                    .iter()
                    .map(|f| format!("{}{}: {}", f.name, if f.required { "" } else { "?" }, f.ty))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let _ = writeln!(
                html,
                "<dt id=\"type-{n}\"><code>{n}</code></dt><dd>{d}<br><code>{b}</code></dd>",
                n = escape(t.name()),
                d = escape(t.description()),
                b = escape(&body),
            );
        }
        html.push_str("</dl>\n");
    }
    if !service.events().is_empty() {
        html.push_str("<h2>Events</h2>\n<dl>\n");
        for e in service.events() {
            let ty = e.ty.as_ref().map(|t| format!(": {t}")).unwrap_or_default();
            let _ = writeln!(
                html,
                "<dt><code>{}{}</code></dt><dd>{}</dd>",
                escape(&e.name),
                escape(&ty),
                escape(&e.description)
            );
        }
        html.push_str("</dl>\n");
    }
    html.push_str("</body></html>\n");
    html
}

/// Links to the generated clients, one per language.
fn proxy_links() -> String {
    #[cfg(feature = "codegen")]
    {
        let links: Vec<String> = crate::codegen::Lang::ALL
            .iter()
            .map(|l| format!("<a href=\"?proxy={0}\">{0}</a>", l.name()))
            .collect();
        format!(" · Clients: {}", links.join(" · "))
    }
    #[cfg(not(feature = "codegen"))]
    String::new()
}
