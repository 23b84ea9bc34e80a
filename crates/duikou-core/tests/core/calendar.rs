//! The working-day calendar against the official notices 2019–2026, hand-worked examples,
//! CSV loading errors, and properties of the counting conventions.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use duikou_core::calendar::{
    Answer, CalendarEntry, CalendarError, DayKind, Location, WorkCalendar,
};
use proptest::prelude::*;

const SHIPPED: &str = include_str!("../../data/cn-holidays.csv");

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn cal() -> &'static WorkCalendar {
    WorkCalendar::official()
}

/// The shipped CSV read by a parser independent of the crate's: (date, kind, notice year).
fn shipped_rows() -> Vec<(NaiveDate, String, i32)> {
    SHIPPED
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 4, "row {l}");
            let d = NaiveDate::parse_from_str(f[0], "%Y-%m-%d").expect("date");
            (d, f[1].to_owned(), f[3].parse().expect("year"))
        })
        .collect()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

// ---------------------------------------------------------------------------------------
// The shipped data against the notices.

#[test]
fn every_off_row_of_the_shipped_csv_is_not_a_working_day() {
    let rows = shipped_rows();
    let offs: Vec<_> = rows.iter().filter(|r| r.1 == "off").collect();
    assert!(offs.len() > 200);
    for (d, _, _) in offs {
        assert!(!cal().is_working_day(*d).value, "{d} should be a day off");
    }
}

#[test]
fn every_work_row_of_the_shipped_csv_is_a_working_weekend_day() {
    let rows = shipped_rows();
    let works: Vec<_> = rows.iter().filter(|r| r.1 == "work").collect();
    assert!(works.len() > 40);
    for (d, _, _) in works {
        assert!(
            is_weekend(*d),
            "{d} is a make-up day, so a Saturday or Sunday"
        );
        assert!(
            cal().is_working_day(*d).value,
            "{d} should be a working day"
        );
    }
}

#[test]
fn the_shipped_calendar_holds_all_285_rows_and_covers_exactly_2019_to_2026() {
    assert_eq!(shipped_rows().len(), 285);
    assert_eq!(cal().entries().count(), 285);
    assert_eq!(
        cal().covered_years().collect::<Vec<_>>(),
        (2019..=2026).collect::<Vec<_>>()
    );
    assert!(!cal().is_covered(2018) && !cal().is_covered(2027));
    assert_eq!(WorkCalendar::official_csv(), SHIPPED);
}

#[test]
fn each_notice_grants_11_extra_weekday_rests_before_2025_13_in_2020_and_13_from_2025() {
    let rows = shipped_rows();
    for (year, expected) in [
        (2019, 11),
        (2020, 13),
        (2021, 11),
        (2022, 11),
        (2023, 11),
        (2024, 11),
        (2025, 13),
        (2026, 13),
    ] {
        let weekday_offs = rows
            .iter()
            .filter(|r| r.2 == year && r.1 == "off" && !is_weekend(r.0))
            .count() as i64;
        let weekend_works = rows.iter().filter(|r| r.2 == year && r.1 == "work").count() as i64;
        assert_eq!(weekday_offs - weekend_works, expected, "notice {year}");
    }
}

#[test]
fn working_days_per_calendar_year_match_the_hand_count() {
    // Weekdays of the year minus the extra rest days falling in that calendar year. 2019:
    // 261 − 11 (its notice's 2018-12-29 work and 2018-12-31 off cancel out in 2018);
    // 2022: 2022-12-31 (2023 notice) is a Saturday, so no change.
    for (year, weekdays, expected) in [
        (2019, 261, 250),
        (2020, 262, 249),
        (2021, 261, 250),
        (2022, 260, 249),
        (2023, 260, 249),
        (2024, 262, 251),
        (2025, 261, 248),
        (2026, 261, 248),
    ] {
        let all =
            WorkCalendar::default().working_days_inclusive(date(year, 1, 1), date(year, 12, 31));
        assert_eq!(all.value, weekdays, "weekdays of {year}");
        let n = cal().working_days_inclusive(date(year, 1, 1), date(year, 12, 31));
        assert_eq!(n.value, expected, "working days of {year}");
        assert!(!n.is_estimated());
    }
}

#[test]
fn a_year_without_a_notice_counts_weekdays_only_and_says_so() {
    let n = cal().working_days_inclusive(date(2027, 1, 1), date(2027, 12, 31));
    assert_eq!(n.value, 261);
    assert_eq!(n.uncovered_years, vec![2027]);
    let before = cal().is_working_day(date(2018, 10, 1)); // a Monday, 国庆 of 2018 not loaded
    assert!(before.value);
    assert_eq!(before.uncovered_years, vec![2018]);
}

#[test]
fn days_not_listed_follow_the_weekend_rule() {
    // 2020-02-03: "2月3日起正常上班" — an ordinary Monday, deliberately not a `work` row.
    assert!(cal().is_working_day(date(2020, 2, 3)).value);
    assert!(cal().entry(date(2020, 2, 3)).is_none());
    assert!(!cal().is_working_day(date(2024, 3, 2)).value); // a plain Saturday
    assert!(cal().is_working_day(date(2024, 3, 4)).value); // a plain Monday
                                                           // The cancelled 2020-02-01 make-up day (Saturday) is a day off after the extension.
    assert!(!cal().is_working_day(date(2020, 2, 1)).value);
    assert_eq!(
        cal().entry(date(2024, 10, 1)).map(|e| e.name.as_str()),
        Some("国庆节")
    );
}

// ---------------------------------------------------------------------------------------
// Hand-worked examples.

#[test]
fn three_working_days_after_friday_2024_09_27_is_tuesday_2024_10_08() {
    // 09-27 (start, not counted); 09-28 Sat off; 09-29 Sun 调休上班 (1); 09-30 Mon (2);
    // 10-01..07 国庆 off; 10-08 Tue (3).
    let a = cal().add_working_days(date(2024, 9, 27), 3);
    assert_eq!(a.value, date(2024, 10, 8));
    assert!(!a.is_estimated());
    assert_eq!(
        cal().add_working_days(date(2024, 9, 27), 1).value,
        date(2024, 9, 29)
    );
    assert_eq!(
        cal().add_working_days(date(2024, 10, 8), -3).value,
        date(2024, 9, 27)
    );
    assert_eq!(
        cal()
            .working_days_between(date(2024, 9, 27), date(2024, 10, 8))
            .value,
        3
    );
    assert_eq!(
        cal()
            .working_days_between(date(2024, 10, 8), date(2024, 9, 27))
            .value,
        -3
    );
}

#[test]
fn counting_across_spring_festival_2025_skips_the_eight_days_and_uses_the_makeup_sunday() {
    // 01-25 Sat off; 01-26 Sun work (1); 01-27 Mon (2); 01-28..02-04 off; 02-05 Wed (3).
    assert_eq!(
        cal().add_working_days(date(2025, 1, 24), 3).value,
        date(2025, 2, 5)
    );
    assert_eq!(
        cal().add_working_days(date(2025, 2, 5), -3).value,
        date(2025, 1, 24)
    );
    assert_eq!(
        cal().add_working_days(date(2025, 1, 27), 1).value,
        date(2025, 2, 5)
    );
    // 02-08 (Sat) is a make-up working day.
    assert_eq!(
        cal().add_working_days(date(2025, 2, 7), 1).value,
        date(2025, 2, 8)
    );
    assert_eq!(
        cal()
            .working_days_inclusive(date(2025, 1, 27), date(2025, 2, 9))
            .value,
        5
    );
}

#[test]
fn counting_across_spring_festival_2026_skips_the_nine_days() {
    // 02-14 Sat work (1); 02-15..23 off; 02-24 Tue (2).
    assert_eq!(
        cal().add_working_days(date(2026, 2, 13), 2).value,
        date(2026, 2, 24)
    );
    assert_eq!(
        cal()
            .working_days_between(date(2026, 2, 13), date(2026, 2, 24))
            .value,
        2
    );
    // 02-28 (Sat) is a make-up working day: Mon 02-23 is off, so 02-24..02-28 is 5 days.
    assert_eq!(
        cal()
            .working_days_inclusive(date(2026, 2, 23), date(2026, 2, 28))
            .value,
        5
    );
}

#[test]
fn answers_that_reach_into_2027_are_flagged_as_estimates() {
    // 2027-10-01 is a Friday: a working day by the weekend rule, surely not in reality.
    let a = cal().add_working_days(date(2027, 9, 30), 1);
    assert_eq!(a.value, date(2027, 10, 1));
    assert_eq!(a.uncovered_years, vec![2027]);
    // From 2026 into 2027: 12-31 Thu (1), 2027-01-01 Fri (2), 01-04 Mon (3).
    let b = cal().add_working_days(date(2026, 12, 30), 3);
    assert_eq!(b.value, date(2027, 1, 4));
    assert!(b.is_estimated());
    assert_eq!(b.uncovered_years, vec![2027]);
    // Staying inside 2026 is not flagged.
    let c = cal().add_working_days(date(2026, 12, 1), 5);
    assert_eq!(c.value, date(2026, 12, 8));
    assert!(!c.is_estimated());
    // A span over several uncovered years lists each once, ascending.
    let d = cal().working_days_between(date(2026, 6, 1), date(2029, 6, 1));
    assert_eq!(d.uncovered_years, vec![2027, 2028, 2029]);
    assert!(d.map(|n| n > 0).value);
}

#[test]
fn adding_zero_gives_the_day_itself_or_the_next_working_day() {
    assert_eq!(
        cal().add_working_days(date(2024, 10, 1), 0).value,
        date(2024, 10, 8)
    );
    assert_eq!(
        cal().add_working_days(date(2024, 10, 8), 0).value,
        date(2024, 10, 8)
    );
    assert_eq!(
        cal().add_working_days(date(2024, 9, 29), 0).value,
        date(2024, 9, 29)
    );
    assert_eq!(
        cal().add_working_days(date(2024, 9, 28), 0).value,
        date(2024, 9, 29)
    );
}

#[test]
fn the_start_day_never_counts_even_when_it_is_a_day_off() {
    assert_eq!(
        cal().add_working_days(date(2024, 9, 28), 1).value,
        date(2024, 9, 29)
    );
    assert_eq!(
        cal().add_working_days(date(2024, 9, 29), 1).value,
        date(2024, 9, 30)
    );
    assert_eq!(
        cal().add_working_days(date(2024, 10, 3), 1).value,
        date(2024, 10, 8)
    );
    assert_eq!(
        cal().add_working_days(date(2024, 10, 3), -1).value,
        date(2024, 9, 30)
    );
}

#[test]
fn the_inclusive_count_includes_both_ends_and_is_zero_for_a_reversed_range() {
    // October 2024: 23 weekdays − 5 weekday offs (10-01..04, 10-07) + 10-12 (Sat work) = 19.
    assert_eq!(
        cal()
            .working_days_inclusive(date(2024, 10, 1), date(2024, 10, 31))
            .value,
        19
    );
    assert_eq!(
        cal()
            .working_days_inclusive(date(2024, 10, 8), date(2024, 10, 8))
            .value,
        1
    );
    assert_eq!(
        cal()
            .working_days_inclusive(date(2024, 10, 7), date(2024, 10, 7))
            .value,
        0
    );
    let reversed = cal().working_days_inclusive(date(2024, 10, 31), date(2024, 10, 1));
    assert_eq!(
        reversed,
        Answer {
            value: 0,
            uncovered_years: vec![]
        }
    );
}

#[test]
fn the_nth_working_day_of_a_month_or_quarter_counts_from_either_end() {
    assert_eq!(
        cal().nth_working_day_of(2024, 10, 1).map(|a| a.value),
        Some(date(2024, 10, 8))
    );
    assert_eq!(
        cal().nth_working_day_of(2024, 10, 19).map(|a| a.value),
        Some(date(2024, 10, 31))
    );
    assert_eq!(
        cal().nth_working_day_of(2024, 10, -1).map(|a| a.value),
        Some(date(2024, 10, 31))
    );
    assert_eq!(
        cal().nth_working_day_of(2024, 10, -19).map(|a| a.value),
        Some(date(2024, 10, 8))
    );
    assert_eq!(
        cal().nth_working_day_of(2025, 2, 1).map(|a| a.value),
        Some(date(2025, 2, 5))
    );
    assert_eq!(cal().nth_working_day_of(2024, 10, 20), None);
    assert_eq!(cal().nth_working_day_of(2024, 10, -20), None);
    assert_eq!(cal().nth_working_day_of(2024, 10, 0), None);
    assert_eq!(cal().nth_working_day_of(2024, 13, 1), None);
    assert_eq!(
        cal()
            .nth_working_day_of_quarter(2024, 4, 1)
            .map(|a| a.value),
        Some(date(2024, 10, 8))
    );
    assert_eq!(
        cal()
            .nth_working_day_of_quarter(2025, 1, 1)
            .map(|a| a.value),
        Some(date(2025, 1, 2))
    );
    assert_eq!(
        cal()
            .nth_working_day_of_quarter(2024, 4, -1)
            .map(|a| a.value),
        Some(date(2024, 12, 31))
    );
    assert_eq!(cal().nth_working_day_of_quarter(2024, 5, 1), None);
    let est = cal().nth_working_day_of(2027, 10, 1).expect("exists");
    assert_eq!(
        (est.value, est.uncovered_years),
        (date(2027, 10, 1), vec![2027])
    );
}

#[test]
fn large_distances_are_computed_without_walking_day_by_day() {
    let far = cal().add_working_days(date(2024, 1, 1), 5_000_000);
    assert_eq!(
        cal()
            .working_days_between(date(2024, 1, 1), far.value)
            .value,
        5_000_000
    );
    assert!(cal().is_working_day(far.value).value);
    // 2024-01-01 (元旦) is not a working day, so going back lands on the working day before
    // the first counted one (01-02): Friday 2023-12-29.
    let back = cal().add_working_days(far.value, -5_000_000);
    assert_eq!(back.value, date(2023, 12, 29));
    let from_working = cal().add_working_days(date(2024, 1, 2), 5_000_000).value;
    assert_eq!(from_working, cal().add_working_days(far.value, 1).value);
    assert_eq!(
        cal().add_working_days(from_working, -5_000_000).value,
        date(2024, 1, 2)
    );
    assert_eq!(far.uncovered_years.first(), Some(&2027));
    assert!(cal()
        .checked_add_working_days(date(2024, 1, 1), i64::MAX)
        .is_none());
}

// ---------------------------------------------------------------------------------------
// Loading schedules.

fn csv_err(text: &str) -> CalendarError {
    WorkCalendar::from_csv(text).expect_err("should be rejected")
}

#[test]
fn a_bad_date_names_its_line_and_column() {
    let err = csv_err("date,kind,name,year\n2019-01-01,off,元旦,2019\n2019-02-30,off,春节,2019\n");
    assert_eq!(err.to_string(), "第3行第1列：日期无效：2019-02-30");
    assert!(matches!(
        err,
        CalendarError::BadDate {
            at: Location::Line { line: 3, column: 1 },
            ..
        }
    ));
}

#[test]
fn a_work_row_on_a_weekday_is_rejected_with_its_line() {
    let err = csv_err("date,kind,name,year\n2019-02-04,work,春节,2019\n");
    assert_eq!(
        err.to_string(),
        "第2行第1列：调休上班日 2019-02-04 是星期一，应为周六或周日"
    );
}

#[test]
fn an_unknown_kind_is_rejected_with_its_line_and_column() {
    let err = csv_err("date,kind,name,year\n\n2019-02-04,holiday,春节,2019\n");
    assert_eq!(
        err.to_string(),
        "第3行第2列：类型无效：holiday（应为 off 或 work）"
    );
}

#[test]
fn a_date_listed_twice_with_different_kinds_names_both_lines() {
    let err =
        csv_err("2019-02-02,work,春节,2019\n2019-02-03,work,春节,2019\n2019-02-02,off,春节,2019\n");
    assert_eq!(
        err.to_string(),
        "第3行第2列：日期 2019-02-02 重复且类型冲突：第1行第2列 为 work，此处为 off"
    );
    // The same fact twice is harmless.
    let twice = WorkCalendar::from_csv("2019-02-02,work,春节,2019\n2019-02-02,work,春节,2019\n")
        .expect("duplicates agree");
    assert_eq!(twice.entries().count(), 1);
}

#[test]
fn other_malformed_rows_are_rejected_with_their_line() {
    assert_eq!(
        csv_err("2019-02-02,work,春节\n").to_string(),
        "第1行：应有 4 列（date,kind,name,year），实际有 3 列"
    );
    assert_eq!(
        csv_err("2019-02-02,work,,2019\n").to_string(),
        "第1行第3列：节日名称为空"
    );
    assert_eq!(
        csv_err("2019-02-02,work,春节,19\n").to_string(),
        "第1行第4列：通知年份无效：19"
    );
    assert_eq!(
        csv_err("2019-02-02,work,春节,2021\n").to_string(),
        "第1行第4列：通知年份 2021 与日期 2019-02-02 不符（应为日期所在年份或次年）"
    );
    assert_eq!(
        csv_err("2019-02-02,work,\"春节,2019\n").to_string(),
        "第1行第3列：引号不配对"
    );
}

#[test]
fn entries_given_in_code_are_checked_and_named_by_position() {
    let good = CalendarEntry {
        date: date(2019, 2, 2),
        kind: DayKind::Work,
        name: "春节".into(),
        year: 2019,
    };
    let bad = CalendarEntry {
        date: date(2019, 2, 4),
        ..good.clone()
    };
    let err = WorkCalendar::from_entries([good.clone(), bad]).expect_err("weekday work");
    assert_eq!(
        err.to_string(),
        "第2条记录：调休上班日 2019-02-04 是星期一，应为周六或周日"
    );
    let cal = WorkCalendar::from_entries([good]).expect("valid");
    assert!(cal.is_covered(2019));
    assert!(cal.is_working_day(date(2019, 2, 2)).value);
}

#[test]
fn spreadsheet_style_files_are_accepted() {
    let text = "\u{feff}date,kind,name,year\r\n\r\n# 测试用\r\n2019/2/2, work ,\"春节\",2019\r\n2019-02-04,休,春节,2019\r\n";
    let cal = WorkCalendar::from_csv(text).expect("valid");
    assert_eq!(cal.entries().count(), 2);
    assert!(cal.is_working_day(date(2019, 2, 2)).value);
    assert!(!cal.is_working_day(date(2019, 2, 4)).value);
}

#[test]
fn the_calendar_written_as_csv_reads_back_identically() {
    let again = WorkCalendar::from_csv(&cal().to_csv()).expect("round trip");
    assert!(again.entries().eq(cal().entries()));
    assert_eq!(
        again.covered_years().collect::<Vec<_>>(),
        cal().covered_years().collect::<Vec<_>>()
    );
}

/// A made-up 2027 notice (the real one is not published): 10-01..07 off, 09-26 Sun work.
const FAKE_2027: &str = "date,kind,name,year\n\
    2027-09-26,work,国庆节（测试）,2027\n\
    2027-10-01,off,国庆节（测试）,2027\n2027-10-02,off,国庆节（测试）,2027\n\
    2027-10-03,off,国庆节（测试）,2027\n2027-10-04,off,国庆节（测试）,2027\n\
    2027-10-05,off,国庆节（测试）,2027\n2027-10-06,off,国庆节（测试）,2027\n\
    2027-10-07,off,国庆节（测试）,2027\n";

#[test]
fn a_later_notice_merged_at_run_time_covers_its_year() {
    let next = WorkCalendar::from_csv(FAKE_2027).expect("valid");
    let merged = cal().merged(&next).expect("no conflict");
    assert!(merged.is_covered(2027));
    let a = merged.add_working_days(date(2027, 9, 30), 1);
    assert_eq!(a.value, date(2027, 10, 8));
    assert!(!a.is_estimated());
    assert_eq!(merged.entries().count(), 285 + 8);
    // The shipped calendar is untouched.
    assert!(cal().add_working_days(date(2027, 9, 30), 1).is_estimated());
}

#[test]
fn merging_a_notice_year_again_replaces_that_notice() {
    // The 2020 notice as first published, before the Spring Festival extension:
    // 01-24..30 off, 01-19 and 02-01 work.
    let mut original =
        String::from("date,kind,name,year\n2020-01-19,work,春节,2020\n2020-02-01,work,春节,2020\n");
    for day in 24..=30 {
        original.push_str(&format!("2020-01-{day},off,春节,2020\n"));
    }
    let original = WorkCalendar::from_csv(&original).expect("valid");
    let mut cal = cal().clone();
    cal.merge(&original).expect("no conflict");
    assert!(cal.is_working_day(date(2020, 1, 31)).value);
    assert!(cal.is_working_day(date(2020, 2, 1)).value);
    assert!(cal.is_working_day(date(2020, 10, 1)).value); // 2020 国庆 rows gone too
    assert!(!cal.is_working_day(date(2021, 10, 1)).value); // other notices kept
}

#[test]
fn notices_that_disagree_about_a_date_cannot_be_merged() {
    // 2026-10-03 (Sat) is off in the 2026 notice; a 2027 notice claiming it as work conflicts.
    let other = WorkCalendar::from_csv("2026-10-03,work,测试,2027\n").expect("valid alone");
    let mut cal = cal().clone();
    let err = cal.merge(&other).expect_err("conflict");
    assert_eq!(
        err.to_string(),
        "合并冲突：日期 2026-10-03 在 2026 年通知中为 off，在 2027 年通知中为 work"
    );
    assert!(!cal.is_covered(2027), "unchanged on error");
}

// ---------------------------------------------------------------------------------------
// Properties, 2019-01-01..2027-12-31 and |n| < 400, against a day-by-day oracle.

fn any_date() -> impl Strategy<Value = NaiveDate> {
    let start = date(2019, 1, 1);
    let span = (date(2027, 12, 31) - start).num_days() as u64;
    (0..=span).prop_map(move |o| start + Days::new(o))
}

fn naive_add(d: NaiveDate, n: i64) -> NaiveDate {
    let working = |x: NaiveDate| cal().is_working_day(x).value;
    let mut x = d;
    if n == 0 {
        while !working(x) {
            x = x.succ_opt().expect("in range");
        }
        return x;
    }
    let mut left = n.abs();
    while left > 0 {
        x = if n > 0 { x.succ_opt() } else { x.pred_opt() }.expect("in range");
        if working(x) {
            left -= 1;
        }
    }
    x
}

fn covered_elsewhere(lo: NaiveDate, hi: NaiveDate) -> Vec<i32> {
    (lo.year()..=hi.year())
        .filter(|y| !(2019..=2026).contains(y))
        .collect()
}

proptest! {
    #[test]
    fn adding_working_days_matches_walking_day_by_day(d in any_date(), n in -400i64..400) {
        let a = cal().add_working_days(d, n);
        prop_assert_eq!(a.value, naive_add(d, n));
        let (lo, hi) = match n {
            0 => (d, a.value),
            n if n > 0 => (d + Days::new(1), a.value),
            _ => (a.value, d - Days::new(1)),
        };
        prop_assert_eq!(a.uncovered_years, covered_elsewhere(lo, hi));
    }

    #[test]
    fn the_result_of_adding_working_days_is_a_working_day(d in any_date(), n in -400i64..400) {
        prop_assert!(cal().is_working_day(cal().add_working_days(d, n).value).value);
    }

    #[test]
    fn adding_then_subtracting_returns_to_a_working_start_day(d in any_date(), n in -400i64..400) {
        let start = cal().add_working_days(d, 0).value; // a working day
        let there = cal().add_working_days(start, n).value;
        prop_assert_eq!(cal().add_working_days(there, -n).value, start);
    }

    #[test]
    fn counting_between_a_day_and_n_working_days_later_gives_n(d in any_date(), n in 1i64..400) {
        prop_assert_eq!(cal().working_days_between(d, cal().add_working_days(d, n).value).value, n);
        let start = cal().add_working_days(d, 0).value;
        prop_assert_eq!(cal().working_days_between(start, cal().add_working_days(start, -n).value).value, -n);
    }

    #[test]
    fn counting_between_is_antisymmetric_additive_and_matches_a_walk(
        a in any_date(), b in any_date(), c in any_date()
    ) {
        let between = |x, y| cal().working_days_between(x, y).value;
        prop_assert_eq!(between(a, b), -between(b, a));
        prop_assert_eq!(between(a, b) + between(b, c), between(a, c));
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let walked = lo.iter_days().skip(1).take_while(|x| *x <= hi)
            .filter(|x| cal().is_working_day(*x).value).count() as i64;
        prop_assert_eq!(between(lo, hi), walked);
        let inclusive = cal().working_days_inclusive(lo, hi).value;
        prop_assert_eq!(inclusive, walked + i64::from(cal().is_working_day(lo).value));
    }
}

#[test]
fn the_next_years_notice_is_due_from_december_and_a_missing_current_one_at_once() {
    // The shipped notices cover 2019–2026.
    assert_eq!(cal().notice_due(date(2026, 11, 30)), None);
    assert_eq!(cal().notice_due(date(2026, 12, 1)), Some(2027));
    assert_eq!(cal().notice_due(date(2026, 12, 31)), Some(2027));
    assert_eq!(cal().notice_due(date(2027, 3, 1)), Some(2027));
    assert_eq!(cal().notice_due(date(2025, 12, 15)), None, "2026 is loaded");
}
