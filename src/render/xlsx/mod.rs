//! The Excel workbook: inputs on their own sheet, every derived figure a live
//! formula over them, printed from the model's expressions and carrying the
//! computed value as its cached result.
//!
//! Layout comes first ([`crate::render::layout`]): every input and quantity
//! is given its sheet and row, and a defined name equal to its id; timeline
//! rows get a row on the Cash flow sheet, sensitivity cases a row on the
//! Sensitivity sheet. The formula printer then only looks places up.

use crate::id;
use std::fmt::Write as _;

use rust_xlsxwriter::{
    utility::{quote_sheet_name, row_col_to_cell, row_col_to_cell_absolute},
    Chart, ChartAxisLabelPosition, ChartDataLabel, ChartFormat, ChartLegendPosition, ChartPoint,
    ChartSolidFill, ChartType, DataValidation, DataValidationRule, DocProperties, Format,
    FormatAlign, Formula, Note, Url, Workbook, XlsxError,
};

use crate::collections::IndexMap;
use crate::format::Unit;
use crate::model::expr::{build, Resolve, RowPart};
use crate::model::{Role, Scenario, Sheet};
use crate::render::cells::Cells;
use crate::render::fit::Fit;
use crate::render::guard::write_text;
use crate::render::layout::{
    COL_BOUND_MAX, COL_BOUND_MIN, COL_FOURTH, COL_LABEL, COL_NAME, COL_NOTE, COL_RANGE_HIGH,
    COL_RANGE_LOW, COL_UNIT, COL_VALUE, FIRST_ROW, SIMULATION_CANDIDATES_ROW,
    SIMULATION_TRIALS_ROW, SUMMARY_FIRST_FIGURE_ROW, SUMMARY_VERDICT_ROW,
};
use crate::render::styles::Styles;
use crate::report::{Report, ScenarioResult};
use crate::value::{Value, NEVER_TEXT};

use crate::render::layout::{
    layout, CasesLayout, Layout, TimelineLayout, CATALOGUE_SHEET, COVER_SHEET, INPUTS_SHEET,
    OPTIONS_SHEET, SENSITIVITY_SHEET, SIMULATION_SHEET, SUMMARY_SHEET, TORNADO_SHEET,
};

mod catalogue;
mod sensitivity;

use catalogue::{catalogue_ranges, catalogue_sheet};
use sensitivity::{cases_sheet, sensitivity, Cases};

/// Writes a column's letters (0 is `A`), as Excel names it.
fn push_column(out: &mut String, col: u16) {
    let mut letters = [0u8; 4];
    let mut n = usize::from(col) + 1;
    let mut at = letters.len();
    while n > 0 {
        at -= 1;
        letters[at] = b'A' + ((n - 1) % 26) as u8;
        n = (n - 1) / 26;
    }
    for &b in &letters[at..] {
        out.push(char::from(b));
    }
}

/// Writes a cell reference such as `D9`, `$D$9` or `D$9`.
fn push_cell(out: &mut String, row: u32, col: u16, absolute_col: bool, absolute_row: bool) {
    if absolute_col {
        out.push('$');
    }
    push_column(out, col);
    if absolute_row {
        out.push('$');
    }
    let _ = write!(out, "{}", row + 1);
}

/// Scalar cells: references are defined names; timeline ranges are absolute.
/// What a reference the layout has no cell for prints as: an error value,
/// which the Checks sheet's error check flags.
const MISSING_REF: &str = "#REF!";

/// Where the layout puts `id`, or an error naming it (a defect of the layout).
fn cell_of<'a, V>(cells: &'a IndexMap<String, V>, id: &str) -> Result<&'a V, XlsxError> {
    cells
        .get(id)
        .ok_or_else(|| XlsxError::ParameterError(format!("the layout has no cell for `{id}`")))
}

struct ScalarRefs<'a> {
    lay: &'a Layout,
}

/// Writes the whole of a timeline row, absolute, on the Cash flow sheet.
fn full_row(t: &TimelineLayout, id: &str, out: &mut String) {
    let Some(&row) = t.rows.get(id) else {
        out.push_str(MISSING_REF);
        return;
    };
    out.push_str(&quote_sheet_name(Sheet::CashFlow.name()));
    out.push('!');
    push_cell(out, row, t.col(0), true, true);
    out.push(':');
    push_cell(out, row, t.last_col(), true, true);
}

/// Writes a timeline row's range less its last or its first period.
pub(super) fn row_part(t: &TimelineLayout, id: &str, part: RowPart, out: &mut String) {
    let Some(&row) = t.rows.get(id) else {
        out.push_str(MISSING_REF);
        return;
    };
    let (first, last) = match part {
        RowPart::AllButLast => (t.col(0), t.last_col() - 1),
        RowPart::AllButFirst => (t.col(0) + 1, t.last_col()),
    };
    out.push_str(&quote_sheet_name(Sheet::CashFlow.name()));
    out.push('!');
    push_cell(out, row, first, true, true);
    out.push(':');
    push_cell(out, row, last, true, true);
}

/// Writes the range of a timeline row from its first period to `col`, such
/// as `$D9:H9`.
fn cum_range(t: &TimelineLayout, id: &str, col: u16, out: &mut String) {
    let Some(&row) = t.rows.get(id) else {
        out.push_str(MISSING_REF);
        return;
    };
    push_cell(out, row, t.col(0), true, false);
    out.push(':');
    push_cell(out, row, col, false, false);
}

/// An option's timeline cell: its rows in the same column of its block, its
/// replaced inputs and moved quantities in its column of the Options sheet,
/// everything else by name.
struct OptionPeriodRefs<'a> {
    t: &'a TimelineLayout,
    cases: &'a CasesLayout,
    replaced: &'a [String],
    moved: &'a [String],
    /// The option's column on the Options sheet.
    option_col: u16,
    col: u16,
}

impl Resolve for OptionPeriodRefs<'_> {
    fn name(&self, id: &str, out: &mut String) {
        let on_options = |row: u32, out: &mut String| {
            out.push_str(&quote_sheet_name(OPTIONS_SHEET));
            out.push('!');
            push_cell(out, row, self.option_col, true, true);
        };
        if let Some(row) = self.t.rows.get(id) {
            return push_cell(out, *row, self.col, false, false);
        }
        if self.replaced.iter().any(|x| x == id) {
            return match self.cases.input_rows.get(id) {
                Some(row) => on_options(*row, out),
                None => out.push_str(MISSING_REF),
            };
        }
        match self.cases.rows.get(id) {
            Some(row) if self.moved.iter().any(|m| m == id) => on_options(*row, out),
            _ => out.push_str(id),
        }
    }
    fn period(&self, out: &mut String) {
        push_cell(out, self.t.header_row, self.col, false, true);
    }
    fn cum_range(&self, id: &str, out: &mut String) {
        cum_range(self.t, id, self.col, out);
    }
}

impl Resolve for ScalarRefs<'_> {
    fn name(&self, id: &str, out: &mut String) {
        out.push_str(id);
    }
    fn cum_range(&self, id: &str, out: &mut String) {
        full_row(&self.lay.timeline, id, out);
    }
    fn row_range(&self, id: &str, out: &mut String) {
        full_row(&self.lay.timeline, id, out);
    }
    fn row_range_part(&self, id: &str, part: RowPart, out: &mut String) {
        row_part(&self.lay.timeline, id, part, out);
    }
}

/// A timeline cell: rows in the same column, month from the header row.
struct PeriodRefs<'a> {
    lay: &'a Layout,
    col: u16,
}

impl Resolve for PeriodRefs<'_> {
    fn name(&self, id: &str, out: &mut String) {
        match self.lay.timeline.rows.get(id) {
            Some(row) => push_cell(out, *row, self.col, false, false),
            None => out.push_str(id),
        }
    }
    fn period(&self, out: &mut String) {
        push_cell(out, self.lay.timeline.header_row, self.col, false, true);
    }
    fn cum_range(&self, id: &str, out: &mut String) {
        cum_range(&self.lay.timeline, id, self.col, out);
    }
}

/// A sensitivity case's row: replaced inputs and dependents in the same row.
struct CaseRefs<'a> {
    lay: &'a Layout,
    row: u32,
}

impl Resolve for CaseRefs<'_> {
    fn name(&self, id: &str, out: &mut String) {
        match self.lay.scenarios.columns.get(id) {
            Some(col) => push_cell(out, self.row, *col, false, false),
            None => out.push_str(id),
        }
    }
}

/// Writes a formula with its cached result.
fn write_formula(
    ws: &mut Cells,
    row: u32,
    col: u16,
    body: String,
    value: &Value,
    format: &Format,
) -> Result<(), XlsxError> {
    // The body is written without its `=`, as `Formula::new` stores it.
    let formula = Formula::new(body).set_result(value.to_excel_result());
    ws.write_formula_with_format(row, col, formula, format)?;
    Ok(())
}

/// The unit column of a figure: its unit, or for a yes/no figure the words
/// Yes or No. Excel shows a logical value as TRUE or FALSE whatever its
/// number format, so the words are a formula over the figure's name,
/// `IF(name,"Yes","No")`, while the figure stays the logical value that
/// other formulas compare. The one place such words are written.
fn unit_or_words(
    ws: &mut Cells,
    (row, col): (u32, u16),
    id: &str,
    unit: Unit,
    value: &Value,
    s: &Styles,
) -> Result<(), XlsxError> {
    let Value::Bool(yes) = value else {
        ws.write_string_with_format(row, col, unit.label(), &s.unit)?;
        return Ok(());
    };
    let words = if *yes { "Yes" } else { "No" };
    let body = format!("IF({},\"Yes\",\"No\")", build::r(id).to_excel());
    write_formula(ws, row, col, body, &Value::Text(words.into()), &s.unit)
}

/// Writes a reference to a defined name, such as `=master_check`.
fn write_name_ref(
    ws: &mut Cells,
    row: u32,
    col: u16,
    r: &Report,
    id: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    write_formula(ws, row, col, build::r(id).to_excel(), r.value(id), format)
}

/// The master check in the top right of every sheet: its label across the
/// three columns before `col`, its value in `col`.
fn master_check_header(ws: &mut Cells, r: &Report, s: &Styles) -> Result<(), XlsxError> {
    master_check_at(ws, r, s, COL_NAME)
}

/// The master check with its value in column `col` (at least 3).
fn master_check_at(ws: &mut Cells, r: &Report, s: &Styles, col: u16) -> Result<(), XlsxError> {
    const LABEL: &str = "Master check (0 = all checks hold)";
    // Across the columns before the value: no column is widened for it.
    let format = s.subtitle.clone().set_align(FormatAlign::Right);
    let first = col.saturating_sub(3).max(1);
    if first + 1 < col {
        ws.merge_range(0, first, 0, col - 1, LABEL, &format)?;
    } else {
        ws.write_string_with_format(0, col - 1, LABEL, &format)?;
    }
    write_name_ref(ws, 0, col, r, id::MASTER_CHECK, &s.check)
}

/// Writes a row of column headers, each noted in `fit`.
fn headers(
    ws: &mut Cells,
    fit: &mut Fit,
    row: u32,
    first_col: u16,
    names: &[&str],
    s: &Styles,
) -> Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        let col = first_col + c as u16;
        ws.write_string_with_format(row, col, *h, &s.header)?;
        fit.header(row, col, h);
    }
    Ok(())
}

/// The columns of a label/value table after its label, value and unit.
#[derive(Clone, Copy)]
struct TableColumns {
    /// The header and column of the Inputs sheet's source or a calculation
    /// sheet's formula text.
    extra: (&'static str, u16),
    /// The note's column ("what it means") and its width.
    note: (u16, f64),
    /// The defined name's column.
    name: u16,
    /// The last column printed, where the master check stands.
    printed: u16,
}

/// The Inputs sheet: where each value comes from, then what it means.
const INPUT_TABLE: TableColumns = TableColumns {
    extra: ("Source", COL_FOURTH),
    note: (COL_NOTE, 60.0),
    name: COL_NAME,
    printed: COL_NAME,
};

/// A calculation sheet: what each figure means and its name; the formula's
/// text last, on one line, running on into the empty cells to its right on
/// screen. The name and the formula stay out of print (every value cell
/// holds its formula): a page shows label, value, unit and meaning.
const CALC_TABLE: TableColumns = TableColumns {
    extra: ("Formula", 5),
    note: (3, 90.0),
    name: 4,
    printed: 3,
};

/// A calculation sheet's columns: the Verdict sheet's table of candidates
/// stands under its figures, so there the name and the formula come after
/// the table's last column, and the table prints with the figures.
fn calc_columns(sheet: Sheet, r: &Report) -> TableColumns {
    let table = r.model.candidates.columns.len() as u16;
    if sheet != Sheet::Comparison || table <= CALC_TABLE.printed + 1 {
        return CALC_TABLE;
    }
    TableColumns {
        extra: ("Formula", table + 1),
        note: (3, 60.0),
        name: table,
        printed: table - 1,
    }
}

fn table_header(
    ws: &mut Cells,
    fit: &mut Fit,
    (title, subtitle): (&str, &str),
    columns: TableColumns,
    r: &Report,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, title, &s.title)?;
    ws.write_string_with_format(1, 0, subtitle, &s.subtitle)?;
    let (extra, extra_col) = columns.extra;
    let last = columns.extra.1.max(columns.name).max(columns.note.0);
    let mut names = vec![""; usize::from(last) + 1];
    for (col, width, name) in [
        (COL_LABEL, 44.0, "Label"),
        (COL_VALUE, 18.0, "Value"),
        (COL_UNIT, 16.0, "Unit"),
        (extra_col, 44.0, extra),
        (columns.note.0, columns.note.1, "Note"),
        (columns.name, 36.0, "Defined name"),
    ] {
        fit.width(col, width);
        names[usize::from(col)] = name;
    }
    headers(ws, fit, FIRST_ROW - 1, 0, &names, s)?;
    ws.set_freeze_panes(FIRST_ROW, 1)?;
    master_check_at(ws, r, s, columns.printed)
}

/// A label/value table prints its printed columns (and any table beside
/// them up to `last_col`), its header rows repeated.
fn print_table(
    ws: &mut Cells,
    r: &Report,
    columns: TableColumns,
    last_col: u16,
    fit: &Fit,
) -> Result<(), XlsxError> {
    let print = Print::Narrow {
        rows: FIRST_ROW - 1,
        last_col: columns.printed.max(last_col),
    };
    print_setup(ws, r, print, fit)
}

/// How a sheet prints.
enum Print {
    /// Its columns up to `last_col` one page wide, as many pages tall as
    /// needed; the rows down to `rows` repeat on every page.
    Narrow { rows: u32, last_col: u16 },
    /// Pages cut where the sheet says, at a scale that fits the largest of
    /// them (see [`fitting_scale`]): page breaks before `row_breaks` and
    /// `col_breaks`, the rows down to `rows` and the columns up to `cols`
    /// repeated (none when `None`).
    Pages {
        last_col: u16,
        rows: Option<u32>,
        cols: Option<u16>,
        scale: u16,
        row_breaks: Vec<u32>,
        col_breaks: Vec<u16>,
    },
}

/// A page header's text: the plan's title with `&` doubled (a lone `&`
/// starts a header code), cut to what a header holds.
fn header_text(title: &str) -> String {
    let short: String = title.chars().take(120).collect();
    short.replace('&', "&&")
}

/// Landscape on the report's paper, the plan's title and the sheet's name
/// on top, the page number below, the header rows (and a wide grid's label
/// columns) repeated on every page; the sheet protected against accidental
/// edits.
fn print_setup(ws: &mut Cells, r: &Report, print: Print, fit: &Fit) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(r.paper.excel_paper_size());
    ws.set_header(format!(
        "&L{}&R&A",
        header_text(&format!("Fine-tuning ROI: {}", r.inputs.meta.title))
    ));
    ws.set_footer("&CPage &P of &N");
    ws.set_margins(
        MARGIN_SIDE,
        MARGIN_SIDE,
        MARGIN_TOP,
        MARGIN_TOP,
        MARGIN_HEADER,
        MARGIN_HEADER,
    );
    match print {
        Print::Narrow { rows, last_col } => {
            ws.set_print_area(0, 0, ALL_ROWS, last_col)?;
            let scale = narrow_scale(
                r,
                fit.columns_inches(0, last_col),
                fit.rows_points(0, ws.last_row()),
                fit.rows_points(0, rows),
            );
            ws.set_print_scale(scale);
            ws.set_repeat_rows(0, rows)?;
        }
        Print::Pages {
            last_col,
            rows,
            cols,
            scale,
            row_breaks,
            col_breaks,
        } => {
            ws.set_print_area(0, 0, ALL_ROWS, last_col)?;
            ws.set_print_scale(scale);
            if let Some(rows) = rows {
                ws.set_repeat_rows(0, rows)?;
            }
            if let Some(cols) = cols {
                ws.set_repeat_columns(0, cols)?;
            }
            if !row_breaks.is_empty() {
                ws.set_page_breaks(&row_breaks)?;
            }
            if !col_breaks.is_empty() {
                let cols: Vec<u32> = col_breaks.iter().map(|&c| u32::from(c)).collect();
                ws.set_vertical_page_breaks(&cols)?;
            }
        }
    }
    ws.protect();
    Ok(())
}

/// The page margins, in inches: the left and right, the top and bottom,
/// and the header's and footer's.
const MARGIN_SIDE: f64 = 0.4;
const MARGIN_TOP: f64 = 0.6;
const MARGIN_HEADER: f64 = 0.25;

/// The least print scale in percent that [`fitting_scale`] gives: below it
/// a page's figures are too small to read, and a page too full runs on.
const LEAST_SCALE: u16 = 55;

/// The largest scale, in percent, at which a page of `inches` by `points`
/// (at 100%) fits within the margins of the report's paper, landscape (at
/// most 100).
fn fitting_scale(r: &Report, inches: f64, points: f64) -> u16 {
    let (width, height) = printable(r);
    let fits = (width / inches).min(height / points);
    ((fits * 100.0).floor() as u16).clamp(10, 100)
}

/// The scale, in percent, at which a sheet `inches` wide and `points` tall
/// (at 100%, `repeated` points of it repeated on every page) prints one page
/// wide on the fewest pages that keep it at [`LEAST_SCALE`] or more: one
/// page if it fits at a readable scale, else as many as it takes.
fn narrow_scale(r: &Report, inches: f64, points: f64, repeated: f64) -> u16 {
    let (width, height) = printable(r);
    let by_width = width / inches;
    let least = f64::from(LEAST_SCALE) / 100.0;
    let mut pages = 1.0;
    loop {
        let by_height = pages * height / (points + (pages - 1.0) * repeated);
        if by_height >= least || pages >= 100.0 {
            let fits = by_width.min(by_height).min(1.0);
            return ((fits * 100.0).floor() as u16).max(10);
        }
        pages += 1.0;
    }
}

/// What a page of the report's paper holds within its margins, landscape:
/// its width in inches and its height in points.
fn printable(r: &Report) -> (f64, f64) {
    let (paper_width, paper_height) = r.paper.landscape_inches();
    // The header and footer lines stand within the top and bottom margins.
    (
        paper_width - 2.0 * MARGIN_SIDE,
        (paper_height - 2.0 * MARGIN_TOP) * 72.0,
    )
}

/// The last row of a sheet: a print area to it takes whole columns.
const ALL_ROWS: u32 = 1_048_575;

/// Data validation for an input cell: the bounds of its input's spec.
fn validation(bounds: &crate::inputs::Bounds) -> Option<DataValidation> {
    let rule = match (bounds.min.is_finite(), bounds.max) {
        (false, None) => return None,
        (false, Some(max)) => DataValidationRule::LessThanOrEqualTo(max),
        (true, Some(max)) => DataValidationRule::Between(bounds.min, max),
        (true, None) if bounds.min_inclusive => {
            DataValidationRule::GreaterThanOrEqualTo(bounds.min)
        }
        (true, None) => DataValidationRule::GreaterThan(bounds.min),
    };
    DataValidation::new()
        .allow_decimal_number(rule)
        .set_error_message(format!("Enter {}.", bounds.expected()))
        .ok()
}

/// Builds the workbook.
pub fn workbook(r: &Report) -> Result<Workbook, XlsxError> {
    let lay = layout(r);
    let s = Styles::new();
    let mut wb = Workbook::new();
    let meta = &r.inputs.meta;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Fine-tuning ROI: {}", meta.title))
            .set_subject("Fine-tune an open model, or stay on the API?")
            .set_comment(format!(
                "Generated by finetune-roi {} from {}",
                env!("CARGO_PKG_VERSION"),
                meta.file
            ))
            .set_creation_datetime(&r.generated_at)
            .set_custom_property("plan", meta.title.as_str())
            .set_custom_property("as_of", meta.as_of.to_string().as_str())
            .set_custom_property("plan_sha256", meta.sha256.as_str())
            .set_custom_property("tool_version", env!("CARGO_PKG_VERSION")),
    );

    cover(
        &mut Cells::new(wb.add_worksheet().set_name(COVER_SHEET)?),
        r,
        &s,
    )?;
    summary(
        &mut Cells::new(wb.add_worksheet().set_name(SUMMARY_SHEET)?),
        r,
        &lay,
        &s,
    )?;
    inputs_sheet(
        &mut Cells::new(wb.add_worksheet().set_name(INPUTS_SHEET)?),
        r,
        &lay,
        &s,
    )?;
    for sheet in Sheet::ALL {
        if sheet == Sheet::Checks {
            sensitivity(
                &mut Cells::new(wb.add_worksheet().set_name(SENSITIVITY_SHEET)?),
                r,
                &lay,
                &s,
            )?;
            if !r.inputs.ranges.is_empty() {
                cases_sheet(
                    &mut Cells::new(wb.add_worksheet().set_name(TORNADO_SHEET)?),
                    Cases::Tornado,
                    r,
                    &lay,
                    &s,
                )?;
            }
            if !r.model.options.is_empty() {
                cases_sheet(
                    &mut Cells::new(wb.add_worksheet().set_name(OPTIONS_SHEET)?),
                    Cases::Options,
                    r,
                    &lay,
                    &s,
                )?;
            }
            simulation(
                &mut Cells::new(wb.add_worksheet().set_name(SIMULATION_SHEET)?),
                r,
                &s,
            )?;
            if !r.inputs.lookups.is_empty() {
                catalogue_sheet(
                    &mut Cells::new(wb.add_worksheet().set_name(CATALOGUE_SHEET)?),
                    r,
                    &s,
                )?;
            }
        }
        let ws = &mut Cells::new(wb.add_worksheet().set_name(sheet.name())?);
        let mut fit = Fit::new();
        calc_sheet(ws, &mut fit, sheet, r, &lay, &s)?;
        if sheet == Sheet::CashFlow {
            timeline(ws, &mut fit, r, &lay, &s)?;
        } else {
            print_table(ws, r, calc_columns(sheet, r), 0, &fit)?;
        }
        fit.apply(ws)?;
    }

    for (id, p) in &lay.places {
        wb.define_name(id, &format!("={}", p.reference()))?;
    }
    for (id, range) in &lay.ranges {
        wb.define_name(id, &format!("={range}"))?;
    }
    Ok(wb)
}

fn cover(ws: &mut Cells, r: &Report, s: &Styles) -> Result<(), XlsxError> {
    let meta = &r.inputs.meta;
    ws.write_string_with_format(
        0,
        0,
        "Fine-tune an open model, or stay on the API?",
        &s.title,
    )?;
    write_text(ws, 2, 0, &meta.title, &s.text)?;
    ws.write_string(3, 0, format!("Figures as of {}", meta.as_of))?;
    if let Some(owner) = &meta.owner {
        ws.write_string(4, 0, "Owner")?;
        write_text(ws, 4, 1, owner, &s.text)?;
    }
    let mut fit = Fit::new();
    fit.width(0, 40.0);
    fit.width(1, 90.0);
    ws.write_string_with_format(6, 0, "Verdict", &s.heading)?;
    let heading = s.heading.clone().set_text_wrap();
    write_name_ref(ws, 6, 1, r, id::VERDICT_SENTENCE, &heading)?;
    fit.wrap_large(
        6,
        1,
        1,
        &r.value(id::VERDICT_SENTENCE).to_excel_result(),
        HEADING_SCALE,
    );
    ws.write_string(7, 0, "Master check (0 = every check holds)")?;
    write_name_ref(ws, 7, 1, r, id::MASTER_CHECK, &s.check)?;
    let how = [
        "What this workbook answers: does fine-tuning an open model cost less than the API over the model's lifetime?",
        "Blue cells on a pale yellow ground are inputs: they are the only cells you can edit.",
        "Every other number is a live formula over the inputs, through defined names equal to the ids in the last column of each sheet.",
        "Sheets are protected without a password, so formulas are not overwritten by accident; unprotect a sheet to change its structure.",
        "The JSON and memo generated with this workbook carry the same figures, computed from the same definitions.",
    ];
    for (k, line) in how.iter().enumerate() {
        let row = 9 + k as u32;
        ws.merge_range(row, 0, row, 1, "", &s.wrap)?;
        ws.write_string_with_format(row, 0, *line, &s.wrap)?;
        fit.wrap_merged(row, 0, 1, line);
    }
    ws.write_string_with_format(15, 0, "Sheets", &s.group)?;
    let mut sheets: Vec<(&str, &str)> = vec![
        (SUMMARY_SHEET, "The verdict, key figures and warnings."),
        (INPUTS_SHEET, "Every input with its unit, source and note."),
    ];
    for sh in Sheet::ALL {
        if sh == Sheet::Checks {
            sheets.push((
                SENSITIVITY_SHEET,
                "Savings and payback at other volumes and instance counts.",
            ));
            if !r.inputs.ranges.is_empty() {
                sheets.push((
                    TORNADO_SHEET,
                    "The model with each ranged input at its low and its high end.",
                ));
            }
            sheets.push((
                SIMULATION_SHEET,
                "Monte Carlo percentiles over the ranged inputs (values, not formulas).",
            ));
        }
        sheets.push((sh.name(), sh.purpose()));
    }
    for (k, (name, what)) in sheets.iter().enumerate() {
        let row = 16 + k as u32;
        ws.write_url_with_text(
            row,
            0,
            Url::new(format!("internal:{}!A1", quote_sheet_name(name))),
            *name,
        )?;
        ws.write_string_with_format(row, 1, *what, &s.wrap)?;
        fit.wrap(row, 1, what);
    }
    print_setup(
        ws,
        r,
        Print::Narrow {
            rows: 0,
            last_col: 1,
        },
        &fit,
    )?;
    fit.apply(ws)
}

/// The width a column needs for `text` on one line in the monospaced
/// font of names (as wide again as prose's per character).
fn monospace_width(text: &str) -> f64 {
    text.chars().count() as f64 * MONOSPACE_SCALE + 2.0
}

/// A monospaced character's width against a unit of column width.
const MONOSPACE_SCALE: f64 = 1.0;

/// The largest integer a spreadsheet shows with every digit (15 digits).
const MAX_EXACT_INTEGER: u64 = 999_999_999_999_999;

/// The width of the Summary's "What it means" column, in characters.
const SUMMARY_NOTE_WIDTH: f64 = 60.0;
/// The heading font's width and height against body text's (14-point bold
/// against 11-point).
const HEADING_SCALE: f64 = 1.4;

fn summary(ws: &mut Cells, r: &Report, lay: &Layout, s: &Styles) -> Result<(), XlsxError> {
    let meta = &r.inputs.meta;
    let mut fit = Fit::new();
    for (col, width) in [
        (COL_LABEL, 44.0),
        (COL_VALUE, 20.0),
        (COL_UNIT, 18.0),
        (COL_FOURTH, 18.0),
        (COL_NOTE, SUMMARY_NOTE_WIDTH),
        (COL_NAME, 36.0),
    ] {
        fit.width(col, width);
    }
    ws.write_string_with_format(0, 0, "Fine-tuning ROI", &s.title)?;
    write_text(ws, 1, 0, &meta.title, &s.text)?;
    ws.write_string(2, 0, format!("Figures as of {}", meta.as_of))?;
    // The answer in words: formulas over the Verdict sheet, so an edited
    // input that flips the decision flips the words.
    let heading = s.heading.clone().set_text_wrap();
    for (k, id) in r.model.with_role(Role::Answer).into_iter().enumerate() {
        let row = SUMMARY_VERDICT_ROW + k as u32;
        let style = if k == 0 { &heading } else { &s.wrap };
        ws.write_string_with_format(row, 0, r.label(id), &heading)?;
        fit.wrap_large(row, 0, 0, r.label(id), HEADING_SCALE);
        ws.merge_range(row, COL_VALUE, row, COL_NOTE, "", style)?;
        write_name_ref(ws, row, COL_VALUE, r, id, style)?;
        let text = r.value(id).to_excel_result();
        if k == 0 {
            fit.wrap_large(row, COL_VALUE, COL_NOTE, &text, HEADING_SCALE);
        } else {
            fit.wrap_merged(row, COL_VALUE, COL_NOTE, &text);
        }
    }
    ws.write_string_with_format(
        SUMMARY_FIRST_FIGURE_ROW - 2,
        0,
        "Blue cells on the Inputs sheet are inputs; every other number, and every sentence here, is a formula over them.",
        &s.subtitle,
    )?;
    headers(
        ws,
        &mut fit,
        SUMMARY_FIRST_FIGURE_ROW - 1,
        0,
        &[
            "Key figure",
            "Value",
            "Unit",
            "",
            "What it means",
            "Defined name",
        ],
        s,
    )?;
    for (row, id) in &lay.summary_rows {
        ws.write_string_with_format(*row, COL_LABEL, r.label(id), &s.wrap)?;
        fit.wrap(*row, COL_LABEL, r.label(id));
        write_name_ref(
            ws,
            *row,
            COL_VALUE,
            r,
            id,
            &Styles::value(r.unit(id), false),
        )?;
        unit_or_words(ws, (*row, COL_UNIT), id, r.unit(id), r.value(id), s)?;
        if let Some(q) = r.model.get(id) {
            ws.write_string_with_format(*row, COL_NOTE, &q.doc, &s.wrap)?;
            fit.wrap(*row, COL_NOTE, &q.doc);
        }
        ws.write_string_with_format(*row, COL_NAME, id, &s.name)?;
    }
    let warnings = summary_composition(ws, r, lay, s)? + 18;
    let row = summary_warnings(ws, &mut fit, r, warnings, s)?;
    summary_levers(ws, &mut fit, r, row + 1, s)?;
    master_check_header(ws, r, s)?;
    // The answer, the key figures and the chart on the first page; the
    // warnings and what would change the decision from the second.
    let first_page = fit.rows_points(0, warnings - 1);
    let rest = fit.rows_points(0, 0) + fit.rows_points(warnings, ws.last_row());
    let inches = fit.columns_inches(0, COL_NAME);
    let print = Print::Pages {
        last_col: COL_NAME,
        rows: Some(0),
        cols: None,
        scale: fitting_scale(r, inches, first_page.max(rest)),
        row_breaks: vec![warnings],
        col_breaks: Vec::new(),
    };
    print_setup(ws, r, print, &fit)?;
    fit.apply(ws)
}

/// The warnings on the Summary sheet: the model's as formulas (a row stays
/// empty while its warning does not apply), then those the model does not
/// compute (about the options, the training estimate's source) as text.
fn summary_warnings(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    mut row: u32,
    s: &Styles,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, "Warnings that apply", &s.group)?;
    write_name_ref(
        ws,
        row,
        COL_VALUE,
        r,
        id::WARNING_COUNT,
        &Styles::value(Unit::Count, false),
    )?;
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        "Each warning's sentence is a formula: it shows when its condition holds, and a dash otherwise.",
        &s.subtitle,
    )?;
    row += 1;
    let live = r.model.with_role(Role::Warning);
    for id in &live {
        ws.write_string_with_format(row, 0, r.label(id), &s.wrap)?;
        fit.wrap(row, 0, r.label(id));
        ws.merge_range(row, COL_VALUE, row, COL_NOTE, "", &s.wrap)?;
        write_name_ref(ws, row, COL_VALUE, r, id, &s.wrap)?;
        fit.wrap_merged(row, COL_VALUE, COL_NOTE, &r.value(id).to_excel_result());
        // Room for a sentence that shows once an edited input makes it apply.
        fit.at_least(row, 2.0 * crate::render::fit::LINE_HEIGHT);
        row += 1;
    }
    let fixed: Vec<_> = r
        .warnings
        .iter()
        .filter(|w| {
            !live
                .iter()
                .any(|id| id.trim_start_matches("warning_") == w.id)
        })
        .collect();
    for w in fixed {
        write_text(ws, row, 0, &w.title, &s.wrap)?;
        fit.wrap(row, 0, &w.title);
        ws.merge_range(row, COL_VALUE, row, COL_NOTE, "", &s.wrap)?;
        write_text(ws, row, COL_VALUE, &w.message, &s.wrap)?;
        fit.wrap_merged(row, COL_VALUE, COL_NOTE, &w.message);
        row += 1;
    }
    Ok(row)
}

/// What would change the decision on the Summary sheet: the report's levers
/// (the same list as the memo's and the JSON's), each the value at which the
/// verdict flips, found by searching the model.
fn summary_levers(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    mut row: u32,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, "What would change the decision", &s.group)?;
    row += 1;
    let note = "Each input of the recommended candidate (the plan's when the API is recommended), the others held, at the value where its net present value over its own timeline reaches zero or it can no longer be built. Found by searching the model: values, not formulas, so an edited input does not move them.";
    ws.merge_range(row, 0, row, COL_NOTE, "", &s.subtitle)?;
    ws.write_string_with_format(row, 0, note, &s.subtitle)?;
    fit.wrap_merged(row, 0, COL_NOTE, note);
    row += 1;
    headers(
        ws,
        fit,
        row,
        0,
        &["Lever", "Today", "Flips at", "Unit", "", "Plan path"],
        s,
    )?;
    row += 1;
    if r.levers.is_empty() {
        ws.write_string_with_format(
            row,
            0,
            "No single input within its range changes the verdict.",
            &s.wrap,
        )?;
        fit.wrap(
            row,
            0,
            "No single input within its range changes the verdict.",
        );
    }
    for l in &r.levers {
        write_text(ws, row, COL_LABEL, &l.label, &s.wrap)?;
        fit.wrap(row, COL_LABEL, &l.label);
        ws.write_number_with_format(row, COL_VALUE, l.today, &Styles::value(l.unit, false))?;
        ws.write_number_with_format(row, COL_UNIT, l.flips_at, &Styles::value(l.unit, false))?;
        ws.write_string_with_format(row, COL_FOURTH, l.unit.label(), &s.unit)?;
        write_text(ws, row, COL_NAME, &l.input, &s.name)?;
        row += 1;
    }
    Ok(())
}

/// The monthly comparison on the Summary sheet, charted: the API bill
/// against the parts of the fine-tuned total. Returns the row after the
/// table.
fn summary_composition(
    ws: &mut Cells,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<u32, XlsxError> {
    let mut row = SUMMARY_FIRST_FIGURE_ROW + lay.summary_rows.len() as u32 + 1;
    ws.write_string_with_format(
        row,
        0,
        "Monthly cost: the API bill against the parts of the fine-tuned total",
        &s.group,
    )?;
    row += 1;
    let first = row;
    let parts = r.model.with_role(Role::Composition);
    let bars: Vec<&str> = std::iter::once(id::MONTHLY_API_COST)
        .chain(parts.iter().copied())
        .chain(std::iter::once(id::MONTHLY_FT_TOTAL))
        .collect();
    for id in &bars {
        ws.write_string(row, 0, r.label(id))?;
        write_name_ref(ws, row, 1, r, id, &Styles::value(Unit::UsdPerMonth, false))?;
        row += 1;
    }
    // The API's bar, the parts' and the fine-tuned total's each in their own
    // colour, so the bill cannot be mistaken for a part.
    let points: Vec<ChartPoint> = bars
        .iter()
        .enumerate()
        .map(|(k, _)| {
            let colour = if k == 0 {
                API_COLOUR
            } else if k == bars.len() - 1 {
                TOTAL_COLOUR
            } else {
                PART_COLOURS[(k - 1) % PART_COLOURS.len()]
            };
            ChartPoint::new().set_format(
                ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(colour)),
            )
        })
        .collect();
    let mut chart = Chart::new(ChartType::Column);
    chart
        .title()
        .set_name("Monthly cost: API bill, fine-tuned parts and total");
    chart
        .add_series()
        .set_name("$ per month")
        .set_categories((SUMMARY_SHEET, first, 0, row - 1, 0))
        .set_values((SUMMARY_SHEET, first, 1, row - 1, 1))
        .set_points(&points)
        .set_data_label(ChartDataLabel::new().show_value().set_num_format("$#,##0"));
    chart
        .y_axis()
        .set_name("$ per month")
        .set_num_format("$#,##0");
    // The bar names below the plot, not at zero, where a part that saves
    // money (a negative bar) and its label would cover them.
    chart
        .x_axis()
        .set_label_position(ChartAxisLabelPosition::Low);
    chart.legend().set_hidden();
    chart.set_width(760).set_height(340);
    ws.insert_chart(row + 1, 0, &chart)?;
    Ok(row)
}

/// The Summary chart's colours: the API bill, the fine-tuned total, and the
/// parts of the total in turn.
const API_COLOUR: u32 = 0xC55A11;
const TOTAL_COLOUR: u32 = 0x1F3864;
const PART_COLOURS: [u32; 5] = [0x5B9BD5, 0x70AD47, 0xFFC000, 0x7F7F7F, 0x9E7CC1];

fn inputs_sheet(ws: &mut Cells, r: &Report, lay: &Layout, s: &Styles) -> Result<(), XlsxError> {
    let mut fit = Fit::new();
    table_header(
        ws,
        &mut fit,
        (
            "Inputs",
            "Every number the model starts from. Change a blue cell and every figure follows.",
        ),
        INPUT_TABLE,
        r,
        s,
    )?;
    if !r.inputs.ranges.is_empty() {
        fit.width(COL_RANGE_LOW, 14.0);
        fit.width(COL_RANGE_HIGH, 14.0);
        headers(
            ws,
            &mut fit,
            FIRST_ROW - 1,
            COL_RANGE_LOW,
            &["Low", "High"],
            s,
        )?;
    }
    for range in &r.inputs.ranges {
        let unit = r.unit(&range.id);
        for (id, x) in [
            (crate::model::range_low_id(&range.id), range.low),
            (crate::model::range_high_id(&range.id), range.high),
        ] {
            let p = cell_of(&lay.places, &id)?;
            ws.write_number_with_format(p.row, p.col, x, &Styles::value(unit, true))?;
            let bounds = r.inputs.get(&range.id).map(|i| i.bounds);
            if let Some(dv) = bounds.as_ref().and_then(validation) {
                ws.add_data_validation(p.row, p.col, p.row, p.col, &dv)?;
            }
        }
    }
    // Each input's smallest and largest allowed values, which the range
    // check on the Checks sheet reads.
    fit.width(COL_BOUND_MIN, 12.0);
    fit.width(COL_BOUND_MAX, 12.0);
    headers(
        ws,
        &mut fit,
        FIRST_ROW - 1,
        COL_BOUND_MIN,
        &["Minimum", "Maximum"],
        s,
    )?;
    for i in &r.inputs.items {
        if !matches!(i.value, Value::Num(_)) {
            continue;
        }
        for (id, x) in crate::model::bound_values(&i.id, &i.bounds) {
            let p = cell_of(&lay.places, &id)?;
            ws.write_number_with_format(p.row, p.col, x, &Styles::value(i.unit, false))?;
        }
    }
    for (row, group) in &lay.input_groups {
        ws.write_string_with_format(*row, 0, group.title(), &s.group)?;
        for c in 1..=COL_NAME {
            ws.write_blank(*row, c, &s.group)?;
        }
    }
    for i in &r.inputs.items {
        let p = cell_of(&lay.places, &i.id)?;
        write_text(ws, p.row, COL_LABEL, &i.label, &s.wrap)?;
        fit.wrap(p.row, COL_LABEL, &i.label);
        let f = Styles::value(i.unit, true);
        if let Some(lookup) = r.inputs.lookups.get(&i.id) {
            // Looked up in the Catalogue sheet by the entry named in another input.
            let (names, column) = catalogue_ranges(r, lookup)?;
            let body = format!("INDEX({column},MATCH({},{names},0))", lookup.key);
            write_formula(ws, p.row, p.col, body, &i.value, &Styles::looked_up(i.unit))?;
        } else {
            match &i.value {
                Value::Num(x) => {
                    ws.write_number_with_format(p.row, p.col, *x, &f)?;
                }
                Value::Bool(b) => {
                    ws.write_boolean_with_format(p.row, p.col, *b, &f)?;
                }
                // Text inputs come from the plan: never let them read as a formula.
                Value::Text(t) => write_text(ws, p.row, p.col, t, &f)?,
                Value::Never => {
                    ws.write_string_with_format(p.row, p.col, NEVER_TEXT, &f)?;
                }
            }
            if let Some(dv) = validation(&i.bounds) {
                ws.add_data_validation(p.row, p.col, p.row, p.col, &dv)?;
            }
        }
        unit_or_words(ws, (p.row, COL_UNIT), &i.id, i.unit, &i.value, s)?;
        let source = i.source.describe();
        write_text(ws, p.row, COL_FOURTH, &source, &s.wrap)?;
        fit.wrap(p.row, COL_FOURTH, &source);
        ws.write_string_with_format(p.row, COL_NOTE, &i.doc, &s.wrap)?;
        fit.wrap(p.row, COL_NOTE, &i.doc);
        ws.write_string_with_format(p.row, COL_NAME, &i.id, &s.name)?;
    }
    let last_col = if r.inputs.ranges.is_empty() {
        0
    } else {
        COL_RANGE_HIGH
    };
    print_table(ws, r, INPUT_TABLE, last_col, &fit)?;
    fit.apply(ws)
}

fn calc_sheet(
    ws: &mut Cells,
    fit: &mut Fit,
    sheet: Sheet,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    let refs = ScalarRefs { lay };
    if sheet == Sheet::CashFlow {
        // The timeline owns the columns here: the few scalars show label,
        // value, unit and name, with the formula and its meaning as a note.
        ws.write_string_with_format(0, 0, sheet.name(), &s.title)?;
        ws.write_string_with_format(1, 0, sheet.purpose(), &s.subtitle)?;
        fit.width(0, 40.0);
        fit.width(1, 14.0);
        headers(
            ws,
            fit,
            FIRST_ROW - 1,
            0,
            &["Label", "Value", "Unit", "Defined name"],
            s,
        )?;
        master_check_header(ws, r, s)?;
    } else {
        table_header(
            ws,
            fit,
            (sheet.name(), sheet.purpose()),
            calc_columns(sheet, r),
            r,
            s,
        )?;
    }
    let rows = r
        .model
        .quantities
        .iter()
        .filter(|q| q.sheet == sheet && !q.has(Role::TableCell));
    for q in rows {
        let p = cell_of(&lay.places, &q.id)?;
        let body = q.expr.to_excel_with(&refs);
        ws.write_string_with_format(p.row, COL_LABEL, &q.label, &s.wrap)?;
        fit.wrap(p.row, COL_LABEL, &q.label);
        let format = if sheet == Sheet::Checks {
            s.check.clone()
        } else {
            Styles::value(q.unit, false)
        };
        write_formula(ws, p.row, p.col, body.clone(), r.value(&q.id), &format)?;
        unit_or_words(ws, (p.row, COL_UNIT), &q.id, q.unit, r.value(&q.id), s)?;
        if sheet == Sheet::CashFlow {
            ws.write_string_with_format(p.row, COL_FOURTH, &q.id, &s.name)?;
            ws.insert_note(
                p.row,
                p.col,
                &Note::new(format!("{}\n={body}", q.doc)).add_author_prefix(false),
            )?;
        } else {
            let formula = format!("={body}");
            let columns = calc_columns(sheet, r);
            let (_, formula_col) = columns.extra;
            ws.write_string_with_format(p.row, formula_col, &formula, &s.name)?;
            let (note, _) = columns.note;
            ws.write_string_with_format(p.row, note, &q.doc, &s.wrap)?;
            fit.wrap(p.row, note, &q.doc);
            ws.write_string_with_format(p.row, columns.name, &q.id, &s.name)?;
            // The name stays whole beside the formula's text.
            fit.at_least_width(columns.name, monospace_width(&q.id));
        }
    }
    if sheet == Sheet::Comparison {
        candidates_table(ws, fit, r, lay, s)?;
    }
    Ok(())
}

/// The Verdict sheet's table of candidates: a row per candidate, a column
/// per figure, each column a named range that the recommendation's
/// `MATCH` and `INDEX` read; each header notes what its column holds.
fn candidates_table(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    let refs = ScalarRefs { lay };
    let table = &lay.candidates;
    let title =
        "The candidates: a row each; the recommendation is the row whose score is the best score";
    ws.write_string_with_format(table.header_row - 1, 0, title, &s.subtitle)?;
    for (j, column) in r.model.candidates.columns.iter().enumerate() {
        let col = table.first_col + j as u16;
        if col > COL_FOURTH {
            fit.width(col, 12.0);
        }
        ws.write_string_with_format(table.header_row, col, &column.label, &s.header)?;
        fit.header(table.header_row, col, &column.label);
        ws.insert_note(
            table.header_row,
            col,
            &Note::new(format!(
                "{} ({}). The range is named {}.",
                column.doc,
                column.unit.label(),
                column.column.id
            ))
            .add_author_prefix(false),
        )?;
        for cell in &column.column.cells {
            let id = cell.id();
            let (Some(q), p) = (r.model.get(id), cell_of(&lay.places, id)?) else {
                continue;
            };
            let format = Styles::value(q.unit, false);
            write_formula(
                ws,
                p.row,
                p.col,
                q.expr.to_excel_with(&refs),
                r.value(id),
                &format,
            )?;
        }
    }
    Ok(())
}

/// A timeline's header row: "Month", "Unit", then the month numbers.
fn months_header(
    ws: &mut Cells,
    t: &crate::render::layout::TimelineLayout,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(t.header_row, 0, "Month", &s.header)?;
    ws.write_string_with_format(t.header_row, 1, "Unit", &s.header)?;
    for p in 0..t.periods {
        ws.write_number_with_format(t.header_row, t.col(p), p as f64, &s.header)?;
    }
    Ok(())
}

fn timeline(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    let t = &lay.timeline;
    ws.write_string_with_format(
        t.header_row - 1,
        0,
        "Monthly timeline (one formula per row, the same in every month)",
        &s.group,
    )?;
    months_header(ws, t, s)?;
    for p in 0..t.periods {
        fit.width(t.col(p), MONTH_WIDTH);
    }
    for row in &r.model.timeline {
        let rr = *cell_of(&t.rows, &row.id)?;
        ws.write_string_with_format(rr, 0, &row.label, &s.wrap)?;
        fit.wrap(rr, 0, &row.label);
        ws.insert_note(rr, 0, &Note::new(&row.doc).add_author_prefix(false))?;
        ws.write_string_with_format(rr, 1, row.unit.label(), &s.wrap)?;
        fit.wrap(rr, 1, row.unit.label());
        let format = Styles::value(row.unit, false);
        for p in 0..t.periods {
            let col = t.col(p);
            let body = row.expr.to_excel_with(&PeriodRefs { lay, col });
            write_formula(ws, rr, col, body, &r.timeline[&row.id][p as usize], &format)?;
        }
    }
    let cum = *cell_of(&t.rows, id::CF_CUMULATIVE)?;
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name("Cumulative cash flow by month");
    chart
        .add_series()
        .set_name("Cumulative cash flow")
        .set_categories((
            Sheet::CashFlow.name(),
            t.header_row,
            t.col(0),
            t.header_row,
            t.last_col(),
        ))
        .set_values((Sheet::CashFlow.name(), cum, t.col(0), cum, t.last_col()));
    chart.x_axis().set_name("Month");
    chart
        .y_axis()
        .set_name("$ cumulative")
        .set_num_format("$#,##0");
    chart.legend().set_hidden();
    chart
        .set_width(TIMELINE_CHART_WIDTH)
        .set_height(TIMELINE_CHART_HEIGHT);
    // Beside the figures on top, within the first year's page.
    ws.insert_chart(FIRST_ROW, t.col(TIMELINE_CHART_MONTH), &chart)?;
    for (k, ((block, case), result)) in lay
        .option_timelines
        .iter()
        .zip(&r.model.options)
        .zip(&r.options)
        .enumerate()
    {
        option_timeline(ws, fit, r, lay, (k, block), (case, result), s)?;
    }
    print_by_year(ws, fit, r, lay)
}

/// A month's column width on the Cash flow sheet.
const MONTH_WIDTH: f64 = 11.0;
/// The months a printed page of the timeline holds: month 0 and a year.
const MONTHS_A_PAGE: u16 = 13;
/// The Cash flow chart's size in pixels, and the month column it stands at.
const TIMELINE_CHART_WIDTH: u32 = 640;
const TIMELINE_CHART_HEIGHT: u32 = 320;
const TIMELINE_CHART_MONTH: u16 = 4;

/// The Cash flow sheet prints a year a page (month 0 with the first): the
/// months of each year grouped in an outline (one click folds a year), a
/// page break before each year, the label and unit columns repeated, each
/// option's timeline on pages of its own, at the scale at which the
/// largest page fits.
fn print_by_year(ws: &mut Cells, fit: &Fit, r: &Report, lay: &Layout) -> Result<(), XlsxError> {
    let t = &lay.timeline;
    let mut col_breaks = Vec::new();
    let mut first = 1;
    while first < t.periods {
        let last = (first + 11).min(t.periods - 1);
        ws.group_columns(t.col(first), t.col(last))?;
        if first > 1 {
            col_breaks.push(t.col(first));
        }
        first += 12;
    }
    let last_month = t.col(MONTHS_A_PAGE.min(t.periods) - 1);
    let chart_end = fit.columns_inches(0, t.col(TIMELINE_CHART_MONTH) - 1)
        + f64::from(TIMELINE_CHART_WIDTH) / 96.0;
    let inches = fit.columns_inches(0, last_month).max(chart_end);
    let plan_end = t.rows.values().max().copied().unwrap_or(t.header_row);
    let mut tallest = fit.rows_points(0, plan_end);
    let mut row_breaks = Vec::new();
    for block in &lay.option_timelines {
        let title = block.header_row - 1;
        let end = block
            .rows
            .values()
            .max()
            .copied()
            .unwrap_or(block.header_row);
        row_breaks.push(title);
        tallest = tallest.max(fit.rows_points(0, 1) + fit.rows_points(title, end));
    }
    let print = Print::Pages {
        last_col: t.last_col(),
        rows: Some(1),
        cols: Some(1),
        scale: fitting_scale(r, inches, tallest),
        row_breaks,
        col_breaks,
    };
    print_setup(ws, r, print, fit)
}

/// An option's own timeline: the plan's rows over the option's inputs.
fn option_timeline(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    lay: &Layout,
    (k, t): (usize, &TimelineLayout),
    (case, result): (&Scenario, &ScenarioResult),
    s: &Styles,
) -> Result<(), XlsxError> {
    write_text(
        ws,
        t.header_row - 1,
        0,
        &format!("Option {}: {}", k + 1, case.label),
        &s.group,
    )?;
    months_header(ws, t, s)?;
    let replaced: Vec<String> = case.overrides.iter().map(|(id, _)| id.clone()).collect();
    let ids: Vec<&str> = replaced.iter().map(String::as_str).collect();
    let moved: Vec<String> = r
        .model
        .option_dependents(&ids)
        .iter()
        .map(|q| q.id.clone())
        .collect();
    let option_col = lay.options.first_col + k as u16;
    for row in &r.model.timeline {
        let rr = *cell_of(&t.rows, &row.id)?;
        ws.write_string_with_format(rr, 0, &row.label, &s.wrap)?;
        fit.wrap(rr, 0, &row.label);
        ws.write_string_with_format(rr, 1, row.unit.label(), &s.wrap)?;
        fit.wrap(rr, 1, row.unit.label());
        let format = Styles::value(row.unit, false);
        let values = cell_of(&result.timeline, &row.id)?;
        for p in 0..t.periods {
            let col = t.col(p);
            let refs = OptionPeriodRefs {
                t,
                cases: &lay.options,
                replaced: &replaced,
                moved: &moved,
                option_col,
                col,
            };
            let value = values.get(p as usize).unwrap_or(&Value::Never);
            write_formula(ws, rr, col, row.expr.to_excel_with(&refs), value, &format)?;
        }
    }
    Ok(())
}

fn simulation(ws: &mut Cells, r: &Report, s: &Styles) -> Result<(), XlsxError> {
    ws.write_string_with_format(
        0,
        0,
        "Simulation (simulated values, not formulas)",
        &s.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Monte Carlo results over the ranged inputs, drawn from PERT distributions on their low, base and high values. These are values, not formulas: editing an input does not move them; re-run the tool.",
        &s.subtitle,
    )?;
    let mut fit = Fit::new();
    master_check_header(ws, r, s)?;
    fit.width(0, 48.0);
    for col in 1..=4 {
        fit.width(col, 14.0);
    }
    let print = Print::Narrow {
        rows: 1,
        last_col: 4,
    };
    let Some(sim) = &r.simulation else {
        print_setup(ws, r, print, &fit)?;
        return fit.apply(ws);
    };
    let mut row = SIMULATION_TRIALS_ROW;
    let count = Styles::value(Unit::Count, false);
    ws.write_string(row, 0, "Trials")?;
    ws.write_number_with_format(row, 1, sim.trials as f64, &count)?;
    ws.write_string(row + 1, 0, "Random seed")?;
    if sim.seed <= MAX_EXACT_INTEGER {
        ws.write_number_with_format(
            row + 1,
            1,
            sim.seed as f64,
            &Format::new().set_num_format("0"),
        )?;
    } else {
        // A seed beyond the 15 digits a spreadsheet shows stays text, every
        // digit kept.
        ws.write_string(row + 1, 1, sim.seed.to_string())?;
    }
    ws.write_string(row + 2, 0, "Ranged inputs")?;
    ws.write_number_with_format(row + 2, 1, r.inputs.ranges.len() as f64, &count)?;
    ws.write_string(row + 3, 0, "Distribution")?;
    ws.write_string(row + 3, 1, "PERT on low/base/high")?;
    row += 4;
    row += 1;
    headers(
        ws,
        &mut fit,
        row,
        0,
        &["Figure", "P10", "P50", "P90", "Unit"],
        s,
    )?;
    row += 1;
    for (id, p) in [
        (id::MONTHLY_SAVINGS, &sim.monthly_savings),
        (id::PAYBACK_MONTHS, &sim.payback_months),
        (id::TOTAL_PROJECT_COST, &sim.total_project_cost),
    ] {
        let unit = r.unit(id);
        ws.write_string(row, 0, r.label(id))?;
        for (k, v) in [p.p10, p.p50, p.p90].iter().enumerate() {
            match v {
                Some(x) => {
                    ws.write_number_with_format(row, 1 + k as u16, *x, &Styles::value(unit, false))?
                }
                None => ws.write_string(row, 1 + k as u16, NEVER_TEXT)?,
            };
        }
        ws.write_string(row, 4, unit.label())?;
        row += 1;
    }
    row += 1;
    let pct = Styles::value(Unit::Fraction, false);
    ws.write_string(row, 0, "Probability of paying back within the lifetime")?;
    ws.write_number_with_format(row, 1, sim.probability_payback_within_lifetime, &pct)?;
    ws.write_string(
        row + 1,
        0,
        "Probability of being above the all-in break-even",
    )?;
    ws.write_number_with_format(row + 1, 1, sim.probability_above_break_even, &pct)?;
    simulation_candidates(ws, &mut fit, r, sim, s)?;
    print_setup(ws, r, print, &fit)?;
    fit.apply(ws)
}

/// Each candidate's odds, which the Verdict sheet reads: the plan's, then
/// each option's.
fn simulation_candidates(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    sim: &crate::analysis::simulate::Simulation,
    s: &Styles,
) -> Result<(), XlsxError> {
    let header = SIMULATION_CANDIDATES_ROW - 1;
    headers(
        ws,
        fit,
        header,
        0,
        &[
            "Candidate",
            "Chance of payback within the lifetime",
            "Median payback (months)",
        ],
        s,
    )?;
    let labels = std::iter::once("The plan as written")
        .chain(r.inputs.options.iter().map(|o| o.label.as_str()));
    for ((k, label), odds) in labels.enumerate().zip(&sim.candidates) {
        let row = SIMULATION_CANDIDATES_ROW + k as u32;
        write_text(ws, row, 0, label, &s.wrap)?;
        fit.wrap(row, 0, label);
        ws.write_number_with_format(
            row,
            1,
            odds.payback_share,
            &Styles::value(Unit::Fraction, false),
        )?;
        match odds.median_payback {
            Some(x) => {
                ws.write_number_with_format(row, 2, x, &Styles::value(Unit::Months, false))?
            }
            None => ws.write_string(row, 2, NEVER_TEXT)?,
        };
    }
    Ok(())
}

/// The workbook as bytes.
pub fn render(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = workbook(r)?;
    wb.set_zip_compression_level(1);
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use chrono::{TimeZone, Utc};

    /// The workbook's `xl/styles.xml` for the options example with the first
    /// option's label replaced.
    fn styles_with_option_label(label: &str) -> String {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/seven-or-seventy.yaml");
        let text = std::fs::read_to_string(path).unwrap().replace(
            "label: 70B QLoRA on 12×A100 80 GB",
            &format!("label: '{label}'"),
        );
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let r = crate::evaluate_text(&text, "p.yaml", at).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.inputs.options.iter().any(|o| o.label == label));
        let bytes = super::render(&r).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut styles = String::new();
        zip.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut styles)
            .unwrap();
        styles
    }

    #[test]
    fn an_option_label_that_looks_like_a_formula_gets_the_quote_prefix() {
        assert!(!styles_with_option_label("Plain option").contains("quotePrefix"));
        assert!(styles_with_option_label("=HYPERLINK(\"x\")").contains("quotePrefix"));
    }
}
