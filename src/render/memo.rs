//! The decision memo, in Markdown (an askama template) and HTML (an askama
//! shell around that Markdown rendered by pulldown-cmark).
//!
//! Plan text is escaped for Markdown before it enters the template; the HTML
//! conversion turns any raw HTML into text and neutralizes link schemes other
//! than http, https and mailto, so nothing from a plan can become markup or script.

use askama::Template;
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

use crate::format;
use crate::inputs::Group;
use crate::model::Sheet;
use crate::render::xlsx::{self, INPUTS_SHEET};
use crate::report::Report;

/// A row of a label/value table.
pub struct Row {
    pub label: String,
    pub value: String,
    pub note: String,
}

/// A row of the components table.
pub struct ComponentRow {
    pub name: String,
    pub one_time: String,
    pub monthly: String,
    pub how: String,
}

/// A row of the assumptions table.
pub struct AssumptionRow {
    pub group: String,
    pub label: String,
    pub value: String,
    pub unit: String,
    pub source: String,
}

/// The memo's Markdown template and its context: every string already
/// formatted and escaped for Markdown.
#[derive(Template)]
#[template(path = "memo.md", escape = "none")]
pub struct MemoMarkdown {
    pub title: String,
    pub as_of: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
    pub verdict: String,
    pub answer: String,
    pub key_figures: Vec<Row>,
    pub components: Vec<ComponentRow>,
    pub monthly: Vec<Row>,
    pub break_even: Vec<Row>,
    pub break_even_note: String,
    pub payback: String,
    pub warnings: Vec<Row>,
    pub reasons: Vec<Row>,
    pub score: String,
    pub decision_verdict: String,
    pub assumptions: Vec<AssumptionRow>,
    pub audit: Vec<Row>,
    pub trace: Vec<Row>,
}

/// The HTML shell around the rendered Markdown.
#[derive(Template)]
#[template(path = "memo.html")]
pub struct MemoHtml<'a> {
    pub title: &'a str,
    pub body: &'a str,
}

/// Escapes text from a plan for Markdown so it renders literally, also inside
/// table cells: emphasis, links, images, raw HTML, entities, tables and math
/// lose their meaning.
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

fn row(label: impl Into<String>, value: impl Into<String>, note: impl Into<String>) -> Row {
    Row {
        label: label.into(),
        value: value.into(),
        note: note.into(),
    }
}

/// The two or three sentences that answer the question.
fn answer(r: &Report) -> String {
    let savings = r.num("monthly_savings").unwrap_or(0.0);
    let life = r.show("lifetime_months");
    let volume = r.show("current_daily_tokens");
    let payback = match r.num("payback_months") {
        Some(_) => format!(
            "pays back the {} project in {} months",
            r.show("total_project_cost"),
            r.show("payback_months")
        ),
        None => format!(
            "never pays back the {} project",
            r.show("total_project_cost")
        ),
    };
    let break_even = match r.num("break_even_tokens_per_day_all_in") {
        Some(_) => format!(
            "Today's {volume} tokens/day is {} the all-in break-even of {} tokens/day.",
            if r.flag("is_above_break_even_all_in") { "above" } else { "below" },
            r.show("break_even_tokens_per_day_all_in")
        ),
        None => format!(
            "At today's {volume} tokens/day no volume breaks even: the extra review cost per token is at least the API price."
        ),
    };
    if r.fine_tune() {
        format!(
            "Fine-tuning saves {}/month after amortization and {payback}, within its {life}-month life. {break_even}",
            format::money0(savings)
        )
    } else {
        format!(
            "Fine-tuning would cost {}/month more than the API after amortization, and {payback} within its {life}-month life. {break_even}",
            format::money0(-savings)
        )
    }
}

fn figure(r: &Report, id: &str) -> Row {
    let doc = r.model.get(id).map_or(String::new(), |q| q.doc.clone());
    row(r.label(id), r.show(id), doc)
}

/// Builds the Markdown context.
pub fn markdown_context(r: &Report) -> MemoMarkdown {
    let meta = &r.inputs.meta;
    let key_figures = xlsx::KEY_FIGURES.iter().map(|id| figure(r, id)).collect();

    let share = |id: &str, total: &str| -> String {
        match (r.num(id), r.num(total)) {
            (Some(x), Some(t)) if t.abs() > 0.0 => format!(
                "{} of the {}",
                format::percent(x / t),
                r.label(total).to_lowercase()
            ),
            _ => String::new(),
        }
    };
    let training_how = if r.inputs.shape.has_training && !r.inputs.shape.cost_per_run_given {
        format!(
            "{} runs × {} per run, estimated: {} tokens at {} tokens/s plus {} overhead is {} hours at {}/hour",
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
            "{} runs × {} per run",
            r.show("training_runs"),
            r.show("compute_cost_per_run")
        )
    };
    let components = vec![
        ComponentRow {
            name: "1. Training compute".into(),
            one_time: r.show("compute_cost"),
            monthly: String::new(),
            how: format!(
                "{training_how}; {}",
                share("compute_cost", "total_project_cost")
            ),
        },
        ComponentRow {
            name: "2. Engineering time".into(),
            one_time: r.show("engineering_cost"),
            monthly: String::new(),
            how: format!(
                "{} hours × {}/hour; {}",
                r.show("engineering_hours_total"),
                r.show("engineer_hourly_rate"),
                share("engineering_cost", "total_project_cost")
            ),
        },
        ComponentRow {
            name: "3. Serving infrastructure".into(),
            one_time: String::new(),
            monthly: format!(
                "{} + {} storage",
                r.show("monthly_serving_cost"),
                r.show("monthly_storage_cost")
            ),
            how: format!(
                "{} instances × {}/hour × {} hours × {} days; {} GB of weights at {}/GB-month; {}",
                r.show("serving_instances"),
                r.show("serving_cost_per_hour"),
                r.show("hours_per_day"),
                r.show("days_per_month"),
                r.show("model_storage_gb"),
                r.show("storage_price_per_gb_month"),
                share("monthly_serving_cost", "monthly_ft_total"),
            ),
        },
        ComponentRow {
            name: "4. Quality (human review)".into(),
            one_time: String::new(),
            monthly: r.show("monthly_quality_cost_delta"),
            how: format!(
                "{} requests/month × ({} − {}) review rate × {}/review; {}",
                r.show("monthly_requests"),
                r.show("review_rate_ft"),
                r.show("review_rate_api"),
                r.show("cost_per_review"),
                share("monthly_quality_cost_delta", "monthly_ft_total"),
            ),
        },
    ];
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
    let break_even_note = format!(
        "The seed's break-even compares the API bill with serving and storage only. The review cost grows with volume just as the API bill does, and the project cost must be repaid, so the all-in break-even is the one that decides: today's volume is {} it.",
        if r.flag("is_above_break_even_all_in") { "above" } else { "below" }
    );
    let payback = match r.num("payback_months") {
        Some(_) => format!(
            "The {} project is repaid by {}/month of savings before amortization in **{} months**, leaving {} months of savings within the {}-month lifetime; net savings over the lifetime are {}.",
            r.show("total_project_cost"),
            r.show("monthly_savings_before_amortization"),
            r.show("payback_months"),
            r.show("months_of_savings_after_payback"),
            r.show("lifetime_months"),
            r.show("lifetime_net_savings"),
        ),
        None => format!(
            "The project **never pays back**: before amortization the fine-tuned setup costs {}/month more than the API. Over the {}-month lifetime the net result is {}.",
            format::money(-r.num("monthly_savings_before_amortization").unwrap_or(0.0)),
            r.show("lifetime_months"),
            r.show("lifetime_net_savings"),
        ),
    };
    let warnings = r
        .warnings
        .iter()
        .map(|w| row(w.title, md_escape(&w.message), ""))
        .collect();
    let reasons = r
        .reasons
        .iter()
        .map(|x| row(r.label(x.id), format!("{:+}", x.points), x.text.clone()))
        .collect();
    let assumptions = r
        .inputs
        .items
        .iter()
        .filter(|i| i.group != Group::DecisionRules)
        .map(|i| AssumptionRow {
            group: i.group.title().to_string(),
            label: md_escape(&i.label),
            value: md_escape(&format::value(&i.value, i.unit)),
            unit: i.unit.label().to_string(),
            source: md_escape(&i.source.describe()),
        })
        .collect();
    let lay = xlsx::layout(r);
    let trace = xlsx::KEY_FIGURES
        .iter()
        .map(|id| {
            let sheet = lay.places.get(*id).map_or("", |p| p.sheet);
            row(r.label(id), format!("`{id}`"), sheet)
        })
        .collect();
    let audit = vec![
        row("Plan file", md_escape(&meta.file), ""),
        row("Plan SHA-256", format!("`{}`", meta.sha256), ""),
        row(
            "Tool",
            format!("finetune-roi {}", env!("CARGO_PKG_VERSION")),
            "",
        ),
        row("Figures as of", meta.as_of.to_string(), ""),
        row(
            "Generated at",
            r.generated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "",
        ),
        row(
            "Workbook",
            format!(
                "every input on the {INPUTS_SHEET} sheet; every figure a formula on its sheet ({})",
                Sheet::ALL.map(|s| s.name()).join(", ")
            ),
            "",
        ),
    ];
    MemoMarkdown {
        title: md_escape(&meta.title),
        as_of: meta.as_of.to_string(),
        owner: meta.owner.as_deref().map(md_escape),
        notes: meta.notes.as_deref().map(md_escape),
        verdict: r.verdict().to_string(),
        answer: answer(r),
        key_figures,
        components,
        monthly,
        break_even,
        break_even_note,
        payback,
        warnings,
        reasons,
        score: r.show("decision_score"),
        decision_verdict: r.show("decision_verdict"),
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

/// The memo as a self-contained HTML page.
pub fn render_html(r: &Report) -> String {
    let body = markdown_to_html(&render_markdown(r));
    MemoHtml {
        title: &r.inputs.meta.title,
        body: &body,
    }
    .render()
    .expect("memo shell renders")
}
