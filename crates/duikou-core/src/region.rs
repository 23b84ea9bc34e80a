//! Regions (行政区划): provinces, cities and districts by GB/T 2260 code, and development zones
//! as regions of kind `zone`. A region's `path` lists its ancestors' codes so that a subtree is
//! one prefix range.

use serde::{Deserialize, Serialize};

use crate::error::{Errors, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Province,
    City,
    District,
    Zone,
}

impl RegionKind {
    pub fn code(self) -> &'static str {
        match self {
            RegionKind::Province => "province",
            RegionKind::City => "city",
            RegionKind::District => "district",
            RegionKind::Zone => "zone",
        }
    }
    pub fn parse(code: &str) -> Option<RegionKind> {
        [Self::Province, Self::City, Self::District, Self::Zone]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A 6-digit region code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(text: &str) -> Result<RegionCode, ValidationError> {
        let t = text.trim();
        if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(RegionCode(t.to_owned()))
        } else {
            Err(ValidationError::one(
                "code",
                "region_code",
                format!("行政区划代码应为6位数字：{text}"),
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegionCode {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(value: RegionCode) -> Self {
        value.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub code: String,
    pub name: String,
    pub kind: RegionKind,
    pub parent_code: Option<String>,
    /// "/210000/210100/210112/": the codes from the root down to this region.
    pub path: String,
    pub version: i64,
}

/// What a caller may set on a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
    pub kind: RegionKind,
    pub parent_code: Option<String>,
}

/// The materialized path of a region below `parent_path` (or at the root).
pub fn region_path(parent_path: Option<&str>, code: &str) -> String {
    format!("{}{code}/", parent_path.unwrap_or("/"))
}

impl RegionInput {
    /// Checks the code's shape against its kind and its parent: a province ends in 0000, a city
    /// in 00 under its province's two digits, a district under its city's four (or directly
    /// under a province for province-administered counties); zones may carry any code.
    pub fn validate(&self, parent: Option<&Region>) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        errs.check(RegionCode::parse(&self.code));
        crate::validate::name(&mut errs, "name", &self.name, crate::text::TextKind::Label);
        let code = self.code.as_str();
        match (self.kind, parent) {
            (RegionKind::Province, None) => {
                if !code.ends_with("0000") {
                    errs.push("code", "region_code", "省级行政区划代码应以0000结尾");
                }
            }
            (RegionKind::Province, Some(_)) => {
                errs.push("parent_code", "region_parent", "省级行政区划不能有上级")
            }
            (_, None) => errs.push("parent_code", "required", "须指定上级行政区划"),
            (RegionKind::Zone, Some(_)) => {}
            (kind, Some(p)) => {
                let prefix_len = match p.kind {
                    RegionKind::Province => 2,
                    RegionKind::City => 4,
                    _ => 0,
                };
                let fits = prefix_len > 0
                    && code.get(..prefix_len) == p.code.get(..prefix_len)
                    && (kind != RegionKind::City || code.ends_with("00"));
                if !fits {
                    errs.push(
                        "code",
                        "region_code",
                        format!("代码{code}与上级行政区划{}不符", p.code),
                    );
                }
            }
        }
        errs.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, kind: RegionKind) -> Region {
        Region {
            code: code.into(),
            name: "x".into(),
            kind,
            parent_code: None,
            path: region_path(None, code),
            version: 1,
        }
    }

    fn input(code: &str, kind: RegionKind) -> RegionInput {
        RegionInput {
            code: code.into(),
            name: "沈阳市".into(),
            kind,
            parent_code: None,
        }
    }

    #[test]
    fn a_city_must_sit_under_its_province_code() {
        let ln = region("210000", RegionKind::Province);
        assert!(input("210100", RegionKind::City)
            .validate(Some(&ln))
            .is_ok());
        let err = input("220100", RegionKind::City)
            .validate(Some(&ln))
            .unwrap_err();
        assert_eq!(err.0[0].field, "code");
    }

    #[test]
    fn a_zone_may_carry_any_code_under_any_parent() {
        let dl = region("210200", RegionKind::City);
        assert!(input("210291", RegionKind::Zone)
            .validate(Some(&dl))
            .is_ok());
    }

    #[test]
    fn a_province_code_ends_in_four_zeros() {
        assert!(input("210100", RegionKind::Province)
            .validate(None)
            .is_err());
        assert!(input("21000", RegionKind::Province).validate(None).is_err());
    }

    #[test]
    fn paths_nest() {
        let p = region_path(None, "210000");
        assert_eq!(region_path(Some(&p), "210100"), "/210000/210100/");
    }
}
