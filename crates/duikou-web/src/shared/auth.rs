//! Who is asking: a bearer token (`Authorization: Bearer dk_…`) or a session cookie. Requests
//! without either get 401. A state-changing request made with a session cookie must also carry
//! the session's CSRF token (`X-CSRF-Token` header), so that another site cannot make a
//! logged-in browser act.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use duikou_core::auth::Access;
use duikou_store::accounts::{TokenBound, User};
use duikou_store::{Scoped, Store};

use crate::shared::error::ApiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "duikou_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The long-lived cookie that makes a client a known device of the users it logged in as.
pub const DEVICE_COOKIE: &str = "duikou_device";
/// A device cookie lasts a year (renewed at each login).
const DEVICE_MAX_AGE: i64 = 365 * 24 * 3600;

/// How the request was authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    Session {
        token: String,
        csrf: String,
    },
    /// A bearer token, with its own grants and expiry.
    Token(TokenBound),
}

/// The authenticated user of a request and their resolved rights.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub access: Access,
    pub via: Via,
}

impl CurrentUser {
    pub fn scoped<'a>(&'a self, store: &'a Store) -> Scoped<'a> {
        store.scoped(&self.access)
    }
}

/// The value of one cookie of the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address, for throttling and the audit log.
pub fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

/// Paths a user who must change their first password may still use.
/// What a user who must change their password may still reach, in the API and the pages:
/// the password change itself, who they are, signing out, and the pages' assets.
pub(crate) fn allowed_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/api/v1/me" | "/api/v1/me/password" | "/password" | "/logout"
    ) || path.starts_with("/api/v1/session")
        || path.starts_with("/assets/")
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let (known, via) = if let Some(secret) = bearer {
            let known = s
                .auth
                .token(&s.store, secret)
                .await?
                .ok_or_else(|| unauthorized("令牌无效、已过期或已撤销"))?;
            let bound = known.token.clone().unwrap_or(TokenBound {
                grants: Vec::new(),
                expires_at: None,
            });
            (known, Via::Token(bound))
        } else if let Some(token) = cookie(parts, SESSION_COOKIE) {
            let known = s
                .auth
                .session(&s.store, token)
                .await?
                .ok_or_else(|| unauthorized("登录已过期，请重新登录"))?;
            let via = Via::Session {
                token: token.to_owned(),
                csrf: known.csrf.clone().unwrap_or_default(),
            };
            (known, via)
        } else {
            return Err(unauthorized(
                "请先登录，或在 Authorization 请求头中提供令牌",
            ));
        };
        if let Via::Session { csrf, .. } = &via {
            let unsafe_method =
                !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if unsafe_method && sent != Some(csrf.as_str()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "请求缺少有效的 CSRF 令牌，已拒绝",
                ));
            }
        }
        if known.user.must_change_password && !allowed_before_password_change(parts.uri.path()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "请先修改初始密码",
            ));
        }
        Ok(CurrentUser {
            user: known.user.clone(),
            access: known.access.clone(),
            via,
        })
    }
}

/// The client's address as an extractor.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_address(parts)))
    }
}

/// A signed-in administrator. Handlers of administrators' routes take it before their body,
/// so a caller without the right hears 401 or 403 before anything about the body (422).
pub struct Admin(pub CurrentUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let u = CurrentUser::from_request_parts(parts, s).await?;
        u.scoped(&s.store).require_admin()?;
        Ok(Admin(u))
    }
}

/// The device cookie the client sent, if any (see [`DEVICE_COOKIE`]).
pub struct Device(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Device {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Device(cookie(parts, DEVICE_COOKIE).map(str::to_owned)))
    }
}

/// The `Set-Cookie` value that keeps a device's token (HttpOnly, a year).
pub fn device_cookie(secure: bool, token: &str) -> Option<axum::http::HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{DEVICE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={DEVICE_MAX_AGE}{secure}"
    );
    axum::http::HeaderValue::from_str(&text).ok()
}

/// The answer to a locked login: 429 with the seconds to wait in `Retry-After`.
pub fn locked_response(message: String, retry_after: i64) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut r = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "locked", message).into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, retry_after.max(1).into());
    r
}
