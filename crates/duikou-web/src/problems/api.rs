//! `/api/v1/projects/{id}/problems`: progress problems (问题清单).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use duikou_core::problem::{Problem, ProblemAction, ProblemFields};

use crate::shared::api::ListBody;
use crate::shared::auth::CurrentUser;
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, if_match, optional_if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/problems", get(list).post(create))
        .route(
            "/api/v1/projects/{id}/problems/{problem_id}",
            get(read).put(update).delete(remove),
        )
        .route(
            "/api/v1/projects/{id}/problems/{problem_id}/actions",
            post(act),
        )
}

/// A project's problems, newest period first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/problems", tag = "problems",
    params(crate::shared::api::PageParams),
    responses((status = 200, body = ListBody<Problem>)))]
pub async fn list(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(p): ApiQuery<crate::shared::api::PageParams>,
) -> ApiResult<Json<ListBody<Problem>>> {
    let (limit, offset) = crate::shared::api::page_of(p.limit, p.offset)?;
    u.scoped(&s.store).project(id).await?;
    Ok(Json(
        u.scoped(&s.store)
            .problems_page(id, limit, offset)
            .await?
            .into(),
    ))
}

/// Adds a problem (堵点) with its owner and due date.
#[utoipa::path(post, path = "/api/v1/projects/{id}/problems", tag = "problems",
    request_body = ProblemFields,
    responses((status = 201, body = Problem), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<ProblemFields>,
) -> ApiResult<impl IntoResponse> {
    let r = u.scoped(&s.store).create_problem(id, &fields).await?;
    Ok((StatusCode::CREATED, etag(r.version), Json(r)))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/problems/{problem_id}", tag = "problems",
    responses((status = 200, body = Problem), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, problem_id)): Path<(i64, i64)>,
) -> ApiResult<impl IntoResponse> {
    let r = u.scoped(&s.store).problem(id, problem_id).await?;
    Ok((etag(r.version), Json(r)))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}/problems/{problem_id}", tag = "problems", params(crate::openapi::IfMatch),
    request_body = ProblemFields,
    responses((status = 200, body = Problem), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, problem_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    ApiJson(fields): ApiJson<ProblemFields>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    let r = u
        .scoped(&s.store)
        .update_problem(id, problem_id, expected, &fields)
        .await?;
    Ok((etag(r.version), Json(r)))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}/problems/{problem_id}", tag = "problems", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, problem_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = if_match(&headers)?;
    u.scoped(&s.store)
        .delete_problem(id, problem_id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 推进, 解决 or 重新打开 a problem: `{"action": "progress", "note": ...}`,
/// `{"action": "resolve", "resolution": ..., "resolved_on": "2026-12-05"}` (today when left out;
/// never later) or `{"action": "reopen", "reason": ...}`. Each is kept in the problem's
/// history. If-Match is checked when given.
#[utoipa::path(post, path = "/api/v1/projects/{id}/problems/{problem_id}/actions", tag = "problems",
    params(crate::openapi::IfMatchOptional), request_body = ProblemAction,
    responses((status = 200, body = Problem), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn act(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, problem_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    ApiJson(action): ApiJson<ProblemAction>,
) -> ApiResult<impl IntoResponse> {
    let expected = optional_if_match(&headers)?;
    let r = u
        .scoped(&s.store)
        .act_on_problem(id, problem_id, expected, &action)
        .await?;
    Ok((etag(r.version), Json(r)))
}
