//! What every JSON handler shares: list bodies, paging and list filters.

use serde::{Deserialize, Serialize};

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
) -> crate::shared::error::ApiResult<T> {
    r.map_err(|e| match &e {
        duikou_store::StoreError::NotFound { kind, .. } => match param(kind) {
            Some(field) => crate::shared::error::ApiError::field(field, "not_found", e.to_string()),
            None => e.into(),
        },
        _ => e.into(),
    })
}

/// The `limit` (1..=500, default 50) and `offset` (≥ 0, default 0) of a list request.
pub fn page_of(
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<(i64, i64), crate::shared::error::ApiError> {
    use crate::shared::error::ApiError;
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
