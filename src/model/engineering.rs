//! Component 2: engineering time from data to production (one-time).

use super::expr::build::*;
use super::{Defs, Sheet};
use crate::format::Unit;
use crate::inputs::Shape;

/// The phases' hours and their cost.
pub(super) fn define(d: &mut Defs, shape: &Shape) {
    // --- Component 2: engineering ---
    d.on(Sheet::Engineering);
    d.q(
        "engineering_hours_total",
        "Engineering hours",
        Unit::Hours,
        "All phases from data to production (for kind: api, the hours of prompt work).",
        {
            let phases = sum(shape.phase_ids.iter().map(|id| r(id)).collect());
            if shape.managed {
                if_(super::api_candidate(), r("prompt_work_hours"), phases)
            } else {
                phases
            }
        },
    );
    d.q(
        "engineering_cost",
        "Engineering cost",
        Unit::Usd,
        "Hours × hourly rate (one-time).",
        mul(r("engineering_hours_total"), r("engineer_hourly_rate")),
    );
}
