//! Broken and hostile plans, through the real binary: each plan in
//! `tests/fixtures/hostile/` against its `.expected` file (exit code and the
//! exact stderr); alias bombs, deep nesting and oversized input under a
//! memory limit; nothing written outside `--out`; plan text inert in every
//! output; no NaN or infinity where a division has nothing to divide.
//!
//! `BLESS=1 cargo test hostile` rewrites the `.expected` files from what the
//! binary does now; review the diff before committing it.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::common::*;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_finetune-roi"))
}

fn corpus_dir() -> PathBuf {
    root().join("tests/fixtures/hostile")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// What a run is expected to do: `exit N` on the first line, then stderr.
fn expectation(output: &Output) -> String {
    format!(
        "exit {}\n{}",
        output
            .status
            .code()
            .map_or("by a signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_hostile_corpus_gives_the_expected_exit_code_and_message() {
    let dir = corpus_dir();
    let plans: Vec<String> = files_in(&dir)
        .into_iter()
        .filter(|f| f.ends_with(".yaml"))
        .collect();
    assert!(plans.len() >= 30, "the corpus has {} plans", plans.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for plan in &plans {
        let out = tempfile::tempdir().unwrap();
        let outdir = out.path().join("o");
        let output = Command::new(bin())
            .arg("run")
            .arg(plan)
            .arg("--out")
            .arg(&outdir)
            .current_dir(&dir)
            .output()
            .unwrap();
        let got = expectation(&output);
        let expected_file = dir.join(plan.replace(".yaml", ".expected"));
        if bless {
            std::fs::write(&expected_file, &got).unwrap();
        }
        let want = std::fs::read_to_string(&expected_file)
            .unwrap_or_else(|_| panic!("{plan}: no .expected file (run with BLESS=1)"));
        if got != want {
            failures.push(format!("{plan}:\n--- expected\n{want}--- got\n{got}"));
        }
        // A refused plan writes nothing; an accepted one writes all four outputs.
        let written = files_in(&outdir);
        match output.status.code() {
            Some(0) => {
                let stem = plan.trim_end_matches(".yaml");
                let want: Vec<String> = ["html", "json", "md", "xlsx"]
                    .iter()
                    .map(|x| format!("{stem}.{x}"))
                    .collect();
                assert_eq!(written, want, "{plan}");
            }
            _ => assert!(written.is_empty(), "{plan}: wrote {written:?}"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every expectation belongs to a plan.
    for f in files_in(&dir) {
        if let Some(stem) = f.strip_suffix(".expected") {
            assert!(plans.contains(&format!("{stem}.yaml")), "{f} has no plan");
        }
    }
}

/// Address-space limit for one run, in KiB (`ulimit -v`): 100 MB.
const MEMORY_LIMIT_KIB: u64 = 100_000_000 / 1024;
/// A run that takes longer than this has hung. A guard, not a speed figure.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Runs the binary under the memory limit and the hang guard.
fn run_limited(args: &[OsString]) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut stdout).ok();
        child.stderr.take().unwrap().read_to_end(&mut stderr).ok();
        let status = child.wait().unwrap();
        tx.send(Output {
            status,
            stdout,
            stderr,
        })
        .ok();
    });
    match rx.recv_timeout(HANG_GUARD) {
        Ok(output) => output,
        Err(_) => {
            Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .ok();
            panic!("{args:?} still running after {HANG_GUARD:?}: it hangs");
        }
    }
}

/// A bomb: the plan text, and what the refusal must say.
fn bombs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let quadratic = format!(
        "a: &a [{}]\nb: [{}]\n",
        vec!["x"; 5000].join(","),
        vec!["*a"; 5000].join(",")
    );
    let mut laughs =
        vec![r#"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#.to_string()];
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        laughs.push(format!(
            "{name}: &{name} [{}]",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    let brackets = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mappings = format!("{}1{}", "{a: ".repeat(100_000), "}".repeat(100_000));
    let dashes = format!("{}x\n", "- ".repeat(100_000));
    let too_big = format!("plan: x\nnotes: \"{}\"\n", "x".repeat(1024 * 1024));
    // 30 levels of 190-character keys, then thousands of keys under them:
    // every field path is 6 KB long.
    let key = "k".repeat(190);
    let mut wide = String::new();
    for depth in 0..30 {
        wide.push_str(&format!("{}{key}{depth}:\n", "  ".repeat(depth)));
    }
    let mut i = 0;
    while wide.len() < 1_000_000 {
        wide.push_str(&format!("{}{key}{i}: 1\n", "  ".repeat(30)));
        i += 1;
    }
    let mut unknown = String::new();
    let mut i = 0;
    while unknown.len() < 1_000_000 {
        unknown.push_str(&format!("unknown_key_{i}: {i}\n"));
        i += 1;
    }
    vec![
        (
            "quadratic-alias-bomb",
            quadratic.into_bytes(),
            "expands to more than 100000 YAML nodes",
        ),
        (
            "billion-laughs",
            laughs.join("\n").into_bytes(),
            "expands to more than 100000 YAML nodes",
        ),
        (
            "nested-brackets",
            brackets.into_bytes(),
            "nests deeper than 32 levels",
        ),
        (
            "nested-mappings",
            mappings.into_bytes(),
            "nests deeper than 32 levels",
        ),
        (
            "nested-dashes",
            dashes.into_bytes(),
            "nests deeper than 32 levels",
        ),
        (
            "over-1-mib",
            too_big.into_bytes(),
            "plans larger than 1048576 bytes (1 MiB) are refused",
        ),
        (
            "long-field-paths",
            wide.into_bytes(),
            "missing field `plan`",
        ),
        (
            "unknown-keys",
            unknown.into_bytes(),
            "more problems follow; only the first 50 are listed",
        ),
    ]
}

#[test]
fn bombs_and_deep_nesting_are_refused_under_a_memory_limit() {
    // The limit leaves room for an ordinary plan.
    let ok = run_limited(&[
        "check".into(),
        root().join("inputs/roi-worked-example.yaml").into(),
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", expectation(&ok));

    let dir = tempfile::tempdir().unwrap();
    for (name, text, needle) in bombs() {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, &text).unwrap();
        for command in ["check", "run"] {
            let mut args: Vec<OsString> = vec![command.into(), path.clone().into()];
            if command == "run" {
                args.extend(["--out".into(), dir.path().join("out").into()]);
            }
            let output = run_limited(&args);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{name} ({command}): {stderr}"
            );
            assert!(stderr.contains(needle), "{name} ({command}): {stderr}");
            assert!(
                stderr.lines().count() <= 51,
                "{name}: {} lines",
                stderr.lines().count()
            );
        }
    }
    assert!(files_in(&dir.path().join("out")).is_empty());
}

#[test]
fn an_endless_device_is_refused_before_it_is_read() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let output = run_limited(&["check".into(), "/dev/zero".into()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "/dev/zero: expected a plan file, found a character device; a plan is read from a regular file\n"
    );
}

#[test]
fn nothing_is_written_outside_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // A link in the output folder that points outside it is replaced, not followed.
    let victim = dir.path().join("victim.json");
    std::fs::write(&victim, "untouched").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, out.join("plan.json")).unwrap();
    // Plans whose names would make odd output names.
    let plans = dir.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    let text = worked_example_text();
    std::fs::write(plans.join("plan.yaml"), &text).unwrap();
    std::fs::write(plans.join(".hidden.yaml"), &text).unwrap();
    let output = Command::new(bin())
        .arg("run")
        .arg(plans.join("plan.yaml"))
        .arg(plans.join(".hidden.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(".hidden.yaml: expected a plan file name"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert!(!out.join("plan.json").is_symlink());
    assert_eq!(
        files_in(&out),
        ["plan.html", "plan.json", "plan.md", "plan.xlsx"]
    );
    // Outside `out`: only what the test itself made.
    assert_eq!(files_in(dir.path()), ["out", "plans", "victim.json"]);
    assert_eq!(files_in(&plans), [".hidden.yaml", "plan.yaml"]);
}

#[test]
fn a_broken_plan_among_good_ones_writes_only_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    std::fs::write(plans.join("good.yaml"), worked_example_text()).unwrap();
    std::fs::copy(corpus_dir().join("zeros.yaml"), plans.join("zeros.yaml")).unwrap();
    let out = dir.path().join("out");
    let output = Command::new(bin())
        .arg("run")
        .arg(&plans)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        files_in(&out),
        ["good.html", "good.json", "good.md", "good.xlsx"]
    );
}

/// Runs a corpus plan and returns the output folder.
fn outputs_of(plan: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(bin())
        .arg("run")
        .arg(corpus_dir().join(plan))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{plan}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// The entries of an xlsx file (a zip), by name.
fn xlsx_parts(path: &Path) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_ok() {
            parts.push((entry.name().unwrap().into_owned(), text));
        }
    }
    parts
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of every `<tag>…</tag>` in `xml`, in order.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // `<t>` must not match `<tabColor>`: the tag name ends here.
        if !after.starts_with(['>', ' ', '/']) {
            rest = after;
            continue;
        }
        match after.find(&close) {
            Some(j) => {
                found.push(&after[..j]);
                rest = &after[j + close.len()..];
            }
            None => break,
        }
    }
    found
}

/// The value of `name="…"` in an element's attribute text.
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = attrs.find(&key)? + key.len();
    attrs[i..].split('"').next()
}

#[test]
fn workbook_text_from_the_plan_is_text_never_a_formula() {
    let out = outputs_of("injection.yaml");
    let parts = xlsx_parts(&out.path().join("injection.xlsx"));
    let part = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    // Shared strings, unescaped, by index.
    let strings: Vec<String> = elements(part("xl/sharedStrings.xml"), "si")
        .iter()
        .map(|si| {
            elements(si, "t")
                .iter()
                .map(|t| xml_unescape(t.split_once('>').map_or(*t, |x| x.1)))
                .collect()
        })
        .collect();
    // Cell styles: which ones carry the quote prefix.
    let styles = part("xl/styles.xml");
    let cell_xfs = styles
        .split("<cellXfs")
        .nth(1)
        .and_then(|s| s.split("</cellXfs>").next())
        .unwrap();
    let quoted: Vec<bool> = cell_xfs
        .split("<xf ")
        .skip(1)
        .map(|xf| attribute(&format!(" {xf}"), "quotePrefix") == Some("1"))
        .collect();

    let title = r#"=HYPERLINK("http://example.invalid/steal","Click me")"#;
    let payloads = ["HYPERLINK", "cmd|", "SUM(1+1)", "=1+1"];
    let mut title_cells = 0;
    let mut guarded_cells = 0;
    for (name, xml) in &parts {
        if !name.starts_with("xl/worksheets/sheet") {
            continue;
        }
        for f in elements(xml, "f") {
            for p in payloads {
                assert!(!f.contains(p), "{name}: a formula holds plan text: {f}");
            }
        }
        for cell in xml.split("<c ").skip(1) {
            let (attrs, body) = cell.split_once('>').unwrap_or((cell, ""));
            if attribute(&format!(" {attrs}"), "t") != Some("s") {
                continue;
            }
            let index: usize = body
                .split("<v>")
                .nth(1)
                .and_then(|v| v.split('<').next())
                .and_then(|v| v.parse().ok())
                .unwrap();
            let text = &strings[index];
            let style: usize =
                attribute(&format!(" {attrs}"), "s").map_or(0, |s| s.parse().unwrap());
            if text == title {
                title_cells += 1;
                assert!(quoted[style], "{name}: the title cell has no quote prefix");
            }
            if text.starts_with(['=', '+', '-', '@']) && payloads.iter().any(|p| text.contains(p)) {
                assert!(
                    quoted[style],
                    "{name}: plan text that starts like a formula has no quote prefix: {text:?}"
                );
                guarded_cells += 1;
            }
        }
    }
    assert!(title_cells >= 1, "the title is not in the workbook as text");
    assert!(
        guarded_cells >= 1,
        "no plan text that starts like a formula was found in the workbook"
    );
}

#[test]
fn memo_and_json_carry_plan_text_inert() {
    let out = outputs_of("injection.yaml");
    let html = outside_script(&std::fs::read_to_string(out.path().join("injection.html")).unwrap());
    let md = std::fs::read_to_string(out.path().join("injection.md")).unwrap();
    // The Markdown, as a Markdown viewer would render it.
    let mut md_html = String::new();
    pulldown_cmark::html::push_html(&mut md_html, pulldown_cmark::Parser::new(&md));
    for (what, page) in [("html", &html), ("md", &md_html)] {
        let lower = page.to_lowercase();
        for bad in [
            "<script",
            "<img",
            "href=\"javascript:",
            "src=\"http://example.invalid",
        ] {
            assert!(!lower.contains(bad), "{what}: `{bad}` is live");
        }
        assert!(
            lower.contains("&lt;script&gt;"),
            "{what}: the plan's notes are missing"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("injection.json")).unwrap()).unwrap();
    assert_eq!(
        json["plan"],
        r#"=HYPERLINK("http://example.invalid/steal","Click me")"#
    );
    assert_eq!(json["owner"], "+1+cmd|' /C calc'!A0");
}

/// Markdown and HTML that a plan's free text could carry: a link with a
/// script scheme, raw HTML, a table row, an image, GitHub math, emphasis,
/// strikethrough, code and an entity.
const MARKDOWN_PAYLOAD: &str = "[x](javascript:alert(1)) <script>alert(1)</script> | a | b | ![i](http://x) $x$ **b** _u_ ~~s~~ `c` &amp; # h";

/// The payload as a Markdown renderer shows it when it stays text.
fn shown_as_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Markdown rendered as GitHub would: tables, strikethrough and math on.
fn rendered(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

#[test]
fn markdown_in_every_free_text_field_stays_text_in_the_memo_and_the_portfolio() {
    let tmp = tempfile::tempdir().unwrap();
    let plans = tmp.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    let fixture = std::fs::read_to_string(corpus_dir().join("injection.yaml")).unwrap();
    let body = &fixture[fixture.find("baseline:").unwrap()..];
    let field = |name: &str| format!("{name} {MARKDOWN_PAYLOAD}");
    let plan = format!(
        "plan: '{}'\nas_of: 2026-11-01\nlifetime_months: 18\nowner: '{}'\nnotes: '{}'\n{body}\noptions:\n  - id: wide\n    label: '{}'\n    serving: {{instances: 4}}\n",
        field("title"),
        field("owner"),
        field("notes"),
        field("option"),
    );
    std::fs::write(plans.join("hostile.yaml"), plan).unwrap();
    let output = Command::new(bin())
        .args(["run", "plans", "--month", "2026-12", "--out", "out"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let month = tmp.path().join("out/2026-12");
    let read = |name: &str| std::fs::read_to_string(month.join(name)).unwrap();
    let memo = read("hostile.md");
    let portfolio = read("portfolio.md");
    for (what, markdown, fields) in [
        ("memo", &memo, &["title", "owner", "notes", "option"][..]),
        ("portfolio", &portfolio, &["title"][..]),
    ] {
        let page = rendered(markdown);
        for name in fields {
            let text = shown_as_text(&field(name));
            assert!(
                page.contains(&text),
                "{what}: the {name} is not shown as written:\n{page}"
            );
        }
        for live in [
            "href=\"javascript:",
            "<script",
            "<img",
            "class=\"math",
            "<strong>b</strong>",
            "<em>u</em>",
            "<del>",
            "<code>c</code>",
            "<td>a</td>",
            "<th>a</th>",
        ] {
            assert!(!page.contains(live), "{what}: `{live}` is markup:\n{page}");
        }
    }
}

/// Every number in a JSON document, with its path.
fn numbers(v: &serde_json::Value, path: &str, out: &mut Vec<(String, f64)>) {
    match v {
        serde_json::Value::Number(n) => out.push((path.to_string(), n.as_f64().unwrap())),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                numbers(x, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                numbers(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_traffic_free_prices_and_equal_rates_give_nulls_not_nan() {
    // (plan, results that must be null, results that must be numbers)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "zero-traffic.yaml",
            &["payback_months", "break_even_tokens_per_day_all_in"],
            &[
                "monthly_api_cost",
                "monthly_savings",
                "break_even_tokens_per_day",
            ],
        ),
        (
            "zero-prices.yaml",
            &[
                "flat_payback_months",
                "break_even_tokens_per_day",
                "break_even_tokens_per_day_all_in",
            ],
            &["monthly_api_cost", "monthly_ft_total", "monthly_savings"],
        ),
        (
            "equal-review-rates.yaml",
            &[],
            &[
                "monthly_quality_cost_delta",
                "payback_months",
                "break_even_tokens_per_day_all_in",
            ],
        ),
    ];
    for (plan, nulls, numbers_wanted) in cases {
        let out = outputs_of(plan);
        let stem = plan.trim_end_matches(".yaml");
        let raw = std::fs::read_to_string(out.path().join(format!("{stem}.json"))).unwrap();
        // As JSON values (not inside text such as "inference").
        for bad in [
            ": NaN",
            ": Infinity",
            ": inf",
            ": -inf",
            "\"NAN\"",
            "\"INF\"",
        ] {
            assert!(!raw.contains(bad), "{plan}: the JSON holds `{bad}`");
        }
        let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
        let mut all = Vec::new();
        numbers(&json, "", &mut all);
        assert!(all.iter().all(|(_, x)| x.is_finite()), "{plan}");
        for id in *nulls {
            assert!(
                json["results"][id].is_null(),
                "{plan}: {id} = {}",
                json["results"][id]
            );
        }
        for id in *numbers_wanted {
            assert!(
                json["results"][id].is_number(),
                "{plan}: {id} = {}",
                json["results"][id]
            );
        }
        if *plan == "equal-review-rates.yaml" {
            assert_eq!(json["results"]["monthly_quality_cost_delta"], 0.0);
        }
        // The memo says "never" where JSON says null, never NaN or inf.
        let md = std::fs::read_to_string(out.path().join(format!("{stem}.md"))).unwrap();
        let words: Vec<&str> = md.split(|c: char| !c.is_alphanumeric()).collect();
        for bad in ["NaN", "nan", "inf", "Infinity"] {
            assert!(!words.contains(&bad), "{plan}: the memo shows `{bad}`");
        }
    }
}

#[test]
fn a_negative_zero_is_read_as_zero() {
    let text = replace_once(
        &worked_example_text(),
        "review_rate_api: 0.02",
        "review_rate_api: -0.0",
    );
    let r = report_of_text(&text);
    match r.value("review_rate_api") {
        finetune_roi::value::Value::Num(x) => {
            assert!(*x == 0.0 && x.is_sign_positive(), "{x}")
        }
        other => panic!("{other:?}"),
    }
    let memo = finetune_roi::render::memo::render_markdown(&r);
    assert!(!memo.contains("-0.0%"), "a negative zero is shown");
}
