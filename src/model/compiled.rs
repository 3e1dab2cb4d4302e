//! A fast numeric evaluator for the Monte Carlo simulation: the model's
//! resolved expressions compiled once to trees over numbered slots (a slot
//! per symbol the outputs need, found by walking the references' numbers),
//! evaluated without string lookups. It computes the same expressions as [`Expr::eval`]; a test
//! holds the two equal on every example plan.
//!
//! The trees are flattened to register code: each operation reads its
//! operands' slots and writes one slot, constants have slots of their own, and
//! the parts of a timeline row that no period changes are computed once a
//! trial instead of once a period. The operations and their order are the
//! tree's, so the results are the same to the bit.
//!
//! The code runs [`LANES`] trials at once: a slot holds one value per trial,
//! and each operation is done lane by lane, so the cost of reading an
//! instruction is shared by the trials and the lane loops compile to vector
//! instructions. A choice computes both of its branches and picks one per
//! lane (the operations have no effects, so only the value kept differs).
//!
//! Numbers stay numbers, truth values become 1 and 0, and "never" becomes NaN.
//! Text has no place here: only the quantities the simulation reads, and what
//! they depend on, are compiled.

use crate::collections::IndexMap;

use super::expr::{Cmp, Cond, Expr, Op, Ref, Sym};
use super::{Model, Quantity, Step};
use crate::value::Value;

#[derive(Debug, Clone)]
enum Node {
    Const(f64),
    Slot(usize),
    Bin(Op, Box<Node>, Box<Node>),
    Neg(Box<Node>),
    Sum(Vec<Node>),
    Max(Box<Node>, Box<Node>),
    Min(Box<Node>, Box<Node>),
    RoundUp(Box<Node>),
    RoundDown(Box<Node>),
    Abs(Box<Node>),
    Pow(Box<Node>, Box<Node>),
    If(Box<Test>, Box<Node>, Box<Node>),
    Test(Box<Test>),
}

#[derive(Debug, Clone)]
enum Test {
    Compare(Cmp, Node, Node),
    IsNumber(Node),
    Truthy(Node),
    And(Vec<Test>),
    Or(Vec<Test>),
    Not(Box<Test>),
    Never,
    /// A test settled when compiling.
    Fixed(bool),
}

/// Why a quantity cannot be compiled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{0}` cannot be evaluated numerically")]
pub struct NotNumeric(pub String);

/// The number of trials run at once.
pub const LANES: usize = 16;

/// One slot's values, one per lane (trial).
pub type Lane = [f64; LANES];

/// One instruction of the flattened code: register code over the slots.
/// Each operation reads its operands' slots and writes its result into one
/// slot (a quantity's, a timeline row's, or a temporary one); constants sit
/// in slots of their own. Operands are evaluated in the order the expression
/// gives, and every operation is the one the model's evaluator does, so the
/// results are the same to the bit.
#[derive(Debug, Clone, Copy)]
enum Ins {
    Add(usize, usize, usize),
    Sub(usize, usize, usize),
    Mul(usize, usize, usize),
    Div(usize, usize, usize),
    Neg(usize, usize),
    /// Adds the slots `args[from..to]`, in order.
    Sum(usize, usize, usize),
    Max(usize, usize, usize),
    Min(usize, usize, usize),
    Pow(usize, usize, usize),
    RoundUp(usize, usize),
    RoundDown(usize, usize),
    Abs(usize, usize),
    Gt(usize, usize, usize),
    Ge(usize, usize, usize),
    Lt(usize, usize, usize),
    Le(usize, usize, usize),
    Eq(usize, usize, usize),
    IsNumber(usize, usize),
    Truthy(usize, usize),
    Not(usize, usize),
    /// All of the truth values in `args[from..to]`.
    All(usize, usize, usize),
    /// Any of the truth values in `args[from..to]`.
    Any(usize, usize, usize),
    Copy(usize, usize),
    /// `Select(d, test, x, y)`: `x` where the test's truth value is true, else `y`.
    Select(usize, usize, usize, usize),
    /// After a timeline row's value is stored: adds it to the row's running
    /// total, and notes the position (period + 1) of its first 1.
    Accumulate {
        row: usize,
        cum: usize,
        first: usize,
        period: usize,
    },
}

/// Flattened code: the instructions and the operand lists of the sums and
/// the tests' all/any.
#[derive(Debug, Clone, Default)]
struct Code {
    ins: Vec<Ins>,
    args: Vec<usize>,
}

/// Where constants and temporaries live: constants in slots of their own
/// after the named ones, temporaries after the constants, reused as a stack.
#[derive(Debug, Clone, Default)]
struct Registers {
    /// Constant (by its bits) to its slot.
    consts: IndexMap<u64, usize>,
    /// The first temporary slot.
    base: usize,
    /// The next free temporary slot.
    top: usize,
    /// One past the highest temporary slot used.
    high: usize,
}

impl Registers {
    /// Constants get slots from `first` on; temporaries follow them.
    fn new(first: usize, nodes: &[&Node]) -> Registers {
        let mut consts = IndexMap::default();
        for n in nodes {
            collect_consts(n, first, &mut consts);
        }
        let base = first + consts.len();
        Registers {
            consts,
            base,
            top: base,
            high: base,
        }
    }

    fn temp(&mut self) -> usize {
        let t = self.top;
        self.top += 1;
        self.high = self.high.max(self.top);
        t
    }

    fn constant(&self, x: f64) -> usize {
        self.consts[&x.to_bits()]
    }
}

fn collect_consts(n: &Node, first: usize, consts: &mut IndexMap<u64, usize>) {
    let mut add = |x: f64| {
        let next = first + consts.len();
        consts.entry(x.to_bits()).or_insert(next);
    };
    match n {
        Node::Const(x) => add(*x),
        Node::Slot(_) => {}
        Node::Bin(_, a, b) | Node::Max(a, b) | Node::Min(a, b) | Node::Pow(a, b) => {
            collect_consts(a, first, consts);
            collect_consts(b, first, consts);
        }
        Node::Neg(a) | Node::RoundUp(a) | Node::RoundDown(a) | Node::Abs(a) => {
            collect_consts(a, first, consts)
        }
        Node::Sum(ts) => ts.iter().for_each(|t| collect_consts(t, first, consts)),
        Node::If(t, a, b) => {
            collect_test_consts(t, first, consts);
            collect_consts(a, first, consts);
            collect_consts(b, first, consts);
        }
        Node::Test(t) => collect_test_consts(t, first, consts),
    }
}

fn collect_test_consts(t: &Test, first: usize, consts: &mut IndexMap<u64, usize>) {
    match t {
        Test::Compare(_, a, b) => {
            collect_consts(a, first, consts);
            collect_consts(b, first, consts);
        }
        Test::IsNumber(a) | Test::Truthy(a) => collect_consts(a, first, consts),
        Test::And(ts) | Test::Or(ts) => ts
            .iter()
            .for_each(|t| collect_test_consts(t, first, consts)),
        Test::Not(t) => collect_test_consts(t, first, consts),
        Test::Never => collect_consts(&Node::Const(0.0), first, consts),
        Test::Fixed(x) => collect_consts(&Node::Const(f64::from(u8::from(*x))), first, consts),
    }
}

/// Compiled quantities over numbered slots: those computed before the
/// timeline, the timeline's rows (run once per period), and those computed
/// from the timeline.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Slot of every input and compiled quantity, and of each timeline row's
    /// current value.
    slots: IndexMap<String, usize>,
    /// (slot, expression) in evaluation order, before the timeline.
    steps: Vec<(usize, Node)>,
    /// The timeline's rows: (row slot, expression), run for every period.
    rows: Vec<(usize, Node)>,
    /// (slot, expression) computed from the timeline.
    after: Vec<(usize, Node)>,
    /// The timeline's bookkeeping slots.
    timeline: TimelineSlots,
    /// The constants' and temporaries' slots.
    registers: Registers,
    code: Code,
    /// The timeline rows' parts that no period changes, run before it.
    invariant_code: Code,
    row_code: Code,
    after_code: Code,
}

/// Where the timeline keeps its period, running totals and first ones.
#[derive(Debug, Clone, Default)]
struct TimelineSlots {
    /// The current period's slot.
    period: usize,
    /// The last period (periods run 0 to it).
    last: u32,
    /// Per row: (row slot, running total slot, first-one slot).
    per_row: Vec<(usize, usize, usize)>,
}

/// A numeric slot value from a model value.
pub fn to_slot(v: &Value) -> f64 {
    match v {
        Value::Num(x) => *x,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Text(_) | Value::Never => f64::NAN,
    }
}

/// What the outputs need, found by walking the resolved references
/// backwards: the quantities and inputs (`needed`, in the order first
/// needed, which is the order of their slots) and the timeline rows.
struct Needed {
    /// Whether each number is a timeline row's.
    is_row: Vec<bool>,
    wanted: Vec<bool>,
    needed: Vec<Sym>,
    wanted_row: Vec<bool>,
    needs_timeline: bool,
    /// A reference that no symbol table resolved.
    unresolved: Option<String>,
}

impl Needed {
    /// Marks a number as needed.
    fn want(&mut self, s: Sym) {
        if self.is_row[s.index()] {
            self.needs_timeline = true;
            self.wanted_row[s.index()] = true;
        } else if !self.wanted[s.index()] {
            self.wanted[s.index()] = true;
            self.needed.push(s);
        }
    }

    /// Marks everything an expression reads as needed.
    fn walk(&mut self, e: &Expr) {
        e.for_each_ref(&mut |r| match r.sym() {
            Some(s) => self.want(s),
            None => {
                self.unresolved.get_or_insert_with(|| r.id().to_string());
            }
        });
    }
}

impl Compiled {
    /// Compiles the quantities `outputs` need, in the model's evaluation
    /// order, with the timeline when they read it. Inputs and other
    /// quantities become slots filled from `values`.
    ///
    /// Text has no slot: a comparison of a text input with a fixed text (the
    /// serving sizing) is settled here from `values`, where the texts are.
    pub fn new(
        model: &Model,
        outputs: &[&str],
        values: &IndexMap<String, Value>,
    ) -> Result<Compiled, NotNumeric> {
        let mut before: Vec<&Quantity> = Vec::new();
        let mut after: Vec<&Quantity> = Vec::new();
        let mut seen_timeline = false;
        for step in model.evaluation_order() {
            match *step {
                Step::Quantity(k) => {
                    if let Some(q) = model.quantities.get(k) {
                        if seen_timeline {
                            after.push(q)
                        } else {
                            before.push(q)
                        }
                    }
                }
                Step::Timeline => seen_timeline = true,
            }
        }
        // Which quantities and timeline rows are needed: walk the resolved
        // references backwards from the outputs; a row needs the rows it
        // reads. `needed` keeps the order ids are first needed in, which is
        // the order of their slots.
        let symbols = model.symbols();
        let mut is_row = vec![false; symbols.len()];
        for t in &model.timeline {
            if let Some(s) = symbols.get(&t.id) {
                is_row[s.index()] = true;
            }
        }
        let mut need = Needed {
            is_row,
            wanted: vec![false; symbols.len()],
            needed: Vec::new(),
            wanted_row: vec![false; symbols.len()],
            needs_timeline: false,
            unresolved: None,
        };
        for id in outputs {
            let s = symbols.get(id).ok_or_else(|| NotNumeric(id.to_string()))?;
            need.want(s);
        }
        let sym_of = |id: &str| symbols.get(id).map(Sym::index);
        for q in after.iter().rev() {
            if sym_of(&q.id).is_some_and(|k| need.wanted[k]) {
                need.walk(&q.expr);
            }
        }
        if need.needs_timeline {
            // Rows read only earlier rows (or their own running totals), so
            // one backward pass closes the set.
            for t in model.timeline.iter().rev() {
                if sym_of(&t.id).is_some_and(|k| need.wanted_row[k]) {
                    need.walk(&t.expr);
                }
            }
        }
        for q in before.iter().rev() {
            if sym_of(&q.id).is_some_and(|k| need.wanted[k]) {
                need.walk(&q.expr);
            }
        }
        if let Some(id) = need.unresolved {
            return Err(NotNumeric(id));
        }
        let Needed {
            wanted,
            needed,
            wanted_row,
            needs_timeline,
            ..
        } = need;
        // Slots by number (what compiling reads) and by id (what a caller
        // fills and reads).
        let mut by_sym: Vec<Option<usize>> = vec![None; symbols.len()];
        let mut slots = IndexMap::default();
        for &s in &needed {
            let n = slots.len();
            by_sym[s.index()] = Some(n);
            slots.insert(symbols.id(s).to_string(), n);
        }
        let mut timeline = TimelineSlots {
            last: model.periods,
            ..TimelineSlots::default()
        };
        let mut aggregates: Vec<Option<(usize, usize)>> = vec![None; symbols.len()];
        let timeline_rows: Vec<&super::TimelineRow> = model
            .timeline
            .iter()
            .filter(|t| sym_of(&t.id).is_some_and(|k| wanted_row[k]))
            .collect();
        if needs_timeline {
            for t in &timeline_rows {
                let row = slots.len();
                slots.insert(t.id.clone(), row);
                let (cum, first) = (row + 1, row + 2);
                slots.insert(format!("{}\u{0}cum", t.id), cum);
                slots.insert(format!("{}\u{0}first", t.id), first);
                if let Some(k) = sym_of(&t.id) {
                    by_sym[k] = Some(row);
                    aggregates[k] = Some((cum, first));
                }
                timeline.per_row.push((row, cum, first));
            }
            timeline.period = slots.len();
            slots.insert("\u{0}period".to_string(), timeline.period);
        }
        let ctx = Ctx {
            values,
            slots: &by_sym,
            aggregates: &aggregates,
            period: needs_timeline.then_some(timeline.period),
            length: f64::from(model.periods) + 1.0,
        };
        let compile_all = |qs: &[&Quantity]| -> Result<Vec<(usize, Node)>, NotNumeric> {
            let mut steps = Vec::new();
            for q in qs
                .iter()
                .filter(|q| sym_of(&q.id).is_some_and(|k| wanted[k]))
            {
                let node = compile(&q.expr, &ctx, &q.id)?;
                let slot = slots
                    .get(&q.id)
                    .copied()
                    .ok_or_else(|| NotNumeric(q.id.clone()))?;
                steps.push((slot, node));
            }
            Ok(steps)
        };
        let steps = compile_all(&before)?;
        let after = compile_all(&after)?;
        let mut rows = Vec::new();
        if needs_timeline {
            for t in &timeline_rows {
                let slot = slots
                    .get(&t.id)
                    .copied()
                    .ok_or_else(|| NotNumeric(t.id.clone()))?;
                rows.push((slot, compile(&t.expr, &ctx, &t.id)?));
            }
        }
        // The parts of a row that no period changes are computed once, before
        // the timeline, into slots of their own.
        let mut hoisted: Vec<(usize, Node)> = Vec::new();
        if needs_timeline {
            let varying: Vec<usize> = timeline
                .per_row
                .iter()
                .flat_map(|&(row, cum, first)| [row, cum, first])
                .chain([timeline.period])
                .collect();
            let mut take = |n: Node| {
                let slot = slots.len();
                slots.insert(format!("\u{0}invariant {}", hoisted.len()), slot);
                hoisted.push((slot, n));
                slot
            };
            for (_, node) in rows.iter_mut() {
                if !hoist(node, &varying, &mut take) && !node.is_leaf() {
                    let n = std::mem::replace(node, Node::Const(0.0));
                    *node = Node::Slot(take(n));
                }
            }
        }
        let nodes: Vec<&Node> = steps
            .iter()
            .chain(&hoisted)
            .chain(&rows)
            .chain(&after)
            .map(|(_, n)| n)
            .collect();
        let mut registers = Registers::new(slots.len(), &nodes);
        let code = flatten(&steps, &mut registers);
        let invariant_code = flatten(&hoisted, &mut registers);
        let row_code = flatten_rows(&rows, &timeline, &mut registers);
        let after_code = flatten(&after, &mut registers);
        Ok(Compiled {
            slots,
            registers,
            steps,
            rows,
            after,
            timeline,
            code,
            invariant_code,
            row_code,
            after_code,
        })
    }

    /// Keeps only the steps before the timeline whose value can change when
    /// the inputs `changed` change (the others keep the values the slots were
    /// filled with); the timeline and what is computed from it always run.
    pub fn restricted_to(&self, model: &Model, changed: &[&str]) -> Compiled {
        let moving: Vec<usize> = model
            .dependents(changed)
            .iter()
            .filter_map(|q| self.slot(&q.id))
            .collect();
        let steps: Vec<(usize, Node)> = self
            .steps
            .iter()
            .filter(|(slot, _)| moving.contains(slot))
            .cloned()
            .collect();
        let mut registers = self.registers.clone();
        let code = flatten(&steps, &mut registers);
        Compiled {
            steps,
            registers,
            code,
            ..self.clone()
        }
    }

    /// The number of compiled quantities.
    pub fn len(&self) -> usize {
        self.steps.len() + self.rows.len() + self.after.len()
    }

    /// True when nothing was compiled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of slots a slot vector holds.
    pub fn slots_len(&self) -> usize {
        self.registers.high
    }

    /// The slot of an id.
    pub fn slot(&self, id: &str) -> Option<usize> {
        self.slots.get(id).copied()
    }

    /// A slot vector filled from evaluated values (inputs and quantities),
    /// the same value in every lane. The constants' slots hold their
    /// constants, the temporaries NaN.
    pub fn slots_from(&self, values: &IndexMap<String, Value>) -> Vec<Lane> {
        let mut slots: Vec<Lane> = self
            .slots
            .keys()
            .map(|id| [values.get(id).map_or(f64::NAN, to_slot); LANES])
            .collect();
        slots.resize(self.slots_len(), [f64::NAN; LANES]);
        for (bits, &slot) in &self.registers.consts {
            slots[slot] = [f64::from_bits(*bits); LANES];
        }
        slots
    }

    /// Evaluates every compiled quantity into `slots`, in every lane: the
    /// quantities before the timeline, the timeline period by period, then
    /// what is computed from it.
    pub fn run(&self, slots: &mut [Lane]) {
        execute(&self.code, slots);
        if self.rows.is_empty() {
            return;
        }
        execute(&self.invariant_code, slots);
        for &(_, cum, first) in &self.timeline.per_row {
            slots[cum] = [0.0; LANES];
            slots[first] = [f64::NAN; LANES];
        }
        for period in 0..=self.timeline.last {
            slots[self.timeline.period] = [f64::from(period); LANES];
            execute(&self.row_code, slots);
        }
        execute(&self.after_code, slots);
    }
}

/// Each lane of `x` and `y` through `f`.
#[inline(always)]
fn lanes2(x: &Lane, y: &Lane, f: impl Fn(f64, f64) -> f64) -> Lane {
    std::array::from_fn(|l| f(x[l], y[l]))
}

/// Each lane of `x` through `f`.
#[inline(always)]
fn lanes1(x: &Lane, f: impl Fn(f64) -> f64) -> Lane {
    std::array::from_fn(|l| f(x[l]))
}

/// Runs flattened code over the slots, lane by lane: with AVX2's wider
/// vectors where the processor has them. The operations are the same IEEE
/// operations either way (no fused multiply-add), so are the results.
fn execute(code: &Code, s: &mut [Lane]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor was just found to have AVX2.
        unsafe { execute_avx2(code, s) };
        return;
    }
    execute_lanes(code, s);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn execute_avx2(code: &Code, s: &mut [Lane]) {
    execute_lanes(code, s);
}

#[inline(always)]
fn execute_lanes(code: &Code, s: &mut [Lane]) {
    let b = |x: bool| f64::from(u8::from(x));
    let args = &code.args;
    for &ins in &code.ins {
        match ins {
            Ins::Add(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| a + c),
            Ins::Sub(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| a - c),
            Ins::Mul(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| a * c),
            Ins::Div(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| a / c),
            Ins::Neg(d, x) => s[d] = lanes1(&s[x], |a| -a),
            Ins::Sum(d, from, to) => {
                // As `Iterator::sum` does: from -0.0, adding in order.
                let mut acc = [-0.0; LANES];
                for &i in &args[from..to] {
                    acc = lanes2(&acc, &s[i], |a, c| a + c);
                }
                s[d] = acc;
            }
            Ins::Max(d, x, y) => s[d] = lanes2(&s[x], &s[y], f64::max),
            Ins::Min(d, x, y) => s[d] = lanes2(&s[x], &s[y], f64::min),
            Ins::Pow(d, x, y) => {
                // Often the same in every lane (a discount factor): then once.
                let (x, y) = (&s[x], &s[y]);
                let same = |v: &Lane| v.iter().all(|a| a.to_bits() == v[0].to_bits());
                s[d] = if same(x) && same(y) {
                    [x[0].powf(y[0]); LANES]
                } else {
                    lanes2(x, y, f64::powf)
                };
            }
            Ins::RoundUp(d, x) => s[d] = lanes1(&s[x], f64::ceil),
            Ins::RoundDown(d, x) => s[d] = lanes1(&s[x], f64::floor),
            Ins::Abs(d, x) => s[d] = lanes1(&s[x], f64::abs),
            Ins::Gt(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| b(a > c)),
            Ins::Ge(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| b(a >= c)),
            Ins::Lt(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| b(a < c)),
            Ins::Le(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| b(a <= c)),
            Ins::Eq(d, x, y) => s[d] = lanes2(&s[x], &s[y], |a, c| b(a == c)),
            Ins::IsNumber(d, x) => s[d] = lanes1(&s[x], |a| b(!a.is_nan())),
            Ins::Truthy(d, x) => s[d] = lanes1(&s[x], |a| b(a != 0.0)),
            Ins::Not(d, x) => s[d] = lanes1(&s[x], |a| b(a == 0.0)),
            Ins::All(d, from, to) => {
                let mut acc = [1.0; LANES];
                for &i in &args[from..to] {
                    acc = lanes2(&acc, &s[i], |a, c| b(a != 0.0 && c != 0.0));
                }
                s[d] = acc;
            }
            Ins::Any(d, from, to) => {
                let mut acc = [0.0; LANES];
                for &i in &args[from..to] {
                    acc = lanes2(&acc, &s[i], |a, c| b(a != 0.0 || c != 0.0));
                }
                s[d] = acc;
            }
            Ins::Copy(d, x) => s[d] = s[x],
            Ins::Select(d, t, x, y) => {
                let (t, x, y) = (&s[t], &s[x], &s[y]);
                s[d] = std::array::from_fn(|l| if t[l] != 0.0 { x[l] } else { y[l] });
            }
            Ins::Accumulate {
                row,
                cum,
                first,
                period,
            } => {
                let (x, p) = (s[row], s[period]);
                s[cum] = lanes2(&s[cum], &x, |a, c| a + c);
                let f = &mut s[first];
                for l in 0..LANES {
                    if x[l] == 1.0 && f[l].is_nan() {
                        f[l] = p[l] + 1.0;
                    }
                }
            }
        }
    }
}

/// A timeline period's code: each row stored, then added to its total.
fn flatten_rows(rows: &[(usize, Node)], timeline: &TimelineSlots, r: &mut Registers) -> Code {
    let mut code = Code::default();
    for ((slot, node), &(row, cum, first)) in rows.iter().zip(&timeline.per_row) {
        emit_root(node, *slot, &mut code, r);
        code.ins.push(Ins::Accumulate {
            row,
            cum,
            first,
            period: timeline.period,
        });
    }
    code
}

fn flatten(steps: &[(usize, Node)], r: &mut Registers) -> Code {
    let mut code = Code::default();
    for (slot, node) in steps {
        emit_root(node, *slot, &mut code, r);
    }
    code
}

/// Code that leaves the node's value in `slot`.
fn emit_root(n: &Node, slot: usize, code: &mut Code, r: &mut Registers) {
    r.top = r.base;
    match n {
        Node::Const(_) | Node::Slot(_) => {
            let x = emit(n, None, code, r);
            code.ins.push(Ins::Copy(slot, x));
        }
        _ => {
            emit(n, Some(slot), code, r);
        }
    }
}

/// Code that computes a node; returns the slot holding its value: its own
/// slot for a constant or a slot, else `into` or a new temporary. The
/// temporaries its operands used are free again afterwards.
fn emit(n: &Node, into: Option<usize>, code: &mut Code, r: &mut Registers) -> usize {
    let mark = r.top;
    let dest = |r: &mut Registers| {
        r.top = mark;
        into.unwrap_or_else(|| r.temp())
    };
    match n {
        Node::Const(x) => r.constant(*x),
        Node::Slot(i) => *i,
        Node::Bin(op, a, b) => {
            let (x, y) = (emit(a, None, code, r), emit(b, None, code, r));
            let d = dest(r);
            code.ins.push(match op {
                Op::Add => Ins::Add(d, x, y),
                Op::Sub => Ins::Sub(d, x, y),
                Op::Mul => Ins::Mul(d, x, y),
                Op::Div => Ins::Div(d, x, y),
            });
            d
        }
        Node::Max(a, b) | Node::Min(a, b) | Node::Pow(a, b) => {
            let (x, y) = (emit(a, None, code, r), emit(b, None, code, r));
            let d = dest(r);
            code.ins.push(match n {
                Node::Max(..) => Ins::Max(d, x, y),
                Node::Min(..) => Ins::Min(d, x, y),
                _ => Ins::Pow(d, x, y),
            });
            d
        }
        Node::Neg(a) | Node::RoundUp(a) | Node::RoundDown(a) | Node::Abs(a) => {
            let x = emit(a, None, code, r);
            let d = dest(r);
            code.ins.push(match n {
                Node::Neg(_) => Ins::Neg(d, x),
                Node::RoundUp(_) => Ins::RoundUp(d, x),
                Node::RoundDown(_) => Ins::RoundDown(d, x),
                _ => Ins::Abs(d, x),
            });
            d
        }
        Node::Sum(ts) => {
            let xs: Vec<usize> = ts.iter().map(|t| emit(t, None, code, r)).collect();
            let d = dest(r);
            let from = code.args.len();
            code.args.extend(xs);
            code.ins.push(Ins::Sum(d, from, code.args.len()));
            d
        }
        Node::If(t, a, b) => {
            // Both branches are computed, into slots above the result's and
            // the test's, and each lane keeps one.
            r.top = mark;
            let d = into.unwrap_or_else(|| r.temp());
            let test = emit_test(t, code, r);
            let x = emit(a, None, code, r);
            let y = emit(b, None, code, r);
            code.ins.push(Ins::Select(d, test, x, y));
            r.top = mark;
            if into.is_none() {
                r.top += 1;
            }
            d
        }
        Node::Test(t) => {
            let x = emit_test(t, code, r);
            match into {
                Some(d) if d != x => {
                    code.ins.push(Ins::Copy(d, x));
                    r.top = mark;
                    d
                }
                _ => x,
            }
        }
    }
}

/// Code that computes a test's truth value (1 or 0); returns its slot.
fn emit_test(t: &Test, code: &mut Code, r: &mut Registers) -> usize {
    let mark = r.top;
    let dest = |r: &mut Registers| {
        r.top = mark;
        r.temp()
    };
    match t {
        Test::Compare(op, a, b) => {
            let (x, y) = (emit(a, None, code, r), emit(b, None, code, r));
            let d = dest(r);
            code.ins.push(match op {
                Cmp::Gt => Ins::Gt(d, x, y),
                Cmp::Ge => Ins::Ge(d, x, y),
                Cmp::Lt => Ins::Lt(d, x, y),
                Cmp::Le => Ins::Le(d, x, y),
                Cmp::Eq => Ins::Eq(d, x, y),
            });
            d
        }
        Test::IsNumber(a) | Test::Truthy(a) => {
            let x = emit(a, None, code, r);
            let d = dest(r);
            code.ins.push(match t {
                Test::IsNumber(_) => Ins::IsNumber(d, x),
                _ => Ins::Truthy(d, x),
            });
            d
        }
        Test::And(ts) | Test::Or(ts) => {
            let xs: Vec<usize> = ts.iter().map(|t| emit_test(t, code, r)).collect();
            let d = dest(r);
            let from = code.args.len();
            code.args.extend(xs);
            let to = code.args.len();
            code.ins.push(match t {
                Test::And(_) => Ins::All(d, from, to),
                _ => Ins::Any(d, from, to),
            });
            d
        }
        Test::Not(t) => {
            let x = emit_test(t, code, r);
            let d = dest(r);
            code.ins.push(Ins::Not(d, x));
            d
        }
        Test::Never => r.constant(0.0),
        Test::Fixed(x) => r.constant(f64::from(u8::from(*x))),
    }
}

impl Node {
    fn is_leaf(&self) -> bool {
        matches!(self, Node::Const(_) | Node::Slot(_))
    }
}

/// Replaces each largest part of `n` that reads none of the `varying` slots
/// (and is more than a constant or a slot) by a slot that `take` gives it;
/// returns whether `n` itself reads a varying slot. A part taken out of a
/// branch is computed whichever way the branch goes: the operations have no
/// effects, so only where the value is used changes.
fn hoist(n: &mut Node, varying: &[usize], take: &mut impl FnMut(Node) -> usize) -> bool {
    fn out(n: &mut Node, take: &mut impl FnMut(Node) -> usize) {
        if !n.is_leaf() {
            let part = std::mem::replace(n, Node::Const(0.0));
            *n = Node::Slot(take(part));
        }
    }
    // The children's flags; when `n` varies, its invariant children go out.
    let mut kids: Vec<&mut Node> = Vec::new();
    match n {
        Node::Const(_) => return false,
        Node::Slot(i) => return varying.contains(i),
        Node::Bin(_, a, b) | Node::Max(a, b) | Node::Min(a, b) | Node::Pow(a, b) => {
            kids.push(a);
            kids.push(b);
        }
        Node::Neg(a) | Node::RoundUp(a) | Node::RoundDown(a) | Node::Abs(a) => kids.push(a),
        Node::Sum(ts) => kids.extend(ts.iter_mut()),
        Node::If(t, a, b) => {
            let test_varies = hoist_test(t, varying, take);
            let (va, vb) = (hoist(a, varying, take), hoist(b, varying, take));
            if test_varies || va || vb {
                if !test_varies {
                    let whole = std::mem::replace(&mut **t, Test::Never);
                    **t = Test::Truthy(Node::Slot(take(Node::Test(Box::new(whole)))));
                }
                if !va {
                    out(a, take);
                }
                if !vb {
                    out(b, take);
                }
                return true;
            }
            return false;
        }
        Node::Test(t) => return hoist_test(t, varying, take),
    }
    let flags: Vec<bool> = kids.iter_mut().map(|k| hoist(k, varying, take)).collect();
    if flags.iter().any(|&v| v) {
        for (k, v) in kids.into_iter().zip(flags) {
            if !v {
                out(k, take);
            }
        }
        return true;
    }
    false
}

/// As [`hoist`], for a test: its invariant operands go out when it varies.
fn hoist_test(t: &mut Test, varying: &[usize], take: &mut impl FnMut(Node) -> usize) -> bool {
    match t {
        Test::Compare(_, a, b) => {
            let (va, vb) = (hoist(a, varying, take), hoist(b, varying, take));
            if va || vb {
                for (n, v) in [(a, va), (b, vb)] {
                    if !v && !n.is_leaf() {
                        let part = std::mem::replace(n, Node::Const(0.0));
                        *n = Node::Slot(take(part));
                    }
                }
            }
            va || vb
        }
        Test::IsNumber(a) | Test::Truthy(a) => hoist(a, varying, take),
        Test::And(ts) | Test::Or(ts) => {
            let flags: Vec<bool> = ts
                .iter_mut()
                .map(|t| hoist_test(t, varying, take))
                .collect();
            flags.iter().any(|&v| v)
        }
        Test::Not(t) => hoist_test(t, varying, take),
        Test::Never | Test::Fixed(_) => false,
    }
}

/// What compiling an expression resolves against.
struct Ctx<'a> {
    /// The plan's values, for the texts.
    values: &'a IndexMap<String, Value>,
    /// The slot of each number of the model's symbol table that has one.
    slots: &'a [Option<usize>],
    /// Per timeline row, by its number: its running total and first-one slots.
    aggregates: &'a [Option<(usize, usize)>],
    /// The period's slot, when the timeline is compiled.
    period: Option<usize>,
    /// The number of periods.
    length: f64,
}

fn compile(e: &Expr, cx: &Ctx, ctx: &str) -> Result<Node, NotNumeric> {
    let c = |e: &Expr| compile(e, cx, ctx);
    let b = |e: &Expr| c(e).map(Box::new);
    let no = || NotNumeric(ctx.to_string());
    let aggregate = |r: &Ref| {
        r.sym()
            .and_then(|s| cx.aggregates.get(s.index()).copied().flatten())
            .ok_or_else(no)
    };
    Ok(match e {
        Expr::Num(x) => Node::Const(*x),
        Expr::Bool(v) => Node::Const(f64::from(u8::from(*v))),
        Expr::Never => Node::Const(f64::NAN),
        // A fixed text where a number may stand (a figure "unknown" for some
        // candidates) is no number, as a text value's slot is.
        Expr::Text(_) => Node::Const(f64::NAN),
        Expr::Ref(r) => Node::Slot(
            r.sym()
                .and_then(|s| cx.slots.get(s.index()).copied().flatten())
                .ok_or_else(no)?,
        ),
        Expr::Bin(op, x, y) => Node::Bin(*op, b(x)?, b(y)?),
        Expr::Neg(x) => Node::Neg(b(x)?),
        Expr::Sum(ts) => Node::Sum(ts.iter().map(c).collect::<Result<_, _>>()?),
        Expr::Max(x, y) => Node::Max(b(x)?, b(y)?),
        Expr::Min(x, y) => Node::Min(b(x)?, b(y)?),
        Expr::RoundUp(x) => Node::RoundUp(b(x)?),
        Expr::RoundDown(x) => Node::RoundDown(b(x)?),
        Expr::Abs(x) => Node::Abs(b(x)?),
        Expr::Pow(x, y) => Node::Pow(b(x)?, b(y)?),
        Expr::If(t, x, y) => Node::If(Box::new(compile_test(t, cx, ctx)?), b(x)?, b(y)?),
        Expr::Test(t) => Node::Test(Box::new(compile_test(t, cx, ctx)?)),
        // The model's values are never errors: the value itself.
        Expr::IfError(x, _) => c(x)?,
        Expr::Period => Node::Slot(cx.period.ok_or_else(no)?),
        // In a period, the running total so far; after the timeline, the total.
        Expr::CumSum(r) => Node::Slot(aggregate(r)?.0),
        Expr::FirstOne(r) => Node::Slot(aggregate(r)?.1),
        Expr::RowLength(_) => Node::Const(cx.length),
        Expr::Concat(_)
        | Expr::Format(..)
        | Expr::Choose(..)
        | Expr::Irr(..)
        | Expr::SignChanges(..)
        | Expr::ColumnMax(_)
        | Expr::ColumnMatch(..)
        | Expr::ColumnIndex(..) => return Err(no()),
    })
}

fn compile_test(t: &Cond, cx: &Ctx, ctx: &str) -> Result<Test, NotNumeric> {
    let c = |e: &Expr| compile(e, cx, ctx);
    let ct = |t: &Cond| compile_test(t, cx, ctx);
    let text = |e: &Expr| match e {
        Expr::Text(s) => Some(s.to_lowercase()),
        Expr::Ref(r) => match cx.values.get(r.id()) {
            Some(Value::Text(s)) => Some(s.to_lowercase()),
            _ => None,
        },
        _ => None,
    };
    Ok(match t {
        Cond::Compare(Cmp::Eq, a, b) if text(a).is_some() || text(b).is_some() => {
            match (text(a), text(b)) {
                (Some(x), Some(y)) => Test::Fixed(x == y),
                _ => return Err(NotNumeric(ctx.to_string())),
            }
        }
        Cond::Compare(op, a, b) => Test::Compare(*op, c(a)?, c(b)?),
        Cond::IsNumber(a) => Test::IsNumber(c(a)?),
        Cond::Truthy(a) => Test::Truthy(c(a)?),
        Cond::And(ts) => Test::And(ts.iter().map(ct).collect::<Result<_, _>>()?),
        Cond::Or(ts) => Test::Or(ts.iter().map(ct).collect::<Result<_, _>>()?),
        Cond::Not(x) => Test::Not(Box::new(ct(x)?)),
        Cond::IsError(_) => Test::Never,
    })
}
