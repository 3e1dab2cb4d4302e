//! The `run` command: a batch of plans evaluated on every core, each plan's
//! files written, and for a dated run the portfolio, the comparison with
//! each plan's previous run and the `--fail-on` alerts; the summary printed
//! at the end.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{
    console, expand_paths, load_catalog, shown, stem, EXIT_ALERT, EXIT_BAD_PLAN, EXIT_FAILURE,
    EXIT_OK,
};
use crate::analysis::changes::{Month, Threshold};
use crate::render::portfolio::{Portfolio, Row};
use crate::render::Format;
use crate::runs::lock::Lock;
use crate::runs::month::{PlanRecord, Record, Staging};
use crate::{output, PlanError};

/// How `run` was asked to run.
pub struct RunOptions {
    pub out: PathBuf,
    pub formats: Vec<Format>,
    pub month: Option<Month>,
    pub quiet: bool,
    /// The evaluation settings; their `generated_at` is the run's
    /// [`generation_time`].
    pub settings: crate::Settings,
    pub fail_on: Vec<Threshold>,
    pub jobs: usize,
}

/// One plan of a batch, as found on the command line.
struct Job {
    path: PathBuf,
    /// The output stem, or why the plan cannot have one.
    stem: Result<String, String>,
}

/// What became of one plan.
struct Outcome {
    row: Row,
    /// The files written for the plan (format and name), in the order written.
    written: Vec<(Format, String)>,
    /// The messages for stderr, in order (errors and notes).
    messages: Vec<String>,
    /// `EXIT_OK`, or the exit code of the plan's failure.
    code: u8,
    /// True when a file could not be written (not when the plan was wrong).
    write_failed: bool,
}

/// What every worker shares.
struct Context<'a> {
    options: &'a RunOptions,
    /// Where the plans' outputs are written: `--out`, or the staging folder
    /// of its month.
    dir: PathBuf,
    /// Where the outputs are once the run is done, as messages name it:
    /// `--out`, or its month folder.
    shown_dir: PathBuf,
    /// The month folders before this run's, latest first (dated runs only):
    /// where each plan's previous month is found.
    previous_runs: Vec<(Month, PathBuf)>,
    /// A dated run's month, being staged.
    staging: Option<&'a Staging>,
    /// A flat run's lock on `--out`, taken before its first write (so that
    /// a run of invalid plans makes no folder).
    flat_lock: OnceLock<Result<Lock, String>>,
}

impl Context<'_> {
    /// Ready to write into a flat `--out`: the folder made and locked, the
    /// temporary files of killed runs removed. Done once, on first use.
    fn ready_to_write(&self) -> Result<(), String> {
        if self.staging.is_some() {
            return Ok(());
        }
        self.flat_lock
            .get_or_init(|| lock_output(&self.options.out))
            .as_ref()
            .map(|_| ())
            .map_err(Clone::clone)
    }
}

/// Locks the output folder (made if missing), saying so when another run
/// holds it and this one waits (even with --quiet: a scheduler's log
/// should show the wait), then removes what killed runs left there:
/// temporary files and staging folders, and puts back a month folder a
/// killed run had moved aside.
fn lock_output(out: &Path) -> Result<Lock, String> {
    std::fs::create_dir_all(out).map_err(|e| {
        format!(
            "error: {}: cannot create the output folder: {e}",
            shown(out)
        )
    })?;
    let lock = crate::runs::lock::acquire(out, |holder| {
        let holder = holder.map_or(String::new(), |pid| format!(" (process {pid})"));
        console::err(format_args!(
            "note: {}: another run is writing here{holder}; waiting for it to finish",
            shown(out)
        ));
    })
    .map_err(|e| format!("error: {}: cannot lock the output folder: {e}", shown(out)))?;
    crate::runs::month::recover(out)
        .and_then(|()| crate::runs::lock::remove_stale(out))
        .map_err(|e| {
            format!(
                "error: {}: cannot remove the temporary files of an earlier run: {e}",
                shown(out)
            )
        })?;
    Ok(lock)
}

/// The environment variable that fixes the generation time, in whole
/// seconds since 1970-01-01 00:00 UTC: the reproducible-builds convention.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// When a run's outputs are generated: `--timestamp` when given, else
/// `SOURCE_DATE_EPOCH` (its value passed in) when set and not empty, else now.
pub fn generation_time(
    timestamp: Option<&str>,
    source_date_epoch: Option<&std::ffi::OsStr>,
) -> Result<DateTime<Utc>, String> {
    if let Some(t) = timestamp {
        return parse_timestamp(t);
    }
    match source_date_epoch.filter(|v| !v.is_empty()) {
        Some(v) => parse_source_date_epoch(v),
        None => Ok(Utc::now()),
    }
}

/// Parses `SOURCE_DATE_EPOCH`: whole seconds since 1970-01-01 00:00 UTC.
fn parse_source_date_epoch(value: &std::ffi::OsStr) -> Result<DateTime<Utc>, String> {
    let text = value.to_string_lossy();
    Some(text.as_ref())
        .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .ok_or_else(|| {
            format!(
                "{SOURCE_DATE_EPOCH}: expected whole seconds since 1970-01-01 00:00 UTC, such as 1764547200, found {:?}; unset it to stamp the clock's time",
                crate::yaml::inert(&text)
            )
        })
}

/// Parses `--timestamp`: `now`, an RFC 3339 time or a date (midnight UTC).
pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, String> {
    if s == "now" {
        return Ok(Utc::now());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN).and_utc());
    }
    Err(format!(
        "--timestamp: expected a time such as 2026-12-01T08:00:00Z, a date such as 2026-12-01, or nothing for the clock; found {:?}",
        crate::yaml::inert(s)
    ))
}

/// `run`: expands the paths, loads the catalogue and runs the batch.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_command(
    paths: &[PathBuf],
    out: PathBuf,
    formats: &[Format],
    paper: crate::format::Paper,
    month: Option<Month>,
    quiet: bool,
    timestamp: Option<String>,
    trials: Option<u64>,
    seed: Option<u64>,
    catalog: Option<PathBuf>,
    fail_on: Vec<Threshold>,
    jobs: Option<u64>,
) -> u8 {
    if !fail_on.is_empty() && month.is_none() {
        console::err(format_args!("error: --fail-on compares each plan with its previous month's run, so it needs --month YYYY-MM"));
        return EXIT_BAD_PLAN;
    }
    let source_date_epoch = std::env::var_os(SOURCE_DATE_EPOCH);
    let generated_at = match generation_time(timestamp.as_deref(), source_date_epoch.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            console::err(format_args!("error: {e}"));
            return EXIT_BAD_PLAN;
        }
    };
    let mut settings = crate::Settings::at(generated_at);
    if let Some(t) = trials {
        settings.trials = usize::try_from(t).unwrap_or(usize::MAX);
    }
    settings.seed = seed;
    settings.paper = paper;
    match load_catalog(catalog.as_deref()) {
        Ok(c) => settings.catalog = c,
        Err(code) => return code,
    }
    let files = match expand_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            console::err(format_args!("error: {e}"));
            return EXIT_BAD_PLAN;
        }
    };
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    if out.as_os_str() == "-" {
        return run_to_stdout(&files, &formats, month.is_some(), &settings);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = RunOptions {
        out,
        formats,
        month,
        quiet,
        settings,
        fail_on,
        jobs: jobs.map_or(cores, |j| j as usize),
    };
    run_batch(&files, &options)
}

/// `run PLAN --format F --out -`: one plan's output in one format, written
/// to standard output for a pipe; nothing is written to files.
fn run_to_stdout(
    files: &[PathBuf],
    formats: &[Format],
    dated: bool,
    settings: &crate::Settings,
) -> u8 {
    let refuse = |why: String| {
        console::err(format_args!(
            "error: --out - writes one plan's output in one format to standard output; {why}"
        ));
        EXIT_BAD_PLAN
    };
    let [format] = formats else {
        return refuse("name the format with --format (json, md, html or xlsx)".to_string());
    };
    if dated {
        return refuse("a dated run (--month) writes a folder: give --out DIR".to_string());
    }
    let [file] = files else {
        return refuse(format!("{} plans were given", files.len()));
    };
    let report = match crate::evaluate_file_with(file, settings, crate::report::History::default())
    {
        Ok(r) => r,
        Err(e @ PlanError::Invalid(_)) => {
            console::err(format_args!("{e}"));
            return EXIT_BAD_PLAN;
        }
        Err(e) => {
            console::err(format_args!("error: {e}"));
            return EXIT_FAILURE;
        }
    };
    match crate::render_each(&report, std::slice::from_ref(format)) {
        Ok(rendered) => {
            for bytes in rendered {
                console::out_bytes(&bytes);
            }
            EXIT_OK
        }
        Err((fmt, e)) => {
            console::err(format_args!(
                "error: {}: cannot render the {fmt} output: {e}",
                shown(file)
            ));
            EXIT_FAILURE
        }
    }
}

/// The jobs of a batch: each plan with its output stem, or why it has none
/// (a name unusable for files, the same stem as an earlier plan, or the
/// portfolio's name in a dated run).
fn jobs_of(files: &[PathBuf], dated: bool) -> Vec<Job> {
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    files
        .iter()
        .map(|f| {
            let stem = match stem(f) {
                None => Err(format!(
                    "{}: expected a plan file name usable for the outputs, found one that is empty, starts with a dot or holds a path separator or control character; rename the plan",
                    shown(f)
                )),
                Some(s) if dated && s == crate::render::portfolio::STEM => Err(format!(
                    "{}: a dated run writes its portfolio as `{s}.*`, so no plan may be named `{s}`; rename the plan",
                    shown(f)
                )),
                Some(s) => match seen.get(&s) {
                    Some(first) => Err(format!(
                        "{}: its outputs would overwrite those of {} (same file stem `{s}`); rename one",
                        shown(f),
                        shown(first)
                    )),
                    None => {
                        seen.insert(s.clone(), f.clone());
                        Ok(s)
                    }
                },
            };
            Job {
                path: f.clone(),
                stem,
            }
        })
        .collect()
}

/// Evaluates, renders and writes one plan; compares it with its previous
/// run in a dated run.
fn run_one(job: &Job, ctx: &Context) -> Outcome {
    let file = shown(&job.path);
    let fail = |stem: &str, message: String, code: u8| Outcome {
        row: Row::failed(stem, &file, &message),
        written: Vec::new(),
        messages: vec![message],
        code,
        write_failed: false,
    };
    let stem = match &job.stem {
        Ok(s) => s.as_str(),
        Err(message) => return fail("", message.clone(), EXIT_BAD_PLAN),
    };
    let options = ctx.options;
    let mut messages = Vec::new();
    let mut read =
        |month: Month, path: &Path, replaced: bool| match crate::runs::read_previous(path) {
            Ok(document) => Some(crate::report::Previous {
                month,
                replaced,
                document,
            }),
            Err(e) => {
                messages.push(format!("note: {}", crate::yaml::inert(&e.to_string())));
                None
            }
        };
    // The plan's latest earlier month, and the run of this month it replaces.
    let history = crate::report::History {
        earlier_month: crate::runs::find_previous(&ctx.previous_runs, stem)
            .and_then(|(month, path)| read(month, &path, false)),
        this_month: match (options.month, ctx.staging) {
            (Some(month), Some(staging)) => staging
                .replaced_json(stem)
                .and_then(|path| read(month, &path, true)),
            _ => None,
        },
    };
    let report = match crate::evaluate_file_with(&job.path, &options.settings, history) {
        Ok(r) => r,
        Err(e @ PlanError::Invalid(_)) => return fail(stem, e.to_string(), EXIT_BAD_PLAN),
        Err(e) => return fail(stem, format!("error: {e}"), EXIT_FAILURE),
    };
    // Render everything before writing anything; the JSON goes last, so a
    // plan's JSON (what the next month compares with) exists only once its
    // other files do.
    let rendered: Vec<_> = match crate::render_each(&report, &options.formats) {
        Ok(all) => options
            .formats
            .iter()
            .zip(all)
            .map(|(fmt, bytes)| (*fmt, format!("{stem}.{}", fmt.extension()), bytes))
            .collect(),
        Err((fmt, e)) => {
            return fail(
                stem,
                format!("error: {file}: cannot render the {fmt} output: {e}"),
                EXIT_FAILURE,
            )
        }
    };
    // The folder is made only when there is something to write.
    if let Err(message) = ctx.ready_to_write() {
        let mut failed = fail(stem, message, EXIT_FAILURE);
        failed.write_failed = true;
        return failed;
    }
    let mut written = Vec::new();
    for (fmt, name, bytes) in rendered {
        if let Err(e) = output::write_atomic(&ctx.dir, &name, &bytes) {
            let mut failed = fail(
                stem,
                format!("error: {}: cannot write {name}: {e}", shown(&ctx.shown_dir)),
                EXIT_FAILURE,
            );
            failed.written = written;
            failed.write_failed = true;
            return failed;
        }
        written.push((fmt, name));
    }
    Outcome {
        row: Row::from_report(stem, &report),
        written,
        messages,
        code: EXIT_OK,
        write_failed: false,
    }
}

/// A progress bar on stderr for batches, when stderr is a terminal.
fn progress_bar(plans: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet || plans < 2 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(plans as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} plans, {elapsed} (about {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Runs every plan (on `options.jobs` threads) and prints the messages in
/// plan order and the summary; returns the exit code. A dated run holds the
/// output folder's lock throughout, stages its month and puts it in place
/// whole with its portfolio, or leaves the month as it was.
pub fn run_batch(files: &[PathBuf], options: &RunOptions) -> u8 {
    let out = &options.out;
    // Declared before the staging folder, so dropped after it: a staging
    // folder left by a failure is removed while the lock is held.
    let (_lock, staging) = match options.month {
        Some(month) => {
            let lock = match lock_output(out) {
                Ok(l) => l,
                Err(e) => {
                    console::err(format_args!("{e}"));
                    return EXIT_FAILURE;
                }
            };
            match Staging::begin(out, month) {
                Ok(s) => (Some(lock), Some(s)),
                Err(e) => {
                    console::err(format_args!("{e}"));
                    return EXIT_FAILURE;
                }
            }
        }
        None => (None, None),
    };
    let ctx = Context {
        options,
        dir: staging
            .as_ref()
            .map_or_else(|| out.clone(), |s| s.dir().to_path_buf()),
        shown_dir: staging
            .as_ref()
            .map_or_else(|| out.clone(), |s| s.month_dir().to_path_buf()),
        previous_runs: options
            .month
            .map(|m| crate::runs::previous_runs(out, m))
            .unwrap_or_default(),
        staging: staging.as_ref(),
        flat_lock: OnceLock::new(),
    };
    let jobs = jobs_of(files, options.month.is_some());
    let outcomes = run_jobs(&jobs, &ctx);
    for o in &outcomes {
        for m in &o.messages {
            console::err(format_args!("{m}"));
        }
    }
    if let (Some(month), false) = (options.month, options.quiet) {
        let replaced = outcomes
            .iter()
            .filter(|o| {
                o.row
                    .evaluated()
                    .is_some_and(|e| e.changes_in_month.is_some())
            })
            .count();
        if replaced > 0 {
            console::err(format_args!(
                "note: {}: this run replaces the earlier run of {month} ({}); each plan is still compared with its latest earlier month, and the JSON of each run replaced is kept in {}/",
                shown(&ctx.shown_dir),
                if replaced == 1 {
                    "1 plan".to_string()
                } else {
                    format!("{replaced} plans")
                },
                crate::runs::month::REPLACED
            ));
        }
    }
    let mut code = outcomes.iter().map(|o| o.code).max().unwrap_or(EXIT_OK);
    let failed = outcomes.iter().filter(|o| o.code != EXIT_OK).count();
    let write_failed = outcomes.iter().any(|o| o.write_failed);
    // A dated batch in which some plans were written and others failed
    // exits 1, as schedulers expect; a flat run keeps the generator core's
    // codes (2 when every failure is an invalid plan).
    if options.month.is_some() && failed > 0 && failed < outcomes.len() {
        code = EXIT_FAILURE;
    }
    let failed_names: Vec<String> = outcomes
        .iter()
        .filter(|o| o.code != EXIT_OK)
        .map(|o| crate::yaml::inert(&o.row.plan_file).into_owned())
        .collect();
    let (mut rows, mut written): (Vec<Row>, Vec<Vec<(Format, String)>>) =
        outcomes.into_iter().map(|o| (o.row, o.written)).unzip();
    let this_run = rows.len();
    // The plans of the month this run keeps, each with its earlier row.
    let mut kept: Vec<PlanRecord> = Vec::new();
    let mut commit_failure: Option<String> = None;
    if let Some(staging) = &staging {
        if write_failed {
            commit_failure = Some(String::new());
        } else {
            let rerun = jobs.iter().filter_map(|j| j.stem.clone().ok()).collect();
            match staging.carry(&rerun) {
                Ok(k) => kept = k,
                Err(e) => {
                    commit_failure = Some(format!(
                        "error: {}: cannot keep the month's other files: {e}",
                        shown(&ctx.shown_dir)
                    ))
                }
            }
        }
    }
    rows.extend(kept.iter().map(|k| {
        let mut row = k.row.clone();
        row.kept = true;
        row
    }));
    let portfolio = Portfolio {
        month: options.month,
        generated_at: options.settings.generated_at.unwrap_or_else(Utc::now),
        workbooks: options.formats.contains(&Format::Xlsx),
        memo_extension: [Format::Html, Format::Md]
            .into_iter()
            .find(|f| options.formats.contains(f))
            .map(Format::extension),
        rows,
    };
    if let Some(staging) = &staging {
        if commit_failure.is_none() {
            match write_portfolio(&portfolio, &ctx) {
                Ok(files) => written.push(files),
                Err(e) => commit_failure = Some(e),
            }
        }
        if commit_failure.is_none() {
            let record = Record {
                plans: portfolio.rows[..this_run]
                    .iter()
                    .zip(&written)
                    .filter(|(row, files)| row.evaluated().is_some() && !files.is_empty())
                    .map(|(row, files)| PlanRecord {
                        stem: row.stem.clone(),
                        files: files.iter().map(|(_, name)| name.clone()).collect(),
                        row: row.clone(),
                    })
                    .chain(kept)
                    .collect(),
            };
            if let Err(e) = staging.commit(&record) {
                commit_failure = Some(format!(
                    "error: {}: cannot put the new run in place: {e}",
                    shown(&ctx.shown_dir)
                ));
            }
        }
        if let Some(why) = &commit_failure {
            if !why.is_empty() {
                console::err(format_args!("{why}"));
            }
            console::err(format_args!(
                "error: {}: the month folder was left as it was: this run wrote nothing there",
                shown(&ctx.shown_dir)
            ));
            written.clear();
            code = EXIT_FAILURE;
        }
    }
    let alerts = alerts(&portfolio, &options.fail_on);
    if !options.quiet {
        console::out_text(&summary_table(&portfolio));
        let count: usize = written.iter().map(|files| files.len()).sum();
        console::out(format_args!(
            "{}; {count} file{} written to {}",
            portfolio.counts(),
            if count == 1 { "" } else { "s" },
            shown(&ctx.shown_dir)
        ));
        // Each plan's files, then the portfolio's: paths to open or copy.
        for files in &written {
            for path in paths_memo_first(&ctx.shown_dir, files) {
                console::out(format_args!("{path}"));
            }
        }
    }
    if commit_failure.is_none() {
        for a in &alerts {
            console::err(format_args!("{a}"));
        }
    }
    if this_run > 1 && failed > 0 {
        console::err(format_args!(
            "{} of {} plans failed: {}",
            failed,
            this_run,
            failed_names.join(", ")
        ));
    }
    if code == EXIT_OK && !alerts.is_empty() {
        code = EXIT_ALERT;
    }
    code
}

/// Runs the jobs on `options.jobs` threads, with a progress bar; returns
/// their outcomes in job order.
fn run_jobs(jobs: &[Job], ctx: &Context) -> Vec<Outcome> {
    let bar = progress_bar(jobs.len(), ctx.options.quiet);
    let next = AtomicUsize::new(0);
    let outcomes: Vec<Mutex<Option<Outcome>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let workers = ctx.options.jobs.clamp(1, jobs.len().max(1));
    // One plan (or --jobs 1) runs on this thread: no worker's stack or
    // allocator arena is reserved, which matters under `ulimit -v`.
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = jobs.get(i) else { break };
        let outcome = run_one(job, ctx);
        *outcomes[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
        bar.inc(1);
    };
    if workers == 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(work);
            }
        });
    }
    bar.finish_and_clear();
    outcomes
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

/// The paths of one plan's (or the portfolio's) files in `dir` as the user
/// named the folder, the memo first: Markdown, HTML, workbook, JSON.
fn paths_memo_first(dir: &Path, files: &[(Format, String)]) -> Vec<String> {
    const MEMO_FIRST: [Format; 4] = [Format::Md, Format::Html, Format::Xlsx, Format::Json];
    let mut files = files.to_vec();
    files.sort_by_key(|(fmt, _)| MEMO_FIRST.iter().position(|f| f == fmt));
    files
        .iter()
        .map(|(_, name)| shown(&dir.join(name)))
        .collect()
}

/// Writes the portfolio of a dated run into the staging folder in every
/// format asked for; returns the files written, or the message of the
/// first that could not be.
fn write_portfolio(portfolio: &Portfolio, ctx: &Context) -> Result<Vec<(Format, String)>, String> {
    let mut names = Vec::new();
    for fmt in &ctx.options.formats {
        let name = format!("{}.{}", crate::render::portfolio::STEM, fmt.extension());
        crate::render::portfolio::render(portfolio, *fmt)
            .map_err(|e| format!("cannot render it: {e}"))
            .and_then(|bytes| {
                output::write_atomic(&ctx.dir, &name, &bytes).map_err(|e| e.to_string())
            })
            .map_err(|e| format!("error: {}: cannot write {name}: {e}", shown(&ctx.shown_dir)))?;
        names.push((*fmt, name));
    }
    Ok(names)
}

/// The `--fail-on` thresholds that plans crossed, one line each.
fn alerts(portfolio: &Portfolio, fail_on: &[Threshold]) -> Vec<String> {
    let mut alerts = Vec::new();
    for row in portfolio.rows.iter().filter(|r| !r.kept) {
        let Some(changes) = row.evaluated().and_then(|e| e.changes.as_ref()) else {
            continue;
        };
        for t in fail_on {
            if let Some(why) = t.crossed(changes) {
                alerts.push(format!(
                    "alert ({t}): {}: {}",
                    crate::yaml::inert(&row.plan_file),
                    crate::yaml::inert(&why)
                ));
            }
        }
    }
    alerts
}

/// The summary table printed after a run: one line per plan.
pub fn summary_table(p: &Portfolio) -> String {
    let dated = p.month.is_some();
    let mut rows: Vec<Vec<String>> = vec![{
        let mut h = vec!["plan", "answer", "month-1 savings", "payback (months)"];
        if dated {
            h.push("since the last run");
        }
        h.into_iter().map(String::from).collect()
    }];
    for r in &p.rows {
        let mut cells = vec![crate::yaml::inert(&r.plan_file).into_owned()];
        match r.evaluated() {
            Some(e) => {
                cells.push(e.answer.clone());
                cells.push(e.monthly_savings.text.clone());
                cells.push(e.payback_months.text.clone());
            }
            None => {
                cells.push("FAILED".to_string());
                cells.push("—".to_string());
                cells.push("—".to_string());
            }
        }
        if dated {
            cells.push(crate::yaml::inert(&r.since_last_run()).into_owned());
        }
        rows.push(cells);
    }
    // Figures right-aligned, words left-aligned.
    console::aligned_columns(&rows, &[2, 3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn the_generation_time_is_the_timestamp_else_source_date_epoch_else_now() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let epoch = Some(OsStr::new("1764547200"));
        assert_eq!(generation_time(None, epoch), Ok(t("2025-12-01T00:00:00Z")));
        // --timestamp wins, even over a value that would be refused.
        for env in [epoch, Some(OsStr::new("soon")), None] {
            assert_eq!(
                generation_time(Some("2026-12-03T08:30:00Z"), env),
                Ok(t("2026-12-03T08:30:00Z"))
            );
        }
        // Unset or empty: the clock.
        for env in [None, Some(OsStr::new(""))] {
            let before = Utc::now();
            let now = generation_time(None, env).unwrap();
            assert!(before <= now && now <= Utc::now(), "{now}");
        }
        for bad in [
            "soon",
            "1764547200.5",
            "-1",
            " 1764547200",
            "1e9",
            "99999999999999999999",
        ] {
            let err = generation_time(None, Some(OsStr::new(bad))).unwrap_err();
            assert!(
                err.starts_with("SOURCE_DATE_EPOCH: expected whole seconds"),
                "{bad}: {err}"
            );
        }
    }
}
