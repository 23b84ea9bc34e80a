//! 合并: a unit merged into another hands it everything that names it — projects (责任单位
//! and 来源单位), problems, users, org-scoped grants, warnings, slips, threshold sets, child
//! units, partnership sides and notification channels — inside the merge's own write (the
//! `merge` action of `orgs.rs`, on the one write path), so that a failure leaves nothing
//! half-moved. Projects and problems each get a change-log entry of their own (their
//! histories show the unit changing); the kept unit's history gets one entry naming the
//! merged unit and how many records of each kind moved.

use duikou_core::org::{Org, OrgUses};
use duikou_core::problem::Problem;
use duikou_core::project::Project;

use crate::changes::record;
use crate::rows::Tx;
use crate::write::{Kind, Stamp};
use crate::{Store, StoreError};

/// One count of [`OrgUses`]: its field and the SQL counting the rows that name unit `$1`
/// (`$2`: the kept unit, for the threshold sets).
const COUNTS: [(&str, &str); 11] = [
    (
        "projects",
        "SELECT COUNT(*) FROM projects WHERE owner_org_id = $1",
    ),
    (
        "source_projects",
        "SELECT COUNT(*) FROM projects WHERE source_org_id = $1",
    ),
    (
        "problems",
        "SELECT COUNT(*) FROM problems WHERE owner_org_id = $1",
    ),
    ("users", "SELECT COUNT(*) FROM users WHERE org_id = $1"),
    (
        "grants",
        "SELECT COUNT(*) FROM grants WHERE scope_org_id = $1",
    ),
    (
        "warnings",
        "SELECT COUNT(*) FROM warnings WHERE owner_org_id = $1",
    ),
    (
        "slips",
        "SELECT COUNT(*) FROM slips WHERE owner_org_id = $1",
    ),
    ("threshold_sets", THRESHOLDS_MOVING),
    ("children", "SELECT COUNT(*) FROM orgs WHERE parent_id = $1"),
    (
        "partnerships",
        "SELECT COUNT(*) FROM partnerships WHERE side_a_org = $1 OR side_b_org = $1",
    ),
    (
        "channels",
        "SELECT COUNT(*) FROM notify_channels WHERE org_id = $1",
    ),
];

/// The merged unit's threshold sets of years the kept unit has none of its own: those move;
/// the others stay behind as history, so the kept unit's own thresholds stay in force.
const THRESHOLDS_MOVING: &str = "SELECT COUNT(*) FROM warning_thresholds WHERE org_id = $1 \
     AND year NOT IN (SELECT year FROM warning_thresholds WHERE org_id = $2)";

/// How many records name unit `merged` (and would move to `kept`).
async fn count_uses(tx: &mut Tx, merged: i64, kept: i64) -> Result<OrgUses, StoreError> {
    let mut u = OrgUses::default();
    for (field, sql) in COUNTS {
        let q = sqlx::query_scalar::<_, i64>(sql).bind(merged);
        let q = if sql.contains("$2") { q.bind(kept) } else { q };
        let n = q.fetch_one(&mut **tx).await?;
        let slot = match field {
            "projects" => &mut u.projects,
            "source_projects" => &mut u.source_projects,
            "problems" => &mut u.problems,
            "users" => &mut u.users,
            "grants" => &mut u.grants,
            "warnings" => &mut u.warnings,
            "slips" => &mut u.slips,
            "threshold_sets" => &mut u.threshold_sets,
            "children" => &mut u.children,
            "partnerships" => &mut u.partnerships,
            _ => &mut u.channels,
        };
        *slot = n;
    }
    Ok(u)
}

impl Store {
    /// What a merge of unit `merged` into `kept` would move, for its confirmation.
    pub async fn org_uses(&self, merged: i64, kept: i64) -> Result<OrgUses, StoreError> {
        let mut tx = self.begin().await?;
        let uses = count_uses(&mut tx, merged, kept).await;
        tx.commit().await?;
        uses
    }
}

/// Ids of the rows `sql` selects for unit `$1`.
async fn ids(tx: &mut Tx, sql: &str, org: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query_as::<_, (i64, i64)>(sql)
        .bind(org)
        .fetch_all(&mut **tx)
        .await?)
}

/// Each record of kind `K` under `(parent, key)` as the transaction sees it now.
async fn read_all<K: Kind<Key = i64>>(
    tx: &mut Tx,
    keys: &[(K::Parent, i64)],
    stamp: &Stamp,
) -> Result<Vec<K>, StoreError> {
    let mut out = Vec::with_capacity(keys.len());
    for (parent, key) in keys {
        if let Some(r) = K::get(tx, *parent, key, stamp.today).await? {
            out.push(r);
        }
    }
    Ok(out)
}

/// A change-log entry `merge_org` for each record of `K` moved, before and after.
async fn log_moved<K: Kind<Key = i64>>(
    tx: &mut Tx,
    keys: &[(K::Parent, i64)],
    before: &[K],
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let after = read_all::<K>(tx, keys, stamp).await?;
    for ((parent, key), (b, a)) in keys.iter().zip(before.iter().zip(&after)) {
        let (kind, id) = K::logged_as(*parent, key);
        record(tx, kind, &id, "merge_org", &stamp.actor, Some(b), Some(a)).await?;
    }
    Ok(())
}

/// Moves every reference to unit `merged` onto `kept`, in the merge's transaction. A moved
/// project or problem takes a new version (a form open on it no longer saves over the move),
/// and a moved project is due for the warnings engine's next sweep (its thresholds may be
/// the kept unit's now).
pub(crate) async fn move_references(
    tx: &mut Tx,
    merged: i64,
    kept: i64,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let moved = count_uses(tx, merged, kept).await?;
    let projects: Vec<((), i64)> = ids(
        tx,
        "SELECT id, id FROM projects WHERE owner_org_id = $1 OR source_org_id = $1 ORDER BY id",
        merged,
    )
    .await?
    .into_iter()
    .map(|(id, _)| ((), id))
    .collect();
    let problems: Vec<(i64, i64)> = ids(
        tx,
        "SELECT project_id, id FROM problems WHERE owner_org_id = $1 ORDER BY id",
        merged,
    )
    .await?;
    let projects_before = read_all::<Project>(tx, &projects, stamp).await?;
    let problems_before = read_all::<Problem>(tx, &problems, stamp).await?;
    for (sql, stamped) in MOVES {
        let q = sqlx::query(sql).bind(merged).bind(kept);
        let q = match stamped {
            Stamped::No => q,
            Stamped::At => q.bind(&stamp.now),
            Stamped::AtBy => q.bind(&stamp.now).bind(&stamp.actor.name),
        };
        q.execute(&mut **tx).await?;
    }
    log_moved::<Project>(tx, &projects, &projects_before, stamp).await?;
    log_moved::<Problem>(tx, &problems, &problems_before, stamp).await?;
    let mut note = serde_json::to_value(&moved).unwrap_or_default();
    if let Some(m) = note.as_object_mut() {
        m.insert("merged_from".to_owned(), merged.into());
    }
    record(
        tx,
        Org::NAME,
        &kept.to_string(),
        "merge_in",
        &stamp.actor,
        None::<&()>,
        Some(&note),
    )
    .await
}

/// What a move binds after the merged unit (`$1`) and the kept one (`$2`).
#[derive(Clone, Copy)]
enum Stamped {
    No,
    /// `$3` the time.
    At,
    /// `$3` the time and `$4` the writer.
    AtBy,
}

/// The writes of a merge.
const MOVES: [(&str, Stamped); 10] = [
    (
        "UPDATE projects SET \
         owner_org_id = CASE WHEN owner_org_id = $1 THEN $2 ELSE owner_org_id END, \
         source_org_id = CASE WHEN source_org_id = $1 THEN $2 ELSE source_org_id END, \
         updated_at = $3, updated_by = $4, version = version + 1, \
         warn_next_check = '0001-01-01' \
         WHERE owner_org_id = $1 OR source_org_id = $1",
        Stamped::AtBy,
    ),
    (
        "UPDATE problems SET owner_org_id = $2, updated_at = $3, updated_by = $4, \
         version = version + 1 WHERE owner_org_id = $1",
        Stamped::AtBy,
    ),
    (
        "UPDATE users SET org_id = $2, updated_at = $3, version = version + 1 \
         WHERE org_id = $1",
        Stamped::At,
    ),
    (
        "UPDATE grants SET scope_org_id = $2 WHERE scope_org_id = $1",
        Stamped::No,
    ),
    (
        "UPDATE warnings SET owner_org_id = $2, updated_at = $3, version = version + 1 \
         WHERE owner_org_id = $1",
        Stamped::At,
    ),
    (
        "UPDATE slips SET owner_org_id = $2, updated_at = $3, version = version + 1 \
         WHERE owner_org_id = $1",
        Stamped::At,
    ),
    (
        "UPDATE warning_thresholds SET org_id = $2 WHERE org_id = $1 \
         AND year NOT IN (SELECT year FROM warning_thresholds WHERE org_id = $2)",
        Stamped::No,
    ),
    (
        "UPDATE orgs SET parent_id = $2, updated_at = $3, version = version + 1 \
         WHERE parent_id = $1 AND id <> $2",
        Stamped::At,
    ),
    (
        "UPDATE partnerships SET \
         side_a_org = CASE WHEN side_a_org = $1 THEN $2 ELSE side_a_org END, \
         side_b_org = CASE WHEN side_b_org = $1 THEN $2 ELSE side_b_org END, \
         updated_at = $3, version = version + 1 \
         WHERE (side_a_org = $1 OR side_b_org = $1)",
        Stamped::At,
    ),
    (
        "UPDATE notify_channels SET org_id = $2, updated_at = $3, version = version + 1 \
         WHERE org_id = $1",
        Stamped::At,
    ),
];
