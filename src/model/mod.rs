//! The cost model: every derived quantity, defined once.
//!
//! Each [`Quantity`] has an id (its defined name in the workbook), a label, a
//! unit, a one-line doc and an [`Expr`]. The same expression is evaluated for
//! the JSON and the memo and printed as the workbook's formula. The
//! definitions follow the seed lesson's `compute_roi`, `estimate_training_cost`
//! and `should_fine_tune`; where the lesson's figure misleads, its figure keeps
//! its name and a corrected one stands beside it under a name of its own.

pub mod expr;

use crate::format::Unit;
use crate::inputs::Inputs;
use expr::build::*;
use expr::{Cmp, Expr};

/// The calculation sheet a quantity is laid out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sheet {
    Baseline,
    Training,
    Engineering,
    Serving,
    Quality,
    Roi,
    Decision,
}

impl Sheet {
    /// All calculation sheets, in workbook order.
    pub const ALL: [Sheet; 7] = [
        Sheet::Baseline,
        Sheet::Training,
        Sheet::Engineering,
        Sheet::Serving,
        Sheet::Quality,
        Sheet::Roi,
        Sheet::Decision,
    ];

    /// The worksheet name.
    pub fn name(self) -> &'static str {
        match self {
            Sheet::Baseline => "API baseline",
            Sheet::Training => "Training compute",
            Sheet::Engineering => "Engineering",
            Sheet::Serving => "Serving",
            Sheet::Quality => "Quality",
            Sheet::Roi => "ROI",
            Sheet::Decision => "Decision",
        }
    }

    /// What the sheet answers, shown under its title.
    pub fn purpose(self) -> &'static str {
        match self {
            Sheet::Baseline => "What the API costs at today's traffic and prices.",
            Sheet::Training => "Component 1: GPU compute for the training runs (one-time).",
            Sheet::Engineering => {
                "Component 2: engineering time from data to production (one-time)."
            }
            Sheet::Serving => "Component 3: serving infrastructure and storage (monthly).",
            Sheet::Quality => "Component 4: the change in human-review cost (monthly).",
            Sheet::Roi => "Monthly comparison, payback, break-even and amortization.",
            Sheet::Decision => "The decision factors and their score.",
        }
    }
}

/// One derived quantity of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub id: String,
    pub label: String,
    pub unit: Unit,
    /// One line: what the figure means.
    pub doc: String,
    pub sheet: Sheet,
    pub expr: Expr,
}

/// The model for one plan: its quantities in evaluation order.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub quantities: Vec<Quantity>,
}

impl Model {
    /// The quantity with this id.
    pub fn get(&self, id: &str) -> Option<&Quantity> {
        self.quantities.iter().find(|q| q.id == id)
    }
}

struct Defs {
    sheet: Sheet,
    out: Vec<Quantity>,
}

impl Defs {
    fn on(&mut self, sheet: Sheet) {
        self.sheet = sheet;
    }
    fn q(&mut self, id: &str, label: &str, unit: Unit, doc: &str, expr: Expr) {
        self.out.push(Quantity {
            id: id.to_string(),
            label: label.to_string(),
            unit,
            doc: doc.to_string(),
            sheet: self.sheet,
            expr,
        });
    }
}

/// Builds the model for a plan's inputs. The set of quantities depends on what
/// the plan gives (a training estimate, a serving throughput), never on values.
pub fn build(inputs: &Inputs) -> Model {
    let shape = &inputs.shape;
    let mut d = Defs {
        sheet: Sheet::Baseline,
        out: Vec::new(),
    };
    let m = || n(1_000_000.0);

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
    );
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
    );
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

    // --- Component 1: training compute ---
    d.on(Sheet::Training);
    if shape.has_training {
        d.q(
            "training_total_tokens",
            "Tokens trained per run",
            Unit::Tokens,
            "Examples × sequence length × epochs.",
            product(vec![r("dataset_examples"), r("avg_seq_len"), r("epochs")]),
        );
        d.q(
            "training_hours",
            "Training hours per run",
            Unit::Hours,
            "Tokens over throughput, plus the overhead for checkpoints and evaluation.",
            mul(
                div(
                    r("training_total_tokens"),
                    mul(r("training_tokens_per_second"), r("seconds_per_hour")),
                ),
                add(n(1.0), r("training_overhead_fraction")),
            ),
        );
        d.q(
            "training_cost_per_hour",
            "Training price per hour paid",
            Unit::UsdPerHour,
            "On-demand price, times the spot factor when training on spot.",
            mul(
                r("training_cost_per_hour_on_demand"),
                if_(truthy(r("training_spot")), r("spot_price_factor"), n(1.0)),
            ),
        );
        d.q(
            "training_cost_per_run_estimate",
            "Estimated cost per run",
            Unit::Usd,
            "Training hours × price per hour (the seed's total_cost_usd).",
            mul(r("training_hours"), r("training_cost_per_hour")),
        );
        if !shape.cost_per_run_given {
            d.q(
                "compute_cost_per_run",
                "Compute cost per run",
                Unit::Usd,
                "The plan gives no cost per run, so the estimate is used.",
                r("training_cost_per_run_estimate"),
            );
        }
    }
    d.q(
        "compute_cost",
        "Training compute, all runs",
        Unit::Usd,
        "Runs budgeted × cost per run (one-time).",
        mul(r("training_runs"), r("compute_cost_per_run")),
    );

    // --- Component 2: engineering ---
    d.on(Sheet::Engineering);
    d.q(
        "engineering_hours_total",
        "Engineering hours",
        Unit::Hours,
        "All phases from data to production.",
        sum(shape.phase_ids.iter().map(|id| r(id)).collect()),
    );
    d.q(
        "engineering_cost",
        "Engineering cost",
        Unit::Usd,
        "Hours × hourly rate (one-time).",
        mul(r("engineering_hours_total"), r("engineer_hourly_rate")),
    );

    // --- Component 3: serving ---
    d.on(Sheet::Serving);
    d.q(
        "monthly_serving_cost",
        "Monthly serving cost",
        Unit::UsdPerMonth,
        "Price per instance-hour × instances × hours a month.",
        product(vec![
            r("serving_cost_per_hour"),
            r("serving_instances"),
            r("hours_per_day"),
            r("days_per_month"),
        ]),
    );
    d.q(
        "model_storage_gb",
        "Stored weights",
        Unit::Gigabytes,
        "Billions of parameters × bytes per parameter.",
        mul(r("model_size_b"), r("storage_bytes_per_parameter")),
    );
    d.q(
        "monthly_storage_cost",
        "Monthly storage cost",
        Unit::UsdPerMonth,
        "Stored gigabytes × price per GB-month.",
        mul(r("model_storage_gb"), r("storage_price_per_gb_month")),
    );
    d.q(
        "required_throughput_tokens_per_second",
        "Required throughput",
        Unit::TokensPerSecond,
        "Tokens per second the traffic needs when it may use only the target utilization.",
        div(
            r("current_daily_tokens"),
            product(vec![
                r("hours_per_day"),
                r("seconds_per_hour"),
                r("target_utilization"),
            ]),
        ),
    );
    if shape.has_throughput {
        d.q(
            "serving_capacity_tokens_per_second",
            "Serving capacity",
            Unit::TokensPerSecond,
            "Throughput per instance × instances.",
            mul(
                r("serving_throughput_tokens_per_second"),
                r("serving_instances"),
            ),
        );
        d.q(
            "serving_cost_per_1m_tokens_full",
            "Serving cost per 1M tokens, full load",
            Unit::UsdPer1MTokens,
            "Instance price over the tokens it serves in an hour at full load.",
            div(
                mul(r("serving_cost_per_hour"), m()),
                mul(
                    r("serving_throughput_tokens_per_second"),
                    r("seconds_per_hour"),
                ),
            ),
        );
        d.q(
            "serving_cost_per_1m_tokens_at_target",
            "Serving cost per 1M tokens, target load",
            Unit::UsdPer1MTokens,
            "The full-load cost per token divided by the target utilization.",
            div(
                r("serving_cost_per_1m_tokens_full"),
                r("target_utilization"),
            ),
        );
        d.q(
            "serving_instances_needed",
            "Instances needed",
            Unit::Instances,
            "Instances that carry the traffic at the target utilization, rounded up.",
            round_up(div(
                r("required_throughput_tokens_per_second"),
                r("serving_throughput_tokens_per_second"),
            )),
        );
        d.q(
            "serving_capacity_shortfall",
            "Capacity below requirement",
            Unit::YesNo,
            "Whether the instances cannot carry the traffic at the target utilization.",
            test(lt(
                r("serving_capacity_tokens_per_second"),
                r("required_throughput_tokens_per_second"),
            )),
        );
    }

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
    );
    d.q("review_cost_delta_per_1m_tokens", "Review cost delta per 1M tokens", Unit::UsdPer1MTokens,
        "The review delta per request spread over its tokens: it grows with volume like the API bill.",
        div(
            product(vec![sub(r("review_rate_ft"), r("review_rate_api")), r("cost_per_review"), m()]),
            r("tokens_per_request"),
        ));

    // --- ROI ---
    d.on(Sheet::Roi);
    d.q(
        "total_project_cost",
        "Total project cost",
        Unit::Usd,
        "Training compute plus engineering (one-time).",
        add(r("compute_cost"), r("engineering_cost")),
    );
    d.q(
        "monthly_amortized_project_cost",
        "Amortized project cost",
        Unit::UsdPerMonth,
        "The project cost spread over the model's lifetime.",
        div(r("total_project_cost"), r("lifetime_months")),
    );
    d.q(
        "monthly_ft_total",
        "Monthly fine-tuned total",
        Unit::UsdPerMonth,
        "Serving + storage + amortized project + quality delta.",
        sum(vec![
            r("monthly_serving_cost"),
            r("monthly_storage_cost"),
            r("monthly_amortized_project_cost"),
            r("monthly_quality_cost_delta"),
        ]),
    );
    d.q(
        "monthly_savings",
        "Monthly savings",
        Unit::UsdPerMonth,
        "API cost minus the fine-tuned total, amortization included.",
        sub(r("monthly_api_cost"), r("monthly_ft_total")),
    );
    d.q(
        "monthly_savings_before_amortization",
        "Monthly savings before amortization",
        Unit::UsdPerMonth,
        "API cost minus serving, storage and quality delta: what repays the project.",
        sub(
            r("monthly_api_cost"),
            sum(vec![
                r("monthly_serving_cost"),
                r("monthly_storage_cost"),
                r("monthly_quality_cost_delta"),
            ]),
        ),
    );
    d.q("payback_months", "Payback", Unit::Months,
        "Project cost over the monthly savings before amortization; never if those are not positive.",
        div_if_positive(r("total_project_cost"), r("monthly_savings_before_amortization")));
    d.q(
        "lifetime_net_savings",
        "Net savings over the lifetime",
        Unit::Usd,
        "Monthly savings before amortization × lifetime, minus the project cost.",
        sub(
            mul(
                r("monthly_savings_before_amortization"),
                r("lifetime_months"),
            ),
            r("total_project_cost"),
        ),
    );
    d.q(
        "months_of_savings_after_payback",
        "Months of savings after payback",
        Unit::Months,
        "Lifetime left once the project has paid for itself (0 if it never does).",
        if_(
            is_number(r("payback_months")),
            max(n(0.0), sub(r("lifetime_months"), r("payback_months"))),
            n(0.0),
        ),
    );
    d.q("break_even_tokens_per_day", "Break-even volume (seed's method)", Unit::TokensPerDay,
        "Daily tokens at which the API bill equals serving plus storage; ignores review cost and amortization, as the seed does.",
        if_(gt(r("weighted_api_price_per_1m_tokens"), n(0.0)),
            div(
                mul(add(r("monthly_serving_cost"), r("monthly_storage_cost")), m()),
                mul(r("weighted_api_price_per_1m_tokens"), r("days_per_month")),
            ),
            Expr::Never));
    d.q(
        "is_above_break_even",
        "Above the seed's break-even",
        Unit::YesNo,
        "Whether today's volume reaches the seed's break-even.",
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
        "What each million tokens moved off the API saves before fixed costs, review cost included.",
        sub(r("weighted_api_price_per_1m_tokens"), r("review_cost_delta_per_1m_tokens")));
    d.q("break_even_tokens_per_day_all_in", "Break-even volume (all-in)", Unit::TokensPerDay,
        "Daily tokens at which monthly savings reach zero: serving, storage and amortized project cost, with the review delta that grows with volume; never if the review delta eats the whole API price.",
        if_(gt(r("api_margin_per_1m_tokens_all_in"), n(0.0)),
            div(
                mul(sum(vec![r("monthly_serving_cost"), r("monthly_storage_cost"), r("monthly_amortized_project_cost")]), m()),
                mul(r("api_margin_per_1m_tokens_all_in"), r("days_per_month")),
            ),
            Expr::Never));
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
    );
    d.q(
        "verdict",
        "Verdict",
        Unit::Text,
        "Fine-tune when the monthly savings, amortization included, are positive.",
        if_(
            gt(r("monthly_savings"), n(0.0)),
            Expr::Text(VERDICT_FINE_TUNE),
            Expr::Text(VERDICT_API),
        ),
    );
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
        if_(
            is_number(r("payback_months")),
            test(gt(r("payback_months"), r("lifetime_months"))),
            Expr::Bool(true),
        ),
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

    // --- Decision factors (the seed's should_fine_tune) ---
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
    d.q(
        "decision_score",
        "Decision score",
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
    );
    d.q(
        "decision_verdict",
        "Decision-factor verdict",
        Unit::Text,
        "The score read against the rule cut-offs.",
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
    );

    Model { quantities: d.out }
}

/// The verdict when fine-tuning saves money over the lifetime.
pub const VERDICT_FINE_TUNE: &str = "Fine-tune";
/// The verdict when it does not.
pub const VERDICT_API: &str = "Stay on the API";

/// The decision-factor verdicts, in the seed's words.
pub const SFT_STRONG_FT: &str = "STRONG: Fine-tune";
pub const SFT_LEAN_FT: &str = "LEAN: Fine-tune";
pub const SFT_NEUTRAL: &str = "NEUTRAL: Build ROI model";
pub const SFT_LEAN_API: &str = "LEAN: Use API";
pub const SFT_STRONG_API: &str = "STRONG: Use API";
