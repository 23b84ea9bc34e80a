//! What every page shares: the signed-in user (from the session cookie; no session → the
//! login page), the CSRF check of forms, the layout's context (language, navigation, user,
//! org and role) and the error pages.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use duikou_core::auth::{Access, Role};
use duikou_store::accounts::User;
use duikou_store::StoreError;

use crate::shared::auth::{cookie, CSRF_HEADER, SESSION_COOKIE};
use crate::shared::i18n::Lang;
use crate::AppState;

/// The signed-in user of a page request.
#[derive(Debug, Clone)]
pub struct PageUser {
    pub user: User,
    pub access: Access,
    pub csrf: String,
    pub session_token: String,
}

/// The session's CSRF token, left in the request by [`PageUser`] for [`CsrfForm`].
#[derive(Debug, Clone)]
struct SessionCsrf(String);

/// Paths a user who must change their first password may still open.
/// `/login?next=…` for the page asked for (only local paths are kept).
pub fn login_redirect(parts: &Parts) -> Redirect {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Redirect::to(&format!("/login?next={encoded}"))
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(parts, SESSION_COOKIE).map(str::to_owned) else {
            return Err(login_redirect(parts).into_response());
        };
        let found = s
            .auth
            .session(&s.store, &token)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let Some(known) = found else {
            return Err(login_redirect(parts).into_response());
        };
        if known.user.must_change_password
            && !crate::shared::auth::allowed_before_password_change(parts.uri.path())
        {
            return Err(Redirect::to("/password").into_response());
        }
        remember_lang(s, &known.user, parts).await;
        let csrf = known.csrf.clone().unwrap_or_default();
        parts.extensions.insert(SessionCsrf(csrf.clone()));
        Ok(PageUser {
            user: known.user.clone(),
            access: known.access.clone(),
            csrf,
            session_token: token,
        })
    }
}

/// A language chosen by `?lang=` is kept on the user, so that it applies at their next login
/// on any device. A failure to keep it does not fail the page.
async fn remember_lang(s: &AppState, user: &User, parts: &Parts) {
    let chosen = parts.uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    if let Some(l) = chosen.filter(|l| user.lang.as_deref() != Some(l.code())) {
        if let Err(e) = s.store.set_user_lang(user.id, Some(l.code())).await {
            tracing::warn!(error = %e, "could not keep the user's language");
        }
    }
}

/// The language of the request (set by the language layer).
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Lang>().copied().unwrap_or_default())
    }
}

/// The fields of a submitted form, accepted only with the session's CSRF token (the hidden
/// field `csrf_token`, or the `X-CSRF-Token` header). Must follow [`PageUser`] among a
/// handler's arguments; without a session every form is refused.
#[derive(Debug, Clone, Default)]
pub struct CsrfForm(pub FormData);

/// A page's form: core's [`Input`](duikou_core::input::Input), the same a JSON body or the
/// command line gives a command (the last value wins when a name repeats).
pub type FormData = duikou_core::input::Input;

/// The fields of a URL-encoded form body.
pub fn form_data(body: &[u8]) -> FormData {
    duikou_core::input::Input::from_pairs(form_urlencoded::parse(body).into_owned())
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = Response;

    async fn from_request(req: Request, s: &AppState) -> Result<Self, Response> {
        let expected = req.extensions().get::<SessionCsrf>().map(|c| c.0.clone());
        let header_token = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = Bytes::from_request(req, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = form_data(&body);
        let sent = header_token.or_else(|| form.opt("csrf_token"));
        match (expected, sent) {
            (Some(e), Some(s)) if !e.is_empty() && e == s => Ok(CsrfForm(form)),
            _ => Err(PageError::new(StatusCode::FORBIDDEN, "error.csrf").into_response()),
        }
    }
}

/// A failure shown as a page: its status and the catalog key of its message, plus the
/// store's own message where there is one. The language layer renders it.
#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    pub key: &'static str,
    pub detail: Option<String>,
}

impl PageError {
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        Self {
            status,
            key,
            detail: None,
        }
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "error.not_found")
    }
}

impl From<StoreError> for PageError {
    /// The status is the API's ([`crate::shared::error::store_status`]); the message the catalogue's.
    fn from(e: StoreError) -> Self {
        let (status, _) = crate::shared::error::store_status(&e);
        let (key, detail) = match e {
            StoreError::NotFound { .. } => ("error.not_found", None),
            StoreError::Forbidden(m) => ("error.forbidden", Some(m)),
            e @ StoreError::OutOfScope(_) => ("error.forbidden", Some(e.to_string())),
            StoreError::Stale { .. } => ("error.stale", None),
            StoreError::InUse(m) => ("error.in_use", Some(m)),
            StoreError::Invalid(v) => (
                "error.invalid",
                Some(
                    v.0.iter()
                        .map(|f| f.message.clone())
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
            ),
            other => {
                tracing::error!(error = %other, "store failure on a page");
                ("error.internal", None)
            }
        };
        PageError {
            status,
            key,
            detail,
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "template failure");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        r.extensions_mut().insert(self);
        r
    }
}

pub type PageResult<T = Response> = Result<T, PageError>;

#[derive(askama::Template)]
#[template(path = "shared/error.html")]
struct ErrorTemplate<'a> {
    lang: Lang,
    status: u16,
    message: &'a str,
    detail: Option<String>,
}

impl ErrorTemplate<'_> {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

/// Replaces an empty answer that carries a [`PageError`] by the error page in `lang`.
pub fn render_error_page(response: Response, lang: Lang) -> Response {
    let Some(err) = response.extensions().get::<PageError>().cloned() else {
        return response;
    };
    let page = ErrorTemplate {
        lang,
        status: err.status.as_u16(),
        message: lang.t(err.key),
        detail: err.detail.map(|d| lang.message(&d)),
    };
    match askama::Template::render(&page) {
        Ok(html) => (err.status, Html(html)).into_response(),
        Err(_) => (err.status, lang.t(err.key)).into_response(),
    }
}

/// One entry of the left navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub label: &'static str,
    /// `None` for sections not built yet (shown, not linked).
    pub href: Option<&'static str>,
    pub active: bool,
}

/// One choice of the language switch.
#[derive(Debug, Clone)]
pub struct LangLink {
    pub label: &'static str,
    pub code: &'static str,
    pub href: String,
    pub active: bool,
}

/// The layout's context: every page template holds one as `page`.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub user_name: String,
    pub org_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub langs: Vec<LangLink>,
    pub can_create: bool,
    /// The 大屏 page has no navigation and its own dark look.
    pub screen: bool,
}

impl Page {
    /// The UI text of a catalog key.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

/// The most significant role of the user's grants.
fn main_role(user: &User) -> Option<Role> {
    Role::ALL
        .into_iter()
        .find(|r| user.grants.iter().any(|g| g.role == *r))
}

/// Which navigation entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Projects,
    Steps,
    Warnings,
    Slips,
    Requests,
    Admin,
    Account,
}

impl Page {
    /// The context of a page of `section` for the signed-in user; `uri` is the page's own
    /// address (the language switch links back to it).
    pub async fn build(
        s: &AppState,
        u: &PageUser,
        lang: Lang,
        section: Section,
        title: String,
        uri: &axum::http::Uri,
    ) -> Page {
        let org_name = match u.user.org_id {
            Some(id) => s.store.org(id).await.map(|o| o.name).unwrap_or_default(),
            None => String::new(),
        };
        let role = main_role(&u.user);
        let admin = role == Some(Role::Admin);
        let edits = u.access.edits_any();
        let lead = matches!(role, Some(Role::Leader | Role::Coordinator | Role::Admin));
        let mut nav = vec![
            (
                "nav.dashboard",
                Some("/"),
                section == Section::Dashboard,
                true,
            ),
            (
                "nav.projects",
                Some("/projects"),
                section == Section::Projects,
                true,
            ),
            (
                "nav.steps",
                Some("/steps"),
                section == Section::Steps,
                edits || lead,
            ),
            (
                "nav.warnings",
                Some("/warnings"),
                section == Section::Warnings,
                true,
            ),
            (
                "nav.slips",
                Some("/slips"),
                section == Section::Slips,
                lead || edits,
            ),
            (
                "nav.requests",
                Some("/stage-requests"),
                section == Section::Requests,
                lead || edits,
            ),
            ("nav.ledger", None, false, true),
            ("nav.stats", None, false, true),
            ("nav.import", None, false, edits || admin),
            (
                "nav.admin",
                Some("/admin/users"),
                section == Section::Admin,
                admin,
            ),
        ];
        nav.retain(|n| n.3);
        Page {
            lang,
            title,
            user_name: lang.data(&u.user.display_name).into_owned(),
            org_name: lang.data(&org_name).into_owned(),
            role_label: role.map(|r| lang.t(role_key(r))).unwrap_or(""),
            csrf: u.csrf.clone(),
            nav: nav
                .into_iter()
                .map(|(key, href, active, _)| NavItem {
                    label: lang.t(key),
                    href,
                    active,
                })
                .collect(),
            langs: lang_links(lang, uri),
            can_create: edits,
            screen: false,
        }
    }
}

pub fn role_key(r: Role) -> &'static str {
    match r {
        Role::Admin => "role.admin",
        Role::Coordinator => "role.coordinator",
        Role::Editor => "role.editor",
        Role::Leader => "role.leader",
        Role::Viewer => "role.viewer",
    }
}

/// The page's own address with `lang=` set to each language.
pub fn lang_links(current: Lang, uri: &axum::http::Uri) -> Vec<LangLink> {
    let kept: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .filter(|(k, _)| k != "lang")
                .collect()
        })
        .unwrap_or_default();
    Lang::ALL
        .into_iter()
        .map(|l| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            q.append_pair("lang", l.code());
            LangLink {
                label: l.switch_label(),
                code: l.code(),
                href: format!("{}?{}", uri.path(), q.finish()),
                active: l == current,
            }
        })
        .collect()
}

/// Renders a template into a page answer.
pub fn html(t: &impl askama::Template) -> PageResult {
    Ok(Html(t.render()?).into_response())
}

/// The `?done=…` a page is redirected to after a write, naming what was done, so that the page
/// can say so once.
#[derive(Debug, serde::Deserialize)]
pub struct Flash {
    pub done: Option<String>,
}
