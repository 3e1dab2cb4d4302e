//! The command line's arguments: the subcommands and their options as clap
//! parses them. What each command does is in [`super`] (`check`, `init`,
//! `schema`), [`super::batch`] (`run`) and [`super::prices`].

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use super::prices;
use crate::analysis::changes::{Month, Threshold};
use crate::format::Paper;
use crate::render::Format;

/// `--paper`: a4 or letter.
fn parse_paper(text: &str) -> Result<Paper, String> {
    match text.to_ascii_lowercase().as_str() {
        "a4" => Ok(Paper::A4),
        "letter" => Ok(Paper::Letter),
        _ => Err("expected a4 or letter".to_string()),
    }
}

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
        /// Folder the outputs are written to (created if missing); `-` writes
        /// one plan's output in one format (--format) to standard output.
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
        /// Formats to write, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "xlsx,md,html,json")]
        format: Vec<Format>,
        /// The paper the workbook and the memo print on: a4 or letter.
        #[arg(long, value_name = "a4|letter", default_value = "a4", value_parser = parse_paper)]
        paper: Paper,
        /// A dated run: write into DIR/YYYY-MM/ with a portfolio of every plan,
        /// and compare each plan with its run there that this one replaces,
        /// else with its latest earlier month in DIR.
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<Month>,
        /// Print nothing but errors and alerts.
        #[arg(long, short)]
        quiet: bool,
        /// Stamp the outputs with TIME given as --timestamp=TIME (RFC 3339
        /// or YYYY-MM-DD), or with the clock's time when bare. Without it:
        /// SOURCE_DATE_EPOCH (whole seconds since 1970-01-01 UTC) when set,
        /// so reruns write identical files, else the clock's time.
        #[arg(
            long,
            value_name = "TIME",
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = "now"
        )]
        timestamp: Option<String>,
        /// Monte Carlo trials per plan [default: 10000].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        trials: Option<u64>,
        /// The simulation's random seed for every plan [default: from each plan's SHA-256].
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// The price catalogue: a folder of *.yaml files, or one file
        /// [default: $FINETUNE_ROI_CATALOG, else the config folder's
        /// finetune-roi/catalog if it exists, else the built-in catalogue].
        #[arg(long, value_name = "PATH")]
        catalog: Option<PathBuf>,
        /// Exit 3 when a plan crossed a threshold since its previous month
        /// (needs --month): verdict-change, savings-drop:AMOUNT (dollars a
        /// month) or savings-drop:PERCENT%. Comma-separated or repeated.
        #[arg(long = "fail-on", value_name = "THRESHOLD", value_delimiter = ',')]
        fail_on: Vec<Threshold>,
        /// Plans evaluated at once [default: one per core].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
        jobs: Option<u64>,
    },
    /// The price catalogue: list, show, export, import.
    Prices {
        #[command(subcommand)]
        command: PricesCommand,
    },
    /// Validate plans without writing anything.
    Check {
        /// Plan files, or folders whose *.yaml files are all plans.
        #[arg(required = true, value_name = "PLAN.yaml | DIR")]
        paths: Vec<PathBuf>,
        /// One line per plan: the verdict, feasibility and the number of warnings.
        #[arg(short, long)]
        quiet: bool,
        /// The price catalogue: a folder of *.yaml files, or one file
        /// [default: $FINETUNE_ROI_CATALOG, else the config folder's
        /// finetune-roi/catalog if it exists, else the built-in catalogue].
        #[arg(long, value_name = "PATH")]
        catalog: Option<PathBuf>,
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

/// `prices` subcommands.
#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// List the catalogue's entries with their dates and sources.
    List {
        /// Only this kind of entry.
        #[arg(long, value_enum)]
        kind: Option<prices::ListKind>,
        /// Full sources and every column, however wide the lines (else
        /// they fit 120 columns, sources cut).
        #[arg(long)]
        wide: bool,
        /// The price catalogue [default: as for `run`].
        #[arg(long, value_name = "PATH")]
        catalog: Option<PathBuf>,
    },
    /// Show one API model, GPU instance or managed offer.
    Show {
        /// The entry's name (e.g. gpt-4o, h100, openai-gpt-4o-mini).
        #[arg(value_name = "NAME")]
        name: String,
        /// The price catalogue [default: as for `run`].
        #[arg(long, value_name = "PATH")]
        catalog: Option<PathBuf>,
    },
    /// Write the built-in catalogue's files into DIR, to edit and use with
    /// --catalog, FINETUNE_ROI_CATALOG or the config folder.
    Export {
        /// The folder to write into (created if missing; existing files are
        /// not overwritten).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Update the catalogue's API prices (api-prices.yaml) from a price list,
    /// rewriting only the values that changed.
    Import {
        /// The price list's kind.
        #[arg(value_enum)]
        source: PriceSource,
        /// The price list: for litellm, model_prices_and_context_window.json.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The date of the list's prices (YYYY-MM-DD), recorded as each
        /// changed entry's as_of and in its source.
        #[arg(long, value_name = "DATE")]
        as_of: NaiveDate,
        /// The version of the package the list was taken from (LiteLLM's
        /// `1.110.2`), named in each changed entry's source.
        #[arg(long, value_name = "VERSION")]
        package: Option<String>,
        /// The catalogue folder whose api-prices.yaml is rewritten
        /// [default: $FINETUNE_ROI_CATALOG, else the config folder's
        /// finetune-roi/catalog]; a folder without catalogue files first
        /// gets the built-in catalogue.
        #[arg(long, alias = "out", value_name = "DIR")]
        catalog: Option<PathBuf>,
        /// Which models the catalogue lacks are added.
        #[arg(long, value_enum, default_value = "known-providers")]
        add: AddModels,
        /// A key of the price list to add whatever --add says (repeat it).
        #[arg(long, value_name = "KEY")]
        add_model: Vec<String>,
        /// Report the changes without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Which models of LiteLLM's map the catalogue lacks are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AddModels {
    /// None: only update the catalogue's own models.
    None,
    /// Those of the providers the catalogue already lists.
    KnownProviders,
    /// Every chat and completion model (thousands).
    All,
}

/// A price list `prices import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PriceSource {
    /// LiteLLM's model_prices_and_context_window.json.
    Litellm,
}
