//! Managed fine-tuning as a candidate: an option built from a catalogue
//! offer equals the same option written out by hand, figure by figure and
//! in the workbook; its costs are its tokens at the provider's prices; and
//! an option may not add a part the plan's formulas lack.

use finetune_roi::catalog::Catalog;
use finetune_roi::render::{layout, xlsx};
use finetune_roi::report::Report;
use ironcalc::base::{cell::CellValue, Model};

use super::common::*;

/// The catalogue offer the options are built from.
const OFFER: &str = "openai-gpt-4o";

/// The worked example with two managed options: one naming the offer, one
/// giving the offer's prices by hand; both with smaller engineering and the
/// API's review rate.
fn plan_with_managed_options() -> String {
    let offer = Catalog::builtin().managed(OFFER).unwrap();
    let common = "    engineering: {hours: {data: 40, experiments: 6, evaluation: 16, deployment: 2}}\n    quality: {review_rate_ft: 0.02}\n";
    format!(
        "{}options:\n  - id: from-offer\n    kind: managed\n    offer: {OFFER}\n{common}  - id: by-hand\n    kind: managed\n    managed:\n      training_per_1m_tokens: {}\n      inference_input_per_1m_tokens: {}\n      inference_output_per_1m_tokens: {}\n{common}",
        worked_example_text(),
        offer.training_per_1m_tokens,
        offer.inference_input_per_1m_tokens,
        offer.inference_output_per_1m_tokens,
    )
}

fn num(r: &Report, k: usize, id: &str) -> f64 {
    r.options[k]
        .value(r, id)
        .as_num()
        .unwrap_or_else(|| panic!("option {k}: {id} is {:?}", r.options[k].value(r, id)))
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        "{what}: {a} against {b}"
    );
}

#[test]
fn a_managed_option_from_the_catalogue_equals_the_same_option_written_out() {
    let r = report_of_text(&plan_with_managed_options());
    assert_eq!(r.options.len(), 2);
    let (a, b) = (&r.options[0], &r.options[1]);
    let mut compared = 0;
    for q in &r.model.quantities {
        assert_eq!(
            a.value(&r, &q.id),
            b.value(&r, &q.id),
            "{} differs between the offer and the hand-written option",
            q.id
        );
        compared += 1;
    }
    assert_eq!(a.timeline, b.timeline, "the two timelines differ");
    assert!(compared > 100, "only {compared} figures compared");
    // The two are managed, and unlike the plan.
    assert_ne!(
        a.value(&r, "monthly_ft_total"),
        r.value("monthly_ft_total"),
        "the option did not change the fine-tuned total"
    );
}

#[test]
fn a_managed_candidate_pays_its_tokens_and_no_gpus() {
    let r = report_of_text(&plan_with_managed_options());
    let offer = Catalog::builtin().managed(OFFER).unwrap();
    // The worked example: 50,000 requests a day of 500 + 200 tokens; 8 runs
    // of 50,000 examples × 512 tokens × 3 epochs; $150 an hour.
    let tokens_per_run = 50_000.0 * 512.0 * 3.0;
    let training = 8.0 * tokens_per_run * offer.training_per_1m_tokens / 1e6;
    let engineering = (40.0 + 6.0 + 16.0 + 2.0) * 150.0;
    let daily = 50_000.0 * 500.0 * offer.inference_input_per_1m_tokens
        + 50_000.0 * 200.0 * offer.inference_output_per_1m_tokens;
    let managed_month = daily * 30.0 / 1e6;
    let api_month = (50_000.0 * 500.0 * 5.0 + 50_000.0 * 200.0 * 15.0) * 30.0 / 1e6;
    close(num(&r, 0, "compute_cost"), training, "training");
    close(
        num(&r, 0, "total_project_cost"),
        training + engineering,
        "project",
    );
    close(
        num(&r, 0, "monthly_managed_inference_cost"),
        managed_month,
        "managed tokens",
    );
    close(num(&r, 0, "monthly_serving_cost"), 0.0, "serving");
    close(num(&r, 0, "monthly_storage_cost"), 0.0, "storage");
    close(
        num(&r, 0, "monthly_quality_cost_delta"),
        0.0,
        "review delta",
    );
    close(
        num(&r, 0, "monthly_savings_before_amortization"),
        api_month - managed_month,
        "savings before amortization",
    );
    assert_eq!(
        r.options[0].value(&r, "feasible"),
        &finetune_roi::value::Value::Bool(true)
    );
    // The net present value, written out: the project in month 0, then 18
    // equal months, discounted at 10% a year.
    let mut npv = -(training + engineering);
    for t in 1..=18 {
        npv += (api_month - managed_month) / 1.1f64.powf(t as f64 / 12.0);
    }
    close(num(&r, 0, "npv"), npv, "net present value");
    // The plan itself is untouched by its options.
    let plain = report_of_text(&worked_example_text());
    for id in [
        "npv",
        "monthly_ft_total",
        "compute_cost",
        "monthly_serving_cost",
    ] {
        assert_eq!(r.value(id), plain.value(id), "{id} of the plan moved");
    }
}

#[test]
fn the_workbook_recalculates_the_managed_options() {
    let r = report_of_text(&plan_with_managed_options());
    let bytes = xlsx::render(&r).unwrap();
    let wb = ironcalc::import::load_from_xlsx_bytes(&bytes, "plan", "en", "UTC").unwrap();
    let mut model = Model::from_workbook(wb, "en").unwrap();
    model.evaluate();
    let names = model.workbook.get_worksheet_names();
    let lay = layout::layout(&r);
    let mut checked = 0;
    for k in 0..2 {
        for id in ["npv", "total_project_cost", "month1_net_savings"] {
            let key = finetune_roi::inputs::options::option_input_id(k, id);
            let p = &lay.places[&key];
            let sheet = names.iter().position(|n| n == p.sheet).unwrap() as u32;
            let got = match model
                .get_cell_value_by_index(sheet, p.row as i32 + 1, p.col as i32 + 1)
                .unwrap()
            {
                CellValue::Number(x) => x,
                other => panic!("{key} recalculates to {other:?}"),
            };
            close(got, num(&r, k, id), &format!("{key} in IronCalc"));
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

#[test]
fn an_option_cannot_add_what_the_plan_lacks() {
    let text = format!(
        "{}options:\n  - id: more\n    engineering: {{hours: {{security_review: 10}}}}\n",
        worked_example_text()
    );
    let Err(err) = finetune_roi::evaluate_text(&text, "test.yaml", fixed_time()) else {
        panic!("an option with a new phase is refused")
    };
    let err = err.to_string();
    assert!(
        err.contains("options[0]") && err.contains("engineering phases the plan does not have"),
        "{err}"
    );
}

#[test]
fn a_managed_plan_needs_its_prices_and_its_training_tokens() {
    let text = replace_once(
        &worked_example_text(),
        "baseline:",
        "kind: managed\nbaseline:",
    );
    let Err(err) = finetune_roi::evaluate_text(&text, "test.yaml", fixed_time()) else {
        panic!("a managed plan without prices is refused")
    };
    let err = err.to_string();
    assert!(
        err.contains("managed.training_per_1m_tokens") && err.contains("offer"),
        "{err}"
    );
    let unknown = replace_once(
        &worked_example_text(),
        "baseline:",
        "kind: managed\noffer: no-such-offer\nbaseline:",
    );
    let Err(err) = finetune_roi::evaluate_text(&unknown, "test.yaml", fixed_time()) else {
        panic!("an unknown offer is refused")
    };
    let err = err.to_string();
    assert!(
        err.contains("offer") && err.contains("no-such-offer"),
        "{err}"
    );
}
