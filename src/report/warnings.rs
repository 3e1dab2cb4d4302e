//! The warnings and the decision factors' reasons: sentences over the
//! report's values, for the memo and the workbook's Summary.

use crate::format::{self, Unit};

use super::{Reason, Report, Warning};
use crate::model::Role;

/// The warnings for the reader, in the order the memo lists them: the
/// model's own (formulas, so the workbook's Summary shows the same), then
/// those about the options and the training estimate's source.
pub(super) fn warnings(r: &Report) -> Vec<Warning> {
    let mut out: Vec<Warning> = r
        .model
        .with_role(Role::Warning)
        .into_iter()
        .filter_map(|id| {
            let message = r.value(id).as_text()?.to_string();
            (message != crate::value::NOT_APPLICABLE).then(|| Warning {
                id: id.trim_start_matches("warning_").to_string(),
                title: r.label(id).to_string(),
                message,
                on_inputs: false,
                plan_fields: fields(r.model.get(id).map_or(&[], |q| q.plan_fields)),
            })
        })
        .collect();
    option_warnings(r, &mut out);
    for notice in &r.inputs.notices {
        out.push(Warning {
            id: notice.id.to_string(),
            title: notice.title.to_string(),
            message: notice.message.clone(),
            on_inputs: true,
            plan_fields: fields(notice.plan_fields),
        });
    }
    out
}

fn fields(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

/// An option with a smaller model that nets more than the plan.
fn option_warnings(r: &Report, out: &mut Vec<Warning>) {
    // A larger model chosen where a smaller option would save more.
    let size = r.num("model_size_b").unwrap_or(0.0);
    let plan_net = r.num("lifetime_net").unwrap_or(0.0);
    for (case, result) in r.model.options.iter().zip(&r.options) {
        let their_size = result.value(r, "model_size_b").as_num().unwrap_or(size);
        let their_net = result
            .value(r, "lifetime_net")
            .as_num()
            .unwrap_or(f64::NEG_INFINITY);
        let feasible = result.value(r, "feasible") != &crate::value::Value::Bool(false);
        if their_size < size && their_net > plan_net && feasible {
            out.push(Warning {
                id: "larger_model_than_needed".to_string(),
                title: "A larger model where a smaller one is cheaper".to_string(),
                message: format!(
                    "The plan's {}B model nets {} over the lifetime; the option \"{}\" with a {}B model nets {}. Evaluate the smaller model's quality before paying for the larger one.",
                    format::number(size, Unit::BillionParameters),
                    format::money0(plan_net),
                    case.label,
                    format::number(their_size, Unit::BillionParameters),
                    format::money0(their_net),
                ),
                on_inputs: false,
                plan_fields: vec!["options".to_string()],
            });
        }
    }
}

/// What each decision factor says, with its points.
pub(super) fn reasons(r: &Report) -> Vec<Reason> {
    let points = |id: &str| r.num(id).unwrap_or(0.0);
    let text = |id: &str| r.value(id).as_text().unwrap_or("").to_string();
    let mut out = Vec::new();
    let bill = format::money0(r.num("monthly_api_cost").unwrap_or(0.0));
    out.push(Reason {
        id: "decision_points_api_cost",
        points: points("decision_points_api_cost"),
        text: match text("decision_api_cost_level").as_str() {
            "high" => format!("An API bill of {bill}/month is high: dedicated serving is likely to cost less."),
            "medium" => format!("An API bill of {bill}/month is middling: the full project cost decides."),
            _ => format!("An API bill of {bill}/month is low: at this volume the API is almost surely cheaper."),
        },
    });
    out.push(Reason {
        id: "decision_points_consistency",
        points: points("decision_points_consistency"),
        text: match text("task_consistency").as_str() {
            "high" => "The task is uniform, so a small specialised model can match a large general one.".to_string(),
            "low" => "The task varies widely; a fine-tuned small model will miss edge cases a frontier model handles.".to_string(),
            _ => "Task consistency is middling: no points either way.".to_string(),
        },
    });
    let latency = r.show("latency_requirement_ms");
    out.push(Reason {
        id: "decision_points_latency",
        points: points("decision_points_latency"),
        text: match text("decision_latency_level").as_str() {
            "strict" => format!(
                "A strict {latency} ms latency target favours a self-hosted small model on p99."
            ),
            "moderate" => {
                format!("A {latency} ms latency target is moderate: both options can meet it.")
            }
            _ => format!("A {latency} ms latency target is relaxed: no points either way."),
        },
    });
    out.push(Reason {
        id: "decision_points_quality",
        points: points("decision_points_quality"),
        text: match text("quality_requirement").as_str() {
            "high" => {
                "A high quality bar: a small fine-tuned model may fall short on hard reasoning."
                    .to_string()
            }
            "low" => {
                "A forgiving quality bar: a small fine-tuned model is likely enough.".to_string()
            }
            _ => "The quality bar is middling: no points either way.".to_string(),
        },
    });
    out.push(Reason {
        id: "decision_points_team",
        points: points("decision_points_team"),
        text: if r.flag("team_ml_expertise") {
            "The team has ML expertise to run the project.".to_string()
        } else {
            "No ML expertise on the team: engineering will cost more; consider a managed fine-tuning service.".to_string()
        },
    });
    out.push(Reason {
        id: "decision_points_iteration",
        points: points("decision_points_iteration"),
        text: if r.flag("iteration_speed_priority") {
            "Fast iteration matters: prompts change in minutes, a fine-tuned model needs retraining.".to_string()
        } else {
            "The task definition is settled: retraining delays are acceptable.".to_string()
        },
    });
    out
}
