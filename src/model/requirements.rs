//! The plan's hard requirements, checked per candidate: the data staying in
//! house and a latency limit. A candidate that breaks one is not feasible,
//! the API included; a latency that is not known is said as unknown and
//! rules nothing out. Defined only where the plan has `requirements`, so a
//! plan without them keeps its figures.

use super::expr::build::*;
use super::expr::{Cmp, Expr};
use super::{managed, Defs, Role, Sheet};
use crate::format::Unit;
use crate::inputs::Shape;

/// What a candidate's latency cell holds when nothing tells it.
pub(super) fn unknown() -> Expr {
    t("unknown")
}

/// Each candidate's requirement checks: the plan's (and so each option's)
/// and the API's.
pub(super) fn define(d: &mut Defs, shape: &Shape) {
    if !shape.has_requirements {
        return;
    }
    d.on(Sheet::Decision);
    let known_latency = shape.has_latency_limit && shape.has_throughput;
    if known_latency {
        let estimate = mul(
            div(
                r("avg_input_tokens_per_request"),
                r("serving_prefill_tokens_per_second"),
            ),
            n(1000.0),
        );
        d.q(
            "latency_estimate_ms",
            "Time to the first token, estimated",
            Unit::Milliseconds,
            "The prompt read at one instance's prefill rate: the time to the first token of a request that does not wait in a queue (unknown for a managed offer).",
            if shape.managed {
                if_(managed(), unknown(), estimate)
            } else {
                estimate
            },
        )
        .with(Role::CandidateFigure, 9);
    }
    if shape.has_latency_limit {
        d.q(
            "meets_latency_limit",
            "Within the latency limit",
            Unit::YesNo,
            "Whether the candidate's time to the first token is within the limit; yes where it is unknown, which the memo says.",
            if known_latency {
                test(or(vec![
                    not(is_number(r("latency_estimate_ms"))),
                    cmp(Cmp::Le, r("latency_estimate_ms"), r("latency_limit_ms")),
                ]))
            } else {
                Expr::Bool(true)
            },
        );
    }
    let mut holds = Vec::new();
    if shape.managed {
        holds.push(or(vec![
            not(truthy(r("data_must_stay_in_house"))),
            not(managed()),
        ]));
    }
    if shape.has_latency_limit {
        holds.push(truthy(r("meets_latency_limit")));
    }
    d.q(
        "meets_requirements",
        "Meets the requirements",
        Unit::YesNo,
        "Whether the candidate meets the plan's hard requirements: a managed offer run by a third party keeps no data in house; a known latency is within the limit.",
        if holds.is_empty() {
            Expr::Bool(true)
        } else {
            test(and(holds))
        },
    );
    let mut api = vec![not(truthy(r("data_must_stay_in_house")))];
    if shape.has_latency_limit && shape.has_api_latency {
        api.push(cmp(Cmp::Le, r("api_latency_ms"), r("latency_limit_ms")));
    }
    d.q(
        "api_meets_requirements",
        "The API meets the requirements",
        Unit::YesNo,
        "Whether the API meets the plan's hard requirements: the data may leave the house, and its measured latency (where measured) is within the limit.",
        test(and(api)),
    );
}

/// The API's latency cell of the candidates' table: the plan's measurement,
/// or unknown.
pub(super) fn api_latency(shape: &Shape) -> Expr {
    if shape.has_api_latency {
        r("api_latency_ms")
    } else {
        unknown()
    }
}

/// Whether a candidate's latency can be estimated at all.
pub(super) fn has_latency_column(shape: &Shape) -> bool {
    shape.has_requirements && shape.has_latency_limit
}

/// A latency cell shown in words: the figure in ms, or unknown.
pub(super) fn latency_words(cell: Expr) -> Expr {
    if_(
        is_number(cell.clone()),
        concat(vec![fmt(cell, super::expr::TextFormat::Whole), t(" ms")]),
        unknown(),
    )
}
