//! `/api/v1/slips`: supervision slips (督办单) — list, open by hand, read with history, and
//! the workflow's actions (reply, accept, return, progress, extension, close).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use duikou_core::slip::{SlipAction, SlipStatus};
use duikou_store::{NewSlip, SlipFilter, StoreError};
use serde::Deserialize;

use crate::shared::api::ListBody;
use crate::shared::auth::CurrentUser;
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, optional_if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/slips", get(list).post(issue))
        .route("/api/v1/slips/{id}", get(read))
        .route("/api/v1/slips/{id}/actions", post(act))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SlipParams {
    /// issued | replied | returned | accepted | closed
    pub status: Option<String>,
    /// Only slips not yet closed.
    #[serde(default)]
    pub open: bool,
    pub project_id: Option<i64>,
    pub owner_org_id: Option<i64>,
    /// The slips opened for this warning.
    pub warning_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Slips of the projects the user reads: open ones first, earliest deadline first.
#[utoipa::path(get, path = "/api/v1/slips", tag = "warnings", params(SlipParams),
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiQuery(p): ApiQuery<SlipParams>,
) -> ApiResult<impl IntoResponse> {
    let status = p
        .status
        .as_deref()
        .map(|c| {
            SlipStatus::parse(c).ok_or_else(|| {
                StoreError::invalid("status", "invalid_value", format!("状态{c}无效"))
            })
        })
        .transpose()?;
    let (limit, offset) = crate::shared::api::page_of(p.limit, p.offset)?;
    let filter = SlipFilter {
        status,
        open: p.open,
        project_id: p.project_id,
        owner_org_id: p.owner_org_id,
        warning_id: p.warning_id,
    };
    let page = crate::shared::api::filtered(
        u.scoped(&s.store).slips(&filter, limit, offset).await,
        |kind| match kind {
            "project" => Some("project_id"),
            "warning" => Some("warning_id"),
            "org" => Some("owner_org_id"),
            _ => None,
        },
    )?;
    Ok(Json(ListBody {
        items: page.items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// A body of `NewSlip`, for the document.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct NewSlipBody {
    pub project_id: i64,
    pub requirement: String,
    pub reply_due: chrono::NaiveDate,
    pub warning_id: Option<i64>,
}

/// Opens a slip by hand (coordinators and leaders in scope).
#[utoipa::path(post, path = "/api/v1/slips", tag = "warnings", request_body = NewSlipBody,
    responses((status = 201, body = serde_json::Value), (status = 403, body = crate::shared::error::ErrorBody), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn issue(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiJson(new): ApiJson<NewSlip>,
) -> ApiResult<impl IntoResponse> {
    let slip = u.scoped(&s.store).issue_slip(&new).await?;
    Ok((StatusCode::CREATED, etag(slip.version), Json(slip)))
}

/// One slip with its history.
#[utoipa::path(get, path = "/api/v1/slips/{id}", tag = "warnings",
    responses((status = 200, body = serde_json::Value), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let (slip, history) = u.scoped(&s.store).slip(id).await?;
    Ok((
        etag(slip.version),
        Json(serde_json::json!({"slip": slip, "history": history})),
    ))
}

/// One step of the workflow: `{"action": "reply", "plan": [...], "note": ""}`,
/// `{"action": "accept"}`, `{"action": "return", "note": ...}`, `{"action": "progress",
/// "item": 0, "done_on": ...}`, `{"action": "request_extension", "new_due": ..., "reason":
/// ...}`, `{"action": "decide_extension", "approve": true}`, `{"action": "close", "note": ...}`.
/// If-Match is checked when given.
#[utoipa::path(post, path = "/api/v1/slips/{id}/actions", tag = "warnings", params(crate::openapi::IfMatchOptional), request_body = SlipAction,
    responses((status = 200, body = serde_json::Value), (status = 403, body = crate::shared::error::ErrorBody), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn act(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(action): ApiJson<SlipAction>,
) -> ApiResult<impl IntoResponse> {
    let expected = optional_if_match(&headers)?;
    let slip = u
        .scoped(&s.store)
        .act_on_slip(id, expected, &action)
        .await?;
    Ok((etag(slip.version), Json(slip)))
}
