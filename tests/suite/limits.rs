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

/// Excel refuses formulas that nest functions deeper than this.
const EXCEL_NESTING_LIMIT: usize = 64;

/// The deepest nesting of parentheses in a formula, string literals aside
/// (an upper bound on the nesting of its functions).
fn nesting(formula: &str) -> usize {
    let (mut depth, mut deepest, mut quoted) = (0usize, 0usize, false);
    for ch in formula.chars() {
        match ch {
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The seven-or-seventy example at the lesson's prices with `count`
/// options: a sweep of model sizes, GPUs, precisions and instance counts,
/// the serving throughput typed so that every option has one.
fn sweep(count: usize) -> String {
    let text = seven_or_seventy_at_lesson_prices();
    let text = replace_once(
        &text,
        "  instance: a10g\n  instances: 1\n",
        "  instance: a10g\n  instances: 1\n  throughput_tokens_per_second: 1500\n",
    );
    let mut out = text[..text.find("options:").unwrap()].to_string();
    out.push_str("options:\n");
    let sizes = [3, 7, 8, 13, 14, 32, 70];
    let gpus = ["a10g", "l4", "a100_40g", "a100_80g", "h100"];
    let precisions = ["bf16", "int8", "int4"];
    for k in 0..count {
        let (size, gpu) = (sizes[k % sizes.len()], gpus[(k / 7) % gpus.len()]);
        let precision = precisions[(k / 35) % precisions.len()];
        let instances = 1 + k / 105;
        out.push_str(&format!(
            "  - id: sweep-{k}\n    label: {size}B on {instances}× {gpu} at {precision}\n    fine_tuned: {{model_size_b: {size}}}\n    serving: {{instance: {gpu}, instances: {instances}, precision: {precision}}}\n"
        ));
    }
    out
}

/// The largest resident set of the children this process has waited for.
fn children_peak_bytes() -> u64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage failed");
    // Linux reports kilobytes.
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn two_hundred_options_write_every_output_under_a_gigabyte_within_excels_limits() {
    let dir = std::env::temp_dir().join(format!("finetune-roi-sweep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("sweep.yaml");
    std::fs::write(&plan, sweep(200)).unwrap();
    let out = dir.join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_finetune-roi"))
        .arg("run")
        .arg(&plan)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    // An upper bound on this run's peak: the largest of every child so far.
    let peak = children_peak_bytes();
    assert!(peak > 0 && peak < 1 << 30, "peak resident set {peak} bytes");

    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    let candidates = doc["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 202, "the API, the plan and 200 options");
    assert!(
        candidates.iter().any(|c| c["id"] == doc["recommended"]),
        "the recommendation is a row of the table"
    );
    for file in ["sweep.md", "sweep.html"] {
        assert!(
            std::fs::metadata(out.join(file)).unwrap().len() > 0,
            "{file}"
        );
    }

    let bytes = std::fs::read(out.join("sweep.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let (mut formulas, mut longest, mut deepest) = (0, 0, 0);
    for k in 0..archive.len() {
        let mut member = archive.by_index(k).unwrap();
        if !member.name().unwrap().starts_with("xl/worksheets/") {
            continue;
        }
        let mut xml = String::new();
        member.read_to_string(&mut xml).unwrap();
        for chunk in xml.split("<f>").skip(1) {
            let text = chunk
                .split("</f>")
                .next()
                .unwrap()
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            longest = longest.max(text.chars().count());
            deepest = deepest.max(nesting(&text));
            formulas += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(formulas > 10_000, "only {formulas} formulas found");
    assert!(
        longest <= EXCEL_FORMULA_LIMIT,
        "a formula of {longest} characters"
    );
    assert!(
        deepest <= EXCEL_NESTING_LIMIT,
        "a formula nests {deepest} deep"
    );
}

#[test]
fn no_formula_grows_with_the_number_of_options() {
    let few = report_of_text(&sweep(3));
    let many = report_of_text(&sweep(120));
    let mut compared = 0;
    for q in &few.model.quantities {
        if q.has(finetune_roi::model::Role::TableCell) {
            continue;
        }
        let Some(other) = many.model.get(&q.id) else {
            continue;
        };
        let (a, b) = (q.expr.to_excel(), other.expr.to_excel());
        // An option's number in a name may gain a digit or two.
        assert!(
            b.len() <= a.len() + 2,
            "{}: {} characters with 3 options, {} with 120",
            q.id,
            a.len(),
            b.len()
        );
        compared += 1;
    }
    assert!(compared > 100, "only {compared} formulas compared");
    // The recommendation is looked up, never compared with a number.
    for id in [
        "verdict",
        "verdict_sentence",
        "verdict_marginal",
        "headline",
    ] {
        let f = many.model.get(id).unwrap().expr.to_excel();
        assert!(!f.contains("recommended_row"), "{id}: {f}");
        assert!(f.contains("recommended_kind=\"api\""), "{id}: {f}");
    }
}

#[test]
fn more_options_than_the_limit_are_refused_with_the_limit_named() {
    let count = finetune_roi::inputs::MAX_OPTIONS + 1;
    let err = finetune_roi::evaluate_text(&sweep(count), "sweep.yaml", fixed_time())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "expected at most {} options, found {count}",
            finetune_roi::inputs::MAX_OPTIONS
        )),
        "{err}"
    );
    assert!(err.contains("sweep.yaml:"), "the place is named: {err}");
}
