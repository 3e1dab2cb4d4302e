//! Reading a plan file safely: bounded reading, text checks, one walk of the
//! YAML events (with the limits against bombs and deep nesting), then serde.

use std::path::{Path, PathBuf};

use crate::collections::IndexMap;
use serde_yaml::Value as Yaml;
use sha2::{Digest, Sha256};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::check::check_tree;
use super::ranges::extract_ranges;
use super::words::split_serde_message;
use super::{limit_problems, RawPlan, MAX_DEPTH, MAX_KEY_BYTES, MAX_NODES, MAX_PLAN_BYTES};
use crate::yaml::words::shorten;
use crate::yaml::{read_bounded, Diagnostic, Limits, Locator, ReadError, Refusal, Visitor, Within};

/// What a plan's walk refuses.
const PLAN_LIMITS: Limits = Limits {
    max_depth: Some(MAX_DEPTH),
    max_nodes: Some(MAX_NODES),
    max_key_bytes: Some(MAX_KEY_BYTES),
    one_document: true,
    alias_keys: true,
};

/// A plan file read and parsed, with what is needed to locate its fields.
#[derive(Debug, Clone)]
pub struct LoadedPlan {
    pub path: PathBuf,
    /// The file name as shown in messages.
    pub display_name: String,
    pub raw: RawPlan,
    pub locator: Locator,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The plan's text (BOM removed).
    pub text: String,
}

/// Reads and parses a plan file. Every error names the file; structural
/// errors carry a line and column. At most [`MAX_PLAN_BYTES`] + 1 bytes are
/// ever read, whatever the file is (a device or a pipe included).
pub fn load(path: &Path) -> Result<LoadedPlan, Vec<Diagnostic>> {
    let display_name = path.display().to_string();
    let bytes = read_bounded(path, MAX_PLAN_BYTES as u64)
        .map_err(|e| vec![Diagnostic::new(&display_name, None, "", read_problem(e))])?;
    from_bytes(&bytes, path, display_name)
}

/// Parses plan text as if it had been read from the file `file`.
pub fn load_text(text: &str, file: &str) -> Result<LoadedPlan, Vec<Diagnostic>> {
    from_bytes(text.as_bytes(), Path::new(file), file.to_string())
}

/// Parses a plan file's bytes.
fn from_bytes(
    bytes: &[u8],
    path: &Path,
    display_name: String,
) -> Result<LoadedPlan, Vec<Diagnostic>> {
    let sha256 = hex(&Sha256::digest(bytes));
    let (raw, locator) = parse(bytes, &display_name)?;
    // parse() accepted the bytes, so they are UTF-8.
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    Ok(LoadedPlan {
        text,
        path: path.to_path_buf(),
        display_name,
        raw,
        locator,
        sha256,
    })
}

/// Why a plan file could not be read, in words.
fn read_problem(e: ReadError) -> String {
    let too_big = |size: String| {
        format!("the plan is {size}; plans larger than {MAX_PLAN_BYTES} bytes (1 MiB) are refused")
    };
    match e {
        ReadError::Io(e) => format!("cannot read the plan: {e}"),
        ReadError::Folder => "this is a folder, not a plan file".to_string(),
        ReadError::NotAFile(kind) => {
            format!("expected a plan file, found {kind}; a plan is read from a regular file")
        }
        ReadError::TooLarge { bytes: Some(n) } => too_big(format!("{n} bytes")),
        ReadError::TooLarge { bytes: None } => too_big(format!("more than {MAX_PLAN_BYTES} bytes")),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses plan text (the bytes of a file) into the raw plan and its locator.
/// Never panics, whatever the bytes; time and memory grow with the size of
/// the input, which is bounded by [`MAX_PLAN_BYTES`].
pub fn parse(bytes: &[u8], file: &str) -> Result<(RawPlan, Locator), Vec<Diagnostic>> {
    let text =
        decode(bytes).map_err(|(pos, message)| vec![Diagnostic::new(file, pos, "", message)])?;
    let scan = prescan(text, file).map_err(|d| vec![d])?;
    if !scan.duplicates.is_empty() {
        return Err(limit_problems(scan.duplicates));
    }
    deserialize(text, scan.locator, file)
}

/// A refusal of the plan's text as a whole: its place, if known, and why.
type TextProblem = (Option<(usize, usize)>, String);

/// The plan's text: at most [`MAX_PLAN_BYTES`], UTF-8 without its byte-order
/// mark, and no character YAML forbids. A refusal has its place, if known.
fn decode(bytes: &[u8]) -> Result<&str, TextProblem> {
    if bytes.len() > MAX_PLAN_BYTES {
        return Err((
            None,
            format!(
                "the plan is {} bytes; plans larger than {MAX_PLAN_BYTES} bytes (1 MiB) are refused",
                bytes.len()
            ),
        ));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err((
            Some((1, 1)),
            "the plan is saved as UTF-16; save it as UTF-8".to_string(),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match control_character(text) {
        Some(problem) => Err(problem),
        None => Ok(text),
    }
}

/// Where the first byte that is not UTF-8 stands, and what to do about it.
fn not_utf8(bytes: &[u8], valid_up_to: usize) -> TextProblem {
    let before = &bytes[..valid_up_to];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (
        Some((line, column)),
        format!(
            "expected text encoded as UTF-8, found the byte 0x{:02x} (offset {}), which is not UTF-8; save the plan as UTF-8",
            bytes[valid_up_to], valid_up_to
        ),
    )
}

/// The first character YAML does not allow in a file: C0 and C1 controls
/// other than tab, line feed, carriage return and next line, and DEL.
fn control_character(text: &str) -> Option<TextProblem> {
    let (mut line, mut column) = (1, 1);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 1;
            continue;
        }
        if c.is_control() && !matches!(c, '\t' | '\r' | '\u{85}') {
            return Some((
                Some((line, column)),
                format!(
                    "expected printable text, found the control character U+{:04X}; remove it",
                    c as u32
                ),
            ));
        }
        column += 1;
    }
    None
}

/// The plan deserialized; numbers written as ranges are read at their base
/// value and kept in [`RawPlan::ranges`].
fn deserialize(
    text: &str,
    locator: Locator,
    file: &str,
) -> Result<(RawPlan, Locator), Vec<Diagnostic>> {
    let mut tree = match serde_yaml::from_str::<Yaml>(text) {
        Ok(tree) => tree,
        Err(e) => return Err(explain_failure(text, &e, &locator, file)),
    };
    let mut ranges = IndexMap::default();
    extract_ranges(&mut tree, "", &mut ranges);
    // serde_yaml ignores tags where it deserializes a number: a plan with a
    // tag (`!!str 50000`, which the tree holds as text) is checked against
    // the schema, which refuses anything but a bare number there.
    if ranges.is_empty() && (has_tag(&tree) || text.contains("!!") || text.contains("!<")) {
        let problems = check_tree(&tree, &locator, file);
        if !problems.is_empty() {
            return Err(limit_problems(problems));
        }
    }
    if ranges.is_empty() {
        return match serde_yaml::from_str::<RawPlan>(text) {
            Ok(raw) => Ok((raw, locator)),
            Err(e) => Err(explain_failure(text, &e, &locator, file)),
        };
    }
    // With ranges, the written tree is checked as a whole first: deserializing
    // the rewritten tree would accept what the text deserializer refuses.
    if let Ok(written) = serde_yaml::from_str::<Yaml>(text) {
        let problems = check_tree(&written, &locator, file);
        if !problems.is_empty() {
            return Err(limit_problems(problems));
        }
    }
    match serde_yaml::from_value::<RawPlan>(tree) {
        Ok(mut raw) => {
            raw.ranges = ranges;
            Ok((raw, locator))
        }
        Err(e) => Err(explain_failure(text, &e, &locator, file)),
    }
}

/// True when a value of the tree carries a tag.
fn has_tag(v: &Yaml) -> bool {
    match v {
        Yaml::Tagged(_) => true,
        Yaml::Sequence(items) => items.iter().any(has_tag),
        Yaml::Mapping(map) => map.iter().any(|(k, v)| has_tag(k) || has_tag(v)),
        _ => false,
    }
}

/// Every problem serde_yaml's refusal stands for: the YAML tree checked
/// against the plan's schema, or serde_yaml's own message in plain words.
fn explain_failure(
    text: &str,
    e: &serde_yaml::Error,
    locator: &Locator,
    file: &str,
) -> Vec<Diagnostic> {
    if let Ok(tree) = serde_yaml::from_str::<Yaml>(text) {
        let problems = check_tree(&tree, locator, file);
        if !problems.is_empty() {
            return limit_problems(problems);
        }
    }
    let (field, message) = split_serde_message(&e.to_string());
    let pos = match e.location() {
        Some(l) => Some((l.line(), l.column())),
        None => locator.find(&field),
    };
    vec![Diagnostic::new(file, pos, &field, message)]
}

/// What the event walk learns about a plan.
#[derive(Debug)]
struct Scan<'f> {
    file: &'f str,
    locator: Locator,
    /// Keys given twice in one mapping.
    duplicates: Vec<Diagnostic>,
}

impl Visitor<String> for Scan<'_> {
    fn key(
        &mut self,
        _parent: &String,
        name: &str,
        path: &String,
        pos: (usize, usize),
        first_line: Option<usize>,
    ) {
        if let Some(first) = first_line {
            self.duplicates.push(Diagnostic::new(
                self.file,
                Some(pos),
                path,
                format!(
                    "`{}` is given twice in one mapping (first on line {first}); keep one",
                    shorten(name)
                ),
            ));
        }
        self.locator.record_key(path, pos);
    }

    fn scalar(&mut self, path: &String, _value: &str, _style: TScalarStyle, mark: &Marker) {
        self.locator
            .record_value(path, (mark.line(), mark.col() + 1));
    }

    fn alias(&mut self, path: &String, pos: (usize, usize)) {
        self.locator.record_value(path, pos);
    }

    fn collection(&mut self, path: &String, pos: (usize, usize), within: Within) {
        // A collection's own place is its key's, unless it has none; the
        // document's is its start.
        match within {
            Within::Mapping => {}
            Within::List => self.locator.record_value(path, pos),
            Within::Document => self.locator.record_value(path, (1, 1)),
        }
    }
}

/// Walks the YAML event stream once before deserializing: refuses documents
/// that nest too deeply, expand (through aliases) to too many nodes or carry
/// over-long keys; records where each field path stands and which keys are
/// given twice.
fn prescan<'f>(text: &str, file: &'f str) -> Result<Scan<'f>, Diagnostic> {
    let mut scan = Scan {
        file,
        locator: Locator::default(),
        duplicates: Vec::new(),
    };
    crate::yaml::walk(text, PLAN_LIMITS, &mut scan)
        .map_err(|e| Diagnostic::new(file, Some(e.pos), &e.path, refusal_message(&e.refusal)))?;
    Ok(scan)
}

/// Why the walk refused a plan, in words.
fn refusal_message(refusal: &Refusal) -> String {
    let too_deep = || format!("the plan nests deeper than {MAX_DEPTH} levels; refused");
    match refusal {
        Refusal::Syntax { info } if info.contains("recursion limit") => too_deep(),
        Refusal::Syntax { info } => format!("not valid YAML: {info}{}", syntax_hint(info)),
        Refusal::TooDeep => too_deep(),
        Refusal::TooManyNodes => format!(
            "the plan expands to more than {MAX_NODES} YAML nodes (through aliases); refused"
        ),
        Refusal::LongKey { bytes } => format!(
            "expected a field name, found a key of {bytes} bytes; keys are at most {MAX_KEY_BYTES} bytes"
        ),
        Refusal::CollectionKey => {
            "expected a field name as the key, found a mapping or list".to_string()
        }
        Refusal::AliasKey => "expected a field name as the key, found an alias".to_string(),
        Refusal::SecondDocument => {
            "expected one YAML document, found a second (`---`); a plan file holds one".to_string()
        }
    }
}

/// A hint for YAML syntax errors that trip people up.
fn syntax_hint(info: &str) -> &'static str {
    if info.contains("tab") {
        " (YAML indents with spaces, not tabs: replace the tab with spaces)"
    } else if info.contains("mapping values are not allowed") {
        " (a value contains `: `; quote it, or check the indentation)"
    } else if info.contains("quoted scalar") {
        " (check that every quote is closed)"
    } else if info.contains("did not find expected") || info.contains("while parsing") {
        " (check the indentation and that brackets and quotes are closed)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_finds_values_keys_and_parents() {
        let text = "plan: x\nbaseline:\n  requests_per_day: 5\n  list: [1, 2]\n";
        let loc = prescan(text, "t.yaml").unwrap().locator;
        assert_eq!(loc.find("baseline.requests_per_day"), Some((3, 21)));
        assert_eq!(loc.find_key("baseline.requests_per_day"), Some((3, 3)));
        assert_eq!(loc.find("baseline"), Some((2, 1)));
        assert_eq!(loc.find("baseline.missing"), Some((2, 1)));
        assert_eq!(loc.find("baseline.list[1]"), Some((4, 13)));
        assert_eq!(loc.find("missing"), Some((1, 1)));
    }

    #[test]
    fn refuses_quadratic_alias_expansion() {
        let mut text = String::from("a: &a [");
        text.push_str(&vec!["x"; 5000].join(","));
        text.push_str("]\nb: [");
        text.push_str(&vec!["*a"; 5000].join(","));
        text.push_str("]\n");
        let err = prescan(&text, "t.yaml").unwrap_err();
        assert!(
            err.message.contains("expands to more than"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_deep_nesting() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = prescan(&text, "t.yaml").unwrap_err();
        assert!(err.message.contains("nests deeper"), "{}", err.message);
    }

    #[test]
    fn refuses_long_keys() {
        let text = format!("{}: 1\n", "k".repeat(MAX_KEY_BYTES + 1));
        let err = prescan(&text, "t.yaml").unwrap_err();
        assert!(err.message.contains("keys are at most"), "{}", err.message);
    }

    #[test]
    fn finds_duplicate_keys() {
        let scan = prescan("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "t.yaml").unwrap();
        let fields: Vec<&str> = scan.duplicates.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["b.c", "a"]);
        assert!(scan.duplicates[0].message.contains("first on line 3"));
    }
}
