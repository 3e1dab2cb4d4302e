//! Where each field of a file stands.

use std::collections::HashMap;

/// Field positions are recorded until their paths take this many bytes.
const MAX_LOCATOR_BYTES: usize = 4 * 1024 * 1024;

/// Where each field of a file stands, by field path
/// (`baseline.requests_per_day`, `options[0].id`), as line and column.
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

    /// Notes where a field's key stands (the first time only).
    pub fn record_key(&mut self, path: &str, pos: (usize, usize)) {
        self.record(true, path, pos);
    }

    /// Notes where a field's value starts (the first time only).
    pub fn record_value(&mut self, path: &str, pos: (usize, usize)) {
        self.record(false, path, pos);
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
