//! The cash flow month by month over the lifetime: month 0 pays the project,
//! then each month's net saving.

use super::expr::build::*;
use super::expr::{Cmp, Expr};
use super::{
    managed_parts, row, unless_managed, unless_managed_holds, Defs, Role, Sheet, TimelineRow,
};
use crate::format::Unit;
use crate::inputs::Shape;

/// The timeline's rows, each evaluated for every month.
pub(super) fn timeline(shape: &Shape) -> Vec<TimelineRow> {
    // --- Cash flow over the lifetime ---
    let mut rows = traffic();
    rows.extend(instances(shape));
    rows.extend(money(shape));
    rows.extend(discounted());
    rows
}

/// Traffic month by month, and the API bill it avoids.
fn traffic() -> Vec<TimelineRow> {
    vec![
        row(
            "cf_in_service",
            "In service",
            Unit::Count,
            "1 in months 1 to the lifetime, 0 in month 0 (the project month).",
            if_(
                and(vec![
                    gt(Expr::Period, n(0.0)),
                    cmp(Cmp::Le, Expr::Period, r("lifetime_months")),
                ]),
                n(1.0),
                n(0.0),
            ),
        ),
        row(
            "cf_volume_factor",
            "Traffic relative to today",
            Unit::Multiplier,
            "Today's traffic grown by the monthly growth rate; 0 outside service.",
            mul(
                r("cf_in_service"),
                pow(
                    add(n(1.0), r("volume_growth_per_month")),
                    max(n(0.0), sub(Expr::Period, n(1.0))),
                ),
            ),
        ),
        row(
            "cf_api_price_factor",
            "API prices relative to today",
            Unit::Multiplier,
            "Today's API prices moved by the yearly price change, month by month.",
            pow(
                add(n(1.0), r("api_price_change_per_year")),
                div(max(n(0.0), sub(Expr::Period, n(1.0))), n(12.0)),
            ),
        ),
        row(
            "cf_api_cost_avoided",
            "API cost avoided",
            Unit::UsdPerMonth,
            "The month's API bill at the month's traffic and prices, no longer paid.",
            mul(
                r("monthly_api_cost"),
                mul(r("cf_volume_factor"), r("cf_api_price_factor")),
            ),
        ),
    ]
}

/// The instances each month pays for: with a known throughput and auto
/// sizing, as many as the month's traffic needs (at least the plan's).
fn instances(shape: &Shape) -> Vec<TimelineRow> {
    if !shape.has_throughput {
        return vec![
            row(
                "cf_instances",
                "Instances paid for",
                Unit::Instances,
                "The plan's instances while in service.",
                mul(r("serving_instances"), r("cf_in_service")),
            ),
            row(
                "cf_off_peak_instances",
                "Off-peak instances paid for",
                Unit::Instances,
                "The instances kept in the quiet window while in service.",
                mul(r("off_peak_instances"), r("cf_in_service")),
            ),
        ];
    }
    vec![
        row(
            "cf_instances_needed",
            "Instances the traffic needs",
            Unit::Instances,
            "The month's traffic at the target utilization over one instance's throughput, rounded up (in whole model copies where the GPUs are known).",
            super::serving::instances_for(
                shape,
                mul(
                    r("required_throughput_tokens_per_second"),
                    r("cf_volume_factor"),
                ),
            ),
        ),
        row(
            "cf_instances",
            "Instances paid for",
            Unit::Instances,
            "Auto sizing: the plan's instances or the needed ones, whichever is more; fixed: the plan's; 0 outside service.",
            mul(
                r("cf_in_service"),
                if_(
                    eq(r("serving_sizing"), t("fixed")),
                    r("serving_instances"),
                    max(r("serving_instances"), r("cf_instances_needed")),
                ),
            ),
        ),
        row(
            "cf_off_peak_instances_needed",
            "Instances the quiet window needs",
            Unit::Instances,
            "The month's quiet-window traffic at the target utilization over one instance's throughput, rounded up (in whole model copies where the GPUs are known).",
            super::serving::instances_for(
                shape,
                mul(
                    r("off_peak_required_throughput_tokens_per_second"),
                    r("cf_volume_factor"),
                ),
            ),
        ),
        row(
            "cf_off_peak_instances",
            "Off-peak instances paid for",
            Unit::Instances,
            "Auto sizing: those kept or those the quiet window needs, whichever is more; fixed: those kept; 0 outside service.",
            mul(
                r("cf_in_service"),
                if_(
                    eq(r("serving_sizing"), t("fixed")),
                    r("off_peak_instances"),
                    max(r("off_peak_instances"), r("cf_off_peak_instances_needed")),
                ),
            ),
        ),
        row(
            "cf_capacity_short",
            "Short of capacity",
            Unit::Count,
            "1 in a month whose traffic needs more instances than are paid for, at peak or in the quiet window (never when managed).",
            unless_managed(
                shape,
                if_(
                    or(vec![
                        gt(r("cf_instances_needed"), r("cf_instances")),
                        gt(r("cf_off_peak_instances_needed"), r("cf_off_peak_instances")),
                    ]),
                    n(1.0),
                    n(0.0),
                ),
            ),
        ),
    ]
}

/// Each month's costs, net cash flow, running total and payback.
fn money(shape: &Shape) -> Vec<TimelineRow> {
    let mut rows = vec![
        row(
            "cf_serving_cost",
            "Serving",
            Unit::UsdPerMonth,
            "The month's instances at the cost per instance-month, and its off-peak instances over the quiet hours; none when managed.",
            unless_managed(
                shape,
                add(
                    mul(r("serving_cost_per_instance_month"), r("cf_instances")),
                    mul(
                        r("off_peak_cost_per_instance_month"),
                        r("cf_off_peak_instances"),
                    ),
                ),
            ),
        ),
    ];
    if shape.managed {
        rows.push(row(
            "cf_managed_inference_cost",
            "Managed model's tokens",
            Unit::UsdPerMonth,
            "The month's tokens at the managed model's prices, which move with the API's.",
            mul(
                r("monthly_managed_inference_cost"),
                mul(r("cf_volume_factor"), r("cf_api_price_factor")),
            ),
        ));
    }
    rows.extend([
        row(
            "cf_storage_cost",
            "Storage",
            Unit::UsdPerMonth,
            "The month's weight storage.",
            mul(r("monthly_storage_cost"), r("cf_in_service")),
        ),
        row(
            "cf_review_delta",
            "Review cost delta",
            Unit::UsdPerMonth,
            "The month's extra human review, growing with traffic.",
            mul(r("monthly_quality_cost_delta"), r("cf_volume_factor")),
        ),
        row(
            "cf_maintenance_cost",
            "Maintenance",
            Unit::UsdPerMonth,
            "The month's maintenance, monitoring and on-call hours at the hourly rate.",
            mul(r("monthly_maintenance_cost"), r("cf_in_service")),
        ),
        row(
            "cf_retraining_cost",
            "Retraining",
            Unit::UsdPerMonth,
            "In every retraining month before the end of the lifetime: the cost of one retraining.",
            if_(
                gt(r("retrain_every_months"), n(0.0)),
                if_(
                    and(vec![
                        gt(Expr::Period, n(0.0)),
                        lt(Expr::Period, r("lifetime_months")),
                        eq(
                            mul(
                                round_down(div(Expr::Period, r("retrain_every_months"))),
                                r("retrain_every_months"),
                            ),
                            Expr::Period,
                        ),
                    ]),
                    r("retraining_cost_each"),
                    n(0.0),
                ),
                n(0.0),
            ),
        ),
        row(
            "cf_project_cost",
            "Project cost",
            Unit::Usd,
            "The one-time project cost, paid in month 0.",
            if_(eq(Expr::Period, n(0.0)), r("total_project_cost"), n(0.0)),
        ),
        row(
            "cf_net",
            "Net cash flow",
            Unit::UsdPerMonth,
            "API cost avoided less serving (or the managed model's tokens), storage, review delta, maintenance, retraining and project cost.",
            sub(
                r("cf_api_cost_avoided"),
                sum([
                    vec![r("cf_serving_cost")],
                    managed_parts(shape, "cf_managed_inference_cost"),
                    vec![
                        r("cf_storage_cost"),
                        r("cf_review_delta"),
                        r("cf_maintenance_cost"),
                        r("cf_retraining_cost"),
                        r("cf_project_cost"),
                    ],
                ]
                .concat()),
            ),
        ),
        row(
            "cf_cumulative",
            "Cumulative cash flow",
            Unit::Usd,
            "Net cash flow summed from month 0.",
            cum_sum("cf_net"),
        ),
        row(
            "cf_paid_back",
            "Paid back",
            Unit::Count,
            "1 once the cumulative cash flow is no longer negative.",
            if_(cmp(Cmp::Ge, r("cf_cumulative"), n(0.0)), n(1.0), n(0.0)),
        ),
        row(
            "cf_months_to_payback",
            "Share of the month before payback",
            Unit::Months,
            "1 for a month that ends before the project has paid back, the fraction of the month it takes in the month it does, 0 after.",
            if_(
                or(vec![
                    eq(Expr::Period, n(0.0)),
                    gt(sub(cum_sum("cf_paid_back"), r("cf_paid_back")), n(0.0)),
                ]),
                n(0.0),
                if_(
                    cmp(Cmp::Ge, r("cf_cumulative"), n(0.0)),
                    div(sub(r("cf_net"), r("cf_cumulative")), r("cf_net")),
                    n(1.0),
                ),
            ),
        ),
    ]);
    rows.extend(reconciliation(shape));
    rows
}

/// What moves each month's net away from today's savings before
/// amortization: traffic growth (with the instances it needs) and the API
/// price trend. With running costs and the project they reconcile the
/// lesson's flat formula with the timeline.
fn reconciliation(shape: &Shape) -> Vec<TimelineRow> {
    let per_token = |api: Expr| {
        if shape.managed {
            sub(api, r("monthly_managed_inference_cost"))
        } else {
            api
        }
    };
    vec![
        row(
            "cf_growth_effect",
            "Effect of traffic growth",
            Unit::UsdPerMonth,
            "The month's API bill less the managed model's tokens and the review delta at the month's traffic instead of today's, less the serving paid beyond today's: what growth adds at today's prices.",
            sub(
                mul(
                    sub(per_token(r("monthly_api_cost")), r("monthly_quality_cost_delta")),
                    sub(r("cf_volume_factor"), r("cf_in_service")),
                ),
                sub(
                    r("cf_serving_cost"),
                    mul(r("monthly_serving_cost"), r("cf_in_service")),
                ),
            ),
        ),
        row(
            "cf_price_trend_effect",
            "Effect of the API price trend",
            Unit::UsdPerMonth,
            "The month's API bill less the managed model's tokens, at the month's traffic, times the move in prices since today.",
            mul(
                per_token(r("monthly_api_cost")),
                mul(
                    r("cf_volume_factor"),
                    sub(r("cf_api_price_factor"), n(1.0)),
                ),
            ),
        ),
    ]
}

/// The cash flow discounted to today: each month's net at the discount
/// rate, its running total and the discounted payback.
fn discounted() -> Vec<TimelineRow> {
    vec![
        row(
            "cf_discount_factor",
            "Discount factor",
            Unit::Multiplier,
            "What a dollar of the month is worth today: 1 / (1 + yearly rate) ^ (month / 12).",
            pow(
                add(n(1.0), r("discount_rate_per_year")),
                div(neg(Expr::Period), n(12.0)),
            ),
        ),
        row(
            "cf_discounted_service",
            "Discounted month in service",
            Unit::Multiplier,
            "The discount factor in months in service, 0 otherwise: what a dollar a month of running cost weighs.",
            mul(r("cf_discount_factor"), r("cf_in_service")),
        ),
        row(
            "cf_discounted_net",
            "Discounted net cash flow",
            Unit::UsdPerMonth,
            "The month's net cash flow at today's value.",
            mul(r("cf_net"), r("cf_discount_factor")),
        ),
        row(
            "cf_discounted_cumulative",
            "Cumulative discounted cash flow",
            Unit::Usd,
            "Discounted net cash flow summed from month 0: the net present value so far.",
            cum_sum("cf_discounted_net"),
        ),
        row(
            "cf_discounted_paid_back",
            "Paid back at today's value",
            Unit::Count,
            "1 once the cumulative discounted cash flow is no longer negative.",
            if_(
                cmp(Cmp::Ge, r("cf_discounted_cumulative"), n(0.0)),
                n(1.0),
                n(0.0),
            ),
        ),
        row(
            "cf_discounted_months_to_payback",
            "Share of the month before discounted payback",
            Unit::Months,
            "As the undiscounted share, on the discounted cash flow.",
            if_(
                or(vec![
                    eq(Expr::Period, n(0.0)),
                    gt(
                        sub(
                            cum_sum("cf_discounted_paid_back"),
                            r("cf_discounted_paid_back"),
                        ),
                        n(0.0),
                    ),
                ]),
                n(0.0),
                if_(
                    cmp(Cmp::Ge, r("cf_discounted_cumulative"), n(0.0)),
                    div(
                        sub(r("cf_discounted_net"), r("cf_discounted_cumulative")),
                        r("cf_discounted_net"),
                    ),
                    n(1.0),
                ),
            ),
        ),
    ]
}

/// The payback, the lifetime totals and the feasibility read off the timeline.
pub(super) fn define(d: &mut Defs, shape: &Shape) {
    d.on(Sheet::CashFlow);
    d.q(
        "payback_months",
        "Payback",
        Unit::Months,
        "Months until the cumulative cash flow reaches zero, counting the part of the month it takes; never within the lifetime otherwise. With flat traffic it equals the project cost over today's savings before amortization.",
        if_(
            is_number(first_one("cf_paid_back")),
            cum_sum("cf_months_to_payback"),
            Expr::Never,
        ),
    )
    .with(Role::Headline, 4)
    .with(Role::KeyFigure, 4)
    .with(Role::Simulated, 2)
    .with(Role::CandidateFigure, 3)
    .with(Role::OptionFigure, 4)
    .with(Role::Tracked, 4)
    .with(Role::Traced, 4)
    .with(Role::Lifetime, 1);
    d.q("cashflow_payback_month", "Payback month (cash flow)", Unit::Months,
        "The first month whose cumulative cash flow is not negative; never within the lifetime otherwise.",
        if_(is_number(first_one("cf_paid_back")), sub(first_one("cf_paid_back"), n(1.0)), Expr::Never))
    .with(Role::Traced, 13);
    d.q(
        "lifetime_net",
        "Net over the lifetime",
        Unit::Usd,
        "The cash flow summed over the whole timeline: every month's avoided API bill less its running costs, less the project.",
        sum(vec![cum_sum("cf_net")]),
    )
    .with(Role::Bridge, 6)
    .with(Role::Headline, 9)
    .with(Role::Simulated, 4)
    .with(Role::CandidateFigure, 2)
    .with(Role::OptionFigure, 6)
    .with(Role::Traced, 9)
    .with(Role::Lifetime, 3);
    d.q(
        "lifetime_api_cost",
        "API bill over the lifetime",
        Unit::Usd,
        "The API bills the timeline avoids, summed.",
        sum(vec![cum_sum("cf_api_cost_avoided")]),
    );
    d.q(
        "lifetime_savings_share",
        "Net as a share of the API bill",
        Unit::Fraction,
        "Net over the lifetime divided by the API bill over the lifetime.",
        div_if_positive(r("lifetime_net"), r("lifetime_api_cost")),
    )
    .with(Role::CandidateFigure, 4);
    time_value(d);
    bridge(d);
    let mut holds = Vec::new();
    if shape.has_serving_memory {
        holds.push(truthy(r("serving_model_fits")));
        if !shape.has_throughput {
            holds.push(truthy(r("serving_instances_hold_a_copy")));
        }
    }
    if shape.has_throughput {
        d.q(
            "months_short_of_capacity",
            "Months short of capacity",
            Unit::Months,
            "Months whose traffic needs more instances than are paid for (only with fixed sizing).",
            sum(vec![cum_sum("cf_capacity_short")]),
        );
        holds.push(eq(r("months_short_of_capacity"), n(0.0)));
    }
    d.q(
        "feasible",
        "Feasible as planned",
        Unit::YesNo,
        "Whether the model fits its GPUs and the instances paid for carry every month's traffic (yes when managed, and where the plan does not say enough to tell), and the candidate meets the plan's hard requirements where it has them.",
        match (holds.is_empty(), shape.has_requirements) {
            (true, false) => Expr::Bool(true),
            (true, true) => r("meets_requirements"),
            (false, false) => unless_managed_holds(shape, and(holds)),
            (false, true) => test(and(vec![
                truthy(unless_managed_holds(shape, and(holds))),
                truthy(r("meets_requirements")),
            ])),
        },
    )
    .with(Role::Simulated, 5)
    .with(Role::CandidateFigure, 1);
}

/// The lesson's flat formula reconciled with the timeline, term by term:
/// each term is computed on its own, and a check holds that they sum.
fn bridge(d: &mut Defs) {
    d.q(
        "bridge_maintenance",
        "Maintenance over the lifetime",
        Unit::Usd,
        "The timeline's maintenance summed, as a reduction of the reference case's net.",
        neg(sum(vec![cum_sum("cf_maintenance_cost")])),
    )
    .with(Role::Bridge, 2);
    d.q(
        "bridge_retraining",
        "Retraining over the lifetime",
        Unit::Usd,
        "The timeline's retraining summed, as a reduction of the reference case's net.",
        neg(sum(vec![cum_sum("cf_retraining_cost")])),
    )
    .with(Role::Bridge, 3);
    d.q(
        "bridge_growth",
        "Traffic growth",
        Unit::Usd,
        "The timeline's growth effects summed: the bills avoided and the review delta at the grown traffic, less the serving bought for it.",
        sum(vec![cum_sum("cf_growth_effect")]),
    )
    .with(Role::Bridge, 4);
    d.q(
        "bridge_price_trend",
        "API price trend",
        Unit::Usd,
        "The timeline's price-trend effects summed: the bills avoided (less the managed model's tokens) at the month's prices instead of today's.",
        sum(vec![cum_sum("cf_price_trend_effect")]),
    )
    .with(Role::Bridge, 5);
    d.q(
        "bridge_discounting",
        "Discounting to today",
        Unit::Usd,
        "The net present value less the undiscounted net over the lifetime: what waiting for the savings costs at the discount rate.",
        sub(r("npv"), r("lifetime_net")),
    )
    .with(Role::Bridge, 7);
}

/// The net present value, the discounted payback and the internal rate of
/// return, read off the discounted timeline.
fn time_value(d: &mut Defs) {
    d.q(
        "npv",
        "Net present value",
        Unit::Usd,
        "The cash flow over the lifetime at today's value: each month's net discounted at the yearly rate. The decision's lifetime figure.",
        sum(vec![cum_sum("cf_discounted_net")]),
    )
    .with(Role::Bridge, 8)
    .with(Role::Headline, 9)
    .with(Role::KeyFigure, 7)
    .with(Role::CandidateFigure, 7)
    .with(Role::OptionFigure, 6)
    .with(Role::Traced, 9)
    .with(Role::Lifetime, 4);
    d.q(
        "discounted_payback_months",
        "Discounted payback",
        Unit::Months,
        "Months until the cumulative discounted cash flow reaches zero, counting the part of the month it takes; never within the lifetime otherwise.",
        if_(
            is_number(first_one("cf_discounted_paid_back")),
            cum_sum("cf_discounted_months_to_payback"),
            Expr::Never,
        ),
    )
    .with(Role::Headline, 4)
    .with(Role::Traced, 4)
    .with(Role::Lifetime, 2);
    d.q(
        "cf_sign_changes",
        "Sign changes in the net cash flow",
        Unit::Count,
        "How many times the net cash flow turns from negative to positive or back from one month to the next (a zero month counts as positive): with one change the project has one rate of return; with more it can have several.",
        sign_changes_of("cf_net", "cf_in_service"),
    );
    d.q(
        "irr_guess",
        "Starting guess for the rate of return",
        Unit::ReturnRate,
        "The monthly rate that grows the project cost into the later months' total over the lifetime (0 where they total nothing): where the spreadsheet's IRR starts its search. It does not change a unique rate of return, only helps a spreadsheet find a negative one.",
        if_(
            and(vec![
                gt(r("total_project_cost"), n(0.0)),
                gt(add(r("lifetime_net"), r("total_project_cost")), n(0.0)),
            ]),
            sub(
                pow(
                    div(
                        add(r("lifetime_net"), r("total_project_cost")),
                        r("total_project_cost"),
                    ),
                    div(n(1.0), r("lifetime_months")),
                ),
                n(1.0),
            ),
            n(0.0),
        ),
    );
    d.q(
        "irr_monthly",
        "Internal rate of return per month",
        Unit::ReturnRate,
        "The monthly rate at which the net cash flow's present value is zero: negative when the project recovers only part of its cost; not unique when the flows change sign more than once (the net present value is then the figure to use); none when the project costs nothing or recovers nothing.",
        if_(
            gt(r("cf_sign_changes"), n(1.0)),
            t("not unique (use the net present value)"),
            if_(
                and(vec![
                    gt(r("total_project_cost"), n(0.0)),
                    eq(r("cf_sign_changes"), n(1.0)),
                ]),
                if_error(
                    irr_of("cf_net", r("irr_guess")),
                    t("none"),
                ),
                t("none"),
            ),
        ),
    );
    d.q(
        "irr_annual",
        "Internal rate of return per year",
        Unit::ReturnRate,
        "The monthly internal rate of return compounded over twelve months, to compare with the discount rate (in words where it has no figure).",
        // From 100% a month the yearly figure says nothing more (and soon
        // overflows): its words.
        if_(
            is_number(r("irr_monthly")),
            if_(
                lt(r("irr_monthly"), n(1.0)),
                sub(pow(add(n(1.0), r("irr_monthly")), n(12.0)), n(1.0)),
                t("over 1,000%"),
            ),
            r("irr_monthly"),
        ),
    )
    .with(Role::Headline, 9)
    .with(Role::Traced, 9)
    .with(Role::Lifetime, 5);
    d.q(
        "discounted_service_months",
        "Discounted months in service",
        Unit::Months,
        "The discount factors of the months in service, summed: what a dollar a month of running cost weighs over the lifetime at today's value.",
        sum(vec![cum_sum("cf_discounted_service")]),
    );
    d.q(
        "maintenance_hours_to_break_even",
        "Maintenance hours a month that end the case",
        Unit::HoursPerMonth,
        "The monthly maintenance hours at which the net present value falls to zero; never when it is not positive now.",
        if_(
            and(vec![
                gt(r("npv"), n(0.0)),
                gt(
                    mul(r("engineer_hourly_rate"), r("discounted_service_months")),
                    n(0.0),
                ),
            ]),
            add(
                r("maintenance_hours_per_month"),
                div(
                    r("npv"),
                    mul(r("engineer_hourly_rate"), r("discounted_service_months")),
                ),
            ),
            Expr::Never,
        ),
    );
}
