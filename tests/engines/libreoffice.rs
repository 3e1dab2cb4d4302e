//! The workbook recalculated by LibreOffice, forced to recalculate on load
//! (a fresh profile with OOXMLRecalcMode 0): every formula cell must come back
//! equal to the value we cached, a canary with a wrong cached value must come
//! back corrected, and edited inputs must move the named results to what the
//! model computes for the edited plan.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use finetune_roi::render::{layout, xlsx};
use finetune_roi::value::Value;
use ironcalc::base::{cell::CellValue, Model};

use super::common::*;

const RECALC_ALWAYS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

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
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(&out)
        .args(inputs)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
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

/// Rewrites the cached value of one number cell inside an xlsx file.
fn set_cell(xlsx_bytes: &[u8], sheet_xml: &str, cell: &str, value: f64) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx_bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edited = false;
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == sheet_xml {
            let text = String::from_utf8(data).unwrap();
            let start = text
                .find(&format!("<c r=\"{cell}\""))
                .unwrap_or_else(|| panic!("no cell {cell}"));
            let v = start + text[start..].find("<v>").unwrap() + 3;
            let end = v + text[v..].find("</v>").unwrap();
            data = format!("{}{}{}", &text[..v], value, &text[end..]).into_bytes();
            edited = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(edited, "no {sheet_xml}");
    out.finish().unwrap().into_inner()
}

/// Every example workbook, recalculated, equals its cached values.
pub fn libreoffice_recalculates_every_example_to_its_cached_values(soffice: &Path) {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut files = Vec::new();
    for plan in example_plans() {
        let r = report_of(&plan);
        let path = src.join(format!(
            "{}.xlsx",
            plan.file_stem().unwrap().to_string_lossy()
        ));
        std::fs::write(&path, xlsx::render(&r).unwrap()).unwrap();
        files.push(path);
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

    for (ours, theirs) in files.iter().zip(&converted).take(files.len() - 1) {
        let (count, bad) = mismatches(ours, theirs);
        assert!(
            count > 100,
            "{}: only {count} formula cells",
            ours.display()
        );
        assert!(bad.is_empty(), "{}:\n{}", ours.display(), bad.join("\n"));
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
        std::fs::write(&path, set_cell(&bytes, sheet_xml, &cell, *value)).unwrap();
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
            let want = match changed.value(key) {
                Value::Num(x) => CellValue::Number(*x),
                Value::Text(s) => CellValue::String(s.clone()),
                Value::Bool(b) => CellValue::Boolean(*b),
                Value::Never => CellValue::String("never".into()),
            };
            assert!(
                same(&got, &want),
                "{id} = {value}: {key} is {got:?} after LibreOffice, {want:?} in the model"
            );
        }
    }
}
