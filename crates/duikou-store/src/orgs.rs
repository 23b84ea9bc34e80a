//! Organisations (单位).

use crate::rows::{RowReader, Tx};
use crate::write::{delete_row, Create, Delete, Edit, Kind, Place, RowKey, Stamp};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use duikou_core::org::{Org, OrgInput, OrgKind};

const COLS: &str = "id, name, kind, region_code, parent_id, version";

fn read(row: &sqlx::any::AnyRow) -> Result<Org, StoreError> {
    let r = RowReader::new(row, "orgs");
    Ok(Org {
        id: r.i64("id")?,
        name: r.text("name")?,
        kind: r.code("kind", OrgKind::parse)?,
        region_code: r.text("region_code")?,
        parent_id: r.opt_i64("parent_id")?,
        version: r.i64("version")?,
    })
}

pub(crate) async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Org>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM orgs WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(read).transpose()
}

/// The org `id`, or a field error naming `field` when there is none.
pub(crate) async fn require(tx: &mut Tx, field: &str, id: i64) -> Result<Org, StoreError> {
    get_in(tx, id)
        .await?
        .ok_or_else(|| StoreError::invalid(field, "unknown_org", format!("单位{id}不存在")))
}

async fn check_refs(tx: &mut Tx, input: &OrgInput) -> Result<(), StoreError> {
    input.validate()?;
    crate::regions::require(tx, "region_code", &input.region_code).await?;
    if let Some(p) = input.parent_id {
        require(tx, "parent_id", p).await?;
    }
    Ok(())
}

impl Kind for Org {
    const NAME: &'static str = "org";
    type Parent = ();
    type Key = i64;
    type Fields = OrgInput;

    fn place(_: (), _: Option<&Self::Key>) -> Place {
        Place::Reference
    }
    fn version(&self) -> i64 {
        self.version
    }

    async fn get(
        tx: &mut Tx,
        _: (),
        id: &i64,
        _today: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        get_in(tx, *id).await
    }

    async fn check(
        tx: &mut Tx,
        _: (),
        input: &OrgInput,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        check_refs(tx, input).await?;
        if before.is_some_and(|b| input.parent_id == Some(b.id)) {
            return Err(StoreError::invalid(
                "parent_id",
                "cycle",
                "单位不能是自己的上级",
            ));
        }
        Ok(())
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        input: &OrgInput,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE orgs SET name = $1, kind = $2, region_code = $3, parent_id = $4, \
             updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(input.name.trim())
        .bind(input.kind.code())
        .bind(&input.region_code)
        .bind(input.parent_id)
        .bind(&stamp.now)
        .bind(before.id)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected())
    }
}

impl Create for Org {
    type New = OrgInput;

    fn fields_of(new: &OrgInput) -> Option<&OrgInput> {
        Some(new)
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        input: &OrgInput,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO orgs (name, kind, region_code, parent_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(input.name.trim())
        .bind(input.kind.code())
        .bind(&input.region_code)
        .bind(input.parent_id)
        .bind(&stamp.now)
        .fetch_one(&mut **tx)
        .await?)
    }
}

impl Edit for Org {}

impl Delete for Org {
    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        delete_row(
            tx,
            "orgs",
            "id",
            RowKey::Id(before.id),
            before.version,
            "该单位",
        )
        .await
    }
}

impl Store {
    pub async fn org(&self, id: i64) -> Result<Org, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM orgs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(read)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("org", id))
    }

    /// All orgs, or those of one region, by name.
    pub async fn orgs(&self, region_code: Option<&str>) -> Result<Vec<Org>, StoreError> {
        let rows = match region_code {
            Some(c) => {
                sqlx::query(&format!(
                    "SELECT {COLS} FROM orgs WHERE region_code = $1 ORDER BY id"
                ))
                .bind(c)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {COLS} FROM orgs ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(read).collect()
    }
}
