//! The seed lesson's worked figures, written here as the lesson gives them.

use super::common::*;

#[test]
fn compute_roi_worked_example() {
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let n = |id: &str| r.num(id).unwrap_or_else(|| panic!("{id} is not a number"));
    assert_eq!(round(n("monthly_api_cost"), 2), 8250.00);
    assert_eq!(round(n("monthly_serving_cost"), 2), 2966.40);
    assert_eq!(round(n("monthly_storage_cost"), 3), 0.322);
    assert_eq!(round(n("monthly_amortized_project_cost"), 2), 838.67);
    assert_eq!(round(n("monthly_quality_cost_delta"), 2), 225000.00);
    assert_eq!(round(n("total_project_cost"), 2), 15096.00);
    assert_eq!(round(n("compute_cost"), 2), 96.00);
    assert_eq!(round(n("engineering_cost"), 2), 15000.00);
    assert_eq!(n("break_even_tokens_per_day").trunc(), 12_586_093.0);
    assert_eq!(n("current_daily_tokens"), 35_000_000.0);
    assert_eq!(
        r.value("payback_months"),
        &finetune_roi::value::Value::Never
    );
    assert!(r.flag("is_above_break_even"));
    // The seed's break-even ignores the review cost; the all-in one does not,
    // and here no volume breaks even.
    assert_eq!(
        r.value("break_even_tokens_per_day_all_in"),
        &finetune_roi::value::Value::Never
    );
    assert!(!r.flag("is_above_break_even_all_in"));
    assert_eq!(r.verdict(), "Stay on the API");
}

#[test]
fn compute_roi_json_has_the_seed_keys_with_null_for_never() {
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let doc = finetune_roi::render::json::document(&r);
    assert_eq!(doc["schema_version"], 3);
    let results = &doc["results"];
    for key in [
        "monthly_api_cost",
        "monthly_serving_cost",
        "monthly_storage_cost",
        "monthly_amortized_project_cost",
        "monthly_quality_cost_delta",
        "monthly_ft_total",
        "monthly_savings",
        "total_project_cost",
        "compute_cost",
        "engineering_cost",
        "payback_months",
        "break_even_tokens_per_day",
        "current_daily_tokens",
        "is_above_break_even",
    ] {
        assert!(results.get(key).is_some(), "results.{key} is missing");
    }
    assert!(results["payback_months"].is_null());
    assert_eq!(results["is_above_break_even"], true);
    assert_eq!(doc["decision"]["lean"], "STRONG: Fine-tune");
    assert_eq!(doc["training"]["num_gpus"], 1.0);
}

/// A plan whose compute cost per run comes from the training estimate.
fn training_plan(
    size: f64,
    method: &str,
    examples: u32,
    seq: u32,
    epochs: u32,
    instance: &str,
    spot: bool,
) -> String {
    let text = worked_example_text();
    let text = replace_once(
        &text,
        "  cost_per_run: 12.0        # about 3 hours on an A10G\n",
        "",
    );
    let text = replace_once(
        &text,
        "model_size_b: 7\n",
        &format!("model_size_b: {size}\n"),
    );
    let text = replace_once(&text, "method: lora\n", &format!("method: {method}\n"));
    let text = replace_once(
        &text,
        "dataset_examples: 50000",
        &format!("dataset_examples: {examples}"),
    );
    let text = replace_once(&text, "avg_seq_len: 512", &format!("avg_seq_len: {seq}"));
    let text = replace_once(&text, "epochs: 3", &format!("epochs: {epochs}"));
    let text = replace_once(
        &text,
        "instance: a10g\n    spot: true",
        &format!("instance: {instance}\n    spot: {spot}"),
    );
    text
}

#[test]
fn estimate_training_cost_scenarios() {
    // (size, method, examples, seq, epochs, instance, spot) → (GPUs, hours, $ per run)
    let cases = [
        (
            (7.0, "lora", 50_000, 512, 3, "a10g", true),
            (1.0, 13.6, 4.91),
        ),
        (
            (7.0, "lora", 200_000, 512, 2, "a100_80g", true),
            (1.0, 16.4, 17.75),
        ),
        (
            (13.0, "lora", 50_000, 512, 3, "a100_80g", true),
            (1.0, 9.8, 10.65),
        ),
        (
            (70.0, "qlora", 50_000, 512, 1, "a100_80g", true),
            (2.0, 13.6, 29.58),
        ),
        (
            (7.0, "full", 100_000, 512, 2, "a100_80g", false),
            (4.0, 18.2, 225.34),
        ),
    ];
    for ((size, method, examples, seq, epochs, instance, spot), (gpus, hours, cost)) in cases {
        let r = report_of_text(&training_plan(
            size, method, examples, seq, epochs, instance, spot,
        ));
        let label = format!("{size}B {method} {examples} on {instance}");
        assert_eq!(r.num("training_num_gpus"), Some(gpus), "{label}");
        assert_eq!(round(r.num("training_hours").unwrap(), 1), hours, "{label}");
        assert_eq!(
            round(r.num("training_cost_per_run_estimate").unwrap(), 2),
            cost,
            "{label}"
        );
        // Without cost_per_run, the estimate is the cost per run.
        assert_eq!(
            r.num("compute_cost_per_run"),
            r.num("training_cost_per_run_estimate"),
            "{label}"
        );
        assert_eq!(
            r.num("compute_cost"),
            Some(8.0 * r.num("compute_cost_per_run").unwrap())
        );
    }
}

#[test]
fn estimate_falls_back_without_a_measured_row() {
    // 13B full fine-tuning on an A10G has no row: the seed's rule of thumb applies
    // (4000 × 7/13 tokens/s, one GPU at $3.10/hour).
    let r = report_of_text(&training_plan(13.0, "full", 50_000, 512, 1, "a10g", false));
    assert_eq!(r.num("training_tokens_per_second"), Some(2153.0));
    assert_eq!(r.num("training_num_gpus"), Some(1.0));
    assert_eq!(r.num("training_cost_per_hour_on_demand"), Some(3.10));
    assert!(r.warnings.iter().any(|w| w.id == "estimate_fallback"));
}

/// A plan with the given decision factors and an API bill of `bill` dollars a
/// month (25-day months, 1,000 tokens a request at $2 per 1M tokens).
fn decision_plan(
    bill: f64,
    consistency: &str,
    latency: u32,
    quality: &str,
    expertise: bool,
    iteration: bool,
) -> String {
    let text = worked_example_text();
    let text = replace_once(
        &text,
        "as_of: 2026-11-01\n",
        "as_of: 2026-11-01\ndays_per_month: 25\n",
    );
    let text = replace_once(
        &text,
        "input_price_per_1m_tokens: 5.00",
        "input_price_per_1m_tokens: 2.00",
    );
    let text = replace_once(
        &text,
        "output_price_per_1m_tokens: 15.00",
        "output_price_per_1m_tokens: 2.00",
    );
    let text = replace_once(
        &text,
        "avg_input_tokens_per_request: 500",
        "avg_input_tokens_per_request: 800",
    );
    let text = replace_once(
        &text,
        "requests_per_day: 50000",
        &format!("requests_per_day: {}", bill * 20.0),
    );
    let text = replace_once(
        &text,
        "task_consistency: high",
        &format!("task_consistency: {consistency}"),
    );
    let text = replace_once(
        &text,
        "latency_requirement_ms: 800",
        &format!("latency_requirement_ms: {latency}"),
    );
    let text = replace_once(
        &text,
        "quality_requirement: medium",
        &format!("quality_requirement: {quality}"),
    );
    let text = replace_once(
        &text,
        "team_ml_expertise: true",
        &format!("team_ml_expertise: {expertise}"),
    );
    replace_once(
        &text,
        "iteration_speed_priority: false",
        &format!("iteration_speed_priority: {iteration}"),
    )
}

#[test]
fn should_fine_tune_verdicts() {
    // Scores worked by hand from the lesson's rules.
    let cases = [
        // bill, consistency, latency, quality, expertise, iteration → score, verdict
        (
            (8000.0, "high", 800, "medium", true, false),
            (6.0, "STRONG: Fine-tune"),
        ),
        (
            (5000.0, "high", 800, "medium", true, false),
            (4.0, "STRONG: Fine-tune"),
        ), // $5,000 is not above $5,000
        (
            (5000.0, "medium", 2000, "medium", true, false),
            (1.0, "LEAN: Fine-tune"),
        ),
        (
            (1000.0, "medium", 2000, "medium", true, false),
            (-2.0, "LEAN: Use API"),
        ), // $1,000 is not above $1,000
        (
            (150.0, "high", 50, "medium", true, false),
            (2.0, "LEAN: Fine-tune"),
        ),
        (
            (3000.0, "medium", 500, "high", true, false),
            (1.0, "LEAN: Fine-tune"),
        ), // 500 ms is not below 500
        (
            (3000.0, "low", 3000, "high", true, false),
            (-2.0, "LEAN: Use API"),
        ),
        (
            (800.0, "low", 3000, "high", false, true),
            (-9.0, "STRONG: Use API"),
        ),
        (
            (20000.0, "low", 300, "low", false, true),
            (0.0, "NEUTRAL: Build ROI model"),
        ),
        (
            (500.0, "medium", 3000, "low", true, false),
            (-1.0, "NEUTRAL: Build ROI model"),
        ),
        (
            (500.0, "medium", 3000, "high", true, false),
            (-3.0, "LEAN: Use API"),
        ),
        (
            (500.0, "medium", 3000, "high", false, false),
            (-5.0, "STRONG: Use API"),
        ),
    ];
    for ((bill, c, l, q, e, i), (score, verdict)) in cases {
        let r = report_of_text(&decision_plan(bill, c, l, q, e, i));
        let label = format!("bill {bill}, {c}, {l} ms, {q}, expertise {e}, iteration {i}");
        assert!(
            (r.num("monthly_api_cost").unwrap() - bill).abs() < 1e-6,
            "{label}"
        );
        assert_eq!(r.num("decision_score"), Some(score), "{label}");
        assert_eq!(r.value("decision_lean").as_text(), Some(verdict), "{label}");
    }
}

#[test]
fn case_study_plans_give_the_lessons_verdicts() {
    // The lesson's production cases: document classification is cheaper on
    // the API, but its PII must stay in house: self-host for the
    // requirements, not for cost; customer support at 50M tokens/day and code generation at 200M
    // pay back; the startup's $8,000 GPT-4 bill pays back within months.
    let verdict = |f: &str| {
        report_of(&root().join("inputs").join(f))
            .verdict()
            .to_string()
    };
    let documents = report_of(&root().join("inputs/document-classification.yaml"));
    assert!(documents.num("npv").unwrap() < 0.0, "the API is cheaper");
    assert_eq!(documents.verdict(), "Fine-tune");
    assert_eq!(
        documents.value("verdict_sentence").to_excel_result(),
        "Fine-tune, for the requirements, not for cost."
    );
    assert_eq!(verdict("customer-support-50m.yaml"), "Fine-tune");
    assert_eq!(verdict("code-generation-200m.yaml"), "Fine-tune");
    assert_eq!(verdict("startup-gpt4-8k.yaml"), "Fine-tune");
}
