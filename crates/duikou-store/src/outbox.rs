//! Notification channels (通知渠道) and the outbox of their deliveries.
//!
//! A warning event writes one outbox row per channel that wants it, in the transaction that
//! made the event: a crash before delivery leaves the row pending, never lost. Deliverers
//! claim rows for a lease (`claim_outbox`), send, and mark them delivered or failed with the
//! time of the next attempt. A deliverer that dies mid-send lets its lease run out and the
//! row is claimed again: delivery is at least once, and every message carries its
//! `event_id` for the receiver to de-duplicate.

use chrono::{DateTime, Utc};
use duikou_core::warnings::Level;
use serde::Serialize;

use crate::channels::{channel_in, Channel};
use crate::rows::{RowReader, Tx};
use crate::{now_text, time_text, Backend, Store, StoreError};

/// One pending delivery, claimed for a lease.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub event_id: String,
    pub channel: Channel,
    /// The event as JSON (see `warnings::EventPayload`).
    pub payload: serde_json::Value,
    /// Attempts before this one (the claim itself counts as an attempt in the table, so a
    /// message that kills its deliverer does not come back forever).
    pub attempts: i64,
    /// The claim's token: only this claim may record the outcome.
    pub claim: String,
}

/// How the outbox stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    /// Not delivered and not given up.
    pub pending: i64,
    pub delivered: i64,
    /// Pending rows that failed at least once.
    pub retrying: i64,
    /// Given up after their attempts (or unreadable): kept for `outbox_retry`.
    pub parked: i64,
}

/// The next attempt of a delivery that is given up.
const PARKED: &str = "9999-12-31T00:00:00.000000Z";

/// Writes one outbox row per enabled channel of `owner_org_id` (and every all-organisation
/// channel) whose lowest level `level` reaches. Returns how many rows it wrote.
pub(crate) async fn enqueue(
    tx: &mut Tx,
    event_id: &str,
    owner_org_id: Option<i64>,
    level: Level,
    payload: &serde_json::Value,
) -> Result<u64, StoreError> {
    let levels: Vec<&str> = Level::ALL
        .into_iter()
        .filter(|l| *l <= level)
        .map(Level::code)
        .collect();
    let now = now_text();
    let body = payload.to_string();
    let mut sql = String::from(
        "INSERT INTO outbox (event_id, channel_id, payload, created_at, next_attempt_at) \
         SELECT $1, id, $2, $3, $3 FROM notify_channels \
         WHERE enabled = 1 AND (org_id IS NULL OR org_id = $4) AND min_level IN (",
    );
    for i in 0..levels.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("${}", 5 + i));
    }
    sql.push_str(") ON CONFLICT (event_id, channel_id) DO NOTHING");
    let mut q = sqlx::query(&sql)
        .bind(event_id)
        .bind(body)
        .bind(&now)
        .bind(owner_org_id.unwrap_or(-1));
    for l in levels {
        q = q.bind(l);
    }
    Ok(q.execute(&mut **tx).await?.rows_affected())
}

impl Store {
    /// Queues an event for every channel that wants it (see `enqueue`) in a transaction of
    /// its own; events of the warnings engine are queued inside the engine's transaction.
    pub async fn enqueue_event(
        &self,
        event_id: &str,
        owner_org_id: Option<i64>,
        level: Level,
        payload: &serde_json::Value,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = enqueue(&mut tx, event_id, owner_org_id, level, payload).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Claims up to `limit` deliveries that are due at `now` and not claimed by a live lease,
    /// for `lease` (after which another deliverer may take them). Oldest first.
    pub async fn claim_outbox(
        &self,
        limit: i64,
        lease: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let now_t = time_text(now);
        let until = time_text(now + lease);
        let mut tx = self.begin_write().await?;
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let rows = sqlx::query(&format!(
            "SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1 \
             AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY id LIMIT $2{lock}"
        ))
        .bind(&now_t)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = RowReader::new(row, "outbox").i64("id")?;
            let claim = format!("{until}#{:016x}", rand::random::<u64>());
            let row = sqlx::query(
                "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 WHERE id = $2 \
                 RETURNING event_id, channel_id, payload, attempts",
            )
            .bind(&claim)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let r = RowReader::new(&row, "outbox");
            // A row that cannot be read is parked with the reason instead of blocking the
            // rows behind it.
            let parsed = async {
                let payload: serde_json::Value = serde_json::from_str(&r.text("payload")?)
                    .map_err(|e| StoreError::Corrupt {
                        table: "outbox",
                        message: e.to_string(),
                    })?;
                let channel = channel_in(&mut tx, r.i64("channel_id")?).await?;
                Ok::<_, StoreError>((payload, channel))
            }
            .await;
            match parsed {
                Ok((payload, channel)) => items.push(OutboxItem {
                    id,
                    event_id: r.text("event_id")?,
                    channel,
                    payload,
                    attempts: r.i64("attempts")? - 1,
                    claim,
                }),
                Err(e) => {
                    sqlx::query(
                        "UPDATE outbox SET claimed_until = NULL, next_attempt_at = $1, \
                         last_error = $2 WHERE id = $3",
                    )
                    .bind(PARKED)
                    .bind(format!("无法读取待发送通知：{e}"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(items)
    }

    /// Marks a claimed delivery done. False when the claim is no longer the row's (its
    /// lease ran out and another deliverer took it): nothing is written then.
    pub async fn outbox_delivered(
        &self,
        id: i64,
        claim: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET delivered_at = $1, claimed_until = NULL, last_error = NULL \
             WHERE id = $2 AND claimed_until = $3 AND delivered_at IS NULL",
        )
        .bind(time_text(at))
        .bind(id)
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a failed attempt of a claim and when to try again (a time of `None`: give up,
    /// keeping the row and its error for an operator). False when the claim is stale.
    pub async fn outbox_failed(
        &self,
        id: i64,
        claim: &str,
        error: &str,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let error: String = error.chars().take(1000).collect();
        let done = sqlx::query(
            "UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_until = NULL \
             WHERE id = $3 AND claimed_until = $4 AND delivered_at IS NULL",
        )
        .bind(error)
        .bind(next_attempt_at.map_or_else(|| PARKED.to_owned(), time_text))
        .bind(id)
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sends parked (given up) deliveries again from now: all of them, or one.
    pub async fn outbox_retry(&self, id: Option<i64>) -> Result<u64, StoreError> {
        let now = now_text();
        let done = match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 \
                     AND delivered_at IS NULL AND next_attempt_at = $3",
                )
                .bind(&now)
                .bind(id)
                .bind(PARKED)
                .execute(&self.pool)
                .await?
            }
            None => {
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at = $1 WHERE delivered_at IS NULL \
                     AND next_attempt_at = $2",
                )
                .bind(&now)
                .bind(PARKED)
                .execute(&self.pool)
                .await?
            }
        };
        Ok(done.rows_affected())
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let row = sqlx::query(
            "SELECT \
             COALESCE(SUM(CASE WHEN delivered_at IS NULL AND next_attempt_at <> $1 THEN 1 ELSE 0 END), 0) AS pending, \
             COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS delivered, \
             COALESCE(SUM(CASE WHEN delivered_at IS NULL AND next_attempt_at <> $1 AND attempts > 0 THEN 1 ELSE 0 END), 0) \
             AS retrying, \
             COALESCE(SUM(CASE WHEN delivered_at IS NULL AND next_attempt_at = $1 THEN 1 ELSE 0 END), 0) AS parked \
             FROM outbox",
        )
        .bind(PARKED)
        .fetch_one(&self.pool)
        .await?;
        let r = RowReader::new(&row, "outbox");
        Ok(OutboxCounts {
            pending: r.i64("pending")?,
            delivered: r.i64("delivered")?,
            retrying: r.i64("retrying")?,
            parked: r.i64("parked")?,
        })
    }
}
