//! 系统管理 · 用户 and 授权: the accounts list, a new account with its organisation, first
//! role and scope (its one-time password shown once), and one account's page: its grants
//! (add, revoke), disable or enable, reset the password (the new one-time password shown
//! once). Administrators only; every change through the accounts store, which audits it.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use duikou_core::auth::{Grant, Role, Scope};
use duikou_core::{Actor, FieldError};
use duikou_store::accounts::{NewUser, User};

use crate::admin::{tabs, Tab};
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::Flash;
use crate::shared::page::{
    html, role_key, CsrfForm, FormData, Page, PageResult, PageUser, Section,
};
use crate::shared::refs::{Choice, Refs};
use crate::AppState;

pub struct UserRow {
    pub login: String,
    pub name: String,
    pub org: String,
    pub grants: Vec<String>,
    pub disabled: bool,
    pub must_change: bool,
}

pub struct GrantRow {
    pub label: String,
    pub role: &'static str,
    pub scope: String,
}

#[derive(askama::Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    page: Page,
    tabs: Vec<Tab>,
    rows: Vec<UserRow>,
    form: FormState,
    roles: Vec<Choice>,
    scopes: Vec<Choice>,
    orgs: Vec<Choice>,
}

#[derive(askama::Template)]
#[template(path = "accounts/user.html")]
struct UserPage {
    page: Page,
    tabs: Vec<Tab>,
    u: UserRow,
    grants: Vec<GrantRow>,
    form: FormState,
    roles: Vec<Choice>,
    scopes: Vec<Choice>,
    one_time_password: Option<String>,
    flash: Option<&'static str>,
    is_self: bool,
    /// Until when (Beijing time) the account is locked for unknown devices, when it is.
    locked_until: Option<String>,
}

fn actor(s: &AppState, u: &PageUser) -> Actor {
    s.store.scoped(&u.access).actor()
}

/// The scope of a grant as the value of the scope select: `all`, `org:ID`, `region:CODE`,
/// `partnership:ID`.
fn scope_code(s: &Scope) -> String {
    match s {
        Scope::All => "all".into(),
        Scope::Org { org_id } => format!("org:{org_id}"),
        Scope::Region { region_code } => format!("region:{region_code}"),
        Scope::Partnership { partnership_id } => format!("partnership:{partnership_id}"),
    }
}

fn parse_scope(code: &str) -> Option<Scope> {
    let (kind, value) = code.split_once(':').unwrap_or((code, ""));
    match kind {
        "all" => Some(Scope::All),
        "org" => value.parse().ok().map(|org_id| Scope::Org { org_id }),
        "region" if !value.is_empty() => Some(Scope::Region {
            region_code: value.to_owned(),
        }),
        "partnership" => value
            .parse()
            .ok()
            .map(|partnership_id| Scope::Partnership { partnership_id }),
        _ => None,
    }
}

fn scope_label(lang: Lang, refs: &Refs, s: &Scope) -> String {
    match s {
        Scope::All => lang.t("grant.all").to_owned(),
        Scope::Org { org_id } => format!(
            "{}：{}",
            lang.t("grant.org"),
            refs.org_name(lang, Some(*org_id))
        ),
        Scope::Region { region_code } => format!(
            "{}：{}",
            lang.t("grant.region"),
            refs.region_with_parent(lang, region_code)
        ),
        Scope::Partnership { partnership_id } => format!(
            "{}：{}",
            lang.t("grant.partnership"),
            refs.partnership_name(lang, Some(*partnership_id))
        ),
    }
}

fn scope_choices(lang: Lang, refs: &Refs) -> Vec<Choice> {
    let mut v = vec![Choice {
        value: "all".into(),
        label: lang.t("grant.all").into(),
    }];
    for r in &refs.regions {
        let s = Scope::Region {
            region_code: r.code.clone(),
        };
        v.push(Choice {
            value: scope_code(&s),
            label: scope_label(lang, refs, &s),
        });
    }
    for p in &refs.partnerships {
        let s = Scope::Partnership {
            partnership_id: p.id,
        };
        v.push(Choice {
            value: scope_code(&s),
            label: scope_label(lang, refs, &s),
        });
    }
    for o in &refs.orgs {
        let s = Scope::Org { org_id: o.id };
        v.push(Choice {
            value: scope_code(&s),
            label: scope_label(lang, refs, &s),
        });
    }
    v
}

fn role_choices(lang: Lang) -> Vec<Choice> {
    Role::LEAST_FIRST
        .into_iter()
        .map(|r| Choice {
            value: r.code().to_owned(),
            label: lang.t(role_key(r)).to_owned(),
        })
        .collect()
}

fn user_row(lang: Lang, refs: &Refs, u: &User) -> UserRow {
    UserRow {
        login: u.login.clone(),
        name: lang.data(&u.display_name).into_owned(),
        org: refs.org_name(lang, u.org_id),
        grants: u
            .grants
            .iter()
            .map(|g| {
                format!(
                    "{} · {}",
                    lang.t(role_key(g.role)),
                    scope_label(lang, refs, &g.scope)
                )
            })
            .collect(),
        disabled: u.disabled,
        must_change: u.must_change_password,
    }
}

/// `GET /admin/users`.
pub async fn list(State(s): State<AppState>, u: PageUser, lang: Lang, uri: Uri) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    // The least right unless the administrator picks another.
    let mut form = FormState::default();
    form.set("role", Role::LEAST_FIRST[0].code());
    list_page(&s, &u, lang, &uri, form).await
}

async fn list_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    form: FormState,
) -> PageResult {
    let refs = Refs::load(s).await?;
    let users = s.store.users().await?;
    let failed = form.failed;
    let title = lang.t("admin.users").to_owned();
    let r = html(&UsersPage {
        page: Page::build(s, u, lang, Section::Admin, title, uri).await,
        tabs: tabs(lang, "/admin/users"),
        rows: users.iter().map(|x| user_row(lang, &refs, x)).collect(),
        form,
        roles: role_choices(lang),
        scopes: scope_choices(lang, &refs),
        orgs: refs.open_org_choices(lang, &[]),
    })?;
    Ok(if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

const USER_FIELDS: [&str; 5] = ["login", "display_name", "org_id", "role", "scope"];

/// The grant of a form's `role` and `scope`, or errors under those fields.
fn grant_of(lang: Lang, data: &FormData, errs: &mut Vec<FieldError>) -> Option<Grant> {
    let role = Role::parse(data.get("role"));
    if role.is_none() {
        errs.push(FieldError::new("role", "required", lang.t("err.required")));
    }
    let scope = parse_scope(data.get("scope"));
    if scope.is_none() {
        errs.push(FieldError::new("scope", "required", lang.t("err.required")));
    }
    Some(Grant {
        role: role?,
        scope: scope?,
    })
}

/// `POST /admin/users`: a new account with its first grant; shows its one-time password.
pub async fn create(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let mut form = FormState::from_data(&data);
    let mut errs = Vec::new();
    let org_id = match data.get("org_id") {
        "" => None,
        v => v.parse::<i64>().ok(),
    };
    let grant = grant_of(lang, &data, &mut errs);
    if let (Some(grant), true) = (grant, errs.is_empty()) {
        // A first grant of the administrator's role or over everything is confirmed first.
        if grant.needs_confirmation() && !data.checked("confirm") {
            form.values.remove("confirm");
            form.confirm = Some(format!(
                "{} · {}",
                lang.t(role_key(grant.role)),
                scope_label(lang, &Refs::load(&s).await?, &grant.scope)
            ));
            return list_page(&s, &u, lang, &uri, form).await;
        }
        let new = NewUser {
            login: data.get("login").to_owned(),
            display_name: data.get("display_name").to_owned(),
            org_id,
            password: None,
        };
        match s.store.scoped(&u.access).create_user(&new).await {
            Ok((_, password)) => {
                let granted = s.store.scoped(&u.access).grant(&new.login, &grant).await;
                if let Err(e) = granted {
                    return Err(e.into());
                }
                return user_page(&s, &u, lang, &uri, &new.login, password, None).await;
            }
            Err(e) => form.store_error(&USER_FIELDS, lang, e)?,
        }
    }
    form.add_all(&USER_FIELDS, lang, &errs);
    list_page(&s, &u, lang, &uri, form).await
}

/// `GET /admin/users/{login}`.
pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(login): Path<String>,
    Query(f): Query<Flash>,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let flash = match f.done.as_deref() {
        Some("granted") => Some("grant.added"),
        Some("revoked") => Some("grant.revoked"),
        Some("disabled") => Some("user.disabled_done"),
        Some("enabled") => Some("user.enabled_done"),
        Some("unlocked") => Some("user.unlocked_done"),
        _ => None,
    };
    user_page(&s, &u, lang, &uri, &login, None, flash).await
}

async fn user_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    login: &str,
    one_time_password: Option<String>,
    flash: Option<&'static str>,
) -> PageResult {
    user_page_with(s, u, lang, uri, login, one_time_password, flash, None).await
}

/// The account's page asking the administrator to confirm a wide grant (`label`), the form
/// as typed with a box to tick.
async fn user_page_confirming(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    login: &str,
    form: FormState,
    label: String,
) -> PageResult {
    let mut form = form;
    form.confirm = Some(label);
    user_page_with(s, u, lang, uri, login, None, None, Some(form)).await
}

#[allow(clippy::too_many_arguments)]
async fn user_page_with(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    login: &str,
    one_time_password: Option<String>,
    flash: Option<&'static str>,
    failed: Option<FormState>,
) -> PageResult {
    let refs = Refs::load(s).await?;
    let user = s.store.user(login).await?;
    let locked_until = s
        .store
        .login_locked_until(login, chrono::Utc::now())
        .await?
        .map(|t| {
            duikou_core::dates::china_time(t)
                .format("%H:%M")
                .to_string()
        });
    let title = format!("{} · {}", lang.t("admin.users"), user.login);
    let status_failed = failed.as_ref().is_some_and(|f| f.failed);
    let r = html(&UserPage {
        page: Page::build(s, u, lang, Section::Admin, title, uri).await,
        tabs: tabs(lang, "/admin/users"),
        grants: user
            .grants
            .iter()
            .map(|g| GrantRow {
                label: format!(
                    "{} · {}",
                    lang.t(role_key(g.role)),
                    scope_label(lang, &refs, &g.scope)
                ),
                role: g.role.code(),
                scope: scope_code(&g.scope),
            })
            .collect(),
        u: user_row(lang, &refs, &user),
        // The least right unless the administrator picks another.
        form: failed.unwrap_or_else(|| {
            let mut f = FormState::default();
            f.set("role", Role::LEAST_FIRST[0].code());
            f
        }),
        roles: role_choices(lang),
        scopes: scope_choices(lang, &refs),
        one_time_password,
        flash,
        is_self: user.id == u.user.id,
        locked_until,
    })?;
    Ok(if status_failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

/// `POST /admin/users/{login}/{action}`: grant, revoke, disable, enable, reset, unlock.
pub async fn act(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((login, action)): Path<(String, String)>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let who = actor(&s, &u);
    let back = |done: &str| {
        let l: String = form_urlencoded::byte_serialize(login.as_bytes()).collect();
        Ok(Redirect::to(&format!("/admin/users/{l}?done={done}")).into_response())
    };
    match action.as_str() {
        "grant" | "revoke" => {
            let mut errs = Vec::new();
            let mut form = FormState::from_data(&data);
            if let (Some(g), true) = (grant_of(lang, &data, &mut errs), errs.is_empty()) {
                // The administrator's role, or a role over everything, is given only once the
                // administrator has ticked that they mean it.
                if action == "grant" && g.needs_confirmation() && !data.checked("confirm") {
                    let label = format!(
                        "{} · {}",
                        lang.t(role_key(g.role)),
                        scope_label(lang, &Refs::load(&s).await?, &g.scope)
                    );
                    form.values.remove("confirm");
                    return user_page_confirming(&s, &u, lang, &uri, &login, form, label).await;
                }
                let r = if action == "grant" {
                    s.store.scoped(&u.access).grant(&login, &g).await
                } else {
                    s.store.scoped(&u.access).revoke(&login, &g).await
                };
                match r {
                    Ok(_) if action == "grant" => return back("granted"),
                    Ok(_) => return back("revoked"),
                    Err(e) => form.store_error(&["role", "scope"], lang, e)?,
                }
            }
            form.add_all(&["role", "scope"], lang, &errs);
            user_page_with(&s, &u, lang, &uri, &login, None, None, Some(form)).await
        }
        "disable" | "enable" => {
            let disable = action == "disable";
            if disable && login == u.user.login {
                return Err(crate::shared::page::PageError::new(
                    StatusCode::CONFLICT,
                    "user.not_self",
                ));
            }
            s.store
                .scoped(&u.access)
                .set_user_disabled(&login, disable)
                .await?;
            back(if disable { "disabled" } else { "enabled" })
        }
        "reset" => {
            let p = s.store.scoped(&u.access).reset_password(&login).await?;
            user_page(&s, &u, lang, &uri, &login, Some(p), Some("user.reset_done")).await
        }
        "unlock" => {
            s.store.clear_login_lock(&who, &login).await?;
            back("unlocked")
        }
        _ => Err(crate::shared::page::PageError::not_found()),
    }
}
