//! Logging in, with throttling per account and per address: a run of wrong passwords slows
//! the answers and then locks the account (or the address) for a while.

use chrono::{DateTime, Duration, Utc};
use duikou_core::Actor;

use super::secrets::verify_password;
use super::users::{by_login_in, User};
use crate::changes::record;
use crate::rows::RowReader;
use crate::{time_text, Store, StoreError};

/// Failures of one account within the window before it locks.
pub const MAX_ACCOUNT_FAILURES: i64 = 5;
/// Failures from one address within the window before it locks.
pub const MAX_ADDRESS_FAILURES: i64 = 20;
const WINDOW_MINUTES: i64 = 15;
const LOCK_MINUTES: i64 = 15;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong login or password (the same answer for both, so that logins cannot be probed).
    #[error("用户名或密码错误")]
    Invalid { failures: i64 },
    #[error("连续登录失败次数过多，已锁定至 {until}（北京时间），请稍后再试或联系管理员")]
    Locked { until: String },
    #[error("该账号已停用，请联系管理员")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn beijing(t: DateTime<Utc>) -> String {
    (t + Duration::hours(8)).format("%H:%M").to_string()
}

impl Store {
    async fn locked_until(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row = sqlx::query("SELECT locked_until FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let until = RowReader::new(&row, "login_throttle").opt_time("locked_until")?;
        Ok(until.filter(|u| *u > now))
    }

    /// Counts a failure of `key`; returns the failures in the current window.
    async fn fail(&self, key: &str, max: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT failures, window_start FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let (mut failures, mut start) = (0, now);
        if let Some(row) = row {
            let r = RowReader::new(&row, "login_throttle");
            let s = r.time("window_start")?;
            if now - s < Duration::minutes(WINDOW_MINUTES) {
                failures = r.i64("failures")?;
                start = s;
            }
        }
        failures += 1;
        let locked = (failures >= max).then(|| time_text(now + Duration::minutes(LOCK_MINUTES)));
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4)",
        )
        .bind(key)
        .bind(failures)
        .bind(time_text(start))
        .bind(locked)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(failures)
    }

    /// Checks a login and password from `address`, with throttling. Records the login (or
    /// the failure) in the audit log.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<User, LoginError> {
        let account_key = format!("login:{login}");
        let address_key = format!("addr:{address}");
        for key in [&account_key, &address_key] {
            if let Some(until) = self.locked_until(key, now).await? {
                return Err(LoginError::Locked {
                    until: beijing(until),
                });
            }
        }
        let mut tx = self.begin().await?;
        let found = by_login_in(&mut tx, login).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let user = match found {
            Some((user, hash)) if verify_password(password, &hash) => user,
            _ => {
                let failures = self.fail(&account_key, MAX_ACCOUNT_FAILURES, now).await?;
                self.fail(&address_key, MAX_ADDRESS_FAILURES, now).await?;
                self.audit_event(login, "login_failed", address).await?;
                if failures >= MAX_ACCOUNT_FAILURES {
                    let until = now + Duration::minutes(LOCK_MINUTES);
                    return Err(LoginError::Locked {
                        until: beijing(until),
                    });
                }
                return Err(LoginError::Invalid { failures });
            }
        };
        if user.disabled {
            return Err(LoginError::Disabled);
        }
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(&account_key)
            .execute(&self.pool)
            .await
            .map_err(StoreError::from)?;
        self.audit_event(login, "login", address).await?;
        Ok(user)
    }

    /// Records an account event (login, logout, token use ...) in the audit log.
    pub async fn audit_event(
        &self,
        login: &str,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let actor = Actor {
            user_id: None,
            name: login.to_owned(),
            may_override: false,
        };
        let detail = serde_json::json!({ "detail": detail });
        record(
            &mut tx,
            "session",
            login,
            action,
            &actor,
            None::<&()>,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
