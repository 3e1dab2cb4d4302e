//! Escaping of text for the memo and the portfolio: Markdown that renders
//! literally (plan text and figures alike, so a `$` can never start GitHub
//! math), the [`Markdown`] that is already markup, the `.md` templates'
//! escaper, Mermaid labels, and the Markdown-to-HTML conversion that turns
//! raw HTML into text and neutralizes link schemes other than http, https
//! and mailto.
//!
//! The `.md` templates escape every value they print with [`md_escape`]
//! ([`MarkdownEscaper`], their default in `askama.toml`), so text needs no
//! call in Rust to stay text. A value that is markup is a [`Markdown`],
//! printed through the `markup` filter: the filter takes nothing else, and
//! a [`Markdown`] is made only by escaping text, from the program's own
//! literals, or by joining other [`Markdown`] values.

use std::fmt;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Whether a character means something to Markdown (GitHub's included):
/// emphasis, links, images, raw HTML, entities, tables and math.
fn is_markdown_special(c: char) -> bool {
    matches!(
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
    )
}

/// Writes text escaped for Markdown: each special character after a
/// backslash, line breaks and tabs as spaces, other control characters
/// dropped.
fn write_md_escaped<W: fmt::Write>(mut dest: W, text: &str) -> fmt::Result {
    // Text between the characters that change is copied whole.
    let mut from = 0;
    for (at, c) in text.char_indices() {
        let special = is_markdown_special(c);
        if !special && !c.is_control() {
            continue;
        }
        dest.write_str(&text[from..at])?;
        from = at + c.len_utf8();
        match c {
            '\n' | '\r' | '\t' => dest.write_char(' ')?,
            c if special => {
                dest.write_char('\\')?;
                dest.write_char(c)?;
            }
            _ => {}
        }
    }
    dest.write_str(&text[from..])
}

/// Escapes text for Markdown so it renders literally, also inside table
/// cells: emphasis, links, images, raw HTML, entities, tables and math lose
/// their meaning.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    write_md_escaped(&mut out, text).expect("a String takes any text");
    out
}

/// The escaper of the `.md` templates (`askama.toml`): every value they
/// print is escaped by [`md_escape`], unless it is [`Markdown`] printed
/// through the `markup` filter.
#[derive(Clone, Copy, Debug, Default)]
pub struct MarkdownEscaper;

impl askama::filters::Escaper for MarkdownEscaper {
    fn write_escaped_str<W: fmt::Write>(&self, dest: W, string: &str) -> fmt::Result {
        write_md_escaped(dest, string)
    }
}

/// Markdown that is markup already. It is made only by escaping text
/// ([`Markdown::text`]), from the program's own literals
/// ([`Markdown::literal`]), by the few constructions below that escape or
/// encode what they are given, or by joining other `Markdown` values; so no
/// text from a plan becomes markup but through [`md_escape`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markdown(String);

impl Markdown {
    /// Text that renders literally.
    pub fn text(text: &str) -> Self {
        Self(md_escape(text))
    }

    /// Markup the program writes itself, such as `**failed**`.
    pub fn literal(markup: &'static str) -> Self {
        Self(markup.to_string())
    }

    /// A code span: `text` in backticks, for the program's identifiers,
    /// cell references and hashes. Text that a code span cannot hold inert
    /// (a backtick, a table's `|`, a line break) is escaped as text instead.
    pub fn code(text: &str) -> Self {
        if text.is_empty()
            || text
                .chars()
                .any(|c| matches!(c, '`' | '|') || c.is_control())
        {
            return Self::text(text);
        }
        Self(format!("`{text}`"))
    }

    /// A line inside a fenced code block (the Mermaid chart's): a backtick
    /// (which could close the fence) and control characters become spaces.
    /// Inert only inside the fence the template writes around it, so it is
    /// for the memo's own chart alone.
    pub(super) fn fenced_line(text: &str) -> Self {
        Self(
            text.chars()
                .map(|c| if c == '`' || c.is_control() { ' ' } else { c })
                .collect(),
        )
    }

    /// A relative link to a file beside this one: the name escaped as its
    /// text, percent-encoded as its target ([`link_to`]).
    pub fn file_link(file_name: &str) -> Self {
        Self(format!(
            "[{}]({})",
            md_escape(file_name),
            link_to(file_name)
        ))
    }

    /// This Markdown in bold.
    pub fn strong(self) -> Self {
        Self(format!("**{}**", self.0))
    }

    /// The parts one after another, `separator` between them.
    pub fn join(parts: impl IntoIterator<Item = Markdown>, separator: &'static str) -> Self {
        let mut out = String::new();
        for (k, part) in parts.into_iter().enumerate() {
            if k > 0 {
                out.push_str(separator);
            }
            out.push_str(&part.0);
        }
        Self(out)
    }

    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Markdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A file name as a relative link: every byte outside the unreserved set
/// percent-encoded, so the name can be neither a scheme nor a path.
pub fn link_to(file_name: &str) -> String {
    let mut out = String::with_capacity(file_name.len());
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `.md` templates' filters.
pub mod filters {
    use std::fmt::Display;

    use super::Markdown;

    /// What the `markup` filter takes: a [`Markdown`] (or a reference to
    /// one), nothing else. Sealed: no other type can be made to pass.
    pub trait IsMarkdown: Display + sealed::Sealed {}

    impl IsMarkdown for Markdown {}
    impl<T: IsMarkdown + ?Sized> IsMarkdown for &T {}

    mod sealed {
        /// Implemented here only, so [`super::IsMarkdown`] is too.
        pub trait Sealed {}

        impl Sealed for super::Markdown {}
        impl<T: Sealed + ?Sized> Sealed for &T {}
    }

    /// Prints [`Markdown`] as it is: the one opt-out of escaping in a `.md`
    /// template, and only for a value that is markup by construction.
    #[askama::filter_fn]
    pub fn markup<T: IsMarkdown>(
        value: T,
        _: &dyn askama::Values,
    ) -> askama::Result<askama::filters::Safe<T>> {
        Ok(askama::filters::Safe(value))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_escaper_is_md_escape_in_any_chunks() {
        use askama::filters::Escaper;
        let text = "a *b* [c](d) <e> | f | $g$ \\ `h`\nend";
        let mut out = String::new();
        for chunk in text.split_inclusive(' ') {
            MarkdownEscaper.write_escaped_str(&mut out, chunk).unwrap();
        }
        assert_eq!(out, md_escape(text));
    }

    #[test]
    fn markdown_is_made_of_escaped_text_or_inert_constructions() {
        assert_eq!(Markdown::text("**b**").as_str(), "\\*\\*b\\*\\*");
        assert_eq!(Markdown::code("Inputs!B4").as_str(), "`Inputs!B4`");
        // What a code span cannot hold inert is escaped as text.
        assert_eq!(Markdown::code("a|b").as_str(), "a\\|b");
        assert_eq!(Markdown::code("a`b").as_str(), "a\\`b");
        assert_eq!(Markdown::code("").as_str(), "");
        assert_eq!(Markdown::fenced_line("x```\ny").as_str(), "x    y");
        assert_eq!(
            Markdown::file_link("a b](javascript:x).xlsx").as_str(),
            "[a b\\](javascript:x).xlsx](a%20b%5D%28javascript%3Ax%29.xlsx)"
        );
        let joined = Markdown::join([Markdown::text("<a>"), Markdown::literal("**")], ", ");
        assert_eq!(joined.strong().as_str(), "**\\<a\\>, ****");
    }
}
