//! The decision memo, in Markdown (an askama template) and HTML (an askama
//! shell around that Markdown rendered by pulldown-cmark, with the charts as
//! inline SVG in slots of their own).
//!
//! The memo decides first and explains after: the answer, the key figures, the
//! decision path, the four cost components, the monthly comparison, both
//! break-evens, the payback and cash flow, the decision factors, the warnings,
//! what would change the decision, the assumptions and the audit trail. Every
//! figure comes from the report; this module only chooses words and layout.
//!
//! Every piece of text that enters the Markdown is escaped for Markdown here
//! (plan text and figures alike, so a `$` can never start GitHub math); the
//! HTML conversion also turns any raw HTML into text and neutralizes link
//! schemes other than http, https and mailto, so nothing from a plan can
//! become markup or script.
//!
//! The Markdown marks where the HTML puts a chart or the plain-text decision
//! path with comment lines (`<!-- memo:NAME -->`), which GitHub and GitLab
//! hide. Plan text can never produce such a line: [`md_escape`] escapes `<`.

use askama::Template;
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

use crate::format;
use crate::inputs::{Group, Source};
use crate::model::expr::Value;
use crate::model::{self, Sheet};
use crate::render::layout::{self, INPUTS_SHEET, KEY_FIGURES};
use crate::render::svg;
use crate::report::{Report, ScenarioResult};

/// A row of a figure table: label, value, unit and what it means.
pub struct Row {
    pub label: String,
    pub value: String,
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
    pub name: String,
}

/// A row of the table of where figures live in the workbook.
pub struct TraceRow {
    pub label: String,
    pub name: String,
    pub sheet: String,
    pub cell: String,
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

/// A row of the cash-flow chart's data table.
pub struct CashRow {
    pub month: String,
    pub net: String,
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

/// One step of the decision path (volume → break-even → payback → verdict).
pub struct FlowStep {
    /// Mermaid node id.
    pub node: &'static str,
    pub name: String,
    pub value: String,
    /// The label of the edge into the next step (empty for the last).
    pub edge: String,
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
/// formatted and escaped for Markdown (the Mermaid lines are code, not Markdown).
#[derive(Template)]
#[template(path = "memo.md", escape = "none")]
pub struct MemoMarkdown {
    /// What moved since the previous month's run: (heading, rows).
    pub changes: Option<(String, Vec<Row>)>,
    pub title: String,
    pub plan_file: String,
    pub as_of: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
    pub verdict: String,
    pub answer: String,
    /// The odds of paying back, when the plan has ranges and was simulated.
    pub odds: Option<String>,
    pub warnings_summary: String,
    /// The recommendation among the plan's options, under the answer.
    pub options_summary: Option<String>,
    pub key_figures: Vec<Row>,
    /// `None` when the plan has no observed months.
    pub actuals: Option<ActualsView>,
    /// `None` when every input is a single estimate.
    pub uncertainty: Option<Uncertainty>,
    pub mermaid: Vec<String>,
    pub components: Vec<ComponentRow>,
    pub has_shares: bool,
    pub monthly: Vec<Row>,
    pub break_even: Vec<Row>,
    pub break_even_note: String,
    pub volume_rows: Vec<VolumeRow>,
    pub payback: String,
    pub cash_rows: Vec<CashRow>,
    /// `None` when the plan lists no options.
    pub options: Option<OptionsView>,
    pub score: String,
    pub decision_verdict: String,
    /// Said when the factors lean one way and the money the other.
    pub factors_note: String,
    pub reasons: Vec<Row>,
    pub warnings: Vec<Row>,
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
}

/// The HTML shell around the rendered Markdown, with slots for the charts
/// and the plain-text decision path.
#[derive(Template)]
#[template(path = "memo.html")]
pub struct MemoHtml<'a> {
    pub title: &'a str,
    pub parts: Vec<Part>,
}

/// Escapes text for Markdown so it renders literally, also inside table
/// cells: emphasis, links, images, raw HTML, entities, tables and math lose
/// their meaning.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~'
            | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A figure table row, every part escaped.
fn row(label: &str, value: &str, unit: &str, note: &str) -> Row {
    Row {
        label: md_escape(label),
        value: md_escape(value),
        unit: md_escape(unit),
        note: md_escape(note),
    }
}

/// A row for a quantity or input: its label, value, unit and doc.
fn figure(r: &Report, id: &str) -> Row {
    let doc = r.model.get(id).map_or_else(
        || r.inputs.get(id).map_or(String::new(), |i| i.doc.clone()),
        |q| q.doc.clone(),
    );
    let unit = match r.value(id) {
        Value::Num(_) => r.unit(id).label(),
        _ => "",
    };
    row(r.label(id), &r.show(id), unit, &doc)
}

/// The value formatted in its unit, if the model has this quantity.
fn optional(r: &Report, id: &str) -> Option<String> {
    r.values.contains_key(id).then(|| r.show(id))
}

/// "above" or "below" the all-in break-even.
fn side_of_break_even(r: &Report) -> &'static str {
    if r.flag("is_above_break_even_all_in") {
        "above"
    } else {
        "below"
    }
}

/// The payback clause of the answer.
fn payback_clause(r: &Report) -> String {
    let project = r.show("total_project_cost");
    let life = r.show("lifetime_months");
    match r.num("payback_months") {
        Some(_) if !r.flag("payback_beyond_lifetime") => format!(
            "pays back the {project} project in {} months, within its {life}-month life",
            r.show("payback_months")
        ),
        Some(_) => format!(
            "would take {} months to pay back the {project} project, beyond its {life}-month life",
            r.show("payback_months")
        ),
        None => format!("never pays back the {project} project"),
    }
}

/// The two or three sentences that answer the question (plain text).
fn answer(r: &Report) -> String {
    let savings = r.num("monthly_savings").unwrap_or(0.0);
    let volume = r.show("current_daily_tokens");
    let break_even = match r.num("break_even_tokens_per_day_all_in") {
        Some(_) => format!(
            "Today's {volume} tokens/day is {} the all-in break-even of {} tokens/day.",
            side_of_break_even(r),
            r.show("break_even_tokens_per_day_all_in")
        ),
        None => format!(
            "At today's {volume} tokens/day no volume breaks even: the extra review cost per token is at least the API price per token."
        ),
    };
    let payback = payback_clause(r);
    if r.fine_tune() {
        format!(
            "Fine-tuning saves {}/month after amortization and {payback}. {break_even}",
            format::money0(savings)
        )
    } else {
        // The sign is shown in words: "costs $X/month more".
        format!(
            "Fine-tuning would cost {}/month more than the API after amortization, and {payback}. {break_even}",
            format::money0(-savings)
        )
    }
}

/// The decision path's steps, shared by the Mermaid chart and the HTML text.
fn flow_steps(r: &Report) -> Vec<FlowStep> {
    let life = r.show("lifetime_months");
    let (break_even_value, into_payback) = match r.num("break_even_tokens_per_day_all_in") {
        Some(_) => (
            format!("{} tokens/day", r.show("break_even_tokens_per_day_all_in")),
            format!("today's volume is {}", side_of_break_even(r)),
        ),
        None => ("never".to_string(), "no volume breaks even".to_string()),
    };
    let (payback_value, into_verdict) = match r.num("payback_months") {
        Some(_) => (
            format!("{} months", r.show("payback_months")),
            if r.flag("payback_beyond_lifetime") {
                format!("beyond the {life}-month life")
            } else {
                format!("within the {life}-month life")
            },
        ),
        None => (
            "never".to_string(),
            "savings before amortization not positive".to_string(),
        ),
    };
    vec![
        FlowStep {
            node: "volume",
            name: "Today's volume".into(),
            value: format!("{} tokens/day", r.show("current_daily_tokens")),
            edge: "compared with".into(),
        },
        FlowStep {
            node: "breakeven",
            name: "All-in break-even".into(),
            value: break_even_value,
            edge: into_payback,
        },
        FlowStep {
            node: "payback",
            name: "Payback".into(),
            value: payback_value,
            edge: into_verdict,
        },
        FlowStep {
            node: "verdict",
            name: "Verdict".into(),
            value: r.verdict().to_string(),
            edge: String::new(),
        },
    ]
}

/// Text safe inside a quoted Mermaid label: no quotes, brackets or markup.
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '<' | '>' | '[' | ']' | '{' | '}' | '|' | '`' | '#' | ';' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// The decision path as a Mermaid flowchart, line by line.
fn mermaid(steps: &[FlowStep]) -> Vec<String> {
    let mut lines = vec!["flowchart LR".to_string()];
    for (k, s) in steps.iter().enumerate() {
        let label = format!("{}<br/>{}", mermaid_text(&s.name), mermaid_text(&s.value));
        let node = match k {
            1 => format!("  {}{{\"{label}\"}}", s.node),
            k if k + 1 == steps.len() => format!("  {}([\"{label}\"])", s.node),
            _ => format!("  {}[\"{label}\"]", s.node),
        };
        lines.push(node);
    }
    for pair in steps.windows(2) {
        lines.push(format!(
            "  {} -->|\"{}\"| {}",
            pair[0].node,
            mermaid_text(&pair[0].edge),
            pair[1].node
        ));
    }
    lines
}

/// The decision path as plain text for the HTML page.
fn flow_text(steps: &[FlowStep]) -> String {
    let width = steps
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0)
        + 3;
    let mut out = String::new();
    for s in steps {
        let pad = width - s.name.chars().count();
        out.push_str(&format!("{}{}{}\n", s.name, " ".repeat(pad), s.value));
        if !s.edge.is_empty() {
            out.push_str(&format!("   │ {}\n   ▼\n", s.edge));
        }
    }
    out
}

/// The sensitivity cases that vary today's volume at the plan's instances.
fn volume_cases(r: &Report) -> Vec<(&ScenarioResult, String)> {
    r.scenarios
        .iter()
        .filter_map(|s| {
            let k = s.id.strip_prefix("volume_")?;
            k.parse::<usize>().ok()?;
            Some((s, format!("sensitivity_volume_multiplier_{k}")))
        })
        .collect()
}

fn show_case(r: &Report, s: &ScenarioResult, id: &str) -> String {
    format::value(s.value(r, id), r.unit(id))
}

fn components(r: &Report) -> Vec<ComponentRow> {
    let share = |id: &str| optional(r, id).unwrap_or_default();
    let training_how = if r.inputs.shape.has_training && !r.inputs.shape.cost_per_run_given {
        format!(
            "runs × cost per run: {} runs × {}, the cost per run estimated as {} tokens at {} tokens/s plus {} overhead, {} hours at {}/hour",
            r.show("training_runs"),
            r.show("compute_cost_per_run"),
            r.show("training_total_tokens"),
            r.show("training_tokens_per_second"),
            r.show("training_overhead_fraction"),
            r.show("training_hours"),
            r.show("training_cost_per_hour"),
        )
    } else {
        format!(
            "runs × cost per run: {} runs × {}",
            r.show("training_runs"),
            r.show("compute_cost_per_run")
        )
    };
    let rows = [
        (
            "1. Training compute",
            r.show("compute_cost"),
            String::new(),
            share("compute_share_of_ft_total"),
            training_how,
        ),
        (
            "2. Engineering time",
            r.show("engineering_cost"),
            String::new(),
            share("engineering_share_of_ft_total"),
            format!(
                "hours × hourly rate: {} hours × {}/hour",
                r.show("engineering_hours_total"),
                r.show("engineer_hourly_rate"),
            ),
        ),
        (
            "3. Serving infrastructure",
            String::new(),
            format!(
                "{} + {} storage",
                r.show("monthly_serving_cost"),
                r.show("monthly_storage_cost")
            ),
            share("serving_share_of_ft_total"),
            format!(
                "instances × price per hour × hours a month: {} × {}/hour × {} hours × {} days; plus {} GB of weights at {}/GB-month",
                r.show("serving_instances"),
                r.show("serving_cost_per_hour"),
                r.show("hours_per_day"),
                r.show("days_per_month"),
                r.show("model_storage_gb"),
                r.show("storage_price_per_gb_month"),
            ),
        ),
        (
            "4. Quality (human review)",
            String::new(),
            r.show("monthly_quality_cost_delta"),
            share("quality_share_of_ft_total"),
            format!(
                "requests × (fine-tuned review rate − API review rate) × cost per review: {} requests/month × ({} − {}) × {}/review",
                r.show("monthly_requests"),
                r.show("review_rate_ft"),
                r.show("review_rate_api"),
                r.show("cost_per_review"),
            ),
        ),
    ];
    rows.into_iter()
        .map(|(name, one_time, monthly, share, how)| ComponentRow {
            name: md_escape(name),
            one_time: md_escape(&one_time),
            monthly: md_escape(&monthly),
            share: md_escape(&share),
            how: md_escape(&how),
        })
        .collect()
}

fn payback_text(r: &Report) -> String {
    let cash = match r.num("cashflow_payback_month") {
        Some(_) => format!(
            " On the month-by-month cash flow the cumulative total turns non-negative in month {}.",
            r.show("cashflow_payback_month")
        ),
        None => format!(
            " On the month-by-month cash flow the cumulative total stays negative through month {}.",
            r.show("lifetime_months")
        ),
    };
    let head = match r.num("payback_months") {
        Some(_) => format!(
            "The {} project is repaid by {}/month of savings before amortization in {} months, leaving {} months of savings within the {}-month lifetime; net savings over the lifetime are {}.",
            r.show("total_project_cost"),
            r.show("monthly_savings_before_amortization"),
            r.show("payback_months"),
            r.show("months_of_savings_after_payback"),
            r.show("lifetime_months"),
            r.show("lifetime_net_savings"),
        ),
        None => format!(
            "The project never pays back: the monthly savings before amortization are {}, so there is nothing to repay the {} project with. Over the {}-month lifetime the net result is {}.",
            r.show("monthly_savings_before_amortization"),
            r.show("total_project_cost"),
            r.show("lifetime_months"),
            r.show("lifetime_net_savings"),
        ),
    };
    md_escape(&format!("{head}{cash}"))
}

/// A sentence when the decision factors lean against the cost verdict.
fn factors_note(r: &Report) -> &'static str {
    let factors = r.value("decision_verdict").as_text().unwrap_or("");
    let lean_fine_tune = factors == model::SFT_STRONG_FT || factors == model::SFT_LEAN_FT;
    let lean_api = factors == model::SFT_STRONG_API || factors == model::SFT_LEAN_API;
    if lean_fine_tune && !r.fine_tune() {
        "The factors lean to fine-tuning, but the verdict follows the full monthly cost, which the factors do not weigh: with review, serving and the amortized project included, the API is cheaper."
    } else if lean_api && r.fine_tune() {
        "The factors lean to the API, but the verdict follows the full monthly cost, in which fine-tuning is cheaper: weigh the factors' risks against the savings."
    } else {
        ""
    }
}

/// One lever of "what would change the decision".
struct Lever<'a> {
    name: &'a str,
    today: &'a str,
    flip: &'a str,
    /// Reading when fine-tuning wins today.
    holds_while: &'a str,
    /// Reading when the API wins today and the threshold is reachable.
    flips_if: &'a str,
    /// Reading when the model's threshold is not a possible value.
    unreachable: &'a str,
    /// Reading when the model says no threshold exists ("never").
    never: &'a str,
}

fn flips(r: &Report) -> Vec<FlipRow> {
    let levers = [
        Lever {
            name: "Daily volume (tokens/day)",
            today: "current_daily_tokens",
            flip: "break_even_tokens_per_day_all_in",
            holds_while: "Fine-tuning stops paying if traffic falls below this.",
            flips_if: "Fine-tuning pays once traffic rises above this.",
            unreachable: "No volume flips it: serving, storage and the project cost more than any traffic saves.",
            never: "No volume flips it: each extra token's review cost is at least its API price.",
        },
        Lever {
            name: "Fine-tuned review rate",
            today: "review_rate_ft",
            flip: "flip_review_rate_ft",
            holds_while: "Fine-tuning stops paying if the fine-tuned model needs review more often than this.",
            flips_if: "Fine-tuning pays if the fine-tuned model needs review less often than this.",
            unreachable: "No review rate flips it: even with no review at all, serving and the project cost more than the API.",
            never: "Review plays no part: no review cost is priced.",
        },
        Lever {
            name: "Serving price per instance-hour",
            today: "serving_cost_per_hour",
            flip: "flip_serving_cost_per_hour",
            holds_while: "Fine-tuning stops paying if an instance-hour costs more than this.",
            flips_if: "Fine-tuning pays if an instance-hour costs less than this.",
            unreachable: "No serving price flips it: even free instances leave the fine-tuned setup dearer than the API.",
            never: "Serving price plays no part: no instance-hours are priced.",
        },
        Lever {
            name: "Engineering hours",
            today: "engineering_hours_total",
            flip: "flip_engineering_hours",
            holds_while: "Payback stays within the lifetime while the project takes fewer hours than this.",
            flips_if: "Payback falls within the lifetime if the project takes fewer hours than this.",
            unreachable: "No engineering budget flips it: the savings before amortization cannot repay even the training compute within the lifetime.",
            never: "No engineering budget flips it: the savings before amortization are not positive, so no project cost is ever repaid.",
        },
    ];
    levers
        .iter()
        .filter(|l| r.values.contains_key(l.flip))
        .map(|l| {
            let (flips_at, reading) = match r.num(l.flip) {
                Some(x) if x > 0.0 => (
                    r.show(l.flip),
                    if r.fine_tune() {
                        l.holds_while
                    } else {
                        l.flips_if
                    }
                    .to_string(),
                ),
                Some(_) => (
                    "none".to_string(),
                    format!(
                        "{} (The model's threshold, {}, is not a possible value.)",
                        l.unreachable,
                        r.show(l.flip)
                    ),
                ),
                None => ("never".to_string(), l.never.to_string()),
            };
            FlipRow {
                lever: md_escape(l.name),
                today: md_escape(&r.show(l.today)),
                flips_at: md_escape(&flips_at),
                reading: md_escape(&reading),
            }
        })
        .collect()
}

/// A simulated percentile in its unit, or "never".
fn percentile_text(p: Option<f64>, unit: format::Unit) -> String {
    p.map_or_else(|| "never".to_string(), |x| format::number(x, unit))
}

/// The sentence with the odds for the answer (plain text), when the plan has
/// ranges and was simulated.
fn odds(r: &Report) -> Option<String> {
    let s = r
        .simulation
        .as_ref()
        .filter(|_| !r.inputs.ranges.is_empty())?;
    let months = r.unit("payback_months");
    let p = &s.payback_months;
    let n = r.inputs.ranges.len();
    Some(format!(
        "With {n} of its estimates written as ranges, fine-tuning pays back within its {}-month life in {} of {} trials; P50 payback {}{} (P10 {}, P90 {}). The figures above use each range's base value; the spread and the inputs behind it are under Uncertainty.",
        r.show("lifetime_months"),
        format::percent(s.probability_payback_within_lifetime),
        format::grouped(s.trials as f64, 0),
        percentile_text(p.p50, months),
        if p.p50.is_some() { " months" } else { "" },
        percentile_text(p.p10, months),
        percentile_text(p.p90, months),
    ))
}

/// The label of a payback-histogram entry: entry k holds paybacks in (k − 1, k].
fn histogram_bin(k: usize) -> String {
    if k == 0 {
        "0 (at once)".to_string()
    } else {
        format!("{}–{k}", k - 1)
    }
}

/// The payback as a phrase: "6.6 months" or "never".
fn payback_phrase(r: &Report) -> String {
    match r.num("payback_months") {
        Some(_) => format!("{} months", r.show("payback_months")),
        None => "never".to_string(),
    }
}

fn simulation_view(r: &Report, s: &crate::simulate::Simulation) -> SimulationView {
    let percentiles = [
        ("monthly_savings", &s.monthly_savings),
        ("payback_months", &s.payback_months),
        ("total_project_cost", &s.total_project_cost),
    ]
    .iter()
    .map(|(id, p)| {
        let unit = r.unit(id);
        PercentileRow {
            label: md_escape(r.label(id)),
            p10: md_escape(&percentile_text(p.p10, unit)),
            p50: md_escape(&percentile_text(p.p50, unit)),
            p90: md_escape(&percentile_text(p.p90, unit)),
            base: md_escape(&r.show(id)),
            unit: md_escape(unit.label()),
        }
    })
    .collect();
    let life = r.show("lifetime_months");
    let facts = vec![
        row(
            &format!("Pays back within the {life}-month lifetime"),
            &format::percent(s.probability_payback_within_lifetime),
            "",
            "Share of the trials whose payback comes within the lifetime.",
        ),
        row(
            "Above the all-in break-even",
            &format::percent(s.probability_above_break_even),
            "",
            "Share of the trials whose daily volume reaches the all-in break-even: those in which the monthly savings after amortization are positive and the verdict would be to fine-tune.",
        ),
        row(
            "Trials",
            &format::grouped(s.trials as f64, 0),
            "",
            "Each trial draws every ranged input and evaluates the whole model.",
        ),
        Row {
            label: "Seed".into(),
            value: format!("`{}`", s.seed),
            unit: String::new(),
            note: md_escape(
                "The random seed: the same plan with the same seed and number of trials gives the same results.",
            ),
        },
        row(
            "Distribution",
            "PERT on low, base, high",
            "",
            "The base value is the most likely; each input's mean is (low + 4 × base + high) / 6.",
        ),
    ];
    let trials = s.trials.max(1) as f64;
    let share = |count: usize| format::percent(count as f64 / trials);
    let mut histogram: Vec<HistogramRow> = s
        .payback_histogram
        .iter()
        .enumerate()
        .filter(|(k, count)| *k > 0 || **count > 0)
        .map(|(k, count)| HistogramRow {
            months: md_escape(&histogram_bin(k)),
            trials: md_escape(&format::grouped(*count as f64, 0)),
            share: md_escape(&share(*count)),
        })
        .collect();
    histogram.push(HistogramRow {
        months: md_escape(&format!("after {life} or never")),
        trials: md_escape(&format::grouped(s.payback_beyond_lifetime as f64, 0)),
        share: md_escape(&share(s.payback_beyond_lifetime)),
    });
    let histogram_note = md_escape(&format!(
        "How many of the {} trials pay back in each month of the {life}-month life (a payback of 9.2 months counts under 9–10), and how many after it or never:",
        format::grouped(s.trials as f64, 0)
    ));
    SimulationView {
        percentiles,
        facts,
        histogram_note,
        histogram,
    }
}

/// The uncertainty section, when the plan has ranges.
fn uncertainty(r: &Report) -> Option<Uncertainty> {
    if r.inputs.ranges.is_empty() {
        return None;
    }
    let n = r.inputs.ranges.len();
    let simulation = r.simulation.as_ref().map(|s| simulation_view(r, s));
    let intro = match &r.simulation {
        Some(s) => format!(
            "{n} of the plan's inputs are written as ranges (low, base, high). The simulation draws each from a PERT distribution on its low, base and high values, a smooth curve that peaks at the base and gives the ends less weight than a triangle would, and evaluates the whole model {} times with every other input at its value. The figures elsewhere in this memo use the base values, so the middle of the trials can differ from them where a range is lopsided around its base. P10 is the value one trial in ten falls at or below, P90 the value nine in ten do: for monthly savings P10 is the cautious end, for payback and project cost P90 is.",
            format::grouped(s.trials as f64, 0)
        ),
        None => format!(
            "{n} of the plan's inputs are written as ranges (low, base, high). The figures elsewhere in this memo use the base values."
        ),
    };
    let savings_unit = r.unit("monthly_savings");
    let payback_unit = r.unit("payback_months");
    let tornado = r
        .tornado_bars()
        .iter()
        .map(|b| {
            let unit = r.unit(&b.input);
            let base = r
                .inputs
                .ranges
                .iter()
                .find(|x| x.id == b.input)
                .map_or(String::new(), |x| format::number(x.base, unit));
            TornadoRow {
                input: md_escape(r.label(&b.input)),
                unit: md_escape(unit.label()),
                low: md_escape(&format::number(b.low, unit)),
                base: md_escape(&base),
                high: md_escape(&format::number(b.high, unit)),
                savings_low: md_escape(&format::number(b.savings_low, savings_unit)),
                savings_high: md_escape(&format::number(b.savings_high, savings_unit)),
                payback_low: md_escape(&format::value(&b.payback_low, payback_unit)),
                payback_high: md_escape(&format::value(&b.payback_high, payback_unit)),
            }
        })
        .collect();
    let tornado_note = md_escape(&format!(
        "Each ranged input swung from its low to its high end with the others at their base values: the monthly savings after amortization and the payback that result, the largest swing in savings first. On the base values the savings are {}/month and the payback {}.",
        r.show("monthly_savings"),
        payback_phrase(r),
    ));
    Some(Uncertainty {
        intro: md_escape(&intro),
        simulation,
        tornado_note,
        tornado,
    })
}

/// The plan as written and each of its options: id, label and case.
fn option_cases(r: &Report) -> Vec<(String, String, ScenarioResult)> {
    std::iter::once((
        "plan".to_string(),
        "The plan as written".to_string(),
        r.plan_case(),
    ))
    .chain(
        r.inputs
            .options
            .iter()
            .zip(&r.options)
            .map(|(o, case)| (o.id.clone(), o.label.clone(), case.clone())),
    )
    .collect()
}

/// A value in a case, formatted in its unit; "—" when the model lacks it.
fn show_in(r: &Report, case: &ScenarioResult, id: &str) -> String {
    if case.values.contains_key(id) || case.inputs.contains_key(id) || r.values.contains_key(id) {
        format::value(case.value(r, id), r.unit(id))
    } else {
        "—".to_string()
    }
}

/// The figures compared across the plan and its options.
const OPTION_FIGURES: [&str; 7] = [
    "monthly_api_cost",
    "monthly_ft_total",
    "monthly_savings",
    "payback_months",
    "total_project_cost",
    "lifetime_net_savings",
    "break_even_tokens_per_day_all_in",
];

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "1 option", "2 options".
fn options_count(n: usize) -> String {
    if n == 1 {
        "1 option".to_string()
    } else {
        format!("{n} options")
    }
}

/// The recommended choice in words (plain text): "the plan as written", an
/// option's label, or "stay on the API".
fn recommended_label(r: &Report) -> Option<String> {
    let id = r.recommended_option()?;
    Some(match id.as_str() {
        "plan" => "the plan as written".to_string(),
        "api" => "stay on the API".to_string(),
        _ => r
            .inputs
            .options
            .iter()
            .find(|o| o.id == id)
            .map_or(id.clone(), |o| o.label.clone()),
    })
}

/// One line under the answer naming the recommendation among the options.
fn options_summary(r: &Report) -> Option<String> {
    let choice = recommended_label(r)?;
    let n = options_count(r.options.len());
    Some(md_escape(&match r.recommended_option().as_deref() {
        Some("api") => format!(
            "Of the plan and its {n}, none that can be built as planned saves money over the lifetime: the recommendation is to {choice}. The options are compared under Options below."
        ),
        _ => format!(
            "Of the plan and its {n}, the recommendation is {choice}; the options are compared under Options below."
        ),
    }))
}

/// The plan and its options side by side, when the plan lists options.
fn options_view(r: &Report) -> Option<OptionsView> {
    if r.options.is_empty() {
        return None;
    }
    let cases = option_cases(r);
    let recommended = r.recommended_option().unwrap_or_default();
    let mut changed: Vec<&str> = Vec::new();
    for option in &r.model.options {
        for (id, _) in &option.overrides {
            if !changed.contains(&id.as_str()) {
                changed.push(id);
            }
        }
    }
    let figure_row = |id: &str| OptionRow {
        label: md_escape(r.label(id)),
        unit: md_escape(r.unit(id).label()),
        cells: cases
            .iter()
            .map(|(_, _, case)| md_escape(&show_in(r, case, id)))
            .collect(),
    };
    let mut rows: Vec<OptionRow> = changed.iter().map(|id| figure_row(id)).collect();
    rows.extend(OPTION_FIGURES.iter().map(|id| figure_row(id)));
    let reasons: Vec<Vec<String>> = cases
        .iter()
        .map(|(_, _, case)| r.infeasible_reasons(case))
        .collect();
    rows.push(OptionRow {
        label: "Feasible".to_string(),
        unit: String::new(),
        cells: reasons
            .iter()
            .map(|why| {
                md_escape(&if why.is_empty() {
                    "yes".to_string()
                } else {
                    format!("no: {}", why.join("; "))
                })
            })
            .collect(),
    });
    rows.push(OptionRow {
        label: "Recommended".to_string(),
        unit: String::new(),
        cells: cases
            .iter()
            .map(|(id, _, _)| if *id == recommended { "yes" } else { "no" }.to_string())
            .collect(),
    });
    let life = r.show("lifetime_months");
    let intro = format!(
        "The plan lists {}, each the plan with some of its inputs changed; the first rows are the inputs that differ. Every option is computed by the plan's own model. An option is feasible when the model fits the memory of the GPUs it is given and the instances carry the traffic. The cash flow and the workbook's checks are the plan's own.",
        options_count(r.options.len())
    );
    let mut recommendation = match recommended.as_str() {
        "api" => format!(
            "Recommended: stay on the API. None of the choices that can be built as planned saves money over the {life}-month lifetime."
        ),
        id => {
            let (_, label, case) = cases
                .iter()
                .find(|(c, _, _)| c == id)
                .expect("the recommendation is one of the cases");
            format!(
                "Recommended: {}, the feasible choice that saves the most over the {life}-month lifetime ({} net of the project cost).",
                if id == "plan" { "the plan as written" } else { label },
                show_in(r, case, "lifetime_net_savings")
            )
        }
    };
    if recommended != "plan" {
        recommendation.push_str(
            " The verdict and every figure outside this section are the plan's as written.",
        );
    }
    let excluded: Vec<&str> = cases
        .iter()
        .zip(&reasons)
        .filter(|(_, why)| !why.is_empty())
        .map(|((_, label, _), _)| label.as_str())
        .collect();
    if !excluded.is_empty() {
        let (is, it) = if excluded.len() == 1 {
            ("it is", "it")
        } else {
            ("they are", "they")
        };
        recommendation.push_str(&format!(
            " {} cannot be built as planned (see Feasible above), so {is} not recommended, whatever {it} would save.",
            and_list(&excluded)
        ));
    }
    Some(OptionsView {
        intro: md_escape(&intro),
        columns: cases
            .iter()
            .skip(1)
            .map(|(_, label, _)| md_escape(label))
            .collect(),
        rows,
        recommendation: md_escape(&recommendation),
    })
}

/// The month an input was observed in, from its source.
fn observed_month(r: &Report, id: &str) -> Option<String> {
    match r.inputs.get(id).map(|i| &i.source) {
        Some(Source::Actual(month)) => Some(month.clone()),
        _ => None,
    }
}

/// A difference with its sign: "+22.0%", "-$750.00".
fn signed(x: f64, text: String) -> String {
    if x > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

/// The plan's forecast and model against the observed months, when the
/// plan carries actuals.
fn actuals_view(r: &Report) -> Option<ActualsView> {
    let traffic = r.values.contains_key("requests_per_day_forecast");
    let bill = r.values.contains_key("actual_monthly_api_bill")
        && r.values.contains_key("api_bill_vs_model");
    if !traffic && !bill {
        return None;
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let traffic_month = observed_month(r, "requests_per_day").filter(|_| traffic);
    if traffic {
        let month = traffic_month.clone().unwrap_or_default();
        let change = r.values.get("requests_vs_forecast").and_then(Value::as_num);
        rows.push(ActualRow {
            label: md_escape(r.label("requests_per_day")),
            unit: md_escape(r.unit("requests_per_day").label()),
            planned: md_escape(&r.show("requests_per_day_forecast")),
            observed: md_escape(&r.show("requests_per_day")),
            month: md_escape(&month),
            difference: md_escape(
                &change.map_or("—".to_string(), |x| signed(x, format::percent(x))),
            ),
        });
        let how = match change {
            Some(x) if x > 0.0 => format!("{} more than forecast", format::percent(x)),
            Some(x) if x < 0.0 => format!("{} fewer than forecast", format::percent(-x)),
            Some(_) => "exactly the forecast".to_string(),
            None => "against a forecast of none".to_string(),
        };
        notes.push(md_escape(&format!(
            "The plan forecast {} requests/day; {} were observed in {month}, {how}. Every figure in this memo uses the observed traffic; the forecast stays beside it on the workbook's Inputs sheet.",
            r.show("requests_per_day_forecast"),
            r.show("requests_per_day"),
        )));
    }
    if bill {
        let month = observed_month(r, "actual_monthly_api_bill").unwrap_or_default();
        let gap = r.num("api_bill_vs_model").unwrap_or(0.0);
        rows.push(ActualRow {
            label: md_escape("Monthly API bill"),
            unit: md_escape(r.unit("actual_monthly_api_bill").label()),
            planned: md_escape(&r.show("monthly_api_cost")),
            observed: md_escape(&r.show("actual_monthly_api_bill")),
            month: md_escape(&month),
            difference: md_escape(&signed(gap, r.show("api_bill_vs_model"))),
        });
        let at = match &traffic_month {
            Some(m) => {
                format!("the traffic observed in {m} and the plan's prices and token counts")
            }
            None => "the plan's traffic, prices and token counts".to_string(),
        };
        let head = format!(
            "The API billed {} in {month}; the model's monthly API cost, at {at}, is {}.",
            r.show("actual_monthly_api_bill"),
            r.show("monthly_api_cost"),
        );
        let reading = if gap > 0.0 {
            format!(
                " The bill is {}/month above the model: the requests may be longer than the plan's token counts, or include retries or traffic the plan does not count, or the prices paid may be higher than the plan's. The API then costs more than modelled, and so does anything that grows with the tokens; check the token counts and prices behind the model before relying on its savings.",
                r.show("api_bill_vs_model")
            )
        } else if gap < 0.0 {
            format!(
                " The bill is {}/month below the model: the prices paid may be lower than the plan's list prices (a negotiated discount, batch or cached-token rates), or the requests shorter than its token counts. Either way the API costs less than modelled, so fine-tuning saves less than shown; writing the prices actually paid into the plan corrects the figures.",
                format::money(-gap)
            )
        } else {
            " The bill matches the model.".to_string()
        };
        notes.push(md_escape(&format!("{head}{reading}")));
    }
    Some(ActualsView { rows, notes })
}

/// The figures whose place in the workbook the audit trail lists.
fn traced_ids(r: &Report) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = KEY_FIGURES.to_vec();
    for id in [
        "monthly_savings_before_amortization",
        "cashflow_payback_month",
        "flip_review_rate_ft",
        "flip_serving_cost_per_hour",
        "flip_engineering_hours",
    ] {
        if r.values.contains_key(id) && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// What moved since the previous run: a heading naming the month (and a
/// flipped verdict) and a row per moved figure, old value then new.
fn changes_section(r: &Report) -> Option<(String, Vec<Row>)> {
    let c = r.changes.as_ref()?;
    let heading = if c.verdict_flipped() {
        format!(
            "Since {}, the verdict flipped: {} → {}.",
            c.previous_month,
            md_escape(&c.previous_verdict),
            md_escape(&c.verdict)
        )
    } else if c.moved.is_empty() {
        format!("Nothing moved since {}.", c.previous_month)
    } else {
        format!(
            "Since {}, the verdict stands; these figures moved.",
            c.previous_month
        )
    };
    let rows = c
        .moved
        .iter()
        .filter(|m| m.id != "verdict")
        .map(|m| {
            let unit = r.unit(&m.id);
            let (old, new) = m.shown(unit);
            Row {
                label: md_escape(&m.label),
                value: md_escape(&new),
                unit: md_escape(unit.label()),
                note: md_escape(&old),
            }
        })
        .collect();
    Some((heading, rows))
}

/// Builds the Markdown context.
pub fn markdown_context(r: &Report) -> MemoMarkdown {
    let meta = &r.inputs.meta;
    let key_figures = KEY_FIGURES.iter().map(|id| figure(r, id)).collect();
    let steps = flow_steps(r);
    let components = components(r);
    let has_shares = components.iter().any(|c| !c.share.is_empty());

    let monthly = [
        "monthly_api_cost",
        "monthly_serving_cost",
        "monthly_storage_cost",
        "monthly_amortized_project_cost",
        "monthly_quality_cost_delta",
        "monthly_ft_total",
        "monthly_savings",
        "monthly_savings_before_amortization",
    ]
    .iter()
    .map(|id| figure(r, id))
    .collect();
    let break_even = [
        "current_daily_tokens",
        "break_even_tokens_per_day",
        "break_even_tokens_per_day_all_in",
        "weighted_api_price_per_1m_tokens",
        "review_cost_delta_per_1m_tokens",
    ]
    .iter()
    .map(|id| figure(r, id))
    .collect();
    let seed_side = match r.num("break_even_tokens_per_day") {
        Some(_) if r.flag("is_above_break_even") => "above the seed's break-even",
        Some(_) => "below the seed's break-even",
        None => "without a seed's break-even",
    };
    let break_even_note = md_escape(&format!(
        "The seed's break-even compares the API bill with serving and storage only. The review cost grows with volume just as the API bill does, and the project cost must be repaid, so the all-in break-even is the one that decides. Today's volume is {seed_side} and {} the all-in one.",
        side_of_break_even(r)
    ));
    let volume_rows = volume_cases(r)
        .into_iter()
        .map(|(s, multiple_id)| VolumeRow {
            multiple: md_escape(&format!(
                "{}×",
                format::value(s.value(r, &multiple_id), r.unit(&multiple_id))
            )),
            tokens: md_escape(&show_case(r, s, "current_daily_tokens")),
            api: md_escape(&show_case(r, s, "monthly_api_cost")),
            fine_tuned: md_escape(&show_case(r, s, "monthly_ft_total")),
            savings: md_escape(&show_case(r, s, "monthly_savings")),
            payback: md_escape(&show_case(r, s, "payback_months")),
        })
        .collect();
    let cash_rows = match (r.timeline.get("cf_net"), r.timeline.get("cf_cumulative")) {
        (Some(net), Some(cum)) => net
            .iter()
            .zip(cum)
            .enumerate()
            .map(|(month, (n, c))| CashRow {
                month: month.to_string(),
                net: md_escape(&format::value(n, format::Unit::Usd)),
                cumulative: md_escape(&format::value(c, format::Unit::Usd)),
            })
            .collect(),
        _ => Vec::new(),
    };
    let reasons = r
        .reasons
        .iter()
        .map(|x| {
            let label = r.label(x.id);
            let label = label.strip_prefix("Points: ").unwrap_or(label);
            let mut chars = label.chars();
            let label = match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            };
            row(&label, &format!("{:+}", x.points), "", &x.text)
        })
        .collect();
    let warnings: Vec<Row> = r
        .warnings
        .iter()
        .map(|w| row(w.title, &w.message, "", ""))
        .collect();
    let warnings_summary = if r.warnings.is_empty() {
        "No warnings: the plan makes none of the mistakes this tool checks for.".to_string()
    } else {
        md_escape(&format!(
            "Warnings ({}): {}. Each is explained with its figures under Warnings below.",
            r.warnings.len(),
            r.warnings
                .iter()
                .map(|w| w.title)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    };
    let flips_note = md_escape(if r.fine_tune() {
        "Fine-tuning wins today. Each line is the value of one input, the others held at the plan's, at which the monthly savings after amortization fall to zero and the verdict turns to the API."
    } else {
        "The API wins today. Each line is the value of one input, the others held at the plan's, at which the monthly savings after amortization reach zero and the verdict turns to fine-tuning."
    });
    let assumptions = Group::ALL
        .iter()
        .filter_map(|group| {
            let rows: Vec<AssumptionRow> = r
                .inputs
                .items
                .iter()
                .filter(|i| i.group == *group)
                .map(|i| AssumptionRow {
                    label: md_escape(&i.label),
                    value: md_escape(&format::value(&i.value, i.unit)),
                    unit: md_escape(i.unit.label()),
                    source: md_escape(&i.source.describe()),
                    name: format!("`{}`", i.id),
                })
                .collect();
            (!rows.is_empty()).then(|| AssumptionGroup {
                title: md_escape(group.title()),
                rows,
            })
        })
        .collect();
    let lay = layout::layout(r);
    let trace = traced_ids(r)
        .into_iter()
        .map(|id| {
            let place = lay.places.get(id);
            TraceRow {
                label: md_escape(r.label(id)),
                name: format!("`{id}`"),
                sheet: md_escape(place.map_or("", |p| p.sheet)),
                cell: place.map_or(String::new(), |p| format!("`{}`", p.reference())),
            }
        })
        .collect();
    let mut audit = vec![
        row("Plan file", &meta.file, "", ""),
        Row {
            label: "Plan SHA-256".into(),
            value: format!("`{}`", meta.sha256),
            unit: String::new(),
            note: String::new(),
        },
        row(
            "Tool version",
            &format!("finetune-roi {}", env!("CARGO_PKG_VERSION")),
            "",
            "",
        ),
        row("Figures as of", &meta.as_of.to_string(), "", ""),
        row(
            "Generated at",
            &r.generated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "",
            "",
        ),
    ];
    if let Some(s) = r
        .simulation
        .as_ref()
        .filter(|_| !r.inputs.ranges.is_empty())
    {
        audit.push(row(
            "Simulation",
            &format!(
                "{} trials, seed {}, PERT on low, base, high",
                format::grouped(s.trials as f64, 0),
                s.seed
            ),
            "",
            "",
        ));
    }
    audit.push(
        row(
            "Workbook",
            &format!(
                "every input on the {INPUTS_SHEET} sheet; every figure a live formula on its sheet ({})",
                Sheet::ALL.map(|s| s.name()).join(", ")
            ),
            "",
            "",
        ),
    );
    MemoMarkdown {
        changes: changes_section(r),
        title: md_escape(&meta.title),
        plan_file: md_escape(&meta.file),
        as_of: md_escape(&meta.as_of.to_string()),
        owner: meta.owner.as_deref().map(md_escape),
        notes: meta.notes.as_deref().map(md_escape),
        verdict: md_escape(r.verdict()),
        answer: md_escape(&answer(r)),
        odds: odds(r).as_deref().map(md_escape),
        warnings_summary,
        options_summary: options_summary(r),
        key_figures,
        actuals: actuals_view(r),
        uncertainty: uncertainty(r),
        mermaid: mermaid(&steps),
        components,
        has_shares,
        monthly,
        break_even,
        break_even_note,
        volume_rows,
        payback: payback_text(r),
        cash_rows,
        options: options_view(r),
        score: md_escape(&r.show("decision_score")),
        decision_verdict: md_escape(&r.show("decision_verdict")),
        factors_note: md_escape(factors_note(r)),
        reasons,
        warnings,
        flips: flips(r),
        flips_note,
        assumptions,
        audit,
        trace,
    }
}

/// The memo as Markdown.
pub fn render_markdown(r: &Report) -> String {
    markdown_context(r).render().expect("memo template renders")
}

/// Renders Markdown to HTML, turning raw HTML into text and neutralizing
/// links and images whose scheme is not http, https or mailto.
pub fn markdown_to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let events = parser.map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let has_scheme = lower.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !has_scheme
        || lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("mailto:")
    {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// The monthly cost of the API and of the fine-tuned setup across volume.
fn volume_chart(r: &Report) -> Figure {
    let cases = volume_cases(r);
    let points = |id: &str| -> Vec<(f64, f64)> {
        cases
            .iter()
            .filter_map(|(s, _)| {
                Some((
                    s.value(r, "current_daily_tokens").as_num()?,
                    s.value(r, id).as_num()?,
                ))
            })
            .collect()
    };
    let api = points("monthly_api_cost");
    let ft = points("monthly_ft_total");
    let (x_lo, x_hi) = api
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    let mut marks = Vec::new();
    if let Some(today) = r.num("current_daily_tokens") {
        marks.push(svg::Mark {
            x: today,
            label: format!("Today: {} tokens/day", r.show("current_daily_tokens")),
            dash: svg::Dash::Dotted,
        });
    }
    let note = match r.num("break_even_tokens_per_day_all_in") {
        Some(b) if b >= x_lo && b <= x_hi => {
            marks.push(svg::Mark {
                x: b,
                label: format!(
                    "All-in break-even: {} tokens/day",
                    r.show("break_even_tokens_per_day_all_in")
                ),
                dash: svg::Dash::Dashed,
            });
            None
        }
        Some(_) => Some(format!(
            "The all-in break-even, {} tokens/day, lies outside the volumes shown.",
            r.show("break_even_tokens_per_day_all_in")
        )),
        None => Some(
            "No volume breaks even: the extra review cost per token is at least the API price."
                .to_string(),
        ),
    };
    let marked_break_even = marks.len() > 1;
    // The options have no sweep across volume: each is a point at its own
    // volume today, its monthly fine-tuned total, labelled.
    let points: Vec<svg::Point> = r
        .inputs
        .options
        .iter()
        .zip(&r.options)
        .filter_map(|(option, case)| {
            let x = case.value(r, "current_daily_tokens").as_num()?;
            let y = case.value(r, "monthly_ft_total").as_num()?;
            let feasible = r.infeasible_reasons(case).is_empty();
            Some(svg::Point {
                x,
                y,
                label: format!(
                    "{}{}: {}/month",
                    option.label,
                    if feasible { "" } else { " (not feasible)" },
                    format::money0(y)
                ),
                marker: svg::Marker::Diamond,
            })
        })
        .collect();
    let options_note = if points.is_empty() {
        ""
    } else {
        " The diamonds mark each option's monthly fine-tuned total at today's volume; the options are not computed across volume."
    };
    Figure {
        svg: svg::line_chart(&svg::LineChart {
            id: "chart-volume".into(),
            title: "Monthly cost of the API and of the fine-tuned model across daily volume"
                .into(),
            x: svg::Axis {
                title: "Volume (tokens per day)".into(),
                kind: svg::AxisKind::Count,
            },
            y: svg::Axis {
                title: "Monthly cost ($/month)".into(),
                kind: svg::AxisKind::Money,
            },
            series: vec![
                svg::Series {
                    label: "API".into(),
                    points: api,
                    dash: svg::Dash::Solid,
                    marker: svg::Marker::Circle,
                },
                svg::Series {
                    label: "Fine-tuned, amortization and review included".into(),
                    points: ft,
                    dash: svg::Dash::Dashed,
                    marker: svg::Marker::Square,
                },
            ],
            marks,
            points,
            note,
        }),
        caption: format!(
            "Monthly cost of the API (solid, circles) and of the fine-tuned model (dashed, squares) from a quarter to four times today's volume, on the plan's {} serving instances. The dotted line marks today's volume{}.{options_note}",
            r.show("serving_instances"),
            if marked_break_even { ", the dashed line the all-in break-even" } else { "" }
        ),
    }
}

/// What the fine-tuned setup costs a month, part by part, against the API bill.
fn composition_chart(r: &Report) -> Figure {
    let bars = [
        ("API bill today", "monthly_api_cost", svg::Fill::Solid),
        ("Serving", "monthly_serving_cost", svg::Fill::Hatch),
        ("Storage", "monthly_storage_cost", svg::Fill::Dots),
        (
            "Project, amortized",
            "monthly_amortized_project_cost",
            svg::Fill::CrossHatch,
        ),
        (
            "Extra human review",
            "monthly_quality_cost_delta",
            svg::Fill::Light,
        ),
        ("Fine-tuned total", "monthly_ft_total", svg::Fill::Outline),
    ]
    .iter()
    .map(|(label, id, fill)| svg::Bar {
        label: label.to_string(),
        value: r.num(id).unwrap_or(0.0),
        value_text: r.show(id),
        fill: *fill,
    })
    .collect();
    Figure {
        svg: svg::bar_chart(&svg::BarChart {
            id: "chart-composition".into(),
            title: "Monthly cost of the fine-tuned model by component, against the API bill"
                .into(),
            axis: svg::Axis {
                title: "Monthly cost ($/month)".into(),
                kind: svg::AxisKind::Money,
            },
            bars,
        }),
        caption: format!(
            "What the fine-tuned model costs a month, component by component (training and engineering amortized over {} months), against today's API bill.",
            r.show("lifetime_months")
        ),
    }
}

/// The cumulative cash flow over the lifetime with the payback month.
fn cashflow_chart(r: &Report) -> Figure {
    let points: Vec<(f64, f64)> = r
        .timeline
        .get("cf_cumulative")
        .map(|row| {
            row.iter()
                .enumerate()
                .filter_map(|(m, v)| Some((m as f64, v.as_num()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut marks = Vec::new();
    let note = match r.num("cashflow_payback_month") {
        Some(m) => {
            marks.push(svg::Mark {
                x: m,
                label: format!("Paid back in month {}", r.show("cashflow_payback_month")),
                dash: svg::Dash::Dashed,
            });
            None
        }
        None => Some(format!(
            "Not paid back within the {}-month lifetime.",
            r.show("lifetime_months")
        )),
    };
    let paid_back = !marks.is_empty();
    Figure {
        svg: svg::line_chart(&svg::LineChart {
            id: "chart-cashflow".into(),
            title: "Cumulative cash flow of fine-tuning over the lifetime".into(),
            x: svg::Axis {
                title: "Month (0 = the project month)".into(),
                kind: svg::AxisKind::Month,
            },
            y: svg::Axis {
                title: "Cumulative cash flow ($)".into(),
                kind: svg::AxisKind::Money,
            },
            series: vec![svg::Series {
                label: "Cumulative cash flow against staying on the API".into(),
                points,
                dash: svg::Dash::Solid,
                marker: svg::Marker::Circle,
            }],
            marks,
            points: Vec::new(),
            note,
        }),
        caption: format!(
            "Cumulative cash flow: the project cost in month 0, then each month's API bill avoided less serving, storage and extra review.{}",
            if paid_back { " The dashed line marks the month it turns non-negative." } else { "" }
        ),
    }
}

/// The distribution of payback across the trials, with the months beyond the
/// lifetime (or never) in a column apart.
fn payback_chart(r: &Report, s: &crate::simulate::Simulation) -> Figure {
    let trials = s.trials.max(1) as f64;
    let share = |count: usize| count as f64 / trials;
    let columns = s
        .payback_histogram
        .iter()
        .enumerate()
        .filter(|(k, count)| *k > 0 || **count > 0)
        .map(|(k, count)| svg::Column {
            lo: k as f64 - 1.0,
            hi: k as f64,
            value: share(*count),
        })
        .collect();
    let life = r.show("lifetime_months");
    let lifetime = r.num("lifetime_months").unwrap_or(0.0);
    let months = r.unit("payback_months");
    let within = |x: &Option<f64>| x.filter(|m| *m >= 0.0 && *m <= lifetime);
    let mut marks = Vec::new();
    let base_marked = within(&r.num("payback_months")).is_some();
    let p50_marked = within(&s.payback_months.p50).is_some();
    if let Some(m) = within(&r.num("payback_months")) {
        marks.push(svg::Mark {
            x: m,
            label: format!("On the base values: {} months", format::number(m, months)),
            dash: svg::Dash::Dashed,
        });
    }
    if let Some(m) = within(&s.payback_months.p50) {
        marks.push(svg::Mark {
            x: m,
            label: format!("P50 of the trials: {} months", format::number(m, months)),
            dash: svg::Dash::Dotted,
        });
    }
    let beyond = share(s.payback_beyond_lifetime);
    Figure {
        svg: svg::histogram(&svg::Histogram {
            id: "chart-payback".into(),
            title: "Payback across the simulation's trials".into(),
            x: svg::Axis {
                title: "Payback (months)".into(),
                kind: svg::AxisKind::Month,
            },
            y: svg::Axis {
                title: "Share of trials".into(),
                kind: svg::AxisKind::Percent,
            },
            columns,
            fill: svg::Fill::Light,
            apart: Some(svg::Bar {
                label: format!("after {life} months\nor never"),
                value: beyond,
                value_text: format::percent(beyond),
                fill: svg::Fill::Hatch,
            }),
            marks,
            note: None,
        }),
        caption: format!(
            "Payback across {} trials (seed {}): the share paying back in each month of the {life}-month life and, hatched at the right, the share paying back after it or never.{}",
            format::grouped(s.trials as f64, 0),
            s.seed,
            match (base_marked, p50_marked) {
                (true, true) => " The dashed line marks the payback on the base values, the dotted line the P50 of the trials.",
                (true, false) => " The dashed line marks the payback on the base values.",
                (false, true) => " The dotted line marks the P50 of the trials.",
                (false, false) => "",
            }
        ),
    }
}

/// The tornado: monthly savings with each ranged input at its low and high
/// end, the others at base, the largest swing first.
fn tornado_chart(r: &Report) -> Figure {
    let bars = r.tornado_bars();
    let swings = bars
        .iter()
        .map(|b| {
            let unit = r.unit(&b.input);
            svg::Swing {
                label: r.label(&b.input).to_string(),
                at_low: b.savings_low,
                low_text: format::number(b.low, unit),
                at_high: b.savings_high,
                high_text: format::number(b.high, unit),
            }
        })
        .collect();
    let base = r.num("monthly_savings").unwrap_or(0.0);
    let mut marks = vec![svg::Mark {
        x: base,
        label: format!("On the base values: {}/month", format::money0(base)),
        dash: svg::Dash::Dashed,
    }];
    let (lo, hi) = bars
        .iter()
        .flat_map(|b| [b.savings_low, b.savings_high])
        .fold((base, base), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let crosses_zero = lo < 0.0 && hi > 0.0;
    if crosses_zero {
        marks.push(svg::Mark {
            x: 0.0,
            label: "No savings".into(),
            dash: svg::Dash::Solid,
        });
    }
    Figure {
        svg: svg::tornado(&svg::Tornado {
            id: "chart-tornado".into(),
            title: "Monthly savings as each ranged input swings from its low to its high end"
                .into(),
            axis: svg::Axis {
                title: "Monthly savings after amortization ($/month)".into(),
                kind: svg::AxisKind::Money,
            },
            swings,
            base,
            marks,
            low_legend: "input at its low end".into(),
            high_legend: "input at its high end".into(),
        }),
        caption: format!(
            "Monthly savings after amortization as each ranged input swings from its low end (grey) to its high end (hatched), the others at their base values, the largest swing at the top; the figures at a bar's ends are the input's low and high values. The dashed line marks the savings on the base values{}.",
            if crosses_zero {
                ", the solid line no savings at all"
            } else {
                ""
            }
        ),
    }
}

/// The marker name of a slot line, such as `chart-volume` for `<!-- memo:chart-volume -->`.
fn slot_marker(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("<!-- memo:")?
        .strip_suffix("-->")
        .map(str::trim)
}

/// The memo as a self-contained HTML page.
pub fn render_html(r: &Report) -> String {
    let context = markdown_context(r);
    let markdown = context.render().expect("memo template renders");
    let flow = flow_text(&flow_steps(r));
    let has_ranges = !r.inputs.ranges.is_empty();
    let mut charts = [
        (
            "chart-payback",
            r.simulation
                .as_ref()
                .filter(|_| has_ranges)
                .map(|s| payback_chart(r, s)),
        ),
        ("chart-tornado", has_ranges.then(|| tornado_chart(r))),
        ("chart-volume", Some(volume_chart(r))),
        ("chart-composition", Some(composition_chart(r))),
        ("chart-cashflow", Some(cashflow_chart(r))),
    ];
    let mut figures = 0;
    let mut parts = Vec::new();
    let mut pending = String::new();
    let mut skipping = false;
    for line in markdown.lines() {
        match slot_marker(line) {
            Some("flow") => {
                parts.push(Part {
                    html: markdown_to_html(&pending),
                    figure: None,
                    flow: Some(flow.clone()),
                });
                pending.clear();
                skipping = true;
            }
            Some("end") => skipping = false,
            Some(name) => {
                // Figures are numbered in the order they appear.
                let figure = charts
                    .iter_mut()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, f)| f.take())
                    .map(|f| {
                        figures += 1;
                        Figure {
                            svg: f.svg,
                            caption: format!("Figure {figures}. {}", f.caption),
                        }
                    });
                parts.push(Part {
                    html: markdown_to_html(&pending),
                    figure,
                    flow: None,
                });
                pending.clear();
            }
            None if skipping => {}
            None => {
                pending.push_str(line);
                pending.push('\n');
            }
        }
    }
    parts.push(Part {
        html: markdown_to_html(&pending),
        figure: None,
        flow: None,
    });
    MemoHtml {
        title: &r.inputs.meta.title,
        parts,
    }
    .render()
    .expect("memo shell renders")
}
