//! Validated inputs: every number the model starts from, with its unit, its
//! one-line doc and where it came from (the plan, a documented default, or the
//! lesson's benchmark table).
//!
//! Each input is declared once in [`spec::INPUTS`]; [`validate`] checks a raw
//! plan against that table, collecting every problem with its file, line and
//! field path.

use crate::collections::IndexMap;
use chrono::NaiveDate;

use crate::catalog::Catalog;
use crate::format::Unit;
use crate::plan::{LoadedPlan, Method};
use crate::value::Value;
use crate::yaml::Diagnostic;

pub mod docs;
pub mod options;
pub mod spec;
mod validate;

pub use docs::starter_plan;
pub use options::PlanOption;
pub use spec::{Bounds, InputSpec, INPUTS};
pub use validate::validate_raw_with;

/// An input given as a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranged {
    pub id: String,
    pub low: f64,
    pub base: f64,
    pub high: f64,
}

/// Which part of the Inputs sheet an input belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    General,
    Baseline,
    Compute,
    Managed,
    Engineering,
    Serving,
    Quality,
    Decision,
    DecisionRules,
    Sensitivity,
}

impl Group {
    /// All groups in sheet order.
    pub const ALL: [Group; 10] = [
        Group::General,
        Group::Baseline,
        Group::Compute,
        Group::Managed,
        Group::Engineering,
        Group::Serving,
        Group::Quality,
        Group::Decision,
        Group::DecisionRules,
        Group::Sensitivity,
    ];

    /// The group heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::General => "General assumptions",
            Group::Baseline => "Baseline: the API paid today",
            Group::Compute => "Component 1: training compute",
            Group::Managed => "Managed fine-tuning (a provider trains and serves the model)",
            Group::Engineering => "Component 2: engineering time",
            Group::Serving => "Component 3: serving infrastructure",
            Group::Quality => "Component 4: quality (human review)",
            Group::Decision => "Decision factors",
            Group::DecisionRules => "Decision rules (scoring of the decision factors)",
            Group::Sensitivity => "Sensitivity cases",
        }
    }
}

/// Where an input's value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Written in the plan file.
    Plan,
    /// Not in the plan: a documented default (the text says which).
    Default(&'static str),
    /// Looked up in the training benchmark table (the text names the row).
    Benchmark(String),
    /// Taken from the price catalogue (the text names the entry, its source
    /// and date).
    Catalogue(String),
    /// Observed in a month of the plan's `actuals`.
    Actual(String),
}

impl Source {
    /// The source as the Inputs sheet and the memo show it.
    pub fn describe(&self) -> String {
        match self {
            Source::Plan => "plan".to_string(),
            Source::Default(why) => format!("default: {why}"),
            Source::Benchmark(row) => format!("benchmark: {row}"),
            Source::Catalogue(entry) => format!("catalogue: {entry}"),
            Source::Actual(month) => format!("actual: observed in {month}"),
        }
    }
}

/// One input of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Identifier; also the workbook's defined name.
    pub id: String,
    pub label: String,
    pub unit: Unit,
    /// One line: what the number means.
    pub doc: String,
    pub group: Group,
    /// What the value must be (the spec's bounds).
    pub bounds: Bounds,
    pub value: Value,
    pub source: Source,
}

/// What the plan says about itself, beyond numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub title: String,
    pub as_of: NaiveDate,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// The plan file as named on the command line.
    pub file: String,
    pub sha256: String,
    pub method: Method,
    pub model_size_b: f64,
    pub model_name: Option<String>,
    pub api_name: Option<String>,
    pub serving_instance: Option<String>,
    /// GPUs in one serving instance, when the instance is a catalogue entry.
    pub serving_gpus_per_instance: Option<u32>,
    pub training_instance: Option<String>,
}

/// How the model is shaped by what the plan gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The plan gives `compute.training`: the training estimate is computed.
    pub has_training: bool,
    /// The plan gives `compute.cost_per_run`; otherwise the estimate supplies it.
    pub cost_per_run_given: bool,
    /// The plan gives a serving throughput: capacity and cost per token are computed.
    pub has_throughput: bool,
    /// Ids of the engineering phase inputs, in plan order.
    pub phase_ids: Vec<String>,
    /// The serving instance is in the catalogue: the memory fit is checked.
    pub has_serving_memory: bool,
    /// The training instance is in the catalogue: the estimate's implied GPU
    /// efficiency is checked.
    pub has_training_flops: bool,
    /// The plan or one of its options is trained and served by a provider
    /// (`kind: managed`): the managed prices and figures are part of the model.
    pub managed: bool,
    /// The plan has `requirements`: each candidate is checked against them.
    pub has_requirements: bool,
    /// The requirements give a latency limit.
    pub has_latency_limit: bool,
    /// The requirements give the API's measured latency.
    pub has_api_latency: bool,
}

/// A catalogue table the workbook can look values up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Api,
    Gpus,
}

/// An input whose value the workbook looks up in the catalogue by the name
/// held in another input (INDEX/MATCH), instead of holding it as a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub table: Table,
    /// The input holding the entry's name, such as `baseline_api`.
    pub key: String,
    /// The column of the table, such as `input_per_1m_tokens`.
    pub column: &'static str,
}

/// The catalogue entries a plan's workbook carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogueUsed {
    pub api: Vec<(String, crate::catalog::ApiModel)>,
    pub gpus: Vec<(String, crate::catalog::Gpu)>,
}

/// The validated inputs of one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub meta: Meta,
    pub items: Vec<Input>,
    pub shape: Shape,
    /// Things worth telling the reader about how inputs were resolved.
    pub notices: Vec<Notice>,
    /// The inputs given as ranges (low, base, high), in sheet order; the
    /// value of each is its base.
    pub ranges: Vec<Ranged>,
    /// The plan's options, each validated as a plan of its own.
    pub options: Vec<PlanOption>,
    /// The inputs the workbook looks up in the catalogue, by input id.
    pub lookups: IndexMap<String, Lookup>,
    /// The catalogue tables the workbook carries (when any input uses them).
    pub catalogue: CatalogueUsed,
}

impl Inputs {
    /// The input with this id.
    pub fn get(&self, id: &str) -> Option<&Input> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// The model sizes the benchmark table was measured at.
const BENCHMARK_SIZES: [f64; 3] = [7.0, 13.0, 70.0];
/// On-demand price of one A100 80 GB per hour, used by the fallback estimate.
const FALLBACK_GPU_COST_PER_HOUR: f64 = 3.10;

/// Throughput, GPU count and hourly price for a training run, as the lesson's
/// estimator picks them: the benchmark row at the nearest measured model size,
/// or its rule-of-thumb fallback when there is no such row.
pub fn lookup_benchmark(
    catalog: &Catalog,
    model_size_b: f64,
    method: Method,
    instance: &str,
) -> (f64, f64, f64, String) {
    let nearest = BENCHMARK_SIZES
        .iter()
        .copied()
        .fold(BENCHMARK_SIZES[0], |best, s| {
            if (s - model_size_b).abs() < (best - model_size_b).abs() {
                s
            } else {
                best
            }
        });
    match catalog.training_benchmark(nearest, method, instance) {
        Ok(b) => (
            b.tokens_per_second,
            f64::from(b.num_gpus),
            b.cost_per_hour,
            format!(
                "{}B {} on {} (nearest measured size to {}B; {}, as of {})",
                nearest,
                method.name(),
                instance,
                model_size_b,
                b.source,
                b.as_of
            ),
        ),
        Err(_) => {
            let tps = (4000.0 * (7.0 / model_size_b)).floor().max(100.0);
            let gpus = (model_size_b / 30.0).floor().max(1.0);
            (
                tps,
                gpus,
                gpus * FALLBACK_GPU_COST_PER_HOUR,
                format!(
                    "no measured row for {}B {} on {}; rule-of-thumb fallback",
                    nearest,
                    method.name(),
                    instance
                ),
            )
        }
    }
}

/// "entry: source, as of date", for the source column.
fn catalogue_source(entry: &str, source: &str, as_of: &str) -> Source {
    Source::Catalogue(format!("{entry} ({source}, as of {as_of})"))
}

/// A warning about how the inputs were resolved (not a formula of the model).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// A stable id, e.g. `stale_catalogue`.
    pub id: &'static str,
    pub title: &'static str,
    pub message: String,
    /// The plan fields that act on it.
    pub plan_fields: &'static [&'static str],
}

impl Source {
    /// The date of a catalogue entry or benchmark row the value came from:
    /// their descriptions end with `as of YYYY-MM-DD)` (see
    /// [`catalogue_source`] and the benchmark rows). Datasheet figures carry
    /// no date: they do not go stale.
    pub fn catalogue_date(&self) -> Option<chrono::NaiveDate> {
        let (Source::Catalogue(text) | Source::Benchmark(text)) = self else {
            return None;
        };
        let (_, tail) = text.rsplit_once("as of ")?;
        crate::catalog::parse_date(tail.strip_suffix(')')?)
    }
}

/// No number in a plan may be larger than this: a figure beyond a
/// quadrillion is a typo, and the bound keeps every product in the model finite.
pub const MAX_MAGNITUDE: f64 = 1e15;
/// The smallest value a positive input (a divisor in the model) may take.
pub const MIN_POSITIVE: f64 = 1e-9;
/// The longest model lifetime: the cash-flow timeline has a column per month.
pub const MAX_LIFETIME_MONTHS: f64 = 240.0;
/// The most engineering phases a plan may list.
pub const MAX_PHASES: usize = 100;
/// The most options a plan may list: every output of a plan at this many
/// is written in well under a minute and under 1 GB (time and memory grow
/// linearly with the options); a larger sweep is split into several plans.
pub const MAX_OPTIONS: usize = 500;

/// A number as a message shows it: plain when it reads well, else in
/// scientific notation (`1e300`, not three hundred digits).
pub(crate) fn shown(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The typical phases of a 7B LoRA project from data to production, with the
/// range of hours each takes (the lesson's phase table).
pub const TYPICAL_PHASES: [(&str, f64, f64); 8] = [
    ("data collection and curation", 20.0, 60.0),
    ("data formatting and quality checks", 8.0, 16.0),
    ("initial experiment setup", 4.0, 8.0),
    ("hyperparameter search", 8.0, 16.0),
    ("evaluation framework setup", 8.0, 16.0),
    ("model evaluation and iteration", 16.0, 40.0),
    ("deployment and integration", 8.0, 24.0),
    ("monitoring setup", 4.0, 8.0),
];

/// Multiples of today's traffic in the sensitivity tables.
pub const SENSITIVITY_VOLUME_MULTIPLIERS: [f64; 8] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0];
/// Serving instance counts in the sensitivity grid.
pub const SENSITIVITY_INSTANCE_COUNTS: [f64; 4] = [1.0, 2.0, 4.0, 8.0];

/// Validates a loaded plan into inputs, or returns every problem found.
pub fn validate(loaded: &LoadedPlan) -> Result<Inputs, Vec<Diagnostic>> {
    validate_with(loaded, Catalog::builtin())
}

/// Validates a loaded plan and its options against a price catalogue.
pub fn validate_with(loaded: &LoadedPlan, catalog: &Catalog) -> Result<Inputs, Vec<Diagnostic>> {
    let mut inputs = validate_raw_with(
        &loaded.raw,
        &loaded.locator,
        &loaded.display_name,
        &loaded.sha256,
        catalog,
    )?;
    let written = loaded.raw.options.as_ref().map_or(0, Vec::len);
    if written > MAX_OPTIONS {
        return Err(vec![Diagnostic::new(
            &loaded.display_name,
            loaded.locator.find("options"),
            "options",
            format!(
                "expected at most {MAX_OPTIONS} options, found {written}; split the sweep into plans of {MAX_OPTIONS} or fewer"
            ),
        )]);
    }
    inputs.options = options::expand(
        &loaded.text,
        &loaded.display_name,
        &loaded.sha256,
        catalog,
        &inputs,
    )?;
    Ok(inputs)
}
