//! `/api/v1/users`: accounts and grants, for administrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use duikou_core::auth::Grant;
use duikou_store::accounts::{NewUser, User};
use serde::{Deserialize, Serialize};

use crate::shared::api::ListBody;
use crate::shared::auth::Admin;
use crate::shared::error::ApiResult;
use crate::shared::extract::ApiJson;
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{login}", get(read))
        .route("/api/v1/users/{login}/grants", post(grant).delete(revoke))
        .route("/api/v1/users/{login}/disable", post(disable))
        .route("/api/v1/users/{login}/enable", post(enable))
        .route("/api/v1/users/{login}/reset-password", post(reset_password))
        .route("/api/v1/users/{login}/lock", delete(clear_lock))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn list(State(s): State<AppState>, _: Admin) -> ApiResult<Json<ListBody<User>>> {
    Ok(Json(ListBody::all(s.store.users().await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{login}", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn read(
    State(s): State<AppState>,
    _: Admin,
    Path(login): Path<String>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.store.user(&login).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    pub login: String,
    pub display_name: String,
    pub org_id: Option<i64>,
    /// The first password; a generated one (to be changed at first login) when absent.
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    #[schema(value_type = serde_json::Value)]
    pub user: User,
    /// The generated first password, shown once.
    pub password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserBody,
    responses((status = 201, body = CreatedUser), (status = 403), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(b): ApiJson<UserBody>,
) -> ApiResult<impl IntoResponse> {
    let new = NewUser {
        login: b.login,
        display_name: b.display_name,
        org_id: b.org_id,
        password: b.password,
    };
    let (user, password) = u.scoped(&s.store).create_user(&new).await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user, password })))
}

#[utoipa::path(post, path = "/api/v1/users/{login}/grants", tag = "accounts", request_body = Grant,
    responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn grant(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(login): Path<String>,
    ApiJson(g): ApiJson<Grant>,
) -> ApiResult<Json<User>> {
    Ok(Json(u.scoped(&s.store).grant(&login, &g).await?))
}

#[utoipa::path(delete, path = "/api/v1/users/{login}/grants", tag = "accounts", request_body = Grant,
    responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn revoke(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(login): Path<String>,
    ApiJson(g): ApiJson<Grant>,
) -> ApiResult<Json<User>> {
    Ok(Json(u.scoped(&s.store).revoke(&login, &g).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{login}/disable", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn disable(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(login): Path<String>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        u.scoped(&s.store).set_user_disabled(&login, true).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/users/{login}/enable", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn enable(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(login): Path<String>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        u.scoped(&s.store).set_user_disabled(&login, false).await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResetResult {
    /// The new password, shown once; it must be changed at the next login.
    pub password: String,
}

/// Resets a user's password to a generated one (to be changed at the next login). The account
/// is presumed compromised: every session of the user ends, every API token is revoked, their
/// known devices are forgotten and their login locks cleared.
#[utoipa::path(post, path = "/api/v1/users/{login}/reset-password", tag = "accounts",
    params(("login" = String, Path, description = "The user's login")),
    responses((status = 200, body = ResetResult), (status = 403), (status = 404)))]
pub async fn reset_password(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(login): Path<String>,
) -> ApiResult<Json<ResetResult>> {
    let password = u.scoped(&s.store).reset_password(&login).await?;
    Ok(Json(ResetResult { password }))
}

/// Clears the login locks and failure counts of a user (those of addresses expire on their
/// own); recorded in the audit log.
#[utoipa::path(delete, path = "/api/v1/users/{login}/lock", tag = "accounts",
    params(("login" = String, Path, description = "The user's login")),
    responses((status = 204, description = "The account's locks are cleared"),
        (status = 401, body = crate::shared::error::ErrorBody), (status = 403, body = crate::shared::error::ErrorBody),
        (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn clear_lock(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(login): Path<String>,
) -> ApiResult<StatusCode> {
    s.store.clear_login_lock(&u.access.actor(), &login).await?;
    Ok(StatusCode::NO_CONTENT)
}
