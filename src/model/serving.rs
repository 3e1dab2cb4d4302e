//! Component 3: serving infrastructure and storage (monthly).

use super::expr::build::*;
use super::expr::Cmp;
use super::{m, Defs, Role, Sheet};
use crate::format::Unit;
use crate::inputs::Shape;

/// The instances' and the storage's monthly cost; throughput and capacity when given.
pub(super) fn define(d: &mut Defs, shape: &Shape) {
    capacity(d, shape);
    d.q(
        "monthly_serving_cost",
        "Monthly serving cost (today)",
        Unit::UsdPerMonth,
        "Cost per instance-month × the instances paid for at today's traffic.",
        mul(
            r("serving_cost_per_instance_month"),
            r(if shape.has_throughput {
                "serving_instances_costed"
            } else {
                "serving_instances"
            }),
        ),
    )
    .with(Role::Composition, 1);
}

/// The instance's monthly price, the weights' storage, the throughput the
/// traffic needs and, when the instance's throughput is known, the instances
/// that carry it.
fn capacity(d: &mut Defs, shape: &Shape) {
    // --- Component 3: serving ---
    d.on(Sheet::Serving);
    d.q(
        "serving_cost_per_instance_month",
        "Serving cost per instance-month",
        Unit::UsdPerMonth,
        "Price per instance-hour × hours a month.",
        product(vec![
            r("serving_cost_per_hour"),
            r("hours_per_day"),
            r("days_per_month"),
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
        "Stored gigabytes × price per GB-month.",
        mul(r("model_storage_gb"), r("storage_price_per_gb_month")),
    )
    .with(Role::Composition, 2);
    d.q(
        "required_throughput_tokens_per_second",
        "Required throughput",
        Unit::TokensPerSecond,
        "Tokens per second the traffic needs when it may use only the target utilization.",
        div(
            r("current_daily_tokens"),
            product(vec![
                r("hours_per_day"),
                r("seconds_per_hour"),
                r("target_utilization"),
            ]),
        ),
    );
    if shape.has_throughput {
        d.q(
            "serving_capacity_tokens_per_second",
            "Serving capacity",
            Unit::TokensPerSecond,
            "Throughput per instance × instances.",
            mul(
                r("serving_throughput_tokens_per_second"),
                r("serving_instances"),
            ),
        );
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
            "Instances that carry the traffic at the target utilization, rounded up.",
            round_up(div(
                r("required_throughput_tokens_per_second"),
                r("serving_throughput_tokens_per_second"),
            )),
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
            "serving_capacity_shortfall",
            "Plan's instances below today's need",
            Unit::YesNo,
            "Whether the plan's instances cannot carry today's traffic at the target utilization.",
            test(lt(
                r("serving_capacity_tokens_per_second"),
                r("required_throughput_tokens_per_second"),
            )),
        );
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
        d.q(
            "serving_copies_per_memory",
            "Model copies that fit",
            Unit::Count,
            "How many copies of the model, with headroom, fit the memory of one copy's GPUs (more than 1 leaves room for replicas).",
            round_down(div(r("serving_memory_available_gb"), r("serving_memory_required_gb"))),
        );
    }
}
