//! The workbook recalculated by LibreOffice, forced to recalculate on load
//! (a fresh profile with OOXMLRecalcMode 0): every formula cell must come back
//! equal to the value we cached, a canary with a wrong cached value must come
//! back corrected, and edited inputs must move the named results to what the
//! model computes for the edited plan.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use finetune_roi::model::Role;
use finetune_roi::render::{layout, xlsx};
use finetune_roi::report::Report;
use finetune_roi::value::Value;
use ironcalc::base::{cell::CellValue, Model};

use super::common::*;

const RECALC_ALWAYS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

/// Converts every file in `files` to the format `to` (a file extension) into
/// `out`, with LibreOffice's user profile at `profile` (a fresh one each
/// run, so no setting of the machine's user leaks in).
pub fn convert(soffice: &Path, profile: &Path, to: &str, out: &Path, files: &[PathBuf]) {
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(out)
        .args(files)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// Converts every file in `inputs` to xlsx with recalculation forced; returns
/// the converted files in the same order.
fn recalculate(soffice: &Path, work: &Path, inputs: &[PathBuf]) -> Vec<PathBuf> {
    let profile = work.join("profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        RECALC_ALWAYS,
    )
    .unwrap();
    let out = work.join("recalculated");
    std::fs::create_dir_all(&out).unwrap();
    convert(soffice, &profile, "xlsx", &out, inputs);
    inputs
        .iter()
        .map(|p| {
            let converted = out.join(p.file_name().unwrap());
            assert!(
                converted.exists(),
                "LibreOffice did not convert {}",
                p.display()
            );
            converted
        })
        .collect()
}

fn load(path: &Path) -> Model<'static> {
    let wb =
        ironcalc::import::load_from_xlsx_bytes(&std::fs::read(path).unwrap(), "wb", "en", "UTC")
            .unwrap();
    Model::from_workbook(wb, "en").unwrap()
}

fn describe(v: &CellValue) -> String {
    format!("{v:?}")
}

fn same(a: &CellValue, b: &CellValue) -> bool {
    match (a, b) {
        (CellValue::Number(x), CellValue::Number(y)) => {
            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs())
        }
        (CellValue::Boolean(x), CellValue::Number(y))
        | (CellValue::Number(y), CellValue::Boolean(x)) => (*x as u8 as f64) == *y,
        _ => describe(a) == describe(b),
    }
}

/// Every formula cell of `ours` against the same cell in LibreOffice's output.
fn mismatches(ours: &Path, theirs: &Path) -> (usize, Vec<String>) {
    let a = load(ours);
    let b = load(theirs);
    let names_a = a.workbook.get_worksheet_names();
    let names_b = b.workbook.get_worksheet_names();
    let mut count = 0;
    let mut bad = Vec::new();
    for c in a.get_all_cells() {
        if a.get_cell_formula(c.index, c.row, c.column)
            .unwrap()
            .is_none()
        {
            continue;
        }
        count += 1;
        let sheet = &names_a[c.index as usize];
        let index = names_b.iter().position(|n| n == sheet).unwrap() as u32;
        let cached = a.get_cell_value_by_index(c.index, c.row, c.column).unwrap();
        let recalculated = b.get_cell_value_by_index(index, c.row, c.column).unwrap();
        if !same(&cached, &recalculated) {
            bad.push(format!(
                "{sheet} row {} col {}: cached {} recalculated {}",
                c.row,
                c.column,
                describe(&cached),
                describe(&recalculated)
            ));
        }
    }
    (count, bad)
}

/// Rewrites the cached values of number cells inside an xlsx file.
fn set_cells(xlsx_bytes: &[u8], sheet_xml: &str, cells: &[(String, f64)]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx_bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edited = false;
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == sheet_xml {
            let mut text = String::from_utf8(data).unwrap();
            for (cell, value) in cells {
                let start = text
                    .find(&format!("<c r=\"{cell}\""))
                    .unwrap_or_else(|| panic!("no cell {cell}"));
                let v = start + text[start..].find("<v>").unwrap() + 3;
                let end = v + text[v..].find("</v>").unwrap();
                text = format!("{}{}{}", &text[..v], value, &text[end..]);
            }
            data = text.into_bytes();
            edited = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(edited, "no {sheet_xml}");
    out.finish().unwrap().into_inner()
}

/// A cell of a recalculated workbook by sheet name and 0-based place.
fn cell(model: &Model, sheet: &str, row: u32, col: u16) -> CellValue {
    let names = model.workbook.get_worksheet_names();
    let index = names.iter().position(|n| n == sheet).unwrap() as u32;
    model
        .get_cell_value_by_index(index, row as i32 + 1, col as i32 + 1)
        .unwrap()
}

/// A model value as the cell that shows it.
fn as_cell(v: &Value) -> CellValue {
    match v {
        Value::Num(x) => CellValue::Number(*x),
        Value::Text(s) => CellValue::String(s.clone()),
        Value::Bool(b) => CellValue::Boolean(*b),
        Value::Never => CellValue::String("never".into()),
    }
}

/// The Summary's verdict sentence, its key-figure strings and its live
/// warnings, read from a recalculated workbook, must be the model's for
/// `r`; the master check must be 0.
fn summary_says_the_model(name: &str, model: &Model, r: &Report) {
    let verdict = cell(
        model,
        layout::SUMMARY_SHEET,
        layout::SUMMARY_VERDICT_ROW,
        layout::COL_VALUE,
    );
    let want = r.value("verdict_sentence").to_excel_result();
    assert_eq!(
        verdict,
        CellValue::String(want.clone()),
        "{name}: the Summary's verdict after LibreOffice"
    );
    assert_eq!(
        finetune_roi::render::json::document(r)["answer"],
        want.as_str(),
        "{name}"
    );
    let lay = layout::layout(r);
    let mut ids = r.model.with_role(Role::Answer);
    ids.extend(r.model.with_role(Role::Warning));
    ids.extend([
        "warning_count",
        "verdict",
        "recommended_row",
        "recommended_kind",
        "master_check",
    ]);
    for id in ids {
        let p = &lay.places[id];
        let got = cell(model, p.sheet, p.row, p.col);
        assert!(
            same(&got, &as_cell(r.value(id))),
            "{name}: {id} is {got:?} after LibreOffice, {:?} in the model",
            r.value(id)
        );
    }
    assert!(
        same(
            &cell(
                model,
                lay.places["master_check"].sheet,
                lay.places["master_check"].row,
                lay.places["master_check"].col
            ),
            &CellValue::Number(0.0)
        ),
        "{name}: the master check is not 0"
    );
    // Every warning that applies shows on the Summary (those that do not
    // read the same after LibreOffice as in the model, above).
    let summary: Vec<String> = {
        let names = model.workbook.get_worksheet_names();
        let index = names
            .iter()
            .position(|n| n == layout::SUMMARY_SHEET)
            .unwrap() as u32;
        model
            .get_all_cells()
            .into_iter()
            .filter(|c| c.index == index)
            .filter_map(|c| {
                match model
                    .get_cell_value_by_index(index, c.row, c.column)
                    .unwrap()
                {
                    CellValue::String(s) => Some(s),
                    _ => None,
                }
            })
            .collect()
    };
    for id in r.model.with_role(Role::Warning) {
        let text = r.value(id).to_excel_result();
        if text != finetune_roi::value::NOT_APPLICABLE {
            assert!(
                summary.contains(&text),
                "{name}: warning {id} ({text}) is not on the Summary"
            );
        }
    }
}
/// Plans where capacity, growth, options and sizing decide: the decision
/// fixtures and variants of them that land on each of the three verdicts.
fn decision_plans() -> Vec<(String, String)> {
    let dir = root().join("tests/fixtures/decision");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let fixed = |t: &str| replace_once(t, "instances: 1}", "instances: 1, sizing: fixed}");
    let cheaper = |t: &str| replace_once(t, "review_rate_ft: 0.0101", "review_rate_ft: 0.0050");
    let short = read("capacity-short.yaml");
    let options = read("capacity-short-options.yaml");
    let growth = read("growth.yaml");
    vec![
        ("capacity-short".into(), short.clone()),
        ("capacity-short-fixed".into(), fixed(&short)),
        ("capacity-short-options".into(), options.clone()),
        (
            "capacity-short-options-fixed-cheaper".into(),
            cheaper(&fixed(&options)),
        ),
        ("billion-requests".into(), read("billion-requests.yaml")),
        ("growth".into(), growth.clone()),
        ("growth-fixed".into(), fixed(&growth)),
        ("growth-cheaper".into(), cheaper(&growth)),
        (
            "growth-off-peak".into(),
            replace_once(
                &cheaper(&growth),
                "instances: 1}",
                "instances: 1, off_peak: {hours: 6, instances: 1, traffic_share: 0.1}}",
            ),
        ),
    ]
}

/// Every example workbook, and the decision plans', recalculated, equals
/// its cached values; the Summary's words are the model's and the master
/// check is 0.
pub fn libreoffice_recalculates_every_example_to_its_cached_values(soffice: &Path) {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut files = Vec::new();
    let mut reports = Vec::new();
    let plans = example_plans().into_iter().map(|plan| {
        let name = plan.file_stem().unwrap().to_string_lossy().to_string();
        (name, std::fs::read_to_string(&plan).unwrap())
    });
    for (name, text) in plans.chain(decision_plans()) {
        let r = report_of_text(&text);
        let path = src.join(format!("{name}.xlsx"));
        std::fs::write(&path, xlsx::render(&r).unwrap()).unwrap();
        files.push(path);
        reports.push(r);
    }
    // The canary: a wrong cached value that a real recalculation corrects.
    let canary = src.join("canary.xlsx");
    std::fs::write(&canary, canary_workbook()).unwrap();
    files.push(canary);

    let converted = recalculate(soffice, work.path(), &files);
    let (n, bad) = mismatches(files.last().unwrap(), converted.last().unwrap());
    assert_eq!(
        (n, bad.len()),
        (1, 1),
        "the canary must come back corrected: {bad:?}"
    );
    let canary_value = load(converted.last().unwrap())
        .get_cell_value_by_index(0, 1, 2)
        .unwrap();
    assert!(
        same(&canary_value, &CellValue::Number(42.0)),
        "{canary_value:?}"
    );

    for ((ours, theirs), r) in files.iter().zip(&converted).zip(&reports) {
        let (count, bad) = mismatches(ours, theirs);
        assert!(
            count > 100,
            "{}: only {count} formula cells",
            ours.display()
        );
        assert!(bad.is_empty(), "{}:\n{}", ours.display(), bad.join("\n"));
        summary_says_the_model(&ours.display().to_string(), &load(theirs), r);
    }
}

/// Edited inputs move the named results to the model's figures.
pub fn libreoffice_follows_edited_inputs(soffice: &Path) {
    let text = worked_example_text();
    let base = report_of_text(&text);
    let lay = layout::layout(&base);
    let bytes = xlsx::render(&base).unwrap();
    // The Inputs sheet is the workbook's third sheet.
    let sheet_xml = "xl/worksheets/sheet3.xml";
    let edits = INPUT_EDITS;
    let work = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (id, value, _, _) in &edits {
        let place = &lay.places[*id];
        assert_eq!(place.sheet, layout::INPUTS_SHEET);
        let cell = rust_xlsxwriter::utility::row_col_to_cell(place.row, place.col);
        let path = work.path().join(format!("edit-{id}.xlsx"));
        std::fs::write(&path, set_cells(&bytes, sheet_xml, &[(cell, *value)])).unwrap();
        files.push(path);
    }
    let converted = recalculate(soffice, work.path(), &files);
    for ((id, value, from, to), path) in edits.iter().zip(&converted) {
        let model = load(path);
        let names = model.workbook.get_worksheet_names();
        let changed = report_of_text(&replace_once(&text, from, to));
        assert_eq!(changed.num(id), Some(*value));
        for key in [
            "monthly_api_cost",
            "monthly_ft_total",
            "monthly_savings",
            "payback_months",
            "break_even_tokens_per_day",
            "break_even_tokens_per_day_all_in",
            "verdict",
            "master_check",
        ] {
            let p = &lay.places[key];
            let index = names.iter().position(|n| n == p.sheet).unwrap() as u32;
            let got = model
                .get_cell_value_by_index(index, p.row as i32 + 1, p.col as i32 + 1)
                .unwrap();
            let want = as_cell(changed.value(key));
            assert!(
                same(&got, &want),
                "{id} = {value}: {key} is {got:?} after LibreOffice, {want:?} in the model"
            );
        }
    }
}

/// An input typed into the Inputs sheet: its id, the new value, and the
/// plan text it replaces and its replacement.
type Edit<'a> = (&'a str, f64, &'a str, &'a str);

/// Edits typed into the worked example's Inputs sheet that flip the verdict
/// to each of the three answers: LibreOffice's Summary then says what the
/// model says for the edited plan, its warnings included.
pub fn libreoffice_flips_the_summary_words(soffice: &Path) {
    let text = worked_example_text();
    let base = report_of_text(&text);
    let lay = layout::layout(&base);
    let bytes = xlsx::render(&base).unwrap();
    let sheet_xml = "xl/worksheets/sheet3.xml";
    let cheaper = (
        "review_rate_ft",
        0.02,
        "review_rate_ft: 0.05",
        "review_rate_ft: 0.02",
    );
    let edits: Vec<(&str, Vec<Edit>)> = vec![
        ("Fine-tune.", vec![cheaper]),
        (
            "Not feasible as planned: stay on the API.",
            vec![
                cheaper,
                (
                    "kv_cache_headroom_fraction",
                    0.9,
                    "throughput_tokens_per_second: 5000",
                    "throughput_tokens_per_second: 5000\n  kv_cache_headroom_fraction: 0.9",
                ),
            ],
        ),
        (
            "Stay on the API.",
            vec![
                cheaper,
                (
                    "requests_per_day",
                    5000.0,
                    "requests_per_day: 50000",
                    "requests_per_day: 5000",
                ),
            ],
        ),
    ];
    assert_eq!(
        base.value("verdict_sentence").to_excel_result(),
        "Stay on the API."
    );
    let work = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (k, (_, edit)) in edits.iter().enumerate() {
        let cells: Vec<(String, f64)> = edit
            .iter()
            .map(|(id, value, _, _)| {
                let place = &lay.places[*id];
                assert_eq!(place.sheet, layout::INPUTS_SHEET);
                (
                    rust_xlsxwriter::utility::row_col_to_cell(place.row, place.col),
                    *value,
                )
            })
            .collect();
        let path = work.path().join(format!("flip-{k}.xlsx"));
        std::fs::write(&path, set_cells(&bytes, sheet_xml, &cells)).unwrap();
        files.push(path);
    }
    let converted = recalculate(soffice, work.path(), &files);
    let mut warnings_seen = Vec::new();
    for ((sentence, edit), path) in edits.iter().zip(&converted) {
        let mut changed_text = text.clone();
        for (_, _, from, to) in edit {
            changed_text = replace_once(&changed_text, from, to);
        }
        let changed = report_of_text(&changed_text);
        // The edited plan's answer is the one this edit was chosen for.
        assert_eq!(
            changed.value("verdict_sentence").to_excel_result(),
            *sentence
        );
        summary_says_the_model(sentence, &load(path), &changed);
        warnings_seen.push(changed.value("warning_count").to_excel_result());
    }
    // The warnings move with the edits, not only the verdict.
    warnings_seen.push(base.value("warning_count").to_excel_result());
    warnings_seen.sort();
    warnings_seen.dedup();
    assert!(warnings_seen.len() > 1, "{warnings_seen:?}");
}
