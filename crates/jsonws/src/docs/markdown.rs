//! Descriptions as Markdown, rendered so that they cannot inject markup: raw HTML becomes
//! text, and links and images keep only `http`, `https`, `mailto` and in-page or relative
//! targets.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.find(':') {
        // No scheme, or a colon after a path or query character: relative.
        None => true,
        Some(colon) if lower[..colon].contains(['/', '?', '#']) => true,
        Some(_) => {
            lower.starts_with("http:")
                || lower.starts_with("https:")
                || lower.starts_with("mailto:")
        }
    }
}

/// The HTML of a Markdown description (empty for an empty one).
pub(crate) fn render(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        other => other,
    });
    let mut html = String::with_capacity(text.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn code_and_emphasis_render() {
        assert_eq!(
            render("Raises `base` to *exp*."),
            "<p>Raises <code>base</code> to <em>exp</em>.</p>\n"
        );
    }

    #[test]
    fn raw_html_is_text() {
        let html = render("<script>alert(1)</script> and <b onclick=x>bold</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_are_dropped() {
        let html = render("[x](javascript:alert(1)) [y](https://example.org) [z](#type-Point)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(html.contains("href=\"#type-Point\""), "{html}");
    }

    #[test]
    fn non_ascii_survives() {
        assert_eq!(render("Привет 世界 🎉"), "<p>Привет 世界 🎉</p>\n");
    }
}
