//! `/api/v1/session` (login, logout) and `/api/v1/me` (the current user, password, tokens).

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use duikou_core::auth::Grant;
use duikou_store::accounts::{ApiToken, LoginError, NewToken, PasswordChange, User};
use serde::{Deserialize, Serialize};

use crate::shared::api::ListBody;
use crate::shared::auth::{
    device_cookie, locked_response, ClientAddr, CurrentUser, Device, Via, SESSION_COOKIE,
};
use crate::shared::error::{ApiError, ApiResult};
use crate::shared::extract::ApiJson;
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/session/logout-all", post(logout_all))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", put(change_password))
        .route("/api/v1/me/tokens", get(tokens).post(create_token))
        .route("/api/v1/me/tokens/{id}", delete(revoke_token))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResult {
    #[schema(value_type = serde_json::Value)]
    pub user: User,
    /// Send it back as `X-CSRF-Token` on every state-changing request of this session.
    pub csrf_token: String,
    pub must_change_password: bool,
}

fn session_cookie(s: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if s.secure_cookies { "; Secure" } else { "" };
    let text = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Logs in with a login and password: sets the session cookie and the device cookie
/// (`duikou_device`, a year) and returns the CSRF token. Wrong passwords slow the answer; a
/// run of them from one address against one account locks that pair for a while (429 with
/// `Retry-After` in seconds), not the account: the right password from a device that logged
/// in as the user before still passes.
#[utoipa::path(post, path = "/api/v1/session", tag = "accounts", request_body = LoginBody,
    responses((status = 200, body = LoginResult), (status = 401, body = crate::shared::error::ErrorBody),
        (status = 429, body = crate::shared::error::ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds until the lock ends")))))]
pub async fn login(
    State(s): State<AppState>,
    ClientAddr(address): ClientAddr,
    Device(device): Device,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let now = chrono::Utc::now();
    let user = match s
        .store
        .login(
            &body.login,
            &body.password,
            &address,
            device.as_deref(),
            now,
        )
        .await
    {
        Ok(u) => u,
        Err(LoginError::Invalid { failures }) => {
            let pause = u64::try_from(failures.min(5)).unwrap_or(0) * 200;
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "用户名或密码错误",
            ));
        }
        Err(e @ LoginError::Locked { retry_after, .. }) => {
            return Ok(locked_response(e.to_string(), retry_after))
        }
        Err(e @ LoginError::Disabled) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "disabled",
                e.to_string(),
            ))
        }
        Err(LoginError::Store(e)) => return Err(e.into()),
    };
    let (token, session) = s.store.create_session(user.id, &address, now).await?;
    let device = s
        .store
        .remember_device(user.id, device.as_deref(), now)
        .await?;
    let max_age = (session.expires_at - now).num_seconds();
    let body = LoginResult {
        must_change_password: user.must_change_password,
        user,
        csrf_token: session.csrf_token,
    };
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, &token, max_age));
    if let Some(v) = device_cookie(s.secure_cookies, &device) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// Logs out of this session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts", responses((status = 204)))]
pub async fn logout(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    if let Via::Session { token, .. } = &user.via {
        s.store.delete_session(token).await?;
    }
    s.store.audit_event(&user.user.login, "logout", "").await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok(response)
}

/// Ends every session of the current user, on every device.
#[utoipa::path(post, path = "/api/v1/session/logout-all", tag = "accounts", responses((status = 204)))]
pub async fn logout_all(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    s.store.delete_user_sessions(user.user.id).await?;
    s.store
        .audit_event(&user.user.login, "logout_all", "")
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok(response)
}

/// The current user, their grants and whether they must change their password.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = serde_json::Value)))]
pub async fn me(user: CurrentUser) -> Json<User> {
    Json(user.user)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub current_password: String,
    pub new_password: String,
    /// Also revoke every API token of the user; they keep working when false or absent.
    #[serde(default)]
    pub revoke_tokens: bool,
}

/// Changes the current user's password (the policy: ≥10 characters of two kinds, not the
/// login). Every other session of the user ends: the session making the change stays logged
/// in, and a change made with a bearer token ends all sessions. The user's API tokens keep
/// working unless `revoke_tokens` is true (then all of them are revoked, the one making the
/// change included).
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordBody,
    responses((status = 204), (status = 401, body = crate::shared::error::ErrorBody),
        (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn change_password(
    State(s): State<AppState>,
    ClientAddr(address): ClientAddr,
    Device(device): Device,
    user: CurrentUser,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    let login = user.user.login.clone();
    let now = chrono::Utc::now();
    match s
        .store
        .login(
            &login,
            &body.current_password,
            &address,
            device.as_deref(),
            now,
        )
        .await
    {
        Ok(_) => {}
        Err(LoginError::Store(e)) => return Err(e.into()),
        Err(_) => {
            return Err(ApiError::field(
                "current_password",
                "wrong",
                "当前密码不正确",
            ))
        }
    }
    if body.new_password == body.current_password {
        return Err(ApiError::field(
            "new_password",
            "unchanged",
            "新密码不能与当前密码相同",
        ));
    }
    let actor = user.access.actor();
    let change = PasswordChange {
        keep_session: match &user.via {
            Via::Session { token, .. } => Some(token.as_str()),
            Via::Token(_) => None,
        },
        revoke_tokens: body.revoke_tokens,
    };
    s.store
        .change_password(&actor, &login, &body.new_password, &change)
        .await
        .map_err(|e| match ApiError::from(e) {
            mut a if a.status == StatusCode::UNPROCESSABLE_ENTITY => {
                for d in &mut a.details {
                    d.field = "new_password".to_owned();
                }
                a
            }
            a => a,
        })?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts", responses((status = 200, body = serde_json::Value)))]
pub async fn tokens(
    State(s): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<ListBody<ApiToken>>> {
    Ok(Json(ListBody::all(s.store.tokens(user.user.id).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub name: String,
    /// Days until it expires (1..=3650); never when absent (made with a token: when that
    /// token expires).
    pub expires_in_days: Option<i64>,
    /// A subset of the user's grants (made with a token: of that token's); all of them when
    /// absent.
    pub grants: Option<Vec<Grant>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[schema(value_type = serde_json::Value)]
    pub token: ApiToken,
    /// The secret, shown only in this answer: `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// Creates an API token for the current user; the secret is shown once. Made with a token,
/// the new one carries at most that token's grants (all of them by default) and expires no
/// later than it (at the same time by default).
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = TokenBody,
    responses((status = 201, body = CreatedToken),
        (status = 422, description = "a grant or expiry beyond the user's (or, made with a token, beyond that token's)", body = crate::shared::error::ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<TokenBody>,
) -> ApiResult<impl IntoResponse> {
    let parent = match user.via {
        Via::Token(bound) => Some(bound),
        Via::Session { .. } => None,
    };
    let new = NewToken {
        name: body.name,
        expires_in_days: body.expires_in_days,
        grants: body.grants,
        parent,
    };
    let (token, secret) = s
        .store
        .create_token(&user.user, &new, chrono::Utc::now())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// Revokes one of the current user's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts", responses((status = 204)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    s.store
        .revoke_token(&user.user, id, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
