//! A cheaper API model as a candidate (`kind: api`): the task moves to
//! another API model with a longer prompt. The option's bill is its own
//! API bill in place of the baseline's, its project the prompt work, with
//! no training and no serving; it is compared by the rule every candidate
//! is, and the JSON, the memo and the recalculated workbook agree.

use finetune_roi::catalog::Catalog;
use finetune_roi::render::{json, memo};
use finetune_roi::report::Report;
use ironcalc::base::cell::CellValue;

use super::common::*;

/// Extra prompt tokens the option's few-shot prompt adds to each request.
const EXTRA: f64 = 1500.0;
/// The option's own review rate and hours of prompt work.
const REVIEW: f64 = 0.0015;
const HOURS: f64 = 40.0;

/// The lesson's customer-support plan with an option that moves the task
/// to gpt-4o-mini with a longer prompt.
fn plan() -> String {
    let text = std::fs::read_to_string(root().join("inputs/customer-support-50m.yaml")).unwrap();
    format!(
        "{text}options:\n  - id: mini\n    label: gpt-4o-mini with few-shot examples\n    kind: api\n    api: gpt-4o-mini\n    prompt: {{extra_tokens_per_request: {EXTRA}, review_rate: {REVIEW}, work_hours: {HOURS}}}\n"
    )
}

fn num(r: &Report, id: &str) -> f64 {
    r.num(id).unwrap_or_else(|| panic!("{id} is not a number"))
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        "{what}: {a} against {b}"
    );
}

#[test]
fn an_api_option_bills_its_own_api_model_and_is_recommended_when_it_saves_most() {
    let r = report_of_text(&plan());
    let mini = Catalog::builtin().api("gpt-4o-mini").unwrap();
    // By hand: the requests of a month at gpt-4o-mini's list prices, each
    // prompt longer by EXTRA tokens; the review delta at the option's rate.
    let requests = num(&r, "requests_per_day") * num(&r, "days_per_month");
    let input = num(&r, "avg_input_tokens_per_request") + EXTRA;
    let output = num(&r, "avg_output_tokens_per_request");
    let bill = requests * (input * mini.input_per_1m_tokens + output * mini.output_per_1m_tokens)
        / 1_000_000.0;
    let review_delta =
        (REVIEW - num(&r, "review_rate_api")) * requests * num(&r, "cost_per_review");
    let savings = num(&r, "monthly_api_cost") - bill - review_delta;
    let doc = json::document(&r);
    let row = doc["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "mini")
        .unwrap();
    assert_eq!(row["kind"], "api_option");
    close(
        row["monthly_savings"].as_f64().unwrap(),
        savings,
        "monthly savings",
    );
    close(
        row["project_cost"].as_f64().unwrap(),
        HOURS * num(&r, "engineer_hourly_rate"),
        "project cost: the prompt work alone",
    );
    // It saves more than the 7B on four A10Gs: it is the recommendation.
    let plan_row = doc["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "plan")
        .unwrap();
    assert!(row["npv"].as_f64().unwrap() > plan_row["npv"].as_f64().unwrap());
    assert_eq!(doc["recommended"], "mini");
    assert_eq!(doc["verdict"], "Switch API model");
    assert_eq!(
        doc["answer"],
        "Switch API model: option gpt-4o-mini with few-shot examples, no fine-tuning."
    );
    close(
        num(&r, "recommended_npv"),
        row["npv"].as_f64().unwrap(),
        "npv",
    );
    // The memo says the same.
    let md = memo::render_markdown(&r);
    assert!(
        md.contains(
            "**Switch API model: option gpt-4o-mini with few-shot examples, no fine-tuning.**"
        ),
        "{}",
        &md[..md.len().min(2000)]
    );
    // The plan's own figures are unchanged by the option.
    let text = plan();
    let plain = report_of_text(&text[..text.find("options:").unwrap()]);
    for id in ["npv", "monthly_api_cost", "total_project_cost"] {
        assert_eq!(r.value(id), plain.value(id), "{id}");
    }
}

#[test]
fn the_workbook_recalculates_the_api_option_and_the_verdict() {
    let r = report_of_text(&plan());
    let cell = |key: &str| recalculated_cells(&r, &[key]).remove(0);
    for id in ["npv", "total_project_cost", "month1_net_savings"] {
        let key = finetune_roi::inputs::options::option_input_id(0, id);
        let want = r.options[0].value(&r, id).as_num().unwrap();
        match cell(&key) {
            CellValue::Number(x) => close(x, want, &format!("{key} in IronCalc")),
            other => panic!("{key} recalculates to {other:?}"),
        }
    }
    assert_eq!(
        cell("verdict"),
        CellValue::String("Switch API model".to_string())
    );
    assert_eq!(
        cell("recommended_kind"),
        CellValue::String("api_option".to_string())
    );
}

#[test]
fn an_api_option_names_a_catalogue_model_or_gives_its_prices() {
    let text = std::fs::read_to_string(root().join("inputs/customer-support-50m.yaml")).unwrap();
    for (option, expected) in [
        (
            "    kind: api\n    api: gpt-4o-mni\n",
            "options[0]: api: unknown API model `gpt-4o-mni` in the catalogue; did you mean `gpt-4o-mini`",
        ),
        (
            "    kind: api\n",
            "options[0]: api: missing: kind: api moves the task to another API model",
        ),
        (
            "    kind: api\n    api: gpt-4o-mini\n    prompt: {review_rate: 1.5}\n",
            "options[0]: prompt.review_rate: expected a fraction from 0 to 1 (0.05 means 5%), found 1.5",
        ),
        (
            "    prompt: {review_rate: 0.01}\n",
            "options[0]: prompt.review_rate: applies to kind: api only",
        ),
    ] {
        let plan = format!("{text}options:\n  - id: other\n{option}");
        let Err(err) = finetune_roi::evaluate_text(&plan, "plan.yaml", fixed_time()) else {
            panic!("refused: {option}")
        };
        let err = err.to_string();
        assert!(err.contains(expected), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // Prices given by hand stand for the name.
    let plan = format!(
        "{text}options:\n  - id: other\n    kind: api\n    managed: {{inference_input_per_1m_tokens: 0.1, inference_output_per_1m_tokens: 0.4}}\n"
    );
    let r = report_of_text(&plan);
    assert_eq!(r.options.len(), 1);
}

#[test]
fn data_that_must_stay_in_house_rules_out_the_api_option_too() {
    let text = plan();
    let at = text.find("options:\n").unwrap();
    let kept = format!(
        "{}requirements:\n  data_must_stay_in_house: true\n{}",
        &text[..at],
        &text[at..]
    );
    let r = report_of_text(&kept);
    let doc = json::document(&r);
    let feasible = |id: &str| {
        doc["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {}", doc["candidates"]))["feasible"]
            .clone()
    };
    // Another API model sends the data out as the baseline does.
    assert_eq!(feasible("mini"), serde_json::Value::Bool(false));
    assert_eq!(feasible("api"), serde_json::Value::Bool(false));
    assert_eq!(feasible("plan"), serde_json::Value::Bool(true));
    assert_eq!(r.recommended(), "plan");
}

/// The few-shot prompt resent with every request is read from the
/// provider's cache: `prompt.cached_share` of the option's prompt tokens
/// are billed at its model's cached-input price, in the JSON and in the
/// recalculated workbook.
#[test]
fn an_api_options_cached_prompt_is_billed_at_the_cached_price() {
    const CACHED: f64 = 0.6;
    let text = plan().replace(
        &format!("work_hours: {HOURS}}}"),
        &format!("work_hours: {HOURS}, cached_share: {CACHED}}}"),
    );
    let r = report_of_text(&text);
    let plain = report_of_text(&plan());
    let mini = Catalog::builtin().api("gpt-4o-mini").unwrap();
    let cached = mini
        .cached_input_per_1m_tokens
        .expect("gpt-4o-mini has a cached price");
    assert!(cached < mini.input_per_1m_tokens);
    let requests = num(&r, "requests_per_day") * num(&r, "days_per_month");
    let input = num(&r, "avg_input_tokens_per_request") + EXTRA;
    let output = num(&r, "avg_output_tokens_per_request");
    let price_in = (1.0 - CACHED) * mini.input_per_1m_tokens + CACHED * cached;
    let bill = requests * (input * price_in + output * mini.output_per_1m_tokens) / 1_000_000.0;
    let plain_bill = requests
        * (input * mini.input_per_1m_tokens + output * mini.output_per_1m_tokens)
        / 1_000_000.0;
    let savings = |r: &Report| {
        json::document(r)["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "mini")
            .unwrap()["monthly_savings"]
            .as_f64()
            .unwrap()
    };
    // The cache lowers the bill by exactly what the hand calculation says.
    close(
        savings(&r) - savings(&plain),
        plain_bill - bill,
        "savings the cache adds",
    );
    let monthly = r.options[0]
        .value(&r, "monthly_managed_inference_cost")
        .as_num()
        .unwrap();
    close(monthly, bill, "the option's monthly bill");
    // The workbook's option column carries the cache to its first month.
    let key = finetune_roi::inputs::options::option_input_id(0, "month1_net_savings");
    let want = r.options[0]
        .value(&r, "month1_net_savings")
        .as_num()
        .unwrap();
    match recalculated_cells(&r, &[&key]).remove(0) {
        CellValue::Number(x) => close(x, want, &format!("{key} in IronCalc")),
        other => panic!("{key} recalculates to {other:?}"),
    }
}

/// When the switch is recommended, the brief (before the appendix) speaks
/// of the new API model, not of a fine-tuned one: its key figures, its
/// levers and the note above them.
#[test]
fn the_brief_of_an_api_switch_names_the_new_api_model() {
    let r = report_of_text(&plan());
    assert_eq!(r.verdict(), "Switch API model");
    let md = memo::render_markdown(&r);
    let brief = &md[..md.find("<!-- memo:appendix -->").unwrap()];
    for words in [
        "fine-tuned total",
        "Fine-tuning wins",
        "Review rate, fine-tuned",
        "Managed model",
    ] {
        assert!(!brief.contains(words), "the brief says {words:?}");
    }
    let html = memo::render_html(&r);
    assert!(
        html.contains("Total on the new API model"),
        "the composition chart"
    );
    for words in [
        "| Monthly total on the new API model |",
        "| Review rate on the new API model |",
        "Switching to option",
    ] {
        assert!(brief.contains(words), "the brief lacks {words:?}");
    }
}

/// An API switch with no prompt work has no project to repay: the answer
/// says so, in the tool and in the recalculated workbook, instead of a
/// payback of 0.0 months.
#[test]
fn an_api_switch_without_project_cost_tells_no_payback() {
    let text = plan().replace(&format!("work_hours: {HOURS}"), "work_hours: 0");
    let r = report_of_text(&text);
    assert_eq!(r.verdict(), "Switch API model");
    let headline = r.value("headline").to_excel_result();
    assert!(
        headline.contains("with no project cost to repay"),
        "{headline}"
    );
    assert!(!headline.contains("0.0 months"), "{headline}");
    assert_eq!(
        recalculated_cells(&r, &["headline"]).remove(0),
        CellValue::String(headline)
    );
}
