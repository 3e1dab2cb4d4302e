//! The cost model: every derived quantity, defined once.
//!
//! Each [`Quantity`] has an id (its defined name in the workbook), a label, a
//! unit, a one-line doc and an [`Expr`]. The same expression is evaluated for
//! the JSON and the memo and printed as the workbook's formula. The
//! definitions follow the seed lesson's `compute_roi`, `estimate_training_cost`
//! and `should_fine_tune`; where the lesson's figure misleads, its figure keeps
//! its name and a corrected one stands beside it under a name of its own.

pub mod compiled;
pub mod expr;

use crate::format::Unit;
use crate::inputs::Inputs;
use expr::build::*;
use expr::{Cmp, Cond, Expr};

/// The calculation sheet a quantity is laid out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sheet {
    Baseline,
    Training,
    Engineering,
    Serving,
    Quality,
    Roi,
    Decision,
    CashFlow,
    Checks,
}

impl Sheet {
    /// All calculation sheets, in workbook order.
    pub const ALL: [Sheet; 9] = [
        Sheet::Baseline,
        Sheet::Training,
        Sheet::Engineering,
        Sheet::Serving,
        Sheet::Quality,
        Sheet::Roi,
        Sheet::Decision,
        Sheet::CashFlow,
        Sheet::Checks,
    ];

    /// Whether quantities on this sheet are evaluated after the timeline.
    pub fn after_timeline(self) -> bool {
        matches!(self, Sheet::CashFlow | Sheet::Checks)
    }

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
            Sheet::CashFlow => "Cash flow",
            Sheet::Checks => "Checks",
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
            Sheet::CashFlow => "Month by month over the lifetime: month 0 pays the project, then each month's net saving.",
            Sheet::Checks => "Each check is 0 when it holds and 1 when it fails; the master check is the largest.",
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

/// A row of the monthly timeline: one expression, evaluated for every period
/// (and printed once per column, the same formula across the row).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub doc: String,
    pub expr: Expr,
}

/// A case of the model with some inputs replaced by expressions (a multiple
/// of today's traffic, another instance count).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: String,
    pub label: String,
    /// Input id → the expression that replaces it in this case.
    pub overrides: Vec<(String, Expr)>,
}

/// The model for one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Scalar quantities in evaluation order; those on sheets evaluated after
    /// the timeline come last.
    pub quantities: Vec<Quantity>,
    /// The monthly timeline's rows, evaluated for periods 0 to `periods`.
    pub timeline: Vec<TimelineRow>,
    /// The last period of the timeline (the lifetime in months).
    pub periods: u32,
    /// The sensitivity cases.
    pub scenarios: Vec<Scenario>,
    /// The tornado cases: each ranged input swung to its low, then its high,
    /// the others at base.
    pub tornado: Vec<Scenario>,
    /// The plan's options: each the plan with the inputs that differ replaced.
    pub options: Vec<Scenario>,
    /// The ids each quantity refers to, in the order of `quantities`.
    refs: Vec<Vec<String>>,
}

/// The id of the low end of a ranged input (its defined name in the workbook).
pub fn range_low_id(id: &str) -> String {
    format!("{id}_range_low")
}

/// The id of the high end of a ranged input.
pub fn range_high_id(id: &str) -> String {
    format!("{id}_range_high")
}

impl Model {
    /// The quantity with this id.
    pub fn get(&self, id: &str) -> Option<&Quantity> {
        self.quantities.iter().find(|q| q.id == id)
    }

    /// The timeline row with this id.
    pub fn row(&self, id: &str) -> Option<&TimelineRow> {
        self.timeline.iter().find(|t| t.id == id)
    }

    /// The quantities whose value can change when any of `inputs` changes,
    /// in evaluation order.
    pub fn dependents(&self, inputs: &[&str]) -> Vec<&Quantity> {
        let mut changed: std::collections::HashSet<String> =
            inputs.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        for (q, refs) in self.quantities.iter().zip(&self.refs) {
            if !q.sheet.after_timeline() && refs.iter().any(|r| changed.contains(r)) {
                changed.insert(q.id.clone());
                out.push(q);
            }
        }
        out
    }

    /// The quantities `outputs` are computed from, the outputs included.
    pub fn ancestors(&self, outputs: &[&str]) -> std::collections::HashSet<String> {
        let mut needed: std::collections::HashSet<String> =
            outputs.iter().map(|s| s.to_string()).collect();
        for (q, refs) in self.quantities.iter().zip(&self.refs).rev() {
            if needed.contains(&q.id) {
                needed.extend(refs.iter().cloned());
            }
        }
        needed
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
    if shape.has_training && shape.has_training_flops {
        d.q(
            "training_implied_mfu",
            "Implied GPU efficiency (MFU)",
            Unit::Fraction,
            "FLOPs per parameter-token × parameters × tokens per second, over the GPUs' peak: how hard the estimate works the GPUs.",
            div(
                product(vec![
                    r("training_flops_per_parameter_token"),
                    r("model_size_b"),
                    r("training_tokens_per_second"),
                ]),
                product(vec![
                    r("training_num_gpus"),
                    r("training_gpu_bf16_tflops"),
                    n(1000.0),
                ]),
            ),
        );
        d.q(
            "training_mfu_implausible",
            "Implied GPU efficiency implausible",
            Unit::YesNo,
            "Whether the training estimate implies a GPU efficiency outside the plausible band.",
            test(or(vec![
                gt(r("training_implied_mfu"), r("rule_mfu_max")),
                lt(r("training_implied_mfu"), r("rule_mfu_min")),
            ])),
        );
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

    if shape.has_serving_memory {
        d.q(
            "serving_weights_gb",
            "Weights at the serving precision",
            Unit::Gigabytes,
            "Billions of parameters × bytes per parameter at the serving precision.",
            mul(r("model_size_b"), r("serving_bytes_per_parameter")),
        );
        d.q(
            "serving_memory_required_gb",
            "Memory one model copy needs",
            Unit::Gigabytes,
            "The weights plus the KV cache and runtime headroom.",
            mul(
                r("serving_weights_gb"),
                add(n(1.0), r("kv_cache_headroom_fraction")),
            ),
        );
        d.q(
            "serving_memory_available_gb",
            "Memory one model copy is given",
            Unit::Gigabytes,
            "GPU memory × GPUs per model copy.",
            mul(r("serving_gpu_memory_gb"), r("serving_gpus_per_replica")),
        );
        d.q(
            "serving_model_fits",
            "Model fits the GPU memory",
            Unit::YesNo,
            "Whether one copy of the model, with its headroom, fits the memory it is given.",
            test(cmp(
                Cmp::Le,
                r("serving_memory_required_gb"),
                r("serving_memory_available_gb"),
            )),
        );
        d.q(
            "serving_copies_per_memory",
            "Model copies that fit",
            Unit::Count,
            "How many copies of the model, with headroom, fit the memory of one copy's GPUs (more than 1 leaves room for replicas).",
            round_down(div(r("serving_memory_available_gb"), r("serving_memory_required_gb"))),
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
        "Serving plus storage as a share of the monthly fine-tuned total.",
        div_if_positive(
            add(r("monthly_serving_cost"), r("monthly_storage_cost")),
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

    // --- What would change the decision ---
    d.on(Sheet::Roi);
    d.q("flip_review_rate_ft", "Fine-tuned review rate at which savings vanish", Unit::Fraction,
        "The fine-tuned review rate at which monthly savings, amortization included, are zero; below it fine-tuning pays.",
        if_(gt(mul(r("monthly_requests"), r("cost_per_review")), n(0.0)),
            add(r("review_rate_api"),
                div(sub(r("monthly_api_cost"), sum(vec![r("monthly_serving_cost"), r("monthly_storage_cost"), r("monthly_amortized_project_cost")])),
                    mul(r("monthly_requests"), r("cost_per_review")))),
            Expr::Never));
    d.q("flip_serving_cost_per_hour", "Serving price at which savings vanish", Unit::UsdPerHour,
        "The price per instance-hour at which monthly savings, amortization included, are zero; below it fine-tuning pays.",
        div(sub(r("monthly_api_cost"), sum(vec![r("monthly_storage_cost"), r("monthly_amortized_project_cost"), r("monthly_quality_cost_delta")])),
            product(vec![r("serving_instances"), r("hours_per_day"), r("days_per_month")])));
    d.q("flip_engineering_hours", "Engineering hours at which payback equals the lifetime", Unit::Hours,
        "The engineering hours at which the project just pays back within the lifetime; never if the monthly savings before amortization are not positive.",
        if_(and(vec![gt(r("monthly_savings_before_amortization"), n(0.0)), gt(r("engineer_hourly_rate"), n(0.0))]),
            div(sub(mul(r("lifetime_months"), r("monthly_savings_before_amortization")), r("compute_cost")), r("engineer_hourly_rate")),
            Expr::Never));

    // --- Cash flow over the lifetime ---
    let timeline = vec![
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
    ];
    d.on(Sheet::CashFlow);
    d.q("cashflow_payback_month", "Payback month (cash flow)", Unit::Months,
        "The first month whose cumulative cash flow is not negative; never within the lifetime otherwise.",
        if_(is_number(Expr::FirstOne("cf_paid_back".to_string())), sub(Expr::FirstOne("cf_paid_back".to_string()), n(1.0)), Expr::Never));
    d.q(
        "cashflow_lifetime_net",
        "Cumulative at the end of the lifetime",
        Unit::Usd,
        "The cash flow summed over the whole timeline.",
        sum(vec![Expr::CumSum("cf_net".to_string())]),
    );

    // --- Checks: 0 holds, 1 fails ---
    d.on(Sheet::Checks);
    let tolerance = || div(n(1.0), n(1_000_000.0));
    d.q("check_ft_total_is_sum_of_parts", "Fine-tuned total equals the sum of its parts", Unit::Count,
        "Serving + storage + amortization + quality delta, added again, must equal the fine-tuned total.",
        robust(if_(gt(abs(sub(r("monthly_ft_total"), sum(vec![r("monthly_serving_cost"), r("monthly_storage_cost"), r("monthly_amortized_project_cost"), r("monthly_quality_cost_delta")]))), tolerance()), n(1.0), n(0.0))));
    d.q("check_payback_agrees", "Cash-flow payback agrees with the ROI sheet", Unit::Count,
        "With flat traffic, the first paid-back month is the ROI payback rounded up (or both are beyond the lifetime).",
        robust(if_(gt(r("volume_growth_per_month"), n(0.0)), n(0.0),
            if_(is_number(r("cashflow_payback_month")),
                if_(and(vec![is_number(r("payback_months")),
                             cmp(Cmp::Ge, add(r("cashflow_payback_month"), tolerance()), r("payback_months")),
                             lt(sub(r("cashflow_payback_month"), r("payback_months")), n(1.0))]), n(0.0), n(1.0)),
                if_(r_payback_within_life(), n(1.0), n(0.0))))));
    let range_violations: Vec<Cond> = inputs
        .items
        .iter()
        .filter(|i| matches!(i.value, expr::Value::Num(_)) && i.unit != Unit::Points)
        .map(|i| {
            if i.unit == Unit::Fraction && i.id != "volume_growth_per_month" {
                or(vec![lt(r(&i.id), n(0.0)), gt(r(&i.id), n(1.0))])
            } else {
                lt(r(&i.id), n(0.0))
            }
        })
        .collect();
    d.q("check_timeline_covers_lifetime", "Timeline covers the lifetime", Unit::Count,
        "The Cash flow sheet has a column for every month of the lifetime (it was laid out for the plan's lifetime; a longer one needs a new run).",
        robust(if_(gt(r("lifetime_months"), sub(Expr::RowLength("cf_in_service".to_string()), n(1.0))), n(1.0), n(0.0))));
    d.q(
        "check_inputs_in_range",
        "Inputs within their ranges",
        Unit::Count,
        "Rates between 0 and 1; money, volumes, hours and counts not negative.",
        robust(if_(or(range_violations), n(1.0), n(0.0))),
    );
    let watched: Vec<Cond> = d
        .out
        .iter()
        .filter(|q| !q.sheet.after_timeline())
        .map(|q| is_error(r(&q.id)))
        .chain(
            ["cashflow_payback_month", "cashflow_lifetime_net"]
                .iter()
                .map(|id| is_error(r(id))),
        )
        .collect();
    d.q(
        "check_no_error_values",
        "No error values",
        Unit::Count,
        "No calculation cell shows an error such as #DIV/0! or #VALUE!.",
        if_(or(watched), n(1.0), n(0.0)),
    );
    d.q(
        "master_check",
        "Master check",
        Unit::Count,
        "The largest of the checks: 0 when every check holds.",
        max(
            max(
                max(
                    r("check_ft_total_is_sum_of_parts"),
                    r("check_payback_agrees"),
                ),
                r("check_timeline_covers_lifetime"),
            ),
            max(r("check_inputs_in_range"), r("check_no_error_values")),
        ),
    );

    // --- Sensitivity cases ---
    let volumes = crate::inputs::SENSITIVITY_VOLUME_MULTIPLIERS.len();
    let counts = crate::inputs::SENSITIVITY_INSTANCE_COUNTS.len();
    let mut scenarios = Vec::new();
    let volume = |k: usize| {
        mul(
            r("requests_per_day"),
            r(&format!("sensitivity_volume_multiplier_{k}")),
        )
    };
    for k in 1..=volumes {
        scenarios.push(Scenario {
            id: format!("volume_{k}"),
            label: format!("Volume case {k}, plan's instances"),
            overrides: vec![
                ("requests_per_day".to_string(), volume(k)),
                ("serving_instances".to_string(), r("serving_instances")),
            ],
        });
    }
    for k in 1..=volumes {
        for j in 1..=counts {
            scenarios.push(Scenario {
                id: format!("volume_{k}_instances_{j}"),
                label: format!("Volume case {k}, instance case {j}"),
                overrides: vec![
                    ("requests_per_day".to_string(), volume(k)),
                    (
                        "serving_instances".to_string(),
                        r(&format!("sensitivity_instances_{j}")),
                    ),
                ],
            });
        }
    }

    let tornado = inputs
        .ranges
        .iter()
        .flat_map(|range| {
            let label = inputs
                .get(&range.id)
                .map_or(range.id.as_str(), |i| i.label.as_str());
            [
                Scenario {
                    id: format!("tornado_{}_low", range.id),
                    label: format!("{label}: low"),
                    overrides: vec![(range.id.clone(), r(&range_low_id(&range.id)))],
                },
                Scenario {
                    id: format!("tornado_{}_high", range.id),
                    label: format!("{label}: high"),
                    overrides: vec![(range.id.clone(), r(&range_high_id(&range.id)))],
                },
            ]
        })
        .collect();

    let refs = d.out.iter().map(|q| q.expr.refs()).collect();
    Model {
        refs,
        quantities: d.out,
        timeline,
        periods: inputs
            .get("lifetime_months")
            .and_then(|i| i.value.as_num())
            .map_or(0, |x| x as u32),
        scenarios,
        tornado,
        options: option_cases(inputs),
    }
}

/// The options as cases: every numeric input whose value differs from the
/// plan's is replaced by the option's value.
fn option_cases(inputs: &Inputs) -> Vec<Scenario> {
    inputs
        .options
        .iter()
        .enumerate()
        .map(|(k, option)| Scenario {
            id: format!("option_{}", option.id),
            label: option.label.clone(),
            overrides: inputs
                .items
                .iter()
                .filter_map(|base| {
                    let theirs = option.inputs.get(&base.id)?;
                    match (&base.value, &theirs.value) {
                        (expr::Value::Num(a), expr::Value::Num(b)) if a != b => Some((
                            base.id.clone(),
                            r(&crate::options::option_input_id(k, &base.id)),
                        )),
                        _ => None,
                    }
                })
                .collect(),
        })
        .collect()
}

/// True when the ROI sheet's payback falls within the lifetime.
fn r_payback_within_life() -> Cond {
    and(vec![
        is_number(r("payback_months")),
        cmp(Cmp::Le, r("payback_months"), r("lifetime_months")),
    ])
}

/// A check that also fails (1) when its own formula meets an error value.
fn robust(check: Expr) -> Expr {
    if_(is_error(check.clone()), n(1.0), check)
}

fn row(id: &str, label: &str, unit: Unit, doc: &str, expr: Expr) -> TimelineRow {
    TimelineRow {
        id: id.to_string(),
        label: label.to_string(),
        unit,
        doc: doc.to_string(),
        expr,
    }
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
