//! Early warnings (预警): pure rule functions that turn a step, an open deficiency or
//! commitment, a problem, a project's last update, its investment progress or its planned
//! start into yellow (黄色预警) or red (红色预警) [`Finding`]s.
//!
//! Every threshold lives in [`Thresholds`] (stored per tenant; [`Thresholds::default`] is
//! the shipped set) and every finding records the `version` of the set that fired it and the
//! date it was computed for. `as_of` is always a parameter: no clock, no I/O.
//!
//! Conventions (see domain-facts §5):
//! - **Steps** (`step_committed`, `step_statutory`) are judged only while started and
//!   unfinished (a finished, skipped or pending step raises nothing). Yellow when the share of
//!   the committed limit used reaches `committed_share_percent` or at most
//!   `committed_days_left` working days are left; red once used exceeds the committed limit
//!   (left < 0). Red `step_statutory` once used exceeds the statutory limit.
//! - **Deficiencies / commitments**: yellow at most `open_item_days_left` working days
//!   before the deadline (0 = the deadline itself), red once overdue.
//! - **Problems**: red once `as_of` is after the due date, yellow when due within
//!   `problem_due_within_days` calendar days (today included).
//! - **Stalled projects** (stage signed, landed or started): yellow after `stalled_days`
//!   calendar days without news (the latest progress report's period end, stage move or entry),
//!   red after `stalled_red_days`.
//! - **Behind 序时进度**: points behind = (expected − actual) × 100 / annual plan, compared
//!   exactly in integers: yellow from `behind_yellow_points` through `behind_red_points`,
//!   red above.
//! - **Start overdue**: yellow once the planned start month has passed without the start,
//!   red from `start_red_months` months after it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::stage::Stage;
use crate::steps::{OpenItem, OpenItemKind, ScheduledStep, StepStatus};

mod engine;
mod escalate;
mod status;
mod year_plan;
pub use engine::{
    evaluate, AnnualPlan, Evaluation, ProblemFacts, ProjectFacts, Raised, StepsFacts, Subject,
    SubjectKind,
};
pub use escalate::{slip_for, AutoSlip};
pub use status::{Answer, WarningStatus};
pub use year_plan::{YearProgress, INPUT_FIELDS as PLAN_FIELDS};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 黄色预警: near the limit.
    Yellow,
    /// 红色预警: past the limit.
    Red,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::Yellow, Level::Red];

    pub fn code(self) -> &'static str {
        match self {
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }

    pub fn parse(code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Level::Yellow => "黄色预警",
            Level::Red => "红色预警",
        }
    }
}

/// Which rule fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleId {
    StepCommitted,
    StepStatutory,
    DeficiencyDue,
    CommitmentDue,
    ProblemOverdue,
    ProjectStalled,
    ScheduleBehind,
    StartOverdue,
    ProductionOverdue,
}

impl RuleId {
    pub const ALL: [RuleId; 9] = [
        RuleId::StepCommitted,
        RuleId::StepStatutory,
        RuleId::DeficiencyDue,
        RuleId::CommitmentDue,
        RuleId::ProblemOverdue,
        RuleId::ProjectStalled,
        RuleId::ScheduleBehind,
        RuleId::StartOverdue,
        RuleId::ProductionOverdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RuleId::StepCommitted => "step_committed",
            RuleId::StepStatutory => "step_statutory",
            RuleId::DeficiencyDue => "deficiency_due",
            RuleId::CommitmentDue => "commitment_due",
            RuleId::ProblemOverdue => "problem_overdue",
            RuleId::ProjectStalled => "project_stalled",
            RuleId::ScheduleBehind => "schedule_behind",
            RuleId::StartOverdue => "start_overdue",
            RuleId::ProductionOverdue => "production_overdue",
        }
    }

    pub fn parse(code: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RuleId::StepCommitted => "环节承诺时限",
            RuleId::StepStatutory => "环节法定时限",
            RuleId::DeficiencyDue => "容缺补正期限",
            RuleId::CommitmentDue => "告知承诺核查期限",
            RuleId::ProblemOverdue => "问题办理期限",
            RuleId::ProjectStalled => "项目长期未更新",
            RuleId::ScheduleBehind => "投资滞后序时进度",
            RuleId::StartOverdue => "未按期开工",
            RuleId::ProductionOverdue => "未按期投产",
        }
    }
}

/// Every threshold of the rules, versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thresholds {
    /// Named in every finding, e.g. `default-2026`.
    pub version: String,
    /// `step_committed` yellow: share of the committed limit used, percent (80).
    pub committed_share_percent: i64,
    /// `step_committed` yellow: working days left at most (2).
    pub committed_days_left: i64,
    /// `deficiency_due` / `commitment_due` yellow: working days left at most (2).
    pub open_item_days_left: i64,
    /// `problem_overdue` yellow: due within this many calendar days (3).
    pub problem_due_within_days: i64,
    /// `project_stalled` yellow: calendar days without an update (45).
    pub stalled_days: i64,
    /// `project_stalled` red: calendar days without an update (90).
    pub stalled_red_days: i64,
    /// `schedule_behind` yellow from this many points behind (10).
    pub behind_yellow_points: i64,
    /// `schedule_behind` red above this many points behind (30).
    pub behind_red_points: i64,
    /// `start_overdue` red from this many months after the planned start month (3).
    pub start_red_months: i64,
    /// Red warnings of these rules open a supervision slip (督办单).
    #[serde(default = "default_slip_rules")]
    pub slip_rules: Vec<RuleId>,
    /// Working days the owner has to answer a slip with a plan (3).
    #[serde(default = "default_slip_reply_days")]
    pub slip_reply_days: i64,
    /// A skip (跨阶段推进) to one of these stages waits for a coordinator's approval (竣工,
    /// 投产).
    #[serde(default = "default_approve_skips_to")]
    pub approve_skips_to: Vec<crate::Stage>,
    /// 终止 waits for a coordinator's approval.
    #[serde(default = "default_approve_terminate")]
    pub approve_terminate: bool,
}

fn default_approve_skips_to() -> Vec<crate::Stage> {
    vec![crate::Stage::Completed, crate::Stage::Operating]
}

fn default_approve_terminate() -> bool {
    true
}

fn default_slip_rules() -> Vec<RuleId> {
    vec![
        RuleId::StepStatutory,
        RuleId::ProblemOverdue,
        RuleId::ScheduleBehind,
        RuleId::StartOverdue,
    ]
}

fn default_slip_reply_days() -> i64 {
    3
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            version: "default-2026".to_string(),
            committed_share_percent: 80,
            committed_days_left: 2,
            open_item_days_left: 2,
            problem_due_within_days: 3,
            stalled_days: 45,
            stalled_red_days: 90,
            behind_yellow_points: 10,
            behind_red_points: 30,
            start_red_months: 3,
            slip_rules: default_slip_rules(),
            slip_reply_days: default_slip_reply_days(),
            approve_skips_to: default_approve_skips_to(),
            approve_terminate: default_approve_terminate(),
        }
    }
}

impl Thresholds {
    /// Whether a stage move of this kind to `to` waits for the approval of someone who
    /// supervises the project (a coordinator) before it takes effect.
    pub fn approval_needed(&self, kind: crate::stage::TransitionKind, to: crate::Stage) -> bool {
        use crate::stage::TransitionKind as K;
        match kind {
            K::Skip => self.approve_skips_to.contains(&to),
            K::Terminate => self.approve_terminate,
            _ => false,
        }
    }

    /// Checks that every value is in range and every yellow comes before its red.
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        let mut e = crate::error::Errors::new();
        let v = self.version.trim();
        if v.is_empty() || v.chars().count() > 64 {
            e.push(
                "version",
                "invalid",
                "阈值版本名称不能为空，且不超过64个字符",
            );
        }
        let mut range = |field: &str, value: i64, lo: i64, hi: i64| {
            if !(lo..=hi).contains(&value) {
                e.push(
                    field,
                    "out_of_range",
                    format!("{field}应在{lo}到{hi}之间，实际为{value}"),
                );
            }
        };
        range(
            "committed_share_percent",
            self.committed_share_percent,
            1,
            100,
        );
        range("committed_days_left", self.committed_days_left, 0, 60);
        range("open_item_days_left", self.open_item_days_left, 0, 60);
        range(
            "problem_due_within_days",
            self.problem_due_within_days,
            0,
            365,
        );
        range("stalled_days", self.stalled_days, 1, 3650);
        range("stalled_red_days", self.stalled_red_days, 1, 3650);
        range("behind_yellow_points", self.behind_yellow_points, 1, 100);
        range("behind_red_points", self.behind_red_points, 1, 100);
        range("start_red_months", self.start_red_months, 1, 60);
        range("slip_reply_days", self.slip_reply_days, 1, 30);
        if self.stalled_red_days <= self.stalled_days {
            e.push(
                "stalled_red_days",
                "not_after_yellow",
                "红色预警天数应大于黄色预警天数",
            );
        }
        if self.behind_red_points <= self.behind_yellow_points {
            e.push(
                "behind_red_points",
                "not_after_yellow",
                "红色预警百分点应大于黄色预警百分点",
            );
        }
        e.finish()
    }
}

/// One warning raised by one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub rule: RuleId,
    pub level: Level,
    /// Why, in Chinese, naming the values.
    pub reason: String,
    /// The values used, as `[name, value]` pairs.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub facts: Vec<(String, String)>,
    pub thresholds_version: String,
    pub as_of: NaiveDate,
}

fn finding(
    rule: RuleId,
    level: Level,
    reason: String,
    facts: Vec<(&str, String)>,
    t: &Thresholds,
    as_of: NaiveDate,
) -> Finding {
    Finding {
        rule,
        level,
        reason,
        facts: facts.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        thresholds_version: t.version.clone(),
        as_of,
    }
}

/// Started and not finished (skipped and done steps are finished).
fn running(step: &ScheduledStep) -> bool {
    step.actual_start.is_some()
        && step.actual_finish.is_none()
        && !matches!(step.status, StepStatus::Done | StepStatus::Skipped)
}

/// `step_committed` and `step_statutory` findings of one step (at most one of each).
pub fn step_findings(step: &ScheduledStep, t: &Thresholds, as_of: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    if !running(step) {
        return out;
    }
    let name = &step.name;
    let used = step.working_days_used;
    let left = step.working_days_left;
    let committed = step.committed_days;
    let share = step.share_used_percent;
    let facts = || {
        vec![
            ("step_key", step.key.clone()),
            ("committed_days", committed.to_string()),
            ("working_days_used", used.to_string()),
            ("working_days_left", left.to_string()),
            ("share_used_percent", share.to_string()),
            ("committed_due", step.committed_due.to_string()),
        ]
    };
    if left < 0 {
        out.push(finding(
            RuleId::StepCommitted,
            Level::Red,
            format!(
                "「{name}」已超过承诺时限{}个工作日（已用{used}/{committed}个工作日）",
                -left
            ),
            facts(),
            t,
            as_of,
        ));
    } else if share >= t.committed_share_percent || left <= t.committed_days_left {
        out.push(finding(
            RuleId::StepCommitted,
            Level::Yellow,
            format!(
                "「{name}」已用承诺时限的{share}%（{used}/{committed}个工作日），剩余{left}个工作日"
            ),
            facts(),
            t,
            as_of,
        ));
    }
    let statutory = i64::from(step.statutory_days);
    if used > statutory {
        out.push(finding(
            RuleId::StepStatutory,
            Level::Red,
            format!(
                "「{name}」已超过法定时限{}个工作日（已用{used}/{statutory}个工作日）",
                used - statutory
            ),
            vec![
                ("step_key", step.key.clone()),
                ("statutory_days", statutory.to_string()),
                ("working_days_used", used.to_string()),
                ("statutory_due", step.statutory_due.to_string()),
            ],
            t,
            as_of,
        ));
    }
    out
}

/// `deficiency_due` or `commitment_due` finding of an open item.
pub fn open_item_finding(item: &OpenItem, t: &Thresholds, as_of: NaiveDate) -> Option<Finding> {
    let (rule, what) = match item.kind {
        OpenItemKind::Deficiency => (RuleId::DeficiencyDue, "容缺补正"),
        OpenItemKind::Commitment => (RuleId::CommitmentDue, "告知承诺核查"),
    };
    let name = &item.step_name;
    let left = item.working_days_left;
    let deadline = item.deadline;
    let overdue = item.overdue || as_of > deadline || left < 0;
    let (level, reason) = if overdue {
        (
            Level::Red,
            format!("「{name}」{what}已于{deadline}到期，尚未办结"),
        )
    } else if left <= t.open_item_days_left {
        (
            Level::Yellow,
            format!("「{name}」{what}将于{deadline}到期，剩余{left}个工作日"),
        )
    } else {
        return None;
    };
    Some(finding(
        rule,
        level,
        reason,
        vec![
            ("step_key", item.step_key.clone()),
            ("deadline", deadline.to_string()),
            ("working_days_left", left.to_string()),
        ],
        t,
        as_of,
    ))
}

/// `problem_overdue` finding of a problem (none without a due date or once resolved).
pub fn problem_finding(
    due: Option<NaiveDate>,
    resolved: bool,
    description: &str,
    t: &Thresholds,
    as_of: NaiveDate,
) -> Option<Finding> {
    let due = due?;
    if resolved {
        return None;
    }
    let days_left = (due - as_of).num_days();
    let (level, reason) = if days_left < 0 {
        (
            Level::Red,
            format!(
                "问题「{description}」已超过办理期限{}天（期限{due}），尚未解决",
                -days_left
            ),
        )
    } else if days_left <= t.problem_due_within_days {
        (
            Level::Yellow,
            format!("问题「{description}」将于{due}到期，剩余{days_left}天"),
        )
    } else {
        return None;
    };
    Some(finding(
        RuleId::ProblemOverdue,
        level,
        reason,
        vec![
            ("due", due.to_string()),
            ("days_left", days_left.to_string()),
        ],
        t,
        as_of,
    ))
}

/// `project_stalled` finding: a project signed, landed or started with no news (report or stage
/// move) since `last_update`.
pub fn stalled_finding(
    stage: Stage,
    last_update: NaiveDate,
    t: &Thresholds,
    as_of: NaiveDate,
) -> Option<Finding> {
    if !matches!(stage, Stage::Signed | Stage::Landed | Stage::Started) {
        return None;
    }
    let days = (as_of - last_update).num_days();
    let level = if days >= t.stalled_red_days {
        Level::Red
    } else if days >= t.stalled_days {
        Level::Yellow
    } else {
        return None;
    };
    Some(finding(
        RuleId::ProjectStalled,
        level,
        format!(
            "项目处于「{}」阶段，已{days}天没有新进展（最近一期进展或阶段变化：{last_update}）",
            stage.label_zh()
        ),
        vec![
            ("stage", stage.code().to_string()),
            ("last_update", last_update.to_string()),
            ("days_since_update", days.to_string()),
        ],
        t,
        as_of,
    ))
}

/// The expected cumulative investment by linear 序时进度: `annual × min(months, 12) / 12`,
/// rounded down.
pub fn linear_expected_yuan(annual_plan_yuan: i64, elapsed_months: u32) -> i64 {
    let m = i128::from(elapsed_months.min(12));
    i64::try_from(i128::from(annual_plan_yuan) * m / 12).unwrap_or(i64::MAX)
}

/// Formats `amount / annual` as percent with one decimal, truncated toward zero.
pub(crate) fn percent(amount: i128, annual: i128) -> String {
    let tenths = amount * 1000 / annual;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.abs();
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
}

/// `schedule_behind` finding: actual cumulative investment behind the expected one by
/// (expected − actual) × 100 / annual plan percentage points. None without an annual plan.
pub fn schedule_behind_finding(
    annual_plan_yuan: i64,
    expected_yuan: i64,
    actual_yuan: i64,
    t: &Thresholds,
    as_of: NaiveDate,
) -> Option<Finding> {
    if annual_plan_yuan <= 0 {
        return None;
    }
    let annual = i128::from(annual_plan_yuan);
    let gap = i128::from(expected_yuan) - i128::from(actual_yuan);
    let scaled = gap * 100;
    let level = if scaled > i128::from(t.behind_red_points) * annual {
        Level::Red
    } else if scaled >= i128::from(t.behind_yellow_points) * annual {
        Level::Yellow
    } else {
        return None;
    };
    let behind = percent(gap, annual);
    let expected_pct = percent(i128::from(expected_yuan), annual);
    let actual_pct = percent(i128::from(actual_yuan), annual);
    Some(finding(
        RuleId::ScheduleBehind,
        level,
        format!(
            "累计完成投资{actual_yuan}元（年度计划的{actual_pct}%），序时进度{expected_yuan}元（{expected_pct}%），落后{behind}个百分点"
        ),
        vec![
            ("annual_plan_yuan", annual_plan_yuan.to_string()),
            ("expected_yuan", expected_yuan.to_string()),
            ("actual_yuan", actual_yuan.to_string()),
            ("points_behind", behind),
        ],
        t,
        as_of,
    ))
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// `start_overdue` finding: the planned start month has passed without the start.
pub fn start_overdue_finding(
    planned_start: Option<NaiveDate>,
    started: bool,
    t: &Thresholds,
    as_of: NaiveDate,
) -> Option<Finding> {
    month_overdue_finding(
        RuleId::StartOverdue,
        "开工",
        planned_start,
        started,
        t,
        as_of,
    )
}

/// `production_overdue` finding: the planned production month has passed without the
/// project operating (投产), by the same months as the start.
pub fn production_overdue_finding(
    planned_production: Option<NaiveDate>,
    producing: bool,
    t: &Thresholds,
    as_of: NaiveDate,
) -> Option<Finding> {
    month_overdue_finding(
        RuleId::ProductionOverdue,
        "投产",
        planned_production,
        producing,
        t,
        as_of,
    )
}

/// The first day of the month `months` after the month of `d`.
pub(crate) fn month_start_after(d: NaiveDate, months: i64) -> Option<NaiveDate> {
    let index = month_index(d) + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = u32::try_from(index.rem_euclid(12)).ok()? + 1;
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn month_overdue_finding(
    rule: RuleId,
    what: &str,
    planned: Option<NaiveDate>,
    done: bool,
    t: &Thresholds,
    as_of: NaiveDate,
) -> Option<Finding> {
    let planned = planned?;
    if done {
        return None;
    }
    let months = month_index(as_of) - month_index(planned);
    let level = if months >= t.start_red_months {
        Level::Red
    } else if months >= 1 {
        Level::Yellow
    } else {
        return None;
    };
    Some(finding(
        rule,
        level,
        format!(
            "计划于{}年{}月{what}，已逾期{months}个月仍未{what}",
            planned.year(),
            planned.month()
        ),
        vec![
            ("planned", planned.to_string()),
            ("months_overdue", months.to_string()),
        ],
        t,
        as_of,
    ))
}
