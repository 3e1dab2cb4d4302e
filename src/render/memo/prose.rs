//! The memo's sentences: the answer, the payback, the odds, the options'
//! recommendation. Plain text: the template escapes it.

use crate::format;
use crate::id;
use crate::model;
use crate::report::{Report, ScenarioResult};

/// "above" or "below" the all-in break-even.
pub(super) fn side_of_break_even(r: &Report) -> &'static str {
    if r.flag(id::IS_ABOVE_BREAK_EVEN_ALL_IN) {
        "above"
    } else {
        "below"
    }
}

/// The sentences under the verdict (plain text): the model's headline, why
/// it is marginal, whether the capacity was checked, and why the plan
/// cannot be built as written.
pub(super) fn answer(r: &Report) -> String {
    let mut out = vec![r.value(id::HEADLINE).to_excel_result()];
    let marginal = r.value(id::VERDICT_MARGINAL_REASON).to_excel_result();
    if marginal != crate::value::NOT_APPLICABLE {
        out.push(marginal);
    }
    if r.values.contains_key(id::REQUIREMENT_NOTE) {
        out.push(r.value(id::REQUIREMENT_NOTE).to_excel_result());
    }
    if let Some(c) = capacity_note(r) {
        out.push(c);
    }
    let why = r.infeasible_reasons(&r.plan_case());
    if !why.is_empty() {
        out.push(format!(
            "The plan as written cannot be built: {}.",
            and_list(&why.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    let lean = factors_note(r);
    if !lean.is_empty() {
        out.push(lean.to_string());
    }
    out.join(" ")
}

/// Whether the serving capacity was checked, and what the sizing added.
pub(super) fn capacity_note(r: &Report) -> Option<String> {
    if !r.capacity_checked() {
        return Some("The serving capacity was not checked: no throughput is known for this model on this instance. Add `serving.throughput_tokens_per_second` (tokens per second one instance serves at full load) to the plan.".to_string());
    }
    let costed = r.num(id::SERVING_INSTANCES_COSTED)?;
    let planned = r.num(id::SERVING_INSTANCES)?;
    (costed > planned).then(|| {
        format!(
            "Today's traffic needs {} instances at {} utilization where the plan lists {}; with auto sizing the figures pay for {} (and for more as traffic grows).",
            r.show(id::SERVING_INSTANCES_NEEDED),
            r.show(id::TARGET_UTILIZATION),
            r.show(id::SERVING_INSTANCES),
            r.show(id::SERVING_INSTANCES_COSTED),
        )
    })
}

/// How the instances were sized, for the appendix (plain text; empty when
/// the capacity was not checked): the GPU time of prefill and decode, and
/// what sizing at a target utilization costs against a calculator that
/// takes the GPUs as fully used.
pub(super) fn sizing_note(r: &Report) -> String {
    if !r.capacity_checked() {
        return String::new();
    }
    let mut out = Vec::new();
    if let (Some(prefill), Some(decode)) = (
        r.num(id::SERVING_PREFILL_TOKENS_PER_SECOND),
        r.num(id::SERVING_THROUGHPUT_TOKENS_PER_SECOND),
    ) {
        let measured = r
            .inputs
            .get(id::SERVING_PREFILL_TOKENS_PER_SECOND)
            .is_some_and(|i| i.source == crate::inputs::Source::Plan);
        out.push(format!(
            "An instance reads prompt tokens at {} tokens/s ({}) and generates {} tokens/s, so the traffic's load counts the GPU time of both: {} generated-token equivalents a day.",
            r.show(id::SERVING_PREFILL_TOKENS_PER_SECOND),
            if measured {
                "as the plan gives it".to_string()
            } else {
                format!(
                    "not measured: {}× the decode rate, the ratio a published benchmark implies",
                    format::number(prefill / decode, format::Unit::Multiplier)
                )
            },
            r.show(id::SERVING_THROUGHPUT_TOKENS_PER_SECOND),
            r.show(id::DAILY_SERVING_LOAD_TOKENS),
        ));
    }
    if let Some(u) = r
        .num(id::TARGET_UTILIZATION)
        .filter(|u| *u > 0.0 && *u < 1.0)
    {
        out.push(format!(
            "The instances are sized for {} utilization, so they cost {}× the GPU time the tokens use: a calculator that takes utilization as given (the GPUs fully used) understates the serving cost by that factor, 1/U.",
            r.show(id::TARGET_UTILIZATION),
            format::number(1.0 / u, format::Unit::Multiplier),
        ));
    }
    out.join(" ")
}

pub(super) fn payback_text(r: &Report) -> String {
    let cash = match r.num(id::CASHFLOW_PAYBACK_MONTH) {
        Some(_) => format!(
            " On the month-by-month cash flow the cumulative total turns non-negative in month {}.",
            r.show(id::CASHFLOW_PAYBACK_MONTH)
        ),
        None => format!(
            " On the month-by-month cash flow the cumulative total stays negative through month {}.",
            r.show(id::LIFETIME_MONTHS)
        ),
    };
    let head = match r.num(id::PAYBACK_MONTHS) {
        Some(_) => format!(
            "Month by month, with running costs, growth and the price trend, the {} project is repaid in {} months, leaving {} months of savings within the {}-month lifetime; the net over the lifetime is {}.",
            r.show(id::TOTAL_PROJECT_COST),
            r.show(id::PAYBACK_MONTHS),
            r.show(id::MONTHS_OF_SAVINGS_AFTER_PAYBACK),
            r.show(id::LIFETIME_MONTHS),
            r.show(id::LIFETIME_NET),
        ),
        None => format!(
            "Month by month, with running costs, growth and the price trend, the {} project is not repaid within the {}-month lifetime; the net over the lifetime is {}.",
            r.show(id::TOTAL_PROJECT_COST),
            r.show(id::LIFETIME_MONTHS),
            r.show(id::LIFETIME_NET),
        ),
    };
    let flat = match r.num(id::FLAT_PAYBACK_MONTHS) {
        Some(_) => format!(
            " The reference case's flat formula (today's savings before amortization, {} a month, repaying the project in {} months) gives a net of {}; the table below reconciles it with the timeline, term by term.",
            r.show(id::MONTHLY_SAVINGS_BEFORE_AMORTIZATION),
            r.show(id::FLAT_PAYBACK_MONTHS),
            r.show(id::FLAT_LIFETIME_NET),
        ),
        None => format!(
            " The reference case's flat formula (today's savings before amortization, {} a month, which never repay the project) gives a net of {}; the table below reconciles it with the timeline, term by term.",
            r.show(id::MONTHLY_SAVINGS_BEFORE_AMORTIZATION),
            r.show(id::FLAT_LIFETIME_NET),
        ),
    };
    format!("{head}{cash}{flat}")
}

/// A sentence when the decision factors lean against the cost verdict.
pub(super) fn factors_note(r: &Report) -> &'static str {
    let factors = r.value(id::DECISION_LEAN).as_text().unwrap_or("");
    let lean_fine_tune = factors == model::SFT_STRONG_FT || factors == model::SFT_LEAN_FT;
    let lean_api = factors == model::SFT_STRONG_API || factors == model::SFT_LEAN_API;
    if lean_fine_tune && !r.fine_tune() && !r.feasible() {
        "The decision factors lean to fine-tuning, but they do not weigh capacity: the plan as written cannot carry its traffic or fit its GPUs."
    } else if lean_fine_tune && !r.fine_tune() {
        "The decision factors lean to fine-tuning, but they do not weigh the money: with review, serving and the project included, the API costs less."
    } else if lean_api && r.fine_tune() {
        "The decision factors lean to the API (the team, the latency or the pace of change): weigh those risks against the savings before committing."
    } else {
        ""
    }
}

/// A simulated percentile in its unit, or "never".
pub(super) fn percentile_text(p: Option<f64>, unit: format::Unit) -> String {
    p.map_or_else(|| "never".to_string(), |x| format::number(x, unit))
}

/// The sentence with the odds for the answer (plain text), when the plan has
/// ranges and was simulated.
pub(super) fn odds(r: &Report) -> Option<String> {
    let s = r
        .simulation
        .as_ref()
        .filter(|_| !r.inputs.ranges.is_empty())?;
    let months = r.unit(id::PAYBACK_MONTHS);
    let p = &s.payback_months;
    let n = r.inputs.ranges.len();
    Some(format!(
        "With {n} of its estimates written as ranges, the plan as written pays back within its {}-month life in {} of {} trials; P50 payback {}{} (P10 {}, P90 {}). The figures above use each range's base value; the spread and the inputs behind it are under Uncertainty, in the appendix.",
        r.show(id::LIFETIME_MONTHS),
        format::percent(s.probability_payback_within_lifetime),
        format::grouped(s.trials as f64, 0),
        percentile_text(p.p50, months),
        if p.p50.is_some() { " months" } else { "" },
        percentile_text(p.p10, months),
        percentile_text(p.p90, months),
    ))
}

/// The label of a payback-histogram entry: entry k holds paybacks in (k − 1, k].
pub(super) fn histogram_bin(k: usize) -> String {
    if k == 0 {
        "0 (at once)".to_string()
    } else {
        format!("{}–{k}", k - 1)
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "1 option", "2 options".
pub(super) fn options_count(n: usize) -> String {
    if n == 1 {
        "1 option".to_string()
    } else {
        format!("{n} options")
    }
}

/// The recommended choice in words (plain text): "the plan as written", an
/// option's label, or "stay on the API".
pub(super) fn recommended_label(r: &Report) -> String {
    match r.recommended().as_str() {
        "api" => "stay on the API".to_string(),
        _ => r.value(id::RECOMMENDED_LABEL).to_excel_result(),
    }
}

/// One line under the answer naming the recommendation among the options.
pub(super) fn options_summary(r: &Report) -> Option<String> {
    if r.options.is_empty() {
        return None;
    }
    let choice = recommended_label(r);
    let n = options_count(r.options.len());
    Some(match r.recommended().as_str() {
        "api" => format!(
            "Of the plan and its {n}, none that can be built as planned saves money over the lifetime: the recommendation is to {choice}. The options are compared under Recommendation among the options below."
        ),
        _ => format!(
            "Of the plan and its {n}, the recommendation is {choice}: the answer above is its own. The options are compared under Recommendation among the options below."
        ),
    })
}

/// A difference with its sign: "+22.0%", "-$750.00".
pub(super) fn signed(x: f64, text: String) -> String {
    if x > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

/// Why the all-in break-even decides, and where today's volume stands.
pub(super) fn break_even_note(r: &Report) -> String {
    let seed_side = match r.num(id::BREAK_EVEN_TOKENS_PER_DAY) {
        Some(_) if r.flag(id::IS_ABOVE_BREAK_EVEN) => "above the classic break-even",
        Some(_) => "below the classic break-even",
        None => "without a classic break-even",
    };
    format!(
        "The classic break-even compares the API bill with serving and storage only. The review cost grows with volume just as the API bill does, and the project cost must be repaid, so the all-in break-even is the one that decides. Today's volume is {seed_side} and {} the all-in one.",
        side_of_break_even(r)
    )
}

/// What the brief's chart shows: today's volume against the all-in
/// break-even.
pub(super) fn volume_note(r: &Report) -> String {
    let today = r.show(id::CURRENT_DAILY_TOKENS);
    let where_ = match r.num(id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN) {
        Some(_) => format!(
            "today's {today} tokens/day is {} the all-in break-even of {} tokens/day, where the two cost the same",
            side_of_break_even(r),
            r.show(id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN),
        ),
        None => format!(
            "at today's {today} tokens/day, as at any volume, the fine-tuned model costs more: the extra review cost per token is at least the API price"
        ),
    };
    // The chart is drawn for the plan as written: when an option is
    // recommended, page 1 gives the option's break-even in words and the
    // chart is in the appendix.
    if r.recommended_option_index().is_some() {
        let case = r.recommended_case();
        let above = match (
            case.value(r, id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN).as_num(),
            r.num(id::CURRENT_DAILY_TOKENS),
        ) {
            (Some(b), Some(t)) if t >= b => "above",
            (Some(_), Some(_)) => "below",
            _ => "",
        };
        let said = if above.is_empty() {
            format!(
                "{} has no all-in break-even: at any volume its extra review cost per token is at least the API price.",
                r.recommended_name()
            )
        } else {
            format!(
                "Today's {today} tokens/day is {above} the all-in break-even of {}, {} tokens/day, where it and the API cost the same.",
                r.recommended_name(),
                show_case(r, &case, id::BREAK_EVEN_TOKENS_PER_DAY_ALL_IN),
            )
        };
        return format!(
            "{said} The chart of cost against volume is drawn for the plan as written, so it is in the appendix, under Break-even."
        );
    }
    format!(
        "What the API and the fine-tuned model cost a month from a quarter to four times today's volume: {where_}. The chart's figures are in the appendix, under Break-even."
    )
}

/// What the "what would change the decision" table shows.
pub(super) fn flips_note(r: &Report) -> String {
    let name = r.recommended_name();
    let head = if r.verdict() == crate::model::VERDICT_SWITCH {
        format!("Switching to {name} wins today. Each line is one of its inputs, the others held where they are, and the value at which it stops being the pick: where its net present value over its own timeline (running costs, growth and the price trend included) falls to zero or to the next candidate's.")
    } else if r.fine_tune() {
        format!("Fine-tuning wins today with {name}. Each line is one of its inputs, the others held where they are, and the value at which it stops being the pick: where its net present value over its own timeline (running costs, growth, the price trend and capacity included) falls to zero or to the next candidate's, or where it can no longer be built.")
    } else {
        format!("The API wins today. Each line is one input of {name}, the others held where they are, and the value at which fine-tuning would win: where its net present value over its own timeline (running costs, growth, the price trend and capacity included) turns positive and it can be built.")
    };
    let tail = if r.levers.is_empty() {
        " No single input within its range changes the verdict."
    } else {
        " Each value is found by solving that rule; an input set a little short of it keeps the verdict, a little past it changes it."
    };
    format!("{head}{tail}")
}

/// What the options table shows.
pub(super) fn options_intro(r: &Report) -> String {
    format!(
        "The plan lists {}, each the plan with some of its inputs changed; the first rows are the inputs that differ. Every option is computed by the plan's own model. An option is feasible when the model fits the memory of the GPUs it is given and the instances carry the traffic. The cash flow and the workbook's checks are the plan's own.",
        options_count(r.options.len())
    )
}

/// The recommendation among the plan and its options, and why the
/// infeasible ones are not recommended.
pub(super) fn options_recommendation(
    r: &Report,
    cases: &[(String, String, ScenarioResult)],
    reasons: &[Vec<String>],
) -> String {
    let life = r.show(id::LIFETIME_MONTHS);
    let recommended = r.recommended();
    let case = cases.iter().find(|(c, _, _)| *c == recommended);
    // The pick is by the rule: the largest net present value among the
    // feasible candidates (with ranges, those with the odds required).
    let odds = if r.inputs.ranges.is_empty() {
        String::new()
    } else {
        format!(
            " and pay back within the lifetime in at least {} of the simulated trials",
            r.show(id::REQUIRED_ODDS)
        )
    };
    let mut recommendation = match case {
        Some((id, label, case)) => format!(
            "Recommended: {}, the choice with the largest net present value over the {life}-month lifetime ({} at {} a year, on its own timeline; {} net of the project cost before discounting) among those that can be built{odds}.",
            if id == "plan" { "the plan as written" } else { label },
            show_in(r, case, id::NPV),
            r.show(id::DISCOUNT_RATE_PER_YEAR),
            show_in(r, case, id::LIFETIME_NET)
        ),
        None => format!(
            "Recommended: stay on the API. None of the choices that can be built as planned{odds} has a positive net present value over the {life}-month lifetime."
        ),
    };
    if recommended != "plan" {
        recommendation.push_str(
            " The answer at the top is the recommended choice's; the other sections show the plan as written.",
        );
    }
    let excluded: Vec<&str> = cases
        .iter()
        .zip(reasons)
        .filter(|(_, why)| !why.is_empty())
        .map(|((_, label, _), _)| label.as_str())
        .collect();
    if !excluded.is_empty() {
        let (is, it) = if excluded.len() == 1 {
            ("it is", "it")
        } else {
            ("they are", "they")
        };
        recommendation.push_str(&format!(
            " {} cannot be built as planned (see Feasible above), so {is} not recommended, whatever {it} would save.",
            and_list(&excluded)
        ));
    }
    recommendation
}

/// A value in a case, formatted in its unit; "—" when the model lacks it.
pub(super) fn show_in(r: &Report, case: &ScenarioResult, id: &str) -> String {
    if case.values.contains_key(id) || case.inputs.contains_key(id) || r.values.contains_key(id) {
        format::value(case.value(r, id), r.unit(id))
    } else {
        "—".to_string()
    }
}

/// What follows a number of this unit in a figure table: "/month" after
/// money per month, the unit's name after a count, nothing after dollars
/// and fractions.
pub(super) fn unit_suffix(unit: format::Unit) -> String {
    let label = unit.label();
    match label {
        "" | "$" | "fraction" => String::new(),
        _ => match label.strip_prefix('$') {
            Some(per) => per.to_string(),
            None => format!(" {label}"),
        },
    }
}

/// A figure of a sensitivity case, formatted in its unit.
pub(super) fn show_case(r: &Report, s: &ScenarioResult, id: &str) -> String {
    format::value(s.value(r, id), r.unit(id))
}

/// One line on what drives the verdict: where the requirements
/// rule the API out at a cost, they do; otherwise the API bill against the
/// recommended candidate's monthly total, and that total's largest part.
pub(super) fn driver(r: &Report) -> String {
    let name = r.recommended_name();
    if r.num(id::REQUIREMENT_COST_LIFETIME)
        .is_some_and(|x| x > 0.0)
    {
        return format!(
            "The requirements, not the cost: they rule the API out, and {name} costs {} a month more than the API would.",
            r.num(id::REQUIREMENT_COST_PER_MONTH).map_or_else(
                || r.show(id::REQUIREMENT_COST_PER_MONTH),
                format::money0
            )
        );
    }
    let case = r.recommended_case();
    let money = |id: &str| {
        case.value(r, id)
            .as_num()
            .map_or_else(|| show_case(r, &case, id), format::money0)
    };
    let mut line = format!(
        "Today's API bill is {}/month; {name} costs {}/month all in, its project cost spread over the lifetime",
        money(id::MONTHLY_API_COST),
        money(id::MONTHLY_FT_TOTAL),
    );
    let largest = r
        .model
        .with_role(model::Role::Composition)
        .into_iter()
        .filter_map(|part| Some((part, case.value(r, part).as_num()?)))
        .filter(|(_, x)| *x > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((part, x)) = largest {
        let label = r.model.get(part).map_or(part, |q| q.short_or_label());
        line.push_str(&format!(
            "; its largest cost is {}, {}/month",
            label.to_lowercase(),
            format::money0(x)
        ));
    }
    line.push('.');
    line
}

/// One line on the main risk: the lever nearest its flip, as a
/// share of today's value, and under ranges the input whose range moves the
/// monthly savings most.
pub(super) fn main_risk(r: &Report) -> String {
    let nearest = r
        .levers
        .iter()
        .filter(|l| l.today != 0.0)
        .map(|l| (l, ((l.flips_at - l.today) / l.today).abs()))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let mut line =
        match nearest {
            Some((l, away)) => {
                format!(
            "{} is the input nearest its flip: {} today, the verdict changes {} {}, {} away.",
            r.candidate_label(&l.id),
            format::number(l.today, l.unit),
            if l.flips_at > l.today { "above" } else { "below" },
            format::number(l.flips_at, l.unit),
            format::percent(away),
        )
            }
            None if r.levers.is_empty() => {
                "No single input within its range changes the verdict.".to_string()
            }
            None => {
                let l = &r.levers[0];
                format!(
                    "{} changes the verdict at {} (today {}).",
                    r.candidate_label(&l.id),
                    format::number(l.flips_at, l.unit),
                    format::number(l.today, l.unit),
                )
            }
        };
    if let Some(bar) = r.tornado_bars().first() {
        let unit = r.unit(&bar.input);
        line.push_str(&format!(
            " Of the ranges, {} moves the monthly savings most: from {} to {} a month between {} and {}.",
            r.label(&bar.input).to_lowercase(),
            format::money0(bar.savings_low.min(bar.savings_high)),
            format::money0(bar.savings_low.max(bar.savings_high)),
            format::number(bar.low, unit),
            format::number(bar.high, unit),
        ));
    }
    line
}

/// What a lever's flip means: whether fine-tuning wins today, and whether
/// the flip is above today's value.
pub(super) fn flip_reading(fine_tune: bool, above: bool) -> &'static str {
    match (fine_tune, above) {
        (true, true) => "The recommendation changes if this rises above the value shown.",
        (true, false) => "The recommendation changes if this falls below the value shown.",
        (false, true) => "Fine-tuning pays if this rises above the value shown.",
        (false, false) => "Fine-tuning pays if this falls below the value shown.",
    }
}
