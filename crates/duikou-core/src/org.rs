//! Organisations (单位): offices, departments, district governments, zone committees,
//! enterprises and universities.

use serde::{Deserialize, Serialize};

use crate::error::{Errors, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 合作办 and other government offices
    Office,
    /// 委办局 (a department)
    Department,
    /// 区县政府
    DistrictGovernment,
    /// 园区管委会
    ZoneCommittee,
    Enterprise,
    University,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] = [
        OrgKind::Office,
        OrgKind::Department,
        OrgKind::DistrictGovernment,
        OrgKind::ZoneCommittee,
        OrgKind::Enterprise,
        OrgKind::University,
        OrgKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Office => "office",
            OrgKind::Department => "department",
            OrgKind::DistrictGovernment => "district_government",
            OrgKind::ZoneCommittee => "zone_committee",
            OrgKind::Enterprise => "enterprise",
            OrgKind::University => "university",
            OrgKind::Other => "other",
        }
    }
    pub fn parse(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Org {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub region_code: String,
    pub parent_id: Option<i64>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    pub name: String,
    pub kind: OrgKind,
    pub region_code: String,
    pub parent_id: Option<i64>,
}

impl OrgInput {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        crate::validate::name(&mut errs, "name", &self.name, crate::text::TextKind::Name);
        if let Err(e) = crate::region::RegionCode::parse(&self.region_code) {
            errs.push("region_code", "region_code", e.0[0].message.clone());
        }
        errs.finish()
    }
}
