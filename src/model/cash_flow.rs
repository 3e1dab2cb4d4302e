//! The cash flow month by month over the lifetime: month 0 pays the project,
//! then each month's net saving.

use super::expr::build::*;
use super::expr::{Cmp, Expr};
use super::{row, Defs, Role, Sheet, TimelineRow};
use crate::format::Unit;

/// The timeline's rows, each evaluated for every month.
pub(super) fn timeline() -> Vec<TimelineRow> {
    // --- Cash flow over the lifetime ---
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
            "cf_api_cost_avoided",
            "API cost avoided",
            Unit::UsdPerMonth,
            "The month's API bill, no longer paid.",
            mul(r("monthly_api_cost"), r("cf_volume_factor")),
        ),
        row(
            "cf_serving_cost",
            "Serving",
            Unit::UsdPerMonth,
            "The month's serving instances.",
            mul(r("monthly_serving_cost"), r("cf_in_service")),
        ),
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
            "API cost avoided less serving, storage, review delta and project cost.",
            sub(
                r("cf_api_cost_avoided"),
                sum(vec![
                    r("cf_serving_cost"),
                    r("cf_storage_cost"),
                    r("cf_review_delta"),
                    r("cf_project_cost"),
                ]),
            ),
        ),
        row(
            "cf_cumulative",
            "Cumulative cash flow",
            Unit::Usd,
            "Net cash flow summed from month 0.",
            Expr::CumSum("cf_net".to_string()),
        ),
        row(
            "cf_paid_back",
            "Paid back",
            Unit::Count,
            "1 once the cumulative cash flow is no longer negative.",
            if_(cmp(Cmp::Ge, r("cf_cumulative"), n(0.0)), n(1.0), n(0.0)),
        ),
    ]
}

/// The payback month and lifetime total read off the timeline.
pub(super) fn define(d: &mut Defs) {
    d.on(Sheet::CashFlow);
    d.q("cashflow_payback_month", "Payback month (cash flow)", Unit::Months,
        "The first month whose cumulative cash flow is not negative; never within the lifetime otherwise.",
        if_(is_number(Expr::FirstOne("cf_paid_back".to_string())), sub(Expr::FirstOne("cf_paid_back".to_string()), n(1.0)), Expr::Never))
    .with(Role::Traced, 13);
    d.q(
        "cashflow_lifetime_net",
        "Cumulative at the end of the lifetime",
        Unit::Usd,
        "The cash flow summed over the whole timeline.",
        sum(vec![Expr::CumSum("cf_net".to_string())]),
    );
}
