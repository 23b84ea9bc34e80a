//! Changing and resetting passwords, and what a new password ends: a user's own change ends
//! their other sessions (and their API tokens when they ask); an administrator's reset
//! presumes the account compromised and ends every session and token of the user, forgets
//! their known devices and clears their login locks.

use chrono::Utc;
use duikou_core::auth::check_password;
use duikou_core::Actor;
use serde::Serialize;

use super::secrets::{hash_password, sha256_hex};
use super::users::require_login;
use crate::changes::record;
use crate::rows::Tx;
use crate::{now_text, time_text, Store, StoreError};

/// What a user's own password change ends besides the old password.
#[derive(Debug, Clone, Default)]
pub struct PasswordChange<'a> {
    /// The session that makes the change (its cookie token) stays logged in; every other
    /// session of the user ends. `None` (a change made with a token) ends them all.
    pub keep_session: Option<&'a str>,
    /// Whether the user's API tokens are revoked too.
    pub revoke_tokens: bool,
}

/// What a password change or reset ended; recorded in the audit log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ended {
    pub sessions_ended: u64,
    pub tokens_revoked: u64,
}

/// Ends the user's sessions but `keep` (its cookie token), and revokes their live tokens when
/// asked.
pub(super) async fn end_credentials(
    tx: &mut Tx,
    user_id: i64,
    keep: Option<&str>,
    revoke_tokens: bool,
) -> Result<Ended, StoreError> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.map(sha256_hex).unwrap_or_default())
        .execute(&mut **tx)
        .await?;
    let mut ended = Ended {
        sessions_ended: sessions.rows_affected(),
        tokens_revoked: 0,
    };
    if revoke_tokens {
        let tokens = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(time_text(Utc::now()))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        ended.tokens_revoked = tokens.rows_affected();
    }
    Ok(ended)
}

impl Store {
    /// A user's own change of password (checked against the policy; clears "must change").
    /// Ends the user's other sessions, and their tokens when `change.revoke_tokens`.
    pub async fn change_password(
        &self,
        actor: &Actor,
        login: &str,
        password: &str,
        change: &PasswordChange<'_>,
    ) -> Result<Ended, StoreError> {
        check_password(login, password)?;
        let hash = hash_password(password)?;
        let mut tx = self.begin_write().await?;
        let user = require_login(&mut tx, login).await?;
        store_hash(&mut tx, user.id, &hash, false).await?;
        let ended =
            end_credentials(&mut tx, user.id, change.keep_session, change.revoke_tokens).await?;
        self.finish_password_write(tx, actor, login, "set_password", &ended)
            .await?;
        Ok(ended)
    }
}

impl Store {
    /// Logs a password write with the credentials it ended, commits, and drops the identities
    /// cached for the account.
    async fn finish_password_write(
        &self,
        mut tx: Tx,
        actor: &Actor,
        login: &str,
        action: &str,
        ended: &Ended,
    ) -> Result<(), StoreError> {
        record(
            &mut tx,
            "user",
            login,
            action,
            actor,
            None::<&()>,
            Some(ended),
        )
        .await?;
        tx.commit().await?;
        self.accounts_changed();
        Ok(())
    }
}

pub(super) async fn store_hash(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    must_change: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3, \
         version = version + 1 WHERE id = $4",
    )
    .bind(hash)
    .bind(i64::from(must_change))
    .bind(now_text())
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
