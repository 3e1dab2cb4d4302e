//! The plan file as written: serde types that mirror the YAML, and the loader
//! that reads a file safely and reports problems with file, line and field.
//!
//! These types stay dumb: they accept what the file says and nothing more
//! (`deny_unknown_fields`). Ranges, defaults and meaning are the job of
//! [`crate::inputs`].
//!
//! The loader is built for hand-written and hostile files alike. It refuses
//! files over 1 MiB before parsing, then walks the YAML event stream once
//! (yaml-rust2) before serde_yaml sees the text: that walk refuses deep
//! nesting, alias expansion past [`MAX_NODES`] and over-long keys in time
//! and memory proportional to the file, and records where every field
//! stands. When serde_yaml refuses the plan, the YAML tree is checked
//! against the JSON Schema generated from these types, so every unknown
//! key, missing field and wrong type is reported at once, in plain words.
//!
//! Here: the types and the schema; `load` (reading, the walk with the plan's
//! limits, serde), `ranges` (numbers written as ranges), `check` (the tree
//! against the schema) and `words` (serde's messages in a plan author's
//! words). The walk, [`Locator`] and [`Diagnostic`] are shared with the
//! catalogue, in [`crate::yaml`].

use crate::collections::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

mod check;
mod load;
mod ranges;
mod tree;
mod words;

use crate::yaml::{Diagnostic, Locator, MAX_PROBLEMS};
pub use load::{load, load_text, parse, LoadedPlan};
pub use ranges::RangeSpec;

/// Plans larger than this are refused before parsing.
pub const MAX_PLAN_BYTES: usize = 1024 * 1024;
/// Deeper nesting than this is refused before parsing.
pub const MAX_DEPTH: usize = 32;
/// The most YAML nodes a plan may expand to, aliases included.
pub const MAX_NODES: usize = 100_000;
/// Keys longer than this (in bytes) are refused: keys are field or phase names.
pub const MAX_KEY_BYTES: usize = 200;

/// Sorts problems by place and keeps the first [`MAX_PROBLEMS`], saying in
/// a last line that there are more.
pub fn limit_problems(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems.sort_by_key(|d| (d.line.unwrap_or(usize::MAX), d.column.unwrap_or(0)));
    problems.dedup();
    crate::yaml::keep_first(problems, MAX_PROBLEMS, |_| {
        format!(
            "more problems follow; only the first {MAX_PROBLEMS} are listed, so fix these and check again"
        )
    })
}

/// The whole plan, as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "finetune-roi plan")]
pub struct RawPlan {
    /// A title for the plan, shown on the memo and the workbook.
    pub plan: String,
    /// The numbers written as ranges, by field path (filled by [`parse`]; each
    /// such field holds its base value).
    #[serde(skip)]
    pub ranges: IndexMap<String, RangeSpec>,
    /// When the figures were gathered, written YYYY-MM-DD.
    #[schemars(extend("pattern" = r"^\d{4}-\d{2}-\d{2}$"))]
    pub as_of: String,
    /// Months over which the one-time project cost is amortized (a whole number ≥ 1).
    pub lifetime_months: f64,
    /// Who owns the plan (optional).
    #[serde(default)]
    pub owner: Option<String>,
    /// Free text, shown in the memo (optional).
    #[serde(default)]
    pub notes: Option<String>,
    /// Days counted in a month (default 30).
    #[serde(default)]
    pub days_per_month: Option<f64>,
    /// Hours a day the serving instances run, at most 24 (default 24).
    #[serde(default)]
    pub hours_per_day: Option<f64>,
    /// Monthly growth of the traffic, for the cash-flow timeline (0.02 = 2%).
    #[serde(default)]
    pub volume_growth_per_month: Option<f64>,
    /// The yearly rate future cash is discounted at (0.10 = 10%; 0 turns
    /// discounting off; default 0.10).
    #[serde(default)]
    pub discount_rate_per_year: Option<f64>,
    /// Months after which a catalogue figure the plan uses is warned about
    /// as stale, counted to the plan's as_of (default 6).
    #[serde(default)]
    pub catalogue_max_age_months: Option<f64>,
    /// Who trains and serves the fine-tuned model: `self_hosted` (default:
    /// the plan's GPUs) or `managed` (a provider's fine-tuning service, priced
    /// per token; the serving section is then not used).
    #[serde(default)]
    pub kind: Option<Kind>,
    /// A managed fine-tuning offer in the price catalogue, such as
    /// openai-gpt-4o-mini; its prices apply where `managed` gives none.
    #[serde(default)]
    pub offer: Option<String>,
    /// Managed fine-tuning prices, for `kind: managed` (optional with `offer`).
    #[serde(default)]
    pub managed: Option<RawManaged>,
    /// For `kind: api`: the API model in the catalogue the task moves to,
    /// such as gpt-4o-mini; its list prices apply where `managed` gives none.
    #[serde(default)]
    pub api: Option<String>,
    /// For `kind: api`: the longer prompt, its review rate and the work on it.
    #[serde(default)]
    pub prompt: Option<RawPrompt>,
    /// The API paid today.
    pub baseline: RawBaseline,
    /// The proposed model.
    pub fine_tuned: RawFineTuned,
    /// Component 1: the training runs.
    pub compute: RawCompute,
    /// Component 2: engineering time.
    pub engineering: RawEngineering,
    /// Component 3: serving infrastructure.
    pub serving: RawServing,
    /// Component 4: human review.
    pub quality: RawQuality,
    /// The decision factors (optional).
    #[serde(default)]
    pub decision: Option<RawDecision>,
    /// Hard requirements: a candidate that breaks one is not feasible, the
    /// API included (optional).
    #[serde(default)]
    pub requirements: Option<RawRequirements>,
    /// Observed months, keyed YYYY-MM: the latest observed traffic replaces
    /// the forecast in `baseline.requests_per_day`.
    #[serde(default)]
    pub actuals: Option<IndexMap<String, RawActual>>,
    /// Alternatives to compare side by side: each an `id` (and optional
    /// `label`) and the plan fields it changes, such as
    /// `{id: 70b, fine_tuned: {model_size_b: 70}, serving: {instance: a100_80g}}`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<serde_json::Map<String, serde_json::Value>>>")]
    pub options: Option<Vec<Yaml>>,
}

/// What was observed in one month.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawActual {
    /// Average API requests per day in that month (≥ 0).
    #[serde(default)]
    pub requests_per_day: Option<f64>,
    /// The API bill of that month, in dollars (≥ 0).
    #[serde(default)]
    pub api_bill: Option<f64>,
}

/// Today's API traffic and prices.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBaseline {
    /// The API model's name in the price catalogue, such as gpt-4o; its prices
    /// apply where the plan gives none.
    #[serde(default)]
    pub api: Option<String>,
    /// Dollars per million prompt tokens (≥ 0); from the catalogue when omitted.
    #[serde(default)]
    pub input_price_per_1m_tokens: Option<f64>,
    /// Dollars per million completion tokens (≥ 0); from the catalogue when omitted.
    #[serde(default)]
    pub output_price_per_1m_tokens: Option<f64>,
    /// Today's API requests per day (≥ 0).
    pub requests_per_day: f64,
    /// Average prompt tokens per request (≥ 0).
    pub avg_input_tokens_per_request: f64,
    /// Average completion tokens per request (≥ 0).
    pub avg_output_tokens_per_request: f64,
    /// The yearly change of the API's prices on the timeline (-0.3 = prices
    /// fall 30% a year; default 0).
    #[serde(default)]
    pub price_change_per_year: Option<f64>,
    /// Share of input tokens the provider bills at its cached-input price
    /// (0–1; default 0: none).
    #[serde(default)]
    pub cached_input_share: Option<f64>,
    /// Share of input tokens written to the prompt cache, billed at the
    /// cache-write price where the provider bills writes (0–1; default 0).
    #[serde(default)]
    pub cache_write_share: Option<f64>,
    /// Share of requests sent through the batch API at its prices (0–1; default 0).
    #[serde(default)]
    pub batch_share: Option<f64>,
    /// Reasoning (thinking) tokens per request, billed as output (≥ 0; default 0).
    #[serde(default)]
    pub reasoning_tokens_per_request: Option<f64>,
    /// The service tier the requests that are not batched run at:
    /// standard (default), priority or flex.
    #[serde(default)]
    pub service_tier: Option<ServiceTier>,
}

/// An API provider's service tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServiceTier {
    Standard,
    Priority,
    Flex,
}

impl ServiceTier {
    /// The name as written in plans.
    pub fn name(self) -> &'static str {
        match self {
            ServiceTier::Standard => "standard",
            ServiceTier::Priority => "priority",
            ServiceTier::Flex => "flex",
        }
    }
}

/// Fine-tuning methods the lesson's benchmarks know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Lora,
    Qlora,
    Full,
}

impl Method {
    /// The name as written in plans.
    pub fn name(self) -> &'static str {
        match self {
            Method::Lora => "lora",
            Method::Qlora => "qlora",
            Method::Full => "full",
        }
    }
}

/// The precision weights are served at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Bf16,
    Int8,
    Int4,
}

impl Precision {
    /// The name as written in plans.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
            Precision::Int4 => "int4",
        }
    }

    /// Bytes a parameter takes at this precision.
    pub fn bytes_per_parameter(self) -> f64 {
        match self {
            Precision::Bf16 => 2.0,
            Precision::Int8 => 1.0,
            Precision::Int4 => 0.5,
        }
    }
}

/// The proposed model.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFineTuned {
    /// Parameters of the fine-tuned model, in billions (> 0).
    pub model_size_b: f64,
    /// lora, qlora or full.
    pub method: Method,
    /// The model's name (optional).
    #[serde(default)]
    pub name: Option<String>,
}

/// Component 1: the training runs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCompute {
    /// Training runs budgeted (a whole number ≥ 0; 5 to 15 is typical).
    pub runs: f64,
    /// GPU cost of one run, in dollars; omit it to estimate it from `training`.
    #[serde(default)]
    pub cost_per_run: Option<f64>,
    /// The training-cost estimate (optional).
    #[serde(default)]
    pub training: Option<RawTraining>,
    /// Retrain every this many months while in service (default 0: never).
    #[serde(default)]
    pub retrain_every_months: Option<f64>,
    /// Training runs per retraining (default 1).
    #[serde(default)]
    pub runs_per_retrain: Option<f64>,
}

/// The inputs of the training-cost estimate.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTraining {
    /// Examples in the training set (≥ 0).
    pub dataset_examples: f64,
    /// Tokens per training example (≥ 0).
    pub avg_seq_len: f64,
    /// Passes over the training set per run (> 0).
    pub epochs: f64,
    /// The instance type; benchmark rows exist for a10g and a100_80g.
    pub instance: String,
    /// Train on spot capacity (default true).
    #[serde(default)]
    pub spot: Option<bool>,
    /// Training throughput across all GPUs (default: the benchmark row).
    #[serde(default)]
    pub tokens_per_second: Option<f64>,
    /// GPUs per run (default: the benchmark row).
    #[serde(default)]
    pub num_gpus: Option<f64>,
    /// On-demand dollars per hour for all the run's GPUs (default: the benchmark row).
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    /// Spot price as a fraction of on-demand, 0 to 1 (default 0.35).
    #[serde(default)]
    pub spot_price_factor: Option<f64>,
    /// Extra time for checkpoints and evaluation, as a fraction (default 0.15).
    #[serde(default)]
    pub overhead_fraction: Option<f64>,
}

/// Component 2: engineering time.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEngineering {
    /// Loaded cost of an engineering hour, in dollars (≥ 0).
    pub hourly_rate: f64,
    /// Hours per phase, any phase names: {data: 40, experiments: 20}. Omit it
    /// and the typical phases of a 7B LoRA project are used, with their ranges.
    #[serde(default)]
    pub hours: Option<IndexMap<String, f64>>,
    /// Maintenance and on-call hours a month while in service (default 0).
    #[serde(default)]
    pub maintenance_hours_per_month: Option<f64>,
    /// Engineering hours per retraining: data refresh and evaluation
    /// (default 0).
    #[serde(default)]
    pub hours_per_retrain: Option<f64>,
}

/// Who trains and serves the fine-tuned model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    SelfHosted,
    Managed,
    /// No fine-tuning: the task moves to another API model with a longer
    /// prompt (an option's kind).
    Api,
}

impl Kind {
    /// The name as written in plans.
    pub fn name(self) -> &'static str {
        match self {
            Kind::SelfHosted => "self_hosted",
            Kind::Managed => "managed",
            Kind::Api => "api",
        }
    }
}

/// The prompt of a `kind: api` candidate: a cheaper API model with a longer prompt.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrompt {
    /// Prompt tokens each request carries beyond today's (few-shot
    /// examples, instructions; ≥ 0, default 0).
    #[serde(default)]
    pub extra_tokens_per_request: Option<f64>,
    /// Share of the API model's responses reviewed, 0 to 1 (default:
    /// quality.review_rate_ft).
    #[serde(default)]
    pub review_rate: Option<f64>,
    /// Engineering hours to write and evaluate the prompt: the candidate's
    /// whole project (≥ 0, default 0).
    #[serde(default)]
    pub work_hours: Option<f64>,
    /// Share of the candidate's prompt tokens billed at the model's
    /// cached-input price (the few-shot examples resent with every
    /// request), 0 to 1 (default 0).
    #[serde(default)]
    pub cached_share: Option<f64>,
}

/// A managed fine-tuning service's prices, in dollars per million tokens.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawManaged {
    /// Dollars per million training tokens (dataset tokens × epochs, ≥ 0).
    #[serde(default)]
    pub training_per_1m_tokens: Option<f64>,
    /// Dollars per million prompt tokens sent to the fine-tuned model (≥ 0).
    #[serde(default)]
    pub inference_input_per_1m_tokens: Option<f64>,
    /// Dollars per million completion tokens from the fine-tuned model (≥ 0).
    #[serde(default)]
    pub inference_output_per_1m_tokens: Option<f64>,
    /// Tokens trained per run; default: compute.training's examples ×
    /// sequence length × epochs.
    #[serde(default)]
    pub training_tokens_per_run: Option<f64>,
}

/// Quiet hours with fewer serving instances (scale-down or scale-to-zero).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOffPeak {
    /// Hours a day in the quiet window (0 to 23).
    pub hours: f64,
    /// Instances kept in the quiet window (a whole number ≥ 0).
    pub instances: f64,
    /// Share of the day's traffic that falls in the quiet window, 0 to 1
    /// (default 0).
    #[serde(default)]
    pub traffic_share: Option<f64>,
}

/// Component 3: serving infrastructure.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServing {
    /// The instance type in the price catalogue, such as a10g; its price, GPU
    /// memory and measured throughput apply where the plan gives none.
    #[serde(default)]
    pub instance: Option<String>,
    /// Instances serving the model (a whole number ≥ 1).
    pub instances: f64,
    /// Dollars per hour for one instance (≥ 0); from the catalogue when omitted.
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    /// The precision the weights are served at: bf16 (default), int8 or int4.
    #[serde(default)]
    pub precision: Option<Precision>,
    /// GPUs one copy of the model is spread over (tensor parallel; default 1).
    #[serde(default)]
    pub gpus_per_replica: Option<f64>,
    /// KV cache and runtime memory as a fraction of the weights (default 0.1).
    #[serde(default)]
    pub kv_cache_headroom_fraction: Option<f64>,
    /// Tokens per second one instance serves (optional; enables the capacity check).
    #[serde(default)]
    pub throughput_tokens_per_second: Option<f64>,
    /// The price term the instances are rented on: on_demand (default),
    /// reserved_1y or reserved_3y (the catalogue offer's committed price).
    #[serde(default)]
    pub commitment: Option<Commitment>,
    /// Prompt tokens per second one instance reads at full load (prefill;
    /// optional; default 3.3 × the decode rate).
    #[serde(default)]
    pub prefill_tokens_per_second: Option<f64>,
    /// The share of a shared deployment's instances the plan pays for and
    /// whose capacity it gets, above 0 and at most 1 (default 1).
    #[serde(default)]
    pub share_of_instances: Option<f64>,
    /// How the instances are counted: auto (default) pays for the instances
    /// each month's traffic needs when that is more than `instances`; fixed
    /// keeps `instances` and calls a plan short of capacity not feasible.
    #[serde(default)]
    pub sizing: Option<Sizing>,
    /// Share of capacity the traffic should use, above 0 and at most 1 (default 0.2).
    #[serde(default)]
    pub target_utilization: Option<f64>,
    /// Quiet hours scaled down: {hours: 6, instances: 0,
    /// traffic_share: 0.1} (default: none).
    #[serde(default)]
    pub off_peak: Option<RawOffPeak>,
    /// Bytes a stored parameter takes (default 2, bf16).
    #[serde(default)]
    pub storage_bytes_per_parameter: Option<f64>,
    /// Dollars per GB-month of storage (default 0.023).
    #[serde(default)]
    pub storage_price_per_gb_month: Option<f64>,
}

/// Component 4: human review.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuality {
    /// Share of API responses reviewed, 0 to 1 (0.02 means 2%).
    pub review_rate_api: f64,
    /// Share of fine-tuned responses reviewed, 0 to 1.
    pub review_rate_ft: f64,
    /// Dollars per human review (≥ 0).
    pub cost_per_review: f64,
}

/// How the serving instances are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sizing {
    Auto,
    Fixed,
}

impl Sizing {
    /// The name as written in plans.
    pub fn name(self) -> &'static str {
        match self {
            Sizing::Auto => "auto",
            Sizing::Fixed => "fixed",
        }
    }
}

/// The price term serving instances are rented on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    /// Pay by the hour, no term.
    OnDemand,
    /// A one-year reservation or savings plan.
    #[serde(rename = "reserved_1y")]
    Reserved1y,
    /// A three-year reservation or savings plan.
    #[serde(rename = "reserved_3y")]
    Reserved3y,
}

impl Commitment {
    /// Every term, in the order plans list them.
    pub const ALL: [Commitment; 3] = [
        Commitment::OnDemand,
        Commitment::Reserved1y,
        Commitment::Reserved3y,
    ];

    /// The name as written in plans.
    pub fn name(self) -> &'static str {
        match self {
            Commitment::OnDemand => "on_demand",
            Commitment::Reserved1y => "reserved_1y",
            Commitment::Reserved3y => "reserved_3y",
        }
    }

    /// The term in words (`a 1-year reservation`).
    pub fn words(self) -> &'static str {
        match self {
            Commitment::OnDemand => "on demand",
            Commitment::Reserved1y => "reserved for 1 year",
            Commitment::Reserved3y => "reserved for 3 years",
        }
    }
}

/// A three-level rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    High,
    Medium,
    Low,
}

impl Level {
    /// The name as written in plans.
    pub fn name(self) -> &'static str {
        match self {
            Level::High => "high",
            Level::Medium => "medium",
            Level::Low => "low",
        }
    }
}

/// The factors of the decision score.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDecision {
    /// How uniform the task is: high, medium or low (default medium).
    #[serde(default)]
    pub task_consistency: Option<Level>,
    /// The response-time target, in milliseconds (> 0).
    #[serde(default)]
    pub latency_requirement_ms: Option<f64>,
    /// How demanding the quality bar is: high, medium or low (default medium).
    #[serde(default)]
    pub quality_requirement: Option<Level>,
    /// Whether the team can run fine-tuning itself (default true).
    #[serde(default)]
    pub team_ml_expertise: Option<bool>,
    /// Whether the task still changes often (default false).
    #[serde(default)]
    pub iteration_speed_priority: Option<bool>,
    /// Lifetime net savings below this share of the lifetime API bill make
    /// a verdict marginal, 0 to 1 (default 0.1).
    #[serde(default)]
    pub marginal_savings_share: Option<f64>,
    /// A chance of paying back within the lifetime below this makes a ranged
    /// plan's verdict marginal, 0 to 1 (default 0.8).
    #[serde(default)]
    pub marginal_odds: Option<f64>,
    /// A ranged plan's candidate is recommended only where its chance of
    /// paying back within the lifetime is at least this, 0 to 1 (default 0.5).
    #[serde(default)]
    pub required_odds: Option<f64>,
}

/// Hard requirements every candidate must meet.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequirements {
    /// The data may not leave the company: rules out the API and managed
    /// offers run by a third party (default false).
    #[serde(default)]
    pub data_must_stay_in_house: Option<bool>,
    /// The longest acceptable time to the first token, in milliseconds (> 0).
    #[serde(default)]
    pub latency_limit_ms: Option<f64>,
    /// The API's time to the first token as measured, in milliseconds (> 0;
    /// without it the API's latency is unknown).
    #[serde(default)]
    pub api_latency_ms: Option<f64>,
}

/// The JSON Schema of the plan format, generated from [`RawPlan`] (draft-07,
/// which YAML language servers understand).
pub fn json_schema() -> Json {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<RawPlan>().to_value();
    ranges::allow_ranges(&mut schema);
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_every_section() {
        let schema = json_schema();
        let props = schema["properties"].as_object().unwrap();
        for section in [
            "plan",
            "as_of",
            "baseline",
            "fine_tuned",
            "compute",
            "engineering",
            "serving",
            "quality",
            "decision",
        ] {
            assert!(props.contains_key(section), "{section}");
        }
        assert_eq!(schema["additionalProperties"], Json::Bool(false));
    }
}
