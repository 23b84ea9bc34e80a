//! Problems (问题 / 堵点) of a project.

use chrono::NaiveDate;
use duikou_core::auth::Access;
use duikou_core::problem::{Problem, ProblemAction, ProblemCategory, ProblemFields, ProblemStatus};

use crate::rows::{code_of, opt_date_text, serde_code, RowReader, Tx};
use crate::write::{
    delete_row, org_region_in, placement_in, Action, Create, Delete, Edit, Kind, Place, RowKey,
    Stamp,
};
use crate::{Store, StoreError};

const COLS: &str = "id, project_id, category, description, owner_org_id, due_date, status, \
                    resolution, resolved_on, progress, version";

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
            progress: r.opt_text("progress")?,
        },
        version: r.i64("version")?,
    })
}

impl Kind for Problem {
    const NAME: &'static str = "problem";
    type Parent = i64;
    type Key = i64;
    type Fields = ProblemFields;

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
        crate::write::project_row(tx, "problems", COLS, project_id, *id, read).await
    }

    async fn check(
        tx: &mut Tx,
        _project_id: i64,
        fields: &ProblemFields,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        fields.validate()?;
        if let Some(org) = fields.owner_org_id {
            let kept = before.and_then(|b| b.fields.owner_org_id);
            crate::orgs::require_open(tx, "owner_org_id", org, kept).await?;
        }
        Ok(())
    }

    /// A problem is handed only to a unit the writer or its project involves
    /// ([`Access::may_assign`]); keeping the unit it already has is always allowed.
    async fn may(
        tx: &mut Tx,
        access: &Access,
        project_id: i64,
        fields: &ProblemFields,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        let Some(org) = fields.owner_org_id else {
            return Ok(());
        };
        if access.admin || before.and_then(|b| b.fields.owner_org_id) == Some(org) {
            return Ok(());
        }
        let org_region = org_region_in(tx, Some(org)).await?;
        let project = crate::projects::require(tx, project_id).await?;
        let facts = placement_in(tx, &project.fields).await?;
        if access.may_assign(org, &org_region, &facts.as_ref()) {
            Ok(())
        } else {
            Err(StoreError::OutOfScope(vec![Access::assignment_error(
                "owner_org_id",
            )]))
        }
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        fields: &ProblemFields,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE problems SET category = $1, description = $2, owner_org_id = $3, \
             due_date = $4, status = $5, resolution = $6, resolved_on = $7, updated_at = $8, \
             updated_by = $9, progress = $12, version = version + 1 \
             WHERE id = $10 AND version = $11",
        )
        .bind(code_of(&fields.category))
        .bind(fields.description.trim())
        .bind(fields.owner_org_id)
        .bind(opt_date_text(fields.due_date))
        .bind(code_of(&fields.status))
        .bind(&fields.resolution)
        .bind(opt_date_text(fields.resolved_on))
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .bind(before.id)
        .bind(before.version)
        .bind(&fields.progress)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected())
    }
}

impl Create for Problem {
    type New = ProblemFields;

    fn fields_of(new: &ProblemFields) -> Option<&ProblemFields> {
        Some(new)
    }

    async fn insert(
        tx: &mut Tx,
        project_id: i64,
        fields: &ProblemFields,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO problems (project_id, category, description, owner_org_id, due_date, \
             status, resolution, resolved_on, created_at, updated_at, updated_by, progress) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id",
        )
        .bind(project_id)
        .bind(code_of(&fields.category))
        .bind(fields.description.trim())
        .bind(fields.owner_org_id)
        .bind(opt_date_text(fields.due_date))
        .bind(code_of(&fields.status))
        .bind(&fields.resolution)
        .bind(opt_date_text(fields.resolved_on))
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .bind(&fields.progress)
        .fetch_one(&mut **tx)
        .await?)
    }
}

impl Edit for Problem {}

/// 推进, 解决, 重新打开: core says what each does to the problem on the server's today.
impl Action<Problem> for ProblemAction {
    fn name(&self) -> &'static str {
        self.code()
    }

    fn apply(&self, before: &Problem, stamp: &Stamp) -> Result<ProblemFields, StoreError> {
        Ok(ProblemAction::apply(self, &before.fields, stamp.today)?)
    }
}

impl Delete for Problem {
    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        delete_row(
            tx,
            "problems",
            "id",
            RowKey::Id(before.id),
            before.version,
            "该问题",
        )
        .await
    }
}

impl Store {
    pub async fn problem(&self, project_id: i64, id: i64) -> Result<Problem, StoreError> {
        let mut tx = self.begin().await?;
        let p = Problem::get(&mut tx, project_id, &id, self.today()).await?;
        tx.commit().await?;
        p.ok_or_else(|| StoreError::not_found("problem", id))
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
}
