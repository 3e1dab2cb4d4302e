//! The API bill as providers bill it: cached input, batch, reasoning tokens,
//! service tiers and long-context steps, priced from the catalogue; the
//! catalogue refreshed from LiteLLM's map with those prices; typed prices
//! that differ from the named entry warned.

use std::process::Command;

use finetune_roi::catalog::{
    import_litellm, render_api_prices, ApiPriceFile, Catalog, Change, ImportOptions,
};
use finetune_roi::format::{self, Unit};
use finetune_roi::render::{json, layout, memo, xlsx};
use finetune_roi::value::Value;
use ironcalc::base::{cell::CellValue, Model};

use super::common::*;

/// A plan naming gpt-4o with no typed prices, and these bill lines added.
fn gpt_4o_plan(bill: &str) -> String {
    let base = replace_once(
        &worked_example_text(),
        "  input_price_per_1m_tokens: 5.00\n  output_price_per_1m_tokens: 15.00\n",
        "",
    );
    replace_once(
        &base,
        "  avg_output_tokens_per_request: 200\n",
        &format!("  avg_output_tokens_per_request: 200\n{bill}"),
    )
}

/// The monthly bill worked by hand from the catalogue's gpt-4o prices:
/// per request, uncached input at the list (or batch) price, cached input
/// at the cached price, answer plus reasoning at the output (or batch)
/// price; a month of requests.
fn by_hand(cached: f64, batch: f64, reasoning: f64, days: f64) -> f64 {
    let m = Catalog::builtin().api("gpt-4o").unwrap();
    let cached_price = m.cached_input_per_1m_tokens.unwrap();
    let (batch_in, batch_out) = (
        m.batch_input_per_1m_tokens.unwrap(),
        m.batch_output_per_1m_tokens.unwrap(),
    );
    let (requests, prompt, answer) = (50_000.0, 500.0, 200.0);
    let one = |input_price: f64, output_price: f64| {
        prompt * (1.0 - cached) * input_price / 1e6
            + prompt * cached * cached_price / 1e6
            + (answer + reasoning) * output_price / 1e6
    };
    let per_request = (1.0 - batch) * one(m.input_per_1m_tokens, m.output_per_1m_tokens)
        + batch * one(batch_in, batch_out);
    per_request * requests * days
}

fn recalculated(bytes: &[u8], place: &layout::Place) -> f64 {
    let wb = ironcalc::import::load_from_xlsx_bytes(bytes, "plan", "en", "UTC").unwrap();
    let mut model = Model::from_workbook(wb, "en").unwrap();
    model.evaluate();
    let sheets = model.workbook.get_worksheet_names();
    let index = sheets.iter().position(|s| s == place.sheet).unwrap() as u32;
    match model
        .get_cell_value_by_index(index, place.row as i32 + 1, place.col as i32 + 1)
        .unwrap()
    {
        CellValue::Number(x) => x,
        other => panic!("expected a number, found {other:?}"),
    }
}

#[test]
fn cached_batch_and_reasoning_tokens_bill_as_a_hand_calculation_from_the_catalogue_gives() {
    for (bill, cached, batch, reasoning) in [
        ("  cached_input_share: 0.6\n", 0.6, 0.0, 0.0),
        ("  batch_share: 0.5\n", 0.0, 0.5, 0.0),
        ("  reasoning_tokens_per_request: 400\n", 0.0, 0.0, 400.0),
        (
            "  cached_input_share: 0.6\n  batch_share: 0.5\n  reasoning_tokens_per_request: 400\n",
            0.6,
            0.5,
            400.0,
        ),
    ] {
        let r = report_of_text(&gpt_4o_plan(bill));
        let days = r.num("days_per_month").unwrap();
        let want = by_hand(cached, batch, reasoning, days);
        let list = by_hand(0.0, 0.0, 0.0, days);
        assert!(
            (want - list).abs() > 1.0,
            "{bill}: the case must move the bill"
        );
        // The JSON.
        let doc = json::document(&r);
        let got = doc["results"]["monthly_api_cost"].as_f64().unwrap();
        assert!(
            (got - want).abs() < 1e-6 * want,
            "{bill}: JSON {got}, by hand {want}"
        );
        // The memo's API bill line: the bill and how it is made up.
        let md = memo::render_markdown(&r);
        let shown = format::value(&Value::Num(want), Unit::UsdPerMonth);
        let share = format!("{}% read from the cache", (cached * 100.0).round());
        let batched = format!("{}% of requests batched", (batch * 100.0).round());
        let line = md
            .lines()
            .find(|l| l.starts_with("| Monthly API cost |") && l.contains(&share))
            .unwrap_or_else(|| panic!("{bill}: no API bill line saying {share} in the memo"));
        assert!(line.contains(&shown), "{bill}: {line} lacks {shown}");
        assert!(line.contains(&batched), "{bill}: {line} lacks {batched}");
        // The workbook, recalculated by IronCalc.
        let bytes = xlsx::render(&r).unwrap();
        let lay = layout::layout(&r);
        let cell = recalculated(&bytes, &lay.places["monthly_api_cost"]);
        assert!(
            (cell - want).abs() < 1e-6 * want,
            "{bill}: workbook {cell}, by hand {want}"
        );
    }
}

#[test]
fn the_defaults_keep_the_list_price_bill_to_the_last_bit() {
    let r = report_of_text(&gpt_4o_plan(""));
    let m = Catalog::builtin().api("gpt-4o").unwrap();
    let days = r.num("days_per_month").unwrap();
    let list = (50_000.0 * 500.0 * m.input_per_1m_tokens
        + 50_000.0 * 200.0 * m.output_per_1m_tokens)
        * days
        / 1e6;
    assert_eq!(r.num("monthly_api_cost"), Some(list));
}

#[test]
fn a_service_tier_prices_the_bill_at_the_tier_and_says_so() {
    let m = Catalog::builtin().api("gpt-4o").unwrap();
    let r = report_of_text(&gpt_4o_plan("  service_tier: priority\n"));
    assert_eq!(
        r.num("input_price_per_1m_tokens"),
        m.priority_input_per_1m_tokens
    );
    assert_eq!(
        r.num("output_price_per_1m_tokens"),
        m.priority_output_per_1m_tokens
    );
    let source = r
        .inputs
        .get("input_price_per_1m_tokens")
        .unwrap()
        .source
        .describe();
    assert!(source.contains("priority tier"), "{source}");
    // gpt-4o has no flex price: the list price, warned.
    let flex = report_of_text(&gpt_4o_plan("  service_tier: flex\n"));
    assert_eq!(
        flex.num("input_price_per_1m_tokens"),
        Some(m.input_per_1m_tokens)
    );
    assert!(flex.warnings.iter().any(|w| w.id == "api_tier_unpriced"));
}

#[test]
fn a_prompt_past_the_long_context_step_bills_the_request_at_the_long_context_prices() {
    let m = Catalog::builtin().api("gemini-2.5-pro").unwrap();
    let step = m.long_context_above_tokens.unwrap();
    let plan = |prompt: f64| {
        let text = replace_once(&gpt_4o_plan(""), "api: gpt-4o", "api: gemini-2.5-pro");
        replace_once(
            &text,
            "avg_input_tokens_per_request: 500",
            &format!("avg_input_tokens_per_request: {prompt}"),
        )
    };
    let below = report_of_text(&plan(step));
    let above = report_of_text(&plan(step + 1.0));
    assert_eq!(
        below.num("billed_input_price_per_1m_tokens"),
        Some(m.input_per_1m_tokens)
    );
    assert_eq!(
        above.num("billed_input_price_per_1m_tokens"),
        m.long_context_input_per_1m_tokens
    );
    assert_eq!(
        above.num("billed_output_price_per_1m_tokens"),
        m.long_context_output_per_1m_tokens
    );
}

#[test]
fn shares_of_the_same_input_tokens_cannot_pass_one() {
    let err = finetune_roi::evaluate_text(
        &gpt_4o_plan("  cached_input_share: 0.7\n  cache_write_share: 0.4\n"),
        "plan.yaml",
        fixed_time(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("baseline.cache_write_share"), "{err}");
    assert!(err.contains("at most 1"), "{err}");
}

#[test]
fn a_typed_price_that_differs_from_the_named_entry_is_warned_with_both_figures_and_the_date() {
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let m = Catalog::builtin().api("gpt-4o").unwrap();
    let w = r
        .warnings
        .iter()
        .find(|w| w.id == "typed_price_differs")
        .expect("the worked example types the lesson's 2024 prices");
    assert!(
        w.message.contains("baseline.input_price_per_1m_tokens 5"),
        "{}",
        w.message
    );
    assert!(
        w.message
            .contains(&format!("instead of {}", m.input_per_1m_tokens)),
        "{}",
        w.message
    );
    assert!(w.message.contains(&m.as_of), "{}", w.message);
    // The typed instance price too.
    assert!(
        w.message.contains("serving.cost_per_hour 2.06"),
        "{}",
        w.message
    );
    // A typed price equal to the entry's is no override.
    let same = report_of(&root().join("inputs/support-bot-uncertain.yaml"));
    assert!(!same
        .warnings
        .iter()
        .any(|w| w.id == "typed_price_differs" && w.message.contains("baseline.input_price")));
}

#[test]
fn init_s_plan_runs_at_the_catalogue_s_prices() {
    let text = finetune_roi::inputs::docs::starter_plan();
    let r = report_of_text(&text);
    let api = r.inputs.get("baseline_api").unwrap().value.clone();
    let Value::Text(name) = api else {
        panic!("the starter plan names an API model")
    };
    let m = Catalog::builtin().api(&name).unwrap();
    assert_eq!(
        r.num("input_price_per_1m_tokens"),
        Some(m.input_per_1m_tokens)
    );
    assert_eq!(
        r.num("output_price_per_1m_tokens"),
        Some(m.output_per_1m_tokens)
    );
    let source = r
        .inputs
        .get("input_price_per_1m_tokens")
        .unwrap()
        .source
        .describe();
    assert!(source.contains(&m.source), "{source}");
    assert!(!r.warnings.iter().any(|w| w.id == "typed_price_differs"));
    // It names a model that is not being retired.
    assert!(m.deprecated.is_none(), "{name} is being retired");
}

#[test]
fn no_example_names_a_retired_model_or_one_gone_from_the_price_map() {
    for path in example_plans() {
        let text = std::fs::read_to_string(&path).unwrap();
        let r = report_of(&path);
        let Some(Value::Text(name)) = r.inputs.get("baseline_api").map(|i| i.value.clone()) else {
            continue;
        };
        let m = Catalog::builtin().api(&name).unwrap();
        let as_of = text
            .lines()
            .find_map(|l| l.strip_prefix("as_of: "))
            .unwrap()
            .trim();
        if let Some(d) = &m.deprecated {
            assert!(
                d.as_str() > as_of,
                "{}: {name} retired on {d}",
                path.display()
            );
        }
        assert!(m.not_in_map_since.is_none(), "{}: {name}", path.display());
    }
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_finetune-roi"));
    c.env_remove("FINETUNE_ROI_CATALOG")
        .env("HOME", "/nonexistent")
        .env("XDG_CONFIG_HOME", "/nonexistent");
    c
}

#[test]
fn prices_show_lists_cached_and_batch_prices_and_the_retirement_date() {
    let out = bin().args(["prices", "show", "gpt-4o"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for field in [
        "cached_input_per_1m_tokens: 1.25",
        "batch_input_per_1m_tokens: 1.25",
        "batch_output_per_1m_tokens: 5.0",
        "LiteLLM price map (package 1.110.2), taken 2026-12-06 (key `gpt-4o`)",
    ] {
        assert!(text.contains(field), "{field} in {text}");
    }
    let out = bin().args(["prices", "show", "gpt-4"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("deprecated: 2026-10-23"), "{text}");
}

#[test]
fn a_model_gone_from_the_map_is_marked_and_a_plan_naming_it_warned() {
    let m = Catalog::builtin().api("claude-3-opus").unwrap();
    assert_eq!(m.not_in_map_since.as_deref(), Some("2026-12-06"));
    let r = report_of_text(&replace_once(
        &gpt_4o_plan(""),
        "api: gpt-4o",
        "api: claude-3-opus",
    ));
    let w = r
        .warnings
        .iter()
        .find(|w| w.id == "api_not_in_price_map")
        .unwrap();
    assert!(w.message.contains("2026-12-06"), "{}", w.message);
}

const MAP: &str = r#"{
  "m1": {"mode": "chat", "litellm_provider": "openai",
         "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06,
         "cache_read_input_token_cost": 5e-07,
         "cache_creation_input_token_cost": 2.5e-06,
         "input_cost_per_token_batches": 1e-06, "output_cost_per_token_batches": 4e-06,
         "input_cost_per_token_priority": 3.5e-06, "output_cost_per_token_priority": 1.4e-05,
         "input_cost_per_token_flex": 1e-06, "output_cost_per_token_flex": 4e-06,
         "output_cost_per_reasoning_token": 9e-06,
         "input_cost_per_token_above_272k_tokens": 4e-06, "output_cost_per_token_above_272k_tokens": 1.6e-05,
         "input_cost_per_token_above_200k_tokens": 3e-06, "output_cost_per_token_above_200k_tokens": 1.2e-05,
         "cache_read_input_token_cost_above_200k_tokens": -1,
         "deprecation_date": "2027-01-14"},
  "m2": {"mode": "chat", "litellm_provider": "openai",
         "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
         "cache_read_input_token_cost": 2.5e-07}
}"#;

#[test]
fn the_import_reads_every_billed_price_and_writes_them_into_the_entry() {
    let file = ApiPriceFile::parse(
        "api:\n  m1:\n    provider: openai\n    input_per_1m_tokens: 2.00\n    output_per_1m_tokens: 8.00\n    as_of: 2026-07-24\n    source: \"LiteLLM price map, 2026-07-24 (key `m1`)\"\n  gone:\n    provider: openai\n    input_per_1m_tokens: 1.00\n    output_per_1m_tokens: 1.00\n    as_of: 2026-07-24\n    source: \"LiteLLM price map, 2026-07-24 (key `gone`)\"\n  mine:\n    provider: in-house\n    input_per_1m_tokens: 1.00\n    output_per_1m_tokens: 1.00\n    as_of: 2026-07-24\n    source: \"our own figure\"\n",
        "api.yaml",
    )
    .unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let options = ImportOptions {
        add: finetune_roi::catalog::AddPolicy::None,
        package: Some("1.110.2".into()),
        also_add: vec!["m2".into()],
        ..Default::default()
    };
    let import = import_litellm(&file, MAP, "map.json", as_of, &options).unwrap();
    let names: Vec<&str> = import.changes.iter().map(Change::name).collect();
    // The in-house entry never came from the map: it is not marked gone.
    assert_eq!(names, ["m1", "gone", "m2"]);
    let text = render_api_prices(&file, &import.changes).unwrap();
    let c = Catalog::from_text(&text, "api.yaml").unwrap();
    let m1 = c.api("m1").unwrap();
    assert_eq!(m1.cached_input_per_1m_tokens, Some(0.5));
    assert_eq!(m1.cache_write_per_1m_tokens, Some(2.5));
    assert_eq!(m1.batch_input_per_1m_tokens, Some(1.0));
    assert_eq!(m1.batch_output_per_1m_tokens, Some(4.0));
    assert_eq!(m1.priority_input_per_1m_tokens, Some(3.5));
    assert_eq!(m1.priority_output_per_1m_tokens, Some(14.0));
    assert_eq!(m1.flex_input_per_1m_tokens, Some(1.0));
    assert_eq!(m1.flex_output_per_1m_tokens, Some(4.0));
    assert_eq!(m1.reasoning_per_1m_tokens, Some(9.0));
    // The lowest step of the two.
    assert_eq!(m1.long_context_above_tokens, Some(200_000.0));
    assert_eq!(m1.long_context_input_per_1m_tokens, Some(3.0));
    assert_eq!(m1.long_context_output_per_1m_tokens, Some(12.0));
    assert_eq!(m1.deprecated.as_deref(), Some("2027-01-14"));
    assert_eq!(
        m1.source,
        "LiteLLM price map (package 1.110.2), taken 2026-12-06 (key `m1`)"
    );
    assert_eq!(
        c.api("gone").unwrap().not_in_map_since.as_deref(),
        Some("2026-12-06")
    );
    assert_eq!(c.api("mine").unwrap().not_in_map_since, None);
    assert_eq!(c.api("m2").unwrap().cached_input_per_1m_tokens, Some(0.25));
    // A second import finds nothing to change.
    let again = ApiPriceFile::parse(&text, "api.yaml").unwrap();
    let second = import_litellm(&again, MAP, "map.json", as_of, &options).unwrap();
    assert!(second.changes.is_empty(), "{:?}", second.changes);
}
