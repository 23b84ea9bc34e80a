//! Step templates, schedules on the working-day calendar, and the rules of step updates.

use chrono::{DateTime, NaiveDate, Utc};
use duikou_core::calendar::WorkCalendar;
use duikou_core::error::ValidationError;
use duikou_core::steps::{
    open_commitments, open_deficiencies, plan, validate_update, Commitment, DateField, Deficiency,
    PhaseDef, Schedule, ScheduledStep, StepDef, StepState, StepStatus, Suspension,
    SuspensionReason, Template, CONSTRUCTION_APPROVAL, START_OF_CONSTRUCTION,
};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn cal() -> &'static WorkCalendar {
    WorkCalendar::official()
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_720_000_000, 0).expect("valid time")
}

fn step(key: &str, days: i32, deps: &[&str]) -> StepDef {
    StepDef {
        key: key.to_owned(),
        name: format!("环节{}", key.to_uppercase()),
        owner: "住房和城乡建设局".to_owned(),
        statutory_days: days * 3,
        committed_days: days,
        depends_on: deps.iter().map(|d| (*d).to_owned()).collect(),
        parallel_group: None,
        allow_deficiency: false,
        allow_commitment: false,
    }
}

fn grouped(mut s: StepDef, group: &str) -> StepDef {
    s.parallel_group = Some(group.to_owned());
    s
}

fn template(steps: Vec<StepDef>) -> Template {
    Template {
        key: "test".to_owned(),
        name: "测试模板".to_owned(),
        version: 1,
        description: String::new(),
        phases: vec![PhaseDef {
            key: "only".to_owned(),
            name: "唯一阶段".to_owned(),
            steps,
        }],
    }
}

fn shipped(key: &str) -> Template {
    Template::shipped()
        .into_iter()
        .find(|t| t.key == key)
        .expect("shipped template")
}

fn errors(result: Result<(), ValidationError>) -> Vec<(String, String, String)> {
    result
        .expect_err("should be rejected")
        .0
        .into_iter()
        .map(|e| (e.field, e.code.to_owned(), e.message))
        .collect()
}

fn find<'a>(schedule: &'a Schedule, key: &str) -> &'a ScheduledStep {
    schedule
        .steps
        .iter()
        .find(|s| s.key == key)
        .expect("scheduled step")
}

fn done(key: &str, start: NaiveDate, finish: NaiveDate) -> StepState {
    StepState {
        status: StepStatus::Done,
        actual_start: Some(start),
        actual_finish: Some(finish),
        ..StepState::new(key)
    }
}

fn started(key: &str, start: NaiveDate) -> StepState {
    StepState {
        status: StepStatus::InProgress,
        actual_start: Some(start),
        ..StepState::new(key)
    }
}

// ---------------------------------------------------------------------------------------
// Template rules.

#[test]
fn a_dependency_cycle_is_rejected_with_the_cycle_named() {
    let t = template(vec![
        step("a", 1, &["c"]),
        step("b", 1, &["a"]),
        step("c", 1, &["b"]),
    ]);
    let errs = errors(t.validate());
    assert_eq!(errs.len(), 1, "{errs:?}");
    let (field, code, message) = &errs[0];
    assert_eq!(code, "cycle");
    assert_eq!(field, "phases[0].steps[0].depends_on");
    assert_eq!(
        message,
        "环节依赖形成循环：「环节A」（a） → 「环节C」（c） → 「环节B」（b） → 「环节A」（a）（→ 表示“依赖于”）"
    );
}

#[test]
fn a_cycle_through_a_parallel_group_is_rejected_naming_the_group() {
    // a and b start together; a waits for x, which waits for b.
    let t = template(vec![
        grouped(step("a", 1, &["x"]), "g"),
        grouped(step("b", 1, &[]), "g"),
        step("x", 1, &["b"]),
    ]);
    let errs = errors(t.validate());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "cycle");
    assert!(errs[0].2.contains("同属并行组「g」"), "{}", errs[0].2);
    assert!(errs[0].2.contains("（x）") && errs[0].2.contains("（b）"));
}

#[test]
fn a_limit_of_zero_or_below_is_rejected_naming_the_step() {
    let mut zero = step("a", 1, &[]);
    zero.committed_days = 0;
    let mut negative = step("b", 1, &[]);
    negative.statutory_days = -3;
    let errs = errors(template(vec![zero, negative]).validate());
    assert_eq!(
        errs,
        vec![
            (
                "phases[0].steps[0].committed_days".to_owned(),
                "range".to_owned(),
                "环节「环节A」（a）的承诺时限必须大于0个工作日（现为0）".to_owned()
            ),
            (
                "phases[0].steps[1].statutory_days".to_owned(),
                "range".to_owned(),
                "环节「环节B」（b）的法定时限必须大于0个工作日（现为-3）".to_owned()
            ),
        ]
    );
}

#[test]
fn an_unknown_dependency_is_rejected_naming_the_step() {
    let errs = errors(template(vec![step("a", 1, &["nowhere"])]).validate());
    assert_eq!(errs[0].0, "phases[0].steps[0].depends_on[0]");
    assert_eq!(errs[0].1, "unknown_step");
    assert_eq!(errs[0].2, "环节「环节A」（a）依赖的环节「nowhere」不存在");
}

#[test]
fn a_duplicate_step_key_is_rejected_naming_both_places() {
    let mut t = template(vec![step("a", 1, &[])]);
    t.phases.push(PhaseDef {
        key: "second".to_owned(),
        name: "第二阶段".to_owned(),
        steps: vec![step("a", 2, &[])],
    });
    let errs = errors(t.validate());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "phases[1].steps[0].key");
    assert_eq!(errs[0].2, "环节「环节A」（a）的编码与第1阶段第1个环节重复");
}

#[test]
fn a_committed_limit_above_the_statutory_limit_is_rejected() {
    let mut s = step("a", 5, &[]);
    s.statutory_days = 4;
    let errs = errors(template(vec![s]).validate());
    assert_eq!(errs[0].0, "phases[0].steps[0].committed_days");
    assert!(errs[0]
        .2
        .contains("承诺时限（5个工作日）不能超过法定时限（4个工作日）"));
}

#[test]
fn members_of_a_parallel_group_may_not_depend_on_each_other() {
    let t = template(vec![
        grouped(step("a", 1, &[]), "g"),
        grouped(step("b", 1, &["a"]), "g"),
    ]);
    let errs = errors(t.validate());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "parallel_group");
    assert!(errs[0].2.contains("「环节B」（b）") && errs[0].2.contains("「环节A」（a）"));
}

#[test]
fn every_broken_rule_of_a_template_is_reported_at_once() {
    let mut t = template(vec![step("Bad Key", 1, &["a"]), step("a", 0, &["a"])]);
    t.version = 0;
    t.name = " ".to_owned();
    let fields: Vec<String> = errors(t.validate()).into_iter().map(|e| e.0).collect();
    assert_eq!(
        fields,
        [
            "name",
            "version",
            "phases[0].steps[0].key",
            "phases[0].steps[1].statutory_days",
            "phases[0].steps[1].committed_days",
            "phases[0].steps[1].depends_on[0]",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// The shipped templates.

#[test]
fn the_shipped_templates_are_valid_and_keyed() {
    let keys: Vec<String> = Template::shipped().into_iter().map(|t| t.key).collect();
    assert_eq!(keys, [CONSTRUCTION_APPROVAL, START_OF_CONSTRUCTION]);
    for t in Template::shipped() {
        assert_eq!(t.validate(), Ok(()), "{}", t.key);
        assert_eq!(t.version, 1);
    }
}

#[test]
fn the_construction_approval_template_has_the_four_reform_phases_in_order() {
    let t = shipped(CONSTRUCTION_APPROVAL);
    let names: Vec<&str> = t.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["立项用地规划许可", "工程建设许可", "施工许可", "竣工验收"]
    );
}

#[test]
fn the_construction_approval_template_totals_40_committed_and_120_statutory_days() {
    let limits = shipped(CONSTRUCTION_APPROVAL).critical_path_limits();
    assert_eq!(limits.committed_days, 40);
    assert_eq!(limits.statutory_days, 120);
    assert_eq!(
        limits.path,
        [
            "project_filing",
            "land_use_planning_permit",
            "design_scheme_review",
            "planning_permit",
            "drawing_review",
            "fire_design_review",
            "construction_permit_issue",
            "fire_acceptance",
            "completion_filing",
        ]
    );
}

#[test]
fn the_start_of_construction_checklist_has_at_least_30_steps_in_seven_groups() {
    let t = shipped(START_OF_CONSTRUCTION);
    let keys: Vec<&str> = t.phases.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "agreement",
            "planning",
            "land",
            "expropriation",
            "relocation",
            "land_supply",
            "permits"
        ]
    );
    assert!(t.step_count() >= 30, "{}", t.step_count());
    assert!(t.phases.iter().all(|p| p.steps.len() >= 4));
    let limits = t.critical_path_limits();
    assert!(limits.committed_days > 0 && limits.committed_days <= limits.statutory_days);
    assert_eq!(
        limits.path.last().map(String::as_str),
        Some("construction_permit")
    );
}

// ---------------------------------------------------------------------------------------
// JSON import and export.

#[test]
fn a_template_survives_a_json_round_trip() {
    for t in Template::shipped() {
        assert_eq!(Template::from_json(&t.to_json()), Ok(t));
    }
    let small = template(vec![grouped(step("a", 2, &[]), "g"), step("b", 1, &["a"])]);
    assert_eq!(Template::from_json(&small.to_json()), Ok(small));
}

#[test]
fn optional_step_fields_may_be_left_out_of_the_json() {
    let json = r#"{"key":"t","name":"T","version":1,"phases":[{"key":"p","name":"P","steps":[
        {"key":"a","name":"甲","owner":"发展和改革局","statutory_days":5,"committed_days":2}]}]}"#;
    let t = Template::from_json(json).expect("valid");
    let a = t.step("a").expect("step a");
    assert!(a.depends_on.is_empty() && a.parallel_group.is_none() && !a.allow_deficiency);
    assert_eq!(t.description, "");
}

#[test]
fn a_json_syntax_error_names_its_line_and_column() {
    let errs = errors(Template::from_json("{\n  \"key\": }").map(|_| ()));
    assert_eq!(errs[0].0, "json");
    assert!(
        errs[0].2.starts_with("JSON格式错误（第2行第10列）"),
        "{}",
        errs[0].2
    );
}

#[test]
fn a_bad_step_in_the_json_is_named_by_its_path() {
    let json = r#"{"key":"t","name":"T","version":1,"phases":[
        {"key":"p","name":"P","steps":[
            {"key":"a","name":"甲","owner":"x","statutory_days":5,"committed_days":2},
            {"key":"b","name":"乙","statutory_days":5,"committed_days":2}]}]}"#;
    let errs = errors(Template::from_json(json).map(|_| ()));
    assert_eq!(errs[0].0, "phases[0].steps[1]");
    assert!(
        errs[0].2.contains("（b）") && errs[0].2.contains("owner"),
        "{}",
        errs[0].2
    );
    let typo = json.replace(
        "\"statutory_days\":5,\"committed_days\":2}]",
        "\"statutory_day\":5}]",
    );
    let errs = errors(Template::from_json(&typo).map(|_| ()));
    assert_eq!(errs[0].0, "phases[0].steps[1]");
    assert!(errs[0].2.contains("statutory_day"), "{}", errs[0].2);
}

#[test]
fn json_import_applies_the_template_rules() {
    let mut bad = template(vec![step("a", 1, &["b"]), step("b", 1, &["a"])]);
    bad.version = 2;
    let errs = errors(Template::from_json(&bad.to_json()).map(|_| ()));
    assert_eq!(errs[0].1, "cycle");
}

// ---------------------------------------------------------------------------------------
// Planning.

#[test]
fn a_five_day_step_starting_2024_09_30_is_due_after_the_national_day_break() {
    let t = template(vec![step("a", 5, &[]), step("b", 1, &["a"])]);
    let s = plan(&t, date(2024, 9, 30), &[], cal(), date(2024, 9, 1));
    let a = find(&s, "a");
    assert_eq!(a.planned_start, date(2024, 9, 30));
    // 09-30, 10-08, 10-09, 10-10, 10-11.
    assert_eq!(a.planned_due, date(2024, 10, 11));
    assert_eq!(a.committed_due, date(2024, 10, 11));
    // 15 statutory days: 09-30, 10-08..10-12 (a worked Saturday), 10-14..18, 10-21..24.
    assert_eq!(a.statutory_due, date(2024, 10, 24));
    // The successor starts the next working day: Saturday 10-12 is a worked day.
    assert_eq!(find(&s, "b").planned_start, date(2024, 10, 12));
    assert!(!a.estimated);
}

#[test]
fn a_project_starting_on_a_holiday_starts_on_the_next_working_day() {
    let t = template(vec![step("a", 1, &[])]);
    let s = plan(&t, date(2024, 10, 1), &[], cal(), date(2024, 9, 1));
    assert_eq!(find(&s, "a").planned_start, date(2024, 10, 8));
    assert_eq!(find(&s, "a").planned_due, date(2024, 10, 8));
}

#[test]
fn a_chain_of_steps_takes_the_sum_of_their_limits() {
    let t = template(vec![step("a", 2, &[]), step("b", 3, &["a"])]);
    let s = plan(&t, date(2024, 3, 4), &[], cal(), date(2024, 3, 1));
    assert_eq!(find(&s, "a").planned_due, date(2024, 3, 5));
    assert_eq!(find(&s, "b").planned_start, date(2024, 3, 6));
    assert_eq!(find(&s, "b").planned_due, date(2024, 3, 8));
    assert_eq!(s.planned_finish, date(2024, 3, 8));
    assert_eq!(s.projected_working_days, 5);
    assert_eq!(s.committed_total_days, 5);
    assert_eq!(s.statutory_total_days, 15);
}

#[test]
fn members_of_a_parallel_group_start_together() {
    let t = template(vec![
        step("a", 3, &[]),
        grouped(step("b", 2, &["a"]), "g"),
        grouped(step("c", 4, &[]), "g"),
        step("d", 1, &["c"]),
    ]);
    let s = plan(&t, date(2024, 3, 4), &[], cal(), date(2024, 3, 1));
    assert_eq!(find(&s, "a").planned_due, date(2024, 3, 6));
    assert_eq!(find(&s, "b").planned_start, date(2024, 3, 7));
    assert_eq!(find(&s, "c").planned_start, date(2024, 3, 7));
    assert_eq!(find(&s, "c").planned_due, date(2024, 3, 12));
    assert_eq!(find(&s, "d").planned_start, date(2024, 3, 13));
    assert_eq!(s.critical_path, ["a", "c", "d"]);
}

#[test]
fn an_earlier_actual_finish_moves_the_successors_earlier() {
    let t = template(vec![
        step("a", 5, &[]),
        step("b", 3, &["a"]),
        step("c", 1, &["b"]),
    ]);
    let start = date(2024, 3, 4);
    let before = plan(&t, start, &[], cal(), start);
    assert_eq!(find(&before, "b").planned_start, date(2024, 3, 11));
    let states = [done("a", start, date(2024, 3, 6))];
    let after = plan(&t, start, &states, cal(), date(2024, 3, 6));
    assert_eq!(find(&after, "b").planned_start, date(2024, 3, 7));
    assert_eq!(find(&after, "c").planned_start, date(2024, 3, 12));
    assert!(!find(&after, "a").late);
}

#[test]
fn a_later_actual_finish_moves_the_successors_later() {
    let t = template(vec![step("a", 5, &[]), step("b", 3, &["a"])]);
    let start = date(2024, 3, 4);
    let states = [done("a", start, date(2024, 3, 12))];
    let s = plan(&t, start, &states, cal(), date(2024, 3, 12));
    assert_eq!(find(&s, "b").planned_start, date(2024, 3, 13));
    let a = find(&s, "a");
    assert!(a.late);
    assert_eq!(a.working_days_used, 7);
    assert_eq!(a.working_days_left, -2);
    assert_eq!(a.share_used_percent, 140);
}

#[test]
fn a_skipped_step_takes_no_time() {
    let t = template(vec![
        step("a", 2, &[]),
        step("b", 3, &["a"]),
        step("c", 1, &["b"]),
    ]);
    let skipped = StepState {
        status: StepStatus::Skipped,
        skip_reason: Some("带方案出让，无需审查".to_owned()),
        ..StepState::new("b")
    };
    let s = plan(&t, date(2024, 3, 4), &[skipped], cal(), date(2024, 3, 1));
    let b = find(&s, "b");
    assert_eq!(
        (b.planned_start, b.planned_due),
        (date(2024, 3, 6), date(2024, 3, 6))
    );
    assert_eq!(find(&s, "c").planned_start, date(2024, 3, 6));
    assert_eq!(s.critical_path, ["a", "c"]);
    assert!(!b.late && b.working_days_left == 0);
}

#[test]
fn suspensions_extend_the_due_date_by_their_working_days_and_do_not_count_as_used() {
    let t = template(vec![step("a", 5, &[]), step("b", 1, &["a"])]);
    let mut a = started("a", date(2024, 3, 4));
    a.suspensions.push(Suspension {
        reason: SuspensionReason::ExpertReview,
        from: date(2024, 3, 5),
        to: Some(date(2024, 3, 6)),
        note: String::new(),
    });
    let s = plan(&t, date(2024, 3, 4), &[a], cal(), date(2024, 3, 12));
    let a = find(&s, "a");
    // 03-04, (05, 06 suspended), 07, 08, 11, 12.
    assert_eq!(a.planned_due, date(2024, 3, 12));
    assert_eq!(a.suspended_days, 2);
    assert_eq!(a.working_days_used, 5);
    assert_eq!(a.working_days_left, 0);
    assert!(!a.late);
    assert_eq!(find(&s, "b").planned_start, date(2024, 3, 13));
}

#[test]
fn an_open_suspension_runs_through_today() {
    let t = template(vec![step("a", 5, &[])]);
    let mut a = started("a", date(2024, 3, 4));
    a.suspensions.push(Suspension {
        reason: SuspensionReason::DeficiencySupply,
        from: date(2024, 3, 5),
        to: None,
        note: String::new(),
    });
    let s = plan(&t, date(2024, 3, 4), &[a.clone()], cal(), date(2024, 3, 6));
    let step = find(&s, "a");
    assert_eq!(step.planned_due, date(2024, 3, 12));
    assert_eq!(step.working_days_used, 1);
    let later = plan(&t, date(2024, 3, 4), &[a], cal(), date(2024, 3, 8));
    assert_eq!(find(&later, "a").planned_due, date(2024, 3, 14));
    assert_eq!(find(&later, "a").working_days_used, 1);
}

#[test]
fn days_used_left_and_share_are_counted_at_the_boundaries() {
    let t = template(vec![step("a", 5, &[])]);
    let states = [started("a", date(2024, 3, 4))];
    let at = |today| {
        let s = plan(&t, date(2024, 3, 4), &states, cal(), today);
        let a = find(&s, "a").clone();
        (
            a.working_days_used,
            a.working_days_left,
            a.share_used_percent,
            a.late,
        )
    };
    assert_eq!(at(date(2024, 3, 4)), (1, 4, 20, false));
    assert_eq!(at(date(2024, 3, 7)), (4, 1, 80, false));
    assert_eq!(at(date(2024, 3, 8)), (5, 0, 100, false));
    // A weekend uses no day, but the deadline has passed.
    assert_eq!(at(date(2024, 3, 9)), (5, 0, 100, true));
    assert_eq!(at(date(2024, 3, 11)), (6, -1, 120, true));
    // Before the start nothing is used.
    assert_eq!(at(date(2024, 3, 1)), (0, 5, 0, false));
}

#[test]
fn a_step_not_started_by_its_planned_due_date_is_late() {
    let t = template(vec![step("a", 2, &[])]);
    let s = plan(&t, date(2024, 3, 4), &[], cal(), date(2024, 3, 6));
    let a = find(&s, "a");
    assert!(a.late);
    assert_eq!(a.working_days_used, 0);
    assert_eq!(a.projected_start, date(2024, 3, 6));
    assert_eq!(a.projected_finish, date(2024, 3, 7));
}

#[test]
fn the_projection_assumes_an_overdue_step_finishes_no_earlier_than_today() {
    let t = template(vec![step("a", 2, &[]), step("b", 2, &["a"])]);
    let states = [started("a", date(2024, 3, 4))];
    let s = plan(&t, date(2024, 3, 4), &states, cal(), date(2024, 3, 11));
    assert_eq!(find(&s, "a").planned_due, date(2024, 3, 5));
    assert_eq!(find(&s, "a").projected_finish, date(2024, 3, 11));
    assert_eq!(find(&s, "b").planned_start, date(2024, 3, 6));
    assert_eq!(find(&s, "b").projected_start, date(2024, 3, 12));
    assert_eq!(s.planned_finish, date(2024, 3, 7));
    assert_eq!(s.projected_finish, date(2024, 3, 13));
    assert_eq!(s.projected_working_days, 8);
    assert_eq!(s.working_days_elapsed, 6);
}

#[test]
fn the_critical_path_of_a_diamond_follows_the_longer_branch() {
    let t = template(vec![
        step("a", 2, &[]),
        step("b", 5, &["a"]),
        step("c", 1, &["a"]),
        step("d", 2, &["b", "c"]),
    ]);
    let limits = t.critical_path_limits();
    assert_eq!(limits.path, ["a", "b", "d"]);
    assert_eq!((limits.committed_days, limits.statutory_days), (9, 27));
    let s = plan(&t, date(2024, 3, 4), &[], cal(), date(2024, 3, 1));
    assert_eq!(s.critical_path, ["a", "b", "d"]);
    assert!(!find(&s, "c").on_critical_path && find(&s, "b").on_critical_path);
    // When c runs late it becomes the critical branch.
    let states = [
        done("a", date(2024, 3, 4), date(2024, 3, 5)),
        done("b", date(2024, 3, 6), date(2024, 3, 12)),
        done("c", date(2024, 3, 6), date(2024, 3, 20)),
    ];
    let s = plan(&t, date(2024, 3, 4), &states, cal(), date(2024, 3, 20));
    assert_eq!(s.critical_path, ["a", "c", "d"]);
}

#[test]
fn a_fresh_construction_approval_plan_takes_40_working_days() {
    let t = shipped(CONSTRUCTION_APPROVAL);
    let start = date(2024, 3, 4);
    let s = plan(&t, start, &[], cal(), start);
    assert_eq!(s.committed_total_days, 40);
    assert_eq!(s.statutory_total_days, 120);
    assert_eq!(s.projected_working_days, 40);
    assert_eq!(s.planned_finish, cal().add_working_days(start, 39).value);
    assert_eq!(s.critical_path, t.critical_path_limits().path);
    assert_eq!(s.phases.len(), 4);
    assert_eq!(s.phases[0].planned_start, start);
    assert_eq!(s.phases[3].planned_finish, s.planned_finish);
    assert!(!s.finished && !s.estimated);
}

#[test]
fn not_before_delays_a_step_and_due_override_replaces_its_due_date() {
    let t = template(vec![step("a", 2, &[]), step("b", 2, &["a"])]);
    let a = StepState {
        due_override: Some(date(2024, 3, 8)),
        ..StepState::new("a")
    };
    let b = StepState {
        not_before: Some(date(2024, 3, 30)),
        ..StepState::new("b")
    };
    let s = plan(&t, date(2024, 3, 4), &[a, b], cal(), date(2024, 3, 1));
    assert_eq!(find(&s, "a").committed_due, date(2024, 3, 5));
    assert_eq!(find(&s, "a").planned_due, date(2024, 3, 8));
    // 03-30 is a Saturday: the next working day.
    assert_eq!(find(&s, "b").planned_start, date(2024, 4, 1));
}

#[test]
fn dates_in_a_year_without_a_holiday_notice_are_flagged_as_estimated() {
    let t = template(vec![step("a", 2, &[]), step("b", 10, &["a"])]);
    let s = plan(&t, date(2026, 12, 21), &[], cal(), date(2026, 12, 1));
    assert!(!find(&s, "a").estimated);
    assert!(find(&s, "b").estimated);
    assert!(s.estimated);
    assert_eq!(s.uncovered_years, [2027]);
}

#[test]
fn the_schedule_serialises_with_what_a_gantt_chart_needs() {
    let t = shipped(CONSTRUCTION_APPROVAL);
    let s = plan(&t, date(2024, 3, 4), &[], cal(), date(2024, 3, 4));
    let json = serde_json::to_value(&s).expect("json");
    for field in [
        "steps",
        "phases",
        "critical_path",
        "today",
        "projected_finish",
    ] {
        assert!(json.get(field).is_some(), "{field}");
    }
    let first = &json["steps"][0];
    for field in [
        "planned_start",
        "planned_due",
        "actual_start",
        "depends_on",
        "status",
    ] {
        assert!(first.get(field).is_some(), "{field}");
    }
    assert_eq!(first["status"], "pending");
    assert_eq!(first["planned_start"], "2024-03-04");
}

// ---------------------------------------------------------------------------------------
// Updates of a step.

fn update_template() -> Template {
    let mut a = step("a", 5, &[]);
    a.allow_deficiency = true;
    let mut b = step("b", 5, &["a"]);
    b.allow_deficiency = true;
    let c = step("c", 5, &["a"]);
    template(vec![a, b, c])
}

const TODAY: (i32, u32, u32) = (2024, 6, 28);

fn check(states: &[StepState], new: &StepState) -> Result<(), ValidationError> {
    let today = date(TODAY.0, TODAY.1, TODAY.2);
    validate_update(&update_template(), states, &new.key, new, today)
}

fn deficiency() -> Deficiency {
    Deficiency {
        missing_documents: vec!["消防设计文件".to_owned()],
        supply_days: 5,
        accepted_on: date(2024, 6, 3),
        supplied_on: None,
    }
}

#[test]
fn an_actual_finish_before_its_start_is_rejected_naming_the_step() {
    let errs = errors(check(&[], &done("a", date(2024, 6, 5), date(2024, 6, 4))));
    assert_eq!(errs[0].0, "actual_finish");
    assert_eq!(
        errs[0].2,
        "环节「环节A」的实际完成日期2024-06-04早于实际开始日期2024-06-05"
    );
}

#[test]
fn finishing_a_step_before_its_dependencies_is_rejected_without_a_deficiency_or_commitment() {
    let new = done("c", date(2024, 6, 3), date(2024, 6, 7));
    let errs = errors(check(&[started("a", date(2024, 6, 3))], &new));
    assert_eq!(errs[0].1, "dependency");
    assert!(errs[0].2.starts_with("环节「环节C」不能先于其依赖环节办结"));
    assert!(errs[0].2.contains("「环节A」尚未办结"));
    let a_later = done("a", date(2024, 6, 3), date(2024, 6, 10));
    let errs = errors(check(&[a_later], &new));
    assert!(errs[0].2.contains("于2024-06-10才办结"), "{}", errs[0].2);
    let a_earlier = done("a", date(2024, 6, 3), date(2024, 6, 7));
    assert_eq!(check(&[a_earlier], &new), Ok(()));
}

#[test]
fn finishing_ahead_of_a_dependency_is_allowed_on_deficiency_where_the_template_allows_it() {
    let new = StepState {
        status: StepStatus::AcceptedWithDeficiency,
        actual_start: Some(date(2024, 6, 3)),
        actual_finish: Some(date(2024, 6, 7)),
        deficiency: Some(deficiency()),
        ..StepState::new("b")
    };
    assert_eq!(check(&[started("a", date(2024, 6, 3))], &new), Ok(()));
    // Step c does not allow it.
    let on_c = StepState {
        key: "c".to_owned(),
        ..new
    };
    let errs = errors(check(&[started("a", date(2024, 6, 3))], &on_c));
    assert_eq!(errs[0].0, "deficiency");
    assert_eq!(errs[0].2, "环节「环节C」不允许容缺受理");
}

#[test]
fn a_commitment_needs_the_template_permission_and_a_promise() {
    let new = StepState {
        status: StepStatus::GrantedOnCommitment,
        actual_start: Some(date(2024, 6, 3)),
        commitment: Some(Commitment {
            promised: " ".to_owned(),
            verify_days: 0,
            granted_on: date(2024, 6, 3),
            verified_on: Some(date(2024, 6, 1)),
        }),
        ..StepState::new("a")
    };
    let fields: Vec<String> = errors(check(&[], &new)).into_iter().map(|e| e.0).collect();
    assert_eq!(
        fields,
        [
            "commitment",
            "commitment.promised",
            "commitment.verify_days",
            "commitment.verified_on"
        ]
    );
}

#[test]
fn skipping_a_step_without_a_reason_is_rejected() {
    let new = StepState {
        status: StepStatus::Skipped,
        skip_reason: Some("  ".to_owned()),
        ..StepState::new("b")
    };
    let errs = errors(check(&[], &new));
    assert_eq!(errs[0].0, "skip_reason");
    assert_eq!(errs[0].2, "环节「环节B」状态为“不适用”，须说明跳过原因");
}

#[test]
fn a_deficiency_without_documents_or_supply_days_is_rejected() {
    let new = StepState {
        status: StepStatus::AcceptedWithDeficiency,
        actual_start: Some(date(2024, 6, 3)),
        deficiency: Some(Deficiency {
            missing_documents: vec![],
            supply_days: 0,
            ..deficiency()
        }),
        ..StepState::new("a")
    };
    let errs = errors(check(&[], &new));
    let fields: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        fields,
        ["deficiency.missing_documents", "deficiency.supply_days"]
    );
    assert_eq!(errs[0].2, "环节「环节A」容缺受理须列明所缺材料");
}

#[test]
fn a_suspension_ending_before_it_starts_is_rejected() {
    let mut new = started("a", date(2024, 6, 3));
    new.suspensions.push(Suspension {
        reason: SuspensionReason::PublicNotice,
        from: date(2024, 6, 10),
        to: Some(date(2024, 6, 7)),
        note: String::new(),
    });
    let errs = errors(check(&[], &new));
    assert_eq!(errs[0].0, "suspensions[0].to");
    assert_eq!(
        errs[0].2,
        "环节「环节A」第1次计时暂停的结束日期2024-06-07早于开始日期2024-06-10"
    );
}

#[test]
fn overlapping_or_premature_suspensions_are_rejected() {
    let mut new = started("a", date(2024, 6, 3));
    let suspension = |from, to, reason| Suspension {
        reason,
        from,
        to,
        note: String::new(),
    };
    new.suspensions = vec![
        suspension(
            date(2024, 6, 4),
            Some(date(2024, 6, 10)),
            SuspensionReason::Hearing,
        ),
        suspension(date(2024, 6, 10), None, SuspensionReason::Other),
        suspension(
            date(2024, 6, 1),
            Some(date(2024, 6, 2)),
            SuspensionReason::Hearing,
        ),
    ];
    let fields: Vec<String> = errors(check(&[], &new)).into_iter().map(|e| e.0).collect();
    assert_eq!(
        fields,
        [
            "suspensions[1].note",
            "suspensions[2].from",
            "suspensions[1].from"
        ]
    );
}

#[test]
fn the_status_must_fit_the_dates_and_actual_dates_must_not_be_in_the_future() {
    let new = StepState {
        status: StepStatus::Done,
        actual_start: Some(date(2024, 7, 1)),
        ..StepState::new("a")
    };
    let errs = errors(check(&[], &new));
    let fields: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(fields, ["actual_finish", "actual_start"]);
    assert_eq!(errs[0].2, "环节「环节A」状态为“已办结”，须填写实际完成日期");
    assert_eq!(errs[1].1, "future_date");
}

#[test]
fn changing_a_recorded_date_needs_a_logged_reason() {
    let old = started("a", date(2024, 6, 3));
    let mut new = old.clone();
    new.actual_start = Some(date(2024, 6, 4));
    let errs = errors(check(std::slice::from_ref(&old), &new));
    assert_eq!(errs[0].0, "actual_start");
    assert_eq!(
        errs[0].2,
        "环节「环节A」的实际开始日期由2024-06-03改为2024-06-04，须记录变更原因和变更人"
    );
    let mut logged = old.clone();
    logged.change_date(
        DateField::ActualStart,
        Some(date(2024, 6, 4)),
        "受理日期录入错误",
        "张三",
        now(),
    );
    assert_eq!(check(std::slice::from_ref(&old), &logged), Ok(()));
    assert_eq!(logged.date_changes[0].old, Some(date(2024, 6, 3)));
    // A first actual date needs no reason; a plan date always does.
    let mut first = StepState::new("a");
    first.actual_start = Some(date(2024, 6, 3));
    first.status = StepStatus::InProgress;
    assert_eq!(check(&[], &first), Ok(()));
    first.due_override = Some(date(2024, 6, 20));
    assert_eq!(errors(check(&[], &first))[0].0, "due_override");
    let mut blank_reason = old.clone();
    blank_reason.change_date(
        DateField::DueOverride,
        Some(date(2024, 6, 20)),
        "",
        "李四",
        now(),
    );
    assert_eq!(
        errors(check(&[old], &blank_reason))[0].0,
        "date_changes[0].reason"
    );
}

#[test]
fn the_date_change_log_is_append_only() {
    let mut old = started("a", date(2024, 6, 3));
    old.change_date(
        DateField::NotBefore,
        Some(date(2024, 6, 3)),
        "等待施工完成",
        "张三",
        now(),
    );
    let mut new = old.clone();
    new.date_changes[0].reason = "改写历史".to_owned();
    let errs = errors(check(&[old], &new));
    assert_eq!(errs[0].0, "date_changes");
    assert_eq!(errs[0].1, "history");
}

#[test]
fn a_dependency_may_not_finish_after_or_reopen_behind_a_successor_already_finished() {
    let a = done("a", date(2024, 6, 3), date(2024, 6, 5));
    let c = done("c", date(2024, 6, 6), date(2024, 6, 10));
    let states = [a.clone(), c];
    let mut moved = a.clone();
    moved.change_date(
        DateField::ActualFinish,
        Some(date(2024, 6, 12)),
        "办结日期录入错误",
        "张三",
        now(),
    );
    let errs = errors(check(&states, &moved));
    assert_eq!(errs[0].1, "dependent");
    assert_eq!(
        errs[0].2,
        "环节「环节A」的后续环节「环节C」已于2024-06-10办结，本环节须在此之前办结"
    );
    let mut reopened = a.clone();
    reopened.status = StepStatus::InProgress;
    reopened.change_date(DateField::ActualFinish, None, "尚未出证", "张三", now());
    assert_eq!(errors(check(&states, &reopened))[0].1, "dependent");
    // Moving within the bound is fine.
    let mut earlier = a;
    earlier.change_date(
        DateField::ActualFinish,
        Some(date(2024, 6, 4)),
        "更正",
        "张三",
        now(),
    );
    assert_eq!(check(&states, &earlier), Ok(()));
}

#[test]
fn planning_an_invalid_template_does_not_panic() {
    let t = template(vec![
        step("a", 1, &["b"]),
        step("b", 1, &["a"]),
        step("c", 2, &[]),
    ]);
    let s = plan(&t, date(2024, 3, 4), &[], cal(), date(2024, 3, 4));
    assert_eq!(s.steps.len(), 3);
    assert!(s.steps.iter().all(|x| x.planned_due >= x.planned_start));
}

#[test]
fn an_update_of_an_unknown_step_is_rejected() {
    let errs = errors(check(&[], &StepState::new("zz")));
    assert_eq!(errs[0].0, "key");
    assert_eq!(errs[0].2, "模板「测试模板」中没有环节「zz」");
}

// ---------------------------------------------------------------------------------------
// Open deficiencies and commitments.

#[test]
fn open_deficiencies_and_commitments_carry_their_working_day_deadlines() {
    let t = update_template();
    let a = StepState {
        status: StepStatus::AcceptedWithDeficiency,
        actual_start: Some(date(2024, 9, 27)),
        deficiency: Some(Deficiency {
            accepted_on: date(2024, 9, 27),
            supply_days: 3,
            ..deficiency()
        }),
        commitment: Some(Commitment {
            promised: "开工前取得排水许可".to_owned(),
            verify_days: 1,
            granted_on: date(2024, 9, 27),
            verified_on: Some(date(2024, 9, 29)),
        }),
        ..StepState::new("a")
    };
    let today = date(2024, 10, 8);
    let items = open_deficiencies(&t, std::slice::from_ref(&a), cal(), today);
    assert_eq!(items.len(), 1);
    // 09-29 (worked Sunday), 09-30, 10-08.
    assert_eq!(items[0].deadline, date(2024, 10, 8));
    assert_eq!(items[0].working_days_left, 0);
    assert!(!items[0].overdue);
    assert_eq!(items[0].step_name, "环节A");
    let next_day = open_deficiencies(&t, std::slice::from_ref(&a), cal(), date(2024, 10, 9));
    assert!(next_day[0].overdue && next_day[0].working_days_left == -1);
    assert!(open_commitments(&t, &[a], cal(), today).is_empty());
}

// ---------------------------------------------------------------------------------------
// Properties over random templates.

/// A random template: step `i` depends on earlier steps chosen by `deps[i]` (a bit mask)
/// and may join one of two parallel groups; invalid combinations are discarded.
fn random_template(days: &[(i32, i32)], deps: &[u16], groups: &[u8]) -> Template {
    let keys: Vec<String> = (0..days.len()).map(|i| format!("s{i}")).collect();
    let steps = days
        .iter()
        .enumerate()
        .map(|(i, &(committed, extra))| {
            let on: Vec<&str> = (0..i)
                .filter(|j| deps[i] & (1 << j) != 0)
                .map(|j| keys[j].as_str())
                .collect();
            let mut s = step(&keys[i], committed, &on);
            s.statutory_days = committed + extra;
            s.parallel_group = match groups[i] {
                1 => Some("g1".to_owned()),
                2 => Some("g2".to_owned()),
                _ => None,
            };
            s
        })
        .collect();
    template(steps)
}

pub(crate) fn template_strategy() -> impl Strategy<Value = Template> {
    (1usize..12)
        .prop_flat_map(|n| {
            (
                prop::collection::vec((1i32..15, 0i32..10), n),
                prop::collection::vec(any::<(u16, u16)>().prop_map(|(a, b)| a & b), n),
                prop::collection::vec(0u8..4, n),
            )
        })
        .prop_map(|(days, deps, groups)| random_template(&days, &deps, &groups))
        .prop_filter("a valid template", |t| t.validate().is_ok())
}

fn finish_of(s: &ScheduledStep) -> NaiveDate {
    s.actual_finish.unwrap_or(s.planned_due)
}

proptest! {
    #[test]
    fn every_step_is_due_no_earlier_than_it_starts_and_starts_after_its_dependencies(
        t in template_strategy(),
        offset in 0i64..2900,
        finished in any::<u16>(),
    ) {
        let start = date(2019, 1, 2) + chrono::Days::new(offset as u64);
        // Some steps record actual dates, shifted from their plan.
        let fresh = plan(&t, start, &[], cal(), start);
        let states: Vec<StepState> = fresh
            .steps
            .iter()
            .enumerate()
            .filter(|(i, _)| finished & (1 << i) != 0)
            .map(|(i, s)| {
                let finish = s.planned_due + chrono::Days::new((i % 4) as u64);
                done(&s.key, s.planned_start, finish)
            })
            .collect();
        for schedule in [&fresh, &plan(&t, start, &states, cal(), start)] {
            for s in &schedule.steps {
                prop_assert!(s.planned_due >= s.planned_start, "{}", s.key);
                prop_assert!(s.projected_finish >= s.projected_start, "{}", s.key);
                if s.actual_start.is_some() {
                    continue;
                }
                for dep in &s.depends_on {
                    let d = find(schedule, dep);
                    prop_assert!(s.planned_start > finish_of(d), "{} after {}", s.key, dep);
                }
            }
        }
    }

    /// A step not finished is past due exactly when it is late, by the working days since its
    /// planned due date; a page shows that instead of the days left.
    #[test]
    fn an_unfinished_step_is_past_due_exactly_when_late(
        t in template_strategy(),
        offset in 0i64..2900,
        later in 0u64..400,
        begun in any::<u16>(),
    ) {
        let start = date(2019, 1, 2) + chrono::Days::new(offset as u64);
        let today = start + chrono::Days::new(later);
        let fresh = plan(&t, start, &[], cal(), start);
        let states: Vec<StepState> = fresh
            .steps
            .iter()
            .enumerate()
            .filter(|(i, s)| begun & (1 << i) != 0 && s.planned_start <= today)
            .map(|(_, s)| started(&s.key, s.planned_start))
            .collect();
        let s = plan(&t, start, &states, cal(), today);
        for st in &s.steps {
            if st.actual_finish.is_some() {
                prop_assert_eq!(st.working_days_past_due, None, "{}", &st.key);
                continue;
            }
            let past = cal().working_days_between(st.planned_due, today).value;
            let expected = st.late.then_some(past);
            prop_assert_eq!(st.working_days_past_due, expected, "{}", &st.key);
        }
    }

    #[test]
    fn a_fresh_plan_takes_exactly_the_templates_committed_total(
        t in template_strategy(),
        offset in 0i64..2900,
    ) {
        let start = date(2019, 1, 2) + chrono::Days::new(offset as u64);
        let s = plan(&t, start, &[], cal(), start);
        let limits = t.critical_path_limits();
        prop_assert_eq!(s.projected_working_days, limits.committed_days);
        prop_assert_eq!(&s.critical_path, &limits.path);
        let on_path: i64 = s.steps.iter().filter(|x| x.on_critical_path).map(|x| i64::from(x.committed_days)).sum();
        prop_assert_eq!(on_path, limits.committed_days);
    }
}
