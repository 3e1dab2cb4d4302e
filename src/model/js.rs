//! The third walk of the expression tree: an [`Expr`] printed as a
//! JavaScript expression, for the memo's what-if panel.
//!
//! The walk mirrors [`Expr::eval`] case by case, so the page computes what the
//! tool computes: the same operations in the same order, "never" as `null`,
//! and the same failures (arithmetic on a non-number, a division by zero, a
//! non-finite result) thrown as errors instead of read as numbers. The few
//! operations JavaScript has no operator for are calls to the small runtime
//! that [`RUNTIME`] holds (`N` requires a number, `D` divides, `F` formats as
//! Excel's `TEXT` does, and so on); the printed text refers to values only
//! through [`JsNames`], so one walk serves the plan's scalars and the
//! timeline's rows alike.

use std::fmt::Write as _;

use super::expr::{Cmp, Cond, Expr, Op, Ref, TextFormat};

/// How references print: the page holds values in arrays, by index, found
/// from each reference's number in the model's symbol table.
pub trait JsNames {
    /// Writes the value of an input or quantity, or on a timeline row the
    /// current period's value of another row.
    fn name(&self, r: &Ref, out: &mut String);
    /// Writes the running total of a timeline row: up to the current period
    /// on a row, the whole row elsewhere.
    fn cum_sum(&self, row: &Ref, out: &mut String);
    /// Writes a timeline row as an array, period 0 first.
    fn row(&self, row: &Ref, out: &mut String);
}

/// The runtime the printed expressions call: each function is one case of
/// [`Expr::eval`] that JavaScript has no operator for.
pub const RUNTIME: &str = include_str!("js_runtime.js");

/// The index of a text format in the runtime's `F` (its order in [`FORMATS`]).
fn format_index(f: TextFormat) -> usize {
    FORMATS.iter().position(|g| *g == f).unwrap_or(0)
}

/// The text formats, in the order the runtime's `F` numbers them.
pub const FORMATS: [TextFormat; 7] = [
    TextFormat::Money,
    TextFormat::Cents,
    TextFormat::Whole,
    TextFormat::OneDecimal,
    TextFormat::Percent,
    TextFormat::PercentOneDecimal,
    TextFormat::PercentTwoDecimals,
];

/// A JavaScript string literal that is safe inside an HTML `<script>`
/// element: JSON's escaping, and `<`, `>` and `&` as `\u` escapes.
pub fn string_literal(s: &str) -> String {
    let json = serde_json::Value::String(s.to_string()).to_string();
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A number as a JavaScript literal that reads back as the same number.
fn number_literal(x: f64) -> String {
    if x.is_finite() {
        // Rust's shortest round-trip text is a valid JavaScript literal.
        let text = format!("{x:?}");
        if x < 0.0 {
            format!("({text})")
        } else {
            text
        }
    } else {
        // Never in a model (a defect); the runtime's V would reject it.
        "NaN".to_string()
    }
}

/// Whether the expression's value is a number whenever it evaluates, so it
/// needs no check before arithmetic.
fn always_number(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Num(_)
            | Expr::Bin(..)
            | Expr::Neg(_)
            | Expr::Sum(_)
            | Expr::Max(..)
            | Expr::Min(..)
            | Expr::RoundUp(_)
            | Expr::RoundDown(_)
            | Expr::Abs(_)
            | Expr::Pow(..)
            | Expr::Period
            | Expr::CumSum(_)
            | Expr::RowLength(_)
            | Expr::SignChanges(..)
    )
}

/// Prints an expression as JavaScript.
pub fn expr(e: &Expr, names: &dyn JsNames) -> String {
    let mut out = String::new();
    write_expr(e, names, &mut out);
    out
}

/// Writes an operand of arithmetic: checked to be a number, as
/// [`Expr::eval`] requires.
fn write_num(e: &Expr, names: &dyn JsNames, out: &mut String) {
    if always_number(e) {
        write_expr(e, names, out);
    } else {
        out.push_str("N(");
        write_expr(e, names, out);
        out.push(')');
    }
}

/// Writes `f(a,b,…)` with each argument a number.
fn write_math(name: &str, args: &[&Expr], names: &dyn JsNames, out: &mut String) {
    out.push_str(name);
    out.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_num(a, names, out);
    }
    out.push(')');
}

/// Writes an expression as JavaScript onto `out`. Every compound form is
/// parenthesised, so no precedence rule of JavaScript's is relied on.
pub fn write_expr(e: &Expr, names: &dyn JsNames, out: &mut String) {
    match e {
        Expr::Num(x) => out.push_str(&number_literal(*x)),
        Expr::Text(s) => out.push_str(&string_literal(s)),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Never => out.push_str("null"),
        Expr::Ref(r) => names.name(r, out),
        Expr::Bin(Op::Div, a, b) => write_math("D", &[a, b], names, out),
        Expr::Bin(op, a, b) => {
            out.push('(');
            write_num(a, names, out);
            out.push_str(match op {
                Op::Add => "+",
                Op::Sub => "-",
                Op::Mul => "*",
                Op::Div => "/",
            });
            write_num(b, names, out);
            out.push(')');
        }
        Expr::Neg(a) => {
            out.push_str("(-");
            write_num(a, names, out);
            out.push(')');
        }
        Expr::Sum(terms) => {
            // Rust adds from 0.0, term by term.
            out.push_str("(0");
            for t in terms {
                out.push('+');
                write_num(t, names, out);
            }
            out.push(')');
        }
        Expr::Max(a, b) => write_math("Math.max", &[a, b], names, out),
        Expr::Min(a, b) => write_math("Math.min", &[a, b], names, out),
        Expr::RoundUp(a) => write_math("Math.ceil", &[a], names, out),
        Expr::RoundDown(a) => write_math("Math.floor", &[a], names, out),
        Expr::Abs(a) => write_math("Math.abs", &[a], names, out),
        Expr::Pow(a, b) => write_math("Math.pow", &[a, b], names, out),
        Expr::Period => out.push('p'),
        Expr::CumSum(r) => names.cum_sum(r, out),
        Expr::FirstOne(r) => {
            out.push_str("O(");
            names.row(r, out);
            out.push(')');
        }
        Expr::RowLength(r) => {
            names.row(r, out);
            out.push_str(".length");
        }
        Expr::Irr(r, _) => {
            out.push_str("I(");
            names.row(r, out);
            out.push(')');
        }
        Expr::SignChanges(r, within) => {
            out.push_str("SC(");
            names.row(r, out);
            out.push(',');
            names.row(within, out);
            out.push(')');
        }
        Expr::If(c, a, b) => {
            out.push('(');
            write_cond(c, names, out);
            out.push('?');
            write_expr(a, names, out);
            out.push(':');
            write_expr(b, names, out);
            out.push(')');
        }
        Expr::Test(c) => {
            out.push('(');
            write_cond(c, names, out);
            out.push(')');
        }
        // The model's own evaluation never meets an error value.
        // An internal rate of return without an answer is Excel's #NUM!,
        // which IFERROR catches (as Expr::eval does).
        Expr::IfError(a, b) if matches!(&**a, Expr::Irr(..)) => {
            out.push('(');
            write_expr(a, names, out);
            out.push_str("??");
            write_expr(b, names, out);
            out.push(')');
        }
        Expr::IfError(a, _) => write_expr(a, names, out),
        Expr::Concat(parts) => {
            out.push_str("(\"\"");
            for part in parts {
                out.push_str("+S(");
                write_expr(part, names, out);
                out.push(')');
            }
            out.push(')');
        }
        Expr::Format(a, f) => {
            out.push_str("F(");
            write_expr(a, names, out);
            let _ = write!(out, ",{})", format_index(*f));
        }
        Expr::ColumnMax(c) => {
            out.push_str("CM(");
            write_cells(&c.cells, names, out);
            out.push(')');
        }
        Expr::ColumnMatch(x, c) => {
            out.push_str("CF(");
            write_expr(x, names, out);
            out.push(',');
            write_cells(&c.cells, names, out);
            out.push(')');
        }
        Expr::ColumnIndex(c, k) => {
            // Only the cell read is looked up, as in Rust.
            out.push_str("((i)=>");
            for (n, cell) in c.cells.iter().enumerate() {
                let _ = write!(out, "i==={}?", n + 1);
                names.name(cell, out);
                out.push(':');
            }
            let _ = write!(out, "null)(K(");
            write_num(k, names, out);
            let _ = write!(out, ",{}))", c.cells.len());
        }
        Expr::Choose(k, choices) => {
            // Only the chosen branch is evaluated, as in Rust.
            out.push_str("((i)=>");
            for (n, c) in choices.iter().enumerate() {
                let _ = write!(out, "i==={}?", n + 1);
                write_expr(c, names, out);
                out.push(':');
            }
            let _ = write!(out, "null)(K(");
            write_num(k, names, out);
            let _ = write!(out, ",{}))", choices.len());
        }
    }
}

/// Writes a column's cells as a JavaScript array.
fn write_cells(cells: &[Ref], names: &dyn JsNames, out: &mut String) {
    out.push('[');
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        names.name(cell, out);
    }
    out.push(']');
}

/// Writes a condition as a JavaScript boolean expression onto `out`.
pub fn write_cond(c: &Cond, names: &dyn JsNames, out: &mut String) {
    match c {
        Cond::Compare(Cmp::Eq, a, b) => {
            out.push_str("Q(");
            write_expr(a, names, out);
            out.push(',');
            write_expr(b, names, out);
            out.push(')');
        }
        Cond::Compare(op, a, b) => {
            out.push('(');
            write_num(a, names, out);
            out.push_str(match op {
                Cmp::Gt => ">",
                Cmp::Ge => ">=",
                Cmp::Lt => "<",
                Cmp::Le => "<=",
                Cmp::Eq => "===",
            });
            write_num(b, names, out);
            out.push(')');
        }
        Cond::IsNumber(a) => {
            out.push_str("(typeof ");
            write_expr(a, names, out);
            out.push_str("===\"number\")");
        }
        Cond::IsError(a) => {
            // Evaluated for its failures, then false.
            out.push('(');
            write_expr(a, names, out);
            out.push_str(",false)");
        }
        Cond::Truthy(a) => {
            out.push_str("B(");
            write_expr(a, names, out);
            out.push(')');
        }
        Cond::And(cs) | Cond::Or(cs) => {
            let (join, empty) = match c {
                Cond::And(_) => ("&&", "true"),
                _ => ("||", "false"),
            };
            if cs.is_empty() {
                out.push_str(empty);
                return;
            }
            out.push('(');
            for (i, c) in cs.iter().enumerate() {
                if i > 0 {
                    out.push_str(join);
                }
                write_cond(c, names, out);
            }
            out.push(')');
        }
        Cond::Not(c) => {
            out.push_str("(!");
            write_cond(c, names, out);
            out.push(')');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::expr::build::*;
    use super::*;

    /// Every reference by its id, as a JavaScript object's field.
    struct ById;

    impl JsNames for ById {
        fn name(&self, r: &Ref, out: &mut String) {
            let _ = write!(out, "v.{}", r.id());
        }
        fn cum_sum(&self, row: &Ref, out: &mut String) {
            let _ = write!(out, "c.{}", row.id());
        }
        fn row(&self, row: &Ref, out: &mut String) {
            let _ = write!(out, "t.{}", row.id());
        }
    }

    #[test]
    fn prints_each_form() {
        let cases = [
            (sub(r("a"), sub(r("b"), r("a"))), "(N(v.a)-(N(v.b)-N(v.a)))"),
            (div(r("a"), n(2.0)), "D(N(v.a),2.0)"),
            (neg(n(-1.5)), "(-(-1.5))"),
            (sum(vec![r("a"), n(1.0)]), "(0+N(v.a)+1.0)"),
            (sum(vec![]), "(0)"),
            (
                if_(gt(r("a"), n(0.0)), r("a"), Expr::Never),
                "((N(v.a)>0.0)?v.a:null)",
            ),
            (
                test(and(vec![truthy(r("y")), not(is_number(r("a")))])),
                "((B(v.y)&&(!(typeof v.a===\"number\"))))",
            ),
            (
                concat(vec![t("a \"<b>\""), fmt(r("a"), TextFormat::Percent)]),
                "(\"\"+S(\"a \\\"\\u003cb\\u003e\\\"\")+S(F(v.a,4)))",
            ),
            (
                choose(r("k"), vec![t("x"), r("a")]),
                "((i)=>i===1?\"x\":i===2?v.a:null)(K(N(v.k),2))",
            ),
            (cum_sum("row"), "c.row"),
            (first_one("row"), "O(t.row)"),
            (test(eq(r("s"), t("fixed"))), "(Q(v.s,\"fixed\"))"),
        ];
        for (e, want) in cases {
            assert_eq!(expr(&e, &ById), want, "{e:?}");
        }
    }

    #[test]
    fn formats_are_numbered_in_runtime_order() {
        // The runtime's F lists the codes in FORMATS' order.
        let codes: Vec<&str> = FORMATS.iter().map(|f| f.code()).collect();
        let listed = RUNTIME
            .split("const FORMATS = [")
            .nth(1)
            .and_then(|s| s.split(']').next())
            .expect("the runtime lists its formats");
        // The quoted texts: every other piece between quotes.
        let listed: Vec<&str> = listed.split('"').skip(1).step_by(2).collect();
        assert_eq!(listed, codes);
    }
}
