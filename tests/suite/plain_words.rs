//! Plain words: no output calls the lesson "the seed". The only seed a
//! reader meets is the simulation's random seed, named as such.

use finetune_roi::render::{json, memo, xlsx};
use ironcalc::base::{cell::CellValue, Model};

use super::common::*;

/// The places in `text` where "seed" is not the random seed.
fn stray_seeds(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace("random seed", "");
    lower
        .match_indices("seed")
        .map(|(i, _)| {
            let start = lower[..i]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(k, _)| k);
            lower[start..].chars().take(80).collect()
        })
        .collect()
}

/// Every string value of a JSON document (not its keys).
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn no_output_says_seed_but_for_the_random_seed() {
    for plan in example_plans() {
        let r = report_of(&plan);
        let name = plan.display().to_string();
        let md = memo::render_markdown(&r);
        assert!(
            stray_seeds(&md).is_empty(),
            "{name}: {:?}",
            stray_seeds(&md)
        );
        let html = memo::render_html(&r);
        assert!(
            stray_seeds(&html).is_empty(),
            "{name}: {:?}",
            stray_seeds(&html)
        );
        let mut texts = Vec::new();
        strings(&json::document(&r), &mut texts);
        let found: Vec<_> = texts.iter().flat_map(|t| stray_seeds(t)).collect();
        assert!(found.is_empty(), "{name} JSON: {found:?}");
        let bytes = xlsx::render(&r).unwrap();
        let wb = ironcalc::import::load_from_xlsx_bytes(&bytes, "plan", "en", "UTC").unwrap();
        let model = Model::from_workbook(wb, "en").unwrap();
        let found: Vec<_> = model
            .get_all_cells()
            .into_iter()
            .filter_map(
                |c| match model.get_cell_value_by_index(c.index, c.row, c.column) {
                    Ok(CellValue::String(s)) => Some(s),
                    _ => None,
                },
            )
            .flat_map(|s| stray_seeds(&s))
            .collect();
        assert!(found.is_empty(), "{name} workbook: {found:?}");
    }
    // The check finds what it looks for.
    assert_eq!(stray_seeds("The seed's method; the random seed 7").len(), 1);
}
