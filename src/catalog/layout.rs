//! Where things stand in one catalogue file: keys, scalars with their byte
//! spans (so that values can be rewritten in place), the end of each
//! section, and keys given twice. Built by one walk of the YAML events.

use std::collections::HashMap;

use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::yaml::{Diagnostic, Limits, Refusal, Visitor};

/// A line and column, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    pub(super) line: usize,
    pub(super) column: usize,
}

impl From<(usize, usize)> for Pos {
    fn from((line, column): (usize, usize)) -> Pos {
        Pos { line, column }
    }
}

/// A scalar value and where its text stands.
#[derive(Debug, Clone)]
pub(super) struct ScalarAt {
    pub(super) pos: Pos,
    /// Byte offset of its first character (the quote, if quoted).
    pub(super) start: usize,
    /// Byte offset just past its last character, when it is one line of
    /// plain or quoted text.
    pub(super) end: Option<usize>,
}

/// Where every key and scalar of one YAML file stands, by field path.
#[derive(Debug, Default, Clone)]
pub(super) struct Layout {
    pub(super) keys: HashMap<Vec<String>, Pos>,
    pub(super) scalars: HashMap<Vec<String>, ScalarAt>,
    /// Byte offset just past the text of the last scalar inside each node.
    pub(super) ends: HashMap<Vec<String>, usize>,
    /// The keys of each mapping, in file order.
    pub(super) children: HashMap<Vec<String>, Vec<String>>,
    /// Keys given twice in one mapping.
    pub(super) duplicates: Vec<(Pos, Vec<String>)>,
}

impl Layout {
    /// Where a field's value stands, else its key, else its nearest parent's.
    pub(super) fn find(&self, path: &[String]) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(s) = self.scalars.get(p) {
                return Some(s.pos);
            }
            if let Some(k) = self.keys.get(p) {
                return Some(*k);
            }
            if p.is_empty() {
                return None;
            }
            p = &p[..p.len() - 1];
        }
    }
}

/// Byte offsets of the start of each line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of a marker (whose line counts from 1 and column, in
/// characters, from 0).
fn byte_offset(text: &str, starts: &[usize], m: &Marker) -> usize {
    let Some(&line_start) = starts.get(m.line().saturating_sub(1)) else {
        return text.len();
    };
    text[line_start..]
        .char_indices()
        .nth(m.col())
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// Where a one-line plain or quoted scalar ends, if it is one.
fn scalar_end(text: &str, start: usize, style: TScalarStyle, value: &str) -> Option<usize> {
    let rest = &text[start..];
    match style {
        TScalarStyle::Plain => {
            (!value.contains('\n') && rest.starts_with(value)).then_some(start + value.len())
        }
        TScalarStyle::DoubleQuoted => {
            let mut chars = rest.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => return Some(start + i + 1),
                    '\n' => return None,
                    _ => {}
                }
            }
            None
        }
        TScalarStyle::SingleQuoted => {
            let mut chars = rest.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\'' if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                        chars.next();
                    }
                    '\'' => return Some(start + i + 1),
                    '\n' => return None,
                    _ => {}
                }
            }
            None
        }
        TScalarStyle::Literal | TScalarStyle::Folded => None,
    }
}

/// A YAML problem found while walking the file.
#[derive(Debug)]
pub(super) struct WalkError {
    pub(super) pos: Pos,
    pub(super) path: Vec<String>,
    pub(super) message: String,
}

/// What a catalogue file's walk refuses: nothing but aliases as keys (the
/// file size is bounded before, and serde_yaml bounds the rest).
const CATALOG_LIMITS: Limits = Limits {
    max_depth: None,
    max_nodes: None,
    max_key_bytes: None,
    one_document: false,
    alias_keys: false,
};

/// Walks the YAML event stream once, recording where every key and scalar
/// stands.
pub(super) fn walk(text: &str) -> Result<Layout, WalkError> {
    let mut walk = LayoutWalk {
        text,
        starts: line_starts(text),
        open_block: None,
        layout: Layout::default(),
    };
    crate::yaml::walk(text, CATALOG_LIMITS, &mut walk).map_err(|e| WalkError {
        pos: e.pos.into(),
        path: e.path,
        message: refusal_message(&e.refusal),
    })?;
    Ok(walk.layout)
}

/// Why the walk refused a catalogue file, in words.
fn refusal_message(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Syntax { info } => format!("not valid YAML: {info}"),
        Refusal::CollectionKey => {
            "expected a name as the key, found a mapping or a list".to_string()
        }
        Refusal::AliasKey => "expected a name as the key, found an alias".to_string(),
        Refusal::TooDeep => "the file nests too deeply; refused".to_string(),
        Refusal::TooManyNodes => "the file expands to too many YAML nodes; refused".to_string(),
        Refusal::LongKey { bytes } => format!("expected a name, found a key of {bytes} bytes"),
        Refusal::SecondDocument => "expected one YAML document, found a second".to_string(),
    }
}

/// A walk building a [`Layout`].
struct LayoutWalk<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// A block scalar ends where the next event's line starts.
    open_block: Option<Vec<String>>,
    layout: Layout,
}

impl LayoutWalk<'_> {
    fn extend_ends(&mut self, path: &[String], end: usize) {
        for k in 0..=path.len() {
            let e = self.layout.ends.entry(path[..k].to_vec()).or_insert(end);
            *e = (*e).max(end);
        }
    }
}

impl Visitor<Vec<String>> for LayoutWalk<'_> {
    fn event(&mut self, mark: &Marker) {
        if let Some(path) = self.open_block.take() {
            let end = self
                .starts
                .get(mark.line().saturating_sub(1))
                .copied()
                .unwrap_or(self.text.len());
            self.extend_ends(&path, end);
        }
    }

    fn key(
        &mut self,
        parent: &Vec<String>,
        name: &str,
        path: &Vec<String>,
        pos: (usize, usize),
        first_line: Option<usize>,
    ) {
        let layout = &mut self.layout;
        if first_line.is_some() {
            layout.duplicates.push((pos.into(), path.clone()));
        } else {
            let keys = layout.children.entry(parent.clone()).or_default();
            keys.push(name.to_string());
        }
        layout.keys.entry(path.clone()).or_insert(pos.into());
    }

    fn scalar(&mut self, path: &Vec<String>, value: &str, style: TScalarStyle, mark: &Marker) {
        let start = byte_offset(self.text, &self.starts, mark);
        let end = scalar_end(self.text, start, style, value);
        match end {
            Some(end) => self.extend_ends(path, end),
            None => self.open_block = Some(path.clone()),
        }
        let pos = Pos {
            line: mark.line(),
            column: mark.col() + 1,
        };
        let at = ScalarAt { pos, start, end };
        self.layout.scalars.entry(path.clone()).or_insert(at);
    }
}

pub(super) fn show_path(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if !seg.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(seg);
    }
    out
}

pub(super) fn diagnostic(file: &str, pos: Option<Pos>, field: &str, message: String) -> Diagnostic {
    Diagnostic::new(file, pos.map(|p| (p.line, p.column)), field, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_ends_are_found_for_one_line_values() {
        let text = "a: plain value  # c\nb: \"q \\\" x\"\nc: 'it''s'\n";
        let layout = walk(text).unwrap();
        let end = |k: &str| {
            let s = &layout.scalars[&vec![k.to_string()]];
            &text[s.start..s.end.unwrap()]
        };
        assert_eq!(end("a"), "plain value");
        assert_eq!(end("b"), "\"q \\\" x\"");
        assert_eq!(end("c"), "'it''s'");
    }

    #[test]
    fn the_catalogue_walk_refuses_alias_keys_but_not_what_only_plans_refuse() {
        let err = walk("a: &k x\n*k : 1\n").unwrap_err();
        assert_eq!(err.message, "expected a name as the key, found an alias");
        assert_eq!(err.pos, Pos { line: 2, column: 1 });
        let err = walk("? [a]\n: 1\n").unwrap_err();
        assert_eq!(
            err.message,
            "expected a name as the key, found a mapping or a list"
        );
        let err = walk("api: [1\n").unwrap_err();
        assert!(
            err.message.starts_with("not valid YAML: "),
            "{}",
            err.message
        );
        assert!(!err.message.contains(" (check"), "{}", err.message);
        // A second document and keys longer than a plan allows are left to serde.
        assert!(walk("a: 1\n---\nb: 2\n").is_ok());
        assert!(walk(&format!("{}: 1\n", "k".repeat(300))).is_ok());
    }

    #[test]
    fn sections_know_their_keys_in_order_their_end_and_their_duplicates() {
        let text = "api:\n  b: 1\n  a: |\n    x\n  b: 2\ngpus: {}\n";
        let layout = walk(text).unwrap();
        let api = vec!["api".to_string()];
        assert_eq!(layout.children[&api], ["b", "a"]);
        assert_eq!(layout.duplicates.len(), 1);
        assert_eq!(layout.duplicates[0].0, Pos { line: 5, column: 3 });
        assert_eq!(
            &text[..layout.ends[&api]],
            "api:\n  b: 1\n  a: |\n    x\n  b: 2"
        );
        assert_eq!(
            layout.find(&["api".to_string(), "c".to_string()]),
            Some(Pos { line: 1, column: 1 })
        );
        assert_eq!(layout.find(&["zzz".to_string()]), None);
    }
}
