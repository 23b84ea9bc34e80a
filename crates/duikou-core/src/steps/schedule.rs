//! The schedule's types: what a Gantt chart (挂图作业) needs.

use chrono::NaiveDate;
use serde::Serialize;

use super::state::StepStatus;

/// One step in the schedule. Day counts are working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledStep {
    pub key: String,
    pub name: String,
    /// The phase's key.
    pub phase: String,
    pub owner: String,
    pub status: StepStatus,
    pub parallel_group: Option<String>,
    pub depends_on: Vec<String>,
    pub committed_days: i32,
    pub statutory_days: i32,
    /// The actual start, else when its dependencies release it (not before `not_before`).
    pub planned_start: NaiveDate,
    /// `due_override`, else `committed_due`.
    pub planned_due: NaiveDate,
    /// The committed limit counted from `planned_start`, suspensions skipped.
    pub committed_due: NaiveDate,
    /// The statutory limit counted likewise.
    pub statutory_due: NaiveDate,
    /// Like `planned_start`, but not before today while unstarted.
    pub projected_start: NaiveDate,
    /// The actual finish, else the due date but not before today.
    pub projected_finish: NaiveDate,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    /// Working days covered by its suspensions (an open one through today).
    pub suspended_days: i64,
    pub working_days_used: i64,
    /// Committed limit − used; negative when over; 0 for a skipped step. The committed
    /// clock runs from the actual start: a step not started has all of it.
    pub working_days_left: i64,
    /// For a step not finished past its planned due date: the working days since that date.
    /// What a page shows in place of the days left, so that a late step never reads as
    /// having days to go.
    pub working_days_past_due: Option<i64>,
    /// used × 100 / committed limit, rounded down.
    pub share_used_percent: i64,
    /// Finished after `planned_due`, or unfinished with `today` past it.
    pub late: bool,
    pub on_critical_path: bool,
    /// A date relied on a year whose holiday notice is not loaded.
    pub estimated: bool,
}

/// A phase's span, for the summary bars of a Gantt chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhaseSummary {
    pub key: String,
    pub name: String,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    pub projected_finish: NaiveDate,
    pub steps: usize,
    /// Steps finished (actual finish) or skipped.
    pub finished: usize,
}

/// The schedule of a project's steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub template_key: String,
    pub template_version: i32,
    /// The project start given to [`plan`](super::plan).
    pub start: NaiveDate,
    /// The line "today" of the chart.
    pub today: NaiveDate,
    /// In template order.
    pub steps: Vec<ScheduledStep>,
    pub phases: Vec<PhaseSummary>,
    /// Keys, first to last: the chain that drives `projected_finish` (each step's
    /// dependency, or its parallel group's, released last). Skipped steps left out.
    pub critical_path: Vec<String>,
    pub planned_finish: NaiveDate,
    pub projected_finish: NaiveDate,
    /// The template's committed limits along its critical path ([`Template::critical_path_limits`](super::Template::critical_path_limits)).
    pub committed_total_days: i64,
    /// The template's statutory limits along that same path.
    pub statutory_total_days: i64,
    /// Working days from the first working day on or after `start` through
    /// `projected_finish`, minus the days suspended on the critical path: compare with
    /// `committed_total_days`.
    pub projected_working_days: i64,
    /// The same count through `min(today, projected_finish)`: the project's clock so far.
    pub working_days_elapsed: i64,
    /// Every step finished or skipped.
    pub finished: bool,
    pub estimated: bool,
    pub uncovered_years: Vec<i32>,
}
