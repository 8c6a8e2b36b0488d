//! The registry's page: every service and version, with a search box, in the service page's look.

use std::fmt::Write as _;

use super::markdown::render as md;
use super::{escape, head};
use crate::service::Service;

/// The page listing `services` (newest version first), served at `root` (`/api`).
pub(crate) fn registry_page<'a>(services: impl Iterator<Item = &'a Service>, root: &str) -> String {
    let mut html = head("Services", root);
    let root = escape(root);
    let _ = write!(
        html,
        "<body class=\"registry\">\n<a class=\"skip\" href=\"#main\">Skip to the list</a>\n\
         <header class=\"top\"><div class=\"wrap\"><h1>Services</h1>\
         <p>JSON-RPC 2.0 services on this server. Each page documents one and lets you try it.</p>\
         <nav class=\"links\" aria-label=\"Descriptions\"><a href=\"{root}/?json\">?json</a></nav>\
         </div></header>\n\
         <div class=\"bar\"><div class=\"wrap\" role=\"search\">\
         <label for=\"search\" class=\"sr\">Search services</label>\
         <input id=\"search\" type=\"search\" placeholder=\"Search services\" autocomplete=\"off\">\
         </div></div>\n<main id=\"main\" class=\"wrap\"><ul class=\"services\">\n"
    );
    for s in services {
        let href = format!(
            "{root}/{}/{}",
            escape(s.name()),
            escape(&s.version().to_string())
        );
        let _ = writeln!(
            html,
            "<li class=\"item\" data-name=\"{n}\"><h2><a href=\"{href}\">{n}</a> \
             <span class=\"ver\">{v}</span></h2><div class=\"md\">{d}</div></li>",
            n = escape(s.name()),
            v = escape(&s.version().to_string()),
            d = md(s.description()),
        );
    }
    html.push_str(
        "</ul><p id=\"no-match\" class=\"hint\" hidden>Nothing matches the search.</p></main>\n</body></html>\n",
    );
    html
}
