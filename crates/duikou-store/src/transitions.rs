//! Stage transitions: checked against the rules of `duikou_core::stage`, recorded as dated rows
//! from which "as of" statistics are read.

use chrono::NaiveDate;
use duikou_core::project::{check_effective_date, Project, StageChange};
use duikou_core::stage::{check_transition, TransitionKind, TransitionRequest};
use duikou_core::{Actor, Stage};

use crate::changes::record;
use crate::rows::{date_text, serde_code, RowReader};
use crate::{now_text, Store, StoreError};

#[derive(Debug, Clone)]
pub struct TransitionInput {
    pub to: Stage,
    pub effective_date: NaiveDate,
    pub reason: Option<String>,
    /// Asks for an administrator's override of a rule (e.g. landing before signing).
    pub override_rules: bool,
}

fn read(row: &sqlx::any::AnyRow) -> Result<StageChange, StoreError> {
    let r = RowReader::new(row, "stage_changes");
    Ok(StageChange {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        from_stage: r.opt_code("from_stage", Stage::parse)?,
        to_stage: r.code("to_stage", Stage::parse)?,
        kind: r.opt_code("kind", serde_code::<TransitionKind>)?,
        effective_date: r.date("effective_date")?,
        reason: r.opt_text("reason")?,
        overridden: r.flag("overridden")?,
        actor: r.text("actor")?,
        recorded_at: r.time("recorded_at")?,
    })
}

impl Store {
    /// Moves a project to another stage. `today` bounds the effective date (no future dates).
    pub async fn transition(
        &self,
        actor: &Actor,
        project_id: i64,
        expected_version: Option<i64>,
        input: &TransitionInput,
        today: NaiveDate,
    ) -> Result<(Project, StageChange), StoreError> {
        let mut tx = self.begin_write().await?;
        let upkeep = crate::rollup::Upkeep::before(&mut tx, self.backend, &[project_id]).await?;
        let before = crate::projects::require(&mut tx, project_id).await?;
        crate::error::check_version("project", project_id, before.version, expected_version)?;
        if input.override_rules && !actor.may_override {
            return Err(StoreError::invalid(
                "override",
                "forbidden",
                "只有系统管理员可以强制推进阶段",
            ));
        }
        let kind = check_transition(&TransitionRequest {
            from: before.stage,
            held_before: before.held_stage,
            to: input.to,
            reason: input.reason.as_deref(),
            override_rules: input.override_rules,
        })?;
        check_effective_date(input.effective_date, before.stage_since, today)?;
        let date = date_text(input.effective_date);
        let now = now_text();
        let held = if input.to.is_main_line() {
            input.to
        } else {
            before.held_stage
        };
        // The project row first, and only at the version read above: a concurrent transition
        // that got there first (PostgreSQL lets both read version N) makes this one stale
        // before it touches the history, so a project never has two open stage rows.
        let done = sqlx::query(
            "UPDATE projects SET stage = $1, stage_since = $2, held_stage = $3, updated_at = $4, \
             updated_by = $5, version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(input.to.code())
        .bind(&date)
        .bind(held.code())
        .bind(&now)
        .bind(&actor.name)
        .bind(project_id)
        .bind(before.version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Stale {
                kind: "project",
                id: project_id.to_string(),
                current: before.version + 1,
            });
        }
        sqlx::query(
            "UPDATE stage_changes SET until_date = $1 WHERE project_id = $2 AND until_date IS NULL",
        )
        .bind(&date)
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
        let change_id: i64 = sqlx::query_scalar(
            "INSERT INTO stage_changes (project_id, from_stage, to_stage, kind, effective_date, \
             reason, overridden, actor, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(project_id)
        .bind(before.stage.code())
        .bind(input.to.code())
        .bind(crate::rows::code_of(&kind))
        .bind(&date)
        .bind(input.reason.as_deref().map(str::trim))
        .bind(i64::from(input.override_rules))
        .bind(&actor.name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let after = crate::projects::require(&mut tx, project_id).await?;
        let row = sqlx::query(
            "SELECT id, project_id, from_stage, to_stage, kind, effective_date, reason, \
             overridden, actor, recorded_at FROM stage_changes WHERE id = $1",
        )
        .bind(change_id)
        .fetch_one(&mut *tx)
        .await?;
        let change = read(&row)?;
        record(
            &mut tx,
            "project",
            &project_id.to_string(),
            "transition",
            actor,
            Some(&before),
            Some(&change),
        )
        .await?;
        upkeep.after(&mut tx, &[]).await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok((after, change))
    }

    /// The stage history of a project, oldest first.
    pub async fn stage_changes(&self, project_id: i64) -> Result<Vec<StageChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, project_id, from_stage, to_stage, kind, effective_date, reason, \
             overridden, actor, recorded_at FROM stage_changes WHERE project_id = $1 \
             ORDER BY effective_date, id",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read).collect()
    }
}
