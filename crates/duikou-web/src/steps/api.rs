//! `/api/v1/projects/{id}/steps` and `/schedule`: the steps of a project (项目管家) and the
//! schedule a Gantt chart draws.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use duikou_core::input::Input;
use duikou_core::steps::{Schedule, StepAction, StepCommand, StepState};
use serde::Deserialize;

use crate::shared::auth::CurrentUser;
use crate::shared::error::{ApiError, ApiResult};
use crate::shared::extract::{etag, if_match, ApiJson};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/projects/{id}/steps",
            get(states).post(instantiate).delete(remove),
        )
        .route("/api/v1/projects/{id}/steps/{key}", put(update))
        .route("/api/v1/projects/{id}/steps/{key}/{action}", post(act))
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
    responses((status = 201, body = Schedule), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn instantiate(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<InstantiateBody>,
) -> ApiResult<impl IntoResponse> {
    let start = body.start.unwrap_or_else(|| s.today());
    let schedule = u
        .scoped(&s.store)
        .instantiate_steps(id, &body.template, body.version, start)
        .await?;
    Ok((StatusCode::CREATED, etag(1), Json(schedule)))
}

/// The template version and the recorded state of every step; the ETag guards step updates.
#[utoipa::path(get, path = "/api/v1/projects/{id}/steps", tag = "steps",
    responses((status = 200, body = serde_json::Value), (status = 404, body = crate::shared::error::ErrorBody)))]
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

/// 撤销流程模板: takes the template off the project while no step has been touched
/// (started, finished, skipped, re-planned or with a record); 422 naming `template`
/// otherwise. Requires `If-Match` with the ETag of `GET .../steps`. The history keeps it.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/steps", tag = "steps", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 412, body = crate::shared::error::ErrorBody),
        (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = if_match(&headers)?;
    u.scoped(&s.store).remove_steps(id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the state of one step (status, actual dates, deficiency, commitment, suspensions,
/// date changes with their reasons) and returns the re-planned schedule. Requires `If-Match`
/// with the ETag of `GET .../steps`.
#[utoipa::path(put, path = "/api/v1/projects/{id}/steps/{key}", tag = "steps",
    request_body = StepState,
    params(("id" = i64, Path, description = "project id"), ("key" = String, Path, description = "step key of the template"), crate::openapi::IfMatch),
    responses((status = 200, body = Schedule), (status = 403, body = crate::shared::error::ErrorBody),
        (status = 404, body = crate::shared::error::ErrorBody), (status = 412, body = crate::shared::error::ErrorBody),
        (status = 422, description = "a bad field, an unknown field, a date outside 2000-2100", body = crate::shared::error::ErrorBody),
        (status = 428, body = crate::shared::error::ErrorBody)))]
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
    let (schedule, version) = u.scoped(&s.store).update_step(id, expected, &state).await?;
    Ok((etag(version), Json(schedule)))
}

/// The fields of the step actions; each action reads its own (see the path's `action`)
/// and names any other as unknown. Dates are `YYYY-MM-DD`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct StepActionBody {
    /// start, finish: the actual start (finish: when the step has not started).
    actual_start: Option<String>,
    /// finish.
    actual_finish: Option<String>,
    /// Why a recorded date or the plan changes (start, finish, replan).
    reason: Option<String>,
    /// deficiency (容缺受理): the day it was accepted, what is missing, days to supply it.
    accepted_on: Option<String>,
    missing_documents: Option<Vec<String>>,
    supply_days: Option<i32>,
    /// supply.
    supplied_on: Option<String>,
    /// commitment (告知承诺): the day it was granted, the promise, days to verify it.
    granted_on: Option<String>,
    promised: Option<String>,
    verify_days: Option<i32>,
    /// verify.
    verified_on: Option<String>,
    /// replan: the earliest start and the due date the step keeps to.
    not_before: Option<String>,
    due_override: Option<String>,
    /// suspend: why the clock stops (deficiency_supply, expert_review, public_notice,
    /// hearing, other), from when, and a note.
    suspension_reason: Option<String>,
    from: Option<String>,
    note: Option<String>,
    /// resume: the day the clock restarts.
    to: Option<String>,
    /// skip: why the step does not apply.
    skip_reason: Option<String>,
}

/// Takes a step action — start, finish, deficiency (容缺受理), supply, commitment (告知承诺),
/// verify, replan, suspend, resume, skip — as the step page does, with the same rules:
/// who and when are the server's, every bad or unknown field is named. `If-Match` is
/// optional; the steps' new version comes back as the ETag.
#[utoipa::path(post, path = "/api/v1/projects/{id}/steps/{key}/{action}", tag = "steps",
    request_body = StepActionBody,
    params(("id" = i64, Path, description = "project id"), ("key" = String, Path, description = "step key of the template"),
        ("action" = String, Path, description = "start, finish, deficiency, supply, commitment, verify, replan, suspend, resume or skip"),
        crate::openapi::IfMatchOptional),
    responses((status = 200, body = Schedule), (status = 403, body = crate::shared::error::ErrorBody),
        (status = 404, body = crate::shared::error::ErrorBody), (status = 412, body = crate::shared::error::ErrorBody),
        (status = 422, description = "a bad or unknown field, a date outside 2000-2100, a state the template's rules refuse", body = crate::shared::error::ErrorBody)))]
pub async fn act(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, key, action)): Path<(i64, String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<impl IntoResponse> {
    let action = StepAction::parse(&action).ok_or_else(|| ApiError::not_found("该环节操作"))?;
    let expected = match headers.contains_key(axum::http::header::IF_MATCH) {
        true => if_match(&headers)?,
        false => None,
    };
    let scoped = u.scoped(&s.store);
    // Rights first: a 403 or 404 before the body's errors.
    scoped.editable(id).await?;
    let (input, typed) = Input::from_json(&body);
    let command =
        Input::merged(typed, StepCommand::parse(action, &input)).map_err(ApiError::invalid)?;
    let (schedule, version) = scoped.act_on_step(id, &key, expected, &command).await?;
    Ok((etag(version), Json(schedule)))
}

/// What a Gantt chart (挂图作业) needs: every step with planned, projected and actual dates,
/// dependencies, days used and left, lateness, the critical path and today's line.
#[utoipa::path(get, path = "/api/v1/projects/{id}/schedule", tag = "steps",
    responses((status = 200, body = Schedule), (status = 404, body = crate::shared::error::ErrorBody)))]
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
