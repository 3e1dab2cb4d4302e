//! Property tests: the loader never panics on any text, valid plans never
//! give a non-finite figure or an undocumented null, the fine-tuned total is
//! the sum of its parts, and more requests never lower the API bill.
//!
//! `PROPTEST_CASES=100000 cargo test --release props::` runs them longer.

use finetune_roi::report::Report;
use finetune_roi::value::{Value, NEVER_TEXT};
use finetune_roi::PlanError;
use proptest::prelude::*;
use proptest::test_runner::Config;

use super::common::*;

/// Characters that matter to YAML, for mutating a real plan.
const YAML_BITS: &[&str] = &[
    "[", "]", "{", "}", ":", ": ", "&a ", "*a", "!", "!!str ", "|", ">", "-", "- ", "#", "'", "\"",
    "\t", "\n", "\r\n", " ", "  ", "---\n", "...", "? ", ",", "%", "@", "`", "\u{feff}", "\0",
    ".nan", ".inf", "-.inf", "1e400", "~", "null", "yes", "0x1F", "<<: *a", "é", "\u{202e}",
];

/// The worked example with a few YAML-significant edits: close to a real
/// plan, so the parser goes deep before it fails.
fn mutated_plan() -> impl Strategy<Value = String> {
    let edits = prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0..3usize,
            prop::sample::select(YAML_BITS),
        ),
        1..6,
    );
    edits.prop_map(|edits| {
        let mut text: Vec<char> = worked_example_text().chars().collect();
        for (at, action, bit) in edits {
            let i = at.index(text.len() + 1);
            match action {
                0 => {
                    let bit: Vec<char> = bit.chars().collect();
                    text.splice(i..i, bit);
                }
                1 if i < text.len() => {
                    text.remove(i);
                }
                _ => {
                    let end = (i + bit.len()).min(text.len());
                    text.splice(i..end, bit.chars());
                }
            }
        }
        text.into_iter().collect()
    })
}

/// The loader's contract for any input: no panic; every problem names the
/// file and says something; and nothing that loads makes the model fail.
fn loader_holds(bytes: &[u8]) -> Result<(), TestCaseError> {
    match finetune_roi::plan::parse(bytes, "fuzz.yaml") {
        Ok(_) => {}
        Err(problems) => {
            prop_assert!(!problems.is_empty());
            for p in &problems {
                prop_assert_eq!(&p.file, "fuzz.yaml");
                prop_assert!(!p.message.is_empty());
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Err(PlanError::Model { source, .. }) =
            finetune_roi::evaluate_text(text, "fuzz.yaml", fixed_time())
        {
            return Err(TestCaseError::fail(format!("model defect: {source}")));
        }
    }
    Ok(())
}

/// One valid plan, generated within each input's documented range.
#[derive(Debug, Clone)]
struct Plan {
    lifetime_months: u32,
    days_per_month: Option<f64>,
    hours_per_day: Option<f64>,
    input_price: f64,
    output_price: f64,
    requests_per_day: f64,
    input_tokens: f64,
    output_tokens: f64,
    model_size_b: f64,
    method: &'static str,
    runs: u32,
    cost_per_run: Option<f64>,
    training: Option<Training>,
    hourly_rate: f64,
    hours: Vec<f64>,
    instances: u32,
    serving_cost_per_hour: f64,
    throughput: Option<f64>,
    target_utilization: Option<f64>,
    review_rate_api: f64,
    review_rate_ft: f64,
    cost_per_review: f64,
    latency_ms: Option<f64>,
    running: Running,
}

/// What moves the timeline away from the lesson's flat formula: running
/// costs, growth, a price trend, discounting and the sizing rule.
#[derive(Debug, Clone)]
struct Running {
    maintenance_hours: Option<f64>,
    retrain: Option<(u32, u32, f64)>,
    growth: Option<f64>,
    price_change: Option<f64>,
    discount_rate: Option<f64>,
    fixed_sizing: bool,
}

fn running() -> impl Strategy<Value = Running> {
    (
        prop::option::of(amount(200.0)),
        prop::option::of((1..30u32, 0..4u32, amount(200.0))),
        prop::option::of(0.0..0.15f64),
        prop::option::of(-0.9..0.5f64),
        prop::option::of(0.0..0.5f64),
        any::<bool>(),
    )
        .prop_map(
            |(maintenance_hours, retrain, growth, price_change, discount_rate, fixed_sizing)| {
                Running {
                    maintenance_hours,
                    retrain,
                    growth,
                    price_change,
                    discount_rate,
                    fixed_sizing,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct Training {
    dataset_examples: f64,
    avg_seq_len: f64,
    epochs: f64,
    instance: &'static str,
    spot: bool,
    tokens_per_second: Option<f64>,
}

/// A non-negative amount: mostly ordinary, sometimes zero or at the edges
/// that validation accepts.
fn amount(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => 0.0..max,
        1 => Just(0.0),
        1 => prop::sample::select(vec![1e-9, 1e-6, 1.0, 1e6, 1e12]),
    ]
}

/// A positive number, ordinary or at the edges.
fn positive(min: f64, max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => min..max,
        1 => prop::sample::select(vec![1e-6, 1.0, 1e9]),
    ]
}

fn rate() -> impl Strategy<Value = f64> {
    prop_oneof![4 => 0.0..=1.0, 1 => prop::sample::select(vec![0.0, 1.0, 0.5])]
}

fn training() -> impl Strategy<Value = Training> {
    (
        amount(1e7),
        amount(8192.0),
        positive(0.1, 10.0),
        prop::sample::select(vec!["a10g", "a100_80g", "h100", "l4"]),
        any::<bool>(),
        prop::option::of(positive(10.0, 1e5)),
    )
        .prop_map(
            |(dataset_examples, avg_seq_len, epochs, instance, spot, tokens_per_second)| Training {
                dataset_examples,
                avg_seq_len,
                epochs,
                instance,
                spot,
                tokens_per_second,
            },
        )
}

fn plan() -> impl Strategy<Value = Plan> {
    let traffic = (
        1..240u32,
        prop::option::of(1.0..31.0f64),
        prop::option::of(0.5..=24.0f64),
        amount(100.0),
        amount(100.0),
        amount(1e8),
        amount(1e4),
        amount(1e4),
    );
    let model = (
        positive(0.1, 500.0),
        prop::sample::select(vec!["lora", "qlora", "full"]),
        0..50u32,
        prop::option::of(amount(1e5)),
        prop::option::of(training()),
        amount(500.0),
        prop::collection::vec(amount(2000.0), 1..6),
    );
    let serving = (
        1..32u32,
        amount(50.0),
        prop::option::of(positive(1.0, 1e5)),
        prop::option::of(prop_oneof![0.01..=1.0f64, Just(1.0)]),
        rate(),
        rate(),
        amount(100.0),
        prop::option::of(positive(10.0, 10_000.0)),
    );
    (traffic, model, serving, running()).prop_map(|(t, m, s, running)| {
        let (lifetime_months, days_per_month, hours_per_day, ip, op, req, it, ot) = t;
        let (size, method, runs, cost_per_run, training, hourly_rate, hours) = m;
        let (instances, cph, throughput, util, rapi, rft, cpr, latency) = s;
        // A plan needs a cost per run or a training estimate, and tokens in a request.
        let cost_per_run = if training.is_none() {
            Some(cost_per_run.unwrap_or(10.0))
        } else {
            cost_per_run
        };
        let input_tokens = if it + ot > 0.0 { it } else { 1.0 };
        Plan {
            lifetime_months,
            days_per_month,
            hours_per_day,
            input_price: ip,
            output_price: op,
            requests_per_day: req,
            input_tokens,
            output_tokens: ot,
            model_size_b: size,
            method,
            runs,
            cost_per_run,
            training,
            hourly_rate,
            hours,
            instances,
            serving_cost_per_hour: cph,
            throughput,
            target_utilization: util,
            review_rate_api: rapi,
            review_rate_ft: rft,
            cost_per_review: cpr,
            latency_ms: latency,
            running,
        }
    })
}

/// The plan as YAML text. `{:?}` prints an f64 so that it reads back exactly.
fn yaml(p: &Plan) -> String {
    let mut y = String::new();
    y.push_str("plan: Random plan\nas_of: 2026-11-01\n");
    y.push_str(&format!("lifetime_months: {}\n", p.lifetime_months));
    if let Some(d) = p.days_per_month {
        y.push_str(&format!("days_per_month: {d:?}\n"));
    }
    if let Some(h) = p.hours_per_day {
        y.push_str(&format!("hours_per_day: {h:?}\n"));
    }
    y.push_str(&format!(
        "baseline:\n  input_price_per_1m_tokens: {:?}\n  output_price_per_1m_tokens: {:?}\n  requests_per_day: {:?}\n  avg_input_tokens_per_request: {:?}\n  avg_output_tokens_per_request: {:?}\n",
        p.input_price, p.output_price, p.requests_per_day, p.input_tokens, p.output_tokens
    ));
    if let Some(c) = p.running.price_change {
        y.push_str(&format!("  price_change_per_year: {c:?}\n"));
    }
    y.push_str(&format!(
        "fine_tuned:\n  model_size_b: {:?}\n  method: {}\n",
        p.model_size_b, p.method
    ));
    y.push_str(&format!("compute:\n  runs: {}\n", p.runs));
    if let Some(c) = p.cost_per_run {
        y.push_str(&format!("  cost_per_run: {c:?}\n"));
    }
    if let Some(t) = &p.training {
        y.push_str(&format!(
            "  training:\n    dataset_examples: {:?}\n    avg_seq_len: {:?}\n    epochs: {:?}\n    instance: {}\n    spot: {}\n",
            t.dataset_examples, t.avg_seq_len, t.epochs, t.instance, t.spot
        ));
        if let Some(tps) = t.tokens_per_second {
            y.push_str(&format!("    tokens_per_second: {tps:?}\n"));
        }
    }
    if let Some((every, runs, _)) = p.running.retrain {
        y.push_str(&format!(
            "  retrain_every_months: {every}\n  runs_per_retrain: {runs}\n"
        ));
    }
    y.push_str(&format!(
        "engineering:\n  hourly_rate: {:?}\n  hours:\n",
        p.hourly_rate
    ));
    for (i, h) in p.hours.iter().enumerate() {
        y.push_str(&format!("    phase_{i}: {h:?}\n"));
    }
    if let Some(m) = p.running.maintenance_hours {
        y.push_str(&format!("  maintenance_hours_per_month: {m:?}\n"));
    }
    if let Some((_, _, hours)) = p.running.retrain {
        y.push_str(&format!("  hours_per_retrain: {hours:?}\n"));
    }
    y.push_str(&format!(
        "serving:\n  instances: {}\n  cost_per_hour: {:?}\n",
        p.instances, p.serving_cost_per_hour
    ));
    if let Some(tp) = p.throughput {
        y.push_str(&format!("  throughput_tokens_per_second: {tp:?}\n"));
    }
    if let Some(u) = p.target_utilization {
        y.push_str(&format!("  target_utilization: {u:?}\n"));
    }
    if p.running.fixed_sizing {
        y.push_str("  sizing: fixed\n");
    }
    y.push_str(&format!(
        "quality:\n  review_rate_api: {:?}\n  review_rate_ft: {:?}\n  cost_per_review: {:?}\n",
        p.review_rate_api, p.review_rate_ft, p.cost_per_review
    ));
    if let Some(l) = p.latency_ms {
        y.push_str(&format!("decision:\n  latency_requirement_ms: {l:?}\n"));
    }
    if let Some(g) = p.running.growth {
        y.push_str(&format!("volume_growth_per_month: {g:?}\n"));
    }
    if let Some(d) = p.running.discount_rate {
        y.push_str(&format!("discount_rate_per_year: {d:?}\n"));
    }
    y
}

fn evaluate(p: &Plan) -> Result<Report, TestCaseError> {
    let text = yaml(p);
    finetune_roi::evaluate_text(&text, "random.yaml", fixed_time())
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- plan ---\n{text}")))
}

/// A quantity may be "never" (JSON null) only where that is documented: its
/// one-line doc says so, or its formula, which the workbook shows, has a
/// "never" branch. A null from anywhere else (0/0, say) is a defect.
fn documented_never(r: &Report, id: &str) -> bool {
    r.model.get(id).is_some_and(|q| {
        q.doc.to_lowercase().contains("never")
            || q.expr.to_excel().contains(&format!("\"{NEVER_TEXT}\""))
    })
}

/// The number of cases: `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        ..Config::default()
    }
}

fn num(r: &Report, id: &str) -> Result<f64, TestCaseError> {
    r.num(id)
        .ok_or_else(|| TestCaseError::fail(format!("`{id}` is not a number")))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn the_loader_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        loader_holds(&bytes)?;
    }

    #[test]
    fn the_loader_never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
        loader_holds(text.as_bytes())?;
    }

}

proptest! {
    // Most mutated plans still load and are evaluated: fewer cases by default.
    #![proptest_config(cases(300))]

    #[test]
    fn the_loader_never_panics_on_mutated_plans(text in mutated_plan()) {
        loader_holds(text.as_bytes())?;
    }
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn every_figure_of_a_valid_plan_is_finite_or_a_documented_null(p in plan()) {
        let r = evaluate(&p)?;
        for (id, v) in &r.values {
            match v {
                Value::Num(x) => prop_assert!(x.is_finite(), "`{id}` = {x}\n{}", yaml(&p)),
                Value::Never => prop_assert!(
                    documented_never(&r, id),
                    "`{id}` is never, and its doc does not say it can be\n{}",
                    yaml(&p)
                ),
                Value::Bool(_) | Value::Text(_) => {}
            }
        }
        let json: serde_json::Value =
            serde_json::from_slice(&finetune_roi::render::json::render(&r)).unwrap();
        for (id, v) in json["results"].as_object().unwrap() {
            prop_assert!(!v.is_null() || documented_never(&r, id), "`{id}` is null in the JSON");
        }
    }

    #[test]
    fn the_fine_tuned_total_is_the_sum_of_its_parts(p in plan()) {
        let r = evaluate(&p)?;
        let parts = num(&r, "monthly_serving_cost")?
            + num(&r, "monthly_storage_cost")?
            + num(&r, "monthly_amortized_project_cost")?
            + num(&r, "monthly_quality_cost_delta")?
            + num(&r, "monthly_running_cost")?;
        let total = num(&r, "monthly_ft_total")?;
        prop_assert!(close(total, parts), "total {total} != parts {parts}\n{}", yaml(&p));
    }

    #[test]
    fn the_master_check_holds_on_every_valid_plan(p in plan()) {
        // Running costs, growth, a price trend and discounting included: the
        // checks reconcile (the parts add up, the lesson's formula bridges to
        // the timeline), so a valid plan never trips one.
        let r = evaluate(&p)?;
        for id in r.model.with_role(finetune_roi::model::Role::Check) {
            prop_assert_eq!(r.value(id), &Value::Num(0.0), "{} fails\n{}", id, yaml(&p));
        }
        let bridge: f64 = ["flat_lifetime_net", "bridge_maintenance", "bridge_retraining", "bridge_growth", "bridge_price_trend"]
            .iter()
            .map(|id| num(&r, id))
            .sum::<Result<f64, _>>()?;
        let net = num(&r, "lifetime_net")?;
        prop_assert!((bridge - net).abs() <= 1e-6 * net.abs().max(num(&r, "lifetime_api_cost")?).max(1.0),
            "bridge {bridge} != net {net}\n{}", yaml(&p));
    }

    #[test]
    fn more_requests_never_lower_the_api_cost(p in plan(), factor in 1.0..10.0f64, extra in 0.0..1e6f64) {
        let mut more = p.clone();
        more.requests_per_day = p.requests_per_day * factor + extra;
        let before = num(&evaluate(&p)?, "monthly_api_cost")?;
        let after = num(&evaluate(&more)?, "monthly_api_cost")?;
        prop_assert!(after >= before, "{} requests: {before}; {} requests: {after}", p.requests_per_day, more.requests_per_day);
    }
}
