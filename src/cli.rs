//! The command line: `run` writes the outputs of each plan, `check` validates,
//! `init` writes a starter plan and `schema` prints the plan format's JSON Schema.

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
    /// Write a commented starter plan to FILE (never overwriting), or print it.
    Init {
        /// The plan file to create; without it the plan is printed.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Print the JSON Schema of the plan format, for editors.
    Schema,
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
    crate::plan::inert(&path.display().to_string()).into_owned()
}

/// The output file stem of a plan: its file stem, if it is a safe file name.
fn stem(path: &Path) -> Option<String> {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| output::is_plain_file_name(s))
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
        Command::Init { file } => init(file.as_deref()),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&crate::plan::json_schema())
                .expect("the schema is plain JSON");
            println!("{schema}");
            EXIT_OK
        }
    }
}

/// A commented starter plan: the worked example, every field explained.
/// `finetune-roi check` accepts it as it is.
pub const STARTER_PLAN: &str = r#"# A finetune-roi plan: should we fine-tune an open model instead of paying
# for the API? Replace the figures with yours, then run
#   finetune-roi check plan.yaml    # validate
#   finetune-roi run plan.yaml      # workbook, memo and JSON in output/
#
# For completion and checking in your editor (YAML language server), save the
# schema beside this file and keep the next line:
#   finetune-roi schema > plan.schema.json
# yaml-language-server: $schema=plan.schema.json

plan: Customer support chatbot, GPT-4o to a fine-tuned 7B   # a title
as_of: 2026-11-01          # when the figures were gathered, YYYY-MM-DD
lifetime_months: 18        # amortization period, a whole number of months >= 1
owner: Support engineering # optional
notes: >-                  # optional; shown in the memo
  Where the figures come from.
# days_per_month: 30       # optional; 30 unless given
# hours_per_day: 24        # optional; hours a day the serving instances run

baseline:                  # the API paid today
  api: gpt-4o              # optional: a name
  input_price_per_1m_tokens: 5.00    # dollars per million prompt tokens
  output_price_per_1m_tokens: 15.00  # dollars per million completion tokens
  requests_per_day: 50000
  avg_input_tokens_per_request: 500
  avg_output_tokens_per_request: 200

fine_tuned:
  model_size_b: 7          # billions of parameters, > 0
  method: lora             # lora | qlora | full

compute:                   # component 1: training runs
  runs: 8                  # a whole number; 5 to 15 is typical
  cost_per_run: 12.0       # dollars; omit it to estimate it from `training`
  training:                # optional: the training-cost estimate
    dataset_examples: 50000
    avg_seq_len: 512       # tokens per example
    epochs: 3              # > 0
    instance: a10g         # benchmark rows exist for a10g and a100_80g
    spot: true             # true or false (not yes/no)

engineering:               # component 2: people
  hourly_rate: 150         # dollars per hour
  hours: {data: 40, experiments: 20, evaluation: 24, deployment: 16}   # any phase names

serving:                   # component 3: infrastructure
  instance: a10g           # optional: a name
  instances: 2             # a whole number >= 1
  cost_per_hour: 2.06      # dollars per hour, per instance
  throughput_tokens_per_second: 5000   # optional: per instance; enables the capacity check
# target_utilization: 0.2  # optional: share of capacity to plan for, above 0 and at most 1

quality:                   # component 4: human review
  review_rate_api: 0.02    # a fraction from 0 to 1: 0.02 means 2% of responses
  review_rate_ft: 0.05
  cost_per_review: 5.0     # dollars

decision:                  # optional: the decision factors
  task_consistency: high   # high | medium | low
  latency_requirement_ms: 800
  quality_requirement: medium        # high | medium | low
  team_ml_expertise: true
  iteration_speed_priority: false
"#;

/// `init`: prints the starter plan, or writes it to a new file.
fn init(file: Option<&Path>) -> u8 {
    let Some(file) = file else {
        print!("{STARTER_PLAN}");
        return EXIT_OK;
    };
    let name = shown(file);
    match output::write_new(file, STARTER_PLAN.as_bytes()) {
        Ok(()) => {
            println!("{name}: written; edit it, then run `finetune-roi check {name}`");
            EXIT_OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "error: {name}: the file exists; init never overwrites one, so choose another name"
            );
            EXIT_FAILURE
        }
        Err(e) => {
            eprintln!("error: {name}: cannot write the starter plan: {e}");
            EXIT_FAILURE
        }
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
            Ok(r) => println!("{}: ok ({})", shown(f), r.verdict()),
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
            eprintln!(
                "{}: expected a plan file name usable for the outputs, found one that is empty, starts with a dot or holds a path separator or control character; rename the plan",
                shown(f)
            );
            code = code.max(EXIT_BAD_PLAN);
            continue;
        };
        if let Some(first) = seen.get(&stem) {
            eprintln!(
                "{}: its outputs would overwrite those of {} (same file stem `{stem}`); rename one",
                shown(f),
                shown(first)
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
                    eprintln!("error: {}: cannot render the {fmt} output: {e}", shown(f));
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
                shown(out)
            );
            return EXIT_FAILURE;
        }
        let mut written = Vec::new();
        for (name, bytes) in &rendered {
            match output::write_atomic(out, name, bytes) {
                Ok(p) => written.push(p),
                Err(e) => {
                    eprintln!("error: {}: cannot write {name}: {e}", shown(out));
                    code = code.max(EXIT_FAILURE);
                }
            }
        }
        let savings = report.num("monthly_savings").unwrap_or(0.0);
        println!(
            "{}: {} (monthly savings {}, payback {}) → {}",
            shown(f),
            report.verdict(),
            format::money0(savings),
            report.show("payback_months"),
            written
                .iter()
                .map(|p| shown(p))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    code
}
