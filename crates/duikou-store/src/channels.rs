//! Notification channels (通知渠道): where the outbox delivers a unit's warnings and slips.
//! Reference data on the one write path, for administrators.

use chrono::NaiveDate;
use duikou_core::notify::{ChannelFields, ChannelKind};
use duikou_core::warnings::Level;
use serde::Serialize;

use crate::rows::{RowReader, Tx};
use crate::write::{Create, Delete, Edit, Kind, Place, Stamp};
use crate::{Store, StoreError};

/// A stored channel. The secret is kept for the deliverer and never serialised.
#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    pub id: i64,
    pub org_id: Option<i64>,
    pub kind: ChannelKind,
    pub name: String,
    pub target: String,
    #[serde(skip)]
    pub secret: Option<String>,
    /// Whether a secret is set (the secret itself is never shown).
    pub has_secret: bool,
    pub min_level: Level,
    pub enabled: bool,
    pub version: i64,
}

const CHANNEL_COLS: &str = "id, org_id, kind, name, target, secret, min_level, enabled, version";

fn read_channel(row: &sqlx::any::AnyRow) -> Result<Channel, StoreError> {
    let r = RowReader::new(row, "notify_channels");
    let secret = r.opt_text("secret")?;
    Ok(Channel {
        id: r.i64("id")?,
        org_id: r.opt_i64("org_id")?,
        kind: r.code("kind", ChannelKind::parse)?,
        name: r.text("name")?,
        target: r.text("target")?,
        has_secret: secret.is_some(),
        secret,
        min_level: r.code("min_level", Level::parse)?,
        enabled: r.flag("enabled")?,
        version: r.i64("version")?,
    })
}

pub(crate) async fn channel_in(tx: &mut Tx, id: i64) -> Result<Channel, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CHANNEL_COLS} FROM notify_channels WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref()
        .map(read_channel)
        .transpose()?
        .ok_or_else(|| StoreError::not_found("channel", id))
}

impl Kind for Channel {
    const NAME: &'static str = "channel";
    type Parent = ();
    type Key = i64;
    type Fields = ChannelFields;

    fn place(_: (), _: Option<&i64>) -> Place {
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
        crate::error::found(channel_in(tx, *id).await)
    }

    /// A change without a secret keeps the stored one, and is checked with it.
    async fn check(
        tx: &mut Tx,
        _: (),
        fields: &ChannelFields,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        let mut checked = fields.clone();
        if checked.secret.is_none() {
            checked.secret = before.and_then(|b| b.secret.clone());
        }
        checked.validate()?;
        if let Some(org) = fields.org_id {
            crate::orgs::require(tx, "org_id", org).await?;
        }
        Ok(())
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        fields: &ChannelFields,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let secret = fields.secret.as_deref().or(before.secret.as_deref());
        let done = sqlx::query(
            "UPDATE notify_channels SET org_id = $1, kind = $2, name = $3, target = $4, \
             secret = $5, min_level = $6, enabled = $7, updated_at = $8, version = version + 1 \
             WHERE id = $9 AND version = $10",
        )
        .bind(fields.org_id)
        .bind(fields.kind.code())
        .bind(fields.name.trim())
        .bind(fields.target.trim())
        .bind(secret.map(str::trim))
        .bind(fields.min_level.code())
        .bind(i64::from(fields.enabled))
        .bind(&stamp.now)
        .bind(before.id)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected())
    }
}

impl Create for Channel {
    type New = ChannelFields;

    fn fields_of(new: &ChannelFields) -> Option<&ChannelFields> {
        Some(new)
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        fields: &ChannelFields,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO notify_channels (org_id, kind, name, target, secret, min_level, \
             enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             RETURNING id",
        )
        .bind(fields.org_id)
        .bind(fields.kind.code())
        .bind(fields.name.trim())
        .bind(fields.target.trim())
        .bind(fields.secret.as_deref().map(str::trim))
        .bind(fields.min_level.code())
        .bind(i64::from(fields.enabled))
        .bind(&stamp.now)
        .fetch_one(&mut **tx)
        .await?)
    }
}

impl Edit for Channel {}

/// Deleting a channel drops its pending deliveries with it.
impl Delete for Channel {
    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM outbox WHERE channel_id = $1")
            .bind(before.id)
            .execute(&mut **tx)
            .await?;
        let done = sqlx::query("DELETE FROM notify_channels WHERE id = $1 AND version = $2")
            .bind(before.id)
            .bind(before.version)
            .execute(&mut **tx)
            .await?;
        Ok(done.rows_affected())
    }
}

impl Store {
    pub async fn channel(&self, id: i64) -> Result<Channel, StoreError> {
        let mut tx = self.begin().await?;
        let c = channel_in(&mut tx, id).await;
        tx.commit().await?;
        c
    }

    pub async fn channels(&self) -> Result<Vec<Channel>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CHANNEL_COLS} FROM notify_channels ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_channel).collect()
    }
}
