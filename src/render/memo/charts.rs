//! The five charts of the HTML memo, each an SVG built by [`super::svg`]
//! with its caption.

use crate::format;
use crate::id;
use crate::model::Role;
use crate::render::svg;
use crate::report::Report;

use super::tables::volume_cases;
use super::view::Figure;

/// The monthly cost of the API and of the fine-tuned setup across volume.
pub(super) fn volume_chart(r: &Report) -> Figure {
    let cases = volume_cases(r);
    let points = |id: &str| -> Vec<(f64, f64)> {
        cases
            .iter()
            .filter_map(|(s, _)| {
                Some((
                    s.value(r, id::CURRENT_DAILY_TOKENS).as_num()?,
                    s.value(r, id).as_num()?,
                ))
            })
            .collect()
    };
    let api = points(id::MONTHLY_API_COST);
    let ft = points(id::MONTHLY_FT_TOTAL);
    let (x_lo, x_hi) = api
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    let (marks, note) = volume_marks(r, x_lo, x_hi);
    let marked_break_even = marks.len() > 1;
    let points = option_points(r);
    let options_note = if points.is_empty() {
        ""
    } else {
        " The diamonds mark each option's monthly fine-tuned total at today's volume; the options are not computed across volume."
    };
    Figure {
        svg: svg::line_chart(&svg::LineChart {
            id: "chart-volume".into(),
            title: "Monthly cost of the API and of the fine-tuned model across daily volume"
                .into(),
            x: svg::Axis {
                title: "Volume (tokens per day)".into(),
                kind: svg::AxisKind::Count,
            },
            y: svg::Axis {
                title: "Monthly cost ($/month)".into(),
                kind: svg::AxisKind::Money,
            },
            series: vec![
                svg::Series {
                    label: "API".into(),
                    points: api,
                    dash: svg::Dash::Solid,
                    marker: svg::Marker::Circle,
                },
                svg::Series {
                    label: "Fine-tuned, amortization and review included".into(),
                    points: ft,
                    dash: svg::Dash::Dashed,
                    marker: svg::Marker::Square,
                },
            ],
            marks,
            points,
            note,
        }),
        caption: format!(
            "Monthly cost of the API (solid, circles) and of the fine-tuned model (dashed, squares) from a quarter to four times today's volume, on the plan's {} serving instances. The dotted line marks today's volume{}.{options_note}",
            r.show(id::SERVING_INSTANCES),
            if marked_break_even { ", the dashed line the all-in break-even" } else { "" }
        ),
    }
}

/// The volume chart's marks: today's volume and, when it falls within the
/// volumes shown, the all-in break-even; else a note saying where it is.
fn volume_marks(r: &Report, x_lo: f64, x_hi: f64) -> (Vec<svg::Mark>, Option<String>) {
    let mut marks = Vec::new();
    if let Some(today) = r.num(id::CURRENT_DAILY_TOKENS) {
        marks.push(svg::Mark {
            x: today,
            label: format!("Today: {} tokens/day", r.show(id::CURRENT_DAILY_TOKENS)),
            dash: svg::Dash::Dotted,
        });
    }
    let note = match r.num(id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN) {
        Some(b) if b >= x_lo && b <= x_hi => {
            marks.push(svg::Mark {
                x: b,
                label: format!(
                    "All-in break-even: {} tokens/day",
                    r.show(id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN)
                ),
                dash: svg::Dash::Dashed,
            });
            None
        }
        Some(_) => Some(format!(
            "The all-in break-even, {} tokens/day, lies outside the volumes shown.",
            r.show(id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN)
        )),
        None => Some(
            "No volume breaks even: the extra review cost per token is at least the API price."
                .to_string(),
        ),
    };
    (marks, note)
}

/// The options on the volume chart: the options have no sweep across
/// volume, so each is a point at its own volume today, its monthly
/// fine-tuned total, labelled.
fn option_points(r: &Report) -> Vec<svg::Point> {
    r.inputs
        .options
        .iter()
        .zip(&r.options)
        .filter_map(|(option, case)| {
            let x = case.value(r, id::CURRENT_DAILY_TOKENS).as_num()?;
            let y = case.value(r, id::MONTHLY_FT_TOTAL).as_num()?;
            let feasible = r.infeasible_reasons(case).is_empty();
            Some(svg::Point {
                x,
                y,
                label: format!(
                    "{}{}: {}/month",
                    option.label,
                    if feasible { "" } else { " (not feasible)" },
                    format::money0(y)
                ),
                marker: svg::Marker::Diamond,
            })
        })
        .collect()
}

/// The fills of the composition chart's parts, in turn.
const PART_FILLS: [svg::Fill; 4] = [
    svg::Fill::Hatch,
    svg::Fill::Dots,
    svg::Fill::CrossHatch,
    svg::Fill::Light,
];

/// What the fine-tuned setup costs a month, part by part (the quantities
/// playing [`Role::Composition`]), against the API bill.
pub(super) fn composition_chart(r: &Report) -> Figure {
    // The recommended candidate's parts (the plan's when the API is
    // recommended), each part of the fine-tuned total by its role.
    let case = r.recommended_case();
    let bar = |label: &str, id: &str, fill: svg::Fill| svg::Bar {
        label: label.to_string(),
        value: case.value(r, id).as_num().unwrap_or(0.0),
        value_text: format::value(case.value(r, id), r.unit(id)),
        fill,
    };
    let parts = r
        .model
        .with_role(Role::Composition)
        .into_iter()
        .enumerate()
        .map(|(k, id)| {
            let label = r.model.get(id).map_or(id, |q| q.short_or_label());
            bar(label, id, PART_FILLS[k % PART_FILLS.len()])
        });
    let bars = std::iter::once(bar(
        "API bill today",
        id::MONTHLY_API_COST,
        svg::Fill::Solid,
    ))
    .chain(parts)
    .chain(std::iter::once(bar(
        if r.verdict() == crate::model::VERDICT_SWITCH {
            "Total on the new API model"
        } else {
            "Fine-tuned total"
        },
        id::MONTHLY_FT_TOTAL,
        svg::Fill::Outline,
    )))
    .collect();
    Figure {
        svg: svg::bar_chart(&svg::BarChart {
            id: "chart-composition".into(),
            title: "Monthly cost of the fine-tuned model by component, against the API bill"
                .into(),
            axis: svg::Axis {
                title: "Monthly cost ($/month)".into(),
                kind: svg::AxisKind::Money,
            },
            bars,
        }),
        caption: format!(
            "What {} costs a month, component by component (training and engineering amortized over {} months, running costs included), against today's API bill.",
            r.recommended_name(),
            r.show(id::LIFETIME_MONTHS)
        ),
    }
}

/// The cumulative cash flow over the lifetime with the payback month.
pub(super) fn cashflow_chart(r: &Report) -> Figure {
    let points: Vec<(f64, f64)> = r
        .timeline
        .get(id::CF_CUMULATIVE)
        .map(|row| {
            row.iter()
                .enumerate()
                .filter_map(|(m, v)| Some((m as f64, v.as_num()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut marks = Vec::new();
    let note = match r.num(id::CASHFLOW_PAYBACK_MONTH) {
        Some(m) => {
            marks.push(svg::Mark {
                x: m,
                label: format!("Paid back in month {}", r.show(id::CASHFLOW_PAYBACK_MONTH)),
                dash: svg::Dash::Dashed,
            });
            None
        }
        None => Some(format!(
            "Not paid back within the {}-month lifetime.",
            r.show(id::LIFETIME_MONTHS)
        )),
    };
    let paid_back = !marks.is_empty();
    Figure {
        svg: svg::line_chart(&svg::LineChart {
            id: "chart-cashflow".into(),
            title: "Cumulative cash flow of fine-tuning over the lifetime".into(),
            x: svg::Axis {
                title: "Month (0 = the project month)".into(),
                kind: svg::AxisKind::Month,
            },
            y: svg::Axis {
                title: "Cumulative cash flow ($)".into(),
                kind: svg::AxisKind::Money,
            },
            series: vec![svg::Series {
                label: "Cumulative cash flow against staying on the API".into(),
                points,
                dash: svg::Dash::Solid,
                marker: svg::Marker::Circle,
            }],
            marks,
            points: Vec::new(),
            note,
        }),
        caption: format!(
            "Cumulative cash flow: the project cost in month 0, then each month's API bill avoided less serving, storage and extra review.{}",
            if paid_back { " The dashed line marks the month it turns non-negative." } else { "" }
        ),
    }
}

/// The distribution of payback across the trials, with the months beyond the
/// lifetime (or never) in a column apart.
pub(super) fn payback_chart(r: &Report, s: &crate::analysis::simulate::Simulation) -> Figure {
    let share = |count: usize| s.share_of_trials(count);
    let columns = s
        .payback_histogram
        .iter()
        .enumerate()
        .filter(|(k, count)| *k > 0 || **count > 0)
        .map(|(k, count)| svg::Column {
            lo: k as f64 - 1.0,
            hi: k as f64,
            value: share(*count),
        })
        .collect();
    let life = r.show(id::LIFETIME_MONTHS);
    let lifetime = r.num(id::LIFETIME_MONTHS).unwrap_or(0.0);
    let months = r.unit(id::PAYBACK_MONTHS);
    let within = |x: &Option<f64>| x.filter(|m| *m >= 0.0 && *m <= lifetime);
    let mut marks = Vec::new();
    let base_marked = within(&r.num(id::PAYBACK_MONTHS)).is_some();
    let p50_marked = within(&s.payback_months.p50).is_some();
    if let Some(m) = within(&r.num(id::PAYBACK_MONTHS)) {
        marks.push(svg::Mark {
            x: m,
            label: format!("On the base values: {} months", format::number(m, months)),
            dash: svg::Dash::Dashed,
        });
    }
    if let Some(m) = within(&s.payback_months.p50) {
        marks.push(svg::Mark {
            x: m,
            label: format!("P50 of the trials: {} months", format::number(m, months)),
            dash: svg::Dash::Dotted,
        });
    }
    let beyond = share(s.payback_beyond_lifetime);
    Figure {
        svg: svg::histogram(&svg::Histogram {
            id: "chart-payback".into(),
            title: "Payback across the simulation's trials".into(),
            x: svg::Axis {
                title: "Payback (months)".into(),
                kind: svg::AxisKind::Month,
            },
            y: svg::Axis {
                title: "Share of trials".into(),
                kind: svg::AxisKind::Percent,
            },
            columns,
            fill: svg::Fill::Light,
            apart: Some(svg::Bar {
                label: format!("after {life} months\nor never"),
                value: beyond,
                value_text: format::percent(beyond),
                fill: svg::Fill::Hatch,
            }),
            marks,
            note: None,
        }),
        caption: format!(
            "Payback across {} trials (random seed {}): the share paying back in each month of the {life}-month life and, hatched at the right, the share paying back after it or never.{}",
            format::grouped(s.trials as f64, 0),
            s.seed,
            match (base_marked, p50_marked) {
                (true, true) => " The dashed line marks the payback on the base values, the dotted line the P50 of the trials.",
                (true, false) => " The dashed line marks the payback on the base values.",
                (false, true) => " The dotted line marks the P50 of the trials.",
                (false, false) => "",
            }
        ),
    }
}

/// The tornado: monthly savings with each ranged input at its low and high
/// end, the others at base, the largest swing first.
pub(super) fn tornado_chart(r: &Report) -> Figure {
    let bars = r.tornado_bars();
    let swings = bars
        .iter()
        .map(|b| {
            let unit = r.unit(&b.input);
            svg::Swing {
                label: r.label(&b.input).to_string(),
                at_low: b.savings_low,
                low_text: format::number(b.low, unit),
                at_high: b.savings_high,
                high_text: format::number(b.high, unit),
            }
        })
        .collect();
    let base = r.num(id::MONTHLY_SAVINGS).unwrap_or(0.0);
    let mut marks = vec![svg::Mark {
        x: base,
        label: format!("On the base values: {}/month", format::money0(base)),
        dash: svg::Dash::Dashed,
    }];
    let (lo, hi) = bars
        .iter()
        .flat_map(|b| [b.savings_low, b.savings_high])
        .fold((base, base), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let crosses_zero = lo < 0.0 && hi > 0.0;
    if crosses_zero {
        marks.push(svg::Mark {
            x: 0.0,
            label: "No savings".into(),
            dash: svg::Dash::Solid,
        });
    }
    Figure {
        svg: svg::tornado(&svg::Tornado {
            id: "chart-tornado".into(),
            title: "Monthly savings as each ranged input swings from its low to its high end"
                .into(),
            axis: svg::Axis {
                title: "Monthly savings after amortization ($/month)".into(),
                kind: svg::AxisKind::Money,
            },
            swings,
            base,
            marks,
            low_legend: "input at its low end".into(),
            high_legend: "input at its high end".into(),
        }),
        caption: format!(
            "Monthly savings after amortization as each ranged input swings from its low end (grey) to its high end (hatched), the others at their base values, the largest swing at the top; the figures at a bar's ends are the input's low and high values. The dashed line marks the savings on the base values{}.",
            if crosses_zero {
                ", the solid line no savings at all"
            } else {
                ""
            }
        ),
    }
}
