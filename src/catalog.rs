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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value as Json;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::plan::{Diagnostic, Method};

/// Catalogue files larger than this are refused before parsing.
pub const MAX_CATALOG_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// LiteLLM price maps larger than this are refused (the real one is ~2 MB).
pub const MAX_LITELLM_BYTES: usize = 64 * 1024 * 1024;
/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 50;
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
    /// When the prices were gathered, YYYY-MM-DD.
    pub as_of: String,
    /// Where the prices came from.
    pub source: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
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
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Gpu {
    /// On-demand dollars per hour for one whole instance.
    pub fn on_demand_per_instance_hour(&self) -> f64 {
        self.on_demand_per_gpu_hour * f64::from(self.gpus_per_instance)
    }

    /// Spot dollars per GPU-hour.
    pub fn spot_per_gpu_hour(&self) -> f64 {
        self.on_demand_per_gpu_hour * self.spot_price_factor
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
    TrainingBenchmark,
    ServingBenchmark,
    ManagedFineTuning
);

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

/// At most 60 characters of a name, for messages.
fn shorten(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.chars().count() > 60 {
        format!("{}…", clean.chars().take(60).collect::<String>())
    } else {
        clean
    }
}

/// The known names nearest to `name`, best first, at most three: names equal
/// but for case and the separators `-`, `_`, `.` and space come first, then
/// names within a few edits (optimal string alignment distance).
pub fn nearest_names<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    if name.chars().count() > 4 * MAX_NAME_CHARS {
        return Vec::new();
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = squash(name);
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            if squash(k) == wanted {
                return Some((0, k));
            }
            let d = strsim::osa_distance(&lower, &k.to_lowercase()) + 1;
            let len = k.chars().count().max(name.chars().count());
            (d <= 3 || d * 3 <= len).then_some((d, k))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

// ---------------------------------------------------------------------------
// Where things stand in a YAML file
// ---------------------------------------------------------------------------

/// A line and column, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    column: usize,
}

/// A scalar value and where its text stands.
#[derive(Debug, Clone)]
struct ScalarAt {
    pos: Pos,
    /// Byte offset of its first character (the quote, if quoted).
    start: usize,
    /// Byte offset just past its last character, when it is one line of
    /// plain or quoted text.
    end: Option<usize>,
}

/// Where every key and scalar of one YAML file stands, by field path.
#[derive(Debug, Default, Clone)]
struct Layout {
    keys: HashMap<Vec<String>, Pos>,
    scalars: HashMap<Vec<String>, ScalarAt>,
    /// Byte offset just past the text of the last scalar inside each node.
    ends: HashMap<Vec<String>, usize>,
    /// The keys of each mapping, in file order.
    children: HashMap<Vec<String>, Vec<String>>,
    /// Keys given twice in one mapping.
    duplicates: Vec<(Pos, Vec<String>)>,
}

impl Layout {
    /// Where a field's value stands, else its key, else its nearest parent's.
    fn find(&self, path: &[String]) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(s) = self.scalars.get(p) {
                return Some(s.pos);
            }
            if let Some(k) = self.keys.get(p) {
                return Some(*k);
            }
            if p.is_empty() {
                return None;
            }
            p = &p[..p.len() - 1];
        }
    }
}

/// Byte offsets of the start of each line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of a marker (whose line counts from 1 and column, in
/// characters, from 0).
fn byte_offset(text: &str, starts: &[usize], m: &Marker) -> usize {
    let Some(&line_start) = starts.get(m.line().saturating_sub(1)) else {
        return text.len();
    };
    text[line_start..]
        .char_indices()
        .nth(m.col())
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// Where a one-line plain or quoted scalar ends, if it is one.
fn scalar_end(text: &str, start: usize, style: TScalarStyle, value: &str) -> Option<usize> {
    let rest = &text[start..];
    match style {
        TScalarStyle::Plain => {
            (!value.contains('\n') && rest.starts_with(value)).then_some(start + value.len())
        }
        TScalarStyle::DoubleQuoted => {
            let mut chars = rest.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => return Some(start + i + 1),
                    '\n' => return None,
                    _ => {}
                }
            }
            None
        }
        TScalarStyle::SingleQuoted => {
            let mut chars = rest.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\'' if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                        chars.next();
                    }
                    '\'' => return Some(start + i + 1),
                    '\n' => return None,
                    _ => {}
                }
            }
            None
        }
        TScalarStyle::Literal | TScalarStyle::Folded => None,
    }
}

/// A YAML problem found while walking the file.
#[derive(Debug)]
struct WalkError {
    pos: Pos,
    path: Vec<String>,
    message: String,
}

/// Walks the YAML event stream once, recording where every key and scalar
/// stands.
fn walk(text: &str) -> Result<Layout, WalkError> {
    enum Frame {
        Map {
            key: Option<String>,
            path: Vec<String>,
            seen: HashSet<String>,
        },
        Seq {
            index: usize,
            path: Vec<String>,
        },
    }
    fn node_path(stack: &[Frame]) -> (Vec<String>, bool) {
        match stack.last() {
            None => (Vec::new(), false),
            Some(Frame::Map {
                key: None, path, ..
            }) => (path.clone(), true),
            Some(Frame::Map {
                key: Some(k), path, ..
            }) => {
                let mut p = path.clone();
                p.push(k.clone());
                (p, false)
            }
            Some(Frame::Seq { index, path }) => {
                let mut p = path.clone();
                p.push(format!("[{index}]"));
                (p, false)
            }
        }
    }
    fn value_done(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }
    fn extend_ends(layout: &mut Layout, path: &[String], end: usize) {
        for k in 0..=path.len() {
            let e = layout.ends.entry(path[..k].to_vec()).or_insert(end);
            *e = (*e).max(end);
        }
    }

    let starts = line_starts(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut layout = Layout::default();
    // A block scalar ends where the next event's line starts.
    let mut open_block: Option<Vec<String>> = None;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let m = e.marker();
            WalkError {
                pos: Pos {
                    line: m.line(),
                    column: m.col() + 1,
                },
                path: node_path(&stack).0,
                message: format!("not valid YAML: {}", e.info()),
            }
        })?;
        let pos = Pos {
            line: mark.line(),
            column: mark.col() + 1,
        };
        if let Some(path) = open_block.take() {
            let end = starts
                .get(mark.line().saturating_sub(1))
                .copied()
                .unwrap_or(text.len());
            extend_ends(&mut layout, &path, end);
        }
        match event {
            Event::StreamEnd => break,
            Event::Scalar(value, style, _, _) => {
                let (path, is_key) = node_path(&stack);
                if is_key {
                    if let Some(Frame::Map { key, seen, .. }) = stack.last_mut() {
                        let mut full = path.clone();
                        full.push(value.clone());
                        if !seen.insert(value.clone()) {
                            layout.duplicates.push((pos, full.clone()));
                        } else {
                            layout.children.entry(path).or_default().push(value.clone());
                        }
                        layout.keys.entry(full).or_insert(pos);
                        *key = Some(value);
                    }
                } else {
                    let start = byte_offset(text, &starts, &mark);
                    let end = scalar_end(text, start, style, &value);
                    match end {
                        Some(end) => extend_ends(&mut layout, &path, end),
                        None => open_block = Some(path.clone()),
                    }
                    layout
                        .scalars
                        .entry(path)
                        .or_insert(ScalarAt { pos, start, end });
                    value_done(&mut stack);
                }
            }
            Event::Alias(_) => {
                let (path, is_key) = node_path(&stack);
                if is_key {
                    return Err(WalkError {
                        pos,
                        path,
                        message: "expected a name as the key, found an alias".to_string(),
                    });
                }
                value_done(&mut stack);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (path, is_key) = node_path(&stack);
                if is_key {
                    return Err(WalkError {
                        pos,
                        path,
                        message: "expected a name as the key, found a mapping or a list"
                            .to_string(),
                    });
                }
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        key: None,
                        path,
                        seen: HashSet::new(),
                    }
                } else {
                    Frame::Seq { index: 0, path }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                value_done(&mut stack);
            }
            Event::StreamStart | Event::DocumentStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(layout)
}

fn show_path(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if !seg.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(seg);
    }
    out
}

fn diagnostic(file: &str, pos: Option<Pos>, field: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: pos.map(|p| p.line),
        column: pos.map(|p| p.column),
        field: field.to_string(),
        message,
    }
}

// ---------------------------------------------------------------------------
// Reading and checking one file
// ---------------------------------------------------------------------------

/// One catalogue file read, parsed and located.
#[derive(Debug, Clone)]
struct ParsedFile {
    display: String,
    /// The text, without a byte-order mark.
    text: String,
    bom: bool,
    raw: CatalogFile,
    layout: Layout,
}

fn read_text(path: &Path, limit: u64) -> Result<Vec<u8>, Diagnostic> {
    let display = path.display().to_string();
    let fail = |message: String| diagnostic(&display, None, "", message);
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| fail(format!("cannot read it: {e}")))?;
    if meta.is_dir() {
        return Err(fail("this is a folder, not a file".to_string()));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(fail(format!(
            "the file is larger than {limit} bytes; refused"
        )));
    }
    Ok(bytes)
}

fn parse_file(bytes: &[u8], display: &str) -> Result<ParsedFile, Vec<Diagnostic>> {
    let one = |pos: Option<Pos>, field: &str, message: String| {
        vec![diagnostic(display, pos, field, message)]
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        one(
            None,
            "",
            format!(
                "expected text encoded as UTF-8, found a byte that is not UTF-8 at offset {}",
                e.valid_up_to()
            ),
        )
    })?;
    let bom = text.starts_with('\u{feff}');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let layout = walk(text).map_err(|e| one(Some(e.pos), &show_path(&e.path), e.message))?;
    if !layout.duplicates.is_empty() {
        return Err(layout
            .duplicates
            .iter()
            .map(|(pos, path)| {
                diagnostic(
                    display,
                    Some(*pos),
                    &show_path(path),
                    format!(
                        "`{}` is given twice in one mapping; keep one",
                        shorten(path.last().map_or("", String::as_str))
                    ),
                )
            })
            .collect());
    }
    let raw: CatalogFile = if text.trim().is_empty() {
        CatalogFile::default()
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let (field, message) = split_serde_message(&e.to_string());
            let pos = match e.location() {
                Some(l) => Some(Pos {
                    line: l.line(),
                    column: l.column(),
                }),
                None => layout.find(&field_path(&field)),
            };
            one(pos, &field, message)
        })?
    };
    Ok(ParsedFile {
        display: display.to_string(),
        text: text.to_string(),
        bom,
        raw,
        layout,
    })
}

/// A shown path back into segments (the names in the catalogue hold no
/// brackets; dots inside names make this approximate, which only affects
/// which line a message points at).
fn field_path(shown: &str) -> Vec<String> {
    shown
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// serde_yaml says "api.gpt-4o: unknown field `x`, expected one of … at line
/// 3 column 5": split off the field path and put the rest in plain words.
fn split_serde_message(msg: &str) -> (String, String) {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    let (field, rest) = match msg.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => (path.to_string(), rest),
        _ => (String::new(), msg),
    };
    let names: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let plain = if rest.starts_with("unknown field ") || rest.starts_with("unknown variant ") {
        match names.split_first() {
            Some((found, allowed)) => {
                let what = if rest.starts_with("unknown field") {
                    "field"
                } else {
                    "value"
                };
                let near = nearest_names(found, allowed.iter().copied());
                match near.first() {
                    Some(best) => format!("unknown {what} `{found}`; did you mean `{best}`?"),
                    None => format!(
                        "unknown {what} `{found}`; expected one of {}",
                        allowed.join(", ")
                    ),
                }
            }
            None => rest.to_string(),
        }
    } else if rest.starts_with("missing field ") {
        format!("{rest}, which is required")
    } else if let Some(r) = rest.strip_prefix("invalid type: ") {
        let r = r
            .replace("expected f64", "expected a number")
            .replace("expected u32", "expected a whole number")
            .replace("expected a string", "expected text");
        format!("wrong type: {r}")
    } else {
        rest.to_string()
    };
    (field, plain)
}

/// Collects the problems of one file's entries, located by field.
struct Checker<'a> {
    file: &'a ParsedFile,
    problems: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn bad(&mut self, path: &[&str], message: String) {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let pos = self.file.layout.find(&path);
        self.problems.push(diagnostic(
            &self.file.display,
            pos,
            &show_path(&path),
            message,
        ));
    }

    fn name(&mut self, section: &str, name: &str) {
        if name.trim().is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
            || name != name.trim()
        {
            self.bad(
                &[section, name],
                format!(
                    "expected a name of 1 to {MAX_NAME_CHARS} characters without surrounding spaces or control characters"
                ),
            );
        }
    }

    fn price(&mut self, path: &[&str], value: f64) {
        if !value.is_finite() || value < 0.0 {
            self.bad(
                path,
                format!("expected a price in US dollars of at least 0, found {value}"),
            );
        }
    }

    fn positive(&mut self, path: &[&str], value: f64, what: &str) {
        if !value.is_finite() || value <= 0.0 {
            self.bad(
                path,
                format!("expected {what} greater than 0, found {value}"),
            );
        }
    }

    fn count(&mut self, path: &[&str], value: u32, what: &str) {
        if value == 0 {
            self.bad(path, format!("expected {what}, at least 1, found 0"));
        }
    }

    fn fraction(&mut self, path: &[&str], value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.bad(
                path,
                format!(
                    "expected a fraction from 0 to 1 (0.35 means 35% of on-demand), found {value}"
                ),
            );
        }
    }

    fn text(&mut self, path: &[&str], value: &str, what: &str) {
        if value.trim().is_empty() {
            self.bad(path, format!("expected {what}, found nothing"));
        }
    }

    fn dated(&mut self, path: &[&str], entry: &dyn Dated) {
        if parse_date(entry.as_of()).is_none() {
            let mut p = path.to_vec();
            p.push("as_of");
            self.bad(
                &p,
                format!(
                    "expected a date written YYYY-MM-DD that exists, found `{}`",
                    shorten(entry.as_of())
                ),
            );
        }
        let mut p = path.to_vec();
        p.push("source");
        self.text(&p, entry.source(), "where the figures came from");
    }

    fn check(&mut self) {
        let raw = self.file.raw.clone();
        for (name, m) in &raw.api {
            let n = name.as_str();
            self.name("api", n);
            self.text(&["api", n, "provider"], &m.provider, "the provider");
            self.price(&["api", n, "input_per_1m_tokens"], m.input_per_1m_tokens);
            self.price(&["api", n, "output_per_1m_tokens"], m.output_per_1m_tokens);
            if let Some(key) = &m.litellm {
                self.text(&["api", n, "litellm"], key, "LiteLLM's name for the model");
            }
            self.dated(&["api", n], m);
        }
        for (name, g) in &raw.gpus {
            let n = name.as_str();
            self.name("gpus", n);
            self.text(&["gpus", n, "name"], &g.name, "the GPU's name");
            self.text(
                &["gpus", n, "priced_as"],
                &g.priced_as,
                "the instance priced",
            );
            self.count(
                &["gpus", n, "gpus_per_instance"],
                g.gpus_per_instance,
                "the GPUs in one instance",
            );
            self.price(
                &["gpus", n, "on_demand_per_gpu_hour"],
                g.on_demand_per_gpu_hour,
            );
            self.fraction(&["gpus", n, "spot_price_factor"], g.spot_price_factor);
            self.positive(
                &["gpus", n, "memory_gb"],
                g.memory_gb,
                "the GPU memory in GB",
            );
            self.positive(
                &["gpus", n, "memory_bandwidth_gb_per_s"],
                g.memory_bandwidth_gb_per_s,
                "the memory bandwidth in GB/s",
            );
            self.positive(
                &["gpus", n, "bf16_dense_tflops"],
                g.bf16_dense_tflops,
                "the dense BF16 TFLOPS",
            );
            self.text(
                &["gpus", n, "spec_source"],
                &g.spec_source,
                "where the hardware figures came from",
            );
            self.dated(&["gpus", n], g);
        }
        for (i, b) in raw.training_benchmarks.iter().enumerate() {
            let idx = format!("[{i}]");
            let p = ["training_benchmarks", idx.as_str()];
            let at = |f: &'static str| [p[0], p[1], f];
            self.positive(
                &at("model_size_b"),
                b.model_size_b,
                "the model size in billions",
            );
            self.text(&at("instance"), &b.instance, "the instance type");
            self.positive(
                &at("tokens_per_second"),
                b.tokens_per_second,
                "the training tokens a second",
            );
            self.count(&at("num_gpus"), b.num_gpus, "the GPUs of the run");
            self.price(&at("cost_per_hour"), b.cost_per_hour);
            self.dated(&p, b);
        }
        for (i, b) in raw.serving_benchmarks.iter().enumerate() {
            let idx = format!("[{i}]");
            let p = ["serving_benchmarks", idx.as_str()];
            let at = |f: &'static str| [p[0], p[1], f];
            self.positive(
                &at("model_size_b"),
                b.model_size_b,
                "the model size in billions",
            );
            self.text(&at("instance"), &b.instance, "the instance type");
            self.count(&at("num_gpus"), b.num_gpus, "the GPUs serving one copy");
            self.positive(
                &at("tokens_per_second"),
                b.tokens_per_second,
                "the generated tokens a second",
            );
            if let Some(batch) = b.batch_size {
                self.count(&at("batch_size"), batch, "the batch size");
            }
            if !PRECISIONS.contains(&b.precision.as_str()) {
                let near = nearest_names(&b.precision, PRECISIONS.iter().copied());
                let hint = near
                    .first()
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                self.bad(
                    &at("precision"),
                    format!(
                        "expected one of {}, found `{}`{hint}",
                        PRECISIONS.join(", "),
                        shorten(&b.precision)
                    ),
                );
            }
            self.dated(&p, b);
        }
        for (name, m) in &raw.managed {
            let n = name.as_str();
            self.name("managed", n);
            self.text(&["managed", n, "provider"], &m.provider, "the provider");
            self.text(
                &["managed", n, "base_model"],
                &m.base_model,
                "the base model",
            );
            if let Some(size) = m.model_size_b {
                self.positive(
                    &["managed", n, "model_size_b"],
                    size,
                    "the model size in billions",
                );
            }
            let training = ["managed", n, "training_per_1m_tokens"];
            self.price(&training, m.training_per_1m_tokens);
            if let Some([low, high]) = m.training_per_1m_tokens_range {
                let range = ["managed", n, "training_per_1m_tokens_range"];
                self.price(&range, low);
                self.price(&range, high);
                if !(low <= m.training_per_1m_tokens && m.training_per_1m_tokens <= high) {
                    self.bad(
                        &range,
                        format!(
                            "expected [low, high] around training_per_1m_tokens ({}), found [{low}, {high}]",
                            m.training_per_1m_tokens
                        ),
                    );
                }
            }
            self.price(
                &["managed", n, "inference_input_per_1m_tokens"],
                m.inference_input_per_1m_tokens,
            );
            self.price(
                &["managed", n, "inference_output_per_1m_tokens"],
                m.inference_output_per_1m_tokens,
            );
            self.dated(&["managed", n], m);
        }
    }
}

/// Keeps the first [`MAX_PROBLEMS`] problems, counting the rest in a last line.
fn limit(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        let file = problems[0].file.clone();
        problems.truncate(MAX_PROBLEMS);
        problems.push(diagnostic(
            &file,
            None,
            "",
            format!("and {more} more problems not listed; fix these first"),
        ));
    }
    problems
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

    /// The catalogue shipped in `inputs/catalog/`, built into the program so
    /// that runs from any folder (a scheduler's) find it.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            const FILES: [(&str, &str); 4] = [
                (
                    "inputs/catalog/api-prices.yaml",
                    include_str!("../inputs/catalog/api-prices.yaml"),
                ),
                (
                    "inputs/catalog/benchmarks.yaml",
                    include_str!("../inputs/catalog/benchmarks.yaml"),
                ),
                (
                    "inputs/catalog/gpus.yaml",
                    include_str!("../inputs/catalog/gpus.yaml"),
                ),
                (
                    "inputs/catalog/managed.yaml",
                    include_str!("../inputs/catalog/managed.yaml"),
                ),
            ];
            let mut problems = Vec::new();
            let parsed: Vec<ParsedFile> = FILES
                .iter()
                .map(|(name, text)| {
                    parse_file(text.as_bytes(), name).expect("the shipped catalogue parses")
                })
                .collect();
            let mut catalog = merge(&parsed, &mut problems);
            assert!(
                problems.is_empty(),
                "the shipped catalogue is consistent: {problems:?}"
            );
            catalog.files = FILES.iter().map(|(name, _)| PathBuf::from(name)).collect();
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
    /// instance.
    pub fn serving_throughput(
        &self,
        model_size_b: f64,
        instance: &str,
    ) -> Result<&ServingBenchmark, CatalogError> {
        self.gpu(instance)?;
        self.serving
            .iter()
            .find(|b| b.model_size_b == model_size_b && b.instance == instance)
            .ok_or_else(|| CatalogError::NoBenchmark {
                what: "serving",
                wanted: format!("a {model_size_b}B model on {instance}"),
                measured: self
                    .serving
                    .iter()
                    .filter(|b| b.instance == instance)
                    .map(|b| format!("{}B", b.model_size_b))
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

/// Checks each file, merges them (a name defined twice is a problem), and
/// checks the references between sections.
fn merge(parsed: &[ParsedFile], problems: &mut Vec<Diagnostic>) -> Catalog {
    let mut catalog = Catalog::default();
    // Where each named entry was defined first: (file index, section, name).
    let mut defined: HashMap<(&'static str, String), usize> = HashMap::new();
    for (fi, file) in parsed.iter().enumerate() {
        Checker { file, problems }.check();
        let mut once =
            |section: &'static str, name: &str, problems: &mut Vec<Diagnostic>| match defined
                .get(&(section, name.to_string()))
            {
                Some(&first) => {
                    let path = vec![section.to_string(), name.to_string()];
                    problems.push(diagnostic(
                        &file.display,
                        file.layout.keys.get(&path).copied(),
                        &show_path(&path),
                        format!(
                            "`{}` is already defined in {}; keep one",
                            shorten(name),
                            parsed[first].display
                        ),
                    ));
                    false
                }
                None => {
                    defined.insert((section, name.to_string()), fi);
                    true
                }
            };
        for (name, m) in &file.raw.api {
            if once("api", name, problems) {
                catalog.api.insert(name.clone(), m.clone());
            }
        }
        for (name, g) in &file.raw.gpus {
            if once("gpus", name, problems) {
                catalog.gpus.insert(name.clone(), g.clone());
            }
        }
        for (name, m) in &file.raw.managed {
            if once("managed", name, problems) {
                catalog.managed.insert(name.clone(), m.clone());
            }
        }
    }
    // Benchmarks: unique rows, instances that exist.
    let mut training_seen: HashMap<String, String> = HashMap::new();
    let mut serving_seen: HashMap<String, String> = HashMap::new();
    for file in parsed {
        let at = |path: Vec<String>| (file.layout.find(&path), show_path(&path));
        let gpu_names = || catalog.gpus.keys().map(String::as_str);
        let unknown_instance = |name: &str| {
            let near = nearest_names(name, gpu_names());
            let hint = near
                .first()
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "; the catalogue has {}",
                        gpu_names().collect::<Vec<_>>().join(", ")
                    )
                });
            format!(
                "unknown GPU instance `{}` (not in the `gpus` section){hint}",
                shorten(name)
            )
        };
        for (i, b) in file.raw.training_benchmarks.iter().enumerate() {
            let row = |f: &str| {
                vec![
                    "training_benchmarks".to_string(),
                    format!("[{i}]"),
                    f.to_string(),
                ]
            };
            if !catalog.gpus.contains_key(&b.instance) {
                let (pos, field) = at(row("instance"));
                problems.push(diagnostic(
                    &file.display,
                    pos,
                    &field,
                    unknown_instance(&b.instance),
                ));
            }
            let key = format!("{}B {} on {}", b.model_size_b, b.method.name(), b.instance);
            if let Some(first) = training_seen.get(&key) {
                let (pos, field) = at(row("model_size_b"));
                problems.push(diagnostic(
                    &file.display,
                    pos,
                    &field,
                    format!("a second row for {key} (the first is in {first}); keep one"),
                ));
            } else {
                training_seen.insert(key, file.display.clone());
                catalog.training.push(b.clone());
            }
        }
        for (i, b) in file.raw.serving_benchmarks.iter().enumerate() {
            let row = |f: &str| {
                vec![
                    "serving_benchmarks".to_string(),
                    format!("[{i}]"),
                    f.to_string(),
                ]
            };
            if !catalog.gpus.contains_key(&b.instance) {
                let (pos, field) = at(row("instance"));
                problems.push(diagnostic(
                    &file.display,
                    pos,
                    &field,
                    unknown_instance(&b.instance),
                ));
            }
            let key = format!("{}B on {}", b.model_size_b, b.instance);
            if let Some(first) = serving_seen.get(&key) {
                let (pos, field) = at(row("model_size_b"));
                problems.push(diagnostic(
                    &file.display,
                    pos,
                    &field,
                    format!("a second row for {key} (the first is in {first}); keep one"),
                ));
            } else {
                serving_seen.insert(key, file.display.clone());
                catalog.serving.push(b.clone());
            }
        }
        for (name, m) in &file.raw.managed {
            if let Some(base) = &m.base_api {
                if !catalog.api.contains_key(base) {
                    let near = nearest_names(base, catalog.api.keys().map(String::as_str));
                    let hint = near
                        .first()
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    let (pos, field) = at(vec![
                        "managed".to_string(),
                        name.clone(),
                        "base_api".to_string(),
                    ]);
                    problems.push(diagnostic(
                        &file.display,
                        pos,
                        &field,
                        format!(
                            "unknown API model `{}` (not in the `api` section){hint}",
                            shorten(base)
                        ),
                    ));
                }
            }
        }
    }
    catalog
}

// ---------------------------------------------------------------------------
// The API price file and the LiteLLM import
// ---------------------------------------------------------------------------

/// The file that holds the catalogue's API prices, kept as written so that
/// it can be rewritten with only the changed values replaced.
#[derive(Debug, Clone)]
pub struct ApiPriceFile {
    parsed: ParsedFile,
}

impl ApiPriceFile {
    /// Reads and checks the file (its entries on their own: references to
    /// other files are checked by [`Catalog::load`]).
    pub fn read(path: &Path) -> Result<ApiPriceFile, CatalogError> {
        let bytes =
            read_text(path, MAX_CATALOG_FILE_BYTES).map_err(|d| CatalogError::Invalid(vec![d]))?;
        Self::parse_bytes(&bytes, &path.display().to_string())
    }

    /// Parses and checks the text of the file (named `file` in messages).
    pub fn parse(text: &str, file: &str) -> Result<ApiPriceFile, CatalogError> {
        Self::parse_bytes(text.as_bytes(), file)
    }

    fn parse_bytes(bytes: &[u8], file: &str) -> Result<ApiPriceFile, CatalogError> {
        let parsed = parse_file(bytes, file).map_err(CatalogError::Invalid)?;
        let mut problems = Vec::new();
        Checker {
            file: &parsed,
            problems: &mut problems,
        }
        .check();
        if problems.is_empty() {
            Ok(ApiPriceFile { parsed })
        } else {
            Err(CatalogError::Invalid(limit(problems)))
        }
    }

    /// The API models, in file order.
    pub fn models(&self) -> &IndexMap<String, ApiModel> {
        &self.parsed.raw.api
    }

    /// The file's text as read (without a byte-order mark).
    pub fn text(&self) -> &str {
        &self.parsed.text
    }
}

/// Which models of LiteLLM's map that the catalogue lacks are added.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AddPolicy {
    /// Add none: only update the models the catalogue has.
    None,
    /// Add those of the providers the catalogue already lists.
    #[default]
    KnownProviders,
    /// Add those of these providers (LiteLLM's `litellm_provider`).
    Providers(Vec<String>),
    /// Add every chat and completion model (LiteLLM has thousands).
    All,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub add: AddPolicy,
}

/// One change the import makes to the API price file.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A catalogue model whose prices differ from LiteLLM's.
    Updated {
        name: String,
        /// The key in LiteLLM's map.
        litellm_key: String,
        old_input_per_1m_tokens: f64,
        old_output_per_1m_tokens: f64,
        input_per_1m_tokens: f64,
        output_per_1m_tokens: f64,
        as_of: NaiveDate,
        source: String,
    },
    /// A model of LiteLLM's map the catalogue did not have.
    Added {
        name: String,
        provider: String,
        input_per_1m_tokens: f64,
        output_per_1m_tokens: f64,
        as_of: NaiveDate,
        source: String,
    },
}

impl Change {
    /// The catalogue name of the model changed.
    pub fn name(&self) -> &str {
        match self {
            Change::Updated { name, .. } | Change::Added { name, .. } => name,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Updated {
                name,
                litellm_key,
                old_input_per_1m_tokens: oi,
                old_output_per_1m_tokens: oo,
                input_per_1m_tokens: ni,
                output_per_1m_tokens: no,
                ..
            } => {
                write!(f, "updated {}", shorten(name))?;
                if litellm_key != name {
                    write!(f, " (LiteLLM's {})", shorten(litellm_key))?;
                }
                write!(
                    f,
                    ": input ${} → ${}, output ${} → ${} per 1M tokens",
                    format_price(*oi),
                    format_price(*ni),
                    format_price(*oo),
                    format_price(*no)
                )
            }
            Change::Added {
                name,
                provider,
                input_per_1m_tokens,
                output_per_1m_tokens,
                ..
            } => write!(
                f,
                "added {} ({}): input ${}, output ${} per 1M tokens",
                shorten(name),
                shorten(provider),
                format_price(*input_per_1m_tokens),
                format_price(*output_per_1m_tokens)
            ),
        }
    }
}

/// Entries of LiteLLM's map that were not used, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// `sample_spec`, the map's description of its own fields.
    pub sample_spec: usize,
    /// Models whose `mode` is not chat or completion (embeddings, images…).
    pub not_chat: usize,
    /// Chat models without both `input_cost_per_token` and `output_cost_per_token`.
    pub without_prices: usize,
    /// Entries with prices that are not finite numbers of at least 0, or
    /// names that cannot be catalogue names.
    pub invalid: usize,
    /// Usable models not added: left out by the [`AddPolicy`], or named
    /// like a catalogue model that reads another key (its `litellm`).
    pub not_added: usize,
}

/// What an import found and would change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LitellmImport {
    /// Updates in the file's order, then additions in name order.
    pub changes: Vec<Change>,
    /// Catalogue models whose prices LiteLLM gives unchanged.
    pub unchanged: usize,
    /// Catalogue models LiteLLM's map has no usable price for.
    pub not_in_litellm: Vec<String>,
    pub skipped: Skipped,
}

impl LitellmImport {
    /// A report for people: one line per change, then the counts.
    pub fn summary(&self) -> String {
        let mut lines: Vec<String> = self.changes.iter().map(|c| c.to_string()).collect();
        let updated = self
            .changes
            .iter()
            .filter(|c| matches!(c, Change::Updated { .. }))
            .count();
        let added = self.changes.len() - updated;
        lines.push(format!(
            "{updated} updated, {added} added, {} unchanged",
            self.unchanged
        ));
        if !self.not_in_litellm.is_empty() {
            lines.push(format!(
                "kept as they were, without a usable LiteLLM price: {}",
                self.not_in_litellm
                    .iter()
                    .map(|n| shorten(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let s = &self.skipped;
        lines.push(format!(
            "skipped in LiteLLM's map: {} sample_spec, {} not chat or completion, {} without both prices, {} invalid, {} not added by the add policy",
            s.sample_spec, s.not_chat, s.without_prices, s.invalid, s.not_added
        ));
        lines.join("\n")
    }
}

/// A per-token price as dollars per million tokens, to a millionth of a dollar.
pub fn per_1m_tokens(per_token: f64) -> f64 {
    (per_token * 1e12).round() / 1e6
}

/// A price to a millionth of a dollar, as prices are compared.
fn to_micro(price: f64) -> f64 {
    (price * 1e6).round() / 1e6
}

/// A price as written in the catalogue: at least two decimals, at most six,
/// no trailing zeros beyond two (5 → `5.00`, 0.075 → `0.075`).
pub fn format_price(price: f64) -> String {
    let s = format!("{price:.6}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < 2 {
        frac.push('0');
    }
    format!("{int}.{frac}")
}

/// One usable entry of LiteLLM's map.
struct LitellmPrice {
    provider: String,
    input: f64,
    output: f64,
}

/// Compares the API price file with LiteLLM's price map (the text of
/// `model_prices_and_context_window.json`; `litellm_file` names it in
/// messages and, by its file name, in the `source` of changed entries).
///
/// Each catalogue model is looked up under its `litellm` key, else its name;
/// its prices change when LiteLLM's, per token × 1,000,000 and rounded to a
/// millionth of a dollar, differ. Only entries whose `mode` is `chat` or
/// `completion` with both token prices are used; `sample_spec` is skipped.
/// Models the catalogue lacks are added as [`ImportOptions::add`] says.
/// Changed and added entries get `as_of: today` and a `source` naming the
/// map and its key. Nothing is written: see [`render_api_prices`].
pub fn import_litellm(
    file: &ApiPriceFile,
    litellm_json: &str,
    litellm_file: &str,
    today: NaiveDate,
    options: &ImportOptions,
) -> Result<LitellmImport, CatalogError> {
    let fail = |message: String| CatalogError::Litellm {
        file: litellm_file.to_string(),
        message,
    };
    if litellm_json.len() > MAX_LITELLM_BYTES {
        return Err(fail(format!(
            "the file is larger than {MAX_LITELLM_BYTES} bytes; refused"
        )));
    }
    let map: serde_json::Map<String, Json> = serde_json::from_str(litellm_json).map_err(|e| {
        fail(format!(
            "expected LiteLLM's price map, a JSON object of models: {e}"
        ))
    })?;
    let label = Path::new(litellm_file).file_name().map_or_else(
        || litellm_file.to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source_for =
        |key: &str| format!("LiteLLM price map ({label}, key `{key}`), imported {today}");

    let mut import = LitellmImport::default();
    let mut usable: BTreeMap<&str, LitellmPrice> = BTreeMap::new();
    for (key, entry) in &map {
        if key == "sample_spec" {
            import.skipped.sample_spec += 1;
            continue;
        }
        let Some(fields) = entry.as_object() else {
            import.skipped.invalid += 1;
            continue;
        };
        let mode = fields.get("mode").and_then(Json::as_str);
        if !matches!(mode, Some("chat" | "completion")) {
            import.skipped.not_chat += 1;
            continue;
        }
        let (Some(input), Some(output)) = (
            fields.get("input_cost_per_token"),
            fields.get("output_cost_per_token"),
        ) else {
            import.skipped.without_prices += 1;
            continue;
        };
        let (Some(input), Some(output)) = (input.as_f64(), output.as_f64()) else {
            import.skipped.invalid += 1;
            continue;
        };
        let (input, output) = (per_1m_tokens(input), per_1m_tokens(output));
        let name_ok = !key.trim().is_empty()
            && key == key.trim()
            && key.chars().count() <= MAX_NAME_CHARS
            && !key.chars().any(char::is_control);
        if !input.is_finite() || !output.is_finite() || input < 0.0 || output < 0.0 || !name_ok {
            import.skipped.invalid += 1;
            continue;
        }
        let provider = fields
            .get("litellm_provider")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        usable.insert(
            key,
            LitellmPrice {
                provider,
                input,
                output,
            },
        );
    }

    let models = file.models();
    let mut claimed: HashSet<&str> = HashSet::new();
    for (name, model) in models {
        let key = model.litellm.as_deref().unwrap_or(name);
        claimed.insert(key);
        let Some(price) = usable.get(key) else {
            import.not_in_litellm.push(name.clone());
            continue;
        };
        let same = to_micro(model.input_per_1m_tokens) == price.input
            && to_micro(model.output_per_1m_tokens) == price.output;
        if same {
            import.unchanged += 1;
        } else {
            import.changes.push(Change::Updated {
                name: name.clone(),
                litellm_key: key.to_string(),
                old_input_per_1m_tokens: model.input_per_1m_tokens,
                old_output_per_1m_tokens: model.output_per_1m_tokens,
                input_per_1m_tokens: price.input,
                output_per_1m_tokens: price.output,
                as_of: today,
                source: source_for(key),
            });
        }
    }
    let known_providers: HashSet<&str> = models.values().map(|m| m.provider.as_str()).collect();
    for (key, price) in &usable {
        if claimed.contains(key) {
            continue;
        }
        if models.contains_key(*key) {
            // The catalogue's model of that name reads another LiteLLM key.
            import.skipped.not_added += 1;
            continue;
        }
        let add = match &options.add {
            AddPolicy::None => false,
            AddPolicy::KnownProviders => known_providers.contains(price.provider.as_str()),
            AddPolicy::Providers(list) => list.contains(&price.provider),
            AddPolicy::All => true,
        };
        if !add {
            import.skipped.not_added += 1;
            continue;
        }
        if price.provider.trim().is_empty() {
            import.skipped.invalid += 1;
            continue;
        }
        import.changes.push(Change::Added {
            name: key.to_string(),
            provider: price.provider.clone(),
            input_per_1m_tokens: price.input,
            output_per_1m_tokens: price.output,
            as_of: today,
            source: source_for(key),
        });
    }
    Ok(import)
}

/// Text as a YAML double-quoted scalar.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A name or word as YAML: plain when that cannot be misread, else quoted.
fn yaml_plain_or_quoted(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        yaml_quoted(s)
    }
}

/// Writes the API price file with the import's changes: each updated entry
/// has only its changed prices, its `as_of` and its `source` replaced in
/// place (comments and layout kept); added entries are appended after the
/// last entry of the `api` section, in name order. Every other byte stays as
/// read, so rendering with no changes gives the file back unchanged. The
/// result is read back and checked before it is returned.
pub fn render_api_prices(file: &ApiPriceFile, changes: &[Change]) -> Result<String, CatalogError> {
    let parsed = &file.parsed;
    let text = parsed.text.as_str();
    let layout = &parsed.layout;
    let display = parsed.display.as_str();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let path =
        |name: &str, field: &str| vec!["api".to_string(), name.to_string(), field.to_string()];
    let cannot = |p: &[String], why: &str| {
        CatalogError::Invalid(vec![diagnostic(
            display,
            layout.find(p),
            &show_path(p),
            format!("cannot rewrite this value: {why}"),
        )])
    };

    let mut expected = parsed.raw.api.clone();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut added: Vec<&Change> = Vec::new();
    for change in changes {
        match change {
            Change::Updated {
                name,
                old_input_per_1m_tokens,
                old_output_per_1m_tokens,
                input_per_1m_tokens,
                output_per_1m_tokens,
                as_of,
                source,
                ..
            } => {
                let Some(model) = expected.get_mut(name) else {
                    return Err(cannot(
                        &["api".to_string(), name.clone()],
                        "the file has no such model",
                    ));
                };
                let mut values: Vec<(&str, String)> = Vec::new();
                if to_micro(*old_input_per_1m_tokens) != to_micro(*input_per_1m_tokens) {
                    values.push(("input_per_1m_tokens", format_price(*input_per_1m_tokens)));
                    model.input_per_1m_tokens = *input_per_1m_tokens;
                }
                if to_micro(*old_output_per_1m_tokens) != to_micro(*output_per_1m_tokens) {
                    values.push(("output_per_1m_tokens", format_price(*output_per_1m_tokens)));
                    model.output_per_1m_tokens = *output_per_1m_tokens;
                }
                values.push(("as_of", as_of.format("%Y-%m-%d").to_string()));
                values.push(("source", yaml_quoted(source)));
                model.as_of = as_of.format("%Y-%m-%d").to_string();
                model.source = source.clone();
                for (field, new_text) in values {
                    let p = path(name, field);
                    let at = layout
                        .scalars
                        .get(&p)
                        .ok_or_else(|| cannot(&p, "it is not a plain value"))?;
                    let end = at
                        .end
                        .ok_or_else(|| cannot(&p, "write it on one line, plain or in quotes"))?;
                    edits.push((at.start, end, new_text));
                }
            }
            Change::Added {
                name,
                provider,
                input_per_1m_tokens,
                output_per_1m_tokens,
                as_of,
                source,
            } => {
                if expected.contains_key(name) {
                    return Err(cannot(
                        &["api".to_string(), name.clone()],
                        "the file already has this model",
                    ));
                }
                expected.insert(
                    name.clone(),
                    ApiModel {
                        provider: provider.clone(),
                        input_per_1m_tokens: *input_per_1m_tokens,
                        output_per_1m_tokens: *output_per_1m_tokens,
                        litellm: None,
                        as_of: as_of.format("%Y-%m-%d").to_string(),
                        source: source.clone(),
                        notes: None,
                    },
                );
                added.push(change);
            }
        }
    }
    added.sort_by(|a, b| a.name().cmp(b.name()));

    if !added.is_empty() {
        let api = vec!["api".to_string()];
        let place = append_place(layout, text, newline).map_err(|why| cannot(&api, why))?;
        let mut block = place.header;
        for change in added {
            block.push_str(&added_entry(
                change,
                place.entry_indent,
                place.field_indent,
                newline,
            ));
        }
        edits.push((place.at, place.at, block));
    }

    edits.sort_by_key(|(start, end, _)| (*start, *end));
    let mut out = String::with_capacity(text.len() + 256);
    if parsed.bom {
        out.push('\u{feff}');
    }
    let mut at = 0;
    for (start, end, new_text) in &edits {
        if *start < at {
            return Err(cannot(&["api".to_string()], "two changes overlap"));
        }
        out.push_str(&text[at..*start]);
        out.push_str(new_text);
        at = *end;
    }
    out.push_str(&text[at..]);

    // Read it back: the models must be exactly those intended.
    let back = ApiPriceFile::parse(&out, display)?;
    if back.models() != &expected {
        return Err(CatalogError::Invalid(vec![diagnostic(
            display,
            None,
            "api",
            "the rewritten file does not read back as intended; it was not written (a defect of this tool)"
                .to_string(),
        )]));
    }
    Ok(out)
}

/// Where entries are appended to the `api` section, and how they are indented.
struct AppendPlace {
    /// Byte offset to insert at.
    at: usize,
    entry_indent: usize,
    field_indent: usize,
    /// Text that must precede the entries (`api:` when the file has none).
    header: String,
}

/// The line after the last entry of the `api` section, indented like its
/// first entry; the end of the file when there is no `api` section.
fn append_place(layout: &Layout, text: &str, newline: &str) -> Result<AppendPlace, &'static str> {
    let api = vec!["api".to_string()];
    let Some(first) = layout.children.get(&api).and_then(|e| e.first()) else {
        if layout.keys.contains_key(&api) {
            return Err("the `api` section has no entries to append to; give it one entry, or remove the empty key");
        }
        let header = if text.is_empty() || text.ends_with('\n') {
            format!("api:{newline}")
        } else {
            format!("{newline}api:{newline}")
        };
        return Ok(AppendPlace {
            at: text.len(),
            entry_indent: 2,
            field_indent: 4,
            header,
        });
    };
    let entry = vec!["api".to_string(), first.clone()];
    let first_key = layout.keys[&entry];
    if first_key.line <= layout.keys[&api].line {
        return Err("write the `api` section as an indented block, not {…}");
    }
    let entry_indent = first_key.column - 1;
    let field_indent = layout
        .children
        .get(&entry)
        .and_then(|fields| fields.first())
        .and_then(|f| {
            let mut p = entry.clone();
            p.push(f.clone());
            layout.keys.get(&p)
        })
        .filter(|p| p.line > first_key.line)
        .map_or(entry_indent + 2, |p| p.column - 1);
    let end = layout.ends.get(&api).copied().unwrap_or(text.len());
    // A value ends mid-line (then the entries go after that line) or, for a
    // block scalar, at the start of the line after it.
    let at_line_start = end == 0 || text[..end].ends_with('\n');
    let (at, header) = if at_line_start {
        (end, String::new())
    } else {
        match text[end..].find('\n') {
            Some(i) => (end + i + 1, String::new()),
            None => (text.len(), newline.to_string()),
        }
    };
    Ok(AppendPlace {
        at,
        entry_indent,
        field_indent,
        header,
    })
}

/// The text of one added entry.
fn added_entry(change: &Change, entry_indent: usize, field_indent: usize, newline: &str) -> String {
    let Change::Added {
        name,
        provider,
        input_per_1m_tokens,
        output_per_1m_tokens,
        as_of,
        source,
    } = change
    else {
        return String::new();
    };
    let e = " ".repeat(entry_indent);
    let f = " ".repeat(field_indent);
    [
        format!("{e}{}:", yaml_plain_or_quoted(name)),
        format!("{f}provider: {}", yaml_plain_or_quoted(provider)),
        format!(
            "{f}input_per_1m_tokens: {}",
            format_price(*input_per_1m_tokens)
        ),
        format!(
            "{f}output_per_1m_tokens: {}",
            format_price(*output_per_1m_tokens)
        ),
        format!("{f}as_of: {}", as_of.format("%Y-%m-%d")),
        format!("{f}source: {}", yaml_quoted(source)),
    ]
    .iter()
    .map(|line| format!("{line}{newline}"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn prices_are_written_with_two_to_six_decimals() {
        for (price, text) in [
            (5.0, "5.00"),
            (0.5, "0.50"),
            (0.075, "0.075"),
            (2.5, "2.50"),
            (0.0375, "0.0375"),
            (60.0, "60.00"),
            (0.000001, "0.000001"),
        ] {
            assert_eq!(format_price(price), text, "{price}");
        }
    }

    #[test]
    fn per_token_prices_become_exact_per_million_prices() {
        for (per_token, per_1m) in [
            (2.5e-06, 2.5),
            (1e-05, 10.0),
            (1.1e-06, 1.1),
            (1.5e-07, 0.15),
            (3e-05, 30.0),
            (7.5e-08, 0.075),
        ] {
            assert_eq!(per_1m_tokens(per_token), per_1m, "{per_token}");
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

    #[test]
    fn keys_are_quoted_when_plain_text_would_be_misread() {
        assert_eq!(yaml_plain_or_quoted("gpt-4o"), "gpt-4o");
        assert_eq!(
            yaml_plain_or_quoted("openrouter/openai/gpt-4o"),
            "openrouter/openai/gpt-4o"
        );
        assert_eq!(
            yaml_plain_or_quoted("ft:gpt-3.5-turbo"),
            "\"ft:gpt-3.5-turbo\""
        );
        assert_eq!(yaml_plain_or_quoted("yes"), "\"yes\"");
        assert_eq!(yaml_plain_or_quoted("1.5"), "\"1.5\"");
        assert_eq!(
            yaml_quoted("a \"b\" \\ c\n"),
            "\"a \\\"b\\\" \\\\ c\\u000a\""
        );
    }

    #[test]
    fn scalar_ends_are_found_for_one_line_values() {
        let text = "a: plain value  # c\nb: \"q \\\" x\"\nc: 'it''s'\n";
        let layout = walk(text).unwrap();
        let end = |k: &str| {
            let s = &layout.scalars[&vec![k.to_string()]];
            &text[s.start..s.end.unwrap()]
        };
        assert_eq!(end("a"), "plain value");
        assert_eq!(end("b"), "\"q \\\" x\"");
        assert_eq!(end("c"), "'it''s'");
    }

    #[test]
    fn problems_name_file_line_and_field() {
        let text = "\
gpus:
  a10g:
    name: NVIDIA A10G
    priced_as: test
    gpus_per_instance: 1
    on_demand_per_gpu_hour: -1.03
    spot_price_factor: 1.5
    memory_gb: 24
    memory_bandwidth_gb_per_s: 600
    bf16_dense_tflops: 70
    as_of: 2024-02-30
    source: test
    spec_source: test
";
        let err = Catalog::from_text(text, "gpus.yaml").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("gpus.yaml:6:29: gpus.a10g.on_demand_per_gpu_hour: expected a price"),
            "{msg}"
        );
        assert!(
            msg.contains("gpus.yaml:7:24: gpus.a10g.spot_price_factor"),
            "{msg}"
        );
        assert!(
            msg.contains("gpus.yaml:11:12: gpus.a10g.as_of: expected a date written YYYY-MM-DD that exists, found `2024-02-30`"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_fields_suggest_the_nearest_field() {
        let text = "api:\n  m:\n    provider: x\n    input_per_1m_tokns: 1\n";
        let msg = Catalog::from_text(text, "api.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("api.yaml:4:5: api.m: unknown field `input_per_1m_tokns`; did you mean `input_per_1m_tokens`?"),
            "{msg}"
        );
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        let text = "api:\n  m: {provider: x}\n  m: {provider: y}\n";
        let msg = Catalog::from_text(text, "api.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("api.yaml:3:3: api.m: `m` is given twice"),
            "{msg}"
        );
    }

    fn added(name: &str) -> Change {
        Change::Added {
            name: name.to_string(),
            provider: "openai".to_string(),
            input_per_1m_tokens: 1.0,
            output_per_1m_tokens: 2.0,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            source: "test".to_string(),
        }
    }

    const ADDED: &str = "  new-model:\n    provider: openai\n    input_per_1m_tokens: 1.00\n    output_per_1m_tokens: 2.00\n    as_of: 2026-11-01\n    source: \"test\"\n";

    #[test]
    fn added_entries_go_after_the_last_entry_whatever_the_file_looks_like() {
        let entry = "  m:\n    provider: x\n    input_per_1m_tokens: 1\n    output_per_1m_tokens: 1\n    as_of: 2024-01-01\n    source: s\n";
        let cases = [
            // No api section: one is appended, with a newline before it.
            ("gpus: {}".to_string(), format!("gpus: {{}}\napi:\n{ADDED}")),
            (String::new(), format!("api:\n{ADDED}")),
            // The last value a block scalar, then another section.
            (
                format!("api:\n{entry}    notes: |\n      two\n      lines\ngpus: {{}}\n"),
                format!("api:\n{entry}    notes: |\n      two\n      lines\n{ADDED}gpus: {{}}\n"),
            ),
            // No newline at the end of the file.
            (
                format!("api:\n{}", entry.trim_end()),
                format!("api:\n{entry}{ADDED}"),
            ),
        ];
        for (text, expected) in cases {
            let file = ApiPriceFile::parse(&text, "api.yaml").unwrap();
            let out = render_api_prices(&file, &[added("new-model")]).unwrap();
            assert_eq!(out, expected, "from {text:?}");
        }
    }

    #[test]
    fn crlf_line_endings_and_a_byte_order_mark_are_kept() {
        let text = "\u{feff}api:\r\n  m:\r\n    provider: x\r\n    input_per_1m_tokens: 1\r\n    output_per_1m_tokens: 1\r\n    as_of: 2024-01-01\r\n    source: s\r\n";
        let file = ApiPriceFile::parse(text, "api.yaml").unwrap();
        let out = render_api_prices(&file, &[added("new-model")]).unwrap();
        assert_eq!(out, format!("{text}{}", ADDED.replace('\n', "\r\n")));
    }

    #[test]
    fn an_empty_or_inline_api_section_is_not_appended_to() {
        for text in ["api: {}\n", "api: {m: {provider: x, input_per_1m_tokens: 1, output_per_1m_tokens: 1, as_of: 2024-01-01, source: s}}\n"] {
            let file = ApiPriceFile::parse(text, "api.yaml").unwrap();
            let err = render_api_prices(&file, &[added("new-model")]).unwrap_err();
            assert!(err.to_string().starts_with("api.yaml:1:1: api: cannot rewrite"), "{err}");
        }
    }
}
