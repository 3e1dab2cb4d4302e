//! Excel's limits hold at the largest plans the validator accepts.

use std::io::Read;

use super::common::*;

/// Excel refuses formulas longer than this many characters.
const EXCEL_FORMULA_LIMIT: usize = 8_192;

/// The options example with the most engineering phases the validator
/// accepts, each a range, and its serving price a range too.
fn largest_plan() -> String {
    let text = std::fs::read_to_string(root().join("inputs/seven-or-seventy.yaml")).unwrap();
    let phases: Vec<String> = (1..=finetune_roi::inputs::MAX_PHASES)
        .map(|k| format!("phase_{k}: {{low: {k}, base: {}, high: {}}}", k + 1, k + 2))
        .collect();
    let text = replace_once(
        &text,
        "hours: {data: 40, experiments: 24, evaluation: 30, deployment: 16}",
        &format!("hours: {{{}}}", phases.join(", ")),
    );
    replace_once(
        &text,
        "instances: 1\nquality",
        "instances: 1\n  cost_per_hour: [0.9, 1.3]\nquality",
    )
}

#[test]
fn every_formula_fits_excel_with_the_most_phases() {
    let report = report_of_text(&largest_plan());
    let phases = report
        .inputs
        .items
        .iter()
        .filter(|i| i.id.starts_with("engineering_hours_phase_"))
        .count();
    assert_eq!(phases, finetune_roi::inputs::MAX_PHASES);
    assert!(report.inputs.ranges.len() > 100, "the phases are ranges");
    assert!(!report.inputs.options.is_empty(), "the plan has options");

    // The model's expressions, printed by name.
    for q in &report.model.quantities {
        let f = q.expr.to_excel();
        assert!(
            f.len() < EXCEL_FORMULA_LIMIT,
            "{}: {} characters",
            q.id,
            f.len()
        );
    }

    // The workbook's formulas as written.
    let bytes = finetune_roi::render::xlsx::render(&report).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut formulas = 0;
    let mut longest = 0;
    for k in 0..archive.len() {
        let mut member = archive.by_index(k).unwrap();
        let name = member.name().unwrap().to_string();
        if !name.starts_with("xl/worksheets/") {
            continue;
        }
        let mut xml = String::new();
        member.read_to_string(&mut xml).unwrap();
        for chunk in xml.split("<f>").skip(1) {
            let formula = chunk.split("</f>").next().unwrap();
            // Count characters as Excel does: entities are one character.
            let text = formula
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            longest = longest.max(text.chars().count());
            assert!(
                text.chars().count() < EXCEL_FORMULA_LIMIT,
                "{}: a formula of {} characters: {}…",
                name,
                text.chars().count(),
                &text[..200]
            );
            formulas += 1;
        }
    }
    assert!(formulas > 500, "only {formulas} formulas found");
    // The range check lists every phase: it is long, but under the limit.
    assert!(
        longest > 2_000,
        "the longest formula has {longest} characters"
    );
}
