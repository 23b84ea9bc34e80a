//! Organisations (单位): their fields, and 停用 / 启用 / 合并 (the merge's moves of every
//! reference are in `org_merge.rs`).

use crate::rows::{RowReader, Tx};
use crate::write::{delete_row, Action, Create, Delete, Edit, Kind, Place, RowKey, Stamp};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use duikou_core::org::{Org, OrgAction, OrgInput, OrgKind, OrgStatus};

const COLS: &str = "id, name, kind, region_code, parent_id, disabled, merged_into, version";

/// What a write of a unit changes: its fields (an edit), or its state (an action).
pub(crate) enum OrgChange {
    Fields(OrgInput),
    Status(OrgStatus),
}

fn read(row: &sqlx::any::AnyRow) -> Result<Org, StoreError> {
    let r = RowReader::new(row, "orgs");
    Ok(Org {
        id: r.i64("id")?,
        name: r.text("name")?,
        kind: r.code("kind", OrgKind::parse)?,
        region_code: r.text("region_code")?,
        parent_id: r.opt_i64("parent_id")?,
        disabled: r.flag("disabled")?,
        merged_into: r.opt_i64("merged_into")?,
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

/// The org `id` for a record that names it, refused when it is disabled unless the record
/// named it already (`kept`): a disabled unit stays where it is but is given to nothing new.
pub(crate) async fn require_open(
    tx: &mut Tx,
    field: &str,
    id: i64,
    kept: Option<i64>,
) -> Result<Org, StoreError> {
    let org = require(tx, field, id).await?;
    if org.disabled && kept != Some(id) {
        return Err(StoreError::invalid(
            field,
            "disabled",
            format!("单位「{}」已停用", org.name),
        ));
    }
    Ok(org)
}

/// The ids above org `id`: its parent, the parent's parent … (stops at a cycle).
async fn ancestors(tx: &mut Tx, id: i64) -> Result<Vec<i64>, StoreError> {
    let mut out = Vec::new();
    let mut at = get_in(tx, id).await?.and_then(|o| o.parent_id);
    while let Some(p) = at.filter(|p| !out.contains(p) && *p != id) {
        out.push(p);
        at = get_in(tx, p).await?.and_then(|o| o.parent_id);
    }
    Ok(out)
}

async fn check_refs(tx: &mut Tx, input: &OrgInput) -> Result<(), StoreError> {
    input.validate()?;
    crate::regions::require(tx, "region_code", &input.region_code).await?;
    if let Some(p) = input.parent_id {
        require(tx, "parent_id", p).await?;
    }
    Ok(())
}

/// A merge into `into`: the kept unit exists and core's rule holds.
async fn check_merge(tx: &mut Tx, merged: &Org, into: i64) -> Result<(), StoreError> {
    let kept = require(tx, "into", into).await?;
    let above = ancestors(tx, into).await?;
    Ok(duikou_core::org::merge_rule(merged, &kept, &above)?)
}

impl Kind for Org {
    const NAME: &'static str = "org";
    /// A merge moves grants and users to the kept unit.
    const REACH: bool = true;
    type Parent = ();
    type Key = i64;
    type Fields = OrgChange;

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
        change: &OrgChange,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        let input = match (change, before) {
            (OrgChange::Fields(input), _) => input,
            (OrgChange::Status(st), Some(b)) => {
                return match st.merged_into {
                    Some(into) => check_merge(tx, b, into).await,
                    None => Ok(()),
                };
            }
            (OrgChange::Status(_), None) => return Ok(()),
        };
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
        change: &OrgChange,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let input = match change {
            OrgChange::Fields(input) => input,
            OrgChange::Status(st) => return set_status(tx, before, st, stamp).await,
        };
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

async fn set_status(
    tx: &mut Tx,
    before: &Org,
    st: &OrgStatus,
    stamp: &Stamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE orgs SET disabled = $1, merged_into = $2, updated_at = $3, \
         version = version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(i64::from(st.disabled))
    .bind(st.merged_into)
    .bind(&stamp.now)
    .bind(before.id)
    .bind(before.version)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

impl Create for Org {
    type New = OrgInput;

    fn fields_of(_: &OrgInput) -> Option<&OrgChange> {
        None
    }

    async fn check_new(
        tx: &mut Tx,
        _: (),
        input: &OrgInput,
        _: NaiveDate,
    ) -> Result<(), StoreError> {
        check_refs(tx, input).await
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

/// 停用, 启用 and 合并: core decides the state; a merge then moves every reference to the
/// kept unit in the same transaction (`org_merge::move_references`).
impl Action<Org> for OrgAction {
    fn name(&self) -> &'static str {
        OrgAction::name(*self)
    }

    fn apply(&self, before: &Org, _: &Stamp) -> Result<OrgChange, StoreError> {
        Ok(OrgChange::Status(OrgAction::apply(*self, before)?))
    }

    async fn event(&self, tx: &mut Tx, after: &Org, stamp: &Stamp) -> Result<(), StoreError> {
        match self {
            OrgAction::Merge { into } => {
                crate::org_merge::move_references(tx, after.id, *into, stamp).await
            }
            OrgAction::Disable | OrgAction::Enable => Ok(()),
        }
    }
}

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

    /// All orgs (disabled ones too), or those of one region, by id.
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

/// Which units a list shows: those of a region's subtree, of a kind, whose name holds a
/// text; disabled ones too unless `active_only`.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub region_code: Option<String>,
    pub kind: Option<OrgKind>,
    pub name_contains: Option<String>,
    pub active_only: bool,
}

impl Store {
    /// A page of units in region order (the region tree, then kind, then name).
    pub async fn org_page(
        &self,
        f: &OrgFilter,
        limit: i64,
        offset: i64,
    ) -> Result<crate::Page<Org>, StoreError> {
        let (limit, offset) = (limit.clamp(1, 500), offset.max(0));
        let mut w = crate::query::Where::new();
        if let Some(code) = &f.region_code {
            let path = crate::error::found(self.region(code).await)?
                .map(|r| r.path)
                .ok_or_else(|| StoreError::invalid("region", "unknown_region", "行政区划不存在"))?;
            w.subtree("r.path", &path);
        }
        if let Some(k) = f.kind {
            let p = w.text(k.code());
            w.push(format!("o.kind = {p}"));
        }
        if let Some(n) = f.name_contains.as_deref().filter(|n| !n.contains('\0')) {
            let p = w.text(crate::query::like_literal(n));
            w.push(format!("LOWER(o.name) LIKE LOWER({p}) ESCAPE '\\'"));
        }
        if f.active_only {
            w.push("o.disabled = 0".to_owned());
        }
        let cond = w.sql();
        let from = format!("FROM orgs o JOIN regions r ON r.code = o.region_code WHERE {cond}");
        let total: i64 = w
            .bind(sqlx::query(&format!("SELECT COUNT(*) AS n {from}")))
            .fetch_one(&self.pool)
            .await
            .map(|row| RowReader::new(&row, "orgs").i64("n"))??;
        let cols = COLS
            .split(", ")
            .map(|c| format!("o.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = w
            .bind(sqlx::query(&format!(
                "SELECT {cols} {from} ORDER BY r.path, o.kind, o.name, o.id \
                 LIMIT {limit} OFFSET {offset}"
            )))
            .fetch_all(&self.pool)
            .await?;
        Ok(crate::Page {
            items: rows.iter().map(read).collect::<Result<_, _>>()?,
            total,
            limit,
            offset,
        })
    }
}
