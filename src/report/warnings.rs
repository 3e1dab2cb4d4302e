//! The warnings and the decision factors' reasons: sentences over the
//! report's values, for the memo and the workbook's Summary.

use crate::format::{self, Unit};

use super::{Reason, Report, Warning};

/// The warnings for the reader, in the order the memo lists them.
pub(super) fn warnings(r: &Report) -> Vec<Warning> {
    let mut out = Vec::new();
    component_warnings(r, &mut out);
    payback_warnings(r, &mut out);
    budget_warnings(r, &mut out);
    option_warnings(r, &mut out);
    for notice in &r.inputs.notices {
        out.push(Warning {
            id: "estimate_fallback",
            title: "Training estimate without a measured benchmark",
            message: notice.clone(),
        });
    }
    out
}

/// The components' warnings: review cost, serving capacity and memory, GPU efficiency.
fn component_warnings(r: &Report, out: &mut Vec<Warning>) {
    let money = |id: &str| format::money0(r.num(id).unwrap_or(0.0));
    if r.flag("review_cost_exceeds_api_bill") {
        out.push(Warning {
            id: "review_cost_exceeds_api_bill",
            title: "Review cost larger than the API bill",
            message: format!(
                "The fine-tuned model's extra human review costs {}/month ({} of {} requests reviewed instead of {}, at {} a review), more than the whole API bill of {}/month.",
                money("monthly_quality_cost_delta"),
                r.show("review_rate_ft"),
                r.show("monthly_requests"),
                r.show("review_rate_api"),
                r.show("cost_per_review"),
                money("monthly_api_cost"),
            ),
        });
    }
    if r.flag("serving_capacity_shortfall") {
        out.push(Warning {
            id: "serving_capacity_shortfall",
            title: "Serving capacity below the traffic",
            message: format!(
                "{} instances at {} tokens/s carry {} tokens/s, below the {} tokens/s the traffic needs at {} utilization; about {} instances are needed.",
                r.show("serving_instances"),
                r.show("serving_throughput_tokens_per_second"),
                r.show("serving_capacity_tokens_per_second"),
                r.show("required_throughput_tokens_per_second"),
                r.show("target_utilization"),
                r.show("serving_instances_needed"),
            ),
        });
    }
    if r.values.contains_key("serving_model_fits") && !r.flag("serving_model_fits") {
        out.push(Warning {
            id: "model_does_not_fit",
            title: "The model does not fit the serving GPUs",
            message: format!(
                "A {}B model at {} needs {} GB with its KV cache and runtime headroom, but one copy is given {} GB ({} GPU(s) of {} GB); serve it quantized or spread it over more GPUs (serving.gpus_per_replica).",
                r.show("model_size_b"),
                r.show("serving_precision"),
                r.show("serving_memory_required_gb"),
                r.show("serving_memory_available_gb"),
                r.show("serving_gpus_per_replica"),
                r.show("serving_gpu_memory_gb"),
            ),
        });
    }
    if r.flag("training_mfu_implausible") {
        out.push(Warning {
            id: "implausible_gpu_efficiency",
            title: "Training estimate implies implausible GPU efficiency",
            message: format!(
                "{} tokens/s on {} GPU(s) of {} TFLOPS is {} of peak at {} FLOPs per parameter and token; plausible runs reach {} to {}. Check the throughput behind the training estimate.",
                r.show("training_tokens_per_second"),
                r.show("training_num_gpus"),
                r.show("training_gpu_bf16_tflops"),
                r.show("training_implied_mfu"),
                r.show("training_flops_per_parameter_token"),
                r.show("rule_mfu_min"),
                r.show("rule_mfu_max"),
            ),
        });
    }
}

/// No payback within the lifetime, or a volume below break-even.
fn payback_warnings(r: &Report, out: &mut Vec<Warning>) {
    if r.flag("payback_beyond_lifetime") {
        let message = match r.num("payback_months") {
            Some(_) => format!(
                "The project pays back in {} months, after the model's {}-month lifetime.",
                r.show("payback_months"),
                r.show("lifetime_months"),
            ),
            None => format!(
                "The project never pays back: the monthly savings before amortization are {}.",
                format::money0(r.num("monthly_savings_before_amortization").unwrap_or(0.0)),
            ),
        };
        out.push(Warning {
            id: "payback_beyond_lifetime",
            title: "No payback within the model's lifetime",
            message,
        });
    }
    if !r.flag("is_above_break_even_all_in") {
        let message = match r.num("break_even_tokens_per_day_all_in") {
            Some(_) => format!(
                "Today's {} tokens/day is below the all-in break-even of {} tokens/day.",
                r.show("current_daily_tokens"),
                r.show("break_even_tokens_per_day_all_in"),
            ),
            None => format!(
                "No volume breaks even: the extra review cost of {} per 1M tokens is at least the API price of {} per 1M tokens, so more traffic only widens the loss.",
                r.show("review_cost_delta_per_1m_tokens"),
                r.show("weighted_api_price_per_1m_tokens"),
            ),
        };
        out.push(Warning {
            id: "below_break_even",
            title: "Volume below break-even",
            message,
        });
    }
}

/// Fewer training runs or engineering hours than typical projects need.
fn budget_warnings(r: &Report, out: &mut Vec<Warning>) {
    if r.flag("too_few_training_runs") {
        out.push(Warning {
            id: "too_few_training_runs",
            title: "Too few training runs budgeted",
            message: format!(
                "{} training runs are budgeted; reaching a production model typically takes {} to 15.",
                r.show("training_runs"),
                r.show("rule_min_training_runs"),
            ),
        });
    }
    if r.flag("engineering_hours_below_typical") {
        out.push(Warning {
            id: "engineering_hours_below_typical",
            title: "Engineering hours below typical",
            message: format!(
                "{} engineering hours are planned; projects from data to production typically take {} to 188.",
                r.show("engineering_hours_total"),
                r.show("rule_min_engineering_hours"),
            ),
        });
    }
}

/// An option with a smaller model that nets more than the plan.
fn option_warnings(r: &Report, out: &mut Vec<Warning>) {
    // A larger model chosen where a smaller option would save more.
    let size = r.num("model_size_b").unwrap_or(0.0);
    let plan_net = r.num("lifetime_net_savings").unwrap_or(0.0);
    for (case, result) in r.model.options.iter().zip(&r.options) {
        let their_size = result.value(r, "model_size_b").as_num().unwrap_or(size);
        let their_net = result
            .value(r, "lifetime_net_savings")
            .as_num()
            .unwrap_or(f64::NEG_INFINITY);
        if their_size < size && their_net > plan_net && r.infeasible_reasons(result).is_empty() {
            out.push(Warning {
                id: "larger_model_than_needed",
                title: "A larger model where a smaller one is cheaper",
                message: format!(
                    "The plan's {}B model nets {} over the lifetime; the option \"{}\" with a {}B model nets {}. Evaluate the smaller model's quality before paying for the larger one.",
                    format::number(size, Unit::BillionParameters),
                    format::money0(plan_net),
                    case.label,
                    format::number(their_size, Unit::BillionParameters),
                    format::money0(their_net),
                ),
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
