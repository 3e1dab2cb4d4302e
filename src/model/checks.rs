//! The checks: each 0 when it holds and 1 when it fails; the master check is
//! the largest.

use super::comparison::CandidateTable;
use super::expr::build::*;
use super::expr::{Cmp, Cond, Expr};
use super::{Defs, Role, Sheet};
use crate::format::Unit;
use crate::inputs::{Bounds, Inputs};
use crate::value::Value;

/// The checks over the components, the cash flow, the inputs' ranges and error values.
pub(super) fn define(d: &mut Defs, inputs: &Inputs, table: &CandidateTable) {
    // --- Checks: 0 holds, 1 fails ---
    d.on(Sheet::Checks);
    let tolerance = || div(n(1.0), n(1_000_000.0));
    let parts = sum([
        vec![r("monthly_serving_cost")],
        super::managed_parts(&inputs.shape, "monthly_managed_inference_cost"),
        vec![
            r("monthly_storage_cost"),
            r("monthly_amortized_project_cost"),
            r("monthly_quality_cost_delta"),
            r("monthly_running_cost"),
        ],
    ]
    .concat());
    d.q("check_ft_total_is_sum_of_parts", "Fine-tuned total equals the sum of its parts", Unit::Count,
        "Serving (or the managed model's tokens) + storage + amortization + quality delta + running costs, added again, must equal the fine-tuned total.",
        robust(if_(gt(abs(sub(r("monthly_ft_total"), parts)), mul(tolerance(), max(n(1.0), abs(r("monthly_ft_total"))))), n(1.0), n(0.0))))
    .role(Role::Check);
    d.q("check_running_costs_agree", "Running costs agree with the timeline", Unit::Count,
        "The monthly running costs over the lifetime must equal the maintenance and retraining the timeline pays.",
        robust(if_(gt(abs(add(mul(r("monthly_running_cost"), r("lifetime_months")), add(r("bridge_maintenance"), r("bridge_retraining")))),
                      mul(tolerance(), max(n(1.0), abs(mul(r("monthly_running_cost"), r("lifetime_months")))))), n(1.0), n(0.0))))
    .role(Role::Check);
    d.q("check_bridge_sums", "The reference case's formula reconciles with the timeline", Unit::Count,
        "The reference case's flat net plus maintenance, retraining, growth and the price trend, each computed on its own, must equal the timeline's net over the lifetime.",
        robust(if_(gt(abs(sub(r("lifetime_net"), sum(vec![r("flat_lifetime_net"), r("bridge_maintenance"), r("bridge_retraining"), r("bridge_growth"), r("bridge_price_trend")]))),
                      mul(tolerance(), max(n(1.0), max(abs(r("lifetime_net")), abs(r("lifetime_api_cost")))))), n(1.0), n(0.0))))
    .role(Role::Check);
    let range_violations: Vec<Cond> = inputs
        .items
        .iter()
        .filter(|i| matches!(i.value, Value::Num(_)))
        .flat_map(|i| outside(&i.id, &i.bounds))
        .collect();
    d.q("check_timeline_covers_lifetime", "Timeline covers the lifetime", Unit::Count,
        "The Cash flow sheet has a column for every month of the lifetime (it was laid out for the plan's lifetime; a longer one needs a new run).",
        robust(if_(gt(r("lifetime_months"), sub(row_length("cf_in_service"), n(1.0))), n(1.0), n(0.0))))
    .role(Role::Check);
    // The bounds are tested a few dozen inputs to a cell, so that no formula
    // outgrows a spreadsheet's limit however many inputs a plan has.
    let parts: Vec<Expr> = range_violations
        .chunks(RANGE_CONDITIONS_PER_CELL)
        .enumerate()
        .map(|(k, part)| {
            let id = format!("check_inputs_in_range_part_{}", k + 1);
            d.q(
                &id,
                &format!("Inputs within their ranges, part {}", k + 1),
                Unit::Count,
                "One part of the range check: each of these inputs within the bounds beside it on the Inputs sheet.",
                robust(if_(or(part.to_vec()), n(1.0), n(0.0))),
            )
            .role(Role::Check);
            r(&id)
        })
        .collect();
    let all_parts = parts.into_iter().reduce(max).unwrap_or_else(|| n(0.0));
    d.q(
        "check_inputs_in_range",
        "Inputs within their ranges",
        Unit::Count,
        "Each input within its bounds, read from the Minimum and Maximum columns of the Inputs sheet: rates from 0 to 1, amounts not negative, and so on.",
        robust(all_parts),
    )
    .role(Role::Check);
    // The table of candidates is watched a column at a time (its largest
    // number is an error when any cell is), so that the formula does not
    // grow with the number of candidates.
    let watched: Vec<Cond> = d
        .out
        .iter()
        .filter(|q| q.sheet != Sheet::Checks && !q.has(Role::TableCell))
        .map(|q| is_error(r(&q.id)))
        .chain(
            table
                .columns
                .iter()
                .map(|c| is_error(column_max(&c.column))),
        )
        .collect();
    d.q(
        "check_no_error_values",
        "No error values",
        Unit::Count,
        "No calculation cell shows an error such as #DIV/0! or #VALUE!.",
        if_(or(watched), n(1.0), n(0.0)),
    )
    .role(Role::Check);
    d.q(
        "master_check",
        "Master check",
        Unit::Count,
        "The largest of the checks: 0 when every check holds.",
        max(
            max(
                r("check_ft_total_is_sum_of_parts"),
                max(
                    max(r("check_bridge_sums"), r("check_running_costs_agree")),
                    r("check_timeline_covers_lifetime"),
                ),
            ),
            max(r("check_inputs_in_range"), r("check_no_error_values")),
        ),
    )
    .role(Role::Check);
}

/// How many bound conditions one cell of the range check tests.
const RANGE_CONDITIONS_PER_CELL: usize = 24;

/// A check that also fails (1) when its own formula meets an error value.
fn robust(check: Expr) -> Expr {
    if_error(check, n(1.0))
}

/// The conditions under which an input is outside its bounds: below its
/// minimum, above its maximum (none for an input without bounds), each read
/// from the cell beside the input that holds it.
fn outside(id: &str, bounds: &Bounds) -> Vec<Cond> {
    let below = bounds.min.is_finite().then(|| {
        let op = if bounds.min_inclusive {
            Cmp::Lt
        } else {
            Cmp::Le
        };
        cmp(op, r(id), r(&super::bound_min_id(id)))
    });
    let above = bounds.max.map(|_| gt(r(id), r(&super::bound_max_id(id))));
    below.into_iter().chain(above).collect()
}
