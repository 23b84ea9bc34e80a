//! 阶段变更审批 and the confirmation of a stage move, as one user sees them.

use super::Scoped;

use duikou_core::project::{Project, StageChange, TransitionInput};
use duikou_core::stage_request::{RequestAction, StageRequest};

use crate::stage_requests::ApproveRequest;
use crate::transitions::{approval_needed, Staged};
use crate::{Page, RequestFilter, RequestRow, StoreError, TransitionPreview};

impl Scoped<'_> {
    /// What moving project `id` as `input` asks would change, tried on the write path and
    /// rolled back. Only the project's writers preview; a move that waits for approval is
    /// tried as if approved (what the approval would do).
    pub async fn preview_transition(
        &self,
        id: i64,
        input: &TransitionInput,
    ) -> Result<TransitionPreview, StoreError> {
        self.editable(id).await?;
        let place = self.store.project_paths(id).await?;
        let may_decide = self.access.can_supervise(&place.as_ref());
        // The trial may make what the approval would: the writer's rights, supervising
        // where they edit. Nothing it writes is kept.
        let mut trial = self.access.clone().into_owned();
        trial.supervise.extend(trial.edit.clone());
        let p = self
            .store
            .act_preview::<Staged, _>(&trial, (), id, None, input)
            .await?;
        let change = p.after.change.as_ref().ok_or_else(|| StoreError::Corrupt {
            table: "stage_changes",
            message: format!("project {id} moved without a stage row"),
        })?;
        let kind = change
            .kind
            .unwrap_or(duikou_core::stage::TransitionKind::Forward);
        let mut tx = self.store.begin().await?;
        let needs_approval = approval_needed(
            &mut tx,
            &p.before.project,
            kind,
            change.to_stage,
            change.effective_date,
        )
        .await?;
        tx.commit().await?;
        let ids = |ws: &[crate::OpenWarning]| ws.iter().map(|w| w.id).collect::<Vec<_>>();
        let (before_ids, after_ids) = (ids(&p.warnings_before), ids(&p.warnings_after));
        Ok(TransitionPreview {
            from: p.before.project.stage,
            to: change.to_stage,
            kind,
            effective_date: change.effective_date,
            needs_approval,
            may_decide,
            cleared: p
                .warnings_before
                .iter()
                .filter(|w| !after_ids.contains(&w.id))
                .cloned()
                .collect(),
            raised: p
                .warnings_after
                .iter()
                .filter(|w| !before_ids.contains(&w.id))
                .cloned()
                .collect(),
            version: p.before.project.version,
        })
    }

    /// Asks for a move that waits for approval (the project's writers).
    pub async fn request_stage_change(
        &self,
        id: i64,
        input: &TransitionInput,
    ) -> Result<StageRequest, StoreError> {
        self.store
            .create::<StageRequest>(&self.access, id, input)
            .await
    }

    /// One request of a project the user reads.
    pub async fn stage_request(&self, request_id: i64) -> Result<StageRequest, StoreError> {
        let r = self.store.stage_request_any(request_id).await?;
        self.readable(r.project_id)
            .await
            .map_err(|_| StoreError::not_found("stage_request", request_id))?;
        Ok(r)
    }

    /// Requests of the projects the user reads (with `to_decide`, of those they supervise).
    pub async fn stage_requests(
        &self,
        filter: &RequestFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Page<RequestRow>, StoreError> {
        self.store
            .stage_requests_visible(filter, &self.access, limit, offset)
            .await
    }

    /// 批准: makes the move asked for (those who supervise the project), closing the request.
    pub async fn approve_stage_request(
        &self,
        request_id: i64,
        version: Option<i64>,
    ) -> Result<(Project, StageChange), StoreError> {
        let request = self.stage_request(request_id).await?;
        let id = request.project_id;
        let approve = ApproveRequest { request, version };
        let after = self
            .store
            .act::<Staged, _>(&self.access, (), id, None, &approve)
            .await?;
        let change = after.change.ok_or_else(|| StoreError::Corrupt {
            table: "stage_changes",
            message: format!("project {id} moved without a stage row"),
        })?;
        Ok((after.project, change))
    }

    /// 退回 (those who supervise the project) or 撤回 (its writers).
    pub async fn act_on_stage_request(
        &self,
        request_id: i64,
        version: Option<i64>,
        action: &RequestAction,
    ) -> Result<StageRequest, StoreError> {
        let r = self.stage_request(request_id).await?;
        self.store
            .act::<StageRequest, _>(&self.access, r.project_id, request_id, version, action)
            .await
    }
}
