//! A project's steps (项目管家) as one user sees and changes them.

use super::Scoped;

use chrono::NaiveDate;
use duikou_core::calendar::WorkCalendar;
use duikou_core::steps::{Schedule, StepCommand, StepState};

use crate::steps::{Step, StepWrite};
use crate::write::Kind;
use crate::{ProjectSteps, StoreError};

impl Scoped<'_> {
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

    /// 撤销流程模板: takes the template off project `id` (at `version` of its steps, when
    /// given) while none of its steps has been touched.
    pub async fn remove_steps(&self, id: i64, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<crate::steps::Scheduled>(&self.access, id, id, version)
            .await
            .map(drop)
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
        // Planned from the steps the write left, not read again.
        let calendar = self.store.cached_calendar(None).await?;
        let schedule = after.schedule(&calendar, self.store.today());
        Ok((schedule, after.version()))
    }

    /// The schedule of project `id` as of the store's today.
    async fn schedule_now(&self, id: i64) -> Result<Schedule, StoreError> {
        let calendar = self.store.cached_calendar(None).await?;
        self.store.schedule(id, &calendar, self.store.today()).await
    }
}
