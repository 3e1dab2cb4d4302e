//! Escaping of text for the memo: Markdown that renders literally (plan
//! text and figures alike, so a `$` can never start GitHub math), Mermaid
//! labels, and the Markdown-to-HTML conversion that turns raw HTML into text
//! and neutralizes link schemes other than http, https and mailto.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Escapes text for Markdown so it renders literally, also inside table
/// cells: emphasis, links, images, raw HTML, entities, tables and math lose
/// their meaning.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Text between the characters that change is copied whole.
    let mut from = 0;
    for (at, c) in text.char_indices() {
        let special = matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '!'
                | '|'
                | '~'
                | '&'
                | '$'
        );
        if !special && !c.is_control() {
            continue;
        }
        out.push_str(&text[from..at]);
        from = at + c.len_utf8();
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if special => {
                out.push('\\');
                out.push(c);
            }
            _ => {}
        }
    }
    out.push_str(&text[from..]);
    out
}

/// Renders Markdown to HTML, turning raw HTML into text and neutralizing
/// links and images whose scheme is not http, https or mailto. Each table
/// sits in a box that scrolls sideways, so a wide table stays whole on a
/// phone instead of being cut off or squeezing the page.
pub fn markdown_to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let events = parser.map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let events = events.flat_map(|e| match e {
        Event::Start(Tag::Table(_)) => vec![Event::Html(CowStr::Borrowed(TABLE_BOX_OPEN)), e],
        Event::End(TagEnd::Table) => vec![e, Event::Html(CowStr::Borrowed("</div>\n"))],
        other => vec![other],
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// The opening of the box around a table: it scrolls sideways when the
/// table is wider than the page.
const TABLE_BOX_OPEN: &str = "<div class=\"table-box\" style=\"overflow-x:auto\">\n";

pub(super) fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let has_scheme = lower.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !has_scheme
        || lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("mailto:")
    {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// Text safe inside a quoted Mermaid label: no quotes, brackets or markup.
pub(super) fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '<' | '>' | '[' | ']' | '{' | '}' | '|' | '`' | '#' | ';' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}
