//! What would change the decision: every lever listed is an input of the
//! recommended candidate, and setting it 5% short of its `flips_at` keeps
//! the verdict while 5% past it changes it, on plans with running costs,
//! growth, a price trend and a recommended option.

use finetune_roi::analysis::levers::Lever;
use finetune_roi::inputs::spec::INPUTS;
use finetune_roi::inputs::Inputs;
use finetune_roi::report::{Report, Run};
use finetune_roi::value::Value;

use super::common::*;

/// Sets one input of `inputs` (by its id) to `x`, or scales the engineering
/// phases so that their total is `x`; `today` is the lever's value today.
fn set(inputs: &mut Inputs, id: &str, today: f64, x: f64) {
    let phases = inputs.shape.phase_ids.clone();
    for item in &mut inputs.items {
        let scaled = id == "engineering.hours" && phases.contains(&item.id);
        if scaled {
            if let Value::Num(h) = item.value {
                item.value = Value::Num(h * x / today);
            }
        } else if item.id == id {
            item.value = Value::Num(x);
        }
    }
}

/// The report with the lever's input at `x`: the plan's input (which the
/// options that do not set it inherit), or the named option's own.
fn with_lever(r: &Report, lever: &Lever, x: f64) -> Report {
    let mut inputs = r.inputs.clone();
    let (option, path) = match lever.input.strip_prefix("options.") {
        Some(rest) => {
            let (id, path) = rest.split_once('.').unwrap();
            (Some(id.to_string()), path.to_string())
        }
        None => (None, lever.input.clone()),
    };
    let id = if path == "engineering.hours" {
        path.clone()
    } else {
        // The path sets the lever's input (one path can fill two inputs:
        // the forecast and today's requests).
        assert!(
            INPUTS.iter().any(|s| s.path == path && s.id == lever.id),
            "{path} does not set {}",
            lever.id
        );
        lever.id.clone()
    };
    match option {
        Some(o) => {
            let option = inputs.options.iter_mut().find(|p| p.id == o).unwrap();
            set(&mut option.inputs, &id, lever.today, x);
        }
        None => {
            let before = inputs.clone();
            set(&mut inputs, &id, lever.today, x);
            // An option that does not set the input itself follows the plan.
            for option in &mut inputs.options {
                let inherits = |k: &str| {
                    option.inputs.get(k).map(|i| &i.value) == before.get(k).map(|i| &i.value)
                };
                let ids: Vec<String> = if id == "engineering.hours" {
                    before.shape.phase_ids.clone()
                } else {
                    vec![id.clone()]
                };
                if ids.iter().all(|k| inherits(k)) {
                    set(&mut option.inputs, &id, lever.today, x);
                }
            }
        }
    }
    let run = Run {
        generated_at: fixed_time(),
        trials: r.simulation.as_ref().map_or(1, |s| s.trials),
        seed: r.simulation.as_ref().map_or(0, |s| s.seed),
        history: Default::default(),
        paper: r.paper,
    };
    let model = finetune_roi::model::build(&inputs).unwrap();
    finetune_roi::report::evaluate(inputs, model, &run).unwrap()
}

/// The decision a report makes: the verdict and the candidate it names.
fn decision(r: &Report) -> (String, String) {
    (r.verdict().to_string(), r.recommended())
}

/// 5% of the flip value (of the distance to today when the flip is 0) on
/// either side of it: short of it (towards today) and past it.
fn either_side(l: &Lever) -> (f64, f64) {
    let step = if l.flips_at != 0.0 {
        0.05 * l.flips_at.abs()
    } else {
        0.05 * (l.today - l.flips_at).abs()
    };
    let towards = (l.today - l.flips_at).signum();
    (l.flips_at + towards * step, l.flips_at - towards * step)
}

#[test]
fn every_lever_keeps_the_verdict_just_short_of_its_flip_and_changes_it_just_past() {
    let mut checked = 0;
    let mut option_levers = 0;
    for plan in example_plans() {
        let r = report_of(&plan);
        let today = decision(&r);
        for lever in &r.levers {
            let (short, past) = either_side(lever);
            // A lever whose 5% step past its flip would leave its input's
            // bounds (a review rate past 1, a price fall past 100%) cannot be
            // set there: only the side short of it is checked.
            let outside = INPUTS
                .iter()
                .find(|s| s.id == lever.id)
                .is_some_and(|s| past < s.bounds.min || s.bounds.max.is_some_and(|max| past > max));
            assert_eq!(
                decision(&with_lever(&r, lever, short)),
                today,
                "{}: {} at {short} (flips at {})",
                plan.display(),
                lever.input,
                lever.flips_at
            );
            if outside {
                continue;
            }
            assert_ne!(
                decision(&with_lever(&r, lever, past)),
                today,
                "{}: {} at {past} (flips at {})",
                plan.display(),
                lever.input,
                lever.flips_at
            );
            checked += 1;
            option_levers += usize::from(lever.input.starts_with("options."));
        }
    }
    assert!(checked >= 10, "{checked} levers checked");
    assert!(option_levers >= 2, "{option_levers} option levers checked");
}

#[test]
fn a_recommended_managed_option_has_its_own_levers_and_its_prices_follow_the_trend() {
    let r = report_of(&root().join("inputs/whole-cost-of-ownership.yaml"));
    let option = r.recommended();
    assert_ne!(option, "plan");
    let inputs: Vec<&str> = r.levers.iter().map(|l| l.input.as_str()).collect();
    // The option's own prices and hours, not a GPU price.
    assert!(
        inputs
            .iter()
            .all(|i| i.starts_with(&format!("options.{option}."))),
        "{inputs:?}"
    );
    assert!(
        !inputs.iter().any(|i| i.ends_with("serving.cost_per_hour")),
        "{inputs:?}"
    );
    assert!(
        inputs
            .iter()
            .any(|i| i.ends_with("managed.inference_input_per_1m_tokens")),
        "{inputs:?}"
    );
    // The price trend moves the managed prices with the API's: the flip is
    // where the option's own net present value reaches zero, past the one
    // that would hold the managed prices fixed.
    let trend = r
        .levers
        .iter()
        .find(|l| l.input.ends_with("baseline.price_change_per_year"))
        .expect("a price-trend lever");
    let flip = finetune_roi::report::PriceFlip::At(trend.flips_at);
    assert_eq!(r.price_flip, flip);
    let at = with_lever(&r, trend, trend.flips_at * 0.999);
    let k = at.recommended_option_index().expect("still the option");
    assert!(at.options[k].value(&at, "npv").as_num().unwrap() > 0.0);
}

#[test]
fn the_json_memo_and_workbook_give_the_same_levers() {
    let r = report_of(&root().join("inputs/whole-cost-of-ownership.yaml"));
    assert!(!r.levers.is_empty());
    let doc = finetune_roi::render::json::document(&r);
    let listed = doc["levers"].as_array().unwrap();
    assert_eq!(listed.len(), r.levers.len());
    let md = finetune_roi::render::memo::render_markdown(&r);
    for (json, lever) in listed.iter().zip(&r.levers) {
        assert_eq!(json["input"], lever.input.as_str());
        assert_eq!(json["flips_at"].as_f64(), Some(lever.flips_at));
        // The brief names the lever in words; the plan path is the JSON's
        // and the workbook's.
        assert!(md.contains(&lever.label), "{} not in the memo", lever.label);
    }
}
