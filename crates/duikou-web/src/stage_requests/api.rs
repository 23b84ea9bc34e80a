//! `/api/v1/…stage-requests`: 阶段变更审批 — ask for a move that waits for approval, list the
//! requests, approve (the move is made), send back or withdraw; and the preview of a move.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use duikou_core::stage::TransitionKind;
use duikou_core::stage_request::{RequestAction, RequestStatus, StageRequest};
use duikou_core::warnings::{Level, RuleId};
use duikou_core::Stage;
use duikou_store::{RequestFilter, TransitionInput};
use serde::{Deserialize, Serialize};

use crate::projects::api::{TransitionBody, TransitionResult};
use crate::shared::api::ListBody;
use crate::shared::auth::CurrentUser;
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, optional_if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/transition-preview", post(preview))
        .route("/api/v1/projects/{id}/stage-requests", post(create))
        .route("/api/v1/stage-requests", get(list))
        .route("/api/v1/stage-requests/{request_id}", get(read))
        .route("/api/v1/stage-requests/{request_id}/approve", post(approve))
        .route("/api/v1/stage-requests/{request_id}/actions", post(act))
}

fn input_of(body: TransitionBody) -> TransitionInput {
    TransitionInput {
        to: body.to,
        effective_date: body.effective_date,
        reason: body.reason,
        override_rules: body.override_rules,
    }
}

/// An open warning a move would clear or raise.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PreviewWarning {
    pub id: i64,
    pub rule: RuleId,
    pub level: Level,
    pub subject: String,
    pub reason: String,
}

/// What a move would change, tried and rolled back.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PreviewBody {
    pub from: Stage,
    pub to: Stage,
    pub kind: TransitionKind,
    pub effective_date: NaiveDate,
    /// The move waits for a coordinator's approval under the unit's settings.
    pub needs_approval: bool,
    /// The caller supervises the project and makes such a move themselves.
    pub may_decide: bool,
    /// Confirm before making it (every move but the next stage or a resumption).
    pub needs_confirmation: bool,
    pub cleared: Vec<PreviewWarning>,
    pub raised: Vec<PreviewWarning>,
    /// The project's version previewed: send it as If-Match with the move.
    pub version: i64,
}

fn warnings(ws: Vec<duikou_store::OpenWarning>) -> Vec<PreviewWarning> {
    ws.into_iter()
        .map(|w| PreviewWarning {
            id: w.id,
            rule: w.rule,
            level: w.level,
            subject: w.subject,
            reason: w.reason,
        })
        .collect()
}

/// What moving the project would change — the warnings it clears or raises, whether it waits
/// for approval — tried on the write path and rolled back: nothing is kept.
#[utoipa::path(post, path = "/api/v1/projects/{id}/transition-preview", tag = "projects",
    request_body = TransitionBody,
    responses((status = 200, body = PreviewBody), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn preview(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<TransitionBody>,
) -> ApiResult<Json<PreviewBody>> {
    let pv = u
        .scoped(&s.store)
        .preview_transition(id, &input_of(body))
        .await?;
    Ok(Json(PreviewBody {
        needs_confirmation: pv.needs_confirmation(),
        from: pv.from,
        to: pv.to,
        kind: pv.kind,
        effective_date: pv.effective_date,
        needs_approval: pv.needs_approval,
        may_decide: pv.may_decide,
        cleared: warnings(pv.cleared),
        raised: warnings(pv.raised),
        version: pv.version,
    }))
}

/// Asks for a move that waits for approval (a skip to 竣工/投产, 终止 … under the unit's
/// settings); a move that needs none is refused here and made with `transitions`.
#[utoipa::path(post, path = "/api/v1/projects/{id}/stage-requests", tag = "stage_requests",
    request_body = TransitionBody,
    responses((status = 201, body = StageRequest), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<TransitionBody>,
) -> ApiResult<impl IntoResponse> {
    let r = u
        .scoped(&s.store)
        .request_stage_change(id, &input_of(body))
        .await?;
    Ok((StatusCode::CREATED, etag(r.version), Json(r)))
}

/// Filters of the request list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequestParams {
    pub status: Option<RequestStatus>,
    pub project_id: Option<i64>,
    /// Only those of the projects the caller supervises (theirs to decide).
    pub to_decide: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A request with its project's name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestItem {
    #[serde(flatten)]
    pub request: StageRequest,
    pub project_name: String,
}

/// The stage-change requests of the projects the caller reads, newest first.
#[utoipa::path(get, path = "/api/v1/stage-requests", tag = "stage_requests", params(RequestParams),
    responses((status = 200, body = ListBody<RequestItem>)))]
pub async fn list(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiQuery(p): ApiQuery<RequestParams>,
) -> ApiResult<Json<ListBody<RequestItem>>> {
    let (limit, offset) = crate::shared::api::page_of(p.limit, p.offset)?;
    let filter = RequestFilter {
        status: p.status,
        project_id: p.project_id,
        to_decide: p.to_decide.unwrap_or(false),
    };
    let page = u
        .scoped(&s.store)
        .stage_requests(&filter, limit, offset)
        .await?;
    Ok(Json(ListBody {
        items: page
            .items
            .into_iter()
            .map(|r| RequestItem {
                request: r.request,
                project_name: r.project_name,
            })
            .collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/stage-requests/{request_id}", tag = "stage_requests",
    responses((status = 200, body = StageRequest)))]
pub async fn read(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(request_id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let r = u.scoped(&s.store).stage_request(request_id).await?;
    Ok((etag(r.version), Json(r)))
}

/// 批准: makes the move asked for and closes the request (those who supervise the project).
/// If-Match is the request's version, checked when given.
#[utoipa::path(post, path = "/api/v1/stage-requests/{request_id}/approve", tag = "stage_requests",
    params(crate::openapi::IfMatchOptional),
    responses((status = 200, body = TransitionResult), (status = 412, body = crate::shared::error::ErrorBody),
        (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn approve(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(request_id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let expected = optional_if_match(&headers)?;
    let (project, change) = u
        .scoped(&s.store)
        .approve_stage_request(request_id, expected)
        .await?;
    Ok((
        etag(project.version),
        Json(TransitionResult { project, change }),
    ))
}

/// 退回 `{"action": "reject", "note": …}` (those who supervise the project) or 撤回
/// `{"action": "withdraw"}` (its writers). If-Match is checked when given.
#[utoipa::path(post, path = "/api/v1/stage-requests/{request_id}/actions", tag = "stage_requests",
    params(crate::openapi::IfMatchOptional), request_body = RequestAction,
    responses((status = 200, body = StageRequest), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn act(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(request_id): Path<i64>,
    headers: HeaderMap,
    ApiJson(action): ApiJson<RequestAction>,
) -> ApiResult<impl IntoResponse> {
    let expected = optional_if_match(&headers)?;
    let r = u
        .scoped(&s.store)
        .act_on_stage_request(request_id, expected, &action)
        .await?;
    Ok((etag(r.version), Json(r)))
}
