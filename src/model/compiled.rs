//! A fast numeric evaluator for the Monte Carlo simulation: the model's
//! expressions compiled once to trees over numbered slots, evaluated without
//! string lookups. It computes the same expressions as [`Expr::eval`]; a test
//! holds the two equal on every example plan.
//!
//! Numbers stay numbers, truth values become 1 and 0, and "never" becomes NaN.
//! Text has no place here: only the quantities the simulation reads, and what
//! they depend on, are compiled.

use indexmap::IndexMap;

use super::expr::{Cmp, Cond, Expr, Op};
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

/// One instruction of the flattened code: a stack machine whose results
/// are stored into slots.
#[derive(Debug, Clone, Copy)]
enum Ins {
    Const(f64),
    Load(usize),
    Store(usize),
    Bin(Op),
    Neg,
    /// Adds the top n values.
    Sum(usize),
    Max,
    Min,
    RoundUp,
    RoundDown,
    Abs,
    Pow,
    Cmp(Cmp),
    IsNumber,
    Truthy,
    Not,
    /// Combines the top n truth values.
    All(usize),
    Any(usize),
    /// Pops a truth value; jumps when it is false.
    JumpIfFalse(usize),
    Jump(usize),
    /// After a timeline row's value is stored: adds it to the row's running
    /// total, and notes the position (period + 1) of its first 1.
    Accumulate {
        row: usize,
        cum: usize,
        first: usize,
        period: usize,
    },
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
    code: Vec<Ins>,
    row_code: Vec<Ins>,
    after_code: Vec<Ins>,
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
        // Which quantities and timeline rows are needed: walk dependencies
        // backwards from the outputs; a row needs the rows it reads.
        let row_ids: Vec<&str> = model.timeline.iter().map(|t| t.id.as_str()).collect();
        let mut needed: Vec<String> = outputs.iter().map(|s| s.to_string()).collect();
        let mut needed_rows: Vec<String> = Vec::new();
        let mut needs_timeline = false;
        let walk = |q: &Quantity,
                    needed: &mut Vec<String>,
                    needed_rows: &mut Vec<String>,
                    needs_timeline: &mut bool| {
            if needed.contains(&q.id) {
                for r in q.expr.refs() {
                    if row_ids.contains(&r.as_str()) {
                        *needs_timeline = true;
                        if !needed_rows.contains(&r) {
                            needed_rows.push(r);
                        }
                    } else if !needed.contains(&r) {
                        needed.push(r);
                    }
                }
            }
        };
        for q in after.iter().rev() {
            walk(q, &mut needed, &mut needed_rows, &mut needs_timeline);
        }
        if needs_timeline {
            // Rows read only earlier rows (or their own running totals), so
            // one backward pass closes the set.
            for t in model.timeline.iter().rev() {
                if !needed_rows.contains(&t.id) {
                    continue;
                }
                for r in t.expr.refs() {
                    if row_ids.contains(&r.as_str()) {
                        if !needed_rows.contains(&r) {
                            needed_rows.push(r);
                        }
                    } else if !needed.contains(&r) {
                        needed.push(r);
                    }
                }
            }
        }
        for q in before.iter().rev() {
            walk(q, &mut needed, &mut needed_rows, &mut needs_timeline);
        }
        let mut slots = IndexMap::new();
        for id in &needed {
            let n = slots.len();
            slots.insert(id.clone(), n);
        }
        let mut timeline = TimelineSlots {
            last: model.periods,
            ..TimelineSlots::default()
        };
        let mut aggregates = IndexMap::new();
        let timeline_rows: Vec<&super::TimelineRow> = model
            .timeline
            .iter()
            .filter(|t| needed_rows.contains(&t.id))
            .collect();
        if needs_timeline {
            for t in &timeline_rows {
                let row = slots.len();
                slots.insert(t.id.clone(), row);
                let (cum, first) = (row + 1, row + 2);
                slots.insert(format!("{}\u{0}cum", t.id), cum);
                slots.insert(format!("{}\u{0}first", t.id), first);
                aggregates.insert(t.id.clone(), (cum, first));
                timeline.per_row.push((row, cum, first));
            }
            timeline.period = slots.len();
            slots.insert("\u{0}period".to_string(), timeline.period);
        }
        let ctx = Ctx {
            values,
            slots: &slots,
            aggregates: &aggregates,
            period: needs_timeline.then_some(timeline.period),
            length: f64::from(model.periods) + 1.0,
        };
        let compile_all = |qs: &[&Quantity]| -> Result<Vec<(usize, Node)>, NotNumeric> {
            let mut steps = Vec::new();
            for q in qs.iter().filter(|q| needed.contains(&q.id)) {
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
        let code = flatten(&steps);
        let row_code = flatten_rows(&rows, &timeline);
        let after_code = flatten(&after);
        Ok(Compiled {
            slots,
            steps,
            rows,
            after,
            timeline,
            code,
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
        let code = flatten(&steps);
        Compiled {
            steps,
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
        self.slots.len()
    }

    /// The slot of an id.
    pub fn slot(&self, id: &str) -> Option<usize> {
        self.slots.get(id).copied()
    }

    /// A slot vector filled from evaluated values (inputs and quantities).
    pub fn slots_from(&self, values: &IndexMap<String, Value>) -> Vec<f64> {
        self.slots
            .keys()
            .map(|id| values.get(id).map_or(f64::NAN, to_slot))
            .collect()
    }

    /// Evaluates every compiled quantity into `slots`: the quantities before
    /// the timeline, the timeline period by period, then what is computed
    /// from it.
    pub fn run(&self, slots: &mut [f64]) {
        let mut stack: Vec<f64> = Vec::with_capacity(32);
        execute(&self.code, slots, &mut stack);
        if self.rows.is_empty() {
            return;
        }
        for &(_, cum, first) in &self.timeline.per_row {
            slots[cum] = 0.0;
            slots[first] = f64::NAN;
        }
        for period in 0..=self.timeline.last {
            slots[self.timeline.period] = f64::from(period);
            execute(&self.row_code, slots, &mut stack);
        }
        execute(&self.after_code, slots, &mut stack);
    }
}

/// Runs flattened code over the slots.
fn execute(code: &[Ins], slots: &mut [f64], stack: &mut Vec<f64>) {
    {
        let b = |x: bool| f64::from(u8::from(x));
        let mut pc = 0;
        while pc < code.len() {
            match code[pc] {
                Ins::Const(x) => stack.push(x),
                Ins::Load(i) => stack.push(slots[i]),
                Ins::Store(i) => slots[i] = stack.pop().unwrap_or(f64::NAN),
                Ins::Bin(op) => {
                    let y = stack.pop().unwrap_or(f64::NAN);
                    let x = stack.pop().unwrap_or(f64::NAN);
                    stack.push(match op {
                        Op::Add => x + y,
                        Op::Sub => x - y,
                        Op::Mul => x * y,
                        Op::Div => x / y,
                    });
                }
                Ins::Neg => {
                    let x = stack.pop().unwrap_or(f64::NAN);
                    stack.push(-x);
                }
                Ins::Sum(n) => {
                    let at = stack.len() - n;
                    let total = stack[at..].iter().sum();
                    stack.truncate(at);
                    stack.push(total);
                }
                Ins::Max | Ins::Min | Ins::Pow | Ins::Cmp(_) => {
                    let y = stack.pop().unwrap_or(f64::NAN);
                    let x = stack.pop().unwrap_or(f64::NAN);
                    stack.push(match code[pc] {
                        Ins::Max => x.max(y),
                        Ins::Min => x.min(y),
                        Ins::Pow => x.powf(y),
                        Ins::Cmp(c) => b(match c {
                            Cmp::Gt => x > y,
                            Cmp::Ge => x >= y,
                            Cmp::Lt => x < y,
                            Cmp::Le => x <= y,
                            Cmp::Eq => x == y,
                        }),
                        _ => unreachable!(),
                    });
                }
                Ins::RoundUp
                | Ins::RoundDown
                | Ins::Abs
                | Ins::IsNumber
                | Ins::Truthy
                | Ins::Not => {
                    let x = stack.pop().unwrap_or(f64::NAN);
                    stack.push(match code[pc] {
                        Ins::RoundUp => x.ceil(),
                        Ins::RoundDown => x.floor(),
                        Ins::Abs => x.abs(),
                        Ins::IsNumber => b(!x.is_nan()),
                        Ins::Truthy => b(x != 0.0),
                        Ins::Not => b(x == 0.0),
                        _ => unreachable!(),
                    });
                }
                Ins::All(n) | Ins::Any(n) => {
                    let at = stack.len() - n;
                    let v = if matches!(code[pc], Ins::All(_)) {
                        stack[at..].iter().all(|x| *x != 0.0)
                    } else {
                        stack[at..].iter().any(|x| *x != 0.0)
                    };
                    stack.truncate(at);
                    stack.push(b(v));
                }
                Ins::JumpIfFalse(to) => {
                    if stack.pop().unwrap_or(0.0) == 0.0 {
                        pc = to;
                        continue;
                    }
                }
                Ins::Jump(to) => {
                    pc = to;
                    continue;
                }
                Ins::Accumulate {
                    row,
                    cum,
                    first,
                    period,
                } => {
                    let x = slots[row];
                    slots[cum] += x;
                    if x == 1.0 && slots[first].is_nan() {
                        slots[first] = slots[period] + 1.0;
                    }
                }
            }
            pc += 1;
        }
    }
}

/// A timeline period's code: each row stored, then added to its total.
fn flatten_rows(rows: &[(usize, Node)], timeline: &TimelineSlots) -> Vec<Ins> {
    let mut code = Vec::new();
    for ((slot, node), &(row, cum, first)) in rows.iter().zip(&timeline.per_row) {
        emit(node, &mut code);
        code.push(Ins::Store(*slot));
        code.push(Ins::Accumulate {
            row,
            cum,
            first,
            period: timeline.period,
        });
    }
    code
}

fn flatten(steps: &[(usize, Node)]) -> Vec<Ins> {
    let mut code = Vec::new();
    for (slot, node) in steps {
        emit(node, &mut code);
        code.push(Ins::Store(*slot));
    }
    code
}

fn emit(n: &Node, code: &mut Vec<Ins>) {
    match n {
        Node::Const(x) => code.push(Ins::Const(*x)),
        Node::Slot(i) => code.push(Ins::Load(*i)),
        Node::Bin(op, a, b) => {
            emit(a, code);
            emit(b, code);
            code.push(Ins::Bin(*op));
        }
        Node::Neg(a) => {
            emit(a, code);
            code.push(Ins::Neg);
        }
        Node::Sum(ts) => {
            ts.iter().for_each(|t| emit(t, code));
            code.push(Ins::Sum(ts.len()));
        }
        Node::Max(a, b) | Node::Min(a, b) | Node::Pow(a, b) => {
            emit(a, code);
            emit(b, code);
            code.push(match n {
                Node::Max(..) => Ins::Max,
                Node::Min(..) => Ins::Min,
                _ => Ins::Pow,
            });
        }
        Node::RoundUp(a) => {
            emit(a, code);
            code.push(Ins::RoundUp);
        }
        Node::RoundDown(a) => {
            emit(a, code);
            code.push(Ins::RoundDown);
        }
        Node::Abs(a) => {
            emit(a, code);
            code.push(Ins::Abs);
        }
        Node::If(t, a, b) => {
            emit_test(t, code);
            let jump_if_false = code.len();
            code.push(Ins::JumpIfFalse(0));
            emit(a, code);
            let jump_end = code.len();
            code.push(Ins::Jump(0));
            code[jump_if_false] = Ins::JumpIfFalse(code.len());
            emit(b, code);
            code[jump_end] = Ins::Jump(code.len());
        }
        Node::Test(t) => emit_test(t, code),
    }
}

fn emit_test(t: &Test, code: &mut Vec<Ins>) {
    match t {
        Test::Compare(op, a, b) => {
            emit(a, code);
            emit(b, code);
            code.push(Ins::Cmp(*op));
        }
        Test::IsNumber(a) => {
            emit(a, code);
            code.push(Ins::IsNumber);
        }
        Test::Truthy(a) => {
            emit(a, code);
            code.push(Ins::Truthy);
        }
        Test::And(ts) => {
            ts.iter().for_each(|t| emit_test(t, code));
            code.push(Ins::All(ts.len()));
        }
        Test::Or(ts) => {
            ts.iter().for_each(|t| emit_test(t, code));
            code.push(Ins::Any(ts.len()));
        }
        Test::Not(t) => {
            emit_test(t, code);
            code.push(Ins::Not);
        }
        Test::Never => code.push(Ins::Const(0.0)),
        Test::Fixed(x) => code.push(Ins::Const(f64::from(u8::from(*x)))),
    }
}

/// What compiling an expression resolves against.
struct Ctx<'a> {
    /// The plan's values, for the texts.
    values: &'a IndexMap<String, Value>,
    slots: &'a IndexMap<String, usize>,
    /// Per timeline row: its running total and first-one slots.
    aggregates: &'a IndexMap<String, (usize, usize)>,
    /// The period's slot, when the timeline is compiled.
    period: Option<usize>,
    /// The number of periods.
    length: f64,
}

fn compile(e: &Expr, cx: &Ctx, ctx: &str) -> Result<Node, NotNumeric> {
    let c = |e: &Expr| compile(e, cx, ctx);
    let b = |e: &Expr| c(e).map(Box::new);
    let no = || NotNumeric(ctx.to_string());
    let aggregate = |id: &str| cx.aggregates.get(id).copied().ok_or_else(no);
    Ok(match e {
        Expr::Num(x) => Node::Const(*x),
        Expr::Bool(v) => Node::Const(f64::from(u8::from(*v))),
        Expr::Never => Node::Const(f64::NAN),
        Expr::Ref(id) => Node::Slot(*cx.slots.get(id).ok_or_else(no)?),
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
        Expr::CumSum(id) => Node::Slot(aggregate(id)?.0),
        Expr::FirstOne(id) => Node::Slot(aggregate(id)?.1),
        Expr::RowLength(_) => Node::Const(cx.length),
        Expr::Text(_) | Expr::Concat(_) | Expr::Format(..) | Expr::Choose(..) | Expr::Irr(_) => {
            return Err(no())
        }
    })
}

fn compile_test(t: &Cond, cx: &Ctx, ctx: &str) -> Result<Test, NotNumeric> {
    let c = |e: &Expr| compile(e, cx, ctx);
    let ct = |t: &Cond| compile_test(t, cx, ctx);
    let text = |e: &Expr| match e {
        Expr::Text(s) => Some(s.to_lowercase()),
        Expr::Ref(id) => match cx.values.get(id) {
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
