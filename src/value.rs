//! Values: what an input or a quantity can be, below every other layer.
//!
//! Inputs, the model, the analyses and the renderers all read [`Value`]; it
//! knows nothing of expressions, sheets or plans.

/// A value a quantity or input can take.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// A finite number.
    Num(f64),
    /// A truth value (an input such as `training_spot`, or a test result).
    Bool(bool),
    /// A label from a fixed set (`"high"`, `"Fine-tune"`).
    Text(String),
    /// "There is none": a payback that never comes, a break-even that does not
    /// exist. `null` in JSON, the text `never` in the workbook.
    Never,
}

impl Value {
    /// The number, if this is one.
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Value::Num(x) => Some(*x),
            _ => None,
        }
    }

    /// The truth value, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as the JSON outputs hold it: "never" is `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Num(x) => serde_json::json!(x),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Text(s) => serde_json::Value::String(s.clone()),
            Value::Never => serde_json::Value::Null,
        }
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an Excel cached result string.
    pub fn to_excel_result(&self) -> String {
        match self {
            Value::Num(x) => format_number_literal(*x),
            Value::Bool(true) => "TRUE".to_string(),
            Value::Bool(false) => "FALSE".to_string(),
            Value::Text(s) => s.clone(),
            Value::Never => NEVER_TEXT.to_string(),
        }
    }
}

/// What the workbook shows where a value does not exist.
pub const NEVER_TEXT: &str = "never";

/// What a sentence of the model reads where it does not apply (a warning
/// whose condition does not hold): a spreadsheet cannot cache an empty text.
pub const NOT_APPLICABLE: &str = "—";

/// Prints a number the way Excel formulas and cached results want it:
/// integers without a decimal point, others with full round-trip precision.
pub fn format_number_literal(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}
