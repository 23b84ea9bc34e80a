//! Accounts on the one write path: reference data, for administrators only. Creating a
//! user, disabling or enabling one, granting, revoking and resetting a password are each a
//! create or an [`Action`] on the user, with the path's version check, history and audit
//! chain; each renews the identity cache ([`Kind::REACH`]).
//!
//! A user's own change of password, sessions, tokens and the login throttle stay in their
//! modules: they are the credentials of the one who acts, not records an administrator
//! writes.

use chrono::NaiveDate;
use duikou_core::auth::{Grant, Scope};
use serde::Serialize;

use super::passwords::{end_credentials, store_hash};
use super::users::{by_login_in, check_new_user, User};
use crate::changes::record;
use crate::error::unique_to_field;
use crate::rows::Tx;
use crate::write::{Action, Create, Kind, Place, Stamp};
use crate::StoreError;

/// A user as the write path sees it: the user and the row's version.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Account {
    pub user: User,
    #[serde(skip)]
    version: i64,
}

/// A new user with the hash of their first password (hashed before the write begins).
pub(crate) struct NewAccount {
    pub new: super::NewUser,
    pub hash: String,
    /// The first password was generated: it must be changed at first login.
    pub generated: bool,
}

/// What a change does to a user.
#[derive(Clone)]
pub(crate) enum UserChange {
    Disabled(bool),
    Grant(Grant),
    Revoke(Grant),
    /// A generated password to be changed at the next login: every session and token ends.
    Reset {
        hash: String,
    },
}

impl Kind for Account {
    const NAME: &'static str = "user";
    const REACH: bool = true;
    type Parent = ();
    type Key = String;
    type Fields = UserChange;

    fn place(_: (), _: Option<&String>) -> Place {
        Place::Reference
    }

    fn version(&self) -> i64 {
        self.version
    }

    async fn get(
        tx: &mut Tx,
        _: (),
        login: &String,
        _: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        let Some((user, _)) = by_login_in(tx, login).await? else {
            return Ok(None);
        };
        let version: i64 = sqlx::query_scalar("SELECT version FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&mut **tx)
            .await?;
        Ok(Some(Account { user, version }))
    }

    /// A grant's scope exists, and is not held twice; a revoked grant is held.
    async fn check(
        tx: &mut Tx,
        _: (),
        change: &UserChange,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        let held = |g: &Grant| before.is_some_and(|b| b.user.grants.contains(g));
        match change {
            UserChange::Grant(g) => {
                match &g.scope {
                    Scope::All => {}
                    Scope::Org { org_id } => {
                        crate::orgs::require(tx, "scope.org_id", *org_id).await?;
                    }
                    Scope::Region { region_code } => {
                        crate::regions::require(tx, "scope.region_code", region_code).await?;
                    }
                    Scope::Partnership { partnership_id } => {
                        crate::partnerships::require(tx, "scope.partnership_id", *partnership_id)
                            .await?;
                    }
                }
                if held(g) {
                    return Err(StoreError::invalid("role", "duplicate", "该用户已有此授权"));
                }
            }
            UserChange::Revoke(g) if !held(g) => {
                let login = before.map(|b| b.user.login.clone()).unwrap_or_default();
                return Err(StoreError::not_found("grant", login));
            }
            _ => {}
        }
        Ok(())
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        change: &UserChange,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let id = before.user.id;
        let done = sqlx::query(
            "UPDATE users SET updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3",
        )
        .bind(&stamp.now)
        .bind(id)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(done.rows_affected());
        }
        match change {
            UserChange::Disabled(disabled) => {
                sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                    .bind(i64::from(*disabled))
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                if *disabled {
                    end_credentials(tx, id, None, false).await?;
                }
            }
            UserChange::Grant(g) => insert_grant(tx, id, g, stamp).await?,
            UserChange::Revoke(g) => delete_grant(tx, &before.user, g).await?,
            UserChange::Reset { hash } => {
                store_hash(tx, id, hash, true).await?;
                let ended = end_credentials(tx, id, None, true).await?;
                // What the reset ended, beside the reset in the user's history.
                let login = &before.user.login;
                let (actor, none) = (&stamp.actor, None::<&()>);
                record(
                    tx,
                    "user",
                    login,
                    "credentials_ended",
                    actor,
                    none,
                    Some(&ended),
                )
                .await?;
                // Devices the attacker may have logged in from are no longer known, and the
                // owner is not left locked out of the new password.
                sqlx::query("DELETE FROM login_devices WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("DELETE FROM login_throttle WHERE account = $1")
                    .bind(&before.user.login)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(1)
    }
}

async fn insert_grant(
    tx: &mut Tx,
    user_id: i64,
    g: &Grant,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let (kind, org, region, partnership) = match &g.scope {
        Scope::All => ("all", None, None, None),
        Scope::Org { org_id } => ("org", Some(*org_id), None, None),
        Scope::Region { region_code } => ("region", None, Some(region_code.clone()), None),
        Scope::Partnership { partnership_id } => ("partnership", None, None, Some(*partnership_id)),
    };
    sqlx::query(
        "INSERT INTO grants (user_id, role, scope_kind, scope_org_id, scope_region_code, \
         scope_partnership_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user_id)
    .bind(g.role.code())
    .bind(kind)
    .bind(org)
    .bind(region)
    .bind(partnership)
    .bind(&stamp.now)
    .bind(&stamp.actor.name)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes the row of grant `g` (grants are read in id order, so its index is its row's).
async fn delete_grant(tx: &mut Tx, user: &User, g: &Grant) -> Result<(), StoreError> {
    let Some(index) = user.grants.iter().position(|x| x == g) else {
        return Ok(());
    };
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM grants WHERE user_id = $1 ORDER BY id")
        .bind(user.id)
        .fetch_all(&mut **tx)
        .await?;
    if let Some(id) = ids.get(index) {
        sqlx::query("DELETE FROM grants WHERE id = $1")
            .bind(*id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Create for Account {
    type New = NewAccount;

    fn fields_of(_: &Self::New) -> Option<&UserChange> {
        None
    }

    async fn check_new(tx: &mut Tx, _: (), a: &Self::New, _: NaiveDate) -> Result<(), StoreError> {
        check_new_user(&a.new)?;
        if let Some(org) = a.new.org_id {
            crate::orgs::require(tx, "org_id", org).await?;
        }
        Ok(())
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        a: &Self::New,
        stamp: &Stamp,
    ) -> Result<String, StoreError> {
        let new = &a.new;
        sqlx::query(
            "INSERT INTO users (login, display_name, org_id, password_hash, must_change_password, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&new.login)
        .bind(new.display_name.trim())
        .bind(new.org_id)
        .bind(&a.hash)
        .bind(i64::from(a.generated))
        .bind(&stamp.now)
        .execute(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "login", "该用户名已存在"))?;
        Ok(new.login.clone())
    }
}

/// An administrator's action on a user: its name in the history, and its change.
pub(crate) struct OnUser(pub &'static str, pub UserChange);

impl Action<Account> for OnUser {
    fn name(&self) -> &'static str {
        self.0
    }

    fn apply(&self, _before: &Account, _stamp: &Stamp) -> Result<UserChange, StoreError> {
        Ok(self.1.clone())
    }
}
