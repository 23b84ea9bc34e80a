//! Login, logout and change of password (forced at first login when the account says so).

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use duikou_store::accounts::{LoginError, PasswordChange};
use serde::Deserialize;

use crate::shared::auth::{device_cookie, ClientAddr, Device, SESSION_COOKIE};
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::{
    html, lang_links, CsrfForm, LangLink, Page, PageResult, PageUser, Section,
};
use crate::AppState;

#[derive(askama::Template)]
#[template(path = "session/login.html")]
struct LoginPage {
    lang: Lang,
    langs: Vec<LangLink>,
    form: FormState,
    next: String,
}

impl LoginPage {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

#[derive(Debug, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// Only a local path may be the target after login (no `//host` or `https://…`).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn session_cookie(s: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if s.secure_cookies { "; Secure" } else { "" };
    let text = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub async fn login_form(lang: Lang, uri: Uri, Query(p): Query<NextParam>) -> PageResult {
    html(&LoginPage {
        lang,
        langs: lang_links(lang, &uri),
        form: FormState::default(),
        next: safe_next(p.next.as_deref()),
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(s): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: axum::http::HeaderMap,
    ClientAddr(address): ClientAddr,
    Device(device): Device,
    Form(input): Form<LoginInput>,
) -> PageResult {
    let next = safe_next(input.next.as_deref());
    let mut form = FormState::default();
    form.set("login", input.login.trim());
    let now = chrono::Utc::now();
    let failure = match s
        .store
        .login(
            input.login.trim(),
            &input.password,
            &address,
            device.as_deref(),
            now,
        )
        .await
    {
        Ok(user) => {
            let (token, session) = s.store.create_session(user.id, &address, now).await?;
            let device = s
                .store
                .remember_device(user.id, device.as_deref(), now)
                .await?;
            let max_age = (session.expires_at - now).num_seconds();
            let to = if user.must_change_password {
                "/password".to_owned()
            } else {
                next
            };
            let mut r = Redirect::to(&to).into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&s, &token, max_age));
            if let Some(v) = device_cookie(s.secure_cookies, &device) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            // A language chosen in this browser (on the login page itself, say) is the
            // user's latest choice: it stays and is kept on the user. Without one, the
            // language the user chose before, on whatever device, applies here too.
            match crate::shared::i18n::cookie_lang(&headers) {
                Some(chosen) if user.lang.as_deref() != Some(chosen.code()) => {
                    if let Err(e) = s.store.set_user_lang(user.id, Some(chosen.code())).await {
                        tracing::warn!(error = %e, "could not keep the user's language");
                    }
                }
                Some(_) => {}
                None => {
                    if let Some(v) = user
                        .lang
                        .as_deref()
                        .and_then(crate::shared::i18n::lang_cookie)
                    {
                        r.headers_mut().append(header::SET_COOKIE, v);
                    }
                }
            }
            return Ok(r);
        }
        Err(LoginError::Invalid { failures }) => {
            let pause = u64::try_from(failures.min(5)).unwrap_or(0) * 200;
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            lang.t("login.invalid").to_owned()
        }
        Err(e @ LoginError::Locked { .. }) => lang.message(&e.to_string()),
        Err(LoginError::Disabled) => lang.t("login.disabled").to_owned(),
        Err(LoginError::Store(e)) => return Err(e.into()),
    };
    form.general_error(failure);
    let page = LoginPage {
        lang,
        langs: lang_links(lang, &uri),
        form,
        next,
    };
    Ok((StatusCode::UNAUTHORIZED, html(&page)?).into_response())
}

pub async fn logout(State(s): State<AppState>, u: PageUser, _: CsrfForm) -> PageResult {
    s.store.delete_session(&u.session_token).await?;
    s.store.audit_event(&u.user.login, "logout", "").await?;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok(r)
}

#[derive(askama::Template)]
#[template(path = "session/password.html")]
struct PasswordPage {
    page: Page,
    form: FormState,
    forced: bool,
    done: bool,
}

const PASSWORD_FIELDS: [&str; 3] = ["current_password", "new_password", "confirm_password"];

pub async fn password_form(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Query(q): Query<DoneParam>,
) -> PageResult {
    let page = Page::build(
        &s,
        &u,
        lang,
        Section::Account,
        lang.t("password.title").into(),
        &uri,
    )
    .await;
    html(&PasswordPage {
        page,
        form: FormState::default(),
        forced: u.user.must_change_password,
        done: q.done.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub struct DoneParam {
    done: Option<String>,
}

pub async fn change_password(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    ClientAddr(address): ClientAddr,
    Device(device): Device,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::default();
    let current = data.0.get("current_password").cloned().unwrap_or_default();
    let new = data.0.get("new_password").cloned().unwrap_or_default();
    let confirm = data.0.get("confirm_password").cloned().unwrap_or_default();
    let login = u.user.login.clone();
    let field =
        |f: &str, code: &'static str, key: &str| duikou_core::FieldError::new(f, code, lang.t(key));
    let mut errors = Vec::new();
    match s
        .store
        .login(
            &login,
            &current,
            &address,
            device.as_deref(),
            chrono::Utc::now(),
        )
        .await
    {
        Ok(_) => {}
        Err(LoginError::Store(e)) => return Err(e.into()),
        Err(_) => errors.push(field(
            "current_password",
            "wrong_password",
            "password.wrong",
        )),
    }
    if new != confirm {
        errors.push(field("confirm_password", "mismatch", "password.mismatch"));
    } else if new == current {
        errors.push(field("new_password", "unchanged", "password.unchanged"));
    }
    if errors.is_empty() {
        let change = PasswordChange {
            keep_session: Some(&u.session_token),
            revoke_tokens: data.0.contains_key("revoke_tokens"),
        };
        let done = s
            .store
            .change_password(&u.access.actor(), &login, &new, &change)
            .await;
        match done {
            Ok(_) => return Ok(Redirect::to("/password?done=1").into_response()),
            Err(duikou_store::StoreError::Invalid(v)) => {
                for mut e in v.0 {
                    e.field = "new_password".to_owned();
                    errors.push(e);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    form.add_all(&PASSWORD_FIELDS, lang, &errors);
    let page = Page::build(
        &s,
        &u,
        lang,
        Section::Account,
        lang.t("password.title").into(),
        &uri,
    )
    .await;
    let body = PasswordPage {
        page,
        form,
        forced: u.user.must_change_password,
        done: false,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&body)?).into_response())
}
