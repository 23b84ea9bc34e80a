//! The engine: every rule on one project, and `next_check` — nothing may change before it.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use duikou_core::calendar::WorkCalendar;
use duikou_core::steps::{
    Commitment, Deficiency, StepState, StepStatus, Suspension, SuspensionReason, Template,
};
use duikou_core::warnings::{
    evaluate, AnnualPlan, Level, ProblemFacts, ProjectFacts, RuleId, StepsFacts, Subject,
    SubjectKind, Thresholds,
};
use duikou_core::Stage;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn template() -> Template {
    Template::shipped()
        .into_iter()
        .find(|t| t.key == "construction_approval")
        .expect("shipped template")
}

/// A project in a realistic muddle: steps done, running, one with documents missing, one
/// granted on a promise, one suspended; a problem; a linear annual plan half met.
fn states() -> Vec<StepState> {
    let t = template();
    let mut states: Vec<StepState> = t.steps().map(|s| StepState::new(&s.key)).collect();
    let set = |states: &mut Vec<StepState>, key: &str, f: &dyn Fn(&mut StepState)| {
        let s = states.iter_mut().find(|s| s.key == key).expect("step");
        f(s);
    };
    set(&mut states, "project_filing", &|s| {
        s.status = StepStatus::Done;
        s.actual_start = Some(d(2026, 3, 2));
        s.actual_finish = Some(d(2026, 3, 3));
    });
    set(&mut states, "land_use_planning_permit", &|s| {
        s.status = StepStatus::InProgress;
        s.actual_start = Some(d(2026, 3, 4));
    });
    set(&mut states, "land_title_registration", &|s| {
        s.status = StepStatus::AcceptedWithDeficiency;
        s.actual_start = Some(d(2026, 3, 9));
        s.deficiency = Some(Deficiency {
            missing_documents: vec!["不动产权籍调查报告".into()],
            supply_days: 10,
            accepted_on: d(2026, 3, 9),
            supplied_on: None,
        });
    });
    set(&mut states, "env_impact_approval", &|s| {
        s.status = StepStatus::GrantedOnCommitment;
        s.actual_start = Some(d(2026, 3, 5));
        s.commitment = Some(Commitment {
            promised: "按承诺补充环评报告".into(),
            verify_days: 20,
            granted_on: d(2026, 3, 6),
            verified_on: None,
        });
    });
    set(&mut states, "energy_saving_review", &|s| {
        s.status = StepStatus::InProgress;
        s.actual_start = Some(d(2026, 3, 5));
        s.suspensions = vec![Suspension {
            from: d(2026, 3, 10),
            to: Some(d(2026, 4, 20)),
            reason: SuspensionReason::ExpertReview,
            note: String::new(),
        }];
    });
    states
}

fn facts<'a>(template: &'a Template, states: &'a [StepState]) -> ProjectFacts<'a> {
    ProjectFacts {
        project_id: 1,
        stage: Stage::Landed,
        owner_org_id: Some(7),
        planned_start: Some(d(2026, 5, 15)),
        planned_production: Some(d(2027, 2, 1)),
        last_update: d(2026, 3, 20),
        annual_plan: Some(AnnualPlan {
            year: 2026,
            amount_yuan: 120_000_000,
            curve: None,
        }),
        invested_year_to_date: Some(30_000_000),
        problems: vec![ProblemFacts {
            id: 42,
            due: Some(d(2026, 5, 8)),
            resolved: false,
            description: "用地指标未落实".into(),
            owner_org_id: Some(9),
        }],
        steps: Some(StepsFacts {
            template,
            start: d(2026, 3, 2),
            states,
        }),
    }
}

type Levels = BTreeSet<(String, RuleId, Level)>;

fn levels(f: &ProjectFacts<'_>, as_of: NaiveDate) -> (Levels, Option<NaiveDate>) {
    let e = evaluate(f, &Thresholds::default(), WorkCalendar::official(), as_of);
    let set = e
        .raised
        .iter()
        .map(|r| (r.subject.code(), r.finding.rule, r.finding.level))
        .collect();
    (set, e.next_check)
}

#[test]
fn nothing_changes_before_next_check_over_a_year_of_days() {
    let t = template();
    let states = states();
    let f = facts(&t, &states);
    let start = d(2026, 3, 1);
    let days: Vec<(NaiveDate, Levels, Option<NaiveDate>)> = (0..330)
        .map(|i| {
            let day = start + Days::new(i);
            let (l, n) = levels(&f, day);
            (day, l, n)
        })
        .collect();
    let mut changes = 0;
    for (i, (day, l, next)) in days.iter().enumerate() {
        if let Some(n) = next {
            assert!(n > day, "next_check {n} not after {day}");
        }
        for (later, l2, _) in &days[i + 1..] {
            if next.is_some_and(|n| *later >= n) {
                break;
            }
            assert_eq!(
                l, l2,
                "warnings changed on {later}, before next_check {next:?} computed on {day}"
            );
        }
        if i > 0 && days[i - 1].1 != *l {
            changes += 1;
        }
    }
    // The scenario is rich enough that the walk sees many changes of level.
    assert!(changes >= 8, "only {changes} changes seen");
    // And every rule of the scenario fired on some day.
    let fired: BTreeSet<RuleId> = days
        .iter()
        .flat_map(|(_, l, _)| l.iter().map(|(_, r, _)| *r))
        .collect();
    for rule in [
        RuleId::StepCommitted,
        RuleId::StepStatutory,
        RuleId::DeficiencyDue,
        RuleId::CommitmentDue,
        RuleId::ProblemOverdue,
        RuleId::ProjectStalled,
        RuleId::ScheduleBehind,
        RuleId::StartOverdue,
    ] {
        assert!(fired.contains(&rule), "{rule:?} never fired");
    }
}

#[test]
fn a_suspended_or_terminated_project_raises_nothing_and_needs_no_check() {
    let t = template();
    let states = states();
    for stage in [Stage::Suspended, Stage::Terminated] {
        let mut f = facts(&t, &states);
        f.stage = stage;
        let (l, n) = levels(&f, d(2026, 9, 1));
        assert!(l.is_empty());
        assert_eq!(n, None);
    }
}

#[test]
fn problem_warnings_name_the_problem_and_its_owner() {
    let t = template();
    let states = states();
    let f = facts(&t, &states);
    let e = evaluate(
        &f,
        &Thresholds::default(),
        WorkCalendar::official(),
        d(2026, 5, 9),
    );
    let p = e
        .raised
        .iter()
        .find(|r| r.finding.rule == RuleId::ProblemOverdue)
        .expect("problem warning");
    assert_eq!(p.subject.code(), "problem:42");
    assert_eq!(p.owner_org_id, Some(9));
    assert_eq!(p.finding.level, Level::Red);
    assert_eq!(
        Subject::parse("problem:42").map(|s| s.kind),
        Some(SubjectKind::Problem)
    );
}

#[test]
fn production_overdue_follows_the_planned_production_month() {
    let t = template();
    let states = states();
    let mut f = facts(&t, &states);
    f.stage = Stage::Completed;
    f.steps = None;
    let at = |f: &ProjectFacts<'_>, day| {
        levels(f, day)
            .0
            .into_iter()
            .find(|(_, r, _)| *r == RuleId::ProductionOverdue)
            .map(|(_, _, l)| l)
    };
    assert_eq!(at(&f, d(2027, 2, 28)), None);
    assert_eq!(at(&f, d(2027, 3, 1)), Some(Level::Yellow));
    assert_eq!(at(&f, d(2027, 4, 30)), Some(Level::Yellow));
    assert_eq!(at(&f, d(2027, 5, 1)), Some(Level::Red));
    f.stage = Stage::Operating;
    assert_eq!(at(&f, d(2027, 5, 1)), None);
}

#[test]
fn a_monthly_curve_sets_the_expectation() {
    let mut curve: Vec<i64> = vec![0, 0, 50, 100, 200, 300, 400, 500, 600, 700, 850, 1000];
    let plan = AnnualPlan {
        year: 2026,
        amount_yuan: 1_000_000,
        curve: Some(curve.clone()),
    };
    assert_eq!(plan.check(), Ok(()));
    assert_eq!(plan.expected_yuan(0), 0);
    assert_eq!(plan.expected_yuan(2), 0);
    assert_eq!(plan.expected_yuan(4), 100_000);
    assert_eq!(plan.expected_yuan(12), 1_000_000);
    curve[5] = 90;
    let bad = AnnualPlan {
        curve: Some(curve),
        ..plan.clone()
    };
    assert!(bad.check().expect_err("decreasing").contains("不减"));
    let short = AnnualPlan {
        curve: Some(vec![1000]),
        ..plan
    };
    assert!(short.check().expect_err("short").contains("12"));
}

#[test]
fn behind_schedule_uses_the_months_completed() {
    let t = template();
    let states = states();
    let mut f = facts(&t, &states);
    f.steps = None;
    let behind = |f: &ProjectFacts<'_>, day| {
        levels(f, day)
            .0
            .into_iter()
            .find(|(_, r, _)| *r == RuleId::ScheduleBehind)
            .map(|(_, _, l)| l)
    };
    // 30 of 120 million done. End of April: 40 expected → 8.3 points behind: nothing.
    assert_eq!(behind(&f, d(2026, 5, 31)), None);
    // End of May: 50 expected → 16.7 points: yellow.
    assert_eq!(behind(&f, d(2026, 6, 1)), Some(Level::Yellow));
    // End of September: 90 expected → 50 points: red.
    assert_eq!(behind(&f, d(2026, 10, 1)), Some(Level::Red));
    // A plan of another year says nothing about this one.
    f.annual_plan = Some(AnnualPlan {
        year: 2025,
        amount_yuan: 120_000_000,
        curve: None,
    });
    assert_eq!(behind(&f, d(2026, 10, 1)), None);
}

/// A step running across the National Day holiday of 2024: no working day passes from
/// 1 to 7 October, so nothing escalates then; the limit is reached on the working days after
/// (the Sunday 29 September was a make-up working day and counts).
#[test]
fn a_step_across_a_holiday_escalates_only_on_working_days() {
    let t = template();
    let mut states: Vec<StepState> = t.steps().map(|s| StepState::new(&s.key)).collect();
    for s in &mut states {
        if s.key == "project_filing" {
            s.status = StepStatus::Done;
            s.actual_start = Some(d(2024, 9, 25));
            s.actual_finish = Some(d(2024, 9, 26));
        }
        if s.key == "land_use_planning_permit" {
            // Committed 5 working days, statutory 20.
            s.status = StepStatus::InProgress;
            s.actual_start = Some(d(2024, 9, 27));
        }
    }
    let mut f = facts(&t, &states);
    f.problems.clear();
    f.annual_plan = None;
    f.planned_start = None;
    f.planned_production = None;
    f.last_update = d(2024, 9, 27);
    f.steps = Some(StepsFacts {
        template: &t,
        start: d(2024, 9, 25),
        states: &states,
    });
    let level = |day| {
        levels(&f, day)
            .0
            .into_iter()
            .find(|(s, r, _)| s == "step:land_use_planning_permit" && *r == RuleId::StepCommitted)
            .map(|(_, _, l)| l)
    };
    // 27 Sep (1), 29 Sep (2, make-up day): fewer than 80 % used and 3+ left.
    assert_eq!(level(d(2024, 9, 28)), None);
    assert_eq!(level(d(2024, 9, 29)), None);
    // 30 Sep: 3 used, 2 left → yellow, and it stays yellow through the whole holiday.
    assert_eq!(level(d(2024, 9, 30)), Some(Level::Yellow));
    for day in 1..=7 {
        assert_eq!(level(d(2024, 10, day)), Some(Level::Yellow), "10-{day}");
    }
    // 8 Oct (4) and 9 Oct (5 = the limit) are still yellow; 10 Oct is past it.
    assert_eq!(level(d(2024, 10, 9)), Some(Level::Yellow));
    assert_eq!(level(d(2024, 10, 10)), Some(Level::Red));
    // The engine knew on 30 Sep that nothing changes before 10 Oct.
    let (_, next) = levels(&f, d(2024, 9, 30));
    assert_eq!(next, Some(d(2024, 10, 10)));
}
