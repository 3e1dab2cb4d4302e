//! Component 1: GPU compute for the training runs (one-time).

use super::expr::build::*;
use super::{m, managed, Defs, Sheet};
use crate::format::Unit;
use crate::inputs::Shape;

/// Tokens, hours and price per run, the implied GPU efficiency, all runs.
pub(super) fn define(d: &mut Defs, shape: &Shape) {
    // --- Component 1: training compute ---
    d.on(Sheet::Training);
    if shape.has_training {
        d.q(
            "training_total_tokens",
            "Tokens trained per run",
            Unit::Tokens,
            "Examples × sequence length × epochs.",
            product(vec![r("dataset_examples"), r("avg_seq_len"), r("epochs")]),
        );
        d.q(
            "training_hours",
            "Training hours per run",
            Unit::Hours,
            "Tokens over throughput, plus the overhead for checkpoints and evaluation.",
            mul(
                div(
                    r("training_total_tokens"),
                    mul(r("training_tokens_per_second"), r("seconds_per_hour")),
                ),
                add(n(1.0), r("training_overhead_fraction")),
            ),
        );
        d.q(
            "training_cost_per_hour",
            "Training price per hour paid",
            Unit::UsdPerHour,
            "On-demand price, times the spot factor when training on spot.",
            mul(
                r("training_cost_per_hour_on_demand"),
                if_(truthy(r("training_spot")), r("spot_price_factor"), n(1.0)),
            ),
        );
        d.q(
            "training_cost_per_run_estimate",
            "Estimated cost per run",
            Unit::Usd,
            "Training hours × price per hour (the reference case's training cost).",
            mul(r("training_hours"), r("training_cost_per_hour")),
        );
        if !shape.cost_per_run_given {
            d.q(
                "compute_cost_per_run",
                "Compute cost per run",
                Unit::Usd,
                "The plan gives no cost per run, so the estimate is used.",
                r("training_cost_per_run_estimate"),
            );
        }
    }
    if shape.has_training && shape.has_training_flops {
        d.q(
            "training_implied_mfu",
            "Implied GPU efficiency (MFU)",
            Unit::Fraction,
            "FLOPs per parameter-token × parameters × tokens per second, over the GPUs' peak: how hard the estimate works the GPUs.",
            div(
                product(vec![
                    r("training_flops_per_parameter_token"),
                    r("model_size_b"),
                    r("training_tokens_per_second"),
                ]),
                product(vec![
                    r("training_num_gpus"),
                    r("training_gpu_bf16_tflops"),
                    n(1000.0),
                ]),
            ),
        );
        d.q(
            "training_mfu_implausible",
            "Implied GPU efficiency implausible",
            Unit::YesNo,
            "Whether the training estimate implies a GPU efficiency outside the plausible band.",
            test(or(vec![
                gt(r("training_implied_mfu"), r("rule_mfu_max")),
                lt(r("training_implied_mfu"), r("rule_mfu_min")),
            ])),
        );
    }
    if !shape.managed {
        d.q(
            "compute_cost",
            "Training compute, all runs",
            Unit::Usd,
            "Runs budgeted × cost per run (one-time).",
            mul(r("training_runs"), r("compute_cost_per_run")),
        );
        return;
    }
    d.q(
        "managed_tokens_per_run",
        "Tokens billed per managed run",
        Unit::Tokens,
        "The plan's managed tokens per run, else the training estimate's tokens per run.",
        if shape.has_training {
            if_(
                gt(r("managed_training_tokens_per_run"), n(0.0)),
                r("managed_training_tokens_per_run"),
                r("training_total_tokens"),
            )
        } else {
            r("managed_training_tokens_per_run")
        },
    );
    d.q(
        "managed_training_cost_per_run",
        "Managed cost per run",
        Unit::Usd,
        "Tokens billed per run × the managed training price per million.",
        div(
            mul(
                r("managed_tokens_per_run"),
                r("managed_training_price_per_1m_tokens"),
            ),
            m(),
        ),
    );
    d.q(
        "cost_per_training_run",
        "Cost per training run",
        Unit::Usd,
        "Managed: the provider's charge for the run's tokens; self-hosted: the GPU compute cost per run.",
        if_(
            managed(),
            r("managed_training_cost_per_run"),
            r("compute_cost_per_run"),
        ),
    );
    d.q(
        "compute_cost",
        "Training compute, all runs",
        Unit::Usd,
        "Runs budgeted × cost per run (one-time).",
        mul(r("training_runs"), r("cost_per_training_run")),
    );
}
