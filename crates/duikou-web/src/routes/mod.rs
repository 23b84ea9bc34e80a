//! Routes of the JSON API, one module per resource.

pub(crate) mod calendar;
pub(crate) mod health;
pub(crate) mod history;
pub(crate) mod orgs;
pub(crate) mod partnerships;
pub(crate) mod problems;
pub(crate) mod project_body;
pub(crate) mod projects;
pub(crate) mod regions;
pub(crate) mod reports;
pub(crate) mod session;
pub(crate) mod slips;
pub(crate) mod stats;
pub(crate) mod steps;
pub(crate) mod templates;
pub(crate) mod users;
pub(crate) mod warnings;

use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(regions::router())
        .merge(orgs::router())
        .merge(partnerships::router())
        .merge(projects::router())
        .merge(reports::router())
        .merge(problems::router())
        .merge(stats::router())
        .merge(templates::router())
        .merge(steps::router())
        .merge(calendar::router())
        .merge(session::router())
        .merge(users::router())
        .merge(history::router())
        .merge(warnings::router())
        .merge(slips::router())
}

/// A list response: the items of one page and the total that matched.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListBody<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl<T> ListBody<T> {
    pub fn all(items: Vec<T>) -> Self {
        let n = items.len() as i64;
        Self {
            items,
            total: n,
            limit: n,
            offset: 0,
        }
    }
}

/// A list's filter that names a record which does not exist (or which the caller may not
/// read) is bad input in the query: 422 naming the parameter, as for any bad parameter, not a
/// 404 of the list's own address. `param` maps the missing record's kind to its parameter.
pub fn filtered<T>(
    r: Result<T, duikou_store::StoreError>,
    param: impl Fn(&str) -> Option<&'static str>,
) -> crate::error::ApiResult<T> {
    r.map_err(|e| match &e {
        duikou_store::StoreError::NotFound { kind, .. } => match param(kind) {
            Some(field) => crate::error::ApiError::field(field, "not_found", e.to_string()),
            None => e.into(),
        },
        _ => e.into(),
    })
}

/// The `limit` (1..=500, default 50) and `offset` (≥ 0, default 0) of a list request.
pub fn page_of(
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<(i64, i64), crate::error::ApiError> {
    use crate::error::ApiError;
    let limit = limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "range", "limit 须在1到500之间"));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::field("offset", "range", "offset 不能为负数"));
    }
    Ok((limit, offset))
}

impl<T> From<duikou_store::Page<T>> for ListBody<T> {
    fn from(p: duikou_store::Page<T>) -> Self {
        Self {
            items: p.items,
            total: p.total,
            limit: p.limit,
            offset: p.offset,
        }
    }
}

/// The page of a list that takes nothing else: `limit` (1..=500, default 50) and `offset`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// 1..=500, default 50.
    pub limit: Option<i64>,
    /// Rows to skip, default 0.
    pub offset: Option<i64>,
}

/// An empty query string: lists without filters still refuse unknown parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}
