//! Steps on the one write path: a template put on a project ([`Instantiation`], a create
//! of the project's [`Scheduled`] steps) and each change of one step ([`Step`]), by an
//! action core computes ([`StepCommand`]) or a whole new state ([`StepWrite::Replace`]).
//! Whatever the writer sends, the date changes a write appends are stamped with the
//! server's who and when, and the new state is checked against the template and the other
//! steps before the project is re-planned.

use chrono::NaiveDate;
use duikou_core::calendar::WorkCalendar;
use duikou_core::steps::{
    may_remove_template, plan, stamp_appended, validate_update, Schedule, StepCommand, StepState,
    Template,
};
use serde::Serialize;

use super::{corrupt, load, ProjectSteps};
use crate::rows::{date_text, opt_date_text, Tx};
use crate::write::{Action, Create, Delete, Kind, Place, Stamp};
use crate::StoreError;

/// The steps a project runs, as a create makes them: which template and since when.
#[derive(Debug, Serialize)]
pub(crate) struct Scheduled {
    template: String,
    version: i32,
    start: NaiveDate,
    #[serde(skip)]
    pub steps: ProjectSteps,
}

/// A template (its latest version unless one is given) put on a project whose steps start
/// on `start`.
pub(crate) struct Instantiation {
    pub template: String,
    pub version: Option<i32>,
    pub start: NaiveDate,
}

impl Kind for Scheduled {
    const NAME: &'static str = "schedule";
    type Parent = i64;
    type Key = i64;
    type Fields = ();

    fn place(project: i64, _: Option<&i64>) -> Place {
        Place::Project(project)
    }

    fn version(&self) -> i64 {
        self.steps.version
    }

    /// Kept in its project's history.
    fn logged_as(project: i64, _: &i64) -> (&'static str, String) {
        ("project", project.to_string())
    }

    async fn get(
        tx: &mut Tx,
        project: i64,
        _: &i64,
        _: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        Ok(load(tx, project).await?.map(|(steps, _)| Scheduled {
            template: steps.template_key.clone(),
            version: steps.template_version,
            start: steps.start,
            steps,
        }))
    }
}

impl Create for Scheduled {
    type New = Instantiation;
    const CREATED: &'static str = "instantiate_steps";

    fn fields_of(_: &Self::New) -> Option<&()> {
        None
    }

    /// A project runs one template.
    async fn check_new(
        tx: &mut Tx,
        project: i64,
        _: &Self::New,
        _: NaiveDate,
    ) -> Result<(), StoreError> {
        if load(tx, project).await?.is_some() {
            return Err(StoreError::invalid(
                "template",
                "already_instantiated",
                "该项目已套用流程模板",
            ));
        }
        Ok(())
    }

    async fn insert(
        tx: &mut Tx,
        project: i64,
        new: &Self::New,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        let template = crate::templates::get_in(tx, &new.template, new.version)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => StoreError::invalid(
                    "template",
                    "unknown_template",
                    format!("流程模板{}不存在", new.template),
                ),
                other => other,
            })?;
        sqlx::query(
            "INSERT INTO project_schedules (project_id, template_key, template_version, start_date, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(project)
        .bind(&template.key)
        .bind(i64::from(template.version))
        .bind(date_text(new.start))
        .bind(&stamp.now)
        .execute(&mut **tx)
        .await?;
        let steps = ProjectSteps {
            project_id: project,
            template_key: template.key.clone(),
            template_version: template.version,
            start: new.start,
            version: 1,
            states: template.steps().map(|s| StepState::new(&s.key)).collect(),
        };
        let schedule = plan(
            &template,
            new.start,
            &steps.states,
            &stamp.calendar,
            stamp.today,
        );
        write_steps(tx, &steps, &schedule, true, &stamp.now).await?;
        Ok(project)
    }
}

/// 撤销流程模板: a template is taken off a project while no step has been touched
/// (`core::steps::may_remove_template`); the project's history keeps the schedule it had.
impl Delete for Scheduled {
    const DELETED: &'static str = "remove_steps";

    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        may_remove_template(&before.steps.states)?;
        let project = before.steps.project_id;
        let done =
            sqlx::query("DELETE FROM project_schedules WHERE project_id = $1 AND version = $2")
                .bind(project)
                .bind(before.steps.version)
                .execute(&mut **tx)
                .await?;
        if done.rows_affected() == 1 {
            sqlx::query("DELETE FROM project_steps WHERE project_id = $1")
                .bind(project)
                .execute(&mut **tx)
                .await?;
        }
        Ok(done.rows_affected())
    }
}

/// One step of a project, with what a change of it is checked against: the template the
/// project runs and every step's state. Its version is the version of the project's steps
/// as a whole.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Step {
    pub state: StepState,
    #[serde(skip)]
    steps: ProjectSteps,
    #[serde(skip)]
    template: Template,
}

impl Step {
    /// The project's schedule with the steps in `states`, as of `today`.
    fn plan_with(
        &self,
        states: &[StepState],
        calendar: &WorkCalendar,
        today: NaiveDate,
    ) -> Schedule {
        plan(&self.template, self.steps.start, states, calendar, today)
    }

    /// The project's schedule as this record holds it.
    pub(crate) fn schedule(&self, calendar: &WorkCalendar, today: NaiveDate) -> Schedule {
        self.plan_with(&self.steps.states, calendar, today)
    }
}

impl Kind for Step {
    const NAME: &'static str = "step";
    type Parent = i64;
    type Key = String;
    type Fields = StepState;

    fn place(project: i64, _: Option<&String>) -> Place {
        Place::Project(project)
    }

    fn version(&self) -> i64 {
        self.steps.version
    }

    fn logged_as(project: i64, key: &String) -> (&'static str, String) {
        ("step", format!("{project}/{key}"))
    }

    async fn get(
        tx: &mut Tx,
        project: i64,
        key: &String,
        _: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        let Some((steps, template)) = load(tx, project).await? else {
            return Err(StoreError::not_found("schedule", project));
        };
        let state = steps.states.iter().find(|s| &s.key == key).cloned();
        Ok(state.map(|state| Step {
            state,
            steps,
            template,
        }))
    }

    /// Stamps what the new state appends to the date log with the server's who and when,
    /// checks it against the template and the other steps, re-plans the project on the
    /// calendar and writes every step, guarded by the steps' version.
    async fn update(
        tx: &mut Tx,
        before: &Step,
        fields: &StepState,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let mut new = fields.clone();
        stamp_appended(&before.state, &mut new, &stamp.actor.name, stamp.at);
        let key = &before.state.key;
        let states = &before.steps.states;
        validate_update(&before.template, states, key, &new, stamp.today)?;
        let mut steps = before.steps.clone();
        if let Some(s) = steps.states.iter_mut().find(|s| &s.key == key) {
            *s = new;
        }
        let done = sqlx::query(
            "UPDATE project_schedules SET version = version + 1, updated_at = $1 \
             WHERE project_id = $2 AND version = $3",
        )
        .bind(&stamp.now)
        .bind(steps.project_id)
        .bind(steps.version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 1 {
            let schedule = before.plan_with(&steps.states, &stamp.calendar, stamp.today);
            write_steps(tx, &steps, &schedule, false, &stamp.now).await?;
        }
        Ok(done.rows_affected())
    }
}

/// A change of one step: an action of the step page (its effect computed by core), or a
/// whole new state as the API's `PUT` sends it.
pub(crate) enum StepWrite<'a> {
    Command(&'a StepCommand),
    Replace(&'a StepState),
}

impl Action<Step> for StepWrite<'_> {
    fn name(&self) -> &'static str {
        "update"
    }

    fn apply(&self, before: &Step, stamp: &Stamp) -> Result<StepState, StoreError> {
        match self {
            StepWrite::Replace(state) => Ok((*state).clone()),
            StepWrite::Command(c) => c
                .apply(&before.state, &stamp.actor.name, stamp.at)
                .map_err(|errs| StoreError::Invalid(duikou_core::ValidationError(errs))),
        }
    }
}

/// Writes every step row of a project from its states and a fresh plan, at `now`.
async fn write_steps(
    tx: &mut Tx,
    steps: &ProjectSteps,
    schedule: &Schedule,
    insert: bool,
    now: &str,
) -> Result<(), StoreError> {
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
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
