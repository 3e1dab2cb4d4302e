//! Every example workbook as it prints: read back from its own XML, no text
//! is cut by its column (a header's longest word fits its column, a wrapped
//! cell's row holds its lines, text beside a filled cell fits its width),
//! every sheet has a print area, print titles, a header and a page-numbered
//! footer and prints at a readable scale; then printed to PDF by LibreOffice
//! (a fresh profile), where every word of every printed column header must
//! appear whole. The customer-support example prints on at most 20 pages,
//! on A4 and on Letter, each chart whole on one page.
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

/// Whether a cell shows: neither its row nor its column is folded away.
fn shown(model: &Model, sheet: u32, row: i32, col: i32) -> bool {
    let ws = model.workbook.worksheet(sheet).unwrap();
    let row_hidden = ws.rows.iter().any(|r| r.r == row && r.hidden);
    let col_hidden = ws
        .cols
        .iter()
        .any(|c| c.min <= col && col <= c.max && c.hidden);
    !row_hidden && !col_hidden
}

/// What a sheet's text needs and does not get (in the rows and columns
/// that show).
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
        if !shown(model, sheet, row, col) {
            continue;
        }
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

/// The column headers a sheet prints: bold text on a filled ground, shown
/// and in its print area's columns (1-based, up to `last_col`).
fn headers(model: &Model, sheet: u32, last_col: i32) -> Vec<String> {
    model
        .get_all_cells()
        .into_iter()
        .filter(|c| c.index == sheet && c.column <= last_col)
        .filter(|c| shown(model, sheet, c.row, c.column))
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

/// The last column (1-based) of each sheet's print area.
fn print_area_columns(bytes: &[u8], sheets: usize) -> Vec<Option<i32>> {
    let workbook = part(bytes, "xl/workbook.xml");
    (0..sheets)
        .map(|k| {
            let tag = format!("name=\"_xlnm.Print_Area\" localSheetId=\"{k}\">");
            let at = workbook.find(&tag)? + tag.len();
            let area = workbook[at..].split('<').next()?;
            // Such as 'Cash flow'!$A:$U: the letters after the last `$`.
            let letters = area.rsplit('$').next()?;
            Some(
                letters
                    .bytes()
                    .fold(0, |n, b| n * 26 + i32::from(b - b'A' + 1)),
            )
        })
        .collect()
}

/// The least print scale, in percent, at which a sheet is still read.
const LEAST_SCALE: u32 = 40;

/// Every sheet prints A4 landscape with a print area, print titles, the
/// plan and sheet on top and "page x of y" below, at a readable scale that
/// the workbook sets (not a shrink to fit left to the spreadsheet).
fn print_setup(name: &str, bytes: &[u8], sheets: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    let workbook = part(bytes, "xl/workbook.xml");
    let areas = print_area_columns(bytes, sheets.len());
    for (k, sheet) in sheets.iter().enumerate() {
        if areas[k].is_none() {
            bad.push(format!("{name} {sheet}: no print area"));
        }
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
        let scale = xml
            .split("scale=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse::<u32>().ok());
        // The Catalogue's reference table may print small; the rest is read.
        let least = if sheet == "Catalogue" {
            30
        } else {
            LEAST_SCALE
        };
        // No scale written is 100%.
        let scale = scale.unwrap_or(100);
        if xml.contains("fitToPage=\"1\"") || scale < least {
            bad.push(format!(
                "{name} {sheet}: prints at {scale}%, not a set scale of {least}% or more"
            ));
        }
        if ["Cash flow", "Tornado"].contains(&sheet.as_str())
            && !workbook[workbook.find(&titles).unwrap_or(0)..]
                .split("</definedName>")
                .next()
                .unwrap()
                .contains("!$A:$")
        {
            bad.push(format!("{name} {sheet}: no repeated label columns"));
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
        let areas = print_area_columns(&bytes, sheets.len());
        let mut headers_here = BTreeSet::new();
        for k in 0..sheets.len() as u32 {
            problems.extend(
                cut_text(&model, k)
                    .into_iter()
                    .map(|p| format!("{name}: {p}")),
            );
            let last_col = areas[k as usize].unwrap_or(i32::MAX);
            headers_here.extend(headers(&model, k, last_col));
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

/// The titles of the workbook's charts: each must print once, whole on one
/// page (LibreOffice draws a chart that a page break cuts on each page it
/// touches, its title with it).
const CHART_TITLES: [&str; 3] = [
    "Monthly cost: API bill, fine-tuned parts and total",
    "Cumulative cash flow by month",
    "Monthly cost across volume",
];

/// The most pages the customer-support example's workbook prints on.
const MOST_PAGES: usize = 20;

pub fn customer_support_prints_on_20_pages_with_every_chart_whole(soffice: &Path) {
    use finetune_roi::format::Paper;
    let work = tempfile::tempdir().unwrap();
    let plan = root().join("inputs/customer-support-50m.yaml");
    let mut files = Vec::new();
    for (paper, size) in [(Paper::A4, "a4"), (Paper::Letter, "letter")] {
        let settings = finetune_roi::Settings {
            paper,
            ..finetune_roi::Settings::at(fixed_time())
        };
        let r = finetune_roi::evaluate_file_with(
            &plan,
            &settings,
            finetune_roi::report::History::default(),
        )
        .unwrap();
        let path = work.path().join(format!("customer-support-{size}.xlsx"));
        std::fs::write(&path, xlsx::render(&r).unwrap()).unwrap();
        files.push(path);
    }
    let texts = print_to_pdf(soffice, work.path(), &files);
    let mut problems = Vec::new();
    for (file, text) in files.iter().zip(&texts) {
        let name = file.file_stem().unwrap().to_string_lossy();
        // pdftotext ends each page with a form feed.
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        if pages.len() > MOST_PAGES || pages.len() < 10 {
            problems.push(format!("{name}: {} pages", pages.len()));
        }
        for title in CHART_TITLES {
            let on: Vec<usize> = (0..pages.len())
                .filter(|&k| pages[k].contains(title))
                .map(|k| k + 1)
                .collect();
            if on.len() != 1 {
                problems.push(format!("{name}: chart {title:?} prints on pages {on:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
