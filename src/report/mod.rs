//! The model evaluated for one plan, built once by [`evaluate`]: every value
//! by id, the monthly timeline, the sensitivity, tornado and option cases,
//! the simulation, what moved since the previous run, the warnings and the
//! decision reasons. This is what every renderer receives; renderers lay it
//! out and format it, and compute nothing.

mod eval;
mod sentences;

use crate::id;
use std::collections::HashMap;

use crate::collections::IndexMap;
use chrono::{DateTime, Utc};

use crate::format::{self, Unit};
use crate::inputs::Inputs;
use crate::model::comparison::Candidate;
use crate::model::expr::EvalError;
use crate::model::{self, Model};
use crate::value::Value;

use eval::{evaluate_case, evaluate_late, evaluate_option, evaluate_own};
use sentences::{reasons, warnings};

/// What a lookup of an id that has no value reads: "there is none".
static NO_VALUE: Value = Value::Never;

/// A warning for the reader, with the figures behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Stable identifier, such as `review_cost_exceeds_api_bill`.
    pub id: String,
    /// Short heading.
    pub title: String,
    /// The sentence with the figures.
    pub message: String,
    /// A note on where the inputs came from (an old or retired catalogue
    /// entry, an estimate used instead of a measurement), rather than on
    /// what the figures say.
    pub on_inputs: bool,
    /// The plan fields that act on it (the sentence says it in words).
    pub plan_fields: Vec<String>,
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
    /// An option's own timeline (empty for the other cases).
    pub timeline: IndexMap<String, Vec<Value>>,
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
                    payback_low: low.value(self, id::FLAT_PAYBACK_MONTHS).clone(),
                    payback_high: high.value(self, id::FLAT_PAYBACK_MONTHS).clone(),
                    savings_low: low.value(self, id::MONTHLY_SAVINGS).as_num().unwrap_or(0.0),
                    savings_high: high
                        .value(self, id::MONTHLY_SAVINGS)
                        .as_num()
                        .unwrap_or(0.0),
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
    /// does not fit the GPUs, or fixed instances cannot carry the traffic.
    pub fn infeasible_reasons(&self, case: &ScenarioResult) -> Vec<String> {
        sentences::infeasible_reasons(self, case)
    }

    /// The plan as written, as a case with nothing replaced.
    pub fn plan_case(&self) -> ScenarioResult {
        ScenarioResult {
            id: "plan".to_string(),
            label: "The plan as written".to_string(),
            inputs: IndexMap::default(),
            values: IndexMap::default(),
            timeline: IndexMap::default(),
        }
    }

    /// The recommended candidate: the comparison's row of it
    /// (`recommended_row`) read in the table of candidates.
    pub fn recommended_candidate(&self) -> Candidate {
        recommended_in(&self.model, &self.values)
    }

    /// The recommended candidate's id: `api`, `plan`, or an option's id.
    pub fn recommended(&self) -> String {
        self.candidate_id(self.recommended_candidate())
    }

    /// A candidate's id: `api`, `plan`, or the option's id (the API's for
    /// an option the plan does not have).
    pub fn candidate_id(&self, c: Candidate) -> String {
        match c {
            Candidate::Api => "api".to_string(),
            Candidate::Plan => "plan".to_string(),
            Candidate::Option(k) => self
                .inputs
                .options
                .get(k)
                .map_or_else(|| "api".to_string(), |o| o.id.clone()),
        }
    }

    /// The recommended option's index among the plan's options, if an
    /// option is recommended.
    pub fn recommended_option_index(&self) -> Option<usize> {
        match self.recommended_candidate() {
            Candidate::Option(k) if k < self.inputs.options.len() => Some(k),
            _ => None,
        }
    }

    /// The recommended candidate as a case: the option's own when an option
    /// is recommended, else the plan as written (also when the API is, so
    /// the reader sees what fine-tuning would do).
    pub fn recommended_case(&self) -> std::borrow::Cow<'_, ScenarioResult> {
        match self
            .recommended_option_index()
            .and_then(|k| self.options.get(k))
        {
            Some(case) => std::borrow::Cow::Borrowed(case),
            None => std::borrow::Cow::Owned(self.plan_case()),
        }
    }

    /// The recommended candidate's name in a sentence: the option's label,
    /// else "the plan as written" (see [`Report::recommended_case`]).
    pub fn recommended_name(&self) -> String {
        match self
            .recommended_option_index()
            .and_then(|k| self.inputs.options.get(k))
        {
            Some(option) => format!("option \u{201c}{}\u{201d}", option.label),
            None => "the plan as written".to_string(),
        }
    }

    /// True when the verdict rests on a thin margin.
    pub fn marginal(&self) -> bool {
        self.flag(id::VERDICT_MARGINAL)
    }

    /// True when the plan as written is feasible.
    pub fn feasible(&self) -> bool {
        self.values.get(id::FEASIBLE) != Some(&Value::Bool(false))
    }

    /// True when the instances' throughput is known, so the capacity was
    /// checked.
    pub fn capacity_checked(&self) -> bool {
        self.inputs.shape.has_throughput
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
    /// What moved since the plan's latest earlier month, when it has one.
    pub changes: Option<crate::analysis::changes::Changes>,
    /// What moved since the earlier run of this month that this run
    /// replaces, when there was one.
    pub changes_in_month: Option<crate::analysis::changes::Changes>,
    /// The Monte Carlo simulation over the ranged inputs.
    pub simulation: Option<crate::analysis::simulate::Simulation>,
    pub warnings: Vec<Warning>,
    pub reasons: Vec<Reason>,
    /// When the outputs were generated.
    pub generated_at: DateTime<Utc>,
    /// The paper the workbook and the memo print on.
    pub paper: crate::format::Paper,
    /// The yearly API price change at which the verdict flips (the price
    /// lever's value, see [`Report::levers`]).
    pub price_flip: PriceFlip,
    /// What would change the decision: the recommended candidate's levers
    /// and the values at which the verdict flips.
    pub levers: Vec<crate::analysis::levers::Lever>,
}

/// The yearly API price change at which the recommended candidate's net
/// present value (or, when the API is recommended, the plan's) crosses zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PriceFlip {
    /// The trend at which the verdict flips.
    At(f64),
    /// No trend from −100% to +100% a year flips it.
    None,
    /// Not searched: the plan cannot be built as written.
    NotFeasible,
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

    /// The label of a figure or input as the recommended candidate reads
    /// it: where the recommendation is to switch API model, the words of a
    /// fine-tuned model name the new API model instead.
    pub fn candidate_label<'a>(&'a self, id: &'a str) -> &'a str {
        match switch_label(id) {
            Some(label) if self.verdict() == model::VERDICT_SWITCH => label,
            _ => self.label(id),
        }
    }

    /// The first sentence of a figure's doc as the recommended candidate
    /// reads it (see [`Report::candidate_label`]).
    pub fn candidate_doc(&self, id: &str) -> String {
        if self.verdict() == model::VERDICT_SWITCH {
            match id {
                id::MONTHLY_FT_TOTAL => {
                    return "The new API model's bill + amortized project + quality delta + running costs.".to_string()
                }
                id::MONTHLY_SAVINGS => {
                    return "API cost minus the total on the new API model, amortization and running costs included.".to_string()
                }
                _ => {}
            }
        }
        let doc = self.model.get(id).map_or("", |q| q.doc.as_str());
        doc.find(". ")
            .map_or(doc, |end| &doc[..end + 1])
            .to_string()
    }

    /// A value formatted in its unit.
    pub fn show(&self, id: &str) -> String {
        format::value(self.value(id), self.unit(id))
    }

    /// The figures the next month's run compares with.
    pub fn snapshot(&self) -> crate::analysis::changes::Snapshot {
        crate::analysis::changes::Snapshot::of_run(
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
        self.value(id::VERDICT).as_text().unwrap_or("")
    }

    /// True when a candidate beats the API: the verdict is to fine-tune, or
    /// to switch to another API model (an option of `kind: api`).
    pub fn fine_tune(&self) -> bool {
        self.verdict() == model::VERDICT_FINE_TUNE || self.verdict() == model::VERDICT_SWITCH
    }
}

/// A figure's label where the verdict is to switch API models and the
/// figure reads otherwise (see [`Report::candidate_label`]).
pub fn switch_label(id: &str) -> Option<&'static str> {
    match id {
        id::MONTHLY_FT_TOTAL => Some("Monthly total on the new API model"),
        id::REVIEW_RATE_FT => Some("Review rate on the new API model"),
        id::MANAGED_INPUT_PRICE_PER_1M_TOKENS => Some("New API model's input price"),
        id::MANAGED_OUTPUT_PRICE_PER_1M_TOKENS => Some("New API model's output price"),
        _ => None,
    }
}

/// The candidate in the comparison's recommended row; the API where the
/// row is missing (a model without a comparison).
fn recommended_in(model: &Model, values: &IndexMap<String, Value>) -> Candidate {
    values
        .get(id::RECOMMENDED_ROW)
        .and_then(Value::as_num)
        .filter(|k| *k >= 1.0)
        .and_then(|k| model.candidates.candidates.get(k as usize - 1))
        .copied()
        .unwrap_or(Candidate::Api)
}

/// Evaluates the model over the inputs: the plan's own quantities and
/// timeline, the cases, each option on its own timeline, the simulation, and
/// then the comparison, which reads the options and the simulation.
pub fn evaluate(inputs: Inputs, model: Model, run: &Run) -> Result<Report, EvalError> {
    let mut values: IndexMap<String, Value> = IndexMap::default();
    for i in &inputs.items {
        values.insert(i.id.clone(), i.value.clone());
    }
    for range in &inputs.ranges {
        values.insert(model::range_low_id(&range.id), Value::Num(range.low));
        values.insert(model::range_high_id(&range.id), Value::Num(range.high));
    }
    for i in &inputs.items {
        if matches!(i.value, Value::Num(_)) {
            for (id, x) in model::bound_values(&i.id, &i.bounds) {
                values.insert(id, Value::Num(x));
            }
        }
    }
    // What an option is evaluated over: the plan's inputs, not the other
    // options' (so that time and memory grow linearly with the options).
    let plan_inputs = values.clone();
    for (k, option) in inputs.options.iter().enumerate() {
        for item in &option.inputs.items {
            values.insert(
                crate::inputs::options::option_input_id(k, &item.id),
                item.value.clone(),
            );
        }
        values.insert(
            model::comparison::option_label_id(k),
            Value::Text(option.label.clone()),
        );
    }
    let (mut timeline, numbered) = evaluate_own(&model, &mut values)?;
    let mut dependents = HashMap::new();
    let scenarios = model
        .scenarios
        .iter()
        .map(|sc| evaluate_case(&model, &numbered, sc, &mut dependents))
        .collect::<Result<Vec<_>, _>>()?;
    let tornado = model
        .tornado
        .iter()
        .map(|sc| evaluate_case(&model, &numbered, sc, &mut dependents))
        .collect::<Result<Vec<_>, _>>()?;
    let mut options = Vec::new();
    let mut option_values = Vec::new();
    for sc in &model.options {
        let (result, all) = evaluate_option(&model, &numbered, &plan_inputs, sc)?;
        options.push(result);
        option_values.push(all);
    }
    let figures = model.with_role(model::Role::CandidateFigure);
    for (k, option) in option_values.iter().enumerate() {
        for id in &figures {
            let v = option.get(*id).cloned().unwrap_or(Value::Never);
            values.insert(crate::inputs::options::option_input_id(k, id), v);
        }
    }
    let draws = crate::analysis::simulate::Draws::new(&inputs.ranges, run.trials, run.seed);
    let simulation = crate::analysis::simulate::simulate_drawn(
        &model,
        &values,
        &inputs.ranges,
        &option_values,
        &draws,
    )
    .map_err(|e| EvalError::NotANumber(e.0))?;
    if !inputs.ranges.is_empty() {
        simulation.insert_odds(&mut values);
    }
    evaluate_late(&model, &mut values, &timeline)?;
    timeline.shrink_to_fit();
    // What would change the decision: the recommended candidate's levers
    // (the plan's when the API is recommended), by the rule itself.
    let recommended = recommended_in(&model, &values);
    let option = match recommended {
        Candidate::Option(k) if k < option_values.len() && k < inputs.options.len() => Some(k),
        _ => None,
    };
    let (candidate, prefix) = match option {
        Some(k) => (
            &option_values[k],
            format!("options.{}.", inputs.options[k].id),
        ),
        None => (&values, String::new()),
    };
    // What it must beat to stay recommended: the best other candidate's
    // score (0, the API, when the API is recommended and the plan is searched).
    let own = match option {
        Some(k) => Candidate::Option(k),
        None => Candidate::Plan,
    };
    // An API the requirements rule out is no bar to beat.
    let api_score = match values.get(&model::comparison::score_cell_id(Candidate::Api)) {
        Some(Value::Num(x)) => *x,
        _ => f64::NEG_INFINITY,
    };
    let threshold = if recommended == Candidate::Api {
        0.0
    } else {
        model
            .candidates
            .candidates
            .iter()
            .filter(|c| **c != own && **c != Candidate::Api)
            .filter_map(|c| values.get(&model::comparison::score_cell_id(*c)))
            .filter_map(Value::as_num)
            .fold(api_score, f64::max)
    };
    // Under ranges the rule asks the candidate's odds too: its trials are
    // run again with the lever's inputs moved (the simulation's own draws).
    let mut reruns: Vec<(Vec<String>, crate::analysis::simulate::Rerun)> = Vec::new();
    let mut pays = |moved: &[(&str, f64)], which: &[usize]| -> Vec<bool> {
        let at = match reruns
            .iter()
            .position(|(ids, _)| ids.iter().map(String::as_str).eq(moved.iter().map(|m| m.0)))
        {
            Some(at) => at,
            None => {
                let ids: Vec<&str> = moved.iter().map(|(id, _)| *id).collect();
                let Ok(rerun) = crate::analysis::simulate::Rerun::new(
                    &model,
                    &values,
                    option.map(|k| &option_values[k]),
                    &inputs.ranges,
                    &draws,
                    &ids,
                ) else {
                    return vec![false; which.len()];
                };
                reruns.push((ids.iter().map(|s| s.to_string()).collect(), rerun));
                reruns.len() - 1
            }
        };
        let xs: Vec<f64> = moved.iter().map(|(_, x)| *x).collect();
        reruns[at].1.pays(&xs, which)
    };
    let odds = match values.get(id::REQUIRED_ODDS).and_then(Value::as_num) {
        Some(required) if !inputs.ranges.is_empty() => Some(crate::analysis::levers::Odds {
            pays: &mut pays,
            trials: draws.trials(),
            required,
        }),
        _ => None,
    };
    let levers = crate::analysis::levers::levers(
        &model,
        candidate,
        &inputs.shape.phase_ids,
        &prefix,
        threshold,
        odds,
    )
    .map_err(|e| EvalError::NotANumber(e.0))?;
    let price_flip = if candidate.get(id::FEASIBLE) == Some(&Value::Bool(false)) {
        PriceFlip::NotFeasible
    } else {
        levers
            .iter()
            .find(|l| l.input.ends_with("baseline.price_change_per_year"))
            .map_or(PriceFlip::None, |l| PriceFlip::At(l.flips_at))
    };
    let mut report = Report {
        inputs,
        model,
        values,
        timeline,
        scenarios,
        tornado,
        options,
        changes: None,
        changes_in_month: None,
        simulation: Some(simulation),
        warnings: Vec::new(),
        reasons: Vec::new(),
        generated_at: run.generated_at,
        paper: run.paper,
        price_flip,
        levers,
    };
    report.warnings = warnings(&report);
    report.reasons = reasons(&report);
    report.changes = run
        .history
        .earlier_month
        .as_ref()
        .map(|p| changes_since(&report, p));
    report.changes_in_month = run
        .history
        .this_month
        .as_ref()
        .map(|p| changes_since(&report, p));
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
    /// The plan's earlier dated runs, to say what moved since.
    pub history: History,
    /// The paper the outputs print on.
    pub paper: crate::format::Paper,
}

/// A plan's earlier dated runs that a run is compared with.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Its run in the latest earlier month that has one: what `--fail-on`
    /// and the memo's "What changed" compare with, whatever reruns of this
    /// month came before.
    pub earlier_month: Option<Previous>,
    /// The earlier run of this run's own month, which this run replaces.
    pub this_month: Option<Previous>,
}

/// A plan's previous dated run: its month and its JSON document.
#[derive(Debug, Clone)]
pub struct Previous {
    pub month: crate::analysis::changes::Month,
    /// True when it is an earlier run of this run's own month, which this
    /// run replaces.
    pub replaced: bool,
    pub document: serde_json::Value,
}

/// What moved between the previous run and this report.
fn changes_since(report: &Report, previous: &Previous) -> crate::analysis::changes::Changes {
    let tracked = report.model.with_role(model::Role::Tracked);
    let before = crate::analysis::changes::Snapshot::of_document(&previous.document, &tracked);
    let mut changes =
        crate::analysis::changes::compare(previous.month, &before, &report.snapshot(), |id| {
            report.label(id).to_string()
        });
    changes.replaced = previous.replaced;
    changes
}
