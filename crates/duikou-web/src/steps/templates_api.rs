//! `/api/v1/templates`: step templates (流程模板), versioned; import and export as JSON.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use duikou_core::steps::Template;
use serde::Deserialize;

use crate::shared::api::{ListBody, NoParams};
use crate::shared::auth::{Admin, CurrentUser};
use crate::shared::error::ApiResult;
use crate::shared::extract::{ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/templates", get(list).post(create))
        .route("/api/v1/templates/{key}", get(read))
}

/// Every template at its latest version.
#[utoipa::path(get, path = "/api/v1/templates", tag = "steps",
    responses((status = 200, body = ListBody<serde_json::Value>)))]
pub async fn list(
    State(s): State<AppState>,
    _u: CurrentUser,
    ApiQuery(_): ApiQuery<NoParams>,
) -> ApiResult<Json<ListBody<duikou_store::TemplateSummary>>> {
    Ok(Json(ListBody::all(s.store.templates().await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TemplateParams {
    /// A version; the latest when absent.
    version: Option<i32>,
}

/// A template as JSON (the export format; POST it back to import).
#[utoipa::path(get, path = "/api/v1/templates/{key}", tag = "steps", params(TemplateParams),
    responses((status = 200, body = Template), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    _u: CurrentUser,
    Path(key): Path<String>,
    ApiQuery(p): ApiQuery<TemplateParams>,
) -> ApiResult<Json<Template>> {
    Ok(Json(s.store.template(&key, p.version).await?))
}

/// Imports a template: stored as the next version of its key. Projects already using an
/// older version keep it.
#[utoipa::path(post, path = "/api/v1/templates", tag = "steps", request_body = Template,
    responses((status = 201, body = Template), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Admin(u): Admin,
    ApiJson(template): ApiJson<Template>,
) -> ApiResult<impl IntoResponse> {
    let saved = u.scoped(&s.store).save_template(&template).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}
