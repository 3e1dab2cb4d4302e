//! One problem found in a file, and lists of them.

use std::fmt;

/// At most this many problems are listed for one file (or catalogue); the
/// rest are counted.
pub const MAX_PROBLEMS: usize = 50;

/// One problem found in a file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path, such as `baseline.requests_per_day` (empty if unknown).
    pub field: String,
    pub message: String,
}

impl Diagnostic {
    /// A problem at `pos` (line and column, both from 1), if known.
    pub fn new(file: &str, pos: Option<(usize, usize)>, field: &str, message: String) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            field: field.to_string(),
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", inert(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", inert(&self.message))
        } else {
            write!(f, ": {}: {}", inert(&self.field), inert(&self.message))
        }
    }
}

/// Text from a file made safe for a terminal: control characters and
/// bidirectional overrides are shown as escapes instead of acting.
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    let risky =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(risky) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if risky(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Keeps the first `max` problems; when there are more, a last line (of the
/// first problem's file, with no place) says so in the words `more` gives
/// for the number left out.
pub fn keep_first(
    mut problems: Vec<Diagnostic>,
    max: usize,
    more: impl FnOnce(usize) -> String,
) -> Vec<Diagnostic> {
    if problems.len() > max {
        let left_out = problems.len() - max;
        let file = problems[0].file.clone();
        problems.truncate(max);
        problems.push(Diagnostic::new(&file, None, "", more(left_out)));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_messages_are_inert() {
        let d = Diagnostic::new(
            "p\u{1b}.yaml",
            Some((1, 2)),
            "a\u{202e}b",
            "found \u{7}".to_string(),
        );
        assert_eq!(
            d.to_string(),
            "p\\u{1b}.yaml:1:2: a\\u{202e}b: found \\u{7}"
        );
    }

    #[test]
    fn a_long_list_keeps_its_first_problems_and_counts_the_rest() {
        let problems: Vec<Diagnostic> = (1..=5)
            .map(|i| Diagnostic::new("f.yaml", Some((i, 1)), "x", format!("p{i}")))
            .collect();
        let kept = keep_first(problems.clone(), 3, |n| format!("{n} more"));
        assert_eq!(kept.len(), 4);
        assert_eq!(kept[..3], problems[..3]);
        assert_eq!(kept[3].to_string(), "f.yaml: 2 more");
        assert_eq!(
            keep_first(problems.clone(), 5, |n| format!("{n}")),
            problems
        );
    }
}
