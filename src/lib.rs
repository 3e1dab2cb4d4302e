//! finetune-roi: should we fine-tune an open model instead of paying for the API?
//!
//! A YAML plan flows one way: [`plan`] (the file as written) → [`inputs`]
//! (validated, with sources) → [`model`] (every quantity defined once) →
//! [`report`] (evaluated) → [`render`] (workbook, memo, JSON).

pub mod analysis;
pub mod catalog;
pub mod cli;
pub mod collections;
pub mod format;
pub mod id;
pub mod inputs;
pub mod model;
pub mod output;
pub mod plan;
pub mod render;
pub mod report;
pub mod runs;
pub mod value;
pub mod yaml;

use std::path::Path;

use chrono::{DateTime, Utc};

use render::Format;
use report::Report;
use yaml::Diagnostic;

/// Why a plan produced no outputs.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The plan is wrong: the user can fix it.
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    /// The model could not be evaluated: a defect of this tool.
    #[error("{file}: {source}")]
    Model {
        file: String,
        source: model::expr::EvalError,
    },
}

/// How a batch of plans is evaluated beyond their own contents.
#[derive(Debug, Clone)]
pub struct Settings {
    /// When the outputs are generated (shown in the memo and workbook);
    /// `None` stamps each plan with its own as-of date at 00:00 UTC, so the
    /// same plan always gives the same files.
    pub generated_at: Option<DateTime<Utc>>,
    /// Monte Carlo trials.
    pub trials: usize,
    /// The simulation's seed; `None` derives it from the plan's SHA-256, so the
    /// same plan always gives the same simulation.
    pub seed: Option<u64>,
    /// The price catalogue; `None` is the one built into the program.
    pub catalog: Option<std::sync::Arc<catalog::Catalog>>,
    /// The paper the workbook and the memo print on.
    pub paper: format::Paper,
}

impl Settings {
    /// The defaults, generated at `generated_at`.
    pub fn at(generated_at: DateTime<Utc>) -> Settings {
        Settings {
            generated_at: Some(generated_at),
            ..Settings::stamped_as_of()
        }
    }

    /// The defaults, each plan stamped with its as-of date.
    pub fn stamped_as_of() -> Settings {
        Settings {
            generated_at: None,
            trials: analysis::simulate::DEFAULT_TRIALS,
            seed: None,
            catalog: None,
            paper: format::Paper::A4,
        }
    }
}

/// The default simulation seed of a plan: the first 64 bits of its SHA-256.
pub fn default_seed(sha256_hex: &str) -> u64 {
    u64::from_str_radix(sha256_hex.get(..16).unwrap_or("0"), 16).unwrap_or(0)
}

/// Loads, validates and evaluates one plan file.
pub fn evaluate_file(path: &Path, generated_at: DateTime<Utc>) -> Result<Report, PlanError> {
    evaluate_file_with(
        path,
        &Settings::at(generated_at),
        report::History::default(),
    )
}

/// Loads, validates and evaluates one plan file, with settings, comparing it
/// with its earlier dated runs when it has some.
pub fn evaluate_file_with(
    path: &Path,
    settings: &Settings,
    history: report::History,
) -> Result<Report, PlanError> {
    let loaded = plan::load(path).map_err(PlanError::Invalid)?;
    let catalog: &catalog::Catalog = match &settings.catalog {
        Some(c) => c,
        None => catalog::Catalog::builtin(),
    };
    let inputs = inputs::validate_with(&loaded, catalog).map_err(PlanError::Invalid)?;
    finish(inputs, settings, history, &loaded.display_name)
}

/// Builds the model over validated inputs and evaluates it into the report.
fn finish(
    inputs: inputs::Inputs,
    settings: &Settings,
    history: report::History,
    file: &str,
) -> Result<Report, PlanError> {
    let run = report::Run {
        generated_at: settings
            .generated_at
            .unwrap_or_else(|| inputs.meta.as_of.and_time(chrono::NaiveTime::MIN).and_utc()),
        trials: settings.trials,
        seed: settings
            .seed
            .unwrap_or_else(|| default_seed(&inputs.meta.sha256)),
        history,
        paper: settings.paper,
    };
    let model = model::build(&inputs).map_err(|source| PlanError::Model {
        file: file.to_string(),
        source,
    })?;
    report::evaluate(inputs, model, &run).map_err(|source| PlanError::Model {
        file: file.to_string(),
        source,
    })
}

/// Evaluates plan text (as if read from `file`).
pub fn evaluate_text(
    text: &str,
    file: &str,
    generated_at: DateTime<Utc>,
) -> Result<Report, PlanError> {
    let loaded = plan::load_text(text, file).map_err(PlanError::Invalid)?;
    let inputs = inputs::validate(&loaded).map_err(PlanError::Invalid)?;
    finish(
        inputs,
        &Settings::at(generated_at),
        report::History::default(),
        file,
    )
}

/// Renders one report in one format.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    render_each(report, &[format])
        .map(|mut all| all.remove(0))
        .map_err(|(_, e)| e)
}

/// Renders the report in each of `formats`, in order: the same bytes as
/// [`render`] for each, with the memo's Markdown made once when both the
/// Markdown and the HTML are asked for. An error names the format that
/// failed.
pub fn render_each(
    report: &Report,
    formats: &[Format],
) -> Result<Vec<Vec<u8>>, (Format, rust_xlsxwriter::XlsxError)> {
    let mut markdown: Option<String> = None;
    let mut out = Vec::with_capacity(formats.len());
    for format in formats {
        out.push(match format {
            Format::Xlsx => render::xlsx::render(report).map_err(|e| (Format::Xlsx, e))?,
            Format::Md => markdown
                .get_or_insert_with(|| render::memo::render_markdown(report))
                .clone()
                .into_bytes(),
            Format::Html => {
                let md = markdown.get_or_insert_with(|| render::memo::render_markdown(report));
                render::memo::html_of_markdown(report, md).into_bytes()
            }
            Format::Json => render::json::render(report),
        });
    }
    Ok(out)
}
