//! The API baseline: what the API costs at today's traffic and prices.

use super::expr::build::*;
use super::expr::{Expr, TextFormat};
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
    .with(Role::Traced, 6)
    .with(Role::BreakEven, 1);
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
    define_billed_prices(d, inputs);
    d.q(
        "daily_billed_output_tokens",
        "Output tokens billed per day",
        Unit::TokensPerDay,
        "Completion tokens plus the reasoning tokens the provider bills as output, each day.",
        mul(
            r("requests_per_day"),
            add(
                r("avg_output_tokens_per_request"),
                r("reasoning_tokens_per_request"),
            ),
        ),
    );
    d.q(
        "monthly_api_cost",
        "Monthly API cost",
        Unit::UsdPerMonth,
        "What the API bills for a month of today's traffic: input tokens at the billed input price, output and reasoning tokens at the billed output price.",
        div(
            mul(
                add(
                    mul(r("daily_input_tokens"), r("billed_input_price_per_1m_tokens")),
                    mul(
                        r("daily_billed_output_tokens"),
                        r("billed_output_price_per_1m_tokens"),
                    ),
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
        "api_bill_how",
        "How the API bill is made up",
        Unit::Text,
        "The monthly API bill's tokens and the prices they are billed at.",
        concat(vec![
            fmt(
                mul(r("daily_input_tokens"), r("days_per_month")),
                TextFormat::Whole,
            ),
            t(" input tokens a month at "),
            fmt(r("billed_input_price_per_1m_tokens"), TextFormat::Cents),
            t(" per 1M as billed ("),
            fmt(r("cached_input_share"), TextFormat::Percent),
            t(" read from the cache, "),
            fmt(r("cache_write_share"), TextFormat::Percent),
            t(" written to it, "),
            fmt(r("batch_share"), TextFormat::Percent),
            t(" of requests batched), and "),
            fmt(
                mul(r("daily_billed_output_tokens"), r("days_per_month")),
                TextFormat::Whole,
            ),
            t(" output tokens, reasoning included, at "),
            fmt(r("billed_output_price_per_1m_tokens"), TextFormat::Cents),
            t(" per 1M."),
        ]),
    );
    d.q(
        "weighted_api_price_per_1m_tokens",
        "Blended API price",
        Unit::UsdPer1MTokens,
        "What the API bills per million prompt and answer tokens at today's mix, at the billed prices (reasoning tokens billed on top).",
        div(
            add(
                mul(
                    r("avg_input_tokens_per_request"),
                    r("billed_input_price_per_1m_tokens"),
                ),
                mul(
                    add(
                        r("avg_output_tokens_per_request"),
                        r("reasoning_tokens_per_request"),
                    ),
                    r("billed_output_price_per_1m_tokens"),
                ),
            ),
            r("tokens_per_request"),
        ),
    )
    .with(Role::BreakEven, 4);

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

/// The prices one input and one output token are billed at on average: the
/// list price (or the plan's tier's), stepped up past a long-context
/// threshold, with cached, cache-written and batched tokens at their prices.
/// An entry without a cached, cache-write or batch price bills those tokens
/// at the list price; a plan that names no catalogue entry has list prices only.
fn define_billed_prices(d: &mut Defs, inputs: &Inputs) {
    let has = |id: &str| inputs.get(id).is_some();
    let or_list = |id: &str, list: &str| if has(id) { r(id) } else { r(list) };
    let (input, output) = if has("long_context_above_tokens") {
        d.q(
            "api_prompt_past_long_context",
            "Prompt past the long-context step",
            Unit::YesNo,
            "Whether the average prompt is longer than the tokens above which the provider bills the whole request at its long-context prices.",
            test(and(vec![
                gt(r("long_context_above_tokens"), n(0.0)),
                gt(
                    r("avg_input_tokens_per_request"),
                    r("long_context_above_tokens"),
                ),
            ])),
        );
        d.q(
            "list_input_price_per_1m_tokens",
            "API input price at the prompt's length",
            Unit::UsdPer1MTokens,
            "The input price, or the long-context input price when the average prompt is past the step.",
            if_(
                truthy(r("api_prompt_past_long_context")),
                r("long_context_input_price_per_1m_tokens"),
                r("input_price_per_1m_tokens"),
            ),
        );
        d.q(
            "list_output_price_per_1m_tokens",
            "API output price at the prompt's length",
            Unit::UsdPer1MTokens,
            "The output price, or the long-context output price when the average prompt is past the step.",
            if_(
                truthy(r("api_prompt_past_long_context")),
                r("long_context_output_price_per_1m_tokens"),
                r("output_price_per_1m_tokens"),
            ),
        );
        (
            "list_input_price_per_1m_tokens",
            "list_output_price_per_1m_tokens",
        )
    } else {
        ("input_price_per_1m_tokens", "output_price_per_1m_tokens")
    };
    let uncached = sub(sub(n(1.0), r("cached_input_share")), r("cache_write_share"));
    let cache_terms = || {
        vec![
            mul(
                or_list("cached_input_price_per_1m_tokens", input),
                r("cached_input_share"),
            ),
            mul(
                or_list("cache_write_price_per_1m_tokens", input),
                r("cache_write_share"),
            ),
        ]
    };
    let at_once = sum(std::iter::once(mul(r(input), uncached.clone()))
        .chain(cache_terms())
        .collect());
    let batched = sum(std::iter::once(mul(
        or_list("batch_input_price_per_1m_tokens", input),
        uncached,
    ))
    .chain(cache_terms())
    .collect());
    d.q(
        "billed_input_price_per_1m_tokens",
        "API input price as billed",
        Unit::UsdPer1MTokens,
        "The average price of a million prompt tokens: uncached tokens at the input price (the batch price for batched requests), cached tokens at the cached-input price, written tokens at the cache-write price.",
        add(
            mul(at_once, sub(n(1.0), r("batch_share"))),
            mul(batched, r("batch_share")),
        ),
    );
    d.q(
        "billed_output_price_per_1m_tokens",
        "API output price as billed",
        Unit::UsdPer1MTokens,
        "The average price of a million completion tokens: the output price, the batch output price for batched requests.",
        add(
            mul(r(output), sub(n(1.0), r("batch_share"))),
            mul(
                or_list("batch_output_price_per_1m_tokens", output),
                r("batch_share"),
            ),
        ),
    );
}
