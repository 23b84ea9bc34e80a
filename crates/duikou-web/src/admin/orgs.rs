//! `/api/v1/orgs`: 单位.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use duikou_core::org::{Org, OrgAction, OrgInput};
use serde::Deserialize;

use crate::shared::api::ListBody;
use crate::shared::auth::{Admin, CurrentUser};
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, if_match, optional_if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs", get(list).post(create))
        .route("/api/v1/orgs/{id}", get(read).put(update).delete(remove))
        .route("/api/v1/orgs/{id}/actions", post(act))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrgParams {
    /// Orgs of this region only.
    region: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgParams),
    responses((status = 200, body = ListBody<Org>)))]
pub async fn list(
    State(s): State<AppState>,
    _u: CurrentUser,
    ApiQuery(p): ApiQuery<OrgParams>,
) -> ApiResult<Json<ListBody<Org>>> {
    Ok(Json(ListBody::all(
        s.store.orgs(p.region.as_deref()).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgInput,
    responses((status = 201, body = Org), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(input): ApiJson<OrgInput>,
) -> ApiResult<impl IntoResponse> {
    let o = u.scoped(&s.store).create_org(&input).await?;
    Ok((StatusCode::CREATED, etag(o.version), Json(o)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs",
    responses((status = 200, body = Org), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    _u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let o = s.store.org(id).await?;
    Ok((etag(o.version), Json(o)))
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(crate::openapi::IfMatch), request_body = OrgInput,
    responses((status = 200, body = Org), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<OrgInput>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    let o = u.scoped(&s.store).update_org(id, expected, &input).await?;
    Ok((etag(o.version), Json(o)))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{id}", tag = "orgs", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 409, body = crate::shared::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = if_match(&headers)?;
    u.scoped(&s.store).delete_org(id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 停用, 启用 or 合并 a unit (administrators): `{"action": "disable"}`, `{"action": "enable"}`
/// or `{"action": "merge", "into": 12}`. A merge moves every record naming the unit to the
/// kept one (`into`) and disables it, in one transaction; refused (422, field `into`) into
/// itself, into a disabled unit or a unit below it, or for a unit merged already. If-Match is
/// checked when given.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/actions", tag = "orgs",
    params(crate::openapi::IfMatchOptional), request_body = OrgAction,
    responses((status = 200, body = Org), (status = 400, body = crate::shared::error::ErrorBody),
        (status = 403, body = crate::shared::error::ErrorBody), (status = 404, body = crate::shared::error::ErrorBody),
        (status = 412, body = crate::shared::error::ErrorBody), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn act(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(action): ApiJson<OrgAction>,
) -> ApiResult<impl IntoResponse> {
    let expected = optional_if_match(&headers)?;
    let o = u.scoped(&s.store).act_org(id, expected, action).await?;
    Ok((etag(o.version), Json(o)))
}
