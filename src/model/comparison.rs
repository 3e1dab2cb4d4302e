//! The one comparison: the API, the plan as written and each option, each on
//! its own timeline, and the verdict it gives, with the words the Summary
//! shows. These quantities read the options' figures and the simulation's
//! odds, so they are evaluated after both (see [`super::Model::is_late`]).

use super::expr::build::*;
use super::expr::{Expr, TextFormat};
use super::{Defs, Role, Sheet, VERDICT_API, VERDICT_FINE_TUNE, VERDICT_NOT_FEASIBLE};
use crate::format::Unit;
use crate::inputs::options::option_input_id;
use crate::value::NOT_APPLICABLE;

/// The id of an option's label (the Options sheet's column header).
pub fn option_label_id(k: usize) -> String {
    option_input_id(k, "label")
}

/// The simulated chance that a candidate pays back within the lifetime:
/// the plan's id, or an option's.
pub const SIMULATED_PAYBACK_SHARE: &str = "simulated_payback_share";
/// The simulated median payback of a candidate.
pub const SIMULATED_MEDIAN_PAYBACK: &str = "simulated_median_payback";
/// The number of simulation trials.
pub const SIMULATION_TRIALS: &str = "simulation_trials";

/// What the comparison reads besides the plan's own quantities: the
/// options' candidate figures and labels, and the simulation's odds.
pub fn late_ids(figures: &[&str], options: usize, ranged: bool) -> Vec<String> {
    let mut ids = Vec::new();
    if ranged {
        ids.push(SIMULATED_PAYBACK_SHARE.to_string());
        ids.push(SIMULATED_MEDIAN_PAYBACK.to_string());
        ids.push(SIMULATION_TRIALS.to_string());
    }
    for k in 0..options {
        ids.extend(figures.iter().map(|id| option_input_id(k, id)));
        ids.push(option_label_id(k));
        if ranged {
            ids.push(option_input_id(k, SIMULATED_PAYBACK_SHARE));
            ids.push(option_input_id(k, SIMULATED_MEDIAN_PAYBACK));
        }
    }
    ids
}

/// A candidate's figure: the plan's own id or the option's.
fn of(candidate: Option<usize>, id: &str) -> Expr {
    match candidate {
        None => r(id),
        Some(k) => r(&option_input_id(k, id)),
    }
}

/// The id of a candidate's score.
fn score_id(candidate: Option<usize>) -> String {
    match candidate {
        None => "score_plan".to_string(),
        Some(k) => format!("score_option_{}", k + 1),
    }
}

/// The recommended candidate's value of `id`: the plan's when the API is
/// recommended (so the reader sees what the plan would do).
fn pick(options: usize, id: &str) -> Expr {
    let mut choices = vec![r(id), r(id)];
    choices.extend((0..options).map(|k| of(Some(k), id)));
    choose(r("recommended_index"), choices)
}

/// The candidates' scores, the recommendation and the verdict.
pub(super) fn define(d: &mut Defs, options: usize, ranged: bool) {
    d.on(Sheet::Comparison);
    let candidates: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..options).map(Some))
        .collect();
    for &c in &candidates {
        let label = match c {
            None => "Score: the plan as written".to_string(),
            Some(k) => format!("Score: option {}", k + 1),
        };
        d.q(
            &score_id(c),
            &label,
            Unit::Usd,
            "The net present value over the lifetime when the candidate is feasible and it is positive; 0 otherwise.",
            if_(
                and(vec![truthy(of(c, "feasible")), gt(of(c, "npv"), n(0.0))]),
                of(c, "npv"),
                n(0.0),
            ),
        );
    }
    let best = candidates
        .iter()
        .map(|&c| r(&score_id(c)))
        .reduce(max)
        .unwrap_or(n(0.0));
    d.q(
        "best_score",
        "Best net present value among feasible candidates",
        Unit::Usd,
        "The largest score: 0 when no feasible candidate has a positive net present value.",
        best,
    );
    let mut index = n(1.0 + candidates.len() as f64);
    for (k, &c) in candidates.iter().enumerate().rev().skip(1) {
        index = if_(
            eq(r(&score_id(c)), r("best_score")),
            n(2.0 + k as f64),
            index,
        );
    }
    d.q(
        "recommended_index",
        "Recommended candidate",
        Unit::Count,
        "1 for the API, 2 for the plan as written, 3 and on for the options in their order: the feasible candidate with the largest net present value, the API when none is positive.",
        if_(gt(r("best_score"), n(0.0)), index, n(1.0)),
    );
    let mut labels = vec![t("the API"), t("the plan as written")];
    labels.extend((0..options).map(|k| r(&option_label_id(k))));
    d.q(
        "recommended_label",
        "Recommended",
        Unit::Text,
        "The recommended candidate's name.",
        choose(r("recommended_index"), labels),
    );
    d.q(
        "verdict",
        "Verdict",
        Unit::Text,
        "Fine-tune when a feasible candidate saves money over the lifetime; not feasible as planned when the plan cannot carry its traffic or fit its GPUs and nothing else saves; else stay on the API.",
        if_(
            gt(r("recommended_index"), n(1.0)),
            t(VERDICT_FINE_TUNE),
            if_(truthy(r("feasible")), t(VERDICT_API), t(VERDICT_NOT_FEASIBLE)),
        ),
    );
    for (id, label, unit, source) in [
        (
            "recommended_lifetime_net",
            "Net over the lifetime (recommended)",
            Unit::Usd,
            "lifetime_net",
        ),
        (
            "recommended_npv",
            "Net present value (recommended)",
            Unit::Usd,
            "npv",
        ),
        (
            "recommended_payback_months",
            "Payback (recommended)",
            Unit::Months,
            "payback_months",
        ),
        (
            "recommended_savings_share",
            "Net as a share of the API bill (recommended)",
            Unit::Fraction,
            "lifetime_savings_share",
        ),
        (
            "recommended_monthly_savings",
            "Monthly savings before the project cost (recommended)",
            Unit::UsdPerMonth,
            "month1_net_savings",
        ),
        (
            "recommended_project_cost",
            "Project cost (recommended)",
            Unit::Usd,
            "total_project_cost",
        ),
    ] {
        d.q(
            id,
            label,
            unit,
            "The recommended candidate's figure (the plan's when the API is recommended); never where that figure is never.",
            pick(options, source),
        );
    }
    if ranged {
        d.q(
            "recommended_odds",
            "Chance of payback within the lifetime (recommended)",
            Unit::Fraction,
            "The share of simulation trials in which the recommended candidate is feasible and pays back within the lifetime.",
            pick(options, SIMULATED_PAYBACK_SHARE),
        );
        d.q(
            "recommended_median_payback",
            "Median payback in the simulation (recommended)",
            Unit::Months,
            "The recommended candidate's median payback over the simulation's trials; never when the median trial does not pay back.",
            pick(options, SIMULATED_MEDIAN_PAYBACK),
        );
    }
    let thin_savings = and(vec![
        is_number(r("recommended_savings_share")),
        lt(r("recommended_savings_share"), r("marginal_savings_share")),
    ]);
    let mut thin = vec![thin_savings.clone()];
    if ranged {
        thin.push(lt(r("recommended_odds"), r("marginal_odds")));
    }
    d.q(
        "verdict_marginal",
        "Marginal",
        Unit::YesNo,
        "Whether a verdict to fine-tune rests on a thin margin: net savings a small share of the API bill, or (with ranges) odds of payback below the threshold.",
        test(and(vec![gt(r("recommended_index"), n(1.0)), or(thin)])),
    );
    words(d, options, ranged, thin_savings);
}

/// The verdict's sentence, the headline and why a verdict is marginal, as
/// formulas over the figures, so the Summary's words follow any edit.
fn words(d: &mut Defs, options: usize, ranged: bool, thin_savings: super::expr::Cond) {
    let money = |id: &str| fmt(r(id), TextFormat::Money);
    let which = if options == 0 {
        t("")
    } else {
        if_(
            gt(r("recommended_index"), n(2.0)),
            concat(vec![t(" with option "), r("recommended_label")]),
            t(" as planned"),
        )
    };
    d.q(
        "verdict_sentence",
        "The answer",
        Unit::Text,
        "The verdict in one sentence.",
        if_(
            gt(r("recommended_index"), n(1.0)),
            concat(vec![
                t(VERDICT_FINE_TUNE),
                which,
                if_(truthy(r("verdict_marginal")), t(" (marginal)"), t("")),
                t("."),
            ]),
            if_(
                truthy(r("feasible")),
                t("Stay on the API."),
                t("Not feasible as planned: stay on the API."),
            ),
        ),
    )
    .with(Role::Answer, 1);
    let repay = if_(
        is_number(r("recommended_payback_months")),
        concat(vec![
            t(" project in "),
            fmt(r("recommended_payback_months"), TextFormat::OneDecimal),
            t(" months"),
        ]),
        concat(vec![
            t(" project within the "),
            fmt(r("lifetime_months"), TextFormat::Whole),
            t("-month lifetime"),
        ]),
    );
    let saves = gt(r("recommended_monthly_savings"), n(0.0));
    let pays = is_number(r("recommended_payback_months"));
    let mut headline = vec![
        // An infeasible plan's money is not real: it says so first.
        if_(
            and(vec![
                eq(r("recommended_index"), n(1.0)),
                not(truthy(r("feasible"))),
            ]),
            t("On paper, without the capacity or memory it lacks: "),
            t(""),
        ),
        if_(
            saves.clone(),
            concat(vec![
                t("Savings of "),
                money("recommended_monthly_savings"),
                t(" a month before the project cost "),
                if_(pays.clone(), t("repay the "), t("never repay the ")),
            ]),
            concat(vec![
                t("Fine-tuning costs "),
                fmt(abs(r("recommended_monthly_savings")), TextFormat::Money),
                t(" a month more than the API before the project cost; it "),
                if_(pays, t("repays the "), t("never repays the ")),
            ]),
        ),
        money("recommended_project_cost"),
        repay,
        t("; over the "),
        fmt(r("lifetime_months"), TextFormat::Whole),
        t(" months it "),
        if_(
            cmp(super::expr::Cmp::Ge, r("recommended_lifetime_net"), n(0.0)),
            concat(vec![t("nets "), money("recommended_lifetime_net")]),
            concat(vec![
                t("loses "),
                fmt(abs(r("recommended_lifetime_net")), TextFormat::Money),
            ]),
        ),
        if_(
            and(vec![
                gt(r("recommended_lifetime_net"), n(0.0)),
                is_number(r("recommended_savings_share")),
            ]),
            concat(vec![
                t(" ("),
                fmt(r("recommended_savings_share"), TextFormat::Percent),
                t(" of the API bill)"),
            ]),
            t(""),
        ),
        if_(
            gt(r("discount_rate_per_year"), n(0.0)),
            concat(vec![
                t(", a net present value of "),
                if_(
                    cmp(super::expr::Cmp::Ge, r("recommended_npv"), n(0.0)),
                    money("recommended_npv"),
                    concat(vec![
                        t("−"),
                        fmt(abs(r("recommended_npv")), TextFormat::Money),
                    ]),
                ),
                t(" at "),
                fmt(r("discount_rate_per_year"), TextFormat::Percent),
                t(" a year"),
            ]),
            t(""),
        ),
        t("."),
    ];
    if ranged {
        headline.extend([
            t(" It pays back within the lifetime in "),
            fmt(r("recommended_odds"), TextFormat::Percent),
            t(" of "),
            fmt(r(SIMULATION_TRIALS), TextFormat::Whole),
            t(" simulated trials"),
            if_(
                is_number(r("recommended_median_payback")),
                concat(vec![
                    t("; median payback "),
                    fmt(r("recommended_median_payback"), TextFormat::OneDecimal),
                    t(" months."),
                ]),
                t("; the median trial does not pay back."),
            ),
        ]);
    }
    d.q(
        "headline",
        "The money",
        Unit::Text,
        "The savings that repay the project, the project cost, the payback and the net, side by side.",
        concat(headline),
    )
    .with(Role::Answer, 2);
    let mut reasons = vec![if_(
        thin_savings.clone(),
        concat(vec![
            t(" The net is "),
            fmt(r("recommended_savings_share"), TextFormat::Percent),
            t(" of the API bill, below the "),
            fmt(r("marginal_savings_share"), TextFormat::Percent),
            t(" threshold: a small error in traffic or prices erases it."),
        ]),
        t(""),
    )];
    if ranged {
        reasons.push(if_(
            lt(r("recommended_odds"), r("marginal_odds")),
            concat(vec![
                t(" The chance of paying back within the lifetime is "),
                fmt(r("recommended_odds"), TextFormat::Percent),
                t(", below the "),
                fmt(r("marginal_odds"), TextFormat::Percent),
                t(" threshold."),
            ]),
            t(""),
        ));
    }
    d.q(
        "verdict_marginal_reason",
        "Why marginal",
        Unit::Text,
        "What makes the verdict marginal (a dash when it is not).",
        if_(
            truthy(r("verdict_marginal")),
            concat(std::iter::once(t("Marginal.")).chain(reasons).collect()),
            t(NOT_APPLICABLE),
        ),
    )
    .with(Role::Answer, 3);
}
