//! serde_yaml's messages about a plan, in the words of a plan's author, and
//! the hints for values that are almost right.

use super::MAX_DEPTH;
use crate::yaml::words::{backticked, did_you_mean, shorten};

/// serde_yaml says "baseline: missing field `x` at line 3 column 3"; split off
/// the field path and the position (which is reported separately), and put
/// the rest in plain words.
pub(super) fn split_serde_message(msg: &str) -> (String, String) {
    let is_path = |path: &str| {
        path.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']')
    };
    let (path, rest) = crate::yaml::words::split_serde_message(msg, is_path);
    (path.to_string(), plain_words(rest))
}

/// Rewrites serde's wording ("invalid type: string \"x\", expected f64") in
/// the words of a plan's author ("expected a number, found the text \"x\"").
pub(super) fn plain_words(message: &str) -> String {
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
    if let Some(words) = wrong_type(message) {
        return words;
    }
    if message.contains("recursion limit exceeded") {
        return format!("the plan nests deeper than {MAX_DEPTH} levels; refused");
    }
    message.to_string()
}

/// "invalid type: string \"x\", expected f64" in plain words.
fn wrong_type(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let expected = match expected {
        "f64" | "f32" | "i64" | "u64" | "i32" | "u32" | "usize" => "a number",
        "a string" | "a borrowed string" | "string" => "text",
        "a boolean" => "true or false",
        e if e.starts_with("struct ") || e == "a map" => "a mapping of fields",
        e => e,
    };
    let (found, hint) = found_words(found, expected);
    Some(format!("expected {expected}, found {found}{hint}"))
}

/// What serde found (`string "x"`, `integer `16``, `sequence`), in words,
/// with a hint when `expected` is a number or a boolean.
fn found_words(found: &str, expected: &str) -> (String, String) {
    if let Some(s) = found.strip_prefix("string ") {
        let text = s.trim_matches('"');
        let hint = match expected {
            "a number" => number_hint(text),
            "true or false" => boolean_hint(text),
            _ => String::new(),
        };
        (format!("the text {s}"), hint)
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
    }
}

pub(super) fn unknown_field(name: &str, best: Option<&str>, allowed: &[&str]) -> String {
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

pub(super) fn not_a_choice(found: &str, name: &str, allowed: &[&str]) -> String {
    let mut msg = format!("expected one of {}, found {found}", allowed.join(", "));
    if let Some(best) = did_you_mean(name, allowed) {
        msg.push_str(&format!("; did you mean `{best}`?"));
    }
    msg
}

/// Why text that was meant as a number is not one.
pub(super) fn number_hint(s: &str) -> String {
    let t = s.trim();
    if let Ok(x) = t.parse::<f64>() {
        return if x.is_finite() {
            " (a quoted or tagged number is text: write the number bare, without quotes or a tag)"
                .to_string()
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
pub(super) fn boolean_hint(s: &str) -> String {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "no" | "on" | "off" | "y" | "n" => {
            " (in YAML 1.2 `yes`, `no`, `on` and `off` are text, not booleans: write true or false)"
                .to_string()
        }
        _ => " (write true or false)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn number_and_boolean_hints() {
        let cases = [
            ("5", "without quotes or a tag"),
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
}
