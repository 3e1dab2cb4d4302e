//! Quantities say what they are for: each role lists, in order, exactly the
//! ids the renderers and analyses used to keep by hand. The evaluation order
//! follows the references, and looking a figure up never panics.

use finetune_roi::model::{Role, Sheet, Step};

use super::common::*;

/// The lists as they were kept by hand, by role.
const LISTS: [(Role, &[&str]); 7] = [
    // xlsx::KEY_FIGURES
    (
        Role::Headline,
        &[
            "monthly_api_cost",
            "monthly_ft_total",
            "monthly_savings",
            "payback_months",
            "total_project_cost",
            "current_daily_tokens",
            "break_even_tokens_per_day",
            "break_even_tokens_per_day_all_in",
            "lifetime_net_savings",
            "decision_score",
            "decision_verdict",
        ],
    ),
    // xlsx::COMPOSITION
    (
        Role::Composition,
        &[
            "monthly_serving_cost",
            "monthly_storage_cost",
            "monthly_amortized_project_cost",
            "monthly_quality_cost_delta",
        ],
    ),
    // xlsx::SCENARIO_KEY_COLUMNS
    (
        Role::SensitivityKey,
        &[
            "current_daily_tokens",
            "monthly_api_cost",
            "monthly_ft_total",
            "monthly_savings",
            "payback_months",
        ],
    ),
    // simulate::OUTPUTS
    (
        Role::Simulated,
        &[
            "monthly_savings",
            "payback_months",
            "total_project_cost",
            "payback_beyond_lifetime",
            "is_above_break_even_all_in",
        ],
    ),
    // memo::OPTION_FIGURES
    (
        Role::OptionFigure,
        &[
            "monthly_api_cost",
            "monthly_ft_total",
            "monthly_savings",
            "payback_months",
            "total_project_cost",
            "lifetime_net_savings",
            "break_even_tokens_per_day_all_in",
        ],
    ),
    // changes::KEY_RESULTS
    (
        Role::Tracked,
        &[
            "monthly_api_cost",
            "monthly_ft_total",
            "monthly_savings",
            "payback_months",
            "current_daily_tokens",
            "break_even_tokens_per_day_all_in",
            "total_project_cost",
            "decision_verdict",
        ],
    ),
    // memo::traced_ids: the key figures, then five more
    (
        Role::Traced,
        &[
            "monthly_api_cost",
            "monthly_ft_total",
            "monthly_savings",
            "payback_months",
            "total_project_cost",
            "current_daily_tokens",
            "break_even_tokens_per_day",
            "break_even_tokens_per_day_all_in",
            "lifetime_net_savings",
            "decision_score",
            "decision_verdict",
            "monthly_savings_before_amortization",
            "cashflow_payback_month",
            "flip_review_rate_ft",
            "flip_serving_cost_per_hour",
            "flip_engineering_hours",
        ],
    ),
];

#[test]
fn roles_list_what_the_hand_kept_lists_did() {
    for plan in example_plans() {
        let r = report_of(&plan);
        for (role, want) in LISTS {
            assert_eq!(
                r.model.with_role(role),
                want.to_vec(),
                "{}: {role:?}",
                plan.display()
            );
        }
        assert_eq!(
            finetune_roi::render::xlsx::KEY_FIGURES.to_vec(),
            r.model.with_role(Role::Headline)
        );
    }
}

#[test]
fn the_checks_are_the_checks_sheet_and_cases_skip_them_and_the_cash_flow() {
    for plan in example_plans() {
        let r = report_of(&plan);
        let checks: Vec<&str> = r.model.with_role(Role::Check);
        let on_sheet: Vec<&str> = r
            .model
            .quantities
            .iter()
            .filter(|q| q.sheet == Sheet::Checks)
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(checks, on_sheet, "{}", plan.display());
        // What a case can evaluate is what the JSON's option results list.
        let in_cases: Vec<&str> = r.model.case_quantities().map(|q| q.id.as_str()).collect();
        let before_cash_flow: Vec<&str> = r
            .model
            .quantities
            .iter()
            .filter(|q| !matches!(q.sheet, Sheet::CashFlow | Sheet::Checks))
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(in_cases, before_cash_flow, "{}", plan.display());
    }
}

#[test]
fn evaluation_follows_the_references() {
    for plan in example_plans() {
        let model = report_of(&plan).model;
        let order = model.evaluation_order();
        assert_eq!(order.len(), model.quantities.len() + 1);
        let position = |step: Step| order.iter().position(|s| *s == step).unwrap();
        let timeline_at = position(Step::Timeline);
        let row_ids: Vec<&str> = model.timeline.iter().map(|t| t.id.as_str()).collect();
        let at = |id: &str| -> Option<usize> {
            if row_ids.contains(&id) {
                return Some(timeline_at);
            }
            let k = model.quantities.iter().position(|q| q.id == id)?;
            Some(position(Step::Quantity(k)))
        };
        let mut after_timeline = 0;
        for (k, q) in model.quantities.iter().enumerate() {
            let here = position(Step::Quantity(k));
            for id in q.expr.refs() {
                if let Some(there) = at(&id) {
                    assert!(there < here, "{}: {} before {id}", plan.display(), q.id);
                }
            }
            after_timeline += usize::from(here > timeline_at);
        }
        for t in &model.timeline {
            for id in t.expr.refs() {
                if let Some(there) = at(&id).filter(|&p| p != timeline_at) {
                    assert!(
                        there < timeline_at,
                        "{}: the timeline before {id}",
                        plan.display()
                    );
                }
            }
        }
        // The cash flow figures and the checks that read them come after it.
        assert!(after_timeline >= 5, "{}: {after_timeline}", plan.display());
    }
}

#[test]
fn looking_up_a_missing_figure_does_not_panic() {
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    assert_eq!(r.get("no_such_figure"), None);
    assert_eq!(
        r.value("no_such_figure"),
        &finetune_roi::model::expr::Value::Never
    );
    assert_eq!(r.num("no_such_figure"), None);
    assert_eq!(r.get("monthly_savings"), Some(r.value("monthly_savings")));
    let case = r.plan_case();
    assert_eq!(case.get(&r, "no_such_figure"), None);
    assert!(r.show("no_such_figure").contains("never"));
}
