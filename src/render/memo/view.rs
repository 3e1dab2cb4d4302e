//! The view model: the structs the memo's templates read, every string
//! already formatted. The Markdown template escapes each `String` it prints;
//! a field that is markup is a [`Markdown`].

use askama::Template;

use super::escape::filters;
use super::escape::Markdown;

/// A row of a figure table: label, value, unit and what it means.
pub struct Row {
    pub label: String,
    /// Markup where the value is code (a hash, the seed, plan fields).
    pub value: Markdown,
    pub unit: String,
    pub note: String,
}

/// A row of the components table.
pub struct ComponentRow {
    pub name: String,
    pub one_time: String,
    pub monthly: String,
    /// The component's share of the fine-tuned option's cost, when the model has it.
    pub share: String,
    pub how: String,
}

/// A row of the "what would change the decision" table.
pub struct FlipRow {
    pub lever: String,
    pub today: String,
    pub flips_at: String,
    pub reading: String,
}

/// A group of inputs on the assumptions list.
pub struct AssumptionGroup {
    pub title: String,
    pub rows: Vec<AssumptionRow>,
}

/// A row of the assumptions tables.
pub struct AssumptionRow {
    pub label: String,
    pub value: String,
    pub unit: String,
    pub source: String,
    /// The defined name, as code.
    pub name: Markdown,
}

/// A row of the table of where figures live in the workbook.
pub struct TraceRow {
    pub label: String,
    /// The defined name, as code.
    pub name: Markdown,
    pub sheet: String,
    /// The cell reference, as code (empty when the figure has no place).
    pub cell: Markdown,
}

/// A row of the volume chart's data table.
pub struct VolumeRow {
    pub multiple: String,
    pub tokens: String,
    pub api: String,
    pub fine_tuned: String,
    pub savings: String,
    pub payback: String,
}

/// A row of the cash-flow chart's data table: a month, or a run of
/// consecutive months with the same net cash flow.
pub struct CashRow {
    /// "0", or "4–18" for a run.
    pub month: String,
    pub net: String,
    /// At the end of the run.
    pub cumulative: String,
}

/// A row of the simulated percentiles table.
pub struct PercentileRow {
    pub label: String,
    pub p10: String,
    pub p50: String,
    pub p90: String,
    /// The figure on the base values, as elsewhere in the memo.
    pub base: String,
    pub unit: String,
}

/// A row of the payback distribution's data table.
pub struct HistogramRow {
    pub months: String,
    pub trials: String,
    pub share: String,
}

/// A row of the tornado's data table: one ranged input swung low to high.
pub struct TornadoRow {
    pub input: String,
    pub unit: String,
    pub low: String,
    pub base: String,
    pub high: String,
    pub savings_low: String,
    pub savings_high: String,
    pub payback_low: String,
    pub payback_high: String,
}

/// The simulation's part of the uncertainty section.
pub struct SimulationView {
    pub percentiles: Vec<PercentileRow>,
    /// The probabilities, trials, seed and distribution.
    pub facts: Vec<Row>,
    pub histogram_note: String,
    pub histogram: Vec<HistogramRow>,
}

/// The uncertainty section of a plan with ranges.
pub struct Uncertainty {
    pub intro: String,
    /// `None` when the report carries no simulation.
    pub simulation: Option<SimulationView>,
    pub tornado_note: String,
    pub tornado: Vec<TornadoRow>,
}

/// A row of the options table: one figure across the plan and its options.
pub struct OptionRow {
    pub label: String,
    pub unit: String,
    /// The plan's value first, then each option's.
    pub cells: Vec<String>,
}

/// The plan and its options side by side.
pub struct OptionsView {
    pub intro: String,
    /// Each option's label, for the column headings after the plan's.
    pub columns: Vec<String>,
    pub rows: Vec<OptionRow>,
    pub recommendation: String,
}

/// A row of the plan-against-actuals table.
pub struct ActualRow {
    pub label: String,
    pub unit: String,
    pub planned: String,
    pub observed: String,
    pub month: String,
    pub difference: String,
}

/// The plan's forecast and model against the observed months.
pub struct ActualsView {
    pub rows: Vec<ActualRow>,
    /// What the differences mean, a paragraph each.
    pub notes: Vec<String>,
}

/// The memo's Markdown template and its context: every string already
/// formatted, escaped by the template (the Mermaid lines are code, not
/// Markdown).
#[derive(Template)]
#[template(path = "memo.md")]
pub struct MemoMarkdown {
    /// What moved since the previous month's run: (heading, rows).
    pub changes: Option<(String, Vec<Row>)>,
    pub title: String,
    /// The plan's file name (its path is in the audit trail).
    pub plan_file: String,
    pub as_of: String,
    pub owner: Option<String>,
    /// The day the memo was made.
    pub run_date: String,
    pub notes: Option<String>,
    pub verdict: String,
    pub answer: String,
    /// What drives the verdict, in one line.
    pub driver: String,
    /// The main risk to it, in one line.
    pub risk: String,
    /// The odds of paying back, when the plan has ranges and was simulated.
    pub odds: Option<String>,
    /// The recommendation among the plan's options, under the answer.
    pub options_summary: Option<String>,
    /// The brief's key figures: the value with its unit, and the first
    /// sentence of what it means.
    pub key_figures: Vec<Row>,
    /// What the brief's chart shows.
    pub volume_note: String,
    /// Whether the volume chart is on page 1: it is the plan's, so only
    /// when the plan (or the API) is the answer; with an option recommended
    /// it moves to the appendix and page 1 says the option's break-even.
    pub volume_chart_on_page_one: bool,
    /// `None` when the plan has no observed months.
    pub actuals: Option<ActualsView>,
    /// `None` when every input is a single estimate.
    pub uncertainty: Option<Uncertainty>,
    pub mermaid: Vec<Markdown>,
    pub components: Vec<ComponentRow>,
    pub has_shares: bool,
    pub monthly: Vec<Row>,
    pub break_even: Vec<Row>,
    pub break_even_note: String,
    /// How the serving instances were sized (empty when not checked).
    pub sizing_note: String,
    pub volume_rows: Vec<VolumeRow>,
    pub payback: String,
    /// The payback and the lifetime figures read off the cash flow.
    pub lifetime: Vec<Row>,
    /// The lesson's flat net reconciled with the timeline, term by term.
    pub bridge: Vec<Row>,
    pub cash_rows: Vec<CashRow>,
    /// `None` when the plan lists no options.
    pub options: Option<OptionsView>,
    pub score: String,
    pub decision_lean: String,
    /// Said when the factors lean one way and the money the other.
    pub factors_note: String,
    pub reasons: Vec<Row>,
    pub warnings: Vec<Row>,
    /// The appendix's notes on where the inputs came from.
    pub input_notes: Vec<Row>,
    /// The plan fields that act on each warning, for the appendix.
    pub warning_fields: Vec<Row>,
    pub flips: Vec<FlipRow>,
    pub flips_note: String,
    pub assumptions: Vec<AssumptionGroup>,
    pub audit: Vec<Row>,
    pub trace: Vec<TraceRow>,
}

/// A chart placed in the HTML.
pub struct Figure {
    pub svg: String,
    pub caption: String,
}

/// A piece of the HTML body: rendered Markdown, then what goes in its slot.
pub struct Part {
    pub html: String,
    pub figure: Option<Figure>,
    pub flow: Option<String>,
    /// The appendix begins after this part: on paper, on a page of its own.
    pub appendix_follows: bool,
}

/// The HTML shell around the rendered Markdown, with slots for the charts
/// and the plain-text decision path.
#[derive(Template)]
#[template(path = "memo.html")]
pub struct MemoHtml<'a> {
    pub title: &'a str,
    /// The print stylesheet's paper: `A4` or `letter`.
    pub paper: &'static str,
    pub parts: Vec<Part>,
    /// The what-if panel's data and the page's script.
    pub what_if: super::whatif::WhatIf,
}
