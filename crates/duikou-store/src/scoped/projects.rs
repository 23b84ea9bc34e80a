//! Projects, their stage moves, history, progress reports and problems, as one user sees them.

use super::Scoped;

use duikou_core::problem::{Problem, ProblemAction, ProblemFields};
use duikou_core::progress_report::{ProgressReport, ProgressReportFields};
use duikou_core::project::{Project, ProjectFields, StageChange};
use duikou_core::stats::ProjectStats;

use crate::{
    ChangeEntry, NewProject, ProjectFilter, ProjectPage, ProjectSort, ProjectStart, StatsQuery,
    StoreError, TransitionInput,
};

impl Scoped<'_> {
    pub async fn project(&self, id: i64) -> Result<Project, StoreError> {
        let (project, paths) = self.store.project_and_paths(id).await?;
        if self.access.can_read(&paths.as_ref()) {
            Ok(project)
        } else {
            Err(StoreError::not_found("project", id))
        }
    }

    pub async fn projects(
        &self,
        filter: &ProjectFilter,
        sort: ProjectSort,
        descending: bool,
        limit: i64,
        start: &ProjectStart,
    ) -> Result<ProjectPage, StoreError> {
        self.store
            .projects_visible(
                filter,
                Some(&self.access.read),
                sort,
                descending,
                limit,
                start,
            )
            .await
    }

    /// The projects this user reads in the subtree of `host_region` whose name is `name`
    /// once both are compared as names (`core::text::name_key`), by id.
    pub async fn same_named_projects(
        &self,
        name: &str,
        host_region: &str,
    ) -> Result<Vec<Project>, StoreError> {
        self.store
            .same_named_visible(name, host_region, Some(&self.access.read))
            .await
    }

    pub async fn project_stats(&self, q: &StatsQuery) -> Result<ProjectStats, StoreError> {
        self.store
            .project_stats_visible(q, Some(&self.access.read))
            .await
    }

    pub async fn create_project(&self, new: &NewProject) -> Result<Project, StoreError> {
        self.store.create(&self.access, (), new).await
    }

    /// The bulk loader of `duikou gen` (10^6 projects with their history): the one writer
    /// beside the write path, for an empty database, with no change log: administrators only.
    pub async fn bulk_loader(&self) -> Result<crate::BulkLoader, StoreError> {
        self.require_admin()?;
        self.store.bulk_loader().await
    }

    /// Many projects in one transaction, all or nothing, without a change-log row each (the
    /// demo and generators): administrators only.
    pub async fn create_projects(&self, news: &[NewProject]) -> Result<Vec<i64>, StoreError> {
        self.require_admin()?;
        self.store.create_projects(&self.actor(), news).await
    }

    pub async fn update_project(
        &self,
        id: i64,
        version: Option<i64>,
        f: &ProjectFields,
    ) -> Result<Project, StoreError> {
        self.store.update(&self.access, (), id, version, f).await
    }

    pub async fn delete_project(&self, id: i64, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<Project>(&self.access, (), id, version)
            .await
            .map(drop)
    }

    /// Moves project `id` to another stage (at `version`, when given): the project after,
    /// and the stage row the move opened.
    pub async fn transition(
        &self,
        id: i64,
        version: Option<i64>,
        input: &TransitionInput,
    ) -> Result<(Project, StageChange), StoreError> {
        let after = self
            .store
            .act::<crate::transitions::Staged, _>(&self.access, (), id, version, input)
            .await?;
        let change = after.change.ok_or_else(|| StoreError::Corrupt {
            table: "stage_changes",
            message: format!("project {id} moved without a stage row"),
        })?;
        Ok((after.project, change))
    }

    pub async fn stage_changes(&self, id: i64) -> Result<Vec<StageChange>, StoreError> {
        self.readable(id).await?;
        self.store.stage_changes(id).await
    }

    pub async fn project_history(&self, id: i64) -> Result<Vec<ChangeEntry>, StoreError> {
        self.readable(id).await?;
        self.store.history("project", &id.to_string()).await
    }

    /// The project's history with its progress reports' and problems' (those it holds), in
    /// the order they were written: the 变更记录 of the project page.
    pub async fn project_history_all(&self, id: i64) -> Result<Vec<ChangeEntry>, StoreError> {
        let mut all = self.project_history(id).await?;
        let reports: Vec<String> = self
            .store
            .progress_reports(id)
            .await?
            .iter()
            .map(|r| r.id.to_string())
            .collect();
        let problems: Vec<String> = self
            .store
            .problems(id)
            .await?
            .iter()
            .map(|p| p.id.to_string())
            .collect();
        all.extend(self.store.histories("progress_report", &reports).await?);
        all.extend(self.store.histories("problem", &problems).await?);
        all.sort_by_key(|e| e.id);
        Ok(all)
    }

    pub async fn progress_reports(&self, id: i64) -> Result<Vec<ProgressReport>, StoreError> {
        self.readable(id).await?;
        self.store.progress_reports(id).await
    }

    pub async fn reports_page(
        &self,
        id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<crate::Page<ProgressReport>, StoreError> {
        self.readable(id).await?;
        self.store.reports_page(id, limit, offset).await
    }

    pub async fn progress_report(
        &self,
        id: i64,
        report_id: i64,
    ) -> Result<ProgressReport, StoreError> {
        self.readable(id).await?;
        self.store.progress_report(id, report_id).await
    }

    pub async fn create_progress_report(
        &self,
        id: i64,
        f: &ProgressReportFields,
    ) -> Result<ProgressReport, StoreError> {
        self.store.create(&self.access, id, f).await
    }

    pub async fn update_progress_report(
        &self,
        id: i64,
        rid: i64,
        v: Option<i64>,
        f: &ProgressReportFields,
    ) -> Result<ProgressReport, StoreError> {
        self.store.update(&self.access, id, rid, v, f).await
    }

    pub async fn delete_progress_report(
        &self,
        id: i64,
        rid: i64,
        v: Option<i64>,
    ) -> Result<(), StoreError> {
        self.store
            .delete::<ProgressReport>(&self.access, id, rid, v)
            .await
            .map(drop)
    }

    /// 撤回 a report, saying why (kept in its history).
    pub async fn withdraw_progress_report(
        &self,
        id: i64,
        rid: i64,
        v: Option<i64>,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.store
            .withdraw::<ProgressReport>(&self.access, id, rid, v, reason)
            .await
            .map(drop)
    }

    /// The history of report `rid` of project `id` (which the reader must see); a withdrawn
    /// report's history stays readable to whoever reads the project.
    pub async fn progress_report_history(
        &self,
        id: i64,
        rid: i64,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        self.project(id).await?;
        let h = self
            .store
            .history("progress_report", &rid.to_string())
            .await?;
        // Only this project's report: one it holds now (a loaded one may have no history), or
        // a withdrawn one whose first entry names this project.
        let held = self.store.progress_report(id, rid).await.is_ok();
        let ours = held
            || h.first().is_some_and(|e| {
                e.after
                    .as_ref()
                    .or(e.before.as_ref())
                    .and_then(|v| v["project_id"].as_i64())
                    == Some(id)
            });
        if ours {
            Ok(h)
        } else {
            Err(StoreError::not_found("progress_report", rid))
        }
    }

    pub async fn problems(&self, id: i64) -> Result<Vec<Problem>, StoreError> {
        self.readable(id).await?;
        self.store.problems(id).await
    }

    pub async fn problems_page(
        &self,
        id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<crate::Page<Problem>, StoreError> {
        self.readable(id).await?;
        self.store.problems_page(id, limit, offset).await
    }

    pub async fn problem(&self, id: i64, pid: i64) -> Result<Problem, StoreError> {
        self.readable(id).await?;
        self.store.problem(id, pid).await
    }

    pub async fn create_problem(&self, id: i64, f: &ProblemFields) -> Result<Problem, StoreError> {
        self.store.create(&self.access, id, f).await
    }

    pub async fn update_problem(
        &self,
        id: i64,
        pid: i64,
        v: Option<i64>,
        f: &ProblemFields,
    ) -> Result<Problem, StoreError> {
        self.store.update(&self.access, id, pid, v, f).await
    }

    /// The history of problem `pid` of project `id` (which the reader must see).
    pub async fn problem_history(&self, id: i64, pid: i64) -> Result<Vec<ChangeEntry>, StoreError> {
        self.problem(id, pid).await?;
        self.store.history("problem", &pid.to_string()).await
    }

    /// 推进, 解决 or 重新打开 a problem of project `id`.
    pub async fn act_on_problem(
        &self,
        id: i64,
        pid: i64,
        v: Option<i64>,
        action: &ProblemAction,
    ) -> Result<Problem, StoreError> {
        self.store.act(&self.access, id, pid, v, action).await
    }

    pub async fn delete_problem(
        &self,
        id: i64,
        pid: i64,
        v: Option<i64>,
    ) -> Result<(), StoreError> {
        self.store
            .delete::<Problem>(&self.access, id, pid, v)
            .await
            .map(drop)
    }
}
