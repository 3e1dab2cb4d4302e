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
fn out_dash_writes_one_format_to_stdout_and_no_file() {
    let output = bin()
        .args([
            "run",
            "inputs/roi-worked-example.yaml",
            "--format",
            "json",
            "--out",
            "-",
        ])
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1764547200")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    assert_eq!(printed["verdict"], r.verdict());
    assert_eq!(
        printed["results"]["monthly_api_cost"],
        serde_json::json!(r.num("monthly_api_cost").unwrap())
    );
    assert!(!root().join("-").exists(), "no file named -");
    // More than one format, or more than one plan, is refused: exit 2.
    for args in [
        vec!["inputs/roi-worked-example.yaml", "--format", "json,md"],
        vec!["inputs/roi-worked-example.yaml"],
        vec![
            "inputs/roi-worked-example.yaml",
            "inputs/startup-gpt4-8k.yaml",
            "--format",
            "json",
        ],
    ] {
        let output = bin()
            .arg("run")
            .args(&args)
            .args(["--out", "-"])
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--out -"), "{args:?}: {stderr}");
    }
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
        &["missing-field.yaml:29:1: serving.instances: missing field `instances`, which is required: expected a number"],
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
    // Each plan's verdict sentence on its first line, as the JSON has it.
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("inputs/") && l.ends_with('.'))
            .count(),
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

#[test]
fn init_prints_a_starter_plan_that_checks() {
    let printed = bin().arg("init").output().unwrap();
    assert_eq!(printed.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("starter.yaml");
    std::fs::write(&plan, &printed.stdout).unwrap();
    let checked = bin().arg("check").arg(&plan).output().unwrap();
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let text = String::from_utf8(printed.stdout).unwrap();
    assert!(text.contains("# yaml-language-server: $schema="));
    // Every line of the plan proper is explained by a comment.
    assert!(text.lines().filter(|l| l.contains(" # ")).count() >= 20);
}

#[test]
fn init_writes_a_new_file_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.yaml");
    let first = bin().arg("init").arg(&plan).output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    let starter = bin().arg("init").output().unwrap().stdout;
    assert_eq!(std::fs::read(&plan).unwrap(), starter);

    std::fs::write(&plan, "my own plan").unwrap();
    let second = bin().arg("init").arg(&plan).output().unwrap();
    assert_eq!(second.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&second.stderr).contains("the file exists"));
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), "my own plan");
    assert_eq!(files_in(dir.path()), ["plan.yaml"]);
}

/// The schema below `$ref`s and `allOf`s; of an `anyOf`, the first branch
/// that describes a mapping, else the first that is not null.
fn resolved<'a>(
    root: &'a serde_json::Value,
    mut s: &'a serde_json::Value,
) -> &'a serde_json::Value {
    loop {
        if let Some(r) = s["$ref"].as_str() {
            s = root.pointer(r.trim_start_matches('#')).unwrap();
        } else if let Some(b) = s["allOf"].as_array() {
            s = &b[0];
        } else if let Some(b) = s["anyOf"].as_array() {
            s = b
                .iter()
                .find(|b| resolved(root, b)["type"] == "object")
                .or_else(|| b.iter().find(|b| b["type"] != "null"))
                .unwrap();
        } else {
            return s;
        }
    }
}

/// Every key of a YAML mapping is a property of the schema, recursively.
fn keys_are_in_schema(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    yaml: &serde_yaml::Value,
    path: &str,
) -> usize {
    let schema = resolved(root, schema);
    let serde_yaml::Value::Mapping(map) = yaml else {
        return 0;
    };
    // A field that may be written several ways (a number or a range, a
    // section or nothing): the branch that is a mapping of fields.
    if let Some(branches) = schema["anyOf"].as_array() {
        let mapping = branches
            .iter()
            .map(|b| resolved(root, b))
            .find(|b| b["properties"].is_object() || b["additionalProperties"].is_object());
        return match mapping {
            Some(b) => keys_are_in_schema(root, b, yaml, path),
            None => panic!("{path} is a mapping where the schema allows none"),
        };
    }
    let mut checked = 0;
    for (k, v) in map {
        let key = k.as_str().unwrap();
        let sub = match schema["properties"].get(key) {
            Some(s) => s,
            None => {
                assert!(
                    schema["additionalProperties"].is_object(),
                    "{path}.{key} is not in the schema"
                );
                &schema["additionalProperties"]
            }
        };
        checked += 1 + keys_are_in_schema(root, sub, v, &format!("{path}.{key}"));
    }
    checked
}

#[test]
fn schema_describes_the_plan_format() {
    let output = bin().arg("schema").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in [
        "plan",
        "as_of",
        "baseline",
        "fine_tuned",
        "compute",
        "engineering",
        "serving",
        "quality",
    ] {
        assert!(required.contains(&field), "{field} is not required");
    }
    let fine_tuned = resolved(&schema, &schema["properties"]["fine_tuned"]);
    let method = resolved(&schema, &fine_tuned["properties"]["method"]);
    assert_eq!(method["enum"], serde_json::json!(["lora", "qlora", "full"]));
    // Every key the starter plan and the examples use is in the schema.
    let starter = bin().arg("init").output().unwrap().stdout;
    let mut texts = vec![String::from_utf8(starter).unwrap()];
    texts.extend(
        example_plans()
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap()),
    );
    for text in texts {
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert!(keys_are_in_schema(&schema, &schema, &yaml, "") > 30);
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[cfg(unix)]
#[test]
fn outputs_follow_the_umask_like_any_file_the_user_writes() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    for umask in ["022", "077"] {
        let out = tmp.path().join(format!("out-{umask}"));
        let starter = tmp.path().join(format!("starter-{umask}.yaml"));
        let with_umask = |args: &[&std::ffi::OsStr]| {
            Command::new("sh")
                .arg("-c")
                .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
                .arg(env!("CARGO_BIN_EXE_finetune-roi"))
                .args(args)
                .current_dir(root())
                .output()
                .unwrap()
        };
        let run = with_umask(&[
            "run".as_ref(),
            "inputs/roi-worked-example.yaml".as_ref(),
            "--month".as_ref(),
            "2026-12".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let init = with_umask(&["init".as_ref(), starter.as_os_str()]);
        assert_eq!(init.status.code(), Some(0));
        let mut written = files_under(&out);
        // The plan's four files, the portfolio's four and the month's record.
        assert_eq!(written.len(), 9, "{written:?}");
        written.push(starter);
        for file in written {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            let others_read = mode & 0o044 == 0o044;
            match umask {
                "022" => assert!(
                    others_read && mode & 0o022 == 0,
                    "{}: mode {mode:o} under umask 022",
                    file.display()
                ),
                _ => assert!(
                    mode & 0o077 == 0,
                    "{}: mode {mode:o} under umask 077",
                    file.display()
                ),
            }
        }
    }
}

/// `/dev/full` as a child's stream: every write to it fails with "no space".
#[cfg(target_os = "linux")]
fn dev_full() -> std::process::Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
        .into()
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_exits_1_with_one_line_on_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap();
    for args in [
        vec!["schema"],
        vec!["init"],
        vec!["--help"],
        vec!["check", "inputs/roi-worked-example.yaml"],
        vec![
            "run",
            "inputs/roi-worked-example.yaml",
            "--format",
            "json",
            "--out",
            out,
        ],
    ] {
        let o = bin()
            .args(&args)
            .current_dir(root())
            .stdout(dev_full())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write to standard output: "),
            "{args:?}: {stderr}"
        );
    }
    // The run wrote its files all the same.
    assert_eq!(files_in(Path::new(out)), ["roi-worked-example.json"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stderr_exits_1() {
    // A dated run whose previous month's JSON is broken says so in a note
    // on stderr, and exits 0 when the note is written.
    let tmp = tempfile::tempdir().unwrap();
    let november = tmp.path().join("out/2026-11");
    std::fs::create_dir_all(&november).unwrap();
    std::fs::write(november.join("roi-worked-example.json"), "{").unwrap();
    let plan = root().join("inputs/roi-worked-example.yaml");
    let run = |stderr: std::process::Stdio| {
        bin()
            .arg("run")
            .arg(&plan)
            .args(["--month", "2026-12", "--format", "json", "--out", "out"])
            .current_dir(tmp.path())
            .stderr(stderr)
            .output()
            .unwrap()
    };
    let noted = run(std::process::Stdio::piped());
    let note = String::from_utf8_lossy(&noted.stderr);
    assert_eq!(noted.status.code(), Some(0), "{note}");
    assert!(note.starts_with("note: "), "{note}");
    let failed = run(dev_full());
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stdout).contains("files written to"));
}

#[test]
fn write_errors_name_the_output_path_as_given_and_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    // A folder under a regular file cannot be made, whoever runs the test.
    std::fs::write(tmp.path().join("somefile"), "not a folder").unwrap();
    let plan = root().join("inputs/roi-worked-example.yaml");
    let run = |args: &[&str]| {
        bin()
            .arg("run")
            .arg(&plan)
            .args(["--format", "md,json"])
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let assert_names = |o: &std::process::Output, needle: &str| {
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(needle), "{needle}: {stderr}");
        for hidden in [".tmp", ".finetune-roi-", tmp.path().to_str().unwrap()] {
            assert!(!stderr.contains(hidden), "{hidden}: {stderr}");
        }
    };
    assert_names(
        &run(&["--out", "somefile/out"]),
        "error: somefile/out: cannot create the output folder: ",
    );
    // A dated run makes (and locks) the output folder before its month's.
    assert_names(
        &run(&["--out", "somefile/out", "--month", "2026-12"]),
        "error: somefile/out: cannot create the output folder: ",
    );
    // A folder where the JSON should go: the folder is there, the rename fails.
    std::fs::create_dir_all(tmp.path().join("out/roi-worked-example.json")).unwrap();
    let o = run(&["--out", "out"]);
    assert_names(&o, "error: out: cannot write roi-worked-example.json: ");
    assert_eq!(
        files_in(&tmp.path().join("out")),
        ["roi-worked-example.json", "roi-worked-example.md"],
        "no temporary file is left"
    );
    let init = bin()
        .args(["init", "somefile/plan.yaml"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_names(
        &init,
        "error: somefile/plan.yaml: cannot write the starter plan: ",
    );
}
