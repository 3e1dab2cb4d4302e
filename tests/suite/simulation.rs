//! The Monte Carlo simulation: the compiled evaluator agrees with the model,
//! results are reproducible by seed, collapse without ranges, and sampled
//! percentiles match the distribution's known ones.

use finetune_roi::analysis::simulate::simulate;
use finetune_roi::inputs::Ranged;
use finetune_roi::model::compiled::{Compiled, LANES};
use finetune_roi::model::Role;

use super::common::*;

#[test]
fn compiled_evaluator_agrees_with_the_model() {
    let outputs = [
        "monthly_savings",
        "flat_payback_months",
        "total_project_cost",
        "payback_beyond_lifetime",
        "is_above_break_even_all_in",
        "break_even_tokens_per_day_all_in",
        "payback_months",
        "lifetime_net",
        "feasible",
    ];
    for plan in example_plans() {
        let r = report_of(&plan);
        let compiled = Compiled::new(&r.model, &outputs, &r.values).unwrap();
        // Start from the inputs only: every quantity must be recomputed.
        let inputs_only = r
            .values
            .iter()
            .filter(|(id, _)| r.inputs.get(id).is_some())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut slots = compiled.slots_from(&inputs_only);
        compiled.run(&mut slots);
        for id in outputs {
            let want = finetune_roi::model::compiled::to_slot(r.value(id));
            for got in slots[compiled.slot(id).unwrap()] {
                assert!(
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                    "{}: {id} compiled {got}, model {want}",
                    plan.display()
                );
            }
        }
    }
}

/// Lanes are separate trials: a lane's results are those of running its
/// inputs in every lane, whichever branches the other lanes take.
#[test]
fn each_lane_is_a_trial_of_its_own() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let outputs = r.model.with_role(Role::Simulated);
    let compiled = Compiled::new(&r.model, &outputs, &r.values).unwrap();
    let base = compiled.slots_from(&r.values);
    let traffic = compiled.slot("requests_per_day").unwrap();
    let mut mixed = base.clone();
    // From 100 to about 5 million requests a day: some lanes pay back, some never.
    for (lane, x) in mixed[traffic].iter_mut().enumerate() {
        *x = 100.0 * 2f64.powi(lane as i32);
    }
    compiled.run(&mut mixed);
    let payback = compiled.slot("payback_months").unwrap();
    let paying = mixed[payback].iter().filter(|p| !p.is_nan()).count();
    assert!(
        paying > 0 && paying < LANES,
        "the lanes should take both ways: {paying} of {LANES} pay back"
    );
    for (lane, &requests) in mixed[traffic].iter().enumerate() {
        let mut alone = base.clone();
        alone[traffic] = [requests; LANES];
        compiled.run(&mut alone);
        for id in &outputs {
            let s = compiled.slot(id).unwrap();
            let (got, want) = (mixed[s][lane], alone[s][0]);
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "lane {lane}: {id} {got} among other lanes, {want} alone"
            );
        }
    }
}

#[test]
fn without_ranges_the_simulation_is_the_deterministic_result() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let sim = simulate(&r.model, &r.values, &[], &[], 500, 1).unwrap();
    let savings = r.num("monthly_savings").unwrap();
    assert_eq!(sim.monthly_savings.p10, Some(savings));
    assert_eq!(sim.monthly_savings.p50, Some(savings));
    assert_eq!(sim.monthly_savings.p90, Some(savings));
    assert_eq!(sim.payback_months.p50, r.num("payback_months"));
    assert_eq!(sim.probability_payback_within_lifetime, 1.0);
}

fn ranged() -> Vec<Ranged> {
    vec![
        Ranged {
            id: "requests_per_day".into(),
            low: 20_000.0,
            base: 50_000.0,
            high: 70_000.0,
        },
        Ranged {
            id: "engineer_hourly_rate".into(),
            low: 100.0,
            base: 150.0,
            high: 250.0,
        },
        Ranged {
            id: "review_rate_ft".into(),
            low: 0.0008,
            base: 0.0011,
            high: 0.004,
        },
    ]
}

#[test]
fn same_seed_same_results_other_seed_within_sampling_error() {
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let a = simulate(&r.model, &r.values, &ranged(), &[], 20_000, 42).unwrap();
    let b = simulate(&r.model, &r.values, &ranged(), &[], 20_000, 42).unwrap();
    assert_eq!(a, b);
    let c = simulate(&r.model, &r.values, &ranged(), &[], 20_000, 43).unwrap();
    assert_ne!(
        a.monthly_savings, c.monthly_savings,
        "a different seed must draw differently"
    );
    // A probability estimated from 20,000 trials has a standard error of at
    // most 0.0035; two independent runs differ by under 5 of those.
    let se = (0.25f64 / 20_000.0).sqrt() * std::f64::consts::SQRT_2;
    assert!(
        (a.probability_payback_within_lifetime - c.probability_payback_within_lifetime).abs()
            < 5.0 * se
    );
    assert!((a.probability_above_break_even - c.probability_above_break_even).abs() < 5.0 * se);
    assert!(
        a.probability_above_break_even > 0.0 && a.probability_above_break_even < 1.0,
        "the ranges should straddle break-even"
    );
}

/// The CDF of Beta(3, 3), the PERT distribution of a range whose base is its midpoint.
fn beta33_cdf(x: f64) -> f64 {
    10.0 * x.powi(3) - 15.0 * x.powi(4) + 6.0 * x.powi(5)
}

fn beta33_quantile(p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if beta33_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

#[test]
fn sampled_percentiles_match_the_distribution() {
    // One ranged input, the hourly rate from 100 to 200 with base 150: the
    // project cost is linear in it, so its percentiles are the PERT (here
    // Beta(3, 3)) quantiles mapped through the model.
    let r = report_of(&root().join("inputs/customer-support-50m.yaml"));
    let hours = r.num("engineering_hours_total").unwrap();
    let compute = r.num("compute_cost").unwrap();
    let trials = 40_000;
    let one = [Ranged {
        id: "engineer_hourly_rate".into(),
        low: 100.0,
        base: 150.0,
        high: 200.0,
    }];
    let sim = simulate(&r.model, &r.values, &one, &[], trials, 2026).unwrap();
    for (p, got) in [
        (0.1, sim.total_project_cost.p10),
        (0.5, sim.total_project_cost.p50),
        (0.9, sim.total_project_cost.p90),
    ] {
        let q = beta33_quantile(p);
        let want = compute + hours * (100.0 + 100.0 * q);
        // Standard error of a sample quantile: sqrt(p(1−p)/n) / density.
        let density = 30.0 * q * q * (1.0 - q) * (1.0 - q);
        let se = (p * (1.0 - p) / trials as f64).sqrt() / density * 100.0 * hours;
        let got = got.unwrap();
        assert!(
            (got - want).abs() < 4.0 * se,
            "P{}: {got} vs {want} (4 SE = {})",
            p * 100.0,
            4.0 * se
        );
    }
}

/// The simulation fills its slot vector once and only overwrites the drawn
/// inputs between blocks of trials, so a run must leave nothing that the
/// next run reads: running one draw after another on the same slots gives
/// every slot, bit for bit, what a fresh slot vector gives.
#[test]
fn a_run_leaves_nothing_the_next_run_reads() {
    let drawn = ["requests_per_day", "engineer_hourly_rate"];
    for plan in example_plans() {
        let r = report_of(&plan);
        let outputs = r.model.with_role(Role::Simulated);
        let full = Compiled::new(&r.model, &outputs, &r.values).unwrap();
        let compiled = full.restricted_to(&r.model, &drawn);
        let base = compiled.slots_from(&r.values);
        let slots: Vec<usize> = drawn.iter().filter_map(|id| compiled.slot(id)).collect();
        assert!(!slots.is_empty(), "{}", plan.display());
        // Each lane its own factor: from a tenth to ten times the plan's value.
        let draw = |into: &mut Vec<_>, scale: f64| {
            for &s in &slots {
                let x: &mut [f64; LANES] = &mut into[s];
                for (lane, v) in x.iter_mut().enumerate() {
                    *v = base[s][lane] * scale * (0.1 + lane as f64 * 0.6);
                }
            }
        };
        let mut reused = base.clone();
        draw(&mut reused, 1.0);
        compiled.run(&mut reused);
        draw(&mut reused, 0.7);
        compiled.run(&mut reused);
        let mut fresh = base.clone();
        draw(&mut fresh, 0.7);
        compiled.run(&mut fresh);
        for (k, (a, b)) in reused.iter().zip(&fresh).enumerate() {
            for lane in 0..LANES {
                let (a, b) = (a[lane], b[lane]);
                assert!(
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "{}: slot {k} lane {lane} is {a} after an earlier run, {b} fresh",
                    plan.display()
                );
            }
        }
    }
}

/// The trials run again with an input moved (as the levers run them) count
/// what the simulation of the plan written with that value counts, on the
/// same draws (a plan's own seed comes from its text).
#[test]
fn a_rerun_with_an_input_moved_counts_as_the_plan_written_with_it() {
    use finetune_roi::analysis::simulate::{Draws, Rerun};
    let text = std::fs::read_to_string(root().join("inputs/support-bot-uncertain.yaml")).unwrap();
    let r = report_of_text(&text);
    let sim = r.simulation.as_ref().unwrap();
    let ranges = &r.inputs.ranges;
    let draws = Draws::new(ranges, sim.trials, sim.seed);
    let all: Vec<usize> = (0..sim.trials).collect();
    let share = |pays: Vec<bool>| pays.iter().filter(|&&p| p).count() as f64 / sim.trials as f64;
    let mut today = Rerun::new(&r.model, &r.values, None, ranges, &draws, &[]).unwrap();
    assert_eq!(
        share(today.pays(&[], &all)),
        sim.probability_payback_within_lifetime
    );
    let id = "maintenance_hours_per_month";
    let mut moved = Rerun::new(&r.model, &r.values, None, ranges, &draws, &[id]).unwrap();
    let mut seen = Vec::new();
    for hours in [10.0, 40.0, 80.0] {
        let written = replace_once(
            &text,
            "engineering:\n",
            &format!("engineering:\n  maintenance_hours_per_month: {hours}\n"),
        );
        let w = report_of_text(&written);
        let want = simulate(&w.model, &w.values, ranges, &[], sim.trials, sim.seed)
            .unwrap()
            .probability_payback_within_lifetime;
        assert_eq!(share(moved.pays(&[hours], &all)), want, "{hours} hours");
        seen.push(want);
    }
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");
}
