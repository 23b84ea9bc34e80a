//! 年度投资计划 from a form, and where a project stands against it (the year's completion and
//! the gap to 序时进度, as the `schedule_behind` rule counts it).

use chrono::NaiveDate;
use duikou_core::input::Input;
use duikou_core::warnings::{AnnualPlan, YearProgress};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

fn form(pairs: &[(&str, &str)]) -> Input {
    Input::from_pairs(pairs.iter().copied())
}

#[test]
fn a_plan_reads_its_amount_in_wan_and_its_curve_in_per_cents() {
    let p = AnnualPlan::from_input(&form(&[
        ("year", "2026"),
        ("amount", "12000"),
        ("curve", "5 10 15，20、30 40 50 60 70 80 90.5 100%"),
    ]))
    .unwrap();
    assert_eq!(p.year, 2026);
    assert_eq!(p.amount_yuan, 120_000_000);
    assert_eq!(
        p.curve,
        Some(vec![
            50, 100, 150, 200, 300, 400, 500, 600, 700, 800, 905, 1000
        ])
    );
    assert_eq!(p.curve_text(), "5 10 15 20 30 40 50 60 70 80 90.5 100");
    let linear = AnnualPlan::from_input(&form(&[("year", "2026"), ("amount", "1.2亿")])).unwrap();
    assert_eq!((linear.amount_yuan, linear.curve), (120_000_000, None));
}

#[test]
fn every_bad_field_of_a_plan_is_named() {
    let errs = AnnualPlan::from_input(&form(&[
        ("year", "明年"),
        ("amount", "很多"),
        ("curve", "10 20 x"),
    ]))
    .unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["year", "amount", "curve"]);
    // A curve that falls, or stops short of the whole plan, is refused beside the field.
    for curve in [
        "10 20 30 40 50 60 70 80 90 95 99 98",
        "10 20 30",
        "5 10 15 20 25 30 35 40 45 50 55 90",
    ] {
        let errs = AnnualPlan::from_input(&form(&[
            ("year", "2026"),
            ("amount", "100"),
            ("curve", curve),
        ]))
        .unwrap_err();
        assert_eq!(errs[0].field, "curve", "{curve}");
    }
}

#[test]
fn the_year_counts_from_the_last_report_before_it_and_the_gap_as_the_rule_does() {
    let plan = AnnualPlan {
        year: 2026,
        amount_yuan: 120_000_000,
        curve: None,
    };
    let reports = [
        (d(2025, 12, 31), 300_000_000),
        (d(2026, 3, 31), 320_000_000),
        (d(2026, 6, 30), 340_000_000),
        // After the day asked about: not counted.
        (d(2026, 9, 30), 400_000_000),
    ];
    let p = YearProgress::of(&plan, reports, d(2026, 7, 15));
    assert_eq!(p.months, 6);
    assert_eq!(p.expected_yuan, 60_000_000);
    assert_eq!(p.actual_yuan, 40_000_000);
    assert_eq!(p.done_percent().as_deref(), Some("33.3"));
    assert_eq!(p.expected_percent().as_deref(), Some("50.0"));
    assert_eq!(p.behind_points().as_deref(), Some("16.6"));
    // A year gone by expects the whole plan; nothing reported this year is nothing done.
    let later = YearProgress::of(&plan, [(d(2025, 12, 31), 300_000_000)], d(2027, 2, 1));
    assert_eq!(
        (later.months, later.expected_yuan, later.actual_yuan),
        (12, 120_000_000, 0)
    );
    let none = AnnualPlan {
        amount_yuan: 0,
        ..plan
    };
    assert_eq!(
        YearProgress::of(&none, [], d(2026, 7, 1)).behind_points(),
        None
    );
}

proptest! {
    /// A valid curve shown on the form reads back as the same curve.
    #[test]
    fn a_curve_shown_reads_back_the_same(mut steps in proptest::collection::vec(0i64..=1000, 11)) {
        steps.sort_unstable();
        steps.push(1000);
        let plan = AnnualPlan { year: 2026, amount_yuan: 1, curve: Some(steps.clone()) };
        let text = plan.curve_text();
        let back = AnnualPlan::from_input(&form(&[("year", "2026"), ("amount", "1元"), ("curve", &text)]))
            .unwrap();
        prop_assert_eq!(back.curve, Some(steps));
    }

    /// Whatever is typed, reading a plan never panics and names only the form's fields.
    #[test]
    fn reading_a_plan_never_panics(year in ".{0,8}", amount in ".{0,12}", curve in ".{0,40}") {
        if let Err(errs) = AnnualPlan::from_input(&form(&[("year", &year), ("amount", &amount), ("curve", &curve)])) {
            prop_assert!(errs.iter().all(|e| ["year", "amount", "curve"].contains(&e.field.as_str())));
        }
    }
}
