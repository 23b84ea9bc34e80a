//! Answering a warning (确认, 解除) on the one write path: a warning is a record of its
//! project, written by those who may change the project; core says which answer a warning
//! in which state takes.

use chrono::NaiveDate;
use duikou_core::warnings::{Answer, WarningStatus};

use super::engine::add_event;
use super::{warning_in, Warning};
use crate::rows::Tx;
use crate::write::{Action, Kind, Place, Stamp};
use crate::StoreError;

/// What an answer changes of a warning.
pub(crate) struct WarningAnswer {
    status: WarningStatus,
    note: String,
}

impl Kind for Warning {
    const NAME: &'static str = "warning";
    type Parent = i64;
    type Key = i64;
    type Fields = WarningAnswer;

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
        let warning = crate::error::found(warning_in(tx, *id).await)?;
        Ok(warning.filter(|w| w.project_id == project_id))
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        fields: &WarningAnswer,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE warnings SET status = $1, note = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(fields.status.code())
        .bind(&fields.note)
        .bind(&stamp.now)
        .bind(before.id)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected())
    }
}

/// 确认 or 解除, with the note that says how.
pub(crate) struct Answering<'a> {
    pub how: Answer,
    pub note: &'a str,
}

impl Action<Warning> for Answering<'_> {
    fn name(&self) -> &'static str {
        self.how.code()
    }

    fn apply(&self, before: &Warning, _stamp: &Stamp) -> Result<WarningAnswer, StoreError> {
        let (status, note) =
            self.how
                .apply(before.status, before.closed_at.is_some(), self.note)?;
        Ok(WarningAnswer { status, note })
    }

    async fn event(&self, tx: &mut Tx, after: &Warning, stamp: &Stamp) -> Result<(), StoreError> {
        add_event(
            tx,
            after.id,
            self.name(),
            after.level,
            None,
            &stamp.actor.name,
            after.note.as_deref(),
            stamp.today,
            &stamp.now,
        )
        .await
        .map(drop)
    }
}
