//! The cost model: every derived quantity, defined once.
//!
//! Each [`Quantity`] has an id (its defined name in the workbook), a label, a
//! unit, a one-line doc, an [`Expr`] and the [`Role`]s it plays for the
//! renderers and analyses. The same expression is evaluated for the JSON and
//! the memo and printed as the workbook's formula. The definitions follow the
//! lesson's `compute_roi`, `estimate_training_cost` and
//! `should_fine_tune`; where the lesson's figure misleads, its figure keeps
//! its name and a corrected one stands beside it under a name of its own.
//!
//! Each component or sheet defines its quantities in a file of its own
//! ([`build`] calls them in workbook order); the order in which they are
//! evaluated follows their references ([`Model::evaluation_order`]).

mod baseline;
mod cases;
mod cash_flow;
mod checks;
pub mod comparison;
pub mod compiled;
mod decision;
mod engineering;
pub mod expr;
pub mod js;
mod order;
mod quality;
mod requirements;
pub mod roi;
mod serving;
mod training;
mod warnings;

use std::collections::{HashMap, HashSet};

use crate::format::Unit;
use crate::inputs::Inputs;
use expr::build::*;
use expr::{Expr, Sym};

pub use order::Step;

/// A step of the plan's own evaluation ([`Model::own_steps`]): a quantity
/// (its index and itself), or the whole timeline.
#[derive(Debug, Clone, Copy)]
pub enum OwnStep<'a> {
    Quantity(usize, &'a Quantity),
    Timeline,
}

/// The calculation sheet a quantity is laid out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sheet {
    Baseline,
    Training,
    Engineering,
    Serving,
    Quality,
    Roi,
    Decision,
    CashFlow,
    Comparison,
    Checks,
}

impl Sheet {
    /// All calculation sheets, in workbook order.
    pub const ALL: [Sheet; 10] = [
        Sheet::Baseline,
        Sheet::Training,
        Sheet::Engineering,
        Sheet::Serving,
        Sheet::Quality,
        Sheet::Roi,
        Sheet::Decision,
        Sheet::CashFlow,
        Sheet::Comparison,
        Sheet::Checks,
    ];

    /// The worksheet name.
    pub fn name(self) -> &'static str {
        match self {
            Sheet::Baseline => "API baseline",
            Sheet::Training => "Training compute",
            Sheet::Engineering => "Engineering",
            Sheet::Serving => "Serving",
            Sheet::Quality => "Quality",
            Sheet::Roi => "ROI",
            Sheet::Decision => "Decision factors",
            Sheet::CashFlow => "Cash flow",
            Sheet::Comparison => "Verdict",
            Sheet::Checks => "Checks",
        }
    }

    /// What the sheet answers, shown under its title.
    pub fn purpose(self) -> &'static str {
        match self {
            Sheet::Baseline => "What the API costs at today's traffic and prices.",
            Sheet::Training => "Component 1: GPU compute for the training runs (one-time).",
            Sheet::Engineering => {
                "Component 2: engineering time from data to production (one-time)."
            }
            Sheet::Serving => "Component 3: serving infrastructure and storage (monthly).",
            Sheet::Quality => "Component 4: the change in human-review cost (monthly).",
            Sheet::Roi => "Monthly comparison, payback, break-even and amortization.",
            Sheet::Decision => "The decision factors and their score: the qualitative side of the case, beside the money.",
            Sheet::Comparison => "The API, the plan and each option, each on its own timeline: the feasible candidate with the largest net is the verdict. Below: its words and the warnings, as formulas.",
            Sheet::CashFlow => "Month by month over the lifetime: month 0 pays the project, then each month's net saving.",
            Sheet::Checks => "Each check is 0 when it holds and 1 when it fails; the master check is the largest.",
        }
    }
}

/// What a quantity is for, beyond its own sheet. A role with an order lists
/// its quantities by that order (see [`Model::with_role`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A headline figure: the workbook's Summary sheet, the memo's audit trail.
    Headline,
    /// One of the five to seven key figures of the memo's brief.
    KeyFigure,
    /// A part of the monthly fine-tuned total, charted on the Summary sheet.
    Composition,
    /// A result of the monthly comparison after the API bill and the
    /// composition's parts: the fine-tuned total and the savings (the memo's
    /// monthly table).
    MonthlyResult,
    /// A payback or lifetime figure read off the timeline (the memo's
    /// lifetime table).
    Lifetime,
    /// A figure of the break-even table: today's volume, the break-even
    /// volumes and the per-token rates they are computed from.
    BreakEven,
    /// A sensitivity column shown first, when the cases change it.
    SensitivityKey,
    /// Read by every Monte Carlo trial.
    Simulated,
    /// Compared across the plan and its options in the memo.
    OptionFigure,
    /// Compared with the previous month's run.
    Tracked,
    /// Its place in the workbook is listed in the memo's audit trail.
    Traced,
    /// A check of the plan's own workbook (0 holds, 1 fails); cases do not
    /// evaluate checks.
    Check,
    /// A figure every candidate of the comparison gives (the plan's own, and
    /// each option's on its own timeline).
    CandidateFigure,
    /// The answer in words: the verdict's sentence, the headline, why it is
    /// marginal (the Summary's top rows, the memo's first lines).
    Answer,
    /// A warning's sentence (empty when it does not apply).
    Warning,
    /// A term of the reconciliation of the lesson's flat formula with the
    /// timeline: the flat net, each effect, the timeline's net and the net
    /// present value, in that order.
    Bridge,
    /// A cell of the comparison's table of candidates (laid out in the
    /// table's grid, not as a row of its own).
    TableCell,
}

/// One derived quantity of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub id: String,
    pub label: String,
    /// A shorter name where a chart has little room for it (a bar's name);
    /// the label when there is none.
    pub short_label: Option<String>,
    pub unit: Unit,
    /// One line: what the figure means.
    pub doc: String,
    pub sheet: Sheet,
    pub expr: Expr,
    /// The roles it plays, each with its place among that role's quantities.
    pub roles: Vec<(Role, u16)>,
    /// For a warning: the plan fields that act on it (the memo's appendix
    /// names them; the sentence says it in words).
    pub plan_fields: &'static [&'static str],
}

impl Quantity {
    /// Gives the quantity a role, at `order` among that role's quantities.
    pub fn with(&mut self, role: Role, order: u16) -> &mut Quantity {
        self.roles.push((role, order));
        self
    }

    /// Gives the quantity a role whose quantities keep definition order.
    pub fn role(&mut self, role: Role) -> &mut Quantity {
        self.with(role, 0)
    }

    /// Gives the quantity a shorter name for a chart's bar.
    pub fn short(&mut self, label: &str) -> &mut Quantity {
        self.short_label = Some(label.to_string());
        self
    }

    /// Its name where a chart has little room: the short label, else the
    /// label.
    pub fn short_or_label(&self) -> &str {
        self.short_label.as_deref().unwrap_or(&self.label)
    }

    /// Whether the quantity plays this role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.iter().any(|(r, _)| *r == role)
    }

    /// Its place among the quantities of a role it plays.
    pub fn order_in(&self, role: Role) -> Option<u16> {
        self.roles.iter().find(|(r, _)| *r == role).map(|(_, k)| *k)
    }
}

/// A row of the monthly timeline: one expression, evaluated for every period
/// (and printed once per column, the same formula across the row).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub doc: String,
    pub expr: Expr,
}

/// A case of the model with some inputs replaced by expressions (a multiple
/// of today's traffic, another instance count).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: String,
    pub label: String,
    /// Input id → the expression that replaces it in this case.
    pub overrides: Vec<(String, Expr)>,
}

/// The model for one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Scalar quantities in definition order, which is the workbook's layout
    /// order; they are evaluated in [`Model::evaluation_order`].
    pub quantities: Vec<Quantity>,
    /// The monthly timeline's rows, evaluated for periods 0 to `periods`.
    pub timeline: Vec<TimelineRow>,
    /// The last period of the timeline (the lifetime in months).
    pub periods: u32,
    /// The sensitivity cases.
    pub scenarios: Vec<Scenario>,
    /// The tornado cases: each ranged input swung to its low, then its high,
    /// the others at base.
    pub tornado: Vec<Scenario>,
    /// The plan's options: each the plan with the inputs that differ replaced.
    pub options: Vec<Scenario>,
    /// The comparison's table: a row per candidate, a column per figure.
    pub candidates: comparison::CandidateTable,
    /// The ids each quantity refers to, in the order of `quantities`.
    refs: Vec<Vec<String>>,
    /// A number for every id the model knows; every reference of its
    /// expressions is resolved to one when it is built.
    symbols: Symbols,
    /// Each quantity's own number and the numbers it refers to, in the
    /// order of `quantities`.
    symbol_refs: Vec<(Sym, Vec<Sym>)>,
    /// The position in `timeline` of each number that is a row's.
    row_at: Vec<Option<u32>>,
    /// The evaluation order: every quantity after what it refers to, the
    /// timeline as one step.
    order: Vec<Step>,
    /// Whether each quantity depends, directly or not, on the timeline.
    needs_timeline: Vec<bool>,
    /// Whether each quantity reads, directly or not, the options' figures or
    /// the simulation (evaluated after both).
    late: Vec<bool>,
}

/// The id of the low end of a ranged input (its defined name in the workbook).
pub fn range_low_id(id: &str) -> String {
    format!("{id}_range_low")
}

/// The id of the high end of a ranged input.
pub fn range_high_id(id: &str) -> String {
    format!("{id}_range_high")
}

/// The id of the smallest value an input may take (its defined name in the
/// workbook, a cell beside the input that the range check reads).
pub fn bound_min_id(id: &str) -> String {
    format!("{id}_minimum")
}

/// The id of the largest value an input may take.
pub fn bound_max_id(id: &str) -> String {
    format!("{id}_maximum")
}

/// The bounds of an input the range check reads from cells: (id, value) of
/// its minimum where finite and its maximum where it has one.
pub fn bound_values(id: &str, bounds: &crate::inputs::Bounds) -> Vec<(String, f64)> {
    let min = bounds
        .min
        .is_finite()
        .then(|| (bound_min_id(id), bounds.min));
    let max = bounds.max.map(|x| (bound_max_id(id), x));
    min.into_iter().chain(max).collect()
}

impl Model {
    /// A model over quantities in definition order and the timeline's rows;
    /// the evaluation order is computed here, once.
    fn new(
        quantities: Vec<Quantity>,
        timeline: Vec<TimelineRow>,
        periods: u32,
        late_ids: &[String],
    ) -> Model {
        let refs: Vec<Vec<String>> = quantities.iter().map(|q| q.expr.refs()).collect();
        let (order, needs_timeline) = order::evaluation_order(&quantities, &refs, &timeline);
        let mut late_set: HashSet<&str> = late_ids.iter().map(String::as_str).collect();
        let mut late = vec![false; quantities.len()];
        for step in &order {
            let Step::Quantity(k) = *step else { continue };
            if refs[k].iter().any(|r| late_set.contains(r.as_str())) {
                late[k] = true;
                late_set.insert(quantities[k].id.as_str());
            }
        }
        Model {
            quantities,
            timeline,
            periods,
            symbols: Symbols::default(),
            symbol_refs: Vec::new(),
            row_at: Vec::new(),
            scenarios: Vec::new(),
            tornado: Vec::new(),
            options: Vec::new(),
            candidates: comparison::CandidateTable::default(),
            refs,
            order,
            needs_timeline,
            late,
        }
    }

    /// Whether the quantity at index `k` reads the options' figures or the
    /// simulation, so that it is evaluated after them.
    pub fn is_late(&self, k: usize) -> bool {
        self.late.get(k) == Some(&true)
    }

    /// Whether the quantity at index `k` depends on the timeline.
    pub fn needs_timeline(&self, k: usize) -> bool {
        self.needs_timeline.get(k) == Some(&true)
    }

    /// Every id the model knows, with the number its references were
    /// resolved to.
    pub fn symbols(&self) -> &Symbols {
        &self.symbols
    }

    /// The quantity with this id.
    pub fn get(&self, id: &str) -> Option<&Quantity> {
        self.quantities.iter().find(|q| q.id == id)
    }

    /// The timeline row with this id.
    pub fn row(&self, id: &str) -> Option<&TimelineRow> {
        self.timeline.iter().find(|t| t.id == id)
    }

    /// The number of the quantity at index `k` in the symbol table.
    pub fn quantity_sym(&self, k: usize) -> Option<Sym> {
        self.symbol_refs.get(k).map(|(own, _)| *own)
    }

    /// The index in `timeline` of the row a number stands for; `None` for
    /// a number that is no row's.
    pub fn row_index(&self, sym: Sym) -> Option<usize> {
        self.row_at
            .get(sym.index())
            .copied()
            .flatten()
            .map(|j| j as usize)
    }

    /// The order of evaluation: each quantity after every quantity and
    /// timeline row it refers to.
    pub fn evaluation_order(&self) -> &[Step] {
        &self.order
    }

    /// The plan's own evaluation, in order: each quantity that reads neither
    /// the options' figures nor the simulation, and the timeline as one step.
    pub fn own_steps(&self) -> impl Iterator<Item = OwnStep<'_>> {
        self.order.iter().filter_map(|step| match *step {
            Step::Quantity(k) if !self.is_late(k) => {
                Some(OwnStep::Quantity(k, self.quantities.get(k)?))
            }
            Step::Quantity(_) => None,
            Step::Timeline => Some(OwnStep::Timeline),
        })
    }

    /// The quantities evaluated last (those that read the options' figures
    /// or the simulation), in evaluation order, with their index.
    pub fn late_quantities(&self) -> impl Iterator<Item = (usize, &Quantity)> {
        self.order.iter().filter_map(|step| match *step {
            Step::Quantity(k) if self.is_late(k) => Some((k, self.quantities.get(k)?)),
            _ => None,
        })
    }

    /// The ids of the quantities playing `role`, by their order in it (then
    /// in definition order).
    pub fn with_role(&self, role: Role) -> Vec<&str> {
        let mut tagged: Vec<(u16, &str)> = self
            .quantities
            .iter()
            .filter_map(|q| q.order_in(role).map(|k| (k, q.id.as_str())))
            .collect();
        tagged.sort_by_key(|(k, _)| *k);
        tagged.into_iter().map(|(_, id)| id).collect()
    }

    /// Whether a case evaluates this quantity when its inputs move it: not a
    /// check, not computed from the timeline (cases have none), not part of
    /// the comparison.
    fn in_cases(&self, k: usize) -> bool {
        let own = self
            .quantities
            .get(k)
            .is_some_and(|q| !q.has(Role::Check) && q.sheet != Sheet::Comparison);
        own && self.needs_timeline.get(k) == Some(&false) && !self.is_late(k)
    }

    /// The quantities an option evaluates when its inputs move them, in
    /// evaluation order: as a case, and also those computed from the
    /// timeline (an option has a timeline of its own). No checks, nothing
    /// of the comparison (its verdict, words and warnings are the plan's).
    pub fn option_dependents(&self, inputs: &[&str]) -> Vec<&Quantity> {
        let moved: HashSet<&str> = self
            .dependents(inputs)
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        self.order
            .iter()
            .filter_map(|step| match *step {
                Step::Quantity(k) => Some(k),
                Step::Timeline => None,
            })
            .filter(|&k| !self.is_late(k))
            .filter_map(|k| Some((k, self.quantities.get(k)?)))
            .filter(|(k, q)| {
                !q.has(Role::Check)
                    && q.sheet != Sheet::Comparison
                    && (moved.contains(q.id.as_str()) || self.needs_timeline(*k))
            })
            .map(|(_, q)| q)
            .collect()
    }

    /// The quantities a case can evaluate, in definition order: all but the
    /// checks and those computed from the timeline.
    pub fn case_quantities(&self) -> impl Iterator<Item = &Quantity> {
        (0..self.quantities.len())
            .filter(|k| self.in_cases(*k))
            .filter_map(|k| self.quantities.get(k))
    }

    /// The quantities a case evaluates when any of `inputs` changes, in
    /// evaluation order.
    pub fn dependents(&self, inputs: &[&str]) -> Vec<&Quantity> {
        let mut changed = vec![false; self.symbols.len()];
        for id in inputs {
            if let Some(k) = self.symbols.get(id) {
                changed[k.index()] = true;
            }
        }
        let mut out = Vec::new();
        for step in &self.order {
            let Step::Quantity(k) = *step else { continue };
            let (Some(q), Some((own, refs))) = (self.quantities.get(k), self.symbol_refs.get(k))
            else {
                continue;
            };
            if self.in_cases(k) && refs.iter().any(|r| changed[r.index()]) {
                changed[own.index()] = true;
                out.push(q);
            }
        }
        out
    }

    /// The ids `outputs` are computed from, the outputs included.
    pub fn ancestors(&self, outputs: &[&str]) -> HashSet<String> {
        let mut needed: HashSet<String> = outputs.iter().map(|s| s.to_string()).collect();
        for step in self.order.iter().rev() {
            match *step {
                Step::Quantity(k) => {
                    if let (Some(q), Some(refs)) = (self.quantities.get(k), self.refs.get(k)) {
                        if needed.contains(&q.id) {
                            needed.extend(refs.iter().cloned());
                        }
                    }
                }
                Step::Timeline => {
                    for t in self.timeline.iter().rev() {
                        if needed.contains(&t.id) {
                            needed.extend(t.expr.refs());
                        }
                    }
                }
            }
        }
        needed
    }
}

/// The quantities defined so far, and the sheet the next ones go on.
struct Defs {
    sheet: Sheet,
    out: Vec<Quantity>,
}

impl Defs {
    fn on(&mut self, sheet: Sheet) {
        self.sheet = sheet;
    }

    /// Defines a quantity on the current sheet; give it roles on the result.
    fn q(&mut self, id: &str, label: &str, unit: Unit, doc: &str, expr: Expr) -> &mut Quantity {
        self.out.push(Quantity {
            id: id.to_string(),
            label: label.to_string(),
            short_label: None,
            unit,
            doc: doc.to_string(),
            sheet: self.sheet,
            expr,
            roles: Vec::new(),
            plan_fields: &[],
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// A million: tokens per million, for prices per 1M tokens.
fn m() -> Expr {
    n(1_000_000.0)
}

/// Whether a provider runs the candidate: a managed fine-tune (`kind:
/// managed`) or another API model (`kind: api`), either billed per token
/// with no GPUs to run.
fn managed() -> expr::Cond {
    or(vec![
        eq(r("fine_tuning_kind"), t("managed")),
        eq(r("fine_tuning_kind"), t("api")),
    ])
}

/// Whether the candidate is another API model with a longer prompt (`kind: api`).
fn api_candidate() -> expr::Cond {
    eq(r("fine_tuning_kind"), t("api"))
}

/// A self-hosted cost: 0 for a managed candidate where the plan has one.
fn unless_managed(shape: &crate::inputs::Shape, cost: Expr) -> Expr {
    if shape.managed {
        if_(managed(), n(0.0), cost)
    } else {
        cost
    }
}

/// Whether a plan holds: yes for a managed candidate where the plan has one.
fn unless_managed_holds(shape: &crate::inputs::Shape, holds: expr::Cond) -> Expr {
    if shape.managed {
        test(or(vec![managed(), holds]))
    } else {
        test(holds)
    }
}

/// The managed model's monthly tokens, where the plan has a managed candidate.
fn managed_parts(shape: &crate::inputs::Shape, id: &str) -> Vec<Expr> {
    if shape.managed {
        vec![r(id)]
    } else {
        Vec::new()
    }
}

/// Builds the model for a plan's inputs. The set of quantities depends on what
/// the plan gives (a training estimate, a serving throughput), never on values.
/// Quantities are defined in workbook order, sheet by sheet. Every reference
/// is checked here: one that names no quantity, timeline row, input or value
/// the evaluation supplies is a defect, reported with the quantity that
/// reads it, before anything is evaluated.
pub fn build(inputs: &Inputs) -> Result<Model, expr::EvalError> {
    let shape = &inputs.shape;
    let mut d = Defs {
        sheet: Sheet::Baseline,
        out: Vec::new(),
    };
    baseline::define(&mut d, inputs);
    training::define(&mut d, shape);
    engineering::define(&mut d, shape);
    serving::define(&mut d, shape);
    serving::memory(&mut d, shape);
    quality::define(&mut d);
    roi::monthly(&mut d, shape);
    roi::payback(&mut d, shape);
    roi::feasible_today(&mut d, shape);
    roi::flags(&mut d);
    decision::factors(&mut d);
    decision::score(&mut d);
    requirements::define(&mut d, shape);
    let timeline = cash_flow::timeline(shape);
    cash_flow::define(&mut d, shape);
    let ranged = !inputs.ranges.is_empty();
    let options = inputs.options.len();
    let api_options: Vec<bool> = inputs
        .options
        .iter()
        .map(|o| {
            o.inputs
                .get("fine_tuning_kind")
                .and_then(|i| i.value.as_text())
                == Some(crate::plan::Kind::Api.name())
        })
        .collect();
    let candidates = comparison::define(&mut d, shape, &api_options, ranged);
    warnings::define(&mut d, shape);
    checks::define(&mut d, inputs, &candidates);

    let periods = inputs
        .get("lifetime_months")
        .and_then(|i| i.value.as_num())
        .map_or(0, |x| x as u32);
    let figures: Vec<String> = d
        .out
        .iter()
        .filter(|q| q.has(Role::CandidateFigure))
        .map(|q| q.id.clone())
        .collect();
    let figures: Vec<&str> = figures.iter().map(String::as_str).collect();
    let late = comparison::late_ids(&figures, options, ranged);
    let mut model = Model::new(d.out, timeline, periods, &late);
    model.scenarios = cases::sensitivity();
    model.tornado = cases::tornado(inputs);
    model.options = cases::options(inputs);
    model.candidates = candidates;
    resolve_references(&mut model, inputs)?;
    Ok(model)
}

/// Every id a model knows, each with its number: the quantities in
/// definition order, the timeline's rows, the values the evaluation supplies
/// after the options and the simulation, then the inputs (the plan's, their
/// bounds, each option's, the ranges' ends). Values kept by number (the
/// report's evaluation, the compiled simulation) are indexed by it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Symbols {
    ids: Vec<String>,
    numbers: HashMap<String, Sym>,
}

impl Symbols {
    /// Numbers an id, once: an id met again keeps its first number.
    fn add(&mut self, id: &str) -> Sym {
        if let Some(&sym) = self.numbers.get(id) {
            return sym;
        }
        let sym = Sym::new(self.ids.len() as u32);
        self.ids.push(id.to_string());
        self.numbers.insert(id.to_string(), sym);
        sym
    }

    /// The number of an id, if the model knows it.
    pub fn get(&self, id: &str) -> Option<Sym> {
        self.numbers.get(id).copied()
    }

    /// The id a number stands for.
    pub fn id(&self, sym: Sym) -> &str {
        self.ids.get(sym.index()).map_or("", String::as_str)
    }

    /// How many ids are numbered.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when no id is numbered.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Numbers every id the model knows and resolves every reference of its
/// expressions (quantities, timeline rows, cases), the ids the cases replace
/// and the candidates table's cells to its number: the one place references
/// are resolved. A reference to no quantity, timeline row, input (the
/// plan's or an option's), input bound or range end, or value the
/// evaluation supplies after the options and the simulation, is a defect of
/// the model, reported with the quantity (or case, or column) that reads
/// it; so are two quantities or timeline rows with one id.
pub fn resolve_references(model: &mut Model, inputs: &Inputs) -> Result<(), expr::EvalError> {
    let figures = model.with_role(Role::CandidateFigure);
    let late = comparison::late_ids(&figures, inputs.options.len(), !inputs.ranges.is_empty());
    let mut symbols = Symbols::default();
    // Each quantity and timeline row has an id of its own (its defined name
    // in the workbook, and its place in the values by number).
    let own = |id: &str, symbols: &mut Symbols| -> Result<Sym, expr::EvalError> {
        if symbols.get(id).is_some() {
            return Err(expr::EvalError::DuplicateId(id.to_string()));
        }
        Ok(symbols.add(id))
    };
    let quantity_syms = model
        .quantities
        .iter()
        .map(|q| own(&q.id, &mut symbols))
        .collect::<Result<Vec<Sym>, _>>()?;
    let row_syms = model
        .timeline
        .iter()
        .map(|t| own(&t.id, &mut symbols))
        .collect::<Result<Vec<Sym>, _>>()?;
    for id in &late {
        symbols.add(id);
    }
    for i in &inputs.items {
        symbols.add(&i.id);
        for (id, _) in bound_values(&i.id, &i.bounds) {
            symbols.add(&id);
        }
    }
    for (k, option) in inputs.options.iter().enumerate() {
        for i in &option.inputs.items {
            symbols.add(&crate::inputs::options::option_input_id(k, &i.id));
        }
    }
    for range in &inputs.ranges {
        symbols.add(&range_low_id(&range.id));
        symbols.add(&range_high_id(&range.id));
    }
    // A case replaces inputs the model knows.
    let overridden = model
        .scenarios
        .iter()
        .chain(&model.tornado)
        .chain(&model.options)
        .flat_map(|sc| sc.overrides.iter().map(move |(id, _)| (&sc.id, id)));
    for (case, id) in overridden {
        if symbols.get(id).is_none() {
            return Err(expr::EvalError::UnknownReference {
                quantity: case.clone(),
                reference: id.clone(),
            });
        }
    }
    let cases = model
        .scenarios
        .iter_mut()
        .chain(model.tornado.iter_mut())
        .chain(model.options.iter_mut())
        .flat_map(|sc| sc.overrides.iter_mut().map(|(id, e)| (&*id, e)));
    // The candidates table's columns, read by the workbook and the JSON.
    let columns = model.candidates.columns.iter_mut().map(|c| {
        let cells = &mut c.column.cells;
        (&c.column.id, cells)
    });
    for (column, cells) in columns {
        for cell in cells.iter_mut() {
            match symbols.get(cell.id()) {
                Some(sym) => cell.resolve(sym),
                None => {
                    return Err(expr::EvalError::UnknownReference {
                        quantity: column.clone(),
                        reference: cell.id().to_string(),
                    })
                }
            }
        }
    }
    let reads = model
        .quantities
        .iter_mut()
        .map(|q| (&q.id, &mut q.expr))
        .chain(model.timeline.iter_mut().map(|t| (&t.id, &mut t.expr)))
        .chain(cases);
    for (id, e) in reads {
        let mut unknown = None;
        e.for_each_ref_mut(&mut |r| match symbols.get(r.id()) {
            Some(sym) => r.resolve(sym),
            None => {
                unknown.get_or_insert_with(|| r.id().to_string());
            }
        });
        if let Some(reference) = unknown {
            return Err(expr::EvalError::UnknownReference {
                quantity: id.clone(),
                reference,
            });
        }
    }
    model.symbol_refs = model
        .quantities
        .iter()
        .zip(quantity_syms)
        .map(|(q, own)| {
            let mut refs = Vec::new();
            q.expr.for_each_ref(&mut |r| refs.extend(r.sym()));
            (own, refs)
        })
        .collect();
    model.row_at = vec![None; symbols.len()];
    for (j, s) in row_syms.into_iter().enumerate() {
        model.row_at[s.index()] = Some(j as u32);
    }
    model.symbols = symbols;
    Ok(())
}

fn row(id: &str, label: &str, unit: Unit, doc: &str, expr: Expr) -> TimelineRow {
    TimelineRow {
        id: id.to_string(),
        label: label.to_string(),
        unit,
        doc: doc.to_string(),
        expr,
    }
}

/// The verdict when fine-tuning saves money over the lifetime.
pub const VERDICT_FINE_TUNE: &str = "Fine-tune";
/// The verdict when the candidate that saves the most is another API model
/// with a longer prompt (an option of `kind: api`): no fine-tuning.
pub const VERDICT_SWITCH: &str = "Switch API model";
/// The verdict when no candidate saves money.
pub const VERDICT_API: &str = "Stay on the API";
/// The verdict when the plan cannot carry its traffic or fit its GPUs, and
/// no other candidate saves money.
pub const VERDICT_NOT_FEASIBLE: &str = "Not feasible as planned";

/// The decision-factor verdicts, in the lesson's words.
pub const SFT_STRONG_FT: &str = "STRONG: Fine-tune";
pub const SFT_LEAN_FT: &str = "LEAN: Fine-tune";
pub const SFT_NEUTRAL: &str = "NEUTRAL: Build ROI model";
pub const SFT_LEAN_API: &str = "LEAN: Use API";
pub const SFT_STRONG_API: &str = "STRONG: Use API";
