//! Partnerships (对口合作关系): two sides cooperating, possibly nested (district pairs under a
//! city pair).

use serde::{Deserialize, Serialize};

use crate::error::{Errors, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartnershipKind {
    /// 对口合作 between provinces or cities
    Counterpart,
    /// 区县结对
    DistrictPairing,
    /// 园区结对
    ZonePairing,
    Other,
}

impl PartnershipKind {
    pub const ALL: [PartnershipKind; 4] = [
        PartnershipKind::Counterpart,
        PartnershipKind::DistrictPairing,
        PartnershipKind::ZonePairing,
        PartnershipKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PartnershipKind::Counterpart => "counterpart",
            PartnershipKind::DistrictPairing => "district_pairing",
            PartnershipKind::ZonePairing => "zone_pairing",
            PartnershipKind::Other => "other",
        }
    }
    pub fn parse(code: &str) -> Option<PartnershipKind> {
        PartnershipKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One side of a partnership: a region, an org, or both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Side {
    #[serde(default)]
    pub region_code: Option<String>,
    #[serde(default)]
    pub org_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Partnership {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: PartnershipKind,
    pub parent_id: Option<i64>,
    /// Side A, by convention the sending side (e.g. 北京 in 京沈).
    pub side_a: Side,
    /// Side B, by convention the receiving side (e.g. 沈阳 in 京沈).
    pub side_b: Side,
    pub since: Option<chrono::NaiveDate>,
    pub path: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartnershipInput {
    pub slug: String,
    pub name: String,
    pub kind: PartnershipKind,
    pub parent_id: Option<i64>,
    pub side_a: Side,
    pub side_b: Side,
    pub since: Option<chrono::NaiveDate>,
}

/// A slug is lowercase ASCII letters, digits and single hyphens: `beijing-shenyang`.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 60
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

impl PartnershipInput {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        if !valid_slug(&self.slug) {
            errs.push(
                "slug",
                "slug",
                "标识只能由小写字母、数字和连字符组成，如 beijing-shenyang",
            );
        }
        crate::validate::name(&mut errs, "name", &self.name, crate::text::TextKind::Name);
        for (field, side) in [("side_a", &self.side_a), ("side_b", &self.side_b)] {
            if side.region_code.is_none() && side.org_id.is_none() {
                errs.push(field, "required", "合作一方须指定行政区划或单位");
            }
        }
        errs.finish()
    }
}

/// The materialized path of a partnership: its ancestors' ids and its own, "/1/7/".
pub fn partnership_path(parent_path: Option<&str>, id: i64) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert!(valid_slug("beijing-shenyang"));
        assert!(!valid_slug("Beijing-Shenyang"));
        assert!(!valid_slug("beijing--shenyang"));
        assert!(!valid_slug("-x"));
        assert!(!valid_slug("京沈"));
    }
}
