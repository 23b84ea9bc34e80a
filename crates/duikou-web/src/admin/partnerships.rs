//! `/api/v1/partnerships`: 对口合作关系, addressed by id or slug.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use duikou_core::partnership::{Partnership, PartnershipInput};

use crate::shared::api::{ListBody, NoParams};
use crate::shared::auth::{Admin, CurrentUser};
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/partnerships", get(list).post(create))
        .route(
            "/api/v1/partnerships/{key}",
            get(read).put(update).delete(remove),
        )
}

/// Finds a partnership by numeric id or by slug.
pub(crate) async fn resolve(s: &AppState, key: &str) -> ApiResult<Partnership> {
    Ok(match key.parse::<i64>() {
        Ok(id) => s.store.partnership(id).await?,
        Err(_) => s.store.partnership_by_slug(key).await?,
    })
}

#[utoipa::path(get, path = "/api/v1/partnerships", tag = "partnerships",
    responses((status = 200, body = ListBody<Partnership>)))]
pub async fn list(
    State(s): State<AppState>,
    _u: CurrentUser,
    ApiQuery(_): ApiQuery<NoParams>,
) -> ApiResult<Json<ListBody<Partnership>>> {
    Ok(Json(ListBody::all(s.store.partnerships().await?)))
}

#[utoipa::path(post, path = "/api/v1/partnerships", tag = "partnerships",
    request_body = PartnershipInput,
    responses((status = 201, body = Partnership), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(input): ApiJson<PartnershipInput>,
) -> ApiResult<impl IntoResponse> {
    let p = u.scoped(&s.store).create_partnership(&input).await?;
    Ok((StatusCode::CREATED, etag(p.version), Json(p)))
}

#[utoipa::path(get, path = "/api/v1/partnerships/{key}", tag = "partnerships",
    params(("key" = String, Path, description = "id or slug, e.g. beijing-shenyang")),
    responses((status = 200, body = Partnership), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    _u: CurrentUser,
    Path(key): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let p = resolve(&s, &key).await?;
    Ok((etag(p.version), Json(p)))
}

#[utoipa::path(put, path = "/api/v1/partnerships/{key}", tag = "partnerships", params(crate::openapi::IfMatch),
    request_body = PartnershipInput,
    responses((status = 200, body = Partnership), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(key): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<PartnershipInput>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    let id = resolve(&s, &key).await?.id;
    let p = u
        .scoped(&s.store)
        .update_partnership(id, expected, &input)
        .await?;
    Ok((etag(p.version), Json(p)))
}

#[utoipa::path(delete, path = "/api/v1/partnerships/{key}", tag = "partnerships", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 409, body = crate::shared::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = if_match(&headers)?;
    let id = resolve(&s, &key).await?.id;
    u.scoped(&s.store).delete_partnership(id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
