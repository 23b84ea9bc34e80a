//! Regions (行政区划).

use duikou_core::region::{region_path, Region, RegionInput, RegionKind};
use duikou_core::Actor;

use crate::changes::record;
use crate::error::{check_version, check_written, delete_error, unique_to_field};
use crate::rows::{RowReader, Tx};
use crate::{now_text, Store, StoreError};

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

impl Store {
    pub async fn create_region(
        &self,
        actor: &Actor,
        input: &RegionInput,
    ) -> Result<Region, StoreError> {
        let mut tx = self.begin_write().await?;
        let parent = match &input.parent_code {
            Some(p) => Some(require(&mut tx, "parent_code", p).await?),
            None => None,
        };
        input.validate(parent.as_ref())?;
        let path = region_path(parent.as_ref().map(|p| p.path.as_str()), input.code.trim());
        let now = now_text();
        sqlx::query(
            "INSERT INTO regions (code, name, kind, parent_code, path, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(input.code.trim())
        .bind(input.name.trim())
        .bind(input.kind.code())
        .bind(&input.parent_code)
        .bind(&path)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_to_field(e, "code", "该行政区划代码已存在"))?;
        let region = require(&mut tx, "code", input.code.trim()).await?;
        record(
            &mut tx,
            "region",
            &region.code,
            "create",
            actor,
            None::<&()>,
            Some(&region),
        )
        .await?;
        tx.commit().await?;
        Ok(region)
    }

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

    /// Renames a region. Code, kind and parent are fixed once created (paths of projects hang
    /// on them); a wrong one is deleted and created again.
    pub async fn update_region(
        &self,
        actor: &Actor,
        code: &str,
        expected_version: Option<i64>,
        input: &RegionInput,
    ) -> Result<Region, StoreError> {
        let mut tx = self.begin_write().await?;
        let before = get_in(&mut tx, code)
            .await?
            .ok_or_else(|| StoreError::not_found("region", code))?;
        check_version("region", code, before.version, expected_version)?;
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
        errs.finish()?;
        let done = sqlx::query(
            "UPDATE regions SET name = $1, updated_at = $2, version = version + 1 \
             WHERE code = $3 AND version = $4",
        )
        .bind(input.name.trim())
        .bind(now_text())
        .bind(code)
        .bind(before.version)
        .execute(&mut *tx)
        .await?;
        check_written(done.rows_affected(), "region", code, before.version)?;
        let after = require(&mut tx, "code", code).await?;
        record(
            &mut tx,
            "region",
            code,
            "update",
            actor,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_region(
        &self,
        actor: &Actor,
        code: &str,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let before = get_in(&mut tx, code)
            .await?
            .ok_or_else(|| StoreError::not_found("region", code))?;
        check_version("region", code, before.version, expected_version)?;
        let done = sqlx::query("DELETE FROM regions WHERE code = $1 AND version = $2")
            .bind(code)
            .bind(before.version)
            .execute(&mut *tx)
            .await
            .map_err(|e| delete_error(e, "该行政区划"))?;
        check_written(done.rows_affected(), "region", code, before.version)?;
        record(
            &mut tx,
            "region",
            code,
            "delete",
            actor,
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.accounts_changed();
        Ok(())
    }
}
