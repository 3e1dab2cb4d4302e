//! The JSON output: every input and figure, for machines.

use crate::id;
use serde_json::{json, Map, Value as Json};

use crate::report::Report;
use crate::value::Value;

/// The version of the JSON layout; bumped when a key changes meaning.
pub const SCHEMA_VERSION: u32 = 3;

/// Converts a model value to JSON: "never" becomes `null`.
pub fn to_json(v: &Value) -> Json {
    v.to_json()
}

/// Builds the JSON document for a report.
pub fn document(r: &Report) -> Json {
    let mut results = Map::new();
    for q in &r.model.quantities {
        if !q.has(crate::model::Role::TableCell) {
            results.insert(q.id.clone(), to_json(r.value(&q.id)));
        }
    }
    let mut inputs = Map::new();
    for i in &r.inputs.items {
        inputs.insert(
            i.id.clone(),
            json!({
                "label": i.label,
                "value": to_json(&i.value),
                "unit": i.unit.label(),
                "source": i.source.describe(),
            }),
        );
    }
    let training = if r.inputs.shape.has_training {
        json!({
            "num_gpus": to_json(r.value(id::TRAINING_NUM_GPUS)),
            "tokens_per_second": to_json(r.value(id::TRAINING_TOKENS_PER_SECOND)),
            "total_tokens": to_json(r.value(id::TRAINING_TOTAL_TOKENS)),
            "training_hours": to_json(r.value(id::TRAINING_HOURS)),
            "cost_per_hour": to_json(r.value(id::TRAINING_COST_PER_HOUR)),
            "total_cost_usd": to_json(r.value(id::TRAINING_COST_PER_RUN_ESTIMATE)),
            "spot_pricing": to_json(r.value(id::TRAINING_SPOT)),
        })
    } else {
        Json::Null
    };
    let reasons: Vec<Json> = r
        .reasons
        .iter()
        .map(|x| json!({"factor": x.id, "points": x.points, "reason": x.text}))
        .collect();
    let warnings: Vec<Json> = r
        .warnings
        .iter()
        .map(|w| json!({"id": w.id, "title": w.title, "message": w.message, "plan_fields": w.plan_fields}))
        .collect();
    let meta = &r.inputs.meta;
    json!({
        "schema_version": SCHEMA_VERSION,
        "plan": meta.title,
        "as_of": meta.as_of.to_string(),
        "owner": meta.owner,
        "plan_file": meta.file,
        "plan_sha256": meta.sha256,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "generated_at": r.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "verdict": r.verdict(),
        "recommended": r.recommended(),
        // The yearly API price change at which the verdict flips; null when
        // none from -100% to +100% does, or the plan cannot be built.
        "flip_api_price_change_per_year": match r.price_flip {
            crate::report::PriceFlip::At(x) => json!(x),
            _ => Json::Null,
        },
        // What would change the decision: each lever of the recommended
        // candidate, found by solving the rule (its net present value over
        // its timeline, given that it can be built).
        "levers": r.levers.iter().map(|l| json!({
            "input": l.input,
            "label": l.label,
            "unit": l.unit.label(),
            "today": l.today,
            "flips_at": l.flips_at,
        })).collect::<Vec<_>>(),
        "marginal": r.marginal(),
        "feasible": r.feasible(),
        "capacity_checked": r.capacity_checked(),
        "answer": to_json(r.value(id::VERDICT_SENTENCE)),
        "headline": to_json(r.value(id::HEADLINE)),
        "results": results,
        "training": training,
        "decision": {
            "lean": to_json(r.value(id::DECISION_LEAN)),
            "score": to_json(r.value(id::DECISION_SCORE)),
            "reasons": reasons,
        },
        "warnings": warnings,
        "inputs": inputs,
        "ranges": ranges(r),
        "simulation": simulation(r),
        "tornado": tornado(r),
        "options": options(r),
        "candidates": comparison_table(r),
    })
}

/// The comparison's table: a row per candidate (the API, the plan, each
/// option), each with its id and its figure in every column.
fn comparison_table(r: &Report) -> Json {
    let table = &r.model.candidates;
    table
        .candidates
        .iter()
        .enumerate()
        .map(|(k, candidate)| {
            let mut row = Map::new();
            row.insert("id".to_string(), json!(r.candidate_id(*candidate)));
            for column in &table.columns {
                let name = column
                    .column
                    .id
                    .strip_prefix("candidates_")
                    .unwrap_or(&column.column.id);
                let value = column
                    .column
                    .cells
                    .get(k)
                    .map_or(Json::Null, |cell| to_json(r.value(cell.id())));
                row.insert(name.to_string(), value);
            }
            Json::Object(row)
        })
        .collect()
}

fn options(r: &Report) -> Json {
    r.model
        .options
        .iter()
        .zip(&r.options)
        .zip(&r.inputs.options)
        .map(|((case, result), option)| {
            // Every figure on the option's own timeline; the checks and the
            // verdict, its words and warnings belong to the plan.
            let mut results = Map::new();
            for q in &r.model.quantities {
                if !q.has(crate::model::Role::Check) && q.sheet != crate::model::Sheet::Comparison {
                    results.insert(q.id.clone(), to_json(result.value(r, &q.id)));
                }
            }
            let reasons = r.infeasible_reasons(result);
            let changed: Map<String, Json> = case
                .overrides
                .iter()
                .map(|(id, _)| {
                    (
                        id.clone(),
                        result.inputs.get(id).map_or(Json::Null, to_json),
                    )
                })
                .collect();
            json!({
                "id": option.id,
                "label": option.label,
                "kind": result.get(r, id::FINE_TUNING_KIND).map_or(Json::Null, to_json),
                "feasible": result.value(r, id::FEASIBLE) != &Value::Bool(false),
                "infeasible_reasons": reasons,
                "changed_inputs": changed,
                "results": results,
                "warnings": [],
            })
        })
        .collect()
}

fn percentiles(p: &crate::analysis::simulate::Percentiles) -> Json {
    json!({"p10": p.p10, "p50": p.p50, "p90": p.p90})
}

fn ranges(r: &Report) -> Json {
    r.inputs
        .ranges
        .iter()
        .map(|x| json!({"input": x.id, "low": x.low, "base": x.base, "high": x.high}))
        .collect()
}

fn simulation(r: &Report) -> Json {
    let Some(s) = &r.simulation else {
        return Json::Null;
    };
    json!({
        "trials": s.trials,
        "seed": s.seed,
        "distribution": "PERT on low/base/high",
        "monthly_savings": percentiles(&s.monthly_savings),
        "payback_months": percentiles(&s.payback_months),
        "total_project_cost": percentiles(&s.total_project_cost),
        "probability_payback_within_lifetime": s.probability_payback_within_lifetime,
        "probability_above_break_even": s.probability_above_break_even,
        "candidates": candidates(r, s),
    })
}

/// Each candidate's odds: the plan's, then each option's.
fn candidates(r: &Report, s: &crate::analysis::simulate::Simulation) -> Json {
    let plan = r.plan_case();
    let ids =
        std::iter::once(plan.id.as_str()).chain(r.inputs.options.iter().map(|o| o.id.as_str()));
    ids.zip(&s.candidates)
        .map(|(id, odds)| {
            json!({
                "candidate": id,
                "probability_payback_within_lifetime": odds.payback_share,
                "median_payback_months": odds.median_payback,
            })
        })
        .collect()
}

fn tornado(r: &Report) -> Json {
    r.tornado_bars()
        .iter()
        .map(|b| {
            json!({
                "input": b.input,
                "low": b.low,
                "high": b.high,
                "payback_low": to_json(&b.payback_low),
                "payback_high": to_json(&b.payback_high),
                "savings_low": b.savings_low,
                "savings_high": b.savings_high,
            })
        })
        .collect()
}

/// The JSON document as pretty-printed bytes.
pub fn render(r: &Report) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&document(r)).expect("JSON of plain values");
    out.push(b'\n');
    out
}
