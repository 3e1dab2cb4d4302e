//! The price catalogue in plans, and the GPU physics: memory fit, serving
//! capacity, cost per token, and the training estimate's implied efficiency.

use super::common::*;

/// The worked example with its serving and model replaced.
fn plan(model_size_b: f64, serving: &str) -> String {
    let text = worked_example_text();
    let text = replace_once(
        &text,
        "model_size_b: 7\n",
        &format!("model_size_b: {model_size_b}\n"),
    );
    let start = text.find("serving:\n").unwrap();
    let end = text.find("quality:\n").unwrap();
    format!("{}serving:\n{serving}{}", &text[..start], &text[end..])
}

#[test]
fn memory_fit_follows_precision_and_gpus_per_copy() {
    // 70B in bf16 is 140 GB of weights, 154 GB with a tenth for the KV cache.
    let one = report_of_text(&plan(70.0, "  instance: a100_80g\n  instances: 2\n"));
    assert_eq!(
        one.num("serving_memory_required_gb").map(|x| round(x, 6)),
        Some(154.0)
    );
    assert!(
        !one.flag("serving_model_fits"),
        "70B bf16 cannot fit one A100 80 GB"
    );
    assert!(one.warnings.iter().any(|w| w.id == "model_does_not_fit"));
    let two = report_of_text(&plan(
        70.0,
        "  instance: a100_80g\n  instances: 2\n  gpus_per_replica: 2\n",
    ));
    assert_eq!(two.num("serving_memory_available_gb"), Some(160.0));
    assert!(
        two.flag("serving_model_fits"),
        "70B bf16 fits two A100 80 GB"
    );
    assert!(!two.warnings.iter().any(|w| w.id == "model_does_not_fit"));
    // 7B in int4 is 3.5 GB: an A10G holds several copies.
    let small = report_of_text(&plan(
        7.0,
        "  instance: a10g\n  instances: 1\n  precision: int4\n",
    ));
    assert_eq!(small.num("serving_weights_gb"), Some(3.5));
    assert!(small.flag("serving_model_fits"));
    assert_eq!(small.num("serving_copies_per_memory"), Some(6.0));
}

#[test]
fn capacity_and_cost_per_token_match_the_seed() {
    // The seed: 10M tokens/day at 20% utilization needs 578 tokens/s; a 7B on
    // an A10G at 5,000 tokens/s costs $0.057 per 1M tokens at full load and
    // $0.28 at 20%.
    let text = plan(7.0, "  instance: a10g\n  instances: 1\n");
    let text = replace_once(&text, "requests_per_day: 50000", "requests_per_day: 10000");
    let text = replace_once(
        &text,
        "avg_input_tokens_per_request: 500",
        "avg_input_tokens_per_request: 800",
    );
    let r = report_of_text(&text);
    assert_eq!(r.num("current_daily_tokens"), Some(10_000_000.0));
    assert_eq!(r.num("target_utilization"), Some(0.2));
    assert_eq!(
        r.num("required_throughput_tokens_per_second")
            .unwrap()
            .trunc(),
        578.0
    );
    // Price and throughput both come from the catalogue here: the A10G at
    // today's $1.006 (the lesson's $1.03 is used below).
    assert_eq!(r.num("serving_cost_per_hour"), Some(1.006));
    assert_eq!(r.num("serving_throughput_tokens_per_second"), Some(5000.0));
    assert!(r
        .inputs
        .get("serving_throughput_tokens_per_second")
        .unwrap()
        .source
        .describe()
        .starts_with("catalogue: 7B at fp16 on 1 GPU(s) of a10g"));
    // The lesson's cost per token, at its $1.03 an hour.
    let r = report_of_text(&replace_once(
        &text,
        "  instance: a10g\n  instances: 1\n",
        "  instance: a10g\n  instances: 1\n  cost_per_hour: 1.03\n",
    ));
    assert_eq!(
        round(r.num("serving_cost_per_1m_tokens_full").unwrap(), 3),
        0.057
    );
    assert_eq!(
        (r.num("serving_cost_per_1m_tokens_at_target").unwrap() * 100.0).trunc() / 100.0,
        0.28
    );
    assert!(!r.flag("serving_capacity_shortfall"));
}

#[test]
fn catalogue_prices_fill_what_the_plan_leaves_out_and_the_plan_wins() {
    let text = worked_example_text();
    let without = replace_once(&text, "  input_price_per_1m_tokens: 5.00\n", "");
    let without = replace_once(&without, "  output_price_per_1m_tokens: 15.00\n", "");
    let r = report_of_text(&without);
    let api = r.inputs.get("input_price_per_1m_tokens").unwrap();
    // Today's price (LiteLLM's map of 2026-07-24), not the lesson's $5/$15.
    assert_eq!(r.num("input_price_per_1m_tokens"), Some(2.5));
    assert_eq!(r.num("output_price_per_1m_tokens"), Some(10.0));
    assert!(
        api.source.describe().starts_with("catalogue: gpt-4o ("),
        "{}",
        api.source.describe()
    );
    // A negotiated price in the plan overrides the catalogue.
    let negotiated = replace_once(
        &text,
        "input_price_per_1m_tokens: 5.00",
        "input_price_per_1m_tokens: 4.00",
    );
    let r = report_of_text(&negotiated);
    assert_eq!(r.num("input_price_per_1m_tokens"), Some(4.0));
    assert_eq!(
        r.inputs
            .get("input_price_per_1m_tokens")
            .unwrap()
            .source
            .describe(),
        "plan"
    );
}

#[test]
fn an_unknown_catalogue_name_suggests_the_nearest() {
    let text = replace_once(
        &worked_example_text(),
        "  instance: a10g\n  instances: 2",
        "  instance: a100-80g\n  instances: 2",
    );
    let err = finetune_roi::evaluate_text(&text, "p.yaml", fixed_time())
        .unwrap_err()
        .to_string();
    assert!(err.contains("serving.instance"), "{err}");
    assert!(err.contains("`a100_80g`"), "{err}");
    let text = replace_once(
        &worked_example_text(),
        "  input_price_per_1m_tokens: 5.00\n",
        "",
    );
    let text = replace_once(&text, "api: gpt-4o", "api: gpt4o");
    let err = finetune_roi::evaluate_text(&text, "p.yaml", fixed_time())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("baseline.api") && err.contains("`gpt-4o`"),
        "{err}"
    );
}

#[test]
fn implied_gpu_efficiency_flags_an_implausible_training_estimate() {
    // The seed's 7B LoRA at 1,800 tokens/s on one A10G (70 TFLOPS) is
    // 4 × 7e9 × 1,800 / 70e12 = 72% of peak: above the plausible 60%.
    // The worked example gives its cost per run, so the estimate prices
    // nothing and is not warned about; without it, it is.
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    assert_eq!(
        r.num("training_implied_mfu").map(|x| round(x, 6)),
        Some(0.72)
    );
    assert!(r.flag("training_mfu_implausible"));
    assert!(!r
        .warnings
        .iter()
        .any(|w| w.id == "implausible_gpu_efficiency"));
    let estimated = replace_once(
        &worked_example_text(),
        "  cost_per_run: 12.0        # about 3 hours on an A10G\n",
        "",
    );
    let r = report_of_text(&estimated);
    let w = r
        .warnings
        .iter()
        .find(|w| w.id == "implausible_gpu_efficiency")
        .unwrap_or_else(|| panic!("{:?}", r.warnings));
    assert!(
        w.message.contains("give the cost of a real run"),
        "{}",
        w.message
    );
    assert!(
        w.plan_fields.iter().any(|f| f == "compute.cost_per_run"),
        "{:?}",
        w.plan_fields
    );
    // On an A100 80 GB (312 TFLOPS) at 4,000 tokens/s it is 36%: plausible.
    let text = replace_once(
        &worked_example_text(),
        "instance: a10g\n    spot: true",
        "instance: a100_80g\n    spot: true",
    );
    let r = report_of_text(&text);
    assert_eq!(r.num("training_tokens_per_second"), Some(4000.0));
    assert!(
        (r.num("training_implied_mfu").unwrap() - 4.0 * 7.0 * 4000.0 / 312_000.0).abs() < 1e-12
    );
    assert!(!r.flag("training_mfu_implausible"));
}
