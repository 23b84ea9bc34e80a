//! `/api/v1/projects`: the major-project library (重大项目推进库), its stage transitions and
//! history.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use duikou_core::project::{Category, Project, StageChange};
use duikou_core::Stage;
use duikou_store::{
    ChangeEntry, NewProject, ProjectCursor, ProjectFilter, ProjectSort, ProjectStart,
    TransitionInput,
};
use serde::{Deserialize, Serialize};

use crate::projects::body::ProjectBody;
use crate::shared::api::{ListBody, NoParams};
use crate::shared::auth::CurrentUser;
use crate::shared::error::{ApiError, ApiResult};
use crate::shared::extract::{etag, if_match, ApiJson, ApiQuery};
use crate::shared::path::Path;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(list).post(create))
        .route(
            "/api/v1/projects/{id}",
            get(read).put(update).delete(remove),
        )
        .route(
            "/api/v1/projects/{id}/transitions",
            post(transition).get(transitions),
        )
        .route("/api/v1/projects/{id}/history", get(history))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProjectParams {
    /// Partnership id or slug; nested partnerships are included.
    partnership: Option<String>,
    /// Host region code; its whole subtree is included.
    region: Option<String>,
    /// Host zone (a region of kind zone); same as `region`.
    zone: Option<String>,
    /// Source region code; its whole subtree is included.
    source_region: Option<String>,
    stage: Option<Stage>,
    /// At this main-line stage or beyond it (the funnel's 签约及以后); not a side state.
    reached: Option<Stage>,
    /// Only the projects whose agreement amount the statistics count: signed or beyond, or
    /// paused or stopped (not 线索 or 洽谈).
    agreed: Option<bool>,
    category: Option<Category>,
    industry: Option<String>,
    /// In yuan.
    min_planned_investment: Option<i64>,
    /// Part of the name.
    q: Option<String>,
    updated_since: Option<DateTime<Utc>>,
    generated: Option<bool>,
    /// `name`, `planned_investment`, `agreement_amount`, `stage_since`, `updated_at` or `id`;
    /// prefix `-` for descending.
    sort: Option<String>,
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip (page numbers); not with `after`.
    offset: Option<i64>,
    /// The `next` cursor of the previous page: the page that follows it. Cheaper than a large
    /// `offset` and stable while rows are added or removed.
    after: Option<String>,
}

/// A page of the project list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectListBody {
    pub items: Vec<Project>,
    /// The number of matches when `total_exact`; otherwise at least this many (counting stops
    /// past 10 000).
    pub total: i64,
    pub total_exact: bool,
    pub limit: i64,
    pub offset: i64,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<String>,
}

/// The text of a cursor: URL-safe base64 of its JSON.
fn cursor_text(c: &ProjectCursor) -> String {
    use base64::Engine;
    let json = serde_json::to_vec(c).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// A cursor sent back, checked against the order asked for (400 naming `after` when it was
/// not made by this list in this order).
fn cursor_of(text: &str, sort: ProjectSort, descending: bool) -> ApiResult<ProjectCursor> {
    use base64::Engine;
    let bad = || {
        let mut e = ApiError::field("after", "malformed", "after 不是本列表按此排序给出的游标");
        e.status = StatusCode::BAD_REQUEST;
        e.code = "bad_cursor";
        e
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| bad())?;
    let cursor: ProjectCursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if cursor.fits(sort, descending) {
        Ok(cursor)
    } else {
        Err(bad())
    }
}

/// Lists projects with filters, sorting and paging by `offset` or by the `after` cursor;
/// `total` counts matches exactly up to 10 000 (`total_exact`).
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectParams),
    responses((status = 200, body = ProjectListBody), (status = 400, body = crate::shared::error::ErrorBody),
        (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiQuery(p): ApiQuery<ProjectParams>,
) -> ApiResult<Json<ProjectListBody>> {
    let (limit, offset) = crate::shared::api::page_of(p.limit, p.offset)?;
    // By id unless asked: the order keyset paging (`after`) walks.
    let (sort, descending) = match p.sort.as_deref() {
        None => (ProjectSort::Id, false),
        Some(text) => ProjectSort::parse_signed(text).ok_or_else(|| {
            let key = text.trim_start_matches('-');
            ApiError::field("sort", "unknown_sort", format!("不支持按 {key} 排序"))
        })?,
    };
    let start = match (&p.after, p.offset) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "after",
                "with_offset",
                "after 与 offset 不能同时使用",
            ))
        }
        (Some(text), None) => ProjectStart::After(Some(cursor_of(text, sort, descending)?)),
        (None, _) => ProjectStart::Offset(offset),
    };
    let partnership_id = match &p.partnership {
        Some(key) => Some(
            known(
                crate::admin::partnerships::resolve(&s, key).await,
                "partnership",
            )?
            .id,
        ),
        None => None,
    };
    if let Some(side) = p.reached.filter(|s| !s.is_main_line()) {
        return Err(ApiError::field(
            "reached",
            "not_main_line",
            format!("{}不是主线阶段，没有“及以后”", side.label_zh()),
        ));
    }
    let filter = ProjectFilter {
        partnership_id,
        host_region: p.region.or(p.zone),
        source_region: p.source_region,
        stage: p.stage,
        reached: p.reached,
        agreed: p.agreed.unwrap_or(false),
        category: p.category,
        industry: p.industry,
        min_planned_investment: p.min_planned_investment,
        name_contains: p.q.filter(|q| !q.trim().is_empty()),
        updated_since: p.updated_since,
        generated: p.generated,
    };
    let page = u
        .scoped(&s.store)
        .projects(&filter, sort, descending, limit, &start)
        .await
        .map_err(|e| match e {
            duikou_store::StoreError::NotFound { kind: "region", id } => ApiError::field(
                "region",
                "unknown_region",
                format!("行政区划代码{id}不存在"),
            ),
            other => other.into(),
        })?;
    Ok(Json(ProjectListBody {
        items: page.items,
        total: page.total,
        total_exact: page.total_exact,
        limit: page.limit,
        offset: page.offset,
        next: page.next.as_ref().map(cursor_text),
    }))
}

/// A filter naming a record that does not exist is a bad parameter, not a missing page.
pub(crate) fn known<T>(r: ApiResult<T>, param: &str) -> ApiResult<T> {
    r.map_err(|e| {
        if e.status == StatusCode::NOT_FOUND {
            ApiError::field(param, "unknown", e.message)
        } else {
            e
        }
    })
}

/// Creates a project, entered in the given stage (default `lead`) since the given date.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectBody,
    responses((status = 201, body = Project),
        (status = 403, description = "a host region, owner org or partnership out of the caller's rights (code out_of_scope, each field named)", body = crate::shared::error::ErrorBody),
        (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiJson(body): ApiJson<ProjectBody>,
) -> ApiResult<impl IntoResponse> {
    let (fields, stage, since) = body.into_fields()?;
    let new = NewProject {
        fields,
        stage: stage.unwrap_or(Stage::Lead),
        stage_since: since.unwrap_or_else(|| s.today()),
    };
    let p = u.scoped(&s.store).create_project(&new).await?;
    Ok((StatusCode::CREATED, etag(p.version), Json(p)))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    responses((status = 200, body = Project), (status = 404, body = crate::shared::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let p = u.scoped(&s.store).project(id).await?;
    Ok((etag(p.version), Json(p)))
}

/// Replaces a project's fields. Requires `If-Match`; the stage moves only by transitions.
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", request_body = ProjectBody,
    params(("id" = i64, Path, description = "project id"), crate::openapi::IfMatch),
    responses((status = 200, body = Project),
        (status = 403, description = "read-only for the caller, or moved to a host region, owner org or partnership out of their rights (out_of_scope)", body = crate::shared::error::ErrorBody),
        (status = 404, body = crate::shared::error::ErrorBody), (status = 412, body = crate::shared::error::ErrorBody),
        (status = 422, body = crate::shared::error::ErrorBody), (status = 428, body = crate::shared::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ProjectBody>,
) -> ApiResult<impl IntoResponse> {
    let expected = if_match(&headers)?;
    if body.stage.is_some() || body.stage_since.is_some() {
        return Err(ApiError::field(
            if body.stage.is_some() {
                "stage"
            } else {
                "stage_since"
            },
            "use_transition",
            "项目阶段须通过“推进阶段”（POST /api/v1/projects/{id}/transitions）修改",
        ));
    }
    let (fields, _, _) = body.into_fields()?;
    let p = u
        .scoped(&s.store)
        .update_project(id, expected, &fields)
        .await?;
    Ok((etag(p.version), Json(p)))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}", tag = "projects", params(crate::openapi::IfMatch),
    responses((status = 204), (status = 412, body = crate::shared::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = if_match(&headers)?;
    u.scoped(&s.store).delete_project(id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    pub to: Stage,
    /// Default today.
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    pub effective_date: Option<NaiveDate>,
    pub reason: Option<String>,
    /// An administrator's override of the stage rules (e.g. landing before signing).
    #[serde(default, rename = "override")]
    pub override_rules: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TransitionResult {
    pub project: Project,
    pub change: StageChange,
}

/// Moves a project to another stage under the stage rules. `If-Match` is optional here: the
/// rules are checked against the stored stage in the same transaction.
#[utoipa::path(post, path = "/api/v1/projects/{id}/transitions", tag = "projects", params(crate::openapi::IfMatchOptional),
    request_body = TransitionBody,
    responses((status = 201, body = TransitionResult), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn transition(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TransitionBody>,
) -> ApiResult<impl IntoResponse> {
    let expected = match headers.contains_key(axum::http::header::IF_MATCH) {
        true => if_match(&headers)?,
        false => None,
    };
    let input = TransitionInput {
        to: body.to,
        effective_date: body.effective_date,
        reason: body.reason,
        override_rules: body.override_rules,
    };
    let (project, change) = u.scoped(&s.store).transition(id, expected, &input).await?;
    Ok((
        StatusCode::CREATED,
        etag(project.version),
        Json(TransitionResult { project, change }),
    ))
}

/// The dated stage history of a project.
#[utoipa::path(get, path = "/api/v1/projects/{id}/transitions", tag = "projects",
    responses((status = 200, body = ListBody<StageChange>)))]
pub async fn transitions(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(_): ApiQuery<NoParams>,
) -> ApiResult<Json<ListBody<StageChange>>> {
    u.scoped(&s.store).project(id).await?;
    Ok(Json(ListBody::all(
        u.scoped(&s.store).stage_changes(id).await?,
    )))
}

/// Every recorded change of a project: who, when, before and after.
#[utoipa::path(get, path = "/api/v1/projects/{id}/history", tag = "projects",
    responses((status = 200, body = ListBody<serde_json::Value>)))]
pub async fn history(
    State(s): State<AppState>,
    u: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<ListBody<ChangeEntry>>> {
    let entries = u.scoped(&s.store).project_history(id).await?;
    if entries.is_empty() {
        return Err(ApiError::not_found("项目"));
    }
    Ok(Json(ListBody::all(entries)))
}
