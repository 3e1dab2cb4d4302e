//! The model evaluated for one plan: every value by id, the warnings and the
//! decision reasons. This is what every renderer receives; renderers lay it
//! out and format it, and compute nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use indexmap::IndexMap;

use crate::format::{self, Unit};
use crate::inputs::Inputs;
use crate::model::expr::{Env, EvalError};
use crate::model::{self, Model, Step};
use crate::value::Value;

/// What a lookup of an id that has no value reads: "there is none".
static NO_VALUE: Value = Value::Never;

/// A warning for the reader, with the figures behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Stable identifier, such as `review_cost_exceeds_api_bill`.
    pub id: &'static str,
    /// Short heading.
    pub title: &'static str,
    /// The sentence with the figures.
    pub message: String,
}

/// One factor of the decision score and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The quantity holding its points.
    pub id: &'static str,
    pub points: f64,
    pub text: String,
}

/// One sensitivity case evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioResult {
    pub id: String,
    pub label: String,
    /// The replaced inputs' values in this case.
    pub inputs: IndexMap<String, Value>,
    /// The values of the quantities that depend on them.
    pub values: IndexMap<String, Value>,
}

impl ScenarioResult {
    /// A value in this case: the case's own, or else the base value; `None`
    /// when neither has one.
    pub fn get<'a>(&'a self, report: &'a Report, id: &str) -> Option<&'a Value> {
        self.values
            .get(id)
            .or_else(|| self.inputs.get(id))
            .or_else(|| report.get(id))
    }

    /// A value in this case: the case's own, or else the base value; an id
    /// with neither reads as "never" (see [`Report::value`]).
    pub fn value<'a>(&'a self, report: &'a Report, id: &str) -> &'a Value {
        self.get(report, id).unwrap_or(&NO_VALUE)
    }
}

/// Scalars, with the whole timeline visible (after the timeline is evaluated).
struct ScalarEnv<'a> {
    values: &'a IndexMap<String, Value>,
    timeline: &'a IndexMap<String, Vec<Value>>,
}

impl Env for ScalarEnv<'_> {
    fn get(&self, id: &str) -> Option<Value> {
        self.values.get(id).cloned()
    }
    fn cum_sum(&self, id: &str) -> Option<f64> {
        self.timeline
            .get(id)
            .map(|row| row.iter().filter_map(Value::as_num).sum())
    }
    fn row(&self, id: &str) -> Option<Vec<Value>> {
        self.timeline.get(id).cloned()
    }
}

/// One period of the timeline: this period's rows first, then the scalars.
struct PeriodEnv<'a> {
    values: &'a IndexMap<String, Value>,
    timeline: &'a IndexMap<String, Vec<Value>>,
    current: &'a IndexMap<String, Value>,
    period: usize,
}

impl Env for PeriodEnv<'_> {
    fn get(&self, id: &str) -> Option<Value> {
        self.current
            .get(id)
            .or_else(|| self.values.get(id))
            .cloned()
    }
    fn period(&self) -> Option<f64> {
        Some(self.period as f64)
    }
    fn cum_sum(&self, id: &str) -> Option<f64> {
        let earlier: f64 = self
            .timeline
            .get(id)?
            .iter()
            .take(self.period)
            .filter_map(Value::as_num)
            .sum();
        Some(earlier + self.current.get(id)?.as_num()?)
    }
}

/// Evaluates one case: its replaced inputs, then every quantity that depends
/// on them, everything else at base.
fn evaluate_case(
    model: &Model,
    values: &IndexMap<String, Value>,
    sc: &crate::model::Scenario,
    dependents: &mut HashMap<Vec<String>, Vec<usize>>,
) -> Result<ScenarioResult, EvalError> {
    let no_timeline = IndexMap::new();
    let mut case_inputs = IndexMap::new();
    for (id, e) in &sc.overrides {
        let env = ScalarEnv {
            values,
            timeline: &no_timeline,
        };
        case_inputs.insert(id.clone(), e.eval(&env, id)?);
    }
    // Cases that replace the same inputs move the same quantities.
    let ids: Vec<String> = sc.overrides.iter().map(|(id, _)| id.clone()).collect();
    let moved = dependents.entry(ids).or_insert_with_key(|ids| {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let moved: HashSet<&str> = model
            .dependents(&ids)
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        model
            .evaluation_order()
            .iter()
            .filter_map(|step| match *step {
                Step::Quantity(k) => Some(k),
                Step::Timeline => None,
            })
            .filter(|&k| {
                model
                    .quantities
                    .get(k)
                    .is_some_and(|q| moved.contains(q.id.as_str()))
            })
            .collect()
    });
    // The case's own values over the plan's.
    let mut case_values = case_inputs.clone();
    for q in moved.iter().filter_map(|&k| model.quantities.get(k)) {
        let v = {
            let lookup = |id: &str| case_values.get(id).or_else(|| values.get(id)).cloned();
            q.expr.eval(&lookup, &q.id)?
        };
        case_values.insert(q.id.clone(), v);
    }
    let case_results = case_values.split_off(case_inputs.len());
    Ok(ScenarioResult {
        id: sc.id.clone(),
        label: sc.label.clone(),
        inputs: case_inputs,
        values: case_results,
    })
}

/// One input's tornado bar: the results with it at its low and high ends.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    pub input: String,
    pub low: f64,
    pub high: f64,
    pub payback_low: Value,
    pub payback_high: Value,
    pub savings_low: f64,
    pub savings_high: f64,
}

impl Report {
    /// The tornado bars, the largest swing in monthly savings first.
    pub fn tornado_bars(&self) -> Vec<TornadoBar> {
        let mut bars: Vec<TornadoBar> = self
            .inputs
            .ranges
            .iter()
            .zip(self.tornado.chunks(2))
            .filter_map(|(range, pair)| {
                let [low, high] = pair else { return None };
                Some(TornadoBar {
                    input: range.id.clone(),
                    low: range.low,
                    high: range.high,
                    payback_low: low.value(self, "payback_months").clone(),
                    payback_high: high.value(self, "payback_months").clone(),
                    savings_low: low.value(self, "monthly_savings").as_num().unwrap_or(0.0),
                    savings_high: high.value(self, "monthly_savings").as_num().unwrap_or(0.0),
                })
            })
            .collect();
        bars.sort_by(|a, b| {
            let swing = |x: &TornadoBar| (x.savings_high - x.savings_low).abs();
            swing(b).total_cmp(&swing(a))
        });
        bars
    }

    /// Why a case cannot be built as planned (empty when it can): the model
    /// does not fit the GPUs, or the instances cannot carry the traffic.
    pub fn infeasible_reasons(&self, case: &ScenarioResult) -> Vec<String> {
        let mut out = Vec::new();
        if case.value(self, "serving_model_fits") == &Value::Bool(false) {
            out.push(format!(
                "the model needs {} GB a copy but is given {} GB",
                format::number(
                    case.value(self, "serving_memory_required_gb")
                        .as_num()
                        .unwrap_or(0.0),
                    Unit::Gigabytes
                ),
                format::number(
                    case.value(self, "serving_memory_available_gb")
                        .as_num()
                        .unwrap_or(0.0),
                    Unit::Gigabytes
                ),
            ));
        }
        if case.value(self, "serving_capacity_shortfall") == &Value::Bool(true) {
            out.push(format!(
                "the instances carry {} tokens/s, below the {} the traffic needs; about {} instances are needed",
                format::number(case.value(self, "serving_capacity_tokens_per_second").as_num().unwrap_or(0.0), Unit::TokensPerSecond),
                format::number(case.value(self, "required_throughput_tokens_per_second").as_num().unwrap_or(0.0), Unit::TokensPerSecond),
                format::number(case.value(self, "serving_instances_needed").as_num().unwrap_or(0.0), Unit::Instances),
            ));
        }
        out
    }

    /// The plan as written, as a case with nothing replaced.
    pub fn plan_case(&self) -> ScenarioResult {
        ScenarioResult {
            id: "plan".to_string(),
            label: "The plan as written".to_string(),
            inputs: IndexMap::new(),
            values: IndexMap::new(),
        }
    }

    /// The recommended option: of the plan and its options, the feasible one
    /// with the largest net savings over the lifetime; `api` when none saves
    /// money. `None` when the plan lists no options.
    pub fn recommended_option(&self) -> Option<String> {
        if self.options.is_empty() {
            return None;
        }
        let plan = self.plan_case();
        let best = std::iter::once((&plan, "plan".to_string()))
            .chain(
                self.model
                    .options
                    .iter()
                    .zip(&self.options)
                    .map(|(sc, res)| (res, sc.id.trim_start_matches("option_").to_string())),
            )
            .filter(|(case, _)| self.infeasible_reasons(case).is_empty())
            .filter_map(|(case, id)| {
                case.value(self, "lifetime_net_savings")
                    .as_num()
                    .map(|x| (x, id))
            })
            .filter(|(x, _)| *x > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        Some(best.map_or("api".to_string(), |(_, id)| id))
    }
}

/// One evaluated plan.
#[derive(Debug, Clone)]
pub struct Report {
    pub inputs: Inputs,
    pub model: Model,
    /// Every input and quantity value, by id, inputs first.
    pub values: IndexMap<String, Value>,
    /// The monthly timeline: row id → values for periods 0 to `model.periods`.
    pub timeline: IndexMap<String, Vec<Value>>,
    /// The sensitivity cases, in the model's order.
    pub scenarios: Vec<ScenarioResult>,
    /// The tornado cases, in the model's order (low then high per range).
    pub tornado: Vec<ScenarioResult>,
    /// The plan's options evaluated, in the plan's order.
    pub options: Vec<ScenarioResult>,
    /// What moved since the plan's previous dated run, when there was one.
    pub changes: Option<crate::changes::Changes>,
    /// The Monte Carlo simulation over the ranged inputs.
    pub simulation: Option<crate::simulate::Simulation>,
    pub warnings: Vec<Warning>,
    pub reasons: Vec<Reason>,
    /// When the outputs were generated.
    pub generated_at: DateTime<Utc>,
}

impl Report {
    /// The value with this id, or `None` when the plan has no such input or
    /// quantity (a serving-memory figure of a plan that gives no GPU memory).
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.values.get(id)
    }

    /// The value with this id; an id the plan has no value for reads as
    /// "never" (shown as `never`, `null` in JSON). Never panics: callers that
    /// must tell a missing figure from "never" use [`Report::get`].
    pub fn value(&self, id: &str) -> &Value {
        self.get(id).unwrap_or(&NO_VALUE)
    }

    /// The number with this id, or `None` for "never" and non-numbers.
    pub fn num(&self, id: &str) -> Option<f64> {
        self.value(id).as_num()
    }

    /// The truth value with this id (false if it is not one).
    pub fn flag(&self, id: &str) -> bool {
        self.values
            .get(id)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// The unit of an input or quantity.
    pub fn unit(&self, id: &str) -> Unit {
        if let Some(q) = self.model.get(id) {
            return q.unit;
        }
        self.inputs.get(id).map_or(Unit::Text, |i| i.unit)
    }

    /// The label of an input or quantity.
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        if let Some(q) = self.model.get(id) {
            return &q.label;
        }
        self.inputs.get(id).map_or(id, |i| i.label.as_str())
    }

    /// A value formatted in its unit.
    pub fn show(&self, id: &str) -> String {
        format::value(self.value(id), self.unit(id))
    }

    /// The figures the next month's run compares with.
    pub fn snapshot(&self) -> crate::changes::Snapshot {
        crate::changes::Snapshot::of_run(
            self.verdict(),
            &self.model.with_role(model::Role::Tracked),
            |id| self.get(id),
            self.inputs
                .items
                .iter()
                .map(|i| (i.id.as_str(), i.label.as_str(), &i.value)),
        )
    }

    /// The plan's verdict.
    pub fn verdict(&self) -> &str {
        self.value("verdict").as_text().unwrap_or("")
    }

    /// True when the verdict is to fine-tune.
    pub fn fine_tune(&self) -> bool {
        self.verdict() == model::VERDICT_FINE_TUNE
    }
}

/// Evaluates the model over the inputs.
pub fn evaluate(inputs: Inputs, model: Model, run: &Run) -> Result<Report, EvalError> {
    let mut values: IndexMap<String, Value> = IndexMap::new();
    for i in &inputs.items {
        values.insert(i.id.clone(), i.value.clone());
    }
    for range in &inputs.ranges {
        values.insert(model::range_low_id(&range.id), Value::Num(range.low));
        values.insert(model::range_high_id(&range.id), Value::Num(range.high));
    }
    for (k, option) in inputs.options.iter().enumerate() {
        for item in &option.inputs.items {
            values.insert(
                crate::inputs::options::option_input_id(k, &item.id),
                item.value.clone(),
            );
        }
    }
    let mut timeline: IndexMap<String, Vec<Value>> = model
        .timeline
        .iter()
        .map(|t| (t.id.clone(), Vec::new()))
        .collect();
    let no_timeline = IndexMap::new();
    let mut timeline_done = false;
    for step in model.evaluation_order() {
        match *step {
            Step::Quantity(k) => {
                let Some(q) = model.quantities.get(k) else {
                    continue;
                };
                let env = ScalarEnv {
                    values: &values,
                    timeline: if timeline_done {
                        &timeline
                    } else {
                        &no_timeline
                    },
                };
                let v = q.expr.eval(&env, &q.id)?;
                values.insert(q.id.clone(), v);
            }
            Step::Timeline => {
                evaluate_timeline(&model, &values, &mut timeline)?;
                timeline_done = true;
            }
        }
    }
    let mut dependents = HashMap::new();
    let scenarios = model
        .scenarios
        .iter()
        .map(|sc| evaluate_case(&model, &values, sc, &mut dependents))
        .collect::<Result<Vec<_>, _>>()?;
    let tornado = model
        .tornado
        .iter()
        .map(|sc| evaluate_case(&model, &values, sc, &mut dependents))
        .collect::<Result<Vec<_>, _>>()?;
    let options = model
        .options
        .iter()
        .map(|sc| evaluate_case(&model, &values, sc, &mut dependents))
        .collect::<Result<Vec<_>, _>>()?;
    let mut report = Report {
        inputs,
        model,
        values,
        timeline,
        scenarios,
        tornado,
        options,
        changes: None,
        simulation: None,
        warnings: Vec::new(),
        reasons: Vec::new(),
        generated_at: run.generated_at,
    };
    report.warnings = warnings(&report);
    report.reasons = reasons(&report);
    report.simulation = Some(
        crate::simulate::simulate(
            &report.model,
            &report.values,
            &report.inputs.ranges,
            run.trials,
            run.seed,
        )
        .map_err(|e| EvalError::NotANumber(e.0))?,
    );
    report.changes = run.previous.as_ref().map(|p| changes_since(&report, p));
    Ok(report)
}

/// How a plan is evaluated beyond its own contents.
#[derive(Debug, Clone)]
pub struct Run {
    /// When the outputs are generated.
    pub generated_at: DateTime<Utc>,
    /// Monte Carlo trials.
    pub trials: usize,
    /// The simulation's random seed.
    pub seed: u64,
    /// The plan's previous dated run, to say what moved since.
    pub previous: Option<Previous>,
}

/// A plan's previous dated run: its month and its JSON document.
#[derive(Debug, Clone)]
pub struct Previous {
    pub month: crate::changes::Month,
    pub document: serde_json::Value,
}

/// What moved between the previous run and this report.
fn changes_since(report: &Report, previous: &Previous) -> crate::changes::Changes {
    let tracked = report.model.with_role(model::Role::Tracked);
    let before = crate::changes::Snapshot::of_document(&previous.document, &tracked);
    crate::changes::compare(previous.month, &before, &report.snapshot(), |id| {
        report.label(id).to_string()
    })
}

/// Evaluates every timeline row for every period, period by period.
fn evaluate_timeline(
    model: &Model,
    values: &IndexMap<String, Value>,
    timeline: &mut IndexMap<String, Vec<Value>>,
) -> Result<(), EvalError> {
    for period in 0..=model.periods as usize {
        let mut current = IndexMap::new();
        for t in &model.timeline {
            let v = t.expr.eval(
                &PeriodEnv {
                    values,
                    timeline,
                    current: &current,
                    period,
                },
                &t.id,
            )?;
            current.insert(t.id.clone(), v);
        }
        for (id, v) in current {
            if let Some(row) = timeline.get_mut(&id) {
                row.push(v);
            }
        }
    }
    Ok(())
}

/// The warnings for the reader, in the order the memo lists them.
fn warnings(r: &Report) -> Vec<Warning> {
    let mut out = Vec::new();
    component_warnings(r, &mut out);
    payback_warnings(r, &mut out);
    budget_warnings(r, &mut out);
    option_warnings(r, &mut out);
    for notice in &r.inputs.notices {
        out.push(Warning {
            id: "estimate_fallback",
            title: "Training estimate without a measured benchmark",
            message: notice.clone(),
        });
    }
    out
}

/// The components' warnings: review cost, serving capacity and memory, GPU efficiency.
fn component_warnings(r: &Report, out: &mut Vec<Warning>) {
    let money = |id: &str| format::money0(r.num(id).unwrap_or(0.0));
    if r.flag("review_cost_exceeds_api_bill") {
        out.push(Warning {
            id: "review_cost_exceeds_api_bill",
            title: "Review cost larger than the API bill",
            message: format!(
                "The fine-tuned model's extra human review costs {}/month ({} of {} requests reviewed instead of {}, at {} a review), more than the whole API bill of {}/month.",
                money("monthly_quality_cost_delta"),
                r.show("review_rate_ft"),
                r.show("monthly_requests"),
                r.show("review_rate_api"),
                r.show("cost_per_review"),
                money("monthly_api_cost"),
            ),
        });
    }
    if r.flag("serving_capacity_shortfall") {
        out.push(Warning {
            id: "serving_capacity_shortfall",
            title: "Serving capacity below the traffic",
            message: format!(
                "{} instances at {} tokens/s carry {} tokens/s, below the {} tokens/s the traffic needs at {} utilization; about {} instances are needed.",
                r.show("serving_instances"),
                r.show("serving_throughput_tokens_per_second"),
                r.show("serving_capacity_tokens_per_second"),
                r.show("required_throughput_tokens_per_second"),
                r.show("target_utilization"),
                r.show("serving_instances_needed"),
            ),
        });
    }
    if r.values.contains_key("serving_model_fits") && !r.flag("serving_model_fits") {
        out.push(Warning {
            id: "model_does_not_fit",
            title: "The model does not fit the serving GPUs",
            message: format!(
                "A {}B model at {} needs {} GB with its KV cache and runtime headroom, but one copy is given {} GB ({} GPU(s) of {} GB); serve it quantized or spread it over more GPUs (serving.gpus_per_replica).",
                r.show("model_size_b"),
                r.show("serving_precision"),
                r.show("serving_memory_required_gb"),
                r.show("serving_memory_available_gb"),
                r.show("serving_gpus_per_replica"),
                r.show("serving_gpu_memory_gb"),
            ),
        });
    }
    if r.flag("training_mfu_implausible") {
        out.push(Warning {
            id: "implausible_gpu_efficiency",
            title: "Training estimate implies implausible GPU efficiency",
            message: format!(
                "{} tokens/s on {} GPU(s) of {} TFLOPS is {} of peak at {} FLOPs per parameter and token; plausible runs reach {} to {}. Check the throughput behind the training estimate.",
                r.show("training_tokens_per_second"),
                r.show("training_num_gpus"),
                r.show("training_gpu_bf16_tflops"),
                r.show("training_implied_mfu"),
                r.show("training_flops_per_parameter_token"),
                r.show("rule_mfu_min"),
                r.show("rule_mfu_max"),
            ),
        });
    }
}

/// No payback within the lifetime, or a volume below break-even.
fn payback_warnings(r: &Report, out: &mut Vec<Warning>) {
    if r.flag("payback_beyond_lifetime") {
        let message = match r.num("payback_months") {
            Some(_) => format!(
                "The project pays back in {} months, after the model's {}-month lifetime.",
                r.show("payback_months"),
                r.show("lifetime_months"),
            ),
            None => format!(
                "The project never pays back: the monthly savings before amortization are {}.",
                format::money0(r.num("monthly_savings_before_amortization").unwrap_or(0.0)),
            ),
        };
        out.push(Warning {
            id: "payback_beyond_lifetime",
            title: "No payback within the model's lifetime",
            message,
        });
    }
    if !r.flag("is_above_break_even_all_in") {
        let message = match r.num("break_even_tokens_per_day_all_in") {
            Some(_) => format!(
                "Today's {} tokens/day is below the all-in break-even of {} tokens/day.",
                r.show("current_daily_tokens"),
                r.show("break_even_tokens_per_day_all_in"),
            ),
            None => format!(
                "No volume breaks even: the extra review cost of {} per 1M tokens is at least the API price of {} per 1M tokens, so more traffic only widens the loss.",
                r.show("review_cost_delta_per_1m_tokens"),
                r.show("weighted_api_price_per_1m_tokens"),
            ),
        };
        out.push(Warning {
            id: "below_break_even",
            title: "Volume below break-even",
            message,
        });
    }
}

/// Fewer training runs or engineering hours than typical projects need.
fn budget_warnings(r: &Report, out: &mut Vec<Warning>) {
    if r.flag("too_few_training_runs") {
        out.push(Warning {
            id: "too_few_training_runs",
            title: "Too few training runs budgeted",
            message: format!(
                "{} training runs are budgeted; reaching a production model typically takes {} to 15.",
                r.show("training_runs"),
                r.show("rule_min_training_runs"),
            ),
        });
    }
    if r.flag("engineering_hours_below_typical") {
        out.push(Warning {
            id: "engineering_hours_below_typical",
            title: "Engineering hours below typical",
            message: format!(
                "{} engineering hours are planned; projects from data to production typically take {} to 188.",
                r.show("engineering_hours_total"),
                r.show("rule_min_engineering_hours"),
            ),
        });
    }
}

/// An option with a smaller model that nets more than the plan.
fn option_warnings(r: &Report, out: &mut Vec<Warning>) {
    // A larger model chosen where a smaller option would save more.
    let size = r.num("model_size_b").unwrap_or(0.0);
    let plan_net = r.num("lifetime_net_savings").unwrap_or(0.0);
    for (case, result) in r.model.options.iter().zip(&r.options) {
        let their_size = result.value(r, "model_size_b").as_num().unwrap_or(size);
        let their_net = result
            .value(r, "lifetime_net_savings")
            .as_num()
            .unwrap_or(f64::NEG_INFINITY);
        if their_size < size && their_net > plan_net && r.infeasible_reasons(result).is_empty() {
            out.push(Warning {
                id: "larger_model_than_needed",
                title: "A larger model where a smaller one is cheaper",
                message: format!(
                    "The plan's {}B model nets {} over the lifetime; the option \"{}\" with a {}B model nets {}. Evaluate the smaller model's quality before paying for the larger one.",
                    format::number(size, Unit::BillionParameters),
                    format::money0(plan_net),
                    case.label,
                    format::number(their_size, Unit::BillionParameters),
                    format::money0(their_net),
                ),
            });
        }
    }
}

fn reasons(r: &Report) -> Vec<Reason> {
    let points = |id: &str| r.num(id).unwrap_or(0.0);
    let text = |id: &str| r.value(id).as_text().unwrap_or("").to_string();
    let mut out = Vec::new();
    let bill = format::money0(r.num("monthly_api_cost").unwrap_or(0.0));
    out.push(Reason {
        id: "decision_points_api_cost",
        points: points("decision_points_api_cost"),
        text: match text("decision_api_cost_level").as_str() {
            "high" => format!("An API bill of {bill}/month is high: dedicated serving is likely to cost less."),
            "medium" => format!("An API bill of {bill}/month is middling: the full project cost decides."),
            _ => format!("An API bill of {bill}/month is low: at this volume the API is almost surely cheaper."),
        },
    });
    out.push(Reason {
        id: "decision_points_consistency",
        points: points("decision_points_consistency"),
        text: match text("task_consistency").as_str() {
            "high" => "The task is uniform, so a small specialised model can match a large general one.".to_string(),
            "low" => "The task varies widely; a fine-tuned small model will miss edge cases a frontier model handles.".to_string(),
            _ => "Task consistency is middling: no points either way.".to_string(),
        },
    });
    let latency = r.show("latency_requirement_ms");
    out.push(Reason {
        id: "decision_points_latency",
        points: points("decision_points_latency"),
        text: match text("decision_latency_level").as_str() {
            "strict" => format!(
                "A strict {latency} ms latency target favours a self-hosted small model on p99."
            ),
            "moderate" => {
                format!("A {latency} ms latency target is moderate: both options can meet it.")
            }
            _ => format!("A {latency} ms latency target is relaxed: no points either way."),
        },
    });
    out.push(Reason {
        id: "decision_points_quality",
        points: points("decision_points_quality"),
        text: match text("quality_requirement").as_str() {
            "high" => {
                "A high quality bar: a small fine-tuned model may fall short on hard reasoning."
                    .to_string()
            }
            "low" => {
                "A forgiving quality bar: a small fine-tuned model is likely enough.".to_string()
            }
            _ => "The quality bar is middling: no points either way.".to_string(),
        },
    });
    out.push(Reason {
        id: "decision_points_team",
        points: points("decision_points_team"),
        text: if r.flag("team_ml_expertise") {
            "The team has ML expertise to run the project.".to_string()
        } else {
            "No ML expertise on the team: engineering will cost more; consider a managed fine-tuning service.".to_string()
        },
    });
    out.push(Reason {
        id: "decision_points_iteration",
        points: points("decision_points_iteration"),
        text: if r.flag("iteration_speed_priority") {
            "Fast iteration matters: prompts change in minutes, a fine-tuned model needs retraining.".to_string()
        } else {
            "The task definition is settled: retraining delays are acceptable.".to_string()
        },
    });
    out
}
