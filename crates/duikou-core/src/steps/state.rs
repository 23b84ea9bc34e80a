//! What happened on one step of a project: status, actual dates, 容缺受理, 告知承诺,
//! suspensions of the clock and the log of date changes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The status of a step of a project.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// 未开始: no actual dates.
    #[default]
    Pending,
    /// 办理中: started, not finished.
    InProgress,
    /// 已办结: started and finished.
    Done,
    /// 容缺受理: started with documents missing (a [`Deficiency`]); may be finished ahead
    /// of its dependencies.
    AcceptedWithDeficiency,
    /// 告知承诺: started on the applicant's written promise (a [`Commitment`]); may be
    /// finished ahead of its dependencies.
    GrantedOnCommitment,
    /// 不适用（跳过）: with a reason; takes no time.
    Skipped,
    /// 受阻: held up; dates as recorded.
    Blocked,
}

impl StepStatus {
    pub const ALL: [StepStatus; 7] = [
        StepStatus::Pending,
        StepStatus::InProgress,
        StepStatus::Done,
        StepStatus::AcceptedWithDeficiency,
        StepStatus::GrantedOnCommitment,
        StepStatus::Skipped,
        StepStatus::Blocked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::InProgress => "in_progress",
            StepStatus::Done => "done",
            StepStatus::AcceptedWithDeficiency => "accepted_with_deficiency",
            StepStatus::GrantedOnCommitment => "granted_on_commitment",
            StepStatus::Skipped => "skipped",
            StepStatus::Blocked => "blocked",
        }
    }

    pub fn parse(code: &str) -> Option<StepStatus> {
        StepStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            StepStatus::Pending => "未开始",
            StepStatus::InProgress => "办理中",
            StepStatus::Done => "已办结",
            StepStatus::AcceptedWithDeficiency => "容缺受理",
            StepStatus::GrantedOnCommitment => "告知承诺",
            StepStatus::Skipped => "不适用",
            StepStatus::Blocked => "受阻",
        }
    }
}

/// 容缺受理: the step was accepted with documents missing; they are due `supply_days`
/// working days after `accepted_on` (the acceptance day not counted). Open until
/// `supplied_on` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Deficiency {
    pub missing_documents: Vec<String>,
    pub supply_days: i32,
    pub accepted_on: NaiveDate,
    #[serde(default)]
    pub supplied_on: Option<NaiveDate>,
}

/// 告知承诺: the step was granted on a written promise, to be verified within
/// `verify_days` working days after `granted_on`. Open until `verified_on` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// What the applicant promised.
    pub promised: String,
    pub verify_days: i32,
    pub granted_on: NaiveDate,
    #[serde(default)]
    pub verified_on: Option<NaiveDate>,
}

/// Why the clock of a step stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReason {
    /// 补正材料: waiting for missing documents.
    DeficiencySupply,
    /// 专家评审.
    ExpertReview,
    /// 公示 / 公告.
    PublicNotice,
    /// 听证.
    Hearing,
    /// 其他法定不计时情形 (a note is required).
    Other,
}

impl SuspensionReason {
    pub fn label_zh(self) -> &'static str {
        match self {
            SuspensionReason::DeficiencySupply => "补正材料",
            SuspensionReason::ExpertReview => "专家评审",
            SuspensionReason::PublicNotice => "公示",
            SuspensionReason::Hearing => "听证",
            SuspensionReason::Other => "其他",
        }
    }
}

/// 计时暂停: the working days from `from` through `to` (both counted; an open one through
/// today) do not count against the step's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    pub reason: SuspensionReason,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

/// A date of a step that can be changed, with a reason once set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DateField {
    ActualStart,
    ActualFinish,
    /// The step is not planned to start before this date (e.g. completion acceptance after
    /// the expected end of construction).
    NotBefore,
    /// A due date replacing the computed one (an approved extension).
    DueOverride,
}

impl DateField {
    pub const ALL: [DateField; 4] = [
        DateField::ActualStart,
        DateField::ActualFinish,
        DateField::NotBefore,
        DateField::DueOverride,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DateField::ActualStart => "actual_start",
            DateField::ActualFinish => "actual_finish",
            DateField::NotBefore => "not_before",
            DateField::DueOverride => "due_override",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DateField::ActualStart => "实际开始日期",
            DateField::ActualFinish => "实际完成日期",
            DateField::NotBefore => "计划最早开始日期",
            DateField::DueOverride => "调整后的完成期限",
        }
    }

    /// True for the fields that change the plan: every change of them needs a reason,
    /// even the first; actual dates need one only when they replace a recorded date.
    pub fn is_plan(self) -> bool {
        matches!(self, DateField::NotBefore | DateField::DueOverride)
    }
}

/// One change of a date, with who and why. `old` is the stored value before (`None` for a
/// plan field means "the computed date"). `actor` and `at` are the server's: the store stamps
/// every appended change with the acting user and the time of the write, whatever a client
/// sent, so a client may leave them out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DateChange {
    pub field: DateField,
    pub old: Option<NaiveDate>,
    pub new: Option<NaiveDate>,
    pub reason: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub at: DateTime<Utc>,
}

/// The state of one step of a project. Missing fields deserialise to their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct StepState {
    /// The step's key in the template.
    pub key: String,
    pub status: StepStatus,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub not_before: Option<NaiveDate>,
    pub due_override: Option<NaiveDate>,
    pub skip_reason: Option<String>,
    pub deficiency: Option<Deficiency>,
    pub commitment: Option<Commitment>,
    pub suspensions: Vec<Suspension>,
    /// Append-only.
    pub date_changes: Vec<DateChange>,
}

/// Whether a template put on a project may be taken off again: only while every step is
/// as the template made it (none started, finished, skipped, re-planned or with a record),
/// so that nothing done is lost. Every step that stands in the way is named.
pub fn may_remove_template(states: &[StepState]) -> Result<(), crate::ValidationError> {
    let touched: Vec<&str> = states
        .iter()
        .filter(|s| **s != StepState::new(s.key.clone()))
        .map(|s| s.key.as_str())
        .collect();
    if touched.is_empty() {
        Ok(())
    } else {
        Err(crate::ValidationError::one(
            "template",
            "steps_touched",
            format!(
                "已有{}个环节开始办理或有记录，不能撤销流程模板",
                touched.len()
            ),
        ))
    }
}

impl StepState {
    /// A pending step.
    pub fn new(key: impl Into<String>) -> StepState {
        StepState {
            key: key.into(),
            ..StepState::default()
        }
    }

    /// The value of a changeable date.
    pub fn date(&self, field: DateField) -> Option<NaiveDate> {
        match field {
            DateField::ActualStart => self.actual_start,
            DateField::ActualFinish => self.actual_finish,
            DateField::NotBefore => self.not_before,
            DateField::DueOverride => self.due_override,
        }
    }

    /// Sets a date and logs the change (old value, new value, reason, actor, time).
    pub fn change_date(
        &mut self,
        field: DateField,
        new: Option<NaiveDate>,
        reason: impl Into<String>,
        actor: impl Into<String>,
        at: DateTime<Utc>,
    ) {
        let old = self.date(field);
        *match field {
            DateField::ActualStart => &mut self.actual_start,
            DateField::ActualFinish => &mut self.actual_finish,
            DateField::NotBefore => &mut self.not_before,
            DateField::DueOverride => &mut self.due_override,
        } = new;
        self.date_changes.push(DateChange {
            field,
            old,
            new,
            reason: reason.into(),
            actor: actor.into(),
            at,
        });
    }

    /// Finished for its successors: an actual finish, or skipped.
    pub fn is_finished(&self) -> bool {
        self.actual_finish.is_some() || self.status == StepStatus::Skipped
    }

    /// Whether the deficiency or commitment flag lets it finish ahead of its dependencies.
    pub fn has_waiver(&self) -> bool {
        self.deficiency.is_some() || self.commitment.is_some()
    }
}
