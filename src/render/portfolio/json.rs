//! The portfolio as a JSON document.

use serde_json::{json, Value as Json};

use super::{Evaluated, Figure, Portfolio, SCHEMA_VERSION};
use crate::render::json::to_json;

fn figure_json(f: &Figure) -> Json {
    to_json(&f.value)
}

/// What moved since the earlier run of this month that the plan's run
/// replaced: its verdict and each moved figure's old and new values.
fn changes_in_month_json(e: &Evaluated) -> Json {
    let Some(c) = &e.changes_in_month else {
        return Json::Null;
    };
    let moved: Vec<Json> = c
        .moved
        .iter()
        .map(|m| json!({"kind": m.kind.label(), "id": m.id, "label": m.label, "old": m.old, "new": m.new}))
        .collect();
    json!({
        "previous_month": c.previous_month.to_string(),
        "previous_verdict": c.previous_verdict,
        "verdict_flipped": c.verdict_flipped(),
        "moved": moved,
    })
}

/// When the run that made a plan's files was generated.
fn generated_at(t: Option<chrono::DateTime<chrono::Utc>>) -> Json {
    t.map_or(Json::Null, |t| {
        json!(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    })
}

fn changes_json(e: &Evaluated) -> Json {
    let Some(c) = &e.changes else {
        return Json::Null;
    };
    let moved: Vec<Json> = e
        .moved
        .iter()
        .map(|m| {
            json!({
                "kind": m.kind.label(),
                "id": m.id,
                "label": m.label,
                "old": m.old,
                "new": m.new,
            })
        })
        .collect();
    json!({
        "previous_month": c.previous_month.to_string(),
        "previous_run_replaced": c.replaced,
        "previous_verdict": c.previous_verdict,
        "verdict_flipped": c.verdict_flipped(),
        "moved": moved,
    })
}

/// The portfolio as a JSON document.
pub fn document(p: &Portfolio) -> Json {
    let plans: Vec<Json> = p
        .rows
        .iter()
        .map(|r| match &r.outcome {
            Ok(e) => json!({
                "stem": r.stem,
                "plan_file": r.plan_file,
                "plan": r.title,
                "status": "ok",
                "workbook": p.workbooks.then(|| format!("{}.xlsx", r.stem)),
                "verdict": e.verdict,
                "answer": e.answer,
                "monthly_savings": figure_json(&e.monthly_savings),
                "payback_months": figure_json(&e.payback_months),
                "current_daily_tokens": figure_json(&e.current_daily_tokens),
                "break_even_tokens_per_day_all_in": figure_json(&e.break_even_all_in),
                "is_above_break_even_all_in": e.above_break_even_all_in,
                "warnings": e.warnings,
                "changes": changes_json(e),
                "changes_since_earlier_run_of_month": changes_in_month_json(e),
                "generated_at": generated_at(r.generated_at),
                "kept_from_earlier_run": r.kept,
            }),
            Err(error) => json!({
                "stem": r.stem,
                "plan_file": r.plan_file,
                "status": "failed",
                "error": error,
            }),
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "month": p.month.map(|m| m.to_string()),
        "generated_at": p.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "tool_version": env!("CARGO_PKG_VERSION"),
        "summary": p.counts(),
        "plans": plans,
    })
}

/// The JSON document as pretty-printed bytes.
pub fn render_json(p: &Portfolio) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&document(p)).expect("JSON of plain values");
    out.push(b'\n');
    out
}
