//! Benchmark: the workbook writer's own floor against the tool.
//!
//! For each example plan, the tool's workbook is read back once (IronCalc's
//! importer, untimed) into a plain list of cells: formulas with their cached
//! results, numbers and strings, by sheet. The floor is writing those cells
//! again with rust_xlsxwriter alone: no model, no layout, no formats beyond
//! the default, no charts. Against it: the tool's workbook alone
//! (`xlsx::render` of an evaluated report), and the whole of one plan (read,
//! evaluate, render all four outputs), each as a ratio to the floor.
//!
//! Run with `cargo bench --bench floor`; `FLOOR_RUNS` sets the repetitions
//! (the median is printed, default 15). One core.

use std::path::PathBuf;
use std::time::Instant;

use chrono::TimeZone;
use ironcalc::base::{cell::CellValue, Model};
use rust_xlsxwriter::{Formula, Workbook};

/// One cell of a sheet, as the floor writes it.
enum Cell {
    Formula(String, String),
    Number(f64),
    Text(String),
    Bool(bool),
}

/// The cells of a workbook, sheet by sheet: (name, [(row, col, cell)]).
type Cells = Vec<(String, Vec<(u32, u16, Cell)>)>;

fn cells_of(bytes: &[u8]) -> Cells {
    let wb = ironcalc::import::load_from_xlsx_bytes(bytes, "plan", "en", "UTC").unwrap();
    let model = Model::from_workbook(wb, "en").unwrap();
    let names = model.workbook.get_worksheet_names();
    let mut sheets: Cells = names.iter().map(|n| (n.clone(), Vec::new())).collect();
    for c in model.get_all_cells() {
        let value = model
            .get_cell_value_by_index(c.index, c.row, c.column)
            .unwrap();
        let (row, col) = ((c.row - 1) as u32, (c.column - 1) as u16);
        let formula = model.get_cell_formula(c.index, c.row, c.column).unwrap();
        let cell = match (formula, value) {
            (Some(f), v) => Cell::Formula(
                f,
                match v {
                    CellValue::Number(x) => x.to_string(),
                    CellValue::String(s) => s,
                    CellValue::Boolean(b) => if b { "TRUE" } else { "FALSE" }.to_string(),
                    CellValue::None => String::new(),
                },
            ),
            (None, CellValue::Number(x)) => Cell::Number(x),
            (None, CellValue::String(s)) => Cell::Text(s),
            (None, CellValue::Boolean(b)) => Cell::Bool(b),
            (None, CellValue::None) => continue,
        };
        sheets[c.index as usize].1.push((row, col, cell));
    }
    sheets
}

/// The floor: the same cells written with rust_xlsxwriter alone.
fn write_floor(cells: &Cells) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, list) in cells {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (row, col, cell) in list {
            match cell {
                Cell::Formula(f, result) => {
                    ws.write_formula(*row, *col, Formula::new(f).set_result(result))
                        .unwrap();
                }
                Cell::Number(x) => {
                    ws.write_number(*row, *col, *x).unwrap();
                }
                Cell::Text(s) => {
                    ws.write_string(*row, *col, s).unwrap();
                }
                Cell::Bool(b) => {
                    ws.write_boolean(*row, *col, *b).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The median of `runs` timings of `f`, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runs: usize = std::env::var("FLOOR_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
        .max(1);
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root.join("inputs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    println!(
        "floor: each example's workbook cells written by rust_xlsxwriter alone, against the tool; median of {runs} runs, one core"
    );
    println!(
        "{:<32} {:>6} {:>9} {:>10} {:>7} {:>13} {:>7}",
        "plan", "cells", "floor ms", "workbook", "ratio", "all outputs", "ratio"
    );
    let (mut floor_total, mut workbook_total, mut all_total) = (0.0, 0.0, 0.0);
    for plan in &plans {
        let report = finetune_roi::evaluate_file(plan, at).unwrap();
        let bytes = finetune_roi::render::xlsx::render(&report).unwrap();
        let cells = cells_of(&bytes);
        let count: usize = cells.iter().map(|(_, c)| c.len()).sum();
        let floor = median_ms(runs, || {
            std::hint::black_box(write_floor(&cells));
        });
        let workbook = median_ms(runs, || {
            std::hint::black_box(finetune_roi::render::xlsx::render(&report).unwrap());
        });
        let all = median_ms(runs, || {
            let r = finetune_roi::evaluate_file(plan, at).unwrap();
            for format in finetune_roi::render::Format::ALL {
                std::hint::black_box(finetune_roi::render(&r, format).unwrap());
            }
        });
        floor_total += floor;
        workbook_total += workbook;
        all_total += all;
        println!(
            "{:<32} {:>6} {:>9.1} {:>10.1} {:>6.1}× {:>13.1} {:>6.1}×",
            plan.file_name().unwrap().to_string_lossy(),
            count,
            floor,
            workbook,
            workbook / floor,
            all,
            all / floor
        );
    }
    println!(
        "{:<32} {:>6} {:>9.1} {:>10.1} {:>6.1}× {:>13.1} {:>6.1}×",
        "all examples",
        "",
        floor_total,
        workbook_total,
        workbook_total / floor_total,
        all_total,
        all_total / floor_total
    );
}
