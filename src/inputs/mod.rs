//! Validated inputs: every number the model starts from, with its unit, its
//! one-line doc and where it came from (the plan, a documented default, or the
//! seed's benchmark table).
//!
//! The raw plan is checked here; all problems are collected and reported
//! together, each with the file, line and field path.

use chrono::NaiveDate;
use indexmap::IndexMap;

use crate::catalog::Catalog;
use crate::format::Unit;
use crate::model::expr::Value;
use crate::plan::{Diagnostic, LoadedPlan, Locator, Method, RawPlan};

pub mod options;

pub use options::PlanOption;

/// An input given as a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranged {
    pub id: String,
    pub low: f64,
    pub base: f64,
    pub high: f64,
}

/// Which part of the Inputs sheet an input belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    General,
    Baseline,
    Compute,
    Engineering,
    Serving,
    Quality,
    Decision,
    DecisionRules,
    Sensitivity,
}

impl Group {
    /// All groups in sheet order.
    pub const ALL: [Group; 9] = [
        Group::General,
        Group::Baseline,
        Group::Compute,
        Group::Engineering,
        Group::Serving,
        Group::Quality,
        Group::Decision,
        Group::DecisionRules,
        Group::Sensitivity,
    ];

    /// The group heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::General => "General assumptions",
            Group::Baseline => "Baseline: the API paid today",
            Group::Compute => "Component 1: training compute",
            Group::Engineering => "Component 2: engineering time",
            Group::Serving => "Component 3: serving infrastructure",
            Group::Quality => "Component 4: quality (human review)",
            Group::Decision => "Decision factors",
            Group::DecisionRules => "Decision rules (scoring of the decision factors)",
            Group::Sensitivity => "Sensitivity cases",
        }
    }
}

/// Where an input's value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Written in the plan file.
    Plan,
    /// Not in the plan: a documented default (the text says which).
    Default(&'static str),
    /// Looked up in the training benchmark table (the text names the row).
    Benchmark(String),
    /// Taken from the price catalogue (the text names the entry, its source
    /// and date).
    Catalogue(String),
    /// Observed in a month of the plan's `actuals`.
    Actual(String),
}

impl Source {
    /// The source as the Inputs sheet and the memo show it.
    pub fn describe(&self) -> String {
        match self {
            Source::Plan => "plan".to_string(),
            Source::Default(why) => format!("default: {why}"),
            Source::Benchmark(row) => format!("benchmark: {row}"),
            Source::Catalogue(entry) => format!("catalogue: {entry}"),
            Source::Actual(month) => format!("actual: observed in {month}"),
        }
    }
}

/// One input of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Identifier; also the workbook's defined name.
    pub id: String,
    pub label: String,
    pub unit: Unit,
    /// One line: what the number means.
    pub doc: String,
    pub group: Group,
    pub value: Value,
    pub source: Source,
}

/// What the plan says about itself, beyond numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub title: String,
    pub as_of: NaiveDate,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// The plan file as named on the command line.
    pub file: String,
    pub sha256: String,
    pub method: Method,
    pub model_size_b: f64,
    pub model_name: Option<String>,
    pub api_name: Option<String>,
    pub serving_instance: Option<String>,
    pub training_instance: Option<String>,
}

/// How the model is shaped by what the plan gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The plan gives `compute.training`: the training estimate is computed.
    pub has_training: bool,
    /// The plan gives `compute.cost_per_run`; otherwise the estimate supplies it.
    pub cost_per_run_given: bool,
    /// The plan gives a serving throughput: capacity and cost per token are computed.
    pub has_throughput: bool,
    /// Ids of the engineering phase inputs, in plan order.
    pub phase_ids: Vec<String>,
    /// The serving instance is in the catalogue: the memory fit is checked.
    pub has_serving_memory: bool,
    /// The training instance is in the catalogue: the estimate's implied GPU
    /// efficiency is checked.
    pub has_training_flops: bool,
}

/// A catalogue table the workbook can look values up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Api,
    Gpus,
}

/// An input whose value the workbook looks up in the catalogue by the name
/// held in another input (INDEX/MATCH), instead of holding it as a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub table: Table,
    /// The input holding the entry's name, such as `baseline_api`.
    pub key: String,
    /// The column of the table, such as `input_per_1m_tokens`.
    pub column: &'static str,
}

/// The catalogue entries a plan's workbook carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogueUsed {
    pub api: Vec<(String, crate::catalog::ApiModel)>,
    pub gpus: Vec<(String, crate::catalog::Gpu)>,
}

/// The validated inputs of one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub meta: Meta,
    pub items: Vec<Input>,
    pub shape: Shape,
    /// Things worth telling the reader about how inputs were resolved.
    pub notices: Vec<String>,
    /// The inputs given as ranges (low, base, high), in sheet order; the
    /// value of each is its base.
    pub ranges: Vec<Ranged>,
    /// The plan's options, each validated as a plan of its own.
    pub options: Vec<PlanOption>,
    /// The inputs the workbook looks up in the catalogue, by input id.
    pub lookups: IndexMap<String, Lookup>,
    /// The catalogue tables the workbook carries (when any input uses them).
    pub catalogue: CatalogueUsed,
}

impl Inputs {
    /// The input with this id.
    pub fn get(&self, id: &str) -> Option<&Input> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// The model sizes the benchmark table was measured at.
const BENCHMARK_SIZES: [f64; 3] = [7.0, 13.0, 70.0];
/// On-demand price of one A100 80 GB per hour, used by the fallback estimate.
const FALLBACK_GPU_COST_PER_HOUR: f64 = 3.10;

/// Throughput, GPU count and hourly price for a training run, as the seed's
/// estimator picks them: the benchmark row at the nearest measured model size,
/// or its rule-of-thumb fallback when there is no such row.
pub fn lookup_benchmark(
    catalog: &Catalog,
    model_size_b: f64,
    method: Method,
    instance: &str,
) -> (f64, f64, f64, String) {
    let nearest = BENCHMARK_SIZES
        .iter()
        .copied()
        .fold(BENCHMARK_SIZES[0], |best, s| {
            if (s - model_size_b).abs() < (best - model_size_b).abs() {
                s
            } else {
                best
            }
        });
    match catalog.training_benchmark(nearest, method, instance) {
        Ok(b) => (
            b.tokens_per_second,
            f64::from(b.num_gpus),
            b.cost_per_hour,
            format!(
                "{}B {} on {} (nearest measured size to {}B; {}, as of {})",
                nearest,
                method.name(),
                instance,
                model_size_b,
                b.source,
                b.as_of
            ),
        ),
        Err(_) => {
            let tps = (4000.0 * (7.0 / model_size_b)).floor().max(100.0);
            let gpus = (model_size_b / 30.0).floor().max(1.0);
            (
                tps,
                gpus,
                gpus * FALLBACK_GPU_COST_PER_HOUR,
                format!(
                    "no measured row for {}B {} on {}; rule-of-thumb fallback",
                    nearest,
                    method.name(),
                    instance
                ),
            )
        }
    }
}

/// "entry: source, as of date", for the source column.
fn catalogue_source(entry: &str, source: &str, as_of: &str) -> Source {
    Source::Catalogue(format!("{entry} ({source}, as of {as_of})"))
}

/// What a number must be.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Check {
    /// ≥ 0.
    NonNegative,
    /// > 0.
    Positive,
    /// Between 0 and 1.
    Rate,
    /// A whole number ≥ 1.
    PositiveWhole,
    /// A whole number ≥ 0.
    NonNegativeWhole,
    /// Greater than 0 and at most 1.
    Utilization,
}

impl Check {
    fn holds(self, x: f64) -> bool {
        match self {
            Check::NonNegative => x >= 0.0,
            Check::Positive => x > 0.0,
            Check::Rate => (0.0..=1.0).contains(&x),
            Check::PositiveWhole => x >= 1.0 && x.fract() == 0.0,
            Check::NonNegativeWhole => x >= 0.0 && x.fract() == 0.0,
            Check::Utilization => x > 0.0 && x <= 1.0,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Check::NonNegative => "a number ≥ 0",
            Check::Positive => "a number > 0",
            Check::Rate => "a fraction from 0 to 1 (0.05 means 5%)",
            Check::PositiveWhole => "a whole number ≥ 1",
            Check::NonNegativeWhole => "a whole number ≥ 0",
            Check::Utilization => "a fraction above 0 and at most 1",
        }
    }
}

/// No number in a plan may be larger than this: a figure beyond a
/// quadrillion is a typo, and the bound keeps every product in the model finite.
pub const MAX_MAGNITUDE: f64 = 1e15;
/// The smallest value a positive input (a divisor in the model) may take.
pub const MIN_POSITIVE: f64 = 1e-9;
/// The longest model lifetime: the cash-flow timeline has a column per month.
pub const MAX_LIFETIME_MONTHS: f64 = 240.0;
/// The most engineering phases a plan may list.
pub const MAX_PHASES: usize = 100;

/// A number as a message shows it: plain when it reads well, else in
/// scientific notation (`1e300`, not three hundred digits).
fn shown(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Collects inputs and the problems found on the way.
struct Builder<'a> {
    file: &'a str,
    locator: &'a Locator,
    items: Vec<Input>,
    problems: Vec<Diagnostic>,
    /// The numbers the plan writes as ranges, by field path.
    written_ranges: &'a IndexMap<String, crate::plan::RangeSpec>,
    /// The ranged inputs validated so far.
    ranged: Vec<Ranged>,
    /// The inputs taken from the catalogue, to be looked up in the workbook.
    lookups: IndexMap<String, Lookup>,
}

/// The description of one numeric input.
struct Spec {
    id: String,
    label: String,
    unit: Unit,
    doc: &'static str,
    group: Group,
    check: Check,
}

fn spec(id: &str, label: &str, unit: Unit, doc: &'static str, group: Group, check: Check) -> Spec {
    Spec {
        id: id.to_string(),
        label: label.to_string(),
        unit,
        doc,
        group,
        check,
    }
}

impl Builder<'_> {
    fn problem(&mut self, field: &str, message: String) {
        let pos = self.locator.find(field);
        self.problems.push(Diagnostic {
            file: self.file.to_string(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            field: field.to_string(),
            message,
        });
    }

    /// Adds a numeric input: the plan's value at `field` if given, else the default.
    fn num(
        &mut self,
        field: &str,
        s: Spec,
        written: Option<f64>,
        default: Option<(f64, &'static str)>,
    ) {
        self.num_sourced(
            field,
            s,
            written,
            default.map(|(x, why)| (x, Source::Default(why))),
        );
    }

    /// Adds a numeric input: the plan's value at `field` if given, else the
    /// fallback with its source.
    /// Records that the input `id`, if it took its value from the catalogue
    /// (the plan did not write it), is looked up by the name in `key`.
    fn look_up(&mut self, id: &str, table: Table, key: &str, column: &'static str) {
        let from_catalogue = self
            .items
            .iter()
            .any(|i| i.id == id && matches!(i.source, Source::Catalogue(_)));
        if from_catalogue {
            self.lookups.insert(
                id.to_string(),
                Lookup {
                    table,
                    key: key.to_string(),
                    column,
                },
            );
        }
    }

    fn num_sourced(
        &mut self,
        field: &str,
        s: Spec,
        written: Option<f64>,
        fallback: Option<(f64, Source)>,
    ) {
        let (value, source) = match (written, fallback) {
            (Some(x), _) => (x, Source::Plan),
            (None, Some((x, source))) => (x, source),
            (None, None) => {
                self.problem(field, "missing; it is required".to_string());
                return;
            }
        };
        if !value.is_finite() {
            self.problem(
                field,
                format!(
                    "expected {}, found {} (not a finite number)",
                    s.check.expected(),
                    shown(value)
                ),
            );
            return;
        }
        if !s.check.holds(value) {
            self.problem(
                field,
                format!("expected {}, found {}", s.check.expected(), shown(value)),
            );
            return;
        }
        if value.abs() > MAX_MAGNITUDE {
            self.problem(
                field,
                format!(
                    "expected {}, at most 1e15, found {}; a figure this large is surely a typo",
                    s.check.expected(),
                    shown(value)
                ),
            );
            return;
        }
        if matches!(s.check, Check::Positive | Check::Utilization) && value < MIN_POSITIVE {
            self.problem(
                field,
                format!(
                    "expected {}, at least 1e-9, found {}; a value this small is surely a typo",
                    s.check.expected(),
                    shown(value)
                ),
            );
            return;
        }
        if let Some(range) = self.written_ranges.get(field).copied() {
            let ends_ok = [range.low, range.high]
                .iter()
                .all(|x| x.is_finite() && s.check.holds(*x) && x.abs() <= MAX_MAGNITUDE);
            if !ends_ok {
                self.problem(
                    field,
                    format!(
                        "expected a range whose ends are each {}, found {} to {}",
                        s.check.expected(),
                        shown(range.low),
                        shown(range.high)
                    ),
                );
                return;
            }
            if !(range.low <= range.base && range.base <= range.high) {
                self.problem(
                    field,
                    format!(
                        "expected low ≤ base ≤ high, found low {}, base {}, high {}",
                        shown(range.low),
                        shown(range.base),
                        shown(range.high)
                    ),
                );
                return;
            }
            self.ranged.push(Ranged {
                id: s.id.clone(),
                low: range.low,
                base: range.base,
                high: range.high,
            });
        }
        self.items.push(Input {
            id: s.id,
            label: s.label,
            unit: s.unit,
            doc: s.doc.to_string(),
            group: s.group,
            value: Value::Num(value),
            source,
        });
    }

    /// Adds an input whose value is not a number (text or yes/no).
    #[allow(clippy::too_many_arguments)]
    fn other(
        &mut self,
        id: &str,
        label: &str,
        unit: Unit,
        doc: &'static str,
        group: Group,
        value: Value,
        source: Source,
    ) {
        self.items.push(Input {
            id: id.to_string(),
            label: label.to_string(),
            unit,
            doc: doc.to_string(),
            group,
            value,
            source,
        });
    }
}

/// The typical phases of a 7B LoRA project from data to production, with the
/// range of hours each takes (the seed lesson's phase table).
pub const TYPICAL_PHASES: [(&str, f64, f64); 8] = [
    ("data collection and curation", 20.0, 60.0),
    ("data formatting and quality checks", 8.0, 16.0),
    ("initial experiment setup", 4.0, 8.0),
    ("hyperparameter search", 8.0, 16.0),
    ("evaluation framework setup", 8.0, 16.0),
    ("model evaluation and iteration", 16.0, 40.0),
    ("deployment and integration", 8.0, 24.0),
    ("monitoring setup", 4.0, 8.0),
];

/// Multiples of today's traffic in the sensitivity tables.
pub const SENSITIVITY_VOLUME_MULTIPLIERS: [f64; 8] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0];
/// Serving instance counts in the sensitivity grid.
pub const SENSITIVITY_INSTANCE_COUNTS: [f64; 4] = [1.0, 2.0, 4.0, 8.0];

const SEED_DEFAULT: &str = "the seed's constant";
const SEED_RULE: &str = "the seed's should_fine_tune rule";

/// Validates a loaded plan into inputs, or returns every problem found.
pub fn validate(loaded: &LoadedPlan) -> Result<Inputs, Vec<Diagnostic>> {
    validate_with(loaded, Catalog::builtin())
}

/// Validates a loaded plan against a price catalogue.
pub fn validate_with(loaded: &LoadedPlan, catalog: &Catalog) -> Result<Inputs, Vec<Diagnostic>> {
    validate_raw_with(
        &loaded.raw,
        &loaded.locator,
        &loaded.display_name,
        &loaded.sha256,
        catalog,
    )
}

/// Validates a raw plan; `file` and `sha256` describe where it came from.
pub fn validate_raw(
    raw: &RawPlan,
    locator: &Locator,
    file: &str,
    sha256: &str,
) -> Result<Inputs, Vec<Diagnostic>> {
    validate_raw_with(raw, locator, file, sha256, Catalog::builtin())
}

/// Validates a raw plan against a price catalogue.
pub fn validate_raw_with(
    raw: &RawPlan,
    locator: &Locator,
    file: &str,
    sha256: &str,
    catalog: &Catalog,
) -> Result<Inputs, Vec<Diagnostic>> {
    use Check::*;
    use Group as G;
    let mut b = Builder {
        file,
        locator,
        items: Vec::new(),
        problems: Vec::new(),
        written_ranges: &raw.ranges,
        ranged: Vec::new(),
        lookups: IndexMap::new(),
    };
    let mut notices = Vec::new();

    let as_of = match NaiveDate::parse_from_str(&raw.as_of, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            b.problem(
                "as_of",
                format!(
                    "expected a date that exists, written YYYY-MM-DD, found {:?}",
                    raw.as_of
                ),
            );
            None
        }
    };
    if raw.plan.trim().is_empty() {
        b.problem(
            "plan",
            "expected a title for the plan, found an empty string".to_string(),
        );
    }

    // General assumptions.
    b.num(
        "lifetime_months",
        spec(
            "lifetime_months",
            "Model lifetime (amortization period)",
            Unit::Months,
            "Months over which the one-time project cost is spread.",
            G::General,
            PositiveWhole,
        ),
        Some(raw.lifetime_months),
        None,
    );
    b.num(
        "days_per_month",
        spec(
            "days_per_month",
            "Days per month",
            Unit::DaysPerMonth,
            "Days counted in a month of traffic and serving.",
            G::General,
            Positive,
        ),
        raw.days_per_month,
        Some((30.0, SEED_DEFAULT)),
    );
    b.num(
        "hours_per_day",
        spec(
            "hours_per_day",
            "Serving hours per day",
            Unit::HoursPerDay,
            "Hours a day the serving instances run (24 = always on).",
            G::General,
            Positive,
        ),
        raw.hours_per_day,
        Some((24.0, SEED_DEFAULT)),
    );
    b.num(
        "seconds_per_hour",
        spec(
            "seconds_per_hour",
            "Seconds per hour",
            Unit::SecondsPerHour,
            "Unit conversion for throughputs given per second.",
            G::General,
            Positive,
        ),
        None,
        Some((3600.0, "unit conversion")),
    );
    b.num(
        "volume_growth_per_month",
        spec(
            "volume_growth_per_month",
            "Traffic growth per month",
            Unit::Fraction,
            "Monthly growth of requests in the cash-flow timeline (0.02 = 2% a month).",
            G::General,
            NonNegative,
        ),
        raw.volume_growth_per_month,
        Some((0.0, "flat traffic")),
    );
    if raw.lifetime_months > MAX_LIFETIME_MONTHS && raw.lifetime_months <= MAX_MAGNITUDE {
        b.problem(
            "lifetime_months",
            format!(
                "expected a whole number of months from 1 to {MAX_LIFETIME_MONTHS} (20 years), found {}",
                shown(raw.lifetime_months)
            ),
        );
    }
    if let Some(d) = raw.days_per_month {
        if d > 31.0 && d <= MAX_MAGNITUDE {
            b.problem(
                "days_per_month",
                format!("expected at most 31 days a month, found {}", shown(d)),
            );
        }
    }
    if let Some(g) = raw.volume_growth_per_month {
        if g > 1.0 && g <= MAX_MAGNITUDE {
            b.problem(
                "volume_growth_per_month",
                format!(
                    "expected a monthly growth from 0 to 1 (0.02 means 2% a month), found {}",
                    shown(g)
                ),
            );
        }
    }
    if let Some(h) = raw.hours_per_day {
        if h > 24.0 {
            b.problem(
                "hours_per_day",
                format!("expected at most 24 hours a day, found {h}"),
            );
        }
    }

    // Baseline.
    let bl = &raw.baseline;
    let api_entry = match &bl.api {
        Some(name) => match catalog.api(name) {
            Ok(entry) => Some((name.as_str(), entry)),
            Err(e) => {
                // Only an error where the plan leaves a price to the catalogue.
                if bl.input_price_per_1m_tokens.is_none() || bl.output_price_per_1m_tokens.is_none()
                {
                    b.problem("baseline.api", e.to_string());
                }
                None
            }
        },
        None => None,
    };
    let api_price = |pick: fn(&crate::catalog::ApiModel) -> f64| {
        api_entry.map(|(name, e)| (pick(e), catalogue_source(name, &e.source, &e.as_of)))
    };
    if api_entry.is_none() && bl.api.is_none() {
        for (field, price) in [
            (
                "baseline.input_price_per_1m_tokens",
                bl.input_price_per_1m_tokens,
            ),
            (
                "baseline.output_price_per_1m_tokens",
                bl.output_price_per_1m_tokens,
            ),
        ] {
            if price.is_none() {
                b.problem(field, "missing: give the price, or name the API in baseline.api (e.g. gpt-4o) to take its price from the catalogue".to_string());
            }
        }
    }
    b.num_sourced(
        "baseline.input_price_per_1m_tokens",
        spec(
            "input_price_per_1m_tokens",
            "API input price",
            Unit::UsdPer1MTokens,
            "What the API charges per million prompt tokens.",
            G::Baseline,
            NonNegative,
        ),
        bl.input_price_per_1m_tokens,
        api_price(|e| e.input_per_1m_tokens),
    );
    if let Some((name, _)) = api_entry {
        b.other(
            "baseline_api",
            "API model",
            Unit::Text,
            "The API model's name in the catalogue; its prices apply where the plan gives none.",
            G::Baseline,
            Value::Text(name.to_string()),
            Source::Plan,
        );
    }
    b.num_sourced(
        "baseline.output_price_per_1m_tokens",
        spec(
            "output_price_per_1m_tokens",
            "API output price",
            Unit::UsdPer1MTokens,
            "What the API charges per million completion tokens.",
            G::Baseline,
            NonNegative,
        ),
        bl.output_price_per_1m_tokens,
        api_price(|e| e.output_per_1m_tokens),
    );
    b.look_up(
        "input_price_per_1m_tokens",
        Table::Api,
        "baseline_api",
        "input_per_1m_tokens",
    );
    b.look_up(
        "output_price_per_1m_tokens",
        Table::Api,
        "baseline_api",
        "output_per_1m_tokens",
    );
    // Observed months: the latest observed traffic replaces the forecast.
    let mut latest_traffic: Option<(String, f64)> = None;
    let mut latest_bill: Option<(String, f64)> = None;
    if let Some(actuals) = &raw.actuals {
        let mut months: Vec<(&String, &crate::plan::RawActual)> = actuals.iter().collect();
        months.sort_by(|a, b| a.0.cmp(b.0));
        for (month, actual) in months {
            let field = format!("actuals.{month}");
            if chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err()
                || month.len() != 7
            {
                b.problem(
                    &field,
                    format!("expected a month written YYYY-MM, found {month:?}"),
                );
                continue;
            }
            for (name, x) in [
                ("requests_per_day", actual.requests_per_day),
                ("api_bill", actual.api_bill),
            ] {
                if let Some(x) = x {
                    if !x.is_finite() || !(0.0..=MAX_MAGNITUDE).contains(&x) {
                        b.problem(
                            &format!("{field}.{name}"),
                            format!("expected a number ≥ 0, found {}", shown(x)),
                        );
                    }
                }
            }
            if let Some(x) = actual.requests_per_day {
                latest_traffic = Some((month.clone(), x));
            }
            if let Some(x) = actual.api_bill {
                latest_bill = Some((month.clone(), x));
            }
        }
    }
    match &latest_traffic {
        Some((month, observed)) => {
            b.num(
                "baseline.requests_per_day",
                spec(
                    "requests_per_day_forecast",
                    "Requests per day, forecast",
                    Unit::RequestsPerDay,
                    "The plan's forecast of daily API traffic, replaced by the latest observed month.",
                    G::Baseline,
                    NonNegative,
                ),
                Some(bl.requests_per_day),
                None,
            );
            b.num_sourced(
                &format!("actuals.{month}.requests_per_day"),
                spec(
                    "requests_per_day",
                    "Requests per day",
                    Unit::RequestsPerDay,
                    "Daily API traffic: the latest observed month.",
                    G::Baseline,
                    NonNegative,
                ),
                None,
                Some((*observed, Source::Actual(month.clone()))),
            );
        }
        None => b.num(
            "baseline.requests_per_day",
            spec(
                "requests_per_day",
                "Requests per day",
                Unit::RequestsPerDay,
                "Today's API traffic.",
                G::Baseline,
                NonNegative,
            ),
            Some(bl.requests_per_day),
            None,
        ),
    }
    if let Some((month, bill)) = &latest_bill {
        b.num_sourced(
            &format!("actuals.{month}.api_bill"),
            spec(
                "actual_monthly_api_bill",
                "API bill, latest observed month",
                Unit::UsdPerMonth,
                "What the API actually billed in the latest observed month.",
                G::Baseline,
                NonNegative,
            ),
            None,
            Some((*bill, Source::Actual(month.clone()))),
        );
    }
    b.num(
        "baseline.avg_input_tokens_per_request",
        spec(
            "avg_input_tokens_per_request",
            "Input tokens per request",
            Unit::TokensPerRequest,
            "Average prompt length.",
            G::Baseline,
            NonNegative,
        ),
        Some(bl.avg_input_tokens_per_request),
        None,
    );
    b.num(
        "baseline.avg_output_tokens_per_request",
        spec(
            "avg_output_tokens_per_request",
            "Output tokens per request",
            Unit::TokensPerRequest,
            "Average completion length.",
            G::Baseline,
            NonNegative,
        ),
        Some(bl.avg_output_tokens_per_request),
        None,
    );
    if bl.avg_input_tokens_per_request + bl.avg_output_tokens_per_request <= 0.0 {
        b.problem(
            "baseline.avg_input_tokens_per_request",
            format!(
                "expected requests that carry tokens (input plus output tokens per request above 0), found {} + {}",
                shown(bl.avg_input_tokens_per_request),
                shown(bl.avg_output_tokens_per_request)
            ),
        );
    }

    // The fine-tuned model.
    let ft = &raw.fine_tuned;
    b.num(
        "fine_tuned.model_size_b",
        spec(
            "model_size_b",
            "Model size",
            Unit::BillionParameters,
            "Parameters of the fine-tuned model, in billions.",
            G::Compute,
            Positive,
        ),
        Some(ft.model_size_b),
        None,
    );
    b.other(
        "method",
        "Fine-tuning method",
        Unit::Text,
        "lora, qlora or full fine-tuning.",
        G::Compute,
        Value::Text(ft.method.name().to_string()),
        Source::Plan,
    );

    // Component 1: compute.
    let c = &raw.compute;
    b.num(
        "compute.runs",
        spec(
            "training_runs",
            "Training runs budgeted",
            Unit::Count,
            "Experiments to reach a production model (5 to 15 is typical).",
            G::Compute,
            NonNegativeWhole,
        ),
        Some(c.runs),
        None,
    );
    let mut training_instance = None;
    if let Some(t) = &c.training {
        training_instance = Some(t.instance.clone());
        b.num(
            "compute.training.dataset_examples",
            spec(
                "dataset_examples",
                "Training examples",
                Unit::Examples,
                "Examples in the training set.",
                G::Compute,
                NonNegative,
            ),
            Some(t.dataset_examples),
            None,
        );
        b.num(
            "compute.training.avg_seq_len",
            spec(
                "avg_seq_len",
                "Average sequence length",
                Unit::Tokens,
                "Tokens per training example.",
                G::Compute,
                NonNegative,
            ),
            Some(t.avg_seq_len),
            None,
        );
        b.num(
            "compute.training.epochs",
            spec(
                "epochs",
                "Epochs",
                Unit::Epochs,
                "Passes over the training set per run.",
                G::Compute,
                Positive,
            ),
            Some(t.epochs),
            None,
        );
        b.other(
            "training_instance",
            "Training instance",
            Unit::Text,
            "The instance type the runs train on.",
            G::Compute,
            Value::Text(t.instance.clone()),
            Source::Plan,
        );
        match catalog.gpu(&t.instance) {
            Err(e) => b.problem("compute.training.instance", e.to_string()),
            Ok(g) => {
                b.num_sourced(
                    "compute.training.gpu_bf16_tflops",
                    spec(
                        "training_gpu_bf16_tflops",
                        "Training GPU peak (dense bf16)",
                        Unit::Tflops,
                        "Peak dense bf16 throughput of one training GPU.",
                        G::Compute,
                        Positive,
                    ),
                    None,
                    Some((
                        g.bf16_dense_tflops,
                        Source::Catalogue(format!("{} ({})", t.instance, g.spec_source)),
                    )),
                );
                b.look_up(
                    "training_gpu_bf16_tflops",
                    Table::Gpus,
                    "training_instance",
                    "bf16_dense_tflops",
                );
                let (factor, why) = match ft.method {
                    Method::Full => (6.0, "full fine-tuning: 6 FLOPs per parameter per token (forward 2, backward 4)"),
                    Method::Lora | Method::Qlora => (4.0, "LoRA: 4 FLOPs per parameter per token (no gradients for the frozen weights)"),
                };
                b.num(
                    "compute.training.flops_per_parameter_token",
                    spec(
                        "training_flops_per_parameter_token",
                        "Training FLOPs per parameter and token",
                        Unit::Multiplier,
                        "Compute per parameter per trained token (about 6 for full fine-tuning, 4 for LoRA).",
                        G::Compute,
                        Positive,
                    ),
                    None,
                    Some((factor, why)),
                );
            }
        }
        let (tps, gpus, cph, row) = if ft.model_size_b > 0.0 && ft.model_size_b.is_finite() {
            lookup_benchmark(catalog, ft.model_size_b, ft.method, &t.instance)
        } else {
            (0.0, 0.0, 0.0, String::new())
        };
        if row.starts_with("no measured row") && t.tokens_per_second.is_none() {
            notices.push(format!(
                "The training estimate uses the seed's rule-of-thumb fallback ({row}); give compute.training.tokens_per_second, num_gpus and cost_per_hour for a measured figure."
            ));
        }
        let add_bench =
            |b: &mut Builder, field: &str, s: Spec, written: Option<f64>, x: f64| match written {
                Some(_) => b.num(field, s, written, None),
                // No benchmark without a valid model size; that problem is reported there.
                None if row.is_empty() => {}
                None => {
                    let id = s.id.clone();
                    b.num(field, s, Some(x), None);
                    if let Some(last) = b.items.last_mut() {
                        if last.id == id {
                            last.source = Source::Benchmark(row.clone());
                        }
                    }
                }
            };
        add_bench(
            &mut b,
            "compute.training.tokens_per_second",
            spec(
                "training_tokens_per_second",
                "Training throughput",
                Unit::TokensPerSecond,
                "Tokens per second the run trains at, across all its GPUs.",
                G::Compute,
                Positive,
            ),
            t.tokens_per_second,
            tps,
        );
        add_bench(
            &mut b,
            "compute.training.num_gpus",
            spec(
                "training_num_gpus",
                "GPUs per run",
                Unit::Gpus,
                "GPUs a run needs.",
                G::Compute,
                PositiveWhole,
            ),
            t.num_gpus,
            gpus,
        );
        add_bench(
            &mut b,
            "compute.training.cost_per_hour",
            spec(
                "training_cost_per_hour_on_demand",
                "Training price, on demand",
                Unit::UsdPerHour,
                "On-demand price per hour for all the run's GPUs.",
                G::Compute,
                NonNegative,
            ),
            t.cost_per_hour,
            cph,
        );
        b.other(
            "training_spot",
            "Train on spot instances",
            Unit::YesNo,
            "Whether runs use spot (preemptible) capacity.",
            G::Compute,
            Value::Bool(t.spot.unwrap_or(true)),
            if t.spot.is_some() {
                Source::Plan
            } else {
                Source::Default("spot, as in the seed's estimator")
            },
        );
        b.num(
            "compute.training.spot_price_factor",
            spec(
                "spot_price_factor",
                "Spot price factor",
                Unit::Multiplier,
                "Spot price as a fraction of on-demand (0.35 = 65% off).",
                G::Compute,
                Rate,
            ),
            t.spot_price_factor,
            Some((0.35, SEED_DEFAULT)),
        );
        b.num(
            "compute.training.overhead_fraction",
            spec(
                "training_overhead_fraction",
                "Training overhead",
                Unit::Fraction,
                "Extra time for checkpoints, evaluation and start-up.",
                G::Compute,
                NonNegative,
            ),
            t.overhead_fraction,
            Some((0.15, SEED_DEFAULT)),
        );
    }
    match (c.cost_per_run, &c.training) {
        (Some(x), _) => b.num(
            "compute.cost_per_run",
            spec(
                "compute_cost_per_run",
                "Compute cost per run",
                Unit::Usd,
                "GPU cost of one training run.",
                G::Compute,
                NonNegative,
            ),
            Some(x),
            None,
        ),
        (None, Some(_)) => {}
        (None, None) => b.problem(
            "compute.cost_per_run",
            "missing field `cost_per_run`: expected a cost per run in dollars, or compute.training so that it can be estimated"
                .to_string(),
        ),
    }

    // Component 2: engineering.
    let e = &raw.engineering;
    b.num(
        "engineering.hourly_rate",
        spec(
            "engineer_hourly_rate",
            "Engineer hourly rate",
            Unit::UsdPerHour,
            "Loaded cost of an engineering hour.",
            G::Engineering,
            NonNegative,
        ),
        Some(e.hourly_rate),
        None,
    );
    let mut phase_ids = Vec::new();
    let no_hours = IndexMap::new();
    let hours_written = e.hours.as_ref().unwrap_or(&no_hours);
    for (i, (phase, hours)) in hours_written.iter().enumerate() {
        let id = format!("engineering_hours_phase_{}", i + 1);
        b.num(
            &format!("engineering.hours.{phase}"),
            Spec {
                id: id.clone(),
                label: format!("Hours: {phase}"),
                unit: Unit::Hours,
                doc: "Engineering hours for this phase of the project.",
                group: G::Engineering,
                check: NonNegative,
            },
            Some(*hours),
            None,
        );
        phase_ids.push(id);
    }
    if e.hours.as_ref().is_some_and(|h| h.is_empty()) {
        b.problem(
            "engineering.hours",
            "expected at least one phase with its hours, e.g. {data: 40}; leave `hours` out for the typical phases".to_string(),
        );
    }
    if e.hours.is_none() {
        // The typical phases, each a range with its midpoint as base.
        for (i, (phase, low, high)) in TYPICAL_PHASES.iter().enumerate() {
            let id = format!("engineering_hours_phase_{}", i + 1);
            let base = (low + high) / 2.0;
            b.items.push(Input {
                id: id.clone(),
                label: format!("Hours: {phase}"),
                unit: Unit::Hours,
                doc: "Engineering hours for this phase of the project.".to_string(),
                group: G::Engineering,
                value: Value::Num(base),
                source: Source::Default("typical 7B LoRA project, midpoint of its range"),
            });
            b.ranged.push(Ranged {
                id: id.clone(),
                low: *low,
                base,
                high: *high,
            });
            phase_ids.push(id);
        }
    }
    if hours_written.len() > MAX_PHASES {
        b.problem(
            "engineering.hours",
            format!(
                "expected at most {MAX_PHASES} phases, found {}; group them",
                hours_written.len()
            ),
        );
    }

    // Component 3: serving.
    let s = &raw.serving;
    b.num(
        "serving.instances",
        spec(
            "serving_instances",
            "Serving instances",
            Unit::Instances,
            "Instances serving the model around the clock.",
            G::Serving,
            PositiveWhole,
        ),
        Some(s.instances),
        None,
    );
    let gpu_entry = match &s.instance {
        Some(name) => match catalog.gpu(name) {
            Ok(gpu) => Some((name.as_str(), gpu)),
            Err(e) => {
                b.problem("serving.instance", e.to_string());
                None
            }
        },
        None => None,
    };
    if gpu_entry.is_none() && s.instance.is_none() && s.cost_per_hour.is_none() {
        b.problem("serving.cost_per_hour", "missing: give the price per instance-hour, or name the instance in serving.instance (e.g. a10g) to take its price from the catalogue".to_string());
    }
    let gpu_source =
        |name: &str, g: &crate::catalog::Gpu| catalogue_source(name, &g.source, &g.as_of);
    b.num_sourced(
        "serving.cost_per_hour",
        spec(
            "serving_cost_per_hour",
            "Serving price per instance",
            Unit::UsdPerHour,
            "Hourly price of one serving instance.",
            G::Serving,
            NonNegative,
        ),
        s.cost_per_hour,
        gpu_entry.map(|(name, g)| (g.on_demand_per_instance_hour(), gpu_source(name, g))),
    );
    if let Some((name, _)) = gpu_entry {
        b.other(
            "serving_instance",
            "Serving instance",
            Unit::Text,
            "The serving instance's name in the catalogue; its price and memory apply where the plan gives none.",
            G::Serving,
            Value::Text(name.to_string()),
            Source::Plan,
        );
        b.look_up(
            "serving_cost_per_hour",
            Table::Gpus,
            "serving_instance",
            "on_demand_per_instance_hour",
        );
    }
    b.num(
        "serving.storage_bytes_per_parameter",
        spec(
            "storage_bytes_per_parameter",
            "Stored bytes per parameter",
            Unit::BytesPerParameter,
            "Bytes a parameter takes in stored weights (bf16 = 2).",
            G::Serving,
            Positive,
        ),
        s.storage_bytes_per_parameter,
        Some((2.0, SEED_DEFAULT)),
    );
    b.num(
        "serving.storage_price_per_gb_month",
        spec(
            "storage_price_per_gb_month",
            "Storage price",
            Unit::UsdPerGbMonth,
            "Object storage price for weights and checkpoints.",
            G::Serving,
            NonNegative,
        ),
        s.storage_price_per_gb_month,
        Some((0.023, SEED_DEFAULT)),
    );
    b.num(
        "serving.target_utilization",
        spec(
            "target_utilization",
            "Target GPU utilization",
            Unit::Fraction,
            "Average share of serving capacity the traffic should use.",
            G::Serving,
            Utilization,
        ),
        s.target_utilization,
        Some((0.2, "the seed's sizing target")),
    );
    // Measured serving throughput for this model size on this instance, per instance.
    let measured = gpu_entry.and_then(|(name, g)| {
        catalog
            .serving_throughput(ft.model_size_b, name)
            .ok()
            .map(|m| {
                let per_instance = m.tokens_per_second / f64::from(m.num_gpus.max(1))
                    * f64::from(g.gpus_per_instance);
                let row = format!(
                    "{}B on {} GPU(s) of {} ({}, as of {})",
                    m.model_size_b, m.num_gpus, name, m.source, m.as_of
                );
                (per_instance, Source::Catalogue(row))
            })
    });
    if s.throughput_tokens_per_second.is_some() || measured.is_some() {
        b.num_sourced(
            "serving.throughput_tokens_per_second",
            spec(
                "serving_throughput_tokens_per_second",
                "Serving throughput per instance",
                Unit::TokensPerSecond,
                "Tokens per second one instance serves at full load.",
                G::Serving,
                Positive,
            ),
            s.throughput_tokens_per_second,
            measured,
        );
    }
    // GPU physics: does the model fit the memory it is given?
    let precision = s.precision.unwrap_or(crate::plan::Precision::Bf16);
    b.other(
        "serving_precision",
        "Serving precision",
        Unit::Text,
        "The precision the weights are served at.",
        G::Serving,
        Value::Text(precision.name().to_string()),
        if s.precision.is_some() {
            Source::Plan
        } else {
            Source::Default("bf16, unquantized")
        },
    );
    b.num(
        "serving.precision",
        spec(
            "serving_bytes_per_parameter",
            "Served bytes per parameter",
            Unit::BytesPerParameter,
            "Bytes a parameter takes at the serving precision (bf16 2, int8 1, int4 0.5).",
            G::Serving,
            Positive,
        ),
        None,
        Some((
            precision.bytes_per_parameter(),
            "from the serving precision",
        )),
    );
    if let Some((name, g)) = gpu_entry {
        b.num_sourced(
            "serving.gpu_memory_gb",
            spec(
                "serving_gpu_memory_gb",
                "GPU memory per GPU",
                Unit::Gigabytes,
                "Memory of one GPU of the serving instance.",
                G::Serving,
                Positive,
            ),
            None,
            Some((
                g.memory_gb,
                Source::Catalogue(format!("{name} ({})", g.spec_source)),
            )),
        );
        b.look_up(
            "serving_gpu_memory_gb",
            Table::Gpus,
            "serving_instance",
            "memory_gb",
        );
        b.num(
            "serving.gpus_per_replica",
            spec(
                "serving_gpus_per_replica",
                "GPUs per model copy",
                Unit::Gpus,
                "GPUs one copy of the model is spread over (tensor parallel).",
                G::Serving,
                PositiveWhole,
            ),
            s.gpus_per_replica,
            Some((1.0, "one GPU per copy")),
        );
        b.num(
            "serving.kv_cache_headroom_fraction",
            spec(
                "kv_cache_headroom_fraction",
                "KV cache and runtime headroom",
                Unit::Fraction,
                "Memory for the KV cache and runtime, as a fraction of the weights.",
                G::Serving,
                NonNegative,
            ),
            s.kv_cache_headroom_fraction,
            Some((0.1, "a tenth of the weights")),
        );
    }

    // Component 4: quality.
    let q = &raw.quality;
    b.num(
        "quality.review_rate_api",
        spec(
            "review_rate_api",
            "Review rate, API",
            Unit::Fraction,
            "Share of API responses a person must review.",
            G::Quality,
            Rate,
        ),
        Some(q.review_rate_api),
        None,
    );
    b.num(
        "quality.review_rate_ft",
        spec(
            "review_rate_ft",
            "Review rate, fine-tuned",
            Unit::Fraction,
            "Share of fine-tuned responses a person must review.",
            G::Quality,
            Rate,
        ),
        Some(q.review_rate_ft),
        None,
    );
    b.num(
        "quality.cost_per_review",
        spec(
            "cost_per_review",
            "Cost per review",
            Unit::UsdPerReview,
            "What one human review costs.",
            G::Quality,
            NonNegative,
        ),
        Some(q.cost_per_review),
        None,
    );

    // Decision factors.
    let d = raw.decision.clone().unwrap_or(crate::plan::RawDecision {
        task_consistency: None,
        latency_requirement_ms: None,
        quality_requirement: None,
        team_ml_expertise: None,
        iteration_speed_priority: None,
    });
    let src = |given: bool, why: &'static str| {
        if given {
            Source::Plan
        } else {
            Source::Default(why)
        }
    };
    b.other(
        "task_consistency",
        "Task consistency",
        Unit::Text,
        "How uniform the task is: high, medium or low.",
        G::Decision,
        Value::Text(
            d.task_consistency
                .map_or("medium", |l| l.name())
                .to_string(),
        ),
        src(d.task_consistency.is_some(), "medium, which scores 0"),
    );
    b.num(
        "decision.latency_requirement_ms",
        spec(
            "latency_requirement_ms",
            "Latency requirement",
            Unit::Milliseconds,
            "The response-time target the product must meet.",
            G::Decision,
            Positive,
        ),
        d.latency_requirement_ms,
        Some((2000.0, "no strict target, which scores 0")),
    );
    b.other(
        "quality_requirement",
        "Quality requirement",
        Unit::Text,
        "How demanding the quality bar is: high, medium or low.",
        G::Decision,
        Value::Text(
            d.quality_requirement
                .map_or("medium", |l| l.name())
                .to_string(),
        ),
        src(d.quality_requirement.is_some(), "medium, which scores 0"),
    );
    b.other(
        "team_ml_expertise",
        "Team has ML expertise",
        Unit::YesNo,
        "Whether the team can run fine-tuning itself.",
        G::Decision,
        Value::Bool(d.team_ml_expertise.unwrap_or(true)),
        src(d.team_ml_expertise.is_some(), "yes, which scores 0"),
    );
    b.other(
        "iteration_speed_priority",
        "Fast iteration is a priority",
        Unit::YesNo,
        "Whether the task definition still changes often.",
        G::Decision,
        Value::Bool(d.iteration_speed_priority.unwrap_or(false)),
        src(d.iteration_speed_priority.is_some(), "no, which scores 0"),
    );

    // Decision rules: the seed's scoring, visible and editable.
    let rules: [(&str, &str, Unit, &'static str, f64); 18] = [
        (
            "rule_api_cost_high",
            "API bill counted as high, above",
            Unit::UsdPerMonth,
            "Monthly API bill above which volume favours fine-tuning strongly.",
            5000.0,
        ),
        (
            "rule_api_cost_medium",
            "API bill counted as medium, above",
            Unit::UsdPerMonth,
            "Monthly API bill above which volume favours fine-tuning a little.",
            1000.0,
        ),
        (
            "rule_points_api_cost_high",
            "Points: high API bill",
            Unit::Points,
            "Score for a high API bill.",
            3.0,
        ),
        (
            "rule_points_api_cost_medium",
            "Points: medium API bill",
            Unit::Points,
            "Score for a medium API bill.",
            1.0,
        ),
        (
            "rule_points_api_cost_low",
            "Points: low API bill",
            Unit::Points,
            "Score for a low API bill.",
            -2.0,
        ),
        (
            "rule_points_consistency_high",
            "Points: high task consistency",
            Unit::Points,
            "Score for a uniform task.",
            2.0,
        ),
        (
            "rule_points_consistency_low",
            "Points: low task consistency",
            Unit::Points,
            "Score for a variable task.",
            -2.0,
        ),
        (
            "rule_latency_strict_ms",
            "Latency counted as strict, below",
            Unit::Milliseconds,
            "Latency target below which self-hosting wins on p99.",
            500.0,
        ),
        (
            "rule_latency_moderate_ms",
            "Latency counted as moderate, below",
            Unit::Milliseconds,
            "Latency target below which both options are viable.",
            2000.0,
        ),
        (
            "rule_points_latency_strict",
            "Points: strict latency",
            Unit::Points,
            "Score for a strict latency target.",
            2.0,
        ),
        (
            "rule_points_latency_moderate",
            "Points: moderate latency",
            Unit::Points,
            "Score for a moderate latency target.",
            1.0,
        ),
        (
            "rule_points_quality_high",
            "Points: high quality requirement",
            Unit::Points,
            "Score for a demanding quality bar.",
            -1.0,
        ),
        (
            "rule_points_quality_low",
            "Points: low quality requirement",
            Unit::Points,
            "Score for a forgiving quality bar.",
            1.0,
        ),
        (
            "rule_points_no_ml_expertise",
            "Points: no ML expertise",
            Unit::Points,
            "Score when the team lacks ML expertise.",
            -2.0,
        ),
        (
            "rule_points_iteration_priority",
            "Points: fast iteration needed",
            Unit::Points,
            "Score when the task still changes often.",
            -2.0,
        ),
        (
            "rule_verdict_strong_fine_tune",
            "Score for STRONG: Fine-tune, at least",
            Unit::Points,
            "Lowest score that reads as a strong case for fine-tuning.",
            3.0,
        ),
        (
            "rule_verdict_lean_fine_tune",
            "Score for LEAN: Fine-tune, at least",
            Unit::Points,
            "Lowest score that leans to fine-tuning.",
            1.0,
        ),
        (
            "rule_verdict_neutral",
            "Score for NEUTRAL, at least",
            Unit::Points,
            "Lowest score that reads as neutral.",
            -1.0,
        ),
    ];
    for (id, label, unit, doc, x) in rules {
        b.items.push(Input {
            id: id.to_string(),
            label: label.to_string(),
            unit,
            doc: doc.to_string(),
            group: G::DecisionRules,
            value: Value::Num(x),
            source: Source::Default(SEED_RULE),
        });
    }
    b.items.push(Input {
        id: "rule_verdict_lean_api".to_string(),
        label: "Score for LEAN: Use API, at least".to_string(),
        unit: Unit::Points,
        doc: "Lowest score that leans to the API; below it, a strong case for the API.".to_string(),
        group: G::DecisionRules,
        value: Value::Num(-3.0),
        source: Source::Default(SEED_RULE),
    });
    b.items.push(Input {
        id: "rule_min_training_runs".to_string(),
        label: "Fewest training runs typically needed".to_string(),
        unit: Unit::Count,
        doc: "The seed: 5 to 15 runs reach a production model; fewer is a budgeting mistake."
            .to_string(),
        group: G::DecisionRules,
        value: Value::Num(5.0),
        source: Source::Default("the seed's common mistakes"),
    });
    b.items.push(Input {
        id: "rule_min_engineering_hours".to_string(),
        label: "Fewest engineering hours typically needed".to_string(),
        unit: Unit::Hours,
        doc: "The seed's phase table adds up to 76 to 188 hours for a 7B LoRA project.".to_string(),
        group: G::DecisionRules,
        value: Value::Num(76.0),
        source: Source::Default("the seed's phase table, low end"),
    });

    for (id, label, doc, x) in [
        (
            "rule_mfu_max",
            "Highest plausible training GPU efficiency",
            "Above this share of peak FLOPs a training estimate is implausibly fast.",
            0.6,
        ),
        (
            "rule_mfu_min",
            "Lowest plausible training GPU efficiency",
            "Below this share of peak FLOPs a training estimate is implausibly slow.",
            0.05,
        ),
    ] {
        b.items.push(Input {
            id: id.to_string(),
            label: label.to_string(),
            unit: Unit::Fraction,
            doc: doc.to_string(),
            group: G::DecisionRules,
            value: Value::Num(x),
            source: Source::Default("typical model FLOPs utilization of fine-tuning runs"),
        });
    }

    for (k, m) in SENSITIVITY_VOLUME_MULTIPLIERS.iter().enumerate() {
        b.items.push(Input {
            id: format!("sensitivity_volume_multiplier_{}", k + 1),
            label: format!("Volume case {}: multiple of today's traffic", k + 1),
            unit: Unit::Multiplier,
            doc: "A multiple of today's requests per day for the sensitivity tables.".to_string(),
            group: G::Sensitivity,
            value: Value::Num(*m),
            source: Source::Default("a quarter to four times today's volume"),
        });
    }
    for (k, n) in SENSITIVITY_INSTANCE_COUNTS.iter().enumerate() {
        b.items.push(Input {
            id: format!("sensitivity_instances_{}", k + 1),
            label: format!("Instance case {}: serving instances", k + 1),
            unit: Unit::Instances,
            doc: "A serving instance count for the sensitivity grid.".to_string(),
            group: G::Sensitivity,
            value: Value::Num(*n),
            source: Source::Default("1 to 8 instances"),
        });
    }

    if !b.problems.is_empty() {
        return Err(crate::plan::limit_problems(b.problems));
    }
    let meta = Meta {
        title: raw.plan.clone(),
        as_of: as_of.expect("checked above"),
        owner: raw.owner.clone(),
        notes: raw.notes.clone(),
        file: file.to_string(),
        sha256: sha256.to_string(),
        method: ft.method,
        model_size_b: ft.model_size_b,
        model_name: ft.name.clone(),
        api_name: bl.api.clone(),
        serving_instance: s.instance.clone(),
        training_instance,
    };
    let shape = Shape {
        has_training: c.training.is_some(),
        cost_per_run_given: c.cost_per_run.is_some(),
        has_throughput: b
            .items
            .iter()
            .any(|i| i.id == "serving_throughput_tokens_per_second"),
        phase_ids,
        has_serving_memory: b.items.iter().any(|i| i.id == "serving_gpu_memory_gb"),
        has_training_flops: b.items.iter().any(|i| i.id == "training_gpu_bf16_tflops"),
    };
    let lookups = b.lookups;
    let catalogue = if lookups.is_empty() {
        CatalogueUsed::default()
    } else {
        CatalogueUsed {
            api: catalog
                .api_models()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            gpus: catalog
                .gpus()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    };
    let mut items = b.items;
    // Ranges in sheet order, like the inputs.
    let mut ranges = b.ranged;
    ranges.sort_by_key(|r| items.iter().find(|i| i.id == r.id).map(|i| i.group));
    items.sort_by_key(|i| i.group);
    Ok(Inputs {
        meta,
        items,
        shape,
        notices,
        ranges,
        options: Vec::new(),
        lookups,
        catalogue,
    })
}
