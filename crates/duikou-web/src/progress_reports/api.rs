//! `/api/v1/projects/{id}/progress-reports`: progress reports (进展填报).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use duikou_core::progress_report::{ProgressReport, ProgressReportFields};

use crate::shared::api::ListBody;
use crate::shared::auth::CurrentUser;
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/projects/{id}/progress-reports",
            get(list).post(create),
        )
        .route(
            "/api/v1/projects/{id}/progress-reports/{report_id}",
            get(read).put(update).delete(remove),
        )
        .route(
            "/api/v1/projects/{id}/progress-reports/{report_id}/withdraw",
            post(withdraw),
        )
}

/// A project's reports, newest period first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/progress-reports", tag = "progress_reports",
    params(crate::shared::api::PageParams),
    responses((status = 200, body = ListBody<ProgressReport>)))]
pub async fn list(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(p): ApiQuery<crate::shared::api::PageParams>,
) -> ApiResult<Json<ListBody<ProgressReport>>> {
    let (limit, offset) = crate::shared::api::page_of(p.limit, p.offset)?;
    u.scoped(&s.store).project(id).await?;
    Ok(Json(
        u.scoped(&s.store)
            .reports_page(id, limit, offset)
            .await?
            .into(),
    ))
}

/// Adds the report of a period (one per period; cumulative figures in yuan).
#[utoipa::path(post, path = "/api/v1/projects/{id}/progress-reports", tag = "progress_reports",
    request_body = ProgressReportFields,
    responses((status = 201, body = ProgressReport), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<ProgressReportFields>,
) -> ApiResult<impl IntoResponse> {
    let r = u
        .scoped(&s.store)
        .create_progress_report(id, &fields)
        .await?;
    Ok((StatusCode::CREATED, etag(r.version), Json(r)))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/progress-reports/{report_id}", tag = "progress_reports",
    responses((status = 200, body = ProgressReport), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, report_id)): Path<(i64, i64)>,
) -> ApiResult<impl IntoResponse> {
    let r = u.scoped(&s.store).progress_report(id, report_id).await?;
    Ok((etag(r.version), Json(r)))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}/progress-reports/{report_id}", tag = "progress_reports", params(crate::openapi::IfMatch),
    request_body = ProgressReportFields,
    responses((status = 200, body = ProgressReport), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, report_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    ApiJson(fields): ApiJson<ProgressReportFields>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    let r = u
        .scoped(&s.store)
        .update_progress_report(id, report_id, expected, &fields)
        .await?;
    Ok((etag(r.version), Json(r)))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}/progress-reports/{report_id}", tag = "progress_reports", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, report_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = if_match(&headers)?;
    u.scoped(&s.store)
        .delete_progress_report(id, report_id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why a report is withdrawn.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    pub reason: String,
}

/// 撤回: the report is taken out of the figures; the reason is kept in its history (which
/// stays readable at `…/history`). If-Match is checked when given.
#[utoipa::path(post, path = "/api/v1/projects/{id}/progress-reports/{report_id}/withdraw", tag = "progress_reports",
    params(crate::openapi::IfMatchOptional), request_body = WithdrawBody,
    responses((status = 204), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn withdraw(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, report_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> ApiResult<StatusCode> {
    let expected = crate::shared::extract::optional_if_match(&headers)?;
    u.scoped(&s.store)
        .withdraw_progress_report(id, report_id, expected, &body.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
