//! What the spec table tells the reader: the starter plan `init` writes, the
//! plan reference in `docs/plan-reference.md` and the JSON Schema's defaults
//! and bounds.

use serde_json::Value as Json;

use super::spec::{Fill, InputSpec, ENGINEERING_PHASE, INPUTS, REQUESTS_OBSERVED};
use super::Group;
use crate::format::Unit;

/// The column the starter plan's comments start at.
const COMMENT_COLUMN: usize = 27;

/// One line of the starter plan.
enum Line {
    /// Written as it is.
    Text(&'static str),
    /// An input at `path` with an example value and a comment ("" for none).
    Example(&'static str, &'static str, &'static str),
    /// As `Example`, its comment at a column of its own.
    ExampleAt(&'static str, &'static str, &'static str, usize),
    /// An input left at its default: commented out, with a comment in which
    /// `{default}` stands for the default.
    Default(&'static str, &'static str),
}

use Line::{Default, Example, ExampleAt, Text};

/// The starter plan: the worked example, every field explained.
const STARTER: &[Line] = &[
    Text("# A finetune-roi plan: should we fine-tune an open model instead of paying"),
    Text("# for the API? Replace the figures with yours, then run"),
    Text("#   finetune-roi check plan.yaml    # validate"),
    Text("#   finetune-roi run plan.yaml      # workbook, memo and JSON in output/"),
    Text("#"),
    Text("# For completion and checking in your editor (YAML language server), save the"),
    Text("# schema beside this file and keep the next line:"),
    Text("#   finetune-roi schema > plan.schema.json"),
    Text("# yaml-language-server: $schema=plan.schema.json"),
    Text(""),
    Text("plan: Customer support chatbot, GPT-6 Sol to a fine-tuned 7B   # a title"),
    Text("as_of: 2026-11-01          # when the figures were gathered, YYYY-MM-DD"),
    Example(
        "lifetime_months",
        "18",
        "amortization period, a whole number of months >= 1",
    ),
    Text("owner: Support engineering # optional"),
    Text("notes: >-                  # optional; shown in the memo"),
    Text("  Where the figures come from."),
    Default("days_per_month", "optional; {default} unless given"),
    Default(
        "hours_per_day",
        "optional; hours a day the serving instances run",
    ),
    Text(""),
    Text("baseline:                  # the API paid today"),
    Example(
        "baseline.api",
        "gpt-6-sol",
        "a catalogue name: its prices apply (prices show gpt-6-sol)",
    ),
    Text("  # input_price_per_1m_tokens and output_price_per_1m_tokens: dollars per"),
    Text("  # million tokens, only in place of the named entry's (a differing price is"),
    Text("  # warned), or without a name"),
    Example("baseline.requests_per_day", "50000", ""),
    Example("baseline.avg_input_tokens_per_request", "500", ""),
    Example("baseline.avg_output_tokens_per_request", "200", ""),
    Default(
        "baseline.cached_input_share",
        "optional: share of prompt tokens billed at the cached price",
    ),
    Default(
        "baseline.batch_share",
        "optional: share of requests sent through the batch API",
    ),
    Default(
        "baseline.reasoning_tokens_per_request",
        "optional: thinking tokens, billed as output",
    ),
    Text("  # service_tier: standard # optional: standard | priority | flex"),
    Text(""),
    Text("fine_tuned:"),
    Example(
        "fine_tuned.model_size_b",
        "7",
        "billions of parameters, > 0",
    ),
    Example("fine_tuned.method", "lora", "lora | qlora | full"),
    Text(""),
    Text("compute:                   # component 1: training runs"),
    Example("compute.runs", "8", "a whole number; 5 to 15 is typical"),
    Example(
        "compute.cost_per_run",
        "12.0",
        "dollars; omit it to estimate it from `training`",
    ),
    Text("  training:                # optional: the training-cost estimate"),
    Example("compute.training.dataset_examples", "50000", ""),
    Example("compute.training.avg_seq_len", "512", "tokens per example"),
    Example("compute.training.epochs", "3", "> 0"),
    Example(
        "compute.training.instance",
        "a10g",
        "benchmark rows exist for a10g and a100_80g",
    ),
    Example(
        "compute.training.spot",
        "true",
        "true or false (not yes/no)",
    ),
    Text(""),
    Text("engineering:               # component 2: people"),
    Example("engineering.hourly_rate", "150", "dollars per hour"),
    Text(
        "  hours: {data: 40, experiments: 20, evaluation: 24, deployment: 16}   # any phase names",
    ),
    Text(""),
    Text("serving:                   # component 3: infrastructure"),
    Example(
        "serving.instance",
        "a10g",
        "a catalogue name: its price applies (prices show a10g)",
    ),
    Example("serving.instances", "2", "a whole number >= 1"),
    Text("  # cost_per_hour: dollars per instance-hour, only in place of the named"),
    Text("  # instance's (a differing price is warned), or without a name"),
    ExampleAt(
        "serving.throughput_tokens_per_second",
        "5000",
        "optional: per instance; enables the capacity check",
        39,
    ),
    Default(
        "serving.target_utilization",
        "optional: share of capacity to plan for, above 0 and at most 1",
    ),
    Text(""),
    Text("quality:                   # component 4: human review"),
    Example(
        "quality.review_rate_api",
        "0.02",
        "a fraction from 0 to 1: 0.02 means 2% of responses",
    ),
    Example("quality.review_rate_ft", "0.05", ""),
    Example("quality.cost_per_review", "5.0", "dollars"),
    Text(""),
    Text("decision:                  # optional: the decision factors"),
    Example("decision.task_consistency", "high", "high | medium | low"),
    Example("decision.latency_requirement_ms", "800", ""),
    ExampleAt(
        "decision.quality_requirement",
        "medium",
        "high | medium | low",
        37,
    ),
    Example("decision.team_ml_expertise", "true", ""),
    Example("decision.iteration_speed_priority", "false", ""),
];

/// The spec of the input the plan writes at `path`.
pub fn at_path(path: &str) -> Option<&'static InputSpec> {
    INPUTS.iter().find(|s| s.path == path)
}

/// `key: value`, indented by the path's depth, with the comment at `column`.
fn example_line(path: &str, value: &str, comment: &str, column: usize) -> String {
    let depth = path.matches('.').count();
    let key = path.rsplit('.').next().unwrap_or(path);
    let line = format!("{}{key}: {value}", "  ".repeat(depth));
    commented(line, comment, column)
}

fn commented(line: String, comment: &str, column: usize) -> String {
    if comment.is_empty() {
        line
    } else {
        let column = column.max(line.chars().count() + 1);
        format!("{line:<column$}# {comment}")
    }
}

/// The starter plan `init` writes: `finetune-roi check` accepts it as it is.
///
/// # Panics
/// When a line names a path no input spec has (a test renders it).
pub fn starter_plan() -> String {
    let spec = |path: &str| at_path(path).unwrap_or_else(|| panic!("no input at {path}"));
    let mut out = String::new();
    for line in STARTER {
        let text = match *line {
            Text(t) => t.to_string(),
            Example(path, value, comment) => {
                example_line(spec(path).path, value, comment, COMMENT_COLUMN)
            }
            ExampleAt(path, value, comment, column) => {
                example_line(spec(path).path, value, comment, column)
            }
            Default(path, comment) => {
                let s = spec(path);
                let value = s.default.map_or(String::new(), |d| d.value.to_string());
                let key = path.rsplit('.').next().unwrap_or(path);
                let indent = "  ".repeat(path.matches('.').count());
                let comment = comment.replace("{default}", &value);
                commented(
                    format!("{indent}# {key}: {value}"),
                    &comment,
                    COMMENT_COLUMN,
                )
            }
        };
        out.push_str(&text);
        out.push('\n');
    }
    out
}

/// The inputs a plan may leave out and that then take a documented
/// constant: written in the plan, with a default, outside the decision
/// factors (whose defaults are the neutral answers).
pub fn documented_defaults() -> impl Iterator<Item = &'static InputSpec> {
    INPUTS.iter().filter(|s| {
        matches!(s.fill, Fill::Plan(_)) && s.default.is_some() && s.group != Group::Decision
    })
}

/// Adds each input's default, bounds and doc to the plan's JSON Schema (as
/// [`crate::plan::json_schema`] makes it), where the schema has the field.
pub fn annotate_schema(schema: &mut Json) {
    for s in INPUTS
        .iter()
        .filter(|s| !s.path.is_empty() && !s.path.contains('{'))
    {
        let Some(pointer) = pointer_to(schema, s.path) else {
            continue;
        };
        let Some(Json::Object(node)) = schema.pointer_mut(&pointer) else {
            continue;
        };
        if !node.contains_key("description") {
            node.insert("description".to_string(), Json::from(s.doc));
        }
        if !matches!(s.unit, Unit::Text | Unit::YesNo) {
            let b = s.bounds;
            if b.min.is_finite() {
                let key = if b.min_inclusive {
                    "minimum"
                } else {
                    "exclusiveMinimum"
                };
                node.insert(key.to_string(), Json::from(b.min));
            }
            if let Some(max) = b.max {
                node.insert("maximum".to_string(), Json::from(max));
            }
            if let Some(d) = s.default {
                node.insert("default".to_string(), Json::from(d.value));
            }
        }
    }
}

/// The JSON pointer of the schema node of the field at `path`, following
/// `$ref`s into the definitions.
fn pointer_to(schema: &Json, path: &str) -> Option<String> {
    let mut base = String::new();
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let pointer = format!("{base}/properties/{segment}");
        let property = schema.pointer(&pointer)?;
        if segments.peek().is_none() {
            return Some(pointer);
        }
        let reference = find_ref(property)?;
        base = reference.strip_prefix('#')?.to_string();
    }
    None
}

/// Whether `path` (dotted, `{placeholder}` for a map's key) names a field of
/// the plan's schema: each segment a property of the object before it, or
/// any key of a map. The spec's path and the serde field are two statements
/// of one fact; this compares them.
pub fn schema_has_path(schema: &Json, path: &str) -> bool {
    let mut node = schema;
    for segment in path.split('.') {
        let object = match find_ref(node).and_then(|r| schema.pointer(r.strip_prefix('#')?)) {
            Some(target) => target,
            None => node,
        };
        let next = if segment.starts_with('{') {
            object.get("additionalProperties")
        } else {
            object.get("properties").and_then(|p| p.get(segment))
        };
        match next {
            Some(n) if n.is_object() => node = n,
            _ => return false,
        }
    }
    true
}

/// The inputs whose path names where they belong but that a plan does not
/// write: a fixed conversion, the GPU catalogue's figures, a figure the
/// method decides.
pub const NOT_WRITTEN_IN_A_PLAN: [&str; 4] = [
    "seconds_per_hour",
    "compute.training.gpu_bf16_tflops",
    "compute.training.flops_per_parameter_token",
    "serving.gpu_memory_gb",
];

/// The spec paths that name no field of the plan's schema (a mistyped path
/// would point `check` at the wrong line and lose the schema's bounds), but
/// for [`NOT_WRITTEN_IN_A_PLAN`].
pub fn unresolved_spec_paths() -> Vec<&'static str> {
    let schema = crate::plan::json_schema();
    all_specs()
        .map(|s| s.path)
        .filter(|path| !NOT_WRITTEN_IN_A_PLAN.contains(path))
        .filter(|path| !schema_has_path(&schema, path))
        .collect()
}

/// The first `$ref` of a node, or of its `allOf`/`anyOf` alternatives.
fn find_ref(node: &Json) -> Option<&str> {
    if let Some(r) = node.get("$ref").and_then(Json::as_str) {
        return Some(r);
    }
    ["allOf", "anyOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Json::as_array))
        .flatten()
        .find_map(|alt| alt.get("$ref").and_then(Json::as_str))
}

/// The plan reference, `docs/plan-reference.md`: every field a plan may
/// write, read off the plan's JSON Schema, with the unit, default, allowed
/// values and meaning the spec table gives it. Sections follow the spec
/// table's order; a test holds the file equal to this text.
pub fn plan_reference() -> String {
    let schema = crate::plan::json_schema();
    let mut fields = Vec::new();
    walk(&schema, &schema, "", true, &mut fields);
    let order = |path: &str| {
        all_specs()
            .position(|s| s.path == path)
            .unwrap_or(usize::MAX)
    };
    let section_of = |path: &str| {
        path.split_once('.')
            .map_or(String::new(), |(head, _)| head.to_string())
    };
    let mut sections: Vec<String> = Vec::new();
    for f in &fields {
        let section = section_of(&f.path);
        if !sections.contains(&section) {
            sections.push(section);
        }
    }
    let first = |section: &str| {
        fields
            .iter()
            .filter(|f| section_of(&f.path) == section)
            .map(|f| order(&f.path))
            .min()
            .unwrap_or(usize::MAX)
    };
    sections.sort_by_key(|s| (!s.is_empty(), first(s)));

    let mut out = String::from(REFERENCE_HEAD);
    for section in &sections {
        let title = if section.is_empty() {
            "The plan's own fields".to_string()
        } else {
            format!("`{section}`")
        };
        let doc = schema
            .pointer(&format!("/properties/{section}/description"))
            .and_then(Json::as_str)
            .map(one_line);
        out.push_str(&format!("\n## {title}\n\n"));
        if let Some(doc) = doc {
            out.push_str(&format!("{doc}\n\n"));
        }
        out.push_str("| field | meaning | unit | default | allowed |\n|---|---|---|---|---|\n");
        let mut rows: Vec<&Field> = fields
            .iter()
            .filter(|f| &section_of(&f.path) == section)
            .collect();
        // The fields the spec table does not hold (the title, the date, the
        // owner) first, then the table's order.
        rows.sort_by_key(|f| {
            let at = order(&f.path);
            (at != usize::MAX, at, f.path.clone())
        });
        for f in rows {
            out.push_str(&row(f));
        }
    }
    out
}

const REFERENCE_HEAD: &str = "# Plan reference

Every field a plan may write. This page is generated from the program's table
of inputs and the plan's JSON Schema (`finetune-roi schema`), so it says what
the program does; do not edit it by hand. After a change to an input,
`BLESS=1 cargo test --release --test main plan_reference` rewrites it.

Any number may also be written as a range, `[low, high]` or
`{low: 20, base: 30, high: 60}` (base defaults to the midpoint): the figures
use the base and the simulation draws from the range. A field with a default
may be left out. `{phase}` and `{month}` stand for names you choose (an
engineering phase; an observed month, written YYYY-MM).
";

/// One field of the plan, as the schema describes it.
struct Field {
    path: String,
    description: Option<String>,
    /// The values it may take, when the schema lists them.
    choices: Vec<String>,
    kind: &'static str,
    /// The plan must write it.
    required: bool,
}

/// Every spec with a plan path, the dedicated ones included.
fn all_specs() -> impl Iterator<Item = &'static InputSpec> {
    INPUTS
        .iter()
        .chain([&ENGINEERING_PHASE, &REQUESTS_OBSERVED])
        .filter(|s| !s.path.is_empty())
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fields under `node`, found at `path`, appended to `out`.
fn walk(schema: &Json, node: &Json, path: &str, required: bool, out: &mut Vec<Field>) {
    let target = find_ref(node)
        .and_then(|r| schema.pointer(r.strip_prefix('#')?))
        .unwrap_or(node);
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    if let Some(properties) = target.get("properties").and_then(Json::as_object) {
        let needed = |key: &str| {
            target
                .get("required")
                .and_then(Json::as_array)
                .is_some_and(|r| r.iter().any(|k| k == key))
        };
        for (key, child) in properties {
            walk(schema, child, &join(key), needed(key), out);
        }
        return;
    }
    let map = [node, target]
        .iter()
        .find_map(|n| n.get("additionalProperties").filter(|a| a.is_object()));
    if let Some(entry) = map {
        // The name the spec table gives a key of this map, such as `{phase}`.
        let prefix = format!("{path}.{{");
        let placeholder = all_specs()
            .find_map(|s| {
                let rest = s.path.strip_prefix(&prefix)?;
                Some(format!("{{{}", rest.split('.').next()?))
            })
            .unwrap_or_else(|| "{name}".to_string());
        walk(schema, entry, &join(&placeholder), false, out);
        return;
    }
    let description = [node, target]
        .iter()
        .find_map(|n| n.get("description").and_then(Json::as_str))
        .map(one_line);
    let choices = choices(target);
    let types = kinds(node);
    let kind = if types.contains(&"number") || types.contains(&"integer") {
        "number"
    } else if types.contains(&"boolean") {
        "true or false"
    } else if types.contains(&"array") {
        "a list"
    } else {
        "text"
    };
    out.push(Field {
        path: path.to_string(),
        description,
        choices,
        kind,
        required,
    });
}

/// The values an enumeration allows.
fn choices(node: &Json) -> Vec<String> {
    let texts = |values: &Json| {
        values
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    if let Some(values) = node.get("enum") {
        return texts(values);
    }
    ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Json::as_array))
        .flatten()
        .flat_map(|alt| {
            alt.get("const")
                .and_then(Json::as_str)
                .map(|c| vec![c.to_string()])
                .or_else(|| alt.get("enum").map(texts))
                .unwrap_or_default()
        })
        .collect()
}

/// The JSON types a node (or its first alternative) allows.
fn kinds(node: &Json) -> Vec<&str> {
    let own = match node.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    if !own.is_empty() {
        return own;
    }
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Json::as_array))
        .flatten()
        .flat_map(kinds)
        .collect()
}

/// A row of the reference's table.
fn row(f: &Field) -> String {
    let spec = all_specs().find(|s| s.path == f.path);
    let meaning = spec
        .map(|s| s.doc.to_string())
        .or_else(|| f.description.clone())
        .unwrap_or_default();
    let unit = spec.map_or("", |s| s.unit.label());
    let default = spec.map_or(String::new(), |s| match s.fill {
        Fill::Text(_, Some((value, _))) => format!("`{value}`"),
        Fill::YesNo(_, (value, _)) => format!("`{value}`"),
        _ => s
            .default
            .map_or(String::new(), |d| format!("`{}`", d.value)),
    });
    let default = if default.is_empty() && f.required {
        "required".to_string()
    } else {
        default
    };
    let allowed = if !f.choices.is_empty() {
        f.choices
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        match spec {
            Some(s) if f.kind == "number" && !matches!(s.unit, Unit::Text | Unit::YesNo) => {
                s.bounds.expected()
            }
            _ => f.kind.to_string(),
        }
    };
    let cell = |text: &str| text.replace('|', "\\|");
    format!(
        "| `{}` | {} | {} | {} | {} |\n",
        f.path,
        cell(&meaning),
        cell(unit),
        cell(&default),
        cell(&allowed)
    )
}
