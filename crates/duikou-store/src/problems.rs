//! Problems (问题 / 堵点) of a project.

use duikou_core::problem::{Problem, ProblemCategory, ProblemFields, ProblemStatus};
use duikou_core::Actor;

use crate::changes::record;
use crate::error::{check_version, check_written};
use crate::rows::{code_of, opt_date_text, serde_code, RowReader, Tx};
use crate::{now_text, Store, StoreError};

const COLS: &str = "id, project_id, category, description, owner_org_id, due_date, status, \
                    resolution, resolved_on, version";

fn read(row: &sqlx::any::AnyRow) -> Result<Problem, StoreError> {
    let r = RowReader::new(row, "problems");
    Ok(Problem {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        fields: ProblemFields {
            category: r.code("category", serde_code::<ProblemCategory>)?,
            description: r.text("description")?,
            owner_org_id: r.opt_i64("owner_org_id")?,
            due_date: r.opt_date("due_date")?,
            status: r.code("status", serde_code::<ProblemStatus>)?,
            resolution: r.opt_text("resolution")?,
            resolved_on: r.opt_date("resolved_on")?,
        },
        version: r.i64("version")?,
    })
}

async fn get_in(tx: &mut Tx, project_id: i64, id: i64) -> Result<Problem, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM problems WHERE id = $1 AND project_id = $2"
    ))
    .bind(id)
    .bind(project_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref()
        .map(read)
        .transpose()?
        .ok_or_else(|| StoreError::not_found("problem", id))
}

async fn check(tx: &mut Tx, fields: &ProblemFields) -> Result<(), StoreError> {
    fields.validate()?;
    if let Some(org) = fields.owner_org_id {
        crate::orgs::require(tx, "owner_org_id", org).await?;
    }
    Ok(())
}

impl Store {
    pub async fn create_problem(
        &self,
        actor: &Actor,
        project_id: i64,
        fields: &ProblemFields,
    ) -> Result<Problem, StoreError> {
        let mut tx = self.begin_write().await?;
        crate::projects::require(&mut tx, project_id).await?;
        check(&mut tx, fields).await?;
        let now = now_text();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO problems (project_id, category, description, owner_org_id, due_date, \
             status, resolution, resolved_on, created_at, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
        )
        .bind(project_id)
        .bind(code_of(&fields.category))
        .bind(fields.description.trim())
        .bind(fields.owner_org_id)
        .bind(opt_date_text(fields.due_date))
        .bind(code_of(&fields.status))
        .bind(&fields.resolution)
        .bind(opt_date_text(fields.resolved_on))
        .bind(&now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let p = get_in(&mut tx, project_id, id).await?;
        record(
            &mut tx,
            "problem",
            &id.to_string(),
            "create",
            actor,
            None::<&()>,
            Some(&p),
        )
        .await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(p)
    }

    pub async fn problem(&self, project_id: i64, id: i64) -> Result<Problem, StoreError> {
        let mut tx = self.begin().await?;
        let p = get_in(&mut tx, project_id, id).await;
        tx.commit().await?;
        p
    }

    /// One page of a project's problems, in the order of [`Self::problems`], with the total.
    pub async fn problems_page(
        &self,
        project_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<crate::Page<Problem>, StoreError> {
        self.child_page("problems", COLS, "id", project_id, limit, offset, read)
            .await
    }

    pub async fn problems(&self, project_id: i64) -> Result<Vec<Problem>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM problems WHERE project_id = $1 ORDER BY id"
        ))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read).collect()
    }

    pub async fn update_problem(
        &self,
        actor: &Actor,
        project_id: i64,
        id: i64,
        expected_version: Option<i64>,
        fields: &ProblemFields,
    ) -> Result<Problem, StoreError> {
        let mut tx = self.begin_write().await?;
        let before = get_in(&mut tx, project_id, id).await?;
        check_version("problem", id, before.version, expected_version)?;
        check(&mut tx, fields).await?;
        let done = sqlx::query(
            "UPDATE problems SET category = $1, description = $2, owner_org_id = $3, \
             due_date = $4, status = $5, resolution = $6, resolved_on = $7, updated_at = $8, \
             updated_by = $9, version = version + 1 WHERE id = $10 AND version = $11",
        )
        .bind(code_of(&fields.category))
        .bind(fields.description.trim())
        .bind(fields.owner_org_id)
        .bind(opt_date_text(fields.due_date))
        .bind(code_of(&fields.status))
        .bind(&fields.resolution)
        .bind(opt_date_text(fields.resolved_on))
        .bind(now_text())
        .bind(&actor.name)
        .bind(id)
        .bind(before.version)
        .execute(&mut *tx)
        .await?;
        check_written(done.rows_affected(), "problem", id, before.version)?;
        let after = get_in(&mut tx, project_id, id).await?;
        record(
            &mut tx,
            "problem",
            &id.to_string(),
            "update",
            actor,
            Some(&before),
            Some(&after),
        )
        .await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_problem(
        &self,
        actor: &Actor,
        project_id: i64,
        id: i64,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let before = get_in(&mut tx, project_id, id).await?;
        check_version("problem", id, before.version, expected_version)?;
        let done = sqlx::query("DELETE FROM problems WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(before.version)
            .execute(&mut *tx)
            .await?;
        check_written(done.rows_affected(), "problem", id, before.version)?;
        record(
            &mut tx,
            "problem",
            &id.to_string(),
            "delete",
            actor,
            Some(&before),
            None::<&()>,
        )
        .await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
