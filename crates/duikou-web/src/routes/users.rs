//! `/api/v1/users`: accounts and grants, for administrators.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use duikou_core::auth::Grant;
use duikou_store::accounts::{NewUser, User};
use serde::{Deserialize, Serialize};

use super::ListBody;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{login}", get(read))
        .route("/api/v1/users/{login}/grants", post(grant).delete(revoke))
        .route("/api/v1/users/{login}/disable", post(disable))
        .route("/api/v1/users/{login}/enable", post(enable))
        .route("/api/v1/users/{login}/reset-password", post(reset_password))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn list(State(s): State<AppState>, u: CurrentUser) -> ApiResult<Json<ListBody<User>>> {
    u.scoped(&s.store).require_admin()?;
    Ok(Json(ListBody::all(s.store.users().await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{login}", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn read(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(login): Path<String>,
) -> ApiResult<Json<User>> {
    u.scoped(&s.store).require_admin()?;
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
    responses((status = 201, body = CreatedUser), (status = 403), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiJson(b): ApiJson<UserBody>,
) -> ApiResult<impl IntoResponse> {
    u.scoped(&s.store).require_admin()?;
    let new = NewUser {
        login: b.login,
        display_name: b.display_name,
        org_id: b.org_id,
        password: b.password,
    };
    let (user, password) = s.store.create_user(&u.access.actor(), &new).await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user, password })))
}

#[utoipa::path(post, path = "/api/v1/users/{login}/grants", tag = "accounts", request_body = Grant,
    responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn grant(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(login): Path<String>,
    ApiJson(g): ApiJson<Grant>,
) -> ApiResult<Json<User>> {
    u.scoped(&s.store).require_admin()?;
    Ok(Json(s.store.grant(&u.access.actor(), &login, &g).await?))
}

#[utoipa::path(delete, path = "/api/v1/users/{login}/grants", tag = "accounts", request_body = Grant,
    responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn revoke(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(login): Path<String>,
    ApiJson(g): ApiJson<Grant>,
) -> ApiResult<Json<User>> {
    u.scoped(&s.store).require_admin()?;
    Ok(Json(s.store.revoke(&u.access.actor(), &login, &g).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{login}/disable", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn disable(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(login): Path<String>,
) -> ApiResult<Json<User>> {
    u.scoped(&s.store).require_admin()?;
    Ok(Json(
        s.store
            .set_user_disabled(&u.access.actor(), &login, true)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/users/{login}/enable", tag = "accounts", responses((status = 200, body = serde_json::Value), (status = 403)))]
pub async fn enable(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(login): Path<String>,
) -> ApiResult<Json<User>> {
    u.scoped(&s.store).require_admin()?;
    Ok(Json(
        s.store
            .set_user_disabled(&u.access.actor(), &login, false)
            .await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResetResult {
    /// The new password, shown once; it must be changed at the next login.
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/users/{login}/reset-password", tag = "accounts", responses((status = 200, body = ResetResult), (status = 403)))]
pub async fn reset_password(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(login): Path<String>,
) -> ApiResult<Json<ResetResult>> {
    u.scoped(&s.store).require_admin()?;
    let password = s.store.reset_password(&u.access.actor(), &login).await?;
    Ok(Json(ResetResult { password }))
}
