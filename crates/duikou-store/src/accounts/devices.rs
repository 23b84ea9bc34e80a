//! Known devices: a browser or client that has logged in successfully as a user keeps a
//! long-lived random token (the `duikou_device` cookie); the database keeps its SHA-256 per
//! user. The right password from a known device passes the locks failures elsewhere set.

use chrono::{DateTime, Utc};

use super::secrets::{random_token, sha256_hex};
use crate::{time_text, Store, StoreError};

impl Store {
    /// Whether `device` (the cookie's token) has logged in as the user before.
    pub async fn device_known(&self, user_id: i64, device: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_devices WHERE user_id = $1 AND device_hash = $2",
        )
        .bind(user_id)
        .bind(sha256_hex(device))
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// Remembers the device of a successful login: the token it sent when there is one, a
    /// new one otherwise. Returns the token the device keeps (to set as its cookie).
    pub async fn remember_device(
        &self,
        user_id: i64,
        device: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let token = device
            .filter(|d| {
                (16..=128).contains(&d.len())
                    && d.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .map_or_else(random_token, str::to_owned);
        let hash = sha256_hex(&token);
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM login_devices WHERE user_id = $1 AND device_hash = $2")
            .bind(user_id)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_devices (user_id, device_hash, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(user_id)
        .bind(&hash)
        .bind(time_text(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }
}
