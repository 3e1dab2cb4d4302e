//! The one comparison: the API, the plan as written and each option, each on
//! its own timeline, and the verdict it gives, with the words the Summary
//! shows. These quantities read the options' figures and the simulation's
//! odds, so they are evaluated after both (see [`super::Model::is_late`]).

use super::expr::build::*;
use super::expr::{Column, Cond, Expr, Ref, TextFormat};
use super::{
    Defs, Role, Sheet, VERDICT_API, VERDICT_FINE_TUNE, VERDICT_NOT_FEASIBLE, VERDICT_SWITCH,
};
use crate::format::Unit;
use crate::inputs::options::option_input_id;
use crate::value::NOT_APPLICABLE;

/// The id of an option's label (the Options sheet's column header).
pub fn option_label_id(k: usize) -> String {
    option_input_id(k, "label")
}

/// The simulated chance that a candidate pays back within the lifetime:
/// the plan's id, or an option's.
pub const SIMULATED_PAYBACK_SHARE: &str = "simulated_payback_share";
/// The simulated median payback of a candidate.
pub const SIMULATED_MEDIAN_PAYBACK: &str = "simulated_median_payback";
/// The number of simulation trials.
pub const SIMULATION_TRIALS: &str = "simulation_trials";

/// What the comparison reads besides the plan's own quantities: the
/// options' candidate figures and labels, and the simulation's odds.
pub fn late_ids(figures: &[&str], options: usize, ranged: bool) -> Vec<String> {
    let mut ids = Vec::new();
    if ranged {
        ids.push(SIMULATED_PAYBACK_SHARE.to_string());
        ids.push(SIMULATED_MEDIAN_PAYBACK.to_string());
        ids.push(SIMULATION_TRIALS.to_string());
    }
    for k in 0..options {
        ids.extend(figures.iter().map(|id| option_input_id(k, id)));
        ids.push(option_label_id(k));
        if ranged {
            ids.push(option_input_id(k, SIMULATED_PAYBACK_SHARE));
            ids.push(option_input_id(k, SIMULATED_MEDIAN_PAYBACK));
        }
    }
    ids
}

/// A candidate of the comparison, a row of its table: the API, the plan as
/// written, or one of the plan's options (by its place in the plan's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Candidate {
    Api,
    Plan,
    Option(usize),
}

impl Candidate {
    /// The candidates of a plan with `options` options, in the table's order:
    /// the API, the plan, then the options in the plan's order.
    pub fn all(options: usize) -> Vec<Candidate> {
        [Candidate::Api, Candidate::Plan]
            .into_iter()
            .chain((0..options).map(Candidate::Option))
            .collect()
    }

    /// What the table's kind column holds for it.
    pub fn kind(self) -> &'static str {
        match self {
            Candidate::Api => KIND_API,
            Candidate::Plan => KIND_PLAN,
            Candidate::Option(_) => KIND_OPTION,
        }
    }

    /// Its row's part of a cell's id: `api`, `plan`, `option_3`.
    fn key(self) -> String {
        match self {
            Candidate::Api => KIND_API.to_string(),
            Candidate::Plan => KIND_PLAN.to_string(),
            Candidate::Option(k) => format!("option_{}", k + 1),
        }
    }

    /// A figure of a self-hosted or managed candidate: the plan's own id or
    /// the option's (the API has none).
    fn figure(self, id: &str) -> Expr {
        match self {
            Candidate::Option(k) => r(&option_input_id(k, id)),
            _ => r(id),
        }
    }
}

/// The kind column's words: the API, the plan, an option.
pub const KIND_API: &str = "api";
pub const KIND_PLAN: &str = "plan";
pub const KIND_OPTION: &str = "option";
/// The kind column's word for an option of `kind: api` (another API model).
pub const KIND_API_OPTION: &str = "api_option";

/// One column of the table of candidates: a quantity per candidate, laid
/// out top to bottom as one range named by the column's id.
#[derive(Debug, Clone, PartialEq)]
pub struct TableColumn {
    pub column: Column,
    /// The column's header.
    pub label: String,
    pub unit: Unit,
    pub doc: String,
}

/// The comparison's table: a row per candidate, a column per figure. The
/// recommendation is found in it by `MATCH` over the score column and read
/// by `INDEX`, so no formula grows with the number of candidates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CandidateTable {
    /// The rows, in order.
    pub candidates: Vec<Candidate>,
    pub columns: Vec<TableColumn>,
}

impl CandidateTable {
    /// The column with this id.
    pub fn column(&self, id: &str) -> Option<&TableColumn> {
        self.columns.iter().find(|c| c.column.id == id)
    }
}

/// The id of a column of the table (the defined name of its range).
fn column_id(name: &str) -> String {
    format!("candidates_{name}")
}

/// The id of a candidate's cell in the score column.
pub fn score_cell_id(c: Candidate) -> String {
    format!("{}_{}", column_id("score"), c.key())
}

/// Defines a column of the table, a quantity per candidate, and returns it.
fn define_column(
    d: &mut Defs,
    candidates: &[Candidate],
    name: &str,
    (label, unit, doc): (&str, Unit, &str),
    cell: impl Fn(Candidate, &dyn Fn(&str) -> Expr) -> Expr,
) -> TableColumn {
    let id = column_id(name);
    let cell_id = |c: Candidate, column: &str| format!("{}_{}", column_id(column), c.key());
    let mut cells = Vec::with_capacity(candidates.len());
    for &c in candidates {
        let own = cell_id(c, name);
        let same_row = |column: &str| r(&cell_id(c, column));
        d.q(
            &own,
            &format!("{label}: {}", c.key().replace('_', " ")),
            unit,
            doc,
            cell(c, &same_row),
        )
        .role(Role::TableCell);
        cells.push(Ref::new(&own));
    }
    TableColumn {
        column: Column { id, cells },
        label: label.to_string(),
        unit,
        doc: doc.to_string(),
    }
}

/// The figures of the recommended candidate the outputs quote, each a
/// column of the table: (column, quantity, label, unit, the candidates'
/// figure).
const QUOTED: [(&str, &str, &str, Unit, &str); 6] = [
    (
        "lifetime_net",
        "recommended_lifetime_net",
        "Net over the lifetime",
        Unit::Usd,
        "lifetime_net",
    ),
    (
        "npv",
        "recommended_npv",
        "Net present value",
        Unit::Usd,
        "npv",
    ),
    (
        "payback_months",
        "recommended_payback_months",
        "Payback",
        Unit::Months,
        "payback_months",
    ),
    (
        "savings_share",
        "recommended_savings_share",
        "Net as a share of the API bill",
        Unit::Fraction,
        "lifetime_savings_share",
    ),
    (
        "monthly_savings",
        "recommended_monthly_savings",
        "Monthly savings before the project cost",
        Unit::UsdPerMonth,
        "month1_net_savings",
    ),
    (
        "project_cost",
        "recommended_project_cost",
        "Project cost",
        Unit::Usd,
        "total_project_cost",
    ),
];

/// Whether a dollar figure reads as below zero in whole dollars: negative,
/// and not "$0" once rounded (so nothing reads "−$0" or "loses $0").
fn shows_below_zero(id: &str) -> Cond {
    and(vec![
        lt(r(id), n(0.0)),
        not(eq(fmt(abs(r(id)), TextFormat::Money), t("$0"))),
    ])
}

/// The recommended candidate's counterpart of a figure of the plan's (its
/// quantity reading the candidates table), where the table carries it:
/// `payback_months` → `recommended_payback_months`.
pub fn recommended_counterpart(figure: &str) -> Option<&'static str> {
    QUOTED
        .iter()
        .find(|(_, _, _, _, source)| *source == figure)
        .map(|(_, id, _, _, _)| *id)
}

/// The candidates' table, the recommendation and the verdict; `api_options`
/// says, option by option, whether it is another API model (`kind: api`).
pub(super) fn define(
    d: &mut Defs,
    shape: &crate::inputs::Shape,
    api_options: &[bool],
    ranged: bool,
) -> CandidateTable {
    let options = api_options.len();
    d.on(Sheet::Comparison);
    let candidates = Candidate::all(options);
    let mut columns = Vec::new();
    let label = define_column(
        d,
        &candidates,
        "label",
        ("Candidate", Unit::Text, "The candidate's name."),
        |c, _| match c {
            Candidate::Api => t("the API"),
            Candidate::Plan => t("the plan as written"),
            Candidate::Option(k) => r(&option_label_id(k)),
        },
    );
    let kind = define_column(
        d,
        &candidates,
        "kind",
        (
            "Kind",
            Unit::Text,
            "What the candidate is: the API, the plan as written, an option, or an option that moves to another API model (api_option).",
        ),
        |c, _| match c {
            Candidate::Option(k) if api_options.get(k) == Some(&true) => t(KIND_API_OPTION),
            _ => t(c.kind()),
        },
    );
    columns.push(label.clone());
    columns.push(kind.clone());
    columns.push(define_column(
        d,
        &candidates,
        "feasible",
        (
            "Feasible",
            Unit::YesNo,
            "Whether the candidate can be built: the model fits its GPUs and the instances carry the traffic (the API always can), and it meets the plan's hard requirements where it has them.",
        ),
        |c, _| match c {
            Candidate::Api if shape.has_requirements => r("api_meets_requirements"),
            Candidate::Api => Expr::Bool(true),
            _ => c.figure("feasible"),
        },
    ));
    if super::requirements::has_latency_column(shape) {
        columns.push(define_column(
            d,
            &candidates,
            "latency_ms",
            (
                "Time to the first token",
                Unit::Milliseconds,
                "The API's as the plan measured it; a self-hosted candidate's estimated from its prefill rate; unknown where neither is known.",
            ),
            |c, _| match c {
                Candidate::Api => super::requirements::api_latency(shape),
                _ if shape.has_throughput => c.figure("latency_estimate_ms"),
                _ => super::requirements::unknown(),
            },
        ));
    }
    // The quoted figures: the API's are nothing saved, nothing spent.
    for (name, _, label, unit, source) in QUOTED {
        columns.push(define_column(
            d,
            &candidates,
            name,
            (
                label,
                unit,
                "The candidate's figure over its own timeline, never where that figure is never (nothing for the API, the baseline every other candidate is measured against).",
            ),
            |c, _| match (c, unit) {
                (Candidate::Api, Unit::Months) => t(NOT_APPLICABLE),
                (Candidate::Api, _) => n(0.0),
                _ => c.figure(source),
            },
        ));
    }
    if ranged {
        for (name, label, unit, source) in [
            (
                "odds",
                "Chance of payback within the lifetime",
                Unit::Fraction,
                SIMULATED_PAYBACK_SHARE,
            ),
            (
                "median_payback",
                "Median payback in the simulation",
                Unit::Months,
                SIMULATED_MEDIAN_PAYBACK,
            ),
        ] {
            columns.push(define_column(
                d,
                &candidates,
                name,
                (
                    label,
                    unit,
                    "The candidate's figure over the simulation's trials, never where that figure is never (nothing for the API).",
                ),
                |c, _| match c {
                    Candidate::Api => t(NOT_APPLICABLE),
                    _ => c.figure(source),
                },
            ));
        }
    }
    // With ranges, the candidate's net present value on paper (feasible, its
    // odds aside), and the candidate that would win on it.
    let on_paper = ranged.then(|| {
        let column = define_column(
            d,
            &candidates,
            "score_on_paper",
            (
                "Score on paper",
                Unit::Usd,
                "The net present value over the lifetime when the candidate is feasible, whatever its odds (the API's is 0); a dash when it is not.",
            ),
            |_, row| if_(truthy(row("feasible")), row("npv"), t(NOT_APPLICABLE)),
        );
        columns.push(column.clone());
        column
    });
    let score = define_column(
        d,
        &candidates,
        "score",
        (
            "Score",
            Unit::Usd,
            if ranged {
                "The net present value over the lifetime when the candidate is feasible and its chance of paying back within the lifetime is at least the required odds (the API's is 0); a dash when it is not."
            } else {
                "The net present value over the lifetime when the candidate is feasible (the API's is 0); a dash when it is not."
            },
        ),
        |c, row| {
            let eligible = match (c, ranged) {
                (Candidate::Api, _) | (_, false) => truthy(row("feasible")),
                _ => and(vec![
                    truthy(row("feasible")),
                    cmp(super::expr::Cmp::Ge, row("odds"), r("required_odds")),
                ]),
            };
            if_(eligible, row("npv"), t(NOT_APPLICABLE))
        },
    );
    columns.push(score.clone());
    d.q(
        "best_score",
        "Best net present value among feasible candidates",
        Unit::Usd,
        "The largest score: 0 when no self-hosted or managed candidate beats the API.",
        column_max(&score.column),
    );
    if let Some(paper) = &on_paper {
        d.q(
            "best_score_on_paper",
            "Best net present value on paper",
            Unit::Usd,
            "The largest score on paper: the best feasible candidate's net present value, its odds aside.",
            column_max(&paper.column),
        );
        let found = column_match(r("best_score_on_paper"), &paper.column);
        d.q(
            "on_paper_row",
            "Row of the best candidate on paper",
            Unit::Count,
            "The row of the feasible candidate with the largest net present value, its odds aside (the API's when none beats it).",
            if_(
                is_number(found.clone()),
                found,
                column_match(t(KIND_API), &kind.column),
            ),
        );
    }
    let found = column_match(r("best_score"), &score.column);
    d.q(
        "recommended_row",
        "Recommended candidate's row",
        Unit::Count,
        "The row of the table below that holds the feasible candidate with the largest score, the first such (the API's row comes first, so a tie with the API keeps the API); the API's when none is feasible.",
        if_(
            is_number(found.clone()),
            found,
            column_match(t(KIND_API), &kind.column),
        ),
    );
    d.q(
        "recommended_kind",
        "Recommended candidate's kind",
        Unit::Text,
        "What the recommended candidate is: the API, the plan as written, or an option.",
        column_index(&kind.column, r("recommended_row")),
    );
    d.q(
        "recommended_label",
        "Recommended",
        Unit::Text,
        "The recommended candidate's name.",
        column_index(&label.column, r("recommended_row")),
    );
    d.q(
        "verdict",
        "Verdict",
        Unit::Text,
        "Fine-tune when a feasible candidate saves money over the lifetime (switch API model when that candidate is another API model); not feasible as planned when the plan cannot carry its traffic or fit its GPUs and nothing else saves; else stay on the API.",
        if_(
            recommends_api(),
            if_(truthy(r("feasible")), t(VERDICT_API), t(VERDICT_NOT_FEASIBLE)),
            if_(recommends_switch(), t(VERDICT_SWITCH), t(VERDICT_FINE_TUNE)),
        ),
    );
    d.q(
        "described_row",
        "Row of the candidate the figures describe",
        Unit::Count,
        "The recommended candidate's row; the plan's when the API is recommended, so that the reader sees what the plan would do.",
        if_(
            recommends_api(),
            column_match(t(KIND_PLAN), &kind.column),
            r("recommended_row"),
        ),
    );
    for (name, id, label, unit, _) in QUOTED {
        let column = columns
            .iter()
            .find(|c| c.column.id == column_id(name))
            .map(|c| c.column.clone())
            .unwrap_or_else(|| Column {
                id: column_id(name),
                cells: Vec::new(),
            });
        d.q(
            id,
            &format!("{label} (recommended)"),
            unit,
            "The recommended candidate's figure (the plan's when the API is recommended); never where that figure is never.",
            column_index(&column, r("described_row")),
        );
    }
    if ranged {
        for (name, id, label, doc) in [
            (
                "odds",
                "recommended_odds",
                "Chance of payback within the lifetime (recommended)",
                "The share of simulation trials in which the recommended candidate is feasible and pays back within the lifetime.",
            ),
            (
                "median_payback",
                "recommended_median_payback",
                "Median payback in the simulation (recommended)",
                "The recommended candidate's median payback over the simulation's trials; never when the median trial does not pay back.",
            ),
        ] {
            let column = columns
                .iter()
                .find(|c| c.column.id == column_id(name))
                .map(|c| c.column.clone())
                .unwrap_or_else(|| Column {
                    id: column_id(name),
                    cells: Vec::new(),
                });
            let unit = if name == "odds" {
                Unit::Fraction
            } else {
                Unit::Months
            };
            d.q(
                id,
                label,
                unit,
                doc,
                column_index(&column, r("described_row")),
            );
        }
    }
    let thin_savings = and(vec![
        is_number(r("recommended_savings_share")),
        lt(r("recommended_savings_share"), r("marginal_savings_share")),
    ]);
    let mut thin = vec![thin_savings.clone()];
    if ranged {
        thin.push(lt(r("recommended_odds"), r("marginal_odds")));
    }
    if ranged {
        let odds = columns
            .iter()
            .find(|c| c.column.id == column_id("odds"))
            .map(|c| c.column.clone())
            .unwrap_or_else(|| Column {
                id: column_id("odds"),
                cells: Vec::new(),
            });
        d.q(
            "held_back_by_odds",
            "Held back by its odds",
            Unit::YesNo,
            "Whether the API is recommended only because the candidate that wins on paper pays back in too few of the simulation's trials.",
            test(and(vec![
                recommends_api(),
                not(eq(column_index(&kind.column, r("on_paper_row")), t(KIND_API))),
            ])),
        );
        d.q(
            "held_back_label",
            "Candidate held back by its odds",
            Unit::Text,
            "The candidate that wins on paper (a dash when none is held back).",
            if_(
                truthy(r("held_back_by_odds")),
                column_index(&label.column, r("on_paper_row")),
                t(NOT_APPLICABLE),
            ),
        );
        d.q(
            "held_back_odds",
            "Its chance of payback within the lifetime",
            Unit::Fraction,
            "The held-back candidate's share of trials that pay back within the lifetime (a dash when none is held back).",
            if_(
                truthy(r("held_back_by_odds")),
                column_index(&odds, r("on_paper_row")),
                t(NOT_APPLICABLE),
            ),
        );
    }
    let mut marginal = vec![not(recommends_api()), or(thin)];
    if shape.has_requirements {
        // A pick the requirements force is not a bet on a margin.
        marginal.push(truthy(r("api_meets_requirements")));
        requirement_cost(d, shape, &columns);
    }
    d.q(
        "verdict_marginal",
        "Marginal",
        Unit::YesNo,
        "Whether a verdict to fine-tune rests on a thin margin: net savings a small share of the API bill, or (with ranges) odds of payback below the threshold (never when the requirements rule the API out).",
        test(and(marginal)),
    );
    words(d, shape, options, ranged, thin_savings);
    CandidateTable {
        candidates,
        columns,
    }
}

/// What the hard requirements cost against the API, a month and over the
/// lifetime, and the sentence that says it (and each latency, known or not).
fn requirement_cost(d: &mut Defs, shape: &crate::inputs::Shape, columns: &[TableColumn]) {
    let api_out = not(truthy(r("api_meets_requirements")));
    let forced = and(vec![api_out.clone(), not(recommends_api())]);
    d.q(
        "requirement_cost_per_month",
        "What the requirements cost a month",
        Unit::UsdPerMonth,
        "When the requirements rule the API out: how much more the recommended candidate costs a month than the API, before the project cost (0 when it costs less); a dash when the API meets them or nothing does.",
        if_(
            forced.clone(),
            max(n(0.0), neg(r("recommended_monthly_savings"))),
            t(NOT_APPLICABLE),
        ),
    );
    d.q(
        "requirement_cost_lifetime",
        "What the requirements cost over the lifetime",
        Unit::Usd,
        "When the requirements rule the API out: the recommended candidate's loss against the API over the lifetime, project cost included (0 when it nets a gain); a dash when the API meets them or nothing does.",
        if_(
            forced.clone(),
            max(n(0.0), neg(r("recommended_lifetime_net"))),
            t(NOT_APPLICABLE),
        ),
    );
    let money = |id: &str| fmt(r(id), TextFormat::Money);
    let why_api_out = {
        let mut parts = vec![if_(
            truthy(r("data_must_stay_in_house")),
            t(" the data must stay in house"),
            t(""),
        )];
        if shape.has_latency_limit && shape.has_api_latency {
            parts.push(if_(
                gt(r("api_latency_ms"), r("latency_limit_ms")),
                concat(vec![
                    if_(truthy(r("data_must_stay_in_house")), t(" and"), t("")),
                    t(" its measured latency is over the limit"),
                ]),
                t(""),
            ));
        }
        concat(parts)
    };
    let mut latency = vec![];
    if shape.has_latency_limit {
        let column = columns
            .iter()
            .find(|c| c.column.id == column_id("latency_ms"))
            .map(|c| c.column.clone());
        if let Some(column) = column {
            d.q(
                "recommended_latency_ms",
                "Time to the first token (recommended)",
                Unit::Milliseconds,
                "The recommended candidate's time to the first token, or unknown (the plan's when the API is recommended).",
                column_index(&column, r("described_row")),
            );
        }
        latency.extend([
            t(" Latency limit "),
            fmt(r("latency_limit_ms"), TextFormat::Whole),
            t(" ms to the first token: the API's "),
            super::requirements::latency_words(super::requirements::api_latency(shape)),
            t(if shape.has_api_latency {
                " as measured"
            } else {
                " (not measured)"
            }),
            t(", the recommended candidate's "),
            super::requirements::latency_words(r("recommended_latency_ms")),
            t(if shape.has_throughput {
                " estimated from its prefill rate, before any wait in a queue."
            } else {
                " (no serving throughput to estimate it from)."
            }),
        ]);
    }
    let sentence = if_(
        api_out,
        if_(
            recommends_api(),
            t("The requirements rule out every candidate, the API included: no candidate meets them as planned."),
            concat(vec![
                t("The requirements rule the API out:"),
                why_api_out,
                t("; "),
                r("recommended_label"),
                t(" meets them. "),
                if_(
                    gt(r("requirement_cost_lifetime"), n(0.0)),
                    concat(vec![
                        t("It costs "),
                        money("requirement_cost_per_month"),
                        t(" a month more than the API, "),
                        money("requirement_cost_lifetime"),
                        t(" over the "),
                        fmt(r("lifetime_months"), TextFormat::Whole),
                        t(" months: a choice for the requirements, not for cost."),
                    ]),
                    t("It also saves money against the API."),
                ),
            ]),
        ),
        t("The API meets the requirements."),
    );
    d.q(
        "requirement_verdict_words",
        "Words the requirements add to the verdict",
        Unit::Text,
        "When the requirements rule the API out and the pick costs more than the API: it is made for the requirements, not for cost.",
        if_(
            is_number(r("requirement_cost_lifetime")),
            if_(
                gt(r("requirement_cost_lifetime"), n(0.0)),
                t(", for the requirements, not for cost"),
                t(""),
            ),
            t(""),
        ),
    );
    d.q(
        "requirement_note",
        "The requirements",
        Unit::Text,
        "Which candidates the hard requirements rule out, what meeting them costs against the API, and each latency, known or unknown.",
        concat(std::iter::once(sentence).chain(latency).collect()),
    )
    .with(Role::Answer, 4);
}

/// Whether the API is the recommended candidate.
fn recommends_api() -> super::expr::Cond {
    eq(r("recommended_kind"), t(KIND_API))
}

/// Whether the recommended candidate is another API model (`kind: api`).
fn recommends_switch() -> super::expr::Cond {
    eq(r("recommended_kind"), t(KIND_API_OPTION))
}

/// The verdict's sentence, the headline and why a verdict is marginal, as
/// formulas over the figures, so the Summary's words follow any edit.
fn words(
    d: &mut Defs,
    shape: &crate::inputs::Shape,
    options: usize,
    ranged: bool,
    thin_savings: super::expr::Cond,
) {
    let money = |id: &str| fmt(r(id), TextFormat::Money);
    let stay = || {
        if_(
            truthy(r("feasible")),
            t("Stay on the API."),
            t("Not feasible as planned: stay on the API."),
        )
    };
    let which = if options == 0 {
        t("")
    } else {
        if_(
            eq(r("recommended_kind"), t(KIND_OPTION)),
            concat(vec![t(" with option "), r("recommended_label")]),
            t(" as planned"),
        )
    };
    d.q(
        "verdict_sentence",
        "The answer",
        Unit::Text,
        "The verdict in one sentence.",
        if_(
            not(recommends_api()),
            concat(vec![
                if_(
                    recommends_switch(),
                    concat(vec![
                        t(VERDICT_SWITCH),
                        t(": option "),
                        r("recommended_label"),
                        t(", no fine-tuning"),
                    ]),
                    concat(vec![t(VERDICT_FINE_TUNE), which]),
                ),
                if_(truthy(r("verdict_marginal")), t(" (marginal)"), t("")),
                if shape.has_requirements {
                    r("requirement_verdict_words")
                } else {
                    t("")
                },
                t("."),
            ]),
            {
                let stay_or_held = if ranged {
                    if_(
                        truthy(r("held_back_by_odds")),
                        concat(vec![
                            t("Stay on the API for now: "),
                            r("held_back_label"),
                            t(" pays back within the lifetime in only "),
                            fmt(r("held_back_odds"), TextFormat::Percent),
                            t(" of the simulated trials, below the "),
                            fmt(r("required_odds"), TextFormat::Percent),
                            t(" required; a pilot that narrows the widest ranges decides it."),
                        ]),
                        stay(),
                    )
                } else {
                    stay()
                };
                if shape.has_requirements {
                    if_(
                        truthy(r("api_meets_requirements")),
                        stay_or_held,
                        t("Not feasible: no candidate meets the requirements."),
                    )
                } else {
                    stay_or_held
                }
            },
        ),
    )
    .with(Role::Answer, 1);
    let repay = if_(
        is_number(r("recommended_payback_months")),
        concat(vec![
            t(" project in "),
            fmt(r("recommended_payback_months"), TextFormat::OneDecimal),
            t(" months"),
        ]),
        concat(vec![
            t(" project within the "),
            fmt(r("lifetime_months"), TextFormat::Whole),
            t("-month lifetime"),
        ]),
    );
    let saves = gt(r("recommended_monthly_savings"), n(0.0));
    let pays = is_number(r("recommended_payback_months"));
    let mut headline = vec![
        // An infeasible plan's money is not real: it says so first.
        if_(
            and(vec![recommends_api(), not(truthy(r("feasible")))]),
            t("On paper, without the capacity or memory it lacks: "),
            t(""),
        ),
        // With no project to repay (an API switch with no prompt work),
        // no payback is told.
        if_(
            gt(r("recommended_project_cost"), n(0.0)),
            concat(vec![
                if_(
                    saves.clone(),
                    concat(vec![
                        t("Savings of "),
                        money("recommended_monthly_savings"),
                        t(" a month before the project cost "),
                        if_(pays.clone(), t("repay the "), t("never repay the ")),
                    ]),
                    concat(vec![
                        t("Fine-tuning costs "),
                        fmt(abs(r("recommended_monthly_savings")), TextFormat::Money),
                        t(" a month more than the API before the project cost; it "),
                        if_(pays, t("repays the "), t("never repays the ")),
                    ]),
                ),
                money("recommended_project_cost"),
                repay,
            ]),
            if_(
                saves.clone(),
                concat(vec![
                    t("Savings of "),
                    money("recommended_monthly_savings"),
                    t(" a month, with no project cost to repay"),
                ]),
                concat(vec![
                    t("It costs "),
                    fmt(abs(r("recommended_monthly_savings")), TextFormat::Money),
                    t(" a month more than the API, with no project cost"),
                ]),
            ),
        ),
        t("; over the "),
        fmt(r("lifetime_months"), TextFormat::Whole),
        t(" months it "),
        if_(
            not(shows_below_zero("recommended_lifetime_net")),
            concat(vec![
                t("nets "),
                fmt(abs(r("recommended_lifetime_net")), TextFormat::Money),
            ]),
            concat(vec![
                t("loses "),
                fmt(abs(r("recommended_lifetime_net")), TextFormat::Money),
            ]),
        ),
        if_(
            and(vec![
                gt(r("recommended_lifetime_net"), n(0.0)),
                is_number(r("recommended_savings_share")),
            ]),
            concat(vec![
                t(" ("),
                fmt(r("recommended_savings_share"), TextFormat::Percent),
                t(" of the API bill)"),
            ]),
            t(""),
        ),
        if_(
            gt(r("discount_rate_per_year"), n(0.0)),
            concat(vec![
                t(", a net present value of "),
                if_(
                    not(shows_below_zero("recommended_npv")),
                    fmt(abs(r("recommended_npv")), TextFormat::Money),
                    concat(vec![
                        t("−"),
                        fmt(abs(r("recommended_npv")), TextFormat::Money),
                    ]),
                ),
                t(" at "),
                fmt(r("discount_rate_per_year"), TextFormat::Percent),
                t(" a year"),
            ]),
            t(""),
        ),
        t("."),
    ];
    if ranged {
        headline.extend([
            t(" These are the base case's figures, each range at its base value; over "),
            fmt(r(SIMULATION_TRIALS), TextFormat::Whole),
            t(" simulated trials it pays back within the lifetime in "),
            fmt(r("recommended_odds"), TextFormat::Percent),
            if_(
                is_number(r("recommended_median_payback")),
                concat(vec![
                    t(", and the median trial pays back in "),
                    fmt(r("recommended_median_payback"), TextFormat::OneDecimal),
                    t(" months."),
                ]),
                t(", and the median trial does not pay back."),
            ),
        ]);
    }
    d.q(
        "headline",
        "The money",
        Unit::Text,
        "The savings that repay the project, the project cost, the payback and the net, side by side.",
        concat(headline),
    )
    .with(Role::Answer, 2);
    let mut reasons = vec![if_(
        thin_savings.clone(),
        concat(vec![
            t("The net is "),
            fmt(r("recommended_savings_share"), TextFormat::Percent),
            t(" of the API bill, below the "),
            fmt(r("marginal_savings_share"), TextFormat::Percent),
            t(" threshold: a small error in traffic or prices erases it."),
        ]),
        t(""),
    )];
    if ranged {
        reasons.push(if_(
            lt(r("recommended_odds"), r("marginal_odds")),
            concat(vec![
                if_(thin_savings.clone(), t(" "), t("")),
                t("Those odds are below the "),
                fmt(r("marginal_odds"), TextFormat::Percent),
                t(" the plan counts as sure."),
            ]),
            t(""),
        ));
    }
    d.q(
        "verdict_marginal_reason",
        "Why marginal",
        Unit::Text,
        "What makes the verdict marginal (a dash when it is not).",
        if_(
            truthy(r("verdict_marginal")),
            concat(reasons),
            t(NOT_APPLICABLE),
        ),
    )
    .with(Role::Answer, 3);
}
