//! Steps and approvals (项目管家): templates of phases and steps (流程模板 / 阶段 / 环节), the
//! state of each step of a project, and the schedule computed from both on the official
//! working-day calendar.
//!
//! - [`Template`]: phases of [`StepDef`]s with an owner, a statutory and a committed limit in
//!   working days, dependencies (a DAG), an optional parallel group and whether 容缺受理 /
//!   告知承诺 are allowed. Versioned by `(key, version)`: a project keeps the version it was
//!   instantiated with; editing a template means storing a new version.
//! - [`StepState`]: what happened on one step of a project (status, actual dates, deficiency,
//!   commitment, suspensions, the log of date changes); [`validate_update`] checks a new
//!   state against the template and the other steps.
//! - [`plan`]: the [`Schedule`] (planned and projected dates, days used and left, the
//!   critical path) — everything a Gantt chart needs.
//! - [`late_chains`]: which late steps head their chain and which are late in cascade
//!   behind them (项目管家).
//!
//! Core is pure: `today` is always a parameter.
//!
//! # Counting conventions
//!
//! - **A step occupies working days.** A step of `N` working days that starts on working day
//!   `S` counts `S` as day 1 and is due on the `N`-th: `due = add_working_days(S, N - 1)`.
//!   A start that is not a working day moves to the next working day. So a 5-day step
//!   starting on Monday 2024-09-30 runs 09-30, 10-08, 10-09, 10-10 and is due 10-11
//!   (National Day break 10-01..07).
//! - **Successors start the working day after** their dependencies finish (`add_working_days(
//!   finish, 1)`): a chain of steps of `a` and `b` days takes exactly `a + b` working days.
//!   The first steps start on the project start (or the next working day).
//! - **Parallel groups** start together: every member starts when all the group's
//!   dependencies (the union of its members') are released. Members may not depend on each
//!   other.
//! - **Actual dates win**: a started step is planned from its actual start; a finished step
//!   releases its successors the working day after its actual finish, earlier or later than
//!   planned. A skipped step takes no time: its successors start when it would have started.
//! - **Suspensions** (计时暂停) stop the clock: the working days they cover (an open one up to
//!   `today`) extend the due dates and do not count as used.
//! - **Working days used** of a started step: the working days from its actual start through
//!   its actual finish (or `today` while unfinished), both counted, minus the suspended ones.
//!   **Left** = committed limit − used (negative when over); **share** = used × 100 /
//!   committed limit, rounded down (integer percent).
//! - **Follow-up deadlines** of a deficiency (补正期限) or commitment (核查期限) follow the
//!   legal rule "the start day is not counted": `add_working_days(accepted_on, supply_days)`.
//! - **Plan vs projection.** `planned_*` dates ignore `today` (except for open suspensions);
//!   `projected_*` dates assume an unfinished step finishes no earlier than today and an
//!   unstarted step starts no earlier than today.

mod chains;
mod check;
mod clock;
mod command;
mod critical;
mod graph;
mod history;
mod open;
mod plan;
mod schedule;
mod state;
mod template;
mod update;

pub use chains::{late_chains, LateChain};
pub use command::{
    suspension_code, StepAction, StepCommand, DEFAULT_SUPPLY_DAYS, DEFAULT_VERIFY_DAYS,
    SUSPENSION_REASONS,
};
pub use critical::PathLimits;
pub use history::stamp_appended;
pub use open::{open_commitments, open_deficiencies, OpenItem, OpenItemKind};
pub use plan::plan;
pub use schedule::{PhaseSummary, Schedule, ScheduledStep};
pub use state::{
    may_remove_template, Commitment, DateChange, DateField, Deficiency, StepState, StepStatus,
    Suspension, SuspensionReason,
};
pub use template::{
    PhaseDef, StepDef, Template, CONSTRUCTION_APPROVAL, MAX_LIMIT_DAYS, START_OF_CONSTRUCTION,
};
pub use update::validate_update;

/// How a step is named in a template's checks (an administrator's words, with the key they
/// write): `「施工许可证核发」（construction_permit_issue）`.
fn label(name: &str, key: &str) -> String {
    format!("「{name}」（{key}）")
}

/// How a step is named to those who run it (a clerk's errors): by its name only, the key
/// being an internal code.
fn named(name: &str) -> String {
    format!("「{name}」")
}
