//! The decision memo, in Markdown (an askama template) and HTML (an askama
//! shell around that Markdown rendered by pulldown-cmark, with the charts as
//! inline SVG in slots of their own).
//!
//! The memo decides first and explains after. Its brief, at most two printed
//! pages, has the answer (with the odds), the key figures, one chart, the
//! warnings, what would change the decision and the recommendation among the
//! options; its appendix, for the auditor, the actuals, the uncertainty, the
//! decision path, the five cost components, the monthly comparison, both
//! break-evens, the payback and cash flow, the options, the decision factors,
//! the assumptions and the audit trail. A section with nothing to say is left
//! out. Every figure comes from the report; this module only chooses words and
//! layout.
//!
//! Every piece of text that enters the Markdown is escaped for Markdown by
//! the template (plan text and figures alike, so a `$` can never start
//! GitHub math); markup is a [`Markdown`] value, which only escaping, the
//! program's own literals and joins make. The HTML conversion also turns any
//! raw HTML into text and neutralizes link schemes other than http, https
//! and mailto, so nothing from a plan can become markup or script.
//!
//! The Markdown marks where the HTML puts a chart or the plain-text decision
//! path, and where the appendix starts (on paper, on a new page), with comment
//! lines (`<!-- memo:NAME -->`), which GitHub and GitLab hide. Plan text can never produce such a line: [`md_escape`] escapes `<`.
//!
//! The parts: `view` holds the structs the templates read; `tables` builds
//! the tables and `prose` the sentences; `flow` draws the decision path;
//! `escape` escapes text for Markdown (the templates' escaper and
//! [`Markdown`]) and turns the Markdown into safe HTML;
//! `charts` builds the HTML's five charts over [`crate::render::svg`]. This
//! file assembles the Markdown context and renders the two formats.

mod charts;
mod escape;
mod flow;
mod prose;
mod tables;
mod view;
mod whatif;

pub use escape::filters as escape_filters;
pub use escape::{link_to, markdown_to_html, md_escape, Markdown, MarkdownEscaper};
pub use flow::FlowStep;
pub use view::*;
pub use whatif::FIGURES as WHAT_IF_FIGURES;

use crate::id;
use askama::Template;

use crate::model::Role;
use crate::report::Report;

use charts::{cashflow_chart, composition_chart, payback_chart, tornado_chart, volume_chart};
use flow::{flow_steps, flow_text, mermaid};
use prose::{
    answer, break_even_note, factors_note, flips_note, odds, options_summary, payback_text,
    volume_note,
};
use tables::{
    actuals_view, assumption_groups, audit_rows, break_even_rows, bridge_rows, cash_rows,
    changes_section, components, flips, input_note_rows, key_figure, lifetime_rows, monthly_rows,
    options_view, reason_rows, trace_rows, uncertainty, volume_rows, warning_field_rows,
    warning_rows,
};

/// The last part of a plan's path: the brief and the portfolio name a plan
/// by its file.
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Builds the Markdown context.
pub fn markdown_context(r: &Report) -> MemoMarkdown {
    let meta = &r.inputs.meta;
    let components = components(r);
    let has_shares = components.iter().any(|c| !c.share.is_empty());
    MemoMarkdown {
        changes: changes_section(r),
        title: meta.title.clone(),
        plan_file: file_name(&meta.file),
        as_of: meta.as_of.to_string(),
        owner: meta.owner.clone(),
        run_date: r.generated_at.date_naive().to_string(),
        notes: meta.notes.clone(),
        verdict: r.value(id::VERDICT_SENTENCE).to_excel_result(),
        answer: answer(r),
        driver: prose::driver(r),
        risk: prose::main_risk(r),
        odds: odds(r),
        options_summary: options_summary(r),
        key_figures: {
            let case = r.recommended_case();
            r.model
                .with_role(Role::KeyFigure)
                .into_iter()
                .map(|id| key_figure(r, &case, id))
                .collect()
        },
        volume_note: volume_note(r),
        volume_chart_on_page_one: r.recommended_option_index().is_none(),
        actuals: actuals_view(r),
        uncertainty: uncertainty(r),
        mermaid: mermaid(&flow_steps(r)),
        components,
        has_shares,
        monthly: monthly_rows(r),
        break_even: break_even_rows(r),
        break_even_note: break_even_note(r),
        sizing_note: prose::sizing_note(r),
        volume_rows: volume_rows(r),
        payback: payback_text(r),
        lifetime: lifetime_rows(r),
        bridge: bridge_rows(r),
        cash_rows: cash_rows(r),
        options: options_view(r),
        score: r.show(id::DECISION_SCORE),
        decision_lean: r.show(id::DECISION_LEAN),
        factors_note: factors_note(r).to_string(),
        reasons: reason_rows(r),
        warnings: warning_rows(r),
        input_notes: input_note_rows(r),
        warning_fields: warning_field_rows(r),
        flips: flips(r),
        flips_note: flips_note(r),
        assumptions: assumption_groups(r),
        audit: audit_rows(r),
        trace: trace_rows(r),
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
    html_of_markdown(r, &render_markdown(r))
}

/// The memo as a self-contained HTML page, from its Markdown (as
/// [`render_markdown`] gives it), so a run writing both renders it once.
pub fn html_of_markdown(r: &Report, markdown: &str) -> String {
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
                    appendix_follows: false,
                });
                pending.clear();
                skipping = true;
            }
            Some("end") => skipping = false,
            Some("appendix") => {
                parts.push(Part {
                    html: markdown_to_html(&pending),
                    figure: None,
                    flow: None,
                    appendix_follows: true,
                });
                pending.clear();
            }
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
                    appendix_follows: false,
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
        appendix_follows: false,
    });
    MemoHtml {
        title: &r.inputs.meta.title,
        paper: r.paper.css_size(),
        parts,
        what_if: whatif::what_if(r),
    }
    .render()
    .expect("memo shell renders")
}
