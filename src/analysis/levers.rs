//! What would change the decision: for each lever (an input of the
//! recommended candidate), the value at which the verdict flips, found by
//! solving the rule itself. The rule is the candidate's net present value
//! over its own timeline, given that it can be built; the search moves one
//! input (or the engineering phases together), runs the compiled model and
//! bisects on whether the candidate still wins.
//!
//! Under ranges the rule asks the odds too, so each point tried runs the
//! candidate's trials again (the simulation's own draws). Between two points
//! whose trials are known, a trial that pays back at both is taken to pay
//! back between them and only the others are run; the final bracket is then
//! checked with every trial run, and searched again that way if the check
//! fails, so the flip is the one a search running every trial finds. Where
//! only the answer at a point is wanted (the checks, the ends of the range),
//! the trials run in blocks and stop once those run settle it: the odds are
//! met whatever the others do, or cannot be met even if all of them pay back.

use crate::collections::IndexMap;
use crate::format::Unit;
use crate::id;
use crate::inputs::spec::spec;
use crate::model::compiled::{Compiled, Lane, NotNumeric, LANES};
use crate::model::Model;
use crate::value::Value;

/// Whether each of the given trials pays back with the inputs moved
/// ((input id, value) pairs; none moved for today's answer).
pub type TrialsPay<'a> = &'a mut dyn FnMut(&[(&str, f64)], &[usize]) -> Vec<bool>;

/// Under ranges, the candidate's trials run again with some inputs moved:
/// the rule asks that it pay back in at least the required share of them.
pub struct Odds<'a> {
    /// Whether each of the given trials pays back.
    pub pays: TrialsPay<'a>,
    /// The number of trials.
    pub trials: usize,
    /// The share of the trials it must pay back in.
    pub required: f64,
}

/// Whether trials paying back as `pays` says meet the `required` share of
/// `trials`.
fn met(pays: &[bool], trials: usize, required: f64) -> bool {
    let count = pays.iter().filter(|&&p| p).count();
    count as f64 / trials.max(1) as f64 >= required
}

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
    range: Range,
}

/// Where a lever's flip is searched, from today's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// From nothing to [`AMOUNT_TIMES`] today's value (or [`AMOUNT_IF_ZERO`]
    /// where today is 0).
    Amount,
    /// Between two fixed values.
    Fixed(f64, f64),
}

/// How far an amount is searched: up to this many times today's value.
pub const AMOUNT_TIMES: f64 = 1000.0;

/// How far an amount that is 0 today is searched.
pub const AMOUNT_IF_ZERO: f64 = 1e6;

/// The search's rounds at most, each narrowing the bracket to one of
/// [`LANES`] parts.
pub const SEARCH_ROUNDS: usize = 40;

/// The search stops when the bracket is this small, relative to its ends.
pub const SEARCH_TOLERANCE: f64 = 1e-12;

/// Under ranges, where only the rule's answer is wanted the trials run in
/// blocks of this many, and stop once those run settle it.
pub const SETTLE_BLOCK: usize = 1024;

impl Range {
    /// The lowest and highest value searched, from today's value.
    pub fn bounds(self, today: f64) -> (f64, f64) {
        match self {
            Range::Amount => (
                0.0,
                if today > 0.0 {
                    today * AMOUNT_TIMES
                } else {
                    AMOUNT_IF_ZERO
                },
            ),
            Range::Fixed(low, high) => (low, high),
        }
    }
}

/// A rate: from 0 to 1.
const RATE: Range = Range::Fixed(0.0, 1.0);

/// A yearly change: from -100% to +100%.
const CHANGE: Range = Range::Fixed(-1.0, 1.0);

/// The levers, in the order they are shown.
const KINDS: &[Kind] = &[
    Kind {
        id: id::REQUESTS_PER_DAY,
        range: Range::Amount,
    },
    Kind {
        id: id::REVIEW_RATE_FT,
        range: RATE,
    },
    Kind {
        id: id::SERVING_COST_PER_HOUR,
        range: Range::Amount,
    },
    Kind {
        id: id::MANAGED_INPUT_PRICE_PER_1M_TOKENS,
        range: Range::Amount,
    },
    Kind {
        id: id::MANAGED_OUTPUT_PRICE_PER_1M_TOKENS,
        range: Range::Amount,
    },
    Kind {
        id: ENGINEERING_HOURS,
        range: Range::Amount,
    },
    Kind {
        id: id::MAINTENANCE_HOURS_PER_MONTH,
        range: Range::Amount,
    },
    Kind {
        id: id::API_PRICE_CHANGE_PER_YEAR,
        range: CHANGE,
    },
];

/// The engineering phases' total: the lever scales every phase by one factor.
const ENGINEERING_HOURS: &str = id::ENGINEERING_HOURS_TOTAL;

/// What the rule reads: the candidate's net present value and whether it can
/// be built.
pub const OUTPUTS: [&str; 2] = [id::NPV, id::FEASIBLE];

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
    mut odds: Option<Odds<'_>>,
) -> Result<Vec<Lever>, NotNumeric> {
    let full = Compiled::new(model, &OUTPUTS, values)?;
    let mut out = Vec::new();
    let all: Vec<usize> = (0..odds.as_ref().map_or(0, |o| o.trials)).collect();
    // Under ranges, whether each trial pays back today: one run for every lever.
    let mut pays_today: Option<Vec<bool>> = None;
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
        let (low, high) = kind.range.bounds(today);
        let mut found = search(&mut wins, today, low, high);
        if let Some(odds) = odds.as_mut() {
            // Under ranges the rule asks the odds too: where they fail
            // before the net present value does (or still fail past it),
            // the verdict flips there instead.
            let moved_at = |x: f64| -> Vec<(&str, f64)> {
                slots_moved(&moved, values, kind.id == ENGINEERING_HOURS, today, x)
            };
            let today_pays = pays_today.get_or_insert_with(|| (odds.pays)(&[], &all));
            let (trials, required) = (odds.trials, odds.required);
            let now = wins(&[today; LANES])[0] && met(today_pays, trials, required);
            let today_pays = today_pays.clone();
            let mut rule = Rule {
                wins: &mut |x: f64| wins(&[x; LANES])[0],
                pays: &mut |x: f64, which: &[usize]| (odds.pays)(&moved_at(x), which),
                met: &|p: &[bool]| met(p, trials, required),
                all: &all,
            };
            found = with_odds(&mut rule, &today_pays, now, today, low, high, found);
        }
        if let Some(flips_at) = found {
            let (path, label, unit) = named(kind);
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

/// A lever's plan path (before an option's prefix), label and unit.
fn named(kind: &Kind) -> (&'static str, &'static str, Unit) {
    if kind.id == ENGINEERING_HOURS {
        ("engineering.hours", "Engineering hours", Unit::Hours)
    } else {
        let spec = spec(kind.id);
        (spec.path, spec.label, spec.unit)
    }
}

/// A lever as the search moves it, for a page that searches again: which
/// inputs it moves and where it searches.
#[derive(Debug, Clone, PartialEq)]
pub struct Searched {
    /// The input's id (`engineering_hours_total` for the phases together).
    pub id: &'static str,
    /// The plan path that sets it, before an option's prefix.
    pub path: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    /// The inputs it moves: itself, or every engineering phase.
    pub moved: Vec<String>,
    /// Whether the moved inputs are scaled by one factor (the phases), each
    /// to its own value times the lever's over today's.
    pub scaled: bool,
    pub range: Range,
}

/// The levers [`levers`] searches for a candidate with the model's
/// structure: those whose moved inputs the candidate's net present value
/// or whether it can be built read, in the order shown. Whether one flips,
/// and where, depends on the values; [`levers`] finds that.
pub fn searched(
    model: &Model,
    values: &IndexMap<String, Value>,
    phases: &[String],
) -> Result<Vec<Searched>, NotNumeric> {
    let full = Compiled::new(model, &OUTPUTS, values)?;
    Ok(KINDS
        .iter()
        .filter_map(|kind| {
            let scaled = kind.id == ENGINEERING_HOURS;
            let moved: Vec<String> = if scaled {
                phases.to_vec()
            } else {
                vec![kind.id.to_string()]
            };
            if moved.is_empty() || moved.iter().any(|id| full.slot(id).is_none()) {
                return None;
            }
            let (path, label, unit) = named(kind);
            Some(Searched {
                id: kind.id,
                path,
                label,
                unit,
                moved,
                scaled,
                range: kind.range,
            })
        })
        .collect())
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

/// The whole rule under ranges at a value of the lever: the net present
/// value's test, then the odds, with the trials run again.
struct Rule<'r> {
    /// Whether the candidate's net present value wins.
    wins: &'r mut dyn FnMut(f64) -> bool,
    /// Whether each of the given trials pays back.
    pays: &'r mut dyn FnMut(f64, &[usize]) -> Vec<bool>,
    /// Whether trials paying back so meet the required odds.
    met: &'r dyn Fn(&[bool]) -> bool,
    /// Every trial.
    all: &'r [usize],
}

/// The rule's answer at a value, and whether each trial paid back there
/// (`None` where the net present value alone said no).
type Answer = (bool, Option<Vec<bool>>);

impl Rule<'_> {
    /// The answer with every trial run.
    fn exact(&mut self, x: f64) -> Answer {
        if !(self.wins)(x) {
            return (false, None);
        }
        let pays = (self.pays)(x, self.all);
        ((self.met)(&pays), Some(pays))
    }

    /// The answer alone: the trials run in blocks, and stop once those run
    /// settle it (the odds are met whatever the others do, or cannot be met
    /// even if all the others pay back). The same answer as [`Rule::exact`].
    fn answer(&mut self, x: f64) -> bool {
        self.settled(x, &|_| true).0
    }

    /// The answer, with the trials where it is not `now`: they stop early
    /// only where the answer is `now` (the search goes on from there
    /// without them).
    fn answer_or_trials(&mut self, x: f64, now: bool) -> Answer {
        self.settled(x, &|answer| answer == now)
    }

    /// The answer, the trials running in blocks of [`SETTLE_BLOCK`] until
    /// an answer that `stop` accepts is settled; the trials come back only
    /// when every one was run.
    fn settled(&mut self, x: f64, stop: &dyn Fn(bool) -> bool) -> Answer {
        if !(self.wins)(x) {
            return (false, None);
        }
        let total = self.all.len();
        let mut pays: Vec<bool> = Vec::with_capacity(total);
        for block in self.all.chunks(SETTLE_BLOCK) {
            pays.extend((self.pays)(x, block));
            if pays.len() == total {
                break;
            }
            // More trials only add to the count of those paying back.
            let surely = (self.met)(&pays);
            let mut at_best = pays.clone();
            at_best.resize(total, true);
            let settled = if surely {
                Some(true)
            } else if !(self.met)(&at_best) {
                Some(false)
            } else {
                None
            };
            if let Some(answer) = settled.filter(|a| stop(*a)) {
                return (answer, None);
            }
        }
        ((self.met)(&pays), Some(pays))
    }

    /// The answer at a value between two whose trials are known (`a`, `b`):
    /// a trial that pays back at both (or at neither) is taken to do so
    /// between them, and only the others are run.
    fn guided(&mut self, x: f64, a: &[bool], b: &[bool]) -> Answer {
        if !(self.wins)(x) {
            return (false, None);
        }
        let which: Vec<usize> = (0..a.len()).filter(|&t| a[t] != b[t]).collect();
        let run = (self.pays)(x, &which);
        let mut pays = a.to_vec();
        for (t, p) in which.into_iter().zip(run) {
            pays[t] = p;
        }
        ((self.met)(&pays), Some(pays))
    }
}

/// The flip of the whole rule, odds included, given the flip of the net
/// present value alone (`npv_flip`). Where the answer with odds is the
/// answer without them on either side of `npv_flip`, that is the flip;
/// otherwise the nearest change of the rule's answer is searched by
/// bisection between today and each end.
fn with_odds(
    rule: &mut Rule<'_>,
    today_pays: &[bool],
    now: bool,
    today: f64,
    low: f64,
    high: f64,
    npv_flip: Option<f64>,
) -> Option<f64> {
    let mut bracket: Option<(f64, Option<Vec<bool>>)> = None;
    if let Some(f) = npv_flip {
        let short = today + (f - today) * (1.0 - 1e-6);
        let (answer, pays) = rule.answer_or_trials(short, now);
        if answer == now {
            let past = f + (f - today) * 1e-6;
            if rule.answer(past) != now {
                return Some(f);
            }
        } else {
            // The odds change the answer before the net present value
            // does: between today and its flip.
            bracket = Some((f, pays));
        }
    }
    let ends: Vec<(f64, Option<Vec<bool>>)> = match bracket {
        Some(end) => vec![end],
        None => vec![(low, None), (high, None)],
    };
    let bracketed = ends.len() == 1;
    let mut best: Option<f64> = None;
    for (end, mut end_pays) in ends {
        if end == today {
            continue;
        }
        if !bracketed {
            let (answer, pays) = rule.answer_or_trials(end, now);
            if answer == now {
                continue;
            }
            end_pays = pays;
        }
        // Guided by the trials known at the bracket's ends, then checked
        // with every trial run at the final bracket's ends; where a trial
        // changed more than once between them and the check fails, the
        // search is done again with every trial run at every step.
        let known = Some(today_pays.to_vec());
        let (near, far, guessed) = bisect(rule, now, (today, known), (end, end_pays), true);
        let far = if guessed && (rule.answer(near) != now || rule.answer(far) == now) {
            bisect(rule, now, (today, None), (end, None), false).1
        } else {
            far
        };
        if best.is_none_or(|b| (far - today).abs() < (b - today).abs()) {
            best = Some(far);
        }
    }
    best
}

/// Bisects between `near` (where the rule's answer is `now`) and `far`
/// (where it is not), each with its trials where known; `guide` lets the
/// known trials spare runs. Returns the final bracket and whether any
/// answer was guided.
fn bisect(
    rule: &mut Rule<'_>,
    now: bool,
    near: (f64, Option<Vec<bool>>),
    far: (f64, Option<Vec<bool>>),
    guide: bool,
) -> (f64, f64, bool) {
    let ((mut near, mut near_pays), (mut far, mut far_pays)) = (near, far);
    let mut guessed = false;
    for _ in 0..24 {
        let mid = 0.5 * (near + far);
        let (answer, pays) = match (guide, &near_pays, &far_pays) {
            (true, Some(a), Some(b)) => {
                guessed = true;
                rule.guided(mid, a, b)
            }
            (true, ..) => rule.exact(mid),
            // Unguided, only the answer is kept.
            (false, ..) => (rule.answer(mid), None),
        };
        if answer == now {
            (near, near_pays) = (mid, pays);
        } else {
            (far, far_pays) = (mid, pays);
        }
        if (far - near).abs() <= 1e-3 * near.abs().max(far.abs()).max(1e-12) {
            break;
        }
    }
    (near, far, guessed)
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
        for _ in 0..SEARCH_ROUNDS {
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
            if (far - near).abs() <= SEARCH_TOLERANCE * far.abs().max(near.abs()).max(1e-300) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// 1,000 trials; trial `t` pays back below its own threshold
    /// (t / 1,000), and the first `odd` trials also above 0.9, so that
    /// they pay back at both ends of [0, 1] but not between.
    fn trial_pays(t: usize, x: f64, odd: usize) -> bool {
        x < t as f64 / 1000.0 || (t < odd && x > 0.9)
    }

    /// What `search` finds over the 1,000 trials (today x = 0, the other
    /// end x = 1, odds of one half required), and the trials it ran.
    fn searched<T>(odd: usize, search: impl FnOnce(&mut Rule<'_>, &[bool]) -> T) -> (T, usize) {
        let all: Vec<usize> = (0..1000).collect();
        let mut run = 0;
        let mut pays = |x: f64, which: &[usize]| -> Vec<bool> {
            run += which.len();
            which.iter().map(|&t| trial_pays(t, x, odd)).collect()
        };
        let mut rule = Rule {
            wins: &mut |_| true,
            pays: &mut pays,
            met: &|p: &[bool]| met(p, 1000, 0.5),
            all: &all,
        };
        let today: Vec<bool> = (0..1000).map(|t| trial_pays(t, 0.0, odd)).collect();
        let found = search(&mut rule, &today);
        (found, run)
    }

    /// The flip found with the trials guided, and the trials run for it.
    fn flip(odd: usize) -> (Option<f64>, usize) {
        searched(odd, |rule, today| {
            let now = met(today, 1000, 0.5);
            with_odds(rule, today, now, 0.0, 0.0, 1.0, None)
        })
    }

    /// The flip with every trial run at every step, and the trials run.
    fn plain_flip(odd: usize) -> (f64, usize) {
        searched(odd, |rule, _| {
            bisect(rule, true, (0.0, None), (1.0, None), false).1
        })
    }

    #[test]
    fn guided_search_finds_the_flip_of_every_trial_run_with_fewer_runs() {
        // Today (x = 0) every trial but the first pays back.
        let (found, run) = flip(0);
        let (plain, plain_run) = plain_flip(0);
        assert_eq!(found, Some(plain));
        assert!((plain - 0.5).abs() < 1e-3, "{plain}");
        // Plain, every step runs all 1,000 trials; guided, the end, the
        // shrinking middle and the final check of both ends.
        assert!(2 * run < plain_run, "{run} trials run, {plain_run} plain");
    }

    #[test]
    fn an_answer_alone_is_the_answer_of_every_trial_run_and_stops_once_settled() {
        // 10,000 trials, trial t paying back below t / 10,000: the odds of
        // one half are met below x = 0.5.
        let all: Vec<usize> = (0..10_000).collect();
        let run = std::cell::Cell::new(0);
        let mut pays = |x: f64, which: &[usize]| -> Vec<bool> {
            run.set(run.get() + which.len());
            which.iter().map(|&t| x < t as f64 / 10_000.0).collect()
        };
        let mut rule = Rule {
            wins: &mut |_| true,
            pays: &mut pays,
            met: &|p: &[bool]| met(p, 10_000, 0.5),
            all: &all,
        };
        for x in [0.0, 0.05, 0.3, 0.4999, 0.5, 0.5001, 0.7, 0.95, 1.0] {
            let exact = rule.exact(x).0;
            assert_eq!(exact, x < 0.5, "at {x}");
            run.set(0);
            assert_eq!(rule.answer(x), exact, "at {x}");
            let alone = run.get();
            // Far from the flip a few blocks settle it (at 0.05 nearly
            // every trial pays back, at 0.95 nearly none); just below it,
            // where exactly half pay back, every trial is needed.
            if !(0.3..=0.7).contains(&x) {
                assert!(alone <= 6 * SETTLE_BLOCK, "at {x}: {alone} trials");
            }
            if x == 0.4999 {
                assert_eq!(alone, 10_000, "at {x}");
            }
            for now in [true, false] {
                let (answer, trials) = rule.answer_or_trials(x, now);
                assert_eq!(answer, exact, "at {x}");
                // Where the answer is not `now`, every trial comes back.
                if answer != now {
                    assert_eq!(trials.map(|t| t.len()), Some(10_000), "at {x}");
                }
            }
        }
    }

    #[test]
    fn a_trial_that_changes_twice_between_the_ends_sends_the_search_back_to_every_trial() {
        // 300 trials pay back at both ends but not between: guided, the
        // middle counts them as paying back and overshoots; the final check
        // catches it and the search is done again with every trial run.
        let (found, _) = flip(300);
        let (plain, _) = plain_flip(300);
        assert_eq!(found, Some(plain));
    }
}
