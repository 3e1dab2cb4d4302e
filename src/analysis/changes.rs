//! What changed since the last run: in dated runs (`run --month YYYY-MM`)
//! each plan's JSON document is compared with the one of the run it replaces
//! (a rerun of the month), else of the most recent earlier month in the
//! output folder, and the inputs and key results that
//! moved are listed with their old and new values; a flipped verdict is
//! flagged. Both sides are [`Snapshot`]s: this run's is taken from the
//! evaluated values, the previous run's from its JSON document (which
//! [`crate::runs`] finds and reads). The comparison is pure.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::collections::IndexMap;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde_json::Value as Json;

use crate::format::{self, Unit};
use crate::value::Value;

/// Two numbers closer than this, relative to the larger, have not moved
/// (a figure read back from JSON may differ in its last bit).
const RELATIVE_TOLERANCE: f64 = 1e-9;

/// A calendar month, written `YYYY-MM`: the name of a dated run's folder.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(into = "String", try_from = "String")]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// The first instant of the month, 00:00 UTC.
    pub fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .single()
            .expect("a parsed month has a first day")
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

impl TryFrom<String> for Month {
    type Error = String;
    fn try_from(s: String) -> Result<Month, String> {
        s.parse()
    }
}

impl FromStr for Month {
    type Err = String;
    fn from_str(s: &str) -> Result<Month, String> {
        let wrong = || format!("expected a month written YYYY-MM, such as 2026-12, found {s:?}");
        let (y, m) = s.split_once('-').ok_or_else(wrong)?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(wrong());
        }
        let year: i32 = y.parse().map_err(|_| wrong())?;
        let month: u32 = m.parse().map_err(|_| wrong())?;
        let day = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(wrong)?;
        Ok(Month {
            year: day.year(),
            month: day.month(),
        })
    }
}

/// What a moved figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// The plan's verdict (fine-tune or stay on the API).
    Verdict,
    /// A key result (a quantity with the model's `Tracked` role).
    Result,
    /// An input of the plan (or a default or catalogue value it uses).
    Input,
}

impl Kind {
    /// The word shown in tables.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Verdict => "verdict",
            Kind::Result => "result",
            Kind::Input => "input",
        }
    }
}

/// One figure whose value differs from the previous run's.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Moved {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    /// The previous value (`null` is "never"); `None` when the previous run
    /// did not have the figure.
    pub old: Option<Json>,
    /// This run's value (`null` is "never"); `None` when it no longer exists.
    pub new: Option<Json>,
}

impl Moved {
    /// The old and new values as the memo shows them, in `unit`; a figure
    /// absent from one run shows as "—".
    pub fn shown(&self, unit: Unit) -> (String, String) {
        let show = |v: &Option<Json>| match v {
            Some(v) => format::value(&json_value(v), unit),
            None => "—".to_string(),
        };
        (show(&self.old), show(&self.new))
    }

    /// The previous number, if it was one.
    pub fn old_number(&self) -> Option<f64> {
        self.old.as_ref().and_then(Json::as_f64)
    }

    /// This run's number, if it is one.
    pub fn new_number(&self) -> Option<f64> {
        self.new.as_ref().and_then(Json::as_f64)
    }
}

/// What moved for one plan since its previous run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Changes {
    /// The month of the previous run.
    pub previous_month: Month,
    /// True when the previous run was of this run's month, and this run
    /// replaced it.
    pub replaced: bool,
    pub previous_verdict: String,
    pub verdict: String,
    /// The verdict first (if it flipped), then key results, then inputs.
    pub moved: Vec<Moved>,
}

impl Changes {
    /// The previous run as sentences name it after "since": its month, or
    /// "the earlier run of 2026-12" for the run this one replaced.
    pub fn previous_run(&self) -> String {
        if self.replaced {
            format!("the earlier run of {}", self.previous_month)
        } else {
            self.previous_month.to_string()
        }
    }

    /// True when the verdict differs from the previous run's.
    pub fn verdict_flipped(&self) -> bool {
        self.previous_verdict != self.verdict
    }

    /// The moved figure with this id.
    pub fn get(&self, id: &str) -> Option<&Moved> {
        self.moved.iter().find(|m| m.id == id)
    }

    /// The moved figures of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Moved> {
        self.moved.iter().filter(move |m| m.kind == kind)
    }
}

/// A JSON value as a model value: `null` is "never".
pub fn json_value(v: &Json) -> Value {
    match v {
        Json::Number(n) => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::Text(s.clone()),
        _ => Value::Never,
    }
}

/// True when two JSON values are the same figure (numbers within a relative
/// tolerance of 1e-9).
pub fn same(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y || (x - y).abs() <= RELATIVE_TOLERANCE * x.abs().max(y.abs()),
        _ => a == b,
    }
}

/// The figures of one run that a later run compares with: its verdict, its
/// key results (the quantities the model tracks month to month) and its
/// inputs, as JSON values (`null` is "never").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub verdict: String,
    /// Key results by id; a result the run did not have is absent.
    pub results: IndexMap<String, Json>,
    /// Inputs by id (in the order of their ids): their label and value.
    pub inputs: BTreeMap<String, (String, Json)>,
}

impl Snapshot {
    /// This run's snapshot, from its verdict, the ids of its key results,
    /// its values by id and its inputs (id, label, value).
    pub fn of_run<'a>(
        verdict: &str,
        key_results: &[&str],
        value: impl Fn(&str) -> Option<&'a Value>,
        inputs: impl IntoIterator<Item = (&'a str, &'a str, &'a Value)>,
    ) -> Snapshot {
        Snapshot {
            verdict: verdict.to_string(),
            results: key_results
                .iter()
                .filter_map(|id| Some((id.to_string(), value(id)?.to_json())))
                .collect(),
            inputs: inputs
                .into_iter()
                .map(|(id, label, v)| (id.to_string(), (label.to_string(), v.to_json())))
                .collect(),
        }
    }

    /// A previous run's snapshot of `key_results`, from its JSON document
    /// (as [`read_previous`] returns it).
    pub fn of_document(doc: &Json, key_results: &[&str]) -> Snapshot {
        let empty = serde_json::Map::new();
        let results = doc["results"].as_object().unwrap_or(&empty);
        let inputs = doc["inputs"].as_object().unwrap_or(&empty);
        Snapshot {
            verdict: doc["verdict"].as_str().unwrap_or("").to_string(),
            results: key_results
                .iter()
                .filter_map(|id| Some((id.to_string(), results.get(*id)?.clone())))
                .collect(),
            inputs: inputs
                .iter()
                .map(|(id, x)| {
                    let label = x["label"].as_str().unwrap_or(id).to_string();
                    (id.clone(), (label, x["value"].clone()))
                })
                .collect(),
        }
    }
}

/// Compares this run with the previous run: the verdict, the key results
/// (listed first, in the order of the current run's snapshot) and every
/// input whose value moved. `result_label` names a result; inputs are named
/// by their label in this run (or the previous one, for an input this run no
/// longer has).
pub fn compare(
    previous_month: Month,
    previous: &Snapshot,
    current: &Snapshot,
    result_label: impl Fn(&str) -> String,
) -> Changes {
    let mut moved = Vec::new();
    if previous.verdict != current.verdict {
        moved.push(Moved {
            kind: Kind::Verdict,
            id: "verdict".to_string(),
            label: "Verdict".to_string(),
            old: Some(Json::String(previous.verdict.clone())),
            new: Some(Json::String(current.verdict.clone())),
        });
    }
    let result_ids = current.results.keys().chain(
        previous
            .results
            .keys()
            .filter(|k| !current.results.contains_key(*k)),
    );
    for id in result_ids {
        let old = previous.results.get(id);
        let new = current.results.get(id);
        if !matches!((old, new), (Some(a), Some(b)) if same(a, b)) {
            moved.push(Moved {
                kind: Kind::Result,
                id: id.to_string(),
                label: result_label(id),
                old: old.cloned(),
                new: new.cloned(),
            });
        }
    }
    let ids = current.inputs.keys().chain(
        previous
            .inputs
            .keys()
            .filter(|k| !current.inputs.contains_key(*k)),
    );
    for id in ids {
        let old = previous.inputs.get(id);
        let new = current.inputs.get(id);
        let (old_value, new_value) = (old.map(|x| x.1.clone()), new.map(|x| x.1.clone()));
        if matches!((&old_value, &new_value), (Some(a), Some(b)) if same(a, b)) {
            continue;
        }
        let label = new.or(old).map_or(id.as_str(), |x| x.0.as_str());
        moved.push(Moved {
            kind: Kind::Input,
            id: id.clone(),
            label: label.to_string(),
            old: old_value,
            new: new_value,
        });
    }
    Changes {
        previous_month,
        replaced: false,
        previous_verdict: previous.verdict.clone(),
        verdict: current.verdict.clone(),
        moved,
    }
}

/// A threshold that makes `run --fail-on` exit 3, for alerting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// Any plan's verdict flipped.
    VerdictChange,
    /// A plan's monthly savings fell by at least this many dollars a month.
    SavingsDropUsd(f64),
    /// A plan's monthly savings fell by at least this percentage of the
    /// previous savings' size.
    SavingsDropPercent(f64),
}

impl FromStr for Threshold {
    type Err = String;
    fn from_str(s: &str) -> Result<Threshold, String> {
        let usage = "choose from: verdict-change, savings-drop:AMOUNT (dollars a month, such as savings-drop:1000), savings-drop:PERCENT% (such as savings-drop:20%)";
        let s = s.trim();
        if s == "verdict-change" {
            return Ok(Threshold::VerdictChange);
        }
        let Some(amount) = s.strip_prefix("savings-drop:") else {
            return Err(format!("unknown threshold `{s}`; {usage}"));
        };
        let (number, percent) = match amount.strip_suffix('%') {
            Some(n) => (n, true),
            None => (amount, false),
        };
        let x: f64 = number
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| {
                format!("threshold `{s}`: expected a number ≥ 0 after `savings-drop:`; {usage}")
            })?;
        Ok(if percent {
            Threshold::SavingsDropPercent(x)
        } else {
            Threshold::SavingsDropUsd(x)
        })
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::VerdictChange => f.write_str("verdict-change"),
            Threshold::SavingsDropUsd(x) => write!(f, "savings-drop:{x}"),
            Threshold::SavingsDropPercent(x) => write!(f, "savings-drop:{x}%"),
        }
    }
}

impl Threshold {
    /// Why this plan's changes cross the threshold, or `None`.
    pub fn crossed(&self, changes: &Changes) -> Option<String> {
        match self {
            Threshold::VerdictChange => changes.verdict_flipped().then(|| {
                format!(
                    "the verdict flipped since {}: {} → {}",
                    changes.previous_run(),
                    changes.previous_verdict,
                    changes.verdict
                )
            }),
            Threshold::SavingsDropUsd(_) | Threshold::SavingsDropPercent(_) => {
                let m = changes.get("monthly_savings")?;
                let (old, new) = (m.old_number()?, m.new_number()?);
                let drop = old - new;
                let crossed = drop > 0.0
                    && match *self {
                        Threshold::SavingsDropUsd(limit) => drop >= limit,
                        Threshold::SavingsDropPercent(pct) => {
                            old == 0.0 || drop >= pct / 100.0 * old.abs()
                        }
                        Threshold::VerdictChange => false,
                    };
                crossed.then(|| {
                    format!(
                        "monthly savings fell by {} since {} ({} → {})",
                        format::money0(drop),
                        changes.previous_run(),
                        format::money0(old),
                        format::money0(new)
                    )
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The key results of these tests' documents.
    const KEYS: &[&str] = &["monthly_api_cost", "monthly_savings", "payback_months"];

    fn doc(verdict: &str, savings: f64, price: f64) -> Snapshot {
        Snapshot::of_document(&document(verdict, savings, price), KEYS)
    }

    fn document(verdict: &str, savings: f64, price: f64) -> Json {
        json!({
            "verdict": verdict,
            "results": {
                "monthly_api_cost": 7500.0,
                "monthly_savings": savings,
                "payback_months": if savings > 0.0 { json!(4.5) } else { Json::Null },
            },
            "inputs": {
                "input_price_per_1m_tokens": {"label": "Input price", "value": price, "unit": "$/1M tokens", "source": "plan"},
                "requests_per_day": {"label": "Requests per day", "value": 50000.0, "unit": "requests/day", "source": "plan"},
            }
        })
    }

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn months_parse_strictly_and_start_at_midnight() {
        assert_eq!(month("2026-12").to_string(), "2026-12");
        assert_eq!(
            month("2026-02").start().to_rfc3339(),
            "2026-02-01T00:00:00+00:00"
        );
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-01",
            "2026/01",
            "2026-01-01",
            "",
            "abcd-ef",
            "+026-01",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad:?}");
        }
        assert!(month("2026-11") < month("2026-12"));
        assert!(month("2025-12") < month("2026-01"));
    }

    #[test]
    fn an_unchanged_plan_has_nothing_moved() {
        let a = doc("Fine-tune", 2926.6, 5.0);
        let c = compare(month("2026-11"), &a, &a, |id| id.to_string());
        assert!(c.moved.is_empty(), "{:?}", c.moved);
        assert!(!c.verdict_flipped());
    }

    #[test]
    fn a_price_change_lists_the_input_and_the_results_it_moved() {
        let old = doc("Fine-tune", 2926.6, 5.0);
        let new = doc("Fine-tune", 1500.0, 2.5);
        let c = compare(month("2026-11"), &old, &new, |id| format!("<{id}>"));
        assert!(!c.verdict_flipped());
        let ids: Vec<&str> = c.moved.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["monthly_savings", "input_price_per_1m_tokens"]);
        let price = c.get("input_price_per_1m_tokens").unwrap();
        assert_eq!(price.kind, Kind::Input);
        assert_eq!(price.label, "Input price");
        assert_eq!(
            (price.old_number(), price.new_number()),
            (Some(5.0), Some(2.5))
        );
        assert_eq!(
            price.shown(Unit::UsdPer1MTokens),
            ("$5.000".to_string(), "$2.500".to_string())
        );
        assert_eq!(c.get("monthly_savings").unwrap().label, "<monthly_savings>");
    }

    #[test]
    fn a_flipped_verdict_comes_first_and_never_is_a_value() {
        let old = doc("Fine-tune", 2926.6, 5.0);
        let new = doc("Stay on the API", -100.0, 1.0);
        let c = compare(month("2026-10"), &old, &new, |id| id.to_string());
        assert!(c.verdict_flipped());
        assert_eq!(c.moved[0].kind, Kind::Verdict);
        assert_eq!(c.moved[0].old, Some(json!("Fine-tune")));
        assert_eq!(c.moved[0].new, Some(json!("Stay on the API")));
        let payback = c.get("payback_months").unwrap();
        assert_eq!(payback.new, Some(Json::Null));
        assert_eq!(payback.shown(Unit::Months), ("4.5".into(), "never".into()));
    }

    #[test]
    fn inputs_added_or_removed_are_listed() {
        let old = document("Fine-tune", 1.0, 5.0);
        let mut new = old.clone();
        new["inputs"]
            .as_object_mut()
            .unwrap()
            .remove("requests_per_day");
        new["inputs"]["volume_growth_per_month"] =
            json!({"label": "Growth", "value": 0.05, "unit": "fraction", "source": "plan"});
        let (old, new) = (
            Snapshot::of_document(&old, KEYS),
            Snapshot::of_document(&new, KEYS),
        );
        let c = compare(month("2026-10"), &old, &new, |id| id.to_string());
        let ids: Vec<&str> = c.of_kind(Kind::Input).map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["volume_growth_per_month", "requests_per_day"]);
        let removed = c.get("requests_per_day").unwrap();
        assert_eq!(removed.new, None);
        assert_eq!(
            removed.shown(Unit::RequestsPerDay),
            ("50,000".into(), "—".into())
        );
    }

    #[test]
    fn numbers_within_a_last_bit_are_the_same() {
        assert!(same(&json!(0.1 + 0.2), &json!(0.3)));
        assert!(!same(&json!(1.0), &json!(1.0001)));
        assert!(same(&Json::Null, &Json::Null));
        assert!(!same(&Json::Null, &json!(0.0)));
    }

    #[test]
    fn thresholds_parse_and_trip() {
        assert_eq!("verdict-change".parse(), Ok(Threshold::VerdictChange));
        assert_eq!(
            "savings-drop:1000".parse(),
            Ok(Threshold::SavingsDropUsd(1000.0))
        );
        assert_eq!(
            "savings-drop:20%".parse(),
            Ok(Threshold::SavingsDropPercent(20.0))
        );
        for bad in [
            "savings-drop:",
            "savings-drop:-5",
            "savings-drop:x%",
            "verdict",
            "nan",
        ] {
            assert!(bad.parse::<Threshold>().is_err(), "{bad:?}");
        }
        let old = doc("Fine-tune", 3000.0, 5.0);
        let lower = doc("Fine-tune", 2000.0, 4.0);
        let flipped = doc("Stay on the API", -10.0, 1.0);
        let c = compare(month("2026-11"), &old, &lower, |id| id.to_string());
        assert_eq!(Threshold::VerdictChange.crossed(&c), None);
        assert!(Threshold::SavingsDropUsd(1000.0).crossed(&c).is_some());
        assert!(Threshold::SavingsDropUsd(1000.01).crossed(&c).is_none());
        assert!(Threshold::SavingsDropPercent(33.0).crossed(&c).is_some());
        assert!(Threshold::SavingsDropPercent(34.0).crossed(&c).is_none());
        let f = compare(month("2026-11"), &old, &flipped, |id| id.to_string());
        let why = Threshold::VerdictChange.crossed(&f).unwrap();
        assert_eq!(
            why,
            "the verdict flipped since 2026-11: Fine-tune → Stay on the API"
        );
        // A rise in savings never trips a drop threshold.
        let back = compare(month("2026-11"), &lower, &old, |id| id.to_string());
        assert!(Threshold::SavingsDropUsd(0.0).crossed(&back).is_none());
    }
}
