//! The one write path. Every change to a record of a kind that implements [`Kind`] goes
//! through [`Store::create`], [`Store::update`], [`Store::act`] or [`Store::delete`], which
//! run, in one transaction and in this order:
//!
//! 1. **rights**, decided inside the transaction on where the record sits ([`Place`]): the
//!    right to change its project, or an administrator's for reference data; then the
//!    kind's own rights on where the write would put it ([`Kind::may`]);
//! 2. the **rollup's upkeep** before the write (kinds whose figures the statistics sum);
//! 3. the record **before**, and the caller's **version** against it;
//! 4. the kind's **checks** of the fields (shape and references) and its **SQL**, with who
//!    and when always the server's ([`Stamp`]);
//! 5. a guarded write that must touch exactly one row;
//! 6. the **change log** and audit chain, the kind's other effects ([`Kind::after`]), the
//!    rollup's upkeep after, the **warnings** of the project re-evaluated;
//! 7. **commit**, then the identity cache renewed when the kind changes who sees what.
//!
//! A kind keeps only its SQL and its rules; the trait is the crate's own, so no caller
//! outside the store can reach the SQL around this path, and the store's public writes are
//! the [`crate::Scoped`] methods that call it.

#[cfg(test)]
mod guard;
mod kind;
mod place;

use duikou_core::auth::Access;
use duikou_core::Actor;

use crate::changes::record;
use crate::error::{check_version, check_written};
use crate::rollup::Upkeep;
use crate::rows::Tx;
use crate::{time_text, Store, StoreError};

pub(crate) use kind::{Action, Create, Delete, Edit, Kind, Right};
pub(crate) use place::{org_region_in, placement_in, project_place_in, ProjectPlace};

/// Who writes and when (always the server's, never the caller's), and the working calendar
/// in force (the store's cached copy, read through the write's transaction when stale).
pub(crate) struct Stamp {
    pub actor: Actor,
    pub calendar: std::sync::Arc<duikou_core::calendar::WorkCalendar>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// `at` as stored.
    pub now: String,
    /// Today in China, by the store's clock.
    pub today: chrono::NaiveDate,
}

/// Where a record sits, which decides who may write it and what a write keeps up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A record of project `id`: written by those who may change the project; a write keeps
    /// the project's warnings (and, for [`Kind::ROLLUP`], its statistics) up.
    Project(i64),
    /// Reference data (regions, orgs, partnerships …): written by administrators only.
    Reference,
    /// A record that makes its own place (a new project): there is nothing to check before
    /// it exists, so the kind's [`Kind::may`] decides where it may go.
    New,
}

impl Store {
    /// Creates a record of kind `K` under `parent` for `access`.
    #[tracing::instrument(level = "debug", skip_all, fields(kind = K::NAME, key, by = %access.login))]
    pub(crate) async fn create<K: Create>(
        &self,
        access: &Access,
        parent: K::Parent,
        new: &K::New,
    ) -> Result<K, StoreError> {
        let mut w = self.open_write::<K>(access, parent, None, K::RIGHT).await?;
        if let Some(fields) = K::fields_of(new) {
            K::check(&mut w.tx, parent, fields, None).await?;
            K::may(&mut w.tx, access, parent, fields, None).await?;
        }
        K::check_new(&mut w.tx, parent, new, w.stamp.today).await?;
        let key = K::insert(&mut w.tx, parent, new, &w.stamp).await?;
        tracing::Span::current().record("key", tracing::field::display(&key.to_string()));
        let after = w.read(&key).await?;
        w.finish(K::CREATED, &key, None, Some(&after)).await?;
        Ok(after)
    }

    /// Replaces the fields of record `key` (at `version`, when the caller gives one).
    #[tracing::instrument(level = "debug", skip_all, fields(kind = K::NAME, key = %key.to_string(), by = %access.login))]
    pub(crate) async fn update<K: Edit>(
        &self,
        access: &Access,
        parent: K::Parent,
        key: K::Key,
        version: Option<i64>,
        fields: &K::Fields,
    ) -> Result<K, StoreError> {
        let mut w = self
            .open_write::<K>(access, parent, Some(&key), Right::Edit)
            .await?;
        let before = w.existing(&key, version).await?;
        let after = w.change(&key, &before, fields).await?;
        w.finish("update", &key, Some(&before), Some(&after))
            .await?;
        Ok(after)
    }

    /// Takes `action` on record `key` (at `version`, when the caller gives one): core's
    /// `apply` gives the fields it leaves, written as a change.
    #[tracing::instrument(level = "debug", skip_all, fields(kind = K::NAME, key = %key.to_string(), action = action.name(), by = %access.login))]
    pub(crate) async fn act<K: Kind, A: Action<K>>(
        &self,
        access: &Access,
        parent: K::Parent,
        key: K::Key,
        version: Option<i64>,
        action: &A,
    ) -> Result<K, StoreError> {
        let mut w = self
            .open_write::<K>(access, parent, Some(&key), action.right())
            .await?;
        let before = w.existing(&key, version).await?;
        let fields = action.apply(&before, &w.stamp)?;
        let after = w.change(&key, &before, &fields).await?;
        action.event(&mut w.tx, &after, &w.stamp).await?;
        w.finish(action.name(), &key, Some(&before), Some(&after))
            .await?;
        Ok(after)
    }

    /// What `action` on record `key` would do, tried on the whole write path in a
    /// transaction that is then rolled back: the record after, and its project's open
    /// warnings before and after (what a confirmation page shows). Nothing is kept.
    pub(crate) async fn act_preview<K: Kind, A: Action<K>>(
        &self,
        access: &Access,
        parent: K::Parent,
        key: K::Key,
        version: Option<i64>,
        action: &A,
    ) -> Result<Preview<K>, StoreError> {
        let mut w = self
            .open_write::<K>(access, parent, Some(&key), action.right())
            .await?;
        let project = match K::place(parent, Some(&key)) {
            Place::Project(id) => Some(id),
            Place::Reference | Place::New => None,
        };
        let warnings_before = match project {
            Some(id) => crate::warnings::open_warnings_in(&mut w.tx, id).await?,
            None => Vec::new(),
        };
        let before = w.existing(&key, version).await?;
        let fields = action.apply(&before, &w.stamp)?;
        let after = w.change(&key, &before, &fields).await?;
        action.event(&mut w.tx, &after, &w.stamp).await?;
        w.settle(action.name(), &key, Some(&before), Some(&after))
            .await?;
        let warnings_after = match project {
            Some(id) => crate::warnings::open_warnings_in(&mut w.tx, id).await?,
            None => Vec::new(),
        };
        w.tx.rollback().await?;
        Ok(Preview {
            before,
            after,
            warnings_before,
            warnings_after,
        })
    }

    /// Deletes record `key` (at `version`, when the caller gives one); the record as it was.
    #[tracing::instrument(level = "debug", skip_all, fields(kind = K::NAME, key = %key.to_string(), by = %access.login))]
    pub(crate) async fn delete<K: Delete>(
        &self,
        access: &Access,
        parent: K::Parent,
        key: K::Key,
        version: Option<i64>,
    ) -> Result<K, StoreError> {
        let mut w = self
            .open_write::<K>(access, parent, Some(&key), Right::Edit)
            .await?;
        let before = w.existing(&key, version).await?;
        let n = K::delete(&mut w.tx, &before).await?;
        check_written(n, K::NAME, key.to_string(), before.version())?;
        w.finish(K::DELETED, &key, Some(&before), None).await?;
        Ok(before)
    }

    /// 撤回: a delete that says why. The reason is required and kept in the change log in
    /// place of the record (`{"withdrawn_reason": …}`), so the history reads who withdrew
    /// what, when and why.
    pub(crate) async fn withdraw<K: Delete>(
        &self,
        access: &Access,
        parent: K::Parent,
        key: K::Key,
        version: Option<i64>,
        reason: &str,
    ) -> Result<K, StoreError> {
        let reason = reason.trim();
        let mut errs = duikou_core::error::Errors::new();
        if reason.is_empty() {
            errs.push("reason", "required", "请说明撤回的原因");
        }
        duikou_core::validate::optional_text(
            &mut errs,
            "reason",
            Some(reason),
            duikou_core::text::TextKind::Text,
        );
        errs.finish()?;
        let mut w = self
            .open_write::<K>(access, parent, Some(&key), Right::Edit)
            .await?;
        let before = w.existing(&key, version).await?;
        let n = K::delete(&mut w.tx, &before).await?;
        check_written(n, K::NAME, key.to_string(), before.version())?;
        w.withdrawn = Some(reason.to_owned());
        w.finish("withdraw", &key, Some(&before), None).await?;
        Ok(before)
    }

    /// Opens a write of a `K` at `key` (`None`: a create): the transaction, the rights on
    /// the record's place, the rollup's upkeep before, who and when.
    async fn open_write<'s, K: Kind>(
        &'s self,
        access: &'s Access,
        parent: K::Parent,
        key: Option<&K::Key>,
        right: Right,
    ) -> Result<Writing<'s, K>, StoreError> {
        let place = K::place(parent, key);
        let mut tx = self.begin_write().await?;
        authorize(&mut tx, access, place, right).await?;
        let upkeep = match place {
            Place::Project(id) if K::ROLLUP => {
                Some(Upkeep::before(&mut tx, self.backend, &[id]).await?)
            }
            Place::New if K::ROLLUP => Some(Upkeep::created()),
            _ => None,
        };
        let at = chrono::Utc::now();
        let stamp = Stamp {
            actor: access.actor(),
            calendar: self.cached_calendar(Some(&mut tx)).await?,
            at,
            now: time_text(at),
            today: self.today(),
        };
        Ok(Writing {
            store: self,
            tx,
            access,
            parent,
            place,
            upkeep,
            stamp,
            withdrawn: None,
        })
    }
}

/// What a write would do, tried and rolled back ([`Store::act_preview`]).
pub(crate) struct Preview<K> {
    pub before: K,
    pub after: K,
    pub warnings_before: Vec<crate::warnings::OpenWarning>,
    pub warnings_after: Vec<crate::warnings::OpenWarning>,
}

/// One write under way: its transaction and what the path keeps around the kind's SQL.
struct Writing<'s, K: Kind> {
    store: &'s Store,
    tx: Tx,
    access: &'s Access,
    parent: K::Parent,
    place: Place,
    upkeep: Option<Upkeep>,
    stamp: Stamp,
    /// Why the record is withdrawn (logged in its place).
    withdrawn: Option<String>,
}

impl<K: Kind> Writing<'_, K> {
    /// The record `key` as the transaction sees it now.
    async fn read(&mut self, key: &K::Key) -> Result<K, StoreError> {
        K::get(&mut self.tx, self.parent, key, self.stamp.today)
            .await?
            .ok_or_else(|| StoreError::Corrupt {
                table: K::NAME,
                message: "the record written is not there".to_owned(),
            })
    }

    /// The record `key` as it is, at the version the caller expects.
    async fn existing(&mut self, key: &K::Key, expected: Option<i64>) -> Result<K, StoreError> {
        let before = K::get(&mut self.tx, self.parent, key, self.stamp.today)
            .await?
            .ok_or_else(|| StoreError::not_found(K::NAME, key.to_string()))?;
        check_version(K::NAME, key.to_string(), before.version(), expected)?;
        Ok(before)
    }

    /// Checks and writes `fields` over `before`; the record after.
    async fn change(
        &mut self,
        key: &K::Key,
        before: &K,
        fields: &K::Fields,
    ) -> Result<K, StoreError> {
        K::check(&mut self.tx, self.parent, fields, Some(before)).await?;
        K::may(&mut self.tx, self.access, self.parent, fields, Some(before)).await?;
        let n = K::update(&mut self.tx, before, fields, &self.stamp).await?;
        check_written(n, K::NAME, key.to_string(), before.version())?;
        self.read(key).await
    }

    /// The change log, the kind's other effects, the rollup's upkeep after, the project's
    /// warnings, commit, and the identity cache.
    async fn finish(
        mut self,
        action: &str,
        key: &K::Key,
        before: Option<&K>,
        after: Option<&K>,
    ) -> Result<(), StoreError> {
        self.settle(action, key, before, after).await?;
        self.tx.commit().await?;
        tracing::debug!(action, "written");
        if K::REACH {
            self.store.accounts_changed();
        }
        Ok(())
    }

    /// Everything [`Self::finish`] does before the commit.
    async fn settle(
        &mut self,
        action: &str,
        key: &K::Key,
        before: Option<&K>,
        after: Option<&K>,
    ) -> Result<(), StoreError> {
        let tx = &mut self.tx;
        let (kind, id) = K::logged_as(self.parent, key);
        match (&self.withdrawn, after) {
            (Some(reason), None) => {
                let note = serde_json::json!({ "withdrawn_reason": reason });
                record(
                    tx,
                    kind,
                    &id,
                    action,
                    &self.stamp.actor,
                    before,
                    Some(&note),
                )
                .await?
            }
            _ => record(tx, kind, &id, action, &self.stamp.actor, before, after).await?,
        }
        K::after(tx, self.parent, &self.stamp).await?;
        // A create that made its own place counts, and is evaluated, where it now sits.
        let project = match K::place(self.parent, Some(key)) {
            Place::Project(id) => Some(id),
            Place::Reference | Place::New => None,
        };
        if let Some(u) = self.upkeep.take() {
            let also: &[i64] = match (self.place, &project) {
                (Place::New, Some(id)) => std::slice::from_ref(id),
                _ => &[],
            };
            u.after(tx, also).await?;
        }
        // A deleted record that made its own place (a project) leaves nothing to evaluate:
        // its warnings went with it.
        let gone = after.is_none() && K::place(self.parent, None) == Place::New;
        if let (Some(id), false) = (project, gone) {
            self.store
                .reevaluate_in(tx, &[id], &self.stamp.actor.name)
                .await?;
        }
        Ok(())
    }
}

/// May `access` write a record at `place` with `right`? Decided on the rows the
/// transaction sees: a project the writer does not read is not found, one they read but
/// may not change (or supervise) is forbidden; reference data is for administrators.
async fn authorize(
    tx: &mut Tx,
    access: &Access,
    place: Place,
    right: Right,
) -> Result<(), StoreError> {
    match place {
        Place::Reference if access.admin => Ok(()),
        Place::Reference => Err(StoreError::Forbidden("仅系统管理员可执行此操作".to_owned())),
        // Where a new record may go is the kind's to decide (`Kind::may`).
        Place::New => Ok(()),
        Place::Project(id) => {
            let at = project_place_in(tx, id).await?;
            let r = at.as_ref();
            if !access.can_read(&r) {
                Err(StoreError::not_found("project", id))
            } else if right == Right::Edit && !access.can_edit(&r) {
                Err(StoreError::Forbidden("无权修改此记录（只读）".to_owned()))
            } else if right == Right::Supervise && !access.can_supervise(&r) {
                Err(StoreError::Forbidden(
                    "仅合作办（协调员）或领导可督办此项目".to_owned(),
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// Row `id` of `table` if it belongs to project `project` (a project record's usual `get`),
/// its `cols` read by `read`.
pub(crate) async fn project_row<T>(
    tx: &mut Tx,
    table: &str,
    cols: &str,
    project: i64,
    id: i64,
    read: fn(&sqlx::any::AnyRow) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let sql = format!("SELECT {cols} FROM {table} WHERE id = $1 AND project_id = $2");
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(project)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(read).transpose()
}

/// What names a row of a table: its id or its code.
pub(crate) enum RowKey<'a> {
    Id(i64),
    Code(&'a str),
}

/// Deletes the row `key_col = key` of `table` at `version` (a `Delete` kind's usual SQL):
/// the rows it touched; a row others still refer to is `InUse`, naming `what` it is.
pub(crate) async fn delete_row(
    tx: &mut Tx,
    table: &'static str,
    key_col: &'static str,
    key: RowKey<'_>,
    version: i64,
    what: &str,
) -> Result<u64, StoreError> {
    let sql = format!("DELETE FROM {table} WHERE {key_col} = $1 AND version = $2");
    let q = sqlx::query(&sql);
    let q = match key {
        RowKey::Id(id) => q.bind(id),
        RowKey::Code(code) => q.bind(code.to_owned()),
    };
    let done = q
        .bind(version)
        .execute(&mut **tx)
        .await
        .map_err(|e| crate::error::delete_error(e, what))?;
    Ok(done.rows_affected())
}
