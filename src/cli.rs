//! The command line: `run` writes the outputs of each plan, `check` validates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};

use crate::render::Format;
use crate::{format, output, PlanError};

/// Should we fine-tune an open model instead of paying for the API?
#[derive(Debug, Parser)]
#[command(name = "finetune-roi", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate plans and write the workbook, memo (Markdown and HTML) and JSON of each.
    Run {
        /// Plan files, or folders whose *.yaml files are all plans.
        #[arg(required = true, value_name = "PLAN.yaml | DIR")]
        paths: Vec<PathBuf>,
        /// Folder the outputs are written to (created if missing).
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
        /// Formats to write, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "xlsx,md,html,json")]
        format: Vec<Format>,
    },
    /// Validate plans without writing anything.
    Check {
        /// Plan files, or folders whose *.yaml files are all plans.
        #[arg(required = true, value_name = "PLAN.yaml | DIR")]
        paths: Vec<PathBuf>,
    },
}

/// Exit codes.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_BAD_PLAN: u8 = 2;

/// Expands folders into their `*.yaml` files (sorted); files pass through.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot list the folder: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{}: the folder holds no *.yaml plans", p.display()));
            }
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

/// The output file stem of a plan: its file stem.
fn stem(path: &Path) -> Option<String> {
    path.file_stem().map(|s| s.to_string_lossy().into_owned())
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check { paths } => check(&paths),
        Command::Run { paths, out, format } => run_plans(&paths, &out, &format),
    }
}

fn check(paths: &[PathBuf]) -> u8 {
    let files = match expand_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_PLAN;
        }
    };
    let mut code = EXIT_OK;
    for f in &files {
        match crate::evaluate_file(f, Utc::now()) {
            Ok(r) => println!("{}: ok ({})", f.display(), r.verdict()),
            Err(e) => code = code.max(report_error(&e)),
        }
    }
    code
}

fn report_error(e: &PlanError) -> u8 {
    match e {
        PlanError::Invalid(_) => {
            eprintln!("{e}");
            EXIT_BAD_PLAN
        }
        PlanError::Model { .. } => {
            eprintln!("error: {e}");
            EXIT_FAILURE
        }
    }
}

fn run_plans(paths: &[PathBuf], out: &Path, formats: &[Format]) -> u8 {
    let files = match expand_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_PLAN;
        }
    };
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut code = EXIT_OK;
    let generated_at = Utc::now();
    for f in &files {
        let Some(stem) = stem(f) else {
            eprintln!("{}: not a plan file name", f.display());
            code = code.max(EXIT_BAD_PLAN);
            continue;
        };
        if let Some(first) = seen.get(&stem) {
            eprintln!(
                "{}: its outputs would overwrite those of {} (same file stem `{stem}`); rename one",
                f.display(),
                first.display()
            );
            code = code.max(EXIT_BAD_PLAN);
            continue;
        }
        seen.insert(stem.clone(), f.clone());
        let report = match crate::evaluate_file(f, generated_at) {
            Ok(r) => r,
            Err(e) => {
                code = code.max(report_error(&e));
                continue;
            }
        };
        // Render everything before writing anything.
        let mut rendered = Vec::new();
        for fmt in &formats {
            match crate::render(&report, *fmt) {
                Ok(bytes) => rendered.push((format!("{stem}.{}", fmt.extension()), bytes)),
                Err(e) => {
                    eprintln!(
                        "error: {}: cannot render the {fmt} output: {e}",
                        f.display()
                    );
                    code = code.max(EXIT_FAILURE);
                    rendered.clear();
                    break;
                }
            }
        }
        if rendered.is_empty() {
            continue;
        }
        if let Err(e) = std::fs::create_dir_all(out) {
            eprintln!(
                "error: {}: cannot create the output folder: {e}",
                out.display()
            );
            return EXIT_FAILURE;
        }
        let mut written = Vec::new();
        for (name, bytes) in &rendered {
            match output::write_atomic(out, name, bytes) {
                Ok(p) => written.push(p),
                Err(e) => {
                    eprintln!("error: {}: cannot write {name}: {e}", out.display());
                    code = code.max(EXIT_FAILURE);
                }
            }
        }
        let savings = report.num("monthly_savings").unwrap_or(0.0);
        println!(
            "{}: {} (monthly savings {}, payback {}) → {}",
            f.display(),
            report.verdict(),
            format::money0(savings),
            report.show("payback_months"),
            written
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    code
}
