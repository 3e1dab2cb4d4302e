//! The memo: verdict first, warnings with their figures, charts, what would
//! change the decision, the audit trail, plan text inert.

use std::path::Path;

use finetune_roi::render::{json, memo, xlsx};
use finetune_roi::report::Report;
use serde_json::Value as Json;

use super::common::*;

/// Evaluates an example plan under its relative name, so no machine path
/// reaches the memo (and the snapshots).
fn example_report(path: &Path) -> Report {
    let text = std::fs::read_to_string(path).unwrap();
    let name = format!("inputs/{}", path.file_name().unwrap().to_string_lossy());
    finetune_roi::evaluate_text(&text, &name, fixed_time())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The text of a Markdown section, from its heading to the next heading of
/// the same or a higher level.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no `{heading}` in the memo"));
    let body = &md[start + 1 + heading.len()..];
    match body.find("\n## ") {
        Some(end) => &body[..end],
        None => body,
    }
}

/// Splits a GFM table row at its unescaped pipes and unescapes each cell.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = line.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    cell.push(next);
                }
            }
            '|' => {
                out.push(cell.trim().to_string());
                cell.clear();
            }
            c => cell.push(c),
        }
    }
    // A row starts and ends with a pipe: drop the empty edges.
    out.remove(0);
    out
}

/// The first table in a piece of Markdown: header cells, then the rows.
fn first_table(md: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let lines: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(lines.len() >= 2, "no table in:\n{md}");
    let header = cells(lines[0]);
    let rows = lines[2..].iter().map(|l| cells(l)).collect();
    (header, rows)
}

/// Number of decimals shown in a displayed number.
fn decimals(shown: &str) -> i32 {
    shown.split_once('.').map_or(0, |(_, f)| {
        f.chars().take_while(char::is_ascii_digit).count() as i32
    })
}

/// Checks that a displayed value equals the JSON value to the precision shown.
fn assert_displayed_equals(label: &str, shown: &str, expected: &Json) {
    match expected {
        Json::Null => assert_eq!(shown, "never", "{label}"),
        Json::String(s) => assert_eq!(shown, s, "{label}"),
        Json::Bool(b) => assert_eq!(shown, if *b { "yes" } else { "no" }, "{label}"),
        Json::Number(n) => {
            let x = n.as_f64().unwrap();
            let negative = shown.starts_with('-');
            let digits: String = shown
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let mut value: f64 = digits
                .parse()
                .unwrap_or_else(|_| panic!("{label}: `{shown}` is not a number"));
            let mut places = decimals(shown);
            if shown.ends_with('%') {
                value /= 100.0;
                places += 2;
            }
            if negative {
                value = -value;
            }
            let tolerance = 0.5 * 10f64.powi(-places) + 1e-9 * x.abs().max(1.0);
            assert!(
                (value - x).abs() <= tolerance,
                "{label}: the memo shows {shown}, the JSON has {x}"
            );
        }
        other => panic!("{label}: unexpected JSON {other}"),
    }
}

#[test]
fn the_worked_examples_review_cost_is_a_warning() {
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let md = memo::render_markdown(&r);
    let warnings = section(&md, "## Warnings");
    assert!(
        warnings.contains("Review cost larger than the API bill"),
        "{warnings}"
    );
    assert!(warnings.contains("225,000/month"), "{warnings}");
    assert!(warnings.contains("8,250/month"), "{warnings}");
    // The verdict comes first, and the answer names the warnings.
    let answer = md.find("## The answer").unwrap();
    assert!(answer < md.find("## Key figures").unwrap());
    assert!(md[answer..].starts_with("## The answer\n\n**Stay on the API.**"));
    assert!(section(&md, "## The answer").contains("Warnings (3)"));
}

#[test]
fn the_sections_follow_the_issues_order() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let md = memo::render_markdown(&r);
    let order = [
        "# Fine-tuning decision: ",
        "## The answer",
        "## Key figures",
        "## The decision path",
        "## The four cost components",
        "## Monthly comparison",
        "## Break-even",
        "## Payback and cash flow",
        "## Decision factors",
        "## Warnings",
        "## What would change the decision",
        "## Assumptions",
        "## Audit trail",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|h| md.find(h).unwrap_or_else(|| panic!("no `{h}`")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let head = &md[..positions[1]];
    assert!(head.contains("inputs/customer-support-50m.yaml"), "{head}");
    assert!(head.contains("2026-11-01"), "{head}");
    assert!(head.contains("Support engineering"), "{head}");
}

#[test]
fn key_figures_read_back_equal_the_json() {
    for path in example_plans() {
        let r = example_report(&path);
        let md = memo::render_markdown(&r);
        let doc = json::document(&r);
        // The audit trail says which defined name each figure has.
        let trail = section(&md, "## Audit trail");
        let names_at = trail.find("Where each figure lives").unwrap();
        let (_, places) = first_table(&trail[names_at..]);
        let (header, rows) = first_table(section(&md, "## Key figures"));
        assert_eq!(header, ["Figure", "Value", "Unit", "What it means"]);
        assert_eq!(rows.len(), xlsx::KEY_FIGURES.len(), "{}", path.display());
        for row in &rows {
            let place = places.iter().find(|p| p[0] == row[0]).unwrap_or_else(|| {
                panic!("{}: `{}` is not in the audit trail", path.display(), row[0])
            });
            let id = place[1].trim_matches('`');
            assert!(xlsx::KEY_FIGURES.contains(&id), "{id}");
            let label = format!("{} {id}", path.display());
            assert_displayed_equals(&label, &row[1], &doc["results"][id]);
        }
    }
}

#[test]
fn the_audit_trail_names_sheet_cell_hash_version_and_times() {
    let r = report_of(&root().join("inputs/startup-gpt4-8k.yaml"));
    let md = memo::render_markdown(&r);
    let trail = section(&md, "## Audit trail");
    assert!(trail.contains(&format!("`{}`", r.inputs.meta.sha256)));
    assert_eq!(r.inputs.meta.sha256.len(), 64);
    assert!(trail.contains(&format!("finetune-roi {}", env!("CARGO_PKG_VERSION"))));
    assert!(trail.contains("| Figures as of | 2026-11-01 |"));
    assert!(trail.contains("| Generated at | 2026-11-01T12:00:00Z |"));
    let names_at = trail.find("Where each figure lives").unwrap();
    let (header, rows) = first_table(&trail[names_at..]);
    assert_eq!(header, ["Figure", "Defined name", "Sheet", "Cell"]);
    let lay = xlsx::layout(&r);
    for id in xlsx::KEY_FIGURES {
        let row = rows
            .iter()
            .find(|row| row[1] == format!("`{id}`"))
            .unwrap_or_else(|| panic!("{id} is not traced"));
        let place = &lay.places[*id];
        assert_eq!(row[2], place.sheet, "{id}");
        assert_eq!(row[3], format!("`{}`", place.reference()), "{id}");
    }
}

#[test]
fn what_would_change_the_decision_shows_the_models_thresholds() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    assert!(r.fine_tune());
    let md = memo::render_markdown(&r);
    let (_, rows) = first_table(section(&md, "## What would change the decision"));
    let expect = [
        ("current_daily_tokens", "break_even_tokens_per_day_all_in"),
        ("review_rate_ft", "flip_review_rate_ft"),
        ("serving_cost_per_hour", "flip_serving_cost_per_hour"),
        ("engineering_hours_total", "flip_engineering_hours"),
    ];
    assert_eq!(rows.len(), expect.len());
    for (row, (today, flip)) in rows.iter().zip(expect) {
        assert_eq!(row[1], r.show(today), "{today}");
        assert_eq!(row[2], r.show(flip), "{flip}");
        assert!(
            row[3].contains("stops paying") || row[3].contains("stays within"),
            "{row:?}"
        );
    }

    // The worked example stays on the API: thresholds it cannot reach say so.
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let md = memo::render_markdown(&r);
    let (_, rows) = first_table(section(&md, "## What would change the decision"));
    assert_eq!(rows[0][2], "never", "no volume breaks even: {rows:?}");
    assert!(rows[0][3].starts_with("No volume flips it"), "{rows:?}");
    assert_eq!(rows[1][2], r.show("flip_review_rate_ft"));
    assert!(rows[1][3].starts_with("Fine-tuning pays if"), "{rows:?}");
    assert!(r.num("flip_serving_cost_per_hour").unwrap() < 0.0);
    assert_eq!(rows[2][2], "none", "{rows:?}");
    assert!(
        rows[2][3].contains(&r.show("flip_serving_cost_per_hour")),
        "{rows:?}"
    );
}

#[test]
fn the_markdown_carries_chart_data_and_a_mermaid_decision_path() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let md = memo::render_markdown(&r);
    // The decision path: volume → break-even → payback → verdict.
    let mermaid = md
        .split("```mermaid\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    for edge in ["volume -->", "breakeven -->", "payback -->"] {
        assert!(mermaid.contains(edge), "{mermaid}");
    }
    assert!(mermaid.contains(&r.show("break_even_tokens_per_day_all_in")));
    assert!(mermaid.contains("Fine-tune"));
    // The volume chart's data: the eight volume cases, today's among them.
    let (_, rows) = first_table(md.split("<!-- memo:chart-volume -->").nth(1).unwrap());
    assert_eq!(rows.len(), 8);
    assert!(rows
        .iter()
        .any(|row| row[1] == r.show("current_daily_tokens")));
    // The cash flow's data: months 0 to the lifetime.
    let (_, rows) = first_table(md.split("<!-- memo:chart-cashflow -->").nth(1).unwrap());
    assert_eq!(rows.len(), 19);
    assert_eq!(rows[18][2], r.show("cashflow_lifetime_net"));
    // No unescaped dollar sign can start GitHub math outside code.
    for line in md.lines().filter(|l| !l.contains('`')) {
        let bytes = line.as_bytes();
        for (k, b) in bytes.iter().enumerate() {
            if *b == b'$' {
                assert!(k > 0 && bytes[k - 1] == b'\\', "unescaped $ in: {line}");
            }
        }
    }
}

#[test]
fn the_html_places_three_charts_and_the_plain_decision_path() {
    for path in example_plans() {
        let r = example_report(&path);
        let html = memo::render_html(&r);
        assert_eq!(html.matches("<svg ").count(), 3, "{}", path.display());
        assert_eq!(html.matches("<figure>").count(), 3);
        for id in ["chart-volume", "chart-composition", "chart-cashflow"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(!html.contains("<script"));
        assert!(
            !html.contains("&lt;!-- memo:"),
            "a slot marker leaked as text"
        );
        assert!(
            !html.contains("language-mermaid"),
            "the Mermaid source leaked"
        );
        let flow = html.split("<pre class=\"flow\">").nth(1).unwrap();
        assert!(
            flow.starts_with("Today&#39;s volume") || flow.starts_with("Today's volume"),
            "{flow}"
        );
        assert!(
            flow.contains(&format!("Verdict{}", " ".repeat(13))),
            "{flow}"
        );
    }
}

#[test]
fn markdown_snapshots_of_the_example_plans() {
    for path in example_plans() {
        let r = example_report(&path);
        let md = memo::render_markdown(&r);
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("memo_{stem}"), md);
        });
    }
}

#[test]
fn plan_text_is_inert_in_markdown_and_html() {
    let hostile =
        "<script>alert(1)</script> [x](javascript:alert(1)) | **bold** ![i](http://e.x/i.png)";
    let text = replace_once(
        &worked_example_text(),
        "plan: Customer support chatbot — GPT-4o to a fine-tuned 7B",
        &format!("plan: \"{hostile}\"\nowner: \"{hostile}\""),
    );
    let text = replace_once(
        &text,
        "notes: >-\n  The lesson's worked example, as given.",
        &format!("notes: >-\n  {hostile} The lesson's worked example, as given."),
    );
    let text = replace_once(
        &text,
        "{data: 40,",
        "{\"<img src=x onerror=alert(1)> a|b **c**\": 40,",
    );
    let r = report_of_text(&text);

    let html = memo::render_html(&r);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        !html.contains("javascript:alert(1)\""),
        "a javascript: link survived"
    );
    assert!(
        !html.contains("href=\"javascript"),
        "a javascript: link survived"
    );
    assert!(
        !html.contains("<strong>bold</strong>"),
        "plan emphasis became markup"
    );
    assert!(
        !html.contains("<strong>c</strong>"),
        "plan emphasis became markup"
    );
    // The text shows as written: in the title, the heading, the owner and the notes.
    let shown = "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) | **bold** ![i](http://e.x/i.png)";
    // askama escapes the shell's title with numeric entities.
    let in_title = shown.replace("&lt;", "&#60;").replace("&gt;", "&#62;");
    assert!(
        html.contains(&format!("<title>Fine-tuning decision: {in_title}</title>")),
        "{html}"
    );
    assert!(
        html.contains(&format!("<h1>Fine-tuning decision: {shown}</h1>")),
        "{html}"
    );
    assert!(
        html.contains(&format!("<blockquote>\n<p>{shown} The lesson")),
        "{html}"
    );
    assert_eq!(html.matches(shown).count(), 3, "heading, owner, notes");
    assert!(
        html.contains("Hours: &lt;img src=x onerror=alert(1)&gt; a|b **c**"),
        "{html}"
    );

    let md = memo::render_markdown(&r);
    assert!(
        md.contains("\\<script\\>"),
        "the Markdown must escape plan text"
    );
    assert!(md.contains("\\*\\*bold\\*\\*"));
    assert!(md.contains("\\[x\\](javascript:alert(1))"));
    assert!(md.contains("a\\|b"));
    // Every table keeps its columns: a pipe from the plan never adds a cell.
    let mut width = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = cells(line).len();
            let w = *width.get_or_insert(n);
            assert_eq!(n, w, "a row lost its shape: {line}");
        } else {
            width = None;
        }
    }
}

#[test]
fn raw_html_and_bad_links_are_neutralized_in_markdown_conversion() {
    let html = memo::markdown_to_html(
        "<b>x</b> [a](javascript:alert(1)) [b](https://example.com) ![c](data:image/png;base64,xx)",
    );
    assert!(!html.contains("<b>"));
    assert!(html.contains("href=\"#\""));
    assert!(html.contains("href=\"https://example.com\""));
    assert!(!html.contains("data:image"));
}
