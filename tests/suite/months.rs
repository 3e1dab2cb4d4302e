//! Dated runs an operator can trust, through the real binary: a month is
//! written whole or not at all (a run killed at a known write, a write that
//! fails), one run writes at a time (a second one waits, naming the
//! first), a rerun keeps each plan's comparison with its earlier month and
//! its alerts, the plans a rerun leaves out stay in the portfolio, and
//! nothing is written through a link. The kills are deterministic: the
//! binary stops at a given write (`FINETUNE_ROI_PAUSE_WRITES_AFTER`), says
//! so on stderr, and the test kills it then.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value as Json;

use super::common::*;

const PAUSED: &str = finetune_roi::output::PAUSED;
const PAUSE_ENV: &str = finetune_roi::output::PAUSE_WRITES_AFTER_ENV;

fn bin(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_finetune-roi"));
    command
        .arg("run")
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove(PAUSE_ENV)
        .env_remove(finetune_roi::output::FAIL_WRITES_AFTER_ENV);
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir, args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(root().join("inputs").join(name)).unwrap()
}

/// The customer-support example, at its own API prices (Fine-tune) or at
/// prices low enough to flip it (Stay on the API).
fn support(cheap: bool) -> String {
    let text = example("customer-support-50m.yaml");
    if !cheap {
        return text;
    }
    let text = replace_once(
        &text,
        "input_price_per_1m_tokens: 5.00",
        "input_price_per_1m_tokens: 1.00",
    );
    replace_once(
        &text,
        "output_price_per_1m_tokens: 5.00",
        "output_price_per_1m_tokens: 1.00",
    )
}

/// Writes plans (name → text) into `dir/<folder>`, replacing what was there.
fn plans(dir: &Path, folder: &str, plans: &[(&str, &str)]) {
    let folder = dir.join(folder);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    for (name, text) in plans {
        std::fs::write(folder.join(name), text).unwrap();
    }
}

/// Every file under `dir` (its path relative to `dir`) with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(name, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The names of the temporary files and folders anywhere under `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                found.push(entry.path().display().to_string());
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    found
}

fn json(path: &Path) -> Json {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The stems of the plans the month's portfolio lists.
fn portfolio_stems(month: &Path) -> Vec<String> {
    let mut stems: Vec<String> = json(&month.join("portfolio.json"))["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stem"].as_str().unwrap().to_string())
        .collect();
    stems.sort();
    stems
}

/// The stems of the plans whose JSON is in the month folder.
fn plans_on_disk(month: &Path) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(month)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".json")
                .filter(|s| *s != "portfolio" && !s.starts_with('.'))
                .map(str::to_string)
        })
        .collect();
    stems.sort();
    stems
}

/// Spawns a run that stops before its write number `after + 1`, and waits
/// (reading its stderr) until it says it has stopped. Returns the child,
/// still alive, and what it said before.
fn spawn_paused(dir: &Path, args: &[&str], after: usize) -> (Child, String) {
    let mut child = bin(dir, args)
        .env(PAUSE_ENV, after.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line == PAUSED => break,
            Some(Ok(line)) => {
                said.push_str(&line);
                said.push('\n');
            }
            _ => panic!("the run ended before it paused: {said}"),
        }
    }
    (child, said)
}

/// Kills a child as `kill -9` would, and reaps it.
fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

const FLIPPED: [&str; 4] = ["a", "b", "c", "d"];

#[test]
fn a_killed_rerun_then_a_complete_one_alerts_every_plan_that_flipped_since_the_previous_month() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let code = example("code-generation-200m.yaml");
    let (fine, cheap) = (support(false), support(true));
    let named = |text: &str| -> Vec<(String, String)> {
        FLIPPED
            .iter()
            .map(|s| (format!("{s}.yaml"), text.to_string()))
            .chain([("code.yaml".to_string(), code.clone())])
            .collect()
    };
    let write = |text: &str| {
        let list = named(text);
        let refs: Vec<(&str, &str)> = list.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        plans(dir, "plans", &refs);
    };
    let december = [
        "plans",
        "--month",
        "2026-12",
        "--out",
        "out",
        "--fail-on",
        "verdict-change",
        "--jobs",
        "2",
    ];
    write(&fine);
    let november = run(dir, &["plans", "--month", "2026-11", "--out", "out"]);
    assert_eq!(november.status.code(), Some(0), "{}", stderr(&november));
    // December: four plans flip; the job alerts on each and exits 3.
    write(&cheap);
    let first = run(dir, &december);
    let err = stderr(&first);
    assert_eq!(first.status.code(), Some(3), "{err}");
    for s in FLIPPED {
        assert!(
            err.contains(&format!("alert (verdict-change): plans/{s}.yaml: the verdict flipped since 2026-11: Fine-tune → Stay on the API")),
            "{s}: {err}"
        );
    }
    let month = dir.join("out/2026-12");
    let complete = tree(&month);
    // A retry of the month is killed part-way: at each of several writes
    // (the plans' files, the portfolio's, the month's record).
    for after in [0, 3, 9, 21, 24] {
        let (child, _) = spawn_paused(dir, &december, after);
        assert_eq!(
            tree(&month),
            complete,
            "the month changed before the run was done (write {after})"
        );
        kill(child);
        assert_eq!(
            tree(&month),
            complete,
            "the kill at write {after} left a mix"
        );
    }
    assert!(
        !temporaries(&dir.join("out")).is_empty(),
        "the kills left their staging"
    );
    // The next complete retry compares each plan with November again, so it
    // alerts on every plan that flipped and exits 3, as the first run did;
    // it adds what moved since the earlier run of December.
    let retry = run(dir, &december);
    let err = stderr(&retry);
    assert_eq!(retry.status.code(), Some(3), "{err}");
    for s in FLIPPED {
        assert!(
            err.contains(&format!("alert (verdict-change): plans/{s}.yaml: the verdict flipped since 2026-11: Fine-tune → Stay on the API")),
            "{s}: {err}"
        );
    }
    assert_eq!(err.matches("alert (").count(), FLIPPED.len(), "{err}");
    let summary = stdout(&retry);
    let line = |plan: &str| {
        summary
            .lines()
            .find(|l| l.starts_with(plan))
            .unwrap_or_else(|| panic!("{plan}: {summary}"))
            .to_string()
    };
    assert!(
        line("plans/a.yaml").ends_with("verdict flipped since 2026-11: Fine-tune → Stay on the API; unchanged since the earlier run of 2026-12"),
        "{summary}"
    );
    // No temporary file is left, the killed runs' included.
    assert_eq!(temporaries(&dir.join("out")), Vec::<String>::new());
    // The JSON of each plan's replaced run is kept beside the month's.
    for s in ["a", "b", "c", "d", "code"] {
        assert_eq!(
            std::fs::read(month.join("replaced").join(format!("{s}.json"))).unwrap(),
            complete[&format!("{s}.json")],
            "{s}"
        );
    }
    let portfolio = json(&month.join("portfolio.json"));
    let a = &portfolio["plans"][0];
    assert_eq!(a["changes"]["previous_month"], "2026-11");
    assert_eq!(a["changes"]["verdict_flipped"], true);
    assert_eq!(
        a["changes_since_earlier_run_of_month"]["previous_month"],
        "2026-12"
    );
    assert_eq!(
        a["changes_since_earlier_run_of_month"]["verdict_flipped"],
        false
    );
    let memo = std::fs::read_to_string(month.join("a.md")).unwrap();
    assert!(
        memo.contains("Since 2026-11, the verdict flipped: Fine-tune → Stay on the API. Nothing moved since the earlier run of 2026-12."),
        "{memo}"
    );
}

#[test]
fn a_second_run_waits_for_the_first_naming_it_and_the_month_comes_from_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let code = example("code-generation-200m.yaml");
    let fine = support(false);
    plans(dir, "one", &[("a.yaml", &fine), ("b.yaml", &fine)]);
    plans(dir, "two", &[("b.yaml", &fine), ("c.yaml", &code)]);
    // The first run holds the folder's lock and stops at its first write.
    let (first, _) = spawn_paused(
        dir,
        &[
            "one",
            "--month",
            "2026-12",
            "--out",
            "out",
            "--timestamp=2026-12-01",
        ],
        0,
    );
    let pid = first.id();
    let mut second = bin(
        dir,
        &[
            "two",
            "--month",
            "2026-12",
            "--out",
            "out",
            "--timestamp=2026-12-02",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // The second says it waits, naming the first; then the first dies.
    let mut second_err = BufReader::new(second.stderr.take().unwrap());
    let mut line = String::new();
    second_err.read_line(&mut line).unwrap();
    assert_eq!(
        line.trim_end(),
        format!("note: out: another run is writing here (process {pid}); waiting for it to finish")
    );
    kill(first);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut second_err, &mut rest).unwrap();
    assert_eq!(second.wait().unwrap().code(), Some(0), "{rest}");
    let month = dir.join("out/2026-12");
    // Only the second run's plans, all from it, the portfolio listing each.
    assert_eq!(plans_on_disk(&month), ["b", "c"], "{rest}");
    assert_eq!(portfolio_stems(&month), ["b", "c"]);
    for s in ["b", "c"] {
        assert_eq!(
            json(&month.join(format!("{s}.json")))["generated_at"],
            "2026-12-02T00:00:00Z"
        );
    }
    assert_eq!(temporaries(&dir.join("out")), Vec::<String>::new());
}

#[test]
fn two_month_runs_at_once_leave_every_plan_from_one_run_and_a_complete_portfolio() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let code = example("code-generation-200m.yaml");
    let (fine, cheap) = (support(false), support(true));
    plans(
        dir,
        "one",
        &[("a.yaml", &fine), ("b.yaml", &fine), ("c.yaml", &code)],
    );
    plans(
        dir,
        "two",
        &[("b.yaml", &cheap), ("c.yaml", &code), ("d.yaml", &cheap)],
    );
    let spawn = |plans: &str, day: &str| {
        bin(
            dir,
            &[
                plans,
                "--month",
                "2026-12",
                "--out",
                "out",
                &format!("--timestamp={day}"),
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
    };
    let (one, two) = (spawn("one", "2026-12-01"), spawn("two", "2026-12-02"));
    for child in [one, two] {
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let month = dir.join("out/2026-12");
    assert_eq!(plans_on_disk(&month), ["a", "b", "c", "d"]);
    assert_eq!(portfolio_stems(&month), ["a", "b", "c", "d"]);
    let portfolio = json(&month.join("portfolio.json"));
    for s in ["a", "b", "c", "d"] {
        // The plan's four files come from one run: the one its JSON names.
        let doc = json(&month.join(format!("{s}.json")));
        let stamp = doc["generated_at"].as_str().unwrap().to_string();
        let date = &stamp[..10];
        let memo = std::fs::read_to_string(month.join(format!("{s}.md"))).unwrap();
        assert!(
            memo.contains(&format!("| Generated at | {stamp} |")),
            "{s}: {memo}"
        );
        let html = std::fs::read_to_string(month.join(format!("{s}.html"))).unwrap();
        assert!(html.contains(&stamp), "{s}");
        let core = xlsx_part(&month.join(format!("{s}.xlsx")), "docProps/core.xml");
        assert!(core.contains(date), "{s}: {core}");
        // The portfolio's row is that run's.
        let row = portfolio["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["stem"] == s)
            .unwrap();
        assert_eq!(row["generated_at"], doc["generated_at"], "{s}");
        assert_eq!(row["verdict"], doc["verdict"], "{s}");
    }
    assert_eq!(temporaries(&dir.join("out")), Vec::<String>::new());
}

fn xlsx_part(path: &Path, part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_rerun_of_some_plans_keeps_the_others_in_the_portfolio_with_their_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fine = support(false);
    plans(dir, "plans", &[("a.yaml", &fine), ("b.yaml", &fine)]);
    let first = run(
        dir,
        &[
            "plans",
            "--month",
            "2026-12",
            "--out",
            "out",
            "--timestamp=2026-12-01",
        ],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let month = dir.join("out/2026-12");
    let b_before = std::fs::read(month.join("b.xlsx")).unwrap();
    plans(dir, "plans", &[("a.yaml", &fine)]);
    let again = run(
        dir,
        &[
            "plans",
            "--month",
            "2026-12",
            "--out",
            "out",
            "--timestamp=2026-12-05",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(portfolio_stems(&month), ["a", "b"]);
    assert_eq!(std::fs::read(month.join("b.xlsx")).unwrap(), b_before);
    let portfolio = json(&month.join("portfolio.json"));
    let row = |s: &str| {
        portfolio["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["stem"] == s)
            .unwrap()
            .clone()
    };
    assert_eq!(row("a")["kept_from_earlier_run"], false);
    assert_eq!(row("a")["generated_at"], "2026-12-05T00:00:00Z");
    assert_eq!(row("b")["kept_from_earlier_run"], true);
    assert_eq!(row("b")["generated_at"], "2026-12-01T00:00:00Z");
    assert_eq!(row("b")["verdict"], "Fine-tune");
    let md = std::fs::read_to_string(month.join("portfolio.md")).unwrap();
    assert!(
        md.contains("not rerun: as the run of 2026-12-01 00:00 UTC left it"),
        "{md}"
    );
}

#[test]
fn a_write_that_fails_leaves_the_month_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (fine, cheap) = (support(false), support(true));
    plans(dir, "plans", &[("a.yaml", &fine), ("b.yaml", &fine)]);
    let args = ["plans", "--month", "2026-12", "--out", "out", "--jobs", "1"];
    let first = run(dir, &args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let month = dir.join("out/2026-12");
    let before = tree(&month);
    plans(dir, "plans", &[("a.yaml", &cheap), ("b.yaml", &cheap)]);
    for after in [0, 2, 5, 8] {
        let o = bin(dir, &args)
            .env(
                finetune_roi::output::FAIL_WRITES_AFTER_ENV,
                after.to_string(),
            )
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("error: out/2026-12: the month folder was left as it was: this run wrote nothing there"),
            "{err}"
        );
        assert_eq!(tree(&month), before, "write {after}");
        assert_eq!(temporaries(&dir.join("out")), Vec::<String>::new());
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_month_folder_is_refused_and_its_target_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    plans(dir, "plans", &[("a.yaml", &support(false))]);
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("portfolio.md"), "theirs").unwrap();
    std::fs::create_dir(dir.join("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("out/2026-12")).unwrap();
    let o = run(dir, &["plans", "--month", "2026-12", "--out", "out"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(
        err,
        "error: out/2026-12: the month folder is a symbolic link; a dated run writes only inside --out and never through a link, so nothing was written: replace the link with a folder (or remove it)\n"
    );
    assert_eq!(
        tree(&elsewhere),
        BTreeMap::from([("portfolio.md".to_string(), b"theirs".to_vec())])
    );
    // A folder inside the month that a run did not make is refused too: the
    // month is replaced as a whole and would drop it.
    std::fs::remove_file(dir.join("out/2026-12")).unwrap();
    std::fs::create_dir_all(dir.join("out/2026-12/notes")).unwrap();
    let o = run(dir, &["plans", "--month", "2026-12", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("out/2026-12/notes: the month folder holds a folder"));
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_a_plan_is_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("plan.yaml");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    for command in ["check", "run"] {
        let o = Command::new(env!("CARGO_BIN_EXE_finetune-roi"))
            .args([command, "plan.yaml"])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "plan.yaml: expected a plan file, found a named pipe (FIFO); a plan is read from a regular file\n",
            "{command}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_is_an_error_in_one_line_not_a_silent_death() {
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("plan.yaml"), worked_example_text()).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_finetune-roi"));
    command
        .args(["run", "plan.yaml", "--out", "out", "--format", "xlsx"])
        .current_dir(tmp.path());
    // SAFETY: only setrlimit, which is async-signal-safe, between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let o = command.output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: out: cannot write plan.xlsx: File too large"),
        "{err}"
    );
    assert!(!tmp.path().join("out/plan.xlsx").exists());
    assert_eq!(temporaries(&tmp.path().join("out")), Vec::<String>::new());
}

#[test]
fn prices_export_exits_1_when_it_cannot_write() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("file"), "x").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_finetune-roi"))
        .args(["prices", "export", "file/catalog"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: file/catalog: cannot create: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
