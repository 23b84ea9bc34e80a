//! Warnings, annual plans, thresholds and supervision slips, as one user sees them.

use super::Scoped;

use chrono::NaiveDate;

use crate::warnings::{Answering, NewThresholds, YearPlan};
use crate::{
    NewSlip, Page, Slip, SlipEvent, SlipFilter, StoreError, Tally, ThresholdSet, Warning,
    WarningCounts, WarningEvent, WarningFilter,
};
use duikou_core::slip::SlipAction;
use duikou_core::warnings::{AnnualPlan, Answer, Thresholds};

impl Scoped<'_> {
    /// The warnings of the projects the user reads.
    pub async fn warnings(
        &self,
        filter: &WarningFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Page<Warning>, StoreError> {
        if let Some(id) = filter.project_id {
            self.readable(id).await?;
        }
        self.store
            .warnings_visible(filter, Some(&self.access), limit, offset)
            .await
    }

    pub async fn warning_counts(
        &self,
        filter: &WarningFilter,
    ) -> Result<WarningCounts, StoreError> {
        self.store
            .warning_counts_visible(filter, Some(&self.access))
            .await
    }

    pub async fn warning(&self, id: i64) -> Result<(Warning, Vec<WarningEvent>), StoreError> {
        let project = self.store.warning_project(id).await?;
        self.readable(project)
            .await
            .map_err(|_| StoreError::not_found("warning", id))?;
        self.store.warning(id).await
    }

    /// Acknowledging or resolving takes the right to change the project; a warning of a
    /// project the user does not read is not found as a warning.
    async fn answer_warning(
        &self,
        id: i64,
        version: Option<i64>,
        how: Answer,
        note: &str,
    ) -> Result<Warning, StoreError> {
        let project = self.store.warning_project(id).await?;
        let answer = Answering { how, note };
        match self
            .store
            .act(&self.access, project, id, version, &answer)
            .await
        {
            Err(StoreError::NotFound {
                kind: "project", ..
            }) => Err(StoreError::not_found("warning", id)),
            other => other,
        }
    }

    pub async fn acknowledge_warning(
        &self,
        id: i64,
        version: Option<i64>,
        note: &str,
    ) -> Result<Warning, StoreError> {
        self.answer_warning(id, version, Answer::Acknowledge, note)
            .await
    }

    pub async fn resolve_warning(
        &self,
        id: i64,
        version: Option<i64>,
        note: &str,
    ) -> Result<Warning, StoreError> {
        self.answer_warning(id, version, Answer::Resolve, note)
            .await
    }

    pub async fn annual_plans(&self, id: i64) -> Result<Vec<AnnualPlan>, StoreError> {
        self.readable(id).await?;
        self.store.annual_plans(id).await
    }

    /// Sets project `id`'s investment plan for a year (replacing the year's plan).
    pub async fn set_annual_plan(
        &self,
        id: i64,
        plan: &AnnualPlan,
    ) -> Result<AnnualPlan, StoreError> {
        let had = self
            .store
            .annual_plans(id)
            .await?
            .iter()
            .any(|p| p.year == plan.year);
        let after = if had {
            self.store
                .update::<YearPlan>(&self.access, id, plan.year, None, plan)
                .await?
        } else {
            self.store
                .create::<YearPlan>(&self.access, id, plan)
                .await?
        };
        Ok(after.plan)
    }
    pub async fn threshold_sets(&self) -> Result<Vec<ThresholdSet>, StoreError> {
        self.store.threshold_sets().await
    }

    /// Stores a threshold set for an organisation (None: all) and year, and marks the
    /// projects it governs for the next sweep.
    pub async fn save_thresholds(
        &self,
        org_id: Option<i64>,
        year: i32,
        t: &Thresholds,
    ) -> Result<ThresholdSet, StoreError> {
        let new = NewThresholds {
            org_id,
            year,
            thresholds: t.clone(),
        };
        let saved = self
            .store
            .create::<ThresholdSet>(&self.access, (), &new)
            .await?;
        self.store.mark_warnings_stale(org_id).await?;
        Ok(saved)
    }

    pub async fn sweep_warnings(&self, as_of: NaiveDate, full: bool) -> Result<Tally, StoreError> {
        self.require_admin()?;
        self.store.sweep_or_preview(as_of, full, |_, _| {}).await
    }

    /// Checks that the user supervises project `id` (not found when they do not read it).
    pub async fn supervisable(&self, id: i64) -> Result<(), StoreError> {
        let paths = self.store.project_paths(id).await?;
        let r = paths.as_ref();
        if !self.access.can_read(&r) {
            Err(StoreError::not_found("project", id))
        } else if !self.access.can_supervise(&r) {
            Err(StoreError::Forbidden(
                "仅合作办（协调员）或领导可督办此项目".to_owned(),
            ))
        } else {
            Ok(())
        }
    }

    pub async fn slips(
        &self,
        filter: &SlipFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Page<Slip>, StoreError> {
        if let Some(id) = filter.project_id {
            self.readable(id).await?;
        }
        self.store
            .slips_visible(filter, Some(&self.access.read), limit, offset)
            .await
    }

    pub async fn slip(&self, id: i64) -> Result<(Slip, Vec<SlipEvent>), StoreError> {
        let project = self.store.slip_project(id).await?;
        self.readable(project)
            .await
            .map_err(|_| StoreError::not_found("slip", id))?;
        self.store.slip(id).await
    }

    pub async fn issue_slip(&self, new: &NewSlip) -> Result<Slip, StoreError> {
        self.store.create(&self.access, new.project_id, new).await
    }

    /// The owner replies, reports progress and asks for extensions (edit right on the
    /// project); the supervisor accepts, returns, decides and closes.
    pub async fn act_on_slip(
        &self,
        id: i64,
        version: Option<i64>,
        action: &SlipAction,
    ) -> Result<Slip, StoreError> {
        let project = self.store.slip_project(id).await?;
        match self
            .store
            .act(&self.access, project, id, version, action)
            .await
        {
            Err(StoreError::NotFound {
                kind: "project", ..
            }) => Err(StoreError::not_found("slip", id)),
            other => other,
        }
    }
}
