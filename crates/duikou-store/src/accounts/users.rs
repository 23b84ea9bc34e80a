//! Users, their grants, and the resolution of grants into an `Access`.

use duikou_core::auth::{check_password, Access, Grant, ResolvedScope, Role, Scope};
use duikou_core::ValidationError;
use serde::Serialize;

use crate::rows::{RowReader, Tx};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub org_id: Option<i64>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub grants: Vec<Grant>,
    /// The language chosen for the pages (`zh-Hans`, `zh-Hant`, `en`), if any.
    pub lang: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub org_id: Option<i64>,
    /// The first password; a generated one (to be changed at first login) when absent.
    pub password: Option<String>,
}

/// A new user's login and name, and the first password when one is given.
pub(crate) fn check_new_user(new: &NewUser) -> Result<(), StoreError> {
    check_login(&new.login)?;
    let mut errs = duikou_core::error::Errors::new();
    duikou_core::validate::name(
        &mut errs,
        "display_name",
        &new.display_name,
        duikou_core::text::TextKind::Label,
    );
    errs.finish()?;
    if let Some(p) = &new.password {
        check_password(&new.login, p)?;
    }
    Ok(())
}

/// A login: 3–32 lowercase letters, digits, '.', '_' or '-'.
fn check_login(login: &str) -> Result<(), ValidationError> {
    let ok = (3..=32).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::one(
            "login",
            "login",
            "用户名为3到32位小写字母、数字或 . _ -",
        ))
    }
}

const COLS: &str = "id, login, display_name, org_id, must_change_password, disabled, lang";

async fn read(tx: &mut Tx, row: &sqlx::any::AnyRow) -> Result<User, StoreError> {
    let r = RowReader::new(row, "users");
    let id = r.i64("id")?;
    Ok(User {
        id,
        login: r.text("login")?,
        display_name: r.text("display_name")?,
        org_id: r.opt_i64("org_id")?,
        must_change_password: r.flag("must_change_password")?,
        disabled: r.flag("disabled")?,
        lang: r.opt_text("lang")?,
        grants: grants_in(tx, id).await?,
    })
}

async fn grants_in(tx: &mut Tx, user_id: i64) -> Result<Vec<Grant>, StoreError> {
    let rows = sqlx::query(
        "SELECT role, scope_kind, scope_org_id, scope_region_code, scope_partnership_id \
         FROM grants WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let r = RowReader::new(row, "grants");
        let scope = match r.text("scope_kind")?.as_str() {
            "all" => Scope::All,
            "org" => Scope::Org {
                org_id: r.opt_i64("scope_org_id")?.unwrap_or_default(),
            },
            "region" => Scope::Region {
                region_code: r.opt_text("scope_region_code")?.unwrap_or_default(),
            },
            _ => Scope::Partnership {
                partnership_id: r.opt_i64("scope_partnership_id")?.unwrap_or_default(),
            },
        };
        out.push(Grant {
            role: r.code("role", Role::parse)?,
            scope,
        });
    }
    Ok(out)
}

pub(crate) async fn by_login_in(
    tx: &mut Tx,
    login: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLS}, password_hash FROM users WHERE login = $1"
    ))
    .bind(login)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let hash = RowReader::new(&row, "users").text("password_hash")?;
            Ok(Some((read(tx, &row).await?, hash)))
        }
    }
}

pub(crate) async fn by_id_in(tx: &mut Tx, id: i64) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        None => Ok(None),
        Some(row) => Ok(Some(read(tx, &row).await?)),
    }
}

pub(crate) async fn require_login(tx: &mut Tx, login: &str) -> Result<User, StoreError> {
    by_login_in(tx, login)
        .await?
        .map(|(u, _)| u)
        .ok_or_else(|| StoreError::not_found("user", login))
}

impl Store {
    pub async fn user(&self, login: &str) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        let u = require_login(&mut tx, login).await;
        tx.commit().await?;
        u
    }

    pub async fn user_by_id(&self, id: i64) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        let u = by_id_in(&mut tx, id).await?;
        tx.commit().await?;
        u.ok_or_else(|| StoreError::not_found("user", id))
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut tx = self.begin().await?;
        let rows = sqlx::query(&format!("SELECT {COLS} FROM users ORDER BY login"))
            .fetch_all(&mut *tx)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(read(&mut tx, row).await?);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Records the language a user chose for the pages (a short tag the web layer checks), or
    /// forgets it with `None`. Not audited: a preference, not a right.
    pub async fn set_user_lang(&self, user_id: i64, lang: Option<&str>) -> Result<(), StoreError> {
        if lang.is_some_and(|l| l.is_empty() || l.len() > 16) {
            return Err(StoreError::invalid("lang", "lang", "语言代码无效"));
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("user", user_id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Resolves grants into the paths and ids that records carry.
    pub async fn resolve_access(
        &self,
        user: &User,
        grants: &[Grant],
    ) -> Result<Access, StoreError> {
        let mut resolved = Vec::with_capacity(grants.len());
        for g in grants {
            let scope = match &g.scope {
                Scope::All => ResolvedScope::All,
                Scope::Org { org_id } => ResolvedScope::Org(*org_id),
                Scope::Region { region_code } => match self.region(region_code).await {
                    Ok(r) => ResolvedScope::RegionPath(r.path),
                    Err(StoreError::NotFound { .. }) => continue,
                    Err(e) => return Err(e),
                },
                Scope::Partnership { partnership_id } => {
                    match self.partnership(*partnership_id).await {
                        Ok(p) => ResolvedScope::PartnershipPath(p.path),
                        Err(StoreError::NotFound { .. }) => continue,
                        Err(e) => return Err(e),
                    }
                }
            };
            resolved.push((g.role, scope));
        }
        Ok(Access::from_grants(
            Some(user.id),
            &user.login,
            user.org_id,
            &resolved,
        ))
    }
}
