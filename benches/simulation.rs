//! Benchmark: 100,000 Monte Carlo trials of the whole model for one plan.
//! Run with `cargo bench --bench simulation`; prints the median of 15 runs.

use std::time::Instant;

use chrono::Utc;
use finetune_roi::analysis::simulate::simulate;
use finetune_roi::inputs::Ranged;

fn main() {
    let plan =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/customer-support-50m.yaml");
    let r = finetune_roi::evaluate_file(&plan, Utc::now()).expect("the example plan evaluates");
    let ranged = vec![
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
        Ranged {
            id: "serving_cost_per_hour".into(),
            low: 0.8,
            base: 1.03,
            high: 1.4,
        },
        Ranged {
            id: "training_runs".into(),
            low: 5.0,
            base: 10.0,
            high: 15.0,
        },
    ];
    let trials = 100_000;
    if std::env::var_os("BENCH_NO_RANGES").is_some() {
        let start = Instant::now();
        let sim = simulate(&r.model, &r.values, &[], &[], trials, 0).expect("simulates");
        println!(
            "no ranges: {:.1} ms, {} quantities",
            start.elapsed().as_secs_f64() * 1000.0,
            finetune_roi::model::compiled::Compiled::new(
                &r.model,
                &r.model.with_role(finetune_roi::model::Role::Simulated),
                &r.values
            )
            .unwrap()
            .len()
        );
        std::hint::black_box(sim);
    }
    let mut times = Vec::new();
    for seed in 0..15 {
        let start = Instant::now();
        let sim = simulate(&r.model, &r.values, &ranged, &[], trials, seed).expect("simulates");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(sim);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "simulation: {trials} trials, {} ranged inputs: median {:.1} ms (min {:.1}, max {:.1}) over {} runs",
        ranged.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
}
