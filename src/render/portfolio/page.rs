//! The portfolio as Markdown (an askama template) and as an HTML page around
//! that Markdown.

use askama::Template;

use super::{first_line, Portfolio};
use crate::render::memo::escape_filters as filters;
use crate::render::memo::{file_name, markdown_to_html, Markdown};

/// A row of the plans table: text, which the template escapes, or markup.
pub struct PlanLine {
    pub title: String,
    /// The plan's file name: two plans may share a title.
    pub file: String,
    /// The verdict, or a failure in bold.
    pub verdict: Markdown,
    pub savings: String,
    pub payback: String,
    pub volume: String,
    pub break_even: String,
    /// In bold when the verdict flipped.
    pub since: Markdown,
    /// A link to the plan's workbook, when it has one.
    pub workbook: Markdown,
}

/// A flipped verdict.
pub struct FlipLine {
    pub title: String,
    pub text: String,
}

/// A moved figure.
pub struct MovedLine {
    pub label: String,
    pub kind: &'static str,
    pub old: String,
    pub new: String,
}

/// A plan's changes.
pub struct ChangedPlan {
    pub title: String,
    pub intro: String,
    pub moved: Vec<MovedLine>,
}

/// A plan that failed.
pub struct FailedLine {
    pub file: String,
    pub problem: String,
}

/// The portfolio's Markdown template and its context: every string already
/// formatted, escaped by the template.
#[derive(Template)]
#[template(path = "portfolio.md")]
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
    let compared = p
        .rows
        .iter()
        .any(|r| r.evaluated().is_some_and(|e| e.changes.is_some()));
    let nothing_changed = if compared {
        "Nothing moved since the previous run.".to_string()
    } else {
        "No earlier run to compare with: this is each plan's first run.".to_string()
    };
    PortfolioMarkdown {
        month: p.month.map(|m| m.to_string()),
        generated_at: p.generated(),
        counts: p.counts(),
        rows: plan_lines(p),
        flipped: flip_lines(p),
        changed: changed_plans(p),
        nothing_changed,
        failed: failed_lines(p),
    }
}

fn dash() -> String {
    "—".to_string()
}

/// A row of the plans table per plan.
fn plan_lines(p: &Portfolio) -> Vec<PlanLine> {
    p.rows
        .iter()
        .map(|r| {
            let file = file_name(&r.plan_file);
            let workbook = if p.workbooks && r.evaluated().is_some() {
                Markdown::file_link(&format!("{}.xlsx", r.stem))
            } else {
                Markdown::literal("—")
            };
            match r.evaluated() {
                Some(e) => {
                    let since = Markdown::text(&r.since_last_run());
                    PlanLine {
                        title: r.title.clone(),
                        file: file.clone(),
                        verdict: Markdown::text(&e.answer),
                        savings: e.monthly_savings.text.clone(),
                        payback: e.payback_months.text.clone(),
                        volume: e.current_daily_tokens.text.clone(),
                        break_even: e.break_even_all_in.text.clone(),
                        since: if r.verdict_flipped() {
                            since.strong()
                        } else {
                            since
                        },
                        workbook,
                    }
                }
                None => PlanLine {
                    title: r.title.clone(),
                    file,
                    verdict: Markdown::literal("**failed**"),
                    savings: dash(),
                    payback: dash(),
                    volume: dash(),
                    break_even: dash(),
                    since: Markdown::literal("—"),
                    workbook,
                },
            }
        })
        .collect()
}

/// The plans whose verdict flipped.
fn flip_lines(p: &Portfolio) -> Vec<FlipLine> {
    p.rows
        .iter()
        .filter(|r| r.verdict_flipped())
        .map(|r| FlipLine {
            title: r.title.clone(),
            text: r.since_last_run(),
        })
        .collect()
}

/// The plans with moved figures, each with its table.
fn changed_plans(p: &Portfolio) -> Vec<ChangedPlan> {
    p.rows
        .iter()
        .filter_map(|r| {
            let e = r.evaluated()?;
            let c = e.changes.as_ref()?;
            (!e.moved.is_empty()).then(|| ChangedPlan {
                title: r.title.clone(),
                intro: if c.replaced {
                    format!(
                        "Against the earlier run of {} (the {}.json this run replaced).",
                        c.previous_month, r.stem
                    )
                } else {
                    format!(
                        "Against the run of {} ({}.json in that month's folder).",
                        c.previous_month, r.stem
                    )
                },
                moved: e
                    .moved
                    .iter()
                    .map(|m| MovedLine {
                        label: m.label.clone(),
                        kind: m.kind.label(),
                        old: m.old_text.clone(),
                        new: m.new_text.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The plans that failed, with the first line of the reason.
fn failed_lines(p: &Portfolio) -> Vec<FailedLine> {
    p.rows
        .iter()
        .filter_map(|r| {
            let error = r.outcome.as_ref().err()?;
            Some(FailedLine {
                file: r.plan_file.clone(),
                problem: first_line(error),
            })
        })
        .collect()
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
