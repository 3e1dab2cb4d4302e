//! The workbook recalculated by an engine that is not ours (IronCalc): every
//! formula cell must equal its cached value, and a changed input must move the
//! results to what the model computes for the changed plan.

use finetune_roi::render::{layout, xlsx};
use finetune_roi::report::Report;
use finetune_roi::value::Value;
use ironcalc::base::{cell::CellValue as IcValue, Model};

/// A cell value as IronCalc reports it (its own type cannot be cloned).
#[derive(Debug, Clone, PartialEq)]
enum CellValue {
    None,
    String(String),
    Number(f64),
    Boolean(bool),
}

impl From<IcValue> for CellValue {
    fn from(v: IcValue) -> Self {
        match v {
            IcValue::None => CellValue::None,
            IcValue::String(s) => CellValue::String(s),
            IcValue::Number(x) => CellValue::Number(x),
            IcValue::Boolean(b) => CellValue::Boolean(b),
        }
    }
}

use super::common::*;

fn load(bytes: &[u8]) -> Model<'static> {
    let wb = ironcalc::import::load_from_xlsx_bytes(bytes, "plan", "en", "UTC")
        .expect("IronCalc reads the workbook");
    Model::from_workbook(wb, "en").expect("IronCalc builds a model")
}

/// A formula cell whose recalculated value differs from its cached one.
#[derive(Debug)]
#[allow(dead_code)] // read through Debug in failure messages
pub struct Mismatch {
    cell: String,
    cached: CellValue,
    recalculated: CellValue,
}

fn same(a: &CellValue, b: &CellValue) -> bool {
    match (a, b) {
        (CellValue::Number(x), CellValue::Number(y)) => {
            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs())
        }
        _ => a == b,
    }
}

/// Recalculates the workbook; returns the formula-cell count and the mismatches.
pub fn recalc_mismatches(bytes: &[u8]) -> (usize, Vec<Mismatch>) {
    let mut model = load(bytes);
    let mut cached = Vec::new();
    for c in model.get_all_cells() {
        if model
            .get_cell_formula(c.index, c.row, c.column)
            .unwrap()
            .is_some()
        {
            let v: CellValue = model
                .get_cell_value_by_index(c.index, c.row, c.column)
                .unwrap()
                .into();
            cached.push((c.index, c.row, c.column, v));
        }
    }
    model.evaluate();
    let mut mismatches = Vec::new();
    for (sheet, row, col, before) in &cached {
        let after: CellValue = model
            .get_cell_value_by_index(*sheet, *row, *col)
            .unwrap()
            .into();
        if !same(before, &after) {
            mismatches.push(Mismatch {
                cell: format!("sheet {sheet} row {row} column {col}"),
                cached: before.clone(),
                recalculated: after,
            });
        }
    }
    (cached.len(), mismatches)
}

#[test]
fn every_formula_cell_recalculates_to_its_cached_value() {
    for plan in example_plans() {
        let r = report_of(&plan);
        let bytes = xlsx::render(&r).unwrap();
        let (count, mismatches) = recalc_mismatches(&bytes);
        assert!(
            count >= r.model.quantities.len(),
            "{}: only {count} formula cells",
            plan.display()
        );
        assert!(mismatches.is_empty(), "{}: {mismatches:#?}", plan.display());
    }
}

#[test]
fn a_wrong_cached_value_is_caught() {
    // The canary: if the engine merely echoed cached values, this would pass unnoticed.
    let bytes = canary_workbook();
    let (count, mismatches) = recalc_mismatches(&bytes);
    assert_eq!(count, 1);
    assert_eq!(mismatches.len(), 1);
    assert_eq!(mismatches[0].recalculated, CellValue::Number(42.0));
}

fn value_at(model: &Model, place: &layout::Place, sheets: &[String]) -> CellValue {
    let index = sheets.iter().position(|s| s == place.sheet).unwrap() as u32;
    model
        .get_cell_value_by_index(index, place.row as i32 + 1, place.col as i32 + 1)
        .unwrap()
        .into()
}

/// Types `text` into the cell of input `id`, as a reviewer would.
fn type_into(model: &mut Model, lay: &layout::Layout, id: &str, text: &str) {
    let sheets = model.workbook.get_worksheet_names();
    let place = &lay.places[id];
    let index = sheets.iter().position(|s| s == place.sheet).unwrap() as u32;
    model
        .set_user_input(
            index,
            place.row as i32 + 1,
            place.col as i32 + 1,
            text.to_string(),
        )
        .unwrap();
}

fn expected(v: &Value) -> CellValue {
    match v {
        Value::Num(x) => CellValue::Number(*x),
        Value::Bool(b) => CellValue::Boolean(*b),
        Value::Text(s) => CellValue::String(s.clone()),
        Value::Never => CellValue::String("never".to_string()),
    }
}

/// Changes one input in the workbook, recalculates, and compares every
/// quantity with the model evaluated for the plan changed the same way.
fn check_edit(base: &Report, input_id: &str, new_value: f64, changed_plan: &str) {
    let bytes = xlsx::render(base).unwrap();
    let mut model = load(&bytes);
    let lay = layout::layout(base);
    let sheets: Vec<String> = model.workbook.get_worksheet_names();
    type_into(&mut model, &lay, input_id, &new_value.to_string());
    model.evaluate();
    let changed = report_of_text(changed_plan);
    assert_eq!(
        changed.num(input_id),
        Some(new_value),
        "the plan edit did not change {input_id}"
    );
    let mut moved = 0;
    for q in &changed.model.quantities {
        let got = value_at(&model, &lay.places[&q.id], &sheets);
        let want = expected(changed.value(&q.id));
        assert!(
            same(&got, &want),
            "after {input_id} = {new_value}: {} is {got:?} in the workbook, {want:?} in the model",
            q.id
        );
        if base.value(&q.id) != changed.value(&q.id) {
            moved += 1;
        }
    }
    assert!(moved > 0, "changing {input_id} moved nothing");
}

#[test]
fn edited_inputs_move_the_results() {
    let text = worked_example_text();
    let base = report_of_text(&text);
    let edits = INPUT_EDITS;
    for (id, value, from, to) in edits {
        check_edit(&base, id, value, &replace_once(&text, from, to));
    }
}

#[test]
fn formulas_use_names_and_no_commercial_literals() {
    // Every number in a formula other than these structural constants must
    // be an input cell (the inputs' bounds included: the range check reads
    // them from the cells beside each input). Scans every formula cell of
    // every example workbook.
    const STRUCTURAL: [f64; 7] = [0.0, 1.0, 12.0, 24.0, 100.0, 1000.0, 1_000_000.0];
    let allowed: Vec<f64> = STRUCTURAL.to_vec();
    for plan in example_plans() {
        let r = report_of(&plan);
        // The comparison numbers its candidates: 1 the API, 2 the plan, then
        // each option.
        let candidates = (2..=2 + r.inputs.options.len()).map(|k| k as f64);
        let allowed: Vec<f64> = allowed.iter().copied().chain(candidates).collect();
        let model = load(&xlsx::render(&r).unwrap());
        let mut scanned = 0;
        for c in model.get_all_cells() {
            let Some(f) = model.get_cell_formula(c.index, c.row, c.column).unwrap() else {
                continue;
            };
            scanned += 1;
            for lit in numeric_literals(&f) {
                assert!(
                    allowed.contains(&lit),
                    "{}: sheet {} row {} column {}: {f} embeds {lit}",
                    plan.display(),
                    c.index,
                    c.row,
                    c.column
                );
            }
        }
        assert!(scanned > 100, "{}: only {scanned} formulas", plan.display());
    }
}

#[test]
fn master_check_is_0_and_catches_an_inconsistent_workbook() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let lay = layout::layout(&r);
    for plan in example_plans() {
        assert_eq!(
            report_of(&plan).num("master_check"),
            Some(0.0),
            "{}",
            plan.display()
        );
    }
    let bytes = xlsx::render(&r).unwrap();
    let cases = [
        // A reviewer types a number over the fine-tuned total.
        ("monthly_ft_total", "1234", "check_ft_total_is_sum_of_parts"),
        // A rate outside 0–1 slips past data validation (pasted).
        ("review_rate_ft", "1.7", "check_inputs_in_range"),
        // The bounds are cells too: a maximum lowered under the input's
        // value fails the range check.
        ("review_rate_ft_maximum", "0.0001", "check_inputs_in_range"),
        // Text typed into a price turns formulas into errors.
        ("serving_cost_per_hour", "n/a", "check_no_error_values"),
        // A lifetime longer than the timeline laid out for the plan.
        ("lifetime_months", "48", "check_timeline_covers_lifetime"),
    ];
    for (id, typed, check) in cases {
        let mut model = load(&bytes);
        let sheets = model.workbook.get_worksheet_names();
        type_into(&mut model, &lay, id, typed);
        model.evaluate();
        let master = value_at(&model, &lay.places["master_check"], &sheets);
        let this = value_at(&model, &lay.places[check], &sheets);
        assert_eq!(
            this,
            CellValue::Number(1.0),
            "{id} = {typed}: {check} did not fire"
        );
        assert_eq!(
            master,
            CellValue::Number(1.0),
            "{id} = {typed}: the master check stayed {master:?}"
        );
    }
}

#[test]
fn charts_plot_formula_ranges() {
    use std::io::Read;
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let bytes = xlsx::render(&r).unwrap();
    let model = load(&bytes);
    let sheets = model.workbook.get_worksheet_names();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let chart_files: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(String::from))
        .filter(|n| n.starts_with("xl/charts/chart"))
        .collect();
    assert_eq!(chart_files.len(), 3, "{chart_files:?}");
    let mut values_ranges = 0;
    for name in chart_files {
        let mut xml = String::new();
        archive
            .by_name(&name)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        // Every plotted number (<c:val>, <c:xVal>, <c:yVal>) must come from formula cells.
        let parts = ["<c:val>", "<c:xVal>", "<c:yVal>"]
            .into_iter()
            .flat_map(|tag| xml.split(tag).skip(1));
        for part in parts {
            let f = part
                .split("<c:f>")
                .nth(1)
                .unwrap()
                .split("</c:f>")
                .next()
                .unwrap();
            let (sheet, range) = f.rsplit_once('!').unwrap();
            let sheet = sheet.trim_matches('\'').replace("''", "'");
            let index = sheets
                .iter()
                .position(|s| *s == sheet)
                .unwrap_or_else(|| panic!("{f}")) as u32;
            let (a, b) = range.split_once(':').unwrap_or((range, range));
            let (r1, c1) = cell_index(a);
            let (r2, c2) = cell_index(b);
            for row in r1..=r2 {
                for col in c1..=c2 {
                    assert!(
                        model.get_cell_formula(index, row, col).unwrap().is_some(),
                        "{name}: {f} holds a non-formula cell at row {row} column {col}"
                    );
                }
            }
            values_ranges += 1;
        }
    }
    // Composition (1 series), cumulative cash flow (1), API vs fine-tuned across volume (2, with x and y).
    assert_eq!(values_ranges, 6);
}

/// `$C$12` → (12, 3), 1-based.
fn cell_index(cell: &str) -> (i32, i32) {
    let cell = cell.replace('$', "");
    let split = cell.find(|c: char| c.is_ascii_digit()).unwrap();
    let (letters, digits) = cell.split_at(split);
    let col = letters
        .chars()
        .fold(0, |acc, c| acc * 26 + (c as i32 - 'A' as i32 + 1));
    (digits.parse().unwrap(), col)
}

/// The numeric literals in a formula, skipping names and string literals.
fn numeric_literals(formula: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let chars: Vec<char> = formula.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            // Names, functions and cell references such as $C$19.
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '.'
                    || chars[i] == '$')
            {
                i += 1;
            }
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.'
                    || chars[i] == 'E'
                    || chars[i] == 'e')
            {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            out.push(s.parse().unwrap());
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn literal_scanner_sees_literals() {
    assert_eq!(
        numeric_literals("a_1*0.35+IF(b>0,\"x 5\",30)"),
        vec![0.35, 0.0, 30.0]
    );
    assert_eq!(numeric_literals("SUM($C$19:D19)*2"), vec![2.0]);
}

#[test]
fn every_input_and_result_has_its_defined_name() {
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let bytes = xlsx::render(&r).unwrap();
    let model = load(&bytes);
    let names: Vec<String> = model
        .get_defined_name_list()
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    for id in r.values.keys() {
        assert!(names.contains(id), "no defined name {id}");
    }
    for id in [
        "requests_per_day",
        "monthly_api_cost",
        "payback_months",
        "break_even_tokens_per_day",
    ] {
        assert!(names.iter().any(|n| n == id));
    }
}

#[test]
fn catalogue_inputs_are_looked_up_and_follow_the_named_entry() {
    // The plan names gpt-4o and an A10G without prices: the workbook looks
    // them up; naming another entry on the Inputs sheet switches the prices.
    // Without its options: an H200 has no measured throughput for the 7B, and
    // an option may not bring one the plan lacks.
    let file = std::fs::read_to_string(root().join("inputs/seven-or-seventy.yaml")).unwrap();
    let text = file[..file.find("\noptions:").unwrap() + 1].to_string();
    let base = report_of_text(&text);
    assert!(base
        .inputs
        .lookups
        .contains_key("input_price_per_1m_tokens"));
    assert!(base.inputs.lookups.contains_key("serving_cost_per_hour"));
    let lay = layout::layout(&base);
    let mut model = load(&xlsx::render(&base).unwrap());
    let sheets: Vec<String> = model.workbook.get_worksheet_names();
    for (key, entry) in [
        ("baseline_api", "gpt-4o-mini"),
        ("serving_instance", "h200"),
    ] {
        type_into(&mut model, &lay, key, entry);
    }
    model.evaluate();
    let changed = replace_once(&text, "api: gpt-4o\n", "api: gpt-4o-mini\n");
    let changed = replace_once(
        &changed,
        "  instance: a10g\n  instances: 1\n",
        "  instance: h200\n  instances: 1\n",
    );
    let want = report_of_text(&changed);
    assert_ne!(
        want.num("input_price_per_1m_tokens"),
        base.num("input_price_per_1m_tokens")
    );
    assert_ne!(
        want.num("serving_cost_per_hour"),
        base.num("serving_cost_per_hour")
    );
    for id in [
        "input_price_per_1m_tokens",
        "output_price_per_1m_tokens",
        "serving_cost_per_hour",
        "monthly_api_cost",
        "monthly_serving_cost",
        "monthly_savings",
    ] {
        let got = value_at(&model, &lay.places[id], &sheets);
        assert!(
            same(&got, &expected(want.value(id))),
            "{id}: workbook {got:?}, model {:?}",
            want.value(id)
        );
    }
}

#[test]
fn a_committed_serving_price_is_an_input_looked_up_with_its_source() {
    use finetune_roi::plan::Commitment;
    // The plan rents AWS's L40S on a 1-year term: the Inputs sheet's price
    // is the catalogue's committed price, looked up in its own column, and
    // cites the committed price's source.
    let file = std::fs::read_to_string(root().join("inputs/seven-or-seventy.yaml")).unwrap();
    let text = file[..file.find("\noptions:").unwrap() + 1].to_string();
    let text = replace_once(
        &text,
        "  instance: a10g\n",
        "  instance: l40s\n  commitment: reserved_1y\n",
    );
    let r = report_of_text(&text);
    let l40s = finetune_roi::catalog::Catalog::builtin()
        .gpu("l40s")
        .unwrap();
    let committed = l40s.per_instance_hour(Commitment::Reserved1y).unwrap();
    assert_eq!(r.num("serving_cost_per_hour"), Some(committed));
    assert!(committed < l40s.on_demand_per_instance_hour());
    let item = r.inputs.get("serving_cost_per_hour").unwrap();
    let source = item.source.describe();
    assert!(source.contains("reserved for 1 year"), "{source}");
    assert!(
        source.contains(&l40s.committed.as_ref().unwrap().source),
        "{source}"
    );
    assert_eq!(
        r.inputs.lookups["serving_cost_per_hour"].column,
        "reserved_1y_per_instance_hour"
    );
    let lay = layout::layout(&r);
    let bytes = xlsx::render(&r).unwrap();
    let (formulas, mismatches) = recalc_mismatches(&bytes);
    assert!(formulas > 0 && mismatches.is_empty(), "{mismatches:?}");
    let model = load(&bytes);
    let sheets: Vec<String> = model.workbook.get_worksheet_names();
    for id in ["serving_cost_per_hour", "monthly_serving_cost", "npv"] {
        let got = value_at(&model, &lay.places[id], &sheets);
        assert!(same(&got, &expected(r.value(id))), "{id}: {got:?}");
    }
    // The same plan on demand pays the on-demand price.
    let on_demand = report_of_text(&replace_once(&text, "reserved_1y", "on_demand"));
    assert_eq!(
        on_demand.num("serving_cost_per_hour"),
        Some(l40s.on_demand_per_instance_hour())
    );
    assert!(on_demand.num("monthly_serving_cost") > r.num("monthly_serving_cost"));
}

#[test]
fn a_term_the_named_offer_does_not_sell_is_an_error_naming_the_offer() {
    let file = std::fs::read_to_string(root().join("inputs/seven-or-seventy.yaml")).unwrap();
    let text = file[..file.find("\noptions:").unwrap() + 1].to_string();
    let text = replace_once(
        &text,
        "  instance: a10g\n",
        "  instance: h100-runpod\n  commitment: reserved_3y\n",
    );
    let err = match finetune_roi::evaluate_text(&text, "plan.yaml", fixed_time()) {
        Ok(_) => panic!("a term the offer does not sell is refused"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("serving.commitment: the catalogue has no reserved_3y price for `h100-runpod` (it sells on_demand)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A typed price is the price paid: the term is then the plan's own.
    let typed = replace_once(
        &text,
        "  instances: 1\n",
        "  instances: 1\n  cost_per_hour: 1.9\n",
    );
    assert_eq!(
        report_of_text(&typed).num("serving_cost_per_hour"),
        Some(1.9)
    );
}

#[test]
fn the_summary_chart_puts_its_bar_names_below_a_negative_bar() {
    use std::io::Read;
    // Fine-tuning lowers this plan's review cost: one bar of the Summary
    // chart is negative, and its label hangs below zero.
    let r = report_of(&root().join("inputs/code-generation-200m.yaml"));
    assert!(r.num("monthly_quality_cost_delta").is_some_and(|x| x < 0.0));
    let bytes = xlsx::render(&r).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(String::from))
        .filter(|n| n.starts_with("xl/charts/chart"))
        .collect();
    let columns: Vec<String> = names
        .iter()
        .map(|name| {
            let mut xml = String::new();
            archive
                .by_name(name)
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            xml
        })
        .filter(|xml| xml.contains("<c:barChart>"))
        .collect();
    assert_eq!(columns.len(), 1, "one column chart, the Summary's");
    let axis = columns[0]
        .split("<c:catAx>")
        .nth(1)
        .and_then(|rest| rest.split("</c:catAx>").next())
        .expect("a category axis");
    assert!(
        axis.contains(r#"<c:tickLblPos val="low"/>"#),
        "the bar names sit at zero, under the negative bar: {axis}"
    );
}

/// Excel shows a logical value as TRUE or FALSE whatever its number format:
/// beside every yes/no figure and input, its unit column says Yes or No in
/// a formula over its name, which recalculates to the figure's value, while
/// the figure itself stays a logical value.
#[test]
fn yes_no_figures_read_yes_or_no_beside_their_logical_value() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let bytes = xlsx::render(&r).unwrap();
    let mut model = load(&bytes);
    model.evaluate();
    let lay = layout::layout(&r);
    let sheets = model.workbook.get_worksheet_names();
    let mut seen = 0;
    let ids = r
        .model
        .quantities
        .iter()
        .map(|q| q.id.as_str())
        .chain(r.inputs.items.iter().map(|i| i.id.as_str()));
    for id in ids {
        let (Value::Bool(yes), Some(place)) = (r.value(id), lay.places.get(id)) else {
            continue;
        };
        if place.col != layout::COL_VALUE {
            continue;
        }
        let index = sheets.iter().position(|s| s == place.sheet).unwrap() as u32;
        let (row, col) = (place.row as i32 + 1, place.col as i32 + 2);
        // IronCalc shows a name read in a formula with its `@`.
        let formula = model
            .get_cell_formula(index, row, col)
            .unwrap()
            .map(|f| f.replace('@', ""));
        assert_eq!(
            formula.as_deref(),
            Some(format!("=IF({id},\"Yes\",\"No\")").as_str()),
            "{id} on {}",
            place.sheet
        );
        let words = model.get_formatted_cell_value(index, row, col).unwrap();
        assert_eq!(words, if *yes { "Yes" } else { "No" }, "{id}");
        assert_eq!(
            value_at(&model, place, &sheets),
            CellValue::Boolean(*yes),
            "{id} stays a logical value"
        );
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} yes/no figures found");
}
