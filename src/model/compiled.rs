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
}

/// Compiled quantities over numbered slots.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Slot of every input and compiled quantity.
    slots: IndexMap<String, usize>,
    /// (slot, expression) in evaluation order.
    steps: Vec<(usize, Node)>,
    /// The steps flattened into one instruction list.
    code: Vec<Ins>,
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
    /// order. Inputs and other quantities become slots filled from `values`.
    pub fn new(model: &Model, outputs: &[&str]) -> Result<Compiled, NotNumeric> {
        let in_order: Vec<&Quantity> = model
            .evaluation_order()
            .iter()
            .filter_map(|step| match *step {
                Step::Quantity(k) => model.quantities.get(k),
                Step::Timeline => None,
            })
            .collect();
        // Which quantities are needed: walk dependencies backwards.
        let mut needed: Vec<String> = outputs.iter().map(|s| s.to_string()).collect();
        for q in in_order.iter().rev() {
            if needed.contains(&q.id) {
                for r in q.expr.refs() {
                    if !needed.contains(&r) {
                        needed.push(r);
                    }
                }
            }
        }
        let mut slots = IndexMap::new();
        for id in &needed {
            let n = slots.len();
            slots.insert(id.clone(), n);
        }
        let mut steps = Vec::new();
        for q in in_order.iter().filter(|q| needed.contains(&q.id)) {
            let node = compile(&q.expr, &slots, &q.id)?;
            let slot = slots
                .get(&q.id)
                .copied()
                .ok_or_else(|| NotNumeric(q.id.clone()))?;
            steps.push((slot, node));
        }
        let code = flatten(&steps);
        Ok(Compiled { slots, steps, code })
    }

    /// Keeps only the steps whose value can change when the inputs `changed`
    /// change: the others keep the values the slots were filled with.
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
            slots: self.slots.clone(),
            steps,
            code,
        }
    }

    /// The number of compiled quantities.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True when nothing was compiled.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
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

    /// Evaluates every compiled quantity into `slots`.
    pub fn run(&self, slots: &mut [f64]) {
        let mut stack: Vec<f64> = Vec::with_capacity(32);
        let b = |x: bool| f64::from(u8::from(x));
        let mut pc = 0;
        while pc < self.code.len() {
            match self.code[pc] {
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
                    stack.push(match self.code[pc] {
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
                    stack.push(match self.code[pc] {
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
                    let v = if matches!(self.code[pc], Ins::All(_)) {
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
            }
            pc += 1;
        }
    }
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
    }
}

fn compile(e: &Expr, slots: &IndexMap<String, usize>, ctx: &str) -> Result<Node, NotNumeric> {
    let c = |e: &Expr| compile(e, slots, ctx);
    let b = |e: &Expr| c(e).map(Box::new);
    Ok(match e {
        Expr::Num(x) => Node::Const(*x),
        Expr::Bool(v) => Node::Const(f64::from(u8::from(*v))),
        Expr::Never => Node::Const(f64::NAN),
        Expr::Ref(id) => Node::Slot(*slots.get(id).ok_or_else(|| NotNumeric(ctx.to_string()))?),
        Expr::Bin(op, x, y) => Node::Bin(*op, b(x)?, b(y)?),
        Expr::Neg(x) => Node::Neg(b(x)?),
        Expr::Sum(ts) => Node::Sum(ts.iter().map(c).collect::<Result<_, _>>()?),
        Expr::Max(x, y) => Node::Max(b(x)?, b(y)?),
        Expr::Min(x, y) => Node::Min(b(x)?, b(y)?),
        Expr::RoundUp(x) => Node::RoundUp(b(x)?),
        Expr::RoundDown(x) => Node::RoundDown(b(x)?),
        Expr::Abs(x) => Node::Abs(b(x)?),
        Expr::Pow(x, y) => Node::Pow(b(x)?, b(y)?),
        Expr::If(t, x, y) => Node::If(Box::new(compile_test(t, slots, ctx)?), b(x)?, b(y)?),
        Expr::Test(t) => Node::Test(Box::new(compile_test(t, slots, ctx)?)),
        // The model's values are never errors: the value itself.
        Expr::IfError(x, _) => c(x)?,
        Expr::Text(_) | Expr::Period | Expr::CumSum(_) | Expr::FirstOne(_) | Expr::RowLength(_) => {
            return Err(NotNumeric(ctx.to_string()))
        }
    })
}

fn compile_test(t: &Cond, slots: &IndexMap<String, usize>, ctx: &str) -> Result<Test, NotNumeric> {
    let c = |e: &Expr| compile(e, slots, ctx);
    let ct = |t: &Cond| compile_test(t, slots, ctx);
    Ok(match t {
        Cond::Compare(op, a, b) => Test::Compare(*op, c(a)?, c(b)?),
        Cond::IsNumber(a) => Test::IsNumber(c(a)?),
        Cond::Truthy(a) => Test::Truthy(c(a)?),
        Cond::And(ts) => Test::And(ts.iter().map(ct).collect::<Result<_, _>>()?),
        Cond::Or(ts) => Test::Or(ts.iter().map(ct).collect::<Result<_, _>>()?),
        Cond::Not(x) => Test::Not(Box::new(ct(x)?)),
        Cond::IsError(_) => Test::Never,
    })
}
