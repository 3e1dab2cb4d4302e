//! The plan file as written: serde types that mirror the YAML, and the loader
//! that reads a file safely and reports problems with file, line and field.
//!
//! These types stay dumb: they accept what the file says and nothing more
//! (`deny_unknown_fields`). Ranges, defaults and meaning are the job of
//! [`crate::inputs`].

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use yaml_rust2::parser::{Event, Parser};

/// Plans larger than this are refused before parsing.
pub const MAX_PLAN_BYTES: usize = 1024 * 1024;
/// Deeper nesting than this is refused before parsing.
pub const MAX_DEPTH: usize = 32;
/// The most YAML nodes a plan may expand to, aliases included.
pub const MAX_NODES: usize = 100_000;

/// The whole plan, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    pub plan: String,
    pub as_of: String,
    pub lifetime_months: f64,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub days_per_month: Option<f64>,
    #[serde(default)]
    pub hours_per_day: Option<f64>,
    /// Monthly growth of the traffic, for the cash-flow timeline (0.02 = 2%).
    #[serde(default)]
    pub volume_growth_per_month: Option<f64>,
    pub baseline: RawBaseline,
    pub fine_tuned: RawFineTuned,
    pub compute: RawCompute,
    pub engineering: RawEngineering,
    pub serving: RawServing,
    pub quality: RawQuality,
    #[serde(default)]
    pub decision: Option<RawDecision>,
}

/// Today's API traffic and prices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBaseline {
    #[serde(default)]
    pub api: Option<String>,
    pub input_price_per_1m_tokens: f64,
    pub output_price_per_1m_tokens: f64,
    pub requests_per_day: f64,
    pub avg_input_tokens_per_request: f64,
    pub avg_output_tokens_per_request: f64,
}

/// Fine-tuning methods the seed's benchmarks know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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

/// The proposed model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFineTuned {
    pub model_size_b: f64,
    pub method: Method,
    #[serde(default)]
    pub name: Option<String>,
}

/// Component 1: the training runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompute {
    pub runs: f64,
    #[serde(default)]
    pub cost_per_run: Option<f64>,
    #[serde(default)]
    pub training: Option<RawTraining>,
}

/// The inputs of the training-cost estimate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTraining {
    pub dataset_examples: f64,
    pub avg_seq_len: f64,
    pub epochs: f64,
    pub instance: String,
    #[serde(default)]
    pub spot: Option<bool>,
    #[serde(default)]
    pub tokens_per_second: Option<f64>,
    #[serde(default)]
    pub num_gpus: Option<f64>,
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    #[serde(default)]
    pub spot_price_factor: Option<f64>,
    #[serde(default)]
    pub overhead_fraction: Option<f64>,
}

/// Component 2: engineering time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEngineering {
    pub hourly_rate: f64,
    pub hours: IndexMap<String, f64>,
}

/// Component 3: serving infrastructure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServing {
    #[serde(default)]
    pub instance: Option<String>,
    pub instances: f64,
    pub cost_per_hour: f64,
    #[serde(default)]
    pub throughput_tokens_per_second: Option<f64>,
    #[serde(default)]
    pub target_utilization: Option<f64>,
    #[serde(default)]
    pub storage_bytes_per_parameter: Option<f64>,
    #[serde(default)]
    pub storage_price_per_gb_month: Option<f64>,
}

/// Component 4: human review.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuality {
    pub review_rate_api: f64,
    pub review_rate_ft: f64,
    pub cost_per_review: f64,
}

/// A three-level rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecision {
    #[serde(default)]
    pub task_consistency: Option<Level>,
    #[serde(default)]
    pub latency_requirement_ms: Option<f64>,
    #[serde(default)]
    pub quality_requirement: Option<Level>,
    #[serde(default)]
    pub team_ml_expertise: Option<bool>,
    #[serde(default)]
    pub iteration_speed_priority: Option<bool>,
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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.field, self.message)
        }
    }
}

/// Where each field of the plan stands in the file: field path → (line, column).
#[derive(Debug, Default, Clone)]
pub struct Locator {
    positions: HashMap<String, (usize, usize)>,
}

impl Locator {
    /// The position of a field path, or of its nearest written parent.
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return None,
            }
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
}

/// Reads and parses a plan file. Every error names the file; structural
/// errors carry a line and column.
pub fn load(path: &Path) -> Result<LoadedPlan, Vec<Diagnostic>> {
    let display_name = path.display().to_string();
    let fail = |message: String| {
        vec![Diagnostic {
            file: display_name.clone(),
            line: None,
            column: None,
            field: String::new(),
            message,
        }]
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read the plan: {e}")))?;
    if meta.len() > MAX_PLAN_BYTES as u64 {
        return Err(fail(format!(
            "the plan is {} bytes; plans larger than {} bytes (1 MiB) are refused",
            meta.len(),
            MAX_PLAN_BYTES
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the plan: {e}")))?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let (raw, locator) = parse(&bytes, &display_name)?;
    Ok(LoadedPlan {
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
pub fn parse(bytes: &[u8], file: &str) -> Result<(RawPlan, Locator), Vec<Diagnostic>> {
    let diag = |line: Option<usize>, column: Option<usize>, field: String, message: String| {
        vec![Diagnostic {
            file: file.to_string(),
            line,
            column,
            field,
            message,
        }]
    };
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(diag(
            None,
            None,
            String::new(),
            format!("plans larger than {MAX_PLAN_BYTES} bytes (1 MiB) are refused"),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(diag(
                Some(line),
                None,
                String::new(),
                format!(
                    "the plan is not valid UTF-8 (bad byte at offset {}); save it as UTF-8",
                    e.valid_up_to()
                ),
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let locator = prescan(text).map_err(|(line, column, message)| {
        diag(Some(line), Some(column), String::new(), message)
    })?;
    let raw: RawPlan = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = match e.location() {
            Some(l) => (Some(l.line()), Some(l.column())),
            None => (None, None),
        };
        let (field, message) = split_serde_message(&e.to_string());
        let (line, column) = match (line, locator.find(&field)) {
            (None, Some((l, c))) => (Some(l), Some(c)),
            _ => (line, column),
        };
        diag(line, column, field, message)
    })?;
    Ok((raw, locator))
}

/// serde_yaml says "baseline: missing field `x` at line 3 column 3"; split off
/// the field path and the position (which is reported separately).
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
            (path.to_string(), explain(rest))
        }
        _ => (String::new(), explain(msg)),
    }
}

/// Adds a hint where YAML's rules surprise people.
fn explain(message: &str) -> String {
    if message.contains("expected a boolean") {
        format!(
            "{message} (write true or false; in YAML 1.2 `yes`, `no`, `on` and `off` are strings)"
        )
    } else {
        message.to_string()
    }
}

/// Walks the YAML event stream once before deserializing: refuses documents
/// that nest too deeply or expand (through aliases) to too many nodes, and
/// records where each field path stands.
fn prescan(text: &str) -> Result<Locator, (usize, usize, String)> {
    enum Frame {
        Map { key: Option<String>, path: String },
        Seq { index: usize, path: String },
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut locator = Locator::default();
    // Node counts per anchor, and the count of nodes in each open collection.
    let mut anchor_sizes: HashMap<usize, usize> = HashMap::new();
    let mut open_sizes: Vec<(usize, usize)> = Vec::new(); // (anchor id, nodes so far)
    let mut total_nodes: usize = 0;

    // The path a new node at the current position takes, and whether it is a key.
    fn node_path(stack: &[Frame]) -> (String, bool) {
        match stack.last() {
            None => (String::new(), false),
            Some(Frame::Map { key: None, path }) => (path.clone(), true),
            Some(Frame::Map { key: Some(k), path }) => (join(path, k), false),
            Some(Frame::Seq { index, path }) => (format!("{path}[{index}]"), false),
        }
    }
    fn join(path: &str, key: &str) -> String {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
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

    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let m = e.marker();
            let message = if e.info().contains("recursion limit") {
                format!("the plan nests deeper than {MAX_DEPTH} levels; refused")
            } else {
                format!("not valid YAML: {}", e.info())
            };
            (m.line(), m.col() + 1, message
            )
        })?;
        let (line, col) = (mark.line(), mark.col() + 1);
        let add_nodes = |n: usize, total: &mut usize, open: &mut Vec<(usize, usize)>| {
            *total = total.saturating_add(n);
            for (_, size) in open.iter_mut() {
                *size = size.saturating_add(n);
            }
            if *total > MAX_NODES {
                Err((
                    line,
                    col,
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
                    let full = join(&path, &value);
                    locator.positions.entry(full).or_insert((line, col));
                    if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                        *key = Some(value);
                    }
                } else {
                    locator.positions.entry(path).or_insert((line, col));
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
                    locator.positions.entry(path).or_insert((line, col));
                    value_done(&mut stack);
                }
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                add_nodes(1, &mut total_nodes, &mut open_sizes)?;
                if stack.len() >= MAX_DEPTH {
                    return Err((
                        line,
                        col,
                        format!("the plan nests deeper than {MAX_DEPTH} levels; refused"),
                    ));
                }
                let (path, is_key) = node_path(&stack);
                if is_key {
                    return Err((
                        line,
                        col,
                        "a mapping or list cannot be used as a key".to_string(),
                    ));
                }
                locator.positions.entry(path.clone()).or_insert((line, col));
                open_sizes.push((anchor, 1));
                if matches!(event, Event::MappingStart(..)) {
                    stack.push(Frame::Map { key: None, path });
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
                    return Err((line, col, "a plan file holds one YAML document".to_string()));
                }
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(locator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_finds_nested_fields() {
        let text = "plan: x\nbaseline:\n  requests_per_day: 5\n  list: [1, 2]\n";
        let loc = prescan(text).unwrap();
        assert_eq!(loc.find("baseline.requests_per_day"), Some((3, 3)));
        assert_eq!(loc.find("baseline"), Some((2, 1)));
        assert_eq!(loc.find("baseline.missing"), Some((2, 1)));
        assert_eq!(loc.find("baseline.list[1]"), Some((4, 13)));
    }

    #[test]
    fn refuses_quadratic_alias_expansion() {
        let mut text = String::from("a: &a [");
        text.push_str(&vec!["x"; 5000].join(","));
        text.push_str("]\nb: [");
        text.push_str(&vec!["*a"; 5000].join(","));
        text.push_str("]\n");
        let err = prescan(&text).unwrap_err();
        assert!(err.2.contains("expands to more than"), "{}", err.2);
    }

    #[test]
    fn refuses_deep_nesting() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = prescan(&text).unwrap_err();
        assert!(err.2.contains("nests deeper"), "{}", err.2);
    }

    #[test]
    fn splits_serde_paths() {
        let (f, m) = split_serde_message("baseline: missing field `x` at line 3 column 3");
        assert_eq!(f, "baseline");
        assert_eq!(m, "missing field `x`");
        let (f, m) = split_serde_message("missing field `plan`");
        assert_eq!(f, "");
        assert_eq!(m, "missing field `plan`");
    }
}
