//! What would change the decision: for each lever (an input of the
//! recommended candidate), the value at which the verdict flips, found by
//! solving the rule itself. The rule is the candidate's net present value
//! over its own timeline, given that it can be built; the search moves one
//! input (or the engineering phases together), runs the compiled model and
//! bisects on whether the candidate still wins.

use crate::collections::IndexMap;
use crate::format::Unit;
use crate::id;
use crate::inputs::spec::spec;
use crate::model::compiled::{Compiled, Lane, NotNumeric, LANES};
use crate::model::Model;
use crate::value::Value;

/// Under ranges, whether the candidate's odds of paying back meet the
/// required odds with some inputs moved: (input id, value) pairs.
pub type OddsTest<'a> = &'a mut dyn FnMut(&[(&str, f64)]) -> bool;

/// One lever: the input that sets it, its value today and the value at which
/// the verdict flips.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The plan path that sets it (`quality.review_rate_ft`;
    /// `options.<id>.<path>` for an option's; `engineering.hours` for the
    /// phases scaled together).
    pub input: String,
    /// The input's id (`engineering_hours_total` for the phases together).
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub today: f64,
    pub flips_at: f64,
}

/// How a lever moves the model and where its flip is searched.
struct Kind {
    /// The input's id (for `engineering.hours`, the phases' total).
    id: &'static str,
    /// The lowest and highest value searched, from today's value.
    range: fn(f64) -> (f64, f64),
}

/// From nothing to a thousand times today's value (or 1,000,000 where today is 0).
fn amount(today: f64) -> (f64, f64) {
    (0.0, if today > 0.0 { today * 1000.0 } else { 1e6 })
}

fn rate(_: f64) -> (f64, f64) {
    (0.0, 1.0)
}

fn change(_: f64) -> (f64, f64) {
    (-1.0, 1.0)
}

/// The levers, in the order they are shown.
const KINDS: &[Kind] = &[
    Kind {
        id: id::REQUESTS_PER_DAY,
        range: amount,
    },
    Kind {
        id: id::REVIEW_RATE_FT,
        range: rate,
    },
    Kind {
        id: id::SERVING_COST_PER_HOUR,
        range: amount,
    },
    Kind {
        id: id::MANAGED_INPUT_PRICE_PER_1M_TOKENS,
        range: amount,
    },
    Kind {
        id: id::MANAGED_OUTPUT_PRICE_PER_1M_TOKENS,
        range: amount,
    },
    Kind {
        id: ENGINEERING_HOURS,
        range: amount,
    },
    Kind {
        id: id::MAINTENANCE_HOURS_PER_MONTH,
        range: amount,
    },
    Kind {
        id: id::API_PRICE_CHANGE_PER_YEAR,
        range: change,
    },
];

/// The engineering phases' total: the lever scales every phase by one factor.
const ENGINEERING_HOURS: &str = id::ENGINEERING_HOURS_TOTAL;

/// What the rule reads: the candidate's net present value and whether it can
/// be built.
const OUTPUTS: [&str; 2] = [id::NPV, id::FEASIBLE];

/// The levers of one candidate whose verdict flips within their range:
/// `values` are the candidate's own (the plan's, or an option's on its own
/// timeline), `phases` the engineering phases' ids, `prefix` the plan path
/// before an option's inputs (`options.<id>.`, empty for the plan), and
/// `threshold` the net present value it must beat to stay recommended (the
/// best other candidate's score, the API's 0 among them unless the
/// requirements rule it out). An input the
/// candidate's net present value does not read is no lever.
pub fn levers(
    model: &Model,
    values: &IndexMap<String, Value>,
    phases: &[String],
    prefix: &str,
    threshold: f64,
    mut odds: Option<OddsTest<'_>>,
) -> Result<Vec<Lever>, NotNumeric> {
    let full = Compiled::new(model, &OUTPUTS, values)?;
    let mut out = Vec::new();
    let mut odds_now: Option<bool> = None;
    for kind in KINDS {
        let moved: Vec<&str> = if kind.id == ENGINEERING_HOURS {
            phases.iter().map(String::as_str).collect()
        } else {
            vec![kind.id]
        };
        let Some(today) = values.get(kind.id).and_then(Value::as_num) else {
            continue;
        };
        // Each moved input's slot and today's value; the engineering hours
        // move as one factor on every phase.
        let Some(slots) = moved
            .iter()
            .map(|id| Some((full.slot(id)?, values.get(*id)?.as_num()?)))
            .collect::<Option<Vec<(usize, f64)>>>()
        else {
            continue;
        };
        if slots.is_empty() || (kind.id == ENGINEERING_HOURS && today <= 0.0) {
            continue;
        }
        let compiled = full.restricted_to(model, &moved);
        let (Some(npv_at), Some(feasible_at)) =
            (compiled.slot(OUTPUTS[0]), compiled.slot(OUTPUTS[1]))
        else {
            continue;
        };
        let base = compiled.slots_from(values);
        let mut slots_now = base.clone();
        // Whether the candidate wins in each lane, with the lever at `xs`.
        let mut wins = |xs: &[f64; LANES]| -> [bool; LANES] {
            slots_now.copy_from_slice(&base);
            for &(slot, own) in &slots {
                let mut lane: Lane = [0.0; LANES];
                for (l, x) in lane.iter_mut().zip(xs) {
                    *l = if kind.id == ENGINEERING_HOURS {
                        own * x / today
                    } else {
                        *x
                    };
                }
                slots_now[slot] = lane;
            }
            compiled.run(&mut slots_now);
            let mut out = [false; LANES];
            for (k, w) in out.iter_mut().enumerate() {
                let npv = slots_now[npv_at][k];
                *w = slots_now[feasible_at][k] == 1.0 && npv > threshold;
            }
            out
        };
        let (low, high) = (kind.range)(today);
        let mut found = search(&mut wins, today, low, high);
        if let Some(odds) = odds.as_mut() {
            // Under ranges the rule asks the odds too: where they fail
            // before the net present value does (or still fail past it),
            // the verdict flips there instead.
            let moved_at = |x: f64| -> Vec<(&str, f64)> {
                slots_moved(&moved, values, kind.id == ENGINEERING_HOURS, today, x)
            };
            // Today's answer is every lever's: the simulation at today's
            // values is run once for them all.
            let odds_today = *odds_now.get_or_insert_with(|| odds(&[]));
            let now = wins(&[today; LANES])[0] && odds_today;
            let mut full = |x: f64| -> bool { wins(&[x; LANES])[0] && odds(&moved_at(x)) };
            found = with_odds(&mut full, now, today, low, high, found);
        }
        if let Some(flips_at) = found {
            let (path, label, unit) = if kind.id == ENGINEERING_HOURS {
                ("engineering.hours", "Engineering hours", Unit::Hours)
            } else {
                let spec = spec(kind.id);
                (spec.path, spec.label, spec.unit)
            };
            out.push(Lever {
                input: format!("{prefix}{path}"),
                id: kind.id.to_string(),
                label: label.to_string(),
                unit,
                today,
                flips_at,
            });
        }
    }
    Ok(out)
}

/// The moved inputs' values with the lever at `x`: the input itself, or
/// every engineering phase scaled by one factor.
fn slots_moved<'a>(
    moved: &[&'a str],
    values: &IndexMap<String, Value>,
    scaled: bool,
    today: f64,
    x: f64,
) -> Vec<(&'a str, f64)> {
    moved
        .iter()
        .map(|id| {
            let own = values.get(*id).and_then(Value::as_num).unwrap_or(0.0);
            (*id, if scaled { own * x / today } else { x })
        })
        .collect()
}

/// The flip of the whole rule, odds included, given the flip of the net
/// present value alone (`npv_flip`): `full` says whether the candidate
/// wins at a value. Where the answer with odds is the answer without them
/// on either side of `npv_flip`, that is the flip; otherwise the nearest
/// change of `full` is searched by bisection between today and each end.
fn with_odds(
    full: &mut dyn FnMut(f64) -> bool,
    now: bool,
    today: f64,
    low: f64,
    high: f64,
    npv_flip: Option<f64>,
) -> Option<f64> {
    let mut bracket: Option<f64> = None;
    if let Some(f) = npv_flip {
        let short = today + (f - today) * (1.0 - 1e-6);
        if full(short) == now {
            let past = f + (f - today) * 1e-6;
            if full(past) != now {
                return Some(f);
            }
        } else {
            // The odds change the answer before the net present value
            // does: between today and its flip.
            bracket = Some(f);
        }
    }
    let ends: Vec<f64> = match bracket {
        Some(f) => vec![f],
        None => vec![low, high],
    };
    let mut best: Option<f64> = None;
    for end in ends {
        if end == today || (bracket.is_none() && full(end) == now) {
            continue;
        }
        let (mut near, mut far) = (today, end);
        for _ in 0..24 {
            let mid = 0.5 * (near + far);
            if full(mid) == now {
                near = mid;
            } else {
                far = mid;
            }
            if (far - near).abs() <= 1e-3 * near.abs().max(far.abs()).max(1e-12) {
                break;
            }
        }
        if best.is_none_or(|b| (far - today).abs() < (b - today).abs()) {
            best = Some(far);
        }
    }
    best
}

/// The value nearest today, between `low` and `high`, at which whether the
/// candidate wins changes; `None` when it does not within the range. Each
/// round runs every lane at once, on points spread evenly across the
/// bracket, and keeps the part where the answer first changes.
fn search(
    wins: &mut dyn FnMut(&[f64; LANES]) -> [bool; LANES],
    today: f64,
    low: f64,
    high: f64,
) -> Option<f64> {
    let mut probe = [today; LANES];
    probe[1] = low;
    probe[2] = high;
    let at = wins(&probe);
    let now = at[0];
    let sides = [(low, at[1]), (high, at[2])];
    let mut best: Option<f64> = None;
    for (end, wins_there) in sides {
        if wins_there == now || end == today {
            continue;
        }
        // From today (same answer) towards `end` (the other answer).
        let (mut near, mut far) = (today, end);
        for _ in 0..40 {
            let mut xs = [far; LANES];
            for (k, x) in xs.iter_mut().enumerate() {
                *x = near + (far - near) * (k as f64 + 1.0) / LANES as f64;
            }
            let got = wins(&xs);
            let first = got.iter().position(|&w| w != now).unwrap_or(LANES - 1);
            far = xs[first];
            if first > 0 {
                near = xs[first - 1];
            }
            if (far - near).abs() <= 1e-12 * far.abs().max(near.abs()).max(1e-300) {
                break;
            }
        }
        let closer = best.is_none_or(|b| (far - today).abs() < (b - today).abs());
        if closer {
            best = Some(far);
        }
    }
    best
}
