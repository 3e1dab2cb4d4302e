//! finetune-roi: should we fine-tune an open model instead of paying for the API?
//!
//! A YAML plan flows one way: [`plan`] (the file as written) → [`inputs`]
//! (validated, with sources) → [`model`] (every quantity defined once) →
//! [`report`] (evaluated) → [`render`] (workbook, memo, JSON).

pub mod catalog;
pub mod cli;
pub mod format;
pub mod inputs;
pub mod model;
pub mod output;
pub mod plan;
pub mod render;
pub mod report;
pub mod simulate;

use std::path::Path;

use chrono::{DateTime, Utc};

use plan::Diagnostic;
use render::Format;
use report::Report;

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

/// Loads, validates and evaluates one plan file.
pub fn evaluate_file(path: &Path, generated_at: DateTime<Utc>) -> Result<Report, PlanError> {
    let loaded = plan::load(path).map_err(PlanError::Invalid)?;
    let inputs = inputs::validate(&loaded).map_err(PlanError::Invalid)?;
    let model = model::build(&inputs);
    report::evaluate(inputs, model, generated_at).map_err(|source| PlanError::Model {
        file: loaded.display_name.clone(),
        source,
    })
}

/// Evaluates plan text (as if read from `file`).
pub fn evaluate_text(
    text: &str,
    file: &str,
    generated_at: DateTime<Utc>,
) -> Result<Report, PlanError> {
    let (raw, locator) = plan::parse(text.as_bytes(), file).map_err(PlanError::Invalid)?;
    let sha = {
        use sha2::{Digest, Sha256};
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let inputs = inputs::validate_raw(&raw, &locator, file, &sha).map_err(PlanError::Invalid)?;
    let model = model::build(&inputs);
    report::evaluate(inputs, model, generated_at).map_err(|source| PlanError::Model {
        file: file.to_string(),
        source,
    })
}

/// Renders one report in one format.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    Ok(match format {
        Format::Xlsx => render::xlsx::render(report)?,
        Format::Md => render::memo::render_markdown(report).into_bytes(),
        Format::Html => render::memo::render_html(report).into_bytes(),
        Format::Json => render::json::render(report),
    })
}
