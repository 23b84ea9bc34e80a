//! `/api/v1/regions`: 行政区划.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use duikou_core::region::{Region, RegionInput, RegionKind};
use duikou_store::RegionFilter;
use serde::Deserialize;

use crate::shared::api::ListBody;
use crate::shared::auth::{Admin, CurrentUser};
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/regions", get(list).post(create))
        .route(
            "/api/v1/regions/{code}",
            get(read).put(update).delete(remove),
        )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegionParams {
    /// Direct children of this region.
    parent: Option<String>,
    /// Every region below this one.
    within: Option<String>,
    kind: Option<RegionKind>,
}

/// Lists regions, in tree order.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", params(RegionParams),
    responses((status = 200, body = ListBody<Region>)))]
pub async fn list(
    State(s): State<AppState>,
    _u: CurrentUser,
    ApiQuery(p): ApiQuery<RegionParams>,
) -> ApiResult<Json<ListBody<Region>>> {
    let filter = RegionFilter {
        parent_code: p.parent,
        kind: p.kind,
        within: p.within,
    };
    let named = if filter.within.is_some() {
        "within"
    } else {
        "parent"
    };
    let regions = crate::shared::api::filtered(s.store.regions(&filter).await, |kind| {
        (kind == "region").then_some(named)
    })?;
    Ok(Json(ListBody::all(regions)))
}

/// Creates a region under its parent.
#[utoipa::path(post, path = "/api/v1/regions", tag = "regions", request_body = RegionInput,
    responses((status = 201, body = Region), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(input): ApiJson<RegionInput>,
) -> ApiResult<impl IntoResponse> {
    let r = u.scoped(&s.store).create_region(&input).await?;
    Ok((StatusCode::CREATED, etag(r.version), Json(r)))
}

#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions",
    responses((status = 200, body = Region), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    _u: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let r = s.store.region(&code).await?;
    Ok((etag(r.version), Json(r)))
}

/// Renames a region (code, kind and parent are fixed). Requires `If-Match`.
#[utoipa::path(put, path = "/api/v1/regions/{code}", tag = "regions", params(crate::openapi::IfMatch), request_body = RegionInput,
    responses((status = 200, body = Region), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<RegionInput>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    let r = u
        .scoped(&s.store)
        .update_region(&code, expected, &input)
        .await?;
    Ok((etag(r.version), Json(r)))
}

/// Deletes a region nothing refers to. Requires `If-Match`.
#[utoipa::path(delete, path = "/api/v1/regions/{code}", tag = "regions", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 409, body = crate::shared::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = if_match(&headers)?;
    u.scoped(&s.store).delete_region(&code, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
