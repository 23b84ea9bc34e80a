//! The steps of a project (项目管家): a template version instantiated on a project, the state of
//! each step, and the plan computed from both on the working-day calendar.

use chrono::NaiveDate;
use duikou_core::calendar::WorkCalendar;
use duikou_core::steps::{
    plan, stamp_appended, validate_update, Schedule, StepState, StepStatus, Template,
};
use duikou_core::Actor;
use serde::Serialize;

use crate::changes::record;
use crate::error::check_version;
use crate::rows::{date_text, opt_date_text, RowReader, Tx};
use crate::{now_text, Store, StoreError};

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

/// Writes every step row of a project from its states and a fresh plan.
async fn write_steps(
    tx: &mut Tx,
    steps: &ProjectSteps,
    schedule: &Schedule,
    insert: bool,
) -> Result<(), StoreError> {
    let now = now_text();
    for (position, state) in steps.states.iter().enumerate() {
        let planned = schedule.steps.iter().find(|s| s.key == state.key);
        let json = serde_json::to_string(state).map_err(|e| corrupt(e.to_string()))?;
        let sql = if insert {
            "INSERT INTO project_steps (project_id, step_key, position, status, planned_start, \
             planned_due, actual_finish, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        } else {
            "UPDATE project_steps SET position = $3, status = $4, planned_start = $5, \
             planned_due = $6, actual_finish = $7, state = $8, updated_at = $9 \
             WHERE project_id = $1 AND step_key = $2"
        };
        sqlx::query(sql)
            .bind(steps.project_id)
            .bind(&state.key)
            .bind(position as i64)
            .bind(state.status.code())
            .bind(opt_date_text(planned.map(|p| p.planned_start)))
            .bind(opt_date_text(planned.map(|p| p.planned_due)))
            .bind(opt_date_text(state.actual_finish))
            .bind(json)
            .bind(&now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Instantiates a template (its latest version unless one is given) on a project whose
    /// steps start on `start`. A project runs one template; instantiating twice is refused.
    #[allow(clippy::too_many_arguments)]
    pub async fn instantiate_steps(
        &self,
        actor: &Actor,
        project_id: i64,
        template_key: &str,
        template_version: Option<i32>,
        start: NaiveDate,
        calendar: &WorkCalendar,
        today: NaiveDate,
    ) -> Result<Schedule, StoreError> {
        let mut tx = self.begin_write().await?;
        crate::projects::require(&mut tx, project_id).await?;
        if load(&mut tx, project_id).await?.is_some() {
            return Err(StoreError::invalid(
                "template",
                "already_instantiated",
                "该项目已套用流程模板",
            ));
        }
        let template = crate::templates::get_in(&mut tx, template_key, template_version)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => StoreError::invalid(
                    "template",
                    "unknown_template",
                    format!("流程模板{template_key}不存在"),
                ),
                other => other,
            })?;
        let now = now_text();
        sqlx::query(
            "INSERT INTO project_schedules (project_id, template_key, template_version, start_date, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(project_id)
        .bind(&template.key)
        .bind(i64::from(template.version))
        .bind(date_text(start))
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let steps = ProjectSteps {
            project_id,
            template_key: template.key.clone(),
            template_version: template.version,
            start,
            version: 1,
            states: template.steps().map(|s| StepState::new(&s.key)).collect(),
        };
        let schedule = plan(&template, start, &steps.states, calendar, today);
        write_steps(&mut tx, &steps, &schedule, true).await?;
        let summary = serde_json::json!({"template": template.key, "version": template.version, "start": start});
        record(
            &mut tx,
            "project",
            &project_id.to_string(),
            "instantiate_steps",
            actor,
            None::<&()>,
            Some(&summary),
        )
        .await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(schedule)
    }

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

    /// Replaces the state of one step after checking it against the template and the other
    /// steps, and re-plans the project. `expected_version` guards the whole set of steps.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_step(
        &self,
        actor: &Actor,
        project_id: i64,
        expected_version: Option<i64>,
        new_state: &StepState,
        calendar: &WorkCalendar,
        today: NaiveDate,
    ) -> Result<(Schedule, i64), StoreError> {
        let mut tx = self.begin_write().await?;
        let (mut steps, template) = load(&mut tx, project_id)
            .await?
            .ok_or_else(|| StoreError::not_found("schedule", project_id))?;
        check_version("schedule", project_id, steps.version, expected_version)?;
        let Some(index) = steps.states.iter().position(|s| s.key == new_state.key) else {
            return Err(StoreError::not_found("step", &new_state.key));
        };
        let before = steps.states[index].clone();
        let mut new_state = new_state.clone();
        stamp_appended(&before, &mut new_state, &actor.name, chrono::Utc::now());
        validate_update(&template, &steps.states, &new_state.key, &new_state, today)?;
        steps.states[index] = new_state.clone();
        let schedule = plan(&template, steps.start, &steps.states, calendar, today);
        write_steps(&mut tx, &steps, &schedule, false).await?;
        let done = sqlx::query(
            "UPDATE project_schedules SET version = version + 1, updated_at = $1 \
             WHERE project_id = $2 AND version = $3",
        )
        .bind(now_text())
        .bind(project_id)
        .bind(steps.version)
        .execute(&mut *tx)
        .await?;
        crate::error::check_written(done.rows_affected(), "schedule", project_id, steps.version)?;
        let id = format!("{project_id}/{}", new_state.key);
        record(
            &mut tx,
            "step",
            &id,
            "update",
            actor,
            Some(&before),
            Some(&new_state),
        )
        .await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok((schedule, steps.version + 1))
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
