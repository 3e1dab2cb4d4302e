//! The command line: `run` writes the outputs of each plan ([`batch`]),
//! `check` validates, `init` writes a starter plan, `schema` prints the plan
//! format's JSON Schema and `prices` works on the catalogue ([`prices`]).
//! The arguments are defined in [`args`]; this module dispatches them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::Parser;

use crate::{output, PlanError};

mod args;
pub mod batch;
mod console;
pub mod prices;

pub use args::{AddModels, Cli, Command, PriceSource, PricesCommand};
pub use batch::{
    generation_time, parse_timestamp, run_batch, summary_table, RunOptions, SOURCE_DATE_EPOCH,
};

/// Exit codes.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_BAD_PLAN: u8 = 2;
/// `run --fail-on`: a plan crossed a threshold since its previous run.
pub const EXIT_ALERT: u8 = 3;

/// Expands folders into their `*.yaml` files (sorted); files pass through.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot list the folder: {e}", shown(p)))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{}: the folder holds no *.yaml plans", shown(p)));
            }
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", shown(p)));
        }
    }
    Ok(out)
}

/// A path as messages show it, control characters escaped.
fn shown(path: &Path) -> String {
    crate::yaml::inert(&path.display().to_string()).into_owned()
}

/// The output file stem of a plan: its file stem, if it is a safe file name.
fn stem(path: &Path) -> Option<String> {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| output::is_plain_file_name(s))
}

/// Runs the command line; returns the process exit code: 1 when a write to
/// stdout or stderr failed and nothing worse happened.
pub fn main() -> ExitCode {
    // A file larger than `ulimit -f` allows: the write fails (EFBIG) and is
    // reported like any other, rather than the signal killing the process
    // without a word.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to "ignore" at start-up, before
    // any thread is started; no handler runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let code = match Cli::try_parse() {
        Ok(cli) => run(cli),
        // Help, the version or a usage error, written as clap writes them.
        Err(e) => {
            if let Err(failure) = e.print() {
                if e.use_stderr() {
                    console::stderr_failed();
                } else {
                    console::stdout_failed(&failure);
                }
            }
            u8::try_from(e.exit_code()).unwrap_or(EXIT_FAILURE)
        }
    };
    if console::write_failed() && (code == EXIT_OK || code == EXIT_ALERT) {
        return ExitCode::from(EXIT_FAILURE);
    }
    ExitCode::from(code)
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check {
            paths,
            quiet,
            catalog,
        } => check(&paths, quiet, catalog.as_deref()),
        Command::Run {
            paths,
            out,
            format,
            paper,
            month,
            quiet,
            timestamp,
            trials,
            seed,
            catalog,
            fail_on,
            jobs,
        } => batch::run_command(
            &paths, out, &format, paper, month, quiet, timestamp, trials, seed, catalog, fail_on,
            jobs,
        ),
        Command::Prices { command } => match command {
            PricesCommand::List {
                kind,
                wide,
                catalog,
            } => prices::list(kind, wide, catalog.as_deref()),
            PricesCommand::Show { name, catalog } => prices::show(&name, catalog.as_deref()),
            PricesCommand::Export { dir } => prices::export(&dir),
            PricesCommand::Import {
                source,
                file,
                as_of,
                package,
                catalog,
                add,
                add_model,
                dry_run,
            } => prices::import(&prices::ImportArgs {
                source,
                file: &file,
                as_of,
                package: package.as_deref(),
                catalog: catalog.as_deref(),
                add,
                add_model: &add_model,
                dry_run,
            }),
        },
        Command::Init { file } => init(file.as_deref()),
        Command::Schema => {
            let mut schema = crate::plan::json_schema();
            crate::inputs::docs::annotate_schema(&mut schema);
            let schema = serde_json::to_string_pretty(&schema).expect("the schema is plain JSON");
            console::out(format_args!("{schema}"));
            EXIT_OK
        }
    }
}

/// `init`: prints the starter plan, or writes it to a new file.
fn init(file: Option<&Path>) -> u8 {
    let starter = crate::inputs::starter_plan();
    let Some(file) = file else {
        console::out_text(&starter);
        return EXIT_OK;
    };
    let name = shown(file);
    match output::write_new(file, starter.as_bytes()) {
        Ok(()) => {
            console::out(format_args!(
                "{name}: written; edit it, then run `finetune-roi check {name}`"
            ));
            EXIT_OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            console::err(format_args!(
                "error: {name}: the file exists; init never overwrites one, so choose another name"
            ));
            EXIT_FAILURE
        }
        Err(e) => {
            console::err(format_args!(
                "error: {name}: cannot write the starter plan: {e}"
            ));
            EXIT_FAILURE
        }
    }
}

/// `check`: validates and evaluates each plan, and prints its verdict, its
/// feasibility and its warnings (one line each with `quiet`); writes nothing.
fn check(paths: &[PathBuf], quiet: bool, catalog: Option<&Path>) -> u8 {
    let mut settings = crate::Settings::at(Utc::now());
    match load_catalog(catalog) {
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
    let mut code = EXIT_OK;
    for f in &files {
        match crate::evaluate_file_with(f, &settings, Default::default()) {
            Ok(r) => console::out(format_args!("{}", check_lines(&shown(f), &r, quiet))),
            Err(e) => code = code.max(report_error(&e)),
        }
    }
    code
}

/// What `check` says of one evaluated plan: the verdict's sentence first.
pub fn check_lines(name: &str, r: &crate::report::Report, quiet: bool) -> String {
    let sentence = r.value("verdict_sentence").to_excel_result();
    let feasible = if r.feasible() {
        "feasible as planned".to_string()
    } else {
        format!(
            "not feasible as planned: {}",
            r.infeasible_reasons(&r.plan_case()).join("; ")
        )
    };
    let warnings = match r.warnings.len() {
        1 => "1 warning".to_string(),
        n => format!("{n} warnings"),
    };
    if quiet {
        let feasible = if r.feasible() {
            "feasible"
        } else {
            "not feasible"
        };
        return format!("{name}: {sentence} ({feasible}, {warnings})");
    }
    let mut out = vec![
        format!("{name}: {sentence}"),
        format!("  {}", r.value("headline").to_excel_result()),
    ];
    let marginal = r.value("verdict_marginal_reason").to_excel_result();
    if r.marginal() {
        out.push(format!("  {marginal}"));
    }
    out.push(format!("  {feasible}"));
    out.extend(
        r.warnings
            .iter()
            .map(|w| format!("  warning: {}: {}", w.title, w.message)),
    );
    out.join("\n")
}

/// The user's catalogue (`--catalog`, else FINETUNE_ROI_CATALOG, else the
/// config folder's), loaded; `None` for the built-in one. A catalogue that does not load is reported, and its exit code returned.
fn load_catalog(
    path: Option<&Path>,
) -> Result<Option<std::sync::Arc<crate::catalog::Catalog>>, u8> {
    let Some(path) = prices::user_catalog(path) else {
        return Ok(None);
    };
    match crate::catalog::Catalog::load(&path) {
        Ok(c) => Ok(Some(std::sync::Arc::new(c))),
        Err(e) => {
            console::err(format_args!("{e}"));
            Err(EXIT_BAD_PLAN)
        }
    }
}

fn report_error(e: &PlanError) -> u8 {
    match e {
        PlanError::Invalid(_) => {
            console::err(format_args!("{e}"));
            EXIT_BAD_PLAN
        }
        PlanError::Model { .. } => {
            console::err(format_args!("error: {e}"));
            EXIT_FAILURE
        }
    }
}
