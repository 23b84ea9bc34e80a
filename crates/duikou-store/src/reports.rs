//! Progress reports (进展填报): one per project and period, cumulative figures.

use duikou_core::report::{Period, ProgressReport, ReportFields};
use duikou_core::Actor;

use crate::changes::record;
use crate::error::{check_version, check_written, unique_to_field};
use crate::rollup::Upkeep;
use crate::rows::{date_text, RowReader, Tx};
use crate::{now_text, Store, StoreError};

const COLS: &str = "id, project_id, period, period_end, invested_to_date, funds_in_place, \
                    trade_volume, output_value, note, version";

fn read(row: &sqlx::any::AnyRow) -> Result<ProgressReport, StoreError> {
    let r = RowReader::new(row, "progress_reports");
    Ok(ProgressReport {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        fields: ReportFields {
            period: r.code("period", Period::parse)?,
            invested_to_date: r.money("invested_to_date")?,
            funds_in_place: r.money("funds_in_place")?,
            trade_volume: r.money("trade_volume")?,
            output_value: r.money("output_value")?,
            note: r.opt_text("note")?,
        },
        period_end: r.date("period_end")?,
        version: r.i64("version")?,
    })
}

async fn get_in(tx: &mut Tx, project_id: i64, id: i64) -> Result<ProgressReport, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM progress_reports WHERE id = $1 AND project_id = $2"
    ))
    .bind(id)
    .bind(project_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref()
        .map(read)
        .transpose()?
        .ok_or_else(|| StoreError::not_found("progress_report", id))
}

/// Touches the project so that "no update for N days" and `updated_since` see the report.
async fn touch_project(tx: &mut Tx, project_id: i64, actor: &Actor) -> Result<(), StoreError> {
    sqlx::query("UPDATE projects SET updated_at = $1, updated_by = $2 WHERE id = $3")
        .bind(now_text())
        .bind(&actor.name)
        .bind(project_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    pub async fn create_report(
        &self,
        actor: &Actor,
        project_id: i64,
        fields: &ReportFields,
    ) -> Result<ProgressReport, StoreError> {
        fields.validate()?;
        let mut tx = self.begin_write().await?;
        let upkeep = Upkeep::before(&mut tx, self.backend, &[project_id]).await?;
        crate::projects::require(&mut tx, project_id).await?;
        let now = now_text();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO progress_reports (project_id, period, period_end, invested_to_date, \
             funds_in_place, trade_volume, output_value, note, created_at, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
        )
        .bind(project_id)
        .bind(fields.period.to_string())
        .bind(date_text(fields.period.end()))
        .bind(fields.invested_to_date.map(|m| m.yuan()))
        .bind(fields.funds_in_place.map(|m| m.yuan()))
        .bind(fields.trade_volume.map(|m| m.yuan()))
        .bind(fields.output_value.map(|m| m.yuan()))
        .bind(&fields.note)
        .bind(&now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_to_field(e, "period", "该报告期已填报，请修改原报告"))?;
        touch_project(&mut tx, project_id, actor).await?;
        let report = get_in(&mut tx, project_id, id).await?;
        record(
            &mut tx,
            "progress_report",
            &id.to_string(),
            "create",
            actor,
            None::<&()>,
            Some(&report),
        )
        .await?;
        upkeep.after(&mut tx, &[]).await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(report)
    }

    pub async fn report(&self, project_id: i64, id: i64) -> Result<ProgressReport, StoreError> {
        let mut tx = self.begin().await?;
        let r = get_in(&mut tx, project_id, id).await;
        tx.commit().await?;
        r
    }

    /// A project's reports, newest period first.
    /// One page of a project's reports, in the order of [`Self::reports`], with the total.
    pub async fn reports_page(
        &self,
        project_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<crate::Page<ProgressReport>, StoreError> {
        self.child_page(
            "progress_reports",
            COLS,
            "period_end DESC, id DESC",
            project_id,
            limit,
            offset,
            read,
        )
        .await
    }

    pub async fn reports(&self, project_id: i64) -> Result<Vec<ProgressReport>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM progress_reports WHERE project_id = $1 ORDER BY period_end DESC, id DESC"
        ))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read).collect()
    }

    pub async fn update_report(
        &self,
        actor: &Actor,
        project_id: i64,
        id: i64,
        expected_version: Option<i64>,
        fields: &ReportFields,
    ) -> Result<ProgressReport, StoreError> {
        fields.validate()?;
        let mut tx = self.begin_write().await?;
        let upkeep = Upkeep::before(&mut tx, self.backend, &[project_id]).await?;
        let before = get_in(&mut tx, project_id, id).await?;
        check_version("progress_report", id, before.version, expected_version)?;
        let done = sqlx::query(
            "UPDATE progress_reports SET period = $1, period_end = $2, invested_to_date = $3, \
             funds_in_place = $4, trade_volume = $5, output_value = $6, note = $7, \
             updated_at = $8, updated_by = $9, version = version + 1 WHERE id = $10 AND version = $11",
        )
        .bind(fields.period.to_string())
        .bind(date_text(fields.period.end()))
        .bind(fields.invested_to_date.map(|m| m.yuan()))
        .bind(fields.funds_in_place.map(|m| m.yuan()))
        .bind(fields.trade_volume.map(|m| m.yuan()))
        .bind(fields.output_value.map(|m| m.yuan()))
        .bind(&fields.note)
        .bind(now_text())
        .bind(&actor.name)
        .bind(id)
        .bind(before.version)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_to_field(e, "period", "该报告期已填报，请修改原报告"))?;
        check_written(done.rows_affected(), "progress_report", id, before.version)?;
        touch_project(&mut tx, project_id, actor).await?;
        let after = get_in(&mut tx, project_id, id).await?;
        record(
            &mut tx,
            "progress_report",
            &id.to_string(),
            "update",
            actor,
            Some(&before),
            Some(&after),
        )
        .await?;
        upkeep.after(&mut tx, &[]).await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_report(
        &self,
        actor: &Actor,
        project_id: i64,
        id: i64,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let upkeep = Upkeep::before(&mut tx, self.backend, &[project_id]).await?;
        let before = get_in(&mut tx, project_id, id).await?;
        check_version("progress_report", id, before.version, expected_version)?;
        let done = sqlx::query("DELETE FROM progress_reports WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(before.version)
            .execute(&mut *tx)
            .await?;
        check_written(done.rows_affected(), "progress_report", id, before.version)?;
        record(
            &mut tx,
            "progress_report",
            &id.to_string(),
            "delete",
            actor,
            Some(&before),
            None::<&()>,
        )
        .await?;
        upkeep.after(&mut tx, &[]).await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
