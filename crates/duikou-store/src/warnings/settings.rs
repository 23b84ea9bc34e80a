//! What the warnings are measured against, on the one write path: threshold sets (reference
//! data, for administrators; each save a new set) and a project's annual investment plan
//! (by those who may change the project; one plan a year, replaced as a whole).

use chrono::NaiveDate;
use duikou_core::warnings::{AnnualPlan, Thresholds};
use serde::Serialize;

use super::thresholds::{annual_plans_in, threshold_sets};
use super::{corrupt, ThresholdSet};
use crate::rows::Tx;
use crate::write::{Create, Edit, Kind, Place, Stamp};
use crate::StoreError;

/// A threshold set to store: for an organisation (None: all) and a year.
pub(crate) struct NewThresholds {
    pub org_id: Option<i64>,
    pub year: i32,
    pub thresholds: Thresholds,
}

impl Kind for ThresholdSet {
    const NAME: &'static str = "thresholds";
    type Parent = ();
    type Key = i64;
    type Fields = Thresholds;

    fn place(_: (), _: Option<&i64>) -> Place {
        Place::Reference
    }

    fn version(&self) -> i64 {
        1
    }

    async fn get(tx: &mut Tx, _: (), id: &i64, _: NaiveDate) -> Result<Option<Self>, StoreError> {
        Ok(threshold_sets(tx).await?.into_iter().find(|s| s.id == *id))
    }

    async fn check(
        _tx: &mut Tx,
        _: (),
        t: &Thresholds,
        _before: Option<&Self>,
    ) -> Result<(), StoreError> {
        Ok(t.validate()?)
    }
}

impl Create for ThresholdSet {
    type New = NewThresholds;

    fn fields_of(new: &NewThresholds) -> Option<&Thresholds> {
        Some(&new.thresholds)
    }

    async fn check_new(
        tx: &mut Tx,
        _: (),
        new: &NewThresholds,
        _: NaiveDate,
    ) -> Result<(), StoreError> {
        if let Some(org) = new.org_id {
            crate::orgs::require(tx, "org_id", org).await?;
        }
        Ok(())
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        new: &NewThresholds,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        let body =
            serde_json::to_string(&new.thresholds).map_err(|e| corrupt("warning_thresholds", e))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO warning_thresholds (org_id, year, version, body, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.org_id)
        .bind(i64::from(new.year))
        .bind(&new.thresholds.version)
        .bind(&body)
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| {
            crate::error::unique_to_field(e, "version", "该阈值版本名称已存在，请换一个名称")
        })?;
        Ok(id)
    }
}

/// A project's investment plan for one year, as the write path sees it.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct YearPlan {
    pub plan: AnnualPlan,
    #[serde(skip)]
    project: i64,
}

impl Kind for YearPlan {
    const NAME: &'static str = "annual_plan";
    type Parent = i64;
    type Key = i32;
    type Fields = AnnualPlan;

    fn place(project: i64, _: Option<&i32>) -> Place {
        Place::Project(project)
    }

    /// A year's plan is replaced as a whole; it keeps no version of its own.
    fn version(&self) -> i64 {
        1
    }

    fn logged_as(project: i64, year: &i32) -> (&'static str, String) {
        (Self::NAME, format!("{project}/{year}"))
    }

    async fn get(
        tx: &mut Tx,
        project: i64,
        year: &i32,
        _: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        let plans = annual_plans_in(tx, project).await?;
        Ok(plans
            .into_iter()
            .find(|p| p.year == *year)
            .map(|plan| YearPlan { plan, project }))
    }

    async fn check(
        _tx: &mut Tx,
        _: i64,
        plan: &AnnualPlan,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        plan.check()
            .map_err(|m| StoreError::invalid("annual_plan", "invalid_plan", m))?;
        match before {
            Some(b) if b.plan.year != plan.year => Err(StoreError::invalid(
                "year",
                "inconsistent",
                "不能更改年度计划的年份",
            )),
            _ => Ok(()),
        }
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        plan: &AnnualPlan,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        put(tx, before.project, plan, stamp).await
    }
}

impl Edit for YearPlan {}

impl Create for YearPlan {
    type New = AnnualPlan;

    fn fields_of(plan: &AnnualPlan) -> Option<&AnnualPlan> {
        Some(plan)
    }

    async fn insert(
        tx: &mut Tx,
        project: i64,
        plan: &AnnualPlan,
        stamp: &Stamp,
    ) -> Result<i32, StoreError> {
        put(tx, project, plan, stamp).await?;
        Ok(plan.year)
    }
}

/// Writes `plan` as project `project`'s plan for its year (replacing one there is).
async fn put(
    tx: &mut Tx,
    project: i64,
    plan: &AnnualPlan,
    stamp: &Stamp,
) -> Result<u64, StoreError> {
    let curve = plan
        .curve
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| corrupt("annual_plans", e))?;
    sqlx::query("DELETE FROM annual_plans WHERE project_id = $1 AND year = $2")
        .bind(project)
        .bind(i64::from(plan.year))
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query(
        "INSERT INTO annual_plans (project_id, year, amount, curve, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(project)
    .bind(i64::from(plan.year))
    .bind(plan.amount_yuan)
    .bind(curve)
    .bind(&stamp.now)
    .bind(&stamp.actor.name)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}
