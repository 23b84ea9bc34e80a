//! `/api/v1/calendar`: working-day arithmetic on the official calendar (工作日).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use duikou_core::calendar::Answer;
use serde::Deserialize;

use crate::shared::auth::CurrentUser;
use crate::shared::error::{ApiError, ApiResult};
use crate::shared::extract::ApiQuery;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/calendar/check", get(check))
        .route("/api/v1/calendar/add", get(add))
        .route("/api/v1/calendar/between", get(between))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DateParam {
    date: NaiveDate,
}

/// Whether a date is a working day. `uncovered_years` lists years without an official notice
/// (computed on weekends only).
#[utoipa::path(get, path = "/api/v1/calendar/check", tag = "calendar", params(DateParam),
    responses((status = 200, body = serde_json::Value)))]
pub async fn check(
    State(s): State<AppState>,
    _u: CurrentUser,
    ApiQuery(p): ApiQuery<DateParam>,
) -> ApiResult<Json<Answer<bool>>> {
    Ok(Json(s.store.calendar().await?.is_working_day(p.date)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AddParams {
    date: NaiveDate,
    /// Working days to add (0 or negative allowed); the start day is not counted.
    days: i64,
}

/// The date `days` working days after `date`.
#[utoipa::path(get, path = "/api/v1/calendar/add", tag = "calendar", params(AddParams),
    responses((status = 200, body = serde_json::Value)))]
pub async fn add(
    State(s): State<AppState>,
    _u: CurrentUser,
    ApiQuery(p): ApiQuery<AddParams>,
) -> ApiResult<Json<Answer<NaiveDate>>> {
    s.store
        .calendar()
        .await?
        .checked_add_working_days(p.date, p.days)
        .map(Json)
        .ok_or_else(|| ApiError::field("days", "range", "日期超出可计算范围"))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BetweenParams {
    from: NaiveDate,
    to: NaiveDate,
    /// Count both ends (`from <= d <= to`) instead of `from < d <= to`.
    #[serde(default)]
    inclusive: bool,
}

/// Working days between two dates.
#[utoipa::path(get, path = "/api/v1/calendar/between", tag = "calendar", params(BetweenParams),
    responses((status = 200, body = serde_json::Value)))]
pub async fn between(
    State(s): State<AppState>,
    _u: CurrentUser,
    ApiQuery(p): ApiQuery<BetweenParams>,
) -> ApiResult<Json<Answer<i64>>> {
    let cal = s.store.calendar().await?;
    Ok(Json(if p.inclusive {
        cal.working_days_inclusive(p.from, p.to)
    } else {
        cal.working_days_between(p.from, p.to)
    }))
}
