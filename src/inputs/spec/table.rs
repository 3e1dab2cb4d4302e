//! The table of inputs: one [`InputSpec`] for every input a plan can give,
//! in sheet order within its group, and the templates of the inputs made
//! per phase, per observed month and per sensitivity case.

use crate::format::Unit;
use crate::plan::RawPlan;

use super::{AboveMax, Bounds, Catalogued, DefaultValue, Fill, InputSpec, When};
use crate::inputs::{Group, Table};

const SEED_DEFAULT: &str = "the reference case's constant";
const SEED_RULE: &str = "the reference case's decision rule";

/// A spec with the fields most inputs share; each entry overrides the rest.
const BASE: InputSpec = InputSpec {
    path: "",
    id: "",
    label: "",
    unit: Unit::Count,
    doc: "",
    group: Group::General,
    bounds: Bounds::NON_NEGATIVE,
    above_max: None,
    default: None,
    fill: Fill::Fixed,
    when: When::Always,
};

const fn default(value: f64, why: &'static str) -> Option<DefaultValue> {
    Some(DefaultValue { value, why })
}

fn training(p: &RawPlan) -> Option<&crate::plan::RawTraining> {
    p.compute.training.as_ref()
}

fn decision(p: &RawPlan) -> Option<&crate::plan::RawDecision> {
    p.decision.as_ref()
}

fn requirements(p: &RawPlan) -> Option<&crate::plan::RawRequirements> {
    p.requirements.as_ref()
}

/// A decision rule: a fixed number the scoring reads, editable in the workbook.
const fn rule(
    id: &'static str,
    label: &'static str,
    unit: Unit,
    doc: &'static str,
    value: f64,
) -> InputSpec {
    InputSpec {
        id,
        label,
        unit,
        doc,
        group: Group::DecisionRules,
        default: default(value, SEED_RULE),
        ..BASE
    }
}

/// Points a decision factor scores.
const fn points(id: &'static str, label: &'static str, doc: &'static str, x: f64) -> InputSpec {
    InputSpec {
        bounds: Bounds::ANY,
        ..rule(id, label, Unit::Points, doc, x)
    }
}

/// The plan's engineering phases: one input per phase, `engineering_hours_phase_{k}`.
pub static ENGINEERING_PHASE: InputSpec = InputSpec {
    path: "engineering.hours.{phase}",
    id: "engineering_hours_phase_{k}",
    label: "Hours: {phase}",
    unit: Unit::Hours,
    doc: "Engineering hours for this phase of the project.",
    group: Group::Engineering,
    fill: Fill::Dedicated,
    ..BASE
};

/// Today's traffic when observed months replace the forecast.
pub static REQUESTS_OBSERVED: InputSpec = InputSpec {
    path: "actuals.{month}.requests_per_day",
    id: "requests_per_day",
    label: "Requests per day",
    unit: Unit::RequestsPerDay,
    doc: "Daily API traffic: the latest observed month.",
    group: Group::Baseline,
    fill: Fill::Dedicated,
    ..BASE
};

/// The sensitivity tables' multiples of today's traffic.
pub static SENSITIVITY_VOLUME: InputSpec = InputSpec {
    id: "sensitivity_volume_multiplier_{k}",
    label: "Volume case {k}: multiple of today's traffic",
    unit: Unit::Multiplier,
    doc: "A multiple of today's requests per day for the sensitivity tables.",
    group: Group::Sensitivity,
    default: default(1.0, "a quarter to four times today's volume"),
    ..BASE
};

/// The sensitivity grid's serving instance counts.
pub static SENSITIVITY_INSTANCES: InputSpec = InputSpec {
    id: "sensitivity_instances_{k}",
    label: "Instance case {k}: serving instances",
    unit: Unit::Instances,
    doc: "A serving instance count for the sensitivity grid.",
    group: Group::Sensitivity,
    default: default(1.0, "1 to 8 instances"),
    ..BASE
};

/// Every input with a fixed id, in the order the Inputs sheet lists them
/// within their group.
pub static INPUTS: &[InputSpec] = &[
    // General assumptions.
    InputSpec {
        path: "lifetime_months",
        id: "lifetime_months",
        label: "Model lifetime (amortization period)",
        unit: Unit::Months,
        doc: "Months over which the one-time project cost is spread.",
        bounds: Bounds::WHOLE_POSITIVE.at_most(crate::inputs::MAX_LIFETIME_MONTHS),
        above_max: Some(AboveMax {
            message: |x| {
                format!(
                    "expected a whole number of months from 1 to {} (20 years), found {}",
                    crate::inputs::MAX_LIFETIME_MONTHS,
                    crate::inputs::shown(x)
                )
            },
            capped: true,
        }),
        fill: Fill::Plan(|p| Some(p.lifetime_months)),
        ..BASE
    },
    InputSpec {
        path: "days_per_month",
        id: "days_per_month",
        label: "Days per month",
        unit: Unit::DaysPerMonth,
        doc: "Days counted in a month of traffic and serving.",
        bounds: Bounds::POSITIVE.at_most(31.0),
        above_max: Some(AboveMax {
            message: |x| format!("expected at most 31 days a month, found {}", crate::inputs::shown(x)),
            capped: true,
        }),
        default: default(30.0, SEED_DEFAULT),
        fill: Fill::Plan(|p| p.days_per_month),
        ..BASE
    },
    InputSpec {
        path: "hours_per_day",
        id: "hours_per_day",
        label: "Serving hours per day",
        unit: Unit::HoursPerDay,
        doc: "Hours a day the serving instances run (24 = always on).",
        bounds: Bounds::POSITIVE.at_most(24.0),
        above_max: Some(AboveMax {
            message: |x| format!("expected at most 24 hours a day, found {x}"),
            capped: false,
        }),
        default: default(24.0, SEED_DEFAULT),
        fill: Fill::Plan(|p| p.hours_per_day),
        ..BASE
    },
    InputSpec {
        path: "seconds_per_hour",
        id: "seconds_per_hour",
        label: "Seconds per hour",
        unit: Unit::SecondsPerHour,
        doc: "Unit conversion for throughputs given per second.",
        bounds: Bounds::POSITIVE,
        default: default(3600.0, "unit conversion"),
        ..BASE
    },
    InputSpec {
        path: "volume_growth_per_month",
        id: "volume_growth_per_month",
        label: "Traffic growth per month",
        unit: Unit::Fraction,
        doc: "Monthly growth of requests in the cash-flow timeline (0.02 = 2% a month).",
        bounds: Bounds::RATE,
        above_max: Some(AboveMax {
            message: |x| {
                format!(
                    "expected a monthly growth from 0 to 1 (0.02 means 2% a month), found {}",
                    crate::inputs::shown(x)
                )
            },
            capped: true,
        }),
        default: default(0.0, "flat traffic"),
        fill: Fill::Plan(|p| p.volume_growth_per_month),
        ..BASE
    },
    InputSpec {
        path: "discount_rate_per_year",
        id: "discount_rate_per_year",
        label: "Discount rate per year",
        unit: Unit::Fraction,
        doc: "The yearly rate future cash is discounted at for the net present value (0 turns discounting off).",
        bounds: Bounds::RATE,
        default: default(0.10, "10% a year, mid-range of the 8–12% finance teams usually use"),
        fill: Fill::Plan(|p| p.discount_rate_per_year),
        ..BASE
    },
    InputSpec {
        path: "catalogue_max_age_months",
        id: "catalogue_max_age_months",
        label: "Oldest catalogue figure used without a warning",
        unit: Unit::Months,
        doc: "A catalogue price or throughput the plan uses that is older than this many months at the plan's as_of is warned about.",
        bounds: Bounds::WHOLE_POSITIVE.at_most(240.0),
        default: default(6.0, "prices move within months: refresh the catalogue twice a year"),
        fill: Fill::Plan(|p| p.catalogue_max_age_months),
        ..BASE
    },
    // Baseline.
    InputSpec {
        path: "baseline.price_change_per_year",
        id: "api_price_change_per_year",
        label: "API price change per year",
        unit: Unit::Fraction,
        doc: "How the API's prices move on the timeline each year (-0.3 = they fall 30% a year).",
        group: Group::Baseline,
        bounds: Bounds {
            min: -1.0,
            min_inclusive: true,
            max: Some(1.0),
            whole: false,
        },
        default: default(0.0, "today's prices for the whole lifetime"),
        fill: Fill::Plan(|p| p.baseline.price_change_per_year),
        ..BASE
    },
    InputSpec {
        path: "baseline.input_price_per_1m_tokens",
        id: "input_price_per_1m_tokens",
        label: "API input price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the API charges per million prompt tokens.",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |p| p.baseline.input_price_per_1m_tokens,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "input_per_1m_tokens",
            },
        ),
        ..BASE
    },
    InputSpec {
        path: "baseline.api",
        id: "baseline_api",
        label: "API model",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "The API model's name in the catalogue; its prices apply where the plan gives none.",
        group: Group::Baseline,
        fill: Fill::Text(|p| p.baseline.api.clone(), None),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "baseline.output_price_per_1m_tokens",
        id: "output_price_per_1m_tokens",
        label: "API output price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the API charges per million completion tokens.",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |p| p.baseline.output_price_per_1m_tokens,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "output_per_1m_tokens",
            },
        ),
        ..BASE
    },
    InputSpec {
        path: "baseline.service_tier",
        id: "api_service_tier",
        label: "API service tier",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "The tier the requests that are not batched run at (standard, priority or flex); its prices are the API prices above.",
        group: Group::Baseline,
        fill: Fill::Text(
            |p| p.baseline.service_tier.map(|t| t.name().to_string()),
            Some(("standard", "the list prices")),
        ),
        ..BASE
    },
    InputSpec {
        path: "baseline.cached_input_share",
        id: "cached_input_share",
        label: "Share of input tokens read from the cache",
        unit: Unit::Fraction,
        doc: "Share of prompt tokens the provider bills at its cached-input price (a long system prompt or few-shot examples resent with every request).",
        group: Group::Baseline,
        bounds: Bounds::RATE,
        default: default(0.0, "no prompt caching: every prompt token at the input price"),
        fill: Fill::Plan(|p| p.baseline.cached_input_share),
        ..BASE
    },
    InputSpec {
        path: "",
        id: "cached_input_price_per_1m_tokens",
        label: "API cached-input price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the API charges per million prompt tokens read from its cache (the input price where the provider gives no cached price).",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "cached_input_per_1m_tokens",
            },
        ),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "baseline.cache_write_share",
        id: "cache_write_share",
        label: "Share of input tokens written to the cache",
        unit: Unit::Fraction,
        doc: "Share of prompt tokens written to the provider's cache, billed at its cache-write price where it bills writes.",
        group: Group::Baseline,
        bounds: Bounds::RATE,
        default: default(0.0, "no cache writes billed"),
        fill: Fill::Plan(|p| p.baseline.cache_write_share),
        ..BASE
    },
    InputSpec {
        path: "",
        id: "cache_write_price_per_1m_tokens",
        label: "API cache-write price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the API charges per million prompt tokens written to its cache (the input price where the provider bills no writes).",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "cache_write_per_1m_tokens",
            },
        ),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "baseline.batch_share",
        id: "batch_share",
        label: "Share of requests sent through the batch API",
        unit: Unit::Fraction,
        doc: "Share of requests sent through the provider's batch API (answers within a day) at its batch prices.",
        group: Group::Baseline,
        bounds: Bounds::RATE,
        default: default(0.0, "every request answered at once"),
        fill: Fill::Plan(|p| p.baseline.batch_share),
        ..BASE
    },
    InputSpec {
        path: "",
        id: "batch_input_price_per_1m_tokens",
        label: "API batch input price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the batch API charges per million uncached prompt tokens (the input price where the provider has no batch price).",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "batch_input_per_1m_tokens",
            },
        ),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "",
        id: "batch_output_price_per_1m_tokens",
        label: "API batch output price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the batch API charges per million completion tokens (the output price where the provider has no batch price).",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "batch_output_per_1m_tokens",
            },
        ),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "baseline.reasoning_tokens_per_request",
        id: "reasoning_tokens_per_request",
        label: "Reasoning tokens per request",
        unit: Unit::TokensPerRequest,
        doc: "Thinking tokens a reasoning model generates per request; the provider bills them as output tokens.",
        group: Group::Baseline,
        default: default(0.0, "a model that does not reason, or reasoning off"),
        fill: Fill::Plan(|p| p.baseline.reasoning_tokens_per_request),
        ..BASE
    },
    InputSpec {
        path: "",
        id: "long_context_above_tokens",
        label: "Long-context prices above",
        unit: Unit::TokensPerRequest,
        doc: "The prompt length above which the provider bills the whole request at its long-context prices (0: no such step).",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "long_context_above_tokens",
            },
        ),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "",
        id: "long_context_input_price_per_1m_tokens",
        label: "API long-context input price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the API charges per million prompt tokens of a request past the long-context step.",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "long_context_input_per_1m_tokens",
            },
        ),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "",
        id: "long_context_output_price_per_1m_tokens",
        label: "API long-context output price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the API charges per million completion tokens of a request past the long-context step.",
        group: Group::Baseline,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Api,
                key: "baseline_api",
                column: "long_context_output_per_1m_tokens",
            },
        ),
        when: When::Api,
        ..BASE
    },
    InputSpec {
        path: "baseline.requests_per_day",
        id: "requests_per_day_forecast",
        label: "Requests per day, forecast",
        unit: Unit::RequestsPerDay,
        doc: "The plan's forecast of daily API traffic, replaced by the latest observed month.",
        group: Group::Baseline,
        fill: Fill::Dedicated,
        ..BASE
    },
    InputSpec {
        path: "baseline.requests_per_day",
        id: "requests_per_day",
        label: "Requests per day",
        unit: Unit::RequestsPerDay,
        doc: "Today's API traffic.",
        group: Group::Baseline,
        fill: Fill::Dedicated,
        ..BASE
    },
    InputSpec {
        path: "actuals.{month}.api_bill",
        id: "actual_monthly_api_bill",
        label: "API bill, latest observed month",
        unit: Unit::UsdPerMonth,
        doc: "What the API actually billed in the latest observed month.",
        group: Group::Baseline,
        fill: Fill::Dedicated,
        ..BASE
    },
    InputSpec {
        path: "baseline.avg_input_tokens_per_request",
        id: "avg_input_tokens_per_request",
        label: "Input tokens per request",
        unit: Unit::TokensPerRequest,
        doc: "Average prompt length.",
        group: Group::Baseline,
        fill: Fill::Plan(|p| Some(p.baseline.avg_input_tokens_per_request)),
        ..BASE
    },
    InputSpec {
        path: "baseline.avg_output_tokens_per_request",
        id: "avg_output_tokens_per_request",
        label: "Output tokens per request",
        unit: Unit::TokensPerRequest,
        doc: "Average completion length.",
        group: Group::Baseline,
        fill: Fill::Plan(|p| Some(p.baseline.avg_output_tokens_per_request)),
        ..BASE
    },
    // The fine-tuned model and component 1: compute.
    InputSpec {
        path: "fine_tuned.model_size_b",
        id: "model_size_b",
        label: "Model size",
        unit: Unit::BillionParameters,
        doc: "Parameters of the fine-tuned model, in billions.",
        group: Group::Compute,
        bounds: Bounds::POSITIVE,
        fill: Fill::Plan(|p| Some(p.fine_tuned.model_size_b)),
        ..BASE
    },
    InputSpec {
        path: "fine_tuned.method",
        id: "method",
        label: "Fine-tuning method",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "lora, qlora or full fine-tuning.",
        group: Group::Compute,
        fill: Fill::Text(|p| Some(p.fine_tuned.method.name().to_string()), None),
        ..BASE
    },
    InputSpec {
        path: "compute.runs",
        id: "training_runs",
        label: "Training runs budgeted",
        unit: Unit::Count,
        doc: "Experiments to reach a production model (5 to 15 is typical).",
        group: Group::Compute,
        bounds: Bounds::WHOLE,
        fill: Fill::Plan(|p| Some(p.compute.runs)),
        ..BASE
    },
    InputSpec {
        path: "compute.retrain_every_months",
        id: "retrain_every_months",
        label: "Retrain every",
        unit: Unit::Months,
        doc: "Months between retrainings while in service (0: never).",
        group: Group::Compute,
        bounds: Bounds::WHOLE,
        default: default(0.0, "never retrained"),
        fill: Fill::Plan(|p| p.compute.retrain_every_months),
        ..BASE
    },
    InputSpec {
        path: "compute.runs_per_retrain",
        id: "runs_per_retrain",
        label: "Training runs per retraining",
        unit: Unit::Count,
        doc: "Runs each retraining takes, at the cost per run.",
        group: Group::Compute,
        bounds: Bounds::WHOLE,
        default: default(1.0, "one run on refreshed data"),
        fill: Fill::Plan(|p| p.compute.runs_per_retrain),
        ..BASE
    },
    InputSpec {
        path: "compute.training.dataset_examples",
        id: "dataset_examples",
        label: "Training examples",
        unit: Unit::Examples,
        doc: "Examples in the training set.",
        group: Group::Compute,
        fill: Fill::Plan(|p| training(p).map(|t| t.dataset_examples)),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.avg_seq_len",
        id: "avg_seq_len",
        label: "Average sequence length",
        unit: Unit::Tokens,
        doc: "Tokens per training example.",
        group: Group::Compute,
        fill: Fill::Plan(|p| training(p).map(|t| t.avg_seq_len)),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.epochs",
        id: "epochs",
        label: "Epochs",
        unit: Unit::Epochs,
        doc: "Passes over the training set per run.",
        group: Group::Compute,
        bounds: Bounds::POSITIVE,
        fill: Fill::Plan(|p| training(p).map(|t| t.epochs)),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.instance",
        id: "training_instance",
        label: "Training instance",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "The instance type the runs train on.",
        group: Group::Compute,
        fill: Fill::Text(|p| training(p).map(|t| t.instance.clone()), None),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.gpu_bf16_tflops",
        id: "training_gpu_bf16_tflops",
        label: "Training GPU peak (dense bf16)",
        unit: Unit::Tflops,
        doc: "Peak dense bf16 throughput of one training GPU.",
        group: Group::Compute,
        bounds: Bounds::POSITIVE,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Gpus,
                key: "training_instance",
                column: "bf16_dense_tflops",
            },
        ),
        when: When::TrainingGpu,
        ..BASE
    },
    InputSpec {
        path: "compute.training.flops_per_parameter_token",
        id: "training_flops_per_parameter_token",
        label: "Training FLOPs per parameter and token",
        unit: Unit::Multiplier,
        doc: "Compute per parameter per trained token (about 6 for full fine-tuning, 4 for LoRA).",
        group: Group::Compute,
        bounds: Bounds::POSITIVE,
        default: default(
            4.0,
            "LoRA: 4 FLOPs per parameter per token (no gradients for the frozen weights)",
        ),
        fill: Fill::Dedicated,
        when: When::TrainingGpu,
        ..BASE
    },
    InputSpec {
        path: "compute.training.tokens_per_second",
        id: "training_tokens_per_second",
        label: "Training throughput",
        unit: Unit::TokensPerSecond,
        doc: "Tokens per second the run trains at, across all its GPUs.",
        group: Group::Compute,
        bounds: Bounds::POSITIVE,
        fill: Fill::Benchmark(
            |p| training(p).and_then(|t| t.tokens_per_second),
            "tokens_per_second",
        ),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.num_gpus",
        id: "training_num_gpus",
        label: "GPUs per run",
        unit: Unit::Gpus,
        doc: "GPUs a run needs.",
        group: Group::Compute,
        bounds: Bounds::WHOLE_POSITIVE,
        fill: Fill::Benchmark(|p| training(p).and_then(|t| t.num_gpus), "num_gpus"),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.cost_per_hour",
        id: "training_cost_per_hour_on_demand",
        label: "Training price, on demand",
        unit: Unit::UsdPerHour,
        doc: "On-demand price per hour for all the run's GPUs.",
        group: Group::Compute,
        fill: Fill::Benchmark(
            |p| training(p).and_then(|t| t.cost_per_hour),
            "cost_per_hour",
        ),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.spot",
        id: "training_spot",
        label: "Train on spot instances",
        unit: Unit::YesNo,
        bounds: Bounds::ANY,
        doc: "Whether runs use spot (preemptible) capacity.",
        group: Group::Compute,
        fill: Fill::YesNo(
            |p| training(p).and_then(|t| t.spot),
            (true, "spot, as in the reference case's estimator"),
        ),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.spot_price_factor",
        id: "spot_price_factor",
        label: "Spot price factor",
        unit: Unit::Multiplier,
        doc: "Spot price as a fraction of on-demand (0.35 = 65% off).",
        group: Group::Compute,
        bounds: Bounds::RATE,
        default: default(0.35, SEED_DEFAULT),
        fill: Fill::Plan(|p| training(p).and_then(|t| t.spot_price_factor)),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.training.overhead_fraction",
        id: "training_overhead_fraction",
        label: "Training overhead",
        unit: Unit::Fraction,
        doc: "Extra time for checkpoints, evaluation and start-up.",
        group: Group::Compute,
        default: default(0.15, SEED_DEFAULT),
        fill: Fill::Plan(|p| training(p).and_then(|t| t.overhead_fraction)),
        when: When::Training,
        ..BASE
    },
    InputSpec {
        path: "compute.cost_per_run",
        id: "compute_cost_per_run",
        label: "Compute cost per run",
        unit: Unit::Usd,
        doc: "GPU cost of one training run.",
        group: Group::Compute,
        fill: Fill::Dedicated,
        ..BASE
    },
    // Managed fine-tuning: a candidate trained and served by a provider.
    InputSpec {
        path: "kind",
        id: "fine_tuning_kind",
        label: "Who trains and serves the model",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "self_hosted: the plan's GPUs train and serve it; managed: a provider's fine-tuning service, priced per training and per served token, with no GPUs to run; api: no fine-tuning, the task moves to another API model (api) with a longer prompt.",
        group: Group::Managed,
        fill: Fill::Text(
            |p| p.kind.map(|k| k.name().to_string()),
            Some(("self_hosted", "the plan's own GPUs")),
        ),
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "offer",
        id: "managed_offer",
        label: "Managed offer",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "The managed fine-tuning offer's name in the catalogue; its prices apply where the plan gives none.",
        group: Group::Managed,
        fill: Fill::Text(|p| p.offer.clone(), None),
        when: When::Offer,
        ..BASE
    },
    InputSpec {
        path: "managed.training_per_1m_tokens",
        id: "managed_training_price_per_1m_tokens",
        label: "Managed training price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the provider charges per million tokens trained (the dataset's tokens × epochs).",
        group: Group::Managed,
        default: default(0.0, "not managed"),
        fill: Fill::Dedicated,
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "managed.inference_input_per_1m_tokens",
        id: "managed_input_price_per_1m_tokens",
        label: "Managed model input price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the provider charges per million prompt tokens sent to the fine-tuned model.",
        group: Group::Managed,
        default: default(0.0, "not managed"),
        fill: Fill::Dedicated,
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "managed.inference_output_per_1m_tokens",
        id: "managed_output_price_per_1m_tokens",
        label: "Managed model output price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the provider charges per million completion tokens of the fine-tuned model.",
        group: Group::Managed,
        default: default(0.0, "not managed"),
        fill: Fill::Dedicated,
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "managed.training_tokens_per_run",
        id: "managed_training_tokens_per_run",
        label: "Managed tokens trained per run",
        unit: Unit::Tokens,
        doc: "Tokens one managed training run bills; 0 means the training estimate's examples × sequence length × epochs.",
        group: Group::Managed,
        default: default(0.0, "the training estimate's tokens per run"),
        fill: Fill::Plan(|p| p.managed.as_ref().and_then(|m| m.training_tokens_per_run)),
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "api",
        id: "alternative_api",
        label: "API model moved to",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "For kind: api, the API model's name in the catalogue; its list prices are the managed model's prices where the plan gives none.",
        group: Group::Managed,
        fill: Fill::Text(|p| p.api.clone(), None),
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "prompt.extra_tokens_per_request",
        id: "extra_prompt_tokens_per_request",
        label: "Extra prompt tokens per request",
        unit: Unit::TokensPerRequest,
        doc: "Prompt tokens each request carries beyond today's (few-shot examples), billed at the managed model's input price.",
        group: Group::Managed,
        default: default(0.0, "the prompt of today"),
        fill: Fill::Plan(|p| p.prompt.as_ref().and_then(|x| x.extra_tokens_per_request)),
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "prompt.work_hours",
        id: "prompt_work_hours",
        label: "Hours of prompt work",
        unit: Unit::Hours,
        doc: "For kind: api, the engineering hours to write and evaluate the prompt: the candidate's whole project, instead of the phases.",
        group: Group::Managed,
        default: default(0.0, "none given"),
        fill: Fill::Plan(|p| p.prompt.as_ref().and_then(|x| x.work_hours)),
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "prompt.cached_share",
        id: "prompt_cached_share",
        label: "Share of the prompt read from the cache",
        unit: Unit::Fraction,
        doc: "Share of the candidate's prompt tokens (today's and the extra ones) billed at the model's cached-input price: the few-shot examples and instructions resent with every request.",
        group: Group::Managed,
        bounds: Bounds::RATE,
        default: default(0.0, "no prompt caching: every prompt token at the input price"),
        fill: Fill::Plan(|p| p.prompt.as_ref().and_then(|x| x.cached_share)),
        when: When::Managed,
        ..BASE
    },
    InputSpec {
        path: "",
        id: "managed_cached_input_price_per_1m_tokens",
        label: "Managed model cached-input price",
        unit: Unit::UsdPer1MTokens,
        doc: "What the provider charges per million prompt tokens read from its cache: for kind: api, the API model's cached-input price (its input price where it has none); else the managed input price.",
        group: Group::Managed,
        default: default(0.0, "not managed"),
        fill: Fill::Dedicated,
        when: When::Managed,
        ..BASE
    },
    // Component 2: engineering (the phases follow, see ENGINEERING_PHASE).
    InputSpec {
        path: "engineering.hourly_rate",
        id: "engineer_hourly_rate",
        label: "Engineer hourly rate",
        unit: Unit::UsdPerHour,
        doc: "Loaded cost of an engineering hour.",
        group: Group::Engineering,
        fill: Fill::Plan(|p| Some(p.engineering.hourly_rate)),
        ..BASE
    },
    InputSpec {
        path: "engineering.maintenance_hours_per_month",
        id: "maintenance_hours_per_month",
        label: "Maintenance hours per month",
        unit: Unit::HoursPerMonth,
        doc: "Maintenance, monitoring and on-call hours each month in service.",
        group: Group::Engineering,
        default: default(0.0, "none given (a warning says what it would take to flip the verdict)"),
        fill: Fill::Plan(|p| p.engineering.maintenance_hours_per_month),
        ..BASE
    },
    InputSpec {
        path: "engineering.hours_per_retrain",
        id: "hours_per_retrain",
        label: "Engineering hours per retraining",
        unit: Unit::Hours,
        doc: "Data refresh and evaluation hours each retraining takes.",
        group: Group::Engineering,
        default: default(0.0, "none given"),
        fill: Fill::Plan(|p| p.engineering.hours_per_retrain),
        ..BASE
    },
    // Component 3: serving.
    InputSpec {
        path: "serving.instances",
        id: "serving_instances",
        label: "Serving instances",
        unit: Unit::Instances,
        doc: "Instances serving the model around the clock.",
        group: Group::Serving,
        bounds: Bounds::WHOLE_POSITIVE,
        fill: Fill::Plan(|p| Some(p.serving.instances)),
        ..BASE
    },
    InputSpec {
        path: "serving.cost_per_hour",
        id: "serving_cost_per_hour",
        label: "Serving price per instance",
        unit: Unit::UsdPerHour,
        doc: "Hourly price of one serving instance.",
        group: Group::Serving,
        fill: Fill::Catalogue(
            |p| p.serving.cost_per_hour,
            Catalogued {
                table: Table::Gpus,
                key: "serving_instance",
                column: "on_demand_per_instance_hour",
            },
        ),
        ..BASE
    },
    InputSpec {
        path: "serving.instance",
        id: "serving_instance",
        label: "Serving instance",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "The serving instance's name in the catalogue; its price and memory apply where the plan gives none.",
        group: Group::Serving,
        fill: Fill::Text(|p| p.serving.instance.clone(), None),
        when: When::ServingGpu,
        ..BASE
    },
    InputSpec {
        path: "serving.commitment",
        id: "serving_commitment",
        label: "Serving price term",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "on_demand, reserved_1y or reserved_3y: the term the instances are rented on; the named offer's price for that term applies (an offer without one is an error).",
        group: Group::Serving,
        fill: Fill::Text(
            |p| p.serving.commitment.map(|c| c.name().to_string()),
            Some(("on_demand", "on demand, no term")),
        ),
        ..BASE
    },
    InputSpec {
        path: "serving.storage_bytes_per_parameter",
        id: "storage_bytes_per_parameter",
        label: "Stored bytes per parameter",
        unit: Unit::BytesPerParameter,
        doc: "Bytes a parameter takes in stored weights (bf16 = 2).",
        group: Group::Serving,
        bounds: Bounds::POSITIVE,
        default: default(2.0, SEED_DEFAULT),
        fill: Fill::Plan(|p| p.serving.storage_bytes_per_parameter),
        ..BASE
    },
    InputSpec {
        path: "serving.storage_price_per_gb_month",
        id: "storage_price_per_gb_month",
        label: "Storage price",
        unit: Unit::UsdPerGbMonth,
        doc: "Object storage price for weights and checkpoints.",
        group: Group::Serving,
        default: default(0.023, SEED_DEFAULT),
        fill: Fill::Plan(|p| p.serving.storage_price_per_gb_month),
        ..BASE
    },
    InputSpec {
        path: "serving.target_utilization",
        id: "target_utilization",
        label: "Target GPU utilization",
        unit: Unit::Fraction,
        doc: "Average share of serving capacity the traffic should use.",
        group: Group::Serving,
        bounds: Bounds::UTILIZATION,
        default: default(0.2, "the reference case's sizing target"),
        fill: Fill::Plan(|p| p.serving.target_utilization),
        ..BASE
    },
    InputSpec {
        path: "serving.off_peak.hours",
        id: "off_peak_hours_per_day",
        label: "Off-peak hours per day",
        unit: Unit::HoursPerDay,
        doc: "Hours a day in the quiet window, served by the off-peak instances.",
        group: Group::Serving,
        bounds: Bounds::NON_NEGATIVE.at_most(23.0),
        default: default(0.0, "no quiet window"),
        fill: Fill::Plan(|p| p.serving.off_peak.as_ref().map(|o| o.hours)),
        ..BASE
    },
    InputSpec {
        path: "serving.off_peak.instances",
        id: "off_peak_instances",
        label: "Off-peak instances kept",
        unit: Unit::Instances,
        doc: "Instances kept running in the quiet window (0 scales to zero).",
        group: Group::Serving,
        bounds: Bounds::WHOLE,
        default: default(0.0, "none kept"),
        fill: Fill::Plan(|p| p.serving.off_peak.as_ref().map(|o| o.instances)),
        ..BASE
    },
    InputSpec {
        path: "serving.off_peak.traffic_share",
        id: "off_peak_traffic_share",
        label: "Traffic share in off-peak hours",
        unit: Unit::Fraction,
        doc: "Share of the day's tokens that arrive in the quiet window.",
        group: Group::Serving,
        bounds: Bounds::RATE,
        default: default(0.0, "no traffic in the quiet window"),
        fill: Fill::Plan(|p| p.serving.off_peak.as_ref().and_then(|o| o.traffic_share)),
        ..BASE
    },
    InputSpec {
        path: "serving.throughput_tokens_per_second",
        id: "serving_throughput_tokens_per_second",
        label: "Serving throughput per instance",
        unit: Unit::TokensPerSecond,
        doc: "Tokens per second one instance serves at full load.",
        group: Group::Serving,
        bounds: Bounds::POSITIVE,
        fill: Fill::Dedicated,
        ..BASE
    },
    InputSpec {
        path: "serving.prefill_tokens_per_second",
        id: "serving_prefill_tokens_per_second",
        label: "Prefill throughput per instance",
        unit: Unit::TokensPerSecond,
        doc: "Prompt tokens per second one instance reads at full load (prefill); the serving throughput counts generated tokens. Where it is not measured: 3.3 × the decode rate, the ratio a saturated server shows in TensorRT-LLM's published performance table. Give the rate measured on your own prompts where you have it.",
        group: Group::Serving,
        bounds: Bounds::POSITIVE,
        fill: Fill::Dedicated,
        ..BASE
    },
    InputSpec {
        path: "serving.share_of_instances",
        id: "serving_share_of_instances",
        label: "Share of the instances",
        unit: Unit::Fraction,
        doc: "The share of a shared deployment's instances the plan pays for and whose capacity it gets (an adapter served beside others on one base model, multi-LoRA serving).",
        group: Group::Serving,
        bounds: Bounds::UTILIZATION,
        default: default(1.0, "the instances serve this plan alone"),
        fill: Fill::Plan(|p| p.serving.share_of_instances),
        ..BASE
    },
    InputSpec {
        path: "serving.sizing",
        id: "serving_sizing",
        label: "Instance sizing",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "auto: each month pays for the instances its traffic needs when that is more than the plan's; fixed: the plan's instances, and a plan short of capacity is not feasible.",
        group: Group::Serving,
        fill: Fill::Text(
            |p| p.serving.sizing.map(|x| x.name().to_string()),
            Some(("auto", "auto, the instances the traffic needs")),
        ),
        ..BASE
    },
    InputSpec {
        path: "serving.precision",
        id: "serving_precision",
        label: "Serving precision",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "The precision the weights are served at.",
        group: Group::Serving,
        fill: Fill::Text(
            |p| p.serving.precision.map(|x| x.name().to_string()),
            Some(("bf16", "bf16, unquantized")),
        ),
        ..BASE
    },
    InputSpec {
        path: "serving.precision",
        id: "serving_bytes_per_parameter",
        label: "Served bytes per parameter",
        unit: Unit::BytesPerParameter,
        doc: "Bytes a parameter takes at the serving precision (bf16 2, int8 1, int4 0.5).",
        group: Group::Serving,
        bounds: Bounds::POSITIVE,
        default: default(2.0, "from the serving precision"),
        fill: Fill::Dedicated,
        ..BASE
    },
    InputSpec {
        path: "serving.gpu_memory_gb",
        id: "serving_gpu_memory_gb",
        label: "GPU memory per GPU",
        unit: Unit::Gigabytes,
        doc: "Memory of one GPU of the serving instance.",
        group: Group::Serving,
        bounds: Bounds::POSITIVE,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Gpus,
                key: "serving_instance",
                column: "memory_gb",
            },
        ),
        when: When::ServingGpu,
        ..BASE
    },
    InputSpec {
        path: "serving.instance",
        id: "serving_gpus_per_instance",
        label: "GPUs per instance",
        unit: Unit::Gpus,
        doc: "GPUs in one serving instance: with the GPUs per model copy, how many whole copies the instances hold.",
        group: Group::Serving,
        bounds: Bounds::WHOLE_POSITIVE,
        fill: Fill::Catalogue(
            |_| None,
            Catalogued {
                table: Table::Gpus,
                key: "serving_instance",
                column: "gpus_per_instance",
            },
        ),
        when: When::ServingGpu,
        ..BASE
    },
    InputSpec {
        path: "serving.gpus_per_replica",
        id: "serving_gpus_per_replica",
        label: "GPUs per model copy",
        unit: Unit::Gpus,
        doc: "GPUs one copy of the model is spread over (tensor parallel).",
        group: Group::Serving,
        bounds: Bounds::WHOLE_POSITIVE,
        default: default(1.0, "one GPU per copy"),
        fill: Fill::Plan(|p| p.serving.gpus_per_replica),
        when: When::ServingGpu,
        ..BASE
    },
    InputSpec {
        path: "serving.kv_cache_headroom_fraction",
        id: "kv_cache_headroom_fraction",
        label: "KV cache and runtime headroom",
        unit: Unit::Fraction,
        doc: "Memory for the KV cache and runtime, as a fraction of the weights.",
        group: Group::Serving,
        default: default(0.1, "a tenth of the weights"),
        fill: Fill::Plan(|p| p.serving.kv_cache_headroom_fraction),
        when: When::ServingGpu,
        ..BASE
    },
    // Component 4: quality.
    InputSpec {
        path: "quality.review_rate_api",
        id: "review_rate_api",
        label: "Review rate, API",
        unit: Unit::Fraction,
        doc: "Share of API responses a person must review.",
        group: Group::Quality,
        bounds: Bounds::RATE,
        fill: Fill::Plan(|p| Some(p.quality.review_rate_api)),
        ..BASE
    },
    InputSpec {
        path: "quality.review_rate_ft",
        id: "review_rate_ft",
        label: "Review rate, fine-tuned",
        unit: Unit::Fraction,
        doc: "Share of fine-tuned responses a person must review (for kind: api, prompt.review_rate when given).",
        group: Group::Quality,
        bounds: Bounds::RATE,
        fill: Fill::Plan(|p| {
            // An out-of-range prompt.review_rate is reported at its own path.
            let prompt = p
                .prompt
                .as_ref()
                .and_then(|x| x.review_rate)
                .filter(|x| (0.0..=1.0).contains(x));
            match (p.kind, prompt) {
                (Some(crate::plan::Kind::Api), Some(rate)) => Some(rate),
                _ => Some(p.quality.review_rate_ft),
            }
        }),
        ..BASE
    },
    InputSpec {
        path: "quality.cost_per_review",
        id: "cost_per_review",
        label: "Cost per review",
        unit: Unit::UsdPerReview,
        doc: "What one human review costs.",
        group: Group::Quality,
        fill: Fill::Plan(|p| Some(p.quality.cost_per_review)),
        ..BASE
    },
    // Decision factors.
    InputSpec {
        path: "decision.task_consistency",
        id: "task_consistency",
        label: "Task consistency",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "How uniform the task is: high, medium or low.",
        group: Group::Decision,
        fill: Fill::Text(
            |p| decision(p).and_then(|d| d.task_consistency.map(|l| l.name().to_string())),
            Some(("medium", "medium, which scores 0")),
        ),
        ..BASE
    },
    InputSpec {
        path: "requirements.data_must_stay_in_house",
        id: "data_must_stay_in_house",
        label: "Data must stay in house",
        unit: Unit::YesNo,
        bounds: Bounds::ANY,
        doc: "A hard requirement: the data may not leave the company, which rules out the API and managed offers run by a third party.",
        group: Group::Decision,
        fill: Fill::YesNo(
            |p| requirements(p).and_then(|r| r.data_must_stay_in_house),
            (false, "no: the data may be sent to a provider"),
        ),
        when: When::Requirements,
        ..BASE
    },
    InputSpec {
        path: "requirements.latency_limit_ms",
        id: "latency_limit_ms",
        label: "Latency limit",
        unit: Unit::Milliseconds,
        doc: "A hard requirement: the longest acceptable time to the first token. A candidate whose latency is known and above it is not feasible; an unknown latency is said as unknown.",
        group: Group::Decision,
        bounds: Bounds::POSITIVE,
        fill: Fill::Dedicated,
        when: When::Requirements,
        ..BASE
    },
    InputSpec {
        path: "requirements.api_latency_ms",
        id: "api_latency_ms",
        label: "API latency, measured",
        unit: Unit::Milliseconds,
        doc: "The API's time to the first token as measured on the plan's prompts; without it the API's latency is unknown.",
        group: Group::Decision,
        bounds: Bounds::POSITIVE,
        fill: Fill::Dedicated,
        when: When::Requirements,
        ..BASE
    },
    InputSpec {
        path: "decision.latency_requirement_ms",
        id: "latency_requirement_ms",
        label: "Latency requirement",
        unit: Unit::Milliseconds,
        doc: "The response-time target the product must meet.",
        group: Group::Decision,
        bounds: Bounds::POSITIVE,
        default: default(2000.0, "no strict target, which scores 0"),
        fill: Fill::Plan(|p| decision(p).and_then(|d| d.latency_requirement_ms)),
        ..BASE
    },
    InputSpec {
        path: "decision.quality_requirement",
        id: "quality_requirement",
        label: "Quality requirement",
        unit: Unit::Text,
        bounds: Bounds::ANY,
        doc: "How demanding the quality bar is: high, medium or low.",
        group: Group::Decision,
        fill: Fill::Text(
            |p| decision(p).and_then(|d| d.quality_requirement.map(|l| l.name().to_string())),
            Some(("medium", "medium, which scores 0")),
        ),
        ..BASE
    },
    InputSpec {
        path: "decision.team_ml_expertise",
        id: "team_ml_expertise",
        label: "Team has ML expertise",
        unit: Unit::YesNo,
        bounds: Bounds::ANY,
        doc: "Whether the team can run fine-tuning itself.",
        group: Group::Decision,
        fill: Fill::YesNo(
            |p| decision(p).and_then(|d| d.team_ml_expertise),
            (true, "yes, which scores 0"),
        ),
        ..BASE
    },
    InputSpec {
        path: "decision.iteration_speed_priority",
        id: "iteration_speed_priority",
        label: "Fast iteration is a priority",
        unit: Unit::YesNo,
        bounds: Bounds::ANY,
        doc: "Whether the task definition still changes often.",
        group: Group::Decision,
        fill: Fill::YesNo(
            |p| decision(p).and_then(|d| d.iteration_speed_priority),
            (false, "no, which scores 0"),
        ),
        ..BASE
    },
    InputSpec {
        path: "decision.marginal_savings_share",
        id: "marginal_savings_share",
        label: "Marginal below this share of the API bill",
        unit: Unit::Fraction,
        doc: "A verdict whose lifetime net savings are below this share of the lifetime API bill reads as marginal.",
        group: Group::Decision,
        bounds: Bounds::RATE,
        default: default(0.1, "a tenth of the bill, within a plan's usual error"),
        fill: Fill::Plan(|p| decision(p).and_then(|d| d.marginal_savings_share)),
        ..BASE
    },
    InputSpec {
        path: "decision.marginal_odds",
        id: "marginal_odds",
        label: "Marginal below this chance of payback",
        unit: Unit::Fraction,
        doc: "A ranged plan whose chance of paying back within the lifetime is below this reads as marginal.",
        group: Group::Decision,
        bounds: Bounds::RATE,
        default: default(0.8, "four chances in five"),
        fill: Fill::Plan(|p| decision(p).and_then(|d| d.marginal_odds)),
        ..BASE
    },
    InputSpec {
        path: "decision.required_odds",
        id: "required_odds",
        label: "Recommended only from this chance of payback",
        unit: Unit::Fraction,
        doc: "A ranged plan's self-hosted or managed candidate is recommended only where its chance of paying back within the lifetime is at least this; below it, the API for now.",
        group: Group::Decision,
        bounds: Bounds::RATE,
        default: default(0.5, "even odds: below them a coin flip says the API"),
        fill: Fill::Plan(|p| decision(p).and_then(|d| d.required_odds)),
        ..BASE
    },
    // Decision rules: the lesson's scoring, visible and editable.
    rule(
        "rule_api_cost_high",
        "API bill counted as high, above",
        Unit::UsdPerMonth,
        "Monthly API bill above which volume favours fine-tuning strongly.",
        5000.0,
    ),
    rule(
        "rule_api_cost_medium",
        "API bill counted as medium, above",
        Unit::UsdPerMonth,
        "Monthly API bill above which volume favours fine-tuning a little.",
        1000.0,
    ),
    points(
        "rule_points_api_cost_high",
        "Points: high API bill",
        "Score for a high API bill.",
        3.0,
    ),
    points(
        "rule_points_api_cost_medium",
        "Points: medium API bill",
        "Score for a medium API bill.",
        1.0,
    ),
    points(
        "rule_points_api_cost_low",
        "Points: low API bill",
        "Score for a low API bill.",
        -2.0,
    ),
    points(
        "rule_points_consistency_high",
        "Points: high task consistency",
        "Score for a uniform task.",
        2.0,
    ),
    points(
        "rule_points_consistency_low",
        "Points: low task consistency",
        "Score for a variable task.",
        -2.0,
    ),
    rule(
        "rule_latency_strict_ms",
        "Latency counted as strict, below",
        Unit::Milliseconds,
        "Latency target below which self-hosting wins on p99.",
        500.0,
    ),
    rule(
        "rule_latency_moderate_ms",
        "Latency counted as moderate, below",
        Unit::Milliseconds,
        "Latency target below which both options are viable.",
        2000.0,
    ),
    points(
        "rule_points_latency_strict",
        "Points: strict latency",
        "Score for a strict latency target.",
        2.0,
    ),
    points(
        "rule_points_latency_moderate",
        "Points: moderate latency",
        "Score for a moderate latency target.",
        1.0,
    ),
    points(
        "rule_points_quality_high",
        "Points: high quality requirement",
        "Score for a demanding quality bar.",
        -1.0,
    ),
    points(
        "rule_points_quality_low",
        "Points: low quality requirement",
        "Score for a forgiving quality bar.",
        1.0,
    ),
    points(
        "rule_points_no_ml_expertise",
        "Points: no ML expertise",
        "Score when the team lacks ML expertise.",
        -2.0,
    ),
    points(
        "rule_points_iteration_priority",
        "Points: fast iteration needed",
        "Score when the task still changes often.",
        -2.0,
    ),
    points(
        "rule_verdict_strong_fine_tune",
        "Score for STRONG: Fine-tune, at least",
        "Lowest score that reads as a strong case for fine-tuning.",
        3.0,
    ),
    points(
        "rule_verdict_lean_fine_tune",
        "Score for LEAN: Fine-tune, at least",
        "Lowest score that leans to fine-tuning.",
        1.0,
    ),
    points(
        "rule_verdict_neutral",
        "Score for NEUTRAL, at least",
        "Lowest score that reads as neutral.",
        -1.0,
    ),
    points(
        "rule_verdict_lean_api",
        "Score for LEAN: Use API, at least",
        "Lowest score that leans to the API; below it, a strong case for the API.",
        -3.0,
    ),
    InputSpec {
        bounds: Bounds::WHOLE,
        default: default(5.0, "the reference case's common mistakes"),
        ..rule(
            "rule_min_training_runs",
            "Fewest training runs typically needed",
            Unit::Count,
            "The reference case: 5 to 15 runs reach a production model; fewer is a budgeting mistake.",
            5.0,
        )
    },
    InputSpec {
        default: default(76.0, "the reference case's phase table, low end"),
        ..rule(
            "rule_min_engineering_hours",
            "Fewest engineering hours typically needed",
            Unit::Hours,
            "The reference case's phase table adds up to 76 to 188 hours for a 7B LoRA project.",
            76.0,
        )
    },
    mfu_rule(
        "rule_mfu_max",
        "Highest plausible training GPU efficiency",
        "Above this share of peak FLOPs a training estimate is implausibly fast.",
        0.6,
    ),
    mfu_rule(
        "rule_mfu_min",
        "Lowest plausible training GPU efficiency",
        "Below this share of peak FLOPs a training estimate is implausibly slow.",
        0.05,
    ),
];

/// A bound on the training estimate's implied GPU efficiency.
const fn mfu_rule(id: &'static str, label: &'static str, doc: &'static str, x: f64) -> InputSpec {
    InputSpec {
        bounds: Bounds::RATE,
        default: default(x, "typical model FLOPs utilization of fine-tuning runs"),
        ..rule(id, label, Unit::Fraction, doc, x)
    }
}
