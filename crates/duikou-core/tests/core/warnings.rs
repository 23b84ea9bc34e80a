//! Early-warning rules at their boundaries.

use chrono::{Days, NaiveDate};
use duikou_core::steps::{OpenItem, OpenItemKind, ScheduledStep, StepStatus};
use duikou_core::warnings::{
    linear_expected_yuan, open_item_finding, problem_finding, schedule_behind_finding,
    stalled_finding, start_overdue_finding, step_findings, Level, RuleId, Thresholds,
};
use duikou_core::Stage;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn today() -> NaiveDate {
    d(2026, 6, 15)
}

fn t() -> Thresholds {
    Thresholds::default()
}

/// A running step with `committed` and `statutory` limits and `used` working days used.
fn step(committed: i32, statutory: i32, used: i64) -> ScheduledStep {
    let start = d(2026, 5, 1);
    ScheduledStep {
        key: "construction_permit_issue".into(),
        name: "施工许可证核发".into(),
        phase: "construction".into(),
        owner: "住建局".into(),
        status: StepStatus::InProgress,
        parallel_group: None,
        depends_on: vec![],
        committed_days: committed,
        statutory_days: statutory,
        planned_start: start,
        planned_due: d(2026, 6, 1),
        committed_due: d(2026, 6, 1),
        statutory_due: d(2026, 6, 10),
        projected_start: start,
        projected_finish: today(),
        actual_start: Some(start),
        actual_finish: None,
        suspended_days: 0,
        working_days_used: used,
        working_days_left: i64::from(committed) - used,
        working_days_past_due: None,
        share_used_percent: used * 100 / i64::from(committed),
        late: false,
        on_critical_path: true,
        estimated: false,
    }
}

fn committed_level(s: &ScheduledStep) -> Option<Level> {
    step_findings(s, &t(), today())
        .into_iter()
        .find(|f| f.rule == RuleId::StepCommitted)
        .map(|f| f.level)
}

fn statutory_level(s: &ScheduledStep) -> Option<Level> {
    step_findings(s, &t(), today())
        .into_iter()
        .find(|f| f.rule == RuleId::StepStatutory)
        .map(|f| f.level)
}

#[test]
fn defaults_match_the_documented_thresholds() {
    let t = t();
    assert_eq!(t.version, "default-2026");
    assert_eq!(t.committed_share_percent, 80);
    assert_eq!(t.committed_days_left, 2);
    assert_eq!(t.open_item_days_left, 2);
    assert_eq!(t.problem_due_within_days, 3);
    assert_eq!((t.stalled_days, t.stalled_red_days), (45, 90));
    assert_eq!((t.behind_yellow_points, t.behind_red_points), (10, 30));
    assert_eq!(t.start_red_months, 3);
}

#[test]
fn codes_and_labels_round_trip() {
    for r in RuleId::ALL {
        assert_eq!(RuleId::parse(r.code()), Some(r));
        assert_eq!(serde_json::to_value(r).expect("json"), r.code());
    }
    for l in Level::ALL {
        assert_eq!(Level::parse(l.code()), Some(l));
        assert_eq!(serde_json::to_value(l).expect("json"), l.code());
    }
    assert_eq!(Level::Yellow.label_zh(), "黄色预警");
    assert_eq!(Level::Red.label_zh(), "红色预警");
    assert_eq!(RuleId::StepCommitted.code(), "step_committed");
    assert!(Level::Red > Level::Yellow);
}

#[test]
fn seventy_nine_percent_used_raises_nothing() {
    assert_eq!(committed_level(&step(100, 200, 79)), None);
}

#[test]
fn eighty_percent_used_is_yellow() {
    assert_eq!(committed_level(&step(100, 200, 80)), Some(Level::Yellow));
}

#[test]
fn eighty_one_percent_used_is_yellow() {
    assert_eq!(committed_level(&step(100, 200, 81)), Some(Level::Yellow));
}

#[test]
fn three_working_days_left_below_the_share_raises_nothing() {
    // 7/10 = 70% used, 3 left.
    assert_eq!(committed_level(&step(10, 20, 7)), None);
}

#[test]
fn two_working_days_left_is_yellow_even_below_the_share() {
    // 6/8 = 75% used, 2 left.
    assert_eq!(committed_level(&step(8, 20, 6)), Some(Level::Yellow));
}

#[test]
fn one_working_day_left_is_yellow() {
    assert_eq!(committed_level(&step(3, 20, 2)), Some(Level::Yellow));
}

#[test]
fn zero_working_days_left_is_still_yellow() {
    assert_eq!(committed_level(&step(20, 40, 20)), Some(Level::Yellow));
}

#[test]
fn minus_one_working_day_left_is_red() {
    assert_eq!(committed_level(&step(20, 40, 21)), Some(Level::Red));
}

#[test]
fn the_yellow_reason_names_share_days_and_what_is_left() {
    let f = step_findings(&step(20, 40, 17), &t(), today());
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].reason,
        "「施工许可证核发」已用承诺时限的85%（17/20个工作日），剩余3个工作日"
    );
    assert_eq!(f[0].thresholds_version, "default-2026");
    assert_eq!(f[0].as_of, today());
    assert!(f[0]
        .facts
        .contains(&("working_days_used".to_string(), "17".to_string())));
}

#[test]
fn at_the_statutory_limit_there_is_no_statutory_warning() {
    assert_eq!(statutory_level(&step(20, 30, 30)), None);
}

#[test]
fn one_day_past_the_statutory_limit_is_red() {
    let s = step(20, 30, 31);
    assert_eq!(statutory_level(&s), Some(Level::Red));
    assert_eq!(committed_level(&s), Some(Level::Red));
}

#[test]
fn a_finished_step_raises_nothing() {
    let mut s = step(20, 30, 40);
    s.status = StepStatus::Done;
    s.actual_finish = Some(d(2026, 6, 10));
    assert!(step_findings(&s, &t(), today()).is_empty());
}

#[test]
fn a_skipped_or_pending_step_raises_nothing() {
    let mut s = step(2, 2, 0);
    s.status = StepStatus::Skipped;
    assert!(step_findings(&s, &t(), today()).is_empty());
    let mut s = step(2, 2, 0);
    s.status = StepStatus::Pending;
    s.actual_start = None;
    assert!(step_findings(&s, &t(), today()).is_empty());
}

#[test]
fn a_raised_share_threshold_is_respected() {
    let t = Thresholds {
        committed_share_percent: 90,
        version: "tenant-1".into(),
        ..Thresholds::default()
    };
    let f = step_findings(&step(100, 200, 85), &t, today());
    assert!(f.is_empty());
    let f = step_findings(&step(100, 200, 90), &t, today());
    assert_eq!(f[0].thresholds_version, "tenant-1");
}

fn item(kind: OpenItemKind, left: i64) -> OpenItem {
    let deadline = today()
        .checked_add_days(Days::new(u64::try_from(left.max(0)).expect("non-negative")))
        .expect("date");
    let deadline = if left < 0 {
        today().pred_opt().expect("date")
    } else {
        deadline
    };
    OpenItem {
        step_key: "construction_permit_issue".into(),
        step_name: "施工许可证核发".into(),
        kind,
        opened_on: d(2026, 6, 1),
        days: 10,
        deadline,
        working_days_left: left,
        overdue: left < 0,
        estimated: false,
    }
}

fn item_level(kind: OpenItemKind, left: i64) -> Option<Level> {
    open_item_finding(&item(kind, left), &t(), today()).map(|f| f.level)
}

#[test]
fn a_deficiency_with_three_working_days_left_raises_nothing() {
    assert_eq!(item_level(OpenItemKind::Deficiency, 3), None);
}

#[test]
fn a_deficiency_with_two_working_days_left_is_yellow() {
    let f = open_item_finding(&item(OpenItemKind::Deficiency, 2), &t(), today()).expect("finding");
    assert_eq!((f.rule, f.level), (RuleId::DeficiencyDue, Level::Yellow));
}

#[test]
fn a_deficiency_due_today_is_yellow() {
    assert_eq!(item_level(OpenItemKind::Deficiency, 0), Some(Level::Yellow));
}

#[test]
fn an_overdue_deficiency_is_red() {
    assert_eq!(item_level(OpenItemKind::Deficiency, -1), Some(Level::Red));
}

#[test]
fn a_commitment_follows_the_same_boundaries_under_its_own_rule() {
    assert_eq!(item_level(OpenItemKind::Commitment, 3), None);
    let f = open_item_finding(&item(OpenItemKind::Commitment, 2), &t(), today()).expect("finding");
    assert_eq!((f.rule, f.level), (RuleId::CommitmentDue, Level::Yellow));
    assert_eq!(item_level(OpenItemKind::Commitment, -1), Some(Level::Red));
}

fn problem_level(due: NaiveDate, resolved: bool) -> Option<Level> {
    problem_finding(Some(due), resolved, "用地指标不足", &t(), today()).map(|f| f.level)
}

#[test]
fn a_problem_due_in_four_days_raises_nothing() {
    assert_eq!(problem_level(d(2026, 6, 19), false), None);
}

#[test]
fn a_problem_due_in_three_days_is_yellow() {
    assert_eq!(problem_level(d(2026, 6, 18), false), Some(Level::Yellow));
}

#[test]
fn a_problem_due_tomorrow_is_yellow() {
    assert_eq!(problem_level(d(2026, 6, 16), false), Some(Level::Yellow));
}

#[test]
fn a_problem_due_today_is_yellow() {
    assert_eq!(problem_level(today(), false), Some(Level::Yellow));
}

#[test]
fn a_problem_due_yesterday_is_red() {
    let f = problem_finding(Some(d(2026, 6, 14)), false, "用地指标不足", &t(), today())
        .expect("finding");
    assert_eq!((f.rule, f.level), (RuleId::ProblemOverdue, Level::Red));
    assert!(f.reason.contains("用地指标不足"));
}

#[test]
fn a_resolved_or_undated_problem_raises_nothing() {
    assert_eq!(problem_level(d(2026, 6, 1), true), None);
    assert!(problem_finding(None, false, "x", &t(), today()).is_none());
}

fn stalled_level(stage: Stage, days: u64) -> Option<Level> {
    let last = today().checked_sub_days(Days::new(days)).expect("date");
    stalled_finding(stage, last, &t(), today()).map(|f| f.level)
}

#[test]
fn a_project_not_updated_for_44_days_is_not_stalled() {
    assert_eq!(stalled_level(Stage::Signed, 44), None);
}

#[test]
fn a_project_not_updated_for_45_days_is_yellow() {
    assert_eq!(stalled_level(Stage::Landed, 45), Some(Level::Yellow));
}

#[test]
fn a_project_not_updated_for_89_days_is_still_yellow() {
    assert_eq!(stalled_level(Stage::Started, 89), Some(Level::Yellow));
}

#[test]
fn a_project_not_updated_for_90_days_is_red() {
    assert_eq!(stalled_level(Stage::Started, 90), Some(Level::Red));
}

#[test]
fn projects_outside_signed_to_started_are_never_stalled() {
    for s in [
        Stage::Lead,
        Stage::Negotiating,
        Stage::Completed,
        Stage::Operating,
        Stage::Suspended,
        Stage::Terminated,
    ] {
        assert_eq!(stalled_level(s, 400), None, "{s:?}");
    }
}

/// Annual plan 1,000,000 yuan, expected 500,000 (50%), actual behind by `points`.
fn behind_level(points: i64) -> Option<Level> {
    let annual = 1_000_000;
    let expected = 500_000;
    let actual = expected - points * annual / 100;
    schedule_behind_finding(annual, expected, actual, &t(), today()).map(|f| f.level)
}

#[test]
fn nine_points_behind_raises_nothing() {
    assert_eq!(behind_level(9), None);
}

#[test]
fn ten_points_behind_is_yellow() {
    assert_eq!(behind_level(10), Some(Level::Yellow));
}

#[test]
fn thirty_points_behind_is_still_yellow() {
    assert_eq!(behind_level(30), Some(Level::Yellow));
}

#[test]
fn thirty_one_points_behind_is_red() {
    assert_eq!(behind_level(31), Some(Level::Red));
}

#[test]
fn one_yuan_short_of_ten_points_raises_nothing_and_one_yuan_over_thirty_is_red() {
    let t = t();
    assert!(schedule_behind_finding(1_000_000, 500_000, 400_001, &t, today()).is_none());
    let f = schedule_behind_finding(1_000_000, 500_000, 199_999, &t, today()).expect("finding");
    assert_eq!(f.level, Level::Red);
}

#[test]
fn ahead_of_schedule_or_without_a_plan_raises_nothing() {
    assert!(schedule_behind_finding(1_000_000, 500_000, 900_000, &t(), today()).is_none());
    assert!(schedule_behind_finding(0, 0, 0, &t(), today()).is_none());
}

#[test]
fn the_behind_reason_names_amounts_and_points() {
    let f = schedule_behind_finding(1_200_000, 600_000, 360_000, &t(), today()).expect("finding");
    assert_eq!(f.level, Level::Yellow);
    assert_eq!(
        f.reason,
        "累计完成投资360000元（年度计划的30.0%），序时进度600000元（50.0%），落后20.0个百分点"
    );
}

#[test]
fn linear_expectation_is_months_over_twelve_capped_at_the_year() {
    assert_eq!(linear_expected_yuan(1_200_000, 6), 600_000);
    assert_eq!(linear_expected_yuan(1_000, 1), 83);
    assert_eq!(linear_expected_yuan(1_200_000, 15), 1_200_000);
}

fn start_level(as_of: NaiveDate, started: bool) -> Option<Level> {
    start_overdue_finding(Some(d(2026, 3, 20)), started, &t(), as_of).map(|f| f.level)
}

#[test]
fn a_start_still_in_its_planned_month_raises_nothing() {
    assert_eq!(start_level(d(2026, 3, 31), false), None);
}

#[test]
fn a_start_missed_into_the_next_month_is_yellow() {
    assert_eq!(start_level(d(2026, 4, 1), false), Some(Level::Yellow));
}

#[test]
fn a_start_missed_for_two_months_is_still_yellow() {
    assert_eq!(start_level(d(2026, 5, 31), false), Some(Level::Yellow));
}

#[test]
fn a_start_missed_for_three_months_is_red() {
    let f =
        start_overdue_finding(Some(d(2026, 3, 20)), false, &t(), d(2026, 6, 1)).expect("finding");
    assert_eq!((f.rule, f.level), (RuleId::StartOverdue, Level::Red));
}

#[test]
fn a_started_or_unplanned_project_raises_nothing() {
    assert_eq!(start_level(d(2026, 12, 1), true), None);
    assert!(start_overdue_finding(None, false, &t(), today()).is_none());
}

#[test]
fn a_start_missed_across_new_year_counts_months() {
    let f =
        start_overdue_finding(Some(d(2025, 11, 5)), false, &t(), d(2026, 2, 1)).expect("finding");
    assert_eq!(f.level, Level::Red);
}
