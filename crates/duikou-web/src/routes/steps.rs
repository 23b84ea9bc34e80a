//! `/api/v1/projects/{id}/steps` and `/schedule`: the steps of a project (项目管家) and the
//! schedule a Gantt chart draws.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use duikou_core::steps::{Schedule, StepState};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{etag, if_match, ApiJson};
use crate::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/steps", get(states).post(instantiate))
        .route("/api/v1/projects/{id}/steps/{key}", put(update))
        .route("/api/v1/projects/{id}/schedule", get(schedule))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstantiateBody {
    /// Template key, e.g. `construction_approval`.
    pub template: String,
    /// Template version; the latest when absent.
    pub version: Option<i32>,
    /// The day the first steps start (default today).
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    pub start: Option<NaiveDate>,
}

/// Instantiates a template on the project and returns the computed schedule.
#[utoipa::path(post, path = "/api/v1/projects/{id}/steps", tag = "steps",
    request_body = InstantiateBody,
    responses((status = 201, body = Schedule), (status = 422, body = crate::error::ErrorBody)))]
pub async fn instantiate(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<InstantiateBody>,
) -> ApiResult<impl IntoResponse> {
    let calendar = s.store.calendar().await?;
    let today = s.today();
    let start = body.start.unwrap_or(today);
    let schedule = u
        .scoped(&s.store)
        .instantiate_steps(id, &body.template, body.version, start, &calendar, today)
        .await?;
    Ok((StatusCode::CREATED, etag(1), Json(schedule)))
}

/// The template version and the recorded state of every step; the ETag guards step updates.
#[utoipa::path(get, path = "/api/v1/projects/{id}/steps", tag = "steps",
    responses((status = 200, body = serde_json::Value), (status = 404, body = crate::error::ErrorBody)))]
pub async fn states(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let steps = u
        .scoped(&s.store)
        .project_steps(id)
        .await?
        .ok_or_else(|| ApiError::not_found("该项目的流程"))?;
    Ok((etag(steps.version), Json(steps)))
}

/// Replaces the state of one step (status, actual dates, deficiency, commitment, suspensions,
/// date changes with their reasons) and returns the re-planned schedule. Requires `If-Match`
/// with the ETag of `GET .../steps`.
#[utoipa::path(put, path = "/api/v1/projects/{id}/steps/{key}", tag = "steps",
    request_body = StepState,
    params(("id" = i64, Path, description = "project id"), ("key" = String, Path, description = "step key of the template"), crate::openapi::IfMatch),
    responses((status = 200, body = Schedule), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 412, body = crate::error::ErrorBody),
        (status = 422, description = "a bad field, an unknown field, a date outside 2000-2100", body = crate::error::ErrorBody),
        (status = 428, body = crate::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    headers: HeaderMap,
    ApiJson(state): ApiJson<StepState>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    if state.key != key {
        return Err(ApiError::field(
            "key",
            "mismatch",
            format!("请求体的环节 {} 与地址中的 {key} 不一致", state.key),
        ));
    }
    let calendar = s.store.calendar().await?;
    let (schedule, version) = u
        .scoped(&s.store)
        .update_step(id, expected, &state, &calendar, s.today())
        .await?;
    Ok((etag(version), Json(schedule)))
}

/// What a Gantt chart (挂图作业) needs: every step with planned, projected and actual dates,
/// dependencies, days used and left, lateness, the critical path and today's line.
#[utoipa::path(get, path = "/api/v1/projects/{id}/schedule", tag = "steps",
    responses((status = 200, body = Schedule), (status = 404, body = crate::error::ErrorBody)))]
pub async fn schedule(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Schedule>> {
    let calendar = s.store.calendar().await?;
    Ok(Json(
        u.scoped(&s.store)
            .schedule(id, &calendar, s.today())
            .await?,
    ))
}
