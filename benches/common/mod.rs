//! The workbook writer's own floor, shared by the benchmarks: a workbook
//! read back into plain cells (formulas with their cached results, numbers,
//! strings, truth values) and written again with rust_xlsxwriter alone.

use std::time::Instant;

use ironcalc::base::{cell::CellValue, Model};
use rust_xlsxwriter::{Formula, Workbook};

/// One cell of a sheet, as the floor writes it.
pub enum Cell {
    Formula(String, String),
    Number(f64),
    Text(String),
    Bool(bool),
}

/// The cells of a workbook, sheet by sheet: (name, [(row, col, cell)]).
pub type Cells = Vec<(String, Vec<(u32, u16, Cell)>)>;

pub fn cells_of(bytes: &[u8]) -> Cells {
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
pub fn write_floor(cells: &Cells) -> Vec<u8> {
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
pub fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
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
