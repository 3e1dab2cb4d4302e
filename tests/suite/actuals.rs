//! Observed months: the latest observed traffic replaces the forecast, which
//! stays visible beside it, and the observed API bill is set against the model's.

use super::common::*;

fn with_actuals(actuals: &str) -> String {
    format!("{}actuals:\n{actuals}", worked_example_text())
}

#[test]
fn the_latest_observed_month_replaces_the_forecast() {
    let r = report_of_text(&with_actuals(
        "  2026-10: {requests_per_day: 61000, api_bill: 9000}\n  2026-09: {requests_per_day: 52000, api_bill: 8100}\n",
    ));
    // The months are read in date order, whatever their order in the file.
    assert_eq!(r.num("requests_per_day"), Some(61_000.0));
    assert_eq!(
        r.inputs.get("requests_per_day").unwrap().source.describe(),
        "actual: observed in 2026-10"
    );
    assert_eq!(r.num("requests_per_day_forecast"), Some(50_000.0));
    assert_eq!(
        r.num("requests_vs_forecast").map(|x| round(x, 9)),
        Some(0.22)
    );
    // Every figure follows the observed traffic: 61,000 × 700 tokens a day.
    assert_eq!(r.num("current_daily_tokens"), Some(61_000.0 * 700.0));
    let modelled = r.num("monthly_api_cost").unwrap();
    assert_eq!(r.num("api_bill_vs_model"), Some(9000.0 - modelled));
    // The workbook shows both the forecast and the observed traffic.
    let lay = finetune_roi::render::layout::layout(&r);
    assert_eq!(lay.places["requests_per_day"].sheet, "Inputs");
    assert_eq!(lay.places["requests_per_day_forecast"].sheet, "Inputs");
}

#[test]
fn a_month_with_only_a_bill_keeps_the_forecast_traffic() {
    let r = report_of_text(&with_actuals("  2026-10: {api_bill: 8000}\n"));
    assert_eq!(r.num("requests_per_day"), Some(50_000.0));
    assert!(r.inputs.get("requests_per_day_forecast").is_none());
    assert_eq!(r.num("api_bill_vs_model"), Some(8000.0 - 8250.0));
}

#[test]
fn bad_months_and_values_are_refused() {
    let text = with_actuals("  2026-13: {requests_per_day: 1}\n  2026-10: {api_bill: -5}\n");
    let err = finetune_roi::evaluate_text(&text, "p.yaml", fixed_time())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("actuals.2026-13: expected a month written YYYY-MM"),
        "{err}"
    );
    assert!(
        err.contains("actuals.2026-10.api_bill: expected a number ≥ 0, found -5"),
        "{err}"
    );
}
