//! The schedule of a project's steps: planned and projected dates, days used and left, the
//! critical path — what a Gantt chart (挂图作业) needs.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::clock::Clock;
use super::critical::walk_back;
use super::graph::Graph;
use super::schedule::{PhaseSummary, Schedule, ScheduledStep};
use super::state::{StepState, StepStatus};
use super::template::{Template, MAX_LIMIT_DAYS};
use crate::calendar::WorkCalendar;

/// When a step runs, in one mode (plan or projection).
#[derive(Debug, Clone, Copy)]
struct Window {
    start: NaiveDate,
    due: NaiveDate,
    committed_due: NaiveDate,
    statutory_due: NaiveDate,
    finish: NaiveDate,
    /// The first day its successors may start.
    release: NaiveDate,
}

struct Computed {
    plan: Window,
    projection: Window,
    suspended: i64,
    used: i64,
    years: BTreeSet<i32>,
}

/// Schedules the steps of `template` for a project starting on `start`, from the recorded
/// `states` (a step without a state is pending; states of unknown keys are ignored). See the
/// module docs for the counting conventions. Never panics; for an invalid template, steps
/// in a dependency cycle are planned after the others, as if their open dependencies were
/// released at the project start.
pub fn plan(
    template: &Template,
    start: NaiveDate,
    states: &[StepState],
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Schedule {
    let graph = Graph::new(template);
    let blank = StepState::default();
    let by_key: HashMap<&str, &StepState> = states.iter().map(|s| (s.key.as_str(), s)).collect();
    let state_of = |n: usize| *by_key.get(graph.def(n).key.as_str()).unwrap_or(&&blank);
    let mut clock = Clock::new(calendar, today);
    let first_day = clock.on_or_after(start);
    let years = clock.take_years();
    let mut computed: Vec<Option<Computed>> = (0..graph.len()).map(|_| None).collect();
    for u in graph.order() {
        let unit = &graph.units[u];
        let released = |pick: fn(&Computed) -> NaiveDate| {
            unit.deps
                .iter()
                .filter_map(|&d| computed[d].as_ref().map(pick))
                .fold(first_day, NaiveDate::max)
        };
        let from_plan = released(|c| c.plan.release);
        let from_projection = released(|c| c.projection.release);
        for &n in &unit.members {
            let limits = limits(&graph, n);
            let c = compute(&mut clock, state_of(n), limits, from_plan, from_projection);
            computed[n] = Some(c);
        }
    }
    let computed: Vec<Computed> = computed
        .into_iter()
        .map(|c| c.expect("graph.order() lists every unit"))
        .collect();
    let context = Context {
        start,
        first_day,
        years,
    };
    assemble(template, &graph, &computed, state_of, &mut clock, context)
}

fn limits(graph: &Graph, n: usize) -> (i64, i64) {
    let def = graph.def(n);
    let clamp = |d: i32| i64::from(d.clamp(1, MAX_LIMIT_DAYS));
    (clamp(def.committed_days), clamp(def.statutory_days))
}

fn compute(
    clock: &mut Clock,
    state: &StepState,
    limits: (i64, i64),
    from_plan: NaiveDate,
    from_projection: NaiveDate,
) -> Computed {
    let intervals = clock.intervals(&state.suspensions);
    let plan = window(clock, state, limits, &intervals, from_plan, false);
    let projection = window(clock, state, limits, &intervals, from_projection, true);
    let suspended = intervals
        .iter()
        .map(|&(from, to)| clock.inclusive(from, to))
        .sum();
    let used = match state.actual_start {
        Some(s) => clock.used(s, state.actual_finish, &intervals),
        None => 0,
    };
    Computed {
        plan,
        projection,
        suspended,
        used,
        years: clock.take_years(),
    }
}

fn window(
    clock: &mut Clock,
    state: &StepState,
    (committed, statutory): (i64, i64),
    intervals: &[(NaiveDate, NaiveDate)],
    released: NaiveDate,
    projecting: bool,
) -> Window {
    let skipped = state.status == StepStatus::Skipped && state.actual_finish.is_none();
    let mut start = state.actual_start.unwrap_or(released);
    if state.actual_start.is_none() && !skipped {
        if let Some(not_before) = state.not_before {
            start = start.max(clock.on_or_after(not_before));
        }
        if projecting {
            start = start.max(clock.on_or_after(clock.today));
        }
    }
    if skipped {
        return Window {
            start,
            due: start,
            committed_due: start,
            statutory_due: start,
            finish: start,
            release: start,
        };
    }
    let committed_due = clock.due(start, committed, intervals);
    let statutory_due = clock.due(start, statutory, intervals);
    let due = state.due_override.unwrap_or(committed_due);
    let finish = match state.actual_finish {
        Some(f) => f,
        None if projecting => due.max(clock.on_or_after(clock.today)),
        None => due,
    };
    Window {
        start,
        due,
        committed_due,
        statutory_due,
        finish,
        release: clock.add(finish, 1),
    }
}

/// What [`plan`] knows before the steps: the project start, its first working day, and the
/// uncovered years met finding it.
struct Context {
    start: NaiveDate,
    first_day: NaiveDate,
    years: BTreeSet<i32>,
}

fn assemble<'s>(
    template: &Template,
    graph: &Graph,
    computed: &[Computed],
    state_of: impl Fn(usize) -> &'s StepState,
    clock: &mut Clock,
    context: Context,
) -> Schedule {
    let Context {
        start,
        first_day,
        mut years,
    } = context;
    let today = clock.today;
    let counted = |n: usize| state_of(n).status != StepStatus::Skipped;
    let last = |pick: fn(&Computed) -> NaiveDate| {
        (0..computed.len())
            .filter(|&n| counted(n))
            .map(|n| pick(&computed[n]))
            .max()
            .unwrap_or(first_day)
    };
    let planned_finish = last(|c| c.plan.finish);
    let projected_finish = last(|c| c.projection.finish);
    let path = critical_path(graph, computed, &counted);
    years.extend(computed.iter().flat_map(|c| c.years.iter().copied()));
    let mut on_path: Vec<(NaiveDate, NaiveDate)> = path
        .iter()
        .flat_map(|&n| clock.intervals(&state_of(n).suspensions))
        .collect();
    on_path.sort();
    let net = |clock: &mut Clock, end: NaiveDate| {
        clock.inclusive(first_day, end) - clock.suspended_in(&on_path, first_day, end)
    };
    let projected_working_days = net(clock, projected_finish);
    let working_days_elapsed = net(clock, today.min(projected_finish));
    let limits = template.critical_path_limits();
    years.extend(clock.take_years());
    let steps: Vec<ScheduledStep> = (0..computed.len())
        .map(|n| {
            let c = &computed[n];
            let state = state_of(n);
            // Working days an unfinished step is past its planned due date.
            let open = state.actual_finish.is_none() && state.status != StepStatus::Skipped;
            let overdue = (open && today > c.plan.due).then(|| {
                c.plan
                    .due
                    .succ_opt()
                    .map_or(0, |d| clock.inclusive(d, today))
            });
            scheduled(graph, n, c, state, path.contains(&n), today, overdue)
        })
        .collect();
    Schedule {
        template_key: template.key.clone(),
        template_version: template.version,
        start,
        today,
        phases: phase_summaries(template, &steps),
        critical_path: path.iter().map(|&n| graph.def(n).key.clone()).collect(),
        finished: (0..computed.len()).all(|n| state_of(n).is_finished()),
        steps,
        planned_finish,
        projected_finish,
        committed_total_days: limits.committed_days,
        statutory_total_days: limits.statutory_days,
        projected_working_days,
        working_days_elapsed,
        estimated: !years.is_empty(),
        uncovered_years: years.into_iter().collect(),
    }
}

fn critical_path(
    graph: &Graph,
    computed: &[Computed],
    counted: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let end = (0..computed.len())
        .filter(|&n| counted(n))
        .max_by_key(|&n| computed[n].projection.finish);
    let Some(end) = end else {
        return Vec::new();
    };
    walk_back(graph, end, |d| computed[d].projection.release)
        .into_iter()
        .filter(|&n| counted(n))
        .collect()
}

fn scheduled(
    graph: &Graph,
    n: usize,
    c: &Computed,
    state: &StepState,
    on_critical_path: bool,
    today: NaiveDate,
    overdue: Option<i64>,
) -> ScheduledStep {
    let def = graph.def(n);
    let skipped = state.status == StepStatus::Skipped;
    let committed = i64::from(def.committed_days.clamp(1, MAX_LIMIT_DAYS));
    let end = state.actual_finish.unwrap_or(today);
    ScheduledStep {
        key: def.key.clone(),
        name: def.name.clone(),
        phase: graph.phase_key(n).to_owned(),
        owner: def.owner.clone(),
        status: state.status,
        parallel_group: def.parallel_group.clone(),
        depends_on: def.depends_on.clone(),
        committed_days: def.committed_days,
        statutory_days: def.statutory_days,
        planned_start: c.plan.start,
        planned_due: c.plan.due,
        committed_due: c.plan.committed_due,
        statutory_due: c.plan.statutory_due,
        projected_start: c.projection.start,
        projected_finish: c.projection.finish,
        actual_start: state.actual_start,
        actual_finish: state.actual_finish,
        suspended_days: c.suspended,
        working_days_used: c.used,
        working_days_left: if skipped { 0 } else { committed - c.used },
        working_days_past_due: overdue,
        share_used_percent: c.used * 100 / committed,
        late: !skipped && end > c.plan.due,
        on_critical_path,
        estimated: !c.years.is_empty(),
    }
}

fn phase_summaries(template: &Template, steps: &[ScheduledStep]) -> Vec<PhaseSummary> {
    let mut out = Vec::new();
    let mut rest = steps;
    for phase in &template.phases {
        let (mine, others) = rest.split_at(phase.steps.len().min(rest.len()));
        rest = others;
        let (Some(planned_start), Some(planned_finish), Some(projected_finish)) = (
            mine.iter().map(|s| s.planned_start).min(),
            mine.iter()
                .map(|s| s.actual_finish.unwrap_or(s.planned_due))
                .max(),
            mine.iter().map(|s| s.projected_finish).max(),
        ) else {
            continue;
        };
        out.push(PhaseSummary {
            key: phase.key.clone(),
            name: phase.name.clone(),
            planned_start,
            planned_finish,
            projected_finish,
            steps: mine.len(),
            finished: mine
                .iter()
                .filter(|s| s.actual_finish.is_some() || s.status == StepStatus::Skipped)
                .count(),
        });
    }
    out
}
