//! Web sessions kept in the database, so that several servers share them: idle and absolute
//! expiry, logout, logout everywhere.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::secrets::{random_token, sha256_hex};
use super::users::{by_id_in, User};
use crate::rows::RowReader;
use crate::{time_text, Store, StoreError};

/// A session ends after this long without a request.
pub const SESSION_IDLE_MINUTES: i64 = 120;
/// A session ends this long after login, however active.
pub const SESSION_ABSOLUTE_HOURS: i64 = 12;

#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// The token that authorises state-changing requests of this session (CSRF).
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Opens a session for a user; returns the cookie's token (shown once) and the session.
    pub async fn create_session(
        &self,
        user_id: i64,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, Session), StoreError> {
        let token = random_token();
        let session = Session {
            csrf_token: random_token(),
            expires_at: now + Duration::hours(SESSION_ABSOLUTE_HOURS),
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, \
             expires_at, address) VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(sha256_hex(&token))
        .bind(user_id)
        .bind(&session.csrf_token)
        .bind(time_text(now))
        .bind(time_text(session.expires_at))
        .bind(address)
        .execute(&self.pool)
        .await?;
        Ok((token, session))
    }

    /// The user of a live session (and marks it used); `None` when unknown or expired.
    pub async fn session_user(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, Session)>, StoreError> {
        let hash = sha256_hex(token);
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "SELECT user_id, csrf_token, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let r = RowReader::new(&row, "sessions");
        let expires_at = r.time("expires_at")?;
        let last_seen = r.time("last_seen_at")?;
        let user = by_id_in(&mut tx, r.i64("user_id")?).await?;
        let session = Session {
            csrf_token: r.text("csrf_token")?,
            expires_at,
        };
        tx.commit().await?;
        let idle = now - last_seen > Duration::minutes(SESSION_IDLE_MINUTES);
        let Some(user) = user.filter(|u| !u.disabled && now < expires_at && !idle) else {
            self.delete_session(token).await?;
            return Ok(None);
        };
        if now - last_seen > Duration::seconds(60) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(time_text(now))
                .bind(&hash)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some((user, session)))
    }

    /// Ends one session (logout).
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(sha256_hex(token))
            .execute(&self.pool)
            .await?;
        self.accounts_changed();
        Ok(())
    }

    /// Ends every session of a user (logout everywhere).
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        self.accounts_changed();
        Ok(done.rows_affected())
    }
}
