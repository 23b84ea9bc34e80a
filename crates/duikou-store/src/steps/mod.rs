//! The steps of a project (项目管家): a template version instantiated on a project, the state of
//! each step, and the plan computed from both on the working-day calendar.

use chrono::NaiveDate;
use duikou_core::calendar::WorkCalendar;
use duikou_core::steps::{plan, Schedule, StepState, StepStatus, Template};
use serde::Serialize;

use crate::rows::{date_text, RowReader, Tx};
use crate::{Store, StoreError};

mod write;

pub(crate) use write::{Instantiation, Scheduled, Step, StepWrite};

/// Which template version a project runs, and since when.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectSteps {
    pub project_id: i64,
    pub template_key: String,
    pub template_version: i32,
    pub start: NaiveDate,
    pub version: i64,
    pub states: Vec<StepState>,
}

fn corrupt(message: String) -> StoreError {
    StoreError::Corrupt {
        table: "project_steps",
        message,
    }
}

async fn load(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Option<(ProjectSteps, Template)>, StoreError> {
    let Some(row) = sqlx::query(
        "SELECT template_key, template_version, start_date, version FROM project_schedules \
         WHERE project_id = $1",
    )
    .bind(project_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let r = RowReader::new(&row, "project_schedules");
    let key = r.text("template_key")?;
    let tversion = i32::try_from(r.i64("template_version")?).unwrap_or_default();
    let template = crate::templates::get_in(tx, &key, Some(tversion)).await?;
    let rows =
        sqlx::query("SELECT state FROM project_steps WHERE project_id = $1 ORDER BY position")
            .bind(project_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut states = Vec::with_capacity(rows.len());
    for row in &rows {
        let text = RowReader::new(row, "project_steps").text("state")?;
        states.push(serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?);
    }
    Ok(Some((
        ProjectSteps {
            project_id,
            template_key: key,
            template_version: tversion,
            start: r.date("start_date")?,
            version: r.i64("version")?,
            states,
        },
        template,
    )))
}

impl Store {
    /// The template version and step states of a project (`None` when it runs no template).
    pub async fn project_steps(
        &self,
        project_id: i64,
    ) -> Result<Option<(ProjectSteps, Template)>, StoreError> {
        let mut tx = self.begin().await?;
        let r = load(&mut tx, project_id).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// The schedule of a project as of `today`.
    pub async fn schedule(
        &self,
        project_id: i64,
        calendar: &WorkCalendar,
        today: NaiveDate,
    ) -> Result<Schedule, StoreError> {
        self.project(project_id).await?;
        let (steps, template) = self
            .project_steps(project_id)
            .await?
            .ok_or_else(|| StoreError::not_found("schedule", project_id))?;
        Ok(plan(&template, steps.start, &steps.states, calendar, today))
    }

    /// How many step rows are open (neither done nor skipped) with a planned due date before
    /// `date`: the late steps across every project.
    pub async fn count_steps_due_before(&self, date: NaiveDate) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM project_steps WHERE planned_due < $1 AND status NOT IN ($2, $3)",
        )
        .bind(date_text(date))
        .bind(StepStatus::Done.code())
        .bind(StepStatus::Skipped.code())
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }
}
