//! Words both the plan and the catalogue use in their messages.

/// serde_yaml says "baseline: missing field `x` at line 3 column 3": the
/// position is dropped (it is reported separately), and the field path is
/// split off when `is_path` accepts the text before the first `: `. Returns
/// the field path (empty if none) and the rest of the message.
pub fn split_serde_message(msg: &str, is_path: impl Fn(&str) -> bool) -> (&str, &str) {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    match msg.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && is_path(path) => (path, rest),
        _ => ("", msg),
    }
}

/// The names between backticks in a serde message.
pub fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// Edit distance with adjacent transpositions (optimal string alignment),
/// ignoring case.
fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(&a.to_lowercase(), &b.to_lowercase())
}

/// The allowed name closest to `name`, if it is close enough to be a typo:
/// at most two edits, or a third of the allowed name's length.
pub fn did_you_mean<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    if name.chars().count() > 64 {
        return None;
    }
    allowed
        .iter()
        .map(|a| (distance(name, a), *a))
        .filter(|(d, a)| *d <= 2 || *d * 3 <= a.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// The known names nearest to `name`, best first, at most three: names equal
/// but for case and the separators `-`, `_`, `.` and space come first, then
/// names within a few edits (optimal string alignment distance). Names
/// longer than `max_chars` get none.
pub fn nearest_names<'a>(
    name: &str,
    known: impl IntoIterator<Item = &'a str>,
    max_chars: usize,
) -> Vec<&'a str> {
    if name.chars().count() > max_chars {
        return Vec::new();
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = squash(name);
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            if squash(k) == wanted {
                return Some((0, k));
            }
            let d = distance(name, k) + 1;
            let len = k.chars().count().max(name.chars().count());
            (d <= 3 || d * 3 <= len).then_some((d, k))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// `; did you mean `x`?` for the best of `near`, else nothing.
pub fn suggestion(near: &[&str]) -> Option<String> {
    near.first().map(|n| format!("; did you mean `{n}`?"))
}

/// At most 60 characters of a file's text, for messages.
pub fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distance_counts_transpositions_once_and_ignores_case() {
        let cases = [
            ("", "", 0),
            ("abc", "abc", 0),
            ("dya", "day", 1),
            ("kitten", "sitting", 3),
            ("LoRA", "lora", 0),
            ("ca", "abc", 3),
        ];
        for (a, b, d) in cases {
            assert_eq!(distance(a, b), d, "{a} / {b}");
        }
    }

    #[test]
    fn a_typo_gets_the_closest_name() {
        assert_eq!(
            did_you_mean("instnace", &["instance", "instances"]),
            Some("instance")
        );
        assert_eq!(did_you_mean("zebra", &["instance", "runs"]), None);
        assert_eq!(did_you_mean(&"x".repeat(65), &["x"]), None);
    }

    #[test]
    fn nearest_names_put_separator_typos_first() {
        let known = ["a10g", "l4", "a100_40g", "a100_80g", "h100"];
        let near = |name: &str| nearest_names(name, known, 400);
        assert_eq!(near("a100-80g")[0], "a100_80g");
        assert_eq!(near("A100_80GB")[0], "a100_80g");
        assert_eq!(near("a10")[0], "a10g");
        assert!(near("tpu-v5e-podslice").is_empty());
        assert!(nearest_names("a10", known, 2).is_empty());
        assert_eq!(suggestion(&near("a10")).unwrap(), "; did you mean `a10g`?");
    }

    #[test]
    fn serde_messages_split_into_field_and_text() {
        let plain = |p: &str| !p.contains(' ');
        assert_eq!(
            split_serde_message("api.m: missing field `x` at line 3 column 3", plain),
            ("api.m", "missing field `x`")
        );
        assert_eq!(
            split_serde_message("missing field `plan`", plain),
            ("", "missing field `plan`")
        );
        assert_eq!(split_serde_message("a b: c", plain), ("", "a b: c"));
        assert_eq!(backticked("x `a`, `b` y"), ["a", "b"]);
        assert_eq!(shorten(&"é".repeat(61)), format!("{}…", "é".repeat(60)));
    }
}
