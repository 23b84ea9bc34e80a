//! Partnerships (对口合作关系).

use crate::error::unique_to_field;
use crate::rows::{RowReader, Tx};
use crate::write::{delete_row, Create, Delete, Edit, Kind, Place, RowKey, Stamp};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use duikou_core::partnership::{
    partnership_path, Partnership, PartnershipInput, PartnershipKind, Side,
};

const COLS: &str = "id, slug, name, kind, parent_id, side_a_region, side_a_org, side_b_region, \
                    side_b_org, since, path, version";

fn read(row: &sqlx::any::AnyRow) -> Result<Partnership, StoreError> {
    let r = RowReader::new(row, "partnerships");
    Ok(Partnership {
        id: r.i64("id")?,
        slug: r.text("slug")?,
        name: r.text("name")?,
        kind: r.code("kind", PartnershipKind::parse)?,
        parent_id: r.opt_i64("parent_id")?,
        side_a: Side {
            region_code: r.opt_text("side_a_region")?,
            org_id: r.opt_i64("side_a_org")?,
        },
        side_b: Side {
            region_code: r.opt_text("side_b_region")?,
            org_id: r.opt_i64("side_b_org")?,
        },
        since: r.opt_date("since")?,
        path: r.text("path")?,
        version: r.i64("version")?,
    })
}

pub(crate) async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Partnership>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM partnerships WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(read).transpose()
}

pub(crate) async fn require(tx: &mut Tx, field: &str, id: i64) -> Result<Partnership, StoreError> {
    get_in(tx, id).await?.ok_or_else(|| {
        StoreError::invalid(field, "unknown_partnership", format!("合作关系{id}不存在"))
    })
}

async fn check_refs(
    tx: &mut Tx,
    input: &PartnershipInput,
) -> Result<Option<Partnership>, StoreError> {
    input.validate()?;
    for (field, side) in [("side_a", &input.side_a), ("side_b", &input.side_b)] {
        if let Some(code) = &side.region_code {
            crate::regions::require(tx, &format!("{field}.region_code"), code).await?;
        }
        if let Some(org) = side.org_id {
            crate::orgs::require(tx, &format!("{field}.org_id"), org).await?;
        }
    }
    match input.parent_id {
        Some(p) => Ok(Some(require(tx, "parent_id", p).await?)),
        None => Ok(None),
    }
}

const DUPLICATE: &str = "该标识已被其他合作关系使用";

impl Kind for Partnership {
    const NAME: &'static str = "partnership";
    /// Grants by partnership resolve to its path.
    const REACH: bool = true;
    type Parent = ();
    type Key = i64;
    type Fields = PartnershipInput;

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

    /// The parent is fixed once created (project paths hang on it).
    async fn check(
        tx: &mut Tx,
        _: (),
        input: &PartnershipInput,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        if before.is_some_and(|b| input.parent_id != b.parent_id) {
            return Err(StoreError::invalid(
                "parent_id",
                "immutable",
                "上级合作关系创建后不能修改",
            ));
        }
        check_refs(tx, input).await.map(|_| ())
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        input: &PartnershipInput,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE partnerships SET slug = $1, name = $2, kind = $3, side_a_region = $4, \
             side_a_org = $5, side_b_region = $6, side_b_org = $7, since = $8, updated_at = $9, \
             version = version + 1 WHERE id = $10 AND version = $11",
        )
        .bind(&input.slug)
        .bind(input.name.trim())
        .bind(input.kind.code())
        .bind(&input.side_a.region_code)
        .bind(input.side_a.org_id)
        .bind(&input.side_b.region_code)
        .bind(input.side_b.org_id)
        .bind(crate::rows::opt_date_text(input.since))
        .bind(&stamp.now)
        .bind(before.id)
        .bind(before.version)
        .execute(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "slug", DUPLICATE))?;
        Ok(done.rows_affected())
    }
}

impl Create for Partnership {
    type New = PartnershipInput;

    fn fields_of(new: &PartnershipInput) -> Option<&PartnershipInput> {
        Some(new)
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        input: &PartnershipInput,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        let parent = match input.parent_id {
            Some(p) => Some(require(tx, "parent_id", p).await?),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO partnerships (slug, name, kind, parent_id, side_a_region, side_a_org, \
             side_b_region, side_b_org, since, path, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $10) RETURNING id",
        )
        .bind(&input.slug)
        .bind(input.name.trim())
        .bind(input.kind.code())
        .bind(input.parent_id)
        .bind(&input.side_a.region_code)
        .bind(input.side_a.org_id)
        .bind(&input.side_b.region_code)
        .bind(input.side_b.org_id)
        .bind(crate::rows::opt_date_text(input.since))
        .bind(&stamp.now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "slug", DUPLICATE))?;
        let path = partnership_path(parent.as_ref().map(|p| p.path.as_str()), id);
        sqlx::query("UPDATE partnerships SET path = $1 WHERE id = $2")
            .bind(&path)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(id)
    }
}

impl Edit for Partnership {}

impl Delete for Partnership {
    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        delete_row(
            tx,
            "partnerships",
            "id",
            RowKey::Id(before.id),
            before.version,
            "该合作关系",
        )
        .await
    }
}

impl Store {
    pub async fn partnership(&self, id: i64) -> Result<Partnership, StoreError> {
        let mut tx = self.begin().await?;
        let p = get_in(&mut tx, id).await?;
        tx.commit().await?;
        p.ok_or_else(|| StoreError::not_found("partnership", id))
    }

    pub async fn partnership_by_slug(&self, slug: &str) -> Result<Partnership, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM partnerships WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(read)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("partnership", slug))
    }

    /// All partnerships, parents before their children.
    pub async fn partnerships(&self) -> Result<Vec<Partnership>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLS} FROM partnerships ORDER BY path"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(read).collect()
    }
}
