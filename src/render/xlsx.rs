//! The Excel workbook: inputs on their own sheet, every derived figure a live
//! formula over them, printed from the model's expressions and carrying the
//! computed value as its cached result.
//!
//! Layout comes first: every input and quantity is given its sheet and row,
//! and a defined name equal to its id. Formulas refer to defined names only.

use indexmap::IndexMap;
use rust_xlsxwriter::{
    utility::{quote_sheet_name, row_col_to_cell_absolute},
    Color, DocProperties, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
};

use crate::format::Unit;
use crate::inputs::Group;
use crate::model::expr::{build, Expr, Value};
use crate::model::Sheet;
use crate::report::Report;

/// The name of the inputs sheet.
pub const INPUTS_SHEET: &str = "Inputs";
/// The name of the summary sheet.
pub const SUMMARY_SHEET: &str = "Summary";

/// Column of labels, values, units, and the rest.
const COL_LABEL: u16 = 0;
const COL_VALUE: u16 = 1;
const COL_UNIT: u16 = 2;
const COL_FOURTH: u16 = 3;
const COL_NOTE: u16 = 4;
const COL_NAME: u16 = 5;
/// First row of items under the header.
const FIRST_ROW: u32 = 4;

/// Where an input or quantity lives in the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub sheet: &'static str,
    /// 0-based row and column.
    pub row: u32,
    pub col: u16,
}

impl Place {
    /// The absolute reference, such as `'ROI'!$B$7`.
    pub fn reference(&self) -> String {
        format!(
            "{}!{}",
            quote_sheet_name(self.sheet),
            row_col_to_cell_absolute(self.row, self.col)
        )
    }
}

/// Rows on the Inputs sheet that hold a group heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Every input and quantity by id.
    pub places: IndexMap<String, Place>,
    /// Group headings on the Inputs sheet: (row, group).
    pub input_groups: Vec<(u32, Group)>,
    /// The key figures on the Summary sheet: (row, id).
    pub summary_rows: Vec<(u32, &'static str)>,
}

/// The figures the Summary sheet shows, in order.
pub const KEY_FIGURES: &[&str] = &[
    "monthly_api_cost",
    "monthly_ft_total",
    "monthly_savings",
    "payback_months",
    "total_project_cost",
    "current_daily_tokens",
    "break_even_tokens_per_day",
    "break_even_tokens_per_day_all_in",
    "lifetime_net_savings",
    "decision_score",
    "decision_verdict",
];

/// Assigns every input and quantity its place.
pub fn layout(r: &Report) -> Layout {
    let mut places = IndexMap::new();
    let mut input_groups = Vec::new();
    let mut row = FIRST_ROW;
    for group in Group::ALL {
        let items: Vec<_> = r.inputs.items.iter().filter(|i| i.group == group).collect();
        if items.is_empty() {
            continue;
        }
        input_groups.push((row, group));
        row += 1;
        for i in items {
            places.insert(
                i.id.clone(),
                Place {
                    sheet: INPUTS_SHEET,
                    row,
                    col: COL_VALUE,
                },
            );
            row += 1;
        }
        row += 1;
    }
    for sheet in Sheet::ALL {
        for (row, q) in (FIRST_ROW..).zip(r.model.quantities.iter().filter(|q| q.sheet == sheet)) {
            places.insert(
                q.id.clone(),
                Place {
                    sheet: sheet.name(),
                    row,
                    col: COL_VALUE,
                },
            );
        }
    }
    let summary_rows = KEY_FIGURES
        .iter()
        .enumerate()
        .map(|(k, id)| (SUMMARY_FIRST_FIGURE_ROW + k as u32, *id))
        .collect();
    Layout {
        places,
        input_groups,
        summary_rows,
    }
}

const SUMMARY_VERDICT_ROW: u32 = 4;
const SUMMARY_FIRST_FIGURE_ROW: u32 = 8;

struct Styles {
    title: Format,
    subtitle: Format,
    header: Format,
    group: Format,
    text: Format,
    text_quoted: Format,
    wrap: Format,
    name: Format,
    verdict: Format,
}

impl Styles {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0x1F3864))
            .set_font_color(Color::White)
            .set_border_bottom(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(16),
            subtitle: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x595959)),
            header,
            group: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: Format::new(),
            text_quoted: Format::new().set_quote_prefix(),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            name: Format::new()
                .set_font_name("Consolas")
                .set_font_color(Color::RGB(0x595959)),
            verdict: Format::new().set_bold().set_font_size(14),
        }
    }

    /// A value cell's format: inputs look like inputs (blue on pale yellow).
    fn value(unit: Unit, input: bool) -> Format {
        let f = Format::new().set_num_format(unit.excel_format());
        if input {
            f.set_font_color(Color::RGB(0x0000FF))
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xBFBFBF))
                .set_unlocked()
        } else {
            f
        }
    }
}

/// Writes text from outside the program (plan text) so it is never read as a
/// formula: text starting with `=`, `+`, `-` or `@` gets Excel's quote prefix.
fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    s: &Styles,
) -> Result<(), XlsxError> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let format = if risky { &s.text_quoted } else { &s.text };
    ws.write_string_with_format(row, col, text, format)?;
    Ok(())
}

/// Writes a formula with its cached result.
fn write_formula(
    ws: &mut Worksheet,
    place: &Place,
    expr: &Expr,
    value: &Value,
    format: &Format,
) -> Result<(), XlsxError> {
    let formula = Formula::new(format!("={}", expr.to_excel())).set_result(value.to_excel_result());
    ws.write_formula_with_format(place.row, place.col, formula, format)?;
    Ok(())
}

fn header(
    ws: &mut Worksheet,
    title: &str,
    subtitle: &str,
    fourth: &str,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, title, &s.title)?;
    ws.write_string_with_format(1, 0, subtitle, &s.subtitle)?;
    let heads = ["Label", "Value", "Unit", fourth, "Note", "Defined name"];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(FIRST_ROW - 1, c as u16, *h, &s.header)?;
    }
    ws.set_column_width(COL_LABEL, 42)?;
    ws.set_column_width(COL_VALUE, 18)?;
    ws.set_column_width(COL_UNIT, 16)?;
    ws.set_column_width(COL_FOURTH, 44)?;
    ws.set_column_width(COL_NOTE, 60)?;
    ws.set_column_width(COL_NAME, 36)?;
    ws.set_freeze_panes(FIRST_ROW, 1)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
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
            .set_custom_property("as_of", meta.as_of.to_string().as_str())
            .set_custom_property("plan_sha256", meta.sha256.as_str())
            .set_custom_property("tool_version", env!("CARGO_PKG_VERSION")),
    );

    // Summary.
    {
        let ws = wb.add_worksheet().set_name(SUMMARY_SHEET)?;
        ws.write_string_with_format(0, 0, "Fine-tuning ROI", &s.title)?;
        write_text(ws, 1, 0, &meta.title, &s)?;
        ws.write_string(2, 0, format!("Figures as of {}", meta.as_of))?;
        ws.write_string_with_format(SUMMARY_VERDICT_ROW, 0, "Verdict", &s.verdict)?;
        let verdict_place = Place {
            sheet: SUMMARY_SHEET,
            row: SUMMARY_VERDICT_ROW,
            col: COL_VALUE,
        };
        write_formula(
            ws,
            &verdict_place,
            &build::r("verdict"),
            r.value("verdict"),
            &s.verdict,
        )?;
        ws.write_string_with_format(
            SUMMARY_VERDICT_ROW + 1,
            0,
            "Blue cells on the Inputs sheet are inputs; every other number is a formula over them.",
            &s.subtitle,
        )?;
        for (c, h) in [
            "Key figure",
            "Value",
            "Unit",
            "",
            "What it means",
            "Defined name",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(SUMMARY_FIRST_FIGURE_ROW - 1, c as u16, *h, &s.header)?;
        }
        for (row, id) in &lay.summary_rows {
            let place = Place {
                sheet: SUMMARY_SHEET,
                row: *row,
                col: COL_VALUE,
            };
            ws.write_string(*row, COL_LABEL, r.label(id))?;
            write_formula(
                ws,
                &place,
                &build::r(id),
                r.value(id),
                &Styles::value(r.unit(id), false),
            )?;
            ws.write_string(*row, COL_UNIT, r.unit(id).label())?;
            if let Some(q) = r.model.get(id) {
                ws.write_string(*row, COL_NOTE, &q.doc)?;
            }
            ws.write_string_with_format(*row, COL_NAME, *id, &s.name)?;
        }
        let mut row = SUMMARY_FIRST_FIGURE_ROW + KEY_FIGURES.len() as u32 + 1;
        if !r.warnings.is_empty() {
            ws.write_string_with_format(row, 0, "Warnings", &s.group)?;
            row += 1;
            for w in &r.warnings {
                ws.write_string_with_format(row, 0, w.title, &s.text)?;
                write_text(ws, row, 1, &w.message, &s)?;
                row += 1;
            }
        }
        ws.set_column_width(0, 42)?;
        ws.set_column_width(1, 20)?;
        ws.set_column_width(2, 16)?;
        ws.set_column_width(3, 2)?;
        ws.set_column_width(4, 80)?;
        ws.set_column_width(5, 36)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
    }

    // Inputs.
    {
        let ws = wb.add_worksheet().set_name(INPUTS_SHEET)?;
        header(
            ws,
            "Inputs",
            "Every number the model starts from. Change a blue cell and every figure follows.",
            "Source",
            &s,
        )?;
        for (row, group) in &lay.input_groups {
            ws.write_string_with_format(*row, 0, group.title(), &s.group)?;
            for c in 1..=COL_NAME {
                ws.write_blank(*row, c, &s.group)?;
            }
        }
        for i in &r.inputs.items {
            let p = &lay.places[&i.id];
            write_text(ws, p.row, COL_LABEL, &i.label, &s)?;
            let f = Styles::value(i.unit, true);
            match &i.value {
                Value::Num(x) => ws.write_number_with_format(p.row, p.col, *x, &f)?,
                Value::Bool(b) => ws.write_boolean_with_format(p.row, p.col, *b, &f)?,
                Value::Text(t) => ws.write_string_with_format(p.row, p.col, t, &f)?,
                Value::Never => {
                    ws.write_string_with_format(p.row, p.col, crate::model::expr::NEVER_TEXT, &f)?
                }
            };
            ws.write_string(p.row, COL_UNIT, i.unit.label())?;
            write_text(ws, p.row, COL_FOURTH, &i.source.describe(), &s)?;
            ws.write_string_with_format(p.row, COL_NOTE, &i.doc, &s.wrap)?;
            ws.write_string_with_format(p.row, COL_NAME, &i.id, &s.name)?;
            ws.insert_note(p.row, p.col, &Note::new(&i.doc).add_author_prefix(false))?;
        }
    }

    // Calculation sheets.
    for sheet in Sheet::ALL {
        let ws = wb.add_worksheet().set_name(sheet.name())?;
        header(ws, sheet.name(), sheet.purpose(), "Formula", &s)?;
        for q in r.model.quantities.iter().filter(|q| q.sheet == sheet) {
            let p = &lay.places[&q.id];
            ws.write_string(p.row, COL_LABEL, &q.label)?;
            write_formula(
                ws,
                p,
                &q.expr,
                r.value(&q.id),
                &Styles::value(q.unit, false),
            )?;
            ws.write_string(p.row, COL_UNIT, q.unit.label())?;
            ws.write_string_with_format(
                p.row,
                COL_FOURTH,
                format!("={}", q.expr.to_excel()),
                &s.name,
            )?;
            ws.write_string_with_format(p.row, COL_NOTE, &q.doc, &s.wrap)?;
            ws.write_string_with_format(p.row, COL_NAME, &q.id, &s.name)?;
        }
    }

    for (id, p) in &lay.places {
        wb.define_name(id, &format!("={}", p.reference()))?;
    }
    Ok(wb)
}

/// The workbook as bytes.
pub fn render(r: &Report) -> Result<Vec<u8>, XlsxError> {
    workbook(r)?.save_to_buffer()
}
