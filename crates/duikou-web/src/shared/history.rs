//! `…/history`: every recorded change of a record — who, when, before and after.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use duikou_store::ChangeEntry;

use crate::shared::api::ListBody;
use crate::shared::auth::CurrentUser;
use crate::shared::error::{ApiError, ApiResult};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/regions/{code}/history", get(region))
        .route("/api/v1/orgs/{id}/history", get(org))
        .route("/api/v1/partnerships/{key}/history", get(partnership))
        .route(
            "/api/v1/projects/{id}/progress-reports/{report_id}/history",
            get(report),
        )
        .route(
            "/api/v1/projects/{id}/problems/{problem_id}/history",
            get(problem),
        )
}

async fn entries(
    s: &AppState,
    kind: &str,
    id: &str,
    what: &str,
) -> ApiResult<Json<ListBody<ChangeEntry>>> {
    let entries = s.store.history(kind, id).await?;
    if entries.is_empty() {
        return Err(ApiError::not_found(what));
    }
    Ok(Json(ListBody::all(entries)))
}

#[utoipa::path(get, path = "/api/v1/regions/{code}/history", tag = "history", responses((status = 200, body = serde_json::Value)))]
pub async fn region(
    State(s): State<AppState>,
    _u: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<ListBody<ChangeEntry>>> {
    entries(&s, "region", &code, "行政区划").await
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/history", tag = "history", responses((status = 200, body = serde_json::Value)))]
pub async fn org(
    State(s): State<AppState>,
    _u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<ListBody<ChangeEntry>>> {
    entries(&s, "org", &id.to_string(), "单位").await
}

#[utoipa::path(get, path = "/api/v1/partnerships/{key}/history", tag = "history", responses((status = 200, body = serde_json::Value)))]
pub async fn partnership(
    State(s): State<AppState>,
    _u: CurrentUser,
    Path(key): Path<String>,
) -> ApiResult<Json<ListBody<ChangeEntry>>> {
    let p = crate::admin::partnerships::resolve(&s, &key).await?;
    entries(&s, "partnership", &p.id.to_string(), "合作关系").await
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/progress-reports/{report_id}/history", tag = "history", responses((status = 200, body = serde_json::Value)))]
pub async fn report(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, rid)): Path<(i64, i64)>,
) -> ApiResult<Json<ListBody<ChangeEntry>>> {
    // The report must belong to this project, or one project's rights would open another's;
    // a withdrawn report's history stays readable.
    let h = u.scoped(&s.store).progress_report_history(id, rid).await?;
    Ok(Json(ListBody::all(h)))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/problems/{problem_id}/history", tag = "history", responses((status = 200, body = serde_json::Value)))]
pub async fn problem(
    State(s): State<AppState>,
    u: CurrentUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> ApiResult<Json<ListBody<ChangeEntry>>> {
    u.scoped(&s.store).problem(id, pid).await?;
    entries(&s, "problem", &pid.to_string(), "问题").await
}
