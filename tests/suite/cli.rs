//! The command line: exit codes, outputs written, broken plans refused with
//! the file, line and field, and nothing written for them.

use std::path::Path;
use std::process::Command;

use super::common::*;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_finetune-roi"))
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

#[test]
fn run_writes_the_four_outputs_named_after_the_plan() {
    let out = tempfile::tempdir().unwrap();
    let status = bin()
        .args(["run", "inputs/roi-worked-example.yaml", "--out"])
        .arg(out.path())
        .current_dir(root())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        files_in(out.path()),
        [
            "roi-worked-example.html",
            "roi-worked-example.json",
            "roi-worked-example.md",
            "roi-worked-example.xlsx"
        ]
    );
}

#[test]
fn run_over_a_folder_and_a_format_subset() {
    let out = tempfile::tempdir().unwrap();
    let status = bin()
        .args(["run", "inputs", "--format", "json,md", "--out"])
        .arg(out.path())
        .current_dir(root())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let files = files_in(out.path());
    assert_eq!(files.len(), 2 * example_plans().len(), "{files:?}");
    assert!(files
        .iter()
        .all(|f| f.ends_with(".json") || f.ends_with(".md")));
}

/// Each broken fixture: (file, what stderr must say).
const BROKEN: &[(&str, &[&str])] = &[
    (
        "unknown-field.yaml",
        &["unknown-field.yaml:11:3: baseline.requests_per_dya: unknown field `requests_per_dya`; did you mean `requests_per_day`?"],
    ),
    (
        "wrong-type.yaml",
        &["wrong-type.yaml:11:21: baseline.requests_per_day: expected a number, found the text \"lots\""],
    ),
    (
        "missing-field.yaml",
        &["missing-field.yaml:29:1: serving.cost_per_hour: missing field `cost_per_hour`, which is required: expected a number"],
    ),
    (
        "negative-rate.yaml",
        &["negative-rate.yaml:36:19: quality.review_rate_ft: expected a fraction from 0 to 1 (0.05 means 5%), found 1.5"],
    ),
    (
        "yes-is-a-string.yaml",
        &["yes-is-a-string.yaml:42:22: decision.team_ml_expertise: expected true or false, found the text \"yes\"", "write true or false"],
    ),
    (
        "bad-date.yaml",
        &["bad-date.yaml:2:8: as_of: expected a date that exists, written YYYY-MM-DD, found \"2026-02-30\""],
    ),
];

#[test]
fn broken_plans_exit_2_name_the_place_and_write_nothing() {
    for (file, needles) in BROKEN {
        let out = tempfile::tempdir().unwrap();
        let outdir = out.path().join("o");
        let result = bin()
            .args(["run"])
            .arg(root().join("tests/fixtures/broken").join(file))
            .arg("--out")
            .arg(&outdir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{file}: {stderr}");
        for n in *needles {
            assert!(stderr.contains(n), "{file}: stderr lacks `{n}`:\n{stderr}");
        }
        assert!(files_in(&outdir).is_empty(), "{file}: outputs were written");
    }
}

#[test]
fn all_problems_in_values_are_reported_together() {
    let text = replace_once(
        &worked_example_text(),
        "review_rate_ft: 0.05",
        "review_rate_ft: 1.5",
    );
    let text = replace_once(&text, "instances: 2", "instances: 0");
    let text = replace_once(&text, "hourly_rate: 150", "hourly_rate: -150");
    let err = finetune_roi::evaluate_text(&text, "p.yaml", fixed_time())
        .unwrap_err()
        .to_string();
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(err.contains("quality.review_rate_ft"));
    assert!(err.contains("serving.instances"));
    assert!(err.contains("engineering.hourly_rate"));
}

#[test]
fn check_validates_without_writing() {
    let result = bin()
        .args(["check", "inputs"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.contains(": ok")).count(),
        example_plans().len()
    );
}

#[test]
fn usage_errors_exit_2() {
    let result = bin()
        .args(["run", "--format", "pdf", "inputs"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("choose from"));
    let result = bin()
        .args(["run", "no-such-plan.yaml"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
}
