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

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use sha2::{Digest, Sha256};
use yaml_rust2::parser::{Event, Parser};

/// Plans larger than this are refused before parsing.
pub const MAX_PLAN_BYTES: usize = 1024 * 1024;
/// Deeper nesting than this is refused before parsing.
pub const MAX_DEPTH: usize = 32;
/// The most YAML nodes a plan may expand to, aliases included.
pub const MAX_NODES: usize = 100_000;
/// Keys longer than this (in bytes) are refused: keys are field or phase names.
pub const MAX_KEY_BYTES: usize = 200;
/// At most this many problems are listed for one plan; the rest are counted.
pub const MAX_PROBLEMS: usize = 50;
/// Field positions are recorded until their paths take this many bytes.
const MAX_LOCATOR_BYTES: usize = 4 * 1024 * 1024;

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
}

/// Fine-tuning methods the seed's benchmarks know.
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
    /// Share of capacity the traffic should use, above 0 and at most 1 (default 0.2).
    #[serde(default)]
    pub target_utilization: Option<f64>,
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
}

/// The JSON Schema of the plan format, generated from [`RawPlan`] (draft-07,
/// which YAML language servers understand).
pub fn json_schema() -> Json {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<RawPlan>().to_value();
    allow_ranges(&mut schema);
    schema
}

/// A number written as a range: `[low, high]` or `{low, base, high}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeSpec {
    pub low: f64,
    /// The value deterministic results use; the midpoint when not written.
    pub base: f64,
    pub high: f64,
}

/// Lets every number in the schema also be written as a range.
fn allow_ranges(schema: &mut Json) {
    let is_number = |node: &Json| match node.get("type") {
        Some(Json::String(t)) => t == "number" || t == "integer",
        Some(Json::Array(ts)) => ts.iter().any(|t| t == "number" || t == "integer"),
        _ => false,
    };
    match schema {
        Json::Object(map) => {
            if is_number(&Json::Object(map.clone())) {
                let plain = Json::Object(std::mem::take(map));
                let description = plain.get("description").cloned();
                let mut wrapped = serde_json::json!({
                    "anyOf": [
                        plain,
                        {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
                         "description": "a range: [low, high]"},
                        {"type": "object", "additionalProperties": false, "required": ["low", "high"],
                         "description": "a range: {low, base, high}; base defaults to the midpoint",
                         "properties": {"low": {"type": "number"}, "base": {"type": "number"}, "high": {"type": "number"}}}
                    ]
                });
                if let Some(d) = description {
                    wrapped["description"] = d;
                }
                *schema = wrapped;
                return;
            }
            for v in map.values_mut() {
                allow_ranges(v);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(allow_ranges),
        _ => {}
    }
}

/// True for the schema branches that let a number be written as a range
/// (they are not named when a message says what a field expects).
fn is_range_branch(schema: &Json) -> bool {
    schema
        .get("description")
        .and_then(Json::as_str)
        .is_some_and(|d| d.starts_with("a range"))
}

/// A YAML node as a range, if it is written as one.
fn as_range(node: &Yaml) -> Option<RangeSpec> {
    let num = |v: &Yaml| untag(v).as_f64();
    match untag(node) {
        Yaml::Sequence(items) if items.len() == 2 => {
            let (low, high) = (num(&items[0])?, num(&items[1])?);
            Some(RangeSpec {
                low,
                base: (low + high) / 2.0,
                high,
            })
        }
        Yaml::Mapping(map) => {
            let get = |k: &str| map.get(Yaml::String(k.to_string()));
            if map.len() > 3 || map.keys().any(|k| !matches!(untag(k), Yaml::String(s) if ["low", "base", "high"].contains(&s.as_str()))) {
                return None;
            }
            let (low, high) = (num(get("low")?)?, num(get("high")?)?);
            let base = match get("base") {
                Some(b) => num(b)?,
                None => (low + high) / 2.0,
            };
            Some(RangeSpec { low, base, high })
        }
        _ => None,
    }
}

/// Replaces every number written as a range with its base value; returns the
/// ranges by field path.
fn extract_ranges(node: &mut Yaml, path: &str, out: &mut IndexMap<String, RangeSpec>) {
    match node {
        Yaml::Mapping(map) => {
            for (k, v) in map.iter_mut() {
                let Some(key) = key_text(k) else { continue };
                let child = join(path, &key);
                match as_range(v) {
                    Some(range) if !path.is_empty() || !key.is_empty() => {
                        *v = Yaml::Number(serde_yaml::Number::from(range.base));
                        out.insert(child, range);
                    }
                    _ => extract_ranges(v, &child, out),
                }
            }
        }
        Yaml::Sequence(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                extract_ranges(v, &format!("{path}[{i}]"), out);
            }
        }
        Yaml::Tagged(t) => extract_ranges(&mut t.value, path, out),
        _ => {}
    }
}

/// One problem found in a plan, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path, such as `baseline.requests_per_day` (empty if unknown).
    pub field: String,
    pub message: String,
}

impl Diagnostic {
    fn new(file: &str, pos: Option<(usize, usize)>, field: &str, message: String) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            field: field.to_string(),
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", inert(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", inert(&self.message))
        } else {
            write!(f, ": {}: {}", inert(&self.field), inert(&self.message))
        }
    }
}

/// Text from a plan made safe for a terminal: control characters and
/// bidirectional overrides are shown as escapes instead of acting.
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    let risky =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(risky) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if risky(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Sorts problems by place and keeps the first [`MAX_PROBLEMS`], saying in
/// a last line that there are more.
pub fn limit_problems(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems.sort_by_key(|d| (d.line.unwrap_or(usize::MAX), d.column.unwrap_or(0)));
    problems.dedup();
    if problems.len() > MAX_PROBLEMS {
        let file = problems[0].file.clone();
        problems.truncate(MAX_PROBLEMS);
        problems.push(Diagnostic {
            file,
            line: None,
            column: None,
            field: String::new(),
            message: format!(
                "more problems follow; only the first {MAX_PROBLEMS} are listed, so fix these and check again"
            ),
        });
    }
    problems
}

/// Where each field of the plan stands in the file.
#[derive(Debug, Default, Clone)]
pub struct Locator {
    /// Field path → where its key is written.
    keys: HashMap<String, (usize, usize)>,
    /// Field path → where its value starts (scalars, and items of lists).
    values: HashMap<String, (usize, usize)>,
    /// Bytes of path text recorded, bounded by `MAX_LOCATOR_BYTES`.
    bytes: usize,
}

impl Locator {
    /// The position of a field's value, else of its key, else of the key of
    /// its nearest written parent, else of the document.
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        if let Some(pos) = self.values.get(path).or_else(|| self.keys.get(path)) {
            return Some(*pos);
        }
        let mut p = path;
        while let Some(i) = p.rfind(['.', '[']) {
            p = &p[..i];
            if let Some(pos) = self.keys.get(p).or_else(|| self.values.get(p)) {
                return Some(*pos);
            }
        }
        self.values.get("").copied()
    }

    /// The position of a field's key (its value's, for list items).
    pub fn find_key(&self, path: &str) -> Option<(usize, usize)> {
        self.keys.get(path).copied().or_else(|| self.find(path))
    }

    fn record(&mut self, key: bool, path: &str, pos: (usize, usize)) {
        if self.bytes + path.len() > MAX_LOCATOR_BYTES {
            return;
        }
        let map = if key {
            &mut self.keys
        } else {
            &mut self.values
        };
        if !map.contains_key(path) {
            self.bytes += path.len();
            map.insert(path.to_string(), pos);
        }
    }
}

/// A plan file read and parsed, with what is needed to locate its fields.
#[derive(Debug, Clone)]
pub struct LoadedPlan {
    pub path: PathBuf,
    /// The file name as shown in messages.
    pub display_name: String,
    pub raw: RawPlan,
    pub locator: Locator,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The plan's text (BOM removed).
    pub text: String,
}

/// Reads and parses a plan file. Every error names the file; structural
/// errors carry a line and column. At most [`MAX_PLAN_BYTES`] + 1 bytes are
/// ever read, whatever the file is (a device or a pipe included).
pub fn load(path: &Path) -> Result<LoadedPlan, Vec<Diagnostic>> {
    let display_name = path.display().to_string();
    let fail = |message: String| vec![Diagnostic::new(&display_name, None, "", message)];
    let too_big = |size: String| {
        fail(format!(
            "the plan is {size}; plans larger than {MAX_PLAN_BYTES} bytes (1 MiB) are refused"
        ))
    };
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read the plan: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| fail(format!("cannot read the plan: {e}")))?;
    if meta.is_dir() {
        return Err(fail("this is a folder, not a plan file".to_string()));
    }
    if meta.len() > MAX_PLAN_BYTES as u64 {
        return Err(too_big(format!("{} bytes", meta.len())));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PLAN_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read the plan: {e}")))?;
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(too_big(format!("more than {MAX_PLAN_BYTES} bytes")));
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    let (raw, locator) = parse(&bytes, &display_name)?;
    // parse() accepted the bytes, so they are UTF-8.
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    Ok(LoadedPlan {
        text,
        path: path.to_path_buf(),
        display_name,
        raw,
        locator,
        sha256,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses plan text (the bytes of a file) into the raw plan and its locator.
/// Never panics, whatever the bytes; time and memory grow with the size of
/// the input, which is bounded by [`MAX_PLAN_BYTES`].
pub fn parse(bytes: &[u8], file: &str) -> Result<(RawPlan, Locator), Vec<Diagnostic>> {
    let one = |pos: Option<(usize, usize)>, field: &str, message: String| {
        vec![Diagnostic::new(file, pos, field, message)]
    };
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(one(
            None,
            "",
            format!(
                "the plan is {} bytes; plans larger than {MAX_PLAN_BYTES} bytes (1 MiB) are refused",
                bytes.len()
            ),
        ));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(one(
            Some((1, 1)),
            "",
            "the plan is saved as UTF-16; save it as UTF-8".to_string(),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            return Err(one(
                Some((line, column)),
                "",
                format!(
                    "expected text encoded as UTF-8, found the byte 0x{:02x} (offset {}), which is not UTF-8; save the plan as UTF-8",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(problem) = control_character(text) {
        return Err(one(
            Some((problem.line, problem.column)),
            "",
            problem.message,
        ));
    }
    let scan = prescan(text).map_err(|p| one(Some((p.line, p.column)), &p.field, p.message))?;
    if !scan.duplicates.is_empty() {
        let problems = scan
            .duplicates
            .iter()
            .map(|p| Diagnostic::new(file, Some((p.line, p.column)), &p.field, p.message.clone()))
            .collect();
        return Err(limit_problems(problems));
    }
    let mut tree = match serde_yaml::from_str::<Yaml>(text) {
        Ok(tree) => tree,
        Err(e) => return Err(explain_failure(text, &e, &scan.locator, file)),
    };
    let mut ranges = IndexMap::new();
    extract_ranges(&mut tree, "", &mut ranges);
    if ranges.is_empty() {
        return match serde_yaml::from_str::<RawPlan>(text) {
            Ok(raw) => Ok((raw, scan.locator)),
            Err(e) => Err(explain_failure(text, &e, &scan.locator, file)),
        };
    }
    // With ranges, the written tree is checked as a whole first: deserializing
    // the rewritten tree would accept what the text deserializer refuses.
    if let Ok(written) = serde_yaml::from_str::<Yaml>(text) {
        let problems = check_tree(&written, &scan.locator, file);
        if !problems.is_empty() {
            return Err(limit_problems(problems));
        }
    }
    match serde_yaml::from_value::<RawPlan>(tree) {
        Ok(mut raw) => {
            raw.ranges = ranges;
            Ok((raw, scan.locator))
        }
        Err(e) => Err(explain_failure(text, &e, &scan.locator, file)),
    }
}

/// Every problem serde_yaml's refusal stands for: the YAML tree checked
/// against the plan's schema, or serde_yaml's own message in plain words.
fn explain_failure(
    text: &str,
    e: &serde_yaml::Error,
    locator: &Locator,
    file: &str,
) -> Vec<Diagnostic> {
    if let Ok(tree) = serde_yaml::from_str::<Yaml>(text) {
        let problems = check_tree(&tree, locator, file);
        if !problems.is_empty() {
            return limit_problems(problems);
        }
    }
    let (field, message) = split_serde_message(&e.to_string());
    let pos = match e.location() {
        Some(l) => Some((l.line(), l.column())),
        None => locator.find(&field),
    };
    vec![Diagnostic::new(file, pos, &field, message)]
}

/// serde_yaml says "baseline: missing field `x` at line 3 column 3"; split off
/// the field path and the position (which is reported separately), and put
/// the rest in plain words.
fn split_serde_message(msg: &str) -> (String, String) {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    match msg.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && path.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']'
                }) =>
        {
            (path.to_string(), plain_words(rest))
        }
        _ => (String::new(), plain_words(msg)),
    }
}

/// The names between backticks in a serde message.
fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// Rewrites serde's wording ("invalid type: string \"x\", expected f64") in
/// the words of a plan's author ("expected a number, found the text \"x\"").
fn plain_words(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = backticked(rest);
        if let Some((name, allowed)) = names.split_first() {
            return unknown_field(name, did_you_mean(name, allowed), allowed);
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        if let Some((name, allowed)) = names.split_first() {
            return not_a_choice(&format!("`{name}`"), name, allowed);
        }
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return format!("{} is given twice; keep one", rest.trim());
    }
    if message.starts_with("missing field ") {
        return format!("{message}, which is required");
    }
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    {
        if let Some((found, expected)) = rest.rsplit_once(", expected ") {
            let expected = match expected {
                "f64" | "f32" | "i64" | "u64" | "i32" | "u32" | "usize" => "a number",
                "a string" | "a borrowed string" | "string" => "text",
                "a boolean" => "true or false",
                e if e.starts_with("struct ") || e == "a map" => "a mapping of fields",
                e => e,
            };
            let (found, hint) = if let Some(s) = found.strip_prefix("string ") {
                let text = s.trim_matches('"');
                (
                    format!("the text {s}"),
                    match expected {
                        "a number" => number_hint(text),
                        "true or false" => boolean_hint(text),
                        _ => String::new(),
                    },
                )
            } else if let Some(n) = found.strip_prefix("integer ") {
                let hint = if expected == "a number" {
                    " (write numbers in decimal: hexadecimal, octal and binary numbers are not accepted)"
                } else {
                    ""
                };
                (
                    format!("the integer {}", n.trim_matches('`')),
                    hint.to_string(),
                )
            } else if let Some(n) = found.strip_prefix("floating point ") {
                (format!("the number {}", n.trim_matches('`')), String::new())
            } else if let Some(b) = found.strip_prefix("boolean ") {
                (b.trim_matches('`').to_string(), String::new())
            } else {
                let found = match found {
                    "unit value" | "unit" => "nothing (an empty value)",
                    "sequence" => "a list",
                    "map" => "a mapping (fields)",
                    f => f,
                };
                (found.to_string(), String::new())
            };
            return format!("expected {expected}, found {found}{hint}");
        }
    }
    if message.contains("recursion limit exceeded") {
        return format!("the plan nests deeper than {MAX_DEPTH} levels; refused");
    }
    message.to_string()
}

/// Edit distance with adjacent transpositions (optimal string alignment),
/// ignoring case. Three rows of memory.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            row[j] = best;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[b.len()]
}

/// The allowed name closest to `name`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    if name.chars().count() > 64 {
        return None;
    }
    allowed
        .iter()
        .map(|a| (edit_distance(name, a), *a))
        .filter(|(d, a)| *d <= 2 || *d * 3 <= a.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

fn unknown_field(name: &str, best: Option<&str>, allowed: &[&str]) -> String {
    let shown = shorten(name);
    if name == "<<" {
        return "unknown field `<<`: YAML merge keys are not supported; write the fields out"
            .to_string();
    }
    match best {
        Some(best) => format!("unknown field `{shown}`; did you mean `{best}`?"),
        None if allowed.is_empty() => {
            format!("unknown field `{shown}`; no fields are allowed here")
        }
        None => format!(
            "unknown field `{shown}`; the fields allowed here are {}",
            allowed.join(", ")
        ),
    }
}

fn not_a_choice(found: &str, name: &str, allowed: &[&str]) -> String {
    let mut msg = format!("expected one of {}, found {found}", allowed.join(", "));
    if let Some(best) = did_you_mean(name, allowed) {
        msg.push_str(&format!("; did you mean `{best}`?"));
    }
    msg
}

/// At most 60 characters of plan text, for messages.
fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Why text that was meant as a number is not one.
fn number_hint(s: &str) -> String {
    let t = s.trim();
    if let Ok(x) = t.parse::<f64>() {
        return if x.is_finite() {
            " (a quoted number is text: remove the quotes)".to_string()
        } else {
            " (too large to be a number: it is not finite)".to_string()
        };
    }
    if t.ends_with('%') {
        return " (write a fraction: 5% is 0.05)".to_string();
    }
    if t.starts_with(['$', '€', '£']) {
        return " (write the amount without a currency sign)".to_string();
    }
    let digits_only: String = t
        .chars()
        .filter(|c| !matches!(c, '_' | ',' | ' '))
        .collect();
    if digits_only != t && digits_only.parse::<f64>().is_ok() {
        return " (write numbers without separators: 1000000, not 1,000,000)".to_string();
    }
    String::new()
}

/// Why text that was meant as true or false is not one.
fn boolean_hint(s: &str) -> String {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "no" | "on" | "off" | "y" | "n" => {
            " (in YAML 1.2 `yes`, `no`, `on` and `off` are text, not booleans: write true or false)"
                .to_string()
        }
        _ => " (write true or false)".to_string(),
    }
}

/// The YAML tree checked against the plan's JSON Schema: every unknown key,
/// missing field, wrong type and value outside its set, in file order.
fn check_tree(tree: &Yaml, locator: &Locator, file: &str) -> Vec<Diagnostic> {
    static SCHEMA: std::sync::OnceLock<Json> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(json_schema);
    if untag(tree).is_null() {
        return vec![Diagnostic::new(
            file,
            Some((1, 1)),
            "",
            "the plan is empty: expected a mapping of fields such as `plan:` and `baseline:` (`finetune-roi init` writes a starter plan)".to_string(),
        )];
    }
    let mut checker = Checker {
        root: schema,
        locator,
        file,
        problems: Vec::new(),
    };
    checker.node(tree, schema, "");
    checker.problems
}

/// A YAML value without its tags (serde_yaml ignores tags when it deserializes).
fn untag(v: &Yaml) -> &Yaml {
    let mut v = v;
    while let Yaml::Tagged(t) = v {
        v = &t.value;
    }
    v
}

/// What a YAML value is, in words.
fn found(v: &Yaml) -> String {
    match untag(v) {
        Yaml::Null => "nothing (an empty value)".to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => format!("the number {n}"),
        Yaml::String(s) => format!("the text {:?}", shorten(s)),
        Yaml::Sequence(_) => "a list".to_string(),
        Yaml::Mapping(_) => "a mapping (fields)".to_string(),
        Yaml::Tagged(_) => "a tagged value".to_string(),
    }
}

/// A mapping key as text, as serde reads it into a field name.
fn key_text(k: &Yaml) -> Option<String> {
    match untag(k) {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Null => Some("~".to_string()),
        _ => None,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

static ANYTHING: Json = Json::Bool(true);

/// Walks a YAML tree beside the subset of JSON Schema that schemars emits for
/// the plan types: `$ref`, `allOf` of one, `anyOf`, `type`, `enum`, `properties`, `required`
/// and `additionalProperties`. It is never stricter than serde_yaml: text
/// fields accept any scalar, tags are ignored.
struct Checker<'a> {
    root: &'a Json,
    locator: &'a Locator,
    file: &'a str,
    problems: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn push(&mut self, pos: Option<(usize, usize)>, path: &str, message: String) {
        self.problems
            .push(Diagnostic::new(self.file, pos, path, message));
    }

    fn resolve(&self, mut schema: &'a Json) -> &'a Json {
        for _ in 0..16 {
            if let Some(r) = schema.get("$ref").and_then(Json::as_str) {
                schema = r
                    .strip_prefix('#')
                    .and_then(|p| self.root.pointer(p))
                    .unwrap_or(&ANYTHING);
            } else if let Some([only]) = schema
                .get("allOf")
                .and_then(Json::as_array)
                .map(Vec::as_slice)
            {
                // draft-07 wraps a `$ref` that has a description in `allOf`.
                schema = only;
            } else {
                break;
            }
        }
        schema
    }

    fn types(schema: &Json) -> Vec<&str> {
        match schema.get("type") {
            Some(Json::String(t)) => vec![t.as_str()],
            Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        }
    }

    fn only_null(&self, schema: &'a Json) -> bool {
        Self::types(self.resolve(schema)) == ["null"]
    }

    /// What a schema asks for, in words.
    fn expected(&self, schema: &'a Json) -> String {
        let schema = self.resolve(schema);
        if let Some(branches) = schema.get("anyOf").and_then(Json::as_array) {
            let words: Vec<String> = branches
                .iter()
                .filter(|b| !self.only_null(b) && !is_range_branch(b))
                .map(|b| self.expected(b))
                .collect();
            return words.join(" or ");
        }
        if let Some(choices) = schema.get("enum").and_then(Json::as_array) {
            let names: Vec<&str> = choices.iter().filter_map(Json::as_str).collect();
            return format!("one of {}", names.join(", "));
        }
        let types = Self::types(schema);
        if types.contains(&"object") {
            match schema.get("additionalProperties") {
                Some(extra @ Json::Object(_)) => {
                    format!(
                        "a mapping of names to {}s",
                        self.expected(extra).trim_start_matches("a ")
                    )
                }
                _ => "a mapping of fields".to_string(),
            }
        } else if types.contains(&"number") || types.contains(&"integer") {
            "a number".to_string()
        } else if types.contains(&"boolean") {
            "true or false".to_string()
        } else if types.contains(&"string") {
            "text".to_string()
        } else {
            "a value".to_string()
        }
    }

    fn node(&mut self, value: &Yaml, schema: &'a Json, path: &str) {
        if self.problems.len() > MAX_PROBLEMS {
            return;
        }
        let schema = self.resolve(schema);
        let value = untag(value);
        if let Some(branches) = schema.get("anyOf").and_then(Json::as_array) {
            if value.is_null() && branches.iter().any(|b| self.only_null(b)) {
                return;
            }
            let candidates: Vec<&'a Json> =
                branches.iter().filter(|b| !self.only_null(b)).collect();
            if candidates.len() > 1 {
                for b in &candidates {
                    let mut trial = Checker {
                        root: self.root,
                        locator: self.locator,
                        file: self.file,
                        problems: Vec::new(),
                    };
                    trial.node(value, b, path);
                    if trial.problems.is_empty() {
                        return;
                    }
                }
            }
            if let Some(first) = candidates.first() {
                self.node(value, first, path);
            }
            return;
        }
        let types = Self::types(schema);
        if value.is_null() && types.contains(&"null") {
            return;
        }
        let pos = self.locator.find(path);
        if let Some(choices) = schema.get("enum").and_then(Json::as_array) {
            let names: Vec<&str> = choices.iter().filter_map(Json::as_str).collect();
            let ok = matches!(value, Yaml::String(s) if names.contains(&s.as_str()));
            if !ok {
                let written = match value {
                    Yaml::String(s) => s.clone(),
                    _ => String::new(),
                };
                self.push(pos, path, not_a_choice(&found(value), &written, &names));
            }
            return;
        }
        let mismatch = |this: &mut Self, hint: String| {
            let expected = this.expected(schema);
            this.push(
                pos,
                path,
                format!("expected {expected}, found {}{hint}", found(value)),
            );
        };
        if types.contains(&"object") {
            let Yaml::Mapping(map) = value else {
                return mismatch(self, String::new());
            };
            self.mapping(map, schema, path);
        } else if types.contains(&"number") || types.contains(&"integer") {
            match value {
                Yaml::Number(_) => {}
                Yaml::String(s) => mismatch(self, number_hint(s)),
                _ => mismatch(self, String::new()),
            }
        } else if types.contains(&"boolean") {
            match value {
                Yaml::Bool(_) => {}
                Yaml::String(s) => mismatch(self, boolean_hint(s)),
                _ => mismatch(self, String::new()),
            }
        } else if types.contains(&"array") {
            if !matches!(value, Yaml::Sequence(_)) {
                mismatch(self, String::new());
            }
        } else if types.contains(&"string") && matches!(value, Yaml::Sequence(_) | Yaml::Mapping(_))
        {
            mismatch(self, String::new());
        }
    }

    fn mapping(&mut self, map: &serde_yaml::Mapping, schema: &'a Json, path: &str) {
        let props = schema.get("properties").and_then(Json::as_object);
        let allowed: Vec<&str> =
            props.map_or(Vec::new(), |p| p.keys().map(String::as_str).collect());
        let extra = schema.get("additionalProperties");
        let mut present: HashSet<String> = HashSet::new();
        // Names suggested for unknown keys: not reported missing a second time.
        let mut suggested: HashSet<&str> = HashSet::new();
        for (k, v) in map {
            if self.problems.len() > MAX_PROBLEMS {
                // Enough to list; `limit_problems` says there are more.
                return;
            }
            let Some(key) = key_text(k) else {
                let pos = self.locator.find(path);
                self.push(
                    pos,
                    path,
                    format!("expected field names as keys, found {} as a key", found(k)),
                );
                continue;
            };
            let child = join(path, &key);
            if let Some(s) = props.and_then(|p| p.get(&key)) {
                present.insert(key);
                self.node(v, s, &child);
                continue;
            }
            match extra {
                Some(Json::Bool(false)) => {
                    let best = did_you_mean(&key, &allowed);
                    suggested.extend(best);
                    let pos = self.locator.find_key(&child);
                    self.push(pos, &child, unknown_field(&key, best, &allowed));
                }
                Some(s @ Json::Object(_)) => self.node(v, s, &child),
                _ => {}
            }
        }
        let required = schema.get("required").and_then(Json::as_array);
        for name in required.into_iter().flatten().filter_map(Json::as_str) {
            if !present.contains(name) && !suggested.contains(name) {
                let child = join(path, name);
                let expected = props
                    .and_then(|p| p.get(name))
                    .map_or_else(|| "a value".to_string(), |s| self.expected(s));
                let pos = self.locator.find(&child);
                self.push(
                    pos,
                    &child,
                    format!("missing field `{name}`, which is required: expected {expected}"),
                );
            }
        }
    }
}

/// A problem found before deserializing, with its place.
#[derive(Debug)]
struct ScanProblem {
    line: usize,
    column: usize,
    field: String,
    message: String,
}

/// What the event walk learns about a plan.
#[derive(Debug, Default)]
struct Scan {
    locator: Locator,
    /// Keys given twice in one mapping.
    duplicates: Vec<ScanProblem>,
}

/// The first character YAML does not allow in a file: C0 and C1 controls
/// other than tab, line feed, carriage return and next line, and DEL.
fn control_character(text: &str) -> Option<ScanProblem> {
    let (mut line, mut column) = (1, 1);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 1;
            continue;
        }
        if c.is_control() && !matches!(c, '\t' | '\r' | '\u{85}') {
            return Some(ScanProblem {
                line,
                column,
                field: String::new(),
                message: format!(
                    "expected printable text, found the control character U+{:04X}; remove it",
                    c as u32
                ),
            });
        }
        column += 1;
    }
    None
}

/// A hint for YAML syntax errors that trip people up.
fn syntax_hint(info: &str) -> &'static str {
    if info.contains("tab") {
        " (YAML indents with spaces, not tabs: replace the tab with spaces)"
    } else if info.contains("mapping values are not allowed") {
        " (a value contains `: `; quote it, or check the indentation)"
    } else if info.contains("quoted scalar") {
        " (check that every quote is closed)"
    } else if info.contains("did not find expected") || info.contains("while parsing") {
        " (check the indentation and that brackets and quotes are closed)"
    } else {
        ""
    }
}

/// Walks the YAML event stream once before deserializing: refuses documents
/// that nest too deeply, expand (through aliases) to too many nodes or carry
/// over-long keys; records where each field path stands and which keys are
/// given twice.
fn prescan(text: &str) -> Result<Scan, ScanProblem> {
    enum Frame {
        Map {
            key: Option<String>,
            path: String,
            /// Keys seen in this mapping, with the line each was written on.
            seen: HashMap<String, usize>,
        },
        Seq {
            index: usize,
            path: String,
        },
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut scan = Scan::default();
    // Node counts per anchor, and the count of nodes in each open collection.
    let mut anchor_sizes: HashMap<usize, usize> = HashMap::new();
    let mut open_sizes: Vec<(usize, usize)> = Vec::new(); // (anchor id, nodes so far)
    let mut total_nodes: usize = 0;

    // The path a new node at the current position takes, and whether it is a key.
    fn node_path(stack: &[Frame]) -> (String, bool) {
        match stack.last() {
            None => (String::new(), false),
            Some(Frame::Map {
                key: None, path, ..
            }) => (path.clone(), true),
            Some(Frame::Map {
                key: Some(k), path, ..
            }) => (join(path, k), false),
            Some(Frame::Seq { index, path }) => (format!("{path}[{index}]"), false),
        }
    }
    // After a value is complete: advance the parent.
    fn value_done(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }
    let problem = |line: usize, column: usize, field: String, message: String| ScanProblem {
        line,
        column,
        field,
        message,
    };

    loop {
        let (event, mark) = match parser.next_token() {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                let message = if e.info().contains("recursion limit") {
                    format!("the plan nests deeper than {MAX_DEPTH} levels; refused")
                } else {
                    format!("not valid YAML: {}{}", e.info(), syntax_hint(e.info()))
                };
                let field = node_path(&stack).0;
                return Err(problem(m.line(), m.col() + 1, field, message));
            }
        };
        let (line, col) = (mark.line(), mark.col() + 1);
        let add_nodes = |n: usize, total: &mut usize, open: &mut Vec<(usize, usize)>| {
            *total = total.saturating_add(n);
            for (_, size) in open.iter_mut() {
                *size = size.saturating_add(n);
            }
            if *total > MAX_NODES {
                Err(problem(
                    line,
                    col,
                    String::new(),
                    format!(
                        "the plan expands to more than {MAX_NODES} YAML nodes (through aliases); refused"
                    ),
                ))
            } else {
                Ok(())
            }
        };
        match event {
            Event::StreamEnd => break,
            Event::Scalar(value, _, anchor, _) => {
                add_nodes(1, &mut total_nodes, &mut open_sizes)?;
                if anchor > 0 {
                    anchor_sizes.insert(anchor, 1);
                }
                let (path, is_key) = node_path(&stack);
                if is_key {
                    if value.len() > MAX_KEY_BYTES {
                        return Err(problem(
                            line,
                            col,
                            path,
                            format!(
                                "expected a field name, found a key of {} bytes; keys are at most {MAX_KEY_BYTES} bytes",
                                value.len()
                            ),
                        ));
                    }
                    let full = join(&path, &value);
                    if let Some(Frame::Map { key, seen, .. }) = stack.last_mut() {
                        if let Some(first) = seen.get(&value) {
                            scan.duplicates.push(problem(
                                line,
                                col,
                                full.clone(),
                                format!(
                                    "`{}` is given twice in one mapping (first on line {first}); keep one",
                                    shorten(&value)
                                ),
                            ));
                        } else {
                            seen.insert(value.clone(), line);
                        }
                        *key = Some(value);
                    }
                    scan.locator.record(true, &full, (line, col));
                } else {
                    scan.locator.record(false, &path, (line, col));
                    value_done(&mut stack);
                }
            }
            Event::Alias(anchor) => {
                let size = anchor_sizes.get(&anchor).copied().unwrap_or(1);
                add_nodes(size, &mut total_nodes, &mut open_sizes)?;
                let (path, is_key) = node_path(&stack);
                if is_key {
                    // An alias as a key: keep the shape; the deserializer reports it.
                    if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                        *key = Some("*alias".to_string());
                    }
                } else {
                    scan.locator.record(false, &path, (line, col));
                    value_done(&mut stack);
                }
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                add_nodes(1, &mut total_nodes, &mut open_sizes)?;
                let (path, is_key) = node_path(&stack);
                if stack.len() >= MAX_DEPTH {
                    return Err(problem(
                        line,
                        col,
                        path,
                        format!("the plan nests deeper than {MAX_DEPTH} levels; refused"),
                    ));
                }
                if is_key {
                    return Err(problem(
                        line,
                        col,
                        path,
                        "expected a field name as the key, found a mapping or list".to_string(),
                    ));
                }
                // A collection's own place is its key's, unless it has none;
                // the document's is its start.
                match stack.last() {
                    Some(Frame::Map { .. }) => {}
                    Some(Frame::Seq { .. }) => scan.locator.record(false, &path, (line, col)),
                    None => scan.locator.record(false, &path, (1, 1)),
                }
                open_sizes.push((anchor, 1));
                if matches!(event, Event::MappingStart(..)) {
                    stack.push(Frame::Map {
                        key: None,
                        path,
                        seen: HashMap::new(),
                    });
                } else {
                    stack.push(Frame::Seq { index: 0, path });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if let Some((anchor, size)) = open_sizes.pop() {
                    if anchor > 0 {
                        anchor_sizes.insert(anchor, size);
                    }
                }
                value_done(&mut stack);
            }
            Event::DocumentStart => {
                if total_nodes > 0 {
                    return Err(problem(
                        line,
                        col,
                        String::new(),
                        "expected one YAML document, found a second (`---`); a plan file holds one"
                            .to_string(),
                    ));
                }
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_finds_values_keys_and_parents() {
        let text = "plan: x\nbaseline:\n  requests_per_day: 5\n  list: [1, 2]\n";
        let loc = prescan(text).unwrap().locator;
        assert_eq!(loc.find("baseline.requests_per_day"), Some((3, 21)));
        assert_eq!(loc.find_key("baseline.requests_per_day"), Some((3, 3)));
        assert_eq!(loc.find("baseline"), Some((2, 1)));
        assert_eq!(loc.find("baseline.missing"), Some((2, 1)));
        assert_eq!(loc.find("baseline.list[1]"), Some((4, 13)));
        assert_eq!(loc.find("missing"), Some((1, 1)));
    }

    #[test]
    fn refuses_quadratic_alias_expansion() {
        let mut text = String::from("a: &a [");
        text.push_str(&vec!["x"; 5000].join(","));
        text.push_str("]\nb: [");
        text.push_str(&vec!["*a"; 5000].join(","));
        text.push_str("]\n");
        let err = prescan(&text).unwrap_err();
        assert!(
            err.message.contains("expands to more than"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_deep_nesting() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = prescan(&text).unwrap_err();
        assert!(err.message.contains("nests deeper"), "{}", err.message);
    }

    #[test]
    fn refuses_long_keys() {
        let text = format!("{}: 1\n", "k".repeat(MAX_KEY_BYTES + 1));
        let err = prescan(&text).unwrap_err();
        assert!(err.message.contains("keys are at most"), "{}", err.message);
    }

    #[test]
    fn finds_duplicate_keys() {
        let scan = prescan("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n").unwrap();
        let fields: Vec<&str> = scan.duplicates.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["b.c", "a"]);
        assert!(scan.duplicates[0].message.contains("first on line 3"));
    }

    #[test]
    fn splits_serde_paths_and_plain_words() {
        let (f, m) = split_serde_message("baseline: missing field `x` at line 3 column 3");
        assert_eq!(f, "baseline");
        assert_eq!(m, "missing field `x`, which is required");
        let (f, m) = split_serde_message("missing field `plan`");
        assert_eq!(f, "");
        assert_eq!(m, "missing field `plan`, which is required");
        let (_, m) = split_serde_message("x: invalid type: string \"lots\", expected f64");
        assert_eq!(m, "expected a number, found the text \"lots\"");
        let (_, m) = split_serde_message("x: invalid type: integer `16`, expected f64");
        assert!(
            m.starts_with("expected a number, found the integer 16 (write numbers in decimal"),
            "{m}"
        );
        let (_, m) = split_serde_message("x: invalid type: sequence, expected struct RawQuality");
        assert_eq!(m, "expected a mapping of fields, found a list");
        let (_, m) = split_serde_message("b: invalid type: string \"yes\", expected a boolean");
        assert!(m.contains("`yes`, `no`, `on` and `off` are text"), "{m}");
    }

    #[test]
    fn unknown_names_get_a_did_you_mean() {
        let m = plain_words(
            "unknown field `requests_per_dya`, expected one of `api`, `requests_per_day`",
        );
        assert_eq!(
            m,
            "unknown field `requests_per_dya`; did you mean `requests_per_day`?"
        );
        let m = plain_words("unknown variant `lorra`, expected one of `lora`, `qlora`, `full`");
        assert_eq!(
            m,
            "expected one of lora, qlora, full, found `lorra`; did you mean `lora`?"
        );
        let m = plain_words("unknown field `zzz`, expected `plan`");
        assert_eq!(m, "unknown field `zzz`; the fields allowed here are plan");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        let cases = [
            ("", "", 0),
            ("abc", "abc", 0),
            ("dya", "day", 1),
            ("kitten", "sitting", 3),
            ("LoRA", "lora", 0),
        ];
        for (a, b, d) in cases {
            assert_eq!(edit_distance(a, b), d, "{a} / {b}");
        }
        assert_eq!(
            did_you_mean("instnace", &["instance", "instances"]),
            Some("instance")
        );
        assert_eq!(did_you_mean("zebra", &["instance", "runs"]), None);
    }

    #[test]
    fn number_and_boolean_hints() {
        let cases = [
            ("5", "remove the quotes"),
            ("1e400", "not finite"),
            ("5%", "5% is 0.05"),
            ("$12", "currency sign"),
            ("1,000,000", "without separators"),
            ("1_000", "without separators"),
            ("lots", ""),
        ];
        for (text, needle) in cases {
            let hint = number_hint(text);
            assert!(
                hint.contains(needle) && (needle.is_empty() == hint.is_empty()),
                "{text}: {hint}"
            );
        }
        assert!(boolean_hint("Yes").contains("YAML 1.2"));
        assert!(!boolean_hint("maybe").contains("YAML 1.2"));
    }

    #[test]
    fn control_characters_in_messages_are_inert() {
        let d = Diagnostic::new(
            "p\u{1b}.yaml",
            Some((1, 2)),
            "a\u{202e}b",
            "found \u{7}".to_string(),
        );
        let shown = d.to_string();
        assert_eq!(shown, "p\\u{1b}.yaml:1:2: a\\u{202e}b: found \\u{7}");
    }

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
