//! The report's sentences in English, in one place: the warnings, the
//! decision factors' reasons and why a case cannot be built as planned,
//! each over the report's values, for the memo, the JSON and the workbook's
//! Summary. (The verdict's own words are the model's, as formulas.)

use crate::format::{self, Unit};
use crate::id;

use super::{Reason, Report, ScenarioResult, Warning};
use crate::model::Role;
use crate::value::Value;

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
    let size = r.num(id::MODEL_SIZE_B).unwrap_or(0.0);
    let plan_net = r.num(id::LIFETIME_NET).unwrap_or(0.0);
    for (case, result) in r.model.options.iter().zip(&r.options) {
        let their_size = result.value(r, id::MODEL_SIZE_B).as_num().unwrap_or(size);
        let their_net = result
            .value(r, id::LIFETIME_NET)
            .as_num()
            .unwrap_or(f64::NEG_INFINITY);
        let feasible = result.value(r, id::FEASIBLE) != &crate::value::Value::Bool(false);
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
    let bill = format::money0(r.num(id::MONTHLY_API_COST).unwrap_or(0.0));
    out.push(Reason {
        id: id::DECISION_POINTS_API_COST,
        points: points(id::DECISION_POINTS_API_COST),
        text: match text(id::DECISION_API_COST_LEVEL).as_str() {
            "high" => format!("An API bill of {bill}/month is high: dedicated serving is likely to cost less."),
            "medium" => format!("An API bill of {bill}/month is middling: the full project cost decides."),
            _ => format!("An API bill of {bill}/month is low: at this volume the API is almost surely cheaper."),
        },
    });
    out.push(Reason {
        id: id::DECISION_POINTS_CONSISTENCY,
        points: points(id::DECISION_POINTS_CONSISTENCY),
        text: match text(id::TASK_CONSISTENCY).as_str() {
            "high" => "The task is uniform, so a small specialised model can match a large general one.".to_string(),
            "low" => "The task varies widely; a fine-tuned small model will miss edge cases a frontier model handles.".to_string(),
            _ => "Task consistency is middling: no points either way.".to_string(),
        },
    });
    let latency = r.show(id::LATENCY_REQUIREMENT_MS);
    out.push(Reason {
        id: id::DECISION_POINTS_LATENCY,
        points: points(id::DECISION_POINTS_LATENCY),
        text: match text(id::DECISION_LATENCY_LEVEL).as_str() {
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
        id: id::DECISION_POINTS_QUALITY,
        points: points(id::DECISION_POINTS_QUALITY),
        text: match text(id::QUALITY_REQUIREMENT).as_str() {
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
        id: id::DECISION_POINTS_TEAM,
        points: points(id::DECISION_POINTS_TEAM),
        text: if r.flag(id::TEAM_ML_EXPERTISE) {
            "The team has ML expertise to run the project.".to_string()
        } else {
            "No ML expertise on the team: engineering will cost more; consider a managed fine-tuning service.".to_string()
        },
    });
    out.push(Reason {
        id: id::DECISION_POINTS_ITERATION,
        points: points(id::DECISION_POINTS_ITERATION),
        text: if r.flag(id::ITERATION_SPEED_PRIORITY) {
            "Fast iteration matters: prompts change in minutes, a fine-tuned model needs retraining.".to_string()
        } else {
            "The task definition is settled: retraining delays are acceptable.".to_string()
        },
    });
    out
}

/// Why a case cannot be built as planned (empty when it can): the model
/// does not fit the GPUs, or fixed instances cannot carry the traffic.
pub(super) fn infeasible_reasons(r: &Report, case: &ScenarioResult) -> Vec<String> {
    let mut out = Vec::new();
    if case.value(r, id::SERVING_MODEL_FITS) == &Value::Bool(false) {
        out.push(format!(
            "the model needs {} GB a copy but is given {} GB",
            format::number(
                case.value(r, id::SERVING_MEMORY_REQUIRED_GB)
                    .as_num()
                    .unwrap_or(0.0),
                Unit::Gigabytes
            ),
            format::number(
                case.value(r, id::SERVING_MEMORY_AVAILABLE_GB)
                    .as_num()
                    .unwrap_or(0.0),
                Unit::Gigabytes
            ),
        ));
    }
    if case.value(r, id::SERVING_INSTANCES_HOLD_A_COPY) == &Value::Bool(false) {
        out.push(format!(
            "its {} hold no whole copy of the model ({} GPUs a copy, {} an instance)",
            instances(case.value(r, id::SERVING_INSTANCES).as_num().unwrap_or(0.0)),
            format::number(
                case.value(r, id::SERVING_GPUS_PER_REPLICA)
                    .as_num()
                    .unwrap_or(0.0),
                Unit::Gpus
            ),
            format::number(
                case.value(r, id::SERVING_GPUS_PER_INSTANCE)
                    .as_num()
                    .unwrap_or(0.0),
                Unit::Gpus
            ),
        ));
    }
    let short = case
        .value(r, id::MONTHS_SHORT_OF_CAPACITY)
        .as_num()
        .unwrap_or(0.0);
    if short > 0.0 {
        out.push(format!(
            "with sizing fixed at {} ({} tokens/s), traffic outgrows that capacity in {} of the {} months; today's traffic needs {} tokens/s, about {} instances",
            instances(case.value(r, id::SERVING_INSTANCES).as_num().unwrap_or(0.0)),
            format::number(case.value(r, id::SERVING_CAPACITY_TOKENS_PER_SECOND).as_num().unwrap_or(0.0), Unit::TokensPerSecond),
            format::number(short, Unit::Months),
            r.show(id::LIFETIME_MONTHS),
            format::number(case.value(r, id::REQUIRED_THROUGHPUT_TOKENS_PER_SECOND).as_num().unwrap_or(0.0), Unit::TokensPerSecond),
            format::number(case.value(r, id::SERVING_INSTANCES_NEEDED).as_num().unwrap_or(0.0), Unit::Instances),
        ));
    }
    out
}

/// A count of instances in words: "1 instance", "4 instances".
fn instances(n: f64) -> String {
    let count = format::number(n, Unit::Instances);
    if n == 1.0 {
        format!("{count} instance")
    } else {
        format!("{count} instances")
    }
}
