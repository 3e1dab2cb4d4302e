// The runtime of the model printed as JavaScript (src/model/js.rs): each
// function is one case of the Rust evaluation (Expr::eval) that JavaScript
// has no operator for. "Never" is null; a failure throws, as Rust's does.
const FORMATS = ["$#,##0", "$#,##0.00", "#,##0", "#,##0.0", "0%", "0.0%", "0.00%"];
// Lenient, a failure is not thrown but a NaN, as the compiled model's lanes
// carry it (model::compiled): the levers' search runs so.
let lenient = false;
function X(what) { if (lenient) return NaN; throw new Error(what); }
// A number, as arithmetic requires.
function N(x) { return typeof x === "number" ? x : X("arithmetic on a non-number"); }
// A truth value, as a condition requires.
function B(x) { return typeof x === "boolean" ? x : X("a condition on a non-truth value"); }
// A division; by zero is a failure.
function D(a, b) { return b === 0 && !lenient ? X("division by zero") : a / b; }
// A result: a number must be finite.
function V(x) { return typeof x === "number" && !isFinite(x) && !lenient ? X("a non-finite number") : x; }
// Equality: of numbers, or of texts without regard to case.
function Q(a, b) {
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return X("a comparison of unlike values");
}
// The 1-based choice of CHOOSE.
function K(k, n) { const i = Math.trunc(k); return k >= 1 && i <= n ? i : X("a choice out of range"); }
// A number written out without an exponent, as Rust's Display writes it.
function plain(x) {
  const s = String(x);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const sign = s[0] === "-" ? "-" : "";
  const mantissa = s.slice(sign.length, e).replace(".", "");
  const point = (s.slice(sign.length, e).indexOf(".") + 1 || e - sign.length + 1) - 1 + Number(s.slice(e + 1));
  if (point <= 0) return sign + "0." + "0".repeat(-point) + mantissa;
  if (point >= mantissa.length) return sign + mantissa + "0".repeat(point - mantissa.length);
  return sign + mantissa.slice(0, point) + "." + mantissa.slice(point);
}
// A value as text, as Excel joins it (Value::to_excel_result).
function S(x) {
  if (typeof x === "number") return Number.isInteger(x) && Math.abs(x) < 1e15 ? String(x) : plain(x);
  if (x === true) return "TRUE";
  if (x === false) return "FALSE";
  return x === null ? "never" : x;
}
// A number as Excel's TEXT(x, code) shows it (TextFormat::apply).
function F(x, k) {
  if (typeof x !== "number") return S(x);
  const code = FORMATS[k], pct = code.endsWith("%"), dollar = code[0] === "$";
  const dot = code.indexOf(".");
  const decimals = dot < 0 ? 0 : code.length - dot - 1 - (pct ? 1 : 0);
  const scaled = pct ? x * 100 : x, factor = Math.pow(10, decimals);
  const shown = Number((Math.abs(scaled) * factor).toExponential(14));
  const rounded = Math.round(shown);
  const sign = scaled < 0 && rounded > 0 ? "-" : "";
  const whole = Math.trunc(rounded / factor), frac = rounded - whole * factor;
  let digits = whole.toFixed(0);
  if (code.includes(",")) digits = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (decimals > 0) digits += "." + frac.toFixed(0).padStart(decimals, "0");
  return sign + (dollar ? "$" : "") + digits + (pct ? "%" : "");
}
// The 1-based position of the first 1 in a row, else never (MATCH(1,row,0)).
function O(row) { const i = row.indexOf(1); return i < 0 ? null : i + 1; }
// The times a row changes sign from one period to the next, a zero counting
// with the positives, into periods where the mask is not 0
// (expr::sign_changes_within).
function SC(row, mask) {
  let n = 0;
  for (let k = 1; k < row.length; k++) if (N(mask[k]) !== 0 && (N(row[k - 1]) < 0) !== (N(row[k]) < 0)) n++;
  return n;
}
// The internal rate of return of a row where it is unique (expr::irr), by bisection.
function I(row) {
  if (!row.every((x) => typeof x === "number" && isFinite(x))) return null;
  let changes = 0;
  for (let k = 1; k < row.length; k++) if ((row[k - 1] < 0) !== (row[k] < 0)) changes++;
  if (!(row.length > 0 && row[0] < 0 && changes === 1)) return null;
  const npv = (rate) => { let f = 1, s = 0; for (const x of row) { s += x * f; f /= 1 + rate; } return s; };
  let low = 0;
  while (npv(low) <= 0) { low = -1 + (low + 1) / 2; if (low + 1 < 1e-12) return null; }
  let high = Math.max(low, 0) + 1;
  while (npv(high) > 0) { high *= 2; if (!isFinite(high)) return null; }
  for (let n = 0; n < 2100; n++) {
    const mid = 0.5 * (low + high);
    if (npv(mid) > 0) low = mid; else high = mid;
    if (high - low <= 1e-15 * Math.max(Math.abs(high), Math.abs(low), 1e-12)) break;
  }
  const rate = 0.5 * (low + high);
  return isFinite(rate) ? rate : null;
}
// The largest number of a column, text ignored; 0 when it holds none (MAX over a range).
function CM(cells) { let best = null; for (const x of cells) if (typeof x === "number") best = best === null ? x : Math.max(best, x); return best === null ? 0 : best; }
// The 1-based position of the first cell equal to x, numbers exactly and
// texts up to case; never when none is (MATCH(x,range,0)).
function CF(x, cells) {
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k];
    if (typeof x === typeof c && (typeof x === "string" ? x.toLowerCase() === c.toLowerCase() : x === c && x !== null)) return k + 1;
  }
  return null;
}
