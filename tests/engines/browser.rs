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
    // The what-if panel's script marks the verdict as a figure it updates.
    let lead = format!(
        "<p><strong data-figure=\"verdict_sentence\">{}</strong> {}",
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
    // One script: the what-if panel's, at the end of the body.
    assert_eq!(dom.matches("<script").count(), 1, "{name}: script elements");
    assert!(!dom.contains("<script src"), "{name}: an external script");
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

/// The figures the page marks with `data-figure` in its what-if panel, as
/// the DOM after its script ran holds them: hook → the value's JSON.
fn panel_figures(dom: &str) -> Vec<(String, serde_json::Value)> {
    dom.split("<dd data-figure=\"")
        .skip(1)
        .map(|rest| {
            let hook = rest.split('"').next().unwrap().to_string();
            let tag = rest.split('>').next().unwrap();
            let value = tag
                .split("data-value=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .map(unescape)
                .unwrap_or_else(|| panic!("{hook} has no value: {tag}"));
            let value = serde_json::from_str(&value)
                .unwrap_or_else(|e| panic!("{hook}: {value} is not JSON: {e}"));
            (hook, value)
        })
        .collect()
}

/// The recomputed flips of "What would change the decision": each cell
/// marked `data-figure="lever:<input path>"`, with its value (`None` for a
/// lever that no longer flips within its range).
fn lever_figures(dom: &str) -> Vec<(String, Option<f64>)> {
    dom.split("data-figure=\"lever:")
        .skip(1)
        .map(|rest| {
            let input = rest.split('"').next().unwrap().to_string();
            let tag = rest.split('>').next().unwrap();
            let value = tag
                .split("data-value=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .unwrap_or_else(|| panic!("{input} has no value: {tag}"));
            let value: serde_json::Value = serde_json::from_str(&unescape(value)).unwrap();
            (input, value.as_f64())
        })
        .collect()
}

/// Compares the page's recomputed lever flips with the tool's levers for
/// the changed plan, by input: each flip the tool finds, the page finds to
/// 1e-6 of its size; a flip the tool does not find, the page shows as
/// none. Under ranges the page does not search (the rule asks the
/// simulation's odds) and says so. Returns the flips compared.
fn compare_levers(
    stem: &str,
    query: &[String],
    dom: &str,
    want: &Report,
    ranged: bool,
    case: &[(String, f64)],
) -> usize {
    let got = lever_figures(dom);
    if case.is_empty() {
        assert!(
            got.is_empty(),
            "{stem}: the plan as written is recomputed: {got:?}"
        );
        return 0;
    }
    if ranged {
        assert!(
            got.is_empty(),
            "{stem} {query:?}: levers searched under ranges: {got:?}"
        );
        assert!(
            dom.contains("the page does not rerun the simulation"),
            "{stem} {query:?}: the levers table does not say why it keeps the plan's values"
        );
        return 0;
    }
    let mut compared = 0;
    for lever in &want.levers {
        let page = got.iter().find(|(input, _)| *input == lever.input);
        let Some((_, Some(x))) = page else {
            panic!(
                "{stem} with {query:?}: {} flips at {} by the tool, {page:?} on the page",
                lever.input, lever.flips_at
            );
        };
        assert!(
            (x - lever.flips_at).abs() <= 1e-6 * lever.flips_at.abs().max(1e-9),
            "{stem} with {query:?}: {} flips at {x} on the page, {} by the tool",
            lever.input,
            lever.flips_at
        );
        compared += 1;
    }
    for (input, x) in &got {
        let by_tool = want.levers.iter().any(|l| l.input == *input);
        assert_eq!(
            x.is_some(),
            by_tool,
            "{stem} with {query:?}: {input} flips at {x:?} on the page; by the tool {}",
            if by_tool { "it flips" } else { "it does not" }
        );
    }
    compared
}

/// Text of an HTML attribute, its entities (named or numbered) read back.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(';')
            .map(|e| at + e)
            .expect("an entity ends");
        let name = &rest[at + 1..end];
        let ch = match name {
            "quot" => '"',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            _ => {
                let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => name.trim_start_matches('#').parse(),
                };
                char::from_u32(code.expect("a numbered entity")).unwrap()
            }
        };
        out.push(ch);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The panel's data, as the page carries it in `data-model`.
fn panel_data(html: &str) -> serde_json::Value {
    let raw = html
        .split("data-model=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the memo carries the what-if panel's data");
    serde_json::from_str(&unescape(raw)).expect("the panel's data is JSON")
}

/// Whether the page's value is the report's: texts and "never" exactly,
/// numbers to 1e-9 of their size (JavaScript's `Math.pow` may differ from
/// Rust's `powf` in the last bit).
fn same(page: &serde_json::Value, report: &finetune_roi::value::Value) -> bool {
    use finetune_roi::value::Value;
    match (page, report) {
        (serde_json::Value::Number(x), Value::Num(y)) => {
            let x = x.as_f64().unwrap();
            (x - y).abs() <= 1e-9 * y.abs().max(1.0)
        }
        (serde_json::Value::String(x), Value::Text(y)) => x == y,
        (serde_json::Value::Bool(x), Value::Bool(y)) => x == y,
        (serde_json::Value::Null, Value::Never) => true,
        _ => false,
    }
}

/// Words without what the simulation's odds decide: the headline's
/// sentence on the odds, the verdict's "(marginal)". Other values unchanged.
fn without_odds(value: &serde_json::Value) -> serde_json::Value {
    match value.as_str() {
        Some(text) => {
            let text = text
                .split(" These are the base case's figures")
                .next()
                .unwrap_or(text);
            serde_json::json!(text.replace(" (marginal)", ""))
        }
        None => value.clone(),
    }
}

/// Sets `path` (`baseline.requests_per_day`) to `x` in a plan's YAML.
fn set_path(text: &str, path: &str, x: f64) -> String {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    let mut at = &mut doc;
    for key in path.split('.') {
        let map = at.as_mapping_mut().expect("the path runs through mappings");
        at = map
            .entry(serde_yaml::Value::String(key.to_string()))
            .or_insert(serde_yaml::Value::Mapping(Default::default()));
    }
    *at = serde_yaml::Value::Number(if x.fract() == 0.0 && x.abs() < 1e15 {
        (x as i64).into()
    } else {
        x.into()
    });
    serde_yaml::to_string(&doc).unwrap()
}

/// A small deterministic generator of changes (no randomness between runs).
struct Changes(u64);

impl Changes {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// For every example, the page's recomputed figures equal the tool's: with
/// no query, the plan's own; with a query that sets inputs by plan path,
/// those of the plan file edited at those paths and run through the tool.
/// The changes are generated: a multiple of each input's value, kept within
/// its bounds, one to three inputs at a time, including large swings that
/// flip verdicts.
pub fn what_if_page_matches_the_tool(chromium: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let hooks: Vec<&str> = memo::WHAT_IF_FIGURES.iter().map(|f| f.name).collect();
    let mut gen = Changes(31);
    let mut compared = 0;
    let mut verdicts = std::collections::HashSet::new();
    let mut levers_compared = 0;
    for plan in example_plans() {
        let stem = plan.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&plan).unwrap();
        let base = report_of(&plan);
        let html = memo::render_html(&base);
        let page = dir.path().join(format!("{stem}.html"));
        std::fs::write(&page, &html).unwrap();
        let data = panel_data(&html);
        let ranged = !base.inputs.ranges.is_empty();
        let inputs: Vec<&serde_json::Value> = data["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| !i["path"].as_str().unwrap().is_empty())
            .collect();
        assert!(inputs.len() >= 6, "{stem}: only {} inputs", inputs.len());
        let mut cases: Vec<Vec<(String, f64)>> = vec![Vec::new()];
        for _ in 0..3 {
            let count = 1 + gen.next() as usize % 3;
            let mut case = Vec::new();
            for _ in 0..count {
                let input = inputs[gen.next() as usize % inputs.len()];
                let plan_value = data["values"][input["i"].as_u64().unwrap() as usize]
                    .as_f64()
                    .unwrap();
                let factor = [0.25, 0.5, 0.8, 1.3, 2.0, 4.0][gen.next() as usize % 6];
                let mut x = if plan_value == 0.0 {
                    factor / 100.0
                } else {
                    plan_value * factor
                };
                if let Some(max) = input["max"].as_f64() {
                    x = x.min(max);
                }
                if input["whole"].as_bool().unwrap() {
                    x = x.round().max(input["min"].as_f64().unwrap_or(0.0));
                }
                let path = input["path"].as_str().unwrap().to_string();
                case.retain(|(p, _)| *p != path);
                case.push((path, x));
            }
            cases.push(case);
        }
        for case in cases {
            let mut changed = text.clone();
            let mut query = Vec::new();
            for (path, x) in &case {
                changed = set_path(&changed, path, *x);
                query.push(format!("{path}={x}"));
            }
            let want = finetune_roi::evaluate_text(&changed, &plan.to_string_lossy(), fixed_time())
                .unwrap_or_else(|e| panic!("{stem} with {query:?}: {e}"));
            let want_report = &want;
            let url = format!("{}?{}", page.display(), query.join("&"));
            let dom = dump_dom(chromium, Path::new(&url));
            let got = panel_figures(&dom);
            let shown: Vec<&str> = got.iter().map(|(h, _)| h.as_str()).collect();
            assert_eq!(shown, hooks, "{stem} {query:?}: the page's figures");
            for ((hook, value), figure) in got.iter().zip(memo::WHAT_IF_FIGURES.iter()) {
                let id = figure.quantity;
                // The page does not rerun the simulation: with ranges, the
                // words that quote its odds (the headline's last sentence,
                // a "marginal" that rests on them) keep the plan's odds, so
                // the words are compared without them.
                let (value, want) = if ranged && !case.is_empty() {
                    (
                        without_odds(value),
                        match want.value(id) {
                            finetune_roi::value::Value::Text(t) => {
                                finetune_roi::value::Value::Text(
                                    without_odds(&serde_json::json!(t))
                                        .as_str()
                                        .unwrap()
                                        .to_string(),
                                )
                            }
                            other => other.clone(),
                        },
                    )
                } else {
                    (value.clone(), want.value(id).clone())
                };
                let (value, want) = (&value, &want);
                // Nor does the page hold a candidate back by its odds: where
                // the tool's odds, rerun, fall under those required, its
                // answer is the API for now while the page keeps the plan's
                // odds and answer.
                let by_odds = ranged
                    && !case.is_empty()
                    && want_report.value("held_back_by_odds")
                        == &finetune_roi::value::Value::Bool(true)
                    && ["verdict", "verdict_sentence", "recommended_label"].contains(&id);
                if by_odds {
                    continue;
                }
                assert!(
                    same(value, want),
                    "{stem} with {query:?}: {hook} is {value} on the page, {want:?} by the tool"
                );
            }
            assert!(
                !dom.contains("class=\"wi-problem\" role=\"alert\">"),
                "{stem} {query:?}: the panel reports a problem"
            );
            levers_compared += compare_levers(&stem, &query, &dom, want_report, ranged, &case);
            verdicts.insert(want.verdict().to_string());
            compared += 1;
        }
    }
    assert!(compared >= 8 * 4, "{compared} pages compared");
    assert!(
        levers_compared >= 40,
        "{levers_compared} lever flips compared"
    );
    // The generated changes reach both verdicts.
    assert!(verdicts.len() >= 2, "{verdicts:?}");
}
