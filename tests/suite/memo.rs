//! The memo: a brief (verdict first, key figures, one chart, warnings with
//! their figures, what would change the decision, the recommendation), then
//! an appendix with the workings and the audit trail; plan text inert.

use std::path::Path;

use finetune_roi::format;
use finetune_roi::model::Role;
use finetune_roi::render::{json, layout, memo};
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
/// the same or a higher level (a `##` section ends at the next `##` or at
/// the appendix's `#`).
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no `{heading}` in the memo"));
    let body = &md[start + 1 + heading.len()..];
    let end = [body.find("\n## "), body.find("\n# ")]
        .into_iter()
        .flatten()
        .min();
    match end {
        Some(end) => &body[..end],
        None => body,
    }
}

/// The heading of the memo's appendix.
const APPENDIX: &str = "\n# Appendix: the workings, for the auditor\n";

/// The brief: the memo up to its appendix.
fn brief(md: &str) -> &str {
    &md[..md.find(APPENDIX).expect("the memo has an appendix")]
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
    assert!(warnings.contains("225,000 a month"), "{warnings}");
    assert!(warnings.contains("8,250 a month"), "{warnings}");
    // The verdict comes first; every warning is in the brief, once.
    let answer = md.find("## The answer").unwrap();
    assert!(answer < md.find("## Key figures").unwrap());
    assert!(md[answer..].starts_with("## The answer\n\n**Stay on the API.**"));
    assert!(brief(&md).contains("\n## Warnings\n"));
    assert!(r.warnings.len() >= 3, "{:?}", r.warnings);
    assert_eq!(
        warnings.lines().filter(|l| l.starts_with("- **")).count(),
        r.warnings.len()
    );
    for w in &r.warnings {
        assert!(
            warnings.contains(&format!("- **{}.**", md_escaped(&w.title))),
            "{} is not named: {warnings}",
            w.title
        );
    }
}

#[test]
fn the_sections_follow_the_issues_order() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let md = memo::render_markdown(&r);
    // The brief, then the appendix; no section without anything to say
    // (this plan has no ranges, hence no Uncertainty, and no options).
    let order = [
        "# Fine-tuning decision: ",
        "## The answer",
        "## Key figures",
        "## Cost against volume",
        "## Warnings",
        "## What would change the decision",
        APPENDIX.trim(),
        "## The decision path",
        "## The cost components",
        "## Monthly comparison",
        "## Break-even",
        "## Payback and cash flow",
        "## Decision factors",
        "## Assumptions",
        "## Audit trail",
    ];
    assert!(!md.contains("## Uncertainty"));
    assert!(!md.contains("## Options") && !md.contains("## Recommendation"));
    // Each section once.
    assert_eq!(md.matches("\n# ").count(), 1, "the title and the appendix");
    for h in &order[1..] {
        assert_eq!(md.matches(&format!("\n{h}\n")).count(), 1, "{h}");
    }
    let positions: Vec<usize> = order
        .iter()
        .map(|h| md.find(h).unwrap_or_else(|| panic!("no `{h}`")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let head = &md[..positions[1]];
    assert!(
        head.contains("**Plan:** customer-support-50m.yaml"),
        "{head}"
    );
    assert!(
        !head.contains("inputs/"),
        "the brief names the file, not its path: {head}"
    );
    assert!(head.contains("2026-11-01"), "{head}");
    assert!(head.contains("Support engineering"), "{head}");
}

#[test]
fn key_figures_read_back_equal_the_json() {
    for path in example_plans() {
        let r = example_report(&path);
        let md = memo::render_markdown(&r);
        let doc = json::document(&r);
        let (header, rows) = first_table(section(&md, "## Key figures"));
        assert_eq!(header, ["Figure", "Value", "What it means"]);
        // Page 1 quotes one candidate: the key figures are the recommended
        // one's (an option's own results when an option is recommended), and
        // its payback and net present value are those the answer gives.
        let recommended = doc["recommended"].as_str().unwrap();
        let figures = doc["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == recommended)
            .map_or(&doc["results"], |o| &o["results"]);
        for (id, answer) in [
            ("payback_months", "recommended_payback_months"),
            ("npv", "recommended_npv"),
            ("total_project_cost", "recommended_project_cost"),
        ] {
            assert_eq!(
                figures[id],
                doc["results"][answer],
                "{} {id}",
                path.display()
            );
        }
        // Five to seven figures, those the model gives the role, in its order.
        let key = r.model.with_role(Role::KeyFigure);
        assert!((5..=7).contains(&rows.len()), "{}", path.display());
        assert_eq!(rows.len(), key.len(), "{}", path.display());
        for (row, id) in rows.iter().zip(&key) {
            assert_eq!(row[0], r.label(id), "{}", path.display());
            // The value with its unit after it, read back against the JSON.
            let unit = r.unit(id).label();
            let number = match unit.strip_prefix('$') {
                Some(per) if !per.is_empty() => row[1].strip_suffix(per),
                Some(_) => Some(row[1].as_str()),
                None if unit.is_empty() || unit == "fraction" => Some(row[1].as_str()),
                None => row[1]
                    .strip_suffix(&format!(" {unit}"))
                    .or_else(|| (row[1] == "never").then_some("never")),
            }
            .unwrap_or_else(|| panic!("{id}: `{}` does not end in {unit}", row[1]));
            let label = format!("{} {id}", path.display());
            assert_displayed_equals(&label, number, &figures[*id]);
            assert!(!row[2].is_empty(), "{id}: no meaning");
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
    let lay = layout::layout(&r);
    for id in r.model.with_role(Role::Headline) {
        let row = rows
            .iter()
            .find(|row| row[1] == format!("`{id}`"))
            .unwrap_or_else(|| panic!("{id} is not traced"));
        let place = &lay.places[id];
        assert_eq!(row[2], place.sheet, "{id}");
        assert_eq!(row[3], format!("`{}`", place.reference()), "{id}");
    }
}

#[test]
fn what_would_change_the_decision_shows_the_reports_levers() {
    use finetune_roi::format::number;
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    assert!(r.fine_tune());
    let md = memo::render_markdown(&r);
    let (_, rows) = first_table(section(&md, "## What would change the decision"));
    // The volume, the review rate, the serving price, the engineering hours
    // and the price trend, at least; each row the report's lever.
    assert!(rows.len() >= 5, "{rows:?}");
    assert_eq!(rows.len(), r.levers.len());
    for (row, l) in rows.iter().zip(&r.levers) {
        assert_eq!(row[0], l.label, "{row:?}");
        assert_eq!(row[1], number(l.today, l.unit));
        assert_eq!(row[2], number(l.flips_at, l.unit));
        assert!(row[3].starts_with("The recommendation changes"), "{row:?}");
    }
    let trend = r
        .levers
        .iter()
        .find(|l| l.input == "baseline.price_change_per_year")
        .expect("a price-trend lever");
    assert_eq!(
        r.price_flip,
        finetune_roi::report::PriceFlip::At(trend.flips_at)
    );

    // The worked example stays on the API: the levers say what would make
    // fine-tuning pay, and none that cannot is listed.
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let md = memo::render_markdown(&r);
    let (_, rows) = first_table(section(&md, "## What would change the decision"));
    assert_eq!(rows.len(), r.levers.len());
    assert!(
        r.levers.iter().any(|l| l.input == "quality.review_rate_ft"),
        "{rows:?}"
    );
    for row in &rows {
        assert!(row[3].starts_with("Fine-tuning pays if"), "{rows:?}");
    }
    assert!(
        !r.levers.iter().any(|l| l.input == "serving.cost_per_hour"),
        "even free instances do not flip it"
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
    // The volume chart's data, in the appendix: the eight volume cases,
    // today's among them.
    let (_, rows) = first_table(md.split("<!-- memo:volume-data -->").nth(1).unwrap());
    assert_eq!(rows.len(), 8);
    assert!(rows
        .iter()
        .any(|row| row[1] == r.show("current_daily_tokens")));
    assert!(md.find("<!-- memo:volume-data -->").unwrap() > md.find(APPENDIX).unwrap());
    // The cash flow's data: months 0 to the lifetime, a row per change.
    let cash = md.split("<!-- memo:chart-cashflow -->").nth(1).unwrap();
    let (header, rows) = first_table(cash);
    assert_eq!(
        header,
        [
            "Months",
            "Net cash flow each month ($)",
            "Cumulative at the end ($)"
        ]
    );
    // Flat traffic: the project month, then one row for every month after.
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0], "0");
    assert_eq!(rows[1][0], "1–18");
    assert_eq!(rows[1][2], r.show("lifetime_net"));
    assert_cash_rows_add_up(&r, &rows);
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

/// Parses a dollar amount as the memo shows it, such as "-$18,120.00".
fn dollars(shown: &str) -> f64 {
    let negative = shown.starts_with('-');
    let x: f64 = shown
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("`{shown}` is not an amount"));
    if negative {
        -x
    } else {
        x
    }
}

/// The summarized cash flow covers months 0 to the lifetime without a gap;
/// consecutive rows differ in their net; each row's cumulative is the one
/// before plus its months' net, and the last is the lifetime's net.
fn assert_cash_rows_add_up(r: &Report, rows: &[Vec<String>]) {
    let mut next_month = 0;
    let mut cumulative = 0.0;
    // Each month's net is shown to the cent: the sum of the shown nets may
    // drift from the shown cumulative by half a cent a month.
    for (k, row) in rows.iter().enumerate() {
        let (first, last) = match row[0].split_once('–') {
            Some((a, b)) => (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()),
            None => (row[0].parse().unwrap(), row[0].parse().unwrap()),
        };
        assert_eq!(first, next_month, "{rows:?}");
        assert!(last >= first);
        next_month = last + 1;
        if k > 0 {
            assert_ne!(
                rows[k - 1][1],
                row[1],
                "two rows with the same net: {rows:?}"
            );
        }
        cumulative += dollars(&row[1]) * (last - first + 1) as f64;
        let shown = dollars(&row[2]);
        assert!(
            (shown - cumulative).abs() <= 0.005 * (last + 2) as f64 + 1e-6,
            "{rows:?}: {shown} against {cumulative}"
        );
    }
    assert_eq!(
        next_month as f64 - 1.0,
        r.num("lifetime_months").unwrap(),
        "{rows:?}"
    );
    assert_eq!(rows.last().unwrap()[2], r.show("lifetime_net"));
}

#[test]
fn every_example_summarizes_its_cash_flow_by_change() {
    for path in example_plans() {
        let r = example_report(&path);
        let md = memo::render_markdown(&r);
        let cash = md.split("<!-- memo:chart-cashflow -->").nth(1).unwrap();
        let (_, rows) = first_table(cash);
        assert_cash_rows_add_up(&r, &rows);
        // Without growth or a price trend, every month after the project's
        // is alike: two rows.
        let flat = r.num("volume_growth_per_month") == Some(0.0)
            && r.num("api_price_change_per_year") == Some(0.0);
        if flat && r.num("lifetime_net").is_some() {
            assert!(rows.len() <= 3, "{}: {rows:?}", path.display());
        }
    }
}

#[test]
fn the_html_places_its_charts_and_the_plain_decision_path() {
    let mut with_ranges = 0;
    for path in example_plans() {
        let r = example_report(&path);
        let html = memo::render_html(&r);
        // Three charts for every plan; with ranges, the payback distribution
        // and the tornado besides.
        let mut ids = vec!["chart-volume", "chart-composition", "chart-cashflow"];
        if !r.inputs.ranges.is_empty() {
            with_ranges += 1;
            ids.extend(["chart-payback", "chart-tornado"]);
        }
        let n = ids.len();
        assert_eq!(html.matches("<svg ").count(), n, "{}", path.display());
        assert_eq!(html.matches("<figure>").count(), n);
        for id in &ids {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        // Figures are numbered in the order they appear.
        for k in 1..=n {
            let at = html
                .find(&format!("<figcaption>Figure {k}. "))
                .unwrap_or_else(|| panic!("{}: no Figure {k}", path.display()));
            if k > 1 {
                assert!(
                    html.find(&format!("<figcaption>Figure {}. ", k - 1))
                        .unwrap()
                        < at
                );
            }
        }
        assert!(!html.contains(&format!("Figure {}. ", n + 1)));
        // The brief carries one chart, the volume chart, where it is the
        // answer's (the plan's, or the API's against the plan); with an
        // option recommended it is in the appendix, so that page 1 quotes
        // one candidate. The rest are in the appendix, which starts on a
        // page of its own.
        let appendix = html
            .find("<div class=\"appendix-start\" id=\"appendix\"></div>\n<h1>Appendix")
            .unwrap_or_else(|| panic!("{}: no appendix", path.display()));
        let on_page_one = r.recommended_option_index().is_none();
        assert_eq!(
            html[..appendix].matches("<figure>").count(),
            usize::from(on_page_one),
            "{}",
            path.display()
        );
        assert_eq!(
            html.find("id=\"chart-volume\"").unwrap() < appendix,
            on_page_one,
            "{}",
            path.display()
        );
        // Every table scrolls sideways inside its box on a narrow screen.
        assert_eq!(
            html.matches("<table>").count(),
            html.matches("<div class=\"table-box\" style=\"overflow-x:auto\">\n<table>")
                .count(),
            "{}",
            path.display()
        );
        assert!(!outside_script(&html).contains("<script"));
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
    assert!(with_ranges >= 1, "no example plan with ranges");
}

/// The composition chart's bars, top to bottom: each bar's name and the
/// value written beside it.
fn composition_bars(html: &str) -> Vec<(String, String)> {
    let svg = between(html, "id=\"chart-composition\"", "</svg>");
    svg.split("text-anchor=\"end\">")
        .skip(1)
        .map(|bar| {
            let name = bar.split("</text>").next().unwrap().to_string();
            let value = between(bar, "font-weight=\"600\">", "</text>").to_string();
            (name, value)
        })
        .collect()
}

/// The composition chart draws the API bill, then every part of the
/// fine-tuned total the model names (the quantities playing
/// `Role::Composition`), then the total, and the parts add up to it: on
/// every example and on a plan whose own candidate is managed, which has a
/// part (the managed model's tokens) a self-hosted plan lacks.
#[test]
fn the_composition_chart_draws_every_part_of_the_total() {
    let managed = replace_once(
        &worked_example_text(),
        "baseline:",
        "kind: managed\noffer: openai-gpt-4o\nbaseline:",
    );
    let mut reports: Vec<(String, Report)> = example_plans()
        .iter()
        .map(|p| (p.display().to_string(), example_report(p)))
        .collect();
    reports.push(("a managed plan".to_string(), report_of_text(&managed)));
    let mut saw_managed_part = false;
    for (name, r) in &reports {
        let bars = composition_bars(&memo::render_html(r));
        let parts = r.model.with_role(Role::Composition);
        // The recommended candidate's figures (the plan's unless an option
        // is recommended).
        let case = r.recommended_case();
        let show = |id: &str| finetune_roi::format::value(case.value(r, id), r.unit(id));
        assert_eq!(bars.len(), parts.len() + 2, "{name}: {bars:?}");
        assert_eq!(
            bars[0],
            ("API bill today".to_string(), show("monthly_api_cost"))
        );
        let total = bars.last().unwrap();
        assert_eq!(
            total,
            &("Fine-tuned total".to_string(), show("monthly_ft_total"))
        );
        for (bar, id) in bars[1..bars.len() - 1].iter().zip(&parts) {
            let q = r.model.get(id).unwrap();
            assert_eq!(bar, &(q.short_or_label().to_string(), show(id)), "{name}");
            if *id == "monthly_managed_inference_cost" && case.value(r, id).as_num().unwrap() > 0.0
            {
                saw_managed_part = true;
            }
        }
        let sum: f64 = bars[1..bars.len() - 1]
            .iter()
            .map(|(_, v)| dollars(v))
            .sum();
        assert!(
            (sum - dollars(&total.1)).abs() <= 0.005 * parts.len() as f64 + 1e-9,
            "{name}: the parts {bars:?} do not add up to the total"
        );
    }
    assert!(saw_managed_part, "no plan paid a managed model's tokens");
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in: {text}"))
        + start.len();
    let len = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}` in: {text}"));
    &text[from..from + len]
}

/// Parses a displayed count such as "10,000".
fn count(shown: &str) -> u64 {
    shown
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("`{shown}` is not a count"))
}

fn uncertain_report() -> Report {
    example_report(&root().join("inputs/support-bot-uncertain.yaml"))
}

#[test]
fn the_odds_sentence_and_the_uncertainty_tables_match_the_json_simulation() {
    let r = uncertain_report();
    let doc = json::document(&r);
    let sim = &doc["simulation"];
    let md = memo::render_markdown(&r);
    let answer = section(&md, "## The answer");
    let odds = answer
        .lines()
        .find(|l| l.starts_with("**The odds.** "))
        .unwrap_or_else(|| panic!("no odds in the answer: {answer}"));
    // "… within its 18-month life in 58.4% of 10,000 trials; P50 payback 10.3
    // months (P10 3.2, P90 never)."
    assert_eq!(
        between(odds, "within its ", "-month life"),
        r.show("lifetime_months")
    );
    assert_displayed_equals(
        "probability",
        between(odds, "-month life in ", " of "),
        &sim["probability_payback_within_lifetime"],
    );
    assert_eq!(
        count(between(odds, "% of ", " trials")),
        sim["trials"].as_u64().unwrap()
    );
    let payback = &sim["payback_months"];
    let p50 = between(odds, "P50 payback ", " (");
    assert_displayed_equals("P50", p50.trim_end_matches(" months"), &payback["p50"]);
    assert_displayed_equals("P10", between(odds, "(P10 ", ", P90"), &payback["p10"]);
    assert_displayed_equals("P90", between(odds, ", P90 ", ")."), &payback["p90"]);
    // The example's odds are what its notes promise: P90 never pays back.
    assert!(payback["p90"].is_null());
    assert!(odds.contains("P90 never"), "{odds}");

    // The percentiles table, row by row, against the JSON.
    let unc = section(&md, "## Uncertainty");
    let (header, rows) = first_table(unc);
    assert_eq!(
        header,
        ["Figure", "P10", "P50", "P90", "On the base values", "Unit"]
    );
    // (the figure's id, its key in the JSON's simulation)
    let ids = [
        ("monthly_savings", "monthly_savings"),
        ("payback_months", "payback_months"),
        ("total_project_cost", "total_project_cost"),
    ];
    assert_eq!(rows.len(), ids.len());
    for (row, (id, key)) in rows.iter().zip(ids) {
        assert_eq!(row[0], r.label(id));
        for (k, p) in ["p10", "p50", "p90"].iter().enumerate() {
            assert_displayed_equals(&format!("{id} {p}"), &row[k + 1], &sim[key][*p]);
        }
        assert_displayed_equals(&format!("{id} base"), &row[4], &doc["results"][id]);
    }
    // The probabilities, trials and seed.
    let facts_at = unc.find("| Figure | Value |").unwrap();
    let (_, facts) = first_table(&unc[facts_at..]);
    let fact = |label: &str| {
        facts
            .iter()
            .find(|f| f[0].starts_with(label))
            .unwrap_or_else(|| panic!("no `{label}` in {facts:?}"))[1]
            .clone()
    };
    assert_displayed_equals(
        "within",
        &fact("Pays back within"),
        &sim["probability_payback_within_lifetime"],
    );
    assert_displayed_equals(
        "above",
        &fact("Above the all-in break-even"),
        &sim["probability_above_break_even"],
    );
    assert_eq!(count(&fact("Trials")), sim["trials"].as_u64().unwrap());
    assert_eq!(
        fact("Random seed"),
        format!("`{}`", sim["seed"].as_u64().unwrap())
    );
    assert!(fact("Distribution").starts_with("PERT"));
    // The seed is also in the audit trail, for whoever reruns the plan.
    let trail = section(&md, "## Audit trail");
    assert!(
        trail.contains(&format!("seed {}", sim["seed"].as_u64().unwrap())),
        "{trail}"
    );
}

#[test]
fn the_payback_distribution_accounts_for_every_trial() {
    let r = uncertain_report();
    let sim = r.simulation.as_ref().unwrap();
    let md = memo::render_markdown(&r);
    let (header, rows) = first_table(md.split("<!-- memo:chart-payback -->").nth(1).unwrap());
    assert_eq!(header, ["Payback (months)", "Trials", "Share of trials"]);
    let life = r.num("lifetime_months").unwrap() as usize;
    // Month 1 to the lifetime (no trial pays back at once here), then the rest.
    assert_eq!(sim.payback_histogram[0], 0);
    assert_eq!(rows.len(), life + 1);
    assert_eq!(rows[0][0], "0–1");
    assert_eq!(rows[life - 1][0], format!("{}–{life}", life - 1));
    assert_eq!(rows[life][0], format!("after {life} or never"));
    let counts: Vec<u64> = rows.iter().map(|row| count(&row[1])).collect();
    assert_eq!(counts.iter().sum::<u64>(), sim.trials as u64);
    // Those paying back within the lifetime are the simulation's probability.
    let within: u64 = counts[..life].iter().sum();
    assert!(
        (within as f64 / sim.trials as f64 - sim.probability_payback_within_lifetime).abs() < 1e-12,
        "{within} of {} against {}",
        sim.trials,
        sim.probability_payback_within_lifetime
    );
    for (row, n) in rows.iter().zip(&counts) {
        assert_displayed_equals(&row[0], &row[2], &Json::from(*n as f64 / sim.trials as f64));
    }
    // The chart: one column per month with trials, and the column apart.
    let html = memo::render_html(&r);
    let svg = between(&html, "id=\"chart-payback\"", "</svg>");
    let nonzero = counts[..life].iter().filter(|n| **n > 0).count();
    assert_eq!(
        svg.matches("fill=\"#b8b8b8\" stroke").count(),
        nonzero,
        "one grey column per month with trials"
    );
    assert!(
        svg.contains(&format!("after {life} months</text>")),
        "{svg}"
    );
    assert!(svg.contains(&rows[life][2]), "the share apart is labelled");
}

#[test]
fn the_tornado_lists_every_ranged_input_by_its_swing() {
    let r = uncertain_report();
    let doc = json::document(&r);
    let md = memo::render_markdown(&r);
    let (header, rows) = first_table(md.split("<!-- memo:chart-tornado -->").nth(1).unwrap());
    assert_eq!(header[0], "Input");
    assert_eq!(rows.len(), r.inputs.ranges.len());
    // Every ranged input once, by its label.
    let mut labels: Vec<&str> = r.inputs.ranges.iter().map(|x| r.label(&x.id)).collect();
    let mut shown: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    labels.sort_unstable();
    shown.sort_unstable();
    assert_eq!(shown, labels);
    // Each row against the JSON entry of its input, and the swings descending.
    let entries = doc["tornado"].as_array().unwrap();
    let mut last_swing = f64::INFINITY;
    for row in &rows {
        let range = r
            .inputs
            .ranges
            .iter()
            .find(|x| r.label(&x.id) == row[0])
            .unwrap();
        let e = entries
            .iter()
            .find(|e| e["input"] == range.id.as_str())
            .unwrap_or_else(|| panic!("{} is not in the JSON tornado", range.id));
        let unit = r.unit(&range.id);
        assert_eq!(row[1], unit.label(), "{}", range.id);
        assert_eq!(row[2], format::number(range.low, unit));
        assert_eq!(row[3], format::number(range.base, unit));
        assert_eq!(row[4], format::number(range.high, unit));
        assert_displayed_equals(&range.id, &row[5], &e["savings_low"]);
        assert_displayed_equals(&range.id, &row[6], &e["savings_high"]);
        assert_displayed_equals(&range.id, &row[7], &e["payback_low"]);
        assert_displayed_equals(&range.id, &row[8], &e["payback_high"]);
        let swing =
            (e["savings_high"].as_f64().unwrap() - e["savings_low"].as_f64().unwrap()).abs();
        assert!(swing <= last_swing, "{} is out of order", range.id);
        last_swing = swing;
    }
    // The review rate drives this plan: at its high end the project never pays back.
    assert_eq!(rows[0][0], r.label("review_rate_ft"));
    assert_eq!(rows[0][8], "never");
    // The chart draws the inputs in the table's order, base savings marked.
    let html = memo::render_html(&r);
    let svg = between(&html, "id=\"chart-tornado\"", "</svg>");
    let mut at = 0;
    for row in &rows {
        let label = format!(">{}</text>", row[0]);
        let found = svg[at..]
            .find(&label)
            .unwrap_or_else(|| panic!("{} is missing or out of order in the chart", row[0]));
        at += found + label.len();
    }
    assert!(
        svg.contains(&format!(
            "On the base values: {}/month",
            format::money0(r.num("monthly_savings").unwrap())
        )),
        "the base savings are not marked"
    );
}

#[test]
fn a_plan_without_ranges_has_no_uncertainty_section() {
    let mut plans = 0;
    for path in example_plans() {
        let r = example_report(&path);
        if !r.inputs.ranges.is_empty() {
            continue;
        }
        plans += 1;
        let md = memo::render_markdown(&r);
        // No section with nothing to say.
        assert!(!md.contains("Uncertainty"), "{}", path.display());
        assert!(!section(&md, "## The answer").contains("The odds"));
        assert!(!md.contains("trials"), "{}", path.display());
        let html = memo::render_html(&r);
        assert!(!html.contains("chart-payback") && !html.contains("chart-tornado"));
    }
    assert!(plans >= 5, "the examples without ranges are missing");
}

#[test]
fn ranged_plan_text_is_inert_in_the_tornado() {
    let text = replace_once(
        &worked_example_text(),
        "{data: 40,",
        "{\"<img src=x onerror=alert(1)> a|b **c**\": [30, 50],",
    );
    let r = report_of_text(&text);
    assert_eq!(r.inputs.ranges.len(), 1);
    let md = memo::render_markdown(&r);
    let (_, rows) = first_table(md.split("<!-- memo:chart-tornado -->").nth(1).unwrap());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "Hours: <img src=x onerror=alert(1)> a|b **c**");
    let html = memo::render_html(&r);
    assert!(!html.contains("<img"), "{html}");
    let svg = between(&html, "id=\"chart-tornado\"", "</svg>");
    assert!(
        svg.contains(">Hours: &lt;img src=x onerror=alert(1)&gt; a|b **c**</text>"),
        "{svg}"
    );
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
        &format!("plan: \"{hostile}\""),
    );
    let text = replace_once(
        &text,
        "owner: Support engineering",
        &format!("owner: \"{hostile}\""),
    );
    let text = replace_once(
        &text,
        "notes: >-\n  The support bot's worked example, as given.",
        &format!("notes: >-\n  {hostile} The support bot's worked example, as given."),
    );
    let text = replace_once(
        &text,
        "{data: 40,",
        "{\"<img src=x onerror=alert(1)> a|b **c**\": 40,",
    );
    let r = report_of_text(&text);

    let html = outside_script(&memo::render_html(&r));
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
        html.contains(&format!("<blockquote>\n<p>{shown} The support bot")),
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

/// The seven-or-seventy example at the lesson's GPT-4o price, where the 7B
/// on an A10G pays (at today's price the plan stays on the API).
fn seven_or_seventy() -> Report {
    finetune_roi::evaluate_text(
        &seven_or_seventy_at_lesson_prices(),
        "inputs/seven-or-seventy.yaml",
        fixed_time(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The options table: the figure's label and unit, then the plan's value and
/// each option's.
fn options_table(md: &str) -> (Vec<String>, Vec<Vec<String>>) {
    first_table(section(md, "## Options"))
}

#[test]
fn the_options_table_sets_the_plan_beside_its_options_as_the_json_has_them() {
    let r = seven_or_seventy();
    let doc = json::document(&r);
    let options = doc["options"].as_array().unwrap();
    assert_eq!(options.len(), 2);
    let md = memo::render_markdown(&r);
    let (header, rows) = options_table(&md);
    // The plan as written and each option, by its label, in the plan's order.
    let mut expected = vec!["Figure", "Unit", "The plan as written"];
    expected.extend(options.iter().map(|o| o["label"].as_str().unwrap()));
    assert_eq!(header, expected);
    let row = |label: &str| {
        rows.iter()
            .find(|row| row[0] == label)
            .unwrap_or_else(|| panic!("no `{label}` row in {rows:?}"))
    };
    // Every input an option changes, with the plan's value and each option's.
    let mut changed: Vec<&str> = Vec::new();
    for o in options {
        for id in o["changed_inputs"].as_object().unwrap().keys() {
            if !changed.contains(&id.as_str()) {
                changed.push(id);
            }
        }
    }
    assert!(changed.contains(&"model_size_b") && changed.contains(&"serving_instances"));
    for id in &changed {
        let row = row(r.label(id));
        assert_eq!(row[1], r.unit(id).label(), "{id}");
        assert_displayed_equals(id, &row[2], &doc["inputs"][id]["value"]);
        for (k, o) in options.iter().enumerate() {
            let value = o["changed_inputs"]
                .get(id)
                .unwrap_or(&doc["inputs"][id]["value"]);
            assert_displayed_equals(&format!("{} {id}", o["id"]), &row[3 + k], value);
        }
    }
    // The results, each to the precision shown.
    for id in [
        "monthly_api_cost",
        "monthly_ft_total",
        "monthly_savings",
        "payback_months",
        "total_project_cost",
        "lifetime_net",
        "break_even_tokens_per_day_all_in",
    ] {
        let row = row(r.label(id));
        assert_eq!(row[1], r.unit(id).label(), "{id}");
        assert_displayed_equals(&format!("plan {id}"), &row[2], &doc["results"][id]);
        for (k, o) in options.iter().enumerate() {
            assert_displayed_equals(&format!("{} {id}", o["id"]), &row[3 + k], &o["results"][id]);
        }
    }
    // The 12-GPU 70B never pays back; the single-A100 one would, on paper.
    assert_eq!(row(r.label("payback_months"))[3], "never");
    // Feasibility, with the reasons of the infeasible option.
    let feasible = row("Feasible");
    assert_eq!(feasible[2], "yes");
    for (k, o) in options.iter().enumerate() {
        let cell = &feasible[3 + k];
        if o["feasible"].as_bool().unwrap() {
            assert_eq!(cell, "yes", "{}", o["id"]);
        } else {
            assert!(cell.starts_with("no: "), "{cell}");
            let reasons = o["infeasible_reasons"].as_array().unwrap();
            assert!(!reasons.is_empty());
            for reason in reasons {
                assert!(cell.contains(reason.as_str().unwrap()), "{cell}");
            }
        }
    }
    assert_eq!(options[0]["feasible"], true);
    assert_eq!(options[1]["feasible"], false);
    assert!(feasible[4].contains("154 GB"), "{feasible:?}");
    // The recommendation: the JSON's, marked in the table and named in words.
    assert_eq!(doc["recommended"], "plan");
    let recommended = row("Recommended");
    assert_eq!(recommended[2..], ["yes", "no", "no"]);
    let after_table = section(&md, "## Recommendation among the options")
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap();
    assert!(
        after_table.starts_with("Recommended: the plan as written,"),
        "{after_table}"
    );
    assert!(
        after_table.contains(&format!(
            "the choice with the largest net present value over the 18-month lifetime ({} at 10.0% a year, on its own timeline; {} net of the project cost before discounting)",
            md_escaped(&r.show("npv")),
            md_escaped(&r.show("lifetime_net"))
        )),
        "{after_table}"
    );
    assert!(
        after_table.contains("70B on a single A100 80 GB cannot be built as planned"),
        "{after_table}"
    );
    // The answer names it too.
    let answer = section(&md, "## The answer");
    assert!(
        answer.contains(
            "**Options.** Of the plan and its 2 options, the recommendation is the plan as written"
        ),
        "{answer}"
    );
    // The recommendation closes the brief; the table sits in the appendix
    // after the payback and before the decision factors.
    let at = |h: &str| md.find(h).unwrap_or_else(|| panic!("no `{h}`"));
    assert!(
        at("\n## What would change the decision\n") < at("\n## Recommendation among the options\n")
    );
    assert!(at("\n## Recommendation among the options\n") < at(APPENDIX));
    assert!(at(APPENDIX) < at("\n## Payback and cash flow\n"));
    assert!(at("\n## Payback and cash flow\n") < at("\n## Options\n"));
    assert!(at("\n## Options\n") < at("\n## Decision factors\n"));
}

/// Markdown-escaped text, as the memo writes figures.
fn md_escaped(text: &str) -> String {
    memo::md_escape(text)
}

#[test]
fn the_recommendation_follows_the_json_when_an_option_wins_or_none_does() {
    // A single-A100 70B that fits (int4) and carries the traffic (a larger
    // throughput), at a lower review rate: it saves the most and is feasible.
    let base = std::fs::read_to_string(root().join("inputs/seven-or-seventy.yaml")).unwrap();
    let text = replace_once(
        &base,
        "    serving: {instance: a100_80g, instances: 1}\n",
        "    serving: {instance: a100_80g, instances: 1, precision: int4, throughput_tokens_per_second: 9000}\n",
    );
    let r = report_of_text(&text);
    let doc = json::document(&r);
    let md = memo::render_markdown(&r);
    let (_, rows) = options_table(&md);
    let recommended = rows.iter().find(|row| row[0] == "Recommended").unwrap();
    let winner = doc["recommended"].as_str().unwrap();
    assert_eq!(
        winner, "70b-on-1xa100",
        "{:?}",
        doc["options"][1]["infeasible_reasons"]
    );
    assert_eq!(recommended[2..], ["no", "no", "yes"]);
    let options = section(&md, "## Recommendation among the options");
    assert!(
        options.contains("Recommended: 70B on a single A100 80 GB, the choice with the largest net present value"),
        "{options}"
    );
    assert!(options.contains(
        "The answer at the top is the recommended choice's; the other sections show the plan as written."
    ));
    // One answer: the verdict names the option the comparison recommends.
    assert_eq!(doc["verdict"], "Fine-tune");
    assert!(
        md.contains("**Fine-tune with option 70B on a single A100 80 GB"),
        "{md}"
    );

    // The review rate raised in the plan and both options: nothing saves money.
    let text = base
        .replace("review_rate_ft: 0.013", "review_rate_ft: 0.2")
        .replace("review_rate_ft: 0.011}", "review_rate_ft: 0.2}");
    let r = report_of_text(&text);
    let doc = json::document(&r);
    assert_eq!(doc["recommended"], "api");
    assert_eq!(doc["verdict"], "Stay on the API");
    let md = memo::render_markdown(&r);
    let (_, rows) = options_table(&md);
    let recommended = rows.iter().find(|row| row[0] == "Recommended").unwrap();
    assert_eq!(recommended[2..], ["no", "no", "no"]);
    assert!(section(&md, "## Recommendation among the options")
        .contains("Recommended: stay on the API."));
    assert!(section(&md, "## The answer").contains("the recommendation is to stay on the API"));
}

#[test]
fn a_plan_without_options_has_no_options_section() {
    let mut plans = 0;
    for path in example_plans() {
        let r = example_report(&path);
        if !r.inputs.options.is_empty() {
            continue;
        }
        plans += 1;
        let md = memo::render_markdown(&r);
        assert!(!md.contains("\n## Options\n"), "{}", path.display());
        assert!(
            !md.contains("## Recommendation among"),
            "{}",
            path.display()
        );
        assert!(!md.contains("**Options.**"), "{}", path.display());
        let html = memo::render_html(&r);
        assert!(!html.contains("<h2>Options</h2>"), "{}", path.display());
        assert!(!html.contains("The diamonds mark"), "{}", path.display());
    }
    assert!(plans >= 5, "the examples without options are missing");
}

#[test]
fn the_volume_chart_marks_each_option_at_todays_volume() {
    let r = seven_or_seventy();
    let doc = json::document(&r);
    let html = memo::render_html(&r);
    let svg = between(&html, "id=\"chart-volume\"", "</svg>");
    for o in doc["options"].as_array().unwrap() {
        let total = o["results"]["monthly_ft_total"].as_f64().unwrap();
        let feasible = if o["feasible"].as_bool().unwrap() {
            ""
        } else {
            " (not feasible)"
        };
        let label = format!(
            ">{}{feasible}: {}/month</text>",
            o["label"].as_str().unwrap(),
            format::money0(total)
        );
        assert!(svg.contains(&label), "{label} is not in the chart");
    }
    let after = &html[html.find("id=\"chart-volume\"").unwrap()..];
    let caption = between(after, "<figcaption>", "</figcaption>");
    assert!(
        caption.contains("The diamonds mark each option"),
        "{caption}"
    );
}

#[test]
fn option_labels_are_inert_in_markdown_and_html() {
    let hostile = "<script>alert(1)</script> a|b **c** [x](javascript:alert(1))";
    let base = std::fs::read_to_string(root().join("inputs/seven-or-seventy.yaml")).unwrap();
    let text = replace_once(
        &base,
        "    label: 70B on a single A100 80 GB\n",
        &format!("    label: \"{hostile}\"\n"),
    );
    let r = report_of_text(&text);
    let md = memo::render_markdown(&r);
    let (header, rows) = options_table(&md);
    assert_eq!(header[4], hostile);
    assert!(rows.iter().all(|row| row.len() == header.len()), "{rows:?}");
    assert!(md.contains(
        "\\<script\\>alert(1)\\</script\\> a\\|b \\*\\*c\\*\\* \\[x\\](javascript:alert(1))"
    ));
    let html = outside_script(&memo::render_html(&r));
    assert!(!html.contains("<script"), "{html}");
    assert!(
        !html.contains("href=\"javascript"),
        "a javascript: link survived"
    );
    assert!(
        !html.contains("<strong>c</strong>"),
        "plan emphasis became markup"
    );
    let shown = "&lt;script&gt;alert(1)&lt;/script&gt; a|b **c** [x](javascript:alert(1))";
    assert!(
        html.contains(&format!("<th>{shown}</th>")),
        "the column heading"
    );
    let svg = between(&html, "id=\"chart-volume\"", "</svg>");
    assert!(
        svg.contains(&format!(">{shown} (not feasible): ")),
        "the chart's label"
    );
    // The recommendation's sentence names the infeasible option, escaped.
    assert!(html.contains(&format!("{shown} cannot be built as planned")));
}

/// The worked example with observed months.
fn with_actuals(actuals: &str) -> String {
    format!("{}actuals:\n{actuals}", worked_example_text())
}

#[test]
fn plan_against_actuals_shows_the_forecast_the_observed_traffic_and_the_bill_gap() {
    let r = report_of_text(&with_actuals(
        "  2026-09: {requests_per_day: 52000, api_bill: 8100}\n  2026-10: {requests_per_day: 61000, api_bill: 9000}\n",
    ));
    let doc = json::document(&r);
    let md = memo::render_markdown(&r);
    let part = section(&md, "## Plan against actuals");
    let (header, rows) = first_table(part);
    assert_eq!(
        header,
        [
            "Figure",
            "Unit",
            "Plan or model",
            "Observed",
            "Month observed",
            "Difference"
        ]
    );
    assert_eq!(rows.len(), 2);
    // Traffic: the forecast, the latest observed month, the difference.
    let traffic = &rows[0];
    assert_eq!(traffic[0], "Requests per day");
    assert_displayed_equals(
        "forecast",
        &traffic[2],
        &doc["inputs"]["requests_per_day_forecast"]["value"],
    );
    assert_displayed_equals(
        "observed",
        &traffic[3],
        &doc["inputs"]["requests_per_day"]["value"],
    );
    assert_eq!(traffic[3], "61,000");
    assert_eq!(traffic[4], "2026-10");
    assert_displayed_equals(
        "vs forecast",
        &traffic[5],
        &doc["results"]["requests_vs_forecast"],
    );
    assert!(
        traffic[5].starts_with('+'),
        "more than forecast: {traffic:?}"
    );
    // The bill: the model's monthly API cost, the observed bill, the gap.
    let bill = &rows[1];
    assert_displayed_equals("model", &bill[2], &doc["results"]["monthly_api_cost"]);
    assert_displayed_equals(
        "bill",
        &bill[3],
        &doc["inputs"]["actual_monthly_api_bill"]["value"],
    );
    assert_displayed_equals("gap", &bill[5], &doc["results"]["api_bill_vs_model"]);
    let gap = doc["results"]["api_bill_vs_model"].as_f64().unwrap();
    assert!(
        gap < 0.0,
        "61,000 requests a day bill more than $9,000: {gap}"
    );
    assert!(part.contains("below the model"), "{part}");
    assert!(part.contains("negotiated discount"), "{part}");
    assert!(
        part.contains("observed in 2026-10, 22.0% more than forecast"),
        "{part}"
    );
    // It opens the appendix.
    assert!(md.find(APPENDIX).unwrap() < md.find("\n## Plan against actuals\n").unwrap());
    assert!(
        md.find("\n## Plan against actuals\n").unwrap()
            < md.find("\n## The decision path\n").unwrap()
    );

    // A bill above the model, with no traffic observed: only the bill row.
    let r = report_of_text(&with_actuals("  2026-08: {api_bill: 9500}\n"));
    let doc = json::document(&r);
    let md = memo::render_markdown(&r);
    let part = section(&md, "## Plan against actuals");
    let (_, rows) = first_table(part);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "Monthly API bill");
    assert_eq!(rows[0][4], "2026-08");
    assert_displayed_equals("gap", &rows[0][5], &doc["results"]["api_bill_vs_model"]);
    assert!(rows[0][5].starts_with('+'), "{:?}", rows[0]);
    assert!(part.contains("above the model"), "{part}");
    assert!(
        part.contains("the plan's traffic, prices and token counts"),
        "{part}"
    );

    // Without actuals, no section.
    let md = memo::render_markdown(&report_of_text(&worked_example_text()));
    assert!(!md.contains("Plan against actuals"));
}

#[test]
fn the_what_if_panel_is_self_contained_small_and_hidden_without_scripts() {
    for path in example_plans() {
        let r = example_report(&path);
        let html = memo::render_html(&r);
        let name = path.display();
        // Under about 600 KB, with the whole model inside.
        assert!(html.len() < 600_000, "{name}: {} bytes", html.len());
        // Nothing is fetched: no external script, style, image or frame.
        let lower = html.to_lowercase();
        for fetch in [
            "<script src",
            "<link",
            "<img",
            "<iframe",
            "fetch(",
            "xmlhttprequest",
            "import(",
        ] {
            assert!(!lower.contains(fetch), "{name}: `{fetch}`");
        }
        // The charts' patterns are fragments of the page itself.
        assert_eq!(
            lower.matches("url(").count(),
            lower.matches("url(#").count()
        );
        // Without scripts the panel stays hidden, and the script is the
        // one after the memo: the memo's own parts come as before.
        let panel = html
            .find("<section id=\"what-if\" class=\"what-if\" hidden data-model=\"")
            .unwrap_or_else(|| panic!("{name}: no hidden what-if panel"));
        let end = panel + html[panel..].find("</section>").unwrap();
        assert!(end < html.find("<h1>").unwrap(), "{name}");
        let script = outside_script(&html);
        assert!(script.len() < html.len());
        // The model's program is in the page: every quantity the panel's
        // figures come from is assigned.
        for f in memo::WHAT_IF_FIGURES {
            assert!(r.model.get(f.quantity).is_some(), "{name}: {}", f.quantity);
        }
        assert!(html.contains("function own(v)") && html.contains("function late(v,T,C)"));
    }
}

/// Page 1 says in one line what drives the verdict and in one line its main
/// risk: the API bill against the candidate's total (or the requirements,
/// where they rule the API out at a cost), and the lever nearest its flip.
#[test]
fn the_brief_names_what_drives_the_verdict_and_its_main_risk() {
    for plan in example_plans() {
        let r = report_of(&plan);
        let md = finetune_roi::render::memo::render_markdown(&r);
        let line = |lead: &str| -> String {
            md.lines()
                .find(|l| l.starts_with(lead))
                .unwrap_or_else(|| panic!("{}: no {lead:?} line", plan.display()))
                .replace('\\', "")
        };
        let driver = line("**What drives it.**");
        let requirements = r.num("requirement_cost_lifetime").is_some_and(|x| x > 0.0);
        if requirements {
            assert!(
                driver.contains("The requirements, not the cost"),
                "{driver}"
            );
        } else {
            let api = finetune_roi::format::money0(r.num("monthly_api_cost").unwrap());
            assert!(
                driver.contains(&format!("Today's API bill is {api}/month")),
                "{driver}"
            );
        }
        let risk = line("**Main risk.**");
        // The nearest lever, found here from the levers themselves.
        let nearest = r.levers.iter().filter(|l| l.today != 0.0).min_by(|a, b| {
            let away = |l: &finetune_roi::analysis::levers::Lever| {
                ((l.flips_at - l.today) / l.today).abs()
            };
            away(a).total_cmp(&away(b))
        });
        match nearest {
            Some(l) => {
                let at = finetune_roi::format::number(l.flips_at, l.unit);
                assert!(
                    risk.contains(&format!(" {at}, ")),
                    "{}: {risk}",
                    plan.display()
                );
            }
            None if r.levers.is_empty() => {
                assert!(risk.contains("No single input"), "{risk}")
            }
            None => {}
        }
    }
}

#[test]
fn the_markdown_templates_opt_out_of_escaping_only_through_the_markup_filter() {
    // The `markup` filter takes a `Markdown` value and nothing else; `safe`
    // or another escaper would let any string through as markup.
    for name in ["memo.md", "portfolio.md"] {
        let template = std::fs::read_to_string(root().join("templates").join(name)).unwrap();
        let filters: Vec<&str> = template
            .split("{{")
            .skip(1)
            .filter_map(|x| x.split("}}").next())
            .filter_map(|x| x.split_once('|').map(|(_, f)| f.trim()))
            .filter(|f| *f != "markup")
            .collect();
        assert!(filters.is_empty(), "{name}: {filters:?}");
        // Nor does a statement (`{% filter safe %}`, `{% let x = y|safe %}`)
        // apply `safe` or another escaper.
        let statements: Vec<&str> = template
            .split("{%")
            .skip(1)
            .filter_map(|x| x.split("%}").next())
            .filter(|x| {
                let x = x.trim_start_matches(['-', '+', '~']).trim();
                let block = x.starts_with("filter ") || x.starts_with("autoescape");
                let piped = x
                    .replace("||", " ")
                    .split('|')
                    .skip(1)
                    .any(|f| !f.trim_start().starts_with("markup"));
                block || piped
            })
            .collect();
        assert!(statements.is_empty(), "{name}: {statements:?}");
    }
}
