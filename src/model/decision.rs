//! The decision factors (the lesson's `should_fine_tune`) and their score.

use super::expr::build::*;
use super::expr::{Cmp, Expr};
use super::{
    Defs, Role, Sheet, SFT_LEAN_API, SFT_LEAN_FT, SFT_NEUTRAL, SFT_STRONG_API, SFT_STRONG_FT,
};
use crate::format::Unit;

/// Each factor's level and points.
pub(super) fn factors(d: &mut Defs) {
    // --- Decision factors (the lesson's should_fine_tune) ---
    d.on(Sheet::Decision);
    d.q(
        "decision_api_cost_level",
        "API bill level",
        Unit::Text,
        "high, medium or low against the rule thresholds.",
        if_(
            gt(r("monthly_api_cost"), r("rule_api_cost_high")),
            Expr::Text("high"),
            if_(
                gt(r("monthly_api_cost"), r("rule_api_cost_medium")),
                Expr::Text("medium"),
                Expr::Text("low"),
            ),
        ),
    );
    d.q(
        "decision_points_api_cost",
        "Points: API bill",
        Unit::Points,
        "Score for the size of the API bill.",
        if_(
            eq(r("decision_api_cost_level"), Expr::Text("high")),
            r("rule_points_api_cost_high"),
            if_(
                eq(r("decision_api_cost_level"), Expr::Text("medium")),
                r("rule_points_api_cost_medium"),
                r("rule_points_api_cost_low"),
            ),
        ),
    );
    d.q(
        "decision_points_consistency",
        "Points: task consistency",
        Unit::Points,
        "Score for how uniform the task is.",
        if_(
            eq(r("task_consistency"), Expr::Text("high")),
            r("rule_points_consistency_high"),
            if_(
                eq(r("task_consistency"), Expr::Text("low")),
                r("rule_points_consistency_low"),
                n(0.0),
            ),
        ),
    );
    d.q(
        "decision_latency_level",
        "Latency level",
        Unit::Text,
        "strict, moderate or relaxed against the rule thresholds.",
        if_(
            lt(r("latency_requirement_ms"), r("rule_latency_strict_ms")),
            Expr::Text("strict"),
            if_(
                lt(r("latency_requirement_ms"), r("rule_latency_moderate_ms")),
                Expr::Text("moderate"),
                Expr::Text("relaxed"),
            ),
        ),
    );
    d.q(
        "decision_points_latency",
        "Points: latency",
        Unit::Points,
        "Score for the latency target.",
        if_(
            eq(r("decision_latency_level"), Expr::Text("strict")),
            r("rule_points_latency_strict"),
            if_(
                eq(r("decision_latency_level"), Expr::Text("moderate")),
                r("rule_points_latency_moderate"),
                n(0.0),
            ),
        ),
    );
    d.q(
        "decision_points_quality",
        "Points: quality requirement",
        Unit::Points,
        "Score for the quality bar.",
        if_(
            eq(r("quality_requirement"), Expr::Text("high")),
            r("rule_points_quality_high"),
            if_(
                eq(r("quality_requirement"), Expr::Text("low")),
                r("rule_points_quality_low"),
                n(0.0),
            ),
        ),
    );
    d.q(
        "decision_points_team",
        "Points: team expertise",
        Unit::Points,
        "Score for the team's ML expertise.",
        if_(
            truthy(r("team_ml_expertise")),
            n(0.0),
            r("rule_points_no_ml_expertise"),
        ),
    );
    d.q(
        "decision_points_iteration",
        "Points: iteration speed",
        Unit::Points,
        "Score for the need to change the task quickly.",
        if_(
            truthy(r("iteration_speed_priority")),
            r("rule_points_iteration_priority"),
            n(0.0),
        ),
    );
}

/// The points summed and read against the rule cut-offs.
pub(super) fn score(d: &mut Defs) {
    d.q(
        "decision_score",
        "Decision-factor score",
        Unit::Points,
        "Sum of the factor points: positive favours fine-tuning, negative the API.",
        sum(vec![
            r("decision_points_api_cost"),
            r("decision_points_consistency"),
            r("decision_points_latency"),
            r("decision_points_quality"),
            r("decision_points_team"),
            r("decision_points_iteration"),
        ]),
    )
    .with(Role::Headline, 10)
    .with(Role::Traced, 10);
    d.q(
        "decision_lean",
        "Decision factors lean",
        Unit::Text,
        "The score read against the rule cut-offs: the qualitative side of the case, not the verdict.",
        if_(
            cmp(
                Cmp::Ge,
                r("decision_score"),
                r("rule_verdict_strong_fine_tune"),
            ),
            Expr::Text(SFT_STRONG_FT),
            if_(
                cmp(
                    Cmp::Ge,
                    r("decision_score"),
                    r("rule_verdict_lean_fine_tune"),
                ),
                Expr::Text(SFT_LEAN_FT),
                if_(
                    cmp(Cmp::Ge, r("decision_score"), r("rule_verdict_neutral")),
                    Expr::Text(SFT_NEUTRAL),
                    if_(
                        cmp(Cmp::Ge, r("decision_score"), r("rule_verdict_lean_api")),
                        Expr::Text(SFT_LEAN_API),
                        Expr::Text(SFT_STRONG_API),
                    ),
                ),
            ),
        ),
    )
    .with(Role::Tracked, 8)
    .with(Role::Traced, 11);
}
