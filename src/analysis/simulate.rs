//! Monte Carlo simulation over the inputs given as ranges.
//!
//! Each ranged input is drawn from a PERT distribution on its low, base and
//! high values: a Beta distribution scaled to [low, high] whose mode is the
//! base, with shape parameters 1 + 4·(base − low)/(high − low) and
//! 1 + 4·(high − base)/(high − low). PERT is the usual choice for expert
//! three-point estimates: unlike the triangular distribution it puts less
//! weight on the extremes, so one optimistic or pessimistic bound does not
//! dominate the result, and its mean (low + 4·base + high)/6 is the classic
//! three-point estimate. Every trial evaluates the whole model (the compiled
//! form of the same expressions) and the percentiles are read off the trials.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution};

use crate::collections::IndexMap;
use crate::model::compiled::{Compiled, Lane, NotNumeric, LANES};
use crate::model::{Model, Role};

use crate::value::Value;

/// The default number of trials.
pub const DEFAULT_TRIALS: usize = 10_000;

use crate::inputs::Ranged;

/// Three percentiles; `None` where the value is "never".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentiles {
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
}

/// The simulation's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub trials: usize,
    pub seed: u64,
    pub monthly_savings: Percentiles,
    pub payback_months: Percentiles,
    pub total_project_cost: Percentiles,
    pub probability_payback_within_lifetime: f64,
    pub probability_above_break_even: f64,
    /// Trials by payback month: entry k counts paybacks in (k − 1, k] months
    /// (entry 0: immediate), up to the lifetime.
    pub payback_histogram: Vec<usize>,
    /// Trials that pay back after the lifetime or never.
    pub payback_beyond_lifetime: usize,
    /// The odds of each candidate: the plan's, then each option's.
    pub candidates: Vec<CandidateOdds>,
}

/// One candidate's odds over the simulation's trials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateOdds {
    /// The share of trials in which it is feasible and pays back within the
    /// lifetime.
    pub payback_share: f64,
    /// The median payback; `None` when the median trial does not pay back.
    pub median_payback: Option<f64>,
}

impl Simulation {
    /// Puts the candidates' odds where the comparison reads them.
    pub fn insert_odds(&self, values: &mut IndexMap<String, Value>) {
        use crate::model::comparison::{
            SIMULATED_MEDIAN_PAYBACK, SIMULATED_PAYBACK_SHARE, SIMULATION_TRIALS,
        };
        values.insert(
            SIMULATION_TRIALS.to_string(),
            Value::Num(self.trials as f64),
        );
        for (k, odds) in self.candidates.iter().enumerate() {
            let id = |x: &str| match k {
                0 => x.to_string(),
                k => crate::inputs::options::option_input_id(k - 1, x),
            };
            values.insert(id(SIMULATED_PAYBACK_SHARE), Value::Num(odds.payback_share));
            values.insert(
                id(SIMULATED_MEDIAN_PAYBACK),
                odds.median_payback.map_or(Value::Never, Value::Num),
            );
        }
    }

    /// The share of the trials that `count` trials are (0 to 1).
    pub fn share_of_trials(&self, count: usize) -> f64 {
        count as f64 / self.trials.max(1) as f64
    }
}

/// A PERT sampler for one ranged input.
enum Sampler {
    Fixed(f64),
    Pert {
        low: f64,
        width: f64,
        beta: Beta<f64>,
    },
}

impl Sampler {
    fn new(r: &Ranged) -> Sampler {
        let width = r.high - r.low;
        if width <= 0.0 {
            return Sampler::Fixed(r.base);
        }
        let alpha = 1.0 + 4.0 * (r.base - r.low) / width;
        let beta = 1.0 + 4.0 * (r.high - r.base) / width;
        match Beta::new(alpha, beta) {
            Ok(beta) => Sampler::Pert {
                low: r.low,
                width,
                beta,
            },
            Err(_) => Sampler::Fixed(r.base),
        }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Sampler::Fixed(x) => *x,
            Sampler::Pert { low, width, beta } => low + width * beta.sample(rng),
        }
    }
}

/// The trials' draws, drawn once from the seed, trial by trial and each
/// ranged input in turn: a trial's draws do not depend on what is run with
/// them, so the simulation and every rerun of it read the same trials.
pub struct Draws {
    /// Per block of [`LANES`] trials, each ranged input's draw in each lane.
    blocks: Vec<Vec<Lane>>,
    /// The number of trials.
    trials: usize,
    /// The trials actually drawn: `trials`, or 1 when nothing is ranged
    /// (every trial is then the same).
    distinct: usize,
    seed: u64,
}

impl Draws {
    /// `trials` trials (at least one) of the inputs `ranged`, from `seed`.
    pub fn new(ranged: &[Ranged], trials: usize, seed: u64) -> Draws {
        let samplers: Vec<Sampler> = ranged.iter().map(Sampler::new).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let trials = trials.max(1);
        let distinct = if samplers.is_empty() { 1 } else { trials };
        let blocks = (0..distinct)
            .step_by(LANES)
            .map(|block| {
                let mut drawn = vec![[0.0; LANES]; samplers.len()];
                for lane in 0..LANES.min(distinct - block) {
                    for (x, sampler) in drawn.iter_mut().zip(&samplers) {
                        x[lane] = sampler.sample(&mut rng);
                    }
                }
                drawn
            })
            .collect();
        Draws {
            blocks,
            trials,
            distinct,
            seed,
        }
    }

    /// The number of trials.
    pub fn trials(&self) -> usize {
        self.trials
    }

    /// Trial `t`'s draw of the ranged input `r`.
    fn draw(&self, t: usize, r: usize) -> f64 {
        self.blocks[t / LANES][r][t % LANES]
    }
}

/// One candidate's trials, run again with some inputs moved: whether each
/// trial can be built and pays back within the lifetime, exactly as the
/// simulation counts it for that candidate (same draws, and an option that
/// sets a ranged input itself keeps its own value). Built once for a set of
/// moved inputs, then run at any of their values and on any of the trials.
pub struct Rerun<'a> {
    compiled: Compiled,
    slots: Vec<Lane>,
    draws: &'a Draws,
    /// Per ranged input: its slot, and whether the candidate draws it (an
    /// option that sets it itself does not).
    ranged: Vec<(Option<usize>, bool)>,
    /// Per moved input: its slot, and where it is ranged, its index among
    /// the ranged inputs and the plan's value (an option drawing it only
    /// while it is moved to that value).
    moved: Vec<MovedInput>,
    /// Whether the candidate is an option (else the plan, which draws every
    /// ranged input whatever it is moved to).
    option: bool,
    payback_at: usize,
    feasible_at: usize,
}

/// A moved input's slot, and where it is ranged, its index among the
/// ranged inputs and the plan's value.
type MovedInput = (Option<usize>, Option<(usize, f64)>);

impl<'a> Rerun<'a> {
    /// The candidate whose values are `candidate` (`None`: the plan,
    /// `plan`) with the inputs `moved` free to move.
    pub fn new(
        model: &Model,
        plan: &IndexMap<String, Value>,
        candidate: Option<&IndexMap<String, Value>>,
        ranged: &[Ranged],
        draws: &'a Draws,
        moved: &[&str],
    ) -> Result<Rerun<'a>, NotNumeric> {
        let outputs = model.with_role(Role::Simulated);
        let [_, payback, _, _, feasible, _] = outputs[..] else {
            return Err(NotNumeric(format!("{} simulated outputs", outputs.len())));
        };
        let full = Compiled::new(model, &[payback, feasible], plan)?;
        let changed: Vec<&str> = ranged
            .iter()
            .map(|r| r.id.as_str())
            .chain(moved.iter().copied())
            .collect();
        let compiled = full.restricted_to(model, &changed);
        let slot = |id: &str| compiled.slot(id).ok_or_else(|| NotNumeric(id.to_string()));
        let (payback_at, feasible_at) = (slot(payback)?, slot(feasible)?);
        let values = candidate.unwrap_or(plan);
        let ranged_slots = ranged
            .iter()
            .map(|r| (compiled.slot(&r.id), values.get(&r.id) == plan.get(&r.id)))
            .collect();
        let moved = moved
            .iter()
            .map(|id| {
                let own = ranged.iter().position(|r| r.id == *id).map(|k| {
                    let at = plan
                        .get(*id)
                        .map_or(f64::NAN, crate::model::compiled::to_slot);
                    (k, at)
                });
                (compiled.slot(id), own)
            })
            .collect();
        Ok(Rerun {
            slots: compiled.slots_from(values),
            compiled,
            draws,
            ranged: ranged_slots,
            moved,
            option: candidate.is_some(),
            payback_at,
            feasible_at,
        })
    }

    /// Whether each of the trials `which` pays back with the moved inputs at
    /// `xs` (in the order they were given).
    pub fn pays(&mut self, xs: &[f64], which: &[usize]) -> Vec<bool> {
        let mut drawn: Vec<bool> = self.ranged.iter().map(|(_, d)| *d).collect();
        for (&(slot, own), &x) in self.moved.iter().zip(xs) {
            if let Some(slot) = slot {
                self.slots[slot] = [x; LANES];
            }
            if let (Some((k, plan_value)), true) = (own, self.option) {
                drawn[k] = x == plan_value;
            }
        }
        let mut out = Vec::with_capacity(which.len());
        for chunk in which.chunks(LANES) {
            for (r, (slot, _)) in self.ranged.iter().enumerate() {
                if let (Some(slot), true) = (slot, drawn[r]) {
                    let lane = &mut self.slots[*slot];
                    for (l, &t) in chunk.iter().enumerate() {
                        lane[l] = self.draws.draw(t, r);
                    }
                }
            }
            self.compiled.run(&mut self.slots);
            let payback = &self.slots[self.payback_at];
            let feasible = &self.slots[self.feasible_at];
            out.extend((0..chunk.len()).map(|l| !payback[l].is_nan() && feasible[l] == 1.0));
        }
        out
    }
}

/// P10, P50 and P90 by selection (no full sort); infinity reads as "never".
fn percentiles(mut samples: Vec<f64>) -> Percentiles {
    let n = samples.len();
    if n == 0 {
        return Percentiles {
            p10: None,
            p50: None,
            p90: None,
        };
    }
    let rank = |p: f64| (((p / 100.0) * n as f64).ceil() as usize).clamp(1, n) - 1;
    let (k10, k50, k90) = (rank(10.0), rank(50.0), rank(90.0));
    // The median first; then the 10th below it and the 90th above it, each
    // selected within its side only (the same values as selecting each in
    // the whole, with less work).
    let (below, p50, above) = samples.select_nth_unstable_by(k50, f64::total_cmp);
    let p50 = *p50;
    let p10 = if k10 < k50 {
        *below.select_nth_unstable_by(k10, f64::total_cmp).1
    } else {
        p50
    };
    let p90 = if k90 > k50 {
        *above
            .select_nth_unstable_by(k90 - k50 - 1, f64::total_cmp)
            .1
    } else {
        p50
    };
    let finite = |x: f64| x.is_finite().then_some(x);
    Percentiles {
        p10: finite(p10),
        p50: finite(p50),
        p90: finite(p90),
    }
}

/// Runs `trials` trials of the model with the ranged inputs drawn, all other
/// inputs at their values: the plan, and each option (whose values are
/// its own where it sets a ranged input).
pub fn simulate(
    model: &Model,
    values: &IndexMap<String, Value>,
    ranged: &[Ranged],
    options: &[IndexMap<String, Value>],
    trials: usize,
    seed: u64,
) -> Result<Simulation, NotNumeric> {
    simulate_drawn(
        model,
        values,
        ranged,
        options,
        &Draws::new(ranged, trials, seed),
    )
}

/// [`simulate`] over trials already drawn.
pub fn simulate_drawn(
    model: &Model,
    values: &IndexMap<String, Value>,
    ranged: &[Ranged],
    options: &[IndexMap<String, Value>],
    draws: &Draws,
) -> Result<Simulation, NotNumeric> {
    // The quantities every trial reads, in their role's order: monthly
    // savings, payback, project cost, lifetime net, feasible, above the
    // all-in break-even.
    let outputs = model.with_role(Role::Simulated);
    let full = Compiled::new(model, &outputs, values)?;
    let ranged_ids: Vec<&str> = ranged.iter().map(|r| r.id.as_str()).collect();
    let compiled = full.restricted_to(model, &ranged_ids);
    let out = outputs
        .iter()
        .map(|id| compiled.slot(id).ok_or_else(|| NotNumeric(id.to_string())))
        .collect::<Result<Vec<usize>, _>>()?;
    let [savings_at, payback_at, project_at, _net_at, feasible_at, above_at] = out[..] else {
        return Err(NotNumeric(format!("{} simulated outputs", out.len())));
    };
    // Each candidate's slots at base: the plan's, then each option's. An
    // option that sets a ranged input itself keeps its own value.
    let candidates: Vec<(Vec<Lane>, Vec<bool>)> = std::iter::once(values)
        .chain(options)
        .map(|v| {
            let drawn = ranged
                .iter()
                .map(|r| v.get(&r.id) == values.get(&r.id))
                .collect();
            (compiled.slots_from(v), drawn)
        })
        .collect();
    let draw_slots: Vec<Option<usize>> = ranged.iter().map(|r| compiled.slot(&r.id)).collect();
    let (trials, seed) = (draws.trials, draws.seed);
    let mut savings = Vec::with_capacity(trials);
    let mut project = Vec::with_capacity(trials);
    let mut paybacks: Vec<Vec<f64>> = vec![Vec::with_capacity(trials); candidates.len()];
    let mut within = vec![0usize; candidates.len()];
    let mut above = 0usize;
    let mut slots = vec![[0.0; LANES]; compiled.slots_len()];
    let distinct = draws.distinct;
    for (b, drawn) in draws.blocks.iter().enumerate() {
        let block = b * LANES;
        let lanes = LANES.min(distinct - block);
        for (c, (base, own)) in candidates.iter().enumerate() {
            // Between blocks only the drawn inputs' slots are overwritten
            // here, and a run writes what it computes before reading it (a
            // test holds this), so with one candidate the other slots hold
            // the base values still and need no refill.
            if block == 0 || candidates.len() > 1 {
                slots.copy_from_slice(base);
            }
            for ((slot, x), keep) in draw_slots.iter().zip(drawn).zip(own) {
                if let (Some(slot), true) = (slot, keep) {
                    slots[*slot] = *x;
                }
            }
            compiled.run(&mut slots);
            let feasible = &slots[feasible_at][..lanes];
            for (&p, &f) in slots[payback_at][..lanes].iter().zip(feasible) {
                let pays = !p.is_nan() && f == 1.0;
                paybacks[c].push(if pays { p } else { f64::INFINITY });
                within[c] += usize::from(pays);
            }
            if c == 0 {
                savings.extend_from_slice(&slots[savings_at][..lanes]);
                project.extend_from_slice(&slots[project_at][..lanes]);
                above += slots[above_at][..lanes]
                    .iter()
                    .filter(|&&x| x == 1.0)
                    .count();
            }
        }
    }
    if distinct < trials {
        let repeat = |v: &mut Vec<f64>| *v = vec![v.first().copied().unwrap_or(f64::NAN); trials];
        repeat(&mut savings);
        repeat(&mut project);
        paybacks.iter_mut().for_each(repeat);
        within.iter_mut().for_each(|w| *w *= trials);
        above *= trials;
    }
    let lifetime = values
        .get(crate::id::LIFETIME_MONTHS)
        .and_then(Value::as_num)
        .unwrap_or(0.0);
    let plan_paybacks = paybacks.first().cloned().unwrap_or_default();
    let mut payback_histogram = vec![0usize; lifetime.ceil().max(0.0) as usize + 1];
    let mut payback_beyond_lifetime = 0;
    for p in &plan_paybacks {
        let bucket = payback_histogram.get_mut(p.ceil().max(0.0) as usize);
        if let (true, Some(bucket)) = (*p <= lifetime, bucket) {
            *bucket += 1;
        } else {
            payback_beyond_lifetime += 1;
        }
    }
    let odds = paybacks
        .into_iter()
        .zip(&within)
        .map(|(p, w)| CandidateOdds {
            payback_share: *w as f64 / trials as f64,
            median_payback: percentiles(p).p50,
        })
        .collect();
    Ok(Simulation {
        trials,
        seed,
        monthly_savings: percentiles(savings),
        payback_months: percentiles(plan_paybacks),
        total_project_cost: percentiles(project),
        payback_histogram,
        payback_beyond_lifetime,
        probability_payback_within_lifetime: within.first().copied().unwrap_or(0) as f64
            / trials as f64,
        probability_above_break_even: above as f64 / trials as f64,
        candidates: odds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let p = percentiles((1..=10).rev().map(f64::from).collect());
        assert_eq!((p.p10, p.p50, p.p90), (Some(1.0), Some(5.0), Some(9.0)));
        let p = percentiles(vec![1.0, f64::INFINITY, f64::INFINITY]);
        assert_eq!(p.p10, Some(1.0));
        assert_eq!(p.p90, None);
    }

    #[test]
    fn percentiles_equal_the_nearest_ranks_of_the_sorted_samples() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for n in [1usize, 2, 3, 9, 10, 11, 99, 1000, 1001] {
            // Few distinct values, so ties are common, and some "never"s.
            let samples: Vec<f64> = (0..n)
                .map(|_| match rand::Rng::random_range(&mut rng, 0..12u32) {
                    0 => f64::INFINITY,
                    k => f64::from(k % 5) * 1.5,
                })
                .collect();
            let mut sorted = samples.clone();
            sorted.sort_by(f64::total_cmp);
            let rank = |p: f64| sorted[((p / 100.0 * n as f64).ceil() as usize).clamp(1, n) - 1];
            let want = |p: f64| Some(rank(p)).filter(|x| x.is_finite());
            let got = percentiles(samples);
            assert_eq!(
                (got.p10, got.p50, got.p90),
                (want(10.0), want(50.0), want(90.0)),
                "{n} samples"
            );
        }
    }

    #[test]
    fn pert_stays_in_range_with_the_right_mean() {
        let s = Sampler::new(&Ranged {
            id: "x".into(),
            low: 20.0,
            base: 30.0,
            high: 60.0,
        });
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 200_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let x = s.sample(&mut rng);
            assert!((20.0..=60.0).contains(&x));
            sum += x;
        }
        // PERT mean: (low + 4·base + high) / 6 = 33.33…; its standard deviation
        // is about 7.4, so the mean of 200,000 draws is within 0.07 at 4 sigma.
        assert!(
            (sum / n as f64 - 200.0 / 6.0).abs() < 0.07,
            "{}",
            sum / n as f64
        );
    }
}
