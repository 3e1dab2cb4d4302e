//! The table of input specs is the one place an input is declared: the
//! plan reference in docs/, the starter plan, the schema and the validated
//! inputs agree with it.

use std::collections::HashSet;

use finetune_roi::format::Unit;
use finetune_roi::inputs::docs::{
    annotate_schema, documented_defaults, plan_reference, schema_has_path, unresolved_spec_paths,
    NOT_WRITTEN_IN_A_PLAN,
};
use finetune_roi::inputs::spec::{self, Bounds, INPUTS};
use finetune_roi::value::Value;

use super::common::{example_plans, report_of, root};

/// The plan reference in docs/ is the spec table and the schema rendered:
/// the file must be what `plan_reference` renders now (`BLESS=1` rewrites it).
#[test]
fn docs_plan_reference_is_generated_from_the_spec() {
    let path = root().join("docs/plan-reference.md");
    let rendered = plan_reference();
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == rendered,
        "docs/plan-reference.md is not what the spec table gives; run \
         `BLESS=1 cargo test --release --test main plan_reference` and review the diff"
    );
}

#[test]
fn the_plan_reference_gives_every_documented_default() {
    let reference = plan_reference();
    for s in documented_defaults() {
        let default = s.default.unwrap().value;
        let row = format!("| `{}` |", s.path);
        let line = reference
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("the reference has no row for {}", s.path));
        assert!(
            line.contains(&format!("| `{default}` |")),
            "{}: the row does not give the default {default}: {line}",
            s.path
        );
    }
}

#[test]
fn spec_ids_are_unique_and_every_validated_input_matches_its_spec() {
    let mut seen = HashSet::new();
    for s in INPUTS {
        assert!(seen.insert(s.id), "{} is declared twice", s.id);
        if matches!(s.unit, Unit::Text | Unit::YesNo) {
            assert_eq!(
                s.bounds,
                Bounds::ANY,
                "{}: not a number, so no bounds",
                s.id
            );
        }
        if let Some(d) = s.default {
            assert!(
                s.bounds.holds(d.value),
                "{}: the default is out of bounds",
                s.id
            );
        }
    }
    for plan in example_plans() {
        let report = report_of(&plan);
        for input in &report.inputs.items {
            if let Some(s) = INPUTS.iter().find(|s| s.id == input.id) {
                assert_eq!(input.unit, s.unit, "{}", input.id);
                assert_eq!(input.group, s.group, "{}", input.id);
                assert_eq!(input.bounds, s.bounds, "{}", input.id);
            } else {
                let template = [
                    &spec::ENGINEERING_PHASE,
                    &spec::SENSITIVITY_VOLUME,
                    &spec::SENSITIVITY_INSTANCES,
                ]
                .into_iter()
                .find(|t| input.id.starts_with(t.id.trim_end_matches("{k}")))
                .unwrap_or_else(|| panic!("{}: no spec", input.id));
                assert_eq!(input.bounds, template.bounds, "{}", input.id);
            }
            if let Value::Num(x) = input.value {
                assert!(
                    input.bounds.holds(x),
                    "{}: {x} outside its bounds",
                    input.id
                );
            }
        }
    }
}

#[test]
fn inputs_carry_the_bounds_the_validator_checks() {
    let report = report_of(&example_plans()[0]);
    let bounds = |id: &str| report.inputs.get(id).unwrap().bounds;
    assert_eq!(bounds("lifetime_months").max, Some(240.0));
    assert!(bounds("lifetime_months").whole);
    assert_eq!(bounds("volume_growth_per_month"), Bounds::RATE);
    assert_eq!(bounds("target_utilization"), Bounds::UTILIZATION);
    assert!(!bounds("target_utilization").holds(0.0));
    assert_eq!(bounds("hours_per_day").max, Some(24.0));
}

#[test]
fn the_starter_plan_comments_out_the_spec_defaults() {
    let starter = finetune_roi::inputs::starter_plan();
    let mut commented = 0;
    for s in documented_defaults() {
        let key = s.path.rsplit('.').next().unwrap();
        let Some(line) = starter
            .lines()
            .map(str::trim_start)
            .find(|l| l.starts_with(&format!("# {key}: ")))
        else {
            continue;
        };
        let value = line[key.len() + 4..].split_whitespace().next().unwrap();
        assert_eq!(value, s.default.unwrap().value.to_string(), "{line}");
        commented += 1;
    }
    assert!(
        commented >= 3,
        "the starter plan shows the defaults it leaves out"
    );
}

#[test]
fn the_schema_can_carry_defaults_and_bounds_from_the_table() {
    let mut schema = finetune_roi::plan::json_schema();
    annotate_schema(&mut schema);
    let days = &schema["properties"]["days_per_month"];
    assert_eq!(days["default"], 30.0);
    assert_eq!(days["exclusiveMinimum"], 0.0);
    assert_eq!(days["maximum"], 31.0);
    let defs = &schema["definitions"];
    let utilization = &defs["RawServing"]["properties"]["target_utilization"];
    assert_eq!(utilization["default"], 0.2);
    assert_eq!(utilization["maximum"], 1.0);
    let epochs = &defs["RawTraining"]["properties"]["epochs"];
    assert_eq!(epochs["exclusiveMinimum"], 0.0);
    assert!(epochs.get("default").is_none());
}

#[test]
fn every_spec_path_names_a_field_of_the_plan() {
    assert_eq!(unresolved_spec_paths(), Vec::<&str>::new());
    // The check tells a field from a typo, in a section, a map and a list.
    let schema = finetune_roi::plan::json_schema();
    for path in NOT_WRITTEN_IN_A_PLAN {
        assert!(
            !schema_has_path(&schema, path),
            "{path} is now a plan field"
        );
    }
    for (path, names) in [
        ("baseline.requests_per_day", true),
        ("baseline.requests_per_dya", false),
        ("engineering.hours.{phase}", true),
        ("actuals.{month}.requests_per_day", true),
        ("actuals.{month}.requests", false),
        ("serving.target_utilization", true),
        ("servng.target_utilization", false),
        ("lifetime_months", true),
    ] {
        assert_eq!(schema_has_path(&schema, path), names, "{path}");
    }
}

/// Every input a plan can write is written, at a value other than its
/// default, in some example or in `tests/fixtures/every_input/plan.yaml`, so
/// the output tests over those plans (the workbook recalculated by IronCalc,
/// the memo, the JSON) see each input move something. A new input fails
/// here until a plan gives it a value.
#[test]
fn every_input_is_given_a_value_other_than_its_default_in_some_plan() {
    let mut plans = example_plans();
    plans.push(every_input_plan());
    let mut written: HashSet<String> = HashSet::new();
    for plan in &plans {
        let r = report_of(plan);
        let options = r.inputs.options.iter().flat_map(|o| o.inputs.items.iter());
        for i in r.inputs.items.iter().chain(options) {
            let default = INPUTS
                .iter()
                .find(|s| s.id == i.id)
                .and_then(|s| s.default)
                .map(|d| Value::Num(d.value));
            // Written where the plan gives it, or where what it gives
            // (serving.precision) sets it away from its default.
            let given = !matches!(i.source, finetune_roi::inputs::Source::Default(_));
            if (given || default.is_some()) && default.as_ref() != Some(&i.value) {
                written.insert(i.id.clone());
            }
        }
        // A ranged input is written as its range.
        written.extend(r.inputs.ranges.iter().map(|range| range.id.clone()));
    }
    let never: Vec<&str> = INPUTS
        .iter()
        .filter(|s| !s.path.is_empty() && !NOT_WRITTEN_IN_A_PLAN.contains(&s.path))
        .filter(|s| !matches!(s.fill, spec::Fill::Fixed))
        .filter(|s| !written.contains(s.id))
        .map(|s| s.path)
        .collect();
    assert!(
        never.is_empty(),
        "no plan writes these inputs at a value other than their default: {never:?}"
    );
}

/// The plan that writes every input.
fn every_input_plan() -> std::path::PathBuf {
    root().join("tests/fixtures/every_input/plan.yaml")
}

/// The plan that writes every input runs, and its workbook recalculates in
/// IronCalc to the values the tool cached.
#[test]
fn the_plan_writing_every_input_runs_and_its_workbook_recalculates() {
    let r = report_of(&every_input_plan());
    assert!(!r.options.is_empty() && !r.inputs.ranges.is_empty());
    let (count, mismatches) =
        super::workbook::recalc_mismatches(&finetune_roi::render::xlsx::render(&r).unwrap());
    assert!(count >= r.model.quantities.len(), "{count} formula cells");
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    finetune_roi::render::memo::render_html(&r);
    finetune_roi::render::json::document(&r);
}
