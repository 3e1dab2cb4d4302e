//! The whole cost of ownership: the net present value, the internal rate of
//! return and the discounted payback against a computation written out here,
//! the running costs and the API's price trend on the timeline, and the
//! trend at which the verdict flips.

use finetune_roi::report::{PriceFlip, Report};
use ironcalc::base::cell::CellValue;

use super::common::*;

fn fixture() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/time_value/tco.yaml")).unwrap()
}

fn num(r: &Report, id: &str) -> f64 {
    r.num(id)
        .unwrap_or_else(|| panic!("{id} is {:?}", r.value(id)))
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
        "{what}: {a} against {b}"
    );
}

/// The net present value of monthly flows, month 0 first, at a yearly rate.
fn npv(flows: &[f64], rate_per_year: f64) -> f64 {
    flows
        .iter()
        .enumerate()
        .map(|(t, x)| x / (1.0 + rate_per_year).powf(t as f64 / 12.0))
        .sum()
}

/// The monthly rate at which the flows' discounted sum is zero, by Newton's
/// method from 10% a month.
fn irr_monthly(flows: &[f64]) -> f64 {
    let mut rate: f64 = 0.1;
    for _ in 0..100 {
        let (mut f, mut df) = (0.0, 0.0);
        for (t, x) in flows.iter().enumerate() {
            let t = t as f64;
            f += x / (1.0 + rate).powf(t);
            df -= t * x / (1.0 + rate).powf(t + 1.0);
        }
        let step = f / df;
        rate -= step;
        if step.abs() < 1e-14 {
            break;
        }
    }
    rate
}

/// Months until the discounted running total is no longer negative, with
/// the part of the month it takes.
fn discounted_payback(flows: &[f64], rate_per_year: f64) -> Option<f64> {
    let mut total = 0.0;
    for (t, x) in flows.iter().enumerate() {
        let d = x / (1.0 + rate_per_year).powf(t as f64 / 12.0);
        let before = total;
        total += d;
        if t > 0 && total >= 0.0 {
            return Some((t - 1) as f64 + (-before) / d);
        }
    }
    None
}

/// The tco fixture's monthly flows, written out from its inputs: month 0
/// pays the project; each month after, the API bill at the month's traffic
/// and prices less fixed serving, storage, the review delta at the month's
/// traffic, maintenance, and a retraining in months 6 and 12.
fn tco_flows(r: &Report) -> Vec<f64> {
    let lifetime = num(r, "lifetime_months") as usize;
    let rate = 150.0;
    let retraining = 2.0 * 12.0 + 8.0 * rate;
    let mut flows = vec![-num(r, "total_project_cost")];
    for t in 1..=lifetime {
        let growth = 1.02f64.powi(t as i32 - 1);
        let prices = 0.7f64.powf((t as f64 - 1.0) / 12.0);
        let api = num(r, "monthly_api_cost") * growth * prices;
        let review = num(r, "monthly_quality_cost_delta") * growth;
        let retrain = if t % 6 == 0 && t < lifetime {
            retraining
        } else {
            0.0
        };
        flows.push(
            api - num(r, "monthly_serving_cost")
                - num(r, "monthly_storage_cost")
                - review
                - 10.0 * rate
                - retrain,
        );
    }
    flows
}

/// The flat flows of a plan without growth, trend or running costs: the
/// lesson's savings before amortization every month.
fn flat_flows(r: &Report) -> Vec<f64> {
    let lifetime = num(r, "lifetime_months") as usize;
    let mut flows = vec![-num(r, "total_project_cost")];
    flows.extend(std::iter::repeat_n(
        num(r, "monthly_savings_before_amortization"),
        lifetime,
    ));
    flows
}

/// The time-value figures of a report against the written-out flows.
fn agrees(r: &Report, flows: &[f64], name: &str) {
    let rate = num(r, "discount_rate_per_year");
    let net: Vec<f64> = r.timeline["cf_net"]
        .iter()
        .map(|v| v.as_num().unwrap())
        .collect();
    assert_eq!(net.len(), flows.len(), "{name}");
    for (t, (a, b)) in net.iter().zip(flows).enumerate() {
        close(*a, *b, &format!("{name}: net cash flow of month {t}"));
    }
    close(num(r, "npv"), npv(flows, rate), &format!("{name}: npv"));
    let monthly = irr_monthly(flows);
    close(num(r, "irr_monthly"), monthly, &format!("{name}: irr"));
    close(
        num(r, "irr_annual"),
        (1.0 + monthly).powi(12) - 1.0,
        &format!("{name}: annual irr"),
    );
    // At the rate of return the flows are worth nothing today.
    let at_irr: f64 = flows
        .iter()
        .enumerate()
        .map(|(t, x)| x / (1.0 + num(r, "irr_monthly")).powi(t as i32))
        .sum();
    assert!(at_irr.abs() < 1e-6 * flows[0].abs(), "{name}: {at_irr}");
    close(
        num(r, "discounted_payback_months"),
        discounted_payback(flows, rate).unwrap(),
        &format!("{name}: discounted payback"),
    );
}

/// The time-value cells of a report's workbook as IronCalc recalculates
/// them, each a number.
fn recalculated(r: &Report, ids: &[&str]) -> Vec<f64> {
    ids.iter()
        .zip(recalculated_cells(r, ids))
        .map(|(id, v)| match v {
            CellValue::Number(x) => x,
            other => panic!("{id} recalculates to {other:?}"),
        })
        .collect()
}

#[test]
fn npv_irr_and_discounted_payback_equal_the_flows_written_out() {
    let tco = report_of_text(&fixture());
    agrees(&tco, &tco_flows(&tco), "tco");
    for plan in ["customer-support-50m.yaml", "startup-gpt4-8k.yaml"] {
        let r = report_of(&root().join("inputs").join(plan));
        agrees(&r, &flat_flows(&r), plan);
    }
}

#[test]
fn the_workbook_recalculates_the_time_value_figures() {
    let ids = [
        "npv",
        "irr_monthly",
        "irr_annual",
        "discounted_payback_months",
    ];
    for r in [
        report_of_text(&fixture()),
        report_of(&root().join("inputs/customer-support-50m.yaml")),
    ] {
        for (id, x) in ids.iter().zip(recalculated(&r, &ids)) {
            close(x, num(&r, id), &format!("{id} in IronCalc"));
        }
    }
}

#[test]
fn without_discounting_the_present_value_is_the_lifetime_net() {
    for plan in example_plans() {
        let text = std::fs::read_to_string(&plan).unwrap();
        let text = match text.find("discount_rate_per_year: ") {
            Some(_) => replace_once(
                &text,
                "discount_rate_per_year: 0.10\n",
                "discount_rate_per_year: 0\n",
            ),
            None => format!("discount_rate_per_year: 0\n{text}"),
        };
        let r = report_of_text(&text);
        let name = plan.display().to_string();
        close(
            num(&r, "npv"),
            num(&r, "lifetime_net"),
            &format!("{name}: npv"),
        );
        assert_eq!(
            r.value("discounted_payback_months"),
            r.value("payback_months"),
            "{name}"
        );
        // Discounting only ever lowers a positive net.
        let discounted = report_of(&plan);
        if num(&r, "npv") > 0.0 {
            assert!(num(&discounted, "npv") < num(&r, "npv"), "{name}");
        }
    }
}

#[test]
fn running_costs_and_the_price_trend_fall_in_their_months() {
    let r = report_of_text(&fixture());
    let row =
        |id: &str| -> Vec<f64> { r.timeline[id].iter().map(|v| v.as_num().unwrap()).collect() };
    let retraining = row("cf_retraining_cost");
    let months: Vec<usize> = (0..retraining.len())
        .filter(|&t| retraining[t] > 0.0)
        .collect();
    assert_eq!(months, vec![6, 12]);
    assert_eq!(retraining[6], 2.0 * 12.0 + 8.0 * 150.0);
    let maintenance = row("cf_maintenance_cost");
    assert_eq!(maintenance[0], 0.0);
    assert!(maintenance[1..].iter().all(|x| *x == 1500.0));
    // A year on, the API's prices are 70% of today's.
    close(row("cf_api_price_factor")[13], 0.7, "prices in month 13");
    // With no running cost given, the warning says what would end the case.
    let bare = fixture()
        .replace("  maintenance_hours_per_month: 10\n", "")
        .replace("  retrain_every_months: 6\n", "");
    let r = report_of_text(&bare);
    assert!(num(&r, "npv") > 0.0);
    let hours = num(&r, "maintenance_hours_to_break_even");
    let warning = r.value("warning_no_running_cost").to_excel_result();
    assert!(
        warning.contains(&format!("About {} hours a month", hours.round())),
        "{warning}"
    );
    // And at those hours the net present value is zero.
    let at = bare.replace(
        "  hours_per_retrain: 8\n",
        &format!("  hours_per_retrain: 8\n  maintenance_hours_per_month: {hours}\n"),
    );
    let r = report_of_text(&at);
    assert!(num(&r, "npv").abs() < 1e-6, "{}", num(&r, "npv"));
}

#[test]
fn the_price_trend_at_which_the_verdict_flips_flips_it() {
    let text = std::fs::read_to_string(root().join("inputs/customer-support-50m.yaml")).unwrap();
    let r = report_of_text(&text);
    assert_eq!(r.verdict(), "Fine-tune");
    let PriceFlip::At(flip) = r.price_flip else {
        panic!("{:?}", r.price_flip)
    };
    assert!((-1.0..0.0).contains(&flip), "{flip}");
    let with_trend = |trend: f64| {
        let t = replace_once(
            &text,
            "baseline:\n",
            &format!("baseline:\n  price_change_per_year: {trend}\n"),
        );
        report_of_text(&t)
    };
    assert_eq!(with_trend(flip + 0.001).verdict(), "Fine-tune");
    assert_eq!(with_trend(flip - 0.001).verdict(), "Stay on the API");
    // A ranged trend is a bar of the tornado.
    let ranged = replace_once(
        &text,
        "baseline:\n",
        "baseline:\n  price_change_per_year: [-0.4, 0.0]\n",
    );
    let r = report_of_text(&ranged);
    assert!(
        r.tornado
            .iter()
            .any(|case| case.inputs.contains_key("api_price_change_per_year")),
        "{:?}",
        r.tornado.iter().map(|c| &c.id).collect::<Vec<_>>()
    );
}

#[test]
fn quiet_hours_scale_the_serving_bill() {
    let text = std::fs::read_to_string(root().join("inputs/customer-support-50m.yaml")).unwrap();
    let with = |off_peak: &str| {
        report_of_text(&replace_once(
            &text,
            "  throughput_tokens_per_second: 5000\n",
            &format!("  throughput_tokens_per_second: 5000\n  off_peak: {off_peak}\n"),
        ))
    };
    let base = report_of_text(&text);
    let serving = |r: &Report| num(r, "monthly_serving_cost");
    assert_eq!(serving(&base), 1.03 * 24.0 * 30.0 * 4.0);
    // The lesson's example: six quiet hours with nothing running save a
    // quarter of the serving bill, when no traffic needs serving then.
    let idle = with("{hours: 6, instances: 0}");
    close(serving(&idle), 0.75 * serving(&base), "six idle hours");
    let timeline: f64 = idle.timeline["cf_serving_cost"][1].as_num().unwrap();
    close(timeline, serving(&idle), "month 1 on the timeline");
    // With a tenth of the traffic in those hours, auto sizing keeps the one
    // instance that traffic needs: 18 hours × 4 + 6 hours × 1.
    let night = with("{hours: 6, instances: 0, traffic_share: 0.1}");
    assert_eq!(num(&night, "off_peak_instances_costed"), 1.0);
    close(
        serving(&night),
        1.03 * 30.0 * (18.0 * 4.0 + 6.0),
        "a tenth at night",
    );
    assert!(night.feasible());
    // Held at zero (fixed sizing), that traffic has nothing to serve it.
    let fixed = with("{hours: 6, instances: 0, traffic_share: 0.1}\n  sizing: fixed");
    assert!(!fixed.feasible());
    assert_ne!(fixed.verdict(), "Fine-tune");
    // The serving price at which the verdict flips counts the quiet hours:
    // just below it the net present value is positive, just above negative.
    let flip = idle
        .levers
        .iter()
        .find(|l| l.input == "serving.cost_per_hour")
        .expect("a serving-price lever")
        .flips_at;
    let npv_at = |price: f64| {
        let at = replace_once(
            &replace_once(
                &text,
                "  throughput_tokens_per_second: 5000\n",
                "  throughput_tokens_per_second: 5000\n  off_peak: {hours: 6, instances: 0}\n",
            ),
            "cost_per_hour: 1.03",
            &format!("cost_per_hour: {price}"),
        );
        num(&report_of_text(&at), "npv")
    };
    assert!(npv_at(flip * 0.999) > 0.0);
    assert!(npv_at(flip * 1.001) < 0.0);
}

/// The net cash flow of a report, month 0 first.
fn net_flows(r: &Report) -> Vec<f64> {
    r.timeline["cf_net"]
        .iter()
        .map(|v| v.as_num().unwrap())
        .collect()
}

/// How many times the flows turn between negative and not negative.
fn turns(flows: &[f64]) -> usize {
    flows
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count()
}

#[test]
fn a_project_that_recovers_part_of_its_cost_has_a_negative_rate_of_return() {
    // Twenty thousand training runs: every month saves money, but the
    // lifetime does not repay the project.
    let text = replace_once(&fixture(), "runs: 10\n", "runs: 20000\n");
    let r = report_of_text(&text);
    let flows = net_flows(&r);
    assert_eq!(turns(&flows), 1, "{flows:?}");
    assert!(flows.iter().sum::<f64>() < 0.0, "{flows:?}");
    // The rate at which the flows are worth nothing today: a negative one.
    let monthly = num(&r, "irr_monthly");
    assert!(monthly < 0.0, "{monthly}");
    let at_irr: f64 = flows
        .iter()
        .enumerate()
        .map(|(t, x)| x / (1.0 + monthly).powi(t as i32))
        .sum();
    assert!(at_irr.abs() < 1e-6 * flows[0].abs(), "{at_irr}");
    close(
        num(&r, "irr_annual"),
        (1.0 + monthly).powi(12) - 1.0,
        "negative annual irr",
    );
    // The workbook's IRR finds the same negative rate.
    let ids = ["irr_monthly", "irr_annual"];
    for (id, x) in ids.iter().zip(recalculated(&r, &ids)) {
        close(x, num(&r, id), &format!("{id} in IronCalc"));
    }
    let md = finetune_roi::render::memo::render_markdown(&r);
    assert!(md.contains(&finetune_roi::format::percent(num(&r, "irr_annual"))));
}

#[test]
fn flows_that_change_sign_twice_have_no_single_rate_of_return() {
    // The API's prices fall 90% a year: the savings turn into losses late in
    // the lifetime, so the flows go negative, positive, negative.
    let text = replace_once(
        &fixture(),
        "price_change_per_year: -0.30",
        "price_change_per_year: -0.90",
    );
    let r = report_of_text(&text);
    let flows = net_flows(&r);
    assert!(turns(&flows) >= 2, "{flows:?}");
    assert_eq!(num(&r, "cf_sign_changes"), turns(&flows) as f64);
    let words = "not unique (use the net present value)";
    for id in ["irr_monthly", "irr_annual"] {
        assert_eq!(r.value(id).as_text(), Some(words), "{id}");
    }
    // The recalculated workbook counts the same changes and says the same.
    let mut cells = recalculated_cells(&r, &["cf_sign_changes", "irr_annual"]).into_iter();
    assert_eq!(cells.next(), Some(CellValue::Number(turns(&flows) as f64)));
    assert_eq!(cells.next(), Some(CellValue::String(words.to_string())));
    let md = finetune_roi::render::memo::render_markdown(&r);
    assert!(md.contains(words));
}

#[test]
fn a_rate_of_return_past_a_thousand_percent_reads_as_such() {
    let r = report_of(&root().join("inputs/whole-cost-of-ownership.yaml"));
    let annual = num(&r, "irr_annual");
    assert!(annual > 10.0, "{annual}");
    let md = finetune_roi::render::memo::render_markdown(&r);
    assert!(md.contains("over 1,000%"));
    assert!(!md.contains(&format!("{:.1}%", annual * 100.0)));
}
