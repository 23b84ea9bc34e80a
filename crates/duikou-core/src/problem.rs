//! Problems (问题 / 堵点) that hold a project up, each with an owner and a due date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Errors, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCategory {
    Agreement,
    Planning,
    Land,
    Expropriation,
    Relocation,
    LandSupply,
    Funding,
    Permits,
    Other,
}

impl ProblemCategory {
    pub fn label_zh(self) -> &'static str {
        match self {
            ProblemCategory::Agreement => "协议",
            ProblemCategory::Planning => "规划",
            ProblemCategory::Land => "土地",
            ProblemCategory::Expropriation => "征收",
            ProblemCategory::Relocation => "动迁",
            ProblemCategory::LandSupply => "供地",
            ProblemCategory::Funding => "资金",
            ProblemCategory::Permits => "审批手续",
            ProblemCategory::Other => "其他",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    Open,
    InProgress,
    Resolved,
}

fn open() -> ProblemStatus {
    ProblemStatus::Open
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProblemFields {
    pub category: ProblemCategory,
    pub description: String,
    pub owner_org_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::dates::sane_opt")]
    pub due_date: Option<NaiveDate>,
    #[serde(default = "open")]
    pub status: ProblemStatus,
    pub resolution: Option<String>,
    #[serde(default, deserialize_with = "crate::dates::sane_opt")]
    pub resolved_on: Option<NaiveDate>,
}

impl ProblemFields {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        crate::validate::name(
            &mut errs,
            "description",
            &self.description,
            crate::text::TextKind::Text,
        );
        crate::validate::optional_text(
            &mut errs,
            "resolution",
            self.resolution.as_deref(),
            crate::text::TextKind::Text,
        );
        if self.status == ProblemStatus::Resolved
            && self
                .resolution
                .as_deref()
                .map(str::trim)
                .unwrap_or("")
                .is_empty()
        {
            errs.push("resolution", "required", "问题解决时须填写解决情况");
        }
        if self.status != ProblemStatus::Resolved && self.resolved_on.is_some() {
            errs.push("resolved_on", "inconsistent", "未解决的问题不能有解决日期");
        }
        errs.finish()
    }
}

/// A stored problem: its fields and its identity (a flat JSON object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub id: i64,
    pub project_id: i64,
    #[serde(flatten)]
    pub fields: ProblemFields,
    pub version: i64,
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Problem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use crate::openapi::{flattened, int64};
        flattened(
            <ProblemFields as utoipa::PartialSchema>::schema(),
            vec![
                ("id", int64()),
                ("project_id", int64()),
                ("version", int64()),
            ],
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Problem {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <ProblemFields as utoipa::ToSchema>::schemas(schemas);
    }
}
