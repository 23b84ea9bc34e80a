//! Logging in, with throttling that slows attackers without locking owners out. Failures
//! are counted per (address, account) pair, per address, per account and per known device:
//!
//! - from a device the account has not seen log in before, five failures of one address
//!   against one account lock that pair (not the account for everybody), twenty failures of
//!   one address lock the address, and fifty failures against one account from anywhere lock
//!   the account for unknown devices;
//! - from a known device (see `devices.rs`), only that device's own failures count: the right
//!   password passes the locks above and clears the account's lock (the attacker's pair stays
//!   locked).
//!
//! An administrator can clear an account's locks ([`Store::clear_login_lock`]).

use chrono::{DateTime, Duration, Utc};
use duikou_core::Actor;

use super::secrets::{sha256_hex, verify_password};
use super::users::{by_login_in, require_login, User};
use crate::changes::record;
use crate::rows::RowReader;
use crate::{time_text, Store, StoreError};

/// Failures of one address against one account (or of one known device) before it locks.
pub const MAX_PAIR_FAILURES: i64 = 5;
/// Failures from one address within the window before it locks.
pub const MAX_ADDRESS_FAILURES: i64 = 20;
/// Failures against one account from anywhere before it locks for unknown devices.
pub const MAX_ACCOUNT_FAILURES: i64 = 50;
const WINDOW_MINUTES: i64 = 15;
const LOCK_MINUTES: i64 = 15;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong login or password (the same answer for both, so that logins cannot be probed).
    #[error("用户名或密码错误")]
    Invalid { failures: i64 },
    #[error("连续登录失败次数过多，已锁定至 {until}（北京时间），请稍后再试或联系管理员")]
    Locked {
        until: String,
        /// Seconds until the lock ends (for `Retry-After`).
        retry_after: i64,
    },
    #[error("该账号已停用，请联系管理员")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn locked(until: DateTime<Utc>, now: DateTime<Utc>) -> LoginError {
    LoginError::Locked {
        until: duikou_core::dates::china_time(until)
            .format("%H:%M")
            .to_string(),
        retry_after: (until - now).num_seconds().max(1),
    }
}

/// A throttle counter: its key, its limit, and the account it belongs to (none for an address).
struct Counter {
    key: String,
    max: i64,
    account: Option<String>,
}

/// The counters a login attempt checks and feeds: the known device's own, or the pair's, the
/// address's and the account's.
fn counters(login: &str, address: &str, known_device: Option<&str>) -> Vec<Counter> {
    let account = Some(login.to_owned());
    if let Some(device) = known_device {
        let key = format!("device:{login}:{}", sha256_hex(device));
        return vec![Counter {
            key,
            max: MAX_PAIR_FAILURES,
            account,
        }];
    }
    vec![
        Counter {
            key: format!("pair:{address}|{login}"),
            max: MAX_PAIR_FAILURES,
            account: account.clone(),
        },
        Counter {
            key: format!("addr:{address}"),
            max: MAX_ADDRESS_FAILURES,
            account: None,
        },
        Counter {
            key: format!("login:{login}"),
            max: MAX_ACCOUNT_FAILURES,
            account,
        },
    ]
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

    /// Counts a failure; returns the failures in the current window and the lock it set.
    async fn fail(
        &self,
        c: &Counter,
        now: DateTime<Utc>,
    ) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT failures, window_start FROM login_throttle WHERE key = $1")
            .bind(&c.key)
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
        let locked = (failures >= c.max).then(|| now + Duration::minutes(LOCK_MINUTES));
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(&c.key)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, window_start, locked_until, account) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&c.key)
        .bind(failures)
        .bind(time_text(start))
        .bind(locked.map(time_text))
        .bind(c.account.as_deref())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((failures, locked))
    }

    async fn clear_keys(&self, keys: &[&str]) -> Result<(), StoreError> {
        for key in keys {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(key)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Checks a login and password from `address` and `device` (the device cookie's token,
    /// if the client sent one), with throttling. Records the login (or the failure) in the
    /// audit log.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        address: &str,
        device: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<User, LoginError> {
        let mut tx = self.begin().await?;
        let found = by_login_in(&mut tx, login).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let known = match (&found, device) {
            (Some((u, _)), Some(d)) if self.device_known(u.id, d).await? => Some(d),
            _ => None,
        };
        let counters = counters(login, address, known);
        for c in &counters {
            if let Some(until) = self.locked_until(&c.key, now).await? {
                return Err(locked(until, now));
            }
        }
        let user = match found {
            Some((user, hash)) if verify_password(password, &hash) => user,
            _ => return Err(self.failed(login, address, &counters, now).await?),
        };
        if user.disabled {
            return Err(LoginError::Disabled);
        }
        // A known device clears its own count and the account's lock; an unknown one its
        // pair's count. The address's count and other pairs stay.
        let account_key = format!("login:{login}");
        let first = counters.first().map_or("", |c| c.key.as_str());
        self.clear_keys(&[first, &account_key]).await?;
        self.audit_event(login, "login", address).await?;
        Ok(user)
    }

    /// Counts a failed attempt on every counter; the error to answer.
    async fn failed(
        &self,
        login: &str,
        address: &str,
        counters: &[Counter],
        now: DateTime<Utc>,
    ) -> Result<LoginError, StoreError> {
        let mut first_failures = 0;
        let mut lock = None;
        for (i, c) in counters.iter().enumerate() {
            let (failures, until) = self.fail(c, now).await?;
            if i == 0 {
                first_failures = failures;
            }
            lock = lock.or(until);
        }
        self.audit_event(login, "login_failed", address).await?;
        Ok(match lock {
            Some(until) => locked(until, now),
            None => LoginError::Invalid {
                failures: first_failures,
            },
        })
    }

    /// Clears every login lock and failure count of an account (not those of addresses);
    /// recorded in the audit log. Returns how many counters were cleared.
    /// Until when an account is locked for devices it does not know (the latest lock of its
    /// counters), `None` when it is not.
    pub async fn login_locked_until(
        &self,
        login: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let until: Option<String> = sqlx::query_scalar(
            "SELECT MAX(locked_until) FROM login_throttle WHERE account = $1 AND locked_until > $2",
        )
        .bind(login)
        .bind(time_text(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(until.and_then(|t| t.parse().ok()))
    }

    pub async fn clear_login_lock(&self, actor: &Actor, login: &str) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        require_login(&mut tx, login).await?;
        let done = sqlx::query("DELETE FROM login_throttle WHERE account = $1")
            .bind(login)
            .execute(&mut *tx)
            .await?;
        let cleared = serde_json::json!({ "counters_cleared": done.rows_affected() });
        record(
            &mut tx,
            "user",
            login,
            "clear_lock",
            actor,
            None::<&()>,
            Some(&cleared),
        )
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
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
