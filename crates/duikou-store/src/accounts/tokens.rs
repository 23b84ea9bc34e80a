//! API tokens: created by a user for themself with a subset of their grants and an expiry;
//! shown once, stored hashed, revocable, last use recorded.

use chrono::{DateTime, Duration, Utc};
use duikou_core::auth::Grant;
use duikou_core::Actor;
use serde::Serialize;

use super::secrets::{random_token, sha256_hex};
use super::users::{by_id_in, User};
use crate::changes::record;
use crate::rows::RowReader;
use crate::{time_text, Store, StoreError};

/// The prefix of every token, so that a leaked one is recognisable.
const PREFIX: &str = "dk_";

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub grants: Vec<Grant>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Who a live token acts for: its user, the grants it carries now, and when it expires.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub user: User,
    pub grants: Vec<Grant>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub expires_in_days: Option<i64>,
    /// A subset of the user's grants (of the parent token's, when made with one); all of
    /// them when `None`.
    pub grants: Option<Vec<Grant>>,
    /// The token the request was made with, when it was: a token mints tokens only within
    /// its own grants and expiry, never wider.
    pub parent: Option<TokenBound>,
}

/// What a token making another may hand on: its grants and its expiry.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBound {
    pub grants: Vec<Grant>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn read(row: &sqlx::any::AnyRow) -> Result<ApiToken, StoreError> {
    let r = RowReader::new(row, "api_tokens");
    Ok(ApiToken {
        id: r.i64("id")?,
        name: r.text("name")?,
        prefix: r.text("prefix")?,
        grants: serde_json::from_str(&r.text("grants")?).unwrap_or_default(),
        expires_at: r.opt_time("expires_at")?,
        revoked: r.opt_text("revoked_at")?.is_some(),
        last_used_at: r.opt_time("last_used_at")?,
        created_at: r.time("created_at")?,
    })
}

/// The grants and expiry of a new token, checked against what its maker holds: the user's
/// grants, and, for a token made with a token, that token's grants and expiry.
fn token_terms(
    user: &User,
    new: &NewToken,
    now: DateTime<Utc>,
) -> Result<(Vec<Grant>, Option<DateTime<Utc>>), StoreError> {
    let mut errs = duikou_core::error::Errors::new();
    duikou_core::validate::name(
        &mut errs,
        "name",
        &new.name,
        duikou_core::text::TextKind::Label,
    );
    let held: Vec<Grant> = match &new.parent {
        Some(p) => p
            .grants
            .iter()
            .filter(|g| user.grants.contains(g))
            .cloned()
            .collect(),
        None => user.grants.clone(),
    };
    let grants = new.grants.clone().unwrap_or_else(|| held.clone());
    for (i, g) in grants.iter().enumerate() {
        if !held.contains(g) {
            let whose = if new.parent.is_some() {
                "当前令牌"
            } else {
                "本人"
            };
            errs.push(
                format!("grants[{i}]"),
                "not_held",
                format!("令牌不能超出{whose}的授权：{} {:?}", g.role.code(), g.scope),
            );
        }
    }
    let mut expires_at = None;
    match new.expires_in_days {
        Some(d) if !(1..=3650).contains(&d) => {
            errs.push("expires_in_days", "range", "有效期须在1到3650天之间");
        }
        Some(d) => expires_at = Some(now + Duration::days(d)),
        None => {}
    }
    if let Some(limit) = new.parent.as_ref().and_then(|p| p.expires_at) {
        match expires_at {
            None => expires_at = Some(limit),
            Some(e) if e > limit => errs.push(
                "expires_in_days",
                "beyond_parent",
                format!(
                    "由令牌创建的令牌不能晚于该令牌的到期时间（{}）",
                    limit.format("%Y-%m-%d %H:%M UTC")
                ),
            ),
            Some(_) => {}
        }
    }
    errs.finish()?;
    Ok((grants, expires_at))
}

const COLS: &str = "id, name, prefix, grants, expires_at, revoked_at, last_used_at, created_at";

impl Store {
    /// Creates a token for `user`; returns it with its secret, which is shown only now.
    pub async fn create_token(
        &self,
        user: &User,
        new: &NewToken,
        now: DateTime<Utc>,
    ) -> Result<(ApiToken, String), StoreError> {
        let (grants, expires_at) = token_terms(user, new, now)?;
        let secret = format!("{PREFIX}{}", random_token());
        let prefix: String = secret.chars().take(PREFIX.len() + 6).collect();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, grants, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(user.id)
        .bind(new.name.trim())
        .bind(sha256_hex(&secret))
        .bind(&prefix)
        .bind(serde_json::to_string(&grants).unwrap_or_else(|_| "[]".into()))
        .bind(expires_at.map(time_text))
        .bind(time_text(now))
        .fetch_one(&mut *tx)
        .await?;
        let row = sqlx::query(&format!("SELECT {COLS} FROM api_tokens WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let token = read(&row)?;
        let actor = Actor {
            user_id: Some(user.id),
            name: user.login.clone(),
            may_override: false,
        };
        record(
            &mut tx,
            "token",
            &id.to_string(),
            "create",
            &actor,
            None::<&()>,
            Some(&token),
        )
        .await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// The user of a live token and the grants it carries; records its use.
    pub async fn token_user(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<TokenHolder>, StoreError> {
        let hash = sha256_hex(secret);
        let mut tx = self.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT user_id, {COLS} FROM api_tokens WHERE token_hash = $1"
        ))
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let token = read(&row)?;
        let user = by_id_in(&mut tx, RowReader::new(&row, "api_tokens").i64("user_id")?).await?;
        tx.commit().await?;
        let live = !token.revoked && token.expires_at.is_none_or(|e| now < e);
        let Some(user) = user.filter(|u| live && !u.disabled) else {
            return Ok(None);
        };
        let stale = token
            .last_used_at
            .is_none_or(|t| now - t > Duration::seconds(60));
        if stale {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(time_text(now))
                .bind(token.id)
                .execute(&self.pool)
                .await?;
        }
        // A token never carries more than its user holds now.
        let grants = token
            .grants
            .into_iter()
            .filter(|g| user.grants.contains(g))
            .collect();
        Ok(Some(TokenHolder {
            user,
            grants,
            expires_at: token.expires_at,
        }))
    }

    /// A user's tokens, newest first.
    pub async fn tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read).collect()
    }

    /// Revokes one of a user's tokens.
    pub async fn revoke_token(
        &self,
        user: &User,
        token_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(time_text(now))
        .bind(token_id)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::not_found("token", token_id));
        }
        let actor = Actor {
            user_id: Some(user.id),
            name: user.login.clone(),
            may_override: false,
        };
        record(
            &mut tx,
            "token",
            &token_id.to_string(),
            "revoke",
            &actor,
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.accounts_changed();
        Ok(())
    }
}
