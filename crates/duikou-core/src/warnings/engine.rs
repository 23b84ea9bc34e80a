//! Every rule applied to one project at once: what the warnings of a project are as of a date,
//! and the next date on which they could change with no write in between.
//!
//! The second answer is what keeps a sweep cheap: a project whose warnings are exact as of
//! its last evaluation stays exact until its `next_check` (every rule here is a step function
//! of time whose steps are computed below) or until a write re-evaluates it. A date too early
//! only costs an extra evaluation; a date too late would be a bug, so each rule's change dates
//! are derived from the same thresholds the rule compares against, and the engine's tests walk
//! day by day to check that nothing changes before `next_check`.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{
    linear_expected_yuan, month_start_after, open_item_finding, problem_finding,
    production_overdue_finding, schedule_behind_finding, stalled_finding, start_overdue_finding,
    step_findings, Finding, Level, Thresholds,
};
use crate::calendar::WorkCalendar;
use crate::stage::Stage;
use crate::steps::{
    open_commitments, open_deficiencies, plan, OpenItem, ScheduledStep, StepState, Template,
};

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Project,
    Step,
    Deficiency,
    Commitment,
    Problem,
}

impl SubjectKind {
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Project => "project",
            SubjectKind::Step => "step",
            SubjectKind::Deficiency => "deficiency",
            SubjectKind::Commitment => "commitment",
            SubjectKind::Problem => "problem",
        }
    }
}

/// One subject of a project: the project itself, a step or open item by step key, a problem
/// by id. Its `code` (`project`, `step:KEY`, `problem:ID`, ...) is unique within the project.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub kind: SubjectKind,
    pub key: String,
}

impl Subject {
    pub fn project() -> Subject {
        Subject {
            kind: SubjectKind::Project,
            key: String::new(),
        }
    }

    pub fn code(&self) -> String {
        if self.kind == SubjectKind::Project {
            self.kind.code().to_owned()
        } else {
            format!("{}:{}", self.kind.code(), self.key)
        }
    }

    pub fn parse(code: &str) -> Option<Subject> {
        if code == "project" {
            return Some(Subject::project());
        }
        let (kind, key) = code.split_once(':')?;
        let kind = [
            SubjectKind::Step,
            SubjectKind::Deficiency,
            SubjectKind::Commitment,
            SubjectKind::Problem,
        ]
        .into_iter()
        .find(|k| k.code() == kind)?;
        Some(Subject {
            kind,
            key: key.to_owned(),
        })
    }
}

/// A problem of the project, as the rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemFacts {
    pub id: i64,
    pub due: Option<NaiveDate>,
    pub resolved: bool,
    pub description: String,
    pub owner_org_id: Option<i64>,
}

/// A project's investment plan for one year (年度投资计划).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnualPlan {
    pub year: i32,
    /// The year's planned investment, yuan.
    pub amount_yuan: i64,
    /// Cumulative share of the year's plan due at each month end, per mille (12 values,
    /// non-decreasing, the last 1000). None: linear (序时进度 by months).
    #[serde(default)]
    pub curve: Option<Vec<i64>>,
}

impl AnnualPlan {
    /// Checks the curve: 12 values, each 0..=1000, non-decreasing, ending at 1000.
    pub fn check(&self) -> Result<(), String> {
        if self.amount_yuan < 0 {
            return Err("年度计划投资不能为负数".into());
        }
        if !(1900..=2200).contains(&self.year) {
            return Err(format!("年份{}不在有效范围内", self.year));
        }
        let Some(curve) = &self.curve else {
            return Ok(());
        };
        if curve.len() != 12 {
            return Err(format!("月度进度曲线应有12个值，实际{}个", curve.len()));
        }
        if curve.iter().any(|v| !(0..=1000).contains(v)) {
            return Err("月度进度曲线的值应在0到1000（千分比）之间".into());
        }
        if curve.windows(2).any(|w| w[1] < w[0]) {
            return Err("月度进度曲线应逐月不减".into());
        }
        if curve[11] != 1000 {
            return Err("月度进度曲线12月末应为1000（全年计划）".into());
        }
        Ok(())
    }

    /// The cumulative investment expected after `months` whole months of the year.
    pub fn expected_yuan(&self, months: u32) -> i64 {
        match &self.curve {
            Some(curve) if months >= 1 => {
                let share = curve
                    .get(months.min(12) as usize - 1)
                    .copied()
                    .unwrap_or(1000);
                i64::try_from(i128::from(self.amount_yuan) * i128::from(share) / 1000)
                    .unwrap_or(i64::MAX)
            }
            Some(_) => 0,
            None => linear_expected_yuan(self.amount_yuan, months),
        }
    }
}

/// The steps a project runs: its template version, start date and step states.
#[derive(Debug, Clone, Copy)]
pub struct StepsFacts<'a> {
    pub template: &'a Template,
    pub start: NaiveDate,
    pub states: &'a [StepState],
}

/// Everything the rules look at for one project.
#[derive(Debug, Clone)]
pub struct ProjectFacts<'a> {
    pub project_id: i64,
    pub stage: Stage,
    pub owner_org_id: Option<i64>,
    pub planned_start: Option<NaiveDate>,
    pub planned_production: Option<NaiveDate>,
    /// The last date anything was recorded for the project (edit, report, transition).
    pub last_update: NaiveDate,
    /// The plan of the year of `as_of`, if any.
    pub annual_plan: Option<AnnualPlan>,
    /// Investment completed this year: the latest cumulative figure reported this year less
    /// the last one of the previous years (None: nothing reported this year).
    pub invested_year_to_date: Option<i64>,
    pub problems: Vec<ProblemFacts>,
    pub steps: Option<StepsFacts<'a>>,
}

/// One warning the rules raise now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub subject: Subject,
    /// The organisation that must act (the problem's, else the project's owner).
    pub owner_org_id: Option<i64>,
    /// The office named by the template for a step (责任单位), when there is one.
    pub owner_name: Option<String>,
    pub finding: Finding,
}

/// The warnings of a project as of a date, and when to look again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub raised: Vec<Raised>,
    /// The first date after `as_of` on which a warning could change without a write; None
    /// when only a write can change anything.
    pub next_check: Option<NaiveDate>,
}

/// Candidate dates; keeps the earliest one after `as_of`.
struct Next {
    as_of: NaiveDate,
    best: Option<NaiveDate>,
}

impl Next {
    fn offer(&mut self, date: Option<NaiveDate>) {
        if let Some(d) = date.filter(|d| *d > self.as_of) {
            self.best = Some(self.best.map_or(d, |b| b.min(d)));
        }
    }
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

/// Applies every rule to a project as of `as_of`.
pub fn evaluate(
    facts: &ProjectFacts<'_>,
    t: &Thresholds,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> Evaluation {
    let mut raised = Vec::new();
    let mut next = Next { as_of, best: None };
    // A project on hold or ended raises nothing; resuming it is a write.
    if matches!(facts.stage, Stage::Suspended | Stage::Terminated) {
        return Evaluation {
            raised,
            next_check: None,
        };
    }
    let project = |finding: Finding| Raised {
        subject: Subject::project(),
        owner_org_id: facts.owner_org_id,
        owner_name: None,
        finding,
    };

    // Stalled: yellow and red after fixed numbers of calendar days.
    raised.extend(stalled_finding(facts.stage, facts.last_update, t, as_of).map(project));
    if matches!(facts.stage, Stage::Signed | Stage::Landed | Stage::Started) {
        next.offer(add_days(facts.last_update, t.stalled_days));
        next.offer(add_days(facts.last_update, t.stalled_red_days));
    }

    // Start and production overdue: on the first day of the months that follow.
    let started = facts.stage.at_or_beyond(Stage::Started);
    let producing = facts.stage.at_or_beyond(Stage::Operating);
    raised.extend(start_overdue_finding(facts.planned_start, started, t, as_of).map(project));
    raised.extend(
        production_overdue_finding(facts.planned_production, producing, t, as_of).map(project),
    );
    for (planned, done) in [
        (facts.planned_start, started),
        (facts.planned_production, producing),
    ] {
        if let (Some(p), false) = (planned, done) {
            next.offer(month_start_after(p, 1));
            next.offer(month_start_after(p, t.start_red_months));
        }
    }

    // 序时进度: the expectation moves at each month end.
    if let Some(plan) = facts
        .annual_plan
        .as_ref()
        .filter(|p| p.year == as_of.year())
    {
        let months = as_of.month0();
        if months >= 1 {
            let expected = plan.expected_yuan(months);
            let actual = facts.invested_year_to_date.unwrap_or(0);
            raised.extend(
                schedule_behind_finding(plan.amount_yuan, expected, actual, t, as_of).map(project),
            );
        }
        next.offer(month_start_after(as_of, 1));
    }

    // Problems: calendar days around the due date.
    for p in &facts.problems {
        let subject = Subject {
            kind: super::SubjectKind::Problem,
            key: p.id.to_string(),
        };
        if let Some(f) = problem_finding(p.due, p.resolved, &p.description, t, as_of) {
            raised.push(Raised {
                subject,
                owner_org_id: p.owner_org_id.or(facts.owner_org_id),
                owner_name: None,
                finding: f,
            });
        }
        if let (Some(due), false) = (p.due, p.resolved) {
            next.offer(add_days(due, -t.problem_due_within_days));
            next.offer(add_days(due, 1));
        }
    }

    if let Some(steps) = facts.steps {
        evaluate_steps(facts, steps, t, calendar, as_of, &mut raised, &mut next);
    }
    Evaluation {
        raised,
        next_check: next.best,
    }
}

fn evaluate_steps(
    facts: &ProjectFacts<'_>,
    steps: StepsFacts<'_>,
    t: &Thresholds,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
    raised: &mut Vec<Raised>,
    next: &mut Next,
) {
    if steps.states.iter().all(StepState::is_finished) {
        return;
    }
    let schedule = plan(steps.template, steps.start, steps.states, calendar, as_of);
    for step in &schedule.steps {
        for f in step_findings(step, t, as_of) {
            raised.push(Raised {
                subject: Subject {
                    kind: super::SubjectKind::Step,
                    key: step.key.clone(),
                },
                owner_org_id: facts.owner_org_id,
                owner_name: Some(step.owner.clone()).filter(|o| !o.is_empty()),
                finding: f,
            });
        }
        let state = steps.states.iter().find(|s| s.key == step.key);
        let suspended = state.is_some_and(|s| {
            s.suspensions
                .iter()
                .any(|x| x.from <= as_of && x.to.is_none_or(|to| to >= as_of))
        });
        if !suspended {
            next.offer(step_next_change(step, t, calendar, as_of));
        }
    }
    let items = open_deficiencies(steps.template, steps.states, calendar, as_of)
        .into_iter()
        .chain(open_commitments(
            steps.template,
            steps.states,
            calendar,
            as_of,
        ));
    for item in items {
        let kind = match item.kind {
            crate::steps::OpenItemKind::Deficiency => super::SubjectKind::Deficiency,
            crate::steps::OpenItemKind::Commitment => super::SubjectKind::Commitment,
        };
        if let Some(f) = open_item_finding(&item, t, as_of) {
            raised.push(Raised {
                subject: Subject {
                    kind,
                    key: item.step_key.clone(),
                },
                owner_org_id: facts.owner_org_id,
                owner_name: None,
                finding: f,
            });
        }
        let (yellow, red) = open_item_changes(&item, t, calendar);
        next.offer(yellow);
        next.offer(red);
    }
}

/// The levels of a running step's two rules when it has used `used` working days.
fn step_levels(step: &ScheduledStep, t: &Thresholds, used: i64) -> (Option<Level>, bool) {
    let committed = i64::from(step.committed_days.max(1));
    let left = committed - used;
    let committed_level = if left < 0 {
        Some(Level::Red)
    } else if used * 100 / committed >= t.committed_share_percent || left <= t.committed_days_left {
        Some(Level::Yellow)
    } else {
        None
    };
    (committed_level, used > i64::from(step.statutory_days))
}

/// The first working day on which a running, unsuspended step's levels differ from today's:
/// each working day adds one to the days used.
fn step_next_change(
    step: &ScheduledStep,
    t: &Thresholds,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    let running = step.actual_start.is_some()
        && step.actual_finish.is_none()
        && !matches!(
            step.status,
            crate::steps::StepStatus::Done | crate::steps::StepStatus::Skipped
        );
    if !running {
        return None;
    }
    let used = step.working_days_used;
    let now = step_levels(step, t, used);
    let horizon = i64::from(step.committed_days.max(step.statutory_days).max(1)) + 2;
    let extra = (1..=horizon.saturating_sub(used).max(1))
        .find(|k| step_levels(step, t, used + k) != now)?;
    calendar
        .checked_add_working_days(as_of, extra)
        .map(|a| a.value)
}

/// An open item turns yellow when at most `open_item_days_left` working days remain and red
/// the day after its deadline. The yellow date is offered one working day early: the
/// evaluation on that day offers the exact one.
fn open_item_changes(
    item: &OpenItem,
    t: &Thresholds,
    calendar: &WorkCalendar,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let yellow = calendar
        .checked_add_working_days(item.deadline, -(t.open_item_days_left + 1))
        .map(|a| a.value);
    (yellow, add_days(item.deadline, 1))
}
