//! 项目管家 across projects: the open steps due by a date and the steps that carry a
//! 容缺受理 or 告知承诺 record, of the projects a user reads.

use chrono::NaiveDate;
use duikou_core::auth::ResolvedScope;
use duikou_core::steps::{StepState, StepStatus};

use crate::query::Where;
use crate::rows::{date_text, RowReader};
use crate::{Store, StoreError};

/// One step of a project, with what a list of steps shows.
#[derive(Debug, Clone)]
pub struct OpenStep {
    pub project_id: i64,
    pub project_name: String,
    /// The project's 责任单位.
    pub owner_org_id: Option<i64>,
    pub template_key: String,
    pub template_version: i32,
    pub planned_due: Option<NaiveDate>,
    pub state: StepState,
}

impl Store {
    /// Steps neither done nor skipped with a planned due date on or before `until`, and steps
    /// with a deficiency or commitment record (open or not: the caller keeps the open ones),
    /// of the projects `visible` holds (`None`: all); earliest due first, at most `limit`.
    pub(crate) async fn open_steps_visible(
        &self,
        visible: Option<&[ResolvedScope]>,
        until: NaiveDate,
        limit: i64,
    ) -> Result<Vec<OpenStep>, StoreError> {
        let mut w = Where::new();
        if let Some(v) = visible {
            w.visible("p.", v);
        }
        let until = w.text(date_text(until));
        let done = w.text(StepStatus::Done.code());
        let skipped = w.text(StepStatus::Skipped.code());
        let deficiency = w.text("%\"deficiency\":{%");
        let commitment = w.text("%\"commitment\":{%");
        w.push(format!(
            "((s.status NOT IN ({done}, {skipped}) AND s.planned_due <= {until}) \
             OR s.state LIKE {deficiency} OR s.state LIKE {commitment})"
        ));
        let limit = w.int(limit.clamp(0, 5000));
        let sql = format!(
            "SELECT s.project_id, p.name, p.owner_org_id, sc.template_key, sc.template_version, s.planned_due, \
             s.state FROM project_steps s JOIN projects p ON p.id = s.project_id \
             JOIN project_schedules sc ON sc.project_id = s.project_id WHERE {} \
             ORDER BY s.planned_due, s.project_id, s.position LIMIT {limit}",
            w.sql()
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "project_steps");
                let state =
                    serde_json::from_str(&r.text("state")?).map_err(|e| StoreError::Corrupt {
                        table: "project_steps",
                        message: e.to_string(),
                    })?;
                Ok(OpenStep {
                    project_id: r.i64("project_id")?,
                    project_name: r.text("name")?,
                    owner_org_id: r.opt_i64("owner_org_id")?,
                    template_key: r.text("template_key")?,
                    template_version: i32::try_from(r.i64("template_version")?).unwrap_or_default(),
                    planned_due: r.opt_date("planned_due")?,
                    state,
                })
            })
            .collect()
    }
}
