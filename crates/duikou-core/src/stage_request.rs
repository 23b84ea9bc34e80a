//! 阶段变更审批: a stage move that the project's unit settings say waits for approval (a skip
//! to 竣工 or 投产, 终止 …; `Thresholds::approval_needed`) is asked for by the writer and made by
//! someone who supervises the project (a coordinator) when they approve it, or sent back with
//! a note. The request keeps the move as asked: the stage it leaves, where it goes, the day
//! and the reason.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, ValidationError};
use crate::input::{Input, Reader};
use crate::project::{Project, TransitionInput};
use crate::stage::{Stage, TransitionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// 待审批
    Pending,
    /// 已批准: the move was made.
    Approved,
    /// 已退回
    Rejected,
    /// 已撤回 by the writer.
    Withdrawn,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 4] = [
        RequestStatus::Pending,
        RequestStatus::Approved,
        RequestStatus::Rejected,
        RequestStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A stage move waiting for (or past) a coordinator's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageRequest {
    pub id: i64,
    pub project_id: i64,
    /// The stage the project was at when the move was asked for.
    pub from_stage: Stage,
    pub to_stage: Stage,
    pub kind: TransitionKind,
    /// The day the move takes effect once approved.
    pub effective_date: NaiveDate,
    pub reason: String,
    pub status: RequestStatus,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was sent back (or a note on approval).
    pub decision_note: Option<String>,
    pub version: i64,
}

/// What a request asks, as the writer gives it: the move, checked against the project now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStageRequest {
    pub from_stage: Stage,
    pub to_stage: Stage,
    pub kind: TransitionKind,
    pub effective_date: NaiveDate,
    pub reason: String,
}

impl NewStageRequest {
    /// The request for `input` on `project` today: the move must be one the rules allow
    /// now (with its reason), and one that needs approval under `approval_needed`.
    pub fn of(
        input: &TransitionInput,
        project: &Project,
        today: NaiveDate,
        approval_needed: impl Fn(TransitionKind, Stage) -> bool,
    ) -> Result<NewStageRequest, ValidationError> {
        if input.override_rules {
            return Err(ValidationError::one(
                "override",
                "not_requested",
                "强制推进由管理员直接办理，不经审批",
            ));
        }
        let m = input.apply(project, today)?;
        if !approval_needed(m.kind, m.to) {
            return Err(ValidationError::one(
                "to",
                "no_approval_needed",
                format!("推进到“{}”不需审批，可直接办理", m.to.label_zh()),
            ));
        }
        Ok(NewStageRequest {
            from_stage: m.from,
            to_stage: m.to,
            kind: m.kind,
            effective_date: m.since,
            // A move that needs approval needs a reason (`check_transition`).
            reason: m.reason.unwrap_or_default(),
        })
    }
}

impl StageRequest {
    /// The move this request asks for, to be made on approval; refused when the project is
    /// no longer where it was asked from, or the request is no longer waiting.
    pub fn transition(&self, project: &Project) -> Result<TransitionInput, ValidationError> {
        if self.status != RequestStatus::Pending {
            return Err(ValidationError::one(
                "status",
                "not_pending",
                "该申请已办结，不能再审批",
            ));
        }
        if project.stage != self.from_stage {
            return Err(ValidationError::one(
                "to",
                "stage_changed",
                format!(
                    "项目已从“{}”变为“{}”，该申请已不适用，请退回后重新申请",
                    self.from_stage.label_zh(),
                    project.stage.label_zh()
                ),
            ));
        }
        Ok(TransitionInput {
            to: self.to_stage,
            effective_date: Some(self.effective_date),
            reason: Some(self.reason.clone()),
            override_rules: false,
        })
    }
}

/// What may be done with a waiting request besides approving it (which is a move of the
/// project, made by someone who supervises it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum RequestAction {
    /// 退回, saying why (by someone who supervises the project).
    Reject { note: String },
    /// 撤回 (by the project's writers).
    Withdraw,
}

impl RequestAction {
    pub fn code(&self) -> &'static str {
        match self {
            RequestAction::Reject { .. } => "reject",
            RequestAction::Withdraw => "withdraw",
        }
    }

    /// The fields the action named `name` reads.
    pub fn fields(name: &str) -> &'static [&'static str] {
        match name {
            "reject" => &["note"],
            _ => &[],
        }
    }

    /// Parses the action named `name` from a form's fields.
    pub fn parse(name: &str, input: &Input) -> Result<RequestAction, Vec<FieldError>> {
        let mut r = Reader::new(input);
        let action = match name {
            "reject" => r
                .required_text("note")
                .map(|note| RequestAction::Reject { note }),
            "withdraw" => Some(RequestAction::Withdraw),
            _ => {
                return Err(vec![FieldError::new(
                    "action",
                    "unknown",
                    format!("没有“{name}”这项操作"),
                )])
            }
        };
        r.finish(action)
    }

    /// The request after the action: it must be waiting; who and when are the caller's
    /// stamp.
    pub fn apply(
        &self,
        before: &StageRequest,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<StageRequest, ValidationError> {
        if before.status != RequestStatus::Pending {
            return Err(ValidationError::one(
                "status",
                "not_pending",
                "该申请已办结",
            ));
        }
        let mut after = before.clone();
        match self {
            RequestAction::Reject { note } => {
                crate::text::check("note", note, crate::text::TextKind::Text)
                    .map_err(|e| ValidationError(vec![e]))?;
                if note.trim().is_empty() {
                    return Err(ValidationError::one("note", "required", "退回须说明原因"));
                }
                after.status = RequestStatus::Rejected;
                after.decision_note = Some(note.trim().to_owned());
                after.decided_by = Some(by.to_owned());
                after.decided_at = Some(at);
            }
            RequestAction::Withdraw => {
                after.status = RequestStatus::Withdrawn;
                after.decided_by = Some(by.to_owned());
                after.decided_at = Some(at);
            }
        }
        Ok(after)
    }

    /// Whether the action takes the right to supervise the project (else to change it).
    pub fn supervises(&self) -> bool {
        matches!(self, RequestAction::Reject { .. })
    }
}
