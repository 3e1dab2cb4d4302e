//! Options: each is the plan with some fields changed, evaluated as a case of
//! the plan's model; its figures must equal those of the same plan written
//! out in full.

use super::common::*;

/// The seven-or-seventy example at the lesson's GPT-4o price, where the 7B
/// pays and the options compete with it.
fn plan_text() -> String {
    seven_or_seventy_at_lesson_prices()
}

#[test]
fn an_options_figures_equal_the_plan_written_with_its_changes() {
    let text = plan_text();
    let r = report_of_text(&text);
    let doc = finetune_roi::render::json::document(&r);
    let option = doc["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "70b-on-12xa100")
        .unwrap();
    // The same plan with the option's changes written in, and no options.
    let standalone = text[..text.find("options:").unwrap()].to_string();
    let standalone = replace_once(
        &standalone,
        "  model_size_b: 7\n  method: lora\n",
        "  model_size_b: 70\n  method: qlora\n",
    );
    let standalone = replace_once(
        &standalone,
        "  instance: a10g\n  instances: 1\n",
        "  instance: a100_80g\n  instances: 12\n  gpus_per_replica: 2\n",
    );
    let standalone = replace_once(
        &standalone,
        "review_rate_ft: 0.013",
        "review_rate_ft: 0.011",
    );
    let alone = report_of_text(&standalone);
    // Every figure, the option's own timeline included; the checks and the
    // comparison are the plan's.
    assert!(option["results"].get("master_check").is_none());
    assert!(option["results"].get("verdict").is_none());
    let mut compared = 0;
    for q in &alone.model.quantities {
        if q.has(finetune_roi::model::Role::Check)
            || q.sheet == finetune_roi::model::Sheet::Comparison
        {
            continue;
        }
        let want = finetune_roi::render::json::to_json(alone.value(&q.id));
        let got = &option["results"][&q.id];
        let same = match (got.as_f64(), want.as_f64()) {
            (Some(a), Some(b)) => a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
            _ => *got == want,
        };
        assert!(same, "{}: option {got} vs standalone plan {want}", q.id);
        compared += 1;
    }
    assert!(compared > 75, "only {compared} figures compared");
    assert!(option["results"]["lifetime_net"].is_number());
    assert_eq!(option["feasible"], alone.feasible());
}

#[test]
fn infeasible_options_say_why_and_the_cheapest_feasible_is_recommended() {
    let r = report_of_text(&plan_text());
    let doc = finetune_roi::render::json::document(&r);
    let options = doc["options"].as_array().unwrap();
    assert_eq!(options.len(), 2);
    let squeezed = &options[1];
    assert_eq!(squeezed["id"], "70b-on-1xa100");
    assert_eq!(squeezed["feasible"], false);
    let reasons: Vec<&str> = squeezed["infeasible_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|x| x.contains("needs 154 GB a copy but is given 80 GB")),
        "{reasons:?}"
    );
    // With auto sizing a short instance count is paid up, not infeasible;
    // with fixed sizing it is a reason of its own.
    assert!(
        !reasons.iter().any(|x| x.contains("tokens/s")),
        "{reasons:?}"
    );
    let fixed = report_of_text(
        &plan_text().replace("  instance: a10g\n", "  instance: a10g\n  sizing: fixed\n"),
    );
    let fixed_doc = finetune_roi::render::json::document(&fixed);
    let fixed_reasons = fixed_doc["options"][1]["infeasible_reasons"].to_string();
    assert!(fixed_reasons.contains("tokens/s"), "{fixed_reasons}");
    // The 70B on enough A100s carries the traffic but costs far more than
    // the 7B: the plan as written is the one to build.
    assert_eq!(options[0]["feasible"], true);
    let net = |v: &serde_json::Value| v["lifetime_net"].as_f64().unwrap();
    assert!(net(&options[0]["results"]) < net(&doc["results"]));
    assert_eq!(doc["recommended"], "plan");
    assert_eq!(doc["verdict"], "Fine-tune");
}

#[test]
fn a_broken_option_is_reported_with_its_place() {
    let text = plan_text().replace(
        "quality: {review_rate_ft: 0.011}\n  - id: 70b-on-1xa100",
        "quality: {review_rate_ft: 1.5}\n  - id: 70b-on-1xa100",
    );
    let err = finetune_roi::evaluate_text(&text, "p.yaml", fixed_time())
        .unwrap_err()
        .to_string();
    assert!(err.contains("options[0]: quality.review_rate_ft"), "{err}");
    let text = plan_text().replace("id: 70b-on-1xa100", "id: plan");
    let err = finetune_roi::evaluate_text(&text, "p.yaml", fixed_time())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("options[1].id") && err.contains("reserved"),
        "{err}"
    );
}

#[test]
fn plans_without_options_recommend_the_plan_itself_or_the_api() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let doc = finetune_roi::render::json::document(&r);
    assert_eq!(doc["options"], serde_json::json!([]));
    assert_eq!(doc["recommended"], "plan");
}

#[test]
fn a_larger_model_than_a_cheaper_smaller_option_is_a_warning() {
    // The 70B plan with the 7B as its option: the 7B saves more.
    let text = plan_text();
    let text = replace_once(
        &text,
        "  model_size_b: 7\n  method: lora\n",
        "  model_size_b: 70\n  method: qlora\n",
    );
    let text = replace_once(
        &text,
        "  instance: a10g\n  instances: 1\n",
        "  instance: a100_80g\n  instances: 12\n  gpus_per_replica: 2\n",
    );
    let options_at = text.find("options:").unwrap();
    let text = format!(
        "{}options:\n  - id: small\n    label: 7B LoRA on one A10G\n    fine_tuned: {{model_size_b: 7, method: lora}}\n    serving: {{instance: a10g, instances: 1, gpus_per_replica: 1}}\n",
        &text[..options_at]
    );
    let r = report_of_text(&text);
    let w = r
        .warnings
        .iter()
        .find(|w| w.id == "larger_model_than_needed")
        .expect("the warning");
    assert!(
        w.message.contains("70B") && w.message.contains("7B LoRA on one A10G"),
        "{}",
        w.message
    );
    // Not for the 7B plan whose options are larger.
    assert!(!report_of_text(&plan_text())
        .warnings
        .iter()
        .any(|w| w.id == "larger_model_than_needed"));
}
