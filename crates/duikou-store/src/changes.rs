//! The change log: every create, update, delete and transition with its before and after.

use serde::Serialize;
use sqlx::Row;

use crate::rows::{RowReader, Tx};
use crate::{now_text, Store, StoreError};

#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntry {
    pub id: i64,
    pub kind: String,
    pub record_id: String,
    pub action: String,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Writes one change-log row inside the caller's transaction.
pub(crate) async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    kind: &str,
    record_id: &str,
    action: &str,
    actor: &duikou_core::Actor,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), StoreError> {
    let to_json = |v: Option<String>| v;
    let before = to_json(before.map(|b| serde_json::to_string(b).unwrap_or_default()));
    let after = to_json(after.map(|a| serde_json::to_string(a).unwrap_or_default()));
    sqlx::query(
        "INSERT INTO change_log (kind, record_id, action, actor, at, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(kind)
    .bind(record_id)
    .bind(action)
    .bind(&actor.name)
    .bind(now_text())
    .bind(before)
    .bind(after)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The history of one record, oldest first.
    pub async fn history(
        &self,
        kind: &str,
        record_id: &str,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, record_id, action, actor, at, before, after FROM change_log \
             WHERE kind = $1 AND record_id = $2 ORDER BY id",
        )
        .bind(kind)
        .bind(record_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "change_log");
                let json = |c: &str| -> Result<Option<serde_json::Value>, StoreError> {
                    Ok(row
                        .try_get::<Option<String>, _>(c)?
                        .and_then(|t| serde_json::from_str(&t).ok()))
                };
                Ok(ChangeEntry {
                    id: r.i64("id")?,
                    kind: r.text("kind")?,
                    record_id: r.text("record_id")?,
                    action: r.text("action")?,
                    actor: r.text("actor")?,
                    at: r.time("at")?,
                    before: json("before")?,
                    after: json("after")?,
                })
            })
            .collect()
    }
}
