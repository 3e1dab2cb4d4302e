//! The memo's what-if panel: the whole model printed as JavaScript (the
//! third walk of the expression tree, [`crate::model::js`]), the plan's
//! values, and the inputs a reader may change in the meeting.
//!
//! The page's script is the runtime, the model's program and the panel's
//! code; it is built from the model alone, so no plan text ever enters it.
//! The plan's values, labels and paths travel in a data attribute that the
//! template escapes, and the script reads them as JSON. Without scripts the
//! panel stays hidden and the memo reads as it always did.
//!
//! The program evaluates as [`crate::report::evaluate`] does: the plan's own
//! quantities and timeline in the model's evaluation order, then each option
//! as the plan with its inputs replaced, on a timeline of its own, then the
//! comparison that picks the recommended candidate and says the verdict. The
//! simulation is not run: its odds keep the values of the plan as written.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{json, Value as Json};

use crate::format::{self, Unit};
use crate::id;
use crate::inputs::options::option_input_id;
use crate::inputs::spec;
use crate::model::expr::Ref;
use crate::model::js::{self, JsNames};
use crate::model::{Model, OwnStep, Role};

use crate::report::Report;
use crate::value::Value;

/// The page's code that runs the panel (inputs, query, reset, the brief's
/// figures); the model's program comes before it.
const PANEL: &str = include_str!("whatif.js");

/// The inputs the panel offers, when the plan has them: the levers of "what
/// would change the decision" and the key inputs, in the order shown. The
/// engineering phases follow the traffic and prices.
const PANEL_INPUTS: [&str; 13] = [
    id::REQUESTS_PER_DAY,
    id::VOLUME_GROWTH_PER_MONTH,
    id::INPUT_PRICE_PER_1M_TOKENS,
    id::OUTPUT_PRICE_PER_1M_TOKENS,
    id::API_PRICE_CHANGE_PER_YEAR,
    id::REVIEW_RATE_API,
    id::REVIEW_RATE_FT,
    id::COST_PER_REVIEW,
    id::ENGINEER_HOURLY_RATE,
    id::MAINTENANCE_HOURS_PER_MONTH,
    id::SERVING_COST_PER_HOUR,
    id::SERVING_INSTANCES,
    id::DISCOUNT_RATE_PER_YEAR,
];

/// Where the phases come in [`PANEL_INPUTS`]: after the review cost.
const PHASES_AFTER: &str = id::COST_PER_REVIEW;

/// A figure the page recomputes and marks with `data-figure="<name>"`.
pub struct Hook {
    /// The hook's name in the page.
    pub name: &'static str,
    /// The quantity it shows.
    pub quantity: &'static str,
}

/// The figures of the panel, all for the recommended candidate (the plan's
/// when the API is recommended).
pub const FIGURES: [Hook; 9] = [
    Hook {
        name: id::VERDICT,
        quantity: id::VERDICT,
    },
    Hook {
        name: id::VERDICT_SENTENCE,
        quantity: id::VERDICT_SENTENCE,
    },
    Hook {
        name: id::HEADLINE,
        quantity: id::HEADLINE,
    },
    Hook {
        name: "recommended",
        quantity: id::RECOMMENDED_LABEL,
    },
    Hook {
        name: id::NPV,
        quantity: id::RECOMMENDED_NPV,
    },
    Hook {
        name: id::PAYBACK_MONTHS,
        quantity: id::RECOMMENDED_PAYBACK_MONTHS,
    },
    Hook {
        name: id::MONTHLY_SAVINGS,
        quantity: id::RECOMMENDED_MONTHLY_SAVINGS,
    },
    Hook {
        name: id::LIFETIME_NET,
        quantity: id::RECOMMENDED_LIFETIME_NET,
    },
    Hook {
        name: "project_cost",
        quantity: id::RECOMMENDED_PROJECT_COST,
    },
];

/// What the memo's template needs for the panel.
pub struct WhatIf {
    /// The plan's values and the panel's inputs, as JSON (escaped by the
    /// template into an attribute).
    pub data: String,
    /// The page's script: runtime, model program, panel.
    pub script: String,
}

/// How references print in the program: scalars in `v` (or `b`, an
/// option's base), timeline rows in `T` with running totals in `C`; each
/// found from the reference's number in the model's symbol table.
#[derive(Clone, Copy)]
struct Names<'a> {
    model: &'a Model,
    /// The index in the page's scalars of each number that has one.
    scalars: &'a [Option<usize>],
    /// The array the scalars are read from.
    array: &'static str,
    /// Printing a timeline row: other rows read the current period.
    in_row: bool,
}

impl Names<'_> {
    /// The index in the page's scalars of a reference's value.
    fn scalar(&self, r: &Ref) -> Option<usize> {
        self.scalars.get(r.sym()?.index()).copied().flatten()
    }

    /// The index in `T` (the timeline's order) of a reference's row.
    fn row_index(&self, r: &Ref) -> Option<usize> {
        self.model.row_index(r.sym()?)
    }
}

impl JsNames for Names<'_> {
    fn name(&self, r: &Ref, out: &mut String) {
        match (self.in_row, self.row_index(r), self.scalar(r)) {
            (true, Some(k), _) => {
                let _ = write!(out, "T[{k}][p]");
            }
            (_, _, Some(k)) => {
                let _ = write!(out, "{}[{k}]", self.array);
            }
            _ => unknown(r.id(), out),
        }
    }
    fn cum_sum(&self, row: &Ref, out: &mut String) {
        match self.row_index(row) {
            Some(k) => {
                let _ = write!(out, "C[{k}]");
            }
            None => unknown(row.id(), out),
        }
    }
    fn row(&self, row: &Ref, out: &mut String) {
        match self.row_index(row) {
            Some(k) if !self.in_row => {
                let _ = write!(out, "T[{k}]");
            }
            _ => unknown(row.id(), out),
        }
    }
}

/// A reference the model cannot resolve: a defect, thrown when reached (as
/// Rust's evaluation reports it).
fn unknown(id: &str, out: &mut String) {
    let _ = write!(
        out,
        "X({})",
        js::string_literal(&format!("`{id}` is not defined"))
    );
}

/// The number style of a unit for the page's formatter, as
/// [`format::number`] formats it.
fn style(unit: Unit) -> &'static str {
    match format::style(unit) {
        format::Style::Dollars(2) => "$2",
        format::Style::Dollars(3) => "$3",
        format::Style::Dollars(_) => "$4",
        format::Style::Percent => "%",
        format::Style::ReturnRate => "r",
        format::Style::Grouped(1) => "g1",
        format::Style::Grouped(_) => "g0",
        format::Style::WholeOrOne => "h",
        format::Style::Trimmed => "t",
    }
}

/// A value as the page's data holds it.
fn json_of(v: &Value) -> Json {
    v.to_json()
}

/// The model as a JavaScript program over the symbol table: `own(v)`
/// evaluates the plan's own quantities and timeline, `late(v,T,C)` the
/// comparison, `options(v)` each option's candidate figures, `run(v)` all of
/// them in the report's order.
fn program(
    r: &Report,
    scalars: &HashMap<&str, usize>,
    by_number: &[Option<usize>],
    panel: &[(String, String)],
) -> String {
    let model = &r.model;
    let scalar = Names {
        model,
        scalars: by_number,
        array: "v",
        in_row: false,
    };
    let in_row = Names {
        in_row: true,
        ..scalar
    };
    let mut out = String::new();
    let _ = writeln!(out, "const P={};", model.periods);
    out.push_str("function R(T,C,k,x){T[k].push(x);if(typeof x===\"number\")C[k]+=x;}\n");
    let _ = writeln!(
        out,
        "function own(v){{const T=[{}],C=new Array({}).fill(0);",
        vec!["[]"; model.timeline.len()].join(","),
        model.timeline.len()
    );
    for step in model.own_steps() {
        match step {
            OwnStep::Quantity(_, q) => {
                if let Some(i) = scalars.get(q.id.as_str()) {
                    let _ = write!(out, "v[{i}]=V(");
                    js::write_expr(&q.expr, &scalar, &mut out);
                    out.push_str(");\n");
                }
            }
            OwnStep::Timeline => {
                out.push_str("for(let p=0;p<=P;p++){\n");
                for (k, t) in model.timeline.iter().enumerate() {
                    let _ = write!(out, "R(T,C,{k},V(");
                    js::write_expr(&t.expr, &in_row, &mut out);
                    out.push_str("));\n");
                }
                out.push_str("}\n");
            }
        }
    }
    out.push_str("return [T,C];}\n");
    out.push_str("function late(v,T,C){\n");
    for (_, q) in model.late_quantities() {
        if let Some(i) = scalars.get(q.id.as_str()) {
            let _ = write!(out, "v[{i}]=V(");
            js::write_expr(&q.expr, &scalar, &mut out);
            out.push_str(");\n");
        }
    }
    out.push_str("}\n");
    // Each option: the plan's values with its inputs replaced (read from
    // the plan's values, `b`), its own evaluation, and its candidate
    // figures copied back under the option's ids.
    let base = Names {
        array: "b",
        ..scalar
    };
    let figures = model.with_role(Role::CandidateFigure);
    // `OPTS[k](b)`: option k's own values, evaluated (the levers of an
    // option are searched from them).
    out.push_str("const OPTS=[\n");
    for (k, option) in model.options.iter().enumerate() {
        out.push_str("function(b){const v=b.slice();\n");
        for (id, e) in &option.overrides {
            if let Some(i) = scalars.get(id.as_str()) {
                let _ = write!(out, "v[{i}]=V(");
                js::write_expr(e, &base, &mut out);
                out.push_str(");\n");
            }
        }
        // A panel input the option writes keeps the option's value when the
        // reader changes the plan's (the option overrides it only where the
        // two differ today).
        let written = r.inputs.options.get(k).map_or(&[][..], |o| &o.writes[..]);
        for (id, path) in panel {
            if path.is_empty()
                || !written.contains(path)
                || option.overrides.iter().any(|(o, _)| o == id)
            {
                continue;
            }
            if let (Some(i), Some(theirs)) = (
                scalars.get(id.as_str()),
                scalars.get(option_input_id(k, id).as_str()),
            ) {
                let _ = writeln!(out, "v[{i}]=b[{theirs}];");
            }
        }
        out.push_str("own(v);return v;},\n");
    }
    out.push_str("];\nfunction options(b){let v;\n");
    for k in 0..model.options.len() {
        let _ = writeln!(out, "v=OPTS[{k}](b);");
        for id in &figures {
            let (Some(from), Some(to)) = (
                scalars.get(*id),
                scalars.get(option_input_id(k, id).as_str()),
            ) else {
                continue;
            };
            let _ = writeln!(out, "b[{to}]=v[{from}];");
        }
    }
    out.push_str("}\n");
    out.push_str("function run(v){const [T,C]=own(v);options(v);late(v,T,C);return T;}\n");
    out
}

/// The panel's inputs that this plan has, in order: id and the plan path a
/// link may set it by (empty where the plan has none for it: a typical
/// engineering phase, traffic observed in the plan's actuals).
fn panel_ids(r: &Report) -> Vec<(String, String)> {
    let phase = &spec::ENGINEERING_PHASE;
    let prefix = phase.label.split("{phase}").next().unwrap_or("");
    let from_plan = |id: &str| {
        r.inputs
            .get(id)
            .is_some_and(|i| !matches!(i.source, crate::inputs::Source::Actual(_)))
    };
    let mut ids: Vec<(String, String)> = Vec::new();
    for id in PANEL_INPUTS {
        if r.inputs.get(id).is_some_and(|i| i.value.as_num().is_some()) {
            let path = if from_plan(id) {
                spec::spec(id).path
            } else {
                ""
            };
            ids.push((id.to_string(), path.to_string()));
        }
        if id == PHASES_AFTER {
            for pid in &r.inputs.shape.phase_ids {
                let Some(input) = r.inputs.get(pid) else {
                    continue;
                };
                let path = match (&input.source, input.label.strip_prefix(prefix)) {
                    (crate::inputs::Source::Plan, Some(name)) => {
                        phase.path.replace("{phase}", name)
                    }
                    _ => String::new(),
                };
                ids.push((pid.clone(), path));
            }
        }
    }
    ids
}

/// The panel's inputs as the page's data: id, label, unit, bounds, plan
/// path and index among the values.
fn panel_inputs(
    r: &Report,
    panel: &[(String, String)],
    scalars: &HashMap<&str, usize>,
) -> Vec<Json> {
    panel
        .iter()
        .filter_map(|(id, path)| {
            let input = r.inputs.get(id)?;
            let index = scalars.get(id.as_str())?;
            let b = input.bounds;
            Some(json!({
                "id": id,
                "path": path,
                "label": input.label,
                "unit": input.unit.label(),
                "style": style(input.unit),
                "i": index,
                "min": if b.min.is_finite() { json!(b.min) } else { Json::Null },
                "minIn": b.min_inclusive,
                "max": b.max,
                "whole": b.whole,
                "expected": b.expected(),
            }))
        })
        .collect()
}

/// What the page needs to search the levers again as
/// [`crate::analysis::levers::levers`] does, for the candidate the changed
/// inputs recommend: the candidates and their scores, the rule's outputs,
/// the levers the rule reads (their inputs, units, ranges) and the search's
/// constants. `null` under ranges, where the rule asks the simulation's odds
/// too and the page does not rerun it.
fn lever_data(r: &Report, scalars: &HashMap<&str, usize>) -> Json {
    use crate::analysis::levers::{self, Range};
    use crate::model::comparison::{score_cell_id, Candidate};
    if !r.inputs.ranges.is_empty() {
        return Json::Null;
    }
    let Ok(searched) = levers::searched(&r.model, &r.values, &r.inputs.shape.phase_ids) else {
        return Json::Null;
    };
    let index = |id: &str| scalars.get(id).map_or(Json::Null, |i| json!(i));
    let candidates: Vec<Json> = r
        .model
        .candidates
        .candidates
        .iter()
        .map(|c| {
            let option = match c {
                Candidate::Option(k) => r.inputs.options.get(*k).map(|o| (*k, o.id.as_str())),
                _ => None,
            };
            json!({
                "api": *c == Candidate::Api,
                "option": option.map(|(k, _)| k),
                "prefix": option.map_or(String::new(), |(_, id)| format!("options.{id}.")),
                "score": index(&score_cell_id(*c)),
            })
        })
        .collect();
    let kinds: Vec<Json> = searched
        .iter()
        .filter_map(|l| {
            let moved: Option<Vec<usize>> = l
                .moved
                .iter()
                .map(|id| scalars.get(id.as_str()).copied())
                .collect();
            // An amount's high end is a multiple of today's value, which
            // the changed inputs may move; its low end is fixed.
            let (low, high) = match l.range {
                Range::Amount => (json!(l.range.bounds(0.0).0), Json::Null),
                Range::Fixed(low, high) => (json!(low), json!(high)),
            };
            Some(json!({
                "id": l.id,
                "i": scalars.get(l.id)?,
                "path": l.path,
                "label": l.label,
                "switchLabel": crate::report::switch_label(l.id),
                "style": style(l.unit),
                "moved": moved?,
                "scaled": l.scaled,
                "low": low,
                "high": high,
            }))
        })
        .collect();
    let reading = super::prose::flip_reading;
    json!({
        "row": index(id::RECOMMENDED_ROW),
        "verdict": index(id::VERDICT),
        "fineTune": [crate::model::VERDICT_FINE_TUNE, crate::model::VERDICT_SWITCH],
        "switch": crate::model::VERDICT_SWITCH,
        "candidates": candidates,
        "npv": index(levers::OUTPUTS[0]),
        "feasible": index(levers::OUTPUTS[1]),
        "kinds": kinds,
        "lanes": crate::model::compiled::LANES,
        "rounds": levers::SEARCH_ROUNDS,
        "tolerance": levers::SEARCH_TOLERANCE,
        "amountTimes": levers::AMOUNT_TIMES,
        "amountIfZero": levers::AMOUNT_IF_ZERO,
        "readings": [reading(true, true), reading(true, false), reading(false, true), reading(false, false)],
        "written": r.levers.iter().map(|l| l.input.as_str()).collect::<Vec<_>>(),
    })
}

/// The panel's data and the page's script for a report.
pub fn what_if(r: &Report) -> WhatIf {
    let model = &r.model;
    // Every scalar a quantity has or reads: the report's values (inputs,
    // ranges, options' inputs and labels, the simulation's odds) and the
    // quantities.
    let mut names: Vec<&str> = r.values.keys().map(String::as_str).collect();
    let mut seen: HashSet<&str> = names.iter().copied().collect();
    for q in &model.quantities {
        if seen.insert(q.id.as_str()) {
            names.push(q.id.as_str());
        }
    }
    let scalars: HashMap<&str, usize> = names.iter().enumerate().map(|(k, id)| (*id, k)).collect();
    // The same indices by number, for the references the program reads.
    let mut by_number: Vec<Option<usize>> = vec![None; model.symbols().len()];
    for (k, id) in names.iter().enumerate() {
        if let Some(s) = model.symbols().get(id) {
            by_number[s.index()] = Some(k);
        }
    }
    let panel = panel_ids(r);
    let quantities: HashSet<&str> = model.quantities.iter().map(|q| q.id.as_str()).collect();
    // The starting values: all but the quantities, which the page computes.
    let values: Vec<Json> = names
        .iter()
        .map(|id| {
            if quantities.contains(id) {
                Json::Null
            } else {
                json_of(r.value(id))
            }
        })
        .collect();
    let figures: Vec<Json> = FIGURES
        .iter()
        .filter_map(|f| {
            let (hook, id) = (f.name, f.quantity);
            let i = scalars.get(id)?;
            Some(json!({"hook": hook, "i": i, "style": style(r.unit(id)), "label": r.label(id)}))
        })
        .collect();
    let key_figures: Vec<Json> = model
        .with_role(Role::KeyFigure)
        .into_iter()
        .filter_map(|id| {
            let i = scalars.get(id)?;
            let unit = r.unit(id);
            Some(json!({
                "id": id,
                "i": i,
                "style": style(unit),
                "suffix": super::prose::unit_suffix(unit),
            }))
        })
        .collect();
    let words: Vec<Json> = [
        id::VERDICT_SENTENCE,
        id::HEADLINE,
        id::VERDICT_MARGINAL_REASON,
    ]
    .iter()
    .filter_map(|id| scalars.get(id).map(|i| json!(i)))
    .collect();
    let odds = r.model.get(id::RECOMMENDED_ODDS).is_some();
    let levers = lever_data(r, &scalars);
    let data = json!({
        "levers": levers,
        "values": values,
        "inputs": panel_inputs(r, &panel, &scalars),
        "figures": figures,
        "keys": key_figures,
        "words": words,
        "notApplicable": crate::value::NOT_APPLICABLE,
        "odds": odds,
        "returnRateShownUpTo": format::RETURN_RATE_SHOWN_UP_TO,
    });
    let mut script = String::new();
    script.push_str(js::RUNTIME);
    script.push_str(&program(r, &scalars, &by_number, &panel));
    script.push_str(PANEL);
    WhatIf {
        data: data.to_string(),
        script,
    }
}
