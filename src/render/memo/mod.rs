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

mod charts;
mod escape;
mod flow;
mod prose;
mod tables;
mod view;

pub use escape::{markdown_to_html, md_escape};
pub use flow::FlowStep;
pub use view::*;

use askama::Template;

use crate::format;
use crate::inputs::Group;
use crate::model::Sheet;
use crate::render::layout::{self, INPUTS_SHEET, KEY_FIGURES};
use crate::report::Report;

use charts::*;
use flow::*;
use prose::*;
use tables::*;

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
