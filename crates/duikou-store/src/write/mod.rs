//! The one write path. Every change to a record of a kind that implements [`Kind`] goes
//! through [`Store::create`], [`Store::update`] or [`Store::delete`], which run, in one
//! transaction and in this order:
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

mod place;

use std::future::Future;

use duikou_core::auth::Access;
use duikou_core::Actor;
use serde::Serialize;

use crate::changes::record;
use crate::error::{check_version, check_written};
use crate::rollup::Upkeep;
use crate::rows::Tx;
use crate::{now_text, Store, StoreError};

pub(crate) use place::{org_region_in, placement_in, project_place_in, ProjectPlace};

/// Who writes and when: always the server's, never the caller's.
pub(crate) struct Stamp {
    pub actor: Actor,
    pub now: String,
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

/// A record kind on the one write path: its name, where it sits, and its SQL.
pub(crate) trait Kind: Serialize + Sized + Send + Sync {
    /// The kind's name in the change log and in errors ("progress_report").
    const NAME: &'static str;
    /// The statistics sum the kind's figures: the rollup follows each write.
    const ROLLUP: bool = false;
    /// A write changes what grants reach (paths of regions, partnerships): the identity
    /// cache is renewed after it.
    const REACH: bool = false;
    /// What a record hangs under (a project id; `()` for reference data).
    type Parent: Copy + Send + Sync;
    /// What names one record under its parent.
    type Key: ToString + Clone + Send + Sync;
    /// What a writer gives to change one.
    type Fields: Sync;
    /// What a writer gives to create one: the fields, and for some kinds more (a new
    /// project's first stage).
    type New: Sync;

    /// Where the record `key` under `parent` sits (`None`: the one a create is making).
    fn place(parent: Self::Parent, key: Option<&Self::Key>) -> Place;
    /// The fields of a create.
    fn fields_of(new: &Self::New) -> &Self::Fields;
    fn version(&self) -> i64;

    fn get(
        tx: &mut Tx,
        parent: Self::Parent,
        key: &Self::Key,
    ) -> impl Future<Output = Result<Option<Self>, StoreError>> + Send;

    /// The fields' shape and references, against the record as it was (`None` on create).
    fn check(
        tx: &mut Tx,
        parent: Self::Parent,
        fields: &Self::Fields,
        before: Option<&Self>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Rights the write needs beyond its place: where it would put the record (a unit it
    /// is handed to, a region it moves to …). None by default.
    fn may(
        _tx: &mut Tx,
        _access: &Access,
        _parent: Self::Parent,
        _fields: &Self::Fields,
        _before: Option<&Self>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }

    fn insert(
        tx: &mut Tx,
        parent: Self::Parent,
        new: &Self::New,
        stamp: &Stamp,
    ) -> impl Future<Output = Result<Self::Key, StoreError>> + Send;

    /// Writes `fields` over `before`, guarded by its version; the rows it touched.
    fn update(
        tx: &mut Tx,
        before: &Self,
        fields: &Self::Fields,
        stamp: &Stamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Deletes `before`, guarded by its version; the rows it touched.
    fn delete(tx: &mut Tx, before: &Self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// What else a write changes, in the same transaction (a project touched …).
    fn after(
        _tx: &mut Tx,
        _parent: Self::Parent,
        _stamp: &Stamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }
}

/// One write, as [`Store::run`] takes it.
enum Op<'a, K: Kind> {
    Create(&'a K::New),
    Update(K::Key, Option<i64>, &'a K::Fields),
    Delete(K::Key, Option<i64>),
}

impl Store {
    /// Creates a record of kind `K` under `parent` for `access`.
    pub(crate) async fn create<K: Kind>(
        &self,
        access: &Access,
        parent: K::Parent,
        new: &K::New,
    ) -> Result<K, StoreError> {
        let (_, after) = self.run::<K>(access, parent, Op::Create(new)).await?;
        after.ok_or_else(|| vanished::<K>())
    }

    /// Changes record `key` of kind `K` (at `version`, when the caller gives one).
    pub(crate) async fn update<K: Kind>(
        &self,
        access: &Access,
        parent: K::Parent,
        key: K::Key,
        version: Option<i64>,
        fields: &K::Fields,
    ) -> Result<K, StoreError> {
        let (_, after) = self
            .run::<K>(access, parent, Op::Update(key, version, fields))
            .await?;
        after.ok_or_else(|| vanished::<K>())
    }

    /// Deletes record `key` of kind `K` (at `version`, when the caller gives one).
    pub(crate) async fn delete<K: Kind>(
        &self,
        access: &Access,
        parent: K::Parent,
        key: K::Key,
        version: Option<i64>,
    ) -> Result<K, StoreError> {
        let (before, _) = self
            .run::<K>(access, parent, Op::Delete(key, version))
            .await?;
        before.ok_or_else(|| vanished::<K>())
    }

    /// The write routine every kind shares; (before, after).
    async fn run<K: Kind>(
        &self,
        access: &Access,
        parent: K::Parent,
        op: Op<'_, K>,
    ) -> Result<(Option<K>, Option<K>), StoreError> {
        let place = K::place(parent, op.key());
        let mut tx = self.begin_write().await?;
        authorize(&mut tx, access, place).await?;
        let upkeep = match place {
            Place::Project(id) if K::ROLLUP => {
                Some(Upkeep::before(&mut tx, self.backend, &[id]).await?)
            }
            Place::New if K::ROLLUP => Some(Upkeep::created()),
            _ => None,
        };
        let stamp = Stamp {
            actor: access.actor(),
            now: now_text(),
        };
        let (action, before, key) = match op {
            Op::Create(new) => {
                let fields = K::fields_of(new);
                K::check(&mut tx, parent, fields, None).await?;
                K::may(&mut tx, access, parent, fields, None).await?;
                let key = K::insert(&mut tx, parent, new, &stamp).await?;
                ("create", None, key)
            }
            Op::Update(key, expected, fields) => {
                let before = existing::<K>(&mut tx, parent, &key, expected).await?;
                K::check(&mut tx, parent, fields, Some(&before)).await?;
                K::may(&mut tx, access, parent, fields, Some(&before)).await?;
                let n = K::update(&mut tx, &before, fields, &stamp).await?;
                check_written(n, K::NAME, key.to_string(), before.version())?;
                ("update", Some(before), key)
            }
            Op::Delete(key, expected) => {
                let before = existing::<K>(&mut tx, parent, &key, expected).await?;
                let n = K::delete(&mut tx, &before).await?;
                check_written(n, K::NAME, key.to_string(), before.version())?;
                ("delete", Some(before), key)
            }
        };
        let after = match action {
            "delete" => None,
            _ => K::get(&mut tx, parent, &key).await?,
        };
        let id = key.to_string();
        record(
            &mut tx,
            K::NAME,
            &id,
            action,
            &stamp.actor,
            before.as_ref(),
            after.as_ref(),
        )
        .await?;
        K::after(&mut tx, parent, &stamp).await?;
        // A create that made its own place counts, and is evaluated, where it now sits.
        let written = match place {
            Place::New => K::place(parent, Some(&key)),
            other => other,
        };
        let project = match written {
            Place::Project(id) => Some(id),
            Place::Reference | Place::New => None,
        };
        if let Some(u) = upkeep {
            let also: &[i64] = match (place, &project) {
                (Place::New, Some(id)) => std::slice::from_ref(id),
                _ => &[],
            };
            u.after(&mut tx, also).await?;
        }
        // A deleted record that made its own place (a project) leaves nothing to evaluate:
        // its warnings went with it.
        let gone = action == "delete" && K::place(parent, None) == Place::New;
        if let (Some(id), false) = (project, gone) {
            self.reevaluate_in(&mut tx, &[id], &stamp.actor.name)
                .await?;
        }
        tx.commit().await?;
        if K::REACH {
            self.accounts_changed();
        }
        Ok((before, after))
    }
}

impl<K: Kind> Op<'_, K> {
    fn key(&self) -> Option<&K::Key> {
        match self {
            Op::Create(_) => None,
            Op::Update(key, ..) | Op::Delete(key, _) => Some(key),
        }
    }
}

/// The record `key` as it is, at the version the caller expects.
async fn existing<K: Kind>(
    tx: &mut Tx,
    parent: K::Parent,
    key: &K::Key,
    expected: Option<i64>,
) -> Result<K, StoreError> {
    let before = K::get(tx, parent, key)
        .await?
        .ok_or_else(|| StoreError::not_found(K::NAME, key.to_string()))?;
    check_version(K::NAME, key.to_string(), before.version(), expected)?;
    Ok(before)
}

/// May `access` write a record at `place`? Decided on the rows the transaction sees: a
/// project the writer does not read is not found, one they read but may not change is
/// forbidden; reference data is for administrators.
async fn authorize(tx: &mut Tx, access: &Access, place: Place) -> Result<(), StoreError> {
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
            } else if !access.can_edit(&r) {
                Err(StoreError::Forbidden("无权修改此记录（只读）".to_owned()))
            } else {
                Ok(())
            }
        }
    }
}

/// A record the write itself just wrote or read is gone: the store is broken.
fn vanished<K: Kind>() -> StoreError {
    StoreError::Corrupt {
        table: K::NAME,
        message: "the record written is not there".to_owned(),
    }
}
