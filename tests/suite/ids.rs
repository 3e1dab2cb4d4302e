//! Every id that the code looks a figure up by is an id the model knows.
//!
//! Looking a figure up never panics: an unknown id reads as "never", so a typo
//! in `r.show("monthly_savigns")` would go unnoticed. This test reads the
//! sources under `src/` and checks each string literal that is passed as an id
//! against the inputs of the spec table and the inputs, quantities and
//! timeline rows of the example plans and of one plan that turns every
//! optional part on.
//!
//! A literal counts as an id when it is
//! - an argument of a call to one of [`LOOKUPS`] (`r.show("id")`,
//!   `case.value(r, "id")`, `show_in(r, case, "id")`, `r.values.get("id")`,
//!   a renderer's local `money("id")`, ...),
//! - the value of a struct field of [`ID_FIELDS`] (`today: "id"`),
//! - compared with an id field (`m.id == "id"`, `m.id != "id"`),
//! - a pattern of a match on an id (`match spec.id { "id" => ... }`), or
//! - an element of an array literal (possibly inside tuples) most of whose
//!   id-shaped (snake_case) literals are known ids: a list of ids the code
//!   iterates over. (A list of two with one typo is not told from a list of
//!   plan field names that happens to hold one id.)
//!
//! Out of scope: ids built at run time (`format!("{id}_low")` and the like),
//! and `src/model/`, whose `r("id")` references evaluation already checks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use finetune_roi::inputs::INPUTS;

use super::common::*;

/// The functions and methods whose string-literal arguments are ids.
const LOOKUPS: &[&str] = &[
    // Report and ScenarioResult.
    "get",
    "value",
    "num",
    "flag",
    "unit",
    "label",
    "show",
    // The report's value and timeline maps, and Inputs (`has`).
    "contains_key",
    "has",
    // The renderers' and warnings' helpers.
    "show_in",
    "show_case",
    "figure",
    "optional",
    "observed_month",
    "of",
    "cell_of",
    "money",
    "points",
    "text",
    "share",
    "write_name_ref",
    // `std::iter::once("id").chain(ids)` (not `once((x, "text"))`: a literal
    // inside a tuple argument is not an id argument).
    "once",
];

/// Struct fields that hold an id (`today: "current_daily_tokens"`).
const ID_FIELDS: &[&str] = &["today", "flip", "quantity"];

/// What under `src/` is not scanned: the model (evaluation checks its
/// references), the layers below the inputs, and the files that read YAML or
/// JSON by key (`map.get("label")`), not figures.
const SKIPPED: &[&str] = &[
    "model",
    "yaml",
    "plan",
    "catalog",
    "inputs/options.rs",
    "inputs/docs.rs",
];

/// Every plan option turned on: ranges, volume growth, the training estimate,
/// the serving throughput, decision factors, actuals and options.
fn maximal_plan() -> String {
    let base = std::fs::read_to_string(root().join("inputs/support-bot-uncertain.yaml")).unwrap();
    format!(
        "{base}actuals:\n  2026-09: {{requests_per_day: 52000, api_bill: 8100}}\n  \
         2026-10: {{requests_per_day: 61000, api_bill: 9000}}\n\
         options:\n  - id: 70b\n    fine_tuned: {{model_size_b: 70, method: qlora}}\n    \
         serving: {{instance: a100_80g, instances: 4, gpus_per_replica: 2}}\n"
    )
}

/// Input, quantity and timeline-row ids of every example and the maximal plan.
fn known_ids() -> BTreeSet<String> {
    let mut known: BTreeSet<String> = INPUTS.iter().map(|s| s.id.to_string()).collect();
    let mut reports: Vec<_> = example_plans().iter().map(|p| report_of(p)).collect();
    reports.push(report_of_text(&maximal_plan()));
    for r in &reports {
        known.extend(r.values.keys().cloned());
        known.extend(r.inputs.items.iter().map(|i| i.id.clone()));
        known.extend(r.model.quantities.iter().map(|q| q.id.clone()));
        known.extend(r.model.timeline.iter().map(|t| t.id.clone()));
    }
    known
}

/// The `.rs` files under `dir`, but for [`SKIPPED`].
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let src = root().join("src");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let relative = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if SKIPPED.contains(&relative.as_str()) {
            continue;
        }
        if path.is_dir() {
            sources(&path, out);
        } else if relative.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// A string literal: where its opening quote is and what it says.
struct Literal {
    at: usize,
    text: String,
}

/// The source with comments and the insides of string and char literals
/// blanked out (same length, same line breaks), and the string literals.
fn mask(src: &str) -> (Vec<u8>, Vec<Literal>) {
    let b = src.as_bytes();
    let mut code = b.to_vec();
    let mut literals = Vec::new();
    let blank = |code: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut code[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if b[i..].starts_with(b"//") {
            let end = src[i..].find('\n').map_or(b.len(), |k| i + k);
            blank(&mut code, i, end);
            i = end;
        } else if b[i..].starts_with(b"/*") {
            let end = src[i..].find("*/").map_or(b.len(), |k| i + k + 2);
            blank(&mut code, i, end);
            i = end;
        } else if b[i] == b'r' && !ident_before && matches!(b.get(i + 1), Some(b'"' | b'#')) {
            // A raw string: r"..." or r#"..."#.
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            let open = i + 1 + hashes;
            if b.get(open) != Some(&b'"') {
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            let end = src[open + 1..]
                .find(&close)
                .map_or(b.len(), |k| open + 1 + k);
            literals.push(Literal {
                at: open,
                text: src[open + 1..end].to_string(),
            });
            blank(&mut code, open + 1, end);
            i = end + close.len();
        } else if b[i] == b'"' {
            let mut end = i + 1;
            while end < b.len() && b[end] != b'"' {
                end += if b[end] == b'\\' { 2 } else { 1 };
            }
            literals.push(Literal {
                at: i,
                text: src[i + 1..end.min(b.len())].to_string(),
            });
            blank(&mut code, i + 1, end.min(b.len()));
            i = end + 1;
        } else if b[i] == b'\'' && !ident_before {
            // A char literal ('x', '\n', '"'); a lifetime has no closing quote.
            let len = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..].iter().position(|&c| c == b'\'').map(|k| k + 3)
            } else {
                let c = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + c) == Some(&b'\'')).then_some(c + 2)
            };
            match len {
                Some(n) => {
                    blank(&mut code, i + 1, i + n - 1);
                    i += n;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    (code, literals)
}

/// The innermost unmatched bracket before `at`, passing over tuple
/// parentheses: its position, the name of the call it opens (empty for an
/// array or a block), and whether a tuple was passed over.
fn enclosing(code: &str, mut at: usize) -> Option<(usize, &str, bool)> {
    let b = code.as_bytes();
    let mut depth = 0usize;
    let mut tuple = false;
    while at > 0 {
        at -= 1;
        match b[at] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'[' | b'{' => return Some((at, "", tuple)),
            b'(' => {
                let name = code[..at].trim_end_matches(|c: char| c.is_alphanumeric() || c == '_');
                if name.len() < at {
                    return Some((at, &code[name.len()..at], tuple));
                }
                tuple = true;
            }
            _ => {}
        }
    }
    None
}

/// Whether the literal at `at`, inside the block opened at `open`, is a
/// pattern of a match on an id: `match spec.id { "id" => ... }`.
fn is_match_arm_on_id(code: &str, open: usize, at: usize, len: usize) -> bool {
    let after = code[at + len + 2..].trim_start();
    let head = code[..open].trim_end();
    let scrutinee = head.rfind("match ").map(|k| head[k + 6..].trim());
    ["=>", "|", "if "].iter().any(|s| after.starts_with(s))
        && scrutinee.is_some_and(|s| s == "id" || s.ends_with(".id"))
}

fn is_id_shaped(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// An id the code looks up: file, line, id.
struct Reference {
    file: String,
    line: usize,
    id: String,
}

/// The id references of one source file.
fn references(file: &str, src: &str, known: &BTreeSet<String>) -> Vec<Reference> {
    let (code, literals) = mask(src);
    let code = String::from_utf8(code).unwrap();
    let reference = |lit: &Literal| Reference {
        file: file.to_string(),
        line: src[..lit.at].matches('\n').count() + 1,
        id: lit.text.clone(),
    };
    let mut found = Vec::new();
    // Array literals: opening bracket → its id-shaped literals.
    let mut arrays: Vec<(usize, Vec<&Literal>)> = Vec::new();
    for lit in literals.iter().filter(|l| is_id_shaped(&l.text)) {
        let before = code[..lit.at].trim_end();
        let field = before
            .strip_suffix(':')
            .filter(|b| !b.ends_with(':'))
            .map(|b| b.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_'))
            .map(|rest| &before[rest.len()..before.len() - 1]);
        if field.is_some_and(|f| ID_FIELDS.contains(&f))
            || before.ends_with(".id ==")
            || before.ends_with(".id !=")
        {
            found.push(reference(lit));
            continue;
        }
        match enclosing(&code, lit.at) {
            Some((_, name, false)) if LOOKUPS.contains(&name) => found.push(reference(lit)),
            Some((open, "", _)) if code.as_bytes()[open] == b'[' => {
                match arrays.iter_mut().find(|a| a.0 == open) {
                    Some(array) => array.1.push(lit),
                    None => arrays.push((open, vec![lit])),
                }
            }
            Some((open, "", false)) if is_match_arm_on_id(&code, open, lit.at, lit.text.len()) => {
                found.push(reference(lit))
            }
            _ => {}
        }
    }
    for (_, lits) in arrays {
        let ids = lits.iter().filter(|l| known.contains(&l.text)).count();
        if 2 * ids > lits.len() {
            found.extend(lits.into_iter().map(reference));
        }
    }
    found
}

#[test]
fn every_id_the_code_looks_up_is_known() {
    let known = known_ids();
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    files.sort();
    let mut checked = 0;
    let mut unknown = Vec::new();
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let file = path.strip_prefix(root()).unwrap().display().to_string();
        for r in references(&file, &src, &known) {
            checked += 1;
            if !known.contains(&r.id) {
                unknown.push(format!("{}:{}: unknown id \"{}\"", r.file, r.line, r.id));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "ids no plan knows:\n{}",
        unknown.join("\n")
    );
    // The scan finds the lookups at all (a broken scanner finds none).
    assert!(checked > 200, "only {checked} id references found");
}

#[test]
fn the_scanner_finds_calls_lists_and_skips_comments_and_other_strings() {
    let known: BTreeSet<String> = ["monthly_savings", "payback_months"]
        .map(String::from)
        .into();
    let src = r#"
        // r.show("in_a_comment")
        let a = r.show("monthly_savings");
        let b = case.value(
            r,
            "payback_monhts",
        );
        let c = yaml.find("not_a_lookup");
        let d = ["monthly_savings", "payback_months", "monthly_savigns"];
        let e = [("A", "payback_months"), ("B", "monthly_savings"), ("C", "typo")];
        let f = ["name", "as_of", "monthly_savings", "savings-drop:"];
        let g = '"'; let h = money("lifetime_net_savings");
        let i = Lever { name: "not_an_id", today: "review_rate_ft", flip: "flip_x" };
        let j = moved.find(|m| m.id == "verdict" || m.kind == "input");
        let k = match spec.id { "requests_per_day" | "api_bill" if x => "arm_body", _ => "" };
        let l = match id.as_str() { "plan" => 1 };
        let m = std::iter::once((&plan, "plan".to_string())).chain(once("monthly_ft_total"));
    "#;
    let found: Vec<(usize, String)> = references("x.rs", src, &known)
        .into_iter()
        .map(|r| (r.line, r.id))
        .collect();
    let expected = [
        (3, "monthly_savings"),
        (6, "payback_monhts"),
        (12, "lifetime_net_savings"),
        (13, "review_rate_ft"),
        (13, "flip_x"),
        (14, "verdict"),
        (15, "requests_per_day"),
        (15, "api_bill"),
        (17, "monthly_ft_total"),
        (9, "monthly_savings"),
        (9, "payback_months"),
        (9, "monthly_savigns"),
        (10, "payback_months"),
        (10, "monthly_savings"),
        (10, "typo"),
    ]
    .map(|(line, id)| (line, id.to_string()));
    assert_eq!(found, expected);
}
