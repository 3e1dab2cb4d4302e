//! The YAML tree of a plan checked against the plan's JSON Schema, so that
//! every problem is reported at once, in the words of a plan's author.

use std::collections::HashSet;

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use super::ranges::is_range_branch;
use super::tree::{key_text, untag};
use super::words::{boolean_hint, not_a_choice, number_hint, unknown_field};
use super::{json_schema, Diagnostic, Locator, MAX_PROBLEMS};
use crate::yaml::join;
use crate::yaml::words::{did_you_mean, shorten};

/// The YAML tree checked against the plan's JSON Schema: every unknown key,
/// missing field, wrong type and value outside its set, in file order.
pub(super) fn check_tree(tree: &Yaml, locator: &Locator, file: &str) -> Vec<Diagnostic> {
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
        let tag = match value {
            Yaml::Tagged(t) => Some(t.tag.to_string()),
            _ => None,
        };
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
            match (value, tag) {
                (_, Some(tag)) => mismatch(
                    self,
                    format!(
                        " written with the tag {tag} (remove the tag: a number is written bare)"
                    ),
                ),
                (Yaml::Number(_), None) => {}
                (Yaml::String(s), None) => mismatch(self, number_hint(s)),
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
