//! The API baseline: what the API costs at today's traffic and prices.

use super::expr::build::*;
use super::expr::Expr;
use super::{m, Defs, Role, Sheet};
use crate::format::Unit;
use crate::inputs::Inputs;

/// Traffic, tokens and the API bill; the actuals against the forecast when given.
pub(super) fn define(d: &mut Defs, inputs: &Inputs) {
    // --- Baseline API cost ---
    d.on(Sheet::Baseline);
    d.q(
        "daily_input_tokens",
        "Input tokens per day",
        Unit::TokensPerDay,
        "Prompt tokens sent to the API each day.",
        mul(r("requests_per_day"), r("avg_input_tokens_per_request")),
    );
    d.q(
        "daily_output_tokens",
        "Output tokens per day",
        Unit::TokensPerDay,
        "Completion tokens returned by the API each day.",
        mul(r("requests_per_day"), r("avg_output_tokens_per_request")),
    );
    d.q(
        "current_daily_tokens",
        "Tokens per day",
        Unit::TokensPerDay,
        "All tokens per day, input plus output.",
        add(r("daily_input_tokens"), r("daily_output_tokens")),
    )
    .with(Role::Headline, 6)
    .with(Role::SensitivityKey, 1)
    .with(Role::Tracked, 5)
    .with(Role::Traced, 6);
    d.q(
        "tokens_per_request",
        "Tokens per request",
        Unit::TokensPerRequest,
        "Input plus output tokens of an average request.",
        add(
            r("avg_input_tokens_per_request"),
            r("avg_output_tokens_per_request"),
        ),
    );
    d.q(
        "monthly_requests",
        "Requests per month",
        Unit::RequestsPerMonth,
        "Requests in a month of traffic.",
        mul(r("requests_per_day"), r("days_per_month")),
    );
    d.q(
        "monthly_api_cost",
        "Monthly API cost",
        Unit::UsdPerMonth,
        "What the API bills for a month of today's traffic.",
        div(
            mul(
                add(
                    mul(r("daily_input_tokens"), r("input_price_per_1m_tokens")),
                    mul(r("daily_output_tokens"), r("output_price_per_1m_tokens")),
                ),
                r("days_per_month"),
            ),
            m(),
        ),
    )
    .with(Role::Headline, 1)
    .with(Role::KeyFigure, 1)
    .with(Role::SensitivityKey, 2)
    .with(Role::OptionFigure, 1)
    .with(Role::Tracked, 1)
    .with(Role::Traced, 1);
    d.q(
        "weighted_api_price_per_1m_tokens",
        "Blended API price",
        Unit::UsdPer1MTokens,
        "API price per million tokens at today's mix of input and output.",
        div(
            add(
                mul(
                    r("avg_input_tokens_per_request"),
                    r("input_price_per_1m_tokens"),
                ),
                mul(
                    r("avg_output_tokens_per_request"),
                    r("output_price_per_1m_tokens"),
                ),
            ),
            r("tokens_per_request"),
        ),
    );

    if inputs.get("requests_per_day_forecast").is_some() {
        d.q(
            "requests_vs_forecast",
            "Observed traffic against the forecast",
            Unit::Fraction,
            "The latest observed requests per day over the plan's forecast, less 1 (positive: more traffic than planned).",
            if_(
                gt(r("requests_per_day_forecast"), n(0.0)),
                sub(div(r("requests_per_day"), r("requests_per_day_forecast")), n(1.0)),
                Expr::Never,
            ),
        );
    }
    if inputs.get("actual_monthly_api_bill").is_some() {
        d.q(
            "api_bill_vs_model",
            "Observed API bill less the model's",
            Unit::UsdPerMonth,
            "The latest observed API bill minus the monthly API cost the model computes (positive: the API bills more than modelled).",
            sub(r("actual_monthly_api_bill"), r("monthly_api_cost")),
        );
    }
}
