//! Expressions: the single definition of every derived quantity.
//!
//! An [`Expr`] has two walks. [`Expr::eval`] computes its value in Rust (for the
//! JSON and the memo); [`Expr::to_excel`] prints it as an Excel formula over
//! defined names (for the workbook). Both walk the same tree, so the workbook's
//! formulas and the reported figures cannot drift apart; so do the compiled
//! simulation program ([`super::compiled`]) and the JavaScript printer
//! ([`super::js`]).
//!
//! A reference ([`Ref`]) holds the id the definitions write and, once
//! [`super::build`] has resolved it against the model's [`super::Symbols`],
//! the number that id has there. Resolution is the one front end: an unknown
//! id fails there, naming the quantity that reads it; the walks read the
//! number where they keep values by number, and the id where a name is
//! printed (a defined name in the workbook).

use std::fmt::Write as _;

use thiserror::Error;

use crate::value::{format_number_literal, Value, NEVER_TEXT};

/// A failure to evaluate: a defect in the model's definitions, never the plan's fault.
#[derive(Debug, Error, PartialEq)]
pub enum EvalError {
    #[error("model defect: `{0}` is not defined")]
    Unknown(String),
    #[error("model defect: `{quantity}` reads `{reference}`, which is no quantity, timeline row or input")]
    UnknownReference { quantity: String, reference: String },
    #[error("model defect: two quantities or timeline rows are both `{0}`")]
    DuplicateId(String),
    #[error("model defect: division by zero in `{0}`")]
    DivisionByZero(String),
    #[error("model defect: arithmetic on a non-number in `{0}`")]
    NotANumber(String),
    #[error("model defect: `{0}` produced a non-finite number")]
    NotFinite(String),
}

/// Binary arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }

    fn precedence(self) -> u8 {
        match self {
            Op::Add | Op::Sub => 1,
            Op::Mul | Op::Div => 2,
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Eq => "=",
        }
    }
}

/// A condition, used by [`Expr::If`] and [`Expr::Test`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Compare two numbers (or two texts, for `Eq`).
    Compare(Cmp, Box<Expr>, Box<Expr>),
    /// True when the expression is a number (not "never").
    IsNumber(Box<Expr>),
    /// A boolean-valued expression, such as a yes/no input.
    Truthy(Box<Expr>),
    /// Every condition holds.
    And(Vec<Cond>),
    /// At least one condition holds.
    Or(Vec<Cond>),
    /// The value is an error (never true in the model's own evaluation; the
    /// workbook's checks use it to catch cells edited into errors).
    IsError(Box<Expr>),
    /// The condition does not hold.
    Not(Box<Cond>),
}

/// The number an id has in the model's symbol table ([`super::Symbols`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

impl Sym {
    /// The number `n`: only the model's symbol table numbers ids.
    pub(super) fn new(n: u32) -> Sym {
        Sym(n)
    }

    /// Its position in a table indexed by symbol.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A reference to an input, a quantity or a timeline row: the id as the
/// definitions write it (its defined name in the workbook) and, once the
/// model is built, its number in the model's symbol table.
#[derive(Debug, Clone)]
pub struct Ref {
    id: String,
    sym: Option<Sym>,
}

impl Ref {
    /// A reference by id, not yet resolved.
    pub fn new(id: &str) -> Ref {
        Ref {
            id: id.to_string(),
            sym: None,
        }
    }

    /// The id referred to.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its number in the model's symbol table; `None` before the model
    /// resolves it (an expression built outside a model).
    pub fn sym(&self) -> Option<Sym> {
        self.sym
    }

    /// Records the number the model's symbol table gives the id.
    pub(super) fn resolve(&mut self, sym: Sym) {
        self.sym = Some(sym);
    }
}

/// Two references are equal when they name the same id, resolved or not.
impl PartialEq for Ref {
    fn eq(&self, other: &Ref) -> bool {
        self.id == other.id
    }
}

/// An expression over inputs and other quantities, referred to by id.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A structural constant (unit conversions such as 1,000,000 tokens per
    /// million). Commercial numbers are never literals: they are inputs.
    Num(f64),
    /// A fixed label, printed as an Excel string literal.
    Text(&'static str),
    /// A fixed truth value.
    Bool(bool),
    /// "There is none".
    Never,
    /// Another input or quantity, by id (its defined name in the workbook).
    Ref(Ref),
    /// Binary arithmetic.
    Bin(Op, Box<Expr>, Box<Expr>),
    /// Negation.
    Neg(Box<Expr>),
    /// The sum of the terms (Excel `SUM`).
    Sum(Vec<Expr>),
    /// The larger of two numbers.
    Max(Box<Expr>, Box<Expr>),
    /// The smaller of two numbers.
    Min(Box<Expr>, Box<Expr>),
    /// Rounds up to a whole number (Excel `ROUNDUP(x,0)`).
    RoundUp(Box<Expr>),
    /// Rounds down to a whole number (Excel `ROUNDDOWN(x,0)`).
    RoundDown(Box<Expr>),
    /// The absolute value.
    Abs(Box<Expr>),
    /// `a` raised to the power `b`.
    Pow(Box<Expr>, Box<Expr>),
    /// On a timeline row: the number of the current period (month 0, 1, …).
    Period,
    /// On a timeline row: the running total of a row up to the current period.
    CumSum(Ref),
    /// The 1-based position of the first period whose value of a timeline
    /// row is 1; "never" when there is none (Excel `MATCH(1,row,0)`).
    FirstOne(Ref),
    /// The number of periods in a timeline row (Excel `COLUMNS(row)`).
    RowLength(Ref),
    /// The internal rate of return of a timeline row read as cash flows one
    /// period apart, period 0 first (Excel `IRR(row)`): the rate at which
    /// their discounted sum is 0. "Never" where the flows do not start
    /// negative and change sign exactly once (see [`irr`]). The second
    /// expression is the workbook's starting guess (`IRR(row,guess)`): it
    /// does not change a unique answer, only helps a spreadsheet find it.
    Irr(Ref, Box<Expr>),
    /// The number of times a timeline row changes sign from one period to
    /// the next, a zero counting with the positives, over the periods where
    /// a second row is not 0 (Excel
    /// `SUMPRODUCT(((first..last-but-one<0)-(second..last<0))^2*mask)`).
    /// With one change the row has one internal rate of return; with more
    /// it may have several.
    SignChanges(Ref, Ref),
    /// Choose by a condition.
    If(Box<Cond>, Box<Expr>, Box<Expr>),
    /// A condition as a truth value.
    Test(Box<Cond>),
    /// The value, or the fallback where the value is an error (Excel
    /// `IFERROR`). The model's own evaluation never meets an error value
    /// (an error is a defect and stops the evaluation), so it is the value;
    /// in the workbook it catches cells edited into errors.
    IfError(Box<Expr>, Box<Expr>),
    /// Texts (and numbers, as Excel shows them) joined (Excel `CONCATENATE`).
    Concat(Vec<Expr>),
    /// A number as text in a fixed format (Excel `TEXT`); text passes through.
    Format(Box<Expr>, TextFormat),
    /// The n-th of the choices, 1-based (Excel `CHOOSE`).
    Choose(Box<Expr>, Vec<Expr>),
    /// The largest number in a column, text ignored; 0 when it holds none
    /// (Excel `MAX` over a range).
    ColumnMax(Column),
    /// The 1-based position of the first cell of a column equal to the
    /// value; "never" where none is (Excel `MATCH(x,range,0)`).
    ColumnMatch(Box<Expr>, Column),
    /// The cell of a column at a 1-based position (Excel `INDEX(range,k)`).
    ColumnIndex(Column, Box<Expr>),
}

/// A column of a table: one quantity a row, laid out as one range of cells
/// whose defined name is the column's id. A formula over a column prints
/// that name, so its length does not grow with the number of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The range's defined name.
    pub id: String,
    /// Its cells, top to bottom.
    pub cells: Vec<Ref>,
}

/// The number formats the model's sentences use: each is an Excel `TEXT`
/// format code, and [`TextFormat::apply`] gives the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    /// `$#,##0`: whole dollars with thousands separators.
    Money,
    /// `$#,##0.00`: dollars and cents.
    Cents,
    /// `#,##0`: a whole number with thousands separators.
    Whole,
    /// `#,##0.0`: one decimal.
    OneDecimal,
    /// `0%`: a whole percentage.
    Percent,
    /// `0.0%`: a percentage with one decimal.
    PercentOneDecimal,
    /// `0.00%`: a percentage with two decimals.
    PercentTwoDecimals,
}

impl TextFormat {
    /// The Excel format code.
    pub fn code(self) -> &'static str {
        match self {
            TextFormat::Money => "$#,##0",
            TextFormat::Cents => "$#,##0.00",
            TextFormat::Whole => "#,##0",
            TextFormat::OneDecimal => "#,##0.0",
            TextFormat::Percent => "0%",
            TextFormat::PercentOneDecimal => "0.0%",
            TextFormat::PercentTwoDecimals => "0.00%",
        }
    }

    /// The number formatted as Excel's `TEXT(x, code)` shows it: rounded half
    /// away from zero at 15 significant digits, a minus sign before the
    /// dollar sign.
    pub fn apply(self, x: f64) -> String {
        let (scaled, decimals, prefix, suffix, grouped) = match self {
            TextFormat::Money => (x, 0, "$", "", true),
            TextFormat::Cents => (x, 2, "$", "", true),
            TextFormat::Whole => (x, 0, "", "", true),
            TextFormat::OneDecimal => (x, 1, "", "", true),
            TextFormat::Percent => (x * 100.0, 0, "", "%", false),
            TextFormat::PercentOneDecimal => (x * 100.0, 1, "", "%", false),
            TextFormat::PercentTwoDecimals => (x * 100.0, 2, "", "%", false),
        };
        let factor = 10f64.powi(decimals);
        // Spreadsheets round the decimal they show (15 significant digits),
        // not the binary fraction: 1234.005 shows as 1234.01.
        let shown: f64 = format!("{:.14e}", scaled.abs() * factor)
            .parse()
            .unwrap_or(scaled.abs() * factor);
        let rounded = shown.round();
        let sign = if scaled < 0.0 && rounded > 0.0 {
            "-"
        } else {
            ""
        };
        let whole = (rounded / factor).trunc();
        let frac = rounded - whole * factor;
        let mut digits = format!("{whole:.0}");
        if grouped {
            let mut with_commas = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    with_commas.push(',');
                }
                with_commas.push(ch);
            }
            digits = with_commas;
        }
        if decimals > 0 {
            digits = format!("{digits}.{:0width$.0}", frac, width = decimals as usize);
        }
        format!("{sign}{prefix}{digits}{suffix}")
    }
}

/// Shorthand constructors used by the model definitions.
pub mod build {
    use super::{Cmp, Cond, Expr, Op, Ref};

    /// A reference to an input or quantity.
    pub fn r(id: &str) -> Expr {
        Expr::Ref(Ref::new(id))
    }
    /// On a timeline row: a row's running total up to the current period;
    /// elsewhere, its total.
    pub fn cum_sum(row: &str) -> Expr {
        Expr::CumSum(Ref::new(row))
    }
    /// The 1-based position of a timeline row's first 1.
    pub fn first_one(row: &str) -> Expr {
        Expr::FirstOne(Ref::new(row))
    }
    /// The number of periods in a timeline row.
    pub fn row_length(row: &str) -> Expr {
        Expr::RowLength(Ref::new(row))
    }
    /// The internal rate of return of a timeline row, with the workbook's
    /// starting guess.
    pub fn irr_of(row: &str, guess: Expr) -> Expr {
        Expr::Irr(Ref::new(row), Box::new(guess))
    }
    /// The sign changes of a timeline row over the periods where `within`
    /// is not 0.
    pub fn sign_changes_of(row: &str, within: &str) -> Expr {
        Expr::SignChanges(Ref::new(row), Ref::new(within))
    }
    /// A structural constant.
    pub fn n(x: f64) -> Expr {
        Expr::Num(x)
    }
    pub fn add(a: Expr, b: Expr) -> Expr {
        Expr::Bin(Op::Add, Box::new(a), Box::new(b))
    }
    pub fn sub(a: Expr, b: Expr) -> Expr {
        Expr::Bin(Op::Sub, Box::new(a), Box::new(b))
    }
    pub fn mul(a: Expr, b: Expr) -> Expr {
        Expr::Bin(Op::Mul, Box::new(a), Box::new(b))
    }
    pub fn div(a: Expr, b: Expr) -> Expr {
        Expr::Bin(Op::Div, Box::new(a), Box::new(b))
    }
    /// The product of several factors, left to right.
    pub fn product(factors: Vec<Expr>) -> Expr {
        let mut it = factors.into_iter();
        match it.next() {
            Some(first) => it.fold(first, mul),
            None => n(1.0),
        }
    }
    pub fn neg(a: Expr) -> Expr {
        Expr::Neg(Box::new(a))
    }
    pub fn sum(terms: Vec<Expr>) -> Expr {
        Expr::Sum(terms)
    }
    pub fn max(a: Expr, b: Expr) -> Expr {
        Expr::Max(Box::new(a), Box::new(b))
    }
    pub fn min(a: Expr, b: Expr) -> Expr {
        Expr::Min(Box::new(a), Box::new(b))
    }
    pub fn abs(a: Expr) -> Expr {
        Expr::Abs(Box::new(a))
    }
    pub fn pow(a: Expr, b: Expr) -> Expr {
        Expr::Pow(Box::new(a), Box::new(b))
    }
    pub fn or(cs: Vec<Cond>) -> Cond {
        Cond::Or(cs)
    }
    pub fn is_error(a: Expr) -> Cond {
        Cond::IsError(Box::new(a))
    }
    pub fn round_down(a: Expr) -> Expr {
        Expr::RoundDown(Box::new(a))
    }
    pub fn round_up(a: Expr) -> Expr {
        Expr::RoundUp(Box::new(a))
    }
    pub fn if_(c: Cond, a: Expr, b: Expr) -> Expr {
        Expr::If(Box::new(c), Box::new(a), Box::new(b))
    }
    pub fn test(c: Cond) -> Expr {
        Expr::Test(Box::new(c))
    }
    /// `a`, or `fallback` where `a` is an error value (Excel `IFERROR`).
    pub fn if_error(a: Expr, fallback: Expr) -> Expr {
        Expr::IfError(Box::new(a), Box::new(fallback))
    }
    pub fn cmp(op: Cmp, a: Expr, b: Expr) -> Cond {
        Cond::Compare(op, Box::new(a), Box::new(b))
    }
    pub fn gt(a: Expr, b: Expr) -> Cond {
        cmp(Cmp::Gt, a, b)
    }
    pub fn ge(a: Expr, b: Expr) -> Cond {
        cmp(Cmp::Ge, a, b)
    }
    pub fn lt(a: Expr, b: Expr) -> Cond {
        cmp(Cmp::Lt, a, b)
    }
    pub fn eq(a: Expr, b: Expr) -> Cond {
        cmp(Cmp::Eq, a, b)
    }
    pub fn is_number(a: Expr) -> Cond {
        Cond::IsNumber(Box::new(a))
    }
    pub fn truthy(a: Expr) -> Cond {
        Cond::Truthy(Box::new(a))
    }
    pub fn and(cs: Vec<Cond>) -> Cond {
        Cond::And(cs)
    }
    pub fn not(c: Cond) -> Cond {
        Cond::Not(Box::new(c))
    }
    /// Texts and numbers joined into one text.
    pub fn concat(parts: Vec<Expr>) -> Expr {
        Expr::Concat(parts)
    }
    /// A fixed text.
    pub fn t(text: &'static str) -> Expr {
        Expr::Text(text)
    }
    /// A number as text in a fixed format.
    pub fn fmt(a: Expr, f: super::TextFormat) -> Expr {
        Expr::Format(Box::new(a), f)
    }
    /// The `k`-th of the choices, 1-based.
    pub fn choose(k: Expr, choices: Vec<Expr>) -> Expr {
        Expr::Choose(Box::new(k), choices)
    }
    /// The largest number in a column.
    pub fn column_max(c: &super::Column) -> Expr {
        Expr::ColumnMax(c.clone())
    }
    /// The position of the first cell of a column equal to `x`.
    pub fn column_match(x: Expr, c: &super::Column) -> Expr {
        Expr::ColumnMatch(Box::new(x), c.clone())
    }
    /// The cell of a column at position `k`, 1-based.
    pub fn column_index(c: &super::Column, k: Expr) -> Expr {
        Expr::ColumnIndex(c.clone(), Box::new(k))
    }
    /// `a / b` when `b > 0`, otherwise "never".
    pub fn div_if_positive(a: Expr, b: Expr) -> Expr {
        if_(gt(b.clone(), n(0.0)), div(a, b), Expr::Never)
    }
}

/// What an expression is evaluated against.
pub trait Env {
    /// The value of an input or quantity: by its number where the
    /// environment keeps values by number, else by its id.
    fn get(&self, r: &Ref) -> Option<Value>;
    /// The current period, on a timeline row.
    fn period(&self) -> Option<f64> {
        None
    }
    /// The running total of a timeline row up to the current period.
    fn cum_sum(&self, _row: &Ref) -> Option<f64> {
        None
    }
    /// All values of a timeline row, period 0 first.
    fn row(&self, _row: &Ref) -> Option<Vec<Value>> {
        None
    }
}

/// A look-up by id is an environment: for expressions built outside a
/// model (whose references no symbol table resolved), as in the tests.
impl<F: Fn(&str) -> Option<Value>> Env for F {
    fn get(&self, r: &Ref) -> Option<Value> {
        self(r.id())
    }
}

/// How references print in the workbook: each sheet layout answers for itself.
pub trait Resolve {
    /// Writes a reference to an input or quantity (usually its defined name).
    fn name(&self, id: &str, out: &mut String);
    /// Writes the current period's cell, on a timeline row. Outside a
    /// timeline (a defect of the model) it prints Excel's `#REF!`.
    fn period(&self, out: &mut String) {
        out.push_str("#REF!");
    }
    /// Writes the range from the first period to the current one of a
    /// timeline row (`#REF!` where there is none).
    fn cum_range(&self, _id: &str, out: &mut String) {
        out.push_str("#REF!");
    }
    /// Writes the whole range of a timeline row (`#REF!` where there is none).
    fn row_range(&self, _id: &str, out: &mut String) {
        out.push_str("#REF!");
    }
    /// Writes a timeline row's range less its last or its first period
    /// (`#REF!` where there is none).
    fn row_range_part(&self, _id: &str, _part: RowPart, out: &mut String) {
        out.push_str("#REF!");
    }
}

/// A timeline row's range less one end, to pair each period with the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowPart {
    /// Periods 0 to the last but one.
    AllButLast,
    /// Periods 1 to the last.
    AllButFirst,
}

/// Prints every reference as its defined name (the id).
pub struct ByName;

impl Resolve for ByName {
    fn name(&self, id: &str, out: &mut String) {
        out.push_str(id);
    }
    fn cum_range(&self, id: &str, out: &mut String) {
        let _ = write!(out, "cum({id})");
    }
    fn row_range(&self, id: &str, out: &mut String) {
        let _ = write!(out, "row({id})");
    }
    fn row_range_part(&self, id: &str, part: RowPart, out: &mut String) {
        let _ = match part {
            RowPart::AllButLast => write!(out, "row({id})[..-1]"),
            RowPart::AllButFirst => write!(out, "row({id})[1..]"),
        };
    }
    fn period(&self, out: &mut String) {
        out.push_str("period");
    }
}

/// One argument of a function call, written into the formula.
type Arg<'a> = &'a dyn Fn(&mut String);

impl Expr {
    /// Evaluates the expression in `env`. `context` names the quantity being
    /// evaluated, for error messages.
    pub fn eval(&self, env: &dyn Env, context: &str) -> Result<Value, EvalError> {
        let num = |e: &Expr| -> Result<f64, EvalError> {
            match e.eval(env, context)? {
                Value::Num(x) => Ok(x),
                _ => Err(EvalError::NotANumber(context.to_string())),
            }
        };
        let missing = |what: &str| EvalError::Unknown(what.to_string());
        let v = match self {
            Expr::Num(x) => Value::Num(*x),
            Expr::Text(s) => Value::Text((*s).to_string()),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Never => Value::Never,
            Expr::Ref(r) => env.get(r).ok_or_else(|| missing(r.id()))?,
            Expr::Bin(op, a, b) => {
                let (a, b) = (num(a)?, num(b)?);
                Value::Num(match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => {
                        if b == 0.0 {
                            return Err(EvalError::DivisionByZero(context.to_string()));
                        }
                        a / b
                    }
                })
            }
            Expr::Neg(a) => Value::Num(-num(a)?),
            Expr::Sum(terms) => {
                let mut total = 0.0;
                for t in terms {
                    total += num(t)?;
                }
                Value::Num(total)
            }
            Expr::Max(a, b) => Value::Num(num(a)?.max(num(b)?)),
            Expr::Min(a, b) => Value::Num(num(a)?.min(num(b)?)),
            Expr::RoundUp(a) => Value::Num(num(a)?.ceil()),
            Expr::RoundDown(a) => Value::Num(num(a)?.floor()),
            Expr::Abs(a) => Value::Num(num(a)?.abs()),
            Expr::Pow(a, b) => Value::Num(num(a)?.powf(num(b)?)),
            Expr::Period => Value::Num(env.period().ok_or_else(|| missing("period"))?),
            Expr::RowLength(r) => {
                Value::Num(env.row(r).ok_or_else(|| missing(r.id()))?.len() as f64)
            }
            Expr::Irr(r, _) => {
                let row = env.row(r).ok_or_else(|| missing(r.id()))?;
                let flows: Option<Vec<f64>> = row.iter().map(Value::as_num).collect();
                match flows.as_deref().and_then(irr) {
                    Some(rate) => Value::Num(rate),
                    None => Value::Never,
                }
            }
            Expr::SignChanges(r, within) => {
                let numbers = |r: &Ref| -> Result<Vec<f64>, EvalError> {
                    let row = env.row(r).ok_or_else(|| missing(r.id()))?;
                    row.iter()
                        .map(Value::as_num)
                        .collect::<Option<Vec<f64>>>()
                        .ok_or_else(|| EvalError::NotANumber(context.to_string()))
                };
                let (flows, mask) = (numbers(r)?, numbers(within)?);
                Value::Num(sign_changes_within(&flows, &mask) as f64)
            }
            Expr::CumSum(r) => Value::Num(env.cum_sum(r).ok_or_else(|| missing(r.id()))?),
            Expr::FirstOne(r) => {
                let row = env.row(r).ok_or_else(|| missing(r.id()))?;
                match row.iter().position(|v| *v == Value::Num(1.0)) {
                    Some(i) => Value::Num((i + 1) as f64),
                    None => Value::Never,
                }
            }
            Expr::If(c, a, b) => {
                if c.eval(env, context)? {
                    a.eval(env, context)?
                } else {
                    b.eval(env, context)?
                }
            }
            Expr::Test(c) => Value::Bool(c.eval(env, context)?),
            // An internal rate of return that has no answer is Excel's
            // #NUM!, which IFERROR catches: "never" here, the fallback.
            Expr::IfError(a, b) => match (&**a, a.eval(env, context)?) {
                (Expr::Irr(..), Value::Never) => b.eval(env, context)?,
                (_, v) => v,
            },
            Expr::Concat(parts) => {
                let mut text = String::new();
                for p in parts {
                    text.push_str(&p.eval(env, context)?.to_excel_result());
                }
                Value::Text(text)
            }
            Expr::Format(a, f) => match a.eval(env, context)? {
                Value::Num(x) => Value::Text(f.apply(x)),
                other => Value::Text(other.to_excel_result()),
            },
            Expr::Choose(k, choices) => {
                let k = num(k)?;
                let at = (k >= 1.0).then(|| choices.get(k as usize - 1)).flatten();
                at.ok_or_else(|| EvalError::NotANumber(context.to_string()))?
                    .eval(env, context)?
            }
            Expr::ColumnMax(c) => {
                let mut best: Option<f64> = None;
                for cell in &c.cells {
                    if let Value::Num(x) = env.get(cell).ok_or_else(|| missing(cell.id()))? {
                        best = Some(best.map_or(x, |b| b.max(x)));
                    }
                }
                Value::Num(best.unwrap_or(0.0))
            }
            Expr::ColumnMatch(x, c) => {
                let x = x.eval(env, context)?;
                let mut found = Value::Never;
                for (k, cell) in c.cells.iter().enumerate() {
                    if same_cell(&x, &env.get(cell).ok_or_else(|| missing(cell.id()))?) {
                        found = Value::Num((k + 1) as f64);
                        break;
                    }
                }
                found
            }
            Expr::ColumnIndex(c, k) => {
                let k = num(k)?;
                let at = (k >= 1.0).then(|| c.cells.get(k as usize - 1)).flatten();
                let cell = at.ok_or_else(|| EvalError::NotANumber(context.to_string()))?;
                env.get(cell).ok_or_else(|| missing(cell.id()))?
            }
        };
        if let Value::Num(x) = v {
            if !x.is_finite() {
                return Err(EvalError::NotFinite(context.to_string()));
            }
        }
        Ok(v)
    }

    /// Prints the expression as an Excel formula body (without the leading
    /// `=`), every reference as its defined name.
    pub fn to_excel(&self) -> String {
        self.to_excel_with(&ByName)
    }

    /// Prints the expression with references resolved by `res`.
    pub fn to_excel_with(&self, res: &dyn Resolve) -> String {
        let mut out = String::new();
        self.write_excel_with(res, &mut out);
        out
    }

    /// Writes the expression, references resolved by `res`, onto `out`.
    pub fn write_excel_with(&self, res: &dyn Resolve, out: &mut String) {
        self.write_excel(out, res, 0, false);
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Bin(op, ..) => op.precedence(),
            Expr::Neg(_) | Expr::Pow(..) => 3,
            _ => 4,
        }
    }

    /// Writes the expression; parenthesised when its precedence is below
    /// `min_prec`, or equal to it on the right of `-` or `/` (`right_strict`).
    fn write_excel(&self, out: &mut String, res: &dyn Resolve, min_prec: u8, right_strict: bool) {
        let prec = self.precedence();
        let paren = prec < min_prec || (right_strict && prec == min_prec);
        if paren {
            out.push('(');
        }
        // An argument: the whole expression, as printed on its own.
        let x = |e| expr_arg(e, res);
        let lit = |t: &'static str| move |o: &mut String| o.push_str(t);
        match self {
            Expr::Num(v) => out.push_str(&format_number_literal(*v)),
            Expr::Text(s) => {
                out.push('"');
                out.push_str(&s.replace('"', "\"\""));
                out.push('"');
            }
            Expr::Bool(true) => out.push_str("TRUE"),
            Expr::Bool(false) => out.push_str("FALSE"),
            Expr::Never => {
                let _ = write!(out, "\"{NEVER_TEXT}\"");
            }
            Expr::Ref(r) => res.name(r.id(), out),
            Expr::Bin(op, a, b) => {
                let p = op.precedence();
                a.write_excel(out, res, p, false);
                out.push_str(op.symbol());
                b.write_excel(out, res, p, matches!(op, Op::Sub | Op::Div));
            }
            Expr::Neg(a) => {
                out.push('-');
                a.write_excel(out, res, 4, false);
            }
            Expr::Pow(a, b) => {
                a.write_excel(out, res, 4, false);
                out.push('^');
                b.write_excel(out, res, 4, false);
            }
            Expr::Sum(terms) => {
                let args: Vec<_> = terms.iter().map(x).collect();
                let args: Vec<Arg> = args.iter().map(|f| f as Arg).collect();
                write_call(out, "SUM", &args)
            }
            Expr::Max(a, b) => write_call(out, "MAX", &[&x(a), &x(b)]),
            Expr::Min(a, b) => write_call(out, "MIN", &[&x(a), &x(b)]),
            Expr::RoundUp(a) => write_call(out, "ROUNDUP", &[&x(a), &lit("0")]),
            Expr::RoundDown(a) => write_call(out, "ROUNDDOWN", &[&x(a), &lit("0")]),
            Expr::Abs(a) => write_call(out, "ABS", &[&x(a)]),
            Expr::Period => res.period(out),
            Expr::CumSum(r) => {
                write_call(out, "SUM", &[&|o: &mut String| res.cum_range(r.id(), o)])
            }
            Expr::FirstOne(r) => write_call(
                out,
                "MATCH",
                &[
                    &lit("1"),
                    &|o: &mut String| res.row_range(r.id(), o),
                    &lit("0"),
                ],
            ),
            Expr::RowLength(r) => write_call(
                out,
                "COLUMNS",
                &[&|o: &mut String| res.row_range(r.id(), o)],
            ),
            Expr::Irr(r, guess) => write_call(
                out,
                "IRR",
                &[&|o: &mut String| res.row_range(r.id(), o), &x(guess)],
            ),
            Expr::SignChanges(r, within) => write_call(
                out,
                "SUMPRODUCT",
                &[&|o: &mut String| {
                    o.push_str("((");
                    res.row_range_part(r.id(), RowPart::AllButLast, o);
                    o.push_str("<0)-(");
                    res.row_range_part(r.id(), RowPart::AllButFirst, o);
                    o.push_str("<0))^2*");
                    res.row_range_part(within.id(), RowPart::AllButFirst, o);
                }],
            ),
            Expr::If(c, a, b) => write_call(
                out,
                "IF",
                &[&|o: &mut String| c.write_excel_with(res, o), &x(a), &x(b)],
            ),
            Expr::Test(c) => c.write_excel_with(res, out),
            Expr::IfError(a, b) => write_call(out, "IFERROR", &[&x(a), &x(b)]),
            Expr::Concat(parts) => {
                let args: Vec<_> = parts.iter().map(x).collect();
                let args: Vec<Arg> = args.iter().map(|f| f as Arg).collect();
                write_call(out, "CONCATENATE", &args)
            }
            Expr::Format(a, f) => write_call(
                out,
                "TEXT",
                &[&x(a), &|o: &mut String| {
                    let _ = write!(o, "\"{}\"", f.code());
                }],
            ),
            Expr::Choose(k, choices) => {
                let args: Vec<_> = std::iter::once(&**k).chain(choices).map(x).collect();
                let args: Vec<Arg> = args.iter().map(|f| f as Arg).collect();
                write_call(out, "CHOOSE", &args)
            }
            Expr::ColumnMax(c) => write_call(out, "MAX", &[&lit_name(&c.id, res)]),
            Expr::ColumnMatch(a, c) => {
                write_call(out, "MATCH", &[&x(a), &lit_name(&c.id, res), &lit("0")])
            }
            Expr::ColumnIndex(c, k) => write_call(out, "INDEX", &[&lit_name(&c.id, res), &x(k)]),
        }
        if paren {
            out.push(')');
        }
    }

    /// Every id this expression refers to, in order of first appearance.
    pub fn refs(&self) -> Vec<String> {
        let mut acc: Vec<String> = Vec::new();
        self.for_each_ref(&mut |r| {
            if !acc.iter().any(|x| x == r.id()) {
                acc.push(r.id().to_string());
            }
        });
        acc
    }
}

/// The one walk over the references of an expression and of a condition,
/// written once for a shared and once for a mutable borrow:
/// `for_each_ref` (in order of appearance) and `for_each_ref_mut` (to
/// resolve them).
macro_rules! ref_walk {
    ($walk:ident, $iter:ident $(, $mut:ident)?) => {
        impl Expr {
            /// Calls `f` on every reference, in order of appearance.
            pub fn $walk<'a>(&'a $($mut)? self, f: &mut dyn FnMut(&'a $($mut)? Ref)) {
                match self {
                    Expr::Ref(r) | Expr::CumSum(r) | Expr::FirstOne(r) | Expr::RowLength(r) => f(r),
                    Expr::Irr(r, guess) => {
                        f(r);
                        guess.$walk(f);
                    }
                    Expr::SignChanges(r, within) => {
                        f(r);
                        f(within);
                    }
                    Expr::Bin(_, a, b)
                    | Expr::Max(a, b)
                    | Expr::Min(a, b)
                    | Expr::Pow(a, b)
                    | Expr::IfError(a, b) => {
                        a.$walk(f);
                        b.$walk(f);
                    }
                    Expr::Neg(a)
                    | Expr::RoundUp(a)
                    | Expr::RoundDown(a)
                    | Expr::Abs(a)
                    | Expr::Format(a, _) => a.$walk(f),
                    Expr::Sum(terms) | Expr::Concat(terms) => {
                        terms.$iter().for_each(|t| t.$walk(f))
                    }
                    Expr::Choose(k, choices) => {
                        k.$walk(f);
                        choices.$iter().for_each(|t| t.$walk(f));
                    }
                    Expr::ColumnMax(c) => c.cells.$iter().for_each(|r| f(r)),
                    Expr::ColumnMatch(a, c) | Expr::ColumnIndex(c, a) => {
                        a.$walk(f);
                        c.cells.$iter().for_each(|r| f(r));
                    }
                    Expr::If(c, a, b) => {
                        c.$walk(f);
                        a.$walk(f);
                        b.$walk(f);
                    }
                    Expr::Test(c) => c.$walk(f),
                    Expr::Num(_) | Expr::Text(_) | Expr::Bool(_) | Expr::Never | Expr::Period => {}
                }
            }
        }

        impl Cond {
            /// Calls `f` on every reference, in order of appearance.
            pub fn $walk<'a>(&'a $($mut)? self, f: &mut dyn FnMut(&'a $($mut)? Ref)) {
                match self {
                    Cond::Compare(_, a, b) => {
                        a.$walk(f);
                        b.$walk(f);
                    }
                    Cond::IsNumber(a) | Cond::Truthy(a) | Cond::IsError(a) => a.$walk(f),
                    Cond::And(cs) | Cond::Or(cs) => cs.$iter().for_each(|c| c.$walk(f)),
                    Cond::Not(c) => c.$walk(f),
                }
            }
        }
    };
}

ref_walk!(for_each_ref, iter);
ref_walk!(for_each_ref_mut, iter_mut, mut);

/// The number of times the flows change sign from one period to the next,
/// a zero counting with the positives (as the workbook's
/// `SUMPRODUCT(((…<0)-(…<0))^2)` counts them).
pub fn sign_changes(flows: &[f64]) -> usize {
    flows
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count()
}

/// [`sign_changes`], counting only the changes into a period where `mask`
/// is not 0 (the months in service, say).
pub fn sign_changes_within(flows: &[f64], mask: &[f64]) -> usize {
    flows
        .windows(2)
        .zip(mask.iter().skip(1))
        .filter(|(w, m)| **m != 0.0 && (w[0] < 0.0) != (w[1] < 0.0))
        .count()
}

/// The rate per period at which cash flows one period apart, the first
/// now, sum to 0 when discounted, where that rate is unique: the flows
/// start negative and change sign once (so the discounted sum falls from
/// +infinity near -100% to the first flow at infinity, and crosses zero
/// once). It is negative when the later flows recover less than the first
/// cost. Found by bisection; `None` when the flows do not qualify.
pub fn irr(flows: &[f64]) -> Option<f64> {
    let first = *flows.first()?;
    if first >= 0.0
        || first.is_nan()
        || sign_changes(flows) != 1
        || flows.iter().any(|x| !x.is_finite())
    {
        return None;
    }
    let npv = |rate: f64| -> f64 {
        let mut factor = 1.0;
        let mut sum = 0.0;
        for x in flows {
            sum += x * factor;
            factor /= 1.0 + rate;
        }
        sum
    };
    // A rate where the sum is positive (towards -100%) and one where it is
    // not (towards infinity).
    let mut low = 0.0;
    while npv(low) <= 0.0 {
        low = -1.0 + (low + 1.0) / 2.0;
        if low + 1.0 < 1e-12 {
            return None;
        }
    }
    let mut high = low.max(0.0) + 1.0;
    while npv(high) > 0.0 {
        high *= 2.0;
        if !high.is_finite() {
            return None;
        }
    }
    for _ in 0..2100 {
        let mid = 0.5 * (low + high);
        if npv(mid) > 0.0 {
            low = mid;
        } else {
            high = mid;
        }
        if high - low <= 1e-15 * high.abs().max(low.abs()).max(1e-12) {
            break;
        }
    }
    let rate = 0.5 * (low + high);
    rate.is_finite().then_some(rate)
}

/// Whether a cell's value matches what `MATCH(x,range,0)` looks for: the
/// same number, or the same text up to case.
fn same_cell(x: &Value, cell: &Value) -> bool {
    match (x, cell) {
        (Value::Num(a), Value::Num(b)) => a == b,
        (Value::Text(a), Value::Text(b)) => a.to_lowercase() == b.to_lowercase(),
        (Value::Bool(a), Value::Bool(b)) => a == b,
        _ => false,
    }
}

/// A column's range as a function's argument: its defined name.
fn lit_name<'a>(id: &'a str, res: &'a dyn Resolve) -> impl Fn(&mut String) + 'a {
    move |o| res.name(id, o)
}

/// An expression as a function's argument: printed as on its own.
fn expr_arg<'a>(e: &'a Expr, res: &'a dyn Resolve) -> impl Fn(&mut String) + 'a {
    move |o| e.write_excel(o, res, 0, false)
}

/// A condition as a function's argument.
fn cond_arg<'a>(c: &'a Cond, res: &'a dyn Resolve) -> impl Fn(&mut String) + 'a {
    move |o| c.write_excel_with(res, o)
}

fn write_call(out: &mut String, name: &str, args: &[Arg]) {
    out.push_str(name);
    out.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        a(out);
    }
    out.push(')');
}

impl Cond {
    /// Evaluates the condition.
    pub fn eval(&self, env: &dyn Env, context: &str) -> Result<bool, EvalError> {
        Ok(match self {
            Cond::Compare(op, a, b) => {
                let (a, b) = (a.eval(env, context)?, b.eval(env, context)?);
                match (a, b) {
                    (Value::Num(a), Value::Num(b)) => match op {
                        Cmp::Gt => a > b,
                        Cmp::Ge => a >= b,
                        Cmp::Lt => a < b,
                        Cmp::Le => a <= b,
                        Cmp::Eq => a == b,
                    },
                    // Excel compares text case-insensitively.
                    (Value::Text(a), Value::Text(b)) if *op == Cmp::Eq => {
                        a.to_lowercase() == b.to_lowercase()
                    }
                    _ => return Err(EvalError::NotANumber(context.to_string())),
                }
            }
            Cond::IsNumber(a) => matches!(a.eval(env, context)?, Value::Num(_)),
            Cond::IsError(a) => {
                a.eval(env, context)?;
                false
            }
            Cond::Truthy(a) => match a.eval(env, context)? {
                Value::Bool(b) => b,
                _ => return Err(EvalError::NotANumber(context.to_string())),
            },
            Cond::And(cs) => {
                for c in cs {
                    if !c.eval(env, context)? {
                        return Ok(false);
                    }
                }
                true
            }
            Cond::Or(cs) => {
                for c in cs {
                    if c.eval(env, context)? {
                        return Ok(true);
                    }
                }
                false
            }
            Cond::Not(c) => !c.eval(env, context)?,
        })
    }

    /// Prints the condition as an Excel expression.
    pub fn to_excel(&self) -> String {
        self.to_excel_with(&ByName)
    }

    /// Prints the condition with references resolved by `res`.
    pub fn to_excel_with(&self, res: &dyn Resolve) -> String {
        let mut out = String::new();
        self.write_excel_with(res, &mut out);
        out
    }

    /// Writes the condition, references resolved by `res`, onto `out`; its
    /// operands are written as on their own.
    pub fn write_excel_with(&self, res: &dyn Resolve, out: &mut String) {
        let x = |e| expr_arg(e, res);
        let c = |c| cond_arg(c, res);
        match self {
            Cond::Compare(op, a, b) => {
                a.write_excel_with(res, out);
                out.push_str(op.symbol());
                b.write_excel_with(res, out);
            }
            Cond::IsNumber(a) => write_call(out, "ISNUMBER", &[&x(a)]),
            Cond::IsError(a) => write_call(out, "ISERROR", &[&x(a)]),
            Cond::Truthy(a) => a.write_excel_with(res, out),
            Cond::And(cs) | Cond::Or(cs) => {
                let args: Vec<_> = cs.iter().map(c).collect();
                let args: Vec<Arg> = args.iter().map(|f| f as Arg).collect();
                let name = if matches!(self, Cond::And(_)) {
                    "AND"
                } else {
                    "OR"
                };
                write_call(out, name, &args)
            }
            Cond::Not(n) => write_call(out, "NOT", &[&c(n)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    fn env(id: &str) -> Option<Value> {
        match id {
            "a" => Some(Value::Num(6.0)),
            "b" => Some(Value::Num(3.0)),
            "z" => Some(Value::Num(0.0)),
            "yes" => Some(Value::Bool(true)),
            _ => None,
        }
    }

    #[test]
    fn a_column_is_looked_up_by_its_name_as_excel_does() {
        let table = |id: &str| match id {
            "s1" => Some(Value::Num(0.0)),
            "s2" => Some(Value::Text("—".to_string())),
            "s3" => Some(Value::Num(7.5)),
            "s4" => Some(Value::Num(7.5)),
            "k1" => Some(Value::Text("api".to_string())),
            "k2" => Some(Value::Text("plan".to_string())),
            "k3" => Some(Value::Text("option".to_string())),
            "k4" => Some(Value::Text("option".to_string())),
            "best" => Some(Value::Num(7.5)),
            _ => None,
        };
        let column = |id: &str, cells: [&str; 4]| Column {
            id: id.to_string(),
            cells: cells.iter().map(|c| Ref::new(c)).collect(),
        };
        let score = column("candidates_score", ["s1", "s2", "s3", "s4"]);
        let kind = column("candidates_kind", ["k1", "k2", "k3", "k4"]);
        let none = column("empty", ["s2", "k1", "k2", "k3"]);
        let cases = [
            // Text is skipped; a column without numbers gives 0.
            (column_max(&score), Value::Num(7.5), "MAX(candidates_score)"),
            (column_max(&none), Value::Num(0.0), "MAX(empty)"),
            // The first equal cell; text matched up to case.
            (
                column_match(r("best"), &score),
                Value::Num(3.0),
                "MATCH(best,candidates_score,0)",
            ),
            (
                column_match(t("PLAN"), &kind),
                Value::Num(2.0),
                "MATCH(\"PLAN\",candidates_kind,0)",
            ),
            (
                column_match(n(1.0), &score),
                Value::Never,
                "MATCH(1,candidates_score,0)",
            ),
            (
                column_index(&kind, n(4.0)),
                Value::Text("option".to_string()),
                "INDEX(candidates_kind,4)",
            ),
        ];
        for (e, want, excel) in cases {
            assert_eq!(e.eval(&table, "t"), Ok(want), "{excel}");
            assert_eq!(e.to_excel(), excel);
        }
        // Past either end is a defect, not a silent value.
        for k in [0.0, 5.0] {
            assert!(column_index(&kind, n(k)).eval(&table, "t").is_err());
        }
        // The cells are what the formula depends on.
        assert_eq!(column_max(&score).refs(), ["s1", "s2", "s3", "s4"]);
    }

    #[test]
    fn prints_with_minimal_parentheses() {
        let cases = [
            (sub(r("a"), sub(r("b"), r("a"))), "a-(b-a)"),
            (sub(sub(r("a"), r("b")), r("a")), "a-b-a"),
            (div(r("a"), mul(r("b"), r("a"))), "a/(b*a)"),
            (mul(add(r("a"), r("b")), r("a")), "(a+b)*a"),
            (add(r("a"), mul(r("b"), r("a"))), "a+b*a"),
            (neg(add(r("a"), r("b"))), "-(a+b)"),
            (mul(r("a"), n(1_000_000.0)), "a*1000000"),
            (n(0.35), "0.35"),
            (neg(pow(r("a"), r("b"))), "-(a^b)"),
            (mul(r("a"), pow(add(n(1.0), r("b")), r("a"))), "a*(1+b)^a"),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_excel(), want);
        }
    }

    #[test]
    fn evaluates_what_it_prints() {
        let e = div(sub(r("a"), r("b")), add(r("b"), n(1.0)));
        assert_eq!(e.eval(&env, "t"), Ok(Value::Num(0.75)));
        assert_eq!(e.to_excel(), "(a-b)/(b+1)");
    }

    #[test]
    fn guarded_division_gives_never() {
        let e = div_if_positive(r("a"), r("z"));
        assert_eq!(e.eval(&env, "t"), Ok(Value::Never));
        assert_eq!(e.to_excel(), "IF(z>0,a/z,\"never\")");
    }

    #[test]
    fn unguarded_division_by_zero_is_a_defect() {
        let e = div(r("a"), r("z"));
        assert_eq!(
            e.eval(&env, "t"),
            Err(EvalError::DivisionByZero("t".into()))
        );
    }

    #[test]
    fn arithmetic_on_never_is_a_defect() {
        let e = add(Expr::Never, r("a"));
        assert_eq!(e.eval(&env, "t"), Err(EvalError::NotANumber("t".into())));
    }

    #[test]
    fn conditions() {
        let e = if_(truthy(r("yes")), r("a"), r("b"));
        assert_eq!(e.eval(&env, "t"), Ok(Value::Num(6.0)));
        assert_eq!(e.to_excel(), "IF(yes,a,b)");
        let t = test(and(vec![ge(r("a"), r("b")), not(is_number(Expr::Never))]));
        assert_eq!(
            test(or(vec![lt(r("a"), r("b")), truthy(r("yes"))])).to_excel(),
            "OR(a<b,yes)"
        );
        assert_eq!(t.eval(&env, "t"), Ok(Value::Bool(true)));
        assert_eq!(t.to_excel(), "AND(a>=b,NOT(ISNUMBER(\"never\")))");
    }

    #[test]
    fn if_error_prints_its_argument_once() {
        let e = if_error(div(r("a"), r("b")), n(1.0));
        assert_eq!(e.to_excel(), "IFERROR(a/b,1)");
        assert_eq!(e.eval(&env, "t"), Ok(Value::Num(2.0)));
        assert_eq!(e.refs(), vec!["a".to_string(), "b".to_string()]);
    }

    #[test]
    fn text_formats_round_as_excel_does() {
        use TextFormat::*;
        let cases = [
            (Money, 1567.5, "$1,568"),
            (Money, -657.4, "-$657"),
            (Money, -0.4, "$0"),
            (Money, 1_234_567.0, "$1,234,567"),
            (Cents, 2.5, "$2.50"),
            (Cents, 1234.005, "$1,234.01"),
            (Whole, 19676.0, "19,676"),
            (Whole, 999.5, "1,000"),
            (OneDecimal, 6.55, "6.6"),
            (OneDecimal, 10.25, "10.3"),
            (OneDecimal, 0.04, "0.0"),
            (Percent, 0.58, "58%"),
            (PercentOneDecimal, 0.013, "1.3%"),
            (PercentTwoDecimals, 0.01315, "1.32%"),
        ];
        for (f, x, want) in cases {
            assert_eq!(f.apply(x), want, "{x} as {}", f.code());
        }
        let e = concat(vec![t("saves "), fmt(r("a"), Money), t(" a month")]);
        assert_eq!(
            e.eval(&env, "t"),
            Ok(Value::Text("saves $6 a month".into()))
        );
        assert_eq!(
            e.to_excel(),
            "CONCATENATE(\"saves \",TEXT(a,\"$#,##0\"),\" a month\")"
        );
        let c = choose(r("b"), vec![t("x"), t("y"), r("a")]);
        assert_eq!(c.eval(&env, "t"), Ok(Value::Num(6.0)));
        assert_eq!(c.to_excel(), "CHOOSE(b,\"x\",\"y\",a)");
    }

    #[test]
    fn refs_are_listed_once_in_order() {
        let e = add(mul(r("b"), r("a")), r("b"));
        assert_eq!(e.refs(), vec!["b".to_string(), "a".to_string()]);
    }
}
