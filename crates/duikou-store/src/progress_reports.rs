//! Progress reports (进展填报): one per project and period, cumulative figures.

use crate::error::unique_to_field;
use crate::rows::{date_text, RowReader, Tx};
use crate::write::{delete_row, Create, Delete, Edit, Kind, Place, RowKey, Stamp};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use duikou_core::progress_report::{Period, ProgressReport, ProgressReportFields};

const COLS: &str = "id, project_id, period, period_end, invested_to_date, funds_in_place, \
                    trade_volume, output_value, note, correction, version";

fn read(row: &sqlx::any::AnyRow) -> Result<ProgressReport, StoreError> {
    let r = RowReader::new(row, "progress_reports");
    Ok(ProgressReport {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        fields: ProgressReportFields {
            period: r.code("period", Period::parse)?,
            invested_to_date: r.money("invested_to_date")?,
            funds_in_place: r.money("funds_in_place")?,
            trade_volume: r.money("trade_volume")?,
            output_value: r.money("output_value")?,
            note: r.opt_text("note")?,
            correction: r.opt_text("correction")?,
        },
        period_end: r.date("period_end")?,
        version: r.i64("version")?,
    })
}

/// Touches the project so that "no update for N days" and `updated_since` see the report.
async fn touch_project(tx: &mut Tx, project_id: i64, stamp: &Stamp) -> Result<(), StoreError> {
    sqlx::query("UPDATE projects SET updated_at = $1, updated_by = $2 WHERE id = $3")
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .bind(project_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Core's rules of a report on `today` against the project's latest report of an earlier
/// period (other than the report itself, `own`).
async fn as_of(
    tx: &mut Tx,
    project_id: i64,
    fields: &ProgressReportFields,
    today: NaiveDate,
    own: Option<i64>,
) -> Result<(), StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM progress_reports WHERE project_id = $1 AND period_end < $2 \
         AND id <> $3 ORDER BY period_end DESC, id DESC LIMIT 1"
    ))
    .bind(project_id)
    .bind(date_text(fields.period.end()))
    .bind(own.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?;
    let earlier = row.as_ref().map(read).transpose()?;
    Ok(fields.check_as_of(today, earlier.as_ref().map(|r| &r.fields))?)
}

const DUPLICATE: &str = "该报告期已填报，请修改原报告";

impl Kind for ProgressReport {
    const NAME: &'static str = "progress_report";
    const ROLLUP: bool = true;
    type Parent = i64;
    type Key = i64;
    type Fields = ProgressReportFields;

    fn place(project_id: i64, _: Option<&i64>) -> Place {
        Place::Project(project_id)
    }
    fn version(&self) -> i64 {
        self.version
    }

    async fn get(
        tx: &mut Tx,
        project_id: i64,
        id: &i64,
        _today: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        crate::write::project_row(tx, "progress_reports", COLS, project_id, *id, read).await
    }

    async fn check(
        _tx: &mut Tx,
        _project_id: i64,
        fields: &ProgressReportFields,
        _before: Option<&Self>,
    ) -> Result<(), StoreError> {
        Ok(fields.validate()?)
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        fields: &ProgressReportFields,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        as_of(tx, before.project_id, fields, stamp.today, Some(before.id)).await?;
        let done = sqlx::query(
            "UPDATE progress_reports SET period = $1, period_end = $2, invested_to_date = $3, \
             funds_in_place = $4, trade_volume = $5, output_value = $6, note = $7, \
             updated_at = $8, updated_by = $9, correction = $12, version = version + 1 \
             WHERE id = $10 AND version = $11",
        )
        .bind(fields.period.to_string())
        .bind(date_text(fields.period.end()))
        .bind(fields.invested_to_date.map(|m| m.yuan()))
        .bind(fields.funds_in_place.map(|m| m.yuan()))
        .bind(fields.trade_volume.map(|m| m.yuan()))
        .bind(fields.output_value.map(|m| m.yuan()))
        .bind(&fields.note)
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .bind(before.id)
        .bind(before.version)
        .bind(&fields.correction)
        .execute(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "period", DUPLICATE))?;
        Ok(done.rows_affected())
    }

    async fn after(tx: &mut Tx, project_id: i64, stamp: &Stamp) -> Result<(), StoreError> {
        touch_project(tx, project_id, stamp).await
    }
}

impl Create for ProgressReport {
    type New = ProgressReportFields;

    fn fields_of(new: &ProgressReportFields) -> Option<&ProgressReportFields> {
        Some(new)
    }

    async fn check_new(
        tx: &mut Tx,
        project_id: i64,
        new: &ProgressReportFields,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        as_of(tx, project_id, new, today, None).await
    }

    async fn insert(
        tx: &mut Tx,
        project_id: i64,
        fields: &ProgressReportFields,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO progress_reports (project_id, period, period_end, invested_to_date, \
             funds_in_place, trade_volume, output_value, note, created_at, updated_at, updated_by, \
             correction) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id",
        )
        .bind(project_id)
        .bind(fields.period.to_string())
        .bind(date_text(fields.period.end()))
        .bind(fields.invested_to_date.map(|m| m.yuan()))
        .bind(fields.funds_in_place.map(|m| m.yuan()))
        .bind(fields.trade_volume.map(|m| m.yuan()))
        .bind(fields.output_value.map(|m| m.yuan()))
        .bind(&fields.note)
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .bind(&fields.correction)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "period", DUPLICATE))
    }
}

impl Edit for ProgressReport {}

impl Delete for ProgressReport {
    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        delete_row(
            tx,
            "progress_reports",
            "id",
            RowKey::Id(before.id),
            before.version,
            "该进展报告",
        )
        .await
    }
}

impl Store {
    pub async fn progress_report(
        &self,
        project_id: i64,
        id: i64,
    ) -> Result<ProgressReport, StoreError> {
        let mut tx = self.begin().await?;
        let r = ProgressReport::get(&mut tx, project_id, &id, self.today()).await?;
        tx.commit().await?;
        r.ok_or_else(|| StoreError::not_found("progress_report", id))
    }

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

    pub async fn progress_reports(
        &self,
        project_id: i64,
    ) -> Result<Vec<ProgressReport>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM progress_reports WHERE project_id = $1 ORDER BY period_end DESC, id DESC"
        ))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read).collect()
    }
}
