//! Quantities say what they are for (the checks are the Checks sheet), the
//! evaluation order follows the references, and looking a figure up never
//! panics.

use finetune_roi::model::{Role, Sheet, Step};

use super::common::*;

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
        // A case (a sensitivity or tornado column) has no timeline: it
        // evaluates nothing of the cash flow, the checks or the verdict, and
        // every quantity of the component sheets that does not read the
        // timeline.
        let in_cases: Vec<&str> = r.model.case_quantities().map(|q| q.id.as_str()).collect();
        for (k, q) in r.model.quantities.iter().enumerate() {
            let outside = matches!(q.sheet, Sheet::CashFlow | Sheet::Checks | Sheet::Comparison);
            let expected = !outside && !r.model.needs_timeline(k);
            assert_eq!(
                in_cases.contains(&q.id.as_str()),
                expected,
                "{}: {}",
                plan.display(),
                q.id
            );
        }
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
        &finetune_roi::value::Value::Never
    );
    assert_eq!(r.num("no_such_figure"), None);
    assert_eq!(r.get("monthly_savings"), Some(r.value("monthly_savings")));
    let case = r.plan_case();
    assert_eq!(case.get(&r, "no_such_figure"), None);
    assert!(r.show("no_such_figure").contains("never"));
}
