//! The portfolio of a dated run: one row per plan with its verdict, monthly
//! savings, payback, today's volume against the all-in break-even and what
//! changed since the last run, as a workbook (each row linked to the plan's
//! own workbook), Markdown, HTML and JSON.
//!
//! A [`Row`] is taken from a plan's [`Report`] and its [`Changes`]: the
//! figures are the report's values, formatted with [`crate::format`]; the
//! renderers here lay the rows out and compute nothing.

use askama::Template;
use chrono::{DateTime, Utc};
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, Url, Workbook, Worksheet, XlsxError,
};
use serde_json::{json, Value as Json};

use crate::changes::{Changes, Kind, Month};
use crate::format::{self, Unit};
use crate::model::expr::Value;
use crate::render::json::to_json;
use crate::render::memo::{markdown_to_html, md_escape};
use crate::report::Report;

/// The version of the portfolio's JSON layout.
pub const SCHEMA_VERSION: u32 = 1;

/// The output stem of the portfolio files; no plan may use it in a dated run.
pub const STEM: &str = "portfolio";

/// The longest text written to a workbook cell (Excel holds 32,767 characters).
const MAX_CELL_CHARS: usize = 2_000;

/// One figure of a plan: its value, its unit and the value as the memo shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Value,
    pub unit: Unit,
    pub text: String,
}

impl Figure {
    fn of(report: &Report, id: &str) -> Figure {
        Figure {
            value: report.value(id).clone(),
            unit: report.unit(id),
            text: report.show(id),
        }
    }
}

/// One moved figure, shown in the plan's units.
#[derive(Debug, Clone, PartialEq)]
pub struct MovedRow {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub old: Option<Json>,
    pub new: Option<Json>,
    pub old_text: String,
    pub new_text: String,
}

/// A plan evaluated: the figures the portfolio shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub verdict: String,
    pub monthly_savings: Figure,
    pub payback_months: Figure,
    pub current_daily_tokens: Figure,
    pub break_even_all_in: Figure,
    pub above_break_even_all_in: bool,
    /// The titles of the plan's warnings.
    pub warnings: Vec<String>,
    /// What moved since the previous run; `None` for a plan's first run.
    pub changes: Option<Changes>,
    /// The moved figures whose shown value changed (a figure that moved
    /// by less than its shown precision is left out).
    pub moved: Vec<MovedRow>,
}

/// One plan of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The output stem: the plan's outputs are `<stem>.xlsx` and so on.
    pub stem: String,
    /// The plan file as given on the command line.
    pub plan_file: String,
    /// The plan's title; the file for a plan that failed.
    pub title: String,
    pub outcome: Result<Box<Evaluated>, String>,
}

impl Row {
    /// The row of an evaluated plan.
    pub fn from_report(stem: &str, report: &Report, changes: Option<Changes>) -> Row {
        let moved = changes
            .iter()
            .flat_map(|c| &c.moved)
            .filter_map(|m| {
                let unit = if m.kind == Kind::Verdict {
                    Unit::Text
                } else {
                    report.unit(&m.id)
                };
                let (old_text, new_text) = m.shown(unit);
                (old_text != new_text).then_some(MovedRow {
                    kind: m.kind,
                    id: m.id.clone(),
                    label: m.label.clone(),
                    unit,
                    old: m.old.clone(),
                    new: m.new.clone(),
                    old_text,
                    new_text,
                })
            })
            .collect();
        Row {
            stem: stem.to_string(),
            plan_file: report.inputs.meta.file.clone(),
            title: report.inputs.meta.title.clone(),
            outcome: Ok(Box::new(Evaluated {
                verdict: report.verdict().to_string(),
                monthly_savings: Figure::of(report, "monthly_savings"),
                payback_months: Figure::of(report, "payback_months"),
                current_daily_tokens: Figure::of(report, "current_daily_tokens"),
                break_even_all_in: Figure::of(report, "break_even_tokens_per_day_all_in"),
                above_break_even_all_in: report.flag("is_above_break_even_all_in"),
                warnings: report
                    .warnings
                    .iter()
                    .map(|w| w.title.to_string())
                    .collect(),
                changes,
                moved,
            })),
        }
    }

    /// The row of a plan that produced no outputs, with the reason.
    pub fn failed(stem: &str, plan_file: &str, error: &str) -> Row {
        Row {
            stem: stem.to_string(),
            plan_file: plan_file.to_string(),
            title: plan_file.to_string(),
            outcome: Err(error.to_string()),
        }
    }

    /// True when the plan's verdict differs from its previous run's.
    pub fn verdict_flipped(&self) -> bool {
        self.evaluated()
            .and_then(|e| e.changes.as_ref())
            .is_some_and(Changes::verdict_flipped)
    }

    /// The evaluated figures, unless the plan failed.
    pub fn evaluated(&self) -> Option<&Evaluated> {
        self.outcome.as_deref().ok()
    }

    /// The change since the last run in a few words.
    pub fn since_last_run(&self) -> String {
        let Some(e) = self.evaluated() else {
            return "failed".to_string();
        };
        let Some(c) = &e.changes else {
            return "first run".to_string();
        };
        if c.verdict_flipped() {
            return format!(
                "verdict flipped since {}: {} → {}",
                c.previous_month, c.previous_verdict, c.verdict
            );
        }
        if e.moved.is_empty() {
            return format!("unchanged since {}", c.previous_month);
        }
        let inputs = e.moved.iter().filter(|m| m.kind == Kind::Input).count();
        let mut parts = Vec::new();
        if let Some(s) = e.moved.iter().find(|m| m.id == "monthly_savings") {
            parts.push(format!("savings {} → {}", s.old_text, s.new_text));
        }
        if inputs > 0 {
            parts.push(format!(
                "{inputs} input{} moved",
                if inputs == 1 { "" } else { "s" }
            ));
        }
        if parts.is_empty() {
            parts.push("results moved".to_string());
        }
        format!("since {}: {}", c.previous_month, parts.join(", "))
    }
}

/// The plans of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// The month of a dated run.
    pub month: Option<Month>,
    pub generated_at: DateTime<Utc>,
    /// True when each plan's workbook was written, so rows link to it.
    pub workbooks: bool,
    /// In the order the plans were given.
    pub rows: Vec<Row>,
}

impl Portfolio {
    fn count(&self, f: impl Fn(&Row) -> bool) -> usize {
        self.rows.iter().filter(|r| f(r)).count()
    }

    /// "12 plans: 7 fine-tune, 4 stay on the API, 1 failed; 2 verdicts flipped".
    pub fn counts(&self) -> String {
        let n = self.rows.len();
        let fine_tune = self.count(|r| {
            r.evaluated()
                .is_some_and(|e| e.verdict == crate::model::VERDICT_FINE_TUNE)
        });
        let failed = self.count(|r| r.evaluated().is_none());
        let stay = n - fine_tune - failed;
        let flipped = self.count(Row::verdict_flipped);
        let mut s = format!(
            "{n} plan{}: {fine_tune} fine-tune, {stay} stay on the API",
            if n == 1 { "" } else { "s" }
        );
        if failed > 0 {
            s.push_str(&format!(", {failed} failed"));
        }
        if self.month.is_some() {
            s.push_str(&format!(
                "; {flipped} verdict{} flipped",
                if flipped == 1 { "" } else { "s" }
            ));
        }
        s
    }

    fn title(&self) -> String {
        match self.month {
            Some(m) => format!("Fine-tuning ROI portfolio: {m}"),
            None => "Fine-tuning ROI portfolio".to_string(),
        }
    }

    fn generated(&self) -> String {
        self.generated_at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// A file name as a relative link: every byte outside the unreserved set
/// percent-encoded, so the name can be neither a scheme nor a path.
pub fn link_to(file_name: &str) -> String {
    let mut out = String::with_capacity(file_name.len());
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first line of a message, for a table cell ("… and N more lines").
fn first_line(message: &str) -> String {
    let mut lines = message.lines();
    let first = lines.next().unwrap_or("").to_string();
    let more = lines.count();
    if more == 0 {
        first
    } else {
        format!(
            "{first} (and {more} more line{})",
            if more == 1 { "" } else { "s" }
        )
    }
}

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

fn figure_json(f: &Figure) -> Json {
    to_json(&f.value)
}

fn changes_json(e: &Evaluated) -> Json {
    let Some(c) = &e.changes else {
        return Json::Null;
    };
    let moved: Vec<Json> = e
        .moved
        .iter()
        .map(|m| {
            json!({
                "kind": m.kind.label(),
                "id": m.id,
                "label": m.label,
                "old": m.old,
                "new": m.new,
            })
        })
        .collect();
    json!({
        "previous_month": c.previous_month.to_string(),
        "previous_verdict": c.previous_verdict,
        "verdict_flipped": c.verdict_flipped(),
        "moved": moved,
    })
}

/// The portfolio as a JSON document.
pub fn document(p: &Portfolio) -> Json {
    let plans: Vec<Json> = p
        .rows
        .iter()
        .map(|r| match &r.outcome {
            Ok(e) => json!({
                "stem": r.stem,
                "plan_file": r.plan_file,
                "plan": r.title,
                "status": "ok",
                "workbook": p.workbooks.then(|| format!("{}.xlsx", r.stem)),
                "verdict": e.verdict,
                "monthly_savings": figure_json(&e.monthly_savings),
                "payback_months": figure_json(&e.payback_months),
                "current_daily_tokens": figure_json(&e.current_daily_tokens),
                "break_even_tokens_per_day_all_in": figure_json(&e.break_even_all_in),
                "is_above_break_even_all_in": e.above_break_even_all_in,
                "warnings": e.warnings,
                "changes": changes_json(e),
            }),
            Err(error) => json!({
                "stem": r.stem,
                "plan_file": r.plan_file,
                "status": "failed",
                "error": error,
            }),
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "month": p.month.map(|m| m.to_string()),
        "generated_at": p.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "tool_version": env!("CARGO_PKG_VERSION"),
        "summary": p.counts(),
        "plans": plans,
    })
}

/// The JSON document as pretty-printed bytes.
pub fn render_json(p: &Portfolio) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&document(p)).expect("JSON of plain values");
    out.push(b'\n');
    out
}

// ---------------------------------------------------------------------------
// Markdown and HTML
// ---------------------------------------------------------------------------

/// A row of the plans table, every part escaped for Markdown.
pub struct PlanLine {
    pub title: String,
    pub verdict: String,
    pub savings: String,
    pub payback: String,
    pub volume: String,
    pub break_even: String,
    pub since: String,
    pub workbook: String,
}

/// A flipped verdict, escaped.
pub struct FlipLine {
    pub title: String,
    pub text: String,
}

/// A moved figure, escaped.
pub struct MovedLine {
    pub label: String,
    pub kind: &'static str,
    pub old: String,
    pub new: String,
}

/// A plan's changes, escaped.
pub struct ChangedPlan {
    pub title: String,
    pub intro: String,
    pub moved: Vec<MovedLine>,
}

/// A plan that failed, escaped.
pub struct FailedLine {
    pub file: String,
    pub problem: String,
}

/// The portfolio's Markdown template and its context: every string already
/// formatted and escaped for Markdown.
#[derive(Template)]
#[template(path = "portfolio.md", escape = "none")]
pub struct PortfolioMarkdown {
    pub month: Option<String>,
    pub generated_at: String,
    pub counts: String,
    pub rows: Vec<PlanLine>,
    pub flipped: Vec<FlipLine>,
    pub changed: Vec<ChangedPlan>,
    pub nothing_changed: String,
    pub failed: Vec<FailedLine>,
}

/// The HTML page around the rendered Markdown.
#[derive(Template)]
#[template(path = "portfolio.html")]
pub struct PortfolioHtml<'a> {
    pub title: &'a str,
    pub body: String,
}

/// The Markdown template's context.
pub fn markdown_context(p: &Portfolio) -> PortfolioMarkdown {
    let dash = || "—".to_string();
    let rows = p
        .rows
        .iter()
        .map(|r| {
            let workbook = if p.workbooks && r.evaluated().is_some() {
                let name = format!("{}.xlsx", r.stem);
                format!("[{}]({})", md_escape(&name), link_to(&name))
            } else {
                dash()
            };
            match r.evaluated() {
                Some(e) => {
                    let since = md_escape(&r.since_last_run());
                    PlanLine {
                        title: md_escape(&r.title),
                        verdict: md_escape(&e.verdict),
                        savings: md_escape(&e.monthly_savings.text),
                        payback: md_escape(&e.payback_months.text),
                        volume: md_escape(&e.current_daily_tokens.text),
                        break_even: md_escape(&e.break_even_all_in.text),
                        since: if r.verdict_flipped() {
                            format!("**{since}**")
                        } else {
                            since
                        },
                        workbook,
                    }
                }
                None => PlanLine {
                    title: md_escape(&r.title),
                    verdict: "**failed**".to_string(),
                    savings: dash(),
                    payback: dash(),
                    volume: dash(),
                    break_even: dash(),
                    since: dash(),
                    workbook,
                },
            }
        })
        .collect();
    let flipped = p
        .rows
        .iter()
        .filter(|r| r.verdict_flipped())
        .map(|r| FlipLine {
            title: md_escape(&r.title),
            text: md_escape(&r.since_last_run()),
        })
        .collect();
    let changed: Vec<ChangedPlan> = p
        .rows
        .iter()
        .filter_map(|r| {
            let e = r.evaluated()?;
            let c = e.changes.as_ref()?;
            (!e.moved.is_empty()).then(|| ChangedPlan {
                title: md_escape(&r.title),
                intro: md_escape(&format!(
                    "Against the run of {} ({}.json in that month's folder).",
                    c.previous_month, r.stem
                )),
                moved: e
                    .moved
                    .iter()
                    .map(|m| MovedLine {
                        label: md_escape(&m.label),
                        kind: m.kind.label(),
                        old: md_escape(&m.old_text),
                        new: md_escape(&m.new_text),
                    })
                    .collect(),
            })
        })
        .collect();
    let compared = p
        .rows
        .iter()
        .any(|r| r.evaluated().is_some_and(|e| e.changes.is_some()));
    let nothing_changed = if compared {
        "Nothing moved since the previous run.".to_string()
    } else {
        "No earlier run to compare with: this is each plan's first run.".to_string()
    };
    let failed = p
        .rows
        .iter()
        .filter_map(|r| {
            let error = r.outcome.as_ref().err()?;
            Some(FailedLine {
                file: md_escape(&r.plan_file),
                problem: md_escape(&first_line(error)),
            })
        })
        .collect();
    PortfolioMarkdown {
        month: p.month.map(|m| m.to_string()),
        generated_at: p.generated(),
        counts: md_escape(&p.counts()),
        rows,
        flipped,
        changed,
        nothing_changed,
        failed,
    }
}

/// The portfolio as Markdown.
pub fn render_markdown(p: &Portfolio) -> String {
    markdown_context(p)
        .render()
        .expect("portfolio template renders")
}

/// The portfolio as a self-contained HTML page (no scripts, no fetches).
pub fn render_html(p: &Portfolio) -> String {
    let title = p.title();
    PortfolioHtml {
        title: &title,
        body: markdown_to_html(&render_markdown(p)),
    }
    .render()
    .expect("portfolio page renders")
}

// ---------------------------------------------------------------------------
// Workbook
// ---------------------------------------------------------------------------

struct Styles {
    title: Format,
    header: Format,
    text: Format,
    quoted: Format,
    flipped: Format,
    link: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: Format::new(),
            quoted: Format::new().set_quote_prefix(),
            flipped: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0xC00000)),
            link: Format::new()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
        }
    }
}

/// Writes plan text as a string cell; text Excel would read as a formula
/// when edited gets the quote prefix.
fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    s: &Styles,
) -> Result<(), XlsxError> {
    let text: String = text.chars().take(MAX_CELL_CHARS).collect();
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    ws.write_string_with_format(row, col, &text, if risky { &s.quoted } else { &s.text })?;
    Ok(())
}

/// Writes a value in its unit: a number with the unit's format, "never" or text.
fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Value,
    unit: Unit,
) -> Result<(), XlsxError> {
    match v {
        Value::Num(x) if x.is_finite() => {
            ws.write_number_with_format(
                row,
                col,
                *x,
                &Format::new().set_num_format(unit.excel_format()),
            )?;
        }
        other => {
            ws.write_string(row, col, format::value(other, unit))?;
        }
    }
    Ok(())
}

fn write_json_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Option<Json>,
    unit: Unit,
    text: &str,
) -> Result<(), XlsxError> {
    match v.as_ref().and_then(Json::as_f64) {
        Some(x) if x.is_finite() && unit != Unit::Text => {
            ws.write_number_with_format(
                row,
                col,
                x,
                &Format::new().set_num_format(unit.excel_format()),
            )?;
        }
        _ => {
            ws.write_string(row, col, text)?;
        }
    }
    Ok(())
}

const PLAN_COLUMNS: [(&str, f64); 12] = [
    ("Plan", 40.0),
    ("Plan file", 28.0),
    ("Verdict", 16.0),
    ("Monthly savings ($/month)", 16.0),
    ("Payback (months)", 11.0),
    ("Tokens/day today", 16.0),
    ("All-in break-even (tokens/day)", 18.0),
    ("Above the all-in break-even", 12.0),
    ("Previous run", 10.0),
    ("Since the last run", 44.0),
    ("Warnings", 36.0),
    ("Workbook", 30.0),
];

const CHANGE_COLUMNS: [(&str, f64); 7] = [
    ("Plan", 40.0),
    ("Previous run", 10.0),
    ("Kind", 9.0),
    ("Figure", 36.0),
    ("Defined name", 30.0),
    ("Before", 18.0),
    ("Now", 18.0),
];

fn header(
    ws: &mut Worksheet,
    row: u32,
    columns: &[(&str, f64)],
    s: &Styles,
) -> Result<(), XlsxError> {
    for (col, (name, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *name, &s.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    ws.set_freeze_panes(row + 1, 1)?;
    Ok(())
}

/// The portfolio workbook: a *Portfolio* sheet with one row per plan, each
/// linked to the plan's workbook, and a *Changes* sheet with every figure
/// that moved since the last run. Its creation time is the run's.
pub fn workbook(p: &Portfolio) -> Result<Workbook, XlsxError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    let title = p.title();
    wb.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_subject("Fine-tune an open model, or stay on the API? Every plan of one run")
            .set_comment(format!(
                "Generated by finetune-roi {}",
                env!("CARGO_PKG_VERSION")
            ))
            .set_creation_datetime(&p.generated_at),
    );
    let ws = wb.add_worksheet().set_name("Portfolio")?;
    ws.write_string_with_format(0, 0, &title, &s.title)?;
    ws.write_string(
        1,
        0,
        format!("Generated {} · {}", p.generated(), p.counts()),
    )?;
    let top = 3;
    header(ws, top, &PLAN_COLUMNS, &s)?;
    for (i, r) in p.rows.iter().enumerate() {
        let row = top + 1 + i as u32;
        write_text(ws, row, 0, &r.title, &s)?;
        write_text(ws, row, 1, &r.plan_file, &s)?;
        match &r.outcome {
            Ok(e) => {
                ws.write_string(row, 2, &e.verdict)?;
                for (col, f) in [
                    (3, &e.monthly_savings),
                    (4, &e.payback_months),
                    (5, &e.current_daily_tokens),
                    (6, &e.break_even_all_in),
                ] {
                    write_value(ws, row, col, &f.value, f.unit)?;
                }
                ws.write_string(
                    row,
                    7,
                    if e.above_break_even_all_in {
                        "yes"
                    } else {
                        "no"
                    },
                )?;
                if let Some(c) = &e.changes {
                    ws.write_string(row, 8, c.previous_month.to_string())?;
                }
                let since = r.since_last_run();
                if r.verdict_flipped() {
                    ws.write_string_with_format(row, 9, &since, &s.flipped)?;
                } else {
                    ws.write_string(row, 9, &since)?;
                }
                write_text(ws, row, 10, &e.warnings.join("; "), &s)?;
                if p.workbooks {
                    let name = format!("{}.xlsx", r.stem);
                    let url = Url::new(format!("file:///{}", link_to(&name)))
                        .set_text(&name)
                        .set_tip(format!("Open the workbook of {name}"));
                    ws.write_url_with_format(row, 11, url, &s.link)?;
                }
            }
            Err(error) => {
                ws.write_string_with_format(row, 2, "failed", &s.flipped)?;
                write_text(ws, row, 9, &first_line(error), &s)?;
            }
        }
    }
    if !p.rows.is_empty() {
        ws.autofilter(
            top,
            0,
            top + p.rows.len() as u32,
            PLAN_COLUMNS.len() as u16 - 1,
        )?;
    }

    let ws = wb.add_worksheet().set_name("Changes")?;
    ws.write_string_with_format(0, 0, "What moved since each plan's last run", &s.title)?;
    ws.write_string(
        1,
        0,
        "Inputs and key results whose value differs from the previous month's run; a flipped verdict comes first.",
    )?;
    header(ws, top, &CHANGE_COLUMNS, &s)?;
    let mut row = top + 1;
    for r in &p.rows {
        let Some(e) = r.evaluated() else { continue };
        let Some(c) = &e.changes else { continue };
        for m in &e.moved {
            write_text(ws, row, 0, &r.title, &s)?;
            ws.write_string(row, 1, c.previous_month.to_string())?;
            ws.write_string(row, 2, m.kind.label())?;
            write_text(ws, row, 3, &m.label, &s)?;
            ws.write_string(row, 4, &m.id)?;
            let format_cell = m.kind == Kind::Verdict;
            write_json_value(ws, row, 5, &m.old, m.unit, &m.old_text)?;
            write_json_value(ws, row, 6, &m.new, m.unit, &m.new_text)?;
            if format_cell {
                ws.write_string_with_format(row, 6, &m.new_text, &s.flipped)?;
            }
            row += 1;
        }
    }
    if row > top + 1 {
        ws.autofilter(top, 0, row - 1, CHANGE_COLUMNS.len() as u16 - 1)?;
    }
    Ok(wb)
}

/// The portfolio workbook as bytes.
pub fn render_xlsx(p: &Portfolio) -> Result<Vec<u8>, XlsxError> {
    workbook(p)?.save_to_buffer()
}

/// Renders the portfolio in one format.
pub fn render(p: &Portfolio, format: crate::render::Format) -> Result<Vec<u8>, XlsxError> {
    use crate::render::Format as F;
    Ok(match format {
        F::Xlsx => render_xlsx(p)?,
        F::Md => render_markdown(p).into_bytes(),
        F::Html => render_html(p).into_bytes(),
        F::Json => render_json(p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn report(text: &str) -> Report {
        crate::evaluate_text(
            text,
            "p.yaml",
            Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn worked_example() -> String {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("inputs/customer-support-50m.yaml"),
        )
        .unwrap()
    }

    fn portfolio(rows: Vec<Row>) -> Portfolio {
        Portfolio {
            month: Some("2026-12".parse().unwrap()),
            generated_at: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            workbooks: true,
            rows,
        }
    }

    #[test]
    fn links_are_percent_encoded_relative_names() {
        assert_eq!(link_to("plan-a_1.xlsx"), "plan-a_1.xlsx");
        assert_eq!(link_to("a b#c.xlsx"), "a%20b%23c.xlsx");
        assert_eq!(link_to("javascript:x.xlsx"), "javascript%3Ax.xlsx");
        assert_eq!(link_to("été.xlsx"), "%C3%A9t%C3%A9.xlsx");
    }

    #[test]
    fn a_row_shows_the_reports_figures_and_the_changes() {
        let text = worked_example();
        let before = report(&text.replace(
            "input_price_per_1m_tokens: 5.00",
            "input_price_per_1m_tokens: 6.00",
        ));
        let now = report(&text);
        let changes = crate::changes::compare(
            "2026-11".parse().unwrap(),
            &before.snapshot(),
            &now.snapshot(),
            |id| now.label(id).to_string(),
        );
        let row = Row::from_report("support", &now, Some(changes));
        let e = row.evaluated().unwrap();
        assert_eq!(e.monthly_savings.text, now.show("monthly_savings"));
        assert_eq!(e.verdict, now.verdict());
        assert!(!row.verdict_flipped());
        let price = e.moved.iter().find(|m| m.id == "input_price_per_1m_tokens");
        assert!(price.is_some(), "{:?}", e.moved);
        assert!(
            row.since_last_run().starts_with("since 2026-11: savings "),
            "{}",
            row.since_last_run()
        );

        let p = portfolio(vec![
            row,
            Row::failed(
                "broken",
                "inputs/broken.yaml",
                "broken.yaml:3:1: bad\nline two",
            ),
        ]);
        let md = render_markdown(&p);
        assert!(md.contains("[support.xlsx](support.xlsx)"), "{md}");
        assert!(md.contains("## Plans that failed"), "{md}");
        assert!(md.contains("(and 1 more line)"), "{md}");
        assert!(
            md.contains("2 plans: 1 fine-tune, 0 stay on the API, 1 failed; 0 verdicts flipped"),
            "{md}"
        );
        let doc = document(&p);
        assert_eq!(doc["plans"][0]["changes"]["previous_month"], "2026-11");
        assert_eq!(doc["plans"][1]["status"], "failed");
        let xlsx = render_xlsx(&p).unwrap();
        assert_eq!(&xlsx[..2], b"PK");
    }

    #[test]
    fn plan_text_is_inert_in_markdown_and_html() {
        let text = worked_example().replacen(
            "plan: Customer support responses at 50M tokens/day",
            "plan: \"<script>alert(1)</script> [x](javascript:alert(1)) | *b*\" #",
            1,
        );
        let r = report(&text);
        let p = portfolio(vec![Row::from_report("p", &r, None)]);
        let html = render_html(&p);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let md = render_markdown(&p);
        assert!(md.contains("\\<script\\>"), "{md}");
        assert!(md.contains("\\| \\*b\\*"), "{md}");
    }
}
