//! The memo's tables, each row already formatted; the template escapes the
//! text, and a cell that is markup (code) is [`Markdown`].

use crate::format;
use crate::id;
use crate::inputs::{Group, Source};
use crate::model::Role;
use crate::model::Sheet;
use crate::render::layout::{self, INPUTS_SHEET};
use crate::report::{Report, ScenarioResult};
use crate::value::Value;

use super::escape::Markdown;
use super::prose::{
    flip_reading, histogram_bin, options_intro, options_recommendation, percentile_text, show_case,
    show_in, signed, unit_suffix,
};
use super::view::{
    ActualRow, ActualsView, AssumptionGroup, AssumptionRow, CashRow, ComponentRow, FlipRow,
    HistogramRow, OptionRow, OptionsView, PercentileRow, Row, SimulationView, TornadoRow, TraceRow,
    Uncertainty, VolumeRow,
};

/// A figure table row of text.
pub(super) fn row(label: &str, value: &str, unit: &str, note: &str) -> Row {
    Row {
        label: label.to_string(),
        value: Markdown::text(value),
        unit: unit.to_string(),
        note: note.to_string(),
    }
}

/// A row for a quantity or input: its label, value, unit and doc.
pub(super) fn figure(r: &Report, id: &str) -> Row {
    let doc = r.model.get(id).map_or_else(
        || r.inputs.get(id).map_or(String::new(), |i| i.doc.clone()),
        |q| q.doc.clone(),
    );
    let unit = match r.value(id) {
        Value::Num(_) => r.unit(id).label(),
        _ => "",
    };
    row(r.label(id), &r.show(id), unit, &doc)
}

/// A key figure of the brief, the recommended candidate's (`case`): its
/// label, its value with the unit written after it ("\$7,500.00/month", "4.6 months"), and the first sentence of
/// its doc.
pub(super) fn key_figure(r: &Report, case: &ScenarioResult, id: &str) -> Row {
    let first = r.candidate_doc(id);
    let shown = show_case(r, case, id);
    let value = match case.value(r, id) {
        Value::Num(_) => with_unit(&shown, r.unit(id)),
        _ => shown,
    };
    row(r.candidate_label(id), &value, "", &first)
}

/// A number shown with its unit after it: money per period keeps its
/// "\$" and gains "/month"; counts gain the unit's name.
fn with_unit(shown: &str, unit: format::Unit) -> String {
    format!("{shown}{}", unit_suffix(unit))
}

/// The value formatted in its unit, if the model has this quantity.
pub(super) fn optional(r: &Report, id: &str) -> Option<String> {
    r.values.contains_key(id).then(|| r.show(id))
}

/// The sensitivity cases that vary today's volume at the plan's instances.
pub(super) fn volume_cases(r: &Report) -> Vec<(&ScenarioResult, String)> {
    r.scenarios
        .iter()
        .filter_map(|s| {
            let k = s.id.strip_prefix("volume_")?;
            k.parse::<usize>().ok()?;
            Some((s, format!("sensitivity_volume_multiplier_{k}")))
        })
        .collect()
}

pub(super) fn components(r: &Report) -> Vec<ComponentRow> {
    let share = |id: &str| optional(r, id).unwrap_or_default();
    let training_how = training_how(r);
    let shared = r
        .num(id::SERVING_SHARE_OF_INSTANCES)
        .is_some_and(|share| share < 1.0);
    let rows = [
        (
            "1. Training compute",
            r.show(id::COMPUTE_COST),
            String::new(),
            share(id::COMPUTE_SHARE_OF_FT_TOTAL),
            training_how,
        ),
        (
            "2. Engineering time",
            r.show(id::ENGINEERING_COST),
            String::new(),
            share(id::ENGINEERING_SHARE_OF_FT_TOTAL),
            format!(
                "hours × hourly rate: {} hours × {}/hour",
                r.show(id::ENGINEERING_HOURS_TOTAL),
                r.show(id::ENGINEER_HOURLY_RATE),
            ),
        ),
        (
            "3. Serving infrastructure",
            String::new(),
            format!(
                "{} + {} storage",
                r.show(id::MONTHLY_SERVING_COST),
                r.show(id::MONTHLY_STORAGE_COST)
            ),
            share(id::SERVING_SHARE_OF_FT_TOTAL),
            format!(
                "instances × price per hour × hours a month{}: {}{} × {}/hour × {} hours × {} days{}; plus {} GB of weights at {}/GB-month",
                if shared { " × the plan's share" } else { "" },
                r.show(id::SERVING_INSTANCES),
                match (&r.inputs.meta.serving_instance, r.inputs.meta.serving_gpus_per_instance) {
                    (Some(name), Some(gpus)) => format!(
                        " {} ({gpus} GPU{} each)",
                        crate::yaml::inert(name),
                        if gpus == 1 { "" } else { "s" }
                    ),
                    _ => String::new(),
                },
                r.show(id::SERVING_COST_PER_HOUR),
                r.show(id::HOURS_PER_DAY),
                r.show(id::DAYS_PER_MONTH),
                if shared {
                    format!(" × {}", r.show(id::SERVING_SHARE_OF_INSTANCES))
                } else {
                    String::new()
                },
                r.show(id::MODEL_STORAGE_GB),
                r.show(id::STORAGE_PRICE_PER_GB_MONTH),
            ),
        ),
        (
            "4. Quality (human review)",
            String::new(),
            r.show(id::MONTHLY_QUALITY_COST_DELTA),
            share(id::QUALITY_SHARE_OF_FT_TOTAL),
            format!(
                "requests × (fine-tuned review rate − API review rate) × cost per review: {} requests/month × ({} − {}) × {}/review",
                r.show(id::MONTHLY_REQUESTS),
                r.show(id::REVIEW_RATE_FT),
                r.show(id::REVIEW_RATE_API),
                r.show(id::COST_PER_REVIEW),
            ),
        ),
        (
            "5. Running costs",
            String::new(),
            r.show(id::MONTHLY_RUNNING_COST),
            share(id::RUNNING_SHARE_OF_FT_TOTAL),
            format!(
                "maintenance hours × hourly rate: {} hours/month × {}/hour; plus {} retrainings at {} each over the {}-month lifetime",
                r.show(id::MAINTENANCE_HOURS_PER_MONTH),
                r.show(id::ENGINEER_HOURLY_RATE),
                r.show(id::RETRAININGS_IN_LIFETIME),
                r.show(id::RETRAINING_COST_EACH),
                r.show(id::LIFETIME_MONTHS),
            ),
        ),
    ];
    rows.into_iter()
        .map(|(name, one_time, monthly, share, how)| ComponentRow {
            name: name.to_string(),
            one_time,
            monthly,
            share,
            how,
        })
        .collect()
}

/// What would change the decision: the recommended candidate's levers, as
/// the report found them by the rule (see [`crate::analysis::levers`]).
pub(super) fn flips(r: &Report) -> Vec<FlipRow> {
    r.levers
        .iter()
        .map(|l| {
            let above = l.flips_at > l.today;
            let reading = flip_reading(r.fine_tune(), above);
            FlipRow {
                lever: match r.candidate_label(&l.id) {
                    label if label != r.label(&l.id) => label,
                    _ => &l.label,
                }
                .to_string(),
                today: format::number(l.today, l.unit),
                flips_at: format::number(l.flips_at, l.unit),
                reading: reading.to_string(),
            }
        })
        .collect()
}

pub(super) fn simulation_view(
    r: &Report,
    s: &crate::analysis::simulate::Simulation,
) -> SimulationView {
    let percentiles = [
        (id::MONTHLY_SAVINGS, &s.monthly_savings),
        (id::PAYBACK_MONTHS, &s.payback_months),
        (id::TOTAL_PROJECT_COST, &s.total_project_cost),
    ]
    .iter()
    .map(|(id, p)| {
        let unit = r.unit(id);
        PercentileRow {
            label: r.label(id).to_string(),
            p10: percentile_text(p.p10, unit),
            p50: percentile_text(p.p50, unit),
            p90: percentile_text(p.p90, unit),
            base: r.show(id),
            unit: unit.label().to_string(),
        }
    })
    .collect();
    let life = r.show(id::LIFETIME_MONTHS);
    let facts = simulation_facts(r, s);
    let share = |count: usize| format::percent(s.share_of_trials(count));
    let mut histogram: Vec<HistogramRow> = s
        .payback_histogram
        .iter()
        .enumerate()
        .filter(|(k, count)| *k > 0 || **count > 0)
        .map(|(k, count)| HistogramRow {
            months: histogram_bin(k),
            trials: format::grouped(*count as f64, 0),
            share: share(*count),
        })
        .collect();
    histogram.push(HistogramRow {
        months: format!("after {life} or never"),
        trials: format::grouped(s.payback_beyond_lifetime as f64, 0),
        share: share(s.payback_beyond_lifetime),
    });
    let histogram_note = format!(
        "How many of the {} trials pay back in each month of the {life}-month life (a payback of 9.2 months counts under 9–10), and how many after it or never:",
        format::grouped(s.trials as f64, 0)
    );
    SimulationView {
        percentiles,
        facts,
        histogram_note,
        histogram,
    }
}

/// The simulation's probabilities, trials, seed and distribution.
fn simulation_facts(r: &Report, s: &crate::analysis::simulate::Simulation) -> Vec<Row> {
    let life = r.show(id::LIFETIME_MONTHS);
    vec![
        row(
            &format!("Pays back within the {life}-month lifetime"),
            &format::percent(s.probability_payback_within_lifetime),
            "",
            "Share of the trials whose payback comes within the lifetime.",
        ),
        row(
            "Above the all-in break-even",
            &format::percent(s.probability_above_break_even),
            "",
            "Share of the trials whose daily volume reaches the all-in break-even: those in which the monthly savings after amortization are positive and the verdict would be to fine-tune.",
        ),
        row(
            "Trials",
            &format::grouped(s.trials as f64, 0),
            "",
            "Each trial draws every ranged input and evaluates the whole model.",
        ),
        Row {
            label: "Random seed".into(),
            value: Markdown::code(&s.seed.to_string()),
            unit: String::new(),
            note: "The random seed: the same plan with the same random seed and number of trials gives the same results.".to_string(),
        },
        row(
            "Distribution",
            "PERT on low, base, high",
            "",
            "The base value is the most likely; each input's mean is (low + 4 × base + high) / 6.",
        ),
    ]
}

/// How the training compute is computed, in words.
fn training_how(r: &Report) -> String {
    if r.inputs.shape.has_training && !r.inputs.shape.cost_per_run_given {
        format!(
            "runs × cost per run: {} runs × {}, the cost per run estimated as {} tokens at {} tokens/s plus {} overhead, {} hours at {}/hour",
            r.show(id::TRAINING_RUNS),
            r.show(id::COMPUTE_COST_PER_RUN),
            r.show(id::TRAINING_TOTAL_TOKENS),
            r.show(id::TRAINING_TOKENS_PER_SECOND),
            r.show(id::TRAINING_OVERHEAD_FRACTION),
            r.show(id::TRAINING_HOURS),
            r.show(id::TRAINING_COST_PER_HOUR),
        )
    } else {
        format!(
            "runs × cost per run: {} runs × {}",
            r.show(id::TRAINING_RUNS),
            r.show(id::COMPUTE_COST_PER_RUN)
        )
    }
}

/// The uncertainty section, when the plan has ranges.
pub(super) fn uncertainty(r: &Report) -> Option<Uncertainty> {
    if r.inputs.ranges.is_empty() {
        return None;
    }
    let n = r.inputs.ranges.len();
    let simulation = r.simulation.as_ref().map(|s| simulation_view(r, s));
    let intro = match &r.simulation {
        Some(s) => format!(
            "{n} of the plan's inputs are written as ranges (low, base, high). The simulation draws each from a PERT distribution on its low, base and high values, a smooth curve that peaks at the base and gives the ends less weight than a triangle would, and evaluates the whole model {} times with every other input at its value. The figures elsewhere in this memo use the base values, so the middle of the trials can differ from them where a range is lopsided around its base. P10 is the value one trial in ten falls at or below, P90 the value nine in ten do: for monthly savings P10 is the cautious end, for payback and project cost P90 is.",
            format::grouped(s.trials as f64, 0)
        ),
        None => format!(
            "{n} of the plan's inputs are written as ranges (low, base, high). The figures elsewhere in this memo use the base values."
        ),
    };
    let savings_unit = r.unit(id::MONTHLY_SAVINGS);
    let payback_unit = r.unit(id::PAYBACK_MONTHS);
    let tornado = r
        .tornado_bars()
        .iter()
        .map(|b| {
            let unit = r.unit(&b.input);
            let base = r
                .inputs
                .ranges
                .iter()
                .find(|x| x.id == b.input)
                .map_or(String::new(), |x| format::number(x.base, unit));
            TornadoRow {
                input: r.label(&b.input).to_string(),
                unit: unit.label().to_string(),
                low: format::number(b.low, unit),
                base,
                high: format::number(b.high, unit),
                savings_low: format::number(b.savings_low, savings_unit),
                savings_high: format::number(b.savings_high, savings_unit),
                payback_low: format::value(&b.payback_low, payback_unit),
                payback_high: format::value(&b.payback_high, payback_unit),
            }
        })
        .collect();
    let tornado_note = format!(
        "Each ranged input swung from its low to its high end with the others at their base values: the monthly savings after amortization and the payback by the reference case's flat formula that result, the largest swing in savings first. On the base values the savings are {}/month and the reference case's payback {}.",
        r.show(id::MONTHLY_SAVINGS),
        match r.num(id::FLAT_PAYBACK_MONTHS) {
            Some(_) => format!("{} months", r.show(id::FLAT_PAYBACK_MONTHS)),
            None => "never".to_string(),
        },
    );
    Some(Uncertainty {
        intro,
        simulation,
        tornado_note,
        tornado,
    })
}

/// The plan as written and each of its options: id, label and case.
pub(super) fn option_cases(r: &Report) -> Vec<(String, String, ScenarioResult)> {
    std::iter::once((
        "plan".to_string(),
        "The plan as written".to_string(),
        r.plan_case(),
    ))
    .chain(
        r.inputs
            .options
            .iter()
            .zip(&r.options)
            .map(|(o, case)| (o.id.clone(), o.label.clone(), case.clone())),
    )
    .collect()
}

/// The plan and its options side by side, when the plan lists options.
pub(super) fn options_view(r: &Report) -> Option<OptionsView> {
    if r.options.is_empty() {
        return None;
    }
    let cases = option_cases(r);
    let recommended = r.recommended();
    let mut changed: Vec<&str> = Vec::new();
    for option in &r.model.options {
        for (id, _) in &option.overrides {
            if !changed.contains(&id.as_str()) {
                changed.push(id);
            }
        }
    }
    let figure_row = |id: &str| OptionRow {
        label: r.label(id).to_string(),
        unit: r.unit(id).label().to_string(),
        cells: cases
            .iter()
            .map(|(_, _, case)| show_in(r, case, id))
            .collect(),
    };
    let mut rows: Vec<OptionRow> = changed.iter().map(|id| figure_row(id)).collect();
    rows.extend(
        r.model
            .with_role(Role::OptionFigure)
            .into_iter()
            .map(figure_row),
    );
    let reasons: Vec<Vec<String>> = cases
        .iter()
        .map(|(_, _, case)| r.infeasible_reasons(case))
        .collect();
    rows.push(OptionRow {
        label: "Feasible".to_string(),
        unit: String::new(),
        cells: reasons
            .iter()
            .map(|why| {
                if why.is_empty() {
                    "yes".to_string()
                } else {
                    format!("no: {}", why.join("; "))
                }
            })
            .collect(),
    });
    rows.push(OptionRow {
        label: "Recommended".to_string(),
        unit: String::new(),
        cells: cases
            .iter()
            .map(|(id, _, _)| if *id == recommended { "yes" } else { "no" }.to_string())
            .collect(),
    });
    let recommendation = options_recommendation(r, &cases, &reasons);
    Some(OptionsView {
        intro: options_intro(r),
        columns: cases
            .iter()
            .skip(1)
            .map(|(_, label, _)| label.to_string())
            .collect(),
        rows,
        recommendation,
    })
}

/// The month an input was observed in, from its source.
pub(super) fn observed_month(r: &Report, id: &str) -> Option<String> {
    match r.inputs.get(id).map(|i| &i.source) {
        Some(Source::Actual(month)) => Some(month.clone()),
        _ => None,
    }
}

/// The plan's forecast and model against the observed months, when the
/// plan carries actuals.
pub(super) fn actuals_view(r: &Report) -> Option<ActualsView> {
    let traffic = r.values.contains_key(id::REQUESTS_PER_DAY_FORECAST);
    let bill = r.values.contains_key(id::ACTUAL_MONTHLY_API_BILL)
        && r.values.contains_key(id::API_BILL_VS_MODEL);
    if !traffic && !bill {
        return None;
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let traffic_month = observed_month(r, id::REQUESTS_PER_DAY).filter(|_| traffic);
    if traffic {
        let month = traffic_month.clone().unwrap_or_default();
        let change = r
            .values
            .get(id::REQUESTS_VS_FORECAST)
            .and_then(Value::as_num);
        rows.push(ActualRow {
            label: r.label(id::REQUESTS_PER_DAY).to_string(),
            unit: r.unit(id::REQUESTS_PER_DAY).label().to_string(),
            planned: r.show(id::REQUESTS_PER_DAY_FORECAST),
            observed: r.show(id::REQUESTS_PER_DAY),
            month: month.clone(),
            difference: change.map_or("—".to_string(), |x| signed(x, format::percent(x))),
        });
        let how = match change {
            Some(x) if x > 0.0 => format!("{} more than forecast", format::percent(x)),
            Some(x) if x < 0.0 => format!("{} fewer than forecast", format::percent(-x)),
            Some(_) => "exactly the forecast".to_string(),
            None => "against a forecast of none".to_string(),
        };
        notes.push(format!(
            "The plan forecast {} requests/day; {} were observed in {month}, {how}. Every figure in this memo uses the observed traffic; the forecast stays beside it on the workbook's Inputs sheet.",
            r.show(id::REQUESTS_PER_DAY_FORECAST),
            r.show(id::REQUESTS_PER_DAY),
        ));
    }
    if bill {
        let month = observed_month(r, id::ACTUAL_MONTHLY_API_BILL).unwrap_or_default();
        let gap = r.num(id::API_BILL_VS_MODEL).unwrap_or(0.0);
        rows.push(ActualRow {
            label: "Monthly API bill".to_string(),
            unit: r.unit(id::ACTUAL_MONTHLY_API_BILL).label().to_string(),
            planned: r.show(id::MONTHLY_API_COST),
            observed: r.show(id::ACTUAL_MONTHLY_API_BILL),
            month: month.clone(),
            difference: signed(gap, r.show(id::API_BILL_VS_MODEL)),
        });
        let at = match &traffic_month {
            Some(m) => {
                format!("the traffic observed in {m} and the plan's prices and token counts")
            }
            None => "the plan's traffic, prices and token counts".to_string(),
        };
        let head = format!(
            "The API billed {} in {month}; the model's monthly API cost, at {at}, is {}.",
            r.show(id::ACTUAL_MONTHLY_API_BILL),
            r.show(id::MONTHLY_API_COST),
        );
        let reading = if gap > 0.0 {
            format!(
                " The bill is {}/month above the model: the requests may be longer than the plan's token counts, or include retries or traffic the plan does not count, or the prices paid may be higher than the plan's. The API then costs more than modelled, and so does anything that grows with the tokens; check the token counts and prices behind the model before relying on its savings.",
                r.show(id::API_BILL_VS_MODEL)
            )
        } else if gap < 0.0 {
            format!(
                " The bill is {}/month below the model: the prices paid may be lower than the plan's list prices (a negotiated discount, batch or cached-token rates), or the requests shorter than its token counts. Either way the API costs less than modelled, so fine-tuning saves less than shown; writing the prices actually paid into the plan corrects the figures.",
                format::money(-gap)
            )
        } else {
            " The bill matches the model.".to_string()
        };
        notes.push(format!("{head}{reading}"));
    }
    Some(ActualsView { rows, notes })
}

/// What moved since the previous run: a heading naming the month (and a
/// flipped verdict) and a row per moved figure, old value then new. The
/// previous run is the plan's latest earlier month; a rerun of the month
/// adds a sentence on what moved since the earlier run it replaced (or,
/// for a plan's first month, compares with that run alone).
pub(super) fn changes_section(r: &Report) -> Option<(String, Vec<Row>)> {
    let (c, in_month) = match (&r.changes, &r.changes_in_month) {
        (Some(c), in_month) => (c, in_month.as_ref()),
        (None, Some(c)) => (c, None),
        (None, None) => return None,
    };
    let mut heading = changes_heading(c);
    if let Some(m) = in_month {
        heading.push(' ');
        heading.push_str(&changes_heading(m));
    }
    let rows = c
        .moved
        .iter()
        .filter(|m| m.id != id::VERDICT)
        .map(|m| {
            let unit = r.unit(&m.id);
            let (old, new) = m.shown(unit);
            Row {
                label: m.label.clone(),
                value: Markdown::text(&new),
                unit: unit.label().to_string(),
                note: old,
            }
        })
        .collect();
    Some((heading, rows))
}

/// The sentence that says what moved since a previous run.
fn changes_heading(c: &crate::analysis::changes::Changes) -> String {
    if c.verdict_flipped() {
        format!(
            "Since {}, the verdict flipped: {} → {}.",
            c.previous_run(),
            c.previous_verdict,
            c.verdict
        )
    } else if c.moved.is_empty() {
        format!("Nothing moved since {}.", c.previous_run())
    } else {
        format!(
            "Since {}, the verdict stands; these figures moved.",
            c.previous_run()
        )
    }
}

/// The monthly comparison: each part of the fine-tuned cost, the API bill and the savings.
pub(super) fn monthly_rows(r: &Report) -> Vec<Row> {
    let mut api = figure(r, id::MONTHLY_API_COST);
    if r.model.get(id::API_BILL_HOW).is_some() {
        api.note = r.show(id::API_BILL_HOW);
    }
    std::iter::once(api)
        .chain(
            r.model
                .with_role(Role::Composition)
                .into_iter()
                .chain(r.model.with_role(Role::MonthlyResult))
                .map(|id| figure(r, id)),
        )
        .collect()
}

/// The payback and lifetime figures of the cash flow, those evaluated.
pub(super) fn lifetime_rows(r: &Report) -> Vec<Row> {
    r.model
        .with_role(Role::Lifetime)
        .into_iter()
        .filter(|id| r.values.contains_key(*id))
        .map(|id| figure(r, id))
        .collect()
}

/// The reconciliation of the lesson's flat net with the timeline's net and
/// the net present value, in the model's order.
pub(super) fn bridge_rows(r: &Report) -> Vec<Row> {
    r.model
        .with_role(Role::Bridge)
        .into_iter()
        .map(|id| figure(r, id))
        .collect()
}

/// The break-even figures.
pub(super) fn break_even_rows(r: &Report) -> Vec<Row> {
    r.model
        .with_role(Role::BreakEven)
        .into_iter()
        .map(|id| figure(r, id))
        .collect()
}

/// The volume chart's data table: the cases that scale today's volume.
pub(super) fn volume_rows(r: &Report) -> Vec<VolumeRow> {
    volume_cases(r)
        .into_iter()
        .map(|(s, multiple_id)| VolumeRow {
            multiple: format!(
                "{}×",
                format::value(s.value(r, &multiple_id), r.unit(&multiple_id))
            ),
            tokens: show_case(r, s, id::CURRENT_DAILY_TOKENS),
            api: show_case(r, s, id::MONTHLY_API_COST),
            fine_tuned: show_case(r, s, id::MONTHLY_FT_TOTAL),
            savings: show_case(r, s, id::MONTHLY_SAVINGS_IF_FEASIBLE),
            payback: show_case(r, s, id::PAYBACK_MONTHS_IF_FEASIBLE),
        })
        .collect()
}

/// The cash-flow chart's data table: a row per month, consecutive months
/// whose net cash flow reads the same sharing one row ("4–18") with the
/// cumulative cash flow at the run's end.
pub(super) fn cash_rows(r: &Report) -> Vec<CashRow> {
    let (Some(net), Some(cum)) = (
        r.timeline.get(id::CF_NET),
        r.timeline.get(id::CF_CUMULATIVE),
    ) else {
        return Vec::new();
    };
    let mut rows: Vec<(usize, usize, String, String)> = Vec::new();
    for (month, (n, c)) in net.iter().zip(cum).enumerate() {
        let net = format::value(n, format::Unit::Usd);
        let cumulative = format::value(c, format::Unit::Usd);
        match rows.last_mut() {
            Some(run) if run.2 == net => {
                run.1 = month;
                run.3 = cumulative;
            }
            _ => rows.push((month, month, net, cumulative)),
        }
    }
    rows.into_iter()
        .map(|(first, last, net, cumulative)| CashRow {
            month: if first == last {
                first.to_string()
            } else {
                format!("{first}–{last}")
            },
            net,
            cumulative,
        })
        .collect()
}

/// The decision factors, a row each with its points.
pub(super) fn reason_rows(r: &Report) -> Vec<Row> {
    r.reasons
        .iter()
        .map(|x| {
            let label = r.label(x.id);
            let label = label.strip_prefix("Points: ").unwrap_or(label);
            let mut chars = label.chars();
            let label = match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            };
            row(&label, &format!("{:+}", x.points), "", &x.text)
        })
        .collect()
}

/// The brief's warnings, a row each: those on what the figures say in full;
/// those on where the inputs came from by their heading, with a pointer to
/// the appendix, where [`input_note_rows`] gives them whole.
pub(super) fn warning_rows(r: &Report) -> Vec<Row> {
    r.warnings
        .iter()
        .map(|w| {
            if w.on_inputs {
                row(
                    &w.title,
                    "In the appendix, under Notes on the inputs.",
                    "",
                    "",
                )
            } else {
                row(&w.title, &w.message, "", "")
            }
        })
        .collect()
}

/// The warnings on where the inputs came from, a row each, in full.
pub(super) fn input_note_rows(r: &Report) -> Vec<Row> {
    r.warnings
        .iter()
        .filter(|w| w.on_inputs)
        .map(|w| row(&w.title, &w.message, "", ""))
        .collect()
}

/// Each warning with the plan fields that act on it, for the appendix (the
/// brief says it in words).
pub(super) fn warning_field_rows(r: &Report) -> Vec<Row> {
    r.warnings
        .iter()
        .filter(|w| !w.plan_fields.is_empty())
        .map(|w| {
            // Field paths are the program's own words, shown as code.
            Row {
                label: w.title.clone(),
                value: Markdown::join(w.plan_fields.iter().map(|f| Markdown::code(f)), ", "),
                unit: String::new(),
                note: String::new(),
            }
        })
        .collect()
}

/// The inputs by group, each with its value, unit and source.
pub(super) fn assumption_groups(r: &Report) -> Vec<AssumptionGroup> {
    Group::ALL
        .iter()
        .filter_map(|group| {
            let rows: Vec<AssumptionRow> = r
                .inputs
                .items
                .iter()
                .filter(|i| i.group == *group)
                .map(|i| AssumptionRow {
                    label: i.label.clone(),
                    value: format::value(&i.value, i.unit),
                    unit: i.unit.label().to_string(),
                    source: i.source.describe(),
                    name: Markdown::code(&i.id),
                })
                .collect();
            (!rows.is_empty()).then(|| AssumptionGroup {
                title: group.title().to_string(),
                rows,
            })
        })
        .collect()
}

/// Where the traced figures live in the workbook: sheet and cell.
pub(super) fn trace_rows(r: &Report) -> Vec<TraceRow> {
    let lay = layout::layout(r);
    r.model
        .with_role(Role::Traced)
        .into_iter()
        .map(|id| {
            let place = lay.places.get(id);
            TraceRow {
                label: r.label(id).to_string(),
                name: Markdown::code(id),
                sheet: place.map_or("", |p| p.sheet).to_string(),
                cell: place.map_or_else(Markdown::default, |p| Markdown::code(&p.reference())),
            }
        })
        .collect()
}

/// The audit trail: plan file and hash, tool, dates, simulation and workbook.
/// The worked case the method, its constants and its rules come from; the
/// memo cites it here, once, and calls it the reference case elsewhere.
const REFERENCE_CASE: &str = "\"Fine-Tuning Cost and ROI Analysis\": its worked example, constants, benchmark table and decision rules are the defaults and formulas marked \"the reference case's\"";

pub(super) fn audit_rows(r: &Report) -> Vec<Row> {
    let meta = &r.inputs.meta;
    let mut audit = vec![
        row("Plan file", &meta.file, "", ""),
        Row {
            label: "Plan SHA-256".into(),
            value: Markdown::code(&meta.sha256),
            unit: String::new(),
            note: String::new(),
        },
        row(
            "Tool version",
            &format!("finetune-roi {}", env!("CARGO_PKG_VERSION")),
            "",
            "",
        ),
        row("Figures as of", &meta.as_of.to_string(), "", ""),
        row("Reference case", REFERENCE_CASE, "", ""),
        row(
            "Generated at",
            &r.generated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "",
            "",
        ),
    ];
    if let Some(s) = r
        .simulation
        .as_ref()
        .filter(|_| !r.inputs.ranges.is_empty())
    {
        audit.push(row(
            "Simulation",
            &format!(
                "{} trials, random seed {}, PERT on low, base, high",
                format::grouped(s.trials as f64, 0),
                s.seed
            ),
            "",
            "",
        ));
    }
    audit.push(
        row(
            "Workbook",
            &format!(
                "every input on the {INPUTS_SHEET} sheet; every figure a live formula on its sheet ({})",
                Sheet::ALL.map(|s| s.name()).join(", ")
            ),
            "",
            "",
        ),
    );
    audit
}
