//! The portfolio as Markdown (an askama template) and as an HTML page around
//! that Markdown.

use askama::Template;

use super::{first_line, link_to, Portfolio};
use crate::render::memo::{file_name, markdown_to_html, md_escape};

/// A row of the plans table, every part escaped for Markdown.
pub struct PlanLine {
    pub title: String,
    /// The plan's file name: two plans may share a title.
    pub file: String,
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
        counts: md_escape(&p.counts()),
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
            let file = md_escape(&file_name(&r.plan_file));
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
                        file: file.clone(),
                        verdict: md_escape(&e.answer),
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
                    file,
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
        .collect()
}

/// The plans whose verdict flipped.
fn flip_lines(p: &Portfolio) -> Vec<FlipLine> {
    p.rows
        .iter()
        .filter(|r| r.verdict_flipped())
        .map(|r| FlipLine {
            title: md_escape(&r.title),
            text: md_escape(&r.since_last_run()),
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
                title: md_escape(&r.title),
                intro: md_escape(&if c.replaced {
                    format!(
                        "Against the earlier run of {} (the {}.json this run replaced).",
                        c.previous_month, r.stem
                    )
                } else {
                    format!(
                        "Against the run of {} ({}.json in that month's folder).",
                        c.previous_month, r.stem
                    )
                }),
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
        .collect()
}

/// The plans that failed, with the first line of the reason.
fn failed_lines(p: &Portfolio) -> Vec<FailedLine> {
    p.rows
        .iter()
        .filter_map(|r| {
            let error = r.outcome.as_ref().err()?;
            Some(FailedLine {
                file: md_escape(&r.plan_file),
                problem: md_escape(&first_line(error)),
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
