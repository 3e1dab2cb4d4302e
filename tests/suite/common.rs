//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use finetune_roi::report::Report;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example plan in `inputs/`.
pub fn example_plans() -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join("inputs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    assert!(plans.len() >= 5, "the examples are missing: {plans:?}");
    plans
}

/// A fixed generation time, so outputs compare equal across runs.
pub fn fixed_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap()
}

/// Evaluates a plan file.
pub fn report_of(path: &Path) -> Report {
    finetune_roi::evaluate_file(path, fixed_time())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Evaluates plan text.
pub fn report_of_text(text: &str) -> Report {
    finetune_roi::evaluate_text(text, "test.yaml", fixed_time()).unwrap_or_else(|e| panic!("{e}"))
}

/// The worked example's text.
pub fn worked_example_text() -> String {
    std::fs::read_to_string(root().join("inputs/roi-worked-example.yaml")).unwrap()
}

/// Replaces exactly one occurrence of `from` in `text`.
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// Rounds to `decimals` places, as the seed's printouts do.
pub fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// Edits of the worked example's inputs, one at a time, for the recalculation
/// tests: (input id, new value, plan text, the same text edited).
pub const INPUT_EDITS: [(&str, f64, &str, &str); 7] = [
    (
        "requests_per_day",
        400000.0,
        "requests_per_day: 50000",
        "requests_per_day: 400000",
    ),
    (
        "review_rate_ft",
        0.02,
        "review_rate_ft: 0.05",
        "review_rate_ft: 0.02",
    ),
    (
        "serving_cost_per_hour",
        1.03,
        "cost_per_hour: 2.06",
        "cost_per_hour: 1.03",
    ),
    (
        "engineer_hourly_rate",
        90.0,
        "hourly_rate: 150",
        "hourly_rate: 90",
    ),
    (
        "input_price_per_1m_tokens",
        2.5,
        "input_price_per_1m_tokens: 5.00",
        "input_price_per_1m_tokens: 2.5",
    ),
    (
        "output_price_per_1m_tokens",
        60.0,
        "output_price_per_1m_tokens: 15.00",
        "output_price_per_1m_tokens: 60",
    ),
    (
        "lifetime_months",
        12.0,
        "lifetime_months: 18",
        "lifetime_months: 12",
    ),
];

/// A workbook whose one formula (`=A1*21` with A1 = 2) caches the wrong
/// result 41: an engine that really recalculates gives 42.
pub fn canary_workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_number(0, 0, 2.0).unwrap();
    ws.write_formula(
        0,
        1,
        rust_xlsxwriter::Formula::new("=A1*21").set_result("41"),
    )
    .unwrap();
    wb.save_to_buffer().unwrap()
}

/// The seven-or-seventy example with the lesson's GPT-4o price ($5/$15 per
/// 1M tokens) written into the plan, for the tests about the lesson's
/// figures: the catalogue's own price is today's ($2.50/$10), at which the
/// plan stays on the API.
pub fn seven_or_seventy_at_lesson_prices() -> String {
    let text = std::fs::read_to_string(root().join("inputs/seven-or-seventy.yaml")).unwrap();
    replace_once(
        &text,
        "  api: gpt-4o\n",
        "  api: gpt-4o\n  input_price_per_1m_tokens: 5.00\n  output_price_per_1m_tokens: 15.00\n",
    )
}

/// The memo's HTML with its one script element (the what-if panel's, built
/// from the model alone) taken out; panics unless there is exactly one, at
/// the end of the body, and it holds nothing a hostile plan wrote.
pub fn outside_script(html: &str) -> String {
    assert_eq!(html.matches("<script").count(), 1, "one script element");
    let start = html.find("<script>").expect("the script opens plainly");
    let end = html[start..].find("</script>").expect("the script closes") + start;
    let script = &html[start..end];
    for bad in ["alert(", "onerror", "example.invalid", "javascript:"] {
        assert!(!script.contains(bad), "the script holds `{bad}`");
    }
    assert!(
        html[end..].trim_start_matches("</script>").trim() == "</body>\n</html>"
            || html[end..].trim_start_matches("</script>").trim() == "</body>\r\n</html>",
        "the script is the body's last element"
    );
    format!("{}{}", &html[..start], &html[end + "</script>".len()..])
}

/// The cells of a report's workbook as IronCalc recalculates them, by the
/// id of what each holds (a quantity, an input, an option's figure).
pub fn recalculated_cells(r: &Report, ids: &[&str]) -> Vec<ironcalc::base::cell::CellValue> {
    let bytes = finetune_roi::render::xlsx::render(r).unwrap();
    let wb = ironcalc::import::load_from_xlsx_bytes(&bytes, "plan", "en", "UTC").unwrap();
    let mut model = ironcalc::base::Model::from_workbook(wb, "en").unwrap();
    model.evaluate();
    let names = model.workbook.get_worksheet_names();
    let lay = finetune_roi::render::layout::layout(r);
    ids.iter()
        .map(|id| {
            let p = &lay.places[*id];
            let sheet = names.iter().position(|n| n == p.sheet).unwrap() as u32;
            model
                .get_cell_value_by_index(sheet, p.row as i32 + 1, p.col as i32 + 1)
                .unwrap()
        })
        .collect()
}
