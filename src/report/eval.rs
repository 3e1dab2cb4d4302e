//! Evaluating the model: the values by symbol number that a resolved
//! reference is read from, the environments a quantity or a timeline row is
//! evaluated in, and the phases that use them (the plan's own quantities and
//! timeline, a case, an option on its own timeline, the comparison last).
//!
//! The report keeps its values by id for the renderers; beside them, each
//! phase keeps the same values by the number the model's symbol table gives
//! each id ([`Numbered`]), and the expressions, resolved when the model was
//! built, read them by that number. A reference the model did not resolve
//! has no value here.

use std::collections::{HashMap, HashSet};

use crate::collections::IndexMap;

use crate::model::expr::{Env, EvalError, Ref, Sym};
use crate::model::{Model, OwnStep, Scenario, Step};
use crate::value::Value;

use super::ScenarioResult;

/// Values by symbol number: what a resolved reference reads.
#[derive(Debug, Clone)]
pub(super) struct Numbered {
    slots: Vec<Option<Value>>,
}

impl Numbered {
    /// The values of `values` whose ids the model numbers.
    fn of(model: &Model, values: &IndexMap<String, Value>) -> Numbered {
        let mut slots = vec![None; model.symbols().len()];
        for (id, v) in values {
            if let Some(s) = model.symbols().get(id) {
                slots[s.index()] = Some(v.clone());
            }
        }
        Numbered { slots }
    }

    /// An empty set of values, one slot per number of the model.
    fn empty(model: &Model) -> Numbered {
        Numbered {
            slots: vec![None; model.symbols().len()],
        }
    }

    /// Sets the value of a number.
    fn set(&mut self, sym: Option<Sym>, v: &Value) {
        if let Some(slot) = sym.and_then(|s| self.slots.get_mut(s.index())) {
            *slot = Some(v.clone());
        }
    }
}

/// Where values are read by number: one set, or a case's own over the plan's.
trait Lookup {
    fn value(&self, sym: Sym) -> Option<&Value>;
}

impl Lookup for Numbered {
    fn value(&self, sym: Sym) -> Option<&Value> {
        self.slots.get(sym.index())?.as_ref()
    }
}

/// A case's own values (its replaced inputs and what they move) over the
/// plan's.
struct Overlay<'a> {
    base: &'a Numbered,
    own: Numbered,
}

impl Lookup for Overlay<'_> {
    fn value(&self, sym: Sym) -> Option<&Value> {
        self.own.value(sym).or_else(|| self.base.value(sym))
    }
}

/// Scalars, with the whole timeline visible (after the timeline is
/// evaluated; empty before it and in a case).
struct ScalarEnv<'a> {
    model: &'a Model,
    values: &'a dyn Lookup,
    timeline: &'a IndexMap<String, Vec<Value>>,
}

impl ScalarEnv<'_> {
    /// A timeline row's values: the row at the index of its number (the
    /// timeline holds the rows in the model's order).
    fn row_values(&self, row: &Ref) -> Option<&Vec<Value>> {
        let j = self.model.row_index(row.sym()?)?;
        self.timeline.get_index(j).map(|(_, v)| v)
    }
}

impl Env for ScalarEnv<'_> {
    fn get(&self, r: &Ref) -> Option<Value> {
        self.values.value(r.sym()?).cloned()
    }
    fn cum_sum(&self, row: &Ref) -> Option<f64> {
        self.row_values(row)
            .map(|row| row.iter().filter_map(Value::as_num).sum())
    }
    fn row(&self, row: &Ref) -> Option<Vec<Value>> {
        self.row_values(row).cloned()
    }
}

/// One period of the timeline: this period's rows (by their index in the
/// timeline) where a reference is a row's, the scalars otherwise.
struct PeriodEnv<'a> {
    model: &'a Model,
    values: &'a Numbered,
    timeline: &'a IndexMap<String, Vec<Value>>,
    current: &'a [Option<Value>],
    period: usize,
}

impl Env for PeriodEnv<'_> {
    fn get(&self, r: &Ref) -> Option<Value> {
        let sym = r.sym()?;
        match self.model.row_index(sym) {
            Some(j) => self.current.get(j)?.clone(),
            None => self.values.value(sym).cloned(),
        }
    }
    fn period(&self) -> Option<f64> {
        Some(self.period as f64)
    }
    fn cum_sum(&self, row: &Ref) -> Option<f64> {
        let j = self.model.row_index(row.sym()?)?;
        let earlier: f64 = self
            .timeline
            .get_index(j)?
            .1
            .iter()
            .take(self.period)
            .filter_map(Value::as_num)
            .sum();
        Some(earlier + self.current.get(j)?.as_ref()?.as_num()?)
    }
}

/// Evaluates every quantity but the comparison's, and the timeline, into
/// `values`; returns the timeline and the values by number.
pub(super) fn evaluate_own(
    model: &Model,
    values: &mut IndexMap<String, Value>,
) -> Result<(IndexMap<String, Vec<Value>>, Numbered), EvalError> {
    let mut numbered = Numbered::of(model, values);
    let mut timeline: IndexMap<String, Vec<Value>> = model
        .timeline
        .iter()
        .map(|t| (t.id.clone(), Vec::new()))
        .collect();
    let no_timeline = IndexMap::default();
    let mut timeline_done = false;
    for step in model.own_steps() {
        match step {
            OwnStep::Quantity(k, q) => {
                let env = ScalarEnv {
                    model,
                    values: &numbered,
                    timeline: if timeline_done {
                        &timeline
                    } else {
                        &no_timeline
                    },
                };
                let v = q.expr.eval(&env, &q.id)?;
                numbered.set(model.quantity_sym(k), &v);
                values.insert(q.id.clone(), v);
            }
            OwnStep::Timeline => {
                evaluate_timeline(model, &numbered, &mut timeline)?;
                timeline_done = true;
            }
        }
    }
    Ok((timeline, numbered))
}

/// Evaluates the comparison's quantities, once the options' figures and the
/// simulation's odds are in `values`.
pub(super) fn evaluate_late(
    model: &Model,
    values: &mut IndexMap<String, Value>,
    timeline: &IndexMap<String, Vec<Value>>,
) -> Result<(), EvalError> {
    let mut numbered = Numbered::of(model, values);
    for (k, q) in model.late_quantities() {
        let env = ScalarEnv {
            model,
            values: &numbered,
            timeline,
        };
        let v = q.expr.eval(&env, &q.id)?;
        numbered.set(model.quantity_sym(k), &v);
        values.insert(q.id.clone(), v);
    }
    Ok(())
}

/// Evaluates an option as a whole plan of its own (its inputs over the
/// plan's, every quantity and its own timeline); returns the option's result
/// (what it moves, and its timeline) and all its values. Its replaced
/// inputs are read in `base`, the plan's values; it starts from the plan's
/// inputs alone.
pub(super) fn evaluate_option(
    model: &Model,
    base: &Numbered,
    plan_inputs: &IndexMap<String, Value>,
    sc: &Scenario,
) -> Result<(ScenarioResult, IndexMap<String, Value>), EvalError> {
    let no_timeline = IndexMap::default();
    let env = ScalarEnv {
        model,
        values: base,
        timeline: &no_timeline,
    };
    let mut values = plan_inputs.clone();
    let mut inputs = IndexMap::default();
    for (id, e) in &sc.overrides {
        let v = e.eval(&env, id)?;
        inputs.insert(id.clone(), v.clone());
        values.insert(id.clone(), v);
    }
    let (timeline, _) = evaluate_own(model, &mut values)?;
    let ids: Vec<&str> = sc.overrides.iter().map(|(id, _)| id.as_str()).collect();
    let moved = model
        .option_dependents(&ids)
        .iter()
        .map(|q| {
            (
                q.id.clone(),
                values.get(&q.id).cloned().unwrap_or(Value::Never),
            )
        })
        .collect();
    Ok((
        ScenarioResult {
            id: sc.id.clone(),
            label: sc.label.clone(),
            inputs,
            values: moved,
            timeline,
        },
        values,
    ))
}

/// Evaluates one case: its replaced inputs, then every quantity that depends
/// on them, everything else at base (the plan's values, `base`).
pub(super) fn evaluate_case(
    model: &Model,
    base: &Numbered,
    sc: &Scenario,
    dependents: &mut HashMap<Vec<String>, Vec<usize>>,
) -> Result<ScenarioResult, EvalError> {
    let no_timeline = IndexMap::default();
    let mut case_inputs = IndexMap::default();
    for (id, e) in &sc.overrides {
        let env = ScalarEnv {
            model,
            values: base,
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
    let mut case = Overlay {
        base,
        own: Numbered::empty(model),
    };
    for (id, v) in &case_inputs {
        case.own.set(model.symbols().get(id), v);
    }
    let mut case_values = case_inputs.clone();
    for &k in moved.iter() {
        let Some(q) = model.quantities.get(k) else {
            continue;
        };
        let v = q.expr.eval(
            &ScalarEnv {
                model,
                values: &case,
                timeline: &no_timeline,
            },
            &q.id,
        )?;
        case.own.set(model.quantity_sym(k), &v);
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
fn evaluate_timeline(
    model: &Model,
    values: &Numbered,
    timeline: &mut IndexMap<String, Vec<Value>>,
) -> Result<(), EvalError> {
    for period in 0..=model.periods as usize {
        let mut current: Vec<Option<Value>> = vec![None; model.timeline.len()];
        for (j, t) in model.timeline.iter().enumerate() {
            let v = t.expr.eval(
                &PeriodEnv {
                    model,
                    values,
                    timeline,
                    current: &current,
                    period,
                },
                &t.id,
            )?;
            current[j] = Some(v);
        }
        for (j, v) in current.into_iter().enumerate() {
            if let (Some(v), Some((_, row))) = (v, timeline.get_index_mut(j)) {
                row.push(v);
            }
        }
    }
    Ok(())
}
