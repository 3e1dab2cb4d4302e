//! The figure ids the renderers look figures up by.
//!
//! Renderers select figures by role or by the constants of
//! `finetune_roi::id`, which `build.rs` generates from the model's and the
//! spec table's definitions: a misspelt constant does not compile. These
//! tests hold the generation to the model (every constant is an id some plan
//! has, every id written in a definition has its constant) and the renderers
//! to the constants (no string literal in `src/render` or `src/report` names
//! a figure, or nearly does).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use finetune_roi::id;
use finetune_roi::inputs::INPUTS;

use super::common::*;

/// Every plan option turned on: ranges, volume growth, the training estimate,
/// the serving throughput, decision factors, actuals, options and a managed
/// candidate.
fn maximal_plan() -> String {
    let base = std::fs::read_to_string(root().join("inputs/support-bot-uncertain.yaml")).unwrap();
    format!(
        "{base}actuals:\n  2026-09: {{requests_per_day: 52000, api_bill: 8100}}\n  \
         2026-10: {{requests_per_day: 61000, api_bill: 9000}}\n\
         options:\n  - id: 70b\n    fine_tuned: {{model_size_b: 70, method: qlora}}\n    \
         serving: {{instance: a100_80g, instances: 4, gpus_per_replica: 2}}\n  \
         - id: managed\n    kind: managed\n    offer: openai-gpt-4o-mini\n"
    )
}

/// A plan whose serving throughput nobody measured (an 8B on an L4: the
/// catalogue measures a 7B there), so its capacity is not checked.
fn unmeasured_plan() -> String {
    let text = replace_once(
        &worked_example_text(),
        "  throughput_tokens_per_second: 5000\n",
        "",
    );
    let text = replace_once(
        &text,
        "  instance: a10g\n  instances: 2",
        "  instance: l4\n  instances: 2",
    );
    replace_once(&text, "model_size_b: 7", "model_size_b: 8")
}

/// Input, quantity and timeline-row ids of every example and the maximal plan.
fn known_ids() -> BTreeSet<String> {
    let mut known: BTreeSet<String> = INPUTS.iter().map(|s| s.id.to_string()).collect();
    let mut reports: Vec<_> = example_plans().iter().map(|p| report_of(p)).collect();
    reports.push(report_of_text(&maximal_plan()));
    reports.push(report_of_text(&unmeasured_plan()));
    for r in &reports {
        known.extend(r.values.keys().cloned());
        known.extend(r.inputs.items.iter().map(|i| i.id.clone()));
        known.extend(r.model.quantities.iter().map(|q| q.id.clone()));
        known.extend(r.model.timeline.iter().map(|t| t.id.clone()));
    }
    known
}

/// Whether an id is built at run time (an option's figures and inputs, a
/// phase's hours, a range's ends, an input's bounds, a case's values, a candidate's decision
/// score), so that it has no constant.
fn built_at_run_time(id: &str) -> bool {
    id.starts_with("option_")
        || id.starts_with("score_")
        || id.starts_with("candidates_")
        || id.ends_with("_range_low")
        || id.ends_with("_range_high")
        || id.ends_with("_minimum")
        || id.ends_with("_maximum")
        || id.chars().any(|c| c.is_ascii_digit()) && !id.contains("1m") && !id.contains("bf16")
}

#[test]
fn every_generated_id_is_an_id_some_plan_has() {
    let known = known_ids();
    let unknown: Vec<&str> = id::ALL
        .iter()
        .copied()
        .filter(|c| !known.contains(*c))
        .collect();
    assert!(
        unknown.is_empty(),
        "build.rs made constants of what no plan has as an id: {unknown:?}"
    );
    assert!(id::ALL.len() > 200, "only {} constants", id::ALL.len());
    assert_eq!(id::MONTHLY_API_COST, "monthly_api_cost");
}

#[test]
fn every_id_written_in_a_definition_has_its_constant() {
    let constants: BTreeSet<&str> = id::ALL.iter().copied().collect();
    let missing: Vec<String> = known_ids()
        .into_iter()
        .filter(|k| !constants.contains(k.as_str()) && !built_at_run_time(k))
        .collect();
    assert!(
        missing.is_empty(),
        "ids without a constant (teach build.rs how they are defined): {missing:?}"
    );
}

/// The `.rs` files under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The snake_case string literals of a line of code (not of a comment),
/// each with whether it is an object key (`"id": value`, in `json!`).
fn literals(line: &str) -> Vec<(&str, bool)> {
    if line.trim_start().starts_with("//") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else { break };
        let text = &after[..close];
        let tail = &after[close + 1..];
        let snake = text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if snake {
            let key = tail.trim_start().starts_with(':') && !tail.trim_start().starts_with("::");
            out.push((text, key));
        }
        rest = tail;
    }
    out
}

/// Whether a literal names a figure (`r.show("npv")`) or nearly does
/// (`r.show("monthly_savigns")`); object keys of the JSON document are its
/// format rather than look-ups.
fn is_lookup(literal: &str, key: bool, known: &BTreeSet<String>) -> bool {
    let near = || {
        literal.contains('_')
            && literal.len() >= 8
            && known
                .iter()
                .any(|k| k != literal && strsim::levenshtein(k, literal) <= 2)
    };
    !key && (known.contains(literal) || near())
}

/// Where a literal in a renderer or the report names a figure or nearly does.
fn literal_lookups(known: &BTreeSet<String>) -> Vec<String> {
    let mut files = Vec::new();
    sources(&root().join("src/render"), &mut files);
    sources(&root().join("src/report"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (literal, key) in literals(line) {
                if is_lookup(literal, key, known) {
                    found.push(format!("{}:{}: \"{literal}\"", path.display(), n + 1));
                }
            }
        }
    }
    found
}

#[test]
fn no_renderer_looks_a_figure_up_by_a_string_literal() {
    let found = literal_lookups(&known_ids());
    assert!(
        found.is_empty(),
        "look these up by `finetune_roi::id` constants or by role:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_literal_scan_sees_an_id_and_a_near_miss_but_not_keys_or_comments() {
    let known: BTreeSet<String> = ["monthly_savings".to_string()].into();
    let near = |line: &str| {
        literals(line)
            .into_iter()
            .filter(|(l, key)| is_lookup(l, *key, &known))
            .count()
    };
    assert_eq!(near("r.show(\"monthly_savings\")"), 1);
    assert_eq!(near("r.show(\"monthly_savigns\")"), 1);
    assert_eq!(near("\"monthly_savings\": to_json(x),"), 0);
    assert_eq!(near("// r.show(\"monthly_savings\")"), 0);
    assert_eq!(near("r.show(id::MONTHLY_SAVINGS)"), 0);
}

/// References are resolved when the model is built: every reference of
/// every example's model (and of the plan that writes every input) has its
/// number in the model's symbol table, and that number stands for the id
/// it names; a reference to nothing fails resolution, naming the quantity
/// that reads it, before anything is evaluated.
#[test]
fn the_model_resolves_every_reference_when_it_is_built() {
    use finetune_roi::model::expr::{build, EvalError};
    let mut plans = example_plans();
    plans.push(root().join("tests/fixtures/every_input/plan.yaml"));
    for plan in plans {
        let r = report_of(&plan);
        let m = &r.model;
        let cases = m.scenarios.iter().chain(&m.tornado).chain(&m.options);
        let exprs = m
            .quantities
            .iter()
            .map(|q| &q.expr)
            .chain(m.timeline.iter().map(|t| &t.expr))
            .chain(cases.flat_map(|sc| sc.overrides.iter().map(|(_, e)| e)));
        let mut seen = 0;
        for e in exprs {
            e.for_each_ref(&mut |x| {
                seen += 1;
                let sym = x.sym().unwrap_or_else(|| panic!("`{}` unresolved", x.id()));
                assert_eq!(m.symbols().id(sym), x.id(), "{}", plan.display());
            });
        }
        assert!(seen > 1000, "{}: {seen} references", plan.display());
    }
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let mut model = r.model.clone();
    let k = model
        .quantities
        .iter()
        .position(|q| q.id == "monthly_api_cost")
        .unwrap();
    model.quantities[k].expr = build::r("monthly_api_csot");
    assert_eq!(
        finetune_roi::model::resolve_references(&mut model, &r.inputs),
        Err(EvalError::UnknownReference {
            quantity: "monthly_api_cost".to_string(),
            reference: "monthly_api_csot".to_string(),
        })
    );
    // Two quantities with one id would share one number.
    let mut model = r.model.clone();
    let twin = model.quantities[k].clone();
    model.quantities.push(twin);
    assert_eq!(
        finetune_roi::model::resolve_references(&mut model, &r.inputs),
        Err(EvalError::DuplicateId("monthly_api_cost".to_string()))
    );
    // A case replaces an input the model knows.
    let mut model = r.model.clone();
    model.scenarios[0].overrides[0].0 = "requests_per_dya".to_string();
    let case = model.scenarios[0].id.clone();
    assert_eq!(
        finetune_roi::model::resolve_references(&mut model, &r.inputs),
        Err(EvalError::UnknownReference {
            quantity: case,
            reference: "requests_per_dya".to_string(),
        })
    );
}
