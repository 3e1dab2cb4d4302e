//! The workbook writer's own floor, shared by the benchmarks: a workbook
//! read back into plain content (formulas with their cached results,
//! numbers, strings, truth values, and its charts' types and ranges) and
//! written again with rust_xlsxwriter alone, with one number format.

use std::io::Read;
use std::time::Instant;

use ironcalc::base::{cell::CellValue, Model};
use rust_xlsxwriter::{Chart, ChartType, Format, Formula, Workbook};

/// One cell of a sheet, as the floor writes it.
pub enum Cell {
    Formula(String, String),
    Number(f64),
    Text(String),
    Bool(bool),
}

/// One chart as the floor writes it: its sheet, top-left cell, type and
/// series (name, categories or x range, values or y range).
pub struct FloorChart {
    pub sheet: usize,
    pub row: u32,
    pub col: u16,
    pub kind: ChartType,
    pub series: Vec<(String, String, String)>,
}

/// One sheet's name and cells: (row, column, cell).
pub type Sheet = (String, Vec<(u32, u16, Cell)>);

/// What the floor writes of a workbook: its cells sheet by sheet and its
/// charts.
pub struct Content {
    pub sheets: Vec<Sheet>,
    pub charts: Vec<FloorChart>,
}

pub fn content_of(bytes: &[u8]) -> Content {
    let wb = ironcalc::import::load_from_xlsx_bytes(bytes, "plan", "en", "UTC").unwrap();
    let model = Model::from_workbook(wb, "en").unwrap();
    let names = model.workbook.get_worksheet_names();
    let mut sheets: Vec<Sheet> = names.iter().map(|n| (n.clone(), Vec::new())).collect();
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
    Content {
        sheets,
        charts: charts_of(bytes),
    }
}

/// The text of one part of the package, if it is there.
fn part(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Option<String> {
    let mut file = zip.by_name(name).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    Some(text)
}

/// Every text between `open` and `close` in `xml`, in order.
fn between<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(close) else { break };
        found.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    found
}

/// The charts of a workbook written by the tool: for each sheet, its
/// drawing's anchors and the charts they show, read from the package.
fn charts_of(bytes: &[u8]) -> Vec<FloorChart> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut charts = Vec::new();
    for sheet in 0.. {
        let name = format!("xl/worksheets/sheet{}.xml", sheet + 1);
        if zip.by_name(&name).is_err() {
            break;
        }
        let rels = format!("xl/worksheets/_rels/sheet{}.xml.rels", sheet + 1);
        let Some(rels) = part(&mut zip, &rels) else {
            continue;
        };
        for target in between(&rels, "Target=\"../drawings/drawing", ".xml\"") {
            let drawing = part(&mut zip, &format!("xl/drawings/drawing{target}.xml")).unwrap();
            let links = part(
                &mut zip,
                &format!("xl/drawings/_rels/drawing{target}.xml.rels"),
            )
            .unwrap();
            let anchors = between(&drawing, "<xdr:from>", "</xdr:from>");
            let targets = between(&links, "Target=\"../charts/chart", ".xml\"");
            for (anchor, chart) in anchors.iter().zip(targets) {
                let xml = part(&mut zip, &format!("xl/charts/chart{chart}.xml")).unwrap();
                let kind = if xml.contains("<c:scatterChart>") {
                    ChartType::ScatterStraightWithMarkers
                } else if xml.contains("<c:lineChart>") {
                    ChartType::Line
                } else if xml.contains("<c:barDir val=\"bar\"/>") {
                    ChartType::Bar
                } else {
                    ChartType::Column
                };
                let series = between(&xml, "<c:ser>", "</c:ser>")
                    .into_iter()
                    .map(|ser| {
                        let refs = between(ser, "<c:f>", "</c:f>");
                        let name = between(ser, "<c:v>", "</c:v>")
                            .first()
                            .map_or(String::new(), |s| s.to_string());
                        let (x, y) = match refs.as_slice() {
                            [.., x, y] => (x.to_string(), y.to_string()),
                            [y] => (String::new(), y.to_string()),
                            [] => panic!("a series without a range"),
                        };
                        (name, x, y)
                    })
                    .collect();
                let number = |tag: &str| -> u32 {
                    between(anchor, &format!("<xdr:{tag}>"), &format!("</xdr:{tag}>"))[0]
                        .parse()
                        .unwrap()
                };
                charts.push(FloorChart {
                    sheet,
                    row: number("row"),
                    col: number("col") as u16,
                    kind,
                    series,
                });
            }
        }
    }
    charts
}

/// The floor: the same cells and charts written with rust_xlsxwriter
/// alone, numbers and formulas in one number format.
pub fn write_floor(content: &Content) -> Vec<u8> {
    let number = Format::new().set_num_format("#,##0.00");
    let mut wb = Workbook::new();
    for (index, (name, list)) in content.sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (row, col, cell) in list {
            match cell {
                Cell::Formula(f, result) => {
                    ws.write_formula_with_format(
                        *row,
                        *col,
                        Formula::new(f).set_result(result),
                        &number,
                    )
                    .unwrap();
                }
                Cell::Number(x) => {
                    ws.write_number_with_format(*row, *col, *x, &number)
                        .unwrap();
                }
                Cell::Text(s) => {
                    ws.write_string(*row, *col, s).unwrap();
                }
                Cell::Bool(b) => {
                    ws.write_boolean(*row, *col, *b).unwrap();
                }
            }
        }
        for c in content.charts.iter().filter(|c| c.sheet == index) {
            let mut chart = Chart::new(c.kind);
            for (name, x, y) in &c.series {
                let series = chart
                    .add_series()
                    .set_name(name.as_str())
                    .set_values(y.as_str());
                if !x.is_empty() {
                    series.set_categories(x.as_str());
                }
            }
            ws.insert_chart(c.row, c.col, &chart).unwrap();
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
