//! The one place where rights are enforced: a view of the store for one user's `Access`.
//! Pages, API and CLI acting for a user go through it, so they cannot disagree.
//!
//! A record the user may not read is reported as not found (its existence does not leak); a
//! record they read but may not change answers `Forbidden`. Lists and statistics hold only
//! what the user may read.

use std::borrow::Cow;

use chrono::NaiveDate;
use duikou_core::auth::{Access, Grant};
use duikou_core::calendar::WorkCalendar;
use duikou_core::problem::{Problem, ProblemFields};
use duikou_core::project::{Project, ProjectFields, StageChange};
use duikou_core::report::{ProgressReport, ReportFields};
use duikou_core::stats::ProjectStats;
use duikou_core::steps::{Schedule, StepCommand, StepState};
use duikou_core::Actor;

use crate::accounts::{Account, OnUser, UserChange};
use crate::rows::RowReader;
use crate::steps::{Step, StepWrite};
use crate::warnings::{Answering, NewThresholds, YearPlan};
use crate::write::{project_place_in, Kind, ProjectPlace};
use crate::{
    ChangeEntry, Channel, NewProject, NewSlip, Page, ProjectFilter, ProjectPage, ProjectSort,
    ProjectStart, ProjectSteps, Slip, SlipEvent, SlipFilter, StatsQuery, Store, StoreError, Tally,
    ThresholdSet, TransitionInput, Warning, WarningCounts, WarningEvent, WarningFilter,
};
use duikou_core::notify::ChannelFields;
use duikou_core::org::{Org, OrgInput};
use duikou_core::partnership::{Partnership, PartnershipInput};
use duikou_core::region::{Region, RegionInput};
use duikou_core::supervision::SlipAction;
use duikou_core::warnings::{AnnualPlan, Answer, Thresholds};

pub struct Scoped<'a> {
    store: &'a Store,
    access: Cow<'a, Access>,
}

fn forbidden() -> StoreError {
    StoreError::Forbidden("无权修改此记录（只读）".to_owned())
}

impl Store {
    /// The store as seen by one user.
    pub fn scoped<'a>(&'a self, access: &'a Access) -> Scoped<'a> {
        Scoped {
            store: self,
            access: Cow::Borrowed(access),
        }
    }

    /// The store as the system (an operator, the demo, an import) sees it: every right,
    /// through the same write path as a user's, with `name` in the change log.
    pub fn as_system(&self, name: &str) -> Scoped<'_> {
        self.with_access(Access::system(name))
    }

    /// The store as seen by the holder of `access`, owned (a test's or a tool's actor).
    pub fn with_access(&self, access: Access) -> Scoped<'_> {
        Scoped {
            store: self,
            access: Cow::Owned(access),
        }
    }

    async fn project_paths(&self, id: i64) -> Result<ProjectPlace, StoreError> {
        let mut tx = self.begin().await?;
        let place = project_place_in(&mut tx, id).await;
        tx.commit().await?;
        place
    }

    /// A project and where it sits, in one read (a project page or API read checks access
    /// and answers from the same row).
    async fn project_and_paths(&self, id: i64) -> Result<(Project, ProjectPlace), StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {}, host_region_path, source_region_path, partnership_path \
             FROM projects WHERE id = $1",
            crate::projects::COLS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found("project", id))?;
        let place = ProjectPlace::read(&RowReader::new(&row, "projects"))?;
        Ok((crate::projects::read(&row)?, place))
    }
}

impl Scoped<'_> {
    /// The store behind the view, for the store's own modules.
    pub(crate) fn store(&self) -> &Store {
        self.store
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn actor(&self) -> Actor {
        self.access.actor()
    }

    /// Only administrators manage reference data, users, templates and the calendar.
    pub fn require_admin(&self) -> Result<(), StoreError> {
        if self.access.admin {
            Ok(())
        } else {
            Err(StoreError::Forbidden("仅系统管理员可执行此操作".to_owned()))
        }
    }

    /// Checks that the user reads project `id` (not found otherwise).
    pub async fn readable(&self, id: i64) -> Result<(), StoreError> {
        let paths = self.store.project_paths(id).await?;
        if self.access.can_read(&paths.as_ref()) {
            Ok(())
        } else {
            Err(StoreError::not_found("project", id))
        }
    }

    /// Checks that the user changes project `id` (not found when they do not even read it).
    pub async fn editable(&self, id: i64) -> Result<(), StoreError> {
        let paths = self.store.project_paths(id).await?;
        let r = paths.as_ref();
        if !self.access.can_read(&r) {
            Err(StoreError::not_found("project", id))
        } else if !self.access.can_edit(&r) {
            Err(forbidden())
        } else {
            Ok(())
        }
    }

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

    pub async fn reports(&self, id: i64) -> Result<Vec<ProgressReport>, StoreError> {
        self.readable(id).await?;
        self.store.reports(id).await
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

    pub async fn report(&self, id: i64, report_id: i64) -> Result<ProgressReport, StoreError> {
        self.readable(id).await?;
        self.store.report(id, report_id).await
    }

    pub async fn create_report(
        &self,
        id: i64,
        f: &ReportFields,
    ) -> Result<ProgressReport, StoreError> {
        self.store.create(&self.access, id, f).await
    }

    pub async fn update_report(
        &self,
        id: i64,
        rid: i64,
        v: Option<i64>,
        f: &ReportFields,
    ) -> Result<ProgressReport, StoreError> {
        self.store.update(&self.access, id, rid, v, f).await
    }

    pub async fn delete_report(&self, id: i64, rid: i64, v: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<ProgressReport>(&self.access, id, rid, v)
            .await
            .map(drop)
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

    /// 项目管家: open steps due by `until` and steps with a deficiency or commitment record,
    /// of the projects the user reads.
    pub async fn open_steps(
        &self,
        until: NaiveDate,
        limit: i64,
    ) -> Result<Vec<crate::OpenStep>, StoreError> {
        self.store
            .open_steps_visible(Some(&self.access.read), until, limit)
            .await
    }

    pub async fn project_steps(&self, id: i64) -> Result<Option<ProjectSteps>, StoreError> {
        self.readable(id).await?;
        Ok(self.store.project_steps(id).await?.map(|(s, _)| s))
    }

    pub async fn schedule(
        &self,
        id: i64,
        cal: &WorkCalendar,
        today: NaiveDate,
    ) -> Result<Schedule, StoreError> {
        self.readable(id).await?;
        self.store.schedule(id, cal, today).await
    }

    /// Puts template `template` (its latest version unless one is given) on project `id`,
    /// its steps starting on `start`; the schedule as of today.
    pub async fn instantiate_steps(
        &self,
        id: i64,
        template: &str,
        version: Option<i32>,
        start: NaiveDate,
    ) -> Result<Schedule, StoreError> {
        let new = crate::steps::Instantiation {
            template: template.to_owned(),
            version,
            start,
        };
        self.store
            .create::<crate::steps::Scheduled>(&self.access, id, &new)
            .await?;
        self.schedule_now(id).await
    }

    /// Replaces the state of one step (at `version` of the project's steps, when given):
    /// the schedule after, and the steps' new version.
    pub async fn update_step(
        &self,
        id: i64,
        version: Option<i64>,
        state: &StepState,
    ) -> Result<(Schedule, i64), StoreError> {
        let key = state.key.clone();
        self.write_step(id, key, version, StepWrite::Replace(state))
            .await
    }

    /// Takes a step action (start, finish, 容缺 …) on step `key` of project `id`.
    pub async fn act_on_step(
        &self,
        id: i64,
        key: &str,
        version: Option<i64>,
        command: &StepCommand,
    ) -> Result<(Schedule, i64), StoreError> {
        self.write_step(id, key.to_owned(), version, StepWrite::Command(command))
            .await
    }

    async fn write_step(
        &self,
        id: i64,
        key: String,
        version: Option<i64>,
        write: StepWrite<'_>,
    ) -> Result<(Schedule, i64), StoreError> {
        let after = self
            .store
            .act::<Step, _>(&self.access, id, key, version, &write)
            .await?;
        Ok((self.schedule_now(id).await?, after.version()))
    }

    /// The schedule of project `id` as of the store's today.
    async fn schedule_now(&self, id: i64) -> Result<Schedule, StoreError> {
        let calendar = self.store.calendar().await?;
        self.store.schedule(id, &calendar, self.store.today()).await
    }

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
            .warnings_visible(filter, Some(&self.access.read), limit, offset)
            .await
    }

    pub async fn warning_counts(
        &self,
        filter: &WarningFilter,
    ) -> Result<WarningCounts, StoreError> {
        self.store
            .warning_counts_visible(filter, Some(&self.access.read))
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

    /// Creates a user; the generated first password when none was given.
    pub async fn create_user(
        &self,
        new: &crate::accounts::NewUser,
    ) -> Result<(crate::accounts::User, Option<String>), StoreError> {
        crate::accounts::check_new_user(new)?;
        let (password, generated) = match &new.password {
            Some(p) => (p.clone(), None),
            None => {
                let p = crate::accounts::random_password();
                (p.clone(), Some(p))
            }
        };
        let account = crate::accounts::NewAccount {
            new: new.clone(),
            hash: crate::accounts::hash_password(&password)?,
            generated: generated.is_some(),
        };
        let after = self
            .store
            .create::<Account>(&self.access, (), &account)
            .await?;
        Ok((after.user, generated))
    }

    /// Disables (or enables) a user; disabling ends their sessions.
    pub async fn set_user_disabled(
        &self,
        login: &str,
        disabled: bool,
    ) -> Result<crate::accounts::User, StoreError> {
        let name = if disabled { "disable" } else { "enable" };
        self.on_user(login, OnUser(name, UserChange::Disabled(disabled)))
            .await
    }

    /// Adds a grant to a user (its scope must exist).
    pub async fn grant(&self, login: &str, g: &Grant) -> Result<crate::accounts::User, StoreError> {
        self.on_user(login, OnUser("grant", UserChange::Grant(g.clone())))
            .await
    }

    /// Removes a grant from a user.
    pub async fn revoke(
        &self,
        login: &str,
        g: &Grant,
    ) -> Result<crate::accounts::User, StoreError> {
        self.on_user(login, OnUser("revoke", UserChange::Revoke(g.clone())))
            .await
    }

    /// Gives a user a generated password to be changed at the next login and returns it. The
    /// account is presumed compromised: every session ends and every token is revoked.
    pub async fn reset_password(&self, login: &str) -> Result<String, StoreError> {
        let p = crate::accounts::random_password();
        let hash = crate::accounts::hash_password(&p)?;
        self.on_user(login, OnUser("reset_password", UserChange::Reset { hash }))
            .await?;
        Ok(p)
    }

    async fn on_user(
        &self,
        login: &str,
        action: OnUser,
    ) -> Result<crate::accounts::User, StoreError> {
        let after = self
            .store
            .act::<Account, _>(&self.access, (), login.to_owned(), None, &action)
            .await?;
        Ok(after.user)
    }

    /// Stores `t` as the next version of its key; the template with that version.
    pub async fn save_template(
        &self,
        t: &duikou_core::steps::Template,
    ) -> Result<duikou_core::steps::Template, StoreError> {
        let saved = self
            .store
            .create::<crate::templates::Saved>(&self.access, (), t)
            .await?;
        Ok(saved.0)
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

    pub async fn channels(&self) -> Result<Vec<Channel>, StoreError> {
        self.require_admin()?;
        self.store.channels().await
    }

    pub async fn channel(&self, id: i64) -> Result<Channel, StoreError> {
        self.require_admin()?;
        self.store.channel(id).await
    }

    pub async fn create_channel(&self, f: &ChannelFields) -> Result<Channel, StoreError> {
        self.store.create(&self.access, (), f).await
    }

    pub async fn update_channel(
        &self,
        id: i64,
        version: Option<i64>,
        f: &ChannelFields,
    ) -> Result<Channel, StoreError> {
        self.store.update(&self.access, (), id, version, f).await
    }

    pub async fn delete_channel(&self, id: i64, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<Channel>(&self.access, (), id, version)
            .await
            .map(drop)
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

    pub async fn create_region(&self, input: &RegionInput) -> Result<Region, StoreError> {
        self.store.create(&self.access, (), input).await
    }

    pub async fn update_region(
        &self,
        code: &str,
        version: Option<i64>,
        input: &RegionInput,
    ) -> Result<Region, StoreError> {
        self.store
            .update(&self.access, (), code.to_owned(), version, input)
            .await
    }

    pub async fn delete_region(&self, code: &str, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<Region>(&self.access, (), code.to_owned(), version)
            .await
            .map(drop)
    }

    pub async fn create_org(&self, input: &OrgInput) -> Result<Org, StoreError> {
        self.store.create(&self.access, (), input).await
    }

    pub async fn update_org(
        &self,
        id: i64,
        version: Option<i64>,
        input: &OrgInput,
    ) -> Result<Org, StoreError> {
        self.store
            .update(&self.access, (), id, version, input)
            .await
    }

    pub async fn delete_org(&self, id: i64, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<Org>(&self.access, (), id, version)
            .await
            .map(drop)
    }

    pub async fn create_partnership(
        &self,
        input: &PartnershipInput,
    ) -> Result<Partnership, StoreError> {
        self.store.create(&self.access, (), input).await
    }

    pub async fn update_partnership(
        &self,
        id: i64,
        version: Option<i64>,
        input: &PartnershipInput,
    ) -> Result<Partnership, StoreError> {
        self.store
            .update(&self.access, (), id, version, input)
            .await
    }

    pub async fn delete_partnership(
        &self,
        id: i64,
        version: Option<i64>,
    ) -> Result<(), StoreError> {
        self.store
            .delete::<Partnership>(&self.access, (), id, version)
            .await
            .map(drop)
    }
}
