//! Options: alternatives to the plan, compared side by side.
//!
//! A plan may list `options`, each an `id` and the plan fields it changes. An
//! option is the plan with those fields merged over it, validated like any
//! plan; the model then evaluates it as a case of the plan's own model, with
//! the inputs that differ replaced, so the workbook computes every option with
//! the same formulas.

use serde_yaml::Value as Yaml;

use crate::catalog::Catalog;
use crate::inputs::{self, Inputs};
use crate::plan;
use crate::yaml::Diagnostic;

/// One option, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOption {
    pub id: String,
    pub label: String,
    pub inputs: Inputs,
    /// The plan paths the option writes (`engineering.hours.data`): its
    /// value there stands whatever the plan says.
    pub writes: Vec<String>,
}

/// The dotted paths of the values a mapping writes, nested mappings walked.
fn leaf_paths(map: &serde_yaml::Mapping, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Yaml::Mapping(inner) => leaf_paths(inner, &path, out),
            _ => out.push(path),
        }
    }
}

/// Merges `overlay` into `base`: mappings key by key, anything else replaced.
fn merge(base: &mut Yaml, overlay: &Yaml) {
    match (base, overlay) {
        (Yaml::Mapping(b), Yaml::Mapping(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn problem(file: &str, field: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: None,
        column: None,
        field: field.to_string(),
        message,
    }
}

/// Validates every option of a plan (its text, as read from `file`).
pub fn expand(
    text: &str,
    file: &str,
    sha256: &str,
    catalog: &Catalog,
    plan: &Inputs,
) -> Result<Vec<PlanOption>, Vec<Diagnostic>> {
    let Ok(mut base) = serde_yaml::from_str::<Yaml>(text) else {
        return Ok(Vec::new());
    };
    let Some(Yaml::Sequence(options)) = base.as_mapping_mut().and_then(|m| m.remove("options"))
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (k, option) in options.iter().enumerate() {
        let field = format!("options[{k}]");
        let (id, map) = match option_id(option, &out, file, &field) {
            Ok(found) => found,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let label = map
            .get("label")
            .and_then(Yaml::as_str)
            .unwrap_or(&id)
            .to_string();
        match validate_option(&base, map, &id, file, sha256, catalog) {
            Ok(inputs) => match unlike(plan, &inputs) {
                Some(message) => problems.push(problem(file, &field, message)),
                None => {
                    let mut writes = Vec::new();
                    leaf_paths(map, "", &mut writes);
                    out.push(PlanOption {
                        id,
                        label,
                        inputs,
                        writes,
                    })
                }
            },
            Err(ds) => problems.extend(ds.into_iter().map(|mut d| {
                // Lines of the merged text mean nothing to the reader.
                d.line = None;
                d.column = None;
                d.field = format!("{field}: {}", d.field);
                d
            })),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Why an option cannot be evaluated with the plan's formulas, if it
/// cannot: the options share the plan's model, so an option may change the
/// plan's inputs but not add parts the plan's model lacks.
fn unlike(plan: &Inputs, option: &Inputs) -> Option<String> {
    let (a, b) = (&plan.shape, &option.shape);
    let part = if a.phase_ids != b.phase_ids {
        "engineering phases the plan does not have (name the plan's phases; set one to 0 to leave it out)"
    } else if a.has_training != b.has_training {
        "`compute.training` where the plan has none, or the reverse"
    } else if a.cost_per_run_given != b.cost_per_run_given {
        "`compute.cost_per_run` where the plan has none, or the reverse"
    } else if a.has_throughput != b.has_throughput {
        "a serving throughput where the plan has none, or the reverse (give `serving.throughput_tokens_per_second` in the plan)"
    } else if a.has_serving_memory != b.has_serving_memory
        || a.has_training_flops != b.has_training_flops
    {
        "a catalogue GPU where the plan names none, or the reverse (name one in the plan too)"
    } else if let Some(extra) = option.items.iter().find(|i| {
        // A name (an offer, an API) is shown, not computed with: its figures are numbers.
        plan.get(&i.id).is_none() && !matches!(i.value, crate::value::Value::Text(_))
    }) {
        return Some(format!(
            "the option gives {} ({}), which the plan does not; the options share the plan's formulas, so give it in the plan too",
            extra.label, extra.id
        ));
    } else {
        return None;
    };
    Some(format!(
        "the option adds {part}; the options share the plan's formulas, so give it in the plan too"
    ))
}

/// An option's id, checked (well formed, not taken), with its mapping.
fn option_id<'a>(
    option: &'a Yaml,
    taken: &[PlanOption],
    file: &str,
    field: &str,
) -> Result<(String, &'a serde_yaml::Mapping), Diagnostic> {
    let Some(map) = option.as_mapping() else {
        return Err(problem(
            file,
            field,
            "expected a mapping with an `id` and the fields the option changes".to_string(),
        ));
    };
    let id = match map.get("id").and_then(Yaml::as_str) {
        Some(id)
            if !id.is_empty()
                && id.len() <= 40
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            id.to_string()
        }
        _ => {
            return Err(problem(
                file,
                &format!("{field}.id"),
                "expected an id of letters, digits, `_` or `-` (at most 40)".to_string(),
            ));
        }
    };
    if taken.iter().any(|o| o.id == id) || id == "plan" || id == "api" {
        return Err(problem(
            file,
            &format!("{field}.id"),
            format!(
                "the id `{id}` is taken; give each option its own (`plan` and `api` are reserved)"
            ),
        ));
    }
    Ok((id, map))
}

/// The plan with the option's fields merged over it, validated.
fn validate_option(
    base: &Yaml,
    map: &serde_yaml::Mapping,
    id: &str,
    file: &str,
    sha256: &str,
    catalog: &Catalog,
) -> Result<Inputs, Vec<Diagnostic>> {
    let mut overlay = map.clone();
    overlay.remove("id");
    overlay.remove("label");
    let mut merged = base.clone();
    merge(&mut merged, &Yaml::Mapping(overlay));
    let merged_text = serde_yaml::to_string(&merged).expect("a YAML tree prints");
    let name = format!("{file} (option {id})");
    plan::parse(merged_text.as_bytes(), &name).and_then(|(raw, locator)| {
        inputs::validate_raw_with(&raw, &locator, &name, sha256, catalog)
    })
}

/// The id of an option's value of an input (its defined name in the workbook).
pub fn option_input_id(k: usize, id: &str) -> String {
    format!("option_{}_{id}", k + 1)
}
