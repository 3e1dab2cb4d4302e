//! The price catalogue: API list prices, GPU instances with their datasheet
//! figures, training and serving throughput benchmarks, and managed
//! fine-tuning offers, each entry with the date its figures were gathered
//! (`as_of`) and where they came from (`source`). Plans name entries instead
//! of retyping the figures.
//!
//! A catalogue is a folder of YAML files (by default [`Catalog::default_dir`],
//! `inputs/catalog/`) or one file. Any file may hold any of the sections
//! `api`, `gpus`, `training_benchmarks`, `serving_benchmarks` and `managed`;
//! a name is defined once across all of them. [`Catalog::load`] checks every
//! entry and reports every problem at once, with file, line and field, and a
//! lookup of a name the catalogue lacks fails with the nearest names.
//!
//! [`import_litellm`] compares the API prices with LiteLLM's price map
//! (`model_prices_and_context_window.json`) and [`render_api_prices`] writes
//! the API price file back, replacing only the values that changed and
//! appending the models added: every other byte of the file stays as written.
//!
//! Here: the entries as written, the errors and the merged [`Catalog`];
//! `layout` (where each key and value stands, from the shared walk in
//! [`crate::yaml`]), `check` (reading one file, checking its entries,
//! merging the files) and `import` (the API price file and LiteLLM).

use std::path::{Path, PathBuf};

use crate::collections::IndexMap;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use crate::plan::{Commitment, Method};
use crate::yaml::{words, Diagnostic};

mod check;
mod import;
mod layout;

use check::{limit, merge, parse_builtin, parse_file, read_text, ParsedFile};
use layout::diagnostic;

use crate::yaml::MAX_PROBLEMS;
pub use import::{
    format_price, import_litellm, per_1m_tokens, render_api_prices, AddPolicy, ApiPriceFile,
    Change, ImportOptions, LitellmImport, Skipped,
};

/// Catalogue files larger than this are refused before parsing.
pub const MAX_CATALOG_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// LiteLLM price maps larger than this are refused (the real one is ~2 MB).
pub const MAX_LITELLM_BYTES: usize = 64 * 1024 * 1024;
/// Names (of models, instances, offers) are at most this many characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The precisions a serving benchmark may be measured at.
pub const PRECISIONS: &[&str] = &["fp32", "bf16", "fp16", "fp8", "int8", "int4"];

// ---------------------------------------------------------------------------
// The entries, as written
// ---------------------------------------------------------------------------

/// One file of the catalogue, as written: every section is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// API models by name.
    #[serde(default)]
    pub api: IndexMap<String, ApiModel>,
    /// GPU instance types by name (the names plans use: `a10g`, `a100_80g`).
    #[serde(default)]
    pub gpus: IndexMap<String, Gpu>,
    /// Measured training throughputs.
    #[serde(default)]
    pub training_benchmarks: Vec<TrainingBenchmark>,
    /// Measured serving throughputs.
    #[serde(default)]
    pub serving_benchmarks: Vec<ServingBenchmark>,
    /// Managed fine-tuning offers by name.
    #[serde(default)]
    pub managed: IndexMap<String, ManagedFineTuning>,
}

/// An API model's list prices.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiModel {
    /// Who sells it, as LiteLLM names providers (`openai`, `anthropic`).
    pub provider: String,
    /// Dollars per million prompt tokens.
    pub input_per_1m_tokens: f64,
    /// Dollars per million completion tokens.
    pub output_per_1m_tokens: f64,
    /// The model's key in LiteLLM's price map, when it differs from the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub litellm: Option<String>,
    /// The date the provider retires the model (LiteLLM's
    /// `deprecation_date`), YYYY-MM-DD; a plan naming it is warned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// Dollars per million prompt tokens read from the provider's prompt
    /// cache (LiteLLM's `cache_read_input_token_cost`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_per_1m_tokens: Option<f64>,
    /// Dollars per million prompt tokens written to the cache, where the
    /// provider bills writes (`cache_creation_input_token_cost`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_per_1m_tokens: Option<f64>,
    /// Batch API prompt price (`input_cost_per_token_batches`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_input_per_1m_tokens: Option<f64>,
    /// Batch API completion price (`output_cost_per_token_batches`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_output_per_1m_tokens: Option<f64>,
    /// Priority tier prompt price (`input_cost_per_token_priority`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_input_per_1m_tokens: Option<f64>,
    /// Priority tier completion price (`output_cost_per_token_priority`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_output_per_1m_tokens: Option<f64>,
    /// Flex tier prompt price (`input_cost_per_token_flex`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex_input_per_1m_tokens: Option<f64>,
    /// Flex tier completion price (`output_cost_per_token_flex`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex_output_per_1m_tokens: Option<f64>,
    /// Price of reasoning tokens when it differs from the completion price
    /// (`output_cost_per_reasoning_token`); else they bill as output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_per_1m_tokens: Option<f64>,
    /// The prompt length above which the long-context prices apply to the
    /// whole request (`*_above_200k_tokens`: 200000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_context_above_tokens: Option<f64>,
    /// Prompt price of a request past the long-context threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_context_input_per_1m_tokens: Option<f64>,
    /// Completion price of a request past the long-context threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_context_output_per_1m_tokens: Option<f64>,
    /// The date of the LiteLLM map that no longer lists the model: its
    /// prices are the last ones known, and a plan naming it is warned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in_map_since: Option<String>,
    /// When the prices were gathered, YYYY-MM-DD.
    pub as_of: String,
    /// Where the prices came from.
    pub source: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// The optional fields of an API entry that LiteLLM's map prices, in the
/// order they are written: (catalogue field, LiteLLM field).
pub const API_EXTRA_FIELDS: [(&str, &str); 9] = [
    ("cached_input_per_1m_tokens", "cache_read_input_token_cost"),
    (
        "cache_write_per_1m_tokens",
        "cache_creation_input_token_cost",
    ),
    ("batch_input_per_1m_tokens", "input_cost_per_token_batches"),
    (
        "batch_output_per_1m_tokens",
        "output_cost_per_token_batches",
    ),
    (
        "priority_input_per_1m_tokens",
        "input_cost_per_token_priority",
    ),
    (
        "priority_output_per_1m_tokens",
        "output_cost_per_token_priority",
    ),
    ("flex_input_per_1m_tokens", "input_cost_per_token_flex"),
    ("flex_output_per_1m_tokens", "output_cost_per_token_flex"),
    ("reasoning_per_1m_tokens", "output_cost_per_reasoning_token"),
];

impl ApiModel {
    /// An optional price by its catalogue field (one of
    /// [`API_EXTRA_FIELDS`] or the long-context fields).
    pub fn extra(&self, field: &str) -> Option<f64> {
        match field {
            "cached_input_per_1m_tokens" => self.cached_input_per_1m_tokens,
            "cache_write_per_1m_tokens" => self.cache_write_per_1m_tokens,
            "batch_input_per_1m_tokens" => self.batch_input_per_1m_tokens,
            "batch_output_per_1m_tokens" => self.batch_output_per_1m_tokens,
            "priority_input_per_1m_tokens" => self.priority_input_per_1m_tokens,
            "priority_output_per_1m_tokens" => self.priority_output_per_1m_tokens,
            "flex_input_per_1m_tokens" => self.flex_input_per_1m_tokens,
            "flex_output_per_1m_tokens" => self.flex_output_per_1m_tokens,
            "reasoning_per_1m_tokens" => self.reasoning_per_1m_tokens,
            "long_context_above_tokens" => self.long_context_above_tokens,
            "long_context_input_per_1m_tokens" => self.long_context_input_per_1m_tokens,
            "long_context_output_per_1m_tokens" => self.long_context_output_per_1m_tokens,
            _ => None,
        }
    }

    /// Sets an optional price by its catalogue field; false for an unknown field.
    pub fn set_extra(&mut self, field: &str, value: Option<f64>) -> bool {
        let slot = match field {
            "cached_input_per_1m_tokens" => &mut self.cached_input_per_1m_tokens,
            "cache_write_per_1m_tokens" => &mut self.cache_write_per_1m_tokens,
            "batch_input_per_1m_tokens" => &mut self.batch_input_per_1m_tokens,
            "batch_output_per_1m_tokens" => &mut self.batch_output_per_1m_tokens,
            "priority_input_per_1m_tokens" => &mut self.priority_input_per_1m_tokens,
            "priority_output_per_1m_tokens" => &mut self.priority_output_per_1m_tokens,
            "flex_input_per_1m_tokens" => &mut self.flex_input_per_1m_tokens,
            "flex_output_per_1m_tokens" => &mut self.flex_output_per_1m_tokens,
            "reasoning_per_1m_tokens" => &mut self.reasoning_per_1m_tokens,
            "long_context_above_tokens" => &mut self.long_context_above_tokens,
            "long_context_input_per_1m_tokens" => &mut self.long_context_input_per_1m_tokens,
            "long_context_output_per_1m_tokens" => &mut self.long_context_output_per_1m_tokens,
            _ => return false,
        };
        *slot = value;
        true
    }

    /// The prices a bill reads, each the entry's own or, where the provider
    /// bills no other rate, the one that applies instead (cached and cache
    /// writes at the input price, batch and tiers at the list prices,
    /// reasoning at the output price, no long-context step).
    pub fn billed(&self, field: &str) -> Option<f64> {
        let input = self.input_per_1m_tokens;
        let output = self.output_per_1m_tokens;
        let own = self.extra(field);
        Some(match field {
            "input_per_1m_tokens" => input,
            "output_per_1m_tokens" => output,
            "cached_input_per_1m_tokens" | "cache_write_per_1m_tokens" => own.unwrap_or(input),
            "batch_input_per_1m_tokens"
            | "priority_input_per_1m_tokens"
            | "flex_input_per_1m_tokens"
            | "long_context_input_per_1m_tokens" => own.unwrap_or(input),
            "batch_output_per_1m_tokens"
            | "priority_output_per_1m_tokens"
            | "flex_output_per_1m_tokens"
            | "long_context_output_per_1m_tokens"
            | "reasoning_per_1m_tokens" => own.unwrap_or(output),
            "long_context_above_tokens" => own.unwrap_or(0.0),
            _ => return None,
        })
    }
}

/// A GPU instance type: its price and its datasheet figures.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gpu {
    /// The GPU's full name (`NVIDIA A10G`).
    pub name: String,
    /// The instance the price is for (`AWS g5.xlarge, 1 GPU`).
    pub priced_as: String,
    /// GPUs in one priced instance (a whole number ≥ 1).
    pub gpus_per_instance: u32,
    /// On-demand dollars per GPU-hour.
    pub on_demand_per_gpu_hour: f64,
    /// The spot price as a fraction of on-demand, 0 to 1 (0.35 = 65% off).
    pub spot_price_factor: f64,
    /// Memory of one GPU, in GB.
    pub memory_gb: f64,
    /// Memory bandwidth of one GPU, in GB/s.
    pub memory_bandwidth_gb_per_s: f64,
    /// Dense (not sparse) BF16 tensor-core peak of one GPU, in TFLOPS.
    pub bf16_dense_tflops: f64,
    /// When the price was gathered, YYYY-MM-DD.
    pub as_of: String,
    /// Where the price came from.
    pub source: String,
    /// Where the memory, bandwidth and TFLOPS figures came from.
    pub spec_source: String,
    /// How the offer bills running time, where a source states it:
    /// `per_second`, `per_minute` or `per_hour`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<String>,
    /// Where the billing increment is stated (required with `billing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_source: Option<String>,
    /// Committed-use prices, where the offer sells them for a 1- or 3-year term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed: Option<CommittedPrices>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// The billing increments a GPU offer may state.
pub const BILLING_INCREMENTS: &[&str] = &["per_second", "per_minute", "per_hour"];

/// An offer's committed-use discounts off its on-demand price, with their
/// own date and source.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommittedPrices {
    /// The share off on-demand for a 1-year term, 0 to 1 (0.37 = 37% off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_1y_discount: Option<f64>,
    /// The share off on-demand for a 3-year term, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_3y_discount: Option<f64>,
    /// When the committed prices were gathered, YYYY-MM-DD.
    pub as_of: String,
    /// Where they came from.
    pub source: String,
}

impl CommittedPrices {
    /// The discount for a term (`None` for on-demand or a term not sold).
    pub fn discount(&self, term: Commitment) -> Option<f64> {
        match term {
            Commitment::OnDemand => None,
            Commitment::Reserved1y => self.reserved_1y_discount,
            Commitment::Reserved3y => self.reserved_3y_discount,
        }
    }
}

impl Gpu {
    /// Dollars per GPU-hour on a term: on-demand, or the committed price
    /// (`None` where the offer sells no such term).
    pub fn per_gpu_hour(&self, term: Commitment) -> Option<f64> {
        match term {
            Commitment::OnDemand => Some(self.on_demand_per_gpu_hour),
            _ => {
                let d = self.committed.as_ref()?.discount(term)?;
                Some(self.on_demand_per_gpu_hour * (1.0 - d))
            }
        }
    }

    /// Dollars per hour for one whole instance on a term (`None` where the
    /// offer sells no such term).
    pub fn per_instance_hour(&self, term: Commitment) -> Option<f64> {
        self.per_gpu_hour(term)
            .map(|x| x * f64::from(self.gpus_per_instance))
    }

    /// The terms the offer sells, on demand first.
    pub fn terms(&self) -> Vec<Commitment> {
        Commitment::ALL
            .into_iter()
            .filter(|t| self.per_gpu_hour(*t).is_some())
            .collect()
    }

    /// On-demand dollars per hour for one whole instance.
    pub fn on_demand_per_instance_hour(&self) -> f64 {
        self.on_demand_per_gpu_hour * f64::from(self.gpus_per_instance)
    }

    /// Memory of one whole instance, in GB.
    pub fn memory_gb_per_instance(&self) -> f64 {
        self.memory_gb * f64::from(self.gpus_per_instance)
    }
}

/// One measured training throughput.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingBenchmark {
    /// Parameters of the model trained, in billions.
    pub model_size_b: f64,
    /// lora, qlora or full.
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// The GPU instance type (a name in `gpus`).
    pub instance: String,
    /// Training tokens a second across all the run's GPUs.
    pub tokens_per_second: f64,
    /// GPUs the run uses.
    pub num_gpus: u32,
    /// On-demand dollars per hour for all the run's GPUs.
    pub cost_per_hour: f64,
    /// When it was measured, YYYY-MM-DD.
    pub as_of: String,
    /// Where the figures came from.
    pub source: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

fn method_name<S: Serializer>(method: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(method.name())
}

/// One measured serving throughput.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServingBenchmark {
    /// Parameters of the model served, in billions.
    pub model_size_b: f64,
    /// The GPU instance type (a name in `gpus`).
    pub instance: String,
    /// GPUs serving one copy of the model (tensor parallelism).
    pub num_gpus: u32,
    /// Generated tokens a second across those GPUs.
    pub tokens_per_second: f64,
    /// Concurrent sequences at which it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    /// The serving engine (`vLLM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The weights' precision: fp32, bf16, fp16, fp8, int8 or int4.
    pub precision: String,
    /// When it was measured, YYYY-MM-DD.
    pub as_of: String,
    /// Where the figures came from.
    pub source: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A managed fine-tuning offer: training and the fine-tuned model's tokens.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedFineTuning {
    /// Who sells it (`openai`, `together`).
    pub provider: String,
    /// The model fine-tuned, as the provider names it.
    pub base_model: String,
    /// The API model fine-tuned (a name in `api`), if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_api: Option<String>,
    /// Parameters of an open base model, in billions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_size_b: Option<f64>,
    /// Dollars per million training tokens (dataset tokens × epochs).
    pub training_per_1m_tokens: f64,
    /// The low and high end when the source gives a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_per_1m_tokens_range: Option<[f64; 2]>,
    /// Dollars per million prompt tokens of the fine-tuned model.
    pub inference_input_per_1m_tokens: f64,
    /// Dollars per million completion tokens of the fine-tuned model.
    pub inference_output_per_1m_tokens: f64,
    /// When the prices were gathered, YYYY-MM-DD.
    pub as_of: String,
    /// Where the prices came from.
    pub source: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// What every catalogue entry carries: when and where from.
pub trait Dated {
    /// When the figures were gathered, as written (YYYY-MM-DD).
    fn as_of(&self) -> &str;
    /// Where the figures came from.
    fn source(&self) -> &str;
    /// The `as_of` date; always `Some` in a loaded catalogue.
    fn as_of_date(&self) -> Option<NaiveDate> {
        parse_date(self.as_of())
    }
}

macro_rules! dated {
    ($($t:ty),*) => {$(
        impl Dated for $t {
            fn as_of(&self) -> &str {
                &self.as_of
            }
            fn source(&self) -> &str {
                &self.source
            }
        }
    )*};
}
dated!(
    ApiModel,
    Gpu,
    CommittedPrices,
    TrainingBenchmark,
    ServingBenchmark,
    ManagedFineTuning
);

/// Bits per weight at a precision (`PRECISIONS`); 0 for an unknown name.
pub fn weight_bits(precision: &str) -> u32 {
    match precision {
        "fp32" => 32,
        "bf16" | "fp16" => 16,
        "fp8" | "int8" => 8,
        "int4" => 4,
        _ => 0,
    }
}

/// A date written YYYY-MM-DD that exists in the calendar.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// The named sections of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Api,
    Gpus,
    Managed,
}

impl Section {
    /// What an entry of the section is, in words.
    pub fn entry(self) -> &'static str {
        match self {
            Section::Api => "API model",
            Section::Gpus => "GPU instance",
            Section::Managed => "managed fine-tuning offer",
        }
    }

    /// The section's key in the YAML files.
    pub fn key(self) -> &'static str {
        match self {
            Section::Api => "api",
            Section::Gpus => "gpus",
            Section::Managed => "managed",
        }
    }
}

/// Why the catalogue could not answer.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A file could not be read, or its entries have problems (all listed).
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    /// A name the catalogue does not define.
    #[error("{}", unknown_message(*.section, .name, .suggestions, .known))]
    Unknown {
        section: Section,
        name: String,
        /// The nearest names, best first (may be empty).
        suggestions: Vec<String>,
        /// Every name of the section.
        known: Vec<String>,
    },
    /// No benchmark row for that model size, (method) and instance.
    #[error("no {what} benchmark for {wanted} in the catalogue; {}", measured_list(.measured))]
    NoBenchmark {
        /// `training` or `serving`.
        what: &'static str,
        /// The row asked for, in words.
        wanted: String,
        /// The rows measured on that instance.
        measured: Vec<String>,
    },
    /// The LiteLLM file is not a price map.
    #[error("{file}: {message}")]
    Litellm { file: String, message: String },
}

fn measured_list(measured: &[String]) -> String {
    if measured.is_empty() {
        "none is measured on that instance; give the figures in the plan".to_string()
    } else {
        format!("measured on that instance: {}", measured.join(", "))
    }
}

fn unknown_message(
    section: Section,
    name: &str,
    suggestions: &[String],
    known: &[String],
) -> String {
    let mut msg = format!(
        "unknown {} `{}` in the catalogue",
        section.entry(),
        shorten(name)
    );
    match suggestions {
        [] => {}
        [one] => msg.push_str(&format!("; did you mean `{one}`?")),
        many => msg.push_str(&format!(
            "; did you mean {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
    if known.is_empty() {
        msg.push_str(&format!(
            " (the catalogue has no `{}` section)",
            section.key()
        ));
    } else if suggestions.is_empty() {
        msg.push_str(&format!("; the catalogue has {}", known.join(", ")));
    }
    msg
}

/// At most 60 characters of a name, for messages, control characters
/// shown as `?`.
fn shorten(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    words::shorten(&clean)
}

/// The known names nearest to `name`, best first, at most three: names equal
/// but for case and the separators `-`, `_`, `.` and space come first, then
/// names within a few edits (optimal string alignment distance).
pub fn nearest_names<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    words::nearest_names(name, known, 4 * MAX_NAME_CHARS)
}

// ---------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------

/// Every entry of the catalogue's files, checked and merged.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    files: Vec<PathBuf>,
    api: IndexMap<String, ApiModel>,
    gpus: IndexMap<String, Gpu>,
    training: Vec<TrainingBenchmark>,
    serving: Vec<ServingBenchmark>,
    managed: IndexMap<String, ManagedFineTuning>,
}

impl Catalog {
    /// The default catalogue, `inputs/catalog`, relative to the current directory.
    pub fn default_dir() -> PathBuf {
        PathBuf::from("inputs").join("catalog")
    }

    /// Loads a catalogue: a folder stands for every `*.yaml` and `*.yml`
    /// file directly in it (in name order), a file for itself. Every problem
    /// of every file is reported at once.
    pub fn load(path: &Path) -> Result<Catalog, CatalogError> {
        let display = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| {
            CatalogError::Invalid(vec![diagnostic(
                &display,
                None,
                "",
                format!("cannot read the catalogue: {e}"),
            )])
        })?;
        let files: Vec<PathBuf> = if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| {
                CatalogError::Invalid(vec![diagnostic(
                    &display,
                    None,
                    "",
                    format!("cannot read the catalogue folder: {e}"),
                )])
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(CatalogError::Invalid(vec![diagnostic(
                    &display,
                    None,
                    "",
                    "the catalogue folder holds no .yaml files".to_string(),
                )]));
            }
            files
        } else {
            vec![path.to_path_buf()]
        };
        let mut problems = Vec::new();
        let mut parsed = Vec::new();
        for file in &files {
            let shown = file.display().to_string();
            match read_text(file, MAX_CATALOG_FILE_BYTES) {
                Err(d) => problems.push(d),
                Ok(bytes) => match parse_file(&bytes, &shown) {
                    Ok(p) => parsed.push(p),
                    Err(mut ds) => problems.append(&mut ds),
                },
            }
        }
        let mut catalog = merge(&parsed, &mut problems);
        catalog.files = files;
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(CatalogError::Invalid(limit(problems)))
        }
    }

    /// The files of the catalogue built into the program: (file name, text).
    pub const BUILTIN_FILES: [(&'static str, &'static str); 4] = [
        (
            "api-prices.yaml",
            include_str!("../../inputs/catalog/api-prices.yaml"),
        ),
        (
            "benchmarks.yaml",
            include_str!("../../inputs/catalog/benchmarks.yaml"),
        ),
        ("gpus.yaml", include_str!("../../inputs/catalog/gpus.yaml")),
        (
            "managed.yaml",
            include_str!("../../inputs/catalog/managed.yaml"),
        ),
    ];

    /// The catalogue shipped in `inputs/catalog/`, built into the program so
    /// that runs from any folder (a scheduler's) find it.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            let names: Vec<String> = Self::BUILTIN_FILES
                .iter()
                .map(|(name, _)| format!("inputs/catalog/{name}"))
                .collect();
            let mut problems = Vec::new();
            let parsed: Vec<ParsedFile> = Self::BUILTIN_FILES
                .iter()
                .zip(&names)
                .map(|((_, text), name)| {
                    parse_builtin(text, name).expect("the shipped catalogue parses")
                })
                .collect();
            let mut catalog = merge(&parsed, &mut problems);
            assert!(
                problems.is_empty(),
                "the shipped catalogue is consistent: {problems:?}"
            );
            catalog.files = names.iter().map(PathBuf::from).collect();
            catalog
        })
    }

    /// Loads a catalogue from the text of one file (named `file` in messages).
    pub fn from_text(text: &str, file: &str) -> Result<Catalog, CatalogError> {
        let parsed = parse_file(text.as_bytes(), file).map_err(CatalogError::Invalid)?;
        let mut problems = Vec::new();
        let catalog = merge(std::slice::from_ref(&parsed), &mut problems);
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(CatalogError::Invalid(limit(problems)))
        }
    }

    /// The files the catalogue was read from.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The API model named `name`.
    pub fn api(&self, name: &str) -> Result<&ApiModel, CatalogError> {
        lookup(&self.api, Section::Api, name)
    }

    /// The GPU instance type named `name`.
    pub fn gpu(&self, name: &str) -> Result<&Gpu, CatalogError> {
        lookup(&self.gpus, Section::Gpus, name)
    }

    /// The managed fine-tuning offer named `name`.
    pub fn managed(&self, name: &str) -> Result<&ManagedFineTuning, CatalogError> {
        lookup(&self.managed, Section::Managed, name)
    }

    /// The training benchmark measured at exactly this model size, method
    /// and instance. An unknown instance is an [`CatalogError::Unknown`];
    /// a known one without such a row lists the rows it has.
    pub fn training_benchmark(
        &self,
        model_size_b: f64,
        method: Method,
        instance: &str,
    ) -> Result<&TrainingBenchmark, CatalogError> {
        self.gpu(instance)?;
        self.training
            .iter()
            .find(|b| {
                b.model_size_b == model_size_b && b.method == method && b.instance == instance
            })
            .ok_or_else(|| CatalogError::NoBenchmark {
                what: "training",
                wanted: format!("a {model_size_b}B model, {}, on {instance}", method.name()),
                measured: self
                    .training
                    .iter()
                    .filter(|b| b.instance == instance)
                    .map(|b| format!("{}B {}", b.model_size_b, b.method.name()))
                    .collect(),
            })
    }

    /// The serving throughput measured at exactly this model size on this
    /// instance's GPU (this instance, or another offer of the same GPU: the
    /// same `name`), the first such row in file order, with weights as wide as `precision`'s (bf16 and fp16 are
    /// both 16 bits, fp8 and int8 both 8): the width sets the bytes each
    /// generated token reads, so rows of another width do not apply.
    pub fn serving_throughput(
        &self,
        model_size_b: f64,
        instance: &str,
        precision: &str,
    ) -> Result<&ServingBenchmark, CatalogError> {
        let gpu = &self.gpu(instance)?.name;
        let bits = weight_bits(precision);
        let same_gpu = |b: &ServingBenchmark| {
            b.instance == instance || self.gpus.get(&b.instance).is_some_and(|g| &g.name == gpu)
        };
        self.serving
            .iter()
            .find(|b| {
                b.model_size_b == model_size_b && same_gpu(b) && weight_bits(&b.precision) == bits
            })
            .ok_or_else(|| CatalogError::NoBenchmark {
                what: "serving",
                wanted: format!("a {model_size_b}B model at {precision} on {instance}"),
                measured: self
                    .serving
                    .iter()
                    .filter(|b| same_gpu(b))
                    .map(|b| format!("{}B at {}", b.model_size_b, b.precision))
                    .collect(),
            })
    }

    /// Every API model, in file order.
    pub fn api_models(&self) -> &IndexMap<String, ApiModel> {
        &self.api
    }

    /// Every GPU instance type, in file order.
    pub fn gpus(&self) -> &IndexMap<String, Gpu> {
        &self.gpus
    }

    /// Every training benchmark, in file order.
    pub fn training_benchmarks(&self) -> &[TrainingBenchmark] {
        &self.training
    }

    /// Every serving benchmark, in file order.
    pub fn serving_benchmarks(&self) -> &[ServingBenchmark] {
        &self.serving
    }

    /// Every managed fine-tuning offer, in file order.
    pub fn managed_offers(&self) -> &IndexMap<String, ManagedFineTuning> {
        &self.managed
    }
}

fn lookup<'a, T>(
    map: &'a IndexMap<String, T>,
    section: Section,
    name: &str,
) -> Result<&'a T, CatalogError> {
    map.get(name).ok_or_else(|| CatalogError::Unknown {
        section,
        name: name.to_string(),
        suggestions: nearest_names(name, map.keys().map(String::as_str))
            .into_iter()
            .map(str::to_string)
            .collect(),
        known: map.keys().cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_files_pass_the_full_check_and_parse_the_same_without_it() {
        let mut full = Vec::new();
        for (name, text) in Catalog::BUILTIN_FILES {
            let checked = parse_file(text.as_bytes(), name).expect("passes the walk and parses");
            let trusted = parse_builtin(text, name).expect("parses");
            assert_eq!(checked.raw, trusted.raw, "{name}");
            assert!(!checked.bom, "{name}");
            full.push(checked);
        }
        let mut problems = Vec::new();
        let mut merged = merge(&full, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        merged.files = Catalog::builtin().files.clone();
        assert_eq!(format!("{merged:?}"), format!("{:?}", Catalog::builtin()));
    }

    #[test]
    fn dates_must_exist_and_be_written_in_full() {
        for (text, ok) in [
            ("2024-07-01", true),
            ("2024-02-29", true),
            ("2023-02-29", false),
            ("2024-13-01", false),
            ("2024-7-1", false),
            ("01-07-2024", false),
            ("2024/07/01", false),
            ("", false),
        ] {
            assert_eq!(parse_date(text).is_some(), ok, "{text}");
        }
    }

    #[test]
    fn nearest_names_put_separator_typos_first() {
        let known = ["a10g", "l4", "a100_40g", "a100_80g", "h100"];
        assert_eq!(nearest_names("a100-80g", known)[0], "a100_80g");
        assert_eq!(nearest_names("A100_80GB", known)[0], "a100_80g");
        assert_eq!(nearest_names("a10", known)[0], "a10g");
        assert!(nearest_names("tpu-v5e-podslice", known).is_empty());
        let api = ["gpt-4o", "gpt-4", "gpt-4o-mini", "claude-3-5-sonnet"];
        assert_eq!(nearest_names("gpt4o", api)[0], "gpt-4o");
        assert_eq!(
            nearest_names("claude-3.5-sonnet", api)[0],
            "claude-3-5-sonnet"
        );
    }
}
