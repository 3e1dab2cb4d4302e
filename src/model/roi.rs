//! The ROI sheet: the monthly comparison, payback and break-even.

use super::expr::build::*;
use super::expr::Expr;
use super::{m, managed_parts, Defs, Role, Sheet};
use crate::format::Unit;
use crate::inputs::Shape;

/// The project cost, the monthly fine-tuned total, its shares and the savings.
pub(super) fn monthly(d: &mut Defs, shape: &Shape) {
    // --- ROI ---
    d.on(Sheet::Roi);
    d.q(
        "total_project_cost",
        "Total project cost",
        Unit::Usd,
        "Training compute plus engineering (one-time).",
        add(r("compute_cost"), r("engineering_cost")),
    )
    .with(Role::CandidateFigure, 6)
    .with(Role::Headline, 5)
    .with(Role::KeyFigure, 5)
    .with(Role::Simulated, 3)
    .with(Role::OptionFigure, 5)
    .with(Role::Tracked, 7)
    .with(Role::Traced, 5);
    d.q(
        "monthly_amortized_project_cost",
        "Amortized project cost",
        Unit::UsdPerMonth,
        "The project cost spread over the model's lifetime.",
        div(r("total_project_cost"), r("lifetime_months")),
    )
    .with(Role::Composition, 4)
    .short("Project, amortized");
    d.q(
        "monthly_amortized_compute_cost",
        "Amortized training compute",
        Unit::UsdPerMonth,
        "Training compute spread over the model's lifetime.",
        div(r("compute_cost"), r("lifetime_months")),
    );
    d.q(
        "monthly_amortized_engineering_cost",
        "Amortized engineering",
        Unit::UsdPerMonth,
        "Engineering spread over the model's lifetime.",
        div(r("engineering_cost"), r("lifetime_months")),
    );
    d.q(
        "monthly_maintenance_cost",
        "Monthly maintenance cost",
        Unit::UsdPerMonth,
        "Maintenance, monitoring and on-call hours a month at the hourly rate.",
        mul(r("maintenance_hours_per_month"), r("engineer_hourly_rate")),
    );
    d.q(
        "retrainings_in_lifetime",
        "Retrainings within the lifetime",
        Unit::Count,
        "Retraining months before the end of the lifetime, one every so many months after launch; none when retraining is off.",
        if_(
            gt(r("retrain_every_months"), n(0.0)),
            max(
                n(0.0),
                sub(
                    round_up(div(r("lifetime_months"), r("retrain_every_months"))),
                    n(1.0),
                ),
            ),
            n(0.0),
        ),
    );
    d.q(
        "retraining_cost_each",
        "Cost of one retraining",
        Unit::Usd,
        "Its runs at the cost per run plus its engineering hours at the hourly rate.",
        add(
            mul(
                r("runs_per_retrain"),
                r(if shape.managed {
                    "cost_per_training_run"
                } else {
                    "compute_cost_per_run"
                }),
            ),
            mul(r("hours_per_retrain"), r("engineer_hourly_rate")),
        ),
    );
    d.q(
        "monthly_retraining_cost",
        "Retraining a month",
        Unit::UsdPerMonth,
        "The retrainings within the lifetime at their cost, spread over the lifetime.",
        div(
            mul(r("retrainings_in_lifetime"), r("retraining_cost_each")),
            r("lifetime_months"),
        ),
    );
    d.q(
        "monthly_running_cost",
        "Running costs (maintenance, retraining)",
        Unit::UsdPerMonth,
        "Maintenance hours at the hourly rate plus retraining spread over the lifetime: the fifth component, paid every month in service.",
        add(r("monthly_maintenance_cost"), r("monthly_retraining_cost")),
    )
    .with(Role::Composition, 6)
    .short("Running costs");
    d.q(
        "monthly_ft_total",
        "Monthly fine-tuned total",
        Unit::UsdPerMonth,
        "Serving (or the managed model's tokens) + storage + amortized project + quality delta + running costs.",
        sum([
            vec![r("monthly_serving_cost")],
            managed_parts(shape, "monthly_managed_inference_cost"),
            vec![
                r("monthly_storage_cost"),
                r("monthly_amortized_project_cost"),
                r("monthly_quality_cost_delta"),
                r("monthly_running_cost"),
            ],
        ]
        .concat()),
    )
    .with(Role::Headline, 2)
    .with(Role::KeyFigure, 2)
    .with(Role::SensitivityKey, 3)
    .with(Role::OptionFigure, 2)
    .with(Role::Tracked, 2)
    .with(Role::Traced, 2)
    .with(Role::MonthlyResult, 1);
    d.q(
        "compute_share_of_ft_total",
        "Share: training compute",
        Unit::Fraction,
        "Amortized training compute as a share of the monthly fine-tuned total.",
        div_if_positive(r("monthly_amortized_compute_cost"), r("monthly_ft_total")),
    );
    d.q(
        "engineering_share_of_ft_total",
        "Share: engineering",
        Unit::Fraction,
        "Amortized engineering as a share of the monthly fine-tuned total.",
        div_if_positive(
            r("monthly_amortized_engineering_cost"),
            r("monthly_ft_total"),
        ),
    );
    d.q(
        "serving_share_of_ft_total",
        "Share: serving and storage",
        Unit::Fraction,
        "Serving (or the managed model's tokens) plus storage as a share of the monthly fine-tuned total.",
        div_if_positive(
            sum([
                vec![r("monthly_serving_cost")],
                managed_parts(shape, "monthly_managed_inference_cost"),
                vec![r("monthly_storage_cost")],
            ]
            .concat()),
            r("monthly_ft_total"),
        ),
    );
    d.q(
        "quality_share_of_ft_total",
        "Share: quality delta",
        Unit::Fraction,
        "The review cost delta as a share of the monthly fine-tuned total (negative when the fine-tuned model needs fewer reviews).",
        div_if_positive(r("monthly_quality_cost_delta"), r("monthly_ft_total")),
    );
    d.q(
        "running_share_of_ft_total",
        "Share: running costs",
        Unit::Fraction,
        "Maintenance and retraining as a share of the monthly fine-tuned total.",
        div_if_positive(r("monthly_running_cost"), r("monthly_ft_total")),
    );
    d.q(
        "monthly_savings",
        "Monthly savings",
        Unit::UsdPerMonth,
        "API cost minus the fine-tuned total, amortization and running costs included.",
        sub(r("monthly_api_cost"), r("monthly_ft_total")),
    )
    .with(Role::Headline, 3)
    .with(Role::KeyFigure, 3)
    .with(Role::SensitivityKey, 4)
    .with(Role::Simulated, 1)
    .with(Role::OptionFigure, 3)
    .with(Role::Tracked, 3)
    .with(Role::Traced, 3)
    .with(Role::MonthlyResult, 2);
    d.q(
        "monthly_savings_before_amortization",
        "Monthly savings before amortization",
        Unit::UsdPerMonth,
        "API cost minus serving (or the managed model's tokens), storage and quality delta: what repays the project.",
        sub(
            r("monthly_api_cost"),
            sum([
                vec![r("monthly_serving_cost")],
                managed_parts(shape, "monthly_managed_inference_cost"),
                vec![
                    r("monthly_storage_cost"),
                    r("monthly_quality_cost_delta"),
                ],
            ]
            .concat()),
        ),
    )
    .with(Role::CandidateFigure, 5)
    .with(Role::Traced, 12)
    .with(Role::MonthlyResult, 3);
    d.q(
        "month1_net_savings",
        "Monthly savings before the project cost",
        Unit::UsdPerMonth,
        "Savings before amortization less the running costs (maintenance, retraining spread over the lifetime): what repays the project each month at today's traffic and prices.",
        sub(
            r("monthly_savings_before_amortization"),
            r("monthly_running_cost"),
        ),
    )
    .with(Role::CandidateFigure, 8);
}

/// Payback, lifetime net savings and the two break-even volumes.
pub(super) fn payback(d: &mut Defs, shape: &Shape) {
    d.q("flat_payback_months", "Payback by the reference case's formula", Unit::Months,
        "Project cost over today's monthly savings before amortization, without running costs, growth or a price trend (the reference case's formula); never if those savings are not positive. A reconciliation figure: the payback is the timeline's.",
        div_if_positive(r("total_project_cost"), r("monthly_savings_before_amortization")))
    .with(Role::SensitivityKey, 5)
    .with(Role::Traced, 17);
    d.q(
        "flat_lifetime_net",
        "Net over the lifetime by the reference case's formula",
        Unit::Usd,
        "Today's monthly savings before amortization × lifetime, minus the project cost (the reference case's formula): where the reconciliation with the timeline starts.",
        sub(
            mul(
                r("monthly_savings_before_amortization"),
                r("lifetime_months"),
            ),
            r("total_project_cost"),
        ),
    )
    .with(Role::Bridge, 1)
    .with(Role::Traced, 18);
    d.q(
        "months_of_savings_after_payback",
        "Months of savings after payback",
        Unit::Months,
        "Lifetime left once the project has paid for itself on the timeline (0 if it never does).",
        if_(
            is_number(r("payback_months")),
            max(n(0.0), sub(r("lifetime_months"), r("payback_months"))),
            n(0.0),
        ),
    );
    d.q("break_even_tokens_per_day", "Classic break-even (serving and storage only)", Unit::TokensPerDay,
        "Daily tokens at which the API bill equals serving plus storage; ignores review cost and amortization, as the reference case does.",
        if_(gt(r("weighted_api_price_per_1m_tokens"), n(0.0)),
            div(
                mul(add(r("monthly_serving_cost"), r("monthly_storage_cost")), m()),
                mul(r("weighted_api_price_per_1m_tokens"), r("days_per_month")),
            ),
            Expr::Never))
    .with(Role::Headline, 7)
    .with(Role::Traced, 7)
    .with(Role::BreakEven, 2);
    d.q(
        "is_above_break_even",
        "Above the classic break-even",
        Unit::YesNo,
        "Whether today's volume reaches the classic break-even.",
        if_(
            is_number(r("break_even_tokens_per_day")),
            test(ge(
                r("current_daily_tokens"),
                r("break_even_tokens_per_day"),
            )),
            Expr::Bool(false),
        ),
    );
    d.q("api_margin_per_1m_tokens_all_in", "API price less review delta", Unit::UsdPer1MTokens,
        "What each million tokens moved off the API saves before fixed costs, review cost (and, when managed, the managed model's price) included.",
        sub(r("weighted_api_price_per_1m_tokens"), sum([vec![r("review_cost_delta_per_1m_tokens")], managed_parts(shape, "managed_price_per_1m_tokens")].concat())));
    d.q("break_even_tokens_per_day_all_in", "Break-even volume (all-in)", Unit::TokensPerDay,
        "Daily tokens at which monthly savings reach zero: serving, storage, amortized project cost and running costs, with the review delta that grows with volume; never if the review delta eats the whole API price.",
        if_(gt(r("api_margin_per_1m_tokens_all_in"), n(0.0)),
            div(
                mul(sum(vec![r("monthly_serving_cost"), r("monthly_storage_cost"), r("monthly_amortized_project_cost"), r("monthly_running_cost")]), m()),
                mul(r("api_margin_per_1m_tokens_all_in"), r("days_per_month")),
            ),
            Expr::Never))
    .with(Role::Headline, 8)
    .with(Role::KeyFigure, 6)
    .with(Role::OptionFigure, 7)
    .with(Role::Tracked, 6)
    .with(Role::Traced, 8)
    .with(Role::BreakEven, 3);
    d.q(
        "is_above_break_even_all_in",
        "Above the all-in break-even",
        Unit::YesNo,
        "Whether today's volume reaches the all-in break-even (the figure that decides).",
        if_(
            is_number(r("break_even_tokens_per_day_all_in")),
            test(ge(
                r("current_daily_tokens"),
                r("break_even_tokens_per_day_all_in"),
            )),
            Expr::Bool(false),
        ),
    )
    .with(Role::Simulated, 6);
}

/// Whether the plan can be built at today's traffic, and the savings and
/// payback where it can (what the sensitivity cases show).
pub(super) fn feasible_today(d: &mut Defs, shape: &crate::inputs::Shape) {
    let mut holds = Vec::new();
    if shape.has_serving_memory {
        holds.push(truthy(r("serving_model_fits")));
        if !shape.has_throughput {
            holds.push(truthy(r("serving_instances_hold_a_copy")));
        }
    }
    if shape.has_throughput {
        holds.push(or(vec![
            not(eq(r("serving_sizing"), Expr::Text("fixed"))),
            not(truthy(r("serving_capacity_shortfall"))),
        ]));
    }
    d.q(
        "feasible_today",
        "Feasible at today's traffic",
        Unit::YesNo,
        "Whether the model fits its GPUs and the instances paid for carry today's traffic (yes when managed, and where the plan does not say enough to tell).",
        if holds.is_empty() {
            Expr::Bool(true)
        } else {
            super::unless_managed_holds(shape, and(holds))
        },
    )
    .with(Role::SensitivityKey, 6);
    d.q(
        "monthly_savings_if_feasible",
        "Monthly savings where feasible",
        Unit::UsdPerMonth,
        "The monthly savings, amortization included, or \"not feasible\" where the instances or the memory fall short.",
        if_(
            truthy(r("feasible_today")),
            r("monthly_savings"),
            Expr::Text(NOT_FEASIBLE),
        ),
    )
    .with(Role::SensitivityKey, 7);
    d.q(
        "payback_months_if_feasible",
        "Payback by the reference case's formula where feasible",
        Unit::Months,
        "The reference case's payback (never if the savings before amortization are not positive), or \"not feasible\" where the instances or the memory fall short.",
        if_(
            truthy(r("feasible_today")),
            r("flat_payback_months"),
            Expr::Text(NOT_FEASIBLE),
        ),
    )
    .with(Role::SensitivityKey, 8);
}

/// What a sensitivity case shows where the plan cannot be built.
pub const NOT_FEASIBLE: &str = "not feasible";

/// The verdict and the yes/no figures the warnings read.
pub(super) fn flags(d: &mut Defs) {
    d.q(
        "review_cost_exceeds_api_bill",
        "Review delta above the API bill",
        Unit::YesNo,
        "Whether the extra review cost alone is larger than today's API bill.",
        test(gt(r("monthly_quality_cost_delta"), r("monthly_api_cost"))),
    );
    d.q(
        "payback_beyond_lifetime",
        "No payback within the lifetime",
        Unit::YesNo,
        "Whether the project fails to pay for itself before the model is retired.",
        test(not(is_number(r("payback_months")))),
    );
    d.q(
        "too_few_training_runs",
        "Fewer runs than typical",
        Unit::YesNo,
        "Whether fewer training runs are budgeted than typically needed.",
        test(lt(r("training_runs"), r("rule_min_training_runs"))),
    );
    d.q(
        "engineering_hours_below_typical",
        "Engineering hours below typical",
        Unit::YesNo,
        "Whether engineering hours are below the low end of typical projects.",
        test(lt(
            r("engineering_hours_total"),
            r("rule_min_engineering_hours"),
        )),
    );
}
