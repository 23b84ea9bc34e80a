//! What a record kind gives the write path: [`Kind`] (its name, place and SQL to read and
//! change one), [`Create`] and [`Delete`] where writers may create or delete one, [`Edit`]
//! where they may replace its fields, and [`Action`]s: typed commands whose effect core
//! computes, run as a change of the record.

use std::future::Future;

use chrono::NaiveDate;
use duikou_core::auth::Access;
use serde::Serialize;

use super::{Place, Stamp};
use crate::rows::Tx;
use crate::StoreError;

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
    /// What a change writes.
    type Fields: Sync;

    /// Where the record `key` under `parent` sits (`None`: the one a create is making).
    fn place(parent: Self::Parent, key: Option<&Self::Key>) -> Place;
    fn version(&self) -> i64;

    /// The record as the transaction sees it, with what it derives evaluated as of `today`.
    fn get(
        tx: &mut Tx,
        parent: Self::Parent,
        key: &Self::Key,
        today: NaiveDate,
    ) -> impl Future<Output = Result<Option<Self>, StoreError>> + Send;

    /// The fields' shape and references, against the record as it was (`None` on create).
    fn check(
        _tx: &mut Tx,
        _parent: Self::Parent,
        _fields: &Self::Fields,
        _before: Option<&Self>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }

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

    /// Writes `fields` over `before`, guarded by its version; the rows it touched. A kind
    /// that is only created (a schedule put on a project) has none.
    fn update(
        _tx: &mut Tx,
        _before: &Self,
        _fields: &Self::Fields,
        _stamp: &Stamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        async {
            Err(StoreError::Corrupt {
                table: Self::NAME,
                message: "this kind is not changed in place".to_owned(),
            })
        }
    }

    /// Under which kind and id the change log keeps a write of record `key` (by default
    /// the kind's own name and the key): a step is kept as `project/step`, a schedule in
    /// its project's history.
    fn logged_as(_parent: Self::Parent, key: &Self::Key) -> (&'static str, String) {
        (Self::NAME, key.to_string())
    }

    /// What else a write changes, in the same transaction (a project touched …).
    fn after(
        _tx: &mut Tx,
        _parent: Self::Parent,
        _stamp: &Stamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }
}

/// A kind writers create.
pub(crate) trait Create: Kind {
    /// What a writer gives to create one: the fields, and for some kinds more (a new
    /// project's first stage).
    type New: Sync;

    /// Whether writers need the right to change the place or to supervise it.
    const RIGHT: Right = Right::Edit;
    /// Its name in the change log.
    const CREATED: &'static str = "create";

    /// The fields a create carries, checked like a change's ([`Kind::check`],
    /// [`Kind::may`]); `None` when the kind checks its creates in [`Create::check_new`] alone.
    fn fields_of(new: &Self::New) -> Option<&Self::Fields>;

    /// Further checks of a create (none by default).
    fn check_new(
        _tx: &mut Tx,
        _parent: Self::Parent,
        _new: &Self::New,
        _today: NaiveDate,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }

    fn insert(
        tx: &mut Tx,
        parent: Self::Parent,
        new: &Self::New,
        stamp: &Stamp,
    ) -> impl Future<Output = Result<Self::Key, StoreError>> + Send;
}

/// A kind whose fields writers replace as a whole.
pub(crate) trait Edit: Kind {}

/// A kind writers delete.
pub(crate) trait Delete: Kind {
    /// Its name in the change log.
    const DELETED: &'static str = "delete";

    /// Deletes `before`, guarded by its version; the rows it touched.
    fn delete(tx: &mut Tx, before: &Self) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// The right an action takes on its record's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Right {
    /// To change the record (the project's editors, administrators for reference data).
    Edit,
    /// To supervise it (督办: coordinators and leaders of its scope).
    Supervise,
}

/// A typed command on one record of kind `K`: core computes its effect from the record as
/// it is ([`Action::apply`]); the write path runs it as a change of the record, with the
/// same rights, version check, history and upkeep as any other.
pub(crate) trait Action<K: Kind>: Sync {
    /// Its name in the change log ("acknowledged", "accept").
    fn name(&self) -> &'static str;
    /// The right it takes.
    fn right(&self) -> Right {
        Right::Edit
    }
    /// The record's fields after the action, or why it cannot be taken now; `stamp` says
    /// who acts, when, and what day it is.
    fn apply(&self, before: &K, stamp: &Stamp) -> Result<K::Fields, StoreError>;
    /// What else it writes (its entry in the record's own history).
    fn event(
        &self,
        _tx: &mut Tx,
        _after: &K,
        _stamp: &Stamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }
}
