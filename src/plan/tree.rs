//! Helpers over a parsed YAML tree (serde_yaml values) that the schema
//! check and the range extraction share.

use serde_yaml::Value as Yaml;

/// A YAML value without its tags (serde_yaml ignores tags when it deserializes).
pub(super) fn untag(v: &Yaml) -> &Yaml {
    let mut v = v;
    while let Yaml::Tagged(t) = v {
        v = &t.value;
    }
    v
}

/// A mapping key as text, as serde reads it into a field name.
pub(super) fn key_text(k: &Yaml) -> Option<String> {
    match untag(k) {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Null => Some("~".to_string()),
        _ => None,
    }
}
