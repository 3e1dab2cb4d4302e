//! Component 4: the change in human-review cost (monthly).

use super::expr::build::*;
use super::{m, Defs, Role, Sheet};
use crate::format::Unit;

/// Review cost on the API and fine-tuned, and the delta.
pub(super) fn define(d: &mut Defs) {
    // --- Component 4: quality ---
    d.on(Sheet::Quality);
    d.q(
        "monthly_review_cost_api",
        "Monthly review cost on the API",
        Unit::UsdPerMonth,
        "Requests × API review rate × cost per review.",
        product(vec![
            r("monthly_requests"),
            r("review_rate_api"),
            r("cost_per_review"),
        ]),
    );
    d.q(
        "monthly_review_cost_ft",
        "Monthly review cost fine-tuned",
        Unit::UsdPerMonth,
        "Requests × fine-tuned review rate × cost per review.",
        product(vec![
            r("monthly_requests"),
            r("review_rate_ft"),
            r("cost_per_review"),
        ]),
    );
    d.q(
        "monthly_quality_cost_delta",
        "Monthly quality cost delta",
        Unit::UsdPerMonth,
        "Extra review cost of the fine-tuned model (negative when it needs fewer reviews).",
        sub(r("monthly_review_cost_ft"), r("monthly_review_cost_api")),
    )
    .with(Role::Composition, 5)
    .short("Extra human review");
    d.q("review_cost_delta_per_1m_tokens", "Review cost delta per 1M tokens", Unit::UsdPer1MTokens,
        "The review delta per request spread over its tokens: it grows with volume like the API bill.",
        div(
            product(vec![sub(r("review_rate_ft"), r("review_rate_api")), r("cost_per_review"), m()]),
            r("tokens_per_request"),
        ))
    .with(Role::BreakEven, 5);
}
