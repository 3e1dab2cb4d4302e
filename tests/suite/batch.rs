//! Batches and monthly runs, through the real binary: the dated layout and
//! the portfolio, what changed since the previous month (a price change, a
//! flipped verdict and `--fail-on`), byte-identical reruns, a broken plan
//! among good ones, writes that fail midway, and the LiteLLM price import
//! with `--catalog`. Kills, locks and months written whole are in `months`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

use super::common::*;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_finetune-roi"))
}

/// The names in a folder, but a month's record (which is not an output).
fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != finetune_roi::runs::month::RECORD)
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn example(name: &str) -> String {
    std::fs::read_to_string(root().join("inputs").join(name)).unwrap()
}

/// Writes plans (name → text) into a new folder `dir/plans`.
fn plans(dir: &Path, plans: &[(&str, &str)]) -> PathBuf {
    let folder = dir.join("plans");
    std::fs::create_dir_all(&folder).unwrap();
    for (name, text) in plans {
        std::fs::write(folder.join(name), text).unwrap();
    }
    folder
}

/// `run PLANS --out OUT ARGS…` in `dir` (so paths in the outputs are
/// relative), with no `SOURCE_DATE_EPOCH` unless `source_date_epoch` is set.
fn run_at(dir: &Path, args: &[&str], source_date_epoch: Option<&str>) -> Output {
    let mut command = bin();
    command.arg("run").args(args).current_dir(dir);
    match source_date_epoch {
        Some(seconds) => command.env("SOURCE_DATE_EPOCH", seconds),
        None => command.env_remove("SOURCE_DATE_EPOCH"),
    };
    command.output().unwrap()
}

/// `run PLANS --out OUT ARGS…` in `dir`, stamped with the clock's time.
fn run(dir: &Path, args: &[&str]) -> Output {
    run_at(dir, args, None)
}

/// A generation time read from the outputs is the clock's: within a minute
/// of now (a sanity window, not a measure of speed).
fn assert_now(generated_at: &Json) {
    let t = chrono::DateTime::parse_from_rfc3339(generated_at.as_str().unwrap()).unwrap();
    let off = (chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_seconds();
    assert!((0..60).contains(&off), "{generated_at} is {off} s from now");
}

fn json(path: &Path) -> Json {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The text of one part of an xlsx file.
fn xlsx_part(path: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: not a complete workbook: {e}", path.display()));
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Asserts that every file in `dir` is complete: each workbook opens as a
/// zip with its workbook part, each JSON parses, each memo ends as rendered;
/// and that no temporary file is left visible.
fn assert_complete(dir: &Path) {
    for name in files_in(dir) {
        let path = dir.join(&name);
        assert!(
            !name.ends_with(".tmp") || name.starts_with('.'),
            "{name}: a visible temporary file"
        );
        if name.ends_with(".xlsx") {
            xlsx_part(&path, "xl/workbook.xml");
        } else if name.ends_with(".json") {
            json(&path);
        } else if name.ends_with(".html") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.trim_end().ends_with("</html>"), "{name}: cut short");
        } else if name.ends_with(".md") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.ends_with('\n'), "{name}: cut short");
        }
    }
}

const FORMATS: [&str; 4] = ["html", "json", "md", "xlsx"];

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn outputs_of(stems: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = stems
        .iter()
        .flat_map(|s| FORMATS.iter().map(move |f| format!("{s}.{f}")))
        .collect();
    v.sort();
    v
}

#[test]
fn a_dated_run_writes_each_plan_and_the_portfolio_into_the_month_folder() {
    let tmp = tempfile::tempdir().unwrap();
    plans(
        tmp.path(),
        &[
            ("support.yaml", &example("customer-support-50m.yaml")),
            ("classify.yaml", &example("document-classification.yaml")),
        ],
    );
    let o = run(tmp.path(), &["plans", "--month", "2026-12", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_in(&tmp.path().join("out")), ["2026-12"]);
    let month = tmp.path().join("out/2026-12");
    assert_eq!(
        files_in(&month),
        outputs_of(&["classify", "portfolio", "support"])
    );
    // Stamped with the clock's time; the figures are as of the plan's date.
    let plan = json(&month.join("support.json"));
    assert_now(&plan["generated_at"]);
    assert_eq!(plan["as_of"], "2026-11-01");
    let portfolio = json(&month.join("portfolio.json"));
    assert_now(&portfolio["generated_at"]);
    assert_eq!(portfolio["month"], "2026-12");
    let rows = portfolio["plans"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // In the order the folder lists them, with the plan's own figures.
    assert_eq!(rows[0]["stem"], "classify");
    assert_eq!(rows[1]["stem"], "support");
    assert_eq!(rows[1]["verdict"], plan["verdict"]);
    assert_eq!(rows[1]["answer"], plan["answer"]);
    assert_eq!(
        rows[1]["monthly_savings"],
        plan["results"]["recommended_monthly_savings"]
    );
    assert_eq!(
        rows[1]["break_even_tokens_per_day_all_in"],
        plan["results"]["break_even_tokens_per_day_all_in"]
    );
    assert_eq!(rows[1]["workbook"], "support.xlsx");
    assert_eq!(
        rows[1]["changes"],
        Json::Null,
        "a first run has no previous"
    );
    // The portfolio workbook links each row to the plan's workbook.
    let rels = xlsx_part(
        &month.join("portfolio.xlsx"),
        "xl/worksheets/_rels/sheet1.xml.rels",
    );
    assert!(rels.contains("Target=\"support.xlsx\""), "{rels}");
    assert!(rels.contains("Target=\"classify.xlsx\""), "{rels}");
    let md = std::fs::read_to_string(month.join("portfolio.md")).unwrap();
    assert!(md.contains("[support.xlsx](support.xlsx)"), "{md}");
    let html = std::fs::read_to_string(month.join("portfolio.html")).unwrap();
    assert!(html.contains("<a href=\"support.xlsx\">"), "{html}");
    // Without --month the layout is the flat one, and there is no portfolio.
    let flat = run(tmp.path(), &["plans", "--out", "flat"]);
    assert_eq!(flat.status.code(), Some(0), "{}", stderr(&flat));
    assert_eq!(
        files_in(&tmp.path().join("flat")),
        outputs_of(&["classify", "support"])
    );
    // …stamped with the clock's time too.
    let flat_plan = json(&tmp.path().join("flat/support.json"));
    assert_now(&flat_plan["generated_at"]);
    assert_eq!(flat_plan["as_of"], "2026-11-01");
}

#[test]
fn run_prints_the_paths_it_wrote_memo_first_as_the_folder_was_given() {
    let tmp = tempfile::tempdir().unwrap();
    plans(
        tmp.path(),
        &[
            ("support.yaml", &example("customer-support-50m.yaml")),
            ("classify.yaml", &example("document-classification.yaml")),
        ],
    );
    let paths_printed = |o: &Output| -> Vec<String> {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
        let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
        let lines: Vec<&str> = stdout.lines().collect();
        let count = lines
            .iter()
            .position(|l| l.contains(" written to "))
            .unwrap_or_else(|| panic!("no count line: {stdout}"));
        lines[count + 1..].iter().map(|l| l.to_string()).collect()
    };
    let dated = run(
        tmp.path(),
        &["plans", "--month", "2026-12", "--out", "./out/"],
    );
    let expected: Vec<String> = ["classify", "support", "portfolio"]
        .iter()
        .flat_map(|stem| {
            ["md", "html", "xlsx", "json"]
                .iter()
                .map(move |ext| format!("./out/2026-12/{stem}.{ext}"))
        })
        .collect();
    assert_eq!(paths_printed(&dated), expected);
    for path in &expected {
        assert!(tmp.path().join(path).is_file(), "{path}");
    }
    // A flat run lists what it was asked for, the memo still first.
    let flat = run(
        tmp.path(),
        &["plans/support.yaml", "--format", "json,md", "--out", "flat"],
    );
    assert_eq!(
        paths_printed(&flat),
        ["flat/support.md", "flat/support.json"]
    );
}

#[test]
fn the_next_month_lists_a_price_change_and_flags_a_flipped_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let support = example("customer-support-50m.yaml");
    let code = example("code-generation-200m.yaml");
    plans(
        tmp.path(),
        &[("support.yaml", &support), ("code.yaml", &code)],
    );
    let first = run(tmp.path(), &["plans", "--month", "2026-11", "--out", "out"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let november = json(&tmp.path().join("out/2026-11/support.json"));
    assert_eq!(november["verdict"], "Fine-tune");
    // December: the API price of the support bot falls far enough to flip
    // its verdict; the code plan's output price moves a little.
    let support_dec = replace_once(
        &support,
        "input_price_per_1m_tokens: 5.00",
        "input_price_per_1m_tokens: 1.00",
    );
    let support_dec = replace_once(
        &support_dec,
        "output_price_per_1m_tokens: 5.00",
        "output_price_per_1m_tokens: 1.00",
    );
    let code_dec = replace_once(
        &code,
        "output_price_per_1m_tokens: 5.00",
        "output_price_per_1m_tokens: 5.50",
    );
    plans(
        tmp.path(),
        &[("support.yaml", &support_dec), ("code.yaml", &code_dec)],
    );
    let second = run(
        tmp.path(),
        &[
            "plans",
            "--month",
            "2026-12",
            "--out",
            "out",
            "--fail-on",
            "verdict-change,savings-drop:50%",
        ],
    );
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(3), "{err}");
    assert!(
        err.contains("alert (verdict-change): plans/support.yaml: the verdict flipped since 2026-11: Fine-tune → Stay on the API"),
        "{err}"
    );
    // A savings-drop threshold trips on the plan whose savings fell.
    assert!(
        err.contains("alert (savings-drop:50%): plans/support.yaml: monthly savings fell by"),
        "{err}"
    );
    assert!(!err.contains("plans/code.yaml"), "{err}");
    assert!(
        !err.contains("replaces"),
        "a first December replaces nothing: {err}"
    );
    // The outputs are written all the same.
    let month = tmp.path().join("out/2026-12");
    assert_eq!(
        files_in(&month),
        outputs_of(&["code", "portfolio", "support"])
    );

    // Each plan's memo says what moved, with the old and new values.
    let memo = std::fs::read_to_string(month.join("support.md")).unwrap();
    assert!(memo.contains("## What changed"), "{memo}");
    assert!(
        memo.contains("Since 2026-11, the verdict flipped: Fine-tune → Stay on the API."),
        "{memo}"
    );
    assert!(
        memo.contains("| API input price | \\$5.000 | \\$1.000 | \\$/1M tokens |"),
        "{memo}"
    );
    let code_memo = std::fs::read_to_string(month.join("code.md")).unwrap();
    assert!(code_memo.contains("Since 2026-11, the verdict stands; these figures moved."));
    let november_memo = std::fs::read_to_string(tmp.path().join("out/2026-11/support.md")).unwrap();
    assert!(!november_memo.contains("## What changed"));

    let portfolio = json(&month.join("portfolio.json"));
    let row = |stem: &str| {
        portfolio["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["stem"] == stem)
            .unwrap()
            .clone()
    };
    let moved = |row: &Json, id: &str| {
        row["changes"]["moved"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} did not move: {row}"))
    };
    let s = row("support");
    assert_eq!(s["changes"]["previous_month"], "2026-11");
    assert_eq!(s["changes"]["verdict_flipped"], true);
    assert_eq!(s["changes"]["moved"][0]["kind"], "verdict");
    let price = moved(&s, "input_price_per_1m_tokens");
    assert_eq!(
        (price["old"].as_f64(), price["new"].as_f64()),
        (Some(5.0), Some(1.0))
    );
    let api = moved(&s, "monthly_api_cost");
    assert_eq!(api["old"], november["results"]["monthly_api_cost"]);
    let c = row("code");
    assert_eq!(c["changes"]["verdict_flipped"], false);
    let out_price = moved(&c, "output_price_per_1m_tokens");
    assert_eq!(
        (out_price["old"].as_f64(), out_price["new"].as_f64()),
        (Some(5.0), Some(5.5))
    );
    assert!(
        c["changes"]["moved"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != "input_price_per_1m_tokens"),
        "an input that did not move is not listed"
    );
    let md = std::fs::read_to_string(month.join("portfolio.md")).unwrap();
    assert!(md.contains("## Verdicts that flipped"), "{md}");
    assert!(
        md.contains("verdict flipped since 2026-11: Fine-tune → Stay on the API"),
        "{md}"
    );
    assert!(
        md.contains("| API input price | input | \\$5.000 | \\$1.000 |"),
        "{md}"
    );
    let changes_sheet = xlsx_part(&month.join("portfolio.xlsx"), "xl/sharedStrings.xml");
    assert!(changes_sheet.contains("input_price_per_1m_tokens"));

    // The same month again, the same plans: compared with November still,
    // so the same alerts and exit code, and with the December run it
    // replaces, in which nothing moved.
    let again = run(
        tmp.path(),
        &[
            "plans",
            "--month",
            "2026-12",
            "--out",
            "out",
            "--fail-on",
            "verdict-change,savings-drop:50%",
        ],
    );
    let err = stderr(&again);
    assert_eq!(again.status.code(), Some(3), "{err}");
    assert!(
        err.contains("alert (verdict-change): plans/support.yaml: the verdict flipped since 2026-11: Fine-tune → Stay on the API"),
        "{err}"
    );
    let summary = String::from_utf8_lossy(&again.stdout);
    assert!(
        summary.contains(
            "verdict flipped since 2026-11: Fine-tune → Stay on the API; unchanged since the earlier run of 2026-12"
        ),
        "{summary}"
    );
    assert_eq!(
        files_in(&month),
        sorted(
            [
                outputs_of(&["code", "portfolio", "support"]),
                vec!["replaced".into()]
            ]
            .concat()
        )
    );
    // --fail-on needs a month to compare with.
    let usage = run(
        tmp.path(),
        &["plans", "--out", "out", "--fail-on", "verdict-change"],
    );
    assert_eq!(usage.status.code(), Some(2));
}

/// 2025-12-01T00:00:00Z, as `SOURCE_DATE_EPOCH` writes it.
const EPOCH: &str = "1764547200";

#[test]
fn a_rerun_of_a_month_replaces_its_run_and_is_compared_with_it_too() {
    let tmp = tempfile::tempdir().unwrap();
    let support = example("customer-support-50m.yaml");
    let code = example("code-generation-200m.yaml");
    plans(
        tmp.path(),
        &[("support.yaml", &support), ("code.yaml", &code)],
    );
    let args = [
        "plans",
        "--month",
        "2026-11",
        "--out",
        "out",
        "--fail-on",
        "verdict-change",
    ];
    let first = run(tmp.path(), &args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stderr(&first).is_empty(), "{}", stderr(&first));
    let november = tmp.path().join("out/2026-11");
    assert_eq!(json(&november.join("support.json"))["verdict"], "Fine-tune");
    // The support bot's API gets cheap enough to flip its verdict, a new
    // plan joins, and November is run again.
    let cheaper = replace_once(
        &support,
        "input_price_per_1m_tokens: 5.00",
        "input_price_per_1m_tokens: 1.00",
    );
    let cheaper = replace_once(
        &cheaper,
        "output_price_per_1m_tokens: 5.00",
        "output_price_per_1m_tokens: 1.00",
    );
    plans(
        tmp.path(),
        &[
            ("support.yaml", &cheaper),
            ("classify.yaml", &example("document-classification.yaml")),
        ],
    );
    let again = run(tmp.path(), &args);
    let err = stderr(&again);
    // No earlier month: nothing to alert on; a month's alerts compare months.
    assert_eq!(again.status.code(), Some(0), "{err}");
    // Said once, counting the two plans the earlier run also had.
    assert_eq!(
        err,
        "note: out/2026-11: this run replaces the earlier run of 2026-11 (2 plans); each plan is still compared with its latest earlier month, and the JSON of each run replaced is kept in replaced/\n"
    );
    let summary = String::from_utf8_lossy(&again.stdout);
    let line = |plan: &str| {
        summary
            .lines()
            .find(|l| l.starts_with(plan))
            .unwrap_or_else(|| panic!("{plan}: {summary}"))
            .to_string()
    };
    assert!(line("plans/support.yaml").ends_with(
        "first month; verdict flipped since the earlier run of 2026-11: Fine-tune → Stay on the API"
    ));
    assert!(line("plans/code.yaml")
        .ends_with("first month; unchanged since the earlier run of 2026-11"));
    assert!(line("plans/classify.yaml").ends_with("first run"));
    // The documents say so too, with the replaced run's figures as the old ones.
    let memo = std::fs::read_to_string(november.join("support.md")).unwrap();
    assert!(
        memo.contains(
            "Since the earlier run of 2026-11, the verdict flipped: Fine-tune → Stay on the API."
        ),
        "{memo}"
    );
    assert!(
        memo.contains("| API input price | \\$5.000 | \\$1.000 | \\$/1M tokens |"),
        "{memo}"
    );
    let portfolio = json(&november.join("portfolio.json"));
    let row = portfolio["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stem"] == "support")
        .unwrap();
    assert_eq!(row["changes"], Json::Null);
    let in_month = &row["changes_since_earlier_run_of_month"];
    assert_eq!(in_month["previous_month"], "2026-11");
    assert_eq!(in_month["verdict_flipped"], true);
    // Every plan's files are whole; the replaced runs' JSON is kept.
    assert_eq!(
        files_in(&november),
        sorted(
            [
                outputs_of(&["classify", "code", "portfolio", "support"]),
                vec!["replaced".into()]
            ]
            .concat()
        )
    );
    assert_complete(&november);
    assert_eq!(
        files_in(&november.join("replaced")),
        ["code.json", "support.json"]
    );
    assert_eq!(
        json(&november.join("replaced/support.json"))["verdict"],
        "Fine-tune"
    );
}

#[test]
fn two_runs_of_the_same_month_with_source_date_epoch_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = root().join("inputs");
    let inputs = inputs.to_str().unwrap();
    for out in ["a", "b"] {
        let o = run_at(
            tmp.path(),
            &[inputs, "--month", "2026-12", "--out", out],
            Some(EPOCH),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let a = tmp.path().join("a/2026-12");
    let b = tmp.path().join("b/2026-12");
    let names = files_in(&a);
    assert_eq!(names.len(), 4 * (example_plans().len() + 1), "{names:?}");
    assert_eq!(names, files_in(&b));
    for name in &names {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        assert!(x == y, "{name} differs between two runs");
    }
    // The generation time is SOURCE_DATE_EPOCH's instant everywhere it is
    // shown; the as-of date stays the plan's.
    let plan = json(&a.join("customer-support-50m.json"));
    assert_eq!(plan["generated_at"], "2025-12-01T00:00:00Z");
    assert_eq!(plan["as_of"], "2026-11-01");
    let core = xlsx_part(&a.join("customer-support-50m.xlsx"), "docProps/core.xml");
    assert!(core.contains("2025-12-01T00:00:00Z"), "{core}");
    let memo = std::fs::read_to_string(a.join("customer-support-50m.md")).unwrap();
    assert!(
        memo.contains("| Generated at | 2025-12-01T00:00:00Z |"),
        "{memo}"
    );
    assert!(memo.contains("| Figures as of | 2026-11-01 |"), "{memo}");
    let portfolio = std::fs::read_to_string(a.join("portfolio.md")).unwrap();
    assert!(
        portfolio.contains("**Generated:** 2025-12-01 00:00 UTC"),
        "{portfolio}"
    );
    assert_eq!(
        json(&a.join("portfolio.json"))["generated_at"],
        "2025-12-01T00:00:00Z"
    );
    // --timestamp wins over SOURCE_DATE_EPOCH: the given time, or the
    // clock's when bare.
    let plan = inputs.to_string() + "/customer-support-50m.yaml";
    for (timestamp, out) in [
        ("--timestamp=2026-12-03T08:30:00Z", "c"),
        ("--timestamp", "d"),
    ] {
        let stamped = run_at(
            tmp.path(),
            &[&plan, "--format", "json", "--out", out, timestamp],
            Some(EPOCH),
        );
        assert_eq!(stamped.status.code(), Some(0), "{}", stderr(&stamped));
        let generated_at =
            &json(&tmp.path().join(out).join("customer-support-50m.json"))["generated_at"];
        match out {
            "c" => assert_eq!(generated_at, "2026-12-03T08:30:00Z"),
            _ => assert_now(generated_at),
        }
    }
    // A SOURCE_DATE_EPOCH that is not whole seconds is refused, and nothing
    // is written.
    for bad in ["2025-12-01", "1764547200.5", "-5", "tomorrow"] {
        let refused = run_at(tmp.path(), &[&plan, "--out", "e"], Some(bad));
        assert_eq!(
            refused.status.code(),
            Some(2),
            "{bad}: {}",
            stderr(&refused)
        );
        assert!(
            stderr(&refused).starts_with("error: SOURCE_DATE_EPOCH: expected whole seconds"),
            "{}",
            stderr(&refused)
        );
        assert!(files_in(&tmp.path().join("e")).is_empty());
    }
}

#[test]
fn a_broken_plan_does_not_stop_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let broken =
        std::fs::read_to_string(root().join("tests/fixtures/broken/wrong-type.yaml")).unwrap();
    plans(
        tmp.path(),
        &[
            ("a-support.yaml", &example("customer-support-50m.yaml")),
            ("b-broken.yaml", &broken),
            ("c-startup.yaml", &example("startup-gpt4-8k.yaml")),
        ],
    );
    // A dated run exits 1; a flat run keeps exit 2 for invalid plans.
    for (args, dir, code) in [
        (
            vec!["plans", "--month", "2026-12", "--out", "out"],
            "out/2026-12",
            1,
        ),
        (vec!["plans", "--out", "flat"], "flat", 2),
    ] {
        let o = run(tmp.path(), &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(
            err.contains("plans/b-broken.yaml:"),
            "the plan's own error: {err}"
        );
        assert!(
            err.contains("1 of 3 plans failed: plans/b-broken.yaml"),
            "{err}"
        );
        let written = files_in(&tmp.path().join(dir));
        for stem in ["a-support", "c-startup"] {
            for f in FORMATS {
                assert!(
                    written.contains(&format!("{stem}.{f}")),
                    "{args:?}: {written:?}"
                );
            }
        }
        assert!(
            !written.iter().any(|f| f.starts_with("b-broken")),
            "{written:?}"
        );
        let summary = String::from_utf8_lossy(&o.stdout);
        assert!(
            summary
                .lines()
                .any(|l| l.starts_with("plans/b-broken.yaml ") && l.contains(" FAILED")),
            "{summary}"
        );
    }
    let portfolio = json(&tmp.path().join("out/2026-12/portfolio.json"));
    assert_eq!(portfolio["plans"][1]["status"], "failed");
    assert!(portfolio["plans"][1]["error"]
        .as_str()
        .unwrap()
        .contains("b-broken.yaml"));
    // Every plan broken: exit 2, as for a single broken plan.
    let only = run(
        tmp.path(),
        &["plans/b-broken.yaml", "plans/b-broken.yaml", "--out", "x"],
    );
    assert_eq!(only.status.code(), Some(2), "{}", stderr(&only));
}

#[test]
fn a_write_that_fails_midway_leaves_the_earlier_complete_files_and_no_partial_one() {
    let tmp = tempfile::tempdir().unwrap();
    plans(
        tmp.path(),
        &[("support.yaml", &example("customer-support-50m.yaml"))],
    );
    let args = [
        "plans",
        "--out",
        "out",
        "--jobs",
        "1",
        "--timestamp=2026-12-01",
    ];
    let first = run(tmp.path(), &args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let out = tmp.path().join("out");
    let before: Vec<Vec<u8>> = FORMATS
        .iter()
        .map(|f| std::fs::read(out.join(format!("support.{f}"))).unwrap())
        .collect();
    // The fourth write fails halfway through its temporary file; the run
    // stamps a new time, so every rewritten file differs from the first run's.
    let failed = bin()
        .arg("run")
        .args([
            "plans",
            "--out",
            "out",
            "--jobs",
            "1",
            "--timestamp=2026-12-02",
        ])
        .env("FINETUNE_ROI_FAIL_WRITES_AFTER", "3")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let err = stderr(&failed);
    assert_eq!(failed.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write support.json"), "{err}");
    assert_eq!(
        files_in(&out),
        outputs_of(&["support"]),
        "no temporary file is left"
    );
    assert_complete(&out);
    for (f, old) in FORMATS.iter().zip(&before) {
        let now = std::fs::read(out.join(format!("support.{f}"))).unwrap();
        if *f == "json" {
            // Written last (xlsx, md, html, json) and failed: the old file stands whole.
            assert!(&now == old, "support.json was touched");
        } else {
            assert!(&now != old, "support.{f} was not rewritten");
        }
    }
}

#[test]
fn prices_import_litellm_rewrites_a_copy_of_the_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    for name in files_in(&root().join("inputs/catalog")) {
        std::fs::copy(
            root().join("inputs/catalog").join(&name),
            catalog.join(&name),
        )
        .unwrap();
    }
    // The shipped catalogue as it was before its 2026 refresh: gpt-4o at
    // the lesson's $5/$15.
    let shipped = std::fs::read_to_string(catalog.join("api-prices.yaml"))
        .unwrap()
        .replacen(
            "input_per_1m_tokens: 2.50\n    output_per_1m_tokens: 10.00\n    as_of: 2026-12-06\n    source: \"LiteLLM price map (package 1.110.2), taken 2026-12-06 (key `gpt-4o`)\"",
            "input_per_1m_tokens: 5.00\n    output_per_1m_tokens: 15.00\n    as_of: 2024-07-01\n    source: \"the lesson\"",
            1,
        );
    std::fs::write(catalog.join("api-prices.yaml"), &shipped).unwrap();
    let litellm = root().join("tests/fixtures/litellm/model_prices_and_context_window.json");
    let import = bin()
        .args(["prices", "import", "litellm"])
        .arg(&litellm)
        .args(["--as-of", "2026-07-24"])
        .arg("--catalog")
        .arg(&catalog)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&import.stdout);
    assert_eq!(import.status.code(), Some(0), "{stdout}{}", stderr(&import));
    assert!(
        stdout
            .contains("updated gpt-4o: input $5.00 → $2.50, output $15.00 → $10.00 per 1M tokens"),
        "{stdout}"
    );
    assert!(stdout.contains("rewritten with"), "{stdout}");
    let rewritten = std::fs::read_to_string(catalog.join("api-prices.yaml")).unwrap();
    assert_ne!(rewritten, shipped);
    assert_eq!(
        files_in(&catalog),
        files_in(&root().join("inputs/catalog")),
        "no temporary file"
    );
    // Importing the same map again changes nothing.
    let again = bin()
        .args(["prices", "import", "litellm"])
        .arg(&litellm)
        .args(["--as-of", "2026-07-24"])
        .arg("--catalog")
        .arg(&catalog)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("unchanged"));
    assert_eq!(
        std::fs::read_to_string(catalog.join("api-prices.yaml")).unwrap(),
        rewritten
    );

    // A plan that takes its prices from the catalogue gets the catalogue's
    // with --catalog (here edited by hand to $2.00), and the built-in ones
    // (today's $2.50) without.
    std::fs::write(
        catalog.join("api-prices.yaml"),
        rewritten.replacen("input_per_1m_tokens: 2.50", "input_per_1m_tokens: 2.00", 1),
    )
    .unwrap();
    let plan = example("roi-worked-example.yaml")
        .lines()
        .filter(|l| {
            !l.trim_start().starts_with("input_price_per_1m_tokens")
                && !l.trim_start().starts_with("output_price_per_1m_tokens")
        })
        .collect::<Vec<_>>()
        .join("\n");
    plans(tmp.path(), &[("p.yaml", &plan)]);
    let with = run(
        tmp.path(),
        &[
            "plans/p.yaml",
            "--out",
            "with",
            "--format",
            "json",
            "--catalog",
            "catalog",
        ],
    );
    assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));
    let without = run(
        tmp.path(),
        &["plans/p.yaml", "--out", "without", "--format", "json"],
    );
    assert_eq!(without.status.code(), Some(0), "{}", stderr(&without));
    let price = |dir: &str| {
        json(&tmp.path().join(dir).join("p.json"))["inputs"]["input_price_per_1m_tokens"]["value"]
            .as_f64()
    };
    assert_eq!(price("with"), Some(2.0));
    assert_eq!(price("without"), Some(2.5));
    // A catalogue that does not load is refused before any plan runs.
    let bad = run(
        tmp.path(),
        &[
            "plans/p.yaml",
            "--out",
            "bad",
            "--catalog",
            "no-such-catalog",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(files_in(&tmp.path().join("bad")).is_empty());
}

#[test]
fn run_flags_for_schedulers_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    plans(
        tmp.path(),
        &[("p.yaml", &example("support-bot-uncertain.yaml"))],
    );
    // --quiet prints nothing on success.
    let quiet = run(
        tmp.path(),
        &["plans", "--quiet", "--month", "2026-12", "--out", "q"],
    );
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());
    // --trials and --seed reach the simulation.
    let o = run(
        tmp.path(),
        &[
            "plans", "--out", "s", "--format", "json", "--trials", "500", "--seed", "42",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&tmp.path().join("s/p.json"));
    assert_eq!(doc["simulation"]["trials"], 500);
    assert_eq!(doc["simulation"]["seed"], 42);
    // A bare --timestamp stamps the clock and takes no path as its value.
    let clock = run_at(
        tmp.path(),
        &["--timestamp", "plans", "--out", "t", "--format", "json"],
        Some(EPOCH),
    );
    assert_eq!(clock.status.code(), Some(0), "{}", stderr(&clock));
    assert_now(&json(&tmp.path().join("t/p.json"))["generated_at"]);
    for bad in [
        vec!["plans", "--month", "2026-13"],
        vec!["plans", "--month", "December"],
        vec!["plans", "--fail-on", "verdict"],
        vec!["plans", "--timestamp=yesterday"],
        vec!["plans", "--trials", "0"],
    ] {
        let o = run(tmp.path(), &bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
    }
}

#[test]
fn a_run_read_back_from_its_json_is_the_snapshot_it_was_taken_from() {
    // Next month's run reads this month's figures from the JSON document;
    // the comparison is only right if the document gives back what the
    // report holds.
    use finetune_roi::analysis::changes::Snapshot;
    use finetune_roi::model::Role;
    for plan in example_plans() {
        let r = report_of(&plan);
        let tracked = r.model.with_role(Role::Tracked);
        let document = finetune_roi::render::json::document(&r);
        let read_back = Snapshot::of_document(&document, &tracked);
        assert_eq!(read_back, r.snapshot(), "{}", plan.display());
        assert_eq!(read_back.results.len(), tracked.len(), "{}", plan.display());
    }
}
