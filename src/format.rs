//! Units and number formatting, in one place for the memo, the JSON-facing
//! text and the workbook's number formats, so a figure reads the same everywhere.

use crate::value::Value;

/// The paper the workbook and the memo print on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    /// US Letter.
    Letter,
}

impl Paper {
    /// The paper's number among a spreadsheet's paper sizes.
    pub fn excel_paper_size(self) -> u8 {
        match self {
            Paper::A4 => 9,
            Paper::Letter => 1,
        }
    }

    /// The paper's width and height in inches, held landscape.
    pub fn landscape_inches(self) -> (f64, f64) {
        match self {
            Paper::A4 => (297.0 / 25.4, 210.0 / 25.4),
            Paper::Letter => (11.0, 8.5),
        }
    }

    /// The paper's name in a print stylesheet's `@page { size: … }`.
    pub fn css_size(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// The unit of an input or quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Unit {
    Usd,
    UsdPerMonth,
    UsdPerHour,
    UsdPer1MTokens,
    UsdPerReview,
    UsdPerGbMonth,
    Tokens,
    TokensPerDay,
    TokensPerSecond,
    TokensPerRequest,
    RequestsPerDay,
    RequestsPerMonth,
    Examples,
    Epochs,
    Hours,
    HoursPerDay,
    HoursPerMonth,
    DaysPerMonth,
    SecondsPerHour,
    Months,
    Milliseconds,
    BillionParameters,
    BytesPerParameter,
    Gigabytes,
    Tflops,
    Fraction,
    /// A rate of return: a percentage, shown as "over 1,000%" past ten times.
    ReturnRate,
    Multiplier,
    Count,
    Gpus,
    Instances,
    Points,
    Text,
    YesNo,
}

impl Unit {
    /// The unit as a reader sees it in the units column.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Usd => "$",
            Unit::UsdPerMonth => "$/month",
            Unit::UsdPerHour => "$/hour",
            Unit::UsdPer1MTokens => "$/1M tokens",
            Unit::UsdPerReview => "$/review",
            Unit::UsdPerGbMonth => "$/GB-month",
            Unit::Tokens => "tokens",
            Unit::TokensPerDay => "tokens/day",
            Unit::TokensPerSecond => "tokens/s",
            Unit::TokensPerRequest => "tokens/request",
            Unit::RequestsPerDay => "requests/day",
            Unit::RequestsPerMonth => "requests/month",
            Unit::Examples => "examples",
            Unit::Epochs => "epochs",
            Unit::Hours => "hours",
            Unit::HoursPerDay => "hours/day",
            Unit::HoursPerMonth => "hours/month",
            Unit::DaysPerMonth => "days/month",
            Unit::SecondsPerHour => "s/hour",
            Unit::Months => "months",
            Unit::Milliseconds => "ms",
            Unit::BillionParameters => "B params",
            Unit::BytesPerParameter => "bytes/param",
            Unit::Gigabytes => "GB",
            Unit::Tflops => "TFLOPS",
            Unit::Fraction | Unit::ReturnRate => "fraction",
            Unit::Multiplier => "×",
            Unit::Count => "count",
            Unit::Gpus => "GPUs",
            Unit::Instances => "instances",
            Unit::Points => "points",
            Unit::Text => "",
            Unit::YesNo => "yes/no",
        }
    }

    /// The Excel number format for cells of this unit.
    pub fn excel_format(self) -> &'static str {
        match self {
            Unit::Usd | Unit::UsdPerMonth | Unit::UsdPerReview => "$#,##0.00",
            Unit::UsdPerHour => "$#,##0.00",
            Unit::UsdPer1MTokens => "$#,##0.000",
            Unit::UsdPerGbMonth => "$#,##0.0000",
            Unit::Tokens
            | Unit::TokensPerDay
            | Unit::TokensPerRequest
            | Unit::RequestsPerDay
            | Unit::RequestsPerMonth
            | Unit::Examples
            | Unit::Milliseconds
            | Unit::SecondsPerHour => "#,##0",
            Unit::TokensPerSecond => "#,##0.0",
            Unit::Hours
            | Unit::Months
            | Unit::HoursPerDay
            | Unit::HoursPerMonth
            | Unit::DaysPerMonth => "#,##0.0",
            Unit::Epochs
            | Unit::BillionParameters
            | Unit::BytesPerParameter
            | Unit::Gigabytes
            | Unit::Tflops => "#,##0.##",
            Unit::Fraction => "0.00%",
            Unit::ReturnRate => "0.0%",
            Unit::Multiplier => "0.00",
            Unit::Count | Unit::Gpus | Unit::Instances | Unit::Points => "#,##0",
            Unit::Text => "@",
            // A yes/no shows as Yes or No, whether it is stored as TRUE/FALSE or 1/0.
            Unit::YesNo => "\"Yes\";\"Yes\";\"No\"",
        }
    }
}

/// Groups digits with commas: 12586093.4 → "12,586,093" at 0 decimals.
pub fn grouped(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    // Avoid "-0.00".
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// Money: "$8,250.00", "-$1,200.50".
pub fn money(x: f64) -> String {
    dollars(x, 2)
}

/// Money without cents, for prose: "$8,250".
pub fn money0(x: f64) -> String {
    dollars(x, 0)
}

/// Dollars to `decimals` places, the sign before the dollar sign.
fn dollars(x: f64, decimals: usize) -> String {
    let body = grouped(x, decimals);
    match body.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${body}"),
    }
}

/// A fraction as a percentage: 0.05 → "5.0%"; small rates keep two
/// significant digits: 0.0011 → "0.11%".
pub fn percent(x: f64) -> String {
    let pct = x * 100.0;
    let text = if pct != 0.0 && pct.abs() < 1.0 {
        let decimals = (-pct.abs().log10().floor()) as usize + 1;
        format!("{:.*}%", decimals.min(6), pct)
    } else {
        format!("{pct:.1}%")
    };
    // A value that rounds to zero reads as zero, without a sign: never "-0.0%".
    if text.chars().any(|c| matches!(c, '1'..='9')) {
        text
    } else {
        "0.0%".to_string()
    }
}

/// The largest rate of return written out (1,000%); a higher one reads
/// "over 1,000%", as a figure of eleven digits says nothing more.
pub const RETURN_RATE_SHOWN_UP_TO: f64 = 10.0;

/// Formats a value in its unit for the memo.
pub fn value(v: &Value, unit: Unit) -> String {
    match v {
        Value::Num(x) => number(*x, unit),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Text(s) => s.clone(),
        Value::Never => "never".to_string(),
    }
}

/// How a unit's numbers are written in the memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Dollars to this many places, the sign before the dollar sign.
    Dollars(usize),
    /// A percentage ([`percent`]).
    Percent,
    /// A rate of return: a percentage up to 1,000%, "over 1,000%" past it.
    ReturnRate,
    /// Digits grouped by thousands, to this many places.
    Grouped(usize),
    /// A whole number as such, else one decimal (hours, months).
    WholeOrOne,
    /// Two decimals, trailing zeros dropped.
    Trimmed,
}

/// How numbers of this unit are written in the memo.
pub fn style(unit: Unit) -> Style {
    match unit {
        Unit::Usd | Unit::UsdPerMonth | Unit::UsdPerReview => Style::Dollars(2),
        Unit::UsdPerHour => Style::Dollars(2),
        Unit::UsdPer1MTokens => Style::Dollars(3),
        Unit::UsdPerGbMonth => Style::Dollars(4),
        Unit::Fraction => Style::Percent,
        Unit::ReturnRate => Style::ReturnRate,
        Unit::TokensPerSecond => Style::Grouped(1),
        Unit::Hours
        | Unit::Months
        | Unit::HoursPerDay
        | Unit::HoursPerMonth
        | Unit::DaysPerMonth => Style::WholeOrOne,
        Unit::Epochs
        | Unit::BillionParameters
        | Unit::BytesPerParameter
        | Unit::Gigabytes
        | Unit::Tflops
        | Unit::Multiplier => Style::Trimmed,
        _ => Style::Grouped(0),
    }
}

/// Formats a number in its unit for the memo.
pub fn number(x: f64, unit: Unit) -> String {
    match style(unit) {
        Style::Dollars(places) => dollars(x, places),
        Style::Percent => percent(x),
        Style::ReturnRate if x > RETURN_RATE_SHOWN_UP_TO => "over 1,000%".to_string(),
        Style::ReturnRate => percent(x),
        Style::Grouped(places) => grouped(x, places),
        Style::WholeOrOne => {
            if x.fract() == 0.0 {
                grouped(x, 0)
            } else {
                grouped(x, 1)
            }
        }
        Style::Trimmed => trim_zeros(&grouped(x, 2)),
    }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_and_money() {
        assert_eq!(grouped(12_586_093.4, 0), "12,586,093");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1000.0, 0), "1,000");
        assert_eq!(money(8250.0), "$8,250.00");
        assert_eq!(money(-1200.5), "-$1,200.50");
        assert_eq!(money(-0.001), "$0.00");
        assert_eq!(money0(225_000.0), "$225,000");
        assert_eq!(percent(0.05), "5.0%");
        assert_eq!(percent(0.0011), "0.11%");
        assert_eq!(percent(0.0015877), "0.16%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(-0.0), "0.0%");
        assert_eq!(percent(-1e-12), "0.0%");
        assert_eq!(percent(-0.0004), "-0.040%");
        assert_eq!(number(-0.0, Unit::Usd), "$0.00");
        assert_eq!(number(-0.004, Unit::Usd), "$0.00");
        assert_eq!(number(2.5, Unit::ReturnRate), "250.0%");
        assert_eq!(number(-0.248, Unit::ReturnRate), "-24.8%");
        assert_eq!(number(211_690_224.213, Unit::ReturnRate), "over 1,000%");
        assert_eq!(number(7.0, Unit::BillionParameters), "7");
        assert_eq!(number(0.322, Unit::Gigabytes), "0.32");
        // Every dollar figure puts the sign before the dollar sign.
        assert_eq!(number(-0.375, Unit::UsdPer1MTokens), "-$0.375");
        assert_eq!(number(-0.02, Unit::UsdPerGbMonth), "-$0.0200");
        assert_eq!(number(2.5, Unit::UsdPer1MTokens), "$2.500");
    }
}
