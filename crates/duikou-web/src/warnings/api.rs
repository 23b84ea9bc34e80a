//! The warnings inbox (预警中心) and what feeds it: `/api/v1/warnings` (list, counts, one
//! warning with its history, acknowledge, resolve, sweep), annual investment plans of a
//! project, threshold sets, notification channels.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use duikou_core::notify::ChannelFields;
use duikou_core::warnings::{AnnualPlan, Level, RuleId, Thresholds};
use duikou_store::{StoreError, WarningFilter, WarningStatus};
use serde::Deserialize;

use crate::shared::api::{ListBody, NoParams};
use crate::shared::auth::{Admin, CurrentUser};
use crate::shared::error::ApiResult;
use crate::shared::extract::{etag, if_match, optional_if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/warnings", get(list))
        .route("/api/v1/warnings/counts", get(counts))
        .route("/api/v1/warnings/sweep", post(sweep))
        .route("/api/v1/warnings/{id}", get(read))
        .route("/api/v1/warnings/{id}/acknowledge", post(acknowledge))
        .route("/api/v1/warnings/{id}/resolve", post(resolve))
        .route("/api/v1/projects/{id}/annual-plans", get(plans))
        .route("/api/v1/projects/{id}/annual-plans/{year}", put(set_plan))
        .route(
            "/api/v1/warning-thresholds",
            get(thresholds).post(save_thresholds),
        )
        .route("/api/v1/channels", get(channels).post(create_channel))
        .route(
            "/api/v1/channels/{id}",
            get(channel).put(update_channel).delete(delete_channel),
        )
}

fn bad(field: &str, message: String) -> StoreError {
    StoreError::invalid(field, "invalid_value", message)
}

/// Filters of the inbox.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WarningParams {
    /// yellow | red
    pub level: Option<String>,
    /// A rule code, e.g. step_committed.
    pub rule: Option<String>,
    pub owner_org_id: Option<i64>,
    /// open | acknowledged | resolved | cleared | active (default: open and acknowledged) | all
    pub status: Option<String>,
    pub project_id: Option<i64>,
    pub partnership_id: Option<i64>,
    /// Projects hosted in this region or below.
    pub region: Option<String>,
    /// Only the warnings waiting on the caller: of their own unit, or of projects they may
    /// report on or supervise.
    pub mine: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl WarningParams {
    fn filter(&self) -> Result<WarningFilter, StoreError> {
        let mut f = WarningFilter {
            owner_org_id: self.owner_org_id,
            project_id: self.project_id,
            partnership_id: self.partnership_id,
            region_code: self.region.clone(),
            mine: self.mine.unwrap_or(false),
            ..WarningFilter::default()
        };
        if let Some(l) = &self.level {
            f.level = Some(
                Level::parse(l)
                    .ok_or_else(|| bad("level", format!("预警等级{l}无效（yellow/red）")))?,
            );
        }
        if let Some(r) = &self.rule {
            f.rule = Some(RuleId::parse(r).ok_or_else(|| bad("rule", format!("规则{r}不存在")))?);
        }
        match self.status.as_deref() {
            None | Some("active") => {}
            Some("all") => f.all = true,
            Some(s) => {
                f.status = Some(
                    WarningStatus::parse(s).ok_or_else(|| bad("status", format!("状态{s}无效")))?,
                )
            }
        }
        Ok(f)
    }
}

/// The inbox: warnings of the projects the user reads, red first, newest first.
#[utoipa::path(get, path = "/api/v1/warnings", tag = "warnings", params(WarningParams),
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiQuery(p): ApiQuery<WarningParams>,
) -> ApiResult<impl IntoResponse> {
    let (limit, offset) = crate::shared::api::page_of(p.limit, p.offset)?;
    let page = crate::shared::api::filtered(
        u.scoped(&s.store)
            .warnings(&p.filter()?, limit, offset)
            .await,
        warning_param,
    )?;
    Ok(Json(ListBody {
        items: page.items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Active warnings counted by level, rule and owner (the same filters as the list).
#[utoipa::path(get, path = "/api/v1/warnings/counts", tag = "warnings", params(WarningParams),
    responses((status = 200, body = serde_json::Value)))]
pub async fn counts(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiQuery(p): ApiQuery<WarningParams>,
) -> ApiResult<impl IntoResponse> {
    let counts = crate::shared::api::filtered(
        u.scoped(&s.store).warning_counts(&p.filter()?).await,
        warning_param,
    )?;
    Ok(Json(counts))
}

/// The parameter of the warning lists that names a record of `kind`.
fn warning_param(kind: &str) -> Option<&'static str> {
    match kind {
        "region" => Some("region"),
        "project" => Some("project_id"),
        "partnership" => Some("partnership_id"),
        "org" => Some("owner_org_id"),
        _ => None,
    }
}

/// One warning with its history (raised, escalated, acknowledged, resolved, cleared).
#[utoipa::path(get, path = "/api/v1/warnings/{id}", tag = "warnings",
    responses((status = 200, body = serde_json::Value), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let (w, history) = u.scoped(&s.store).warning(id).await?;
    let version = w.version;
    Ok((
        etag(version),
        Json(serde_json::json!({"warning": w, "history": history})),
    ))
}

/// A note for acknowledging or resolving.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub note: String,
}

/// 确认: the owner answers for the warning (If-Match optional).
#[utoipa::path(post, path = "/api/v1/warnings/{id}/acknowledge", tag = "warnings", params(crate::openapi::IfMatchOptional),
    request_body = NoteBody,
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn acknowledge(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NoteBody>,
) -> ApiResult<impl IntoResponse> {
    let expected = optional_if_match(&headers)?;
    let w = u
        .scoped(&s.store)
        .acknowledge_warning(id, expected, &body.note)
        .await?;
    Ok((etag(w.version), Json(w)))
}

/// 解除: closes the warning by hand with a note (If-Match optional).
#[utoipa::path(post, path = "/api/v1/warnings/{id}/resolve", tag = "warnings", params(crate::openapi::IfMatchOptional),
    request_body = NoteBody,
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn resolve(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NoteBody>,
) -> ApiResult<impl IntoResponse> {
    let expected = optional_if_match(&headers)?;
    let w = u
        .scoped(&s.store)
        .resolve_warning(id, expected, &body.note)
        .await?;
    Ok((etag(w.version), Json(w)))
}

/// Options of a sweep run through the API (administrators).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepBody {
    /// Evaluate every project, not only those due (after a change of thresholds or calendar).
    #[serde(default)]
    pub full: bool,
    /// The date to evaluate for (default: today).
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    pub as_of: Option<NaiveDate>,
}

/// Runs a sweep now and answers what it changed.
#[utoipa::path(post, path = "/api/v1/warnings/sweep", tag = "warnings", request_body = SweepBody,
    responses((status = 200, description = "what it changed; as of a day other than today a dry run (dry_run: true) that wrote nothing", body = serde_json::Value),
        (status = 403, body = crate::shared::error::ErrorBody),
        (status = 422, description = "as_of outside 2000-2100", body = crate::shared::error::ErrorBody)))]
pub async fn sweep(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(body): ApiJson<SweepBody>,
) -> ApiResult<impl IntoResponse> {
    let as_of = body.as_of.unwrap_or_else(|| s.today());
    Ok(Json(
        u.scoped(&s.store).sweep_warnings(as_of, body.full).await?,
    ))
}

/// A project's annual investment plans (年度投资计划), for 序时进度.
#[utoipa::path(get, path = "/api/v1/projects/{id}/annual-plans", tag = "warnings",
    responses((status = 200, body = ListBody<AnnualPlan>)))]
pub async fn plans(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(_): ApiQuery<NoParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(ListBody::all(
        u.scoped(&s.store).annual_plans(id).await?,
    )))
}

/// The plan of one year: its amount and an optional monthly curve.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// Yuan, integer or text such as "1.2亿元".
    #[schema(value_type = String)]
    pub amount: duikou_core::Money,
    /// Cumulative per mille at each month end, 12 values ending at 1000.
    #[serde(default)]
    pub curve: Option<Vec<i64>>,
}

/// Sets (or replaces) a project's plan for a year; warnings are re-evaluated at once.
#[utoipa::path(put, path = "/api/v1/projects/{id}/annual-plans/{year}", tag = "warnings",
    request_body = PlanBody,
    responses((status = 200, body = AnnualPlan), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn set_plan(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, year)): Path<(i64, i32)>,
    ApiJson(body): ApiJson<PlanBody>,
) -> ApiResult<impl IntoResponse> {
    let plan = AnnualPlan {
        year,
        amount_yuan: body.amount.yuan(),
        curve: body.curve,
    };
    Ok(Json(u.scoped(&s.store).set_annual_plan(id, &plan).await?))
}

/// Every stored threshold set, oldest first, and the shipped defaults.
#[utoipa::path(get, path = "/api/v1/warning-thresholds", tag = "warnings",
    responses((status = 200, body = serde_json::Value)))]
pub async fn thresholds(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiQuery(_): ApiQuery<NoParams>,
) -> ApiResult<impl IntoResponse> {
    let sets = u.scoped(&s.store).threshold_sets().await?;
    Ok(Json(
        serde_json::json!({"default": Thresholds::default(), "sets": sets}),
    ))
}

/// A threshold set for one organisation (or all) from one year on.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsBody {
    pub org_id: Option<i64>,
    pub year: i32,
    pub thresholds: Thresholds,
}

/// Stores a threshold set (administrators); the projects it governs are re-evaluated by the
/// next sweep.
#[utoipa::path(post, path = "/api/v1/warning-thresholds", tag = "warnings",
    request_body = ThresholdsBody,
    responses((status = 201, body = serde_json::Value), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn save_thresholds(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(body): ApiJson<ThresholdsBody>,
) -> ApiResult<impl IntoResponse> {
    let set = u
        .scoped(&s.store)
        .save_thresholds(body.org_id, body.year, &body.thresholds)
        .await?;
    Ok((StatusCode::CREATED, Json(set)))
}

/// Notification channels (administrators). Secrets are never shown.
#[utoipa::path(get, path = "/api/v1/channels", tag = "warnings",
    responses((status = 200, body = serde_json::Value), (status = 403, body = crate::shared::error::ErrorBody)))]
pub async fn channels(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiQuery(_): ApiQuery<NoParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(ListBody::all(u.scoped(&s.store).channels().await?)))
}

#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "warnings",
    responses((status = 200, body = serde_json::Value), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn channel(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let c = u.scoped(&s.store).channel(id).await?;
    Ok((etag(c.version), Json(c)))
}

#[utoipa::path(post, path = "/api/v1/channels", tag = "warnings", request_body = ChannelFields,
    responses((status = 201, body = serde_json::Value), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create_channel(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(f): ApiJson<ChannelFields>,
) -> ApiResult<impl IntoResponse> {
    let c = u.scoped(&s.store).create_channel(&f).await?;
    Ok((StatusCode::CREATED, etag(c.version), Json(c)))
}

/// Replaces a channel's settings; leave `secret` out to keep the stored one.
#[utoipa::path(put, path = "/api/v1/channels/{id}", tag = "warnings", params(crate::openapi::IfMatch), request_body = ChannelFields,
    responses((status = 200, body = serde_json::Value), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn update_channel(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(f): ApiJson<ChannelFields>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    let c = u.scoped(&s.store).update_channel(id, expected, &f).await?;
    Ok((etag(c.version), Json(c)))
}

#[utoipa::path(delete, path = "/api/v1/channels/{id}", tag = "warnings", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn delete_channel(
    State(s): State<AppState>,
    Admin(u): Admin,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    u.scoped(&s.store).delete_channel(id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
