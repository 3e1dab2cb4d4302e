//! The decision path (volume → break-even → payback → verdict), as a Mermaid
//! flowchart for the Markdown and as plain text for the HTML page.

use crate::id;
use crate::report::Report;

use super::escape::{mermaid_text, Markdown};
use super::prose::side_of_break_even;

/// One step of the decision path (volume → break-even → payback → verdict).
pub struct FlowStep {
    /// Mermaid node id.
    pub node: &'static str,
    pub name: String,
    pub value: String,
    /// The label of the edge into the next step (empty for the last).
    pub edge: String,
}

/// The decision path's steps, shared by the Mermaid chart and the HTML text.
pub(super) fn flow_steps(r: &Report) -> Vec<FlowStep> {
    let life = r.show(id::LIFETIME_MONTHS);
    let (break_even_value, into_payback) = match r.num(id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN) {
        Some(_) => (
            format!(
                "{} tokens/day",
                r.show(id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN)
            ),
            format!("today's volume is {}", side_of_break_even(r)),
        ),
        None => ("never".to_string(), "no volume breaks even".to_string()),
    };
    let (payback_value, into_verdict) = match r.num(id::PAYBACK_MONTHS) {
        Some(_) => (
            format!("{} months", r.show(id::PAYBACK_MONTHS)),
            if r.flag(id::PAYBACK_BEYOND_LIFETIME) {
                format!("beyond the {life}-month life")
            } else {
                format!("within the {life}-month life")
            },
        ),
        None => (
            "never".to_string(),
            format!("no payback within the {life}-month life"),
        ),
    };
    let into_verdict = if r.values.contains_key(id::API_MEETS_REQUIREMENTS)
        && !r.flag(id::API_MEETS_REQUIREMENTS)
    {
        format!("{into_verdict}; the requirements rule the API out")
    } else {
        into_verdict
    };
    vec![
        FlowStep {
            node: "volume",
            name: "Today's volume".into(),
            value: format!("{} tokens/day", r.show(id::CURRENT_DAILY_TOKENS)),
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
            node: id::VERDICT,
            name: "Verdict".into(),
            value: r.verdict().to_string(),
            edge: String::new(),
        },
    ]
}

/// The decision path as a Mermaid flowchart, line by line (the lines of a
/// fenced code block).
pub(super) fn mermaid(steps: &[FlowStep]) -> Vec<Markdown> {
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
    lines.iter().map(|l| Markdown::fenced_line(l)).collect()
}

/// The decision path as plain text for the HTML page.
pub(super) fn flow_text(steps: &[FlowStep]) -> String {
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
