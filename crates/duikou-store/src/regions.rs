//! Regions (行政区划).

use crate::error::unique_to_field;
use crate::rows::{RowReader, Tx};
use crate::write::{delete_row, Create, Delete, Edit, Kind, Place, RowKey, Stamp};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use duikou_core::region::{region_path, Region, RegionInput, RegionKind};

const COLS: &str = "code, name, kind, parent_code, path, version";

fn read(row: &sqlx::any::AnyRow) -> Result<Region, StoreError> {
    let r = RowReader::new(row, "regions");
    Ok(Region {
        code: r.text("code")?,
        name: r.text("name")?,
        kind: r.code("kind", RegionKind::parse)?,
        parent_code: r.opt_text("parent_code")?,
        path: r.text("path")?,
        version: r.i64("version")?,
    })
}

pub(crate) async fn get_in(tx: &mut Tx, code: &str) -> Result<Option<Region>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM regions WHERE code = $1"))
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(read).transpose()
}

/// The region of `code`, or a field error naming `field` when there is none.
pub(crate) async fn require(tx: &mut Tx, field: &str, code: &str) -> Result<Region, StoreError> {
    get_in(tx, code).await?.ok_or_else(|| {
        StoreError::invalid(field, "unknown_region", format!("行政区划代码{code}不存在"))
    })
}

/// Filters of the region list.
#[derive(Debug, Clone, Default)]
pub struct RegionFilter {
    pub parent_code: Option<String>,
    pub kind: Option<RegionKind>,
    /// Every region below this one (not itself).
    pub within: Option<String>,
}

const DUPLICATE: &str = "该行政区划代码已存在";

impl Kind for Region {
    const NAME: &'static str = "region";
    /// Grants by region resolve to its path.
    const REACH: bool = true;
    type Parent = ();
    type Key = String;
    type Fields = RegionInput;

    fn place(_: (), _: Option<&Self::Key>) -> Place {
        Place::Reference
    }
    fn version(&self) -> i64 {
        self.version
    }

    async fn get(
        tx: &mut Tx,
        _: (),
        code: &String,
        _today: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        get_in(tx, code).await
    }

    /// A new region needs an existing parent of a higher level. Code, kind and parent are
    /// fixed once created (paths of projects hang on them): a wrong one is deleted and
    /// created again; a change renames it only.
    async fn check(
        tx: &mut Tx,
        _: (),
        input: &RegionInput,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        let Some(before) = before else {
            let parent = match &input.parent_code {
                Some(p) => Some(require(tx, "parent_code", p).await?),
                None => None,
            };
            return Ok(input.validate(parent.as_ref())?);
        };
        for (field, same) in [
            ("code", input.code.trim() == before.code),
            ("kind", input.kind == before.kind),
            ("parent_code", input.parent_code == before.parent_code),
        ] {
            if !same {
                return Err(StoreError::invalid(
                    field,
                    "immutable",
                    "行政区划的代码、级别和上级创建后不能修改",
                ));
            }
        }
        let mut errs = duikou_core::error::Errors::new();
        duikou_core::validate::name(
            &mut errs,
            "name",
            &input.name,
            duikou_core::text::TextKind::Label,
        );
        Ok(errs.finish()?)
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        input: &RegionInput,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE regions SET name = $1, updated_at = $2, version = version + 1 \
             WHERE code = $3 AND version = $4",
        )
        .bind(input.name.trim())
        .bind(&stamp.now)
        .bind(&before.code)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected())
    }
}

impl Create for Region {
    type New = RegionInput;

    fn fields_of(new: &RegionInput) -> Option<&RegionInput> {
        Some(new)
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        input: &RegionInput,
        stamp: &Stamp,
    ) -> Result<String, StoreError> {
        let parent = match &input.parent_code {
            Some(p) => Some(require(tx, "parent_code", p).await?),
            None => None,
        };
        let code = input.code.trim();
        let path = region_path(parent.as_ref().map(|p| p.path.as_str()), code);
        sqlx::query(
            "INSERT INTO regions (code, name, kind, parent_code, path, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(code)
        .bind(input.name.trim())
        .bind(input.kind.code())
        .bind(&input.parent_code)
        .bind(&path)
        .bind(&stamp.now)
        .execute(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "code", DUPLICATE))?;
        Ok(code.to_owned())
    }
}

impl Edit for Region {}

impl Delete for Region {
    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        delete_row(
            tx,
            "regions",
            "code",
            RowKey::Code(&before.code),
            before.version,
            "该行政区划",
        )
        .await
    }
}

impl Store {
    pub async fn region(&self, code: &str) -> Result<Region, StoreError> {
        let mut tx = self.begin().await?;
        let r = get_in(&mut tx, code).await?;
        tx.commit().await?;
        r.ok_or_else(|| StoreError::not_found("region", code))
    }

    pub async fn regions(&self, filter: &RegionFilter) -> Result<Vec<Region>, StoreError> {
        let mut sql = format!("SELECT {COLS} FROM regions WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        if let Some(p) = &filter.parent_code {
            args.push(p.clone());
            sql.push_str(&format!(" AND parent_code = ${}", args.len()));
        }
        if let Some(k) = filter.kind {
            args.push(k.code().to_owned());
            sql.push_str(&format!(" AND kind = ${}", args.len()));
        }
        if let Some(w) = &filter.within {
            let region = self.region(w).await?;
            args.push(region.path.clone());
            sql.push_str(&format!(" AND path > ${}", args.len()));
            args.push(crate::rows::subtree_end(&region.path));
            sql.push_str(&format!(" AND path < ${}", args.len()));
        }
        sql.push_str(" ORDER BY path");
        let mut q = sqlx::query(&sql);
        for a in &args {
            q = q.bind(a);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(read).collect()
    }
}
