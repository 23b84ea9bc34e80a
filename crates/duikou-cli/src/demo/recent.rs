//! The demo's recent months: the published figures fix the history up to `data_end()`; this
//! lays the generated projects' life from then up to the demo's "today", so that the demo
//! agrees with its own calendar — some projects move on a stage, reports go on quarter by
//! quarter (同比 then shows real change), old problems are closed and a few new ones are open
//! with due dates around today, and the approval steps run on projects that landed or started
//! lately.

use chrono::{Datelike, Duration, NaiveDate};
use duikou_core::problem::{ProblemFields, ProblemStatus};
use duikou_core::progress_report::Period;
use duikou_core::project::Category;
use duikou_core::Stage;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::amounts::part;
use super::plan::{data_end, money, ProjectPlan};

const CLOSINGS: &[&str] = &[
    "经专题协调会研究，明确了责任单位和办理时限，问题已解决",
    "牵头部门会同有关单位现场办公，已协调解决",
];

const FRESH: &[(duikou_core::problem::ProblemCategory, &str)] = &[
    (
        duikou_core::problem::ProblemCategory::Permits,
        "施工许可所需的施工图审查合格书尚未出具",
    ),
    (
        duikou_core::problem::ProblemCategory::Funding,
        "本季度建设资金到位滞后于投资计划",
    ),
    (
        duikou_core::problem::ProblemCategory::LandSupply,
        "二期用地净地交付时间尚未明确",
    ),
];

/// Brings the generated projects up to `today` (nothing when `today` is not past
/// `data_end()`).
pub fn bring_up_to(rng: &mut ChaCha8Rng, plans: &mut [ProjectPlan], today: NaiveDate) {
    let from = data_end() + Duration::days(1);
    if today <= from + Duration::days(30) {
        return;
    }
    for p in plans.iter_mut().filter(|p| p.fields.generated) {
        move_on(rng, p, from, today);
        report_on(rng, p, today);
        close_old_problems(rng, p, today);
    }
}

/// One project in three still on the main line (short of 投产) moves on a stage, a few two,
/// on days between `from` and today.
fn move_on(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, from: NaiveDate, today: NaiveDate) {
    let Some(stage) = p.stage() else { return };
    if !stage.is_main_line() || stage == Stage::Operating || !rng.gen_bool(0.35) {
        return;
    }
    let steps = if rng.gen_bool(0.15) { 2 } else { 1 };
    let mut last = from.max(p.last_date().unwrap_or(from));
    for _ in 0..steps {
        let Some(next) = p.stage().and_then(|s| s.next_on_main_line()) else {
            break;
        };
        let span = (today - last).num_days();
        if span < 20 {
            break;
        }
        let on = last + Duration::days(rng.gen_range(10..span));
        p.to(next, on);
        last = on;
        // A project that lands or starts lately meets an obstacle now and then.
        if matches!(next, Stage::Landed | Stage::Started) && rng.gen_bool(0.3) {
            fresh_problem(rng, p, on, today);
        }
    }
}

/// An open problem raised after `since`, due between three weeks ago and two months ahead.
fn fresh_problem(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, since: NaiveDate, today: NaiveDate) {
    let (category, text) = FRESH[rng.gen_range(0..FRESH.len())];
    if p.problems.iter().any(|q| q.description == text) {
        return;
    }
    let due = (today + Duration::days(rng.gen_range(-20..60))).max(since + Duration::days(15));
    p.problems.push(ProblemFields {
        category,
        description: text.to_owned(),
        owner_org_id: p.fields.owner_org_id,
        due_date: Some(due),
        status: if rng.gen_bool(0.5) {
            ProblemStatus::InProgress
        } else {
            ProblemStatus::Open
        },
        resolution: None,
        resolved_on: None,
        progress: None,
    });
}

/// Quarter-end reports after the last one, up to the last quarter ended by today: the
/// investment grows with the stage held, never falling, never past the plan.
fn report_on(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, today: NaiveDate) {
    let planned = p.fields.planned_investment.map_or(0, |m| m.yuan());
    let Some(last) = p.reports.iter().max_by_key(|r| r.period.end()).cloned() else {
        return;
    };
    if planned <= 0 || p.fields.category != Category::Investment {
        return;
    }
    let mut invested = last.invested_to_date.map_or(0, |m| m.yuan());
    let mut funds = last.funds_in_place.map_or(0, |m| m.yuan());
    let mut end = last.period.end();
    loop {
        let (y, m) = match end.month() {
            12 => (end.year() + 1, 3),
            m => (end.year(), (m / 3 + 1) * 3),
        };
        let period = Period::Month(y, m);
        if period.end() > today {
            break;
        }
        end = period.end();
        let Some(stage) = p.main_stage_on(end) else {
            continue;
        };
        if p.stage_on(end) == Some(Stage::Terminated) {
            break;
        }
        let share = match stage {
            Stage::Landed => rng.gen_range(0.0..0.02),
            Stage::Started => rng.gen_range(0.03..0.09),
            Stage::Completed => rng.gen_range(0.0..0.02),
            _ => 0.0,
        };
        invested = (invested + part(planned, share)).min(planned);
        funds = funds.max(invested);
        if invested == 0 {
            continue;
        }
        let (inv, fun) = (invested, funds);
        p.report(period, |r| {
            r.invested_to_date = money(inv);
            r.funds_in_place = money(fun);
        });
    }
}

/// A problem left open more than half a year past its due date is closed, as offices do
/// when they clean up their lists; the recent ones stay open.
fn close_old_problems(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, today: NaiveDate) {
    for q in &mut p.problems {
        let Some(due) = q.due_date else { continue };
        if q.status == ProblemStatus::Resolved || due + Duration::days(180) > today {
            continue;
        }
        let on = (due + Duration::days(rng.gen_range(5..90))).min(today);
        q.status = ProblemStatus::Resolved;
        q.resolution = Some(CLOSINGS[rng.gen_range(0..CLOSINGS.len())].to_owned());
        q.resolved_on = Some(on);
    }
}
