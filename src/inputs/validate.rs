//! Checks a raw plan into inputs by walking the spec table: each input takes
//! the plan's value, a catalogue entry's, the benchmark row's or its default,
//! and is checked against its bounds. All problems are collected and reported
//! together, each with the file, line and field path.

use crate::collections::IndexMap;
use chrono::{Datelike, NaiveDate};

use crate::catalog::{ApiModel, Catalog, Gpu, ManagedFineTuning};
use crate::plan::{Commitment, Method, RangeSpec, RawPlan, ServiceTier};
use crate::value::Value;
use crate::yaml::{Diagnostic, Locator};

use super::spec::{self, Catalogued, Fill, InputSpec, When, INPUTS};
use super::{
    catalogue_source, lookup_benchmark, shown, CatalogueUsed, Input, Inputs, Lookup, Meta, Notice,
    Ranged, Shape, Source, Table, MAX_MAGNITUDE, MAX_PHASES, MIN_POSITIVE,
    SENSITIVITY_INSTANCE_COUNTS, SENSITIVITY_VOLUME_MULTIPLIERS, TYPICAL_PHASES,
};

/// One numeric input about to be added: its spec, with the id and label it
/// takes (an engineering phase has its own).
struct Head {
    id: String,
    label: String,
    spec: &'static InputSpec,
}

impl Head {
    fn of(spec: &'static InputSpec) -> Head {
        Head {
            id: spec.id.to_string(),
            label: spec.label.to_string(),
            spec,
        }
    }
}

/// Collects inputs and the problems found on the way.
struct Builder<'a> {
    file: &'a str,
    locator: &'a Locator,
    items: Vec<Input>,
    problems: Vec<Diagnostic>,
    notices: Vec<Notice>,
    /// The numbers the plan writes as ranges, by field path.
    written_ranges: &'a IndexMap<String, RangeSpec>,
    /// The ranged inputs validated so far.
    ranged: Vec<Ranged>,
    /// The inputs taken from the catalogue, to be looked up in the workbook.
    lookups: IndexMap<String, Lookup>,
    /// Typed figures that differ from the catalogue entry the plan names.
    overrides: Vec<String>,
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

    fn push(&mut self, head: Head, value: Value, source: Source) {
        let s = head.spec;
        self.items.push(Input {
            id: head.id,
            label: head.label,
            unit: s.unit,
            doc: s.doc.to_string(),
            group: s.group,
            bounds: s.bounds,
            value,
            source,
        });
    }

    /// Adds a numeric input: the plan's value at `field` if given, else the
    /// fallback with its source; checked against the spec's bounds.
    fn number(
        &mut self,
        field: &str,
        head: Head,
        written: Option<f64>,
        fallback: Option<(f64, Source)>,
    ) {
        let (value, source) = match (written, fallback) {
            (Some(x), _) => (unsigned_zero(x), Source::Plan),
            (None, Some((x, source))) => (unsigned_zero(x), source),
            (None, None) => {
                self.problem(field, "missing; it is required".to_string());
                return;
            }
        };
        let bounds = head.spec.checked_bounds();
        if let Some(message) = out_of_bounds(&bounds, value) {
            self.problem(field, message);
            return;
        }
        if let Some(range) = self.written_ranges.get(field).copied() {
            if let Some(message) = bad_range(&bounds, &range) {
                self.problem(field, message);
                return;
            }
            self.ranged.push(Ranged {
                id: head.id.clone(),
                low: unsigned_zero(range.low),
                base: unsigned_zero(range.base),
                high: unsigned_zero(range.high),
            });
        }
        self.push(head, Value::Num(value), source);
    }

    /// Records that the input `id`, if it took its value from the catalogue
    /// (the plan did not write it), is looked up in the workbook.
    fn look_up(&mut self, id: &str, from: &Catalogued) {
        let from_catalogue = self
            .items
            .iter()
            .any(|i| i.id == id && matches!(i.source, Source::Catalogue(_)));
        if from_catalogue {
            self.lookups.insert(
                id.to_string(),
                Lookup {
                    table: from.table,
                    key: from.key.to_string(),
                    column: from.column,
                },
            );
        }
    }
}

/// A number with a negative zero read as zero, so that `-0` is never shown
/// as "-0.0%".
fn unsigned_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// True for a number other than zero too close to zero to compute with
/// (a subnormal, or a tiny typo such as 1e-305, which overflows a division).
fn too_small(x: f64) -> bool {
    x != 0.0 && x.abs() < MIN_POSITIVE
}

/// Why `value` is outside `bounds`, if it is.
fn out_of_bounds(bounds: &spec::Bounds, value: f64) -> Option<String> {
    let expected = bounds.expected();
    if !value.is_finite() {
        return Some(format!(
            "expected {expected}, found {} (not a finite number)",
            shown(value)
        ));
    }
    if !bounds.holds(value) {
        return Some(format!("expected {expected}, found {}", shown(value)));
    }
    if value.abs() > MAX_MAGNITUDE {
        return Some(format!(
            "expected {expected}, at most 1e15, found {}; a figure this large is surely a typo",
            shown(value)
        ));
    }
    if !bounds.min_inclusive && value < MIN_POSITIVE {
        return Some(format!(
            "expected {expected}, at least 1e-9, found {}; a value this small is surely a typo",
            shown(value)
        ));
    }
    if too_small(value) {
        return Some(format!(
            "expected {expected}, found {}; a value this close to zero is surely a typo: write 0, or at least 1e-9",
            shown(value)
        ));
    }
    None
}

/// Why a written range is not one, if it is not.
fn bad_range(bounds: &spec::Bounds, range: &RangeSpec) -> Option<String> {
    let ends_ok = [range.low, range.high]
        .iter()
        .all(|x| x.is_finite() && bounds.holds(*x) && x.abs() <= MAX_MAGNITUDE && !too_small(*x));
    if !ends_ok {
        return Some(format!(
            "expected a range whose ends are each {}, found {} to {}",
            bounds.expected(),
            shown(range.low),
            shown(range.high)
        ));
    }
    if !(range.low <= range.base && range.base <= range.high) {
        return Some(format!(
            "expected low ≤ base ≤ high, found low {}, base {}, high {}",
            shown(range.low),
            shown(range.base),
            shown(range.high)
        ));
    }
    None
}

/// What the plan's names resolve to in the catalogue, and what its observed
/// months say, worked out before the inputs are added.
struct Found<'a> {
    raw: &'a RawPlan,
    api: Option<(&'a str, &'a ApiModel)>,
    api_error: Option<String>,
    serving_gpu: Option<(&'a str, &'a Gpu)>,
    serving_error: Option<String>,
    /// With `compute.training`: the training instance's entry, or the error.
    training_gpu: Option<Result<&'a Gpu, String>>,
    /// With `compute.training`: throughput, GPUs, price and the row's
    /// description (empty without a valid model size).
    bench: Option<(f64, f64, f64, String)>,
    /// The managed fine-tuning offer named in `offer`, or why it is not found.
    offer: Option<(&'a str, &'a ManagedFineTuning)>,
    offer_error: Option<String>,
    /// For `kind: api`: the API model named in `api`, or why it is not found.
    alternative: Option<(&'a str, &'a ApiModel)>,
    alternative_error: Option<String>,
    /// Measured serving throughput per instance, for this model size.
    measured: Option<(f64, Source)>,
    /// The latest observed traffic and bill, by month.
    traffic: Option<(String, f64)>,
    bill: Option<(String, f64)>,
    /// Problems with the observed months: field and message.
    actual_problems: Vec<(String, String)>,
}

impl<'a> Found<'a> {
    fn new(raw: &'a RawPlan, catalog: &'a Catalog) -> Found<'a> {
        let (api, api_error) = split(
            raw.baseline
                .api
                .as_deref()
                .map(|name| catalog.api(name).map(|e| (name, e))),
        );
        let (serving_gpu, serving_error) = split(
            raw.serving
                .instance
                .as_deref()
                .map(|name| catalog.gpu(name).map(|g| (name, g))),
        );
        let (offer, offer_error) = split(
            raw.offer
                .as_deref()
                .map(|name| catalog.managed(name).map(|e| (name, e))),
        );
        let (alternative, alternative_error) = split(
            raw.api
                .as_deref()
                .map(|name| catalog.api(name).map(|e| (name, e))),
        );
        let ft = &raw.fine_tuned;
        let training = raw.compute.training.as_ref();
        let mut found = Found {
            alternative,
            alternative_error,
            raw,
            api,
            api_error,
            serving_gpu,
            serving_error,
            offer,
            offer_error,
            training_gpu: training.map(|t| catalog.gpu(&t.instance).map_err(|e| e.to_string())),
            bench: training.map(|t| {
                if ft.model_size_b > 0.0 && ft.model_size_b.is_finite() {
                    lookup_benchmark(catalog, ft.model_size_b, ft.method, &t.instance)
                } else {
                    (0.0, 0.0, 0.0, String::new())
                }
            }),
            measured: serving_gpu.and_then(|(name, g)| {
                let precision = raw
                    .serving
                    .precision
                    .unwrap_or(crate::plan::Precision::Bf16);
                measured(catalog, ft.model_size_b, precision.name(), name, g)
            }),
            traffic: None,
            bill: None,
            actual_problems: Vec::new(),
        };
        found.read_actuals();
        found
    }

    /// Checks the observed months; the latest observed traffic replaces the forecast.
    fn read_actuals(&mut self) {
        let Some(actuals) = &self.raw.actuals else {
            return;
        };
        let mut months: Vec<_> = actuals.iter().collect();
        months.sort_by(|a, b| a.0.cmp(b.0));
        for (month, actual) in months {
            let field = format!("actuals.{month}");
            if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err()
                || month.len() != 7
            {
                self.actual_problems.push((
                    field,
                    format!("expected a month written YYYY-MM, found {month:?}"),
                ));
                continue;
            }
            for (name, x) in [
                ("requests_per_day", actual.requests_per_day),
                ("api_bill", actual.api_bill),
            ] {
                if let Some(x) = x.filter(|x| !x.is_finite() || !(0.0..=MAX_MAGNITUDE).contains(x))
                {
                    self.actual_problems.push((
                        format!("{field}.{name}"),
                        format!("expected a number ≥ 0, found {}", shown(x)),
                    ));
                }
            }
            if let Some(x) = actual.requests_per_day {
                self.traffic = Some((month.clone(), x));
            }
            if let Some(x) = actual.api_bill {
                self.bill = Some((month.clone(), x));
            }
        }
    }

    /// Whether an input is part of the model.
    fn present(&self, when: When) -> bool {
        match when {
            When::Always => true,
            When::Training => self.raw.compute.training.is_some(),
            When::TrainingGpu => matches!(self.training_gpu, Some(Ok(_))),
            When::Api => self.api.is_some(),
            When::ServingGpu => self.serving_gpu.is_some(),
            When::Offer => self.offer.is_some(),
            When::Managed => any_managed(self.raw),
            When::Requirements => self.raw.requirements.is_some(),
        }
    }

    /// The look-up of an API list price at the plan's service tier: the
    /// priority or flex column instead of the list price's.
    fn tiered(&self, from: Catalogued) -> Catalogued {
        let tier = self
            .raw
            .baseline
            .service_tier
            .unwrap_or(ServiceTier::Standard);
        let column = match (tier, from.column) {
            (ServiceTier::Priority, "input_per_1m_tokens") => "priority_input_per_1m_tokens",
            (ServiceTier::Priority, "output_per_1m_tokens") => "priority_output_per_1m_tokens",
            (ServiceTier::Flex, "input_per_1m_tokens") => "flex_input_per_1m_tokens",
            (ServiceTier::Flex, "output_per_1m_tokens") => "flex_output_per_1m_tokens",
            (_, column) => column,
        };
        if from.table == Table::Api && from.key == "baseline_api" {
            Catalogued { column, ..from }
        } else if from.table == Table::Gpus
            && from.key == "serving_instance"
            && from.column == ON_DEMAND_PER_INSTANCE_HOUR
        {
            Catalogued {
                column: committed_column(self.commitment()),
                ..from
            }
        } else {
            from
        }
    }

    /// The term the plan rents its serving instances on.
    fn commitment(&self) -> Commitment {
        self.raw.serving.commitment.unwrap_or(Commitment::OnDemand)
    }

    /// The named serving offer and the term the plan asks for, when the
    /// offer sells no price for that term.
    fn term_not_sold(&self) -> Option<(&'a str, &'a Gpu, Commitment)> {
        let (name, g) = self.serving_gpu?;
        let term = self.commitment();
        g.per_gpu_hour(term).is_none().then_some((name, g, term))
    }

    /// Whether the catalogue entry an input reads was named but not found.
    fn lookup_failed(&self, from: &Catalogued) -> bool {
        match (from.table, from.key) {
            (Table::Api, _) => self.api_error.is_some(),
            (Table::Gpus, "training_instance") => matches!(self.training_gpu, Some(Err(_))),
            (Table::Gpus, _) => self.serving_error.is_some() || self.term_not_sold().is_some(),
        }
    }

    /// The value a catalogue entry gives an input, with its source.
    fn catalogue_value(&self, from: &Catalogued) -> Option<(f64, Source)> {
        match (from.table, from.key) {
            (Table::Api, _) => self.api.and_then(|(name, e)| {
                let x = e.billed(from.column)?;
                let tier = self.raw.baseline.service_tier.filter(|t| {
                    *t != ServiceTier::Standard
                        && matches!(
                            from.column,
                            "priority_input_per_1m_tokens"
                                | "priority_output_per_1m_tokens"
                                | "flex_input_per_1m_tokens"
                                | "flex_output_per_1m_tokens"
                        )
                });
                let entry = match tier {
                    Some(t) => format!("{name}, {} tier", t.name()),
                    None => name.to_string(),
                };
                Some((x, catalogue_source(&entry, &e.source, &e.as_of)))
            }),
            (Table::Gpus, "training_instance") => {
                let instance = &self.raw.compute.training.as_ref()?.instance;
                let gpu = self.training_gpu.as_ref()?.as_ref().ok()?;
                gpu_column(instance, gpu, from.column)
            }
            (Table::Gpus, _) => self
                .serving_gpu
                .and_then(|(name, g)| gpu_column(name, g, from.column)),
        }
    }
}

/// An optional catalogue look-up split into what it found and its error.
fn split<T, E: std::fmt::Display>(x: Option<Result<T, E>>) -> (Option<T>, Option<String>) {
    match x {
        Some(Ok(t)) => (Some(t), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, None),
    }
}

/// The catalogue column of an instance's hourly price on a term.
const ON_DEMAND_PER_INSTANCE_HOUR: &str = "on_demand_per_instance_hour";

/// The catalogue column of an instance's hourly price on a term.
pub(crate) fn committed_column(term: Commitment) -> &'static str {
    match term {
        Commitment::OnDemand => ON_DEMAND_PER_INSTANCE_HOUR,
        Commitment::Reserved1y => "reserved_1y_per_instance_hour",
        Commitment::Reserved3y => "reserved_3y_per_instance_hour",
    }
}

/// A column of a GPU entry with its source: the price list for prices (a
/// committed price cites its own source and the on-demand price's), the
/// spec sheet for the rest.
fn gpu_column(name: &str, g: &Gpu, column: &str) -> Option<(f64, Source)> {
    let spec_sheet = |x| Some((x, Source::Catalogue(format!("{name} ({})", g.spec_source))));
    let term = Commitment::ALL
        .into_iter()
        .find(|t| committed_column(*t) == column);
    match column {
        ON_DEMAND_PER_INSTANCE_HOUR => Some((
            g.on_demand_per_instance_hour(),
            catalogue_source(name, &g.source, &g.as_of),
        )),
        _ if term.is_some() => {
            let term = term?;
            let k = g.committed.as_ref()?;
            let d = k.discount(term)?;
            Some((
                g.per_instance_hour(term)?,
                Source::Catalogue(format!(
                    "{name}, {}: {}% off the on-demand {}/hour ({}, as of {}; on demand: {}, as of {})",
                    term.words(),
                    crate::format::number(d * 100.0, crate::format::Unit::Count),
                    crate::catalog::format_price(g.on_demand_per_instance_hour()),
                    k.source,
                    k.as_of,
                    g.source,
                    g.as_of
                )),
            ))
        }
        "memory_gb" => spec_sheet(g.memory_gb),
        "gpus_per_instance" => spec_sheet(f64::from(g.gpus_per_instance)),
        "bf16_dense_tflops" => spec_sheet(g.bf16_dense_tflops),
        _ => None,
    }
}

/// Measured serving throughput for this model size on this instance, per instance.
fn measured(
    catalog: &Catalog,
    model_size_b: f64,
    precision: &str,
    name: &str,
    g: &Gpu,
) -> Option<(f64, Source)> {
    let m = catalog
        .serving_throughput(model_size_b, name, precision)
        .ok()?;
    let per_instance =
        m.tokens_per_second / f64::from(m.num_gpus.max(1)) * f64::from(g.gpus_per_instance);
    let row = format!(
        "{}B at {} on {} GPU(s) of {} ({}, as of {})",
        m.model_size_b, m.precision, m.num_gpus, m.instance, m.source, m.as_of
    );
    Some((per_instance, Source::Catalogue(row)))
}

/// Validates a raw plan against a price catalogue.
pub fn validate_raw_with(
    raw: &RawPlan,
    locator: &Locator,
    file: &str,
    sha256: &str,
    catalog: &Catalog,
) -> Result<Inputs, Vec<Diagnostic>> {
    let mut b = Builder {
        file,
        locator,
        items: Vec::new(),
        problems: Vec::new(),
        notices: Vec::new(),
        written_ranges: &raw.ranges,
        ranged: Vec::new(),
        lookups: IndexMap::default(),
        overrides: Vec::new(),
    };
    let as_of = check_header(&mut b, raw);
    let found = Found::new(raw, catalog);
    for spec in INPUTS {
        before(&mut b, &found, spec.id);
        if found.present(spec.when) {
            add(&mut b, &found, spec);
        }
        if spec.id == "engineer_hourly_rate" {
            add_phases(&mut b, raw);
        }
    }
    add_sensitivity_cases(&mut b);
    if !b.overrides.is_empty() {
        let message = format!(
            "The plan types figures that differ from the catalogue entries it names, and its figures are used: {}. Remove a typed figure to use the entry's, or drop the name if the typed figure is the one paid.",
            b.overrides.join("; ")
        );
        b.notices.push(Notice {
            id: "typed_price_differs",
            title: "Typed figures override the named catalogue entries",
            message,
            plan_fields: &[
                "baseline.input_price_per_1m_tokens",
                "baseline.output_price_per_1m_tokens",
                "serving.cost_per_hour",
            ],
        });
    }
    if !b.problems.is_empty() {
        return Err(crate::plan::limit_problems(b.problems));
    }
    Ok(finish(
        b,
        raw,
        file,
        sha256,
        as_of.expect("checked above"),
        catalog,
    ))
}

/// Checks the plan's date and title.
fn check_header(b: &mut Builder, raw: &RawPlan) -> Option<NaiveDate> {
    let as_of = NaiveDate::parse_from_str(&raw.as_of, "%Y-%m-%d").ok();
    if as_of.is_none() {
        b.problem(
            "as_of",
            format!(
                "expected a date that exists, written YYYY-MM-DD, found {:?}",
                raw.as_of
            ),
        );
    }
    if raw.plan.trim().is_empty() {
        b.problem(
            "plan",
            "expected a title for the plan, found an empty string".to_string(),
        );
    }
    as_of
}

/// Problems (and notices) about the plan as a whole, reported where the
/// input named `id` is added.
fn before(b: &mut Builder, found: &Found, id: &str) {
    match id {
        "input_price_per_1m_tokens" => api_problems(b, found),
        "requests_per_day_forecast" => {
            for (field, message) in &found.actual_problems {
                b.problem(field, message.clone());
            }
        }
        "model_size_b" => token_problem(b, &found.raw.baseline),
        "training_gpu_bf16_tflops" => {
            if let Some(Err(e)) = &found.training_gpu {
                b.problem("compute.training.instance", e.clone());
            }
        }
        "training_tokens_per_second" => training_notice(b, found),
        "serving_cost_per_hour" => serving_problems(b, found),
        "managed_offer" => managed_problems(b, found),
        _ => {}
    }
}

/// An unknown API where the plan leaves a price to the catalogue; prices
/// neither written nor named.
fn api_problems(b: &mut Builder, found: &Found) {
    let bl = &found.raw.baseline;
    let price_left_to_catalogue =
        bl.input_price_per_1m_tokens.is_none() || bl.output_price_per_1m_tokens.is_none();
    if let Some(e) = found.api_error.clone().filter(|_| price_left_to_catalogue) {
        b.problem("baseline.api", e);
    }
    let (cached, written) = (
        bl.cached_input_share.unwrap_or(0.0),
        bl.cache_write_share.unwrap_or(0.0),
    );
    if cached + written > 1.0 {
        b.problem(
            "baseline.cache_write_share",
            format!(
                "expected cached_input_share plus cache_write_share at most 1 (they are shares of the same input tokens), found {} + {}",
                shown(cached),
                shown(written)
            ),
        );
    }
    if let Some((name, e)) = found.api {
        let tier = bl.service_tier.unwrap_or(ServiceTier::Standard);
        let has_tier = match tier {
            ServiceTier::Standard => true,
            ServiceTier::Priority => e.priority_input_per_1m_tokens.is_some(),
            ServiceTier::Flex => e.flex_input_per_1m_tokens.is_some(),
        };
        if !has_tier {
            b.notices.push(Notice {
                id: "api_tier_unpriced",
                title: "No price for the API's service tier",
                message: format!(
                    "The catalogue gives {} no {} price: its list prices are used. Check the provider's price list and type the input and output prices paid on that tier.",
                    crate::yaml::inert(name),
                    tier.name()
                ),
                plan_fields: &[
                    "baseline.service_tier",
                    "baseline.input_price_per_1m_tokens",
                    "baseline.output_price_per_1m_tokens",
                ],
            });
        }
    }
    if bl.api.is_some() {
        return;
    }
    let billed_without_entry: Vec<&str> = [
        ("cached_input_share", bl.cached_input_share),
        ("cache_write_share", bl.cache_write_share),
        ("batch_share", bl.batch_share),
    ]
    .iter()
    .filter(|(_, x)| x.is_some_and(|x| x > 0.0))
    .map(|(f, _)| *f)
    .chain(
        bl.service_tier
            .filter(|t| *t != ServiceTier::Standard)
            .map(|_| "service_tier"),
    )
    .collect();
    if !billed_without_entry.is_empty() {
        b.notices.push(Notice {
            id: "api_rates_without_entry",
            title: "Cached, batch and tier prices need a catalogue entry",
            message: format!(
                "The plan gives a share of cached, batched or tiered traffic ({}) but names no API model: without an entry's cached, batch and tier prices every token is billed at the plan's list prices. Name the API model in the plan.",
                billed_without_entry.join(", ")
            ),
            plan_fields: &["baseline.api"],
        });
    }
    for id in ["input_price_per_1m_tokens", "output_price_per_1m_tokens"] {
        let spec = spec::spec(id);
        if let Fill::Catalogue(read, _) = spec.fill {
            if read(found.raw).is_none() {
                b.problem(spec.path, "missing: give the price, or name the API in baseline.api (e.g. gpt-4o) to take its price from the catalogue".to_string());
            }
        }
    }
}

/// Requests must carry tokens.
fn token_problem(b: &mut Builder, bl: &crate::plan::RawBaseline) {
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
}

/// An unknown serving instance; a price neither written nor named.
fn serving_problems(b: &mut Builder, found: &Found) {
    if let Some(e) = &found.serving_error {
        b.problem("serving.instance", e.clone());
    }
    let s = &found.raw.serving;
    if let Some((name, g, term)) = found.term_not_sold().filter(|_| s.cost_per_hour.is_none()) {
        let sold: Vec<&str> = g.terms().iter().map(|t| t.name()).collect();
        b.problem(
            "serving.commitment",
            format!(
                "the catalogue has no {} price for `{name}` (it sells {}); choose {}, name an offer with committed prices (`prices list --kind gpu` shows them), or give serving.cost_per_hour",
                term.name(),
                sold.join(", "),
                sold.join(" or ")
            ),
        );
    }
    if found.serving_gpu.is_none() && s.instance.is_none() && s.cost_per_hour.is_none() {
        b.problem("serving.cost_per_hour", "missing: give the price per instance-hour, or name the instance in serving.instance (e.g. a10g) to take its price from the catalogue".to_string());
    }
}

/// The plan field that says who trains and serves the model.
const KIND_FIELD: &str = "kind";

/// Whether the plan or one of its options is a managed candidate.
fn any_managed(raw: &RawPlan) -> bool {
    is_provider_run(raw)
        || raw.options.iter().flatten().any(|option| {
            let kind = option.get(KIND_FIELD).and_then(serde_yaml::Value::as_str);
            kind == Some(crate::plan::Kind::Managed.name())
                || kind == Some(crate::plan::Kind::Api.name())
        })
}

/// Whether the plan is a managed fine-tuning candidate.
fn is_managed(raw: &RawPlan) -> bool {
    raw.kind == Some(crate::plan::Kind::Managed)
}

/// Whether the plan is an API candidate (`kind: api`).
fn is_api(raw: &RawPlan) -> bool {
    raw.kind == Some(crate::plan::Kind::Api)
}

/// Whether a provider runs the plan's candidate: managed or api.
fn is_provider_run(raw: &RawPlan) -> bool {
    is_managed(raw) || is_api(raw)
}

/// An unknown managed offer; a managed plan without the tokens it trains.
fn managed_problems(b: &mut Builder, found: &Found) {
    if let Some(e) = &found.offer_error {
        b.problem("offer", e.clone());
    }
    let raw = found.raw;
    if let Some(e) = found.alternative_error.as_ref().filter(|_| is_api(raw)) {
        b.problem("api", e.clone());
    }
    let prices_written = raw.managed.as_ref().is_some_and(|m| {
        m.inference_input_per_1m_tokens.is_some() && m.inference_output_per_1m_tokens.is_some()
    });
    if let Some(rate) = raw.prompt.as_ref().and_then(|x| x.review_rate) {
        if !is_api(raw) {
            b.problem(
                "prompt.review_rate",
                "applies to kind: api only (a fine-tuned candidate's review rate is quality.review_rate_ft)".to_string(),
            );
        } else if !(0.0..=1.0).contains(&rate) {
            b.problem(
                "prompt.review_rate",
                format!(
                    "expected a fraction from 0 to 1 (0.05 means 5%), found {}",
                    shown(rate)
                ),
            );
        }
    }
    if is_api(raw) && raw.api.is_none() && !prices_written {
        b.problem(
            "api",
            "missing: kind: api moves the task to another API model; name it (e.g. api: gpt-4o-mini) or give managed.inference_input_per_1m_tokens and managed.inference_output_per_1m_tokens".to_string(),
        );
    }
    let tokens_given = raw
        .managed
        .as_ref()
        .and_then(|m| m.training_tokens_per_run)
        .is_some_and(|x| x > 0.0);
    if is_managed(raw) && !tokens_given && raw.compute.training.is_none() {
        b.problem(
            "managed.training_tokens_per_run",
            "missing: a managed run bills its training tokens; give managed.training_tokens_per_run, or compute.training (examples, sequence length, epochs)".to_string(),
        );
    }
}

/// A managed price: the plan's, else the offer's, else 0 when the plan is
/// not managed; required when it is.
fn add_managed_price(b: &mut Builder, found: &Found, spec: &'static InputSpec) {
    let raw = found.raw;
    let written = raw.managed.as_ref().and_then(|m| match spec.id {
        "managed_training_price_per_1m_tokens" => m.training_per_1m_tokens,
        "managed_input_price_per_1m_tokens" => m.inference_input_per_1m_tokens,
        _ => m.inference_output_per_1m_tokens,
    });
    let from_offer = found.offer.map(|(name, o)| {
        let x = match spec.id {
            "managed_training_price_per_1m_tokens" => o.training_per_1m_tokens,
            "managed_input_price_per_1m_tokens" => o.inference_input_per_1m_tokens,
            _ => o.inference_output_per_1m_tokens,
        };
        (x, catalogue_source(name, &o.source, &o.as_of))
    });
    // An API candidate trains nothing and pays its API model's list prices.
    let from_api = found
        .alternative
        .filter(|_| is_api(raw))
        .map(|(name, e)| match spec.id {
            "managed_training_price_per_1m_tokens" => {
                (0.0, Source::Default("kind: api, no training"))
            }
            "managed_input_price_per_1m_tokens" => (
                e.input_per_1m_tokens,
                catalogue_source(name, &e.source, &e.as_of),
            ),
            _ => (
                e.output_per_1m_tokens,
                catalogue_source(name, &e.source, &e.as_of),
            ),
        });
    let fallback = match from_api.or(from_offer) {
        Some(x) => Some(x),
        None if is_api(raw) && spec.id == "managed_training_price_per_1m_tokens" => {
            Some((0.0, Source::Default("kind: api, no training")))
        }
        None if is_api(raw) => {
            if written.is_none() {
                return;
            }
            None
        }
        None if is_managed(raw) => {
            if written.is_none() && found.offer_error.is_none() {
                b.problem(
                    spec.path,
                    "missing: give the price, or name a managed offer in `offer` (e.g. openai-gpt-4o-mini) to take its prices from the catalogue".to_string(),
                );
            }
            if written.is_none() {
                return;
            }
            None
        }
        None => spec.default.map(|d| (d.value, Source::Default(d.why))),
    };
    b.number(spec.path, Head::of(spec), written, fallback);
}

/// The managed model's cached-input price: a kind: api candidate's from its
/// API model's entry (its input price where the entry has none); any other
/// candidate's is its input price, no cache being priced for it.
fn add_managed_cached_price(b: &mut Builder, found: &Found, spec: &'static InputSpec) {
    let raw = found.raw;
    let from_api = found.alternative.filter(|_| is_api(raw)).map(|(name, e)| {
        match e.cached_input_per_1m_tokens {
            Some(x) => (x, catalogue_source(name, &e.source, &e.as_of)),
            None => (
                e.input_per_1m_tokens,
                Source::Default("the API model has no cached-input price: its input price"),
            ),
        }
    });
    let input = || {
        let written = raw
            .managed
            .as_ref()
            .and_then(|m| m.inference_input_per_1m_tokens);
        let offered = found.offer.map(|(_, o)| o.inference_input_per_1m_tokens);
        written.or(offered).map(|x| {
            (
                x,
                Source::Default("no cached price: the managed input price"),
            )
        })
    };
    let fallback = from_api
        .or_else(input)
        .or_else(|| spec.default.map(|d| (d.value, Source::Default(d.why))));
    b.number(spec.path, Head::of(spec), None, fallback);
}

/// Tells the reader when the training estimate falls back to the rule of thumb.
fn training_notice(b: &mut Builder, found: &Found) {
    let written = found
        .raw
        .compute
        .training
        .as_ref()
        .is_some_and(|t| t.tokens_per_second.is_some());
    if let Some((_, _, _, row)) = &found.bench {
        if row.starts_with("no measured row") && !written {
            b.notices.push(Notice {
                id: "estimate_fallback",
                title: "Training estimate without a measured benchmark",
                message: format!(
                    "The training estimate uses the reference case's rule-of-thumb fallback ({row}); give the measured training throughput, GPUs per run and price per hour for a measured figure."
                ),
                plan_fields: &[
                    "compute.training.tokens_per_second",
                    "compute.training.num_gpus",
                    "compute.training.cost_per_hour",
                ],
            });
        }
    }
}

/// Prompt tokens an instance reads for each token it generates in the same
/// GPU time, where the plan measures no prefill rate.
const PREFILL_PER_DECODE: f64 = 3.3;

/// Where [`PREFILL_PER_DECODE`] comes from.
const PREFILL_PER_DECODE_WHY: &str = "3.3 × the decode rate, as a saturated server measures it: TensorRT-LLM's performance table (release 0.5.0, LLaMA 7B, FP8, one H100, batch 64) gives 9,193 generated tokens/s with 128-token prompts and 2,058 with 2,048-token prompts, 128 generated each; the two rows solve to about 39,800 prompt tokens/s against 12,000 generated";

/// Adds the input `spec` describes, as its fill says.
fn add(b: &mut Builder, found: &Found, spec: &'static InputSpec) {
    let raw = found.raw;
    let default = || spec.default.map(|d| (d.value, Source::Default(d.why)));
    match spec.fill {
        Fill::Plan(read) => {
            let written = read(raw);
            b.number(spec.path, Head::of(spec), written, default());
            check_above_max(b, spec, written);
        }
        Fill::Fixed => {
            let d = spec.default.expect("a fixed input has a default");
            b.push(Head::of(spec), Value::Num(d.value), Source::Default(d.why));
        }
        Fill::Catalogue(read, from) => {
            let from = found.tiered(from);
            let fallback = found.catalogue_value(&from);
            if read(raw).is_none() && fallback.is_none() && found.lookup_failed(&from) {
                // The unknown name is the one problem, reported where it is named.
                return;
            }
            if let (Some(typed), Some((entry, Source::Catalogue(what)))) = (read(raw), &fallback) {
                if (typed - entry).abs() > 1e-9 * entry.abs().max(1.0) {
                    b.overrides.push(format!(
                        "{} {} ({}) instead of {} from {}",
                        spec.path,
                        shown(typed),
                        spec.unit.label(),
                        shown(*entry),
                        what
                    ));
                }
            }
            b.number(spec.path, Head::of(spec), read(raw), fallback);
            b.look_up(spec.id, &from);
        }
        Fill::Benchmark(read, column) => add_benchmarked(b, found, spec, read(raw), column),
        Fill::Text(read, default) => {
            let value = match (read(raw), default) {
                (Some(t), _) => (t, Source::Plan),
                (None, Some((t, why))) => (t.to_string(), Source::Default(why)),
                (None, None) => return,
            };
            b.push(Head::of(spec), Value::Text(value.0), value.1);
        }
        Fill::YesNo(read, (default, why)) => {
            let (value, source) = match read(raw) {
                Some(x) => (x, Source::Plan),
                None => (default, Source::Default(why)),
            };
            b.push(Head::of(spec), Value::Bool(value), source);
        }
        Fill::Dedicated => add_dedicated(b, found, spec),
    }
}

/// The plan's value above an upper bound that has its own message.
fn check_above_max(b: &mut Builder, spec: &InputSpec, written: Option<f64>) {
    let (Some(above), Some(max), Some(x)) = (spec.above_max, spec.bounds.max, written) else {
        return;
    };
    if x > max && (!above.capped || x <= MAX_MAGNITUDE) {
        b.problem(spec.path, (above.message)(x));
    }
}

/// A training figure: the plan's, else the benchmark row's.
fn add_benchmarked(
    b: &mut Builder,
    found: &Found,
    spec: &'static InputSpec,
    written: Option<f64>,
    column: &str,
) {
    let Some((tps, gpus, cph, row)) = &found.bench else {
        return;
    };
    if written.is_none() && row.is_empty() {
        // No benchmark without a valid model size; that problem is reported there.
        return;
    }
    let x = match column {
        "tokens_per_second" => *tps,
        "num_gpus" => *gpus,
        _ => *cph,
    };
    let fallback = Some((x, Source::Benchmark(row.clone())));
    b.number(spec.path, Head::of(spec), written, fallback);
}

/// The inputs whose presence, path or default depends on the plan.
fn add_dedicated(b: &mut Builder, found: &Found, spec: &'static InputSpec) {
    let raw = found.raw;
    let head = Head::of(spec);
    let requests = raw.baseline.requests_per_day;
    match spec.id {
        "requests_per_day_forecast" if found.traffic.is_some() => {
            b.number(spec.path, head, Some(requests), None);
        }
        "requests_per_day" => match &found.traffic {
            Some((month, observed)) => b.number(
                &format!("actuals.{month}.requests_per_day"),
                Head::of(&spec::REQUESTS_OBSERVED),
                None,
                Some((*observed, Source::Actual(month.clone()))),
            ),
            None => b.number(spec.path, head, Some(requests), None),
        },
        "actual_monthly_api_bill" => {
            if let Some((month, bill)) = &found.bill {
                let field = format!("actuals.{month}.api_bill");
                b.number(&field, head, None, Some((*bill, Source::Actual(month.clone()))));
            }
        }
        "training_flops_per_parameter_token" => {
            let (factor, why) = match raw.fine_tuned.method {
                Method::Full => (6.0, "full fine-tuning: 6 FLOPs per parameter per token (forward 2, backward 4)"),
                Method::Lora | Method::Qlora => {
                    let d = spec.default.expect("the LoRA figure");
                    (d.value, d.why)
                }
            };
            b.number(spec.path, head, None, Some((factor, Source::Default(why))));
        }
        "managed_training_price_per_1m_tokens"
        | "managed_input_price_per_1m_tokens"
        | "managed_output_price_per_1m_tokens" => add_managed_price(b, found, spec),
        "managed_cached_input_price_per_1m_tokens" => add_managed_cached_price(b, found, spec),
        "compute_cost_per_run" => match (raw.compute.cost_per_run, &raw.compute.training) {
            (Some(x), _) => b.number(spec.path, head, Some(x), None),
            (None, Some(_)) => {}
            (None, None) if is_provider_run(raw) => b.number(
                spec.path,
                head,
                None,
                Some((0.0, Source::Default("managed: the provider bills training per token"))),
            ),
            (None, None) => b.problem(
                spec.path,
                "missing field `cost_per_run`: expected a cost per run in dollars, or compute.training so that it can be estimated"
                    .to_string(),
            ),
        },
        "serving_throughput_tokens_per_second" => {
            let written = raw.serving.throughput_tokens_per_second;
            if written.is_some() || found.measured.is_some() {
                b.number(spec.path, head, written, found.measured.clone());
            }
        }
        // Optional: present only where the plan writes them.
        "latency_limit_ms" | "api_latency_ms" => {
            let requirements = raw.requirements.as_ref();
            let written = requirements.and_then(|r| {
                if spec.id == "latency_limit_ms" {
                    r.latency_limit_ms
                } else {
                    r.api_latency_ms
                }
            });
            if written.is_some() {
                b.number(spec.path, head, written, None);
            }
        }
        "serving_prefill_tokens_per_second" => {
            // Only beside a decode rate: without one nothing is sized.
            let decode = raw
                .serving
                .throughput_tokens_per_second
                .or(found.measured.as_ref().map(|(x, _)| *x));
            match (decode, raw.serving.prefill_tokens_per_second) {
                // A decode rate out of its bounds is reported where it is
                // written; no default is made from it.
                (Some(decode), None) if out_of_bounds(&spec.bounds, decode).is_some() => {}
                (Some(decode), written) => b.number(
                    spec.path,
                    head,
                    written,
                    Some((
                        decode * PREFILL_PER_DECODE,
                        Source::Default(PREFILL_PER_DECODE_WHY),
                    )),
                ),
                (None, Some(_)) => b.problem(
                    spec.path,
                    "a prefill rate needs the decode rate beside it: give serving.throughput_tokens_per_second too".to_string(),
                ),
                (None, None) => {}
            }
        }
        "serving_bytes_per_parameter" => {
            let precision = raw.serving.precision.unwrap_or(crate::plan::Precision::Bf16);
            let why = spec.default.map_or("", |d| d.why);
            let x = precision.bytes_per_parameter();
            b.number(spec.path, head, None, Some((x, Source::Default(why))));
        }
        _ => {}
    }
}

/// The engineering phases: the plan's, or the typical ones as ranges.
fn add_phases(b: &mut Builder, raw: &RawPlan) {
    let e = &raw.engineering;
    let phase = &spec::ENGINEERING_PHASE;
    let head = |k: usize, name: &str| Head {
        id: phase.id.replace("{k}", &(k + 1).to_string()),
        label: phase.label.replace("{phase}", name),
        spec: phase,
    };
    let written = e.hours.as_ref().map_or(0, |h| h.len());
    for (k, (name, hours)) in e.hours.iter().flatten().enumerate() {
        let field = phase.path.replace("{phase}", name);
        b.number(&field, head(k, name), Some(*hours), None);
    }
    if e.hours.as_ref().is_some_and(|h| h.is_empty()) {
        b.problem(
            "engineering.hours",
            "expected at least one phase with its hours, e.g. {data: 40}; leave `hours` out for the typical phases".to_string(),
        );
    }
    if e.hours.is_none() {
        // The typical phases, each a range with its midpoint as base.
        for (k, (name, low, high)) in TYPICAL_PHASES.iter().enumerate() {
            let head = head(k, name);
            let base = (low + high) / 2.0;
            b.ranged.push(Ranged {
                id: head.id.clone(),
                low: *low,
                base,
                high: *high,
            });
            let why = "typical 7B LoRA project, midpoint of its range";
            b.push(head, Value::Num(base), Source::Default(why));
        }
    }
    if written > MAX_PHASES {
        b.problem(
            "engineering.hours",
            format!("expected at most {MAX_PHASES} phases, found {written}; group them"),
        );
    }
}

/// The sensitivity tables' volume multiples and instance counts.
fn add_sensitivity_cases(b: &mut Builder) {
    for (spec, values) in [
        (
            &spec::SENSITIVITY_VOLUME,
            &SENSITIVITY_VOLUME_MULTIPLIERS[..],
        ),
        (
            &spec::SENSITIVITY_INSTANCES,
            &SENSITIVITY_INSTANCE_COUNTS[..],
        ),
    ] {
        let why = spec.default.map_or("", |d| d.why);
        for (k, x) in values.iter().enumerate() {
            let k = (k + 1).to_string();
            let head = Head {
                id: spec.id.replace("{k}", &k),
                label: spec.label.replace("{k}", &k),
                spec,
            };
            b.push(head, Value::Num(*x), Source::Default(why));
        }
    }
}

/// The validated inputs, once the plan has no problems.
fn finish(
    b: Builder,
    raw: &RawPlan,
    file: &str,
    sha256: &str,
    as_of: NaiveDate,
    catalog: &Catalog,
) -> Inputs {
    let ft = &raw.fine_tuned;
    let meta = Meta {
        title: raw.plan.clone(),
        as_of,
        owner: raw.owner.clone(),
        notes: raw.notes.clone(),
        file: file.to_string(),
        sha256: sha256.to_string(),
        method: ft.method,
        model_size_b: ft.model_size_b,
        model_name: ft.name.clone(),
        api_name: raw.baseline.api.clone(),
        serving_instance: raw.serving.instance.clone(),
        serving_gpus_per_instance: raw
            .serving
            .instance
            .as_deref()
            .and_then(|name| catalog.gpu(name).ok())
            .map(|g| g.gpus_per_instance),
        training_instance: raw.compute.training.as_ref().map(|t| t.instance.clone()),
    };
    let has = |id: &str| b.items.iter().any(|i| i.id == id);
    let shape = Shape {
        has_training: raw.compute.training.is_some(),
        cost_per_run_given: raw.compute.cost_per_run.is_some(),
        has_throughput: has("serving_throughput_tokens_per_second"),
        phase_ids: b
            .items
            .iter()
            .filter(|i| i.id.starts_with("engineering_hours_phase_"))
            .map(|i| i.id.clone())
            .collect(),
        has_serving_memory: has("serving_gpu_memory_gb"),
        has_training_flops: has("training_gpu_bf16_tflops"),
        managed: any_managed(raw),
        has_requirements: raw.requirements.is_some(),
        has_latency_limit: has("latency_limit_ms"),
        has_api_latency: has("api_latency_ms"),
    };
    let mut notices = b.notices;
    catalogue_notices(&b.items, raw, as_of, catalog, &mut notices);
    let catalogue = if b.lookups.is_empty() {
        CatalogueUsed::default()
    } else {
        catalogue_used(catalog)
    };
    let mut items = b.items;
    // Ranges in sheet order, like the inputs.
    let mut ranges = b.ranged;
    ranges.sort_by_key(|r| items.iter().find(|i| i.id == r.id).map(|i| i.group));
    items.sort_by_key(|i| i.group);
    Inputs {
        meta,
        items,
        shape,
        notices,
        ranges,
        options: Vec::new(),
        lookups: b.lookups,
        catalogue,
    }
}

/// Warnings about the catalogue entries the plan uses: a model its provider
/// retires, and figures older than `catalogue_max_age_months` at `as_of`.
fn catalogue_notices(
    items: &[Input],
    raw: &RawPlan,
    as_of: NaiveDate,
    catalog: &Catalog,
    notices: &mut Vec<Notice>,
) {
    if let Some((name, retired)) = raw.baseline.api.as_deref().and_then(|name| {
        let m = catalog.api(name).ok()?;
        Some((name, crate::catalog::parse_date(m.deprecated.as_deref()?)?))
    }) {
        let when = if retired <= as_of {
            format!("was retired on {retired}, before")
        } else {
            format!("is to be retired on {retired}, after")
        };
        notices.push(Notice {
            id: "api_deprecated",
            title: "The API model is being retired",
            message: format!(
                "The catalogue says {} {when} the plan's date ({as_of}); its prices may not be offered for the plan's lifetime. Compare against the model that replaces it (name it as the plan's API).",
                crate::yaml::inert(name)
            ),
            plan_fields: &["baseline.api"],
        });
    }
    if let Some((name, since)) = raw.baseline.api.as_deref().and_then(|name| {
        let m = catalog.api(name).ok()?;
        Some((name, m.not_in_map_since.as_deref()?))
    }) {
        notices.push(Notice {
            id: "api_not_in_price_map",
            title: "The API model is gone from the price map",
            message: format!(
                "The price map of {since} no longer lists {}: the catalogue keeps its last known prices, which the provider may no longer offer. Compare against a model the map lists, or type the prices paid.",
                crate::yaml::inert(name)
            ),
            plan_fields: &["baseline.api"],
        });
    }
    let max_age = items
        .iter()
        .find(|i| i.id == "catalogue_max_age_months")
        .and_then(|i| i.value.as_num())
        .unwrap_or(6.0);
    // Months are whole and at most 240 (checked by the spec).
    let limit = as_of.checked_sub_months(chrono::Months::new(max_age as u32));
    let mut seen: Vec<&str> = Vec::new();
    let mut stale: Vec<String> = Vec::new();
    // A plan that gives its cost per run uses no figure of the training estimate.
    let estimate_unused = raw.compute.cost_per_run.is_some();
    // A cached, cache-write, batch or long-context price bills nothing at a
    // share of 0 or a prompt below the step: not a figure the plan uses.
    let num = |id: &str| {
        items
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.value.as_num())
            .unwrap_or(0.0)
    };
    let unused = |id: &str| match id {
        "cached_input_price_per_1m_tokens" => num("cached_input_share") == 0.0,
        "cache_write_price_per_1m_tokens" => num("cache_write_share") == 0.0,
        "batch_input_price_per_1m_tokens" | "batch_output_price_per_1m_tokens" => {
            num("batch_share") == 0.0
        }
        "long_context_above_tokens"
        | "long_context_input_price_per_1m_tokens"
        | "long_context_output_price_per_1m_tokens" => {
            let step = num("long_context_above_tokens");
            step == 0.0 || num("avg_input_tokens_per_request") <= step
        }
        _ => false,
    };
    for item in items {
        if estimate_unused && item.id.starts_with("training_") {
            continue;
        }
        if unused(&item.id) {
            continue;
        }
        let Some(date) = item.source.catalogue_date() else {
            continue;
        };
        let text = match &item.source {
            Source::Catalogue(t) | Source::Benchmark(t) => t.as_str(),
            _ => continue,
        };
        if limit.is_none_or(|limit| date >= limit) || seen.contains(&text) {
            continue;
        }
        seen.push(text);
        let months = (as_of.year() - date.year()) * 12 + as_of.month() as i32
            - date.month() as i32
            - i32::from(as_of.day() < date.day());
        stale.push(format!(
            "{} from {} is {months} months old",
            item.label,
            crate::yaml::inert(text)
        ));
    }
    if !stale.is_empty() {
        notices.push(Notice {
            id: "stale_catalogue",
            title: "Catalogue figures older than the plan allows",
            message: format!(
                "{}. The plan's date is {as_of} and it accepts catalogue figures up to {max_age} months old: refresh the catalogue (import today's prices, or edit an exported copy) or write today's figures in the plan.",
                stale.join("; ")
            ),
            plan_fields: &["catalogue_max_age_months"],
        });
    }
}

/// The catalogue tables a workbook that looks values up carries.
fn catalogue_used(catalog: &Catalog) -> CatalogueUsed {
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
}
