//! The warnings as formulas: each is a sentence with its figures when its
//! condition holds and empty otherwise, so the workbook's Summary shows the
//! warnings of whatever the inputs now say. The label is the warning's
//! title; the report lists the ones that apply (the others read a dash).

use super::expr::build::*;
use super::expr::{Cond, Expr, TextFormat};
use super::{Defs, Role, Sheet};
use crate::format::Unit;
use crate::inputs::Shape;
use crate::value::NOT_APPLICABLE;

use TextFormat::{Cents, Money, OneDecimal, Percent, PercentTwoDecimals, Whole};

/// A warning: its sentence when `when` holds, empty otherwise. The
/// sentence says what to do in words; `fields` are the plan fields that act
/// on it.
#[allow(clippy::too_many_arguments)]
fn warning(
    d: &mut Defs,
    order: u16,
    id: &str,
    title: &str,
    fields: &'static [&'static str],
    when: Cond,
    sentence: Vec<Expr>,
) {
    let q = d.q(
        id,
        title,
        Unit::Text,
        "A warning's sentence with its figures; a dash when it does not apply.",
        if_(when, concat(sentence), t(NOT_APPLICABLE)),
    );
    q.with(Role::Warning, order);
    q.plan_fields = fields;
}

/// A figure as text.
fn f(id: &str, format: TextFormat) -> Expr {
    fmt(r(id), format)
}

/// Every warning the model's figures can raise.
pub(super) fn define(d: &mut Defs, shape: &Shape) {
    d.on(Sheet::Comparison);
    warning(
        d,
        1,
        "warning_review_cost_exceeds_api_bill",
        "Review cost larger than the API bill",
        &["quality.review_rate_ft", "quality.cost_per_review"],
        truthy(r("review_cost_exceeds_api_bill")),
        vec![
            t("The fine-tuned model's extra human review costs "),
            f("monthly_quality_cost_delta", Money),
            t(" a month ("),
            f("review_rate_ft", PercentTwoDecimals),
            t(" of "),
            f("monthly_requests", Whole),
            t(" requests reviewed instead of "),
            f("review_rate_api", PercentTwoDecimals),
            t(", at "),
            f("cost_per_review", Cents),
            t(" a review), more than the whole API bill of "),
            f("monthly_api_cost", Money),
            t(" a month."),
        ],
    );
    capacity(d, shape);
    if shape.has_serving_memory {
        warning(
            d,
            5,
            "warning_model_does_not_fit",
            "The model does not fit the serving GPUs",
            &["serving.precision", "serving.gpus_per_replica"],
            not(truthy(r("serving_model_fits"))),
            vec![
                t("A "),
                f("model_size_b", OneDecimal),
                t("B model at "),
                r("serving_precision"),
                t(" needs "),
                f("serving_memory_required_gb", OneDecimal),
                t(" GB with its KV cache and runtime headroom, but one copy is given "),
                f("serving_memory_available_gb", OneDecimal),
                t(" GB ("),
                f("serving_gpus_per_replica", Whole),
                t(" GPU(s) of "),
                f("serving_gpu_memory_gb", Whole),
                t(" GB): serve it quantized or spread each copy over more GPUs."),
            ],
        );
    }
    // Only when the estimate prices the runs: a plan that gives its cost
    // per run uses no figure the estimate makes.
    if shape.has_training && shape.has_training_flops && !shape.cost_per_run_given {
        warning(
            d,
            6,
            "warning_implausible_gpu_efficiency",
            "Training estimate implausibly fast",
            &["compute.cost_per_run", "compute.training.tokens_per_second"],
            truthy(r("training_mfu_implausible")),
            vec![
                t("The training estimate assumes "),
                f("training_tokens_per_second", Whole),
                t(" tokens a second on "),
                f("training_num_gpus", Whole),
                if_(
                    eq(r("training_num_gpus"), n(1.0)),
                    t(" GPU, which would keep "),
                    t(" GPUs, which would keep "),
                ),
                f("training_implied_mfu", Percent),
                if_(
                    eq(r("training_num_gpus"), n(1.0)),
                    t(" of its peak arithmetic busy; real training runs manage "),
                    t(" of their peak arithmetic busy; real training runs manage "),
                ),
                f("rule_mfu_min", Percent),
                t(" to "),
                f("rule_mfu_max", Percent),
                t(", so the estimated cost per run is likely wrong: check the training throughput behind it, or give the cost of a real run."),
            ],
        );
    }
    warning(
        d,
        7,
        "warning_payback_beyond_lifetime",
        "No payback within the model's lifetime",
        &[],
        truthy(r("payback_beyond_lifetime")),
        vec![
            t("The project does not pay for itself within the "),
            f("lifetime_months", Whole),
            t("-month lifetime: at its end the cash flow stands at "),
            f("lifetime_net", Money),
            t("."),
        ],
    );
    warning(
        d,
        8,
        "warning_below_break_even",
        "Volume below break-even",
        &["baseline.requests_per_day"],
        not(truthy(r("is_above_break_even_all_in"))),
        vec![if_(
            is_number(r("break_even_tokens_per_day_all_in")),
            concat(vec![
                t("Today's "),
                f("current_daily_tokens", Whole),
                t(" tokens/day is below the all-in break-even of "),
                f("break_even_tokens_per_day_all_in", Whole),
                t(" tokens/day."),
            ]),
            concat(vec![
                t("No volume breaks even: the extra review cost of "),
                f("review_cost_delta_per_1m_tokens", Cents),
                t(" per 1M tokens is at least the API price of "),
                f("weighted_api_price_per_1m_tokens", Cents),
                t(" per 1M tokens, so more traffic only widens the loss."),
            ]),
        )],
    );
    warning(
        d,
        9,
        "warning_too_few_training_runs",
        "Too few training runs budgeted",
        &["compute.runs"],
        truthy(r("too_few_training_runs")),
        vec![
            f("training_runs", Whole),
            t(" training runs are budgeted; reaching a production model typically takes "),
            f("rule_min_training_runs", Whole),
            t(" to 15."),
        ],
    );
    warning(
        d,
        10,
        "warning_engineering_hours_below_typical",
        "Engineering hours below typical",
        &["engineering.hours"],
        truthy(r("engineering_hours_below_typical")),
        vec![
            f("engineering_hours_total", Whole),
            t(" engineering hours are planned; projects from data to production typically take "),
            f("rule_min_engineering_hours", Whole),
            t(" to 188."),
        ],
    );
    warning(
        d,
        11,
        "warning_no_running_cost",
        "No running cost given",
        &["engineering.maintenance_hours_per_month", "compute.retrain_every_months"],
        and(vec![
            eq(r("maintenance_hours_per_month"), n(0.0)),
            eq(r("retrain_every_months"), n(0.0)),
            is_number(r("maintenance_hours_to_break_even")),
        ]),
        vec![
            t("The plan gives no maintenance hours and no retraining, yet most self-hosted models need some monitoring, on-call and refreshes. About "),
            f("maintenance_hours_to_break_even", Whole),
            t(" hours a month of maintenance at "),
            f("engineer_hourly_rate", Money),
            t(" an hour would bring the net present value to zero: add the monthly maintenance hours and a retraining schedule to the plan."),
        ],
    );
    let all: Vec<String> = d
        .out
        .iter()
        .filter(|q| q.has(Role::Warning))
        .map(|q| q.id.clone())
        .collect();
    d.q(
        "warning_count",
        "Warnings",
        Unit::Count,
        "How many of the warnings apply.",
        sum(all
            .iter()
            .map(|id| if_(eq(r(id), t(NOT_APPLICABLE)), n(0.0), n(1.0)))
            .collect()),
    );
}

/// Whether the instances carry the traffic: more than planned (auto
/// sizing), short of it (fixed sizing), or not checked at all.
fn capacity(d: &mut Defs, shape: &Shape) {
    if !shape.has_throughput {
        // Always applies: the plan's shape, not a figure, decides it.
        d.q(
            "warning_capacity_not_checked",
            "Serving capacity not checked",
            Unit::Text,
            "A warning's sentence; it applies whenever no serving throughput is known.",
            t("The serving capacity was not checked: the plan gives no serving throughput and the catalogue has none measured for this model size at this precision on this instance, so nothing checks that the instances carry the traffic. Add the serving throughput (generated tokens a second one instance serves at full load) to the plan, or a measured serving benchmark for this model size, precision and instance to the catalogue."),
        )
        .with(Role::Warning, 2)
        .plan_fields = &["serving.throughput_tokens_per_second"];
        return;
    }
    let fixed = eq(r("serving_sizing"), t("fixed"));
    warning(
        d,
        3,
        "warning_more_instances_than_planned",
        "More instances than the plan lists",
        &["serving.instances", "serving.sizing"],
        and(vec![
            not(fixed.clone()),
            gt(r("serving_instances_needed"), r("serving_instances")),
        ]),
        vec![
            t("Today's traffic needs "),
            f("required_throughput_tokens_per_second", Whole),
            t(" tokens/s at "),
            f("target_utilization", Percent),
            t(" utilization: "),
            f("serving_instances_needed", Whole),
            t(" instances of "),
            f("serving_throughput_tokens_per_second", Whole),
            t(" tokens/s, not the plan's "),
            f("serving_instances", Whole),
            t(". With auto sizing the figures pay for the instances each month needs."),
        ],
    );
    warning(
        d,
        4,
        "warning_serving_capacity_shortfall",
        "Serving capacity below the traffic",
        &["serving.instances", "serving.sizing"],
        and(vec![fixed, gt(r("months_short_of_capacity"), n(0.0))]),
        vec![
            t("With sizing fixed at "),
            f("serving_instances", Whole),
            if_(
                eq(r("serving_instances"), n(1.0)),
                t(" instance ("),
                t(" instances ("),
            ),
            f("serving_capacity_tokens_per_second", Whole),
            t(" tokens/s), the traffic outgrows that capacity in "),
            f("months_short_of_capacity", Whole),
            t(" of the "),
            f("lifetime_months", Whole),
            t(" months; today it needs "),
            f("required_throughput_tokens_per_second", Whole),
            t(" tokens/s at "),
            f("target_utilization", Percent),
            t(" utilization, about "),
            f("serving_instances_needed", Whole),
            t(" instances. The plan is not feasible as written: add instances, or let the instances follow the traffic (auto sizing)."),
        ],
    );
}
