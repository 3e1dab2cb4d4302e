//! Component 3: serving infrastructure and storage (monthly).

use super::expr::build::*;
use super::expr::Cmp;
use super::{m, managed, unless_managed, Defs, Role, Sheet};
use crate::format::Unit;
use crate::inputs::Shape;

/// The instances' and the storage's monthly cost; throughput and capacity when given.
pub(super) fn define(d: &mut Defs, shape: &Shape) {
    capacity(d, shape);
    d.q(
        "monthly_serving_cost",
        "Monthly serving cost (today)",
        Unit::UsdPerMonth,
        "Cost per instance-month × the instances paid for at today's traffic, plus the off-peak instances over the quiet hours; none when managed.",
        unless_managed(shape, add(
            mul(
                r("serving_cost_per_instance_month"),
                r(if shape.has_throughput {
                    "serving_instances_costed"
                } else {
                    "serving_instances"
                }),
            ),
            mul(
                r("off_peak_cost_per_instance_month"),
                r(if shape.has_throughput {
                    "off_peak_instances_costed"
                } else {
                    "off_peak_instances"
                }),
            ),
        )),
    )
    .with(Role::Composition, 1)
    .short("Serving");
    if shape.managed {
        d.q(
            "managed_price_per_1m_tokens",
            "Managed model's blended price",
            Unit::UsdPer1MTokens,
            "The managed model's price per million of today's tokens: today's input plus the extra prompt tokens at its input price (the cached share at its cached-input price), the output at its output price; 0 when self-hosted.",
            if_(
                and(vec![managed(), gt(r("current_daily_tokens"), n(0.0))]),
                div(
                    add(
                        mul(
                            add(
                                r("daily_input_tokens"),
                                mul(
                                    r("requests_per_day"),
                                    r("extra_prompt_tokens_per_request"),
                                ),
                            ),
                            add(
                                mul(
                                    sub(n(1.0), r("prompt_cached_share")),
                                    r("managed_input_price_per_1m_tokens"),
                                ),
                                mul(
                                    r("prompt_cached_share"),
                                    r("managed_cached_input_price_per_1m_tokens"),
                                ),
                            ),
                        ),
                        mul(r("daily_output_tokens"), r("managed_output_price_per_1m_tokens")),
                    ),
                    r("current_daily_tokens"),
                ),
                n(0.0),
            ),
        );
        d.q(
            "monthly_managed_inference_cost",
            "Monthly managed model's tokens (today)",
            Unit::UsdPerMonth,
            "Today's tokens a month at the managed model's blended price; 0 when self-hosted.",
            div(
                product(vec![
                    r("current_daily_tokens"),
                    r("days_per_month"),
                    r("managed_price_per_1m_tokens"),
                ]),
                m(),
            ),
        )
        .with(Role::Composition, 2)
        .short("Managed tokens");
    }
}

/// The instance's monthly price, the weights' storage, the throughput the
/// traffic needs and, when the instance's throughput is known, the instances
/// that carry it.
fn capacity(d: &mut Defs, shape: &Shape) {
    // --- Component 3: serving ---
    d.on(Sheet::Serving);
    d.q(
        "serving_peak_hours_per_day",
        "Peak serving hours per day",
        Unit::HoursPerDay,
        "Serving hours a day outside the quiet window.",
        max(n(0.0), sub(r("hours_per_day"), r("off_peak_hours_per_day"))),
    );
    d.q(
        "serving_cost_per_instance_month",
        "Serving cost per instance-month",
        Unit::UsdPerMonth,
        "Price per instance-hour × peak hours a month × the plan's share of the instances.",
        product(vec![
            r("serving_cost_per_hour"),
            r("serving_peak_hours_per_day"),
            r("days_per_month"),
            r("serving_share_of_instances"),
        ]),
    );
    d.q(
        "off_peak_cost_per_instance_month",
        "Off-peak cost per instance-month",
        Unit::UsdPerMonth,
        "Price per instance-hour × quiet hours a month × the plan's share of the instances.",
        product(vec![
            r("serving_cost_per_hour"),
            r("off_peak_hours_per_day"),
            r("days_per_month"),
            r("serving_share_of_instances"),
        ]),
    );
    d.q(
        "model_storage_gb",
        "Stored weights",
        Unit::Gigabytes,
        "Billions of parameters × bytes per parameter.",
        mul(r("model_size_b"), r("storage_bytes_per_parameter")),
    );
    d.q(
        "monthly_storage_cost",
        "Monthly storage cost",
        Unit::UsdPerMonth,
        "Stored gigabytes × price per GB-month; none when managed.",
        unless_managed(
            shape,
            mul(r("model_storage_gb"), r("storage_price_per_gb_month")),
        ),
    )
    .with(Role::Composition, 3)
    .short("Storage");
    // With a decode rate, the day's load counts the GPU time of both the
    // prompts (at the prefill rate) and the generated tokens, in generated
    // tokens; without one, every token alike.
    let load = if shape.has_throughput {
        d.q(
            "daily_serving_load_tokens",
            "Daily serving load",
            Unit::TokensPerDay,
            "Generated tokens plus prompt tokens weighted by the decode rate over the prefill rate: the GPU time of prefill and decode, in generated tokens.",
            add(
                r("daily_output_tokens"),
                mul(
                    r("daily_input_tokens"),
                    div(
                        r("serving_throughput_tokens_per_second"),
                        r("serving_prefill_tokens_per_second"),
                    ),
                ),
            ),
        );
        "daily_serving_load_tokens"
    } else {
        "current_daily_tokens"
    };
    d.q(
        "required_throughput_tokens_per_second",
        "Required throughput",
        Unit::TokensPerSecond,
        "Tokens per second the peak hours' load needs when it may use only the target utilization (in generated tokens, prompts weighted by their prefill time, where a decode rate is known).",
        if_(
            gt(r("serving_peak_hours_per_day"), n(0.0)),
            div(
                mul(
                    r(load),
                    sub(n(1.0), r("off_peak_traffic_share")),
                ),
                product(vec![
                    r("serving_peak_hours_per_day"),
                    r("seconds_per_hour"),
                    r("target_utilization"),
                ]),
            ),
            n(0.0),
        ),
    );
    d.q(
        "off_peak_required_throughput_tokens_per_second",
        "Required throughput off-peak",
        Unit::TokensPerSecond,
        "Tokens per second the quiet window's traffic needs at the target utilization.",
        if_(
            gt(r("off_peak_hours_per_day"), n(0.0)),
            div(
                mul(r(load), r("off_peak_traffic_share")),
                product(vec![
                    r("off_peak_hours_per_day"),
                    r("seconds_per_hour"),
                    r("target_utilization"),
                ]),
            ),
            n(0.0),
        ),
    );
    if shape.has_throughput {
        if shape.has_serving_memory {
            d.q(
                "serving_throughput_per_copy",
                "Serving throughput per model copy",
                Unit::TokensPerSecond,
                "Throughput per instance over its GPUs × GPUs per model copy: what one whole copy serves at full load.",
                mul(
                    div(
                        r("serving_throughput_tokens_per_second"),
                        r("serving_gpus_per_instance"),
                    ),
                    r("serving_gpus_per_replica"),
                ),
            );
            d.q(
                "serving_capacity_tokens_per_second",
                "Serving capacity",
                Unit::TokensPerSecond,
                "Whole model copies × throughput per copy × the plan's share of the instances: GPUs that hold no whole copy serve nothing.",
                product(vec![
                    r("serving_copies"),
                    r("serving_throughput_per_copy"),
                    r("serving_share_of_instances"),
                ]),
            );
        } else {
            d.q(
                "serving_capacity_tokens_per_second",
                "Serving capacity",
                Unit::TokensPerSecond,
                "Throughput per instance × instances × the plan's share of them.",
                product(vec![
                    r("serving_throughput_tokens_per_second"),
                    r("serving_instances"),
                    r("serving_share_of_instances"),
                ]),
            );
        }
        d.q(
            "serving_cost_per_1m_tokens_full",
            "Serving cost per 1M tokens, full load",
            Unit::UsdPer1MTokens,
            "Instance price over the tokens it serves in an hour at full load.",
            div(
                mul(r("serving_cost_per_hour"), m()),
                mul(
                    r("serving_throughput_tokens_per_second"),
                    r("seconds_per_hour"),
                ),
            ),
        );
        d.q(
            "serving_cost_per_1m_tokens_at_target",
            "Serving cost per 1M tokens, target load",
            Unit::UsdPer1MTokens,
            "The full-load cost per token divided by the target utilization.",
            div(
                r("serving_cost_per_1m_tokens_full"),
                r("target_utilization"),
            ),
        );
        d.q(
            "serving_instances_needed",
            "Instances needed",
            Unit::Instances,
            "Instances that carry the traffic at the target utilization, rounded up (in whole model copies where the GPUs are known).",
            instances_for(shape, r("required_throughput_tokens_per_second")),
        );
        d.q(
            "serving_instances_costed",
            "Instances paid for (today)",
            Unit::Instances,
            "With auto sizing, the plan's instances or the instances today's traffic needs, whichever is more; with fixed sizing, the plan's.",
            if_(
                eq(r("serving_sizing"), t("fixed")),
                r("serving_instances"),
                max(r("serving_instances"), r("serving_instances_needed")),
            ),
        );
        d.q(
            "off_peak_instances_needed",
            "Instances needed off-peak",
            Unit::Instances,
            "Instances that carry the quiet window's traffic at the target utilization, rounded up (in whole model copies where the GPUs are known).",
            instances_for(shape, r("off_peak_required_throughput_tokens_per_second")),
        );
        d.q(
            "off_peak_instances_costed",
            "Off-peak instances paid for (today)",
            Unit::Instances,
            "With auto sizing, the instances kept off-peak or those the quiet window's traffic needs, whichever is more; with fixed sizing, those kept.",
            if_(
                eq(r("serving_sizing"), t("fixed")),
                r("off_peak_instances"),
                max(r("off_peak_instances"), r("off_peak_instances_needed")),
            ),
        );
        d.q(
            "serving_capacity_shortfall",
            "Plan's instances below today's need",
            Unit::YesNo,
            "Whether the plan's instances cannot carry today's traffic at the target utilization, at peak or in the quiet window.",
            test(or(vec![
                lt(
                    r("serving_capacity_tokens_per_second"),
                    r("required_throughput_tokens_per_second"),
                ),
                gt(r("off_peak_instances_needed"), r("off_peak_instances")),
            ])),
        );
    }
}

/// The instances that carry a throughput: where the GPUs are known, the
/// whole model copies it needs, rounded up, and the instances that hold
/// them, rounded up; else the throughput over one instance's, rounded up.
/// On a shared deployment, the instances whose share carries it.
pub(super) fn instances_for(shape: &Shape, throughput: super::expr::Expr) -> super::expr::Expr {
    // A shared deployment gives the plan its share of each instance.
    let throughput = div(throughput, r("serving_share_of_instances"));
    if shape.has_serving_memory {
        let copies = round_up(div(throughput, r("serving_throughput_per_copy")));
        round_up(div(
            mul(copies, r("serving_gpus_per_replica")),
            r("serving_gpus_per_instance"),
        ))
    } else {
        round_up(div(throughput, r("serving_throughput_tokens_per_second")))
    }
}

/// Whether the model fits the serving GPUs' memory, when the plan says enough to tell.
pub(super) fn memory(d: &mut Defs, shape: &Shape) {
    if shape.has_serving_memory {
        d.q(
            "serving_weights_gb",
            "Weights at the serving precision",
            Unit::Gigabytes,
            "Billions of parameters × bytes per parameter at the serving precision.",
            mul(r("model_size_b"), r("serving_bytes_per_parameter")),
        );
        d.q(
            "serving_memory_required_gb",
            "Memory one model copy needs",
            Unit::Gigabytes,
            "The weights plus the KV cache and runtime headroom.",
            mul(
                r("serving_weights_gb"),
                add(n(1.0), r("kv_cache_headroom_fraction")),
            ),
        );
        d.q(
            "serving_memory_available_gb",
            "Memory one model copy is given",
            Unit::Gigabytes,
            "GPU memory × GPUs per model copy.",
            mul(r("serving_gpu_memory_gb"), r("serving_gpus_per_replica")),
        );
        d.q(
            "serving_copies",
            "Whole model copies the instances hold",
            Unit::Count,
            "Instances × GPUs per instance over GPUs per model copy, rounded down: a copy needs all its GPUs.",
            round_down(div(
                mul(r("serving_instances"), r("serving_gpus_per_instance")),
                r("serving_gpus_per_replica"),
            )),
        );
        d.q(
            "serving_model_fits",
            "Model fits the GPU memory",
            Unit::YesNo,
            "Whether one copy of the model, with its headroom, fits the memory it is given.",
            test(cmp(
                Cmp::Le,
                r("serving_memory_required_gb"),
                r("serving_memory_available_gb"),
            )),
        );
        // With a throughput the capacity counts whole copies; without one
        // the plan's instances are all it has, and they must hold a copy.
        if !shape.has_throughput {
            d.q(
                "serving_instances_hold_a_copy",
                "Instances hold a whole model copy",
                Unit::YesNo,
                "Whether the plan's instances have the GPUs one copy of the model is spread over.",
                test(cmp(Cmp::Ge, r("serving_copies"), n(1.0))),
            );
        }
        d.q(
            "serving_copies_per_memory",
            "Model copies that fit",
            Unit::Count,
            "How many copies of the model, with headroom, fit the memory of one copy's GPUs (more than 1 leaves room for replicas).",
            round_down(div(r("serving_memory_available_gb"), r("serving_memory_required_gb"))),
        );
    }
}
