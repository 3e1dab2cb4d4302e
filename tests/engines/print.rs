//! Every example workbook as it prints: read back from its own XML, no text
//! is cut by its column (a header's longest word fits its column, a wrapped
//! cell's row holds its lines, text beside a filled cell fits its width),
//! every sheet has print titles, a header and a page-numbered footer; then
//! printed to PDF by LibreOffice (a fresh profile), where every word of every
//! column header must appear whole.
//!
//! The rule for what a line holds is LibreOffice's print of 11-point text:
//! about 1.2 characters per unit of column width, 15 points a line.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use finetune_roi::render::xlsx;
use ironcalc::base::{types::Color, Model, COLUMN_WIDTH_FACTOR, ROW_HEIGHT_FACTOR};

use super::common::*;

/// Characters a unit of column width prints.
const CHARS_PER_WIDTH: f64 = 1.2;
/// Points a printed line takes.
const LINE_POINTS: f64 = 15.0;
/// What the file's width holds beyond the width set (Excel's cell padding).
const FILE_WIDTH_PADDING: f64 = 0.71;
/// Room kept beside the text in a cell, in width units.
const CELL_PADDING: f64 = 1.0;

/// The characters a line holds in `width` units, for a font `scale` times
/// 11-point prose's width.
fn line_chars(width: f64, scale: f64) -> usize {
    (((width - CELL_PADDING) * CHARS_PER_WIDTH) / scale)
        .floor()
        .max(1.0) as usize
}

/// Lines of greedy word wrap, a word longer than a line breaking inside.
fn lines(text: &str, cap: usize) -> usize {
    text.split('\n')
        .map(|paragraph| {
            let mut count = 1;
            let mut line = 0;
            for word in paragraph.split_whitespace() {
                let n = word.chars().count();
                if line > 0 && line + 1 + n <= cap {
                    line += 1 + n;
                    continue;
                }
                if line > 0 {
                    count += 1;
                }
                count += n.saturating_sub(1) / cap;
                line = if n > cap { n % cap } else { n };
            }
            count
        })
        .sum()
}

/// The font's width against 11-point prose.
fn font_scale(model: &Model, sheet: u32, row: i32, col: i32) -> (f64, bool, bool) {
    let style = model.get_style_for_cell(sheet, row, col).unwrap();
    let mut scale = f64::from(style.font.sz.max(11)) / 11.0;
    if style.font.b {
        scale *= 1.1;
    }
    if style.font.name == "Consolas" {
        scale *= 1.2;
    }
    let wrap = style.alignment.as_ref().is_some_and(|a| a.wrap_text);
    let header = style.font.b && !matches!(style.fill.color, Color::None);
    (scale, wrap, header)
}

/// What a sheet's text needs and does not get.
fn cut_text(model: &Model, sheet: u32) -> Vec<String> {
    let ws = model.workbook.worksheet(sheet).unwrap();
    let name = ws.name.clone();
    let width = |col: i32| model.get_column_width(sheet, col).unwrap() / COLUMN_WIDTH_FACTOR;
    let set_width = |col: i32| {
        let w = width(col);
        // A column nobody set has the default width, without padding.
        if ws.cols.iter().any(|c| c.min <= col && col <= c.max) {
            w - FILE_WIDTH_PADDING
        } else {
            w
        }
    };
    let height = |row: i32| model.get_row_height(sheet, row).unwrap() / ROW_HEIGHT_FACTOR;
    let mut bad = Vec::new();
    for c in model.get_all_cells() {
        if c.index != sheet {
            continue;
        }
        let (row, col) = (c.row, c.column);
        let text = model
            .get_formatted_cell_value(sheet, row, col)
            .unwrap_or_default();
        if text.trim().is_empty() || text.parse::<f64>().is_ok() {
            continue;
        }
        // Numbers in a format (money, counts) are not prose.
        if text.starts_with(['$', '-', '(']) || text.ends_with('%') {
            continue;
        }
        let merged = ws
            .merged_cells
            .iter()
            .find(|m| m.row == row && m.column == col);
        let span = merged.map_or(1, |m| m.width);
        let w: f64 = (col..col + span).map(set_width).sum();
        let (scale, wrap, header) = font_scale(model, sheet, row, col);
        let cap = line_chars(w, scale);
        let at = format!("{name}!R{}C{}", row, col);
        let longest = text
            .split_whitespace()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        if wrap {
            if header && longest > cap {
                bad.push(format!(
                    "{at}: header word of {longest} characters in a line of {cap}: {text:?}"
                ));
            }
            // A larger font's lines are taller in proportion.
            let line = LINE_POINTS * if scale > 1.15 { scale } else { 1.0 };
            let need = lines(&text, cap) as f64 * line;
            let got = height(row);
            if got + 0.5 < need {
                bad.push(format!(
                    "{at}: row of {got} points for {need} points of wrapped text: {text:?}"
                ));
            }
        } else {
            // Text that does not wrap is cut where the next cell is filled.
            let next_filled = !model
                .get_formatted_cell_value(sheet, row, col + span)
                .unwrap_or_default()
                .is_empty();
            if next_filled && text.chars().count() > cap {
                bad.push(format!(
                    "{at}: {} characters in a line of {cap}, the next cell filled: {text:?}",
                    text.chars().count()
                ));
            }
        }
    }
    bad
}

/// The column headers of a sheet: bold text on a filled ground.
fn headers(model: &Model, sheet: u32) -> Vec<String> {
    model
        .get_all_cells()
        .into_iter()
        .filter(|c| c.index == sheet)
        .filter(|c| font_scale(model, sheet, c.row, c.column).2)
        .filter_map(|c| model.get_formatted_cell_value(sheet, c.row, c.column).ok())
        .filter(|t| t.parse::<f64>().is_err())
        .collect()
}

/// The letters-and-digits pieces of a text.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A file inside the xlsx archive.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Every sheet prints A4 landscape with print titles, the plan and sheet on
/// top and "page x of y" below; the wide grids print at a readable scale.
fn print_setup(name: &str, bytes: &[u8], sheets: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    let workbook = part(bytes, "xl/workbook.xml");
    for (k, sheet) in sheets.iter().enumerate() {
        let xml = part(bytes, &format!("xl/worksheets/sheet{}.xml", k + 1));
        let titles = format!("name=\"_xlnm.Print_Titles\" localSheetId=\"{k}\"");
        if !workbook.contains(&titles) {
            bad.push(format!("{name} {sheet}: no print titles"));
        }
        if !xml.contains("<oddHeader>&amp;L") || !xml.contains("&amp;R&amp;A</oddHeader>") {
            bad.push(format!("{name} {sheet}: no header with the plan and sheet"));
        }
        if !xml.contains("<oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter>") {
            bad.push(format!("{name} {sheet}: no page x of y footer"));
        }
        if !xml.contains("paperSize=\"9\"") || !xml.contains("orientation=\"landscape\"") {
            bad.push(format!("{name} {sheet}: not A4 landscape"));
        }
        if ["Sensitivity", "Tornado", "Options", "Cash flow"].contains(&sheet.as_str()) {
            let scale = xml
                .split("scale=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse::<u32>().ok());
            if xml.contains("fitToPage=\"1\"") || scale.is_none_or(|s| s < 70) {
                bad.push(format!(
                    "{name} {sheet}: a wide grid must print across pages at 70% or more, not shrunk ({scale:?})"
                ));
            }
            if !workbook.contains(&titles)
                || !workbook[workbook.find(&titles).unwrap()..]
                    .split("</definedName>")
                    .next()
                    .unwrap()
                    .contains("!$A:$")
            {
                bad.push(format!("{name} {sheet}: no repeated label columns"));
            }
        }
    }
    bad
}

/// Prints every workbook to PDF with LibreOffice; returns each PDF's text.
fn print_to_pdf(soffice: &Path, work: &Path, files: &[PathBuf]) -> Vec<String> {
    let profile = work.join("profile");
    let out = work.join("pdf");
    std::fs::create_dir_all(&out).unwrap();
    super::libreoffice::convert(soffice, &profile, "pdf", &out, files);
    files
        .iter()
        .map(|f| {
            let pdf = out.join(f.with_extension("pdf").file_name().unwrap());
            assert!(pdf.exists(), "no PDF of {}", f.display());
            let text = Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext runs (poppler-utils)");
            assert!(
                text.status.success(),
                "pdftotext failed on {}",
                pdf.display()
            );
            String::from_utf8_lossy(&text.stdout).to_string()
        })
        .collect()
}

pub fn every_example_workbook_prints_without_cut_text(soffice: &Path) {
    let work = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut all_headers = Vec::new();
    for plan in example_plans() {
        let name = plan.file_stem().unwrap().to_string_lossy().to_string();
        let r = report_of(&plan);
        let bytes = xlsx::render(&r).unwrap();
        let path = work.path().join(format!("{name}.xlsx"));
        std::fs::write(&path, &bytes).unwrap();
        let model = Model::from_workbook(
            ironcalc::import::load_from_xlsx_bytes(&bytes, &name, "en", "UTC").unwrap(),
            "en",
        )
        .unwrap();
        let sheets = model.workbook.get_worksheet_names();
        let mut headers_here = BTreeSet::new();
        for k in 0..sheets.len() as u32 {
            problems.extend(
                cut_text(&model, k)
                    .into_iter()
                    .map(|p| format!("{name}: {p}")),
            );
            headers_here.extend(headers(&model, k));
        }
        problems.extend(print_setup(&name, &bytes, &sheets));
        files.push(path);
        all_headers.push((name, headers_here));
    }
    assert!(
        all_headers.iter().all(|(_, h)| h.len() > 20),
        "the headers were not found: {all_headers:?}"
    );
    let texts = print_to_pdf(soffice, work.path(), &files);
    for ((name, headers), text) in all_headers.iter().zip(&texts) {
        let printed: BTreeSet<&str> = pieces(text).collect();
        assert!(printed.len() > 100, "{name}: the PDF has no text");
        for h in headers {
            for word in pieces(h) {
                if !printed.contains(word) {
                    problems.push(format!("{name}: header {h:?} prints without {word:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
