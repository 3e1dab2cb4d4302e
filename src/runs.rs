//! Dated runs on disk: the `YYYY-MM` folders of an output folder, a plan's
//! latest earlier month among them and its JSON document, which a run is
//! compared with ([`crate::analysis::changes`]); the lock that lets one run
//! write at a time ([`lock`]); a month staged and put in place whole
//! ([`month`]), keeping the JSON of each run of the month it replaces.

pub mod lock;
pub mod month;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::analysis::changes::Month;

/// The largest previous-run JSON document read, in bytes.
pub const MAX_PREVIOUS_BYTES: u64 = 16 * 1024 * 1024;

/// The dated run folders of `out` before `month`, the latest first: where a
/// plan's previous month is found, whatever reruns of `month` came before.
/// Folders not named `YYYY-MM` and links are ignored; a missing `out` has
/// none. A month folder is always a complete run ([`month`]).
pub fn previous_runs(out: &Path, month: Month) -> Vec<(Month, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut months: Vec<(Month, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let m: Month = e.file_name().to_str()?.parse().ok()?;
            (m < month).then(|| (m, e.path()))
        })
        .collect();
    months.sort_by_key(|m| std::cmp::Reverse(m.0));
    months
}

/// The previous month of the plan with this output stem: the `<stem>.json`
/// of the latest of `months` (from [`previous_runs`]) that has one.
pub fn find_previous(months: &[(Month, PathBuf)], stem: &str) -> Option<(Month, PathBuf)> {
    let name = format!("{stem}.json");
    months.iter().find_map(|(m, dir)| {
        let path = dir.join(&name);
        path.is_file().then_some((*m, path))
    })
}

/// Why a previous run's document could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}: the previous run's JSON cannot be read ({why}); it is not compared")]
pub struct PreviousError {
    pub file: String,
    pub why: String,
}

/// Reads a previous run's JSON document (at most [`MAX_PREVIOUS_BYTES`]).
pub fn read_previous(path: &Path) -> Result<Json, PreviousError> {
    let fail = |why: String| PreviousError {
        file: path.display().to_string(),
        why,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_PREVIOUS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_PREVIOUS_BYTES {
        return Err(fail(format!("larger than {MAX_PREVIOUS_BYTES} bytes")));
    }
    let doc: Json = serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))?;
    if !doc.is_object() || !doc["results"].is_object() || !doc["inputs"].is_object() {
        return Err(fail("not a finetune-roi plan document".to_string()));
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn the_previous_run_is_the_latest_earlier_month_even_for_a_rerun() {
        let dir = tempfile::tempdir().unwrap();
        for m in [
            "2026-09", "2026-10", "2026-12", "2027-01", "notes", "2026-13",
        ] {
            std::fs::create_dir(dir.path().join(m)).unwrap();
        }
        for file in [
            "2026-09/plan.json",
            "2026-09/other.json",
            "2026-12/plan.json",
        ] {
            std::fs::write(dir.path().join(file), "{}").unwrap();
        }
        std::fs::write(dir.path().join("2027-01/plan.json"), "{}").unwrap();
        std::fs::write(dir.path().join("2026-13/plan.json"), "{}").unwrap();
        let months = previous_runs(dir.path(), month("2026-12"));
        let names: Vec<String> = months.iter().map(|(m, _)| m.to_string()).collect();
        assert_eq!(names, ["2026-10", "2026-09"]);
        // A rerun of December is compared with the plan's last month, not
        // with December's earlier run…
        let (m, path) = find_previous(&months, "plan").unwrap();
        assert_eq!(m, month("2026-09"));
        assert_eq!(path, dir.path().join("2026-09/plan.json"));
        // …and so is a plan December did not have.
        let (m, path) = find_previous(&months, "other").unwrap();
        assert_eq!(m, month("2026-09"));
        assert_eq!(path, dir.path().join("2026-09/other.json"));
        assert!(find_previous(&months, "new").is_none());
        // A first December has only the earlier months.
        let first = previous_runs(dir.path(), month("2026-11"));
        let (m, _) = find_previous(&first, "plan").unwrap();
        assert_eq!(m, month("2026-09"));
        assert!(previous_runs(&dir.path().join("missing"), month("2026-12")).is_empty());
    }

    #[test]
    fn a_previous_document_that_is_not_ours_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        std::fs::write(&path, "[1, 2]").unwrap();
        assert!(read_previous(&path).is_err());
        std::fs::write(
            &path,
            "{\"results\": {}, \"inputs\": {}, \"verdict\": \"x\"}",
        )
        .unwrap();
        assert!(read_previous(&path).is_ok());
        std::fs::write(&path, "{\"results\": ").unwrap();
        let err = read_previous(&path).unwrap_err().to_string();
        assert!(err.contains("cannot be read"), "{err}");
    }
}
