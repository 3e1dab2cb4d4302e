//! Numbers written as ranges: `[low, high]` or `{low, base, high}`, in the
//! schema and in the YAML tree.

use crate::collections::IndexMap;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use super::tree::{key_text, untag};
use crate::yaml::join;

/// A number written as a range: `[low, high]` or `{low, base, high}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeSpec {
    pub low: f64,
    /// The value deterministic results use; the midpoint when not written.
    pub base: f64,
    pub high: f64,
}

/// Lets every number in the schema also be written as a range.
pub(super) fn allow_ranges(schema: &mut Json) {
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
pub(super) fn is_range_branch(schema: &Json) -> bool {
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
pub(super) fn extract_ranges(node: &mut Yaml, path: &str, out: &mut IndexMap<String, RangeSpec>) {
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
