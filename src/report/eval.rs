//! Evaluating the model's expressions: the environments a quantity or a
//! timeline row is evaluated in, a case of the model, and the timeline
//! period by period.

use std::collections::{HashMap, HashSet};

use crate::collections::IndexMap;

use crate::model::expr::{Env, EvalError, Ref};
use crate::model::{Model, Step};
use crate::value::Value;

use super::ScenarioResult;

/// Scalars, with the whole timeline visible (after the timeline is evaluated).
pub(super) struct ScalarEnv<'a> {
    pub(super) values: &'a IndexMap<String, Value>,
    pub(super) timeline: &'a IndexMap<String, Vec<Value>>,
}

impl Env for ScalarEnv<'_> {
    fn get(&self, r: &Ref) -> Option<Value> {
        self.values.get(r.id()).cloned()
    }
    fn cum_sum(&self, row: &Ref) -> Option<f64> {
        self.timeline
            .get(row.id())
            .map(|row| row.iter().filter_map(Value::as_num).sum())
    }
    fn row(&self, row: &Ref) -> Option<Vec<Value>> {
        self.timeline.get(row.id()).cloned()
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
    fn get(&self, r: &Ref) -> Option<Value> {
        let id = r.id();
        self.current
            .get(id)
            .or_else(|| self.values.get(id))
            .cloned()
    }
    fn period(&self) -> Option<f64> {
        Some(self.period as f64)
    }
    fn cum_sum(&self, row: &Ref) -> Option<f64> {
        let id = row.id();
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
pub(super) fn evaluate_case(
    model: &Model,
    values: &IndexMap<String, Value>,
    sc: &crate::model::Scenario,
    dependents: &mut HashMap<Vec<String>, Vec<usize>>,
) -> Result<ScenarioResult, EvalError> {
    let no_timeline = IndexMap::default();
    let mut case_inputs = IndexMap::default();
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
        timeline: IndexMap::default(),
    })
}

/// Evaluates every timeline row for every period, period by period.
pub(super) fn evaluate_timeline(
    model: &Model,
    values: &IndexMap<String, Value>,
    timeline: &mut IndexMap<String, Vec<Value>>,
) -> Result<(), EvalError> {
    for period in 0..=model.periods as usize {
        let mut current = IndexMap::default();
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
