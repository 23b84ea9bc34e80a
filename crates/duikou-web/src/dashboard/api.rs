//! `/api/v1/stats/projects`: headline statistics for a scope as of a date.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use duikou_core::project::Category;
use duikou_core::stats::ProjectStats;
use duikou_store::{StatsQuery, StatsScope};
use serde::{Deserialize, Serialize};

use crate::projects::api::known;
use crate::shared::auth::CurrentUser;
use crate::shared::error::{ApiError, ApiResult};
use crate::shared::extract::ApiQuery;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/stats/projects", get(project_stats))
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Projects hosted in the region (credited to the receiving side).
    Host,
    /// Projects whose investors come from the region (attributed to the sending side).
    Source,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsParams {
    /// Partnership id or slug (with the partnerships nested under it).
    partnership: Option<String>,
    /// Region code (with its subtree).
    region: Option<String>,
    /// With `region`: count hosted projects (default) or projects from the region.
    side: Option<Side>,
    /// Evaluate each project as of this date (default today).
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    as_of: Option<NaiveDate>,
    category: Option<Category>,
    /// In yuan; e.g. 100000000 for projects of 1亿 and above.
    min_planned_investment: Option<i64>,
    /// Period start (inclusive), with `to`: which projects entered each stage within it.
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    from: Option<NaiveDate>,
    /// Period end (inclusive).
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatsBody {
    /// `all`, `partnership:SLUG`, `region:CODE` or `source_region:CODE`.
    pub scope: String,
    #[serde(flatten)]
    pub stats: ProjectStats,
}

/// Counts and money sums by stage and category, the funnel of stages reached, projects of
/// ≥1亿元, and (with `from`/`to`) the projects that entered each stage within the period —
/// each project as it stood on `as_of`, counted once however many scopes hold it.
#[utoipa::path(get, path = "/api/v1/stats/projects", tag = "stats", params(StatsParams),
    responses((status = 200, body = StatsBody), (status = 422, body = crate::shared::error::ErrorBody)))]
pub async fn project_stats(
    State(s): State<AppState>,
    u: CurrentUser,
    ApiQuery(p): ApiQuery<StatsParams>,
) -> ApiResult<Json<StatsBody>> {
    let (scope, label) = match (&p.partnership, &p.region) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "region",
                "conflict",
                "partnership 与 region 只能选其一",
            ))
        }
        (Some(key), None) => {
            let ps = known(
                crate::admin::partnerships::resolve(&s, key).await,
                "partnership",
            )?;
            (
                StatsScope::Partnership(ps.id),
                format!("partnership:{}", ps.slug),
            )
        }
        (None, Some(code)) => {
            known(s.store.region(code).await.map_err(ApiError::from), "region")?;
            match p.side.unwrap_or(Side::Host) {
                Side::Host => (
                    StatsScope::HostRegion(code.clone()),
                    format!("region:{code}"),
                ),
                Side::Source => (
                    StatsScope::SourceRegion(code.clone()),
                    format!("source_region:{code}"),
                ),
            }
        }
        (None, None) => {
            if p.side.is_some() {
                return Err(ApiError::field(
                    "side",
                    "requires_region",
                    "side 须与 region 一起使用",
                ));
            }
            (StatsScope::All, "all".to_owned())
        }
    };
    let period = match (p.from, p.to) {
        (None, None) => None,
        (Some(from), Some(to)) if from <= to => Some((from, to)),
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "to",
                "date_order",
                "统计期结束日期不能早于开始日期",
            ))
        }
        (Some(_), None) => return Err(ApiError::field("to", "required", "须同时给出 from 和 to")),
        (None, Some(_)) => {
            return Err(ApiError::field("from", "required", "须同时给出 from 和 to"))
        }
    };
    if p.min_planned_investment.is_some_and(|m| m < 0) {
        return Err(ApiError::field(
            "min_planned_investment",
            "negative",
            "金额不能为负数",
        ));
    }
    let query = StatsQuery {
        scope,
        as_of: p.as_of.unwrap_or_else(|| s.today()),
        category: p.category,
        min_planned_investment: p.min_planned_investment,
        period,
    };
    let stats = u.scoped(&s.store).project_stats(&query).await?;
    Ok(Json(StatsBody {
        scope: label,
        stats,
    }))
}
