//! Every example memo loaded in headless Chromium: the rendered document has
//! the answer, the tables, three charts with a size (five, with the odds under
//! the answer, for a plan with ranges), the options side by side and marked on
//! the volume chart for a plan with options, and no script. Printed to PDF on
//! A4, each memo's brief takes at most two pages.
//!
//! Chromium is an outside engine: `.ci/run` installs Debian's `chromium`.

use std::path::Path;
use std::process::Command;

use finetune_roi::render::memo;
use finetune_roi::report::Report;

use super::common::*;

/// Headless Chromium with a profile of its own and nothing that reaches out.
fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn dump_dom(chromium: &Path, html: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = headless(chromium, profile.path())
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed on {}: {}",
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the DOM is UTF-8")
}

/// The value of a numeric attribute in an opening tag, such as `width="720"`.
fn attribute(tag: &str, name: &str) -> Option<f64> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + tag[start..].find('"')?;
    tag[start..end].parse().ok()
}

fn check_document(name: &str, r: &Report, dom: &str) {
    // The answer, with the verdict first.
    let answer = dom
        .split("<h2>The answer</h2>")
        .nth(1)
        .unwrap_or_else(|| panic!("{name}: no answer in the rendered memo"));
    // The model's verdict sentence in bold, then its headline.
    let escape = |s: String| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let lead = format!(
        "<p><strong>{}</strong> {}",
        escape(r.value("verdict_sentence").to_excel_result()),
        escape(r.value("headline").to_excel_result())
    );
    assert!(
        answer.trim_start().starts_with(&lead),
        "{name}: the answer does not lead with {lead}: {}",
        &answer[..answer.len().min(300)]
    );

    // The tables: key figures, components, comparison, break-even, the charts'
    // data, factors, what would change the decision, assumptions, audit trail.
    let tables = dom.matches("<table>").count();
    assert!(tables >= 12, "{name}: only {tables} tables");
    let key_figures = dom.split("<h2>Key figures</h2>").nth(1).unwrap();
    let key_figures = key_figures.split("</table>").next().unwrap();
    assert!(key_figures.contains("<td>Monthly API cost</td>"), "{name}");
    assert!(key_figures.contains(&r.show("monthly_api_cost")), "{name}");
    // Three charts, each with a size; with ranges, the payback distribution
    // and the tornado besides, and the odds under the answer.
    let charts = if r.inputs.ranges.is_empty() { 3 } else { 5 };
    let svgs: Vec<&str> = dom
        .split("<svg ")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap())
        .collect();
    assert_eq!(svgs.len(), charts, "{name}: expected {charts} charts");
    assert_eq!(
        answer.contains("<strong>The odds.</strong>"),
        charts == 5,
        "{name}: the odds belong under the answer exactly when the plan has ranges"
    );
    for tag in svgs {
        let width = attribute(tag, "width").unwrap_or(0.0);
        let height = attribute(tag, "height").unwrap_or(0.0);
        assert!(
            width > 0.0 && height > 0.0,
            "{name}: a chart without size: {tag}"
        );
    }
    // With options, the side-by-side table (a column each beside the plan's)
    // and a labelled point per option on the volume chart.
    match dom.split("<h2>Options</h2>").nth(1) {
        Some(options) => {
            assert!(
                !r.options.is_empty(),
                "{name}: an Options section without options"
            );
            let head = options
                .split("<thead>")
                .nth(1)
                .and_then(|t| t.split("</thead>").next())
                .unwrap_or_else(|| panic!("{name}: no options table"));
            assert_eq!(head.matches("<th").count(), 3 + r.options.len(), "{name}");
            let volume = dom
                .split("id=\"chart-volume\"")
                .nth(1)
                .and_then(|c| c.split("</svg>").next())
                .unwrap_or_else(|| panic!("{name}: no volume chart"));
            for option in &r.inputs.options {
                assert!(
                    volume.contains(&format!(">{}", option.label)),
                    "{name}: {} is not marked on the volume chart",
                    option.label
                );
            }
        }
        None => assert!(r.options.is_empty(), "{name}: the options are not shown"),
    }
    assert!(!dom.contains("<script"), "{name}: a script element");
}

/// Every example memo renders in Chromium with its figures and charts.
pub fn every_example_memo_renders_in_chromium(chromium: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let mut with_ranges = Vec::new();
    let mut with_options = Vec::new();
    for plan in example_plans() {
        let r = report_of(&plan);
        let stem = plan.file_stem().unwrap().to_string_lossy().to_string();
        if !r.inputs.ranges.is_empty() {
            with_ranges.push(stem.clone());
        }
        if !r.options.is_empty() {
            with_options.push(stem.clone());
        }
        let html = dir.path().join(format!("{stem}.html"));
        std::fs::write(&html, memo::render_html(&r)).unwrap();
        let dom = dump_dom(chromium, &html);
        check_document(&stem, &r, &dom);
    }
    // The five-chart memo is exercised: the uncertain example has ranges.
    assert!(
        with_ranges.contains(&"support-bot-uncertain".to_string()),
        "{with_ranges:?}"
    );
    // So is the Options section: the 7B-or-70B example lists options.
    assert!(
        with_options.contains(&"seven-or-seventy".to_string()),
        "{with_options:?}"
    );
}

/// The brief of a memo's HTML as a page of its own: everything before the
/// appendix, printed on A4.
fn brief_page(html: &str) -> String {
    let appendix = html
        .find("<div class=\"appendix-start\"")
        .expect("the memo marks where its appendix starts");
    let head_end = html.find("</head>").expect("the memo has a head");
    format!(
        "{}<style>@page {{ size: A4; }}</style>\n{}</body>\n</html>\n",
        &html[..head_end],
        &html[head_end..appendix]
    )
}

/// Prints an HTML file to PDF with Chromium, without the browser's own
/// header and footer, and returns the PDF.
fn print_to_pdf(chromium: &Path, html: &Path) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let pdf = html.with_extension("pdf");
    let out = headless(chromium, profile.path())
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success() && pdf.is_file(),
        "chromium did not print {}: {}",
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&pdf).unwrap()
}

/// The number of pages of a PDF: its page objects (`/Type /Page`, not the
/// `/Type /Pages` tree above them), which Chromium writes uncompressed.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let compact = text.replace("/Type /Page", "/Type/Page");
    compact
        .match_indices("/Type/Page")
        .filter(|(at, m)| {
            !compact[at + m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        })
        .count()
}

/// Every example's brief, printed on A4 by Chromium, takes one or two pages;
/// the whole memo takes more, its appendix starting on a page of its own.
pub fn every_example_brief_prints_on_two_a4_pages(chromium: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let mut pages = Vec::new();
    for plan in example_plans() {
        let r = report_of(&plan);
        let stem = plan.file_stem().unwrap().to_string_lossy().to_string();
        let html = memo::render_html(&r);
        let brief_html = dir.path().join(format!("{stem}-brief.html"));
        std::fs::write(&brief_html, brief_page(&html)).unwrap();
        let brief = pdf_pages(&print_to_pdf(chromium, &brief_html));
        // The whole memo on the same paper: the count is a real page count
        // (the appendix adds pages), not a constant.
        let whole_html = dir.path().join(format!("{stem}.html"));
        let whole = html.replacen("</head>", "<style>@page { size: A4; }</style>\n</head>", 1);
        std::fs::write(&whole_html, whole).unwrap();
        let whole = pdf_pages(&print_to_pdf(chromium, &whole_html));
        assert!(
            whole > brief,
            "{stem}: the whole memo ({whole} pages) is no longer than its brief ({brief})"
        );
        pages.push((stem, brief, whole));
    }
    let long: Vec<_> = pages.iter().filter(|(_, brief, _)| *brief > 2).collect();
    assert!(
        long.is_empty(),
        "briefs longer than two A4 pages (plan, brief, whole memo): {long:?}"
    );
    assert!(pages.iter().all(|(_, brief, _)| *brief >= 1), "{pages:?}");
}
