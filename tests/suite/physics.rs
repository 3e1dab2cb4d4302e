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
    // The seed reads prompts at the rate it generates: the prefill rate typed
    // equal to the decode rate keeps its assumption.
    let text = plan(
        7.0,
        "  instance: a10g\n  instances: 1\n  prefill_tokens_per_second: 5000\n",
    );
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

#[test]
fn capacity_counts_whole_model_copies() {
    // A 70B spread over 2 GPUs per copy on 1-GPU A100 instances, each
    // instance measured (typed) at 400 tokens/s: a copy serves 800.
    let serving = |instances: u32, sizing: &str| {
        format!(
            "  instance: a100_80g\n  instances: {instances}\n  gpus_per_replica: 2\n  throughput_tokens_per_second: 400\n  sizing: {sizing}\n"
        )
    };
    let three = report_of_text(&plan(70.0, &serving(3, "fixed")));
    assert_eq!(three.num("serving_gpus_per_instance"), Some(1.0));
    assert_eq!(three.num("serving_throughput_per_copy"), Some(800.0));
    // Three GPUs hold one whole 2-GPU copy, not three instances' worth.
    assert_eq!(three.num("serving_copies"), Some(1.0));
    assert_eq!(three.num("serving_capacity_tokens_per_second"), Some(800.0));
    // One GPU holds no copy: nothing is served, and fixed sizing is not
    // feasible, though the copy's 160 GB would hold the model.
    let one = report_of_text(&plan(70.0, &serving(1, "fixed")));
    assert_eq!(one.num("serving_copies"), Some(0.0));
    assert_eq!(one.num("serving_capacity_tokens_per_second"), Some(0.0));
    assert!(one.flag("serving_model_fits"));
    assert!(!one.feasible(), "one GPU cannot serve a 2-GPU copy");
    // Auto sizing buys whole copies: an even number of 1-GPU instances,
    // enough copies for the traffic.
    let auto = report_of_text(&plan(70.0, &serving(1, "auto")));
    let required = auto.num("required_throughput_tokens_per_second").unwrap();
    let needed = auto.num("serving_instances_needed").unwrap();
    assert_eq!(needed % 2.0, 0.0, "{needed} instances");
    assert!(needed >= 2.0, "a copy needs two instances");
    assert!(needed / 2.0 * 800.0 >= required);
    assert!((needed / 2.0 - 1.0) * 800.0 < required, "no copy too many");
    assert_eq!(auto.num("serving_instances_costed"), Some(needed));
    // Without a throughput, the plan's own instances must hold a copy.
    // (the catalogue measures a 70B on H100s at fp8 only, not at bf16).
    let bare = report_of_text(&plan(
        70.0,
        "  instance: h100\n  instances: 1\n  gpus_per_replica: 2\n",
    ));
    assert!(
        !bare.capacity_checked(),
        "no throughput for a 70B at bf16 on an H100"
    );
    assert_eq!(bare.num("serving_copies"), Some(0.0));
    assert!(bare.flag("serving_model_fits"), "two GPUs' memory holds it");
    assert!(!bare.flag("serving_instances_hold_a_copy"));
    assert!(!bare.feasible());
    assert!(
        bare.infeasible_reasons(&bare.plan_case())
            .iter()
            .any(|x| x.contains("hold no whole copy")),
        "{:?}",
        bare.infeasible_reasons(&bare.plan_case())
    );
}

/// The worked example at `requests` a day of `prompt`-token prompts, its
/// serving on auto-sized A10Gs with `extra` serving lines.
fn prompts(requests: u32, prompt: u32, extra: &str) -> finetune_roi::report::Report {
    let text = plan(
        7.0,
        &format!("  instance: a10g\n  instances: 1\n  throughput_tokens_per_second: 1000\n{extra}"),
    );
    let text = replace_once(
        &text,
        "requests_per_day: 50000",
        &format!("requests_per_day: {requests}"),
    );
    report_of_text(&replace_once(
        &text,
        "avg_input_tokens_per_request: 500",
        &format!("avg_input_tokens_per_request: {prompt}"),
    ))
}

#[test]
fn prompts_are_costed_at_the_prefill_rate() {
    // Measured: prompts read at 20,000 tokens/s, generation at 1,000.
    let prefill = "  prefill_tokens_per_second: 20000\n";
    let short = prompts(200_000, 600, prefill);
    let long = prompts(200_000, 5_000, prefill);
    let (a, b) = (
        short.num("serving_instances_costed").unwrap(),
        long.num("serving_instances_costed").unwrap(),
    );
    assert!(a >= 2.0, "{a} instances: enough traffic to need several");
    // 8.3 times the prompt tokens, well under 3 times the instances.
    assert!(
        b <= 2.0 * a,
        "{b} instances for 5,000-token prompts, {a} for 600"
    );
    // The load is the GPU time of both, in generated tokens: each prompt
    // token weighs 1,000/20,000 of a generated one.
    let daily = |r: &finetune_roi::report::Report, id| r.num(id).unwrap();
    assert!(
        (daily(&long, "daily_serving_load_tokens")
            - (daily(&long, "daily_output_tokens") + daily(&long, "daily_input_tokens") / 20.0))
            .abs()
            < 1e-6
    );
    // Unmeasured, prompts are read at 3.3 times the decode rate (the ratio
    // a published saturated-server benchmark implies), and the memo says so.
    let unmeasured = prompts(200_000, 5_000, "");
    let assumed = unmeasured.num("serving_prefill_tokens_per_second").unwrap();
    assert!((assumed - 3_300.0).abs() < 1e-9, "{assumed}");
    assert!(
        (daily(&unmeasured, "daily_serving_load_tokens")
            - (daily(&unmeasured, "daily_output_tokens")
                + daily(&unmeasured, "daily_input_tokens") / 3.3))
            .abs()
            < 1e-6
    );
    // Fewer instances than when every token was costed at the decode rate.
    let all_at_decode = prompts(200_000, 5_000, "  prefill_tokens_per_second: 1000\n");
    assert!(
        unmeasured.num("serving_instances_costed").unwrap()
            < all_at_decode.num("serving_instances_costed").unwrap()
    );
    assert!(unmeasured.num("serving_instances_costed").unwrap() > b);
    let memo = finetune_roi::render::memo::render_markdown(&unmeasured);
    assert!(
        memo.contains("not measured: 3.3× the decode rate"),
        "{memo}"
    );
    assert!(memo.contains("understates the serving cost by that factor, 1/U"));
    assert!(memo.contains("cost 5× the GPU time"), "20% utilization");
    // A prefill rate without a decode rate beside it is refused.
    let text = plan(
        70.0,
        "  instance: h100\n  instances: 2\n  gpus_per_replica: 2\n  prefill_tokens_per_second: 20000\n",
    );
    let err = finetune_roi::evaluate_text(&text, "p.yaml", fixed_time())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a prefill rate needs the decode rate"),
        "{err}"
    );
}

#[test]
fn a_shared_deployment_pays_its_share_and_gets_its_share() {
    let alone = prompts(200_000, 600, "");
    let shared = prompts(200_000, 600, "  share_of_instances: 0.25\n");
    // A quarter of each instance: four times the instances for the traffic,
    // each at a quarter of its price.
    let needed = |r: &finetune_roi::report::Report| r.num("serving_instances_needed").unwrap();
    let required = alone.num("required_throughput_tokens_per_second").unwrap();
    assert_eq!(needed(&shared), (required / (1000.0 * 0.25)).ceil());
    assert_eq!(
        shared.num("serving_cost_per_instance_month").unwrap(),
        0.25 * alone.num("serving_cost_per_instance_month").unwrap()
    );
    assert_eq!(
        shared.num("serving_capacity_tokens_per_second"),
        Some(0.25 * 1000.0 * shared.num("serving_instances").unwrap())
    );
    // The memo's serving line shows the share in its arithmetic.
    let memo = finetune_roi::render::memo::render_markdown(&shared);
    assert!(memo.contains("× the plan's share"), "{memo}");
    assert!(!finetune_roi::render::memo::render_markdown(&alone).contains("the plan's share"));
    // Out of (0, 1] is refused.
    for bad in ["0", "1.5"] {
        let text = replace_once(
            &worked_example_text(),
            "  throughput_tokens_per_second: 5000\n",
            &format!("  throughput_tokens_per_second: 5000\n  share_of_instances: {bad}\n"),
        );
        assert!(finetune_roi::evaluate_text(&text, "s.yaml", fixed_time()).is_err());
    }
}
