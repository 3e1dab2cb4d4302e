//! The portfolio of a dated run: one row per plan with its verdict, monthly
//! savings, payback, today's volume against the all-in break-even and what
//! changed since the last run, as a workbook (each row linked to the plan's
//! own workbook), Markdown, HTML and JSON.
//!
//! A [`Row`] is taken from a plan's [`Report`] and its [`Changes`]: the
//! figures are the report's values, formatted with [`crate::format`]; the
//! renderers here lay the rows out and compute nothing: `json`, `page`
//! (Markdown and HTML) and `workbook`, which shares the plan workbook's
//! styles and text guard.

mod json;
mod page;
mod workbook;

pub use json::{document, render_json};
pub use page::{
    markdown_context, render_html, render_markdown, ChangedPlan, FailedLine, FlipLine, MovedLine,
    PlanLine, PortfolioHtml, PortfolioMarkdown,
};
pub use workbook::{render_xlsx, workbook};

use crate::id;
use chrono::{DateTime, Utc};
use rust_xlsxwriter::XlsxError;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::analysis::changes::{Changes, Kind, Month};
use crate::format::Unit;
use crate::report::Report;
use crate::value::Value;

/// The version of the portfolio's JSON layout.
pub const SCHEMA_VERSION: u32 = 1;

/// The output stem of the portfolio files; no plan may use it in a dated run.
pub const STEM: &str = "portfolio";

/// One figure of a plan: its value, its unit and the value as the memo shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A plan evaluated: the figures the portfolio shows. A month's record
/// keeps it (serialized) for the plans a later run of the month keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluated {
    pub verdict: String,
    /// The verdict's sentence, as every output of the plan opens.
    pub answer: String,
    /// The recommended candidate's month-1 savings before amortization and
    /// payback (the plan's when the API is recommended), as the headline
    /// gives them.
    pub monthly_savings: Figure,
    pub payback_months: Figure,
    pub current_daily_tokens: Figure,
    pub break_even_all_in: Figure,
    pub above_break_even_all_in: bool,
    /// The titles of the plan's warnings.
    pub warnings: Vec<String>,
    /// What moved since the plan's latest earlier month; `None` for its
    /// first month.
    pub changes: Option<Changes>,
    /// What moved since the earlier run of this month that this run
    /// replaced, when there was one.
    pub changes_in_month: Option<Changes>,
    /// The moved figures whose shown value changed (a figure that moved
    /// by less than its shown precision is left out).
    pub moved: Vec<MovedRow>,
}

/// One plan of the run, or of its month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The output stem: the plan's outputs are `<stem>.xlsx` and so on.
    pub stem: String,
    /// The plan file as given on the command line.
    pub plan_file: String,
    /// The plan's title; the file for a plan that failed.
    pub title: String,
    pub outcome: Result<Box<Evaluated>, String>,
    /// When the run that made the plan's files was generated; `None` for
    /// a plan that failed.
    pub generated_at: Option<DateTime<Utc>>,
    /// True for a plan of the month that this run did not rerun: its files
    /// and this row are those of an earlier run of the month.
    #[serde(default)]
    pub kept: bool,
}

impl Row {
    /// The row of an evaluated plan.
    pub fn from_report(stem: &str, report: &Report) -> Row {
        let changes = report.changes.clone();
        let changes_in_month = report.changes_in_month.clone();
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
                answer: report.value(id::VERDICT_SENTENCE).to_excel_result(),
                monthly_savings: Figure::of(report, id::RECOMMENDED_MONTHLY_SAVINGS),
                payback_months: Figure::of(report, id::RECOMMENDED_PAYBACK_MONTHS),
                current_daily_tokens: Figure::of(report, id::CURRENT_DAILY_TOKENS),
                break_even_all_in: Figure::of(report, id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN),
                above_break_even_all_in: report.flag(id::IS_ABOVE_BREAK_EVEN_ALL_IN),
                warnings: report
                    .warnings
                    .iter()
                    .map(|w| w.title.to_string())
                    .collect(),
                changes,
                changes_in_month,
                moved,
            })),
            generated_at: Some(report.generated_at),
            kept: false,
        }
    }

    /// The row of a plan that produced no outputs, with the reason.
    pub fn failed(stem: &str, plan_file: &str, error: &str) -> Row {
        Row {
            stem: stem.to_string(),
            plan_file: plan_file.to_string(),
            title: plan_file.to_string(),
            outcome: Err(error.to_string()),
            generated_at: None,
            kept: false,
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

    /// The change since the last run in a few words: since the plan's
    /// latest earlier month, then since the earlier run of this month that
    /// this run replaced; for a plan kept from an earlier run, which run.
    pub fn since_last_run(&self) -> String {
        if self.kept {
            let run = self.generated_at.map_or(String::new(), |t| {
                format!(" of {}", t.format("%Y-%m-%d %H:%M UTC"))
            });
            return format!("not rerun: as the run{run} left it");
        }
        let Some(e) = self.evaluated() else {
            return "failed".to_string();
        };
        let since_month = Self::since_earlier_month(e);
        match &e.changes_in_month {
            Some(c) => format!(
                "{}; {}",
                since_month.unwrap_or_else(|| "first month".to_string()),
                Self::since_in_month(c)
            ),
            None => since_month.unwrap_or_else(|| "first run".to_string()),
        }
    }

    /// What moved since the earlier run of this month, in a few words.
    fn since_in_month(c: &Changes) -> String {
        if c.verdict_flipped() {
            format!(
                "verdict flipped since {}: {} → {}",
                c.previous_run(),
                c.previous_verdict,
                c.verdict
            )
        } else if c.moved.is_empty() {
            format!("unchanged since {}", c.previous_run())
        } else {
            format!("figures moved since {}", c.previous_run())
        }
    }

    /// What moved since the plan's latest earlier month, in a few words.
    fn since_earlier_month(e: &Evaluated) -> Option<String> {
        let c = e.changes.as_ref()?;
        if c.verdict_flipped() {
            return Some(format!(
                "verdict flipped since {}: {} → {}",
                c.previous_run(),
                c.previous_verdict,
                c.verdict
            ));
        }
        if e.moved.is_empty() {
            return Some(format!("unchanged since {}", c.previous_run()));
        }
        let inputs = e.moved.iter().filter(|m| m.kind == Kind::Input).count();
        let mut parts = Vec::new();
        if let Some(s) = e.moved.iter().find(|m| m.id == id::MONTHLY_SAVINGS) {
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
        Some(format!("since {}: {}", c.previous_run(), parts.join(", ")))
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
    /// The extension of each plan's memo that the rows link to (`html`, or
    /// `md` without HTML), when a memo was written.
    pub memo_extension: Option<&'static str>,
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
        let switch = self.count(|r| {
            r.evaluated()
                .is_some_and(|e| e.verdict == crate::model::VERDICT_SWITCH)
        });
        let failed = self.count(|r| r.evaluated().is_none());
        let stay = n - fine_tune - switch - failed;
        let flipped = self.count(Row::verdict_flipped);
        let mut s = format!(
            "{n} plan{}: {fine_tune} fine-tune, {stay} stay on the API",
            if n == 1 { "" } else { "s" }
        );
        if switch > 0 {
            s.push_str(&format!(", {switch} switch API model"));
        }
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

    /// A figure's total over the evaluated plans (the numbers among them).
    pub fn total(&self, figure: impl Fn(&Evaluated) -> &Figure) -> f64 {
        self.rows
            .iter()
            .filter_map(Row::evaluated)
            .filter_map(|e| match figure(e).value {
                Value::Num(x) if x.is_finite() => Some(x),
                _ => None,
            })
            .sum()
    }

    /// How many plans stand above their all-in break-even.
    pub fn above_break_even_count(&self) -> usize {
        self.count(|r| r.evaluated().is_some_and(|e| e.above_break_even_all_in))
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

/// A file name as a relative link (the memo's rule, which the portfolio's
/// Markdown links use too).
pub use crate::render::memo::link_to;

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
            memo_extension: Some("html"),
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
        let mut now = report(&text);
        now.changes = Some(crate::analysis::changes::compare(
            "2026-11".parse().unwrap(),
            &before.snapshot(),
            &now.snapshot(),
            |id| now.label(id).to_string(),
        ));
        let row = Row::from_report("support", &now);
        let e = row.evaluated().unwrap();
        assert_eq!(
            e.monthly_savings.text,
            now.show(id::RECOMMENDED_MONTHLY_SAVINGS)
        );
        assert_eq!(e.verdict, now.verdict());
        assert!(!row.verdict_flipped());
        let price = e
            .moved
            .iter()
            .find(|m| m.id == id::INPUT_PRICE_PER_1M_TOKENS);
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
        let p = portfolio(vec![Row::from_report("p", &r)]);
        let html = render_html(&p);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let md = render_markdown(&p);
        assert!(md.contains("\\<script\\>"), "{md}");
        assert!(md.contains("\\| \\*b\\*"), "{md}");
    }

    /// The totals row is live: SUM and COUNTIF over the plans' rows whose
    /// cached values an outside engine recomputes; each plan links to its
    /// memo and workbook by a relative name; a title that looks like a
    /// formula stays text.
    #[test]
    fn the_portfolio_workbook_totals_and_links_each_plan() {
        use ironcalc::base::{cell::CellValue, Model};
        use std::io::Read;

        let base = worked_example();
        let other = base.replacen(
            "plan: Customer support responses at 50M tokens/day",
            "plan: \"=1+1\" #",
            1,
        );
        let (a, b) = (report(&base), report(&other));
        let p = portfolio(vec![
            Row::from_report("support", &a),
            Row::from_report("other", &b),
            Row::failed("broken", "inputs/broken.yaml", "bad"),
        ]);
        let bytes = render_xlsx(&p).unwrap();
        let wb = ironcalc::import::load_from_xlsx_bytes(&bytes, "p", "en", "UTC").unwrap();
        let mut model = Model::from_workbook(wb, "en").unwrap();
        // Headings on row 4, plans on rows 5 to 7, totals on row 8.
        let (total_row, savings_col, tokens_col, above_col) = (8, 4, 6, 8);
        let savings = |r: &Report| match r.value(id::RECOMMENDED_MONTHLY_SAVINGS) {
            Value::Num(x) => *x,
            other => panic!("{other:?}"),
        };
        let expected = [
            (savings_col, savings(&a) + savings(&b)),
            (tokens_col, 2.0 * 50_000_000.0),
            (
                above_col,
                [&a, &b]
                    .iter()
                    .filter(|r| r.flag(id::IS_ABOVE_BREAK_EVEN_ALL_IN))
                    .count() as f64,
            ),
        ];
        for evaluated in [false, true] {
            if evaluated {
                model.evaluate();
            }
            for (col, want) in expected {
                assert!(
                    model.get_cell_formula(0, total_row, col).unwrap().is_some(),
                    "column {col} of the totals is a formula"
                );
                match model.get_cell_value_by_index(0, total_row, col).unwrap() {
                    CellValue::Number(x) => {
                        assert!((x - want).abs() < 1e-6, "column {col}: {x} != {want}")
                    }
                    other => panic!("column {col}: {other:?}"),
                }
            }
        }
        assert_eq!(
            model.get_formatted_cell_value(0, 6, 1).unwrap(),
            "=1+1",
            "a title that looks like a formula stays text"
        );
        assert!(model.get_cell_formula(0, 6, 1).unwrap().is_none());

        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut rels = String::new();
        zip.by_name("xl/worksheets/_rels/sheet1.xml.rels")
            .unwrap()
            .read_to_string(&mut rels)
            .unwrap();
        for target in ["support.html", "support.xlsx", "other.html", "other.xlsx"] {
            assert!(
                rels.contains(&format!("Target=\"{target}\" TargetMode=\"External\"")),
                "{target}: {rels}"
            );
        }
        assert!(
            !rels.contains("broken."),
            "a failed plan has no files: {rels}"
        );
    }
}
