//! 阶段变更审批 over the store: a request is a record of its project (asked for by the
//! project's writers, kept in the project's history); sending it back or withdrawing it is an
//! action on it; approving it is a move of the project ([`ApproveRequest`], an action on the
//! project taken by someone who supervises it) that closes the request in the same
//! transaction.

use chrono::NaiveDate;
use duikou_core::project::TransitionInput;
use duikou_core::stage::TransitionKind;
use duikou_core::stage_request::{NewStageRequest, RequestAction, RequestStatus, StageRequest};
use duikou_core::Stage;
use serde::Serialize;

use crate::error::check_written;
use crate::query::Where;
use crate::rows::{code_of, date_text, serde_code, RowReader, Tx};
use crate::transitions::Staged;
use crate::warnings::OpenWarning;
use crate::write::{Action, Create, Kind, Place, Right, Stamp};
use crate::{Page, Store, StoreError};

const COLS: &str = "id, project_id, from_stage, to_stage, kind, effective_date, reason, status, \
                    requested_by, requested_at, decided_by, decided_at, decision_note, version";

fn read(row: &sqlx::any::AnyRow) -> Result<StageRequest, StoreError> {
    let r = RowReader::new(row, "stage_requests");
    Ok(StageRequest {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        from_stage: r.code("from_stage", Stage::parse)?,
        to_stage: r.code("to_stage", Stage::parse)?,
        kind: r.code("kind", serde_code::<TransitionKind>)?,
        effective_date: r.date("effective_date")?,
        reason: r.text("reason")?,
        status: r.code("status", RequestStatus::parse)?,
        requested_by: r.text("requested_by")?,
        requested_at: r.time("requested_at")?,
        decided_by: r.opt_text("decided_by")?,
        decided_at: r.opt_time("decided_at")?,
        decision_note: r.opt_text("decision_note")?,
        version: r.i64("version")?,
    })
}

impl Kind for StageRequest {
    const NAME: &'static str = "stage_request";
    type Parent = i64;
    type Key = i64;
    type Fields = StageRequest;

    fn place(project_id: i64, _: Option<&i64>) -> Place {
        Place::Project(project_id)
    }
    fn version(&self) -> i64 {
        self.version
    }

    async fn get(
        tx: &mut Tx,
        project_id: i64,
        id: &i64,
        _today: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        crate::write::project_row(tx, "stage_requests", COLS, project_id, *id, read).await
    }

    /// Only the decision changes: who, when, the status and the note.
    async fn update(
        tx: &mut Tx,
        before: &Self,
        after: &StageRequest,
        _stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE stage_requests SET status = $1, decided_by = $2, decided_at = $3, \
             decision_note = $4, version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(after.status.code())
        .bind(&after.decided_by)
        .bind(after.decided_at.map(crate::time_text))
        .bind(&after.decision_note)
        .bind(before.id)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected())
    }

    /// A request is read in its project's history, beside the moves.
    fn logged_as(project_id: i64, _: &i64) -> (&'static str, String) {
        ("project", project_id.to_string())
    }
}

impl Create for StageRequest {
    type New = TransitionInput;
    const CREATED: &'static str = "request_stage";

    fn fields_of(_: &TransitionInput) -> Option<&StageRequest> {
        None
    }

    /// The move asked for, checked against the project now: one the rules allow, one that
    /// needs approval, and no other request waiting.
    async fn insert(
        tx: &mut Tx,
        project_id: i64,
        input: &TransitionInput,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        let project = crate::projects::require(tx, project_id).await?;
        let t = {
            use chrono::Datelike;
            let year = input.effective_date.unwrap_or(stamp.today).year();
            crate::warnings::thresholds_in(tx, project.fields.owner_org_id, year).await?
        };
        let new =
            NewStageRequest::of(input, &project, stamp.today, |k, s| t.approval_needed(k, s))?;
        let waiting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM stage_requests WHERE project_id = $1 AND status = $2",
        )
        .bind(project_id)
        .bind(RequestStatus::Pending.code())
        .fetch_optional(&mut **tx)
        .await?;
        if waiting.is_some() {
            return Err(StoreError::invalid(
                "to",
                "request_waiting",
                "该项目已有一项待审批的阶段变更申请：请等待审批，或先撤回",
            ));
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO stage_requests (project_id, from_stage, to_stage, kind, effective_date, \
             reason, status, requested_by, requested_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(project_id)
        .bind(new.from_stage.code())
        .bind(new.to_stage.code())
        .bind(code_of(&new.kind))
        .bind(date_text(new.effective_date))
        .bind(&new.reason)
        .bind(RequestStatus::Pending.code())
        .bind(&stamp.actor.name)
        .bind(&stamp.now)
        .fetch_one(&mut **tx)
        .await?)
    }
}

/// 退回 (by those who supervise the project) and 撤回 (by its writers).
impl Action<StageRequest> for RequestAction {
    fn name(&self) -> &'static str {
        match self {
            RequestAction::Reject { .. } => "reject_request",
            RequestAction::Withdraw => "withdraw_request",
        }
    }

    fn right(&self) -> Right {
        if self.supervises() {
            Right::Supervise
        } else {
            Right::Edit
        }
    }

    fn apply(&self, before: &StageRequest, stamp: &Stamp) -> Result<StageRequest, StoreError> {
        Ok(RequestAction::apply(
            self,
            before,
            &stamp.actor.name,
            stamp.at,
        )?)
    }
}

/// 批准: the move the request asks for, made by someone who supervises the project; the
/// request is closed as approved in the same transaction (or nothing happens).
pub(crate) struct ApproveRequest {
    pub request: StageRequest,
    /// The request's version the approver saw, checked once their right is.
    pub version: Option<i64>,
}

impl Action<Staged> for ApproveRequest {
    fn name(&self) -> &'static str {
        "approve_request"
    }

    fn right(&self) -> Right {
        Right::Supervise
    }

    fn apply(
        &self,
        before: &Staged,
        stamp: &Stamp,
    ) -> Result<duikou_core::project::StageMove, StoreError> {
        if self.request.project_id != before.project.id {
            return Err(StoreError::not_found("stage_request", self.request.id));
        }
        crate::error::check_version(
            "stage_request",
            self.request.id,
            self.request.version,
            self.version,
        )?;
        let input = self.request.transition(&before.project)?;
        Ok(input.apply(&before.project, stamp.today)?)
    }

    async fn event(&self, tx: &mut Tx, _after: &Staged, stamp: &Stamp) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE stage_requests SET status = $1, decided_by = $2, decided_at = $3, \
             version = version + 1 WHERE id = $4 AND status = $5 AND version = $6",
        )
        .bind(RequestStatus::Approved.code())
        .bind(&stamp.actor.name)
        .bind(&stamp.now)
        .bind(self.request.id)
        .bind(RequestStatus::Pending.code())
        .bind(self.request.version)
        .execute(&mut **tx)
        .await?;
        check_written(
            done.rows_affected(),
            "stage_request",
            self.request.id,
            self.request.version,
        )
    }
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// None: every status.
    pub status: Option<RequestStatus>,
    pub project_id: Option<i64>,
    /// Only those the user may decide (of projects they supervise).
    pub to_decide: bool,
}

/// A request with its project's name, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRow {
    #[serde(flatten)]
    pub request: StageRequest,
    pub project_name: String,
}

/// What a stage move would change, tried and rolled back: the move, whether it waits for
/// approval and whether this user may make it anyway, and the project's warnings it would
/// clear or raise.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionPreview {
    pub from: Stage,
    pub to: Stage,
    pub kind: TransitionKind,
    pub effective_date: NaiveDate,
    /// The move waits for a coordinator's approval under the unit's settings.
    pub needs_approval: bool,
    /// The user supervises the project: they make such a move themselves.
    pub may_decide: bool,
    pub cleared: Vec<OpenWarning>,
    pub raised: Vec<OpenWarning>,
    /// The project's version the preview was made on (the confirmation sends it back).
    pub version: i64,
}

impl TransitionPreview {
    /// Whether the writer must confirm before the move is made (or asked for).
    pub fn needs_confirmation(&self) -> bool {
        self.kind.needs_confirmation() || self.needs_approval
    }
}

impl Store {
    /// One request, of whatever project (rights are the caller's to check).
    pub(crate) async fn stage_request_any(&self, id: i64) -> Result<StageRequest, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM stage_requests WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("stage_request", id))?;
        read(&row)
    }

    /// A page of requests among those of the projects `read` holds, newest first; with
    /// `to_decide`, only those of the projects `supervise` holds.
    pub(crate) async fn stage_requests_visible(
        &self,
        f: &RequestFilter,
        access: &duikou_core::auth::Access,
        limit: i64,
        offset: i64,
    ) -> Result<Page<RequestRow>, StoreError> {
        let mut w = Where::new();
        w.visible("p.", &access.read);
        if f.to_decide {
            w.visible("p.", &access.supervise);
        }
        if let Some(s) = f.status {
            let v = w.text(s.code());
            w.push(format!("r.status = {v}"));
        }
        if let Some(id) = f.project_id {
            let v = w.int(id);
            w.push(format!("r.project_id = {v}"));
        }
        let cond = w.sql();
        let from = "stage_requests r JOIN projects p ON p.id = r.project_id";
        let q = format!("SELECT COUNT(*) AS n FROM {from} WHERE {cond}");
        let total = w
            .bind(sqlx::query(&q))
            .fetch_one(&self.pool)
            .await
            .map(|row| RowReader::new(&row, "stage_requests").i64("n"))??;
        let cols = COLS
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols}, p.name AS project_name FROM {from} WHERE {cond} \
             ORDER BY r.requested_at DESC, r.id DESC LIMIT {limit} OFFSET {offset}"
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            items.push(RequestRow {
                request: read(row)?,
                project_name: RowReader::new(row, "projects").text("project_name")?,
            });
        }
        Ok(Page {
            items,
            total,
            limit,
            offset,
        })
    }
}
